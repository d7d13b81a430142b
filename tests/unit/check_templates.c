/*
 * check_templates.c — the shipped templates/ tree.
 *
 * Rules walked over every *.tpl file:
 *   - its first 300 bytes carry {{%AUTOESCAPE context="…"}} with a context
 *     ctemplate knows (HTML, JAVASCRIPT, CSS, JSON, XML); pages (default/,
 *     hosts/) and HTML mails use HTML.  ctemplate has no "NONE" context, so
 *     the only files allowed without a pragma are plain-text mails
 *     (mail/…*.txt.tpl, mail/…*.subject.tpl) and nginx blocks (nginx/), and
 *     they must say why in a {{!NOESCAPE <reason>}} comment instead: an
 *     included file without a pragma is expanded raw even inside an HTML
 *     page (proved in check_tpl), so a missing pragma is never an accident.
 *     For nginx/ the reason is that every value is validated before it is
 *     rendered (host names, paths): that is tested with the nginx renderer.
 *   - it parses (sections balanced, pragma valid);
 *   - pages obey the CSP (default-src 'self'): no inline script or style,
 *     no event-handler attributes, no javascript: URLs; and every
 *     /static/ file they link (but the Debian vendor tree) exists.
 * Then the real layout and pages are rendered as the core renders them,
 * to prove the layout's contract.
 */
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "tpl.h"
#include "tplset.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#define TEMPLATES TOP_SRCDIR "/templates"
#define PRAGMA_WINDOW 300
#define MAX_TEMPLATE (1u << 20)

struct walk {
    struct pt_tpl_cache *cache;   /* rooted at templates/: names are paths */
    size_t               ntpl;
    char                *fail;    /* one line per broken rule */
    size_t               len, cap;
};

typedef void (*check_fn)(struct walk *w, const char *rel, const char *text);

__attribute__((format(printf, 2, 3)))
static void failf(struct walk *w, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (w->len + (size_t)n + 1 > w->cap) {
        w->cap = (w->len + (size_t)n + 1) * 2;
        w->fail = realloc(w->fail, w->cap);
        ck_assert_ptr_nonnull(w->fail);
    }
    memcpy(w->fail + w->len, line, (size_t)n);
    w->len += (size_t)n;
    w->fail[w->len] = '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The value of context="…" in the pragma within the window, or false. */
static bool pragma_context(const char *head, char *ctx, size_t n)
{
    const char *p = strstr(head, "{{%AUTOESCAPE context=\""), *q;

    if (!p)
        return false;
    p += strlen("{{%AUTOESCAPE context=\"");
    q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= n)
        return false;
    memcpy(ctx, p, (size_t)(q - p));
    ctx[q - p] = '\0';
    return true;
}

/* {{!NOESCAPE <reason>}} with a reason of at least a few words. */
static bool noescape_reason(const char *head)
{
    const char *p = strstr(head, "{{!NOESCAPE "), *q;

    if (!p)
        return false;
    p += strlen("{{!NOESCAPE ");
    q = strstr(p, "}}");
    return q && q - p >= 20;
}

static bool may_skip_pragma(const char *rel)
{
    return starts_with(rel, "nginx/") ||
           (starts_with(rel, "mail/") &&
            (ends_with(rel, ".txt.tpl") || ends_with(rel, ".subject.tpl")));
}

static bool is_page(const char *rel)
{
    return starts_with(rel, "default/") || starts_with(rel, "hosts/");
}

