/*
 * parse_urlencoded.c — query strings and application/x-www-form-urlencoded
 * bodies (WHATWG URL "application/x-www-form-urlencoded parsing"), plus the
 * in-place percent-decoder that the router uses for path segments.
 *
 * Strict on purpose: a '%' must be followed by two hex digits, and a decoded
 * NUL is refused, because every value is later handed around as a C string
 * and a hidden NUL would make two layers disagree about what was sent.
 * Only '&' separates pairs (not ';', like Go since 1.17) for the same reason.
 */
#include "parse.h"
#include "arena.h"
#include "portal.h"

#include <string.h>

static int urlencoded_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The decoder behind both entry points; *why tells a bad escape from a NUL. */
static int urlencoded_decode(char *s, size_t *len, int plus_is_space,
                             const char **why)
{
    size_t in = 0, out = 0, n = *len;

    while (in < n) {
        unsigned char c = (unsigned char)s[in];

        if (c == '%') {
            int hi = n - in >= 3 ? urlencoded_hex((unsigned char)s[in + 1]) : -1;
            int lo = n - in >= 3 ? urlencoded_hex((unsigned char)s[in + 2]) : -1;

            if (hi < 0 || lo < 0) {
                *why = "malformed percent-escape in query or form data";
                return PT_EINVAL;
            }
            c = (unsigned char)(hi << 4 | lo);
            in += 3;
        } else {
            if (c == '+' && plus_is_space)
                c = ' ';
            in++;
        }
        if (c == '\0') {
            *why = "NUL byte in query or form data";
            return PT_EINVAL;
        }
        s[out++] = (char)c;
    }
    /* Only write inside the buffer: a NUL-terminated input stays terminated. */
    if (out < n)
        s[out] = '\0';
    *len = out;
    return PT_OK;
}

int pt_url_decode(char *s, size_t *len, int plus_is_space)
{
    const char *why = NULL;

    return urlencoded_decode(s, len, plus_is_space, &why);
}

/* One non-empty "name[=value]" pair: copied into the arena, then decoded there. */
static int urlencoded_pair(struct pt_arena *a, const char *pair, size_t plen,
                           const struct pt_limits *lim, struct pt_kvlist *out,
                           const char **why)
{
    const char *eq = memchr(pair, '=', plen);
    size_t nlen = eq ? (size_t)(eq - pair) : plen;
    size_t vlen = eq ? plen - nlen - 1 : 0;
    char *name = pt_arena_strndup(a, pair, nlen);
    char *value = pt_arena_strndup(a, eq ? eq + 1 : "", vlen);
    int rc;

    if (name == NULL || value == NULL) {
        *why = "out of memory";
        return PT_ENOMEM;
    }
    if ((rc = urlencoded_decode(name, &nlen, 1, why)) != PT_OK ||
        (rc = urlencoded_decode(value, &vlen, 1, why)) != PT_OK)
        return rc;
    if (nlen == 0) {
        *why = "empty field name in query or form data";
        return PT_EINVAL;
    }
    if (nlen > lim->max_field) {
        *why = "field name too long in query or form data";
        return PT_ELIMIT;
    }
    if (vlen > lim->max_field) {
        *why = "field value too long in query or form data";
        return PT_ELIMIT;
    }
    if (pt_kv_add(a, out, name, value, vlen) != PT_OK) {
        *why = "out of memory";
        return PT_ENOMEM;
    }
    return PT_OK;
}

/*
 * The pair count is per call (a query string and a form body each get
 * max_parts).  On failure `out` is put back as it was, so a caller never
 * sees half a form.
 */
int pt_parse_urlencoded(struct pt_arena *a, const char *s, size_t len,
                        const struct pt_limits *lim, struct pt_kvlist *out,
                        const char **why)
{
    size_t n0 = out->n, count = 0, pos = 0;
    int rc = PT_OK;

    if (len > lim->max_body) {
        *why = "query or form data too large";
        return PT_ELIMIT;
    }
    while (pos < len) {
        const char *pair = s + pos;
        const char *amp = memchr(pair, '&', len - pos);
        size_t plen = amp ? (size_t)(amp - pair) : len - pos;

        pos += plen + 1;
        if (plen == 0)
            continue;
        if (count == lim->max_parts) {
            *why = "too many fields in query or form data";
            rc = PT_ELIMIT;
            break;
        }
        count++;
        if ((rc = urlencoded_pair(a, pair, plen, lim, out, why)) != PT_OK)
            break;
    }
    if (rc != PT_OK)
        out->n = n0;
    return rc;
}
