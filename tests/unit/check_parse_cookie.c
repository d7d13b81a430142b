/* check_parse_cookie.c — the Cookie header parser. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "portal.h"

static struct pt_arena *arena;
static const struct pt_limits deflim = PT_LIMITS_DEFAULT;

static void setup(void)
{
    arena = pt_arena_new(4096);
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    pt_arena_free(arena);
}

static struct pt_kvlist cookies_ok(const char *header, const struct pt_limits *lim)
{
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    ck_assert_msg(pt_parse_cookies(arena, header, lim, &l, &why) == PT_OK, "%s: %s",
                  header ? header : "(null)", why);
    return l;
}

START_TEST(pairs_are_split_on_semicolons)
{
    struct pt_kvlist l = cookies_ok("sid=abc; theme=dark", &deflim);

    ck_assert_uint_eq(l.n, 2);
    ck_assert_str_eq(pt_kv_get(&l, "sid"), "abc");
    ck_assert_str_eq(pt_kv_get(&l, "theme"), "dark");
    ck_assert_uint_eq(l.items[1].len, 4);
}
END_TEST

START_TEST(whitespace_around_names_and_values_is_trimmed)
{
    struct pt_kvlist l = cookies_ok("  a = 1 ;\tb=2\t;c=3", &deflim);

    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(pt_kv_get(&l, "a"), "1");
    ck_assert_str_eq(pt_kv_get(&l, "b"), "2");
    ck_assert_str_eq(pt_kv_get(&l, "c"), "3");
}
END_TEST

START_TEST(quoted_values_lose_their_quotes)
{
    struct pt_kvlist l = cookies_ok("a=\"x y\"; b=\"\"; c=\"; d=\"open", &deflim);

    ck_assert_str_eq(pt_kv_get(&l, "a"), "x y");
    ck_assert_str_eq(pt_kv_get(&l, "b"), "");
    ck_assert_str_eq(pt_kv_get(&l, "c"), "\"");     /* a lone quote is a value */
    ck_assert_str_eq(pt_kv_get(&l, "d"), "\"open");
}
END_TEST

START_TEST(pairs_without_equals_or_name_are_ignored)
{
    struct pt_kvlist l = cookies_ok("junk; =x; a=1;  ; =", &deflim);

    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(pt_kv_get(&l, "a"), "1");
}
END_TEST

START_TEST(missing_or_empty_header_gives_no_cookies)
{
    ck_assert_uint_eq(cookies_ok(NULL, &deflim).n, 0);
    ck_assert_uint_eq(cookies_ok("", &deflim).n, 0);
    ck_assert_uint_eq(cookies_ok(";;", &deflim).n, 0);
}
END_TEST

START_TEST(values_are_kept_verbatim)
{
    struct pt_kvlist l = cookies_ok("a=%41+b; e=; q=x=y", &deflim);

    ck_assert_str_eq(pt_kv_get(&l, "a"), "%41+b");   /* RFC 6265 defines no decoding */
    ck_assert_str_eq(pt_kv_get(&l, "e"), "");
    ck_assert_str_eq(pt_kv_get(&l, "q"), "x=y");
}
END_TEST

START_TEST(repeated_names_are_kept_and_first_wins)
{
    struct pt_kvlist l = cookies_ok("s=1; s=2", &deflim);

    ck_assert_uint_eq(l.n, 2);
    ck_assert_str_eq(pt_kv_get(&l, "s"), "1");
}
END_TEST

START_TEST(values_are_nul_terminated_arena_copies)
{
    char header[] = "a=hello; b=x";
    struct pt_kvlist l = cookies_ok(header, &deflim);

    ck_assert(l.items[0].value < header || l.items[0].value >= header + sizeof(header));
    memset(header, 'z', sizeof(header) - 1);
    ck_assert_str_eq(pt_kv_get(&l, "a"), "hello");
}
END_TEST

START_TEST(cookie_count_at_cap_is_accepted_and_junk_is_free)
{
    struct pt_limits lim = deflim;

    lim.max_parts = 2;
    ck_assert_uint_eq(cookies_ok("a=1; b=2", &lim).n, 2);
    ck_assert_uint_eq(cookies_ok("a=1; junk; =z; b=2", &lim).n, 2);
}
END_TEST

START_TEST(cookie_count_one_past_cap_is_refused)
{
    struct pt_limits lim = deflim;
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    lim.max_parts = 2;
    ck_assert_int_eq(pt_parse_cookies(arena, "a=1; b=2; c=3", &lim, &l, &why), PT_ELIMIT);
    ck_assert_str_eq(why, "too many cookies");
    ck_assert_uint_eq(l.n, 0);                    /* nothing half-parsed is left */
}
END_TEST

START_TEST(cookie_length_cap_excludes_quotes)
{
    struct pt_limits lim = deflim;
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    lim.max_field = 3;
    ck_assert_uint_eq(cookies_ok("a=123; b=\"456\"; abc=1", &lim).n, 3);
    ck_assert_int_eq(pt_parse_cookies(arena, "a=1234", &lim, &l, &why), PT_ELIMIT);
    ck_assert_str_eq(why, "cookie too long");
    ck_assert_int_eq(pt_parse_cookies(arena, "abcd=1", &lim, &l, &why), PT_ELIMIT);
}
END_TEST

START_TEST(failure_leaves_the_list_as_it_was)
{
    struct pt_limits lim = deflim;
    struct pt_kvlist l = cookies_ok("keep=1", &deflim);
    const char *why = NULL;

    lim.max_field = 3;
    ck_assert_int_eq(pt_parse_cookies(arena, "x=1; y=toolong", &lim, &l, &why), PT_ELIMIT);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_ptr_null(pt_kv_get(&l, "x"));
}
END_TEST

static Suite *cookie_suite(void)
{
    Suite *s = suite_create("parse_cookie");
    TCase *tc = tcase_create("cookies");
    TCase *limits = tcase_create("limits");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pairs_are_split_on_semicolons);
    tcase_add_test(tc, whitespace_around_names_and_values_is_trimmed);
    tcase_add_test(tc, quoted_values_lose_their_quotes);
    tcase_add_test(tc, pairs_without_equals_or_name_are_ignored);
    tcase_add_test(tc, missing_or_empty_header_gives_no_cookies);
    tcase_add_test(tc, values_are_kept_verbatim);
    tcase_add_test(tc, repeated_names_are_kept_and_first_wins);
    tcase_add_test(tc, values_are_nul_terminated_arena_copies);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(limits, cookie_count_at_cap_is_accepted_and_junk_is_free);
    tcase_add_test(limits, cookie_count_one_past_cap_is_refused);
    tcase_add_test(limits, cookie_length_cap_excludes_quotes);
    tcase_add_test(limits, failure_leaves_the_list_as_it_was);
    suite_add_tcase(s, limits);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cookie_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
