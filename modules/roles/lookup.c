/*
 * lookup.c — reading roles.  What a page at organisation O may see: the
 * system roles (every one by id; the list shows those usable at O's kind),
 * O's own custom roles, and the custom roles of O's ancestors where the
 * actor may view roles (inherited: they may be held in O too).  A custom
 * role of a sibling, a descendant or above the actor's reach does not
 * exist for the page (404), as the guard does for organisations.
 */
#include "roles.h"

/* The catalogue's display order: the seed portals' categories, then any
 * other category a module declares, alphabetically. */
#define ROLES_CATEGORY_ORDER "category, 'Dashboard', 'Sub-Tenants', 'Users', 'Roles', " \
    "'Activity Logs', 'Billing', 'Virtual Machines', 'Cloud Networks', 'Networks & VLANs', " \
    "'Backups', 'Sales Tools', 'Settings', 'Support', 'White Label'"

int roles_load_org(struct pt_req *r, json_t *view, int64_t org)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id, name, kind FROM orgs WHERE id = ?",
                             PT_ARGS(PT_ARG_INT(org)), &row);

    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The roles could not be read. Try again in a moment.");
    json_object_set(view, "org", row);
    return 0;
}

int roles_find(struct pt_req *r, int64_t org, int64_t role_id, struct roles_role *out)
{
    json_t *row;
    int rc = pt_db_query_one(r,
        "SELECT ro.id, ro.org_id, ro.name, ro.description, ro.system_key, "
        "ow.name AS owner_name, c.depth FROM roles ro "
        "LEFT JOIN orgs ow ON ow.id = ro.org_id "
        "LEFT JOIN org_closure c ON c.ancestor = ro.org_id AND c.descendant = ? "
        "WHERE ro.id = ?", PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(role_id)), &row);

    if (rc != 0)
        return rc;
    *out = (struct roles_role){
        .id = role_id, .row = row,
        .org_id = json_integer_value(json_object_get(row, "org_id")),
        .name = json_string_value(json_object_get(row, "name")),
        .description = json_string_value(json_object_get(row, "description")),
        .owner_name = json_string_value(json_object_get(row, "owner_name")),
    };
    out->system = out->org_id == 0;
    if (out->system)
        return 0;
    json_t *depth = json_object_get(row, "depth");
    if (!json_is_integer(depth))
        return PT_ENOTFOUND;                  /* not O nor one of its ancestors */
    out->own = json_integer_value(depth) == 0;
    if (!out->own && !pt_can(r, "roles.view", out->org_id))
        return PT_ENOTFOUND;                  /* above the actor's reach */
    return 0;
}

json_t *roles_perm_keys(struct pt_req *r, int64_t role_id)
{
    json_t *rows, *keys = pt_keep(r, json_array()), *row;
    size_t i;

    if (keys == NULL || pt_db_query(r, "SELECT perm_key FROM role_permissions WHERE role_id = ? "
                                    "ORDER BY perm_key", PT_ARGS(PT_ARG_INT(role_id)), &rows) != 0)
        return NULL;
    json_array_foreach(rows, i, row)
        json_array_append(keys, json_object_get(row, "perm_key"));
    return keys;
}

long long roles_user_count(struct pt_req *r, int64_t role_id, int64_t org)
{
    json_t *row;

    if (pt_db_query_one(r, "SELECT COUNT(DISTINCT m.user_id) AS n FROM memberships m "
                        "JOIN org_closure c ON c.descendant = m.org_id AND c.ancestor = ? "
                        "WHERE m.role_id = ?", PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(role_id)),
                        &row) != 0)
        return -1;
    return json_integer_value(json_object_get(row, "n"));
}

json_t *roles_catalogue(struct pt_req *r)
{
    json_t *rows;

    if (pt_db_query(r, "SELECT perm_key, category, label, needs_consent FROM permissions "
                    "ORDER BY FIELD(" ROLES_CATEGORY_ORDER ") = 0, FIELD(" ROLES_CATEGORY_ORDER
                    "), category, perm_key", PT_NOARGS, &rows) != 0)
        return NULL;
    return rows;
}

bool roles_has_key(json_t *arr, const char *key)
{
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), key) == 0)
            return true;
    return false;
}

json_t *roles_grouped(struct pt_req *r, json_t *catalogue, json_t *keys)
{
    json_t *groups = pt_keep(r, json_array()), *perms = NULL, *row;
    const char *current = NULL;
    size_t i;

    if (groups == NULL)
        return NULL;
    json_array_foreach(catalogue, i, row) {
        const char *key = json_string_value(json_object_get(row, "perm_key"));
        const char *cat = json_string_value(json_object_get(row, "category"));
        if (key == NULL || cat == NULL || !roles_has_key(keys, key))
            continue;
        if (current == NULL || strcmp(current, cat) != 0) {
            json_t *g = json_pack("{s:s, s:[]}", "name", cat, "permissions");
            if (g == NULL || json_array_append_new(groups, g) != 0)
                return NULL;
            perms = json_object_get(g, "permissions");
            current = cat;
        }
        json_array_append_new(perms, json_pack("{s:s, s:O, s:b}", "key", key, "label",
            json_object_get(row, "label"),
            "consent", json_integer_value(json_object_get(row, "needs_consent")) != 0));
    }
    return groups;
}

bool roles_actor_holds(struct pt_req *r, int64_t role_id)
{
    json_t *row;

    return pt_req_user_id(r) > 0 &&
           pt_db_query_one(r, "SELECT 1 AS ok FROM memberships WHERE user_id = ? AND "
                           "role_id = ? LIMIT 1", PT_ARGS(PT_ARG_INT(pt_req_user_id(r)),
                           PT_ARG_INT(role_id)), &row) == 0;
}
