/*
 * check_audit_feed — the activity log beyond the page, through the real
 * nginx, portald and MariaDB: the JSON-lines feed for SIEM collectors
 * (resuming with after= neither skips nor repeats while events arrive,
 * events of the last seconds held back, scoped like the page); events
 * written without an organisation (failed sign-ins …) in the logs of the
 * organisations of their actor or subject, and all of them at the root;
 * and /profile/activity, a user's own history with whoever opened their
 * account.
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.
 */
#include "audit_fixtures.h"

#include <check.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the feed ------------------------------------------------------------------------ */

#define FEED_MAX 4000

struct feed {
    long long ids[FEED_MAX];
    int       n;
};

/* Waits until no event is younger than the feed's hold-back (5 s). */
static void wait_quiet(void)
{
    for (int i = 0; i < 100; i++) {
        if (sql_int("SELECT COUNT(*) FROM audit_events WHERE created > "
                    "NOW(3) - INTERVAL 6 SECOND") == 0)
            return;
        usleep(200000);
    }
    ck_abort_msg("events keep arriving: the feed would hold them back");
}

/* One GET of the feed; appends its events to f, checks each line; returns
 * how many lines came (the last cursor in *cursor). */
static int feed_get(struct browser *b, const char *path, struct feed *f, long long *cursor)
{
    struct http_resp r;
    int lines = 0;

    browse(b, "GET", path, NULL, true, &r);
    ck_assert_msg(r.status == 200, "%s: %ld %.300s", path, r.status, r.body);
    char *type = http_header(&r, "Content-Type");
    ck_assert_msg(type && strstr(type, "application/x-ndjson"), "Content-Type %s", type);
    free(type);
    for (char *line = r.body, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        ck_assert_msg(nl != NULL, "a line without its newline: %.200s", line);
        *nl = '\0';
        json_t *ev = json_loads(line, 0, NULL);
        ck_assert_msg(ev != NULL, "not JSON: %.200s", line);
        long long id = json_integer_value(json_object_get(ev, "id"));
        ck_assert_int_eq(json_integer_value(json_object_get(ev, "cursor")), id);
        ck_assert_msg(id > *cursor, "id %lld after cursor %lld: out of order", id, *cursor);
        ck_assert_ptr_nonnull(json_string_value(json_object_get(ev, "category")));
        ck_assert_ptr_nonnull(json_string_value(json_object_get(ev, "created")));
        ck_assert_ptr_nonnull(json_object_get(ev, "org_id"));
        json_t *meta = json_object_get(ev, "metadata");
        ck_assert(meta == NULL || json_is_null(meta) || json_is_object(meta));
        ck_assert_int_lt(f->n, FEED_MAX);
        f->ids[f->n++] = id;
        *cursor = id;
        lines++;
        json_decref(ev);
    }
    http_resp_free(&r);
    return lines;
}

/* Reads the feed of org (subtree) from *cursor to its end, limit a call. */
static void feed_drain(struct browser *b, long long org, int limit, struct feed *f,
                       long long *cursor)
{
    char path[256];

    for (int calls = 0; calls < 100; calls++) {
        snprintf(path, sizeof(path), "/api/v1/orgs/%lld/activity/stream?subtree=1&after=%lld"
                 "&limit=%d", org, *cursor, limit);
        if (feed_get(b, path, f, cursor) == 0)
            return;
    }
    ck_abort_msg("the feed never ends");
}

/* The ids of org's subtree in the database, ascending, as "1,2,3". */
static char *db_subtree_ids(long long org)
{
    return sql("SELECT GROUP_CONCAT(e.id ORDER BY e.id SEPARATOR ',') FROM audit_events e "
               "JOIN org_closure c ON c.descendant = e.org_id AND c.ancestor = %lld", org);
}

