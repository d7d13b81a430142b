/*
 * seed.h — rows portalctl writes: the platform organisation, system roles,
 * and the demo data set (seed-demo).  Everything is idempotent: organisations
 * are keyed by slug, users by e-mail, so a second run adds only what is
 * missing (and an interrupted large run can simply be started again).
 */
#ifndef PT_SEED_H
#define PT_SEED_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pt_req;
struct pt_worker;

/* The platform organisation (the first of kind 'platform'), created with
 * slug 'platform' and its closure row when there is none. */
int pt_seed_platform(struct pt_req *r, const char *name, int64_t *id);
/* A system role (org_id NULL) by its stable key, created when missing. */
int pt_seed_system_role(struct pt_req *r, const char *key, const char *name,
                        const char *description, int64_t *id);

/* small: a distributor, two partners, twelve customers, 2–4 users each.
 * large: two distributors, twenty partners, 1,000 customers with 20 users
 * each (20,000), written 1,000 rows per statement.  Progress on out. */
int pt_seed_demo(struct pt_worker *w, bool large, FILE *out);

#endif
