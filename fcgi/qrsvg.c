/*
 * qrsvg.c — libqrencode's module matrix drawn as one SVG <path>.
 *
 * Each horizontal run of dark modules becomes one rectangle sub-path, which
 * keeps a version-4 code (the otpauth URI) to a few kilobytes.
 */
#include "qrsvg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "portal.h"

/* Room for one run, "M185 185h185v1h-185z", with margin. */
#define RUN_MAX 32
/* Room for the document around the path. */
#define FRAME_MAX 512

static bool qr_dark(const QRcode *qr, int x, int y)
{
    return qr->data[y * qr->width + x] & 1;
}

static size_t qr_count_runs(const QRcode *qr)
{
    size_t runs = 0;

    for (int y = 0; y < qr->width; y++)
        for (int x = 0; x < qr->width; x++)
            if (qr_dark(qr, x, y) && (x == 0 || !qr_dark(qr, x - 1, y)))
                runs++;
    return runs;
}

/* Append each run as "M<x> <y>h<n>v1h-<n>z", offset by the quiet zone;
 * the length written, or cap when it did not fit (never seen: RUN_MAX
 * covers the largest symbol, but a wrong bound must not overflow). */
static size_t qr_write_runs(const QRcode *qr, char *out, size_t cap)
{
    size_t n = 0;

    for (int y = 0; y < qr->width; y++) {
        for (int x = 0; x < qr->width;) {
            int len = 0;

            while (x + len < qr->width && qr_dark(qr, x + len, y))
                len++;
            if (len == 0) {
                x++;
                continue;
            }
            int w = snprintf(out + n, cap - n, "M%d %dh%dv1h-%dz", x + PT_QR_QUIET,
                             y + PT_QR_QUIET, len, len);

            if (w < 0 || (size_t)w >= cap - n)
                return cap;
            n += (size_t)w;
            x += len;
        }
    }
    return n;
}

static char *qr_render(const QRcode *qr)
{
    static const char tail[] = "\"/></svg>";
    int w = qr->width + 2 * PT_QR_QUIET, px = w * PT_QR_MODULE_PX;
    size_t cap = qr_count_runs(qr) * RUN_MAX + FRAME_MAX, n;
    char *svg = malloc(cap);

    if (!svg)
        return NULL;
    n = (size_t)snprintf(svg, cap,
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                         "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"QR code\" "
                         "shape-rendering=\"crispEdges\">"
                         "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                         "<path fill=\"#000\" d=\"", w, w, px, px, w, w);
    n += qr_write_runs(qr, svg + n, cap - n);
    if (n + sizeof(tail) > cap) {
        free(svg);
        return NULL;
    }
    memcpy(svg + n, tail, sizeof(tail));
    return svg;
}

char *pt_qr_svg(const char *text)
{
    QRcode *qr;
    char *svg;
    size_t len = text ? strlen(text) : 0;

    if (len == 0 || len > PT_QR_TEXT_MAX) {
        pt_log_error("%s: text of %zu bytes refused (1 to %d)", __func__, len, PT_QR_TEXT_MAX);
        return NULL;
    }
    /* Version 0: the smallest that fits.  QR_MODE_8 keeps UTF-8 bytes from
     * being taken for Shift-JIS Kanji. */
    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) {
        pt_log_error("%s: QRcode_encodeString: %s", __func__, strerror(errno));
        return NULL;
    }
    svg = qr_render(qr);
    if (!svg)
        pt_log_error("%s: cannot render the SVG (out of memory)", __func__);
    QRcode_free(qr);
    return svg;
}
