/*
 * check_tplset.c — host → template set → cache (fcgi/tplset.c): Host
 * normalisation, the set-name allow-list, host overrides over default/,
 * files found through the alternate root, unknown hosts and missing set
 * folders falling back to the default set (logged once), and reload.
 */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tpl.h"
#include "tplset.h"

/* Not PATH_MAX: -I fcgi puts the portal's own limits.h before <limits.h>. */
#define FIX_PATH 4096
#define HTML "{{%AUTOESCAPE context=\"HTML\"}}"

/* Check's fixtures take no argument: the fixture directory is the one
 * piece of state this test program keeps. */
static char fixture[FIX_PATH];

static const struct pt_host_map test_map[] = {
    { "acme.example", "acme" },
    { "portal.acme.example", "acme" },
    { "[::1]", "v6" },
    { "gone.example", "gone" },          /* no hosts/gone/ folder */
    { "evil.example", "../default" },    /* refused: not [a-z0-9_-]+ */
    { "upper.example", "Acme" },         /* refused: upper case */
};
#define N_MAP (sizeof test_map / sizeof test_map[0])

static void put(const char *rel, const char *text)
{
    char path[FIX_PATH + 128];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", fixture, rel);
    for (char *p = path + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (mkdir(path, 0700) != 0 && access(path, F_OK) != 0)
            abort();
        *p = '/';
    }
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

static void fixture_up(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(fixture, sizeof fixture, "%s/check_tplset.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(fixture)) {
        perror("mkdtemp");
        abort();
    }
    put("default/page.tpl", HTML "{{>HEAD}}default page");
    put("default/only_default.tpl", HTML "only in default");
    put("default/layout/head.tpl", HTML "[default head]");
    put("hosts/acme/page.tpl", HTML "{{>HEAD}}acme page");
    put("hosts/acme/only_acme.tpl", HTML "only in acme");
    put("hosts/v6/page.tpl", HTML "{{>HEAD}}v6 page");
}

static void fixture_down(void)
{
    nftw(fixture, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct pt_tplsets *sets_new(void)
{
    struct pt_tplsets *s = pt_tplsets_new(fixture, test_map, N_MAP);

    ck_assert_ptr_nonnull(s);
    return s;
}

/* Renders file through the cache of the set that host maps to. */
static char *render_for_host(struct pt_tplsets *s, const char *host, const char *file)
{
    struct pt_tpl_cache *c = pt_tplsets_cache(s, pt_tplsets_set_for_host(s, host));
    const struct pt_tpl_include head = { .name = "HEAD", .filename = "layout/head.tpl" };
    char *out = NULL;

    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(pt_tpl_expand_view(c, file, NULL, NULL, &head, 1, &out, NULL), 0);
    return out;
}

#define ck_page(s, host, file, expected) do {                  \
        char *out_ = render_for_host(s, host, file);          \
        ck_assert_str_eq(out_, expected);                     \
        free(out_);                                           \
    } while (0)

START_TEST(test_host_header_is_normalised)
{
    struct pt_tplsets *s = sets_new();

    ck_assert_str_eq(pt_tplsets_set_for_host(s, "acme.example"), "acme");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "ACME.Example"), "acme");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "Portal.ACME.example:8443"), "acme");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "acme.example."), "acme");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "[::1]:8080"), "v6");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "[::1]"), "v6");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "[::1"), "default");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "[::1]x"), "default");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "other.example"), "default");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "acme.example.evil"), "default");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, ""), "default");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, ":80"), "default");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, NULL), "default");
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_invalid_set_names_are_ignored)
{
    struct pt_tplsets *s = sets_new();

    ck_assert_str_eq(pt_tplsets_set_for_host(s, "evil.example"), "default");
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "upper.example"), "default");
    /* Asked directly for a bad name, the default cache answers. */
    ck_assert_ptr_eq(pt_tplsets_cache(s, "../hosts/acme"), pt_tplsets_cache(s, "default"));
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_map_is_copied)
{
    char host[] = "copy.example", set[] = "acme";
    struct pt_host_map m = { host, set };
    struct pt_tplsets *s = pt_tplsets_new(fixture, &m, 1);

    ck_assert_ptr_nonnull(s);
    memset(host, 'x', sizeof host - 1);
    memset(set, 'y', sizeof set - 1);
    ck_assert_str_eq(pt_tplsets_set_for_host(s, "copy.example"), "acme");
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_host_file_overrides_default)
{
    struct pt_tplsets *s = sets_new();

    ck_page(s, "acme.example", "page.tpl", "[default head]acme page");
    ck_page(s, "[::1]:443", "page.tpl", "[default head]v6 page");
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_default_file_found_through_alternate_root)
{
    struct pt_tplsets *s = sets_new();

    ck_page(s, "acme.example", "only_default.tpl", "only in default");
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_unknown_host_gets_default_set)
{
    struct pt_tplsets *s = sets_new();
    struct pt_tpl_cache *def = pt_tplsets_cache(s, "default");

    ck_page(s, "unknown.example", "page.tpl", "[default head]default page");
    ck_assert_ptr_eq(pt_tplsets_cache(s, NULL), def);
    /* The default set has no fallback: another set's files stay invisible. */
    ck_assert_int_eq(pt_tpl_cache_has(def, "only_acme.tpl"), 0);
    ck_assert_int_eq(pt_tpl_cache_has(pt_tplsets_cache(s, "acme"), "only_acme.tpl"), 1);
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_caches_are_made_once_per_set)
{
    struct pt_tplsets *s = sets_new();
    struct pt_tpl_cache *a = pt_tplsets_cache(s, "acme");

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(pt_tplsets_cache(s, "acme"), a);
    ck_assert_ptr_ne(a, pt_tplsets_cache(s, "default"));
    ck_assert_ptr_ne(a, pt_tplsets_cache(s, "v6"));
    pt_tplsets_free(s);
}
END_TEST

