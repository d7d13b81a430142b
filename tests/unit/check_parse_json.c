/* check_parse_json.c — JSON request bodies. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "portal.h"

static const struct pt_limits deflim = PT_LIMITS_DEFAULT;

static int parse(const char *s, const struct pt_limits *lim, json_t **out, const char **why)
{
    return pt_parse_json_body(s, strlen(s), lim, out, why);
}

static void expect_fail(const char *s, const struct pt_limits *lim, int rc, const char *why_want)
{
    json_t sentinel;
    json_t *out = &sentinel;                     /* must be reset to NULL */
    const char *why = NULL;

    ck_assert_msg(parse(s, lim, &out, &why) == rc, "%s: %s", s, why);
    ck_assert_str_eq(why, why_want);
    ck_assert_ptr_null(out);
}

static void expect_ok(const char *s, const struct pt_limits *lim)
{
    json_t *out = NULL;
    const char *why = NULL;

    ck_assert_msg(parse(s, lim, &out, &why) == PT_OK, "%s: %s", s, why);
    ck_assert(json_is_object(out));
    json_decref(out);
}

/* n levels of {"a": ... {} ...}: depth n. */
static char *nested_objects(size_t n)
{
    char *s = malloc(6 * n + 1), *p = s;

    ck_assert_ptr_nonnull(s);
    for (size_t i = 1; i < n; i++)
        p += sprintf(p, "{\"a\":");
    p += sprintf(p, "{}");
    for (size_t i = 1; i < n; i++)
        *p++ = '}';
    *p = '\0';
    return s;
}

START_TEST(object_is_parsed_into_a_new_reference)
{
    json_t *out = NULL;
    const char *why = NULL;

    ck_assert_int_eq(parse("{\"name\":\"Ada\",\"n\":3,\"tags\":[\"x\"],\"o\":{}}",
                           &deflim, &out, &why), PT_OK);
    ck_assert_str_eq(json_string_value(json_object_get(out, "name")), "Ada");
    ck_assert_int_eq(json_integer_value(json_object_get(out, "n")), 3);
    ck_assert_int_eq(out->refcount, 1);
    json_decref(out);
}
END_TEST

START_TEST(only_len_bytes_are_read)
{
    json_t *out = NULL;
    const char *why = NULL;
    char *buf = malloc(7);                       /* exact size: ASan sees an overread */

    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "{\"a\":1}", 7);
    ck_assert_int_eq(pt_parse_json_body(buf, 7, &deflim, &out, &why), PT_OK);
    json_decref(out);
    ck_assert_int_eq(pt_parse_json_body("{\"a\":1} garbage", 7, &deflim, &out, &why), PT_OK);
    json_decref(out);
    free(buf);
}
END_TEST

START_TEST(duplicate_keys_are_refused_at_any_level)
{
    expect_fail("{\"role\":\"user\",\"role\":\"admin\"}", &deflim, PT_EINVAL,
                "duplicate key in JSON body");
    expect_fail("{\"o\":{\"k\":1,\"k\":1}}", &deflim, PT_EINVAL, "duplicate key in JSON body");
    expect_ok("{\"k\":1,\"o\":{\"k\":1}}", &deflim);   /* same key, different objects */
}
END_TEST

START_TEST(non_object_bodies_are_refused)
{
    static const char *const bad[] = { "[]", "[{}]", "\"s\"", "1", "null", "true" };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_fail(bad[i], &deflim, PT_EINVAL, "JSON body must be an object");
}
END_TEST

START_TEST(depth_at_cap_is_accepted_one_past_refused)
{
    struct pt_limits lim = deflim;
    char *at = nested_objects(3), *past = nested_objects(4);

    lim.max_json_depth = 3;
    expect_ok(at, &lim);
    expect_ok("{\"a\":[[1,2],[]],\"b\":[{}]}", &lim);
    expect_fail(past, &lim, PT_ELIMIT, "JSON body nested too deeply");
    expect_fail("{\"a\":[[[]]]}", &lim, PT_ELIMIT, "JSON body nested too deeply");
    free(at);
    free(past);
}
END_TEST

START_TEST(default_depth_cap_of_32_holds)
{
    char *at = nested_objects(32), *past = nested_objects(33);

    expect_ok(at, &deflim);
    expect_fail(past, &deflim, PT_ELIMIT, "JSON body nested too deeply");
    free(at);
    free(past);
}
END_TEST

START_TEST(brackets_inside_strings_do_not_count)
{
    struct pt_limits lim = deflim;

    lim.max_json_depth = 1;
    expect_ok("{\"a\":\"[[[{{{\",\"[{\":\"}]\"}", &lim);
    expect_ok("{\"a\":\"\\\"[[[[\",\"b\":\"\\\\\"}", &lim);  /* escaped quote, then \\ */
    expect_fail("{\"a\":\"\\\\\",\"b\":[]}", &lim, PT_ELIMIT, "JSON body nested too deeply");
}
END_TEST

START_TEST(very_deep_input_is_refused_without_recursing)
{
    size_t n = 1000000;
    char *s = malloc(n + 1);

    ck_assert_ptr_nonnull(s);
    memset(s, '[', n);
    s[n] = '\0';
    expect_fail(s, &deflim, PT_ELIMIT, "JSON body nested too deeply");
    free(s);
}
END_TEST

START_TEST(body_larger_than_max_body_is_refused)
{
    struct pt_limits lim = deflim;

    lim.max_body = 7;
    expect_ok("{\"a\":1}", &lim);
    expect_fail("{\"a\":12}", &lim, PT_ELIMIT, "request body too large");
}
END_TEST

START_TEST(malformed_bodies_are_refused_with_a_reason)
{
    json_t *out = NULL;
    const char *why = NULL;

    expect_fail("", &deflim, PT_EINVAL, "empty JSON body");
    expect_fail("{\"a\":1", &deflim, PT_EINVAL, "truncated JSON body");
    expect_fail("{\"a\":1} {}", &deflim, PT_EINVAL, "trailing data after JSON body");
    expect_fail("{\"a\":\"\\u0000\"}", &deflim, PT_EINVAL, "NUL character in JSON body");
    expect_fail("{\"a\":\"\xff\"}", &deflim, PT_EINVAL, "invalid UTF-8 in JSON body");
    expect_fail("{\"a\":1e999}", &deflim, PT_EINVAL, "number out of range in JSON body");
    expect_fail("{a:1}", &deflim, PT_EINVAL, "malformed JSON body");
    ck_assert_int_eq(pt_parse_json_body("{\"a\":\0}", 7, &deflim, &out, &why), PT_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(pt_parse_json_body(NULL, 0, &deflim, &out, &why), PT_EINVAL);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("parse_json");
    TCase *tc = tcase_create("json");
    TCase *lim = tcase_create("limits");

    tcase_add_test(tc, object_is_parsed_into_a_new_reference);
    tcase_add_test(tc, only_len_bytes_are_read);
    tcase_add_test(tc, duplicate_keys_are_refused_at_any_level);
    tcase_add_test(tc, non_object_bodies_are_refused);
    tcase_add_test(tc, malformed_bodies_are_refused_with_a_reason);
    suite_add_tcase(s, tc);

    tcase_add_test(lim, depth_at_cap_is_accepted_one_past_refused);
    tcase_add_test(lim, default_depth_cap_of_32_holds);
    tcase_add_test(lim, brackets_inside_strings_do_not_count);
    tcase_add_test(lim, very_deep_input_is_refused_without_recursing);
    tcase_add_test(lim, body_larger_than_max_body_is_refused);
    suite_add_tcase(s, lim);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(json_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
