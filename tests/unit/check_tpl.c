/*
 * check_tpl.c — the ctemplate shim (fcgi/tpl.cc): auto-escaping, views read
 * in place, sections, includes and globals, the root / alternate-root search
 * path, reload, and failure reporting.  (The rules by which a JSON view
 * becomes values and sections are check_view.c's.)  Fixture templates live
 * in a mkdtemp directory made for the run.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "tpl.h"

/* Not PATH_MAX: -I fcgi puts the portal's own limits.h before <limits.h>. */
#define FIX_PATH 4096

/* Check's fixtures take no argument: the fixture directory is the one
 * piece of state this test program keeps. */
static char fixture[FIX_PATH];

static void die(const char *what)
{
    perror(what);
    abort();
}

/* Writes dir/rel (creating its folders); aborts on failure. */
static void put(const char *dir, const char *rel, const char *text)
{
    char path[FIX_PATH];
    FILE *f;

    if (snprintf(path, sizeof path, "%s/%s", dir, rel) >= (int)sizeof path)
        die("path too long");
    for (char *p = path + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (mkdir(path, 0700) != 0 && access(path, F_OK) != 0)
            die(path);
        *p = '/';
    }
    if (!(f = fopen(path, "w")) || fputs(text, f) == EOF || fclose(f) != 0)
        die(path);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static void fixture_up(void)
{
    const char *tmp = getenv("TMPDIR");
    char root[FIX_PATH + 16], fb[FIX_PATH + 16];

    snprintf(fixture, sizeof fixture, "%s/check_tpl.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(fixture))
        die("mkdtemp");
    snprintf(root, sizeof root, "%s/root", fixture);
    snprintf(fb, sizeof fb, "%s/fallback", fixture);
    put(root, "escape.tpl", "{{%AUTOESCAPE context=\"HTML\"}}"
        "<p title=\"{{v}}\">{{v}}</p><a href=\"{{u}}\">x</a>");
    put(root, "plain.tpl", "{{%AUTOESCAPE context=\"HTML\"}}[{{v}}]");
    put(root, "sections.tpl", "{{%AUTOESCAPE context=\"HTML\"}}"
        "{{#row}}[{{n}}]{{/row}}|{{#shown}}S{{/shown}}|{{#hidden}}H{{/hidden}}");
    put(root, "page.tpl", "{{%AUTOESCAPE context=\"HTML\"}}{{>INC}}|{{x}}");
    put(root, "inc.tpl", "{{%AUTOESCAPE context=\"HTML\"}}"
        "g={{g}},x={{x}},own={{own}}{{#gs}},gs{{/gs}}{{#xs}},xs{{/xs}}{{>INC}}");
    put(root, "twice.tpl", "{{%AUTOESCAPE context=\"HTML\"}}{{>INC}}|{{#row}}{{>INC}}{{/row}}");
    put(root, "item_inc.tpl", "{{%AUTOESCAPE context=\"HTML\"}}[{{n}}{{g}}]");
    put(root, "nopragma_page.tpl", "{{%AUTOESCAPE context=\"HTML\"}}{{>INC}}");
    put(root, "nopragma_inc.tpl", "<i>{{v}}</i>");
    put(root, "both.tpl", "{{%AUTOESCAPE context=\"HTML\"}}from root");
    put(root, "uses_fallback_inc.tpl", "{{%AUTOESCAPE context=\"HTML\"}}root+{{>INC}}");
    put(fb, "both.tpl", "{{%AUTOESCAPE context=\"HTML\"}}from fallback");
    put(fb, "only_fallback.tpl", "{{%AUTOESCAPE context=\"HTML\"}}fallback only");
    put(fb, "fb_inc.tpl", "{{%AUTOESCAPE context=\"HTML\"}}fallback include");
    put(root, "unbalanced.tpl", "{{%AUTOESCAPE context=\"HTML\"}}{{#open}}never closed");
    put(root, "none_context.tpl", "{{%AUTOESCAPE context=\"NONE\"}}text");
}

static void fixture_down(void)
{
    nftw(fixture, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct pt_tpl_cache *cache_for(const char *root, const char *fallback)
{
    char r[FIX_PATH + 16], f[FIX_PATH + 16];
    struct pt_tpl_cache *c;

    snprintf(r, sizeof r, "%s/%s", fixture, root);
    snprintf(f, sizeof f, "%s/%s", fixture, fallback ? fallback : "");
    c = pt_tpl_cache_new(r, fallback ? f : NULL);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* JSON text → value (NULL text → NULL); aborts the test on bad JSON. */
static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v;

    if (text == NULL)
        return NULL;
    v = json_loads(text, 0, &err);
    ck_assert_msg(v != NULL, "bad test JSON: %s", err.text);
    return v;
}

/* Expands and checks the result is a NUL-terminated string of *len bytes. */
static char *render_with(struct pt_tpl_cache *c, const char *file, const json_t *view,
                         const json_t *globals, const struct pt_tpl_include *inc, size_t n)
{
    char *out = NULL;
    size_t len = 0;

    ck_assert_int_eq(pt_tpl_expand_view(c, file, view, globals, inc, n, &out, &len), 0);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(strlen(out), len);
    return out;
}

/* The same with the view as JSON text, no globals, no includes. */
static char *render(struct pt_tpl_cache *c, const char *file, const char *view)
{
    json_t *v = parse(view);
    char *out = render_with(c, file, v, NULL, NULL, 0);

    json_decref(v);
    return out;
}

START_TEST(test_html_context_escapes_hostile_value)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    char *out;

    out = render(c, "escape.tpl",
                 "{\"v\":\"<script>alert(\\\"x\\\")</script> & 'q'\",\"u\":\"/ok\"}");
    ck_assert_ptr_null(strstr(out, "<script>"));
    ck_assert_ptr_null(strstr(out, "\"x\""));
    ck_assert_ptr_nonnull(strstr(out, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
                                      " &amp; &#39;q&#39;"));
    free(out);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_url_attribute_refuses_javascript_scheme)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    char *out;

    out = render(c, "escape.tpl", "{\"v\":\"x\",\"u\":\"javascript:alert(1)\"}");
    ck_assert_ptr_null(strstr(out, "javascript:"));
    ck_assert_ptr_nonnull(strstr(out, "href=\"#\""));
    free(out);
    pt_tpl_cache_free(c);
}
END_TEST

/* Why check_templates insists on a pragma in every file: an included
 * template without one is expanded raw even inside an HTML page. */
START_TEST(test_include_without_pragma_is_not_escaped)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    json_t *iv = parse("{\"v\":\"<b>\"}");
    struct pt_tpl_include inc = { .name = "INC", .filename = "nopragma_inc.tpl", .view = iv };
    char *out;

    out = render_with(c, "nopragma_page.tpl", NULL, NULL, &inc, 1);
    ck_assert_str_eq(out, "<i><b></i>");
    free(out);
    json_decref(iv);
    pt_tpl_cache_free(c);
}
END_TEST

/* Nothing is copied or cached between expansions: the page shows the
 * view as it is when pt_tpl_expand_view runs. */
START_TEST(test_view_is_read_when_expanded)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    json_t *v = parse("{\"v\":\"abc\"}");
    char *out;

    out = render_with(c, "plain.tpl", v, NULL, NULL, 0);
    ck_assert_str_eq(out, "[abc]");
    free(out);
    json_object_set_new(v, "v", json_integer(-42));
    out = render_with(c, "plain.tpl", v, NULL, NULL, 0);
    ck_assert_str_eq(out, "[-42]");
    free(out);
    json_object_set_new(v, "v", json_string(""));
    out = render_with(c, "plain.tpl", v, NULL, NULL, 0);
    ck_assert_str_eq(out, "[]");
    free(out);
    out = render_with(c, "plain.tpl", NULL, NULL, NULL, 0);   /* no view at all */
    ck_assert_str_eq(out, "[]");
    free(out);
    json_decref(v);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_sections_repeat_show_once_and_hide_by_default)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    char *out;

    out = render(c, "sections.tpl",
                 "{\"row\":[{\"n\":\"a\"},{\"n\":\"b\"},{\"n\":\"c\"}],\"shown\":true}");
    ck_assert_str_eq(out, "[a][b][c]|S|");
    free(out);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_include_sees_globals_but_not_parent_values)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    json_t *v = parse("{\"x\":\"parent\",\"xs\":true}");
    json_t *g = parse("{\"g\":\"<global>\",\"gs\":true}");
    json_t *iv = parse("{\"own\":\"mine\"}");
    struct pt_tpl_include inc = { .name = "INC", .filename = "inc.tpl", .view = iv };
    char *out;

    /* inc.tpl's own {{>INC}} finds nothing: includes belong to the page. */
    out = render_with(c, "page.tpl", v, g, &inc, 1);
    ck_assert_str_eq(out, "g=&lt;global&gt;,x=,own=mine,gs|parent");
    free(out);
    json_decref(v);
    json_decref(g);
    json_decref(iv);
    pt_tpl_cache_free(c);
}
END_TEST

