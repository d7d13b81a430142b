/*
 * check_runtime — the core runtime through the real nginx in front of the
 * real portald: JSON and page faces of one handler, error pages and
 * problem+json, security headers, size limits, and the master's promises
 * (a killed worker is replaced, a reload under load loses no request).
 */
#include "http.h"

#include <check.h>
#include <curl/curl.h>
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 64

/* The master's children (workers and the job worker), from /proc. */
static size_t master_children(long master, long *pids)
{
    char path[128];
    size_t n = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", master, master);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    while (n < MAX_CHILDREN && fscanf(f, "%ld", &pids[n]) == 1)
        n++;
    fclose(f);
    return n;
}

static bool same_pids(const long *a, size_t na, const long *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        bool found = false;
        for (size_t j = 0; j < nb; j++)
            found |= a[i] == b[j];
        if (!found)
            return false;
    }
    return true;
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 }, NULL);
}

static void assert_header_contains(const struct http_resp *r, const char *name, const char *want)
{
    char *v = http_header(r, name);

    ck_assert_msg(v != NULL, "header %s missing", name);
    ck_assert_msg(strstr(v, want) != NULL, "header %s is '%s', wanted '%s'", name, v, want);
    free(v);
}

START_TEST(test_healthz_is_json_with_security_headers)
{
    struct http_resp r;

    ck_assert_int_eq(http_get("/healthz", &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"status\":\"ok\"}");
    assert_header_contains(&r, "Content-Type", "application/json");
    assert_header_contains(&r, "Content-Security-Policy", "default-src 'self'");
    assert_header_contains(&r, "X-Content-Type-Options", "nosniff");
    assert_header_contains(&r, "X-Frame-Options", "DENY");
    assert_header_contains(&r, "Referrer-Policy", "same-origin");
    char *id = http_header(&r, "X-Request-Id");
    ck_assert_ptr_nonnull(id);
    ck_assert_uint_ge(strlen(id), 16);
    free(id);
    http_resp_free(&r);
}
END_TEST

START_TEST(test_page_and_api_twin_of_one_handler)
{
    struct http_resp page, api, accept;
    const char *json_accept[] = { "Accept: application/json", NULL };

    ck_assert_int_eq(http_get("/status", &page), 0);
    ck_assert_int_eq(http_get("/api/v1/status", &api), 0);
    ck_assert_int_eq(http_request(NULL, "/status", json_accept, NULL, 0, &accept), 0);
    ck_assert_int_eq(page.status, api.status);
    assert_header_contains(&page, "Content-Type", "text/html");
    ck_assert_ptr_nonnull(strstr(page.body, "<!doctype html>"));
    ck_assert_ptr_nonnull(strstr(page.body, "System status"));
    ck_assert_ptr_nonnull(strstr(page.body, "bootstrap"));
    assert_header_contains(&api, "Content-Type", "application/json");
    ck_assert_ptr_nonnull(strstr(api.body, "\"database\""));
    ck_assert_str_eq(api.body, accept.body);
    http_resp_free(&page);
    http_resp_free(&api);
    http_resp_free(&accept);
}
END_TEST

START_TEST(test_not_found_is_a_page_and_a_problem)
{
    struct http_resp page, api;

    ck_assert_int_eq(http_get("/no/such/page", &page), 0);
    ck_assert_int_eq(page.status, 404);
    assert_header_contains(&page, "Content-Type", "text/html");
    ck_assert_ptr_nonnull(strstr(page.body, "Not Found"));
    ck_assert_ptr_nonnull(strstr(page.body, "<a"));
    ck_assert_int_eq(http_get("/api/v1/no/such/thing", &api), 0);
    ck_assert_int_eq(api.status, 404);
    assert_header_contains(&api, "Content-Type", "application/problem+json");
    ck_assert_ptr_nonnull(strstr(api.body, "\"status\":404"));
    ck_assert_ptr_nonnull(strstr(api.body, "\"title\":\"Not Found\""));
    http_resp_free(&page);
    http_resp_free(&api);
}
END_TEST

START_TEST(test_wrong_method_is_405_with_allow)
{
    struct http_resp r;

    ck_assert_int_eq(http_request("DELETE", "/status", NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 405);
    assert_header_contains(&r, "Allow", "GET, HEAD");
    ck_assert_ptr_nonnull(strstr(r.body, "Method Not Allowed"));
    http_resp_free(&r);
}
END_TEST

START_TEST(test_head_has_no_body)
{
    struct http_resp r;

    ck_assert_int_eq(http_request("HEAD", "/status", NULL, NULL, 0, &r), 0);
    ck_assert(r.status == 200 || r.status == 503);
    ck_assert_uint_eq(r.body_len, 0);
    http_resp_free(&r);
}
END_TEST

static void expect_rejected(const char *content_type, const char *body, size_t len,
                            long status, const char *detail)
{
    char ct[256];
    const char *hdrs[] = { ct, "Accept: application/json", NULL };
    struct http_resp r;

    snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
    ck_assert_int_eq(http_request("POST", "/api/v1/status", hdrs, body, len, &r), 0);
    ck_assert_msg(r.status == status, "%s: status %ld, wanted %ld (%s)", detail, r.status,
                  status, r.body);
    if (status != 413)
        ck_assert_msg(strstr(r.body, detail) != NULL, "wanted '%s' in %s", detail, r.body);
    http_resp_free(&r);
}

START_TEST(test_bad_bodies_rejected_and_workers_survive)
{
    long master = test_pidfile("portald"), before[MAX_CHILDREN], after[MAX_CHILDREN];
    size_t nb, na;
    char *big = malloc(5u << 20), *parts;
    size_t plen = 0;
    struct http_resp r;

    ck_assert_int_gt(master, 0);
    nb = master_children(master, before);
    ck_assert_uint_gt(nb, 0);
    memset(big, 'a', 5u << 20);
    memcpy(big, "x=", 2);
    expect_rejected("application/x-www-form-urlencoded", big, 5u << 20, 413, "");
    expect_rejected("application/json", "{\"a\":1,\"a\":2}", 13, 400, "duplicate");
    expect_rejected("application/json", "{\"a\":", 5, 400, "JSON");
    expect_rejected("application/x-www-form-urlencoded", "a=%zz", 5, 400, "escape");
    expect_rejected("text/plain", "hello", 5, 415, "Content-Type");
    parts = malloc(2u << 20);
    for (int i = 0; i < 1001; i++)
        plen += (size_t)sprintf(parts + plen, "--B\r\nContent-Disposition: form-data; "
                                "name=\"f%d\"\r\n\r\nv\r\n", i);
    plen += (size_t)sprintf(parts + plen, "--B--\r\n");
    expect_rejected("multipart/form-data; boundary=B", parts, plen, 400, "");
    ck_assert_int_eq(http_get("/healthz", &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    na = master_children(master, after);
    ck_assert_msg(same_pids(before, nb, after, na), "a worker died on bad input");
    free(big);
    free(parts);
}
END_TEST

START_TEST(test_killed_worker_is_replaced)
{
    long master = test_pidfile("portald"), before[MAX_CHILDREN], after[MAX_CHILDREN];
    size_t nb = master_children(master, before), na = 0;
    struct http_resp r;

    ck_assert_uint_ge(nb, 2);
    ck_assert_int_eq(kill((pid_t)before[0], SIGKILL), 0);
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(http_get("/healthz", &r), 0);
        ck_assert_int_eq(r.status, 200);
        http_resp_free(&r);
    }
    for (int tries = 0; tries < 50; tries++) {
        na = master_children(master, after);
        if (na == nb && !same_pids(before, nb, after, na))
            break;
        sleep_ms(100);
    }
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++)
        ck_assert_int_ne(after[i], before[0]);
}
END_TEST

/* One client process: n sequential requests; exits with the number that failed. */
static int load_client(int n)
{
    int failed = 0;
    struct http_resp r;

    for (int i = 0; i < n; i++) {
        if (http_get(i % 2 ? "/healthz" : "/status", &r) != 0 ||
            (r.status != 200 && r.status != 503))
            failed++;
        http_resp_free(&r);
    }
    return failed > 255 ? 255 : failed;
}

START_TEST(test_reload_under_load_loses_no_request)
{
    long master = test_pidfile("portald"), before[MAX_CHILDREN], after[MAX_CHILDREN];
    size_t nb = master_children(master, before), na;
    pid_t clients[4];
    int lost = 0;

    for (int i = 0; i < 4; i++) {
        clients[i] = fork();
        if (clients[i] == 0)
            _exit(load_client(400));
    }
    for (int i = 0; i < 3; i++) {
        sleep_ms(300);
        ck_assert_int_eq(kill((pid_t)master, SIGHUP), 0);
    }
    for (int i = 0; i < 4; i++) {
        int st;
        waitpid(clients[i], &st, 0);
        lost += WIFEXITED(st) ? WEXITSTATUS(st) : 255;
    }
    ck_assert_msg(lost == 0, "%d requests failed during reloads", lost);
    na = master_children(master, after);
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            ck_assert_msg(after[i] != before[j], "worker %ld survived the reload", after[i]);
}
END_TEST

/* /readyz follows the database without a restart of portald; pages that
 * need no database keep answering meanwhile. */
START_TEST(test_readyz_follows_the_database)
{
    struct http_resp r;
    int tries;

    ck_assert_int_eq(test_dev("db-stop"), 0);
    ck_assert_int_eq(http_get("/readyz", &r), 0);
    ck_assert_int_eq(r.status, 503);
    assert_header_contains(&r, "Content-Type", "application/problem+json");
    http_resp_free(&r);
    ck_assert_int_eq(http_get("/healthz", &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    ck_assert_int_eq(test_dev("db-start"), 0);
    for (tries = 0; tries < 50; tries++) {
        ck_assert_int_eq(http_get("/readyz", &r), 0);
        long status = r.status;
        http_resp_free(&r);
        if (status == 200)
            break;
        sleep_ms(200);
    }
    ck_assert_int_lt(tries, 50);
    /* every worker reconnects on its own: all of them answer */
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(http_get("/readyz", &r), 0);
        ck_assert_int_eq(r.status, 200);
        http_resp_free(&r);
    }
}
END_TEST

int main(void)
{
    if (http_base() == NULL || getenv("PT_TEST_VAR") == NULL) {
        fprintf(stderr, "check_runtime: PT_TEST_BASE_URL unset: run it from scripts/dev test\n");
        return 77;
    }
    curl_global_init(CURL_GLOBAL_ALL);
    Suite *s = suite_create("runtime");
    TCase *faces = tcase_create("faces");
    TCase *limits = tcase_create("limits");
    TCase *master = tcase_create("master");

    tcase_add_test(faces, test_healthz_is_json_with_security_headers);
    tcase_add_test(faces, test_page_and_api_twin_of_one_handler);
    tcase_add_test(faces, test_not_found_is_a_page_and_a_problem);
    tcase_add_test(faces, test_wrong_method_is_405_with_allow);
    tcase_add_test(faces, test_head_has_no_body);
    tcase_add_test(limits, test_bad_bodies_rejected_and_workers_survive);
    tcase_add_test(master, test_killed_worker_is_replaced);
    tcase_add_test(master, test_reload_under_load_loses_no_request);
    tcase_add_test(master, test_readyz_follows_the_database);
    tcase_set_timeout(limits, 60);
    tcase_set_timeout(master, 120);
    suite_add_tcase(s, faces);
    suite_add_tcase(s, limits);
    suite_add_tcase(s, master);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
