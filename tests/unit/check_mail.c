/* check_mail.c — addresses, quoted-printable, RFC 2047 headers and the MIME
 * message that mail.c hands to libcurl (no server, no database). */
#include <check.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

/* A strict quoted-printable decoder: what a mail reader does with our output. */
static char *qp_decode(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 2;
        } else if (s[0] == '=') {
            unsigned v;
            ck_assert(sscanf(s + 1, "%2X", &v) == 1);
            *o++ = (char)v;
            s += 2;
        } else if (s[0] == '\r' && s[1] == '\n') {
            *o++ = '\n';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static void assert_lines_at_most(const char *s, size_t max)
{
    for (const char *line = s; *line;) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        ck_assert_msg(len <= max, "line of %zu characters: %.*s", len, (int)len, line);
        for (size_t i = 0; i < len; i++)
            ck_assert_msg(line[i] != '\n' && line[i] != '\r', "bare CR or LF");
        line += len + (end ? 2 : 0);
    }
}

START_TEST(addresses_are_validated)
{
    ck_assert(pt_mail_addr_ok("ann@example.com"));
    ck_assert(pt_mail_addr_ok("a.b+tag@sub.example.co"));
    ck_assert(!pt_mail_addr_ok(NULL));
    ck_assert(!pt_mail_addr_ok(""));
    ck_assert(!pt_mail_addr_ok("no-at.example.com"));
    ck_assert(!pt_mail_addr_ok("two@@example.com"));
    ck_assert(!pt_mail_addr_ok("a@b@example.com"));
    ck_assert(!pt_mail_addr_ok("@example.com"));
    ck_assert(!pt_mail_addr_ok("ann@"));
    ck_assert(!pt_mail_addr_ok("ann@example.com\r\nBcc: x@evil.example"));
    ck_assert(!pt_mail_addr_ok("ann@example.com\n"));
    ck_assert(!pt_mail_addr_ok("ann smith@example.com"));
    ck_assert(!pt_mail_addr_ok("<ann@example.com>"));
    ck_assert(!pt_mail_addr_ok("ann,bob@example.com"));

    char long_addr[300];
    memset(long_addr, 'a', sizeof(long_addr));
    memcpy(long_addr + 10, "@", 1);
    long_addr[255] = '\0';                         /* 255 bytes: one too many */
    ck_assert(!pt_mail_addr_ok(long_addr));
    long_addr[254] = '\0';
    ck_assert(pt_mail_addr_ok(long_addr));
}
END_TEST

START_TEST(from_address_is_extracted)
{
    char buf[128];

    ck_assert(pt_mail_from_addr("Partner Portal <no-reply@portal.example.com>", buf, sizeof(buf)));
    ck_assert_str_eq(buf, "no-reply@portal.example.com");
    ck_assert(pt_mail_from_addr("ops@example.com", buf, sizeof(buf)));
    ck_assert_str_eq(buf, "ops@example.com");
    ck_assert(!pt_mail_from_addr("Name <broken", buf, sizeof(buf)));
    ck_assert(!pt_mail_from_addr("Name <a@b.example> trailing", buf, sizeof(buf)));
    ck_assert(!pt_mail_from_addr(NULL, buf, sizeof(buf)));
}
END_TEST

START_TEST(quoted_printable_round_trips_and_keeps_lines_short)
{
    const char *text = "Grüße, Zoë! 100% = sure ☃\n"
        "A very long line that goes on and on and on, well past the seventy-six "
        "character limit of quoted-printable, with ünïcödé near the end ééééééé\n"
        "trailing space \n"
        "trailing tab\t\n"
        ".a line starting with a dot\r\n"
        "last line without newline";
    char *qp = pt_mail_qp(text, strlen(text));
    char *back;
    char *expect = strdup(text);

    ck_assert_ptr_nonnull(qp);
    assert_lines_at_most(qp, 76);
    for (const char *p = qp; *p; p++)
        ck_assert_msg((unsigned char)*p < 127, "non-ASCII byte in quoted-printable");
    ck_assert_ptr_null(strstr(qp, " \r\n"));       /* no trailing blank survives */
    back = qp_decode(qp);
    /* CRLF in the input is a line break like LF. */
    char *crlf = strstr(expect, "\r\n");
    memmove(crlf, crlf + 1, strlen(crlf + 1) + 1);
    ck_assert_str_eq(back, expect);
    free(back);
    free(expect);
    free(qp);
}
END_TEST

START_TEST(plain_headers_stay_readable)
{
    char *h = pt_mail_header_text("Set your password - Partner Portal");

    ck_assert_str_eq(h, "Set your password - Partner Portal");
    free(h);
    h = pt_mail_header_text("Injected\r\nBcc: x@evil.example");
    ck_assert_ptr_null(strchr(h, '\r'));
    ck_assert_ptr_null(strchr(h, '\n'));
    free(h);
}
END_TEST

