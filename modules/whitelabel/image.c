/*
 * image.c — what an uploaded logo or favicon really is, decided from its
 * bytes alone (never the file name or the Content-Type the browser sent).
 *
 * There is no image library here, so nothing is decoded; instead the
 * container is walked strictly and rebuilt from the parts that draw the
 * picture (DESIGN §7: metadata stripped):
 *   PNG   signature, IHDR first (sides 1…4096), every chunk's CRC checked,
 *         IDAT present, IEND last with nothing after it; text, time, EXIF
 *         and unknown ancillary chunks dropped.
 *   JPEG  SOI, marker segments within bounds, a frame header (sides
 *         1…4096) before the scan, EOI last; APPn other than JFIF, ICC and
 *         Adobe (EXIF, XMP, …) and comments dropped.
 *   ICO   header, 1…64 directory entries each pointing inside the file at
 *         a PNG or a BMP header.
 *   SVG   text: the strict check of svg.c.
 */
#include "wl.h"

#include <stdio.h>
#include <strings.h>

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The CRC-32 of PNG (ISO 3309), bit by bit: images are small. */
static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

/* ---- PNG ------------------------------------------------------------------------------ */

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* Chunks that draw the picture or say how its colours are meant. */
static bool png_keep(const unsigned char *type)
{
    static const char *const keep[] = { "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA",
                                        "cHRM", "sRGB", "iCCP", "sBIT", "pHYs", "bKGD" };

    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        if (memcmp(type, keep[i], 4) == 0)
            return true;
    return false;
}

static const char *png_walk(struct pt_req *r, const unsigned char *d, size_t n,
                            struct wl_image *out)
{
    unsigned char *o = pt_alloc(r, n);
    size_t at = 8, olen = 8;
    bool idat = false, end = false;

    if (o == NULL)
        return "The image could not be read (out of memory).";
    memcpy(o, png_sig, 8);
    while (!end) {
        if (n - at < 12)
            return "The PNG file is cut short.";
        uint32_t len = be32(d + at);
        const unsigned char *type = d + at + 4;
        if (len > n - at - 12)
            return "The PNG file is cut short.";
        for (int i = 0; i < 4; i++)
            if (!((type[i] >= 'a' && type[i] <= 'z') || (type[i] >= 'A' && type[i] <= 'Z')))
                return "The PNG file is damaged (a bad chunk name).";
        if (crc32_png(type, 4 + (size_t)len) != be32(d + at + 8 + len))
            return "The PNG file is damaged (a checksum does not match).";
        bool ihdr = memcmp(type, "IHDR", 4) == 0;
        if ((at == 8) != ihdr)
            return "The PNG file is damaged (IHDR is not first).";
        if (ihdr) {
            if (len != 13)
                return "The PNG file is damaged (a bad IHDR).";
            out->width = be32(type + 4);
            out->height = be32(type + 8);
        }
        /* An unknown critical chunk (upper-case first letter) cannot be dropped. */
        if (!png_keep(type) && !(type[0] & 0x20))
            return "The PNG file uses a feature the portal does not accept.";
        idat = idat || memcmp(type, "IDAT", 4) == 0;
        end = memcmp(type, "IEND", 4) == 0;
        if (png_keep(type)) {
            memcpy(o + olen, d + at, 12 + (size_t)len);
            olen += 12 + (size_t)len;
        }
        at += 12 + (size_t)len;
    }
    if (at != n)
        return "The PNG file has data after its end.";
    if (!idat)
        return "The PNG file holds no picture.";
    out->data = o;
    out->len = olen;
    out->type = "image/png";
    return NULL;
}

/* ---- JPEG ------------------------------------------------------------------------------ */