static void check_pragma(struct walk *w, const char *rel, const char *text)
{
    static const char *known[] = { "HTML", "JAVASCRIPT", "CSS", "JSON", "XML" };
    char head[PRAGMA_WINDOW + 1], ctx[32];
    bool ok = false;

    snprintf(head, sizeof head, "%s", text);
    if (!pragma_context(head, ctx, sizeof ctx)) {
        if (!may_skip_pragma(rel))
            failf(w, "%s: no {{%%AUTOESCAPE context=\"...\"}} in its first %d bytes",
                  rel, PRAGMA_WINDOW);
        else if (!noescape_reason(head))
            failf(w, "%s: neither an AUTOESCAPE pragma nor a {{!NOESCAPE <reason>}}", rel);
        return;
    }
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok = ok || strcmp(ctx, known[i]) == 0;
    if (!ok)
        failf(w, "%s: context \"%s\" is not one ctemplate knows", rel, ctx);
    else if ((is_page(rel) || ends_with(rel, ".html.tpl")) && strcmp(ctx, "HTML") != 0)
        failf(w, "%s: an HTML template with context \"%s\"", rel, ctx);
}

static void check_parses(struct walk *w, const char *rel, const char *text)
{
    (void)text;
    if (!pt_tpl_cache_has(w->cache, rel))
        failf(w, "%s: does not parse (see ctemplate's message above)", rel);
}

/* Does an event-handler attribute (" onclick=") start at p? */
static bool event_attr_at(const char *p)
{
    const char *q = p + 3;                       /* past " on" */

    while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
        q++;
    return q > p + 3 && *q == '=';
}

static void check_static_refs(struct walk *w, const char *rel, const char *text)
{
    for (const char *p = text; (p = strstr(p, "\"/static/")); p++) {
        char path[512], file[1024];
        const char *q = strchr(p + 1, '"');

        if (!q || (size_t)(q - p) >= sizeof path || starts_with(p + 1, "/static/vendor/"))
            continue;
        memcpy(path, p + 1, (size_t)(q - p - 1));
        path[q - p - 1] = '\0';
        snprintf(file, sizeof file, "%s%s", TOP_SRCDIR, path);
        if (access(file, R_OK) != 0)
            failf(w, "%s: links %s, which static/ does not have", rel, path);
    }
}

static void check_csp(struct walk *w, const char *rel, const char *text)
{
    if (!is_page(rel))
        return;              /* mails may need inline styles; nginx is not HTML */
    if (strcasestr(text, "<style"))
        failf(w, "%s: inline <style> (the CSP forbids it)", rel);
    if (strcasestr(text, " style="))
        failf(w, "%s: style attribute (the CSP forbids it)", rel);
    if (strcasestr(text, "javascript:"))
        failf(w, "%s: javascript: URL", rel);
    for (const char *p = text; (p = strcasestr(p, "<script")); p++) {
        const char *end = strchr(p, '>');
        if (!end || !memmem(p, (size_t)(end - p), " src=", 5))
            failf(w, "%s: inline <script> (the CSP forbids it)", rel);
    }
    for (const char *p = text; (p = strcasestr(p, " on")); p++)
        if (event_attr_at(p)) {
            failf(w, "%s: event-handler attribute (the CSP forbids it)", rel);
            break;
        }
    check_static_refs(w, rel, text);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(MAX_TEMPLATE + 1);
    size_t n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_ptr_nonnull(buf);
    n = fread(buf, 1, MAX_TEMPLATE, f);
    ck_assert_msg(n < MAX_TEMPLATE, "%s: larger than %u bytes", path, MAX_TEMPLATE);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Calls check on every *.tpl below templates/<rel>. */
static void walk_dir(struct walk *w, const char *rel, check_fn check)
{
    char dir[2048];
    struct dirent *e;
    DIR *dh;

    snprintf(dir, sizeof dir, "%s/%s", TEMPLATES, rel);
    dh = opendir(dir);
    ck_assert_msg(dh != NULL, "cannot open %s", dir);
    while ((e = readdir(dh))) {
        char sub[1024], path[4096];
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(path, sizeof path, "%s/%s", TEMPLATES, sub);
        ck_assert_int_eq(lstat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            walk_dir(w, sub, check);
        } else if (S_ISREG(st.st_mode) && ends_with(sub, ".tpl")) {
            char *text = slurp(path);
            w->ntpl++;
            check(w, sub, text);
            free(text);
        }
    }
    closedir(dh);
}

static void walk_all(check_fn check)
{
    struct walk w = { .cache = pt_tpl_cache_new(TEMPLATES, NULL) };

    ck_assert_ptr_nonnull(w.cache);
    walk_dir(&w, "", check);
    /* Never pass vacuously: the layout at least must have been seen. */
    ck_assert_uint_ge(w.ntpl, 2);
    ck_assert_msg(w.len == 0, "\n%s", w.fail ? w.fail : "");
    free(w.fail);
    pt_tpl_cache_free(w.cache);
}

START_TEST(test_every_template_declares_its_escaping)
{
    walk_all(check_pragma);
}
END_TEST

START_TEST(test_every_template_parses)
{
    walk_all(check_parses);
}
END_TEST

START_TEST(test_pages_obey_the_csp_and_link_existing_static_files)
{
    walk_all(check_csp);
}
END_TEST

/* ---- the layout's contract, rendered as the core renders a page -------- */

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, 0, &err);

    ck_assert_msg(v != NULL, "bad test JSON: %s", err.text);
    return v;
}

