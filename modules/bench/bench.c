/*
 * bench — the fixture page scripts/dev bench measures: a 50-row table in the
 * real layout, built from a view the way every listing page is.  Loaded only
 * by the bench configuration, never in production.
 */
#include "portal.h"

#include <stdio.h>

#define BENCH_ROWS 50

static int bench_table(struct pt_req *r, json_t *view)
{
    static const char *kinds[] = { "distributor", "partner", "customer" };
    json_t *rows = json_array();

    (void)r;
    for (int i = 1; i <= BENCH_ROWS; i++) {
        char name[64];

        snprintf(name, sizeof(name), "Customer <%03d> & Sons", i);
        json_array_append_new(rows, json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:s}",
            "id", i, "name", name, "kind", kinds[i % 3], "status", i % 7 ? "active" : "suspended",
            "users", i * 3, "customers", i % 11, "created", "2026-11-23 10:00:00"));
    }
    json_object_set_new(view, "rows", rows);
    return 200;
}

static const struct pt_route bench_routes[] = {
    { .methods = PT_GET, .pattern = "/bench/table", .permission = PT_PERM_PUBLIC,
      .handler = bench_table, .template = "bench/table.tpl", .title = "Bench table" },
    { 0 }
};

const struct portal_module bench_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "bench",
    .routes = bench_routes,
};