static bool jpeg_sof(unsigned m)
{
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* APP0 (JFIF), APP2 only as an ICC profile, APP14 (Adobe: colour transform). */
static bool jpeg_keep_app(unsigned m, const unsigned char *seg, unsigned len)
{
    if (m == 0xe0 || m == 0xee)
        return true;
    return m == 0xe2 && len >= 14 && memcmp(seg + 4, "ICC_PROFILE", 12) == 0;
}

static const char *jpeg_walk(struct pt_req *r, const unsigned char *d, size_t n,
                             struct wl_image *out)
{
    unsigned char *o = pt_alloc(r, n);
    size_t at = 2, olen = 2;
    bool frame = false;

    if (o == NULL)
        return "The image could not be read (out of memory).";
    memcpy(o, d, 2);
    for (;;) {
        if (n - at < 4 || d[at] != 0xff)
            return "The JPEG file is damaged or cut short.";
        unsigned m = d[at + 1];
        if (m == 0xff) {                      /* fill byte */
            at++;
            continue;
        }
        if (m == 0xd8 || m == 0xd9 || m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            return "The JPEG file is damaged (a marker out of place).";
        unsigned len = be16(d + at + 2);
        if (len < 2 || len > n - at - 2)
            return "The JPEG file is cut short.";
        if (jpeg_sof(m)) {
            if (len < 8)
                return "The JPEG file is damaged (a bad frame header).";
            out->height = be16(d + at + 5);
            out->width = be16(d + at + 7);
            frame = true;
        }
        if (m == 0xda) {
            if (!frame)
                return "The JPEG file is damaged (no frame header before the picture).";
            if (n - at < 2 || d[n - 2] != 0xff || d[n - 1] != 0xd9)
                return "The JPEG file is cut short (no end marker).";
            memcpy(o + olen, d + at, n - at);     /* the scans, as they are */
            olen += n - at;
            break;
        }
        if (!((m >= 0xe0 && m <= 0xef) || m == 0xfe) || jpeg_keep_app(m, d + at, len)) {
            memcpy(o + olen, d + at, 2 + (size_t)len);
            olen += 2 + (size_t)len;
        }
        at += 2 + (size_t)len;
    }
    out->data = o;
    out->len = olen;
    out->type = "image/jpeg";
    return NULL;
}

/* ---- ICO ------------------------------------------------------------------------------- */

static const char *ico_walk(const unsigned char *d, size_t n, struct wl_image *out)
{
    unsigned count = (unsigned)d[4] | (unsigned)d[5] << 8;

    if (count == 0 || count > 64 || n < 6 + 16 * (size_t)count)
        return "The icon file is damaged (a bad directory).";
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *e = d + 6 + 16 * i;
        uint32_t size = le32(e + 8), off = le32(e + 12);
        if (off < 6 + 16 * count || size < 8 || off > n || size > n - off)
            return "The icon file is damaged (an image outside the file).";
        if (memcmp(d + off, png_sig, 8) != 0 && le32(d + off) != 40)
            return "The icon file holds something that is not an image.";
        if (i == 0) {
            out->width = e[0] ? e[0] : 256;
            out->height = e[1] ? e[1] : 256;
        }
    }
    out->data = d;
    out->len = n;
    out->type = "image/x-icon";
    return NULL;
}

/* ---- deciding -------------------------------------------------------------------------- */

/* Text that starts (after a BOM and blanks) like an SVG document. */
static bool looks_svg(const unsigned char *d, size_t n)
{
    size_t i = n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf ? 3 : 0;

    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    /* A DOCTYPE first is taken for SVG too: svg.c refuses it with a clear word. */
    return (n - i >= 5 && memcmp(d + i, "<?xml", 5) == 0) ||
           (n - i >= 9 && strncasecmp((const char *)d + i, "<!DOCTYPE", 9) == 0) ||
           (n - i >= 4 && (memcmp(d + i, "<svg", 4) == 0 || memcmp(d + i, "<!--", 4) == 0));
}

static const char *kinds_text(unsigned kinds)
{
    if (kinds == (WL_IMG_PNG | WL_IMG_ICO))
        return "a PNG or ICO image";
    if (kinds == (WL_IMG_PNG | WL_IMG_JPEG | WL_IMG_SVG))
        return "a PNG, JPEG or SVG image";
    return "an image of an accepted type";
}

static unsigned kind_of(const unsigned char *d, size_t n)
{
    if (n >= 8 && memcmp(d, png_sig, 8) == 0)
        return WL_IMG_PNG;
    if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
        return WL_IMG_JPEG;
    if (n >= 6 && d[0] == 0 && d[1] == 0 && d[2] == 1 && d[3] == 0)
        return WL_IMG_ICO;
    return looks_svg(d, n) ? WL_IMG_SVG : 0;
}

int wl_image_check(struct pt_req *r, const struct pt_upload *u, unsigned kinds, size_t max,
                   const char *label, struct wl_image *out, const char **why)
{
    const char *bad = NULL;

    memset(out, 0, sizeof(*out));
    if (u->len > max) {
        *why = pt_printf(r, "The %s is %zu KB: at most %zu KB is accepted.", label,
                         (u->len + 1023) / 1024, max / 1024);
        return PT_EINVAL;
    }
    unsigned k = kind_of(u->data, u->len);
    if ((k & kinds) == 0) {
        *why = pt_printf(r, "The %s must be %s; this file is not one, whatever its name says.",
                         label, kinds_text(kinds));
        return PT_EINVAL;
    }
    switch (k) {
    case WL_IMG_PNG:  bad = png_walk(r, u->data, u->len, out); break;
    case WL_IMG_JPEG: bad = jpeg_walk(r, u->data, u->len, out); break;
    case WL_IMG_ICO:  bad = ico_walk(u->data, u->len, out); break;
    default:
        if ((bad = wl_svg_problem(r, u->data, u->len)) == NULL)
            *out = (struct wl_image){ .type = "image/svg+xml", .data = u->data, .len = u->len };
        break;
    }
    if (bad == NULL && k != WL_IMG_SVG &&
        (out->width == 0 || out->height == 0 || out->width > WL_IMAGE_SIDE_MAX ||
         out->height > WL_IMAGE_SIDE_MAX))
        bad = pt_printf(r, "The picture is %u × %u pixels: each side must be 1 to %u.",
                        out->width, out->height, WL_IMAGE_SIDE_MAX);
    if (bad != NULL) {
        *why = pt_printf(r, "The %s was refused: %s", label, bad);
        return PT_EINVAL;
    }
    return 0;
}
