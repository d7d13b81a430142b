/*
 * check_orgs — the organisation tree through the real nginx in front of
 * the real portald and MariaDB, as partners and customers drive it: the
 * drill-down table lists exactly an organisation's children with the right
 * user and customer counts and pages by keyset without skipping or
 * repeating; breadcrumbs never name an ancestor above the actor's own
 * organisation; a child is added only where its kind fits, a duplicate
 * name is refused with nothing created; anything outside the actor's tree
 * is a 404; suspending a customer ends its users' sessions at once and
 * refuses their sign-in; a customer moved between two partners is seen
 * from the new one and no longer from the old one (closure rows right),
 * and never by someone who does not hold the destination; only an
 * organisation's own administrators change its consent; a partner's
 * invitation creates the customer with the invitee as its administrator
 * (an existing account keeps its password and is not signed in by the
 * link), and a revoked invitation says so.
 *
 * Organisations and members are planted with the mariadb client
 * (auth_client.c); each test makes its own, so their order does not matter.
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.
 */
#include "auth_client.h"

#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------------------------- */

/* A browser signed in as a new member holding the system role at org. */
static long long actor(struct browser *b, long long org, const char *role, char **email_out)
{
    struct http_resp r;
    long long uid = member_signed_in(b, "orgs", org, role, email_out);

    open_page(b, "/", &r);              /* the layout's forms carry the CSRF token */
    http_resp_free(&r);
    return uid;
}

/* The id at the end of a 303's Location "/orgs/<id>". */
static long long location_org(const struct http_resp *r)
{
    char *loc = http_header(r, "Location");

    ck_assert_msg(r->status == 303 && loc && strncmp(loc, "/orgs/", 6) == 0,
                  "status %ld to %s: %.300s", r->status, loc ? loc : "(none)", r->body);
    long long id = strtoll(loc + 6, NULL, 10);
    free(loc);
    ck_assert_int_gt(id, 0);
    return id;
}

static char *org_name(long long org)
{
    return sql("SELECT name FROM orgs WHERE id = %lld", org);
}

/* The children's ids as "12,11,9". */
static char *child_ids(json_t *view)
{
    char *out = calloc(1, 4096);
    size_t i;
    json_t *c;

    json_array_foreach(json_object_get(view, "children"), i, c)
        snprintf(out + strlen(out), 4096 - strlen(out), "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(c, "id")));
    return out;
}

static char *ids(int n, ...)
{
    char *out = calloc(1, 4096);
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++)
        snprintf(out + strlen(out), 4096 - strlen(out), "%s%lld", i ? "," : "",
                 va_arg(ap, long long));
    va_end(ap);
    return out;
}

#define EXPECT_CHILDREN(v, n, ...) do {                                     \
        char *got_ = child_ids(v), *want_ = ids(n, __VA_ARGS__);            \
        ck_assert_msg(strcmp(got_, want_) == 0, "children [%s], want [%s]", \
                      got_, want_);                                         \
        free(got_); free(want_);                                            \
    } while (0)

static json_t *child_row(json_t *view, long long id)
{
    size_t i;
    json_t *c;

    json_array_foreach(json_object_get(view, "children"), i, c)
        if (json_integer_value(json_object_get(c, "id")) == id)
            return c;
    ck_abort_msg("child %lld not listed", id);
    return NULL;
}

static long long member_count(json_t *row, const char *key)
{
    return json_integer_value(json_object_get(row, key));
}

/* How many events of this action and status the actor left in org. */
static long long events(long long org, long long uid, const char *action, const char *status)
{
    return sql_num("SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND actor_user_id = "
                   "%lld AND category = 'Organisations' AND action = '%s' AND status = '%s'",
                   org, uid, action, status);
}

/* ---- the tree --------------------------------------------------------------------------- */

struct tree {
    long long dist, p1, p2, alpha, bravo, charlie, c3;
};

/* platform → dist → {p1 → {alpha, bravo, charlie (sub-partner) → c3}, p2}
 * with 1 user at p1, 2 at alpha, 1 at c3. */
static void tree_make(struct tree *t)
{
    t->dist = make_org(platform_org(), "distributor", "Dist");
    t->p1 = make_org(t->dist, "partner", "Partner One");
    t->p2 = make_org(t->dist, "partner", "Partner Two");
    t->alpha = make_org(t->p1, "customer", "Alpha");
    t->bravo = make_org(t->p1, "customer", "Bravo");
    t->charlie = make_org(t->p1, "partner", "Charlie");
    t->c3 = make_org(t->charlie, "customer", "Delta");
    make_member("staff", t->p1, system_role("msp_user"), NULL);
    make_member("cust", t->alpha, system_role("customer_user"), NULL);
    make_member("cust", t->alpha, system_role("customer_admin"), NULL);
    make_member("cust", t->c3, system_role("customer_user"), NULL);
}

