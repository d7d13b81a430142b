/* router.c — patterns compiled once per worker, matched by a linear scan
 * of segments (a few hundred routes cost microseconds). */
#include "router.h"
#include "arena.h"
#include "kv.h"
#include "parse.h"
#include "portal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUTER_MAX_SEGMENTS 16

enum seg_kind { SEG_LITERAL, SEG_INT, SEG_SLUG, SEG_STR, SEG_PATH };

struct segment {
    enum seg_kind kind;
    char         *text;      /* the literal, or the parameter's name */
};

struct compiled {
    const struct pt_route       *route;
    const struct portal_module  *mod;
    struct segment               segs[ROUTER_MAX_SEGMENTS];
    size_t                       n;
};

struct pt_router {
    struct compiled *routes;
    size_t           n, cap;
};

struct pt_router *pt_router_new(void)
{
    return calloc(1, sizeof(struct pt_router));
}

void pt_router_free(struct pt_router *rt)
{
    if (rt == NULL)
        return;
    for (size_t i = 0; i < rt->n; i++)
        for (size_t j = 0; j < rt->routes[i].n; j++)
            free(rt->routes[i].segs[j].text);
    free(rt->routes);
    free(rt);
}

static int parse_param(const char *s, size_t len, struct segment *seg)
{
    static const struct { const char *name; enum seg_kind kind; } types[] = {
        { "int", SEG_INT }, { "slug", SEG_SLUG }, { "str", SEG_STR }, { "path", SEG_PATH },
    };
    const char *colon = memchr(s, ':', len);

    if (colon == NULL || colon == s)
        return -1;
    size_t nlen = (size_t)(colon - s), tlen = len - nlen - 1;
    if (strspn(s, "abcdefghijklmnopqrstuvwxyz_") < nlen)
        return -1;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strlen(types[i].name) == tlen && memcmp(types[i].name, colon + 1, tlen) == 0) {
            seg->kind = types[i].kind;
            seg->text = strndup(s, nlen);
            return seg->text ? 0 : -1;
        }
    return -1;
}

static int compile_segment(const char *s, size_t len, struct segment *seg)
{
    if (len >= 2 && s[0] == '{' && s[len - 1] == '}')
        return parse_param(s + 1, len - 2, seg);
    if (strcspn(s, "{}%?#") < len)
        return -1;
    seg->kind = SEG_LITERAL;
    seg->text = strndup(s, len);
    return seg->text ? 0 : -1;
}

static void compiled_clear(struct compiled *c)
{
    for (size_t j = 0; j < c->n; j++)
        free(c->segs[j].text);
    c->n = 0;
}

/* "/a/{b:int}" → segments; "/" has none. */
static int compile_pattern(const char *pattern, struct compiled *c)
{
    const char *p = pattern;

    c->n = 0;
    if (*p != '/')
        return -1;
    if (p[1] == '\0')
        return 0;               /* "/" itself: no segments */
    while (*p == '/' && p[1] != '\0') {
        const char *start = ++p;
        size_t len = strcspn(start, "/");

        if (len == 0 || c->n == ROUTER_MAX_SEGMENTS ||
            compile_segment(start, len, &c->segs[c->n]) != 0)
            goto fail;
        c->n++;
        p = start + len;
        if (c->segs[c->n - 1].kind == SEG_PATH && *p != '\0')
            goto fail;
    }
    if (*p == '\0')
        return 0;
fail:
    compiled_clear(c);
    return -1;
}

static bool same_shape(const struct compiled *a, const struct compiled *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        if (a->segs[i].kind != b->segs[i].kind)
            return false;
        if (a->segs[i].kind == SEG_LITERAL && strcmp(a->segs[i].text, b->segs[i].text) != 0)
            return false;
    }
    return true;
}

static int check_route(const struct pt_route *route, char *err, size_t errlen)
{
    if (route->permission == NULL || route->permission[0] == '\0') {
        snprintf(err, errlen, "route %s declares no permission", route->pattern);
        return PT_EINVAL;
    }
    if (route->handler == NULL || route->methods == 0) {
        snprintf(err, errlen, "route %s has no handler or no method", route->pattern);
        return PT_EINVAL;
    }
    if (route->template == NULL && !(route->flags & PT_ROUTE_API_ONLY)) {
        snprintf(err, errlen, "route %s has no template (mark it PT_ROUTE_API_ONLY)",
                 route->pattern);
        return PT_EINVAL;
    }
    return PT_OK;
}

static int check_clash(const struct pt_router *rt, const struct compiled *c,
                       char *err, size_t errlen)
{
    for (size_t i = 0; i < rt->n; i++)
        if ((rt->routes[i].route->methods & c->route->methods) && same_shape(&rt->routes[i], c)) {
            snprintf(err, errlen, "route %s clashes with %s", c->route->pattern,
                     rt->routes[i].route->pattern);
            return PT_EINVAL;
        }
    return PT_OK;
}

