/*
 * svg.c — the strict check an SVG logo passes before the portal stores and
 * serves it.  An SVG is a document that can run script, so rather than
 * sanitise it, the portal refuses anything that is not plainly a picture:
 *
 *   - UTF-8 text without NUL or control characters; at most an XML
 *     declaration, comments and blanks around one <svg> root element;
 *     every tag closed in order (a small tokenizer, not a full parser);
 *   - no entity declarations (a DOCTYPE only as a plain reference, before
 *     the root), no processing instructions after the XML declaration, no
 *     entity references but the five of XML and numeric ones;
 *   - no <script>, <foreignObject>, <iframe>, <embed>, <object>, <audio>,
 *     <video>, <canvas>, <handler> or <listener> element, no animation
 *     of an href or an event attribute;
 *   - no on* (event handler) attribute, no xml:base;
 *   - href, xlink:href and src only to a fragment of the same document
 *     ("#id"), url(…) likewise, nothing with javascript:, vbscript: or
 *     data:, no @import, expression() or bindings in styles.
 *
 * The served file also carries its own CSP (default-src 'none'), so this is
 * the first of two walls.
 */
#include "wl.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#define SVG_DEPTH_MAX  128
#define SVG_ITEMS_MAX  100000
#define SVG_VALUE_MAX  65536

struct svg_scan {
    struct pt_req *r;
    const char    *p, *end;
    const char    *why;
    const char    *open[SVG_DEPTH_MAX];      /* names of the open elements */
    size_t         open_len[SVG_DEPTH_MAX];
    int            depth, items;
    bool           root_seen, in_style;
};

static bool fail(struct svg_scan *s, const char *why)
{
    if (s->why == NULL)
        s->why = why;
    return false;
}

/* ---- text ------------------------------------------------------------------------------ */

/* Valid UTF-8 with no NUL or C0 control but tab, CR and LF (and no DEL). */
static bool utf8_clean(const unsigned char *d, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = d[i], need;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
                return false;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3;
        else
            return false;
        if (n - i <= need)
            return false;
        for (unsigned k = 1; k <= need; k++)
            if ((d[i + k] & 0xc0) != 0x80)
                return false;
        if ((c == 0xe0 && d[i + 1] < 0xa0) || (c == 0xed && d[i + 1] > 0x9f) ||
            (c == 0xf0 && d[i + 1] < 0x90) || (c == 0xf4 && d[i + 1] > 0x8f))
            return false;
        i += need + 1;
    }
    return true;
}

static bool starts(const struct svg_scan *s, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

static bool starts_ci(const struct svg_scan *s, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t)(s->end - s->p) >= n && strncasecmp(s->p, lit, n) == 0;
}

static void skip_blanks(struct svg_scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
        s->p++;
}

/* Moves past the next occurrence of lit; false when there is none. */
static bool skip_past(struct svg_scan *s, const char *lit)
{
    size_t n = strlen(lit);

    for (const char *q = s->p; (size_t)(s->end - q) >= n; q++)
        if (memcmp(q, lit, n) == 0) {
            s->p = q + n;
            return true;
        }
    return false;
}

/* ---- values ---------------------------------------------------------------------------- */

/* The value with XML's entity references replaced, lower-cased, with every
 * blank and control character removed (browsers ignore them inside a
 * scheme: "java\tscript:").  NULL (s->why set) on an unknown entity. */
static char *value_folded(struct svg_scan *s, const char *v, size_t n)
{
    char *out = pt_alloc(s->r, n + 1), *o = out;

    if (out == NULL) {
        fail(s, "it could not be read (out of memory).");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned long c = (unsigned char)v[i];
        if (c == '&') {
            size_t semi = i + 1;
            while (semi < n && semi - i < 12 && v[semi] != ';')
                semi++;
            if (semi >= n || v[semi] != ';') {
                fail(s, "it has a malformed character reference.");
                return NULL;
            }
            const char *e = v + i + 1;
            size_t el = semi - i - 1;
            if (el == 2 && memcmp(e, "lt", 2) == 0) c = '<';
            else if (el == 2 && memcmp(e, "gt", 2) == 0) c = '>';
            else if (el == 3 && memcmp(e, "amp", 3) == 0) c = '&';
            else if (el == 4 && memcmp(e, "quot", 4) == 0) c = '"';
            else if (el == 4 && memcmp(e, "apos", 4) == 0) c = '\'';
            else if (e[0] == '#' && el >= ((e[1] == 'x' || e[1] == 'X') ? 3u : 2u)) {
                char *endp;
                c = e[1] == 'x' || e[1] == 'X' ? strtoul(e + 2, &endp, 16)
                                               : strtoul(e + 1, &endp, 10);
                if (endp != e + el) {
                    fail(s, "it has a malformed character reference.");
                    return NULL;
                }
            } else {
                fail(s, "it uses an entity that XML does not define (no DTD is accepted).");
                return NULL;
            }
            i = semi;
        }
        if (c <= 0x20 || c == 0x7f)
            continue;
        *o++ = c < 0x80 ? (char)tolower((int)c) : '?';
    }
    *o = '\0';
    return out;
}

