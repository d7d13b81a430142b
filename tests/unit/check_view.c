/*
 * check_view.c — a JSON view becomes a ctemplate dictionary (fcgi/view.c):
 * scalars, booleans and null, nested objects, arrays with _count and
 * _empty, arrays of scalars, key validation, the depth cap, and escaping
 * of view values in an HTML template.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "tpl.h"
#include "view.h"

/* Not PATH_MAX: -I fcgi puts the portal's own limits.h before <limits.h>. */
#define FIX_PATH 4096
#define HTML "{{%AUTOESCAPE context=\"HTML\"}}"

/* Check's fixtures take no argument: the fixture directory is the one
 * piece of state this test program keeps. */
static char fixture[FIX_PATH];

static void put(const char *rel, const char *text)
{
    char path[FIX_PATH + 64];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", fixture, rel);
    if (!(f = fopen(path, "w")) || fputs(text, f) == EOF || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

/* A valid name of n characters ("kkk…"), to probe the key length cap. */
static void long_key(char *buf, size_t n)
{
    memset(buf, 'k', n);
    buf[n] = '\0';
}

static void fixture_up(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(fixture, sizeof fixture, "%s/check_view.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(fixture)) {
        perror("mkdtemp");
        abort();
    }
    put("scalars.tpl", HTML "[{{s}}][{{i}}][{{neg}}][{{big}}][{{r}}][{{tenth}}]"
        "[{{whole}}][{{huge}}][{{empty}}]");
    put("bools.tpl", HTML "{{#t}}T{{/t}}{{#f}}F{{/f}}{{#n}}N{{/n}}{{#absent}}A{{/absent}}"
        "[{{t}}{{f}}{{n}}]");
    put("nested.tpl", HTML "{{#user}}{{name}}<{{#org}}{{name}}|{{title}}{{/org}}>{{/user}}"
        "{{#nobody}}X{{/nobody}}");
    put("array.tpl", HTML "{{#rows}}({{id}}:{{label}}{{#vip}}*{{/vip}}){{/rows}}"
        "{{#rows_empty}}none{{/rows_empty}}#{{rows_count}}");
    put("scalar_array.tpl", HTML "{{#tags}}[{{value}}]{{/tags}}#{{tags_count}}|"
        "{{#flags}}<{{#value}}y{{/value}}>{{/flags}}|"
        "{{#grid}}({{#value}}{{value}}{{/value}}){{/grid}}");
    put("escape.tpl", HTML "<p title=\"{{s}}\">{{s}}</p>{{#rows}}<b>{{name}}</b>{{/rows}}");
    {
        char tpl[256], k64[65], k65[66];
        long_key(k64, 64);
        long_key(k65, 65);
        snprintf(tpl, sizeof tpl, "%s[{{ok}}][{{%s}}][{{%s}}]", HTML, k64, k65);
        put("keys.tpl", tpl);
    }
}

static void fixture_down(void)
{
    nftw(fixture, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Converts the JSON text and expands file with the result. */
static char *render_json(const char *file, const char *json)
{
    json_error_t err;
    json_t *view = json_loads(json, 0, &err);
    struct pt_tpl_cache *c = pt_tpl_cache_new(fixture, NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("view");
    char *out = NULL;

    ck_assert_msg(view != NULL, "bad test JSON: %s", err.text);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(pt_view_to_dict(view, d), 0);
    ck_assert_int_eq(pt_tpl_expand(c, file, d, &out, NULL), 0);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
    json_decref(view);
    return out;
}

#define ck_render(file, json, expected) do {            \
        char *out_ = render_json(file, json);          \
        ck_assert_str_eq(out_, expected);              \
        free(out_);                                    \
    } while (0)

START_TEST(test_strings_and_numbers_become_values)
{
    ck_render("scalars.tpl",
              "{\"s\":\"text\",\"i\":42,\"neg\":-7,\"big\":9007199254740993,"
              "\"r\":1.5,\"tenth\":0.1,\"whole\":100.0,\"huge\":1e300,\"empty\":\"\"}",
              "[text][42][-7][9007199254740993][1.5][0.1][100][1e+300][]");
}
END_TEST

START_TEST(test_true_shows_false_and_null_hide)
{
    /* Booleans and null set no value either: only the section moves. */
    ck_render("bools.tpl", "{\"t\":true,\"f\":false,\"n\":null}", "T[]");
}
END_TEST

START_TEST(test_object_is_a_section_shown_once)
{
    /* Inner sections see outer values ({{title}}), nearest name wins. */
    ck_render("nested.tpl",
              "{\"title\":\"T\",\"user\":{\"name\":\"Ann\",\"org\":{\"name\":\"Acme\"}}}",
              "Ann<Acme|T>");
    ck_render("nested.tpl", "{\"user\":{}}", "<>");
}
END_TEST

START_TEST(test_array_of_objects_repeats_in_order_with_count)
{
    ck_render("array.tpl",
              "{\"rows\":[{\"id\":1,\"label\":\"a\"},{\"id\":2,\"label\":\"b\",\"vip\":true},"
              "{\"id\":3,\"label\":\"c\"}]}",
              "(1:a)(2:b*)(3:c)#3");
}
END_TEST

START_TEST(test_empty_array_shows_key_empty_and_zero_count)
{
    ck_render("array.tpl", "{\"rows\":[]}", "none#0");
    /* Absent is not empty: the view said nothing about rows. */
    ck_render("array.tpl", "{}", "#");
}
END_TEST

START_TEST(test_array_of_scalars_uses_value)
{
    ck_render("scalar_array.tpl",
              "{\"tags\":[\"x\",2,0.5],\"flags\":[true,false,null],\"grid\":[[1,2],[3],[]]}",
              "[x][2][0.5]#3|<y><><>|(12)(3)()");
}
END_TEST

START_TEST(test_view_values_are_html_escaped)
{
    ck_render("escape.tpl",
              "{\"s\":\"<script>alert('x')</script>&\\\"\","
              "\"rows\":[{\"name\":\"<img src=x onerror=alert(1)>\"}]}",
              "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\">"
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</p>"
              "<b>&lt;img src=x onerror=alert(1)&gt;</b>");
}
END_TEST

START_TEST(test_invalid_and_overlong_keys_are_skipped)
{
    char json[512], k64[65], k65[66];

    long_key(k64, 64);
    long_key(k65, 65);
    snprintf(json, sizeof json,
             "{\"ok\":\"yes\",\"bad-key\":\"1\",\"a.b\":\"2\",\"with space\":\"3\","
             "\"\":\"4\",\"\\u00e9t\\u00e9\":\"5\",\"%s\":\"64\",\"%s\":\"65\"}", k64, k65);
    ck_render("keys.tpl", json, "[yes][64][]");
}
END_TEST

static json_t *nest_objects(int levels)
{
    json_t *v = json_pack("{s:s}", "leaf", "x");

    for (int i = 0; i < levels; i++)
        v = json_pack("{s:o}", "o", v);
    return v;
}

START_TEST(test_depth_is_capped)
{
    struct pt_tpl_dict *d = pt_tpl_dict_new("view");
    json_t *ok = nest_objects(16), *deep = nest_objects(40);
    json_t *arrays = json_array();

    /* An array of arrays never passes through an object: capped as well. */
    for (int i = 0; i < 1000; i++)
        arrays = json_pack("[o]", arrays);
    arrays = json_pack("{s:o}", "a", arrays);
    ck_assert_int_eq(pt_view_to_dict(ok, d), 0);
    ck_assert_int_eq(pt_view_to_dict(deep, d), -1);
    ck_assert_int_eq(pt_view_to_dict(arrays, d), -1);
    json_decref(ok);
    json_decref(deep);
    json_decref(arrays);
    pt_tpl_dict_free(d);
}
END_TEST

START_TEST(test_non_object_view_is_refused)
{
    struct pt_tpl_dict *d = pt_tpl_dict_new("view");
    json_t *arr = json_array(), *obj = json_object();

    ck_assert_int_eq(pt_view_to_dict(arr, d), -1);
    ck_assert_int_eq(pt_view_to_dict(NULL, d), -1);
    ck_assert_int_eq(pt_view_to_dict(obj, NULL), -1);
    ck_assert_int_eq(pt_view_to_dict(obj, d), 0);
    json_decref(arr);
    json_decref(obj);
    pt_tpl_dict_free(d);
}
END_TEST

static Suite *view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("to_dict");

    tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
    tcase_add_test(tc, test_strings_and_numbers_become_values);
    tcase_add_test(tc, test_true_shows_false_and_null_hide);
    tcase_add_test(tc, test_object_is_a_section_shown_once);
    tcase_add_test(tc, test_array_of_objects_repeats_in_order_with_count);
    tcase_add_test(tc, test_empty_array_shows_key_empty_and_zero_count);
    tcase_add_test(tc, test_array_of_scalars_uses_value);
    tcase_add_test(tc, test_view_values_are_html_escaped);
    tcase_add_test(tc, test_invalid_and_overlong_keys_are_skipped);
    tcase_add_test(tc, test_depth_is_capped);
    tcase_add_test(tc, test_non_object_view_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(view_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
