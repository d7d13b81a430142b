/* check_qrsvg.c — the QR code SVG: its shape, that it draws exactly
 * libqrencode's modules inside a quiet zone, and (with zbarimg installed)
 * that a barcode reader gets the text back. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qrencode.h>

#include "portal.h"
#include "qrsvg.h"

static const char uri[] =
    "otpauth://totp/Cloud%20Command:alice%40example.com?secret="
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Cloud%20Command"
    "&algorithm=SHA1&digits=6&period=30";

/* The side in modules, from viewBox="0 0 W W". */
static int svg_side(const char *svg)
{
    int w = 0, h = 0;
    const char *vb = strstr(svg, "viewBox=\"");

    ck_assert_ptr_nonnull(vb);
    ck_assert_int_eq(sscanf(vb, "viewBox=\"0 0 %d %d\"", &w, &h), 2);
    ck_assert_int_eq(w, h);
    return w;
}

/* The path's runs ("M<x> <y>h<n>v1h-<n>z") painted into a side × side grid. */
static unsigned char *svg_grid(const char *svg, int side)
{
    unsigned char *grid = calloc((size_t)side * (size_t)side, 1);
    const char *d = strstr(svg, " d=\"");

    ck_assert_ptr_nonnull(grid);
    ck_assert_ptr_nonnull(d);
    for (d += 4; *d != '"';) {
        int x, y, n, back, used = 0;

        ck_assert_int_eq(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &back, &used), 4);
        ck_assert_int_gt(used, 0);
        ck_assert_int_eq(n, back);
        ck_assert(x >= 0 && y >= 0 && n > 0 && x + n <= side && y < side);
        for (int i = 0; i < n; i++) {
            ck_assert_msg(!grid[y * side + x + i], "module %d,%d drawn twice", x + i, y);
            grid[y * side + x + i] = 1;
        }
        d += used;
    }
    return grid;
}

START_TEST(svg_is_one_self_contained_root_element)
{
    char *svg = pt_qr_svg(uri);
    size_t n;

    ck_assert_ptr_nonnull(svg);
    n = strlen(svg);
    ck_assert_int_eq(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40), 0);
    ck_assert_str_eq(svg + n - 6, "</svg>");
    ck_assert_ptr_nonnull(strstr(svg, " role=\"img\""));
    ck_assert_ptr_nonnull(strstr(svg, " aria-label=\"QR code\""));
    ck_assert_ptr_nonnull(strstr(svg, "<rect width="));
    ck_assert_ptr_nonnull(strstr(svg, "<path fill=\"#000\" d=\""));
    /* Nothing a strict CSP would block, nothing that reaches outside. */
    ck_assert_ptr_null(strstr(svg, "style"));
    ck_assert_ptr_null(strstr(svg, "<script"));
    ck_assert_ptr_null(strstr(svg, "href"));
    /* The white background comes first, then the single path. */
    ck_assert_int_eq(strncmp(strchr(svg, '>') + 1, "<rect ", 6), 0);
    ck_assert_ptr_null(strstr(strstr(svg, "<path") + 1, "<path"));
    free(svg);
}
END_TEST

START_TEST(the_same_text_gives_the_same_bytes)
{
    char *a = pt_qr_svg(uri), *b = pt_qr_svg(uri), *c = pt_qr_svg("something else");

    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    free(a);
    free(b);
    free(c);
}
END_TEST

/* Does pt_qr_svg(text) draw exactly libqrencode's modules for text,
 * offset by the quiet zone, and nothing in the quiet zone? */
static void assert_draws_modules_of(const char *text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    char *svg = pt_qr_svg(text);
    int side, q = PT_QR_QUIET;
    unsigned char *grid;

    ck_assert_ptr_nonnull(qr);
    ck_assert_ptr_nonnull(svg);
    side = svg_side(svg);
    ck_assert_int_eq(side, qr->width + 2 * q);
    grid = svg_grid(svg, side);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            bool inside = x >= q && y >= q && x < side - q && y < side - q;
            bool want = inside && (qr->data[(y - q) * qr->width + (x - q)] & 1);

            ck_assert_msg(grid[y * side + x] == want, "module %d,%d", x, y);
        }
    free(grid);
    free(svg);
    QRcode_free(qr);
}

START_TEST(it_draws_exactly_libqrencodes_modules_inside_a_quiet_zone)
{
    assert_draws_modules_of(uri);
    assert_draws_modules_of("x");
}
END_TEST

/* Read the grid back with zbarimg, 4 pixels a module, as a plain PGM. */
START_TEST(a_barcode_reader_gets_the_text_back)
{
    char path[] = "/tmp/check_qrsvg.XXXXXX", cmd[128], got[512] = { 0 };
    char *svg;
    unsigned char *grid;
    int side, fd;
    FILE *f;

    if (system("command -v zbarimg >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP %s: zbarimg is not installed (apt-get install zbar-tools)\n",
                __func__);
        return;
    }
    svg = pt_qr_svg(uri);
    side = svg_side(svg);
    grid = svg_grid(svg, side);
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fprintf(f, "P2\n%d %d\n1\n", side * 4, side * 4);
    for (int y = 0; y < side * 4; y++) {
        for (int x = 0; x < side * 4; x++)
            fputs(grid[(y / 4) * side + x / 4] ? "0 " : "1 ", f);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(cmd, sizeof(cmd), "zbarimg --raw -q 'pgm:%s' 2>/dev/null", path);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(fgets(got, sizeof(got), f));
    pclose(f);
    unlink(path);
    got[strcspn(got, "\n")] = '\0';
    ck_assert_str_eq(got, uri);
    free(grid);
    free(svg);
}
END_TEST

START_TEST(empty_missing_or_oversized_text_is_refused)
{
    char *big = malloc(PT_QR_TEXT_MAX + 2);

    ck_assert_ptr_null(pt_qr_svg(NULL));
    ck_assert_ptr_null(pt_qr_svg(""));
    memset(big, 'x', PT_QR_TEXT_MAX + 1);
    big[PT_QR_TEXT_MAX + 1] = '\0';
    ck_assert_ptr_null(pt_qr_svg(big));
    big[PT_QR_TEXT_MAX] = '\0';
    free(pt_qr_svg(big));            /* the limit itself encodes */
    free(big);
}
END_TEST

START_TEST(utf8_text_is_drawn_like_any_other)
{
    assert_draws_modules_of("Gr\xc3\xbc\xc3\x9f" "e \xe6\x97\xa5\xe6\x9c\xac");
}
END_TEST

static Suite *qrsvg_suite(void)
{
    Suite *s = suite_create("qrsvg");
    TCase *tc = tcase_create("svg");

    tcase_add_test(tc, svg_is_one_self_contained_root_element);
    tcase_add_test(tc, the_same_text_gives_the_same_bytes);
    tcase_add_test(tc, it_draws_exactly_libqrencodes_modules_inside_a_quiet_zone);
    tcase_add_test(tc, a_barcode_reader_gets_the_text_back);
    tcase_add_test(tc, empty_missing_or_oversized_text_is_refused);
    tcase_add_test(tc, utf8_text_is_drawn_like_any_other);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(qrsvg_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
