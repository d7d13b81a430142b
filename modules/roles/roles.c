/*
 * roles — system roles (read-only) and custom roles per organisation, over
 * the permission catalogue grouped by category (DESIGN §1, issue 5).
 *
 *   GET       /roles                               → the actor's home organisation's
 *   GET       /orgs/{org}/roles                    system roles usable at its kind,
 *                                                  its custom roles and inherited ones
 *   GET       /orgs/{org}/roles/{role}             one role: permissions by category
 *   GET, POST /orgs/{org}/roles/new                create         (change.c)
 *   GET, POST /orgs/{org}/roles/{role}/edit        edit           (change.c)
 *   GET, POST /orgs/{org}/roles/{role}/duplicate   duplicate      (change.c)
 *   POST      /orgs/{org}/roles/{role}/delete      delete         (change.c)
 *
 * Each has its /api/v1 twin.  The guard checks roles.view / roles.manage on
 * {org} (404 outside the actor's tree); lookup.c decides which roles {org}
 * may see.  The guard reads role_permissions on every request, so a change
 * to a role applies to its holders at their next request: no session is
 * ended.
 */
#include "roles.h"

/* The organisation whose roles /roles shows: the actor's home, else the
 * highest membership where the actor may view roles; 0 when none. */
static int64_t roles_home_org(struct pt_req *r)
{
    int64_t home = pt_req_home_org(r);
    json_t *rows, *row;
    size_t i;

    if (home > 0 && pt_can(r, "roles.view", home))
        return home;
    if (pt_req_user_id(r) <= 0 || pt_db_query(r,
            "SELECT m.org_id, MAX(c.depth) AS level FROM memberships m "
            "JOIN org_closure c ON c.descendant = m.org_id WHERE m.user_id = ? "
            "GROUP BY m.org_id ORDER BY level, m.org_id LIMIT 50",
            PT_ARGS(PT_ARG_INT(pt_req_user_id(r))), &rows) != 0)
        return 0;
    json_array_foreach(rows, i, row) {
        int64_t org = json_integer_value(json_object_get(row, "org_id"));
        if (pt_can(r, "roles.view", org))
            return org;
    }
    return 0;
}

static int roles_home(struct pt_req *r, json_t *view)
{
    int64_t org = roles_home_org(r);

    if (org <= 0)
        return pt_error(r, 403, "Your role does not let you view roles in any organisation.");
    const char *href = pt_printf(r, "/orgs/%lld/roles", (long long)org);
    json_object_set_new(view, "org_id", json_integer(org));
    json_object_set_new(view, "href", json_string(href));
    return pt_redirect(r, href);
}

/* ---- the list ---------------------------------------------------------------------- */

#define ROLES_COUNTS \
    "(SELECT COUNT(*) FROM role_permissions rp WHERE rp.role_id = ro.id) AS permission_count, " \
    "(SELECT COUNT(DISTINCT m.user_id) FROM memberships m JOIN org_closure mc " \
    "ON mc.descendant = m.org_id AND mc.ancestor = ? WHERE m.role_id = ro.id) AS user_count "

/* <what>_href and can_<what> (templates show sections on booleans only). */
static void link(struct pt_req *r, json_t *item, const char *what, const char *href)
{
    json_object_set_new(item, pt_printf(r, "%s_href", what), json_string(href));
    json_object_set_new(item, pt_printf(r, "can_%s", what), json_true());
}

static void list_links(struct pt_req *r, json_t *item, int64_t org, bool own, bool manage)
{
    long long id = json_integer_value(json_object_get(item, "id"));

    json_object_set_new(item, "href", json_string(pt_printf(r, "/orgs/%lld/roles/%lld",
                                                            (long long)org, id)));
    if (!manage)
        return;
    link(r, item, "duplicate", pt_printf(r, "/orgs/%lld/roles/%lld/duplicate",
                                         (long long)org, id));
    if (!own)
        return;
    link(r, item, "edit", pt_printf(r, "/orgs/%lld/roles/%lld/edit", (long long)org, id));
    /* Deleting is offered only while no one holds the role (the seed's rule). */
    if (json_integer_value(json_object_get(item, "user_count")) == 0)
        link(r, item, "delete", pt_printf(r, "/orgs/%lld/roles/%lld/delete",
                                          (long long)org, id));
}

static int list_system(struct pt_req *r, json_t *list, int64_t org, bool manage)
{
    json_t *rows, *row;
    size_t i;

    if (pt_db_query(r, "SELECT ro.id, ro.system_key, ro.name, ro.description, " ROLES_COUNTS
                    "FROM roles ro JOIN orgs o ON o.id = ? WHERE ro.org_id IS NULL AND "
                    "(ro.org_kinds IS NULL OR FIND_IN_SET(o.kind, ro.org_kinds) > 0) "
                    "ORDER BY ro.id", PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(org)), &rows) != 0)
        return PT_EDB;
    json_array_foreach(rows, i, row) {
        json_object_set_new(row, "system", json_true());
        list_links(r, row, org, false, manage);
        json_array_append(list, row);
    }
    return 0;
}