int pt_router_add(struct pt_router *rt, const struct pt_route *route,
                  const struct portal_module *mod, char *err, size_t errlen)
{
    struct compiled c = { .route = route, .mod = mod };

    if (check_route(route, err, errlen) != 0)
        return PT_EINVAL;
    if (compile_pattern(route->pattern, &c) != 0) {
        snprintf(err, errlen, "route pattern '%s' is malformed", route->pattern);
        return PT_EINVAL;
    }
    if (check_clash(rt, &c, err, errlen) != 0) {
        compiled_clear(&c);
        return PT_EINVAL;
    }
    if (rt->n == rt->cap) {
        size_t cap = rt->cap ? rt->cap * 2 : 32;
        struct compiled *r = realloc(rt->routes, cap * sizeof(*r));
        if (r == NULL) {
            compiled_clear(&c);
            snprintf(err, errlen, "out of memory");
            return PT_ENOMEM;
        }
        rt->routes = r;
        rt->cap = cap;
    }
    rt->routes[rt->n++] = c;
    return PT_OK;
}

static bool value_fits(enum seg_kind kind, const char *v, size_t len)
{
    switch (kind) {
    case SEG_INT:
        return len >= 1 && len <= 18 && strspn(v, "0123456789") == len;
    case SEG_SLUG:
        return len >= 1 && len <= 63 && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
    case SEG_STR:
    case SEG_PATH:
        return len >= 1;
    default:
        return false;
    }
}

/* Decodes one raw path piece into the arena and type-checks it. */
static int bind_param(const struct segment *seg, const char *raw, size_t rawlen,
                      struct pt_arena *a, struct pt_kvlist *params)
{
    char *v = pt_arena_strndup(a, raw, rawlen);
    size_t len = rawlen;

    if (v == NULL || pt_url_decode(v, &len, 0) != 0 || !value_fits(seg->kind, v, len))
        return -1;
    if (seg->kind != SEG_PATH && memchr(v, '/', len) != NULL)
        return -1;
    return pt_kv_add(a, params, seg->text, v, len) == 0 ? 0 : -1;
}

static bool match_one(const struct compiled *c, const char *path, struct pt_arena *a,
                      struct pt_kvlist *params)
{
    const char *p = path;

    params->n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (*p != '/' || p[1] == '\0')
            return false;
        p++;
        size_t len = c->segs[i].kind == SEG_PATH ? strlen(p) : strcspn(p, "/");
        if (c->segs[i].kind == SEG_LITERAL) {
            if (strlen(c->segs[i].text) != len || memcmp(c->segs[i].text, p, len) != 0)
                return false;
        } else if (a == NULL || bind_param(&c->segs[i], p, len, a, params) != 0) {
            return false;
        }
        p += len;
    }
    return c->n == 0 ? strcmp(path, "/") == 0 : *p == '\0';
}

enum pt_match pt_router_match(const struct pt_router *rt, unsigned method,
                              const char *path, struct pt_arena *a,
                              const struct pt_route **route,
                              const struct portal_module **mod,
                              struct pt_kvlist *params, unsigned *allowed)
{
    unsigned want = method == PT_HEAD ? (PT_HEAD | PT_GET) : method;

    *allowed = 0;
    for (size_t i = 0; i < rt->n; i++) {
        const struct compiled *c = &rt->routes[i];

        if (!match_one(c, path, a, params))
            continue;
        if (c->route->methods & want) {
            *route = c->route;
            if (mod)
                *mod = c->mod;
            return PT_MATCH_FOUND;
        }
        *allowed |= c->route->methods;
    }
    params->n = 0;
    return *allowed ? PT_MATCH_BAD_METHOD : PT_MATCH_NOT_FOUND;
}

const struct pt_route *pt_router_at(const struct pt_router *rt, size_t i,
                                    const struct portal_module **mod)
{
    if (i >= rt->n)
        return NULL;
    if (mod)
        *mod = rt->routes[i].mod;
    return rt->routes[i].route;
}

static const struct { unsigned bit; const char *name; } router_methods[] = {
    { PT_GET, "GET" }, { PT_HEAD, "HEAD" }, { PT_POST, "POST" },
    { PT_PUT, "PUT" }, { PT_PATCH, "PATCH" }, { PT_DELETE, "DELETE" },
};

const char *pt_router_allow(unsigned methods, char *buf, size_t len)
{
    size_t used = 0;

    if (methods & PT_GET)
        methods |= PT_HEAD;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(router_methods) / sizeof(router_methods[0]); i++)
        if (methods & router_methods[i].bit) {
            int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                             router_methods[i].name);
            if (n < 0 || (size_t)n >= len - used)
                break;
            used += (size_t)n;
        }
    return buf;
}

unsigned pt_method_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(router_methods) / sizeof(router_methods[0]); i++)
        if (strcmp(router_methods[i].name, name) == 0)
            return router_methods[i].bit;
    return 0;
}