static char *feed_csv(const struct feed *f)
{
    char *out = calloc(1, 24 * (size_t)(f->n + 1));

    for (int i = 0; i < f->n; i++)
        sprintf(out + strlen(out), "%s%lld", i ? "," : "", f->ids[i]);
    return out;
}

START_TEST(test_the_feed_resumes_without_skipping_or_repeating_while_events_arrive)
{
    struct browser b = { 0 };
    struct feed *f = calloc(1, sizeof(*f));
    long long p = make_org(platform_org(), "partner", "Feed");
    long long c1 = make_org(p, "customer", "FeedC1"), c2 = make_org(p, "customer", "FeedC2");
    long long admin = make_member("feed-admin", p, system_role("msp_admin"), NULL);
    long long cursor = 0;

    session_as(&b, admin);
    plant_many(c1, 700, "feed c1", "2026-01-05 10:00:00");
    plant_many(c2, 300, "feed c2", "2026-01-06 10:00:00");
    plant_many(p, 50, "feed p", "2026-01-07 10:00:00");
    wait_quiet();
    /* The first 400, then more events arrive, then the rest in pieces. */
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/orgs/%lld/activity/stream?subtree=1&limit=400", p);
    ck_assert_int_eq(feed_get(&b, path, f, &cursor), 400);
    plant_many(c2, 40, "feed late", "2026-01-08 10:00:00");
    plant_many(c1, 25, "feed later", "2026-01-09 10:00:00");
    feed_drain(&b, p, 333, f, &cursor);
    ck_assert_int_eq(f->n, 1115);
    char *got = feed_csv(f), *want = db_subtree_ids(p);
    ck_assert_msg(strcmp(got, want) == 0, "the feed and the database differ");
    free(got);
    free(want);

    /* Nothing new: an empty answer, and the cursor stays usable. */
    int before = f->n;
    feed_drain(&b, p, 1000, f, &cursor);
    ck_assert_int_eq(f->n, before);

    /* An event written this very moment is held back for a few seconds
     * (its transaction may not have committed yet), then delivered. */
    long long fresh = plant(c1, admin, 0, 0, "Users", "Invite User", "Success", "feed fresh",
                            "(NOW(3))");
    feed_drain(&b, p, 1000, f, &cursor);
    ck_assert_int_eq(f->n, before);
    sleep(6);
    feed_drain(&b, p, 1000, f, &cursor);
    ck_assert_int_eq(f->n, before + 1);
    ck_assert_int_eq(f->ids[before], fresh);

    /* Bad parameters are a clear 400. */
    json_decref(api(&b, "GET", 400, NULL, "/api/v1/orgs/%lld/activity/stream?after=-1", p));
    json_decref(api(&b, "GET", 400, NULL, "/api/v1/orgs/%lld/activity/stream?limit=0", p));
    json_decref(api(&b, "GET", 400, NULL, "/api/v1/orgs/%lld/activity/stream?limit=100001",
                    p));
    free(f);
    browser_free(&b);
}
END_TEST

START_TEST(test_the_feed_is_scoped_like_the_page)
{
    struct browser b = { 0 }, u = { 0 };
    struct feed *f = calloc(1, sizeof(*f));
    long long p = make_org(platform_org(), "partner", "FeedScope");
    long long c1 = make_org(p, "customer", "FeedScopeC1"), c2 = make_org(p, "customer", "S2");
    long long cadmin = make_member("feed-cadmin", c1, system_role("customer_admin"), NULL);
    long long cuser = make_member("feed-cuser", c1, system_role("customer_user"), NULL);
    long long cursor = 0;

    plant_many(c1, 20, "scope c1", "2026-01-05 10:00:00");
    plant_many(c2, 20, "scope c2", "2026-01-05 10:00:00");
    plant_many(p, 20, "scope p", "2026-01-05 10:00:00");
    wait_quiet();
    session_as(&b, cadmin);
    feed_drain(&b, c1, 7, f, &cursor);
    ck_assert_int_eq(f->n, 20);
    char *ids = feed_csv(f);
    char *in_c1 = sql("SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND id IN (%s)", c1,
                      ids);
    ck_assert_str_eq(in_c1, "20");
    free(in_c1);
    free(ids);
    /* A customer never reads its partner's or its sibling's feed. */
    json_decref(api(&b, "GET", 404, NULL, "/api/v1/orgs/%lld/activity/stream?subtree=1", p));
    json_decref(api(&b, "GET", 404, NULL, "/api/v1/orgs/%lld/activity/stream", c2));
    /* Without audit.export: 403. */
    session_as(&u, cuser);
    json_decref(api(&u, "GET", 403, NULL, "/api/v1/orgs/%lld/activity/stream", c1));
    free(f);
    browser_free(&b);
    browser_free(&u);
}
END_TEST

