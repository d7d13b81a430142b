/* check_parse_urlencoded.c — query strings, urlencoded forms and pt_url_decode. */
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

static int parse(const char *s, const struct pt_limits *lim, struct pt_kvlist *l,
                 const char **why)
{
    return pt_parse_urlencoded(arena, s, strlen(s), lim, l, why);
}

/* Parses s with the default limits and expects success. */
static struct pt_kvlist parse_ok(const char *s)
{
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    ck_assert_msg(parse(s, &deflim, &l, &why) == PT_OK, "%s: %s", s, why);
    return l;
}

static void expect_fail(const char *s, const struct pt_limits *lim, int rc, const char *why_want)
{
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    ck_assert_int_eq(parse(s, lim, &l, &why), rc);
    ck_assert_str_eq(why, why_want);
    ck_assert_uint_eq(l.n, 0);
}

START_TEST(pairs_split_on_ampersand_keep_order_and_repeats)
{
    struct pt_kvlist l = parse_ok("a=1&b=2&a=3");

    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(l.items[0].name, "a");
    ck_assert_str_eq(l.items[1].name, "b");
    ck_assert_str_eq(l.items[2].value, "3");
    ck_assert_str_eq(pt_kv_get(&l, "a"), "1");    /* first of a repeated name wins */
}
END_TEST

START_TEST(semicolon_is_not_a_separator)
{
    struct pt_kvlist l = parse_ok("a=1;b=2");

    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].value, "1;b=2");
}
END_TEST

START_TEST(plus_is_space_and_escapes_decode)
{
    struct pt_kvlist l = parse_ok("q=a+b%20c%2B&x+y=%4a%4A");

    ck_assert_str_eq(pt_kv_get(&l, "q"), "a b c+");
    ck_assert_str_eq(pt_kv_get(&l, "x y"), "JJ");
    ck_assert_uint_eq(l.items[0].len, 6);
}
END_TEST

START_TEST(name_without_equals_has_empty_value)
{
    struct pt_kvlist l = parse_ok("flag&x=1&e=");

    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(pt_kv_get(&l, "flag"), "");
    ck_assert_uint_eq(l.items[0].len, 0);
    ck_assert_str_eq(pt_kv_get(&l, "e"), "");
}
END_TEST

START_TEST(value_keeps_later_equals_signs)
{
    struct pt_kvlist l = parse_ok("a=b=c");

    ck_assert_str_eq(pt_kv_get(&l, "a"), "b=c");
}
END_TEST

START_TEST(empty_pairs_and_empty_input_are_skipped)
{
    struct pt_kvlist l = parse_ok("&&a=1&&");
    struct pt_kvlist none = { 0 };
    const char *why = NULL;

    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_eq(parse_ok("").n, 0);
    ck_assert_uint_eq(parse_ok("&").n, 0);
    ck_assert_int_eq(pt_parse_urlencoded(arena, NULL, 0, &deflim, &none, &why), PT_OK);
    ck_assert_uint_eq(none.n, 0);
}
END_TEST

START_TEST(values_are_nul_terminated_copies_in_the_arena)
{
    char input[] = "name=v%41lue";
    struct pt_kvlist l = parse_ok(input);
    const char *v = l.items[0].value;

    ck_assert_str_eq(v, "vAlue");
    ck_assert_int_eq(v[l.items[0].len], '\0');
    ck_assert(v < input || v >= input + sizeof(input));
    memset(input, 'x', sizeof(input) - 1);        /* the input may go away */
    ck_assert_str_eq(l.items[0].value, "vAlue");
}
END_TEST

START_TEST(reads_no_further_than_len)
{
    struct pt_kvlist l = { 0 };
    const char *why = NULL;
    char *buf = malloc(3);                       /* exact size: ASan sees an overread */

    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "a=1", 3);
    ck_assert_int_eq(pt_parse_urlencoded(arena, buf, 3, &deflim, &l, &why), PT_OK);
    ck_assert_str_eq(pt_kv_get(&l, "a"), "1");
    ck_assert_int_eq(pt_parse_urlencoded(arena, "b=2&c=3", 3, &deflim, &l, &why), PT_OK);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_ptr_null(pt_kv_get(&l, "c"));
    free(buf);
}
END_TEST

