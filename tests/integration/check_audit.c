/*
 * check_audit — the activity log through the real nginx in front of the
 * real portald and MariaDB: on a crafted set of events in two sibling
 * organisations under one partner, each filter and the keyword search
 * return exactly the expected rows; keyset pages neither skip nor repeat
 * while new events arrive; the CSV export parses back (Python's csv
 * module) to the API's rows with formula cells neutralised, and is itself
 * logged; a member of one child sees its events and never its sibling's or
 * its parent's; a denied request leaves a Failed "Access Denied" event.
 *
 * Organisations, users and events go straight into the stack's database
 * through the mariadb client (auth_client.c), as other modules would have
 * written them.  Each test makes its own, so their order does not matter.
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.
 */
#include "auth_client.h"

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- fixtures ------------------------------------------------------------------------ */

/* An event as another module would write it; its id.  actor 0: System.
 * Text arguments are SQL literals (quoted by the caller). */
static long long ev(long long org, long long actor, const char *category, const char *action,
                    const char *status, const char *resource_sql, const char *desc_sql,
                    const char *created)
{
    char actor_sql[32] = "NULL";

    if (actor)
        snprintf(actor_sql, sizeof(actor_sql), "%lld", actor);
    char *v = sql("INSERT INTO audit_events (org_id, actor_user_id, category, action, status, "
                  "resource_type, resource_name, description, ip, user_agent, metadata, created) "
                  "VALUES (%lld, %s, '%s', '%s', '%s', 'Thing', %s, %s, '203.0.113.7', "
                  "'TestAgent/1.0', '{\"after\":{\"name\":\"new\"},\"before\":{\"name\":\"old\"}}', "
                  "'%s'); SELECT LAST_INSERT_ID()", org, actor_sql, category, action, status,
                  resource_sql, desc_sql, created);
    long long id = strtoll(v, NULL, 10);
    free(v);
    ck_assert_int_gt(id, 0);
    return id;
}

/* A browser signed in as a new user with a password; its id in *uid. */
static char *signed_in_user(struct browser *b, long long role, long long *uid, long long at_org)
{
    struct http_resp r;
    char *email = unique_email("audit");

    *uid = make_user(email, true, role);
    if (at_org)
        free(sql("UPDATE memberships SET org_id = %lld WHERE user_id = %lld", at_org, *uid));
    sign_in(b, email, PASSWORD, &r);
    assert_redirect(&r, "/");
    http_resp_free(&r);
    return email;
}

struct world {
    long long parent, a, b;          /* a partner and its two customers */
    long long alice, carol, dave;    /* actors */
    char *carol_email;
    long long e[10];                 /* e[1..6] in a, e[7..8] in b, e[9] in parent */
};

static void world_make(struct world *w)
{
    char *alice = unique_email("alice"), *dave = unique_email("dave");

    w->carol_email = unique_email("carol");
    w->parent = make_org(platform_org(), "partner", "Parent");
    w->a = make_org(w->parent, "customer", "ChildA");
    w->b = make_org(w->parent, "customer", "ChildB");
    w->alice = make_user(alice, false, 0);
    w->carol = make_user(w->carol_email, false, 0);
    w->dave = make_user(dave, false, 0);
    w->e[1] = ev(w->a, w->alice, "Users", "Invite User", "Success", "'bob'", "'Invited bob'",
                 "2026-01-10 10:00:00");
    w->e[2] = ev(w->a, w->alice, "Billing", "Update License", "Failed", "'Gold 50%_off'",
                 "'License change refused'", "2026-01-11 10:00:00");
    w->e[3] = ev(w->a, 0, "Backups", "Backup Machine Data", "Pending", "'vm-01'",
                 "'Nightly backup'", "2026-01-12 23:59:59");
    w->e[4] = ev(w->a, w->carol, "Virtual Machines", "Server Action", "Success",
                 "'=HYPERLINK(\"http://x\")'", "'+cmd|'' /C calc''!A0'", "2026-01-13 00:00:00");
    w->e[5] = ev(w->a, w->carol, "Users", "Update User Profile", "Success", "'carol'",
                 "'Changed name, \"quoted\"\\nsecond line'", "2026-01-14 10:00:00");
    w->e[6] = ev(w->a, w->alice, "Settings", "Update Configuration", "Failed", "'@smtp'",
                 "'-2+3'", "2026-01-15 10:00:00");
    w->e[7] = ev(w->b, w->dave, "Users", "Invite User", "Success", "'eve'", "'Invited eve 50%'",
                 "2026-01-12 10:00:00");
    w->e[8] = ev(w->b, w->dave, "Security", "Access Denied", "Failed", "NULL", "'Nightly denied'",
                 "2026-01-13 10:00:00");
    w->e[9] = ev(w->parent, w->alice, "Organisations", "Update Organization", "Success",
                 "'ChildA'", "'Renamed'", "2026-01-11 12:00:00");
    free(alice);
    free(dave);
}

