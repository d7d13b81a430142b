/*
 * check_hostname — pt_hostname_normalize and friends (fcgi/hostname.c).
 *
 * A table of names a partner might type: the good ones come back in their
 * one stored form; the bad ones — injection attempts on an nginx
 * server_name among them — are refused with a sentence, and out is left
 * empty so that no caller can use half a name by mistake.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostname.h"
#include "nginx_gen.h"

struct good { const char *in, *out; };

static const struct good goods[] = {
    { "portal.example-msp.com", "portal.example-msp.com" },
    { "Portal.Example-MSP.COM", "portal.example-msp.com" },
    { "portal.example.com.", "portal.example.com" },
    { "a.b", "a.b" },
    { "x1.y2.z3.example.org", "x1.y2.z3.example.org" },
    { "xn--bcher-kva.example", "xn--bcher-kva.example" },
    { "XN--BCHER-KVA.example", "xn--bcher-kva.example" },
    { "123.example.com", "123.example.com" },               /* digits-only label, not last */
    { "a-b--c.example.com", "a-b--c.example.com" },         /* "--" outside places 3-4 */
};

struct bad { const char *in, *why_part; };

static const struct bad bads[] = {
    { "a.com; include /etc/passwd", "; { }" },
    { "a.com include", "spaces" },
    { "a.com;include/etc/passwd", "; { }" },
    { "a.com}", "; { }" },
    { "a.com{", "; { }" },
    { "a.com}server{listen 80;}", "; { }" },
    { "*.a.com", "Wildcards" },
    { "a.*.com", "Wildcards" },
    { "a.com\n", "control" },
    { "a.com\nserver_name evil.com", "control" },
    { "a.com\r", "control" },
    { "a\tb.com", "control" },
    { "a.com\x7f", "control" },
    { "$host", "; { }" },
    { "a.com$request_uri", "; { }" },
    { "a.com#comment", "; { }" },
    { "\"a.com\"", "quotes" },
    { "'a.com'", "quotes" },
    { "a\\.com", "backslashes" },
    { "a.com`id`", "backslashes" },
    { "-a.com", "hyphen" },
    { "a-.com", "hyphen" },
    { "a.-b.com", "hyphen" },
    { "a.b-.com", "hyphen" },
    { "ab--cd.com", "3rd and 4th" },
    { "a..com", "empty labels" },
    { ".a.com", "empty labels" },
    { "a.com..", "empty labels" },
    { ".", "empty labels" },
    { "", "Enter a host name" },
    { "com", "full host name" },
    { "localhost", "full host name" },
    { "localhost.", "full host name" },
    { "app.localhost", "localhost" },
    { "localhost.localdomain", "localhost" },
    { "127.0.0.1", "IP address" },
    { "10.1.2.3", "IP address" },
    { "[::1]", "IP address" },
    { "::1", "IP address" },
    { "a.com:8080", "port" },
    { "a_b.com", "only letters" },
    { "a/b.com", "only letters" },
    { "a.com/", "only letters" },
    { "user@a.com", "only letters" },
    { "a,b.com", "only letters" },
};

/* A name of exactly total (> 192) characters: three labels of 63, then
 * one of the rest (61 for 253, 62 for 254). */
static char *long_name(size_t total)
{
    char *s = malloc(total + 1);

    ck_assert_ptr_nonnull(s);
    memset(s, 'a', total);
    s[63] = s[127] = s[191] = '.';
    s[total] = '\0';
    return s;
}

START_TEST(test_good_names_come_back_in_their_stored_form)
{
    char out[PT_HOSTNAME_SIZE];
    const char *why;

    for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
        why = "unset";
        ck_assert_msg(pt_hostname_normalize(goods[i].in, out, sizeof(out), &why) == 0,
                      "refused \"%s\": %s", goods[i].in, why ? why : "(no reason)");
        ck_assert_str_eq(out, goods[i].out);
        ck_assert_ptr_null(why);
    }
}
END_TEST

START_TEST(test_bad_names_are_refused_with_a_reason)
{
    char out[PT_HOSTNAME_SIZE];
    const char *why;

    for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
        strcpy(out, "dirty");
        why = NULL;
        ck_assert_msg(pt_hostname_normalize(bads[i].in, out, sizeof(out), &why) == PT_EINVAL,
                      "accepted \"%s\" as \"%s\"", bads[i].in, out);
        ck_assert_msg(why && strstr(why, bads[i].why_part), "\"%s\": reason \"%s\" lacks \"%s\"",
                      bads[i].in, why ? why : "(none)", bads[i].why_part);
        ck_assert_str_eq(out, "");
    }
}
END_TEST

START_TEST(test_lengths_253_is_the_limit_and_labels_63)
{
    char out[PT_HOSTNAME_SIZE], label64[80];
    const char *why;
    char *n253 = long_name(253), *n254 = long_name(254), *n253dot;

    ck_assert_uint_eq(strlen(n253), 253);
    ck_assert_int_eq(pt_hostname_normalize(n253, out, sizeof(out), &why), 0);
    ck_assert_str_eq(out, n253);
    /* The root's dot does not count. */
    ck_assert_int_ne(asprintf(&n253dot, "%s.", n253), -1);
    ck_assert_int_eq(pt_hostname_normalize(n253dot, out, sizeof(out), &why), 0);
    ck_assert_uint_eq(strlen(out), 253);
    ck_assert_int_eq(pt_hostname_normalize(n254, out, sizeof(out), &why), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "253"));
    /* A buffer too small for the name is a refusal, never a cut name. */
    ck_assert_int_eq(pt_hostname_normalize(n253, out, 100, &why), PT_EINVAL);
    ck_assert_str_eq(out, "");

    memset(label64, 'a', 64);
    strcpy(label64 + 64, ".com");
    ck_assert_int_eq(pt_hostname_normalize(label64, out, sizeof(out), &why), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "63"));
    label64[63] = '\0';
    strcat(label64, ".com");                                      /* 63 is fine */
    ck_assert_int_eq(pt_hostname_normalize(label64, out, sizeof(out), &why), 0);

    char *huge = malloc(PT_HOSTNAME_INPUT_MAX + 10);
    ck_assert_ptr_nonnull(huge);
    memset(huge, 'a', PT_HOSTNAME_INPUT_MAX + 9);
    huge[PT_HOSTNAME_INPUT_MAX + 9] = '\0';
    ck_assert_int_eq(pt_hostname_normalize(huge, out, sizeof(out), &why), PT_EINVAL);
    free(huge);
    free(n253);
    free(n254);
    free(n253dot);
}
END_TEST

