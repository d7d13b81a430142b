/*
 * parse_multipart.c — multipart/form-data bodies (RFC 7578 over RFC 2046 §5.1).
 *
 *   preamble CRLF? "--" boundary LWSP CRLF
 *     headers CRLF CRLF  data  CRLF "--" boundary LWSP CRLF
 *     ...
 *     headers CRLF CRLF  data  CRLF "--" boundary "--"  epilogue
 *
 * The whole body is already in memory (the worker reads it into the arena,
 * capped at max_body), so this is a single pass over a buffer, no streaming.
 *
 * Memory: text fields are NUL-terminated copies in the arena.  Uploaded file
 * bytes are NOT copied: pt_upload.data points into `body`, which the caller
 * keeps in the request arena; that saves a second copy of up to max_upload.
 *
 * A "\r\n--boundary" that is followed by neither "--" nor LWSP CRLF is part
 * of the data (as in Go's mime/multipart); the boundary alphabet of RFC 2046
 * has no CR, so the delimiter search is linear in the body size.
 */
#include "parse.h"
#include "arena.h"
#include "portal.h"

#include <stdbool.h>
#include <string.h>

#define MULTIPART_BOUNDARY_MAX 70      /* RFC 2046 §5.1.1 */
#define MULTIPART_HEADERS_MAX  8192    /* one part's header block, CRLFs included */

enum multipart_delim { MULTIPART_NONE, MULTIPART_NEXT, MULTIPART_CLOSE };

struct multipart_ctx {
    struct pt_arena         *a;
    const struct pt_limits  *lim;
    const unsigned char     *body;
    size_t                   len;
    char                     delim[4 + MULTIPART_BOUNDARY_MAX + 1]; /* CRLF "--" boundary */
    size_t                   dlen;
    char                    *scratch;  /* MULTIPART_HEADERS_MAX + 1: unquoted parameter values */
    struct pt_kvlist        *fields;
    struct pt_uploads       *files;
    const char             **why;
};

/* What one part's headers said; strings are arena copies. */
struct multipart_part {
    const char *name;
    const char *filename;
    const char *content_type;
    bool        has_disposition;
};

struct multipart_param {
    const char *name;          /* points into the header value */
    size_t      nlen;
    const char *value;         /* unescaped, in the scratch buffer */
    size_t      vlen;
};

static int multipart_fail(struct multipart_ctx *c, int rc, const char *why)
{
    *c->why = why;
    return rc;
}

/* ---- header-value syntax (RFC 9110 §5.6) --------------------------------- */

static bool multipart_is_ows(char ch)
{
    return ch == ' ' || ch == '\t';
}

static bool multipart_is_tchar(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch));
}

/* RFC 2046 bchars: what a boundary may contain (it may not end in a space). */
static bool multipart_is_bchar(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || (ch != '\0' && strchr("'()+_,-./:=? ", ch));
}

static const char *multipart_skip_ows(const char *p, const char *end)
{
    while (p < end && multipart_is_ows(*p))
        p++;
    return p;
}

/* ASCII case-insensitive equality of [s, s+n) and a lower-case literal;
 * deliberately not strcasecmp, whose answer depends on the locale. */
static bool multipart_ieq(const char *s, size_t n, const char *lit)
{
    size_t i;

    for (i = 0; i < n && lit[i] != '\0'; i++) {
        char ch = s[i];

        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != lit[i])
            return false;
    }
    return i == n && lit[i] == '\0';
}

/*
 * A token or a quoted-string at *pp, unescaped into buf (room for end - *pp
 * + 1 bytes).  A backslash escapes only '"' and '\\': browsers do not escape
 * at all and old ones sent Windows paths ("C:\dir\f.txt") raw, as Go allows.
 */
static bool multipart_value(const char **pp, const char *end, char *buf, size_t *len)
{
    const char *p = *pp;
    size_t n = 0;

    if (p < end && *p == '"') {
        for (p++; p < end && *p != '"'; p++) {
            if (*p == '\\' && end - p > 1 && (p[1] == '"' || p[1] == '\\'))
                p++;
            buf[n++] = *p;
        }
        if (p == end)
            return false;               /* unterminated quoted-string */
        p++;
    } else {
        while (p < end && *p != ';' && !multipart_is_ows(*p))
            buf[n++] = *p++;
        if (n == 0)
            return false;
    }
    buf[n] = '\0';
    *len = n;
    *pp = p;
    return true;
}

/* The next `; name=value` at *pp: 1 = one read, 0 = no more, -1 = malformed. */
static int multipart_next_param(const char **pp, const char *end, char *buf,
                                struct multipart_param *out)
{
    const char *p = multipart_skip_ows(*pp, end);

