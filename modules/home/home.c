/* home — the landing page at "/".  The dashboard module takes it over once
 * sign-in exists; until then it tells a visitor where things are. */
#include "portal.h"

static int home_index(struct pt_req *r, json_t *view)
{
    (void)r;
    json_object_set_new(view, "links", json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]",
        "label", "System status", "href", "/status",
        "description", "Whether this portal is alive and its database answers.",
        "label", "API", "href", "/api/v1/status",
        "description", "Every page has a JSON twin under /api/v1."));
    return 200;
}

static const struct pt_route home_routes[] = {
    { .methods = PT_GET, .pattern = "/", .permission = PT_PERM_PUBLIC,
      .handler = home_index, .template = "home/index.tpl", .title = "Welcome" },
    { 0 }
};

static const struct pt_nav_item home_nav[] = {
    { .label = "Home", .href = "/", .permission = PT_PERM_PUBLIC, .order = 0 },
    { 0 }
};

const struct portal_module home_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "home",
    .routes = home_routes,
    .nav = home_nav,
};
