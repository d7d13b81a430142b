/*
 * guard.c — DESIGN §3 step 5, done by the core so no handler can forget it:
 * sign-in where the route needs it, CSRF on every unsafe cookie request,
 * and permission *and* scope: a membership at A grants its role on A's
 * whole subtree.  Outside the actor's tree a target does not exist (404);
 * inside it, a missing permission is 403.  Every denial is an audit event.
 */
#include "guard.h"
#include "request.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

static bool scope_has(const struct pt_req *r, const char *permission)
{
    size_t i;
    json_t *v;

    json_array_foreach(r->token_scopes, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), permission) == 0)
            return true;
    return false;
}

/* A service-account token acts inside its organisation's subtree. */
static bool service_token_can(struct pt_req *r, const char *permission, int64_t org_id)
{
    json_t *row;

    if (org_id == 0)
        return true;
    return pt_db_query_one(r,
        "SELECT 1 AS ok FROM org_closure c "
        "LEFT JOIN permissions p ON p.perm_key = ? "
        "WHERE c.ancestor = ? AND c.descendant = ? AND "
        "(p.perm_key IS NULL OR " PT_SQL_CONSENT_OK("c.ancestor", "c.descendant") ")",
        PT_ARGS(PT_ARG_STR(permission), PT_ARG_INT(r->token_org), PT_ARG_INT(org_id)),
        &row) == 0;
}

/* Does a membership of the actor grant permission on org_id (consent
 * applied unless ignore_consent)? */
static bool member_can(struct pt_req *r, const char *permission, int64_t org_id,
                       bool ignore_consent)
{
    json_t *row;

    return pt_db_query_one(r,
        "SELECT 1 AS ok FROM memberships m "
        "JOIN org_closure c ON c.ancestor = m.org_id AND c.descendant = ? "
        "JOIN role_permissions rp ON rp.role_id = m.role_id AND rp.perm_key = ? "
        "JOIN permissions p ON p.perm_key = rp.perm_key "
        "WHERE m.user_id = ? AND (? OR " PT_SQL_CONSENT_OK("m.org_id", "c.descendant") ") LIMIT 1",
        PT_ARGS(PT_ARG_INT(org_id), PT_ARG_STR(permission), PT_ARG_INT(r->ident.user_id),
                PT_ARG_INT(ignore_consent)), &row) == 0;
}

/* "Anywhere" answers are asked again and again by the navigation (one per
 * link): the first one reads every permission the actor holds anywhere in
 * one statement, and the rest of the request answers from that set. */
static bool can_anywhere(struct pt_req *r, const char *permission)
{
    json_t *rows, *row;
    size_t i;

    if (r->perm_cache == NULL) {
        if (pt_db_query(r, "SELECT DISTINCT rp.perm_key FROM memberships m "
                        "JOIN role_permissions rp ON rp.role_id = m.role_id WHERE m.user_id = ?",
                        PT_ARGS(PT_ARG_INT(r->ident.user_id)), &rows) != 0)
            return false;                   /* not cached: asked again next time */
        if ((r->perm_cache = pt_keep(r, json_object())) == NULL)
            return false;
        json_array_foreach(rows, i, row)
            json_object_set_new(r->perm_cache,
                                json_string_value(json_object_get(row, "perm_key")), json_true());
    }
    return json_object_get(r->perm_cache, permission) != NULL;
}

bool pt_can(struct pt_req *r, const char *permission, int64_t org_id)
{
    if (strcmp(permission, PT_PERM_PUBLIC) == 0)
        return true;
    if (r->ident.user_id == 0 && r->ident.token_id == 0)
        return false;
    if (strcmp(permission, PT_PERM_AUTHENTICATED) == 0)
        return true;
    if (r->ident.token_id && !scope_has(r, permission))
        return false;
    if (r->ident.user_id == 0)
        return service_token_can(r, permission, org_id);
    if (org_id > 0)
        return member_can(r, permission, org_id, false);
    return can_anywhere(r, permission);
}

/* Is org_id anywhere in the actor's tree (whatever the permission)? */
static bool in_actor_tree(struct pt_req *r, int64_t org_id)
{
    json_t *row;

    if (r->ident.user_id == 0)
        return service_token_can(r, PT_PERM_AUTHENTICATED, org_id);
    return pt_db_query_one(r,
        "SELECT 1 AS ok FROM memberships m "
        "JOIN org_closure c ON c.ancestor = m.org_id AND c.descendant = ? "
        "WHERE m.user_id = ? LIMIT 1",
        PT_ARGS(PT_ARG_INT(org_id), PT_ARG_INT(r->ident.user_id)), &row) == 0;
}

static int deny(struct pt_req *r, int status, const char *why, int64_t org_id)
{
    json_t *meta = json_pack("{s:s, s:s, s:s, s:i}", "method", r->method_name, "path", r->path,
                             "permission", r->route->permission, "status", status);

    pt_audit_log_always(r, &(struct pt_audit){
        .org_id = org_id, .category = "Security", .action = "Access Denied",
        .status = "Failed", .description = why, .metadata = meta });
    json_decref(meta);
    return pt_error(r, status, why);
}

/* The path as one query value: "&", "#", "+" … must not end or split it. */
static const char *query_value(struct pt_req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = pt_alloc(r, strlen(s) * 3 + 1), *o = out;

    if (out == NULL)
        return "/";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (strchr("&#+=?% ", *p) || *p < 0x20 || *p >= 0x7f) {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        } else {
            *o++ = (char)*p;
        }
    }
    *o = '\0';
    return out;
}

static int need_sign_in(struct pt_req *r)
{
    if (r->api || r->method != PT_GET)
        return pt_error(r, 401, "Sign in to continue.");
    pt_flash(r, "info", "Please sign in to continue.");
    return pt_redirect(r, pt_printf(r, "/login?next=%s", query_value(r, r->path)));
}

/* The organisation requires two-factor: nothing else until it is set up. */
static int need_mfa_setup(struct pt_req *r)
{
    if (r->api || r->method != PT_GET)
        return pt_error(r, 403, "Your organisation requires two-factor authentication: "
                                "set it up first.");
    pt_flash(r, "warning", "Your organisation requires two-factor authentication. "
                           "Set it up now to continue.");
    return pt_redirect(r, "/profile/security/2fa");
}

int pt_guard(struct pt_req *r)
{
    const struct pt_route *rt = r->route;
    bool safe = r->method == PT_GET || r->method == PT_HEAD;
    int rc = pt_session_resolve(r);

    if (rc != 0)
        return rc;
    if (!safe && r->session_hash && !(rt->flags & PT_ROUTE_NO_CSRF) && !pt_session_csrf_ok(r))
        return deny(r, 403, "The form has expired or did not come from this site: "
                            "reload the page and try again.", 0);
    if (strcmp(rt->permission, PT_PERM_PUBLIC) == 0)
        return 0;
    if (r->ident.user_id == 0 && r->ident.token_id == 0)
        return need_sign_in(r);
    if (r->mfa_hold && !(rt->flags & PT_ROUTE_MFA_SETUP))
        return need_mfa_setup(r);
    int64_t org = rt->org_param ? pt_req_param_int(r, rt->org_param) : 0;
    if (pt_can(r, rt->permission, org))
        return 0;
    if (org > 0 && !in_actor_tree(r, org))
        return deny(r, 404, "There is no page at this address.", 0);
    if (org > 0 && r->ident.user_id && member_can(r, rt->permission, org, true))
        return deny(r, 403, "This organisation does not allow its parent organisation to "
                            "access it (its administrators can change that).", org);
    return deny(r, 403, "Your role does not allow this.", org);
}