/* Decodes "=?UTF-8?B?…?=" words joined by CRLF SP. */
static char *rfc2047_decode(const char *h)
{
    char *out = calloc(1, strlen(h) + 1);
    size_t n = 0;

    while (*h) {
        ck_assert(strncmp(h, "=?UTF-8?B?", 10) == 0);
        const char *end = strstr(h + 10, "?=");
        ck_assert_ptr_nonnull(end);
        ck_assert_uint_le((size_t)(end + 2 - h), 75);      /* an encoded word's limit */
        unsigned char buf[128];
        int len = EVP_DecodeBlock(buf, (const unsigned char *)h + 10, (int)(end - h - 10));
        ck_assert_int_ge(len, 0);
        size_t pad = end[-1] == '=' ? (end[-2] == '=' ? 2 : 1) : 0;
        memcpy(out + n, buf, (size_t)len - pad);
        n += (size_t)len - pad;
        h = end + 2;
        if (*h) {
            ck_assert(strncmp(h, "\r\n ", 3) == 0);
            h += 3;
        }
    }
    return out;
}

START_TEST(non_ascii_headers_are_encoded_words)
{
    const char *subject = "Passwort festlegen – Grüße aus Zürich, ☃ Schneemann-Dienstleistungen GmbH";
    char *h = pt_mail_header_text(subject);
    char *back = rfc2047_decode(h);

    ck_assert_str_eq(back, subject);
    /* Each word decodes to whole UTF-8 characters on its own. */
    for (const char *w = h; (w = strstr(w, "?B?")) != NULL; w += 3) {
        unsigned char buf[128];
        const char *end = strstr(w + 3, "?=");
        int len = EVP_DecodeBlock(buf, (const unsigned char *)w + 3, (int)(end - w - 3));
        size_t pad = end[-1] == '=' ? (end[-2] == '=' ? 2 : 1) : 0;
        ck_assert((buf[len - pad - 1] & 0xC0) != 0xC0);   /* does not end mid-sequence */
        ck_assert((buf[0] & 0xC0) != 0x80);               /* does not start mid-sequence */
    }
    free(back);
    free(h);
}
END_TEST

START_TEST(message_has_headers_and_two_parts)
{
    struct pt_mail_msg m = {
        .from = "Partner Portal <no-reply@portal.example.com>",
        .to = "ann@example.com",
        .subject = "Grüße",
        .text = "Hello Ann,\nyour link: https://x.example/?a=1\n",
        .html = "<p>Hello Ann</p>\n",
        .message_id = "<0123abcd@portal.example.com>",
        .date = 1736937000,
    };
    size_t len;
    char *msg = pt_mail_build(&m, &len);

    ck_assert_ptr_nonnull(msg);
    ck_assert_uint_eq(len, strlen(msg));
    ck_assert(strncmp(msg, "Date: Wed, 15 Jan 2025 10:30:00 +0000\r\n", 39) == 0);
    ck_assert_ptr_nonnull(strstr(msg, "\r\nFrom: Partner Portal <no-reply@portal.example.com>\r\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\r\nTo: ann@example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\r\nMessage-ID: <0123abcd@portal.example.com>\r\n"));
    ck_assert_ptr_nonnull(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
    ck_assert_ptr_nonnull(strstr(msg, "multipart/alternative; boundary=\"=_pt_0123abcd\""));
    ck_assert_ptr_nonnull(strstr(msg, "--=_pt_0123abcd\r\nContent-Type: text/plain; charset=UTF-8"));
    ck_assert_ptr_nonnull(strstr(msg, "--=_pt_0123abcd\r\nContent-Type: text/html; charset=UTF-8"));
    ck_assert_ptr_nonnull(strstr(msg, "\r\n--=_pt_0123abcd--\r\n"));
    ck_assert_ptr_nonnull(strstr(msg, "?a=3D1"));
    assert_lines_at_most(msg, 998);
    free(msg);
}
END_TEST

START_TEST(message_without_html_is_plain_text)
{
    struct pt_mail_msg m = {
        .from = "ops@example.com", .to = "ann@example.com", .subject = "Hi",
        .text = "Hello\n", .message_id = "<1@example.com>", .date = 0,
    };
    size_t len;
    char *msg = pt_mail_build(&m, &len);

    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "\r\nFrom: ops@example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n"));
    ck_assert_ptr_null(strstr(msg, "multipart"));
    free(msg);
}
END_TEST

START_TEST(message_with_a_bad_sender_is_not_built)
{
    struct pt_mail_msg m = {
        .from = "Broken <nope>", .to = "ann@example.com", .subject = "Hi",
        .text = "Hello\n", .message_id = "<1@example.com>",
    };
    size_t len;

    ck_assert_ptr_null(pt_mail_build(&m, &len));
}
END_TEST

static Suite *mail_suite(void)
{
    Suite *s = suite_create("mail");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, addresses_are_validated);
    tcase_add_test(tc, from_address_is_extracted);
    tcase_add_test(tc, quoted_printable_round_trips_and_keeps_lines_short);
    tcase_add_test(tc, plain_headers_stay_readable);
    tcase_add_test(tc, non_ascii_headers_are_encoded_words);
    tcase_add_test(tc, message_has_headers_and_two_parts);
    tcase_add_test(tc, message_without_html_is_plain_text);
    tcase_add_test(tc, message_with_a_bad_sender_is_not_built);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mail_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