    if (p == end)
        return 0;
    if (*p != ';')
        return -1;
    p = multipart_skip_ows(p + 1, end);
    if (p == end)
        return 0;                       /* a trailing ';' is harmless */
    out->name = p;
    while (p < end && multipart_is_tchar(*p))
        p++;
    out->nlen = (size_t)(p - out->name);
    p = multipart_skip_ows(p, end);
    if (out->nlen == 0 || p == end || *p != '=')
        return -1;
    p = multipart_skip_ows(p + 1, end);
    if (!multipart_value(&p, end, buf, &out->vlen))
        return -1;
    out->value = buf;
    *pp = p;
    return 1;
}

/* Skips a media or disposition type; true when it equals lit. */
static bool multipart_type_is(const char **pp, const char *end, const char *lit)
{
    const char *p = multipart_skip_ows(*pp, end), *t = p;

    while (p < end && *p != ';' && !multipart_is_ows(*p))
        p++;
    *pp = p;
    return multipart_ieq(t, (size_t)(p - t), lit);
}

/* ---- the boundary, from the request's Content-Type ----------------------- */

static int multipart_check_boundary(struct multipart_ctx *c, const char *b, size_t n)
{
    if (n == 0)
        return multipart_fail(c, PT_EINVAL, "multipart boundary missing");
    if (n > MULTIPART_BOUNDARY_MAX)
        return multipart_fail(c, PT_EINVAL, "multipart boundary too long");
    for (size_t i = 0; i < n; i++)
        if (!multipart_is_bchar(b[i]))
            return multipart_fail(c, PT_EINVAL, "multipart boundary has invalid characters");
    if (b[n - 1] == ' ')
        return multipart_fail(c, PT_EINVAL, "multipart boundary has invalid characters");
    memcpy(c->delim, "\r\n--", 4);
    memcpy(c->delim + 4, b, n);
    c->dlen = 4 + n;
    c->delim[c->dlen] = '\0';
    return PT_OK;
}

/* A second boundary parameter is refused: two parsers could pick different ones. */
static int multipart_boundary(struct multipart_ctx *c, const char *ct)
{
    const char *p = ct, *end = ct + strlen(ct);
    char *buf = pt_arena_alloc(c->a, (size_t)(end - ct) + 1);
    struct multipart_param prm;
    bool seen = false;
    int r;

    if (buf == NULL)
        return multipart_fail(c, PT_ENOMEM, "out of memory");
    if (!multipart_type_is(&p, end, "multipart/form-data"))
        return multipart_fail(c, PT_EINVAL, "not a multipart/form-data body");
    while ((r = multipart_next_param(&p, end, buf, &prm)) == 1) {
        if (!multipart_ieq(prm.name, prm.nlen, "boundary"))
            continue;
        if (seen)
            return multipart_fail(c, PT_EINVAL, "multipart boundary given twice");
        seen = true;
        if ((r = multipart_check_boundary(c, prm.value, prm.vlen)) != PT_OK)
            return r;
    }
    if (r < 0)
        return multipart_fail(c, PT_EINVAL, "malformed multipart Content-Type");
    if (!seen)
        return multipart_fail(c, PT_EINVAL, "multipart boundary missing");
    return PT_OK;
}

/* ---- delimiters ----------------------------------------------------------- */

/* What follows a "--boundary" that ends at i; *next is where the part starts. */
static enum multipart_delim multipart_tail(const struct multipart_ctx *c, size_t i,
                                           size_t *next)
{
    const unsigned char *b = c->body;

    if (c->len - i >= 2 && b[i] == '-' && b[i + 1] == '-') {
        *next = i + 2;
        return MULTIPART_CLOSE;
    }
    while (i < c->len && (b[i] == ' ' || b[i] == '\t'))
        i++;
    if (c->len - i >= 2 && b[i] == '\r' && b[i + 1] == '\n') {
        *next = i + 2;
        return MULTIPART_NEXT;
    }
    return MULTIPART_NONE;
}

/* The first real CRLF--boundary at or after `from`; *at is where its CRLF is. */
static enum multipart_delim multipart_find(const struct multipart_ctx *c, size_t from,
                                           size_t *at, size_t *next)
{
    size_t i = from;

    while (i <= c->len && c->len - i >= c->dlen) {
        const unsigned char *cr = memchr(c->body + i, '\r', c->len - i - c->dlen + 1);

        if (cr == NULL)
            return MULTIPART_NONE;
        i = (size_t)(cr - c->body);
        if (memcmp(c->body + i, c->delim, c->dlen) == 0) {
            enum multipart_delim k = multipart_tail(c, i + c->dlen, next);

            if (k != MULTIPART_NONE) {
                *at = i;
                return k;
            }
        }
        i++;
    }
    return MULTIPART_NONE;
}

