/* check_parse_multipart.c — multipart/form-data bodies. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "portal.h"

#define CT "multipart/form-data; boundary=XyZ"
/* A string literal as (bytes, length): embedded NULs count. */
#define BODY(s) (const unsigned char *)(s), sizeof(s) - 1
#define CD_FIELD(name) "Content-Disposition: form-data; name=\"" name "\"\r\n\r\n"

static struct pt_arena *arena;
static const struct pt_limits deflim = PT_LIMITS_DEFAULT;

struct result {
    struct pt_kvlist  fields;
    struct pt_uploads files;
    const char       *why;
    int               rc;
};

static void setup(void)
{
    arena = pt_arena_new(4096);
    ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
    pt_arena_free(arena);
}

static struct result mp(const char *ct, const unsigned char *body, size_t len,
                        const struct pt_limits *lim)
{
    struct result r = { .why = NULL };

    r.rc = pt_parse_multipart(arena, ct, body, len, lim, &r.fields, &r.files, &r.why);
    if (r.rc != PT_OK) {
        ck_assert_ptr_nonnull(r.why);
        ck_assert_uint_eq(r.fields.n, 0);          /* nothing half-parsed is left */
        ck_assert_uint_eq(r.files.n, 0);
    }
    return r;
}

static void expect_ok(const struct result *r)
{
    ck_assert_msg(r->rc == PT_OK, "rc %d: %s", r->rc, r->why);
}

static void expect_fail(const struct result *r, int rc, const char *why)
{
    ck_assert_int_eq(r->rc, rc);
    ck_assert_str_eq(r->why, why);
}

/* ---- normal bodies -------------------------------------------------------- */

START_TEST(text_fields_and_files_are_separated)
{
    struct result r = mp(CT, BODY(
        "--XyZ\r\n" CD_FIELD("title") "Hello\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"logo\"; filename=\"a.png\"\r\n"
        "Content-Type: image/png\r\n\r\n"
        "\x89PNG\r\n"
        "--XyZ--\r\n"), &deflim);

    expect_ok(&r);
    ck_assert_uint_eq(r.fields.n, 1);
    ck_assert_str_eq(pt_kv_get(&r.fields, "title"), "Hello");
    ck_assert_uint_eq(r.fields.items[0].len, 5);
    ck_assert_uint_eq(r.files.n, 1);
    ck_assert_str_eq(r.files.items[0].field, "logo");
    ck_assert_str_eq(r.files.items[0].filename, "a.png");
    ck_assert_str_eq(r.files.items[0].content_type, "image/png");
    ck_assert_uint_eq(r.files.items[0].len, 4);
    ck_assert_mem_eq(r.files.items[0].data, "\x89PNG", 4);
}
END_TEST

START_TEST(file_data_points_into_the_body_and_type_defaults_to_empty)
{
    static const char body[] = "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n"
        "abc\r\n--XyZ--";
    struct result r = mp(CT, BODY(body), &deflim);
    const unsigned char *d;

    expect_ok(&r);
    d = r.files.items[0].data;
    ck_assert(d >= (const unsigned char *)body && d + 3 <= (const unsigned char *)body + sizeof(body));
    ck_assert_str_eq(r.files.items[0].content_type, "");
}
END_TEST

START_TEST(file_bytes_may_hold_nuls_crlfs_and_fake_boundaries)
{
    static const char data[] =
        "\0\r\n--XyZx\r\n--XyZ-\0--XyZ\r\n\r\n\r\n--XyZ \t x\r\n-XyZ\r\n\r";
    struct result r = mp(CT, BODY(
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"bin\"\r\n\r\n"
        "\0\r\n--XyZx\r\n--XyZ-\0--XyZ\r\n\r\n\r\n--XyZ \t x\r\n-XyZ\r\n\r"
        "\r\n--XyZ--"), &deflim);

    expect_ok(&r);
    ck_assert_uint_eq(r.files.n, 1);
    ck_assert_uint_eq(r.files.items[0].len, sizeof(data) - 1);
    ck_assert_mem_eq(r.files.items[0].data, data, sizeof(data) - 1);
}
END_TEST

