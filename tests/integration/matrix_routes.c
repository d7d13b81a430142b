/* matrix_routes.c — see matrix_routes.h. */
#include "matrix_routes.h"
#include "portal.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void mroutes_load(struct mroutes *rs)
{
    char cmd[4096];
    json_error_t err;
    size_t i;
    json_t *v;

    memset(rs, 0, sizeof(*rs));
    snprintf(cmd, sizeof(cmd), "'%s/fcgi/portalctl' -c '%s' routes", getenv("PT_TEST_BUILDDIR"),
             getenv("PT_TEST_CONFIG"));
    FILE *p = popen(cmd, "r");
    ck_assert_msg(p != NULL, "cannot run %s", cmd);
    rs->json = json_loadf(p, JSON_REJECT_DUPLICATES, &err);
    int st = pclose(p);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s failed (status %d)", cmd, st);
    ck_assert_msg(json_is_array(rs->json), "%s: not a JSON array: %s", cmd, err.text);
    rs->n = json_array_size(rs->json);
    rs->r = calloc(rs->n + 1, sizeof(*rs->r));
    ck_assert_ptr_nonnull(rs->r);
    json_array_foreach(rs->json, i, v) {
        struct mroute *r = &rs->r[i];
        r->module = json_string_value(json_object_get(v, "module"));
        r->pattern = json_string_value(json_object_get(v, "pattern"));
        r->permission = json_string_value(json_object_get(v, "permission"));
        r->org_param = json_string_value(json_object_get(v, "org_param"));
        r->methods = json_object_get(v, "methods");
        ck_assert_msg(r->module && r->pattern && json_array_size(r->methods) > 0,
                      "route %zu of portalctl routes lacks a module, pattern or method", i);
    }
}

void mroutes_free(struct mroutes *rs)
{
    json_decref(rs->json);
    free(rs->r);
    memset(rs, 0, sizeof(*rs));
}

bool mroute_open(const struct mroute *r)
{
    return r->permission && (strcmp(r->permission, PT_PERM_PUBLIC) == 0 ||
                             strcmp(r->permission, PT_PERM_AUTHENTICATED) == 0);
}

/* The next "{name:type}" at or after *p: name and type spans; false at the end. */
static bool next_param(const char **p, const char **start, size_t *nlen, const char **type,
                       size_t *tlen, const char **end)
{
    const char *open = strchr(*p, '{'), *close = open ? strchr(open, '}') : NULL;

    if (close == NULL)
        return false;
    const char *colon = memchr(open, ':', (size_t)(close - open));
    *start = open + 1;
    *nlen = (size_t)((colon ? colon : close) - *start);
    *type = colon ? colon + 1 : close;
    *tlen = (size_t)(close - *type);
    *end = close + 1;
    *p = close + 1;
    return true;
}

bool mroute_has_param(const struct mroute *r, const char *name, char **type)
{
    const char *p = r->pattern, *s, *t, *e;
    size_t nlen, tlen;

    while (next_param(&p, &s, &nlen, &t, &tlen, &e))
        if (nlen == strlen(name) && strncmp(s, name, nlen) == 0) {
            if (type)
                *type = strndup(t, tlen);
            return true;
        }
    return false;
}

static bool named(const char *s, size_t n, const char *name)
{
    return name && n == strlen(name) && strncmp(s, name, n) == 0;
}

char *mroute_path(const struct mroute *r, long long org, long long user, long long role)
{
    const char *p = r->pattern, *from = r->pattern, *s, *t, *e;
    size_t nlen, tlen, used = 0;
    char *out = malloc(strlen(r->pattern) + 256);

    ck_assert_ptr_nonnull(out);
    while (next_param(&p, &s, &nlen, &t, &tlen, &e)) {
        size_t lit = (size_t)(s - 1 - from);
        long long id = named(s, nlen, r->org_param) ? org : named(s, nlen, "user") ? user
                     : named(s, nlen, "role") ? role : 1;
        memcpy(out + used, from, lit);
        used += lit;
        if (tlen == 3 && strncmp(t, "int", 3) == 0)
            used += (size_t)sprintf(out + used, "%lld", id);
        else
            used += (size_t)sprintf(out + used, "x");
        from = e;
    }
    strcpy(out + used, from);
    return out;
}