/* The first delimiter may open the body without a CRLF before it. */
static enum multipart_delim multipart_first(const struct multipart_ctx *c, size_t *next)
{
    size_t blen = c->dlen - 2, at;

    if (c->len >= blen && memcmp(c->body, c->delim + 2, blen) == 0) {
        enum multipart_delim k = multipart_tail(c, blen, next);

        if (k != MULTIPART_NONE)
            return k;
    }
    return multipart_find(c, 0, &at, next);
}

/* ---- one part's headers --------------------------------------------------- */

static int multipart_disposition(struct multipart_ctx *c, const char *v, const char *end,
                                 struct multipart_part *part)
{
    struct multipart_param prm;
    const char **slot;
    int r;

    if (part->has_disposition)
        return multipart_fail(c, PT_EINVAL, "duplicate Content-Disposition in multipart part");
    part->has_disposition = true;
    if (!multipart_type_is(&v, end, "form-data"))
        return multipart_fail(c, PT_EINVAL, "multipart part is not form-data");
    while ((r = multipart_next_param(&v, end, c->scratch, &prm)) == 1) {
        if (multipart_ieq(prm.name, prm.nlen, "name"))
            slot = &part->name;
        else if (multipart_ieq(prm.name, prm.nlen, "filename"))
            slot = &part->filename;
        else
            continue;                   /* filename* and the like: RFC 7578 §4.2 */
        if (*slot != NULL)
            return multipart_fail(c, PT_EINVAL,
                                  "duplicate parameter in multipart Content-Disposition");
        if ((*slot = pt_arena_strndup(c->a, prm.value, prm.vlen)) == NULL)
            return multipart_fail(c, PT_ENOMEM, "out of memory");
    }
    if (r < 0)
        return multipart_fail(c, PT_EINVAL, "malformed multipart Content-Disposition");
    return PT_OK;
}

/* "Name: value" without obs-fold; bare CR, LF or NUL would let two readers
 * of the same header disagree, so they are refused. */
static int multipart_header_line(struct multipart_ctx *c, const char *l, size_t n,
                                 struct multipart_part *part)
{
    const char *colon = memchr(l, ':', n), *end = l + n, *v;

    if (memchr(l, '\0', n) || memchr(l, '\r', n) || memchr(l, '\n', n) ||
        colon == NULL || colon == l)
        return multipart_fail(c, PT_EINVAL, "malformed multipart part header");
    for (const char *p = l; p < colon; p++)
        if (!multipart_is_tchar(*p))
            return multipart_fail(c, PT_EINVAL, "malformed multipart part header");
    v = multipart_skip_ows(colon + 1, end);
    while (end > v && multipart_is_ows(end[-1]))
        end--;
    if (multipart_ieq(l, (size_t)(colon - l), "content-disposition"))
        return multipart_disposition(c, v, end, part);
    if (!multipart_ieq(l, (size_t)(colon - l), "content-type"))
        return PT_OK;                   /* other part headers carry nothing we use */
    if (part->content_type != NULL)
        return multipart_fail(c, PT_EINVAL, "duplicate Content-Type in multipart part");
    if ((part->content_type = pt_arena_strndup(c->a, v, (size_t)(end - v))) == NULL)
        return multipart_fail(c, PT_ENOMEM, "out of memory");
    return PT_OK;
}

/* Where the header block at `start` ends: CRLF CRLF within the cap.
 * An empty block is a lone CRLF; *data is where the part's bytes start. */
static int multipart_header_end(struct multipart_ctx *c, size_t start, size_t *end,
                                size_t *data)
{
    const unsigned char *b = c->body + start;
    size_t room = c->len - start, lim = MULTIPART_HEADERS_MAX + 4;
    size_t n = room < lim ? room : lim;

    if (n >= 2 && b[0] == '\r' && b[1] == '\n') {
        *end = start;
        *data = start + 2;
        return PT_OK;
    }
    for (size_t i = 0; i + 4 <= n; i++) {
        const unsigned char *cr = memchr(b + i, '\r', n - 3 - i);

        if (cr == NULL)
            break;
        i = (size_t)(cr - b);
        if (memcmp(cr, "\r\n\r\n", 4) == 0) {
            *end = start + i;
            *data = start + i + 4;
            return PT_OK;
        }
    }
    if (room >= lim)
        return multipart_fail(c, PT_ELIMIT, "multipart part headers too large");
    return multipart_fail(c, PT_EINVAL, "multipart body not terminated");
}

static int multipart_headers(struct multipart_ctx *c, size_t start, size_t end,
                             struct multipart_part *part)
{
    const char *p = (const char *)c->body + start, *stop = (const char *)c->body + end;
    int rc;