/* ---- the API ------------------------------------------------------------------------- */

/* GET path (under /api/v1) that must answer want; the JSON body. */
static json_t *api_get(struct browser *b, long want, const char *fmt, ...)
{
    char path[1024];
    struct http_resp r;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    browse(b, "GET", path, NULL, true, &r);
    ck_assert_msg(r.status == want, "%s: %ld, want %ld: %.300s", path, r.status, want, r.body);
    json_t *v = json_loads(r.body, 0, NULL);
    ck_assert_msg(v != NULL, "%s: not JSON: %.200s", path, r.body);
    http_resp_free(&r);
    return v;
}

/* The events' ids as "12,11,9". */
static char *ids_of(json_t *view)
{
    char *out = calloc(1, 4096);
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(view, "events"), i, e)
        snprintf(out + strlen(out), 4096 - strlen(out), "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(e, "id")));
    return out;
}

/* The ids of w->e at these indices (-1 ends), as ids_of writes them. */
static char *want_ids(const struct world *w, ...)
{
    char *out = calloc(1, 4096);
    va_list ap;
    int k, n = 0;

    va_start(ap, w);
    while ((k = va_arg(ap, int)) >= 0)
        snprintf(out + strlen(out), 4096 - strlen(out), "%s%lld", n++ ? "," : "", w->e[k]);
    va_end(ap);
    return out;
}

#define EXPECT(b, w, query, ...) do {                                                    \
        json_t *v_ = api_get((b), 200, "/api/v1/orgs/%lld/activity?%s", (w)->a, (query)); \
        char *got_ = ids_of(v_), *want_ = want_ids((w), __VA_ARGS__, -1);               \
        ck_assert_msg(strcmp(got_, want_) == 0, "%s: got [%s], want [%s]", (query),       \
                      got_, want_);                                                      \
        free(got_); free(want_); json_decref(v_);                                         \
    } while (0)

static long long summary(json_t *v, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(v, "summary"), key));
}

/* ---- the tests ----------------------------------------------------------------------- */

