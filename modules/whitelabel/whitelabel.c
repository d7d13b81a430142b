/*
 * whitelabel — a partner's own brand, subdomain and custom domains (issue 7,
 * DESIGN §6), behind an optional subscription of $25.00 a month.
 *
 *   GET  /whitelabel                          your home organisation's page
 *   GET  /orgs/{org}/branding, POST           the brand: preview, save
 *   POST /orgs/{org}/branding/template-set    the operator assigns a template set
 *   GET  /orgs/{org}/branding/preview.css     colours of an unsaved preview
 *   POST /orgs/{org}/whitelabel/enable        start the subscription + subdomain
 *   POST /orgs/{org}/whitelabel/disable       end it: credit, hostnames released
 *   GET  /orgs/{org}/domains, POST            custom domains and their DNS records
 *   POST /orgs/{org}/domains/{domain}/verify  check the TXT record now
 *   POST /orgs/{org}/domains/{domain}/remove
 *   GET  /brand/{org}/style.css, /brand/{org}/logo/{light|dark}, /brand/{org}/favicon
 *                                             public, cached for a year (?v=revision)
 *
 * The core picks the brand of a request from its Host (hostnames → the
 * nearest brand); this module only writes brands and hostnames, bumps the
 * cache version in the same transaction (pt_whitelabel_changed) and queues
 * "nginx.generate" after any change of hostnames.
 */
#include "wl.h"

#include <stdio.h>

/* ---- the organisation ---------------------------------------------------------------- */

int wl_path_org(struct pt_req *r, json_t *view, struct wl_org *o)
{
    int64_t id = pt_req_param_int(r, "org");
    json_t *row;
    int rc;

    memset(o, 0, sizeof(*o));
    rc = id > 0 ? pt_db_query_one(r, "SELECT id, name, kind FROM orgs WHERE id = ?",
                                  PT_ARGS(PT_ARG_INT(id)), &row) : PT_ENOTFOUND;
    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The organisation could not be read. Try again in a moment.");
    o->id = id;
    o->row = row;
    o->name = json_string_value(json_object_get(row, "name"));
    o->kind = json_string_value(json_object_get(row, "kind"));
    o->name = o->name ? o->name : "";
    o->kind = o->kind ? o->kind : "";
    o->eligible = strcmp(o->kind, "partner") == 0 || strcmp(o->kind, "distributor") == 0;
    json_object_set_new(row, "href", json_string(pt_printf(r, "/orgs/%lld", (long long)id)));
    json_object_set_new(row, "eligible", json_boolean(o->eligible));
    json_object_set(view, "org", row);
    return 0;
}

json_t *wl_subscription(struct pt_req *r, int64_t org, bool for_update, int *rc)
{
    json_t *row = NULL;
    int e = pt_db_query_one(r, for_update
        ? "SELECT id, monthly_cents, currency, first_charge_cents, "
          "DATE_FORMAT(started, '%Y-%m-%d %H:%i') AS started FROM whitelabel_subscriptions "
          "WHERE org_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1 FOR UPDATE"
        : "SELECT id, monthly_cents, currency, first_charge_cents, "
          "DATE_FORMAT(started, '%Y-%m-%d %H:%i') AS started FROM whitelabel_subscriptions "
          "WHERE org_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1",
        PT_ARGS(PT_ARG_INT(org)), &row);

    if (rc)
        *rc = e == PT_ENOTFOUND ? 0 : e;
    return e == 0 ? row : NULL;
}

int wl_lock_org(struct pt_req *r, int64_t org)
{
    json_t *row;

    return pt_db_query_one(r, "SELECT id FROM orgs WHERE id = ? FOR UPDATE",
                           PT_ARGS(PT_ARG_INT(org)), &row);
}

/* ---- small helpers --------------------------------------------------------------------- */

const char *wl_conf(struct pt_req *r, const char *key)
{
    return pt_trim(r, pt_config_get(r, "whitelabel", key));
}

const char *wl_input(struct pt_req *r, const char *name)
{
    return pt_trim(r, pt_req_input(r, name));
}

bool wl_is_post(struct pt_req *r)
{
    return strcmp(pt_req_method(r), "POST") == 0;
}