    while (p < stop) {
        const char *l = p;
        size_t n;

        while (p < stop && !(p[0] == '\r' && stop - p >= 2 && p[1] == '\n'))
            p++;
        n = (size_t)(p - l);
        if ((rc = multipart_header_line(c, l, n, part)) != PT_OK)
            return rc;
        p += p < stop ? 2 : 0;
    }
    return PT_OK;
}

/* ---- storing a part ------------------------------------------------------- */

static int multipart_add_file(struct multipart_ctx *c, const struct pt_upload *up)
{
    struct pt_uploads *u = c->files;

    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 4;
        struct pt_upload *items = pt_arena_calloc(c->a, cap, sizeof(*items));

        if (items == NULL)
            return multipart_fail(c, PT_ENOMEM, "out of memory");
        if (u->n)
            memcpy(items, u->items, u->n * sizeof(*items));
        u->items = items;
        u->cap = cap;
    }
    u->items[u->n++] = *up;
    return PT_OK;
}

/* A part with a non-empty filename is a file; `filename=""` is what browsers
 * send for a file input left empty, and it is kept as an empty text field. */
static int multipart_store(struct multipart_ctx *c, const struct multipart_part *part,
                           const unsigned char *data, size_t n)
{
    if (part->name == NULL || part->name[0] == '\0')
        return multipart_fail(c, PT_EINVAL, "multipart part without a name");
    if (part->filename != NULL && part->filename[0] != '\0') {
        if (n > c->lim->max_upload)
            return multipart_fail(c, PT_ELIMIT, "uploaded file too large");
        return multipart_add_file(c, &(struct pt_upload){
            .field = part->name, .filename = part->filename,
            .content_type = part->content_type ? part->content_type : "",
            .data = data, .len = n });
    }
    if (n > c->lim->max_field)
        return multipart_fail(c, PT_ELIMIT, "multipart field too long");
    if (memchr(data, '\0', n) != NULL)
        return multipart_fail(c, PT_EINVAL, "NUL byte in multipart field");
    char *value = pt_arena_strndup(c->a, (const char *)data, n);

    if (value == NULL || pt_kv_add(c->a, c->fields, part->name, value, n) != PT_OK)
        return multipart_fail(c, PT_ENOMEM, "out of memory");
    return PT_OK;
}

/* One part from its headers at *pos to the next delimiter; *pos moves past it. */
static int multipart_part(struct multipart_ctx *c, size_t *pos, enum multipart_delim *k)
{
    struct multipart_part part = { 0 };
    size_t hend, data, at;
    int rc;

    if ((rc = multipart_header_end(c, *pos, &hend, &data)) != PT_OK ||
        (rc = multipart_headers(c, *pos, hend, &part)) != PT_OK)
        return rc;
    if ((*k = multipart_find(c, data, &at, pos)) == MULTIPART_NONE)
        return multipart_fail(c, PT_EINVAL, "multipart body not terminated");
    return multipart_store(c, &part, c->body + data, at - data);
}

static int multipart_run(struct multipart_ctx *c)
{
    size_t pos, count = 0;
    enum multipart_delim k = multipart_first(c, &pos);
    int rc;

    if (k == MULTIPART_NONE)
        return multipart_fail(c, PT_EINVAL, "multipart boundary not found in body");
    while (k == MULTIPART_NEXT) {
        if (count++ == c->lim->max_parts)
            return multipart_fail(c, PT_ELIMIT, "too many multipart parts");
        if ((rc = multipart_part(c, &pos, &k)) != PT_OK)
            return rc;
    }
    return PT_OK;                       /* the epilogue after "--boundary--" is ignored */
}

int pt_parse_multipart(struct pt_arena *a, const char *content_type,
                       const unsigned char *body, size_t len,
                       const struct pt_limits *lim, struct pt_kvlist *fields,
                       struct pt_uploads *files, const char **why)
{
    struct multipart_ctx c = {
        .a = a, .lim = lim, .body = body, .len = len,
        .fields = fields, .files = files, .why = why,
    };
    size_t nfields = fields->n, nfiles = files->n;
    int rc;

    if (len > lim->max_body)
        return multipart_fail(&c, PT_ELIMIT, "request body too large");
    if (content_type == NULL)
        return multipart_fail(&c, PT_EINVAL, "multipart boundary missing");
    if ((rc = multipart_boundary(&c, content_type)) != PT_OK)
        return rc;
    if ((c.scratch = pt_arena_alloc(a, MULTIPART_HEADERS_MAX + 1)) == NULL)
        return multipart_fail(&c, PT_ENOMEM, "out of memory");
    if ((rc = multipart_run(&c)) != PT_OK) {
        fields->n = nfields;
        files->n = nfiles;
    }
    return rc;
}