START_TEST(test_drill_down_lists_exactly_the_children_with_their_counts)
{
    struct browser b = { 0 };
    struct http_resp r;
    struct tree t;
    char want[256];

    tree_make(&t);
    actor(&b, t.dist, "distributor_admin", NULL);

    /* /orgs takes the actor to their home organisation. */
    browse(&b, "GET", "/orgs", NULL, false, &r);
    snprintf(want, sizeof(want), "/orgs/%lld", t.dist);
    assert_redirect(&r, want);
    http_resp_free(&r);

    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld", t.dist);
    EXPECT_CHILDREN(v, 2, t.p1, t.p2);          /* never a grandchild */
    json_t *p1 = child_row(v, t.p1), *p2 = child_row(v, t.p2);
    ck_assert_int_eq(member_count(p1, "users"), 1 + 2 + 1);   /* p1's staff, alpha's two, c3's */
    ck_assert_int_eq(member_count(p1, "customers"), 3);            /* alpha, bravo, c3 */
    ck_assert_int_eq(member_count(p2, "users"), 0);
    ck_assert_int_eq(member_count(p2, "customers"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(p1, "kind")), "partner");
    ck_assert_str_eq(json_string_value(json_object_get(p1, "status")), "active");
    ck_assert_int_eq(json_integer_value(json_object_get(v, "children_total")), 2);
    json_decref(v);
    /* A customer has no children. */
    v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld", t.c3);
    ck_assert_uint_eq(json_array_size(json_object_get(v, "children")), 0);
    json_decref(v);
    browser_free(&b);
}
END_TEST

START_TEST(test_children_page_by_keyset_sorted_and_searched)
{
    struct browser b = { 0 };
    struct http_resp r;
    struct tree t;
    char path[256], want[256];

    tree_make(&t);
    actor(&b, t.dist, "distributor_admin", NULL);

    /* Name order, two a page: the keyset link goes on exactly after the last. */
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld?limit=2", t.p1);
    EXPECT_CHILDREN(v, 2, t.alpha, t.bravo);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "next_after")), t.bravo);
    ck_assert_int_eq(member_count(child_row(v, t.alpha), "users"), 2);
    json_decref(v);
    /* A child added before the cursor meanwhile shifts nothing. */
    long long aardvark = make_org(t.p1, "customer", "Aardvark");
    v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld?limit=2&after=%lld", t.p1, t.bravo);
    EXPECT_CHILDREN(v, 1, t.charlie);
    ck_assert_ptr_null(json_object_get(v, "next_after"));
    ck_assert_int_eq(member_count(child_row(v, t.charlie), "users"), 1);
    ck_assert_int_eq(member_count(child_row(v, t.charlie), "customers"), 1);
    json_decref(v);
    v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld?sort=name&dir=desc", t.p1);
    EXPECT_CHILDREN(v, 4, t.charlie, t.bravo, t.alpha, aardvark);
    json_decref(v);

    /* Creation order with a tie: one a page, every child exactly once. */
    free(sql("UPDATE orgs SET created = CASE id WHEN %lld THEN '2026-01-01 10:00:00' "
             "WHEN %lld THEN '2026-01-02 10:00:00' WHEN %lld THEN '2026-01-02 10:00:00' "
             "ELSE '2026-01-03 10:00:00' END WHERE parent_id = %lld", t.charlie, t.alpha,
             t.bravo, t.p1));
    long long seen[8], after = 0;
    int n = 0;
    do {
        v = after ? api_json(&b, "GET", 200, NULL,
                             "/api/v1/orgs/%lld?sort=created&dir=asc&limit=1&after=%lld", t.p1,
                             after)
                  : api_json(&b, "GET", 200, NULL,
                             "/api/v1/orgs/%lld?sort=created&dir=asc&limit=1", t.p1);
        ck_assert_uint_eq(json_array_size(json_object_get(v, "children")), 1);
        ck_assert_int_lt(n, 8);
        seen[n++] = json_integer_value(json_object_get(json_array_get(
            json_object_get(v, "children"), 0), "id"));
        after = json_integer_value(json_object_get(v, "next_after"));
        json_decref(v);
    } while (after);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(seen[0], t.charlie);
    ck_assert_int_eq(seen[1], t.alpha < t.bravo ? t.alpha : t.bravo);
    ck_assert_int_eq(seen[2], t.alpha < t.bravo ? t.bravo : t.alpha);
    ck_assert_int_eq(seen[3], aardvark);

    /* Search by name; wildcards are characters. */
    v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld?q=brav", t.p1);
    EXPECT_CHILDREN(v, 1, t.bravo);
    json_decref(v);
    v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld?q=%%25", t.p1);
    ck_assert_uint_eq(json_array_size(json_object_get(v, "children")), 0);
    json_decref(v);
    json_decref(api_json(&b, "GET", 400, NULL, "/api/v1/orgs/%lld?sort=size", t.p1));
    json_decref(api_json(&b, "GET", 400, NULL, "/api/v1/orgs/%lld?after=%lld", t.p1, t.c3));

    /* The page: the rows, and the next page's link. */
    snprintf(path, sizeof(path), "/orgs/%lld?limit=2", t.p1);
    open_page(&b, path, &r);
    assert_body_has(&r, "id=\"children-table\"");
    char *name = org_name(aardvark);
    assert_body_has(&r, name);
    free(name);
    snprintf(want, sizeof(want), "href=\"/orgs/%lld?sort=name&amp;dir=asc&amp;limit=2&amp;"
             "after=%lld\" rel=\"next\"", t.p1, t.alpha);
    assert_body_has(&r, want);
    http_resp_free(&r);
    browser_free(&b);
}
END_TEST