START_TEST(text_values_keep_inner_crlf_but_not_the_delimiter_crlf)
{
    struct result r = mp(CT, BODY(
        "--XyZ\r\n" CD_FIELD("a") "line1\r\nline2\r\n\r\n"
        "--XyZ\r\n" CD_FIELD("e") "\r\n"
        "--XyZ--\r\n"), &deflim);

    expect_ok(&r);
    ck_assert_str_eq(pt_kv_get(&r.fields, "a"), "line1\r\nline2\r\n");
    ck_assert_str_eq(pt_kv_get(&r.fields, "e"), "");
}
END_TEST

START_TEST(repeated_names_are_kept_in_order)
{
    struct result r = mp(CT, BODY(
        "--XyZ\r\n" CD_FIELD("t") "1\r\n"
        "--XyZ\r\n" CD_FIELD("t") "2\r\n"
        "--XyZ--"), &deflim);

    expect_ok(&r);
    ck_assert_uint_eq(r.fields.n, 2);
    ck_assert_str_eq(r.fields.items[0].value, "1");
    ck_assert_str_eq(r.fields.items[1].value, "2");
}
END_TEST

START_TEST(empty_filename_is_an_empty_text_field)
{
    struct result r = mp(CT, BODY(
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"up\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
        "\r\n--XyZ--"), &deflim);

    expect_ok(&r);
    ck_assert_uint_eq(r.files.n, 0);
    ck_assert_str_eq(pt_kv_get(&r.fields, "up"), "");
}
END_TEST

START_TEST(header_names_are_case_insensitive_and_unknown_ones_ignored)
{
    struct result r = mp(CT, BODY(
        "--XyZ\r\n"
        "X-Whatever: 1\r\n"
        "content-disposition:FORM-DATA;NAME=plain ;  Filename = \"q.txt\"  \r\n"
        "CONTENT-TYPE:   text/plain  \r\n\r\n"
        "x\r\n--XyZ--"), &deflim);

    expect_ok(&r);
    ck_assert_str_eq(r.files.items[0].field, "plain");
    ck_assert_str_eq(r.files.items[0].filename, "q.txt");
    ck_assert_str_eq(r.files.items[0].content_type, "text/plain");
}
END_TEST

START_TEST(quoted_filename_unescapes_only_quote_and_backslash)
{
    struct result r = mp(CT, BODY(
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"C:\\dir\\a\\\"b;c.txt\"\r\n\r\n"
        "x\r\n--XyZ--"), &deflim);

    expect_ok(&r);
    ck_assert_str_eq(r.files.items[0].filename, "C:\\dir\\a\"b;c.txt");
}
END_TEST

START_TEST(preamble_epilogue_and_transport_padding_are_ignored)
{
    struct result r = mp(CT, BODY(
        "preamble --XyZ\r\n--XyZx\r\n--XyZ \t\r\n" CD_FIELD("a") "1\r\n"
        "--XyZ--\r\nepilogue\r\n--XyZ\r\n garbage"), &deflim);

    expect_ok(&r);
    ck_assert_uint_eq(r.fields.n, 1);
    ck_assert_str_eq(pt_kv_get(&r.fields, "a"), "1");
}
END_TEST

START_TEST(close_delimiter_without_trailing_crlf_is_accepted)
{
    struct result r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "1\r\n--XyZ--"), &deflim);

    expect_ok(&r);
    ck_assert_str_eq(pt_kv_get(&r.fields, "a"), "1");
}
END_TEST

START_TEST(body_of_only_the_close_delimiter_has_no_parts)
{
    struct result r = mp(CT, BODY("--XyZ--\r\n"), &deflim);

    expect_ok(&r);
    ck_assert_uint_eq(r.fields.n + r.files.n, 0);
}
END_TEST

/* ---- the boundary --------------------------------------------------------- */

START_TEST(quoted_boundary_with_spaces_and_specials_works)
{
    struct result r = mp("multipart/form-data; boundary=\"a b:c?=,'()+_./-\"", BODY(
        "--a b:c?=,'()+_./-\r\n" CD_FIELD("k") "v\r\n--a b:c?=,'()+_./---"), &deflim);

    expect_ok(&r);
    ck_assert_str_eq(pt_kv_get(&r.fields, "k"), "v");
}
END_TEST