/* Includes of one name expand in order, also inside the page's sections;
 * a view's own member wins over a global of the same name. */
START_TEST(test_includes_of_one_name_repeat_and_globals_yield)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    json_t *v = parse("{\"row\":[1,2]}");
    json_t *g = parse("{\"g\":\"G\",\"n\":\"global n\"}");
    json_t *a = parse("{\"n\":\"a\"}"), *b = parse("{\"n\":\"b\",\"g\":\"own g\"}");
    struct pt_tpl_include inc[] = {
        { .name = "INC", .filename = "item_inc.tpl", .view = a },
        { .name = "OTHER", .filename = "plain.tpl", .view = NULL },
        { .name = "INC", .filename = "item_inc.tpl", .view = b },
    };
    char *out;

    out = render_with(c, "twice.tpl", v, g, inc, 3);
    ck_assert_str_eq(out, "[aG][bown g]|[aG][bown g][aG][bown g]");
    free(out);
    json_decref(v);
    json_decref(g);
    json_decref(a);
    json_decref(b);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_root_wins_and_fallback_fills_in)
{
    struct pt_tpl_cache *c = cache_for("root", "fallback");
    struct pt_tpl_include inc = { .name = "INC", .filename = "fb_inc.tpl", .view = NULL };
    char *out;

    ck_assert_int_eq(pt_tpl_cache_has(c, "both.tpl"), 1);
    ck_assert_int_eq(pt_tpl_cache_has(c, "only_fallback.tpl"), 1);
    ck_assert_int_eq(pt_tpl_cache_has(c, "nowhere.tpl"), 0);
    out = render(c, "both.tpl", NULL);
    ck_assert_str_eq(out, "from root");
    free(out);
    out = render(c, "only_fallback.tpl", NULL);
    ck_assert_str_eq(out, "fallback only");
    free(out);
    /* A page in the root including a file that only the fallback has. */
    out = render_with(c, "uses_fallback_inc.tpl", NULL, NULL, &inc, 1);
    ck_assert_str_eq(out, "root+fallback include");
    free(out);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_fallback_alone_is_the_root)
{
    struct pt_tpl_cache *c = pt_tpl_cache_new(NULL, NULL);
    char fb[FIX_PATH + 16];

    ck_assert_ptr_null(c);                    /* no search path at all: refused */
    snprintf(fb, sizeof fb, "%s/fallback", fixture);
    c = pt_tpl_cache_new(NULL, fb);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(pt_tpl_cache_has(c, "only_fallback.tpl"), 1);
    ck_assert_int_eq(pt_tpl_cache_has(c, "plain.tpl"), 0);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_caches_are_independent)
{
    struct pt_tpl_cache *a = cache_for("root", NULL);
    struct pt_tpl_cache *b = cache_for("fallback", NULL);
    char *out;

    out = render(a, "both.tpl", NULL);
    ck_assert_str_eq(out, "from root");
    free(out);
    out = render(b, "both.tpl", NULL);        /* same name, other cache */
    ck_assert_str_eq(out, "from fallback");
    free(out);
    ck_assert_int_eq(pt_tpl_cache_has(b, "plain.tpl"), 0);
    pt_tpl_cache_free(a);
    pt_tpl_cache_free(b);
}
END_TEST