START_TEST(test_each_filter_and_the_keyword_return_exactly_the_expected_rows)
{
    struct browser b = { 0 };
    struct world w;
    long long uid;
    char *email = signed_in_user(&b, make_role("audit.view,audit.export"), &uid, 0), q[512];

    world_make(&w);
    EXPECT(&b, &w, "", 6, 5, 4, 3, 2, 1);
    EXPECT(&b, &w, "category=Users", 5, 1);
    EXPECT(&b, &w, "status=Failed", 6, 2);
    EXPECT(&b, &w, "action=Invite%20User", 1);
    snprintf(q, sizeof(q), "user=%s", w.carol_email);
    EXPECT(&b, &w, q, 5, 4);
    EXPECT(&b, &w, "from=2026-01-12&to=2026-01-13", 4, 3);
    EXPECT(&b, &w, "from=2026-01-14", 6, 5);
    EXPECT(&b, &w, "to=2026-01-11", 2, 1);
    EXPECT(&b, &w, "q=nightly", 3);                 /* description, any case */
    EXPECT(&b, &w, "q=vm-01", 3);                   /* resource name */
    snprintf(q, sizeof(q), "q=%.*s", (int)strcspn(w.carol_email, "@"), w.carol_email);
    EXPECT(&b, &w, q, 5, 4);                        /* actor e-mail */
    EXPECT(&b, &w, "q=%25", 2);                     /* % is a character, not a wildcard */
    EXPECT(&b, &w, "q=50%25_", 2);
    EXPECT(&b, &w, "q=_", 2);
    EXPECT(&b, &w, "q=nothing-like-this", -1);
    EXPECT(&b, &w, "status=Success&category=Users&q=carol", 5);

    /* Summary counts follow the filter. */
    json_t *v = api_get(&b, 200, "/api/v1/orgs/%lld/activity", w.a);
    ck_assert_int_eq(summary(v, "success"), 3);
    ck_assert_int_eq(summary(v, "failed"), 2);
    ck_assert_int_eq(summary(v, "pending"), 1);
    ck_assert_int_eq(summary(v, "total"), 6);
    json_decref(v);
    v = api_get(&b, 200, "/api/v1/orgs/%lld/activity?status=Failed", w.a);
    ck_assert_int_eq(summary(v, "failed"), 2);
    ck_assert_int_eq(summary(v, "total"), 2);
    json_decref(v);

    /* Scope: the parent alone, or its whole subtree. */
    v = api_get(&b, 200, "/api/v1/orgs/%lld/activity", w.parent);
    char *got = ids_of(v), *want = want_ids(&w, 9, -1);
    ck_assert_str_eq(got, want);
    free(got); free(want); json_decref(v);
    v = api_get(&b, 200, "/api/v1/orgs/%lld/activity?subtree=1", w.parent);
    got = ids_of(v);
    want = want_ids(&w, 9, 8, 7, 6, 5, 4, 3, 2, 1, -1);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(summary(v, "total"), 9);
    free(got); free(want); json_decref(v);
    v = api_get(&b, 200, "/api/v1/orgs/%lld/activity?subtree=1&q=50%%25", w.parent);
    got = ids_of(v);
    want = want_ids(&w, 7, 2, -1);
    ck_assert_str_eq(got, want);
    free(got); free(want); json_decref(v);
    free(w.carol_email);
    free(email);
    browser_free(&b);
}
END_TEST

START_TEST(test_bad_filter_values_are_a_clear_400)
{
    struct browser b = { 0 };
    struct http_resp r;
    long long uid;
    char *email = signed_in_user(&b, make_role("audit.view,audit.export"), &uid, 0), path[256];
    long long org = make_org(platform_org(), "partner", "Dates");
    const char *bad[] = { "from=2026-02-30", "to=yesterday", "from=2026-1-01",
                          "from=2026-03-02&to=2026-03-01", "status=Maybe", "before=abc",
                          "from=2026-01-01%27%20OR%201=1" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *v = api_get(&b, 400, "/api/v1/orgs/%lld/activity?%s", org, bad[i]);
        ck_assert_int_eq(json_integer_value(json_object_get(v, "status")), 400);
        json_decref(v);
    }
    /* The page shows the form again with the message. */
    snprintf(path, sizeof(path), "/orgs/%lld/activity?from=2026-13-01", org);
    browse(&b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 400);
    assert_body_has(&r, "id=\"form-error\"");
    assert_body_has(&r, "YYYY-MM-DD");
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/activity/export?to=2026-02-29", org);
    browse(&b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 400);
    http_resp_free(&r);
    /* A good leap day is fine. */
    json_decref(api_get(&b, 200, "/api/v1/orgs/%lld/activity?from=2024-02-29&to=2024-03-01",
                        org));
    free(email);
    browser_free(&b);
}
END_TEST

