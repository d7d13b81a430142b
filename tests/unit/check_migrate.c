/* check_migrate.c — migration files: names, order, checksums, and the plan
 * that refuses an applied file that changed (migrate.h).  No server. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate.h"
#include "portal.h"

#define SELECT1_SHA256 "b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd"

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/check_migrate.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(names_follow_the_pattern)
{
    unsigned v = 0;

    ck_assert(pt_migrate_name_ok("001_core.sql", &v) && v == 1);
    ck_assert(pt_migrate_name_ok("042_add_users_2.sql", &v) && v == 42);
    ck_assert(pt_migrate_name_ok("999_x.sql", &v) && v == 999);
    ck_assert(!pt_migrate_name_ok("000_zero.sql", &v));
    ck_assert(!pt_migrate_name_ok("1_core.sql", &v));
    ck_assert(!pt_migrate_name_ok("0001_core.sql", &v));
    ck_assert(!pt_migrate_name_ok("001-core.sql", &v));
    ck_assert(!pt_migrate_name_ok("001_Core.sql", &v));
    ck_assert(!pt_migrate_name_ok("001_co re.sql", &v));
    ck_assert(!pt_migrate_name_ok("001_.sql", &v));
    ck_assert(!pt_migrate_name_ok("001_core.SQL", &v));
    ck_assert(!pt_migrate_name_ok("001_core.sql.bak", &v));
    ck_assert(!pt_migrate_name_ok("abc_core.sql", &v));
}
END_TEST

START_TEST(scan_orders_by_version_and_ignores_other_files)
{
    struct pt_migration *m;
    size_t n;
    char err[256];

    put("010_ten.sql", "SELECT 10;\n");
    put("002_two.sql", "SELECT 2;\n");
    put("001_one.sql", "SELECT 1;\n");
    put("README", "not a migration\n");
    put(".001_hidden.sql", "editor file\n");
    ck_assert_int_eq(pt_migrate_scan(dir, &m, &n, err, sizeof(err)), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(m[0].name, "001_one");
    ck_assert_str_eq(m[1].name, "002_two");
    ck_assert_str_eq(m[2].name, "010_ten");
    ck_assert_uint_eq(m[2].version, 10);
    ck_assert_str_eq(m[0].checksum, SELECT1_SHA256);
    pt_migrate_list_free(m, n);
}
END_TEST

START_TEST(scan_refuses_a_badly_named_sql_file)
{
    struct pt_migration *m;
    size_t n;
    char err[256];

    put("001_one.sql", "SELECT 1;\n");
    put("2_two.sql", "SELECT 2;\n");
    ck_assert_int_eq(pt_migrate_scan(dir, &m, &n, err, sizeof(err)), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "2_two.sql"));
    ck_assert_ptr_null(m);
}
END_TEST

START_TEST(scan_refuses_two_files_of_one_version)
{
    struct pt_migration *m;
    size_t n;
    char err[256];

    put("003_a.sql", "SELECT 1;\n");
    put("003_b.sql", "SELECT 2;\n");
    ck_assert_int_eq(pt_migrate_scan(dir, &m, &n, err, sizeof(err)), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "003_a"));
    ck_assert_ptr_nonnull(strstr(err, "003_b"));
}
END_TEST

START_TEST(scan_of_a_missing_dir_fails)
{
    struct pt_migration *m;
    size_t n;
    char err[256];

    ck_assert_int_eq(pt_migrate_scan("/nonexistent/sql", &m, &n, err, sizeof(err)), PT_EIO);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/sql"));
}
END_TEST

/* Three files, the applied rows given as JSON (what schema_migrations holds). */
static int plan(const char *applied_json, size_t *pending, size_t *np, char *err,
                size_t errlen)
{
    struct pt_migration *m;
    size_t n;
    json_t *applied = json_loads(applied_json, 0, NULL);
    int rc;

    put("001_one.sql", "SELECT 1;\n");
    put("002_two.sql", "SELECT 2;\n");
    put("003_three.sql", "SELECT 3;\n");
    ck_assert_ptr_nonnull(applied);
    ck_assert_int_eq(pt_migrate_scan(dir, &m, &n, err, errlen), 0);
    rc = pt_migrate_plan(m, n, applied, pending, np, err, errlen);
    json_decref(applied);
    pt_migrate_list_free(m, n);
    return rc;
}

START_TEST(plan_lists_every_file_on_an_empty_database)
{
    size_t pending[3], np;
    char err[256];

    ck_assert_int_eq(plan("[]", pending, &np, err, sizeof(err)), 0);
    ck_assert_uint_eq(np, 3);
    ck_assert_uint_eq(pending[0], 0);
    ck_assert_uint_eq(pending[2], 2);
}
END_TEST

START_TEST(plan_lists_only_what_is_not_applied)
{
    size_t pending[3], np;
    char err[256];
    char applied[256];

    snprintf(applied, sizeof(applied),
             "[{\"version\":1,\"name\":\"001_one\",\"checksum\":\"%s\"}]", SELECT1_SHA256);
    ck_assert_int_eq(plan(applied, pending, &np, err, sizeof(err)), 0);
    ck_assert_uint_eq(np, 2);
    ck_assert_uint_eq(pending[0], 1);
    ck_assert_uint_eq(pending[1], 2);
}
END_TEST

START_TEST(plan_refuses_an_applied_file_that_changed)
{
    size_t pending[3], np;
    char err[256];

    ck_assert_int_eq(plan("[{\"version\":1,\"name\":\"001_one\",\"checksum\":"
                          "\"0000000000000000000000000000000000000000000000000000000000000000\"}]",
                          pending, &np, err, sizeof(err)), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "001_one.sql changed"));
}
END_TEST

START_TEST(plan_refuses_an_applied_file_that_is_gone)
{
    size_t pending[3], np;
    char err[256];

    ck_assert_int_eq(plan("[{\"version\":7,\"name\":\"007_gone\",\"checksum\":\"x\"}]",
                          pending, &np, err, sizeof(err)), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "007_gone"));
}
END_TEST

static Suite *migrate_suite(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, names_follow_the_pattern);
    tcase_add_test(tc, scan_orders_by_version_and_ignores_other_files);
    tcase_add_test(tc, scan_refuses_a_badly_named_sql_file);
    tcase_add_test(tc, scan_refuses_two_files_of_one_version);
    tcase_add_test(tc, scan_of_a_missing_dir_fails);
    tcase_add_test(tc, plan_lists_every_file_on_an_empty_database);
    tcase_add_test(tc, plan_lists_only_what_is_not_applied);
    tcase_add_test(tc, plan_refuses_an_applied_file_that_changed);
    tcase_add_test(tc, plan_refuses_an_applied_file_that_is_gone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(migrate_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
