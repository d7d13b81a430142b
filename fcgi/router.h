/*
 * router.h — method + pattern → route, with typed path parameters:
 *   {name:int}   digits only, 1..18 of them (an id)
 *   {name:slug}  [a-z0-9-], 1..63 chars
 *   {name:str}   any one non-empty segment, %-decoded
 *   {name:path}  the rest of the path (last only)
 * The API twin of a route is the same pattern under /api/v1, stripped by the
 * request before matching.
 */
#ifndef PT_ROUTER_H
#define PT_ROUTER_H

#include <stddef.h>

struct pt_arena;
struct pt_kvlist;
struct pt_route;
struct portal_module;
struct pt_router;

enum pt_match { PT_MATCH_FOUND, PT_MATCH_NOT_FOUND, PT_MATCH_BAD_METHOD };

struct pt_router *pt_router_new(void);
void pt_router_free(struct pt_router *rt);

/* Compiles route's pattern; PT_EINVAL with the reason in err for a bad
 * pattern, a missing permission or handler, or a clash with an earlier route
 * (same pattern shape and an overlapping method). */
int pt_router_add(struct pt_router *rt, const struct pt_route *route,
                  const struct portal_module *mod, char *err, size_t errlen);

/* HEAD matches GET routes.  On FOUND, *route and params (decoded, in the
 * arena) are set; on BAD_METHOD, *allowed holds the methods the path has. */
enum pt_match pt_router_match(const struct pt_router *rt, unsigned method,
                              const char *path, struct pt_arena *a,
                              const struct pt_route **route,
                              const struct portal_module **mod,
                              struct pt_kvlist *params, unsigned *allowed);

/* For listings and the authorization matrix: route i, NULL past the end. */
const struct pt_route *pt_router_at(const struct pt_router *rt, size_t i,
                                    const struct portal_module **mod);

/* "GET, HEAD, POST" for an Allow header; written into buf. */
const char *pt_router_allow(unsigned methods, char *buf, size_t len);
/* "POST" → PT_POST; 0 for a method we do not serve. */
unsigned pt_method_from_name(const char *name);

#endif