/* view → the page; layout → HEAD and FOOT; csrf (if any) global. */
static char *render_page(const char *file, const char *view, const char *layout,
                         const char *csrf)
{
    struct pt_tplsets *s = pt_tplsets_new(TEMPLATES, NULL, 0);
    struct pt_tpl_cache *c = pt_tplsets_cache(s, "default");
    json_t *v = parse(view), *l = parse(layout), *g = json_object();
    const struct pt_tpl_include inc[] = {
        { .name = "HEAD", .filename = "layout/head.tpl", .view = l },
        { .name = "FOOT", .filename = "layout/foot.tpl", .view = l },
    };
    char *out = NULL;

    ck_assert_ptr_nonnull(c);
    if (csrf)
        ck_assert_int_eq(json_object_set_new(g, "csrf_token", json_string(csrf)), 0);
    ck_assert_int_eq(pt_tpl_expand_view(c, file, v, g, inc, 2, &out, NULL), 0);
    json_decref(v);
    json_decref(l);
    json_decref(g);
    pt_tplsets_free(s);
    return out;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

#define LAYOUT_MIN "{\"title\":\"Home\",\"brand_name\":\"Acme\",\"request_id\":\"req-1\"}"
#define ck_has(out, s)   ck_assert_msg(strstr(out, s) != NULL, "missing: %s", s)
#define ck_hasnt(out, s) ck_assert_msg(strstr(out, s) == NULL, "unexpected: %s", s)

START_TEST(test_layout_is_a_whole_document_with_bootstrap)
{
    char *out = render_page("home/index.tpl", "{\"guest\":true}", LAYOUT_MIN, NULL);

    ck_assert(starts_with(out, "<!doctype html>"));
    for (size_t n = strlen(out); n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '); n--)
        out[n - 1] = '\0';
    ck_assert(ends_with(out, "</body>\n</html>"));
    ck_has(out, "<title>Home · Acme</title>");
    ck_has(out, "href=\"/static/vendor/bootstrap/css/bootstrap.min.css\"");
    ck_has(out, "src=\"/static/vendor/bootstrap/js/bootstrap.bundle.min.js\"");
    ck_has(out, "href=\"/static/css/portal.css\"");
    ck_has(out, "<main id=\"main\"");
    ck_has(out, "</main>");
    ck_has(out, "<code>req-1</code>");
    ck_has(out, "href=\"/login\"");
    ck_hasnt(out, "Sign out");               /* no user: no account menu */
    ck_hasnt(out, "alert-");                 /* no flash, no banners */
    ck_hasnt(out, "<img");                   /* no logo */
    ck_assert_uint_eq(count(out, "rel=\"stylesheet\""), 2);   /* no brand css */
    free(out);
}
END_TEST

START_TEST(test_layout_shows_user_menu_with_global_csrf_token)
{
    char *out = render_page("home/index.tpl", "{\"user\":{\"name\":\"Ann\"}}",
                            "{\"title\":\"Home\",\"brand_name\":\"Acme\","
                            "\"user\":{\"name\":\"Ann Lee\",\"email\":\"ann@example.com\"}}",
                            "tok123");

    ck_has(out, "<summary class=\"nav-link\">Ann Lee</summary>");
    ck_has(out, "ann@example.com");
    ck_has(out, "<form method=\"post\" action=\"/logout\">");
    ck_has(out, "name=\"csrf_token\" value=\"tok123\"");
    ck_has(out, "Welcome, Ann</h1>");
    free(out);
}
END_TEST

START_TEST(test_layout_escapes_every_value)
{
    char *out = render_page("home/index.tpl", "{}",
                            "{\"title\":\"<script>t</script>\",\"brand_name\":\"A&B \\\"Co\\\"\","
                            "\"user\":{\"name\":\"<b>x</b>\",\"email\":\"e\"},"
                            "\"flash\":{\"level\":\"info\",\"message\":\"<img src=x onerror=y>\"},"
                            "\"brand_logo\":{\"url\":\"javascript:alert(1)\"},"
                            "\"footer\":{\"text\":\"<i>f</i>\"}}",
                            "\"><script>");

    ck_hasnt(out, "<script>");
    ck_hasnt(out, "<b>x");
    ck_hasnt(out, "<img src=x");
    ck_hasnt(out, "<i>f");
    ck_hasnt(out, "javascript:");
    ck_has(out, "&lt;script&gt;t&lt;/script&gt;");
    ck_has(out, "A&amp;B &quot;Co&quot;");
    ck_has(out, "value=\"&quot;&gt;&lt;script&gt;\"");
    free(out);
}
END_TEST

START_TEST(test_layout_optional_parts_and_active_nav)
{
    char *out = render_page("home/index.tpl", "{}",
                            "{\"title\":\"Users\",\"brand_name\":\"Acme\",\"request_id\":\"r\","
                            "\"nav\":[{\"label\":\"Home\",\"href\":\"/\"},"
                            "{\"label\":\"Users\",\"href\":\"/users\",\"active\":true}],"
                            "\"brand_css\":{\"url\":\"/brand/acme.css\"},"
                            "\"brand_logo\":{\"url\":\"/brand/acme.png\"},"
                            "\"flash\":{\"level\":\"success\",\"message\":\"Saved.\"},"
                            "\"impersonator\":{\"name\":\"Operator Olga\"},"
                            "\"mfa_setup\":{\"url\":\"/profile/security\"},"
                            "\"brand_favicon\":{\"url\":\"/brand/7/favicon?v=2\"},"
                            "\"brand_support\":{\"mail\":{\"address\":\"help@acme.example\"},"
                            "\"phone\":{\"number\":\"+1 555 0100\"},"
                            "\"link\":{\"url\":\"https://acme.example/help\"}},"
                            "\"brand_footer\":{\"text\":\"Acme Ltd\"}}", NULL);

    ck_has(out, "<a class=\"nav-link\" href=\"/\">Home</a>");
    ck_has(out, "<a class=\"nav-link active\" href=\"/users\" aria-current=\"page\">Users</a>");
    ck_assert_uint_eq(count(out, "aria-current"), 1);
    ck_has(out, "<link rel=\"stylesheet\" href=\"/brand/acme.css\">");
    ck_has(out, "<img class=\"pt-logo\" src=\"/brand/acme.png\" alt=\"\">");
    ck_has(out, "<div class=\"alert alert-success\" role=\"status\">Saved.</div>");
    ck_has(out, "opened by <strong>Operator Olga</strong>");
    ck_has(out, "<a href=\"/profile/security\">turn on two-factor authentication</a>");
    ck_has(out, "<a href=\"mailto:help@acme.example\">help@acme.example</a>");
    ck_has(out, "+1 555 0100");
    ck_has(out, "<link rel=\"icon\" href=\"/brand/7/favicon?v=2\">");
    ck_has(out, "href=\"https://acme.example/help\"");
    ck_has(out, "&copy; Acme · Acme Ltd");
    free(out);
}
END_TEST

START_TEST(test_error_page_has_status_detail_and_way_home)
{
    char *out = render_page("errors/error.tpl",
                            "{\"status\":404,\"title\":\"Not Found\","
                            "\"detail\":\"No page <here>.\",\"request_id\":\"req-404\"}",
                            "{\"title\":\"Not Found\",\"brand_name\":\"Acme\","
                            "\"request_id\":\"req-404\"}", NULL);

    ck_has(out, "<p class=\"pt-error-status\">404</p>");
    ck_has(out, ">Not Found</h1>");
    ck_has(out, "No page &lt;here&gt;.");
    ck_has(out, "<a class=\"btn btn-primary\" href=\"/\">Go to the home page</a>");
    ck_assert_uint_eq(count(out, "req-404"), 2);     /* body and footer */
    free(out);
}
END_TEST

START_TEST(test_status_page_shows_readiness_and_modules)
{
    char *ready = render_page("health/status.tpl",
                              "{\"ok\":true,\"database\":\"up\",\"modules\":"
                              "[{\"name\":\"health\",\"routes\":2},{\"name\":\"users\",\"routes\":9}]}",
                              LAYOUT_MIN, NULL);
    char *down = render_page("health/status.tpl",
                             "{\"ok\":false,\"not_ready\":true,\"database\":\"down\",\"modules\":[]}",
                             LAYOUT_MIN, NULL);

    ck_has(ready, "<td><span class=\"badge text-bg-success\">yes</span></td>");
    ck_has(ready, "<td>up</td>");
    ck_has(ready, "Loaded modules (2)");
    ck_has(ready, "<tr><td>health</td><td>2</td></tr>");
    ck_has(ready, "<tr><td>users</td><td>9</td></tr>");
    ck_hasnt(ready, "No modules are loaded.");
    ck_has(down, "<td><span class=\"badge text-bg-danger\">no</span></td>");
    ck_has(down, "<td>down</td>");
    ck_has(down, "No modules are loaded.");
    free(ready);
    free(down);
}
END_TEST

START_TEST(test_bench_table_has_one_row_per_item)
{
    json_t *rows = json_array(), *view;
    char *text, *out;

    for (int i = 1; i <= 50; i++)
        json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:s}",
                                              "id", i, "name", "Org <&>", "kind", "partner",
                                              "status", "active", "users", i * 3,
                                              "customers", i, "created", "2024-01-02"));
    view = json_pack("{s:o}", "rows", rows);
    text = json_dumps(view, 0);
    out = render_page("bench/table.tpl", text, LAYOUT_MIN, NULL);
    ck_assert_uint_eq(count(out, "<tr><td>"), 50);
    ck_assert_uint_eq(count(out, "<td>Org &lt;&amp;&gt;</td>"), 50);
    ck_has(out, "<caption>50 organisations</caption>");
    ck_has(out, "<tr><td>50</td>");
    ck_hasnt(out, "No organisations.");
    free(out);
    free(text);
    json_decref(view);
}
END_TEST

static Suite *templates_suite(void)
{
    Suite *s = suite_create("templates");
    TCase *rules = tcase_create("rules");
    TCase *layout = tcase_create("layout");

    tcase_add_test(rules, test_every_template_declares_its_escaping);
    tcase_add_test(rules, test_every_template_parses);
    tcase_add_test(rules, test_pages_obey_the_csp_and_link_existing_static_files);
    suite_add_tcase(s, rules);
    tcase_add_test(layout, test_layout_is_a_whole_document_with_bootstrap);
    tcase_add_test(layout, test_layout_shows_user_menu_with_global_csrf_token);
    tcase_add_test(layout, test_layout_escapes_every_value);
    tcase_add_test(layout, test_layout_optional_parts_and_active_nav);
    tcase_add_test(layout, test_error_page_has_status_detail_and_way_home);
    tcase_add_test(layout, test_status_page_shows_readiness_and_modules);
    tcase_add_test(layout, test_bench_table_has_one_row_per_item);
    suite_add_tcase(s, layout);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(templates_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