/* ---- events without an organisation ---------------------------------------------------- */

struct loose {
    long long p, c1, c2, u1, u2, nobody;
    long long e[6];          /* e[1..4] without organisation, e[5] in c1 */
    char tag[64], *u2_email;
};

static void loose_make(struct loose *w)
{
    w->p = make_org(platform_org(), "partner", "Loose");
    w->c1 = make_org(w->p, "customer", "LooseC1");
    w->c2 = make_org(w->p, "customer", "LooseC2");
    w->u1 = make_member("loose-u1", w->c1, system_role("customer_user"), NULL);
    w->u2 = make_member("loose-u2", w->c2, system_role("customer_user"), &w->u2_email);
    char *e = unique_email("loose-nobody");
    w->nobody = make_user(e, false, 0);
    free(sql("DELETE FROM memberships WHERE user_id = %lld", w->nobody));
    free(e);
    snprintf(w->tag, sizeof(w->tag), "loosetag%ld%ld", (long)getpid(), random() % 100000);
    char d[128];
    snprintf(d, sizeof(d), "%s own sign-in", w->tag);
    w->e[1] = plant(0, w->u1, 0, 0, "Authentication", "Sign In", "Success", d,
                    "2026-02-01 10:00:00");
    snprintf(d, sizeof(d), "%s failed sign-in naming u1", w->tag);
    w->e[2] = plant(0, 0, w->u1, 0, "Authentication", "Sign In", "Failed", d,
                    "2026-02-02 10:00:00");
    snprintf(d, sizeof(d), "%s u2 did something to u1", w->tag);
    w->e[3] = plant(0, w->u2, w->u1, 0, "Users", "Update User Profile", "Success", d,
                    "2026-02-03 10:00:00");
    snprintf(d, sizeof(d), "%s a stranger", w->tag);
    w->e[4] = plant(0, w->nobody, 0, 0, "Authentication", "Sign In", "Failed", d,
                    "2026-02-04 10:00:00");
    snprintf(d, sizeof(d), "%s in c1", w->tag);
    w->e[5] = plant(w->c1, w->u1, 0, 0, "Users", "Update User Profile", "Success", d,
                    "2026-02-05 10:00:00");
}

/* The ids the page lists for org with this query, as "a,b,c". */
static char *listed(struct browser *b, long long org, const char *query, long long *total)
{
    json_t *v = api(b, "GET", 200, NULL, "/api/v1/orgs/%lld/activity?%s", org, query);
    char *ids = ids_csv(json_object_get(v, "events"));

    if (total)
        *total = json_integer_value(json_object_get(json_object_get(v, "summary"), "total"));
    json_decref(v);
    return ids;
}

static char *want(const struct loose *w, ...)
{
    char *out = calloc(1, 512);
    va_list ap;
    int k, n = 0;

    va_start(ap, w);
    while ((k = va_arg(ap, int)) > 0)
        sprintf(out + strlen(out), "%s%lld", n++ ? "," : "", w->e[k]);
    va_end(ap);
    return out;
}

