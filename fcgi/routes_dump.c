/* routes_dump.c — see routes_dump.h. */
#include "routes_dump.h"
#include "modules.h"
#include "portal.h"
#include "pt_config.h"
#include "router.h"

#include <stdio.h>

struct bit_name {
    unsigned    bit;
    const char *name;
};

static const struct bit_name dump_methods[] = {
    { PT_GET, "GET" }, { PT_HEAD, "HEAD" }, { PT_POST, "POST" },
    { PT_PUT, "PUT" }, { PT_PATCH, "PATCH" }, { PT_DELETE, "DELETE" },
};

static const struct bit_name dump_flags[] = {
    { PT_ROUTE_NO_CSRF, "NO_CSRF" }, { PT_ROUTE_API_ONLY, "API_ONLY" },
    { PT_ROUTE_MFA_SETUP, "MFA_SETUP" },
};

/* The names of the set bits; a bit this file does not know is shown as
 * "0x…" rather than dropped, so a new flag cannot hide from the matrix. */
static json_t *bit_names(unsigned bits, const struct bit_name *names, size_t n)
{
    json_t *list = json_array();
    unsigned known = 0;
    char hex[16];

    for (size_t i = 0; list && i < n; i++) {
        known |= names[i].bit;
        if (bits & names[i].bit)
            json_array_append_new(list, json_string(names[i].name));
    }
    for (unsigned b = 1; list && b != 0; b <<= 1)
        if ((bits & b) && !(known & b)) {
            snprintf(hex, sizeof(hex), "0x%x", b);
            json_array_append_new(list, json_string(hex));
        }
    return list;
}

static json_t *route_json(const struct pt_route *rt, const struct portal_module *m)
{
    return json_pack("{s:s, s:o, s:s, s:s?, s:s?, s:o}",
                     "module", m->name,
                     "methods", bit_names(rt->methods, dump_methods,
                                          sizeof(dump_methods) / sizeof(dump_methods[0])),
                     "pattern", rt->pattern,
                     "permission", rt->permission,
                     "org_param", rt->org_param,
                     "flags", bit_names(rt->flags, dump_flags,
                                        sizeof(dump_flags) / sizeof(dump_flags[0])));
}

/* The master's router, built the same way (a clash fails here as there). */
static struct pt_router *dump_router(const struct pt_modules *mods)
{
    struct pt_router *rt = pt_router_new();
    char err[1024];

    if (rt == NULL) {
        fprintf(stderr, "portalctl: routes: out of memory\n");
        return NULL;
    }
    for (size_t i = 0; i < mods->n; i++)
        for (const struct pt_route *r = mods->mods[i]->routes; r && r->pattern; r++)
            if (pt_router_add(rt, r, mods->mods[i], err, sizeof(err)) != 0) {
                fprintf(stderr, "portalctl: routes: %s\n", err);
                pt_router_free(rt);
                return NULL;
            }
    return rt;
}

static json_t *dump_table(const struct pt_router *rt)
{
    const struct portal_module *m;
    const struct pt_route *r;
    json_t *list = json_array();

    for (size_t i = 0; list && (r = pt_router_at(rt, i, &m)) != NULL; i++) {
        json_t *one = route_json(r, m);
        if (one == NULL || json_array_append_new(list, one) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

/* One route a line: a valid JSON array that grep and diff read too. */
static int dump_write(json_t *list, FILE *out)
{
    size_t i;
    json_t *one;

    if (fputc('[', out) == EOF)
        return PT_EIO;
    json_array_foreach(list, i, one)
        if (fputs(i ? ",\n " : "\n ", out) == EOF ||
            json_dumpf(one, out, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
            return PT_EIO;
    if (fputs("\n]\n", out) == EOF || fflush(out) != 0)
        return PT_EIO;
    return PT_OK;
}

int pt_routes_dump(const struct pt_config *cfg, FILE *out)
{
    struct pt_modules *mods = NULL;
    struct pt_router *rt = NULL;
    json_t *list = NULL;
    char err[1024];
    int rc = PT_EINVAL;

    if (pt_modules_load(cfg->modules_dir, cfg->modules, cfg->n_modules, &mods,
                        err, sizeof(err)) != 0) {
        fprintf(stderr, "portalctl: routes: %s\n", err);
        goto out;
    }
    if ((rt = dump_router(mods)) == NULL)
        goto out;
    rc = PT_ENOMEM;
    if ((list = dump_table(rt)) == NULL) {
        fprintf(stderr, "portalctl: routes: out of memory\n");
        goto out;
    }
    if ((rc = dump_write(list, out)) != 0)
        fprintf(stderr, "portalctl: routes: cannot write the table\n");
out:
    json_decref(list);
    pt_router_free(rt);     /* before the modules: it points into them */
    pt_modules_free(mods);
    return rc;
}