START_TEST(test_breadcrumbs_stop_at_the_actors_own_organisation)
{
    struct browser b = { 0 };
    struct http_resp r;
    struct tree t;
    char path[128];

    tree_make(&t);
    actor(&b, t.p1, "msp_admin", NULL);
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld", t.c3);
    json_t *crumbs = json_object_get(v, "breadcrumbs");
    ck_assert_uint_eq(json_array_size(crumbs), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(crumbs, 0), "id")), t.p1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(crumbs, 1), "id")),
                     t.charlie);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(crumbs, 2), "id")), t.c3);
    json_decref(v);

    /* Neither the distributor nor the platform is named on the page. */
    snprintf(path, sizeof(path), "/orgs/%lld", t.c3);
    open_page(&b, path, &r);
    char *dist = org_name(t.dist), *p1 = org_name(t.p1), link[64];
    assert_body_has(&r, p1);
    ck_assert_msg(strstr(r.body, dist) == NULL, "the distributor leaks: %s", dist);
    /* (The platform's name is the brand's: look for its link instead.) */
    snprintf(link, sizeof(link), "href=\"/orgs/%lld\"", platform_org());
    ck_assert_msg(strstr(r.body, link) == NULL, "the platform leaks: %s", link);
    snprintf(link, sizeof(link), "href=\"/orgs/%lld\"", t.dist);
    ck_assert_msg(strstr(r.body, link) == NULL, "the distributor leaks: %s", link);
    snprintf(link, sizeof(link), "href=\"/orgs/%lld\"", t.p1);
    assert_body_has(&r, link);
    http_resp_free(&r);
    free(dist);
    free(p1);

    /* Outside the tree nothing exists: the parent, the sibling, their pages. */
    json_decref(api_json(&b, "GET", 404, NULL, "/api/v1/orgs/%lld", t.dist));
    json_decref(api_json(&b, "GET", 404, NULL, "/api/v1/orgs/%lld", t.p2));
    snprintf(path, sizeof(path), "/orgs/%lld/suspend", t.p2);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM orgs WHERE id = %lld AND status = "
                             "'active'", t.p2), 1);
    browser_free(&b);
}
END_TEST

/* ---- adding ------------------------------------------------------------------------------ */