#define SEES(b, org, query, total_want, ...) do {                                       \
        long long t_;                                                                  \
        char *g_ = listed((b), (org), (query), &t_), *w_ = want(&w, __VA_ARGS__, 0);   \
        ck_assert_msg(strcmp(g_, w_) == 0, "org %lld %s: got [%s], want [%s]",        \
                      (long long)(org), (query), g_, w_);                               \
        ck_assert_int_eq(t_, (total_want));                                            \
        free(g_); free(w_);                                                            \
    } while (0)

START_TEST(test_events_without_an_organisation_show_where_their_people_are_members)
{
    struct loose w;
    struct browser a1 = { 0 }, a2 = { 0 }, ap = { 0 }, root = { 0 };
    char q[256];

    loose_make(&w);
    session_as(&a1, make_member("loose-a1", w.c1, system_role("customer_admin"), NULL));
    session_as(&a2, make_member("loose-a2", w.c2, system_role("customer_admin"), NULL));
    session_as(&ap, make_member("loose-ap", w.p, system_role("msp_admin"), NULL));
    session_as(&root, make_member("loose-root", platform_org(),
                                  system_role("platform_admin"), NULL));
    snprintf(q, sizeof(q), "q=%s", w.tag);
    SEES(&a1, w.c1, q, 4, 5, 3, 2, 1);
    SEES(&a2, w.c2, q, 1, 3);                   /* u2 acted: C2 sees it too */
    SEES(&ap, w.p, q, 0, -1);                   /* nobody of the partner itself */
    snprintf(q, sizeof(q), "subtree=1&q=%s", w.tag);
    SEES(&ap, w.p, q, 4, 5, 3, 2, 1);           /* e3 once, though both are members */
    snprintf(q, sizeof(q), "q=%s", w.tag);
    SEES(&root, platform_org(), q, 4, 4, 3, 2, 1);   /* the root: all of them */
    snprintf(q, sizeof(q), "subtree=1&q=%s", w.tag);
    SEES(&root, platform_org(), q, 5, 5, 4, 3, 2, 1);
    /* Filters apply to them like to any event. */
    snprintf(q, sizeof(q), "status=Failed&q=%s", w.tag);
    SEES(&a1, w.c1, q, 1, 2);
    snprintf(q, sizeof(q), "user=%s&q=%s", w.u2_email, w.tag);
    SEES(&a1, w.c1, q, 1, 3);
    /* Their detail follows the same rule. */
    json_decref(api(&a1, "GET", 200, NULL, "/api/v1/orgs/%lld/activity/%lld", w.c1, w.e[2]));
    json_decref(api(&a2, "GET", 404, NULL, "/api/v1/orgs/%lld/activity/%lld", w.c2, w.e[2]));
    json_decref(api(&a2, "GET", 200, NULL, "/api/v1/orgs/%lld/activity/%lld", w.c2, w.e[3]));
    json_decref(api(&a1, "GET", 404, NULL, "/api/v1/orgs/%lld/activity/%lld", w.c1, w.e[4]));
    json_decref(api(&root, "GET", 200, NULL, "/api/v1/orgs/%lld/activity/%lld",
                    platform_org(), w.e[4]));
    /* And the export. */
    struct http_resp r;
    char path[256];
    snprintf(path, sizeof(path), "/orgs/%lld/activity/export?q=%s", w.c1, w.tag);
    browse(&a1, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 200);
    int rows = 0;
    for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2)
        rows++;
    ck_assert_int_eq(rows, 1 + 4);
    http_resp_free(&r);
    free(w.u2_email);
    browser_free(&a1);
    browser_free(&a2);
    browser_free(&ap);
    browser_free(&root);
}
END_TEST

/* ---- a big subtree: the plans for many organisations ----------------------------------- */

/* What the page must list for the partner p with SQL condition cond: the
 * newest 50 of its subtree, computed the plain way. */
