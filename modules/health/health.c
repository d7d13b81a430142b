/*
 * health — liveness (/healthz: the worker answers, nothing else is touched)
 * and readiness (/readyz: the database answers).  Load balancers and the
 * systemd watchdog poll these, so they stay cheap and need no sign-in.
 */
#include "portal.h"

static int health_live(struct pt_req *r, json_t *view)
{
    (void)r;
    json_object_set_new(view, "status", json_string("ok"));
    return 200;
}

static int health_ready(struct pt_req *r, json_t *view)
{
    if (!pt_db_ready(r))
        return pt_error(r, 503, "The database is unreachable.");
    json_object_set_new(view, "status", json_string("ready"));
    json_object_set_new(view, "database", json_string("up"));
    return 200;
}

/* The same answers as a page, for a person: always 200, since the page
 * itself is the report (monitors poll /readyz for the status code). */
static int health_page(struct pt_req *r, json_t *view)
{
    bool db = pt_db_ready(r);

    json_object_set_new(view, "ok", json_boolean(db));
    json_object_set_new(view, "not_ready", json_boolean(!db));
    json_object_set_new(view, "database", json_string(db ? "up" : "down"));
    json_object_set_new(view, "modules", json_incref(pt_modules_info(r)));
    return 200;
}

static const struct pt_route health_routes[] = {
    { .methods = PT_GET, .pattern = "/healthz", .permission = PT_PERM_PUBLIC,
      .handler = health_live, .flags = PT_ROUTE_API_ONLY },
    { .methods = PT_GET, .pattern = "/readyz", .permission = PT_PERM_PUBLIC,
      .handler = health_ready, .flags = PT_ROUTE_API_ONLY },
    { .methods = PT_GET, .pattern = "/status", .permission = PT_PERM_PUBLIC,
      .handler = health_page, .template = "health/status.tpl", .title = "System status" },
    { 0 }
};

static const struct pt_nav_item health_nav[] = {
    { .label = "Status", .href = "/status", .permission = PT_PERM_PUBLIC, .order = 900 },
    { 0 }
};

const struct portal_module health_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "health",
    .routes = health_routes,
    .nav = health_nav,
};
