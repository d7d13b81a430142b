/*
 * parse_cookie.c — the Cookie request header (RFC 6265 §5.4 / §5.2).
 *
 * Lenient where the RFC is: other applications on a parent domain may set
 * cookies we do not understand, and a junk pair must not turn every page
 * into a 400.  So a pair without '=' or with an empty name is skipped.
 * Values are not percent-decoded (RFC 6265 defines no decoding); a value
 * wrapped in DQUOTEs loses them.  Only the limits are hard errors.
 */
#include "parse.h"
#include "arena.h"
#include "portal.h"

#include <stdbool.h>
#include <string.h>

static bool cookie_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims SP/HTAB from both ends of [*p, *p + *n). */
static void cookie_trim(const char **p, size_t *n)
{
    while (*n > 0 && cookie_is_ows(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n > 0 && cookie_is_ows((*p)[*n - 1]))
        (*n)--;
}

/* One "name=value" between semicolons; *count counts the cookies kept. */
static int cookie_pair(struct pt_arena *a, const char *s, size_t n,
                       const struct pt_limits *lim, struct pt_kvlist *out,
                       size_t *count, const char **why)
{
    const char *eq = memchr(s, '=', n);
    const char *name = s, *value;
    size_t nlen, vlen;

    if (eq == NULL)
        return PT_OK;                   /* §5.2: ignore the cookie-pair */
    nlen = (size_t)(eq - s);
    value = eq + 1;
    vlen = n - nlen - 1;
    cookie_trim(&name, &nlen);
    cookie_trim(&value, &vlen);
    if (nlen == 0)
        return PT_OK;                   /* §5.2: ignore the cookie-pair */
    if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
        value++;
        vlen -= 2;
    }
    if (*count == lim->max_parts) {
        *why = "too many cookies";
        return PT_ELIMIT;
    }
    if (nlen > lim->max_field || vlen > lim->max_field) {
        *why = "cookie too long";
        return PT_ELIMIT;
    }
    char *n_copy = pt_arena_strndup(a, name, nlen);
    char *v_copy = pt_arena_strndup(a, value, vlen);

    if (n_copy == NULL || v_copy == NULL ||
        pt_kv_add(a, out, n_copy, v_copy, vlen) != PT_OK) {
        *why = "out of memory";
        return PT_ENOMEM;
    }
    (*count)++;
    return PT_OK;
}

/* header may be NULL (no Cookie header).  On failure `out` is put back. */
int pt_parse_cookies(struct pt_arena *a, const char *header,
                     const struct pt_limits *lim, struct pt_kvlist *out,
                     const char **why)
{
    size_t n0 = out->n, count = 0;
    const char *p = header;
    int rc = PT_OK;

    while (p != NULL && *p != '\0') {
        const char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);

        if ((rc = cookie_pair(a, p, n, lim, out, &count, why)) != PT_OK)
            break;
        p = semi ? semi + 1 : NULL;
    }
    if (rc != PT_OK)
        out->n = n0;
    return rc;
}
