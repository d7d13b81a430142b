/*
 * check_tpl.c — the ctemplate shim (fcgi/tpl.cc): auto-escaping, value
 * copying, sections, include dictionaries and template-globals, the
 * root / alternate-root search path, reload, and failure reporting.
 * Fixture templates live in a mkdtemp directory made for the run.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        "g={{g}},x={{x}},own={{own}}{{#gs}},gs{{/gs}}");
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

/* Expands and checks the result is a NUL-terminated string of *len bytes. */
static char *render(struct pt_tpl_cache *c, const char *file, const struct pt_tpl_dict *d)
{
    char *out = NULL;
    size_t len = 0;

    ck_assert_int_eq(pt_tpl_expand(c, file, d, &out, &len), 0);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(strlen(out), len);
    return out;
}

static void set_str(struct pt_tpl_dict *d, const char *name, const char *v)
{
    ck_assert_int_eq(pt_tpl_set(d, name, v, strlen(v)), 0);
}

START_TEST(test_html_context_escapes_hostile_value)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char *out;

    set_str(d, "v", "<script>alert(\"x\")</script> & 'q'");
    set_str(d, "u", "/ok");
    out = render(c, "escape.tpl", d);
    ck_assert_ptr_null(strstr(out, "<script>"));
    ck_assert_ptr_null(strstr(out, "\"x\""));
    ck_assert_ptr_nonnull(strstr(out, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
                                      " &amp; &#39;q&#39;"));
    free(out);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_url_attribute_refuses_javascript_scheme)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char *out;

    set_str(d, "v", "x");
    set_str(d, "u", "javascript:alert(1)");
    out = render(c, "escape.tpl", d);
    ck_assert_ptr_null(strstr(out, "javascript:"));
    ck_assert_ptr_nonnull(strstr(out, "href=\"#\""));
    free(out);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

/* Why check_templates insists on a pragma in every file: an included
 * template without one is expanded raw even inside an HTML page. */
START_TEST(test_include_without_pragma_is_not_escaped)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    struct pt_tpl_dict *inc = pt_tpl_add_include(d, "INC", "nopragma_inc.tpl");
    char *out;

    ck_assert_ptr_nonnull(inc);
    set_str(inc, "v", "<b>");
    out = render(c, "nopragma_page.tpl", d);
    ck_assert_str_eq(out, "<i><b></i>");
    free(out);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_set_copies_value_and_honours_length)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char buf[16] = "abcdef";
    char *out;

    ck_assert_int_eq(pt_tpl_set(d, "v", buf, 3), 0);
    memset(buf, 'Z', sizeof buf - 1);          /* the caller's memory changes */
    out = render(c, "plain.tpl", d);
    ck_assert_str_eq(out, "[abc]");
    free(out);
    ck_assert_int_eq(pt_tpl_set(d, "v", NULL, 0), 0);   /* NULL, 0 is "" */
    out = render(c, "plain.tpl", d);
    ck_assert_str_eq(out, "[]");
    free(out);
    ck_assert_int_eq(pt_tpl_set_int(d, "v", -42), 0);
    out = render(c, "plain.tpl", d);
    ck_assert_str_eq(out, "[-42]");
    free(out);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_sections_repeat_show_once_and_hide_by_default)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    const char *names[] = { "a", "b", "c" };
    char *out;

    for (size_t i = 0; i < 3; i++) {
        struct pt_tpl_dict *row = pt_tpl_add_section(d, "row");
        ck_assert_ptr_nonnull(row);
        set_str(row, "n", names[i]);
    }
    ck_assert_int_eq(pt_tpl_show_section(d, "shown"), 0);
    ck_assert_int_eq(pt_tpl_show_section(d, "shown"), 0);   /* still once */
    out = render(c, "sections.tpl", d);
    ck_assert_str_eq(out, "[a][b][c]|S|");
    free(out);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_include_sees_globals_but_not_parent_values)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    struct pt_tpl_dict *inc = pt_tpl_add_include(d, "INC", "inc.tpl");
    char *out;

    ck_assert_ptr_nonnull(inc);
    set_str(d, "x", "parent");
    ck_assert_int_eq(pt_tpl_set_global(d, "g", "<global>"), 0);
    ck_assert_int_eq(pt_tpl_show_global_section(d, "gs"), 0);
    set_str(inc, "own", "mine");
    out = render(c, "page.tpl", d);
    ck_assert_str_eq(out, "g=&lt;global&gt;,x=,own=mine,gs|parent");
    free(out);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_root_wins_and_fallback_fills_in)
{
    struct pt_tpl_cache *c = cache_for("root", "fallback");
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char *out;

    ck_assert_ptr_nonnull(pt_tpl_add_include(d, "INC", "fb_inc.tpl"));
    ck_assert_int_eq(pt_tpl_cache_has(c, "both.tpl"), 1);
    ck_assert_int_eq(pt_tpl_cache_has(c, "only_fallback.tpl"), 1);
    ck_assert_int_eq(pt_tpl_cache_has(c, "nowhere.tpl"), 0);
    out = render(c, "both.tpl", d);
    ck_assert_str_eq(out, "from root");
    free(out);
    out = render(c, "only_fallback.tpl", d);
    ck_assert_str_eq(out, "fallback only");
    free(out);
    /* A page in the root including a file that only the fallback has. */
    out = render(c, "uses_fallback_inc.tpl", d);
    ck_assert_str_eq(out, "root+fallback include");
    free(out);
    pt_tpl_dict_free(d);
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
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char *out;

    out = render(a, "both.tpl", d);
    ck_assert_str_eq(out, "from root");
    free(out);
    out = render(b, "both.tpl", d);           /* same name, other cache */
    ck_assert_str_eq(out, "from fallback");
    free(out);
    ck_assert_int_eq(pt_tpl_cache_has(b, "plain.tpl"), 0);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(a);
    pt_tpl_cache_free(b);
}
END_TEST

