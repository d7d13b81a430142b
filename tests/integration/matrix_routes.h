/*
 * matrix_routes.h — the route table as `portalctl routes` prints it for the
 * stack's configuration (the modules portald loaded), and paths made from
 * its patterns.
 */
#ifndef PT_TEST_MATRIX_ROUTES_H
#define PT_TEST_MATRIX_ROUTES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct mroute {
    const char *module, *pattern, *permission;   /* permission may be NULL (a bug) */
    const char *org_param;                       /* NULL: the route names no organisation */
    json_t     *methods;                         /* ["GET", "POST"], borrowed */
};

struct mroutes {
    json_t        *json;        /* owns the strings above */
    struct mroute *r;
    size_t         n;
};

/* Runs $PT_TEST_BUILDDIR/fcgi/portalctl -c $PT_TEST_CONFIG routes; fails the
 * test when it fails or prints something else than an array of routes. */
void mroutes_load(struct mroutes *rs);
void mroutes_free(struct mroutes *rs);

/* PUBLIC or AUTHENTICATED: no catalogue key. */
bool mroute_open(const struct mroute *r);
/* Does the pattern have a parameter {name:type}?  *type (may be NULL) gets
 * the type, malloc'd. */
bool mroute_has_param(const struct mroute *r, const char *name, char **type);

/*
 * The pattern as a path: the organisation parameter → org, {user} → user,
 * {role} → role, any other {x:int} → 1 (a handler's own 404 for a missing
 * object is not the guard's answer), other parameters → "x".  malloc'd.
 */
char *mroute_path(const struct mroute *r, long long org, long long user, long long role);

#endif