/* Does scheme ("data:") start v or follow a character that cannot be part
 * of a scheme name ("url(data:", "'data:")?  "metadata:" is no scheme. */
static bool has_scheme(const char *v, const char *scheme)
{
    for (const char *p = v; (p = strstr(p, scheme)) != NULL; p++) {
        char b = p > v ? p[-1] : ' ';
        if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '-' ||
              b == '.'))
            return true;
    }
    return false;
}

/* Does every url( in v point at a fragment of this document? */
static bool urls_local(const char *v)
{
    for (const char *p = v; (p = strstr(p, "url(")) != NULL;) {
        p += 4;
        while (*p == '"' || *p == '\'')
            p++;
        if (*p != '#')
            return false;
    }
    return true;
}

/* The checks every attribute value and every style text pass (folded). */
static bool value_safe(struct svg_scan *s, const char *f)
{
    if (has_scheme(f, "javascript:") || has_scheme(f, "vbscript:") || has_scheme(f, "data:"))
        return fail(s, "it contains a javascript:, vbscript: or data: address.");
    if (!urls_local(f))
        return fail(s, "it refers to an external resource (url(…) outside the file).");
    if (strstr(f, "@import") || strstr(f, "expression(") || strstr(f, "-moz-binding") ||
        strstr(f, "behavior:"))
        return fail(s, "its styles import or run something (@import, expression, binding).");
    return true;
}

/* ---- elements and attributes ----------------------------------------------------------- */

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':'));
}

static size_t name_len(const struct svg_scan *s)
{
    const char *q = s->p;

    if (q >= s->end || !name_char(*q, true))
        return 0;
    while (q < s->end && name_char(*q, false))
        q++;
    return (size_t)(q - s->p);
}

/* The part of a qualified name after its prefix. */
static void local_name(const char *n, size_t len, const char **ln, size_t *ll)
{
    const char *colon = memchr(n, ':', len);

    *ln = colon ? colon + 1 : n;
    *ll = len - (size_t)(*ln - n);
}

static bool is_name(const char *n, size_t len, const char *want)
{
    return strlen(want) == len && strncasecmp(n, want, len) == 0;
}

static bool element_allowed(struct svg_scan *s, const char *n, size_t len)
{
    static const char *const banned[] = { "script", "foreignObject", "iframe", "embed",
                                          "object", "audio", "video", "canvas", "handler",
                                          "listener" };
    const char *ln;
    size_t ll;

    local_name(n, len, &ln, &ll);
    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
        if (is_name(ln, ll, banned[i]))
            return fail(s, pt_printf(s->r, "it contains a <%s> element.", banned[i]));
    return true;
}

static bool is_animation(const char *n, size_t len)
{
    const char *ln;
    size_t ll;

    local_name(n, len, &ln, &ll);
    return is_name(ln, ll, "set") || (ll >= 7 && strncasecmp(ln, "animate", 7) == 0);
}

static bool attribute_allowed(struct svg_scan *s, const char *el, size_t el_len,
                              const char *n, size_t len, const char *folded)
{
    const char *ln;
    size_t ll;

    local_name(n, len, &ln, &ll);
    bool xmlns = len >= 5 && strncmp(n, "xmlns", 5) == 0;
    if (!xmlns && ll >= 2 && strncasecmp(ln, "on", 2) == 0)
        return fail(s, "it has an event handler attribute (on…).");
    if (is_name(n, len, "xml:base"))
        return fail(s, "it sets xml:base.");
    if (!xmlns && (is_name(ln, ll, "href") || is_name(ln, ll, "src")) && folded[0] != '#')
        return fail(s, "it links to something outside the file (href must be \"#…\").");
    if (is_animation(el, el_len) && is_name(n, len, "attributeName") &&
        (strstr(folded, "href") || strncmp(folded, "on", 2) == 0 || strstr(folded, ":on")))
        return fail(s, "it animates a link or an event attribute.");
    return value_safe(s, folded);
}

/* Attributes up to '>' or "/>"; *empty for a self-closed element. */
static bool attributes(struct svg_scan *s, const char *el, size_t el_len, bool *empty)
{
    for (;;) {
        const char *before = s->p;
        skip_blanks(s);
        if (starts(s, "/>") || starts(s, ">")) {
            *empty = *s->p == '/';
            s->p += *empty ? 2 : 1;
            return true;
        }
        size_t nl = name_len(s);
        if (nl == 0 || s->p == before)
            return fail(s, "a tag is malformed.");
        const char *n = s->p;
        s->p += nl;
        skip_blanks(s);
        if (!starts(s, "="))
            return fail(s, "an attribute has no value.");
        s->p++;
        skip_blanks(s);
        char q = s->p < s->end ? *s->p : 0;
        if (q != '"' && q != '\'')
            return fail(s, "an attribute value is not quoted.");
        const char *v = ++s->p;
        while (s->p < s->end && *s->p != q && *s->p != '<')
            s->p++;
        if (s->p >= s->end || *s->p != q || s->p - v > SVG_VALUE_MAX)
            return fail(s, "an attribute value is not closed.");
        char *folded = value_folded(s, v, (size_t)(s->p - v));
        s->p++;
        if (folded == NULL || !attribute_allowed(s, el, el_len, n, nl, folded))
            return false;
    }
}

