/*
 * bench — the fixture pages scripts/dev bench measures: a 50-row table in
 * the real layout, built from a view the way every listing page is, and a
 * page of one primary-key SELECT.  Loaded only by the bench configuration,
 * never in production.
 */
#include "portal.h"

#include <stdio.h>

#define BENCH_ROWS 50

/* One row, built member by member: json_pack's format parser cost more
 * than everything else the handler does. */
static json_t *bench_row(int i)
{
    static const char *kinds[] = { "distributor", "partner", "customer" };
    char name[64];
    json_t *row = json_object();

    snprintf(name, sizeof(name), "Customer <%03d> & Sons", i);
    if (row == NULL ||
        json_object_set_new(row, "id", json_integer(i)) != 0 ||
        json_object_set_new(row, "name", json_string(name)) != 0 ||
        json_object_set_new(row, "kind", json_string(kinds[i % 3])) != 0 ||
        json_object_set_new(row, "status", json_string(i % 7 ? "active" : "suspended")) != 0 ||
        json_object_set_new(row, "users", json_integer(i * 3)) != 0 ||
        json_object_set_new(row, "customers", json_integer(i % 11)) != 0 ||
        json_object_set_new(row, "created", json_string("2026-11-23 10:00:00")) != 0) {
        json_decref(row);
        return NULL;
    }
    return row;
}

static int bench_table(struct pt_req *r, json_t *view)
{
    json_t *rows = json_array();

    if (json_object_set_new(view, "rows", rows) != 0)
        return pt_error(r, 500, "out of memory");
    for (int i = 1; i <= BENCH_ROWS; i++)
        if (json_array_append_new(rows, bench_row(i)) != 0)
            return pt_error(r, 500, "out of memory");
    return 200;
}

/* One indexed primary-key SELECT rendered as a page: the cost of the data
 * layer on top of the runtime (issue 3's target). */
static int bench_org(struct pt_req *r, json_t *view)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id, name, kind, status, created FROM orgs WHERE id = ?",
                             PT_ARGS(PT_ARG_INT(pt_req_param_int(r, "id"))), &row);

    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no organisation with this id.");
    if (rc != 0)
        return pt_error(r, 503, "The database is unreachable.");
    json_object_set(view, "org", row);
    return 200;
}

static const struct pt_route bench_routes[] = {
    { .methods = PT_GET, .pattern = "/bench/table", .permission = PT_PERM_PUBLIC,
      .handler = bench_table, .template = "bench/table.tpl", .title = "Bench table" },
    { .methods = PT_GET, .pattern = "/bench/org/{id:int}", .permission = PT_PERM_PUBLIC,
      .handler = bench_org, .template = "bench/org.tpl", .title = "Bench organisation" },
    { 0 }
};

const struct portal_module bench_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "bench",
    .routes = bench_routes,
};