static char *truth(long long p, const char *cond)
{
    return sql("SELECT COALESCE(GROUP_CONCAT(id ORDER BY id DESC SEPARATOR ','), '') FROM "
               "(SELECT e.id FROM audit_events e JOIN org_closure c ON c.descendant = e.org_id "
               "AND c.ancestor = %lld WHERE %s ORDER BY e.id DESC LIMIT 50) x", p, cond);
}

static long long truth_count(long long p, const char *cond)
{
    char q[512];

    snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_events e JOIN org_closure c ON "
             "c.descendant = e.org_id AND c.ancestor = %lld WHERE %s", p, cond);
    return sql_int(q);
}

START_TEST(test_a_big_subtree_lists_exactly_what_a_plain_query_finds)
{
    struct browser b = { 0 };
    struct http_resp r;
    long long p = make_org(platform_org(), "partner", "Big"), c0 = 0;
    char *email, q[256], cond[256], path[256];

    for (int i = 0; i < 30; i++) {          /* more than AUDIT_FEW_ORGS */
        long long c = make_org(p, "customer", "BigC");
        if (i == 0)
            c0 = c;
    }
    long long actor = make_member("big-actor", c0, system_role("customer_user"), &email);
    free(sql("INSERT INTO audit_events (org_id, actor_user_id, category, action, status, "
             "description, created) SELECT c.descendant, IF(seq %% 5 = 0, %lld, NULL), "
             "ELT(1 + seq %% 3, 'Users', 'Billing', 'Security'), ELT(1 + seq %% 4, 'A1', 'A2', "
             "'A3', 'A4'), ELT(1 + (seq + c.descendant) %% 3, 'Success', 'Failed', 'Pending'), "
             "CONCAT('big ', IF(seq %% 7 = 0, 'needle', 'hay'), ' ', seq), "
             "TIMESTAMP('2026-05-01') + INTERVAL (seq * 13 + c.descendant) HOUR "
             "FROM org_closure c JOIN seq_1_to_40 WHERE c.ancestor = %lld AND c.depth = 1 "
             "ORDER BY seq, c.descendant", actor, p));
    session_as(&b, make_member("big-admin", p, system_role("msp_admin"), NULL));
    struct { const char *query, *cond; } cases[] = {
        { "", "1" },
        { "&category=Billing", "e.category = 'Billing'" },
        { "&status=Failed", "e.status = 'Failed'" },
        { "&action=A3", "e.action = 'A3'" },
        { "&from=2026-05-20", "e.created >= '2026-05-20'" },
        { "&to=2026-05-10", "e.created < '2026-05-11'" },
        { "&from=2026-05-05&to=2026-05-06", "e.created >= '2026-05-05' AND "
                                            "e.created < '2026-05-07'" },
        { "&q=needle", "e.description LIKE '%needle%'" },
        { "&category=Users&status=Pending&from=2026-05-09", "e.category = 'Users' AND "
          "e.status = 'Pending' AND e.created >= '2026-05-09'" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *v = api(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/activity?subtree=1%s", p,
                        cases[i].query);
        char *got = ids_csv(json_object_get(v, "events")), *want = truth(p, cases[i].cond);
        ck_assert_msg(strcmp(got, want) == 0, "%s: got [%.80s…], want [%.80s…]",
                      cases[i].query, got, want);
        long long n = truth_count(p, cases[i].cond);
        json_t *sum = json_object_get(v, "summary");
        ck_assert_int_eq(json_integer_value(json_object_get(sum, "total")), n > 1000 ? 1000 : n);
        ck_assert(json_is_true(json_object_get(sum, "capped")) == (n > 1000));
        free(got);
        free(want);
        json_decref(v);
    }
    /* The user filter, by e-mail. */
    snprintf(q, sizeof(q), "&user=%s", email);
    snprintf(cond, sizeof(cond), "e.actor_user_id = %lld", actor);
    json_t *v = api(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/activity?subtree=1%s", p, q);
    char *got = ids_csv(json_object_get(v, "events")), *want = truth(p, cond);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    json_decref(v);
    /* Exact status counts below the cap. */
    v = api(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/activity?subtree=1&category=Billing", p);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(v, "summary"),
                     "failed")), truth_count(p, "e.category = 'Billing' AND "
                                                "e.status = 'Failed'"));
    json_decref(v);
    /* The export reads the subtree in windows: every row, newest first. */
    /* (Before the export, which logs itself in p.) */
    want = sql("SELECT GROUP_CONCAT(e.id ORDER BY e.id DESC SEPARATOR ',') FROM audit_events e "
               "JOIN org_closure c ON c.descendant = e.org_id AND c.ancestor = %lld", p);
    snprintf(path, sizeof(path), "/orgs/%lld/activity/export?subtree=1", p);
    browse(&b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 200);
    char *ids = calloc(1, r.body_len + 1), *line = strstr(r.body, "\r\n");
    for (; line && line[2]; line = strstr(line + 2, "\r\n"))
        sprintf(ids + strlen(ids), "%s%lld", ids[0] ? "," : "", strtoll(line + 3, NULL, 10));
    ck_assert_msg(strcmp(ids, want) == 0, "the export's rows differ from the subtree's");
    free(ids);
    free(want);
    http_resp_free(&r);
    free(email);
    browser_free(&b);
}
END_TEST