START_TEST(test_add_child_follows_the_kinds_and_refuses_a_duplicate_name)
{
    struct browser b = { 0 }, m = { 0 };
    struct http_resp r;
    struct tree t;
    char path[128], name[128];

    tree_make(&t);
    long long uid = actor(&b, t.dist, "distributor_admin", NULL);

    snprintf(path, sizeof(path), "/orgs/%lld/children/new", t.dist);
    open_page(&b, path, &r);
    assert_body_has(&r, "value=\"partner\"");
    assert_body_has(&r, "value=\"customer\"");
    ck_assert_ptr_null(strstr(r.body, "value=\"distributor\""));
    http_resp_free(&r);

    snprintf(name, sizeof(name), "New Partner %d", (int)random());
    post_form(&b, path, &r, "kind", "partner", "name", name, (char *)NULL);
    long long np = location_org(&r);
    http_resp_free(&r);
    char *row = sql("SELECT parent_id, kind, name, status, slug <> '' FROM orgs WHERE id = %lld",
                    np);
    char want[256];
    snprintf(want, sizeof(want), "%lld\tpartner\t%s\tactive\t1", t.dist, name);
    ck_assert_str_eq(row, want);
    free(row);
    /* Closure: itself, the distributor, the platform. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM org_closure WHERE descendant = %lld", np), 3);
    ck_assert_int_eq(sql_num("SELECT depth FROM org_closure WHERE descendant = %lld AND "
                             "ancestor = %lld", np, t.dist), 1);
    ck_assert_int_eq(events(t.dist, uid, "Create Organization", "Success"), 1);

    /* A distributor holds no distributor; nothing is created. */
    long long before = sql_num("SELECT COUNT(*) FROM orgs WHERE parent_id = %lld",
                               t.dist);
    post_form(&b, path, &r, "kind", "distributor", "name", "Nested Dist", (char *)NULL);
    ck_assert_int_eq(r.status, 422);
    assert_body_has(&r, "id=\"form-error\"");
    http_resp_free(&r);
    /* The same name again under the same parent: refused, nothing created. */
    post_form(&b, path, &r, "kind", "customer", "name", name, (char *)NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "already has an organisation named");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM orgs WHERE parent_id = %lld",
                             t.dist), before);
    ck_assert_int_eq(events(t.dist, uid, "Create Organization", "Failed"), 2);
    /* The same name under another parent is fine, with its own slug. */
    snprintf(path, sizeof(path), "/orgs/%lld/children/new", np);
    post_form(&b, path, &r, "kind", "customer", "name", name, (char *)NULL);
    long long same = location_org(&r);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(DISTINCT slug) FROM orgs WHERE id IN (%lld, %lld)",
                             np, same), 2);

    /* Through the API: 201 and the new organisation. */
    snprintf(path, sizeof(path), "/api/v1/orgs/%lld/children/new", t.p1);
    browse(&b, "POST", path, "{\"kind\":\"partner\",\"name\":\"Sub via API\"}", true, &r);
    ck_assert_msg(r.status == 201, "%ld %.300s", r.status, r.body);
    json_t *v = json_loads(r.body, 0, NULL);
    long long sub = json_integer_value(json_object_get(json_object_get(v, "created"), "id"));
    json_decref(v);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM org_closure WHERE descendant = %lld AND "
                             "ancestor = %lld AND depth = 1", sub, t.p1), 1);

    /* A partner adds a sub-partner and customers; a customer adds nothing;
     * a partner's staff member may not add at all. */
    actor(&m, t.charlie, "msp_admin", NULL);
    snprintf(path, sizeof(path), "/orgs/%lld/children/new", t.charlie);
    post_form(&m, path, &r, "kind", "partner", "name", "Sub Sub", (char *)NULL);
    location_org(&r);
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/children/new", t.c3);
    post_form(&m, path, &r, "kind", "customer", "name", "Under a customer", (char *)NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "cannot hold other organisations");
    http_resp_free(&r);
    browser_free(&m);
    actor(&m, t.p1, "msp_user", NULL);
    snprintf(path, sizeof(path), "/orgs/%lld/children/new", t.p1);
    post_form(&m, path, &r, "kind", "customer", "name", "Staff made", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM orgs WHERE name IN ('Under a customer', "
                             "'Staff made', 'Nested Dist')"), 0);
    browser_free(&m);
    browser_free(&b);
}
END_TEST

/* ---- suspend ----------------------------------------------------------------------------- */

START_TEST(test_suspending_a_customer_ends_its_sessions_and_refuses_sign_in)
{
    struct browser b = { 0 }, u = { 0 };
    struct http_resp r;
    char path[128], *email;
    long long partner = make_org(platform_org(), "partner", "Suspender");
    long long cust = make_org(partner, "customer", "Suspended Co");
    long long uid = actor(&b, partner, "msp_admin", NULL);

    actor(&u, cust, "customer_admin", &email);
    ck_assert_int_eq(whoami(&u), 200);
    snprintf(path, sizeof(path), "/orgs/%lld/suspend", cust);
    post_form(&b, path, &r, (char *)NULL);
    snprintf(path, sizeof(path), "/orgs/%lld", cust);
    assert_redirect(&r, path);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM orgs WHERE id = %lld AND status = "
                             "'suspended'", cust), 1);
    ck_assert_int_eq(events(cust, uid, "Suspend Organization", "Success"), 1);
    /* The customer's live session is gone, and signing in is refused. */
    ck_assert_int_eq(whoami(&u), 401);
    browser_free(&u);
    sign_in(&u, email, PASSWORD, &r);
    ck_assert_msg(r.status != 303, "a suspended customer signed in: %ld", r.status);
    assert_body_has(&r, "access has been suspended");
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&u), 401);
    browser_free(&u);

    /* The page says so; nobody suspends their own organisation. */
    snprintf(path, sizeof(path), "/orgs/%lld", cust);
    open_page(&b, path, &r);
    assert_body_has(&r, "id=\"org-suspended\"");
    assert_body_has(&r, "id=\"resume-org\"");
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/suspend", partner);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    ck_assert_int_eq(events(partner, uid, "Suspend Organization", "Failed"), 1);
    ck_assert_int_eq(whoami(&b), 200);

    /* Resumed, the customer signs in again. */
    snprintf(path, sizeof(path), "/orgs/%lld/resume", cust);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 303);
    http_resp_free(&r);
    sign_in_ok(&u, email, PASSWORD);
    free(email);
    browser_free(&u);
    browser_free(&b);
}
END_TEST

/* ---- move ---------------------------------------------------------------------------------- */