/* Custom roles of org and of its ancestors the actor may view roles at. */
static int list_custom(struct pt_req *r, json_t *list, int64_t org, bool manage)
{
    json_t *rows, *row, *seen = pt_keep(r, json_object());
    size_t i;

    if (seen == NULL || pt_db_query(r,
            "SELECT ro.id, ro.org_id, ow.name AS owner_name, c.depth, ro.name, ro.description, "
            ROLES_COUNTS "FROM org_closure c JOIN roles ro ON ro.org_id = c.ancestor "
            "JOIN orgs ow ON ow.id = ro.org_id WHERE c.descendant = ? "
            "ORDER BY c.depth, ro.name LIMIT 1000",
            PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(org)), &rows) != 0)
        return PT_EDB;
    json_array_foreach(rows, i, row) {
        bool own = json_integer_value(json_object_get(row, "depth")) == 0;
        json_int_t owner = json_integer_value(json_object_get(row, "org_id"));
        const char *k = pt_printf(r, "%lld", (long long)owner);
        if (!own) {
            json_t *ok = json_object_get(seen, k);
            if (ok == NULL)
                json_object_set_new(seen, k, ok = json_boolean(pt_can(r, "roles.view", owner)));
            if (!json_is_true(ok))
                continue;
        }
        json_object_set_new(row, "custom", json_true());
        json_object_set_new(row, own ? "own" : "inherited", json_true());
        list_links(r, row, org, own, manage);
        json_array_append(list, row);
    }
    return 0;
}

static int roles_list(struct pt_req *r, json_t *view)
{
    int64_t org = pt_req_param_int(r, "org");
    bool manage = pt_can(r, "roles.manage", org);
    json_t *list = json_array();
    int rc;

    if (json_object_set_new(view, "roles", list) != 0)
        return pt_error(r, 500, "Out of memory.");
    if ((rc = roles_load_org(r, view, org)) != 0)
        return rc;
    if (list_system(r, list, org, manage) != 0 || list_custom(r, list, org, manage) != 0)
        return pt_error(r, 500, "The roles could not be read. Try again in a moment.");
    json_object_set_new(view, "can_manage", json_boolean(manage));
    if (manage)
        json_object_set_new(view, "new_href", json_string(pt_printf(r, "/orgs/%lld/roles/new",
                                                                    (long long)org)));
    return 200;
}

/* ---- one role -------------------------------------------------------------------------- */

int roles_show(struct pt_req *r, json_t *view, int64_t org, const struct roles_role *role)
{
    json_t *keys = roles_perm_keys(r, role->id), *cat = roles_catalogue(r);
    long long users = roles_user_count(r, role->id, org);
    json_t *groups = keys && cat ? roles_grouped(r, cat, keys) : NULL;

    if (groups == NULL || users < 0)
        return pt_error(r, 500, "The role could not be read. Try again in a moment.");
    json_t *v = json_deep_copy(role->row);
    json_object_set_new(view, "role", v);
    json_object_del(v, "depth");
    json_object_set_new(v, role->system ? "system" : "custom", json_true());
    if (!role->system)
        json_object_set_new(v, role->own ? "own" : "inherited", json_true());
    json_object_set(v, "categories", groups);
    json_object_set(v, "permissions", keys);
    json_object_set_new(v, "permission_count", json_integer((json_int_t)json_array_size(keys)));
    json_object_set_new(v, "user_count", json_integer(users));
    if (roles_actor_holds(r, role->id))
        json_object_set_new(v, "held_by_you", json_true());
    list_links(r, v, org, role->own, pt_can(r, "roles.manage", org));
    json_object_set_new(view, "back_url", json_string(pt_printf(r, "/orgs/%lld/roles",
                                                                (long long)org)));
    json_object_set_new(view, "title", json_string(pt_printf(r, "Role: %s", role->name)));
    return 200;
}

static int roles_view(struct pt_req *r, json_t *view)
{
    int64_t org = pt_req_param_int(r, "org");
    struct roles_role role;
    int rc;

    if ((rc = roles_load_org(r, view, org)) != 0)
        return rc;
    rc = roles_find(r, org, pt_req_param_int(r, "role"), &role);
    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such role in this organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The role could not be read. Try again in a moment.");
    return roles_show(r, view, org, &role);
}

/* ---- the descriptor ---------------------------------------------------------------------- */

static const struct pt_route roles_routes[] = {
    { .methods = PT_GET, .pattern = "/roles", .permission = PT_PERM_AUTHENTICATED,
      .handler = roles_home, .template = "roles/list.tpl", .title = "Roles" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/roles", .permission = "roles.view",
      .org_param = "org", .handler = roles_list, .template = "roles/list.tpl",
      .title = "Roles" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/roles/new",
      .permission = "roles.manage", .org_param = "org", .handler = roles_new,
      .template = "roles/form.tpl", .title = "Create role" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/roles/{role:int}",
      .permission = "roles.view", .org_param = "org", .handler = roles_view,
      .template = "roles/view.tpl", .title = "Role" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/roles/{role:int}/edit",
      .permission = "roles.manage", .org_param = "org", .handler = roles_edit,
      .template = "roles/form.tpl", .title = "Edit role" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/roles/{role:int}/duplicate",
      .permission = "roles.manage", .org_param = "org", .handler = roles_duplicate,
      .template = "roles/duplicate.tpl", .title = "Duplicate role" },
    { .methods = PT_POST, .pattern = "/orgs/{org:int}/roles/{role:int}/delete",
      .permission = "roles.manage", .org_param = "org", .handler = roles_delete,
      .template = "roles/view.tpl", .title = "Role" },
    { 0 }
};

static const struct pt_audit_type roles_audit_types[] = {
    { ROLES_AUDIT, "Create Role" },
    { ROLES_AUDIT, "Update Role" },
    { ROLES_AUDIT, "Duplicate Role" },
    { ROLES_AUDIT, "Delete Role" },
    { 0 }
};

static const struct pt_nav_item roles_nav[] = {
    { .label = "Roles", .href = "/roles", .permission = "roles.view", .order = 50 },
    { 0 }
};

const struct portal_module roles_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "roles",
    .routes = roles_routes,
    .permissions = roles_permissions,
    .audit_types = roles_audit_types,
    .nav = roles_nav,
};