static bool open_tag(struct svg_scan *s)
{
    size_t nl;
    bool empty = false;

    s->p++;                                          /* '<' */
    if ((nl = name_len(s)) == 0)
        return fail(s, "a tag is malformed.");
    const char *n = s->p;
    s->p += nl;
    if (s->depth == 0) {
        if (s->root_seen)
            return fail(s, "it has more than one root element.");
        if (!is_name(n, nl, "svg"))
            return fail(s, "its root element is not <svg>.");
        s->root_seen = true;
    }
    if (!element_allowed(s, n, nl) || !attributes(s, n, nl, &empty))
        return false;
    if (empty)
        return true;
    if (s->depth == SVG_DEPTH_MAX)
        return fail(s, "its elements are nested too deeply.");
    s->open[s->depth] = n;
    s->open_len[s->depth++] = nl;
    s->in_style = is_name(n, nl, "style");
    return true;
}

static bool close_tag(struct svg_scan *s)
{
    s->p += 2;                                       /* "</" */
    size_t nl = name_len(s);
    const char *n = s->p;

    s->p += nl;
    skip_blanks(s);
    if (nl == 0 || !starts(s, ">"))
        return fail(s, "a closing tag is malformed.");
    s->p++;
    if (s->depth == 0 || s->open_len[s->depth - 1] != nl ||
        memcmp(s->open[s->depth - 1], n, nl) != 0)
        return fail(s, "its tags are not closed in order.");
    s->depth--;
    s->in_style = false;
    return true;
}

/* Character data up to the next '<' (or a CDATA section's content). */
static bool text(struct svg_scan *s, const char *t, size_t n)
{
    bool blank = true;

    for (size_t i = 0; i < n && blank; i++)
        blank = t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n';
    if (s->depth == 0 && !blank)
        return fail(s, "it has text outside its <svg> element.");
    if (!s->in_style || blank)
        return true;
    char *folded = value_folded(s, t, n);
    return folded != NULL && value_safe(s, folded);
}

static bool markup(struct svg_scan *s)
{
    if (starts(s, "<!--")) {
        s->p += 4;
        return skip_past(s, "-->") || fail(s, "a comment is not closed.");
    }
    if (starts(s, "<![CDATA[")) {
        const char *t = s->p += 9;
        if (s->depth == 0 || !skip_past(s, "]]>"))
            return fail(s, "a CDATA section is misplaced or not closed.");
        return text(s, t, (size_t)(s->p - 3 - t));
    }
    /* The usual reference to the W3C DTD is harmless (nothing here reads
     * DTDs); an internal subset may declare entities: refused. */
    if (starts_ci(s, "<!DOCTYPE") && !s->root_seen) {
        const char *q = s->p;
        while (q < s->end && *q != '>' && *q != '[')
            q++;
        if (q < s->end && *q == '>') {
            s->p = q + 1;
            return true;
        }
    }
    if (starts_ci(s, "<!"))
        return fail(s, "it declares a DOCTYPE with entities, which the portal does not accept.");
    if (starts(s, "<?"))
        return fail(s, "it has a processing instruction.");
    if (starts(s, "</"))
        return close_tag(s);
    return open_tag(s);
}

static bool scan(struct svg_scan *s)
{
    if (starts(s, "\xef\xbb\xbf"))
        s->p += 3;
    skip_blanks(s);
    if (starts(s, "<?xml") && !skip_past(s, "?>"))
        return fail(s, "its XML declaration is not closed.");
    while (s->p < s->end) {
        if (++s->items > SVG_ITEMS_MAX)
            return fail(s, "it is too complex.");
        const char *t = s->p;
        while (s->p < s->end && *s->p != '<')
            s->p++;
        if (s->p > t && !text(s, t, (size_t)(s->p - t)))
            return false;
        if (s->p < s->end && !markup(s))
            return false;
        if (s->root_seen && s->depth == 0)
            s->in_style = false;
    }
    if (!s->root_seen)
        return fail(s, "it has no <svg> element.");
    if (s->depth != 0)
        return fail(s, "an element is not closed.");
    return true;
}

const char *wl_svg_problem(struct pt_req *r, const unsigned char *data, size_t len)
{
    struct svg_scan *s = pt_alloc(r, sizeof(*s));

    if (s == NULL)
        return "it could not be read (out of memory).";
    if (!utf8_clean(data, len))
        return "an SVG must be UTF-8 text without control characters.";
    memset(s, 0, sizeof(*s));
    s->r = r;
    s->p = (const char *)data;
    s->end = s->p + len;
    if (scan(s))
        return NULL;
    return pt_printf(r, "the SVG is not accepted: %s", s->why ? s->why : "it is malformed.");
}