START_TEST(test_moving_a_customer_between_partners_moves_its_closure)
{
    struct browser b = { 0 }, o1 = { 0 }, o2 = { 0 };
    struct http_resp r;
    struct tree t;
    char path[128];

    tree_make(&t);
    long long uid = actor(&b, t.dist, "distributor_admin", NULL);
    actor(&o1, t.p1, "msp_admin", NULL);
    actor(&o2, t.p2, "msp_admin", NULL);
    json_decref(api_json(&o1, "GET", 200, NULL, "/api/v1/orgs/%lld", t.alpha));
    json_decref(api_json(&o2, "GET", 404, NULL, "/api/v1/orgs/%lld", t.alpha));

    /* The form offers the other partner, never the customer's own parent. */
    snprintf(path, sizeof(path), "/orgs/%lld/move", t.alpha);
    open_page(&b, path, &r);
    char opt[64];
    snprintf(opt, sizeof(opt), "<option value=\"%lld\">", t.p2);
    assert_body_has(&r, opt);
    snprintf(opt, sizeof(opt), "<option value=\"%lld\">", t.p1);
    ck_assert_ptr_null(strstr(r.body, opt));
    http_resp_free(&r);

    char to[32];
    snprintf(to, sizeof(to), "%lld", t.p2);
    post_form(&b, path, &r, "parent_id", to, (char *)NULL);
    ck_assert_int_eq(location_org(&r), t.alpha);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT parent_id FROM orgs WHERE id = %lld", t.alpha),
                     t.p2);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM org_closure WHERE descendant = %lld AND "
                             "ancestor = %lld", t.alpha, t.p1), 0);
    ck_assert_int_eq(sql_num("SELECT depth FROM org_closure WHERE descendant = %lld AND "
                             "ancestor = %lld", t.alpha, t.p2), 1);
    ck_assert_int_eq(sql_num("SELECT depth FROM org_closure WHERE descendant = %lld AND "
                             "ancestor = %lld", t.alpha, t.dist), 2);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM org_closure WHERE descendant = %lld",
                             t.alpha), 4);
    ck_assert_int_eq(events(t.alpha, uid, "Move Organization", "Success"), 1);

    /* Seen from the new partner now, and no longer from the old one. */
    json_decref(api_json(&o1, "GET", 404, NULL, "/api/v1/orgs/%lld", t.alpha));
    json_decref(api_json(&o2, "GET", 200, NULL, "/api/v1/orgs/%lld", t.alpha));
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld", t.dist);
    /* (o1 and o2 are members of p1 and p2 themselves.) */
    ck_assert_int_eq(member_count(child_row(v, t.p2), "users"), 1 + 2);
    ck_assert_int_eq(member_count(child_row(v, t.p2), "customers"), 1);
    ck_assert_int_eq(member_count(child_row(v, t.p1), "users"), 1 + 1 + 1);
    ck_assert_int_eq(member_count(child_row(v, t.p1), "customers"), 2);
    json_decref(v);
    v = api_json(&o2, "GET", 200, NULL, "/api/v1/orgs/%lld", t.p2);
    EXPECT_CHILDREN(v, 1, t.alpha);
    json_decref(v);

    /* Not into its own subtree; not under a customer. */
    snprintf(path, sizeof(path), "/orgs/%lld/move", t.p1);
    snprintf(to, sizeof(to), "%lld", t.charlie);
    post_form(&b, path, &r, "parent_id", to, (char *)NULL);
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/move", t.bravo);
    snprintf(to, sizeof(to), "%lld", t.c3);
    post_form(&b, path, &r, "parent_id", to, (char *)NULL);
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT parent_id FROM orgs WHERE id = %lld", t.p1), t.dist);
    ck_assert_int_eq(sql_num("SELECT parent_id FROM orgs WHERE id = %lld", t.bravo), t.p1);
    browser_free(&o1);
    browser_free(&o2);
    browser_free(&b);
}
END_TEST

START_TEST(test_moving_without_holding_the_destination_is_refused)
{
    struct browser b = { 0 };
    struct http_resp r;
    struct tree t;
    char path[128], to[32];

    tree_make(&t);
    long long uid = actor(&b, t.p1, "msp_admin", NULL);
    snprintf(path, sizeof(path), "/orgs/%lld/move", t.bravo);
    snprintf(to, sizeof(to), "%lld", t.p2);
    /* The other partner is outside this actor's tree: it does not exist. */
    post_form(&b, path, &r, "parent_id", to, (char *)NULL);
    ck_assert_int_eq(r.status, 404);
    assert_body_has(&r, "no such organisation");
    http_resp_free(&r);
    /* Inside the tree, but without orgs.move there: 403. */
    add_membership(uid, t.p2, system_role("msp_user"));
    post_form(&b, path, &r, "parent_id", to, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT parent_id FROM orgs WHERE id = %lld", t.bravo),
                     t.p1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM org_closure WHERE descendant = %lld AND "
                             "ancestor = %lld", t.bravo, t.p2), 0);
    ck_assert_int_eq(events(t.bravo, uid, "Move Organization", "Failed"), 2);
    /* Within its own tree the partner moves a customer to its sub-partner. */
    snprintf(to, sizeof(to), "%lld", t.charlie);
    post_form(&b, path, &r, "parent_id", to, (char *)NULL);
    ck_assert_int_eq(location_org(&r), t.bravo);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT depth FROM org_closure WHERE descendant = %lld AND "
                             "ancestor = %lld", t.bravo, t.p1), 2);
    browser_free(&b);
}
END_TEST