/* Appends the page's ids to seen; returns next_before (0 at the end). */
static long long keyset_page(struct browser *b, long long org, long long before,
                             long long *seen, int *n)
{
    json_t *v = before ? api_get(b, 200, "/api/v1/orgs/%lld/activity?before=%lld", org, before)
                       : api_get(b, 200, "/api/v1/orgs/%lld/activity", org);
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(v, "events"), i, e) {
        ck_assert_int_lt(*n, 200);
        seen[(*n)++] = json_integer_value(json_object_get(e, "id"));
    }
    long long next = json_integer_value(json_object_get(v, "next_before"));
    json_decref(v);
    return next;
}

static void bulk_events(long long org, int count, const char *tag)
{
    char q[8192];
    size_t used = (size_t)snprintf(q, sizeof(q), "INSERT INTO audit_events (org_id, category, "
                                   "action, status, description) VALUES ");

    for (int i = 0; i < count; i++)
        used += (size_t)snprintf(q + used, sizeof(q) - used, "%s(%lld,'Users','Bulk','Success',"
                                 "'%s %d')", i ? "," : "", org, tag, i);
    ck_assert_uint_lt(used, sizeof(q) - 1);
    free(sql("%s", q));
}

START_TEST(test_keyset_pages_neither_skip_nor_repeat_while_events_arrive)
{
    struct browser b = { 0 };
    long long uid, seen[200], next;
    char *email = signed_in_user(&b, make_role("audit.view"), &uid, 0);
    long long org = make_org(platform_org(), "partner", "Pages");
    int n = 0;

    bulk_events(org, 110, "old");
    char *v = sql("SELECT MIN(id), MAX(id) FROM audit_events WHERE org_id = %lld", org), *end;
    long long oldest = strtoll(v, &end, 10), first = strtoll(end, NULL, 10);
    free(v);
    next = keyset_page(&b, org, 0, seen, &n);
    ck_assert_int_eq(n, 50);
    bulk_events(org, 7, "new");
    next = keyset_page(&b, org, next, seen, &n);
    ck_assert_int_eq(n, 100);
    ck_assert_int_gt(next, 0);
    bulk_events(org, 7, "newer");
    next = keyset_page(&b, org, next, seen, &n);
    ck_assert_int_eq(n, 110);
    ck_assert_int_eq(next, 0);                 /* the last page says so */
    ck_assert_int_eq(seen[0], first);
    ck_assert_int_eq(seen[109], oldest);
    for (int i = 1; i < n; i++)                /* strictly newest first: no repeats */
        ck_assert_int_lt(seen[i], seen[i - 1]);
    /* No skips: exactly the 110 events that were there at the start. */
    v = sql("SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND description LIKE 'old %%'"
            " AND id BETWEEN %lld AND %lld", org, oldest, first);
    ck_assert_int_eq(strtoll(v, NULL, 10), 110);
    free(v);
    /* The page: summary cards, the first 50 rows and a link to the next page. */
    struct http_resp r;
    char path[128], want[160];
    snprintf(path, sizeof(path), "/orgs/%lld/activity?q=old", org);
    open_page(&b, path, &r);
    assert_body_has(&r, "id=\"count-total\">110<");
    snprintf(want, sizeof(want), "href=\"/orgs/%lld/activity?q=old&amp;before=%lld\" rel=\"next\"",
             org, seen[49]);
    assert_body_has(&r, want);
    http_resp_free(&r);
    free(email);
    browser_free(&b);
}
END_TEST

/* The CSV file parsed by Python's csv module, written back as JSON rows. */
static json_t *csv_parse(const char *body, size_t len)
{
    char path[] = "/tmp/check_audit_csv_XXXXXX", cmd[512];
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, body, len), (ssize_t)len);
    close(fd);
    snprintf(cmd, sizeof(cmd), "python3 -c 'import csv, json, sys; "
             "print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline=\"\", "
             "encoding=\"utf-8\"), strict=True))))' %s", path);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    json_t *rows = json_loadf(p, 0, NULL);
    ck_assert_int_eq(pclose(p), 0);
    unlink(path);
    ck_assert_msg(json_is_array(rows), "python3 could not parse the CSV");
    return rows;
}