const char *wl_money(struct pt_req *r, long long cents)
{
    return pt_printf(r, "%s$%lld.%02lld", cents < 0 ? "-" : "", (cents < 0 ? -cents : cents) / 100,
                     (cents < 0 ? -cents : cents) % 100);
}

int wl_hosts_changed(struct pt_req *r)
{
    int rc = pt_whitelabel_changed(r);

    return rc != 0 ? rc : pt_job_enqueue(r, "nginx.generate", NULL, 0);
}

/* A verified name gets its certificate now rather than at the acme
 * module's next sweep — when that module is loaded at all. */
int wl_request_certificate(struct pt_req *r, int64_t hostname_id)
{
    json_t *mods = pt_modules_info(r), *m, *pay;
    size_t i;
    int rc = 0;

    json_array_foreach(mods, i, m)
        if (strcmp(json_string_value(json_object_get(m, "name")), "acme") == 0) {
            pay = json_pack("{s:I}", "hostname_id", (json_int_t)hostname_id);
            rc = pay ? pt_job_enqueue(r, "acme.issue", pay, 5) : PT_ENOMEM;
            json_decref(pay);
            break;
        }
    return rc;
}

int wl_audit(struct pt_req *r, bool always, int64_t org, const char *action,
             const char *status, const char *rtype, const char *rid, const char *rname,
             const char *description, json_t *metadata)
{
    struct pt_audit e = {
        .org_id = org, .category = WL_CATEGORY, .action = action, .status = status,
        .resource_type = rtype, .resource_id = rid, .resource_name = rname,
        .description = description, .metadata = metadata,
    };
    int rc = always ? pt_audit_log_always(r, &e) : pt_audit_log(r, &e);

    if (rc != 0)
        pt_log_error("%s: %s/%s not recorded (%d)", __func__, WL_CATEGORY, action, rc);
    return rc;
}

int wl_refuse(struct pt_req *r, json_t *view, const struct wl_org *o, const char *action,
              int status, const char *why, bool form)
{
    wl_audit(r, true, o ? o->id : 0, action, "Failed", o ? "organisation" : NULL,
             o ? pt_printf(r, "%lld", (long long)o->id) : NULL, o ? o->name : NULL, why, NULL);
    if (!form || pt_req_is_api(r))
        return pt_error(r, status, why);
    /* render.c shows the route's template again for a view.error string. */
    json_object_set_new(view, "error", json_string(why));
    json_object_set_new(view, "has_error", json_true());
    return status;
}

/* ---- /whitelabel ------------------------------------------------------------------------ */

int wl_home(struct pt_req *r, json_t *view)
{
    int64_t home = pt_req_home_org(r);

    if (home <= 0)
        return pt_error(r, 404, "You do not belong to any organisation yet.");
    json_object_set_new(view, "org_id", json_integer(home));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/branding", (long long)home));
}

/* ---- the descriptor ----------------------------------------------------------------------- */

#define ORG "/orgs/{org:int}"

