/*
 * modules.c — dlopen each module named in portal.conf and check its
 * descriptor before any worker runs it.  Loading happens in the master, so a
 * bad module stops the start (or a reload) instead of a worker.
 */
#include "modules.h"
#include "portal.h"
#include "request.h"
#include "worker.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int module_check(const struct portal_module *m, const char *name,
                        char *err, size_t errlen)
{
    if (m->abi_version != PORTAL_ABI_VERSION) {
        snprintf(err, errlen, "module %s: ABI version %u, portald needs %u", name,
                 m->abi_version, PORTAL_ABI_VERSION);
        return PT_EINVAL;
    }
    if (m->name == NULL || strcmp(m->name, name) != 0) {
        snprintf(err, errlen, "module %s: descriptor names itself '%s'", name,
                 m->name ? m->name : "(null)");
        return PT_EINVAL;
    }
    for (const struct pt_route *r = m->routes; r && r->pattern; r++)
        if (r->permission == NULL || r->handler == NULL) {
            snprintf(err, errlen, "module %s: route %s lacks a permission or a handler",
                     name, r->pattern);
            return PT_EINVAL;
        }
    return PT_OK;
}

static int module_open(const char *dir, const char *name, void **handle,
                       const struct portal_module **mod, char *err, size_t errlen)
{
    char path[4096], sym[128];

    snprintf(path, sizeof(path), "%s/%s.so", dir, name);
    snprintf(sym, sizeof(sym), "%s_module", name);
    /* RTLD_NOW: an unresolved symbol is found at start, not in a request. */
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*handle == NULL) {
        snprintf(err, errlen, "module %s: %s", name, dlerror());
        return PT_EINVAL;
    }
    *mod = dlsym(*handle, sym);
    if (*mod == NULL) {
        snprintf(err, errlen, "module %s: %s does not export %s", name, path, sym);
        return PT_EINVAL;
    }
    return module_check(*mod, name, err, errlen);
}

/* A permission key belongs to one module: two declarations would fight
 * over its category, label and the system roles that hold it. */
static int permissions_unique(const struct pt_modules *m, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->n; i++)
        for (const struct pt_permission *p = m->mods[i]->permissions; p && p->key; p++)
            for (size_t j = 0; j <= i; j++)
                for (const struct pt_permission *q = m->mods[j]->permissions;
                     q && q->key && (j < i || q < p); q++)
                    if (strcmp(p->key, q->key) == 0) {
                        snprintf(err, errlen, "permission %s is declared by both module %s "
                                 "and module %s", p->key, m->mods[j]->name, m->mods[i]->name);
                        return PT_EINVAL;
                    }
    return PT_OK;
}

int pt_modules_load(const char *dir, char *const *names, size_t n,
                    struct pt_modules **out, char *err, size_t errlen)
{
    struct pt_modules *m = calloc(1, sizeof(*m));

    *out = NULL;
    if (m == NULL || (n && ((m->mods = calloc(n, sizeof(*m->mods))) == NULL ||
                            (m->handles = calloc(n, sizeof(*m->handles))) == NULL))) {
        snprintf(err, errlen, "out of memory");
        pt_modules_free(m);
        return PT_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0) {
                snprintf(err, errlen, "module %s is listed twice", names[i]);
                pt_modules_free(m);
                return PT_EINVAL;
            }
        int rc = module_open(dir, names[i], &m->handles[i], &m->mods[i], err, errlen);
        m->n = i + 1;
        if (rc != 0) {
            pt_modules_free(m);
            return rc;
        }
    }
    if (permissions_unique(m, err, errlen) != 0) {
        pt_modules_free(m);
        return PT_EINVAL;
    }
    *out = m;
    return PT_OK;
}

void pt_modules_free(struct pt_modules *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++)
        if (m->handles[i])
            dlclose(m->handles[i]);
    free(m->mods);
    free(m->handles);
    free(m);
}

const struct pt_job_kind *pt_modules_job_kind(const struct pt_modules *m, const char *kind)
{
    for (size_t i = 0; m && i < m->n; i++)
        for (const struct pt_job_kind *j = m->mods[i]->jobs; j && j->kind; j++)
            if (strcmp(j->kind, kind) == 0)
                return j;
    return NULL;
}

json_t *pt_modules_info(struct pt_req *r)
{
    const struct pt_modules *m = r->w->mods;
    json_t *list = pt_keep(r, json_array());

    for (size_t i = 0; list && m && i < m->n; i++) {
        int routes = 0;

        for (const struct pt_route *rt = m->mods[i]->routes; rt && rt->pattern; rt++)
            routes++;
        json_array_append_new(list, json_pack("{s:s, s:i}", "name", m->mods[i]->name,
                                              "routes", routes));
    }
    return list;
}