/* The API's value as the CSV must hold it. */
static char *csv_expected(json_t *v)
{
    char buf[64];
    const char *s = json_string_value(v);

    if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    }
    if (s == NULL)
        return strdup("");
    if (strchr("=+-@\t\r", s[0]) && s[0] != '\0') {
        char *out = malloc(strlen(s) + 2);
        out[0] = '\'';
        strcpy(out + 1, s);
        return out;
    }
    return strdup(s);
}

static void csv_matches_api(json_t *rows, json_t *api)
{
    static const char *const cols[] = { "id", "created", "org_id", "org_name", "user",
        "category", "action", "status", "resource_type", "resource_id", "resource_name",
        "description", "ip", NULL };
    json_t *events = json_object_get(api, "events");

    ck_assert_uint_eq(json_array_size(rows), json_array_size(events));
    for (size_t i = 0; i < json_array_size(rows); i++) {
        for (size_t c = 0; cols[c]; c++) {
            char *want = csv_expected(json_object_get(json_array_get(events, i), cols[c]));
            const char *got = json_string_value(json_object_get(json_array_get(rows, i), cols[c]));
            ck_assert_msg(got && strcmp(got, want) == 0, "row %zu %s: got [%s], want [%s]", i,
                          cols[c], got ? got : "(none)", want);
            free(want);
        }
    }
}

START_TEST(test_csv_export_parses_back_to_the_api_rows_with_formulas_neutralised)
{
    struct browser b = { 0 };
    struct http_resp r;
    struct world w;
    long long uid;
    char *email = signed_in_user(&b, make_role("audit.view,audit.export"), &uid, 0), path[256];

    world_make(&w);
    json_t *api = api_get(&b, 200, "/api/v1/orgs/%lld/activity?subtree=1", w.parent);
    snprintf(path, sizeof(path), "/orgs/%lld/activity/export?subtree=1", w.parent);
    browse(&b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 200);
    char *type = http_header(&r, "Content-Type"), *disp = http_header(&r, "Content-Disposition");
    ck_assert_ptr_nonnull(strstr(type, "text/csv"));
    snprintf(path, sizeof(path), "filename=\"activity-%lld.csv\"", w.parent);
    ck_assert_msg(disp && strstr(disp, path), "Content-Disposition: %s", disp);
    ck_assert_msg(strncmp(r.body, "\"id\",\"created\",", 15) == 0, "%.80s", r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "\r\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "\"'=HYPERLINK(\"\"http://x\"\")\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"'+cmd|' /C calc'!A0\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"'-2+3\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"'@smtp\""));

    json_t *rows = csv_parse(r.body, r.body_len);
    csv_matches_api(rows, api);
    ck_assert_uint_eq(json_array_size(rows), 9);
    json_decref(rows);
    json_decref(api);
    http_resp_free(&r);
    free(type);
    free(disp);

    /* The export itself is an event, and the filter goes with it. */
    char *v = sql("SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND actor_user_id = "
                  "%lld AND category = 'Activity Logs' AND action = 'Export Logs' AND status = "
                  "'Success' AND JSON_VALUE(metadata, '$.rows') = 9", w.parent, uid);
    ck_assert_str_eq(v, "1");
    free(v);
    free(w.carol_email);
    free(email);
    browser_free(&b);
}
END_TEST

