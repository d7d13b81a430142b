/* check_router — patterns, typed parameters, 404 vs 405, HEAD, clashes. */
#include "arena.h"
#include "kv.h"
#include "portal.h"
#include "router.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static int handler_a(struct pt_req *r, json_t *v) { (void)r; (void)v; return 200; }

static const struct pt_route routes[] = {
    { .methods = PT_GET, .pattern = "/", .permission = PT_PERM_PUBLIC, .handler = handler_a,
      .template = "home.tpl" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/users", .org_param = "org",
      .permission = "users.view", .handler = handler_a, .template = "u.tpl" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/users/{user:int}", .org_param = "org",
      .permission = "users.view", .handler = handler_a, .template = "u.tpl" },
    { .methods = PT_DELETE, .pattern = "/orgs/{org:int}/users/{user:int}", .org_param = "org",
      .permission = "users.remove", .handler = handler_a, .flags = PT_ROUTE_API_ONLY },
    { .methods = PT_GET, .pattern = "/p/{slug:slug}", .permission = PT_PERM_PUBLIC,
      .handler = handler_a, .template = "p.tpl" },
    { .methods = PT_GET, .pattern = "/files/{rest:path}", .permission = PT_PERM_PUBLIC,
      .handler = handler_a, .template = "f.tpl" },
    { .methods = PT_GET, .pattern = "/s/{name:str}", .permission = PT_PERM_PUBLIC,
      .handler = handler_a, .template = "s.tpl" },
    { 0 }
};

static struct pt_router *rt;
static struct pt_arena *arena;

static void setup(void)
{
    char err[256];

    rt = pt_router_new();
    arena = pt_arena_new(4096);
    for (const struct pt_route *r = routes; r->pattern; r++)
        ck_assert_msg(pt_router_add(rt, r, NULL, err, sizeof(err)) == 0, "%s", err);
}

static void teardown(void)
{
    pt_router_free(rt);
    pt_arena_free(arena);
}

static enum pt_match match(unsigned method, const char *path, const struct pt_route **route,
                           struct pt_kvlist *params, unsigned *allowed)
{
    memset(params, 0, sizeof(*params));
    return pt_router_match(rt, method, path, arena, route, NULL, params, allowed);
}

START_TEST(test_typed_int_params)
{
    const struct pt_route *route;
    struct pt_kvlist p;
    unsigned allowed;

    ck_assert_int_eq(match(PT_GET, "/orgs/42/users/7", &route, &p, &allowed), PT_MATCH_FOUND);
    ck_assert_ptr_eq(route, &routes[2]);
    ck_assert_str_eq(pt_kv_get(&p, "org"), "42");
    ck_assert_str_eq(pt_kv_get(&p, "user"), "7");
    ck_assert_int_eq(match(PT_GET, "/orgs/abc/users/7", &route, &p, &allowed),
                     PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "/orgs/-1/users", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "/orgs/1234567890123456789/users", &route, &p, &allowed),
                     PT_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(test_method_not_allowed_lists_methods)
{
    const struct pt_route *route;
    struct pt_kvlist p;
    unsigned allowed;
    char buf[64];

    ck_assert_int_eq(match(PT_PUT, "/orgs/1/users/2", &route, &p, &allowed),
                     PT_MATCH_BAD_METHOD);
    ck_assert_str_eq(pt_router_allow(allowed, buf, sizeof(buf)), "GET, HEAD, DELETE");
    ck_assert_int_eq(match(PT_DELETE, "/orgs/1/users/2", &route, &p, &allowed), PT_MATCH_FOUND);
    ck_assert_ptr_eq(route, &routes[3]);
}
END_TEST

START_TEST(test_head_matches_get)
{
    const struct pt_route *route;
    struct pt_kvlist p;
    unsigned allowed;

    ck_assert_int_eq(match(PT_HEAD, "/", &route, &p, &allowed), PT_MATCH_FOUND);
    ck_assert_ptr_eq(route, &routes[0]);
}
END_TEST

START_TEST(test_root_and_trailing_slash)
{
    const struct pt_route *route;
    struct pt_kvlist p;
    unsigned allowed;

    ck_assert_int_eq(match(PT_GET, "/orgs/1/users/", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "//", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "/orgs//users", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "/nothing", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
}
END_TEST

START_TEST(test_slug_str_and_path)
{
    const struct pt_route *route;
    struct pt_kvlist p;
    unsigned allowed;

    ck_assert_int_eq(match(PT_GET, "/p/acme-msp", &route, &p, &allowed), PT_MATCH_FOUND);
    ck_assert_int_eq(match(PT_GET, "/p/Acme", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "/s/a%20b", &route, &p, &allowed), PT_MATCH_FOUND);
    ck_assert_str_eq(pt_kv_get(&p, "name"), "a b");
    /* An encoded slash must not smuggle a second segment into a str parameter. */
    ck_assert_int_eq(match(PT_GET, "/s/a%2Fb", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "/s/bad%zz", &route, &p, &allowed), PT_MATCH_NOT_FOUND);
    ck_assert_int_eq(match(PT_GET, "/files/a/b/c.txt", &route, &p, &allowed), PT_MATCH_FOUND);
    ck_assert_str_eq(pt_kv_get(&p, "rest"), "a/b/c.txt");
}
END_TEST

START_TEST(test_bad_routes_refused)
{
    static const struct pt_route bad[] = {
        { .methods = PT_GET, .pattern = "/x", .handler = handler_a, .template = "x" },
        { .methods = PT_GET, .pattern = "x", .permission = "a", .handler = handler_a,
          .template = "x" },
        { .methods = PT_GET, .pattern = "/x/{id:float}", .permission = "a",
          .handler = handler_a, .template = "x" },
        { .methods = PT_GET, .pattern = "/x/{rest:path}/y", .permission = "a",
          .handler = handler_a, .template = "x" },
        { .methods = PT_GET, .pattern = "/x", .permission = "a", .template = "x" },
        { .methods = PT_GET, .pattern = "/x", .permission = "a", .handler = handler_a },
        /* same shape and method as /orgs/{org:int}/users/{user:int} */
        { .methods = PT_GET, .pattern = "/orgs/{o:int}/users/{u:int}", .permission = "a",
          .handler = handler_a, .template = "x" },
    };
    char err[256];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(pt_router_add(rt, &bad[i], NULL, err, sizeof(err)) == PT_EINVAL,
                      "bad route %zu accepted", i);
    ck_assert_ptr_nonnull(strstr(err, "clashes"));
}
END_TEST

START_TEST(test_method_names)
{
    ck_assert_uint_eq(pt_method_from_name("GET"), PT_GET);
    ck_assert_uint_eq(pt_method_from_name("DELETE"), PT_DELETE);
    ck_assert_uint_eq(pt_method_from_name("get"), 0);
    ck_assert_uint_eq(pt_method_from_name("TRACE"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("match");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_typed_int_params);
    tcase_add_test(tc, test_method_not_allowed_lists_methods);
    tcase_add_test(tc, test_head_matches_get);
    tcase_add_test(tc, test_root_and_trailing_slash);
    tcase_add_test(tc, test_slug_str_and_path);
    tcase_add_test(tc, test_bad_routes_refused);
    tcase_add_test(tc, test_method_names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
