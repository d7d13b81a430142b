/*
 * check_audit_coverage — every route with an unsafe method writes an event
 * (issue 6): "a test fails for any route with an unsafe method that
 * completes without writing an event".
 *
 * The routes come from the running build itself (`portalctl -c CONFIG
 * routes`: [{module, methods, pattern, permission, org_param, flags}]), so
 * a route added tomorrow is covered without touching this file.  Each
 * POST/PUT/PATCH/DELETE route is called once through /api/v1 with an empty
 * JSON object as the body, by a platform administrator (who passes every
 * guard, so the handler itself runs), each call on a fresh session (some
 * routes end the session).  Whatever the status — success, validation
 * error, 404 for an object that is not there — an event carrying the
 * response's X-Request-Id must exist (audit_events.request_id).  Path
 * parameters are filled with a real organisation ({org}: a customer of a
 * fresh partner), user ({user}: a member there) and role ({role}: a custom
 * role there); any other number is one that does not exist.
 *
 * On failure the message lists every route without an event, with its
 * module and status.  No route is excluded.
 */
#include "audit_fixtures.h"

#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPORT_MAX 16384

struct world {
    long long admin, org, user, role;
};

/* `portalctl routes` of the build under test, parsed. */
static json_t *routes_dump(void)
{
    const char *build = getenv("PT_TEST_BUILDDIR"), *conf = getenv("PT_TEST_CONFIG");
    const char *ctl = getenv("PORTALCTL");
    char cmd[2048], *buf = malloc(1 << 20);
    size_t n = 0, got;

    ck_assert_ptr_nonnull(conf);
    if (ctl == NULL || *ctl == '\0') {
        ck_assert_msg(build != NULL, "PT_TEST_BUILDDIR is not set");
        snprintf(cmd, sizeof(cmd), "'%s/fcgi/portalctl' -c '%s' routes 2>&1", build, conf);
    } else {
        snprintf(cmd, sizeof(cmd), "'%s' -c '%s' routes 2>&1", ctl, conf);
    }
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    while ((got = fread(buf + n, 1, (1 << 20) - 1 - n, p)) > 0)
        n += got;
    buf[n] = '\0';
    int st = pclose(p);
    json_error_t err;
    json_t *routes = json_loads(buf, 0, &err);
    ck_assert_msg(st == 0 && json_is_array(routes),
                  "`portalctl routes` gave no JSON list (status %d): %.300s", st, buf);
    free(buf);
    return routes;
}

/* Does the route's "methods" (["GET","POST"], "GET|POST" or a PT_* mask)
 * include m? */
static bool has_method(json_t *methods, const char *m)
{
    static const char *const names[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" };
    size_t i;
    json_t *v;

    if (json_is_integer(methods)) {
        for (i = 0; i < 6; i++)
            if (strcmp(names[i], m) == 0)
                return (json_integer_value(methods) & (1 << i)) != 0;
        return false;
    }
    if (json_is_string(methods)) {
        const char *s = json_string_value(methods);
        size_t len = strlen(m);
        for (const char *p = s; (p = strstr(p, m)); p += len)
            if ((p == s || strchr("|, ", p[-1])) && strchr("|, ", p[len] ? p[len] : ' '))
                return true;
        return false;
    }
    json_array_foreach(methods, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), m) == 0)
            return true;
    return false;
}

/* The pattern with its parameters filled in; false when it has a kind we
 * cannot fill. */
static bool fill(const struct world *w, const char *pattern, char *out, size_t n)
{
    size_t used = 0;

    out[0] = '\0';
    for (const char *p = pattern; *p;) {
        if (*p != '{') {
            if (used + 1 >= n)
                return false;
            out[used++] = *p++;
            out[used] = '\0';
            continue;
        }
        const char *end = strchr(p, '}'), *colon = strchr(p, ':');
        if (end == NULL)
            return false;
        size_t nl = (size_t)((colon && colon < end ? colon : end) - p - 1);
        char name[64], val[64];
        snprintf(name, sizeof(name), "%.*s", (int)nl, p + 1);
        bool is_int = colon && colon < end && strncmp(colon + 1, "int", 3) == 0;
        if (strcmp(name, "org") == 0)
            snprintf(val, sizeof(val), "%lld", w->org);
        else if (strcmp(name, "user") == 0)
            snprintf(val, sizeof(val), "%lld", w->user);
        else if (strcmp(name, "role") == 0)
            snprintf(val, sizeof(val), "%lld", w->role);
        else
            snprintf(val, sizeof(val), "%s", is_int ? "999999999" : "coverage");
        used += (size_t)snprintf(out + used, n - used, "%s", val);
        if (used >= n)
            return false;
        p = end + 1;
    }
    return true;
}