/* Unicode: converted where libidn2 is built in, else refused with the way
 * out (the xn-- form).  Either way, non-LDH ASCII smuggled next to Unicode
 * (or as a full-width look-alike that UTS #46 maps to ASCII) is refused:
 * libidn2 is never trusted to drop it. */
START_TEST(test_unicode_names_and_smuggled_ascii)
{
    char out[PT_HOSTNAME_SIZE];
    const char *why;

    if (pt_hostname_idna()) {
        ck_assert_int_eq(pt_hostname_normalize("Bücher.example", out, sizeof(out), &why), 0);
        ck_assert_str_eq(out, "xn--bcher-kva.example");
        ck_assert_int_eq(pt_hostname_normalize("фыва.рф", out, sizeof(out), &why), 0);
        ck_assert_str_eq(out, "xn--80ad7c2a.xn--p1ai");
        ck_assert_int_eq(pt_hostname_normalize("ü.ＣＯＭ", out, sizeof(out), &why), 0);
        ck_assert_str_eq(out, "xn--tda.com");
        /* A-labels are checked, not just copied. */
        ck_assert_int_eq(pt_hostname_normalize("xn--zz.example", out, sizeof(out), &why),
                         PT_EINVAL);
        ck_assert_int_eq(pt_hostname_normalize("xn--ls8h.la", out, sizeof(out), &why),
                         PT_EINVAL);
    } else {
        ck_assert_int_eq(pt_hostname_normalize("Bücher.example", out, sizeof(out), &why),
                         PT_EINVAL);
        ck_assert_ptr_nonnull(strstr(why, "xn--"));
    }
    static const char *smuggled[] = {
        "bücher.example; include /etc/passwd", "bücher.example}", "ü.com$host",
        "a\xef\xbc\x9b" "b.com",                       /* full-width semicolon */
        "ü.com\xef\xbd\x9d",                           /* full-width } */
        "\xef\xbc\x8a.a.com",                          /* full-width * */
        "a\xe3\x80\x80" "b.com",                       /* ideographic space */
        "\xff\xfe.com",                                /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof(smuggled) / sizeof(smuggled[0]); i++) {
        ck_assert_msg(pt_hostname_normalize(smuggled[i], out, sizeof(out), &why) == PT_EINVAL,
                      "accepted \"%s\" as \"%s\"", smuggled[i], out);
        ck_assert_str_eq(out, "");
    }
}
END_TEST

START_TEST(test_platform_names_are_refused_and_listed_matches_whole_labels)
{
    const char *platform = "portal.example.com, www.portal.example.com. 127.0.0.1";
    char out[PT_HOSTNAME_SIZE];
    const char *why;

    ck_assert(pt_hostname_listed("portal.example.com", platform, false));
    ck_assert(pt_hostname_listed("www.portal.example.com", platform, false));
    ck_assert(!pt_hostname_listed("xportal.example.com", platform, true));
    ck_assert(!pt_hostname_listed("acme.portal.example.com", platform, false));
    ck_assert(pt_hostname_listed("acme.portal.example.com", platform, true));
    ck_assert(!pt_hostname_listed("example.com", platform, true));
    ck_assert(!pt_hostname_listed("a.com", NULL, true));

    ck_assert_int_eq(pt_hostname_check_platform("PORTAL.example.com.", platform, out, sizeof(out), &why),
                     PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(why, "platform"));
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(pt_hostname_check_platform("acme.portal.example.com", platform, out, sizeof(out),
                                       &why), 0);
    ck_assert_str_eq(out, "acme.portal.example.com");
}
END_TEST

/* The generator's own rule for paths it renders. */
START_TEST(test_nginx_paths)
{
    static const char *ok[] = { "/etc/nginx", "/var/lib/partner-portal/acme",
                                "/tmp/ptng.AbC123/conf", "/a_b/c+d/e@f/g=h" };
    static const char *no[] = { "relative/path", "", "/a b", "/a;b", "/a}b", "/a{b", "/a$b",
                                "/a#b", "/a\"b", "/a'b", "/a\nb", "/a/../b", "/a/..", "/é" };

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        ck_assert_msg(pt_nginx_path_ok(ok[i]), "refused %s", ok[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        ck_assert_msg(!pt_nginx_path_ok(no[i]), "accepted %s", no[i]);
    ck_assert(!pt_nginx_path_ok(NULL));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostname");
    TCase *tc = tcase_create("normalize");

    tcase_add_test(tc, test_good_names_come_back_in_their_stored_form);
    tcase_add_test(tc, test_bad_names_are_refused_with_a_reason);
    tcase_add_test(tc, test_lengths_253_is_the_limit_and_labels_63);
    tcase_add_test(tc, test_unicode_names_and_smuggled_ascii);
    tcase_add_test(tc, test_platform_names_are_refused_and_listed_matches_whole_labels);
    tcase_add_test(tc, test_nginx_paths);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
