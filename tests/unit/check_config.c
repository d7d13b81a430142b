/* check_config — portal.conf is read right and refused with file:line: reason. */
#include "pt_config.h"
#include "portal.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char conf_path[64];

static void write_conf(const char *text)
{
    strcpy(conf_path, "/tmp/check_config.XXXXXX");
    int fd = mkstemp(conf_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static struct pt_config *load_ok(const char *text)
{
    struct pt_config *c = NULL;
    char err[512] = "";

    write_conf(text);
    ck_assert_msg(pt_config_load(conf_path, &c, err, sizeof(err)) == 0, "refused: %s", err);
    unlink(conf_path);
    return c;
}

static void load_refused(const char *text, const char *expect)
{
    struct pt_config *c = NULL;
    char err[512] = "";

    write_conf(text);
    ck_assert_int_eq(pt_config_load(conf_path, &c, err, sizeof(err)), PT_EINVAL);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err, conf_path) != NULL, "no file name in: %s", err);
    ck_assert_msg(strstr(err, expect) != NULL, "expected '%s' in: %s", expect, err);
    unlink(conf_path);
}

START_TEST(test_defaults_and_values)
{
    struct pt_config *c = load_ok("[server]\nsocket = /tmp/x.sock\nworkers = 3\n"
                                  "socket_mode = 0600\nmodules = health, home\n"
                                  "[limits]\nmax_body = 2048\nmax_field = 100\nmax_upload = 1024\n"
                                  "[hosts]\nPortal.Example.COM = acme\n"
                                  "[database]\nname = portal\n");
    ck_assert_str_eq(c->socket_path, "/tmp/x.sock");
    ck_assert_uint_eq(c->workers, 3);
    ck_assert_uint_eq(c->socket_mode, 0600);
    ck_assert_uint_eq(c->job_workers, 1);
    ck_assert_uint_eq(c->max_requests, 10000);
    ck_assert_uint_eq(c->n_modules, 2);
    ck_assert_str_eq(c->modules[0], "health");
    ck_assert_str_eq(c->modules[1], "home");
    ck_assert_uint_eq(c->limits.max_body, 2048);
    ck_assert_uint_eq(c->limits.max_parts, 1000);
    ck_assert_uint_eq(c->n_hosts, 1);
    ck_assert_str_eq(c->hosts[0].host, "portal.example.com");
    ck_assert_str_eq(c->hosts[0].set, "acme");
    ck_assert_str_eq(pt_config_value(c, "database", "name"), "portal");
    ck_assert_ptr_null(pt_config_value(c, "database", "user"));
    pt_config_free(c);
}
END_TEST

START_TEST(test_bad_number_names_line)
{
    load_refused("[server]\nsocket = /tmp/x\n\nworkers = many\n", ":4: workers must be a number");
}
END_TEST

START_TEST(test_out_of_range_refused)
{
    load_refused("[server]\nsocket = /tmp/x\nworkers = 0\n", ":3: workers");
    load_refused("[server]\nsocket = /tmp/x\nsocket_mode = 0999\n", ":3: socket_mode");
    load_refused("[server]\nsocket = /tmp/x\nworkers = -1\n", ":3:");
}
END_TEST

START_TEST(test_unknown_key_refused)
{
    load_refused("[server]\nsocket = /tmp/x\nwrokers = 4\n", ":3: unknown key 'wrokers' in [server]");
    load_refused("[limits]\nmax_bodyy = 4\n", ":2: unknown key 'max_bodyy'");
}
END_TEST

START_TEST(test_syntax_error_refused)
{
    load_refused("[server\nsocket = /tmp/x\n", ":1:");
}
END_TEST

START_TEST(test_bad_module_name_refused)
{
    load_refused("[server]\nsocket = /tmp/x\nmodules = health, ../evil\n",
                 "module name '../evil'");
}
END_TEST

START_TEST(test_missing_socket_refused)
{
    unsetenv("LISTEN_FDS");
    load_refused("[server]\nworkers = 2\n", "socket is required");
}
END_TEST

START_TEST(test_missing_file_refused)
{
    struct pt_config *c = NULL;
    char err[512];

    ck_assert_int_eq(pt_config_load("/nonexistent/portal.conf", &c, err, sizeof(err)), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/portal.conf: cannot open"));
}
END_TEST

START_TEST(test_limits_must_fit_body)
{
    load_refused("[server]\nsocket = /tmp/x\n[limits]\nmax_body = 2048\nmax_field = 4096\n",
                 "must not exceed max_body");
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("load");

    tcase_add_test(tc, test_defaults_and_values);
    tcase_add_test(tc, test_bad_number_names_line);
    tcase_add_test(tc, test_out_of_range_refused);
    tcase_add_test(tc, test_unknown_key_refused);
    tcase_add_test(tc, test_syntax_error_refused);
    tcase_add_test(tc, test_bad_module_name_refused);
    tcase_add_test(tc, test_missing_socket_refused);
    tcase_add_test(tc, test_missing_file_refused);
    tcase_add_test(tc, test_limits_must_fit_body);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