/* ---- /profile/activity ------------------------------------------------------------------ */

static const char *who_of(json_t *v, long long id)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(v, "events"), i, e)
        if (json_integer_value(json_object_get(e, "id")) == id)
            return json_string_value(json_object_get(e, "who"));
    return NULL;
}

START_TEST(test_my_activity_shows_what_i_did_and_who_opened_my_account)
{
    struct browser bx = { 0 }, ba = { 0 };
    struct http_resp r;
    long long p = make_org(platform_org(), "partner", "Prof");
    long long c = make_org(p, "customer", "ProfC");
    char *x_email, *a_email, buf[256];
    long long x = make_member("prof-x", c, system_role("customer_user"), &x_email);
    long long a = make_member("prof-a", p, system_role("msp_admin"), &a_email);
    long long y = make_member("prof-y", c, system_role("customer_user"), NULL);
    long long own = plant(c, x, 0, 0, "Authentication", "Sign In", "Success", "x signed in",
                          "2026-03-01 10:00:00");
    long long start = plant(c, a, x, 0, "Security", "Impersonation Start", "Success",
                            "opened the account of x", "2026-03-01 11:00:00");
    long long act = plant(c, x, 0, a, "Users", "Update User Profile", "Success",
                          "changed while opened", "2026-03-01 11:01:00");
    long long stop = plant(c, x, x, a, "Security", "Impersonation Stop", "Success",
                           "closed the account of x", "2026-03-01 11:02:00");
    long long other = plant(c, y, y, 0, "Users", "Update User Profile", "Success", "y only",
                            "2026-03-01 12:00:00");
    long long a_on_y = plant(c, a, y, 0, "Users", "Disable User", "Success", "a disabled y",
                             "2026-03-01 12:30:00");

    session_as(&bx, x);
    json_t *v = api(&bx, "GET", 200, NULL, "/api/v1/profile/activity");
    char *got = ids_csv(json_object_get(v, "events"));
    snprintf(buf, sizeof(buf), "%lld,%lld,%lld,%lld", stop, act, start, own);
    ck_assert_str_eq(got, buf);
    free(got);
    ck_assert_str_eq(who_of(v, own), "You");
    ck_assert_str_eq(who_of(v, start), a_email);
    snprintf(buf, sizeof(buf), "You, opened by %s", a_email);
    ck_assert_str_eq(who_of(v, stop), buf);
    ck_assert_str_eq(who_of(v, act), buf);
    json_decref(v);
    /* The page says the same to a person. */
    open_page(&bx, "/profile/activity", &r);
    assert_body_has(&r, "Impersonation Start");
    assert_body_has(&r, a_email);
    assert_body_has(&r, "opened by");
    ck_assert_ptr_null(strstr(r.body, "y only"));
    http_resp_free(&r);

    /* The one who opened it sees what they did there, and nothing of x's own. */
    session_as(&ba, a);
    v = api(&ba, "GET", 200, NULL, "/api/v1/profile/activity");
    got = ids_csv(json_object_get(v, "events"));
    snprintf(buf, sizeof(buf), "%lld,%lld,%lld,%lld", a_on_y, stop, act, start);
    ck_assert_str_eq(got, buf);
    snprintf(buf, sizeof(buf), "You, working in the account of %s", x_email);
    ck_assert_str_eq(who_of(v, act), buf);
    ck_assert_str_eq(who_of(v, start), "You");
    free(got);
    json_decref(v);
    (void)other;

    /* Nobody signed in: 401. */
    struct browser anon = { 0 };
    json_decref(api(&anon, "GET", 401, NULL, "/api/v1/profile/activity"));
    free(x_email);
    free(a_email);
    browser_free(&bx);
    browser_free(&ba);
}
END_TEST