static const struct pt_route wl_routes[] = {
    { .methods = PT_GET, .pattern = "/whitelabel", .permission = "whitelabel.manage",
      .handler = wl_home, .template = "whitelabel/branding.tpl", .title = "White label" },
    { .methods = PT_GET | PT_POST, .pattern = ORG "/branding", .permission = "whitelabel.manage",
      .org_param = "org", .handler = wl_branding, .template = "whitelabel/branding.tpl",
      .title = "White label" },
    { .methods = PT_GET, .pattern = ORG "/branding/preview.css",
      .permission = "whitelabel.manage", .org_param = "org", .handler = wl_preview_css,
      .flags = PT_ROUTE_API_ONLY },
    { .methods = PT_POST, .pattern = ORG "/branding/template-set",
      .permission = "whitelabel.templates", .org_param = "org", .handler = wl_template_set,
      .template = "whitelabel/branding.tpl", .title = "White label" },
    { .methods = PT_POST, .pattern = ORG "/whitelabel/enable", .permission = "whitelabel.manage",
      .org_param = "org", .handler = wl_enable, .template = "whitelabel/branding.tpl",
      .title = "White label" },
    { .methods = PT_POST, .pattern = ORG "/whitelabel/disable",
      .permission = "whitelabel.manage", .org_param = "org", .handler = wl_disable,
      .template = "whitelabel/branding.tpl", .title = "White label" },
    { .methods = PT_GET, .pattern = ORG "/domains", .permission = "whitelabel.manage",
      .org_param = "org", .handler = wl_domains, .template = "whitelabel/domains.tpl",
      .title = "Domains" },
    { .methods = PT_POST, .pattern = ORG "/domains", .permission = "whitelabel.domains",
      .org_param = "org", .handler = wl_domain_add, .template = "whitelabel/domains.tpl",
      .title = "Domains" },
    { .methods = PT_POST, .pattern = ORG "/domains/{domain:int}/verify",
      .permission = "whitelabel.domains", .org_param = "org", .handler = wl_domain_verify,
      .template = "whitelabel/domains.tpl", .title = "Domains" },
    { .methods = PT_POST, .pattern = ORG "/domains/{domain:int}/remove",
      .permission = "whitelabel.domains", .org_param = "org", .handler = wl_domain_remove,
      .template = "whitelabel/domains.tpl", .title = "Domains" },
    /* Public: the layout of every page on a partner's host links them. */
    { .methods = PT_GET, .pattern = "/brand/{org:int}/style.css", .permission = PT_PERM_PUBLIC,
      .handler = wl_asset_css, .flags = PT_ROUTE_API_ONLY },
    { .methods = PT_GET, .pattern = "/brand/{org:int}/logo/{variant:str}",
      .permission = PT_PERM_PUBLIC, .handler = wl_asset_logo, .flags = PT_ROUTE_API_ONLY },
    { .methods = PT_GET, .pattern = "/brand/{org:int}/favicon", .permission = PT_PERM_PUBLIC,
      .handler = wl_asset_favicon, .flags = PT_ROUTE_API_ONLY },
    { 0 }
};

static const struct pt_permission wl_permissions[] = {
    { .key = "whitelabel.manage", .category = WL_CATEGORY,
      .label = "Manage white label branding, domains and subscription",
      .roles = PT_ROLES_CHANNEL_ADMINS },
    { .key = "whitelabel.domains", .category = WL_CATEGORY, .label = "Manage custom domains",
      .roles = PT_ROLES_CHANNEL_ADMINS },
    /* The operator's: a template set changes the pages themselves. */
    { .key = "whitelabel.templates", .category = WL_CATEGORY,
      .label = "Assign a template set to a brand", .roles = NULL },
    { 0 }
};

static const struct pt_audit_type wl_audit_types[] = {
    { WL_CATEGORY, WL_ACT_BRAND },
    { WL_CATEGORY, WL_ACT_PREVIEW },
    { WL_CATEGORY, WL_ACT_ENABLE },
    { WL_CATEGORY, WL_ACT_DISABLE },
    { WL_CATEGORY, WL_ACT_ADD },
    { WL_CATEGORY, WL_ACT_REMOVE },
    { WL_CATEGORY, WL_ACT_VERIFY },
    { WL_CATEGORY, WL_ACT_TPLSET },
    { WL_CATEGORY, WL_ACT_GENERATE },
    { 0 }
};

static const struct pt_job_kind wl_jobs[] = {
    { .kind = "whitelabel.verify", .run = wl_job_verify, .max_attempts = 3 },
    { .kind = "whitelabel.verify_pending", .run = wl_job_verify_sweep, .max_attempts = 1 },
    { .kind = "nginx.generate", .run = wl_job_generate, .max_attempts = 3 },
    { 0 }
};

static const struct pt_schedule wl_schedules[] = {
    { .kind = "whitelabel.verify_pending", .when = "every 300" },
    { 0 }
};

static const struct pt_nav_item wl_nav[] = {
    { .label = "White label", .href = "/whitelabel", .permission = "whitelabel.manage",
      .order = 70 },
    { 0 }
};

const struct portal_module whitelabel_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "whitelabel",
    .routes = wl_routes,
    .permissions = wl_permissions,
    .audit_types = wl_audit_types,
    .jobs = wl_jobs,
    .schedules = wl_schedules,
    .nav = wl_nav,
};