/* Was an event written for this request?  Failures may be written just
 * after the response (outside the request's transaction): wait up to 3 s. */
static bool event_for(const char *request_id)
{
    char q[256];

    snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_events WHERE request_id = '%.40s'",
             request_id);
    for (int i = 0; i < 30; i++) {
        if (sql_int(q) > 0)
            return true;
        usleep(100000);
    }
    return false;
}

/* One call; appends a line to report when no event was written. */
static void call_one(const struct world *w, const char *method, const char *path,
                     const char *module, char *report, int *missing)
{
    struct browser b = { 0 };
    struct http_resp r;
    char api_path[1200];

    session_as(&b, w->admin);
    snprintf(api_path, sizeof(api_path), "/api/v1%s", path);
    browse(&b, method, api_path, "{}", true, &r);
    char *id = http_header(&r, "X-Request-Id");
    if (id == NULL || !event_for(id)) {
        (*missing)++;
        snprintf(report + strlen(report), REPORT_MAX - strlen(report),
                 "\n  %-7s %-50s (module %s) → %ld%s", method, path, module, r.status,
                 id ? ", no event" : ", no X-Request-Id");
    }
    free(id);
    http_resp_free(&r);
    browser_free(&b);
}

static void world_make(struct world *w)
{
    long long p = make_org(platform_org(), "partner", "Coverage");
    char name[80];

    w->admin = make_member("cover-admin", platform_org(), system_role("platform_admin"), NULL);
    w->org = make_org(p, "customer", "CoverageC");
    w->user = make_member("cover-user", w->org, system_role("customer_user"), NULL);
    snprintf(name, sizeof(name), "Coverage role %ld %ld", (long)getpid(), random() % 100000);
    free(sql("INSERT INTO roles (org_id, name, is_system) VALUES (%lld, '%s', 0)", w->org,
             name));
    char *v = sql("SELECT id FROM roles WHERE name = '%s'", name);
    w->role = strtoll(v, NULL, 10);
    free(v);
}

START_TEST(test_every_unsafe_route_writes_an_event_whatever_its_outcome)
{
    static const char *const unsafe[] = { "POST", "PUT", "PATCH", "DELETE" };
    json_t *routes = routes_dump(), *rt;
    char *report = calloc(1, REPORT_MAX), path[1024];
    struct world w;
    int missing = 0, called = 0;
    size_t i;

    world_make(&w);
    json_array_foreach(routes, i, rt) {
        const char *pattern = json_string_value(json_object_get(rt, "pattern"));
        const char *module = json_string_value(json_object_get(rt, "module"));
        json_t *methods = json_object_get(rt, "methods");
        ck_assert_msg(pattern != NULL, "a route without a pattern in `portalctl routes`");
        for (size_t m = 0; m < sizeof(unsafe) / sizeof(unsafe[0]); m++) {
            if (!has_method(methods, unsafe[m]))
                continue;
            ck_assert_msg(fill(&w, pattern, path, sizeof(path)), "cannot fill %s", pattern);
            call_one(&w, unsafe[m], path, module ? module : "?", report, &missing);
            called++;
        }
    }
    fprintf(stderr, "check_audit_coverage: %d unsafe route calls, %d without an event%s\n",
            called, missing, report);
    ck_assert_msg(called > 10, "only %d unsafe routes: is `portalctl routes` complete?", called);
    ck_assert_msg(missing == 0, "%d of %d unsafe route calls wrote no event:%s", missing, called,
                  report);
    free(report);
    json_decref(routes);
}
END_TEST

int main(void)
{
    if (suite_init("check_audit_coverage") != 0)
        return 77;

    Suite *s = suite_create("audit_coverage");
    TCase *tc = tcase_create("every unsafe route is audited");
    tcase_add_test(tc, test_every_unsafe_route_writes_an_event_whatever_its_outcome);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