START_TEST(content_type_is_case_insensitive_with_other_parameters)
{
    struct result r = mp("Multipart/Form-Data ; charset=utf-8;BOUNDARY=XyZ;", BODY(
        "--XyZ\r\n" CD_FIELD("k") "v\r\n--XyZ--"), &deflim);

    expect_ok(&r);
}
END_TEST

START_TEST(boundary_of_70_chars_is_accepted_and_71_refused)
{
    char ct[128], body[256];
    struct result r;
    int n;

    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 7);
    n = snprintf(body, sizeof(body), "--%070d\r\n" CD_FIELD("k") "v\r\n--%070d--", 7, 7);
    r = mp(ct, (const unsigned char *)body, (size_t)n, &deflim);
    expect_ok(&r);
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%071d", 7);
    n = snprintf(body, sizeof(body), "--%071d\r\n" CD_FIELD("k") "v\r\n--%071d--", 7, 7);
    r = mp(ct, (const unsigned char *)body, (size_t)n, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary too long");
}
END_TEST

START_TEST(missing_or_bad_boundary_is_refused)
{
    static const unsigned char b[] = "--XyZ--";
    struct result r;

    r = mp("multipart/form-data", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary missing");
    r = mp("multipart/form-data; boundary=\"\"", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary missing");
    r = mp(NULL, b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary missing");
    r = mp("multipart/form-data; boundary=", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "malformed multipart Content-Type");
    r = mp("multipart/form-data; boundary=\"XyZ", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "malformed multipart Content-Type");
    r = mp("multipart/form-data; boundary=X\x01Z", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary has invalid characters");
    r = mp("multipart/form-data; boundary=\"XyZ \"", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary has invalid characters");
    r = mp("multipart/form-data; boundary=XyZ; boundary=XyZ", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary given twice");
    r = mp("multipart/mixed; boundary=XyZ", b, 7, &deflim);
    expect_fail(&r, PT_EINVAL, "not a multipart/form-data body");
}
END_TEST

/* ---- malformed bodies ----------------------------------------------------- */

START_TEST(body_without_close_delimiter_is_refused)
{
    struct result r;

    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "hello"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart body not terminated");
    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "hello\r\n--XyZ"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart body not terminated");
    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "hello\r\n--XyZ-"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart body not terminated");
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart body not terminated");
    r = mp(CT, BODY("--XyZ\r\n"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart body not terminated");
}
END_TEST

START_TEST(body_without_any_delimiter_is_refused)
{
    struct result r;

    r = mp(CT, (const unsigned char *)"", 0, &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary not found in body");
    r = mp(CT, BODY("just text"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary not found in body");
    r = mp(CT, BODY("--XyZ"), &deflim);                 /* neither "--" nor CRLF after it */
    expect_fail(&r, PT_EINVAL, "multipart boundary not found in body");
    r = mp(CT, BODY("--OTHER\r\n" CD_FIELD("a") "1\r\n--OTHER--"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart boundary not found in body");
}
END_TEST

START_TEST(bare_lf_line_endings_are_refused)
{
    struct result r;

    r = mp(CT, BODY("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--\n"), &deflim);
    ck_assert_int_eq(r.rc, PT_EINVAL);
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\nX: 1\r\n\r\n"
                    "1\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "malformed multipart part header");
}
END_TEST

START_TEST(parts_without_a_name_are_refused)
{
    struct result r;

    r = mp(CT, BODY("--XyZ\r\n\r\nx\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart part without a name");
    r = mp(CT, BODY("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart part without a name");
    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("") "x\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart part without a name");
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\n"
                    "x\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "multipart part without a name");
}
END_TEST

START_TEST(malformed_part_headers_are_refused)
{
    struct result r;

    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--"),
           &deflim);
    expect_fail(&r, PT_EINVAL, "multipart part is not form-data");
    r = mp(CT, BODY("--XyZ\r\n" "Content-Disposition: form-data; name=\"a\"\r\n"
                    CD_FIELD("b") "x\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "duplicate Content-Disposition in multipart part");
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n"
                    "x\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "duplicate parameter in multipart Content-Disposition");
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--"),
           &deflim);
    expect_fail(&r, PT_EINVAL, "malformed multipart Content-Disposition");
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\" junk\r\n\r\n"
                    "x\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "malformed multipart Content-Disposition");
    r = mp(CT, BODY("--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "malformed multipart part header");
    r = mp(CT, BODY("--XyZ\r\n" "Content-Disposition: form-data;\r\n name=\"a\"\r\n\r\n"
                    "x\r\n--XyZ--"), &deflim);                   /* obs-fold */
    expect_fail(&r, PT_EINVAL, "malformed multipart part header");
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n\r\n"
                    "x\r\n--XyZ--"), &deflim);
    expect_fail(&r, PT_EINVAL, "malformed multipart part header");
}
END_TEST

START_TEST(nul_in_a_text_field_is_refused)
{
    struct result r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "x\0y\r\n--XyZ--"), &deflim);

    expect_fail(&r, PT_EINVAL, "NUL byte in multipart field");
}
END_TEST

/* ---- limits ---------------------------------------------------------------- */

START_TEST(part_count_at_cap_is_accepted_one_past_refused)
{
    struct pt_limits lim = deflim;
    struct result r;

    lim.max_parts = 2;
    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "1\r\n"
                    "--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n"
                    "2\r\n--XyZ--"), &lim);
    expect_ok(&r);
    ck_assert_uint_eq(r.fields.n + r.files.n, 2);
    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "1\r\n"
                    "--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n2\r\n"
                    "--XyZ\r\n" CD_FIELD("c") "3\r\n--XyZ--"), &lim);
    expect_fail(&r, PT_ELIMIT, "too many multipart parts");
}
END_TEST

START_TEST(text_field_at_max_field_is_accepted_one_past_refused)
{
    struct pt_limits lim = deflim;
    struct result r;

    lim.max_field = 5;
    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "12345\r\n--XyZ--"), &lim);
    expect_ok(&r);
    r = mp(CT, BODY("--XyZ\r\n" CD_FIELD("a") "123456\r\n--XyZ--"), &lim);
    expect_fail(&r, PT_ELIMIT, "multipart field too long");
}
END_TEST

START_TEST(file_at_max_upload_is_accepted_one_past_refused)
{
    struct pt_limits lim = deflim;
    struct result r;

    lim.max_upload = 4;
    lim.max_field = 1;                  /* files are not held to the text cap */
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n"
                    "1234\r\n--XyZ--"), &lim);
    expect_ok(&r);
    ck_assert_uint_eq(r.files.items[0].len, 4);
    r = mp(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n"
                    "12345\r\n--XyZ--"), &lim);
    expect_fail(&r, PT_ELIMIT, "uploaded file too large");
}
END_TEST

/* A part whose header block (up to, not including, its CRLF CRLF) is n bytes. */
static struct result header_block_of(size_t n)
{
    static const char cd[] = "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: ";
    static const char tail[] = "\r\n\r\nv\r\n--XyZ--";
    size_t pad = n - (sizeof(cd) - 1), len = 7 + n + sizeof(tail) - 1;
    unsigned char *b = pt_arena_alloc(arena, len);
    unsigned char *p = b;

    memcpy(p, "--XyZ\r\n", 7);
    memcpy(p += 7, cd, sizeof(cd) - 1);
    memset(p += sizeof(cd) - 1, 'p', pad);
    memcpy(p + pad, tail, sizeof(tail) - 1);
    return mp(CT, b, len, &deflim);
}

START_TEST(header_block_of_8_KiB_is_accepted_one_more_byte_refused)
{
    struct result r = header_block_of(8192);

    expect_ok(&r);
    ck_assert_str_eq(pt_kv_get(&r.fields, "a"), "v");
    r = header_block_of(8193);
    expect_fail(&r, PT_ELIMIT, "multipart part headers too large");
}
END_TEST

START_TEST(body_larger_than_max_body_is_refused)
{
    struct pt_limits lim = deflim;
    static const char body[] = "--XyZ\r\n" CD_FIELD("a") "1\r\n--XyZ--";
    struct result r;

    lim.max_body = sizeof(body) - 1;
    r = mp(CT, BODY(body), &lim);
    expect_ok(&r);
    lim.max_body--;
    r = mp(CT, BODY(body), &lim);
    expect_fail(&r, PT_ELIMIT, "request body too large");
}
END_TEST

START_TEST(failure_leaves_both_lists_as_they_were)
{
    struct pt_kvlist fields = { 0 };
    struct pt_uploads files = { 0 };
    const char *why = NULL;

    ck_assert_int_eq(pt_parse_multipart(arena, CT, BODY(
        "--XyZ\r\n" CD_FIELD("a") "1\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n2\r\n--XyZ--"),
        &deflim, &fields, &files, &why), PT_OK);
    ck_assert_int_eq(pt_parse_multipart(arena, CT, BODY(
        "--XyZ\r\n" CD_FIELD("b") "1\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=g; filename=x\r\n\r\n2\r\n--XyZ"),
        &deflim, &fields, &files, &why), PT_EINVAL);
    ck_assert_uint_eq(fields.n, 1);
    ck_assert_uint_eq(files.n, 1);
    ck_assert_ptr_null(pt_kv_get(&fields, "b"));
}
END_TEST

static Suite *multipart_suite(void)
{
    Suite *s = suite_create("parse_multipart");
    TCase *ok = tcase_create("bodies");
    TCase *bnd = tcase_create("boundary");
    TCase *bad = tcase_create("malformed");
    TCase *lim = tcase_create("limits");

    tcase_add_checked_fixture(ok, setup, teardown);
    tcase_add_test(ok, text_fields_and_files_are_separated);
    tcase_add_test(ok, file_data_points_into_the_body_and_type_defaults_to_empty);
    tcase_add_test(ok, file_bytes_may_hold_nuls_crlfs_and_fake_boundaries);
    tcase_add_test(ok, text_values_keep_inner_crlf_but_not_the_delimiter_crlf);
    tcase_add_test(ok, repeated_names_are_kept_in_order);
    tcase_add_test(ok, empty_filename_is_an_empty_text_field);
    tcase_add_test(ok, header_names_are_case_insensitive_and_unknown_ones_ignored);
    tcase_add_test(ok, quoted_filename_unescapes_only_quote_and_backslash);
    tcase_add_test(ok, preamble_epilogue_and_transport_padding_are_ignored);
    tcase_add_test(ok, close_delimiter_without_trailing_crlf_is_accepted);
    tcase_add_test(ok, body_of_only_the_close_delimiter_has_no_parts);
    suite_add_tcase(s, ok);

    tcase_add_checked_fixture(bnd, setup, teardown);
    tcase_add_test(bnd, quoted_boundary_with_spaces_and_specials_works);
    tcase_add_test(bnd, content_type_is_case_insensitive_with_other_parameters);
    tcase_add_test(bnd, boundary_of_70_chars_is_accepted_and_71_refused);
    tcase_add_test(bnd, missing_or_bad_boundary_is_refused);
    suite_add_tcase(s, bnd);

    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, body_without_close_delimiter_is_refused);
    tcase_add_test(bad, body_without_any_delimiter_is_refused);
    tcase_add_test(bad, bare_lf_line_endings_are_refused);
    tcase_add_test(bad, parts_without_a_name_are_refused);
    tcase_add_test(bad, malformed_part_headers_are_refused);
    tcase_add_test(bad, nul_in_a_text_field_is_refused);
    suite_add_tcase(s, bad);

    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, part_count_at_cap_is_accepted_one_past_refused);
    tcase_add_test(lim, text_field_at_max_field_is_accepted_one_past_refused);
    tcase_add_test(lim, file_at_max_upload_is_accepted_one_past_refused);
    tcase_add_test(lim, header_block_of_8_KiB_is_accepted_one_more_byte_refused);
    tcase_add_test(lim, body_larger_than_max_body_is_refused);
    tcase_add_test(lim, failure_leaves_both_lists_as_they_were);
    suite_add_tcase(s, lim);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(multipart_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