/* Runs pt_tplsets_cache(s, set) n times with stderr captured; returns how
 * many captured bytes mention the set name's folder. */
static int missing_set_log_lines(struct pt_tplsets *s, const char *set, int n)
{
    char path[FIX_PATH + 32], buf[8192], needle[64];
    int saved = dup(2), fd, count = 0;
    ssize_t len;

    snprintf(path, sizeof path, "%s/stderr.txt", fixture);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    dup2(fd, 2);
    for (int i = 0; i < n; i++)
        ck_assert_ptr_eq(pt_tplsets_cache(s, set), pt_tplsets_cache(s, "default"));
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    len = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    buf[len > 0 ? len : 0] = '\0';
    snprintf(needle, sizeof needle, "\"%s\"", set);
    for (const char *p = buf; (p = strstr(p, needle)); p++)
        count++;
    return count;
}

START_TEST(test_missing_set_folder_uses_default_and_logs_once)
{
    struct pt_tplsets *s = sets_new();

    ck_assert_str_eq(pt_tplsets_set_for_host(s, "gone.example"), "gone");
    ck_page(s, "gone.example", "page.tpl", "[default head]default page");
    pt_tplsets_reload(s);
    ck_assert_int_eq(missing_set_log_lines(s, "gone", 5), 1);
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_reload_picks_up_new_set_folder)
{
    struct pt_tplsets *s = sets_new();

    ck_page(s, "gone.example", "page.tpl", "[default head]default page");
    put("hosts/gone/page.tpl", HTML "{{>HEAD}}gone page");
    ck_page(s, "gone.example", "page.tpl", "[default head]default page");
    pt_tplsets_reload(s);
    ck_page(s, "gone.example", "page.tpl", "[default head]gone page");
    pt_tplsets_free(s);
}
END_TEST

START_TEST(test_bad_arguments)
{
    ck_assert_ptr_null(pt_tplsets_new(NULL, NULL, 0));
    ck_assert_ptr_null(pt_tplsets_new(fixture, NULL, 1));
    ck_assert_ptr_null(pt_tplsets_cache(NULL, "acme"));
    ck_assert_str_eq(pt_tplsets_set_for_host(NULL, "acme.example"), "default");
    pt_tplsets_reload(NULL);
    pt_tplsets_free(NULL);
}
END_TEST

static Suite *tplset_suite(void)
{
    Suite *s = suite_create("tplset");
    TCase *hosts = tcase_create("hosts");
    TCase *caches = tcase_create("caches");

    tcase_add_unchecked_fixture(hosts, fixture_up, fixture_down);
    tcase_add_test(hosts, test_host_header_is_normalised);
    tcase_add_test(hosts, test_invalid_set_names_are_ignored);
    tcase_add_test(hosts, test_map_is_copied);
    suite_add_tcase(s, hosts);
    /* Its own fixture: the reload test adds hosts/gone/ to the tree. */
    tcase_add_checked_fixture(caches, fixture_up, fixture_down);
    tcase_add_test(caches, test_host_file_overrides_default);
    tcase_add_test(caches, test_default_file_found_through_alternate_root);
    tcase_add_test(caches, test_unknown_host_gets_default_set);
    tcase_add_test(caches, test_caches_are_made_once_per_set);
    tcase_add_test(caches, test_missing_set_folder_uses_default_and_logs_once);
    tcase_add_test(caches, test_reload_picks_up_new_set_folder);
    tcase_add_test(caches, test_bad_arguments);
    suite_add_tcase(s, caches);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tplset_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
