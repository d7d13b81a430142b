/*
 * tenancy.c — questions about the organisation tree that every tenancy
 * module asks the same way: is T inside A, where does the actor live, may
 * the actor hand out this role here (nobody grants more than they hold).
 */
#include "guard.h"
#include "request.h"

#include <string.h>

bool pt_org_contains(struct pt_req *r, int64_t ancestor, int64_t descendant)
{
    json_t *row;

    return ancestor > 0 && descendant > 0 &&
           pt_db_query_one(r, "SELECT 1 AS ok FROM org_closure WHERE ancestor = ? AND "
                           "descendant = ?", PT_ARGS(PT_ARG_INT(ancestor),
                           PT_ARG_INT(descendant)), &row) == 0;
}

int64_t pt_req_home_org(struct pt_req *r)
{
    json_t *row;

    if (r->ident.user_id == 0)
        return r->ident.token_id ? r->token_org : 0;
    if (pt_db_query_one(r,
            "SELECT m.org_id, MAX(c.depth) AS level FROM memberships m "
            "JOIN org_closure c ON c.descendant = m.org_id WHERE m.user_id = ? "
            "GROUP BY m.org_id, m.created ORDER BY level, m.created, m.org_id LIMIT 1",
            PT_ARGS(PT_ARG_INT(r->ident.user_id)), &row) != 0)
        return 0;
    return json_integer_value(json_object_get(row, "org_id"));
}

/* Can the role be held at org_id at all: its kinds, and a custom role only
 * inside its own organisation's subtree? */
static bool role_fits(struct pt_req *r, int64_t role_id, int64_t org_id, const char **why)
{
    json_t *row;

    if (pt_db_query_one(r,
            "SELECT ro.name, o.kind, (ro.org_kinds IS NULL OR FIND_IN_SET(o.kind, ro.org_kinds) > 0) "
            "AS kind_ok, (ro.org_id IS NULL OR EXISTS (SELECT 1 FROM org_closure c WHERE "
            "c.ancestor = ro.org_id AND c.descendant = o.id)) AS tree_ok "
            "FROM roles ro JOIN orgs o ON o.id = ? WHERE ro.id = ?",
            PT_ARGS(PT_ARG_INT(org_id), PT_ARG_INT(role_id)), &row) != 0) {
        *why = "There is no such role.";
        return false;
    }
    const char *name = json_string_value(json_object_get(row, "name"));
    if (!json_integer_value(json_object_get(row, "tree_ok"))) {
        *why = "There is no such role.";
        return false;
    }
    if (!json_integer_value(json_object_get(row, "kind_ok"))) {
        *why = pt_printf(r, "The role \"%s\" cannot be held in a %s organisation.", name,
                         json_string_value(json_object_get(row, "kind")));
        return false;
    }
    return true;
}

/* The first permission of role_id that the actor does not hold on org_id
 * (consent applied), as its label; NULL when there is none. */
static int first_missing(struct pt_req *r, int64_t role_id, int64_t org_id, const char **label)
{
    json_t *perms, *p;
    size_t i;

    *label = NULL;
    if (r->ident.token_id == 0) {
        int rc = pt_db_query(r,
            "SELECT p.label FROM role_permissions rp JOIN permissions p ON p.perm_key = rp.perm_key "
            "WHERE rp.role_id = ? AND NOT EXISTS (SELECT 1 FROM memberships m "
            "JOIN org_closure c ON c.ancestor = m.org_id AND c.descendant = ? "
            "JOIN role_permissions ap ON ap.role_id = m.role_id AND ap.perm_key = rp.perm_key "
            "WHERE m.user_id = ? AND " PT_SQL_CONSENT_OK("m.org_id", "c.descendant") ") "
            "ORDER BY p.perm_key LIMIT 1",
            PT_ARGS(PT_ARG_INT(role_id), PT_ARG_INT(org_id), PT_ARG_INT(r->ident.user_id)),
            &perms);
        if (rc == 0 && json_array_size(perms) > 0)
            *label = json_string_value(json_object_get(json_array_get(perms, 0), "label"));
        return rc;
    }
    /* A bearer token also needs each permission in its scopes: ask pt_can. */
    int rc = pt_db_query(r, "SELECT rp.perm_key, p.label FROM role_permissions rp "
                         "JOIN permissions p ON p.perm_key = rp.perm_key WHERE rp.role_id = ? "
                         "ORDER BY rp.perm_key", PT_ARGS(PT_ARG_INT(role_id)), &perms);
    json_array_foreach(perms, i, p)
        if (rc == 0 && !pt_can(r, json_string_value(json_object_get(p, "perm_key")), org_id)) {
            *label = json_string_value(json_object_get(p, "label"));
            break;
        }
    return rc;
}

bool pt_can_grant_role(struct pt_req *r, int64_t role_id, int64_t org_id, const char **why)
{
    const char *dummy, *missing;

    if (why == NULL)
        why = &dummy;
    if (!role_fits(r, role_id, org_id, why))
        return false;
    if (first_missing(r, role_id, org_id, &missing) != 0) {
        *why = "The role could not be read: try again.";
        return false;
    }
    if (missing != NULL) {
        *why = pt_printf(r, "You cannot grant \"%s\": you do not hold it yourself there.",
                         missing);
        return false;
    }
    return true;
}