START_TEST(test_event_detail_shows_everything_and_only_in_scope)
{
    struct browser b = { 0 };
    struct http_resp r;
    struct world w;
    long long uid;
    char *email = signed_in_user(&b, make_role("audit.view"), &uid, 0), path[256];

    world_make(&w);
    snprintf(path, sizeof(path), "/orgs/%lld/activity/%lld", w.a, w.e[3]);
    open_page(&b, path, &r);
    assert_body_has(&r, "System");
    assert_body_has(&r, "Backup Machine Data");
    assert_body_has(&r, "203.0.113.7");
    assert_body_has(&r, "TestAgent/1.0");
    assert_body_has(&r, "vm-01");
    /* Metadata pretty-printed: two-space indents, one member a line. */
    assert_body_has(&r, "{\n  &quot;after&quot;: {\n    &quot;name&quot;: &quot;new&quot;");
    http_resp_free(&r);
    /* Through the parent (its subtree) too; never through the sibling. */
    json_t *v = api_get(&b, 200, "/api/v1/orgs/%lld/activity/%lld", w.parent, w.e[4]);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "event"), "user_email")),
                     w.carol_email);
    json_decref(v);
    json_decref(api_get(&b, 404, "/api/v1/orgs/%lld/activity/%lld", w.b, w.e[4]));
    json_decref(api_get(&b, 404, "/api/v1/orgs/%lld/activity/%lld", w.a, w.e[9]));
    free(w.carol_email);
    free(email);
    browser_free(&b);
}
END_TEST

START_TEST(test_a_child_member_sees_its_events_never_its_siblings_and_denials_are_logged)
{
    struct browser b = { 0 };
    struct http_resp r;
    struct world w;
    long long uid;
    char path[256], *n;

    world_make(&w);
    char *email = signed_in_user(&b, make_role("audit.view"), &uid, w.a);
    /* (to= leaves out this member's own sign-in, logged in a today.) */
    json_t *v = api_get(&b, 200, "/api/v1/orgs/%lld/activity?subtree=1&to=2026-06-30", w.a);
    char *got = ids_of(v), *want = want_ids(&w, 6, 5, 4, 3, 2, 1, -1);
    ck_assert_str_eq(got, want);
    free(got); free(want); json_decref(v);
    /* The sibling and the parent do not exist for this member. */
    snprintf(path, sizeof(path), "/orgs/%lld/activity", w.b);
    browse(&b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    json_decref(api_get(&b, 404, "/api/v1/orgs/%lld/activity?subtree=1", w.parent));
    json_decref(api_get(&b, 404, "/api/v1/orgs/%lld/activity/%lld", w.b, w.e[7]));
    json_decref(api_get(&b, 404, "/api/v1/orgs/%lld/activity/%lld", w.a, w.e[7]));
    /* Without audit.export, the export is 403 and no CSV. */
    snprintf(path, sizeof(path), "/orgs/%lld/activity/export", w.a);
    browse(&b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 403);
    ck_assert_ptr_null(strstr(r.body, "\"id\",\"created\""));
    http_resp_free(&r);
    /* Each denial left a Failed "Access Denied" event by this user. */
    n = sql("SELECT COUNT(*) FROM audit_events WHERE actor_user_id = %lld AND action = "
            "'Access Denied' AND status = 'Failed'", uid);
    ck_assert_int_ge(strtoll(n, NULL, 10), 4);
    free(n);
    n = sql("SELECT COUNT(*) FROM audit_events WHERE actor_user_id = %lld AND action = "
                  "'Access Denied' AND status = 'Failed' AND org_id = %lld AND "
                  "JSON_VALUE(metadata, '$.permission') = 'audit.export'", uid, w.a);
    ck_assert_str_eq(n, "1");
    free(n);
    free(w.carol_email);
    free(email);
    browser_free(&b);
}
END_TEST

int main(void)
{
    if (suite_init("check_audit") != 0)
        return 77;

    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("activity log");
    tcase_add_test(tc, test_each_filter_and_the_keyword_return_exactly_the_expected_rows);
    tcase_add_test(tc, test_bad_filter_values_are_a_clear_400);
    tcase_add_test(tc, test_keyset_pages_neither_skip_nor_repeat_while_events_arrive);
    tcase_add_test(tc, test_csv_export_parses_back_to_the_api_rows_with_formulas_neutralised);
    tcase_add_test(tc, test_event_detail_shows_everything_and_only_in_scope);
    tcase_add_test(tc, test_a_child_member_sees_its_events_never_its_siblings_and_denials_are_logged);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