/* ---- consent -------------------------------------------------------------------------------- */

START_TEST(test_only_the_organisations_own_admins_change_its_consent)
{
    struct browser parent = { 0 }, own = { 0 };
    struct http_resp r;
    char path[128];
    long long partner = make_org(platform_org(), "partner", "Consent Partner");
    long long cust = make_org(partner, "customer", "Consent Co");
    long long pid = actor(&parent, partner, "msp_admin", NULL);
    long long oid = actor(&own, cust, "customer_admin", NULL);
    char *cname = org_name(cust), *pname = org_name(partner), want[512];

    ck_assert_int_eq(sql_num("SELECT allow_parent_access FROM orgs WHERE id = %lld",
                             cust), 1);
    snprintf(path, sizeof(path), "/orgs/%lld/consent", cust);
    post_form(&parent, path, &r, "allow", "0", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    snprintf(want, sizeof(want), "Only %s&#39;s own administrators can change this", cname);
    assert_body_has(&r, want);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT allow_parent_access FROM orgs WHERE id = %lld",
                             cust), 1);
    ck_assert_int_eq(events(cust, pid, "Update Consent", "Failed"), 1);

    /* The customer's own administrator sees the switch and uses it. */
    snprintf(path, sizeof(path), "/orgs/%lld", cust);
    open_page(&own, path, &r);
    snprintf(want, sizeof(want), "Allow %s to access this organisation", pname);
    assert_body_has(&r, want);
    assert_body_has(&r, "id=\"consent-toggle\"");
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/consent", cust);
    post_form(&own, path, &r, "allow", "0", (char *)NULL);
    ck_assert_int_eq(r.status, 303);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT allow_parent_access FROM orgs WHERE id = %lld",
                             cust), 0);
    ck_assert_int_eq(events(cust, oid, "Update Consent", "Success"), 1);
    char *meta = sql("SELECT CONCAT(JSON_EXTRACT(metadata, '$.before.allow_parent_access'), '>',"
                     " JSON_EXTRACT(metadata, '$.after.allow_parent_access')) FROM audit_events "
                     "WHERE org_id = %lld AND action = 'Update Consent' AND status = 'Success'",
                     cust);
    ck_assert_str_eq(meta, "true>false");
    free(meta);

    /* The parent sees the refusal but has no switch. */
    snprintf(path, sizeof(path), "/orgs/%lld", cust);
    open_page(&parent, path, &r);
    assert_body_has(&r, "Not allowed");
    ck_assert_ptr_null(strstr(r.body, "id=\"consent-toggle\""));
    http_resp_free(&r);
    free(cname);
    free(pname);
    browser_free(&parent);
    browser_free(&own);
}
END_TEST

/* ---- invitations ------------------------------------------------------------------------------ */

/* Sends an invitation from the partner's page; the invitee's address. */
static char *invite(struct browser *b, long long partner, const char *company)
{
    struct http_resp r;
    char path[128], want[128];
    char *email = unique_email("invitee");

    snprintf(path, sizeof(path), "/orgs/%lld/invitations", partner);
    open_page(b, path, &r);
    http_resp_free(&r);
    post_form(b, path, &r, "org_name", company, "full_name", "Ivy Invitee", "email", email,
              "email_confirm", email, (char *)NULL);
    snprintf(want, sizeof(want), "/orgs/%lld/invitations", partner);
    assert_redirect(&r, want);
    http_resp_free(&r);
    return email;
}

