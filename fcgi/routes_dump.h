/*
 * routes_dump.h — `portalctl routes`: the route table of the configured
 * modules as one JSON array, for the authorization matrix test and for
 * operators who want to see what a configuration serves.
 */
#ifndef PT_ROUTES_DUMP_H
#define PT_ROUTES_DUMP_H

#include <stdio.h>

struct pt_config;

/*
 * Loads cfg's modules as the master does (same checks, same router, so a
 * table that portald would refuse is refused here too) and writes
 *   [{"module", "methods": ["GET", …], "pattern", "permission",
 *     "org_param" (null when none), "flags": ["NO_CSRF", …]}, …]
 * in the router's (matching) order.  0, or PT_EINVAL / PT_ENOMEM / PT_EIO
 * with the reason on stderr.
 */
int pt_routes_dump(const struct pt_config *cfg, FILE *out);

#endif