START_TEST(test_missing_template_fails_without_output)
{
    struct pt_tpl_cache *c = cache_for("root", "fallback");
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char *out = (char *)"sentinel";
    size_t len = 99;

    ck_assert_int_eq(pt_tpl_expand(c, "nowhere.tpl", d, &out, &len), -1);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    /* A page whose include is missing fails as a whole. */
    ck_assert_ptr_nonnull(pt_tpl_add_include(d, "INC", "missing_inc.tpl"));
    ck_assert_int_eq(pt_tpl_expand(c, "page.tpl", d, &out, &len), -1);
    ck_assert_ptr_null(out);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_broken_templates_are_reported)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char *out = NULL;

    ck_assert_int_eq(pt_tpl_cache_has(c, "unbalanced.tpl"), 0);
    ck_assert_int_eq(pt_tpl_expand(c, "unbalanced.tpl", d, &out, NULL), -1);
    ck_assert_ptr_null(out);
    /* ctemplate knows HTML, JAVASCRIPT, CSS, JSON and XML; "NONE" is an error. */
    ck_assert_int_eq(pt_tpl_cache_has(c, "none_context.tpl"), 0);
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_reload_rereads_changed_files)
{
    char root[FIX_PATH + 16];
    struct pt_tpl_cache *c;
    struct pt_tpl_dict *d = pt_tpl_dict_new("t");
    char *out;

    snprintf(root, sizeof root, "%s/reload", fixture);
    put(root, "r.tpl", "{{%AUTOESCAPE context=\"HTML\"}}one");
    c = pt_tpl_cache_new(root, NULL);
    ck_assert_ptr_nonnull(c);
    out = render(c, "r.tpl", d);
    ck_assert_str_eq(out, "one");
    free(out);
    ck_assert_int_eq(pt_tpl_cache_has(c, "late.tpl"), 0);
    put(root, "r.tpl", "{{%AUTOESCAPE context=\"HTML\"}}two");
    put(root, "late.tpl", "{{%AUTOESCAPE context=\"HTML\"}}late");
    out = render(c, "r.tpl", d);
    ck_assert_str_eq(out, "one");             /* parsed once, served from memory */
    free(out);
    pt_tpl_cache_reload(c);
    out = render(c, "r.tpl", d);
    ck_assert_str_eq(out, "two");
    free(out);
    ck_assert_int_eq(pt_tpl_cache_has(c, "late.tpl"), 1);   /* misses are forgotten too */
    pt_tpl_dict_free(d);
    pt_tpl_cache_free(c);
}
END_TEST

START_TEST(test_null_arguments_are_refused)
{
    struct pt_tpl_cache *c = cache_for("root", NULL);
    struct pt_tpl_dict *d = pt_tpl_dict_new(NULL);
    char *out = NULL;

    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(pt_tpl_set(NULL, "v", "x", 1), -1);
    ck_assert_int_eq(pt_tpl_set(d, NULL, "x", 1), -1);
    ck_assert_int_eq(pt_tpl_set(d, "v", NULL, 1), -1);
    ck_assert_int_eq(pt_tpl_set_int(d, NULL, 1), -1);
    ck_assert_int_eq(pt_tpl_set_global(d, "g", NULL), -1);
    ck_assert_int_eq(pt_tpl_show_section(d, NULL), -1);
    ck_assert_int_eq(pt_tpl_show_global_section(NULL, "s"), -1);
    ck_assert_ptr_null(pt_tpl_add_section(d, NULL));
    ck_assert_ptr_null(pt_tpl_add_include(d, "INC", NULL));
    ck_assert_int_eq(pt_tpl_expand(c, NULL, d, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand(c, "plain.tpl", NULL, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_expand(NULL, "plain.tpl", d, &out, NULL), -1);
    ck_assert_int_eq(pt_tpl_cache_has(NULL, "plain.tpl"), 0);
    pt_tpl_cache_reload(NULL);
    pt_tpl_cache_free(NULL);
    pt_tpl_dict_free(NULL);
    pt_tpl_dict_free(d);
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
    tcase_add_test(tc, test_set_copies_value_and_honours_length);
    tcase_add_test(tc, test_sections_repeat_show_once_and_hide_by_default);
    tcase_add_test(tc, test_include_sees_globals_but_not_parent_values);
    tcase_add_test(tc, test_root_wins_and_fallback_fills_in);
    tcase_add_test(tc, test_fallback_alone_is_the_root);
    tcase_add_test(tc, test_caches_are_independent);
    tcase_add_test(tc, test_missing_template_fails_without_output);
    tcase_add_test(tc, test_broken_templates_are_reported);
    tcase_add_test(tc, test_reload_rereads_changed_files);
    tcase_add_test(tc, test_null_arguments_are_refused);
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