START_TEST(bad_percent_escapes_are_refused)
{
    static const char *const bad[] = { "%", "a=%", "a=%4", "a=%zz", "a=%g0", "a=%0g",
                                       "a=100%", "%4=1", "a=%%41" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_fail(bad[i], &deflim, PT_EINVAL, "malformed percent-escape in query or form data");
}
END_TEST

START_TEST(nul_bytes_are_refused_encoded_or_raw)
{
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    expect_fail("a=%00", &deflim, PT_EINVAL, "NUL byte in query or form data");
    expect_fail("a%00b=1", &deflim, PT_EINVAL, "NUL byte in query or form data");
    ck_assert_int_eq(pt_parse_urlencoded(arena, "a=x\0y", 5, &deflim, &l, &why), PT_EINVAL);
    ck_assert_str_eq(why, "NUL byte in query or form data");
}
END_TEST

START_TEST(empty_names_are_refused)
{
    struct pt_kvlist l = parse_ok("%20=v");            /* a space is a name */

    expect_fail("=v", &deflim, PT_EINVAL, "empty field name in query or form data");
    expect_fail("a=1&=", &deflim, PT_EINVAL, "empty field name in query or form data");
    ck_assert_str_eq(pt_kv_get(&l, " "), "v");
}
END_TEST

START_TEST(field_count_at_cap_is_accepted)
{
    struct pt_limits lim = deflim;
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    lim.max_parts = 3;
    ck_assert_int_eq(parse("a&b&c", &lim, &l, &why), PT_OK);
    ck_assert_uint_eq(l.n, 3);
    l.n = 0;
    ck_assert_int_eq(parse("&a&&b&c&&", &lim, &l, &why), PT_OK);   /* empty pairs are free */
}
END_TEST

START_TEST(field_count_one_past_cap_is_refused)
{
    struct pt_limits lim = deflim;

    lim.max_parts = 3;
    expect_fail("a&b&c&d", &lim, PT_ELIMIT, "too many fields in query or form data");
}
END_TEST

START_TEST(field_length_cap_counts_decoded_bytes)
{
    struct pt_limits lim = deflim;
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    lim.max_field = 5;
    ck_assert_int_eq(parse("a=12345", &lim, &l, &why), PT_OK);
    ck_assert_int_eq(parse("a=%41%41%41%41%41", &lim, &l, &why), PT_OK);
    ck_assert_int_eq(parse("abcde=1", &lim, &l, &why), PT_OK);
    expect_fail("a=123456", &lim, PT_ELIMIT, "field value too long in query or form data");
    expect_fail("abcdef=1", &lim, PT_ELIMIT, "field name too long in query or form data");
}
END_TEST

START_TEST(input_larger_than_max_body_is_refused)
{
    struct pt_limits lim = deflim;
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    lim.max_body = 7;
    ck_assert_int_eq(parse("a=12345", &lim, &l, &why), PT_OK);
    expect_fail("a=123456", &lim, PT_ELIMIT, "query or form data too large");
}
END_TEST

START_TEST(failure_leaves_the_list_as_it_was)
{
    struct pt_kvlist l = parse_ok("keep=1");
    const char *why = NULL;

    ck_assert_int_eq(parse("x=1&y=2&z=%zz", &deflim, &l, &why), PT_EINVAL);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_ptr_null(pt_kv_get(&l, "x"));
}
END_TEST

START_TEST(url_decode_decodes_in_place_and_terminates)
{
    char s[] = "a%2Fb+c";
    size_t len = strlen(s);

    ck_assert_int_eq(pt_url_decode(s, &len, 0), PT_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert_str_eq(s, "a/b+c");                /* '+' stays in a path segment */
    len = strlen(strcpy(s, "a+b"));
    ck_assert_int_eq(pt_url_decode(s, &len, 1), PT_OK);
    ck_assert_str_eq(s, "a b");
}
END_TEST

START_TEST(url_decode_writes_nothing_past_len)
{
    char s[] = "abc!";
    size_t len = 3;                              /* s[3] is not the decoder's */

    ck_assert_int_eq(pt_url_decode(s, &len, 1), PT_OK);
    ck_assert_uint_eq(len, 3);
    ck_assert_str_eq(s, "abc!");
}
END_TEST

START_TEST(url_decode_refuses_bad_escapes_and_nul)
{
    static const char *const bad[] = { "%", "%2", "%2x", "x%00y", "%%" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char s[16];
        size_t len = strlen(strcpy(s, bad[i]));

        ck_assert_msg(pt_url_decode(s, &len, 1) == PT_EINVAL, "%s", bad[i]);
    }
}
END_TEST

static Suite *urlencoded_suite(void)
{
    Suite *s = suite_create("parse_urlencoded");
    TCase *form = tcase_create("form");
    TCase *limits = tcase_create("limits");
    TCase *decode = tcase_create("url_decode");

    tcase_add_checked_fixture(form, setup, teardown);
    tcase_add_test(form, pairs_split_on_ampersand_keep_order_and_repeats);
    tcase_add_test(form, semicolon_is_not_a_separator);
    tcase_add_test(form, plus_is_space_and_escapes_decode);
    tcase_add_test(form, name_without_equals_has_empty_value);
    tcase_add_test(form, value_keeps_later_equals_signs);
    tcase_add_test(form, empty_pairs_and_empty_input_are_skipped);
    tcase_add_test(form, values_are_nul_terminated_copies_in_the_arena);
    tcase_add_test(form, reads_no_further_than_len);
    tcase_add_test(form, bad_percent_escapes_are_refused);
    tcase_add_test(form, nul_bytes_are_refused_encoded_or_raw);
    tcase_add_test(form, empty_names_are_refused);
    tcase_add_test(form, failure_leaves_the_list_as_it_was);
    suite_add_tcase(s, form);

    tcase_add_checked_fixture(limits, setup, teardown);
    tcase_add_test(limits, field_count_at_cap_is_accepted);
    tcase_add_test(limits, field_count_one_past_cap_is_refused);
    tcase_add_test(limits, field_length_cap_counts_decoded_bytes);
    tcase_add_test(limits, input_larger_than_max_body_is_refused);
    suite_add_tcase(s, limits);

    tcase_add_test(decode, url_decode_decodes_in_place_and_terminates);
    tcase_add_test(decode, url_decode_writes_nothing_past_len);
    tcase_add_test(decode, url_decode_refuses_bad_escapes_and_nul);
    suite_add_tcase(s, decode);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(urlencoded_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