START_TEST(test_a_partners_invitation_creates_the_customer_with_its_admin)
{
    struct browser b = { 0 }, inv = { 0 }, again = { 0 };
    struct http_resp r;
    char path[256], company[128], subject[300];
    long long partner = make_org(platform_org(), "partner", "Inviting Partner");
    long long uid = actor(&b, partner, "msp_admin", NULL);
    char *pname = org_name(partner);

    snprintf(company, sizeof(company), "Joined Co %d", (int)random());
    /* Mistyped confirmation: refused, nothing stored. */
    snprintf(path, sizeof(path), "/orgs/%lld/invitations", partner);
    open_page(&b, path, &r);
    http_resp_free(&r);
    post_form(&b, path, &r, "org_name", company, "full_name", "Ivy", "email", "a@example.com",
              "email_confirm", "b@example.com", (char *)NULL);
    ck_assert_int_eq(r.status, 422);
    assert_body_has(&r, "do not match");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE org_id = %lld AND "
                             "purpose = 'org_invite'", partner), 0);

    char *email = invite(&b, partner, company);
    char *row = sql("SELECT u.password_hash IS NULL, (SELECT COUNT(*) FROM memberships m WHERE "
                    "m.user_id = u.id), t.expires > NOW() + INTERVAL 6 DAY FROM users u JOIN "
                    "one_time_tokens t ON t.user_id = u.id AND t.purpose = 'org_invite' "
                    "WHERE u.email = '%s'", email);
    ck_assert_str_eq(row, "1\t0\t1");
    free(row);
    ck_assert_int_eq(events(partner, uid, "Invite Customer", "Success"), 1);
    snprintf(path, sizeof(path), "/orgs/%lld/invitations", partner);
    open_page(&b, path, &r);
    assert_body_has(&r, company);
    assert_body_has(&r, "pending");
    http_resp_free(&r);

    snprintf(subject, sizeof(subject), "%s invites you", pname);
    char *mail = mail_wait(email, subject);
    char *link = link_in(mail, "/join?token=");
    ck_assert_ptr_nonnull(strstr(mail, company));
    free(mail);

    /* The invitee's page names the company; a weak password is refused. */
    open_page(&inv, link, &r);
    assert_body_has(&r, company);
    assert_body_has(&r, email);
    char *token = strdup(strchr(link, '=') + 1);
    http_resp_free(&r);
    post_form(&inv, "/join", &r, "token", token, "password", "short", "password_confirm",
              "short", (char *)NULL);
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM orgs WHERE parent_id = %lld",
                             partner), 0);
    post_form(&inv, "/join", &r, "token", token, "password", NEW_PASSWORD, "password_confirm",
              NEW_PASSWORD, (char *)NULL);
    long long cust = location_org(&r);
    http_resp_free(&r);

    /* The customer sits under the partner, the invitee is its administrator. */
    char *got = sql("SELECT o.parent_id, o.kind, o.name, ro.system_key FROM orgs o JOIN "
                    "memberships m ON m.org_id = o.id JOIN users u ON u.id = m.user_id AND "
                    "u.email = '%s' JOIN roles ro ON ro.id = m.role_id WHERE o.id = %lld",
                    email, cust);
    char want[300];
    snprintf(want, sizeof(want), "%lld\tcustomer\t%s\tcustomer_admin", partner, company);
    ck_assert_str_eq(got, want);
    free(got);
    ck_assert_int_eq(sql_num("SELECT depth FROM org_closure WHERE ancestor = %lld AND "
                             "descendant = %lld", partner, cust), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE org_id = %lld AND "
                             "used_at IS NOT NULL", partner), 1);
    /* Logged in the new organisation, naming the invitee. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events e JOIN users u ON u.id = "
                             "e.subject_user_id AND u.email = '%s' WHERE e.org_id = %lld AND "
                             "e.category = 'Organisations' AND e.action = 'Accept Invitation' "
                             "AND e.status = 'Success'", email, cust), 1);

    /* Signed in at once, and with the new password later. */
    ck_assert_int_eq(whoami(&inv), 200);
    snprintf(path, sizeof(path), "/orgs/%lld", cust);
    open_page(&inv, path, &r);
    assert_body_has(&r, company);
    http_resp_free(&r);
    sign_in_ok(&again, email, NEW_PASSWORD);

    /* The partner sees its new customer; the link is spent. */
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld", partner);
    EXPECT_CHILDREN(v, 1, cust);
    json_decref(v);
    browse(&again, "GET", link, NULL, false, &r);
    assert_body_has(&r, "already been used");
    http_resp_free(&r);

    free(token);
    free(link);
    free(email);
    free(pname);
    browser_free(&again);
    browser_free(&inv);
    browser_free(&b);
}
END_TEST

START_TEST(test_a_revoked_invitation_link_says_so)
{
    struct browser b = { 0 }, inv = { 0 }, other = { 0 };
    struct http_resp r;
    char path[256], subject[300], company[128];
    long long partner = make_org(platform_org(), "partner", "Revoking Partner");
    long long elsewhere = make_org(platform_org(), "partner", "Other Partner");
    long long cust = make_org(partner, "customer", "Plain Customer");
    long long uid = actor(&b, partner, "msp_admin", NULL);
    char *pname = org_name(partner);

    snprintf(company, sizeof(company), "Revoked Co %d", (int)random());
    char *email = invite(&b, partner, company);
    long long id = sql_num("SELECT id FROM one_time_tokens WHERE org_id = %lld AND purpose = "
                           "'org_invite' ORDER BY id DESC LIMIT 1", partner);
    snprintf(subject, sizeof(subject), "%s invites you", pname);
    char *mail = mail_wait(email, subject);
    char *link = link_in(mail, "/join?token=");
    free(mail);

    /* Another partner cannot revoke it through its own page. */
    actor(&other, elsewhere, "msp_admin", NULL);
    snprintf(path, sizeof(path), "/orgs/%lld/invitations/%lld/revoke", elsewhere, id);
    post_form(&other, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);

    snprintf(path, sizeof(path), "/orgs/%lld/invitations/%lld/revoke", partner, id);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 303);
    http_resp_free(&r);
    ck_assert_int_eq(events(partner, uid, "Revoke Invitation", "Success"), 1);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 409);
    http_resp_free(&r);

    open_page(&inv, link, &r);
    assert_body_has(&r, "id=\"link-problem\"");
    assert_body_has(&r, "withdrawn");
    ck_assert_ptr_null(strstr(r.body, "name=\"password\""));
    http_resp_free(&r);
    post_form(&inv, "/join", &r, "token", strchr(link, '=') + 1, "password", NEW_PASSWORD,
              "password_confirm", NEW_PASSWORD, (char *)NULL);
    assert_body_has(&r, "withdrawn");
    http_resp_free(&r);
    char api[300];
    snprintf(api, sizeof(api), "/api/v1%s", link);
    json_decref(api_json(&inv, "GET", 410, NULL, "%s", api));
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM orgs WHERE parent_id = %lld AND id <> %lld",
                             partner, cust), 0);
    ck_assert_int_eq(whoami(&inv), 401);

    /* Customers do not invite customers. */
    snprintf(path, sizeof(path), "/orgs/%lld/invitations", cust);
    browse(&b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 409);
    http_resp_free(&r);
    free(link);
    free(email);
    free(pname);
    browser_free(&other);
    browser_free(&inv);
    browser_free(&b);
}
END_TEST