START_TEST(test_my_activity_pages_neither_skip_nor_repeat)
{
    struct browser b = { 0 };
    long long c = make_org(platform_org(), "customer", "ProfPages");
    long long me = make_member("prof-pages", c, system_role("customer_user"), NULL);
    char *v;

    free(sql("INSERT INTO audit_events (org_id, actor_user_id, category, action, status, "
             "description, created) SELECT %lld, %lld, 'Users', 'Bulk', 'Success', "
             "CONCAT('mine ', seq), '2026-03-02 10:00:00' FROM seq_1_to_60", c, me));
    session_as(&b, me);
    json_t *p1 = api(&b, "GET", 200, NULL, "/api/v1/profile/activity");
    ck_assert_uint_eq(json_array_size(json_object_get(p1, "events")), 50);
    long long next = json_integer_value(json_object_get(p1, "next_before"));
    json_t *p2 = api(&b, "GET", 200, NULL, "/api/v1/profile/activity?before=%lld", next);
    ck_assert_uint_eq(json_array_size(json_object_get(p2, "events")), 10);
    ck_assert_ptr_null(json_object_get(p2, "next_before"));
    char *a = ids_csv(json_object_get(p1, "events")), *z = ids_csv(json_object_get(p2, "events"));
    v = sql("SELECT GROUP_CONCAT(id ORDER BY id DESC SEPARATOR ',') FROM audit_events "
            "WHERE actor_user_id = %lld", me);
    char *both = malloc(strlen(a) + strlen(z) + 2);
    sprintf(both, "%s,%s", a, z);
    ck_assert_str_eq(both, v);
    free(both);
    free(a);
    free(z);
    free(v);
    json_decref(p1);
    json_decref(p2);
    json_decref(api(&b, "GET", 400, NULL, "/api/v1/profile/activity?before=x"));
    browser_free(&b);
}
END_TEST

int main(void)
{
    if (suite_init("check_audit_feed") != 0)
        return 77;

    Suite *s = suite_create("audit_feed");
    TCase *tc = tcase_create("feed, loose events, my activity");
    tcase_add_test(tc, test_the_feed_resumes_without_skipping_or_repeating_while_events_arrive);
    tcase_add_test(tc, test_the_feed_is_scoped_like_the_page);
    tcase_add_test(tc, test_events_without_an_organisation_show_where_their_people_are_members);
    tcase_add_test(tc, test_a_big_subtree_lists_exactly_what_a_plain_query_finds);
    tcase_add_test(tc, test_my_activity_shows_what_i_did_and_who_opened_my_account);
    tcase_add_test(tc, test_my_activity_pages_neither_skip_nor_repeat);
    tcase_set_timeout(tc, 90);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