START_TEST(test_missing_template_fails_without_output)
{
    struct pt_tpl_cache *c = cache_for("root", "fallback");
    struct pt_tpl_include inc = { .name = "INC", .filename = "missing_inc.tpl", .view = NULL };
    char *out = (char *)"sentinel";
    size_t len = 99;

    ck_assert_int_eq(pt_tpl_expand_view(c, "nowhere.tpl", NULL, NULL, NULL, 0, &out, &len), -1);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    /* A page whose include is missing fails as a whole. */
    out = (char *)"sentinel";
    ck_assert_int_eq(pt_tpl_expand_view(c, "page.tpl", NULL, NULL, &inc, 1, &out, &len), -1);
    ck_assert_ptr_null(out);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_broken_templates_are_reported)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    char *out = NULL;

    ck_assert_int_eq(pt_tpl_cache_has(c, "unbalanced.tpl"), 0);
    ck_assert_int_eq(pt_tpl_expand_view(c, "unbalanced.tpl", NULL, NULL, NULL, 0, &out, NULL),
                     -1);
    ck_assert_ptr_null(out);
    /* ctemplate knows HTML, JAVASCRIPT, CSS, JSON and XML; "NONE" is an error. */
    ck_assert_int_eq(pt_tpl_cache_has(c, "none_context.tpl"), 0);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_reload_rereads_changed_files)
{
    char root[FIX_PATH + 16];
    struct pt_tpl_cache *c;
    char *out;

    snprintf(root, sizeof root, "%s/reload", fixture);
    put(root, "r.tpl", "{{%AUTOESCAPE context=\"HTML\"}}one");
    c = pt_tpl_cache_new(root, NULL);
    ck_assert_ptr_nonnull(c);
    out = render(c, "r.tpl", NULL);
    ck_assert_str_eq(out, "one");
    free(out);
    ck_assert_int_eq(pt_tpl_cache_has(c, "late.tpl"), 0);
    put(root, "r.tpl", "{{%AUTOESCAPE context=\"HTML\"}}two");
    put(root, "late.tpl", "{{%AUTOESCAPE context=\"HTML\"}}late");
    out = render(c, "r.tpl", NULL);
    ck_assert_str_eq(out, "one");             /* parsed once, served from memory */
    free(out);
    pt_tpl_cache_reload(c);
    out = render(c, "r.tpl", NULL);
    ck_assert_str_eq(out, "two");
    free(out);
    ck_assert_int_eq(pt_tpl_cache_has(c, "late.tpl"), 1);   /* misses are forgotten too */
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_bad_arguments_are_refused)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    json_t *arr = json_array(), *obj = json_object();
    struct pt_tpl_include no_file = { .name = "INC", .filename = NULL, .view = NULL };
    struct pt_tpl_include no_name = { .name = NULL, .filename = "inc.tpl", .view = NULL };
    struct pt_tpl_include bad_view = { .name = "INC", .filename = "inc.tpl", .view = arr };
    char *out = NULL;

    ck_assert_int_eq(pt_tpl_expand_view(NULL, "plain.tpl", obj, NULL, NULL, 0, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand_view(c, NULL, obj, NULL, NULL, 0, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand_view(c, "plain.tpl", obj, NULL, NULL, 0, NULL, NULL), -1);
    /* Views (the page's and includes') and globals are objects. */
    ck_assert_int_eq(pt_tpl_expand_view(c, "plain.tpl", arr, NULL, NULL, 0, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand_view(c, "plain.tpl", obj, arr, NULL, 0, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand_view(c, "page.tpl", obj, NULL, &bad_view, 1, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand_view(c, "page.tpl", obj, NULL, &no_file, 1, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand_view(c, "page.tpl", obj, NULL, &no_name, 1, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand_view(c, "page.tpl", obj, NULL, NULL, 1, &out, NULL), -1);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(pt_tpl_cache_has(NULL, "plain.tpl"), 0);
    ck_assert_int_eq(pt_tpl_cache_has(c, NULL), 0);
    pt_tpl_cache_reload(NULL);
    pt_tpl_cache_free(NULL);
    json_decref(arr);
    json_decref(obj);
    pt_tpl_cache_free(c);
}
END_TEST

static Suite *tpl_suite(void)
{
    Suite *s = suite_create("tpl");
    TCase *tc = tcase_create("shim");

    tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
    tcase_add_test(tc, test_html_context_escapes_hostile_value);
    tcase_add_test(tc, test_url_attribute_refuses_javascript_scheme);
    tcase_add_test(tc, test_include_without_pragma_is_not_escaped);
    tcase_add_test(tc, test_view_is_read_when_expanded);
    tcase_add_test(tc, test_sections_repeat_show_once_and_hide_by_default);
    tcase_add_test(tc, test_include_sees_globals_but_not_parent_values);
    tcase_add_test(tc, test_includes_of_one_name_repeat_and_globals_yield);
    tcase_add_test(tc, test_root_wins_and_fallback_fills_in);
    tcase_add_test(tc, test_fallback_alone_is_the_root);
    tcase_add_test(tc, test_caches_are_independent);
    tcase_add_test(tc, test_missing_template_fails_without_output);
    tcase_add_test(tc, test_broken_templates_are_reported);
    tcase_add_test(tc, test_reload_rereads_changed_files);
    tcase_add_test(tc, test_bad_arguments_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tpl_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
