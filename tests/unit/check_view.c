/*
 * check_view.c — how a JSON view reads in a template (pt_tpl_expand_view,
 * the rules in fcgi/tpl.h): scalars, booleans and null, nested objects and
 * the lookup into enclosing scopes, arrays with _count and _empty, arrays
 * of scalars, keys, the depth cap, and escaping of view values in an HTML
 * template.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "tpl.h"

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

/* A valid name of n characters ("kkk…"). */
static void long_key(char *buf, size_t n)
{
    memset(buf, 'k', n);
    buf[n] = '\0';
}

/* rel: the HTML pragma and n nested sections (the outermost named outer,
 * the others name) around {{leaf}}. */
static void put_nested(const char *rel, const char *outer, const char *name, int n)
{
    char tpl[2048] = HTML;

    for (int i = 0; i < n; i++)
        snprintf(tpl + strlen(tpl), sizeof tpl - strlen(tpl), "{{#%s}}", i ? name : outer);
    strcat(tpl, "{{leaf}}");
    for (int i = n - 1; i >= 0; i--)
        snprintf(tpl + strlen(tpl), sizeof tpl - strlen(tpl), "{{/%s}}", i ? name : outer);
    put(rel, tpl);
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
    put("ints.tpl", HTML "[{{min}}][{{max}}][{{zero}}][{{minus_one}}]");
    put("bools.tpl", HTML "{{#t}}T{{/t}}{{#f}}F{{/f}}{{#n}}N{{/n}}{{#absent}}A{{/absent}}"
        "[{{t}}{{f}}{{n}}]");
    put("nested.tpl", HTML "{{#user}}{{name}}<{{#org}}{{name}}|{{title}}{{/org}}>{{/user}}"
        "{{#nobody}}X{{/nobody}}");
    put("scopes.tpl", HTML "{{#rows}}{{name}}:{{title}}{{#flag}}({{name}}){{/flag}}"
        "{{#n}}!{{/n}};{{/rows}}");
    put("array.tpl", HTML "{{#rows}}({{id}}:{{label}}{{#vip}}*{{/vip}}){{/rows}}"
        "{{#rows_empty}}none{{/rows_empty}}#{{rows_count}}");
    put("scalar_array.tpl", HTML "{{#tags}}[{{value}}]{{/tags}}#{{tags_count}}|"
        "{{#flags}}<{{#value}}y{{/value}}>{{/flags}}|"
        "{{#grid}}({{#value}}{{value}}{{/value}}){{/grid}}");
    put("escape.tpl", HTML "<p title=\"{{s}}\">{{s}}</p>{{#rows}}<b>{{name}}</b>{{/rows}}");
    put("shallow.tpl", HTML "{{#o}}o{{/o}}{{#a}}a{{/a}}");
    put_nested("obj16.tpl", "o", "o", 16);
    put_nested("obj17.tpl", "o", "o", 17);
    put_nested("arr16.tpl", "a", "value", 16);
    put_nested("arr17.tpl", "a", "value", 17);
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

/* Expands file with view; returns pt_tpl_expand_view's result, *out the page. */
static int expand(const char *file, const json_t *view, char **out)
{
    struct pt_tpl_cache *c = pt_tpl_cache_new(fixture, NULL);
    int rc;

    ck_assert_ptr_nonnull(c);
    rc = pt_tpl_expand_view(c, file, view, NULL, NULL, 0, out, NULL);
    pt_tpl_cache_free(c);
    return rc;
}

/* Parses the JSON text and expands file with it. */
static char *render_json(const char *file, const char *json)
{
    json_error_t err;
    json_t *view = json_loads(json, 0, &err);
    char *out = NULL;

    ck_assert_msg(view != NULL, "bad test JSON: %s", err.text);
    ck_assert_int_eq(expand(file, view, &out), 0);
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
    ck_render("ints.tpl",
              "{\"min\":-9223372036854775808,\"max\":9223372036854775807,\"zero\":0,"
              "\"minus_one\":-1}",
              "[-9223372036854775808][9223372036854775807][0][-1]");
}
END_TEST

START_TEST(test_true_shows_false_and_null_hide)
{
    /* Booleans and null are no values either: only the section moves. */
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

/* As with ctemplate's TemplateDictionary: a name a row lacks is looked up
 * outwards; a section found outside the row expands in the scope that
 * holds it; false and null in a row do not hide an outer section. */
START_TEST(test_sections_look_up_enclosing_scopes)
{
    ck_render("scopes.tpl",
              "{\"title\":\"T\",\"name\":\"top\",\"flag\":true,\"n\":true,"
              "\"rows\":[{\"name\":\"r1\"},{\"name\":\"r2\",\"flag\":true,\"n\":null}]}",
              "r1:T(top)!;r2:T(r2)!;");
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

/* Names come from the template and are matched verbatim: a key no
 * template can name (ctemplate allows [A-Za-z0-9_]) is simply never read,
 * and no length cap is needed (nothing is interned from the view). */
START_TEST(test_keys_are_matched_verbatim)
{
    char json[512], k64[65], k65[66];

    long_key(k64, 64);
    long_key(k65, 65);
    snprintf(json, sizeof json,
             "{\"ok\":\"yes\",\"bad-key\":\"1\",\"a.b\":\"2\",\"with space\":\"3\","
             "\"\":\"4\",\"\\u00e9t\\u00e9\":\"5\",\"%s\":\"64\",\"%s\":\"65\"}", k64, k65);
    ck_render("keys.tpl", json, "[yes][64][65]");
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
    json_t *ok = nest_objects(16), *deep = nest_objects(40), *arrays = json_array();
    char *out = NULL;

    ck_assert_int_eq(expand("obj16.tpl", ok, &out), 0);
    ck_assert_str_eq(out, "x");
    free(out);
    /* An array of arrays never passes through an object: capped as well. */
    for (int i = 0; i < 1000; i++)
        arrays = json_pack("[o]", arrays);
    arrays = json_pack("{s:o}", "a", arrays);
    ck_assert_int_eq(expand("obj17.tpl", deep, &out), -1);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(expand("arr17.tpl", arrays, &out), -1);
    ck_assert_int_eq(expand("arr16.tpl", arrays, &out), 0);
    free(out);
    /* Only what the template follows counts: a deep view read shallowly is fine. */
    ck_assert_int_eq(expand("shallow.tpl", deep, &out), 0);
    ck_assert_str_eq(out, "o");
    free(out);
    json_decref(ok);
    json_decref(deep);
    json_decref(arrays);
}
END_TEST

START_TEST(test_non_object_view_is_refused)
{
    json_t *arr = json_array(), *str = json_string("x"), *obj = json_object();
    char *out = NULL;

    ck_assert_int_eq(expand("bools.tpl", arr, &out), -1);
    ck_assert_int_eq(expand("bools.tpl", str, &out), -1);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(expand("bools.tpl", obj, &out), 0);
    ck_assert_str_eq(out, "[]");
    free(out);
    json_decref(arr);
    json_decref(str);
    json_decref(obj);
}
END_TEST

static Suite *view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("json_view");

    tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
    tcase_add_test(tc, test_strings_and_numbers_become_values);
    tcase_add_test(tc, test_true_shows_false_and_null_hide);
    tcase_add_test(tc, test_object_is_a_section_shown_once);
    tcase_add_test(tc, test_sections_look_up_enclosing_scopes);
    tcase_add_test(tc, test_array_of_objects_repeats_in_order_with_count);
    tcase_add_test(tc, test_empty_array_shows_key_empty_and_zero_count);
    tcase_add_test(tc, test_array_of_scalars_uses_value);
    tcase_add_test(tc, test_view_values_are_html_escaped);
    tcase_add_test(tc, test_keys_are_matched_verbatim);
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