START_TEST(test_an_invitee_with_an_account_keeps_their_password)
{
    struct browser b = { 0 }, inv = { 0 };
    struct http_resp r;
    char path[256], subject[300], company[128], want[300], *email;
    long long partner = make_org(platform_org(), "partner", "Second Home Partner");
    long long elsewhere = make_org(platform_org(), "customer", "First Home");
    long long invitee = make_member("known", elsewhere, system_role("customer_user"), &email);
    char *pname = org_name(partner), *hash = sql("SELECT password_hash FROM users WHERE id = "
                                                 "%lld", invitee);

    actor(&b, partner, "msp_admin", NULL);
    snprintf(company, sizeof(company), "Known Co %d", (int)random());
    snprintf(path, sizeof(path), "/orgs/%lld/invitations", partner);
    open_page(&b, path, &r);
    http_resp_free(&r);
    post_form(&b, path, &r, "org_name", company, "full_name", "Someone Else", "email", email,
              "email_confirm", email, (char *)NULL);
    ck_assert_int_eq(r.status, 303);
    http_resp_free(&r);
    /* The account is found by its address, not made again. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE email = '%s'", email), 1);
    snprintf(subject, sizeof(subject), "%s invites you", pname);
    char *mail = mail_wait(email, subject), *link = link_in(mail, "/join?token=");
    free(mail);

    open_page(&inv, link, &r);
    assert_body_has(&r, "already has a password");
    ck_assert_ptr_null(strstr(r.body, "name=\"password\""));
    http_resp_free(&r);
    post_form(&inv, "/join", &r, "token", strchr(link, '=') + 1, (char *)NULL);
    assert_redirect(&r, "/login");
    http_resp_free(&r);
    /* A link is no password: nobody is signed in by it, the password stays. */
    ck_assert_int_eq(whoami(&inv), 401);
    char *after = sql("SELECT password_hash FROM users WHERE id = %lld", invitee);
    ck_assert_str_eq(after, hash);
    free(after);
    long long cust = sql_num("SELECT m.org_id FROM memberships m JOIN orgs o ON o.id = m.org_id "
                             "AND o.parent_id = %lld WHERE m.user_id = %lld", partner, invitee);
    ck_assert_int_gt(cust, 0);
    sign_in_ok(&inv, email, PASSWORD);
    snprintf(path, sizeof(path), "/orgs/%lld", cust);
    open_page(&inv, path, &r);
    snprintf(want, sizeof(want), "id=\"org-name\">%s<", company);
    assert_body_has(&r, want);
    http_resp_free(&r);
    free(link);
    free(hash);
    free(pname);
    free(email);
    browser_free(&inv);
    browser_free(&b);
}
END_TEST

int main(void)
{
    if (suite_init("check_orgs") != 0)
        return 77;

    Suite *s = suite_create("orgs");
    TCase *tc = tcase_create("organisation tree");
    tcase_add_test(tc, test_drill_down_lists_exactly_the_children_with_their_counts);
    tcase_add_test(tc, test_children_page_by_keyset_sorted_and_searched);
    tcase_add_test(tc, test_breadcrumbs_stop_at_the_actors_own_organisation);
    tcase_add_test(tc, test_add_child_follows_the_kinds_and_refuses_a_duplicate_name);
    tcase_add_test(tc, test_suspending_a_customer_ends_its_sessions_and_refuses_sign_in);
    tcase_add_test(tc, test_moving_a_customer_between_partners_moves_its_closure);
    tcase_add_test(tc, test_moving_without_holding_the_destination_is_refused);
    tcase_add_test(tc, test_only_the_organisations_own_admins_change_its_consent);
    tcase_add_test(tc, test_a_partners_invitation_creates_the_customer_with_its_admin);
    tcase_add_test(tc, test_a_revoked_invitation_link_says_so);
    tcase_add_test(tc, test_an_invitee_with_an_account_keeps_their_password);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_set_timeout(tc, 90);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
