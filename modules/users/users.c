/*
 * users — the people of an organisation (issue 5, items 4 and 7): the staff
 * list ("Manage Users"), invitations, editing, disabling, password resets,
 * removal, assignments and "open as".
 *
 *   GET  /users                                  → the actor's home organisation's list
 *   GET  /orgs/{org}/users                       members: search, keyset pages
 *   GET  /orgs/{org}/users/invite, POST          invite (invite.c)
 *   GET  /orgs/{org}/users/{user}                details and assignments (edit.c)
 *   POST /orgs/{org}/users/{user}/edit           name, e-mail, role
 *   POST …/{user}/disable, …/enable, …/reset, …/remove
 *   POST …/{user}/invite/resend, …/invite/revoke
 *   GET  …/{user}/impersonate, POST              "open as" (impersonate.c)
 *   POST /impersonation/stop
 *
 * Each has its /api/v1 twin.  The guard has checked the route's permission
 * on {org} (404 outside the actor's tree); this file checks that {user}
 * really belongs to {org}.  See users.h for the rules every handler shares.
 */
#include "users.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- the path's organisation and user ----------------------------------------------- */

int users_org(struct pt_req *r, json_t *view, struct users_target *t)
{
    json_t *o;
    int rc = pt_db_query_one(r, "SELECT id, name, kind FROM orgs WHERE id = ?",
                             PT_ARGS(PT_ARG_INT(pt_req_param_int(r, "org"))), &o);

    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The organisation could not be read. Try again in a moment.");
    t->org_id = json_integer_value(json_object_get(o, "id"));
    t->org_name = json_string_value(json_object_get(o, "name"));
    t->org_kind = json_string_value(json_object_get(o, "kind"));
    json_object_set(view, "org", o);
    return 0;
}

/* Active, Disabled, Invited (a live invitation, no password yet) or
 * Invitation expired (no password, no live invitation: resend one). */
static const char *users_status_label(json_t *u)
{
    const char *status = json_string_value(json_object_get(u, "status"));

    if (status && strcmp(status, "disabled") == 0)
        return "Disabled";
    if (json_integer_value(json_object_get(u, "has_password")))
        return "Active";
    return json_integer_value(json_object_get(u, "invite_pending")) ? "Invited"
                                                                  : "Invitation expired";
}

void users_row_flags(json_t *u)
{
    const char *label = users_status_label(u);
    bool disabled = strcmp(label, "Disabled") == 0;
    bool pending = !json_integer_value(json_object_get(u, "has_password")) && !disabled;

    json_object_set_new(u, "status_label", json_string(label));
    json_object_set_new(u, "is_disabled", json_boolean(disabled));
    json_object_set_new(u, "is_active", json_boolean(!disabled));
    json_object_set_new(u, "is_invited", json_boolean(pending));
    json_object_set_new(u, "has_password", json_boolean(
        json_integer_value(json_object_get(u, "has_password")) != 0));
    json_object_set_new(u, "invite_pending", json_boolean(
        json_integer_value(json_object_get(u, "invite_pending")) != 0));
}

#define USERS_USER_COLUMNS \
    "SELECT u.id, u.full_name, u.email, u.status, (u.password_hash IS NOT NULL) AS has_password," \
    " (u.last_login_at IS NOT NULL) AS signed_in_ever," \
    " DATE_FORMAT(u.last_login_at, '%Y-%m-%d %H:%i') AS last_login_at," \
    " EXISTS (SELECT 1 FROM one_time_tokens t WHERE t.user_id = u.id AND t.purpose = 'invite'" \
    "  AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires > NOW()) AS invite_pending,"

int users_target(struct pt_req *r, json_t *view, struct users_target *t,
                 enum users_scope scope, const char *category, const char *action)
{
    json_t *u;
    int rc;

    memset(t, 0, sizeof(*t));
    if ((rc = users_org(r, view, t)) != 0)
        return rc;
    rc = pt_db_query_one(r, USERS_USER_COLUMNS
        " m.role_id, ro.name AS role_name FROM users u"
        " LEFT JOIN memberships m ON m.user_id = u.id AND m.org_id = ?"
        " LEFT JOIN roles ro ON ro.id = m.role_id"
        " WHERE u.id = ? AND (m.user_id IS NOT NULL OR (? = 1 AND EXISTS (SELECT 1"
        "  FROM memberships m2 JOIN org_closure c ON c.descendant = m2.org_id"
        "  AND c.ancestor = ? WHERE m2.user_id = u.id)))",
        PT_ARGS(PT_ARG_INT(t->org_id), PT_ARG_INT(pt_req_param_int(r, "user")),
                PT_ARG_INT(scope == USERS_IN_SUBTREE), PT_ARG_INT(t->org_id)), &u);
    if (rc == PT_ENOTFOUND && category != NULL) {
        /* An action refused like any other: the path's user is no member here. */
        pt_audit_log_always(r, &(struct pt_audit){ .org_id = t->org_id, .category = category,
            .action = action, .status = "Failed", .resource_type = "user",
            .resource_id = pt_req_param(r, "user"), .description = "no such user here" });
    }
    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "No such user in this organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The user could not be read. Try again in a moment.");
    t->user_id = json_integer_value(json_object_get(u, "id"));
    t->role_id = json_integer_value(json_object_get(u, "role_id"));
    t->email = json_string_value(json_object_get(u, "email"));
    t->full_name = json_string_value(json_object_get(u, "full_name"));
    t->status = json_string_value(json_object_get(u, "status"));
    t->role_name = json_string_value(json_object_get(u, "role_name"));
    t->has_password = json_integer_value(json_object_get(u, "has_password")) != 0;
    t->signed_in_ever = json_integer_value(json_object_get(u, "signed_in_ever")) != 0;
    t->disabled = t->status && strcmp(t->status, "disabled") == 0;
    users_row_flags(u);
    json_object_set_new(u, "member_here", json_boolean(t->role_id > 0));
    json_object_set_new(u, "is_self", json_boolean(t->user_id == pt_req_user_id(r)));
    json_object_set_new(u, "not_self", json_boolean(t->user_id != pt_req_user_id(r)));
    json_object_set_new(u, "href", json_string(users_user_url(r, t->org_id, t->user_id)));
    t->row = u;
    json_object_set(view, "user", u);
    return 0;
}

/* ---- refusals and events -------------------------------------------------------------- */

static struct pt_audit users_event(struct pt_req *r, const struct users_target *t,
                                   const char *category, const char *action)
{
    return (struct pt_audit){
        .org_id = t ? t->org_id : 0, .category = category, .action = action,
        .resource_type = t && t->user_id ? "user" : NULL,
        .resource_id = t && t->user_id ? pt_printf(r, "%lld", (long long)t->user_id) : NULL,
        .resource_name = t ? t->email : NULL,
        .user_id = t ? t->user_id : 0,
    };
}

int users_refuse(struct pt_req *r, const struct users_target *t, const char *category,
                 const char *action, int status, const char *why)
{
    struct pt_audit e = users_event(r, t, category, action);

    e.status = "Failed";
    e.description = why;
    pt_audit_log_always(r, &e);
    return pt_error(r, status, why);
}

int users_form_refuse(struct pt_req *r, json_t *view, const struct users_target *t,
                      const char *category, const char *action, int status, const char *why)
{
    struct pt_audit e = users_event(r, t, category, action);

    e.status = "Failed";
    e.description = why;
    pt_audit_log_always(r, &e);
    if (pt_req_is_api(r))
        return pt_error(r, status, why);
    /* The core shows the route's template again with view.error. */
    json_object_set_new(view, "error", json_string(why));
    json_object_set_new(view, "has_error", json_true());
    return status;
}

int users_audit(struct pt_req *r, const struct users_target *t, const char *category,
                const char *action, const char *description, json_t *metadata)
{
    struct pt_audit e = users_event(r, t, category, action);

    e.status = "Success";
    e.description = description;
    e.metadata = metadata;
    return pt_audit_log(r, &e);
}

/* ---- small helpers ---------------------------------------------------------------------- */

const char *users_list_url(struct pt_req *r, int64_t org)
{
    return pt_printf(r, "/orgs/%lld/users", (long long)org);
}

const char *users_user_url(struct pt_req *r, int64_t org, int64_t user)
{
    return pt_printf(r, "/orgs/%lld/users/%lld", (long long)org, (long long)user);
}

const char *users_base_url(struct pt_req *r)
{
    const char *b = pt_config_get(r, "server", "base_url");
    size_t n = b ? strlen(b) : 0;

    while (n > 0 && b[n - 1] == '/')
        n--;
    return n ? pt_strndup(r, b, n) : "";
}

const char *users_input(struct pt_req *r, const char *name)
{
    return pt_trim(r, pt_req_input(r, name));
}

bool users_email_ok(const char *email)
{
    const char *at = email ? strchr(email, '@') : NULL;
    size_t n = email ? strlen(email) : 0;

    if (at == NULL || at == email || n > USERS_EMAIL_MAX || strchr(at + 1, '@') ||
        strchr(at + 1, '.') == NULL || at[1] == '.' || email[n - 1] == '.')
        return false;
    for (const unsigned char *p = (const unsigned char *)email; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("<>()[]\\,;:\"", *p))
            return false;
    return true;
}

int64_t users_role_input(struct pt_req *r)
{
    const char *v = users_input(r, "role");
    char *end = NULL;
    long long id;

    if (v == NULL)
        return 0;
    errno = 0;
    id = strtoll(v, &end, 10);
    return errno == 0 && *end == '\0' && id > 0 ? (int64_t)id : 0;
}

void users_view_abilities(struct pt_req *r, json_t *view, int64_t org)
{
    static const struct { const char *flag, *perm; } abilities[] = {
        { "can_invite", "users.invite" }, { "can_edit", "users.edit" },
        { "can_disable", "users.disable" }, { "can_remove", "users.remove" },
        { "can_reset", "users.reset_password" }, { "can_impersonate", "users.impersonate" },
    };

    for (size_t i = 0; i < sizeof(abilities) / sizeof(abilities[0]); i++)
        json_object_set_new(view, abilities[i].flag,
                            json_boolean(pt_can(r, abilities[i].perm, org)));
}

/* ---- the rules --------------------------------------------------------------------------- */

const char *users_outranked(struct pt_req *r, int64_t user_id, int64_t org_id,
                            bool subtree_only)
{
    json_t *rows, *m;
    size_t i;

    if (pt_db_query(r, "SELECT m.org_id, m.role_id FROM memberships m WHERE m.user_id = ?"
                    " AND (? = 0 OR EXISTS (SELECT 1 FROM org_closure c WHERE c.ancestor = ?"
                    " AND c.descendant = m.org_id)) ORDER BY m.org_id",
                    PT_ARGS(PT_ARG_INT(user_id), PT_ARG_INT(subtree_only), PT_ARG_INT(org_id)),
                    &rows) != 0)
        return "The account's roles could not be read. Try again in a moment.";
    /* Never name the organisation: it may lie outside the actor's tree. */
    json_array_foreach(rows, i, m)
        if (!pt_can_grant_role(r, json_integer_value(json_object_get(m, "role_id")),
                               json_integer_value(json_object_get(m, "org_id")), NULL))
            return "You cannot change an account with more rights than your own.";
    return NULL;
}

bool users_role_is_admin(struct pt_req *r, int64_t role_id)
{
    json_t *row;

    return pt_db_query_one(r, "SELECT COUNT(*) AS n FROM role_permissions WHERE role_id = ?"
                           " AND perm_key IN " USERS_ADMIN_PERMS_SQL,
                           PT_ARGS(PT_ARG_INT(role_id)), &row) == 0 &&
           json_integer_value(json_object_get(row, "n")) == USERS_ADMIN_PERMS_N;
}

#define USERS_IS_ADMIN_ROLE(role) \
    "((SELECT COUNT(*) FROM role_permissions rp WHERE rp.role_id = " role \
    " AND rp.perm_key IN " USERS_ADMIN_PERMS_SQL ") = 2)"

bool users_last_admin(struct pt_req *r, int64_t org_id, int64_t user_id)
{
    json_t *rows, *row;

    /* Two administrators removing each other at once: the second waits. */
    if (pt_db_query(r, "SELECT user_id FROM memberships WHERE org_id = ? FOR UPDATE",
                    PT_ARGS(PT_ARG_INT(org_id)), &rows) != 0)
        return true;                       /* unknown: refuse rather than guess */
    int rc = pt_db_query_one(r,
        "SELECT (u.status = 'active' AND " USERS_IS_ADMIN_ROLE("m.role_id") ") AS is_admin,"
        " (SELECT COUNT(*) FROM memberships m2 JOIN users u2 ON u2.id = m2.user_id"
        "  AND u2.status = 'active' WHERE m2.org_id = m.org_id AND m2.user_id <> m.user_id"
        "  AND " USERS_IS_ADMIN_ROLE("m2.role_id") ") AS others"
        " FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.org_id = ? AND m.user_id = ?",
        PT_ARGS(PT_ARG_INT(org_id), PT_ARG_INT(user_id)), &row);
    if (rc == PT_ENOTFOUND)
        return false;
    if (rc != 0)
        return true;
    return json_integer_value(json_object_get(row, "is_admin")) != 0 &&
           json_integer_value(json_object_get(row, "others")) == 0;
}

json_t *users_grantable_roles(struct pt_req *r, int64_t org, int64_t selected_id)
{
    json_t *rows, *row, *out = pt_keep(r, json_array());
    size_t i;

    /* System roles of the organisation's kind, custom roles of it or an
     * ancestor; then only those the actor may hand out here. */
    if (out == NULL || pt_db_query(r,
            "SELECT ro.id, ro.name, ro.is_system FROM roles ro JOIN orgs o ON o.id = ?"
            " WHERE (ro.org_id IS NULL AND (ro.org_kinds IS NULL"
            "  OR FIND_IN_SET(o.kind, ro.org_kinds) > 0))"
            " OR ro.org_id IN (SELECT c.ancestor FROM org_closure c WHERE c.descendant = o.id)"
            " ORDER BY ro.is_system DESC, ro.name, ro.id", PT_ARGS(PT_ARG_INT(org)), &rows) != 0)
        return out;
    json_array_foreach(rows, i, row) {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        if (!pt_can_grant_role(r, id, org, NULL))
            continue;
        json_array_append_new(out, json_pack("{s:I, s:O, s:b, s:b}", "id", (json_int_t)id,
            "name", json_object_get(row, "name"),
            "system", json_integer_value(json_object_get(row, "is_system")) != 0,
            "selected", id == selected_id));
    }
    return out;
}

/* ---- the list ------------------------------------------------------------------------------ */

/* "%q%" for LIKE with ! % _ escaped by '!'. */
static const char *users_like(struct pt_req *r, const char *q)
{
    char *out = q ? pt_alloc(r, strlen(q) * 2 + 3) : NULL, *o = out;

    if (out == NULL)
        return NULL;
    *o++ = '%';
    for (; *q; q++) {
        if (*q == '!' || *q == '%' || *q == '_')
            *o++ = '!';
        *o++ = *q;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

/* s percent-encoded for a query string (RFC 3986 unreserved kept). */
static const char *users_url_encode(struct pt_req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = pt_alloc(r, strlen(s) * 3 + 1), *o = out;

    if (out == NULL)
        return "";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The page's cursor: the id of the last user of the previous page. */
static int64_t users_after(struct pt_req *r, bool *bad)
{
    const char *v = pt_req_query(r, "after");
    char *end = NULL;
    long long id;

    *bad = false;
    if (v == NULL || *v == '\0')
        return 0;
    errno = 0;
    id = strtoll(v, &end, 10);
    *bad = errno != 0 || *end != '\0' || id <= 0;
    return *bad ? 0 : (int64_t)id;
}

static int users_list_rows(struct pt_req *r, json_t *view, int64_t org, const char *q,
                           int64_t after)
{
    const char *like = users_like(r, q);
    json_t *rows, *row;
    size_t i;

    /* Keyset on (name, id): the cursor's name is read from its row. */
    if (pt_db_query(r, USERS_USER_COLUMNS
            " ro.id AS role_id, ro.name AS role_name FROM memberships m"
            " JOIN users u ON u.id = m.user_id JOIN roles ro ON ro.id = m.role_id"
            " WHERE m.org_id = ?"
            " AND (? IS NULL OR u.full_name LIKE ? ESCAPE '!' OR u.email LIKE ? ESCAPE '!')"
            " AND (? = 0 OR u.full_name > (SELECT a.full_name FROM users a WHERE a.id = ?)"
            "  OR (u.full_name = (SELECT a.full_name FROM users a WHERE a.id = ?) AND u.id > ?))"
            " ORDER BY u.full_name, u.id LIMIT ?",
            PT_ARGS(PT_ARG_INT(org), PT_ARG_STR(like), PT_ARG_STR(like), PT_ARG_STR(like),
                    PT_ARG_INT(after), PT_ARG_INT(after), PT_ARG_INT(after), PT_ARG_INT(after),
                    PT_ARG_INT(USERS_PAGE_SIZE + 1)), &rows) != 0)
        return PT_EDB;
    if (json_array_size(rows) > USERS_PAGE_SIZE) {
        json_array_remove(rows, USERS_PAGE_SIZE);
        json_int_t last = json_integer_value(json_object_get(
            json_array_get(rows, USERS_PAGE_SIZE - 1), "id"));
        json_object_set_new(view, "has_next", json_true());
        json_object_set_new(view, "next_after", json_integer(last));
    }
    json_array_foreach(rows, i, row) {
        users_row_flags(row);
        int64_t id = json_integer_value(json_object_get(row, "id"));
        json_object_set_new(row, "href", json_string(users_user_url(r, org, id)));
        json_object_set_new(row, "is_self", json_boolean(id == pt_req_user_id(r)));
    }
    json_object_set(view, "users", rows);
    return 0;
}

static int users_list(struct pt_req *r, json_t *view)
{
    struct users_target t = { 0 };
    const char *q = pt_trim(r, pt_req_query(r, "q"));
    bool bad;
    int64_t after = users_after(r, &bad);
    int rc;

    if ((rc = users_org(r, view, &t)) != 0)
        return rc;
    if (bad)
        return pt_error(r, 400, "The page cursor \"after\" must be a user id.");
    if (q != NULL && strlen(q) > 200)
        return pt_error(r, 400, "Search for at most 200 characters.");
    if (users_list_rows(r, view, t.org_id, q, after) != 0)
        return pt_error(r, 500, "The users could not be read. Try again in a moment.");
    const char *base = users_list_url(r, t.org_id);
    json_object_set_new(view, "page_url", json_string(base));
    json_object_set_new(view, "q", json_string(q ? q : ""));
    if (json_is_true(json_object_get(view, "has_next"))) {
        const char *qq = q ? users_url_encode(r, q) : NULL;
        json_object_set_new(view, "next_url", json_string(pt_printf(r, "%s?%s%s%safter=%lld",
            base, qq ? "q=" : "", qq ? qq : "", qq ? "&" : "",
            (long long)json_integer_value(json_object_get(view, "next_after")))));
    }
    if (after > 0) {
        json_object_set_new(view, "has_first", json_true());
        json_object_set_new(view, "first_url", json_string(base));
    }
    json_object_set_new(view, "invite_url", json_string(pt_printf(r, "%s/invite", base)));
    users_view_abilities(r, view, t.org_id);
    return 200;
}

/* /users: the actor's own organisation's list. */
static int users_home(struct pt_req *r, json_t *view)
{
    int64_t home = pt_req_home_org(r);

    if (home <= 0)
        return pt_error(r, 404, "You are not a member of any organisation.");
    /* The API answers a redirect with the view: say where it leads. */
    json_object_set_new(view, "org_id", json_integer(home));
    json_object_set_new(view, "users_url", json_string(users_list_url(r, home)));
    return pt_redirect(r, users_list_url(r, home));
}

/* ---- the descriptor -------------------------------------------------------------------------- */

#define USER_PATH "/orgs/{org:int}/users/{user:int}"

static const struct pt_route users_routes[] = {
    { .methods = PT_GET, .pattern = "/users", .permission = PT_PERM_AUTHENTICATED,
      .handler = users_home, .template = "users/list.tpl", .title = "Users" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/users", .permission = "users.view",
      .org_param = "org", .handler = users_list, .template = "users/list.tpl",
      .title = "Manage users" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/users/invite",
      .permission = "users.invite", .org_param = "org", .handler = users_invite_page,
      .template = "users/invite.tpl", .title = "Invite user" },
    { .methods = PT_GET, .pattern = USER_PATH, .permission = "users.view", .org_param = "org",
      .handler = users_user_page, .template = "users/user.tpl", .title = "User" },
    { .methods = PT_POST, .pattern = USER_PATH "/edit", .permission = "users.edit",
      .org_param = "org", .handler = users_edit, .template = "users/user.tpl", .title = "User" },
    { .methods = PT_POST, .pattern = USER_PATH "/disable", .permission = "users.disable",
      .org_param = "org", .handler = users_disable, .template = "users/user.tpl",
      .title = "User" },
    { .methods = PT_POST, .pattern = USER_PATH "/enable", .permission = "users.disable",
      .org_param = "org", .handler = users_enable, .template = "users/user.tpl",
      .title = "User" },
    { .methods = PT_POST, .pattern = USER_PATH "/reset", .permission = "users.reset_password",
      .org_param = "org", .handler = users_reset, .template = "users/user.tpl",
      .title = "User" },
    { .methods = PT_POST, .pattern = USER_PATH "/remove", .permission = "users.remove",
      .org_param = "org", .handler = users_remove, .template = "users/user.tpl",
      .title = "User" },
    { .methods = PT_POST, .pattern = USER_PATH "/invite/resend", .permission = "users.invite",
      .org_param = "org", .handler = users_invite_resend, .template = "users/user.tpl",
      .title = "User" },
    { .methods = PT_POST, .pattern = USER_PATH "/invite/revoke", .permission = "users.invite",
      .org_param = "org", .handler = users_invite_revoke, .template = "users/user.tpl",
      .title = "User" },
    { .methods = PT_GET | PT_POST, .pattern = USER_PATH "/impersonate",
      .permission = "users.impersonate", .org_param = "org", .handler = users_impersonate,
      .template = "users/impersonate.tpl", .title = "Open as user" },
    { .methods = PT_POST, .pattern = "/impersonation/stop", .permission = PT_PERM_AUTHENTICATED,
      .handler = users_impersonation_stop, .template = "users/list.tpl",
      .title = "Stop impersonating" },
    { 0 }
};

static const struct pt_permission users_permissions[] = {
    { .key = "users.view", .category = USERS_CAT, .label = "View users",
      .roles = PT_ROLES_ADMINS " msp_user" },
    { .key = "users.invite", .category = USERS_CAT, .label = "Invite users",
      .roles = PT_ROLES_ADMINS },
    { .key = "users.edit", .category = USERS_CAT, .label = "Edit users and their roles",
      .roles = PT_ROLES_ADMINS },
    { .key = "users.disable", .category = USERS_CAT, .label = "Disable and enable users",
      .roles = PT_ROLES_ADMINS },
    { .key = "users.remove", .category = USERS_CAT, .label = "Remove users",
      .roles = PT_ROLES_ADMINS },
    { .key = "users.reset_password", .category = USERS_CAT,
      .label = "Send password reset e-mails", .roles = PT_ROLES_ADMINS },
    { .key = "users.impersonate", .category = USERS_CAT,
      .label = "Open a customer user's account (impersonate)",
      .roles = PT_ROLES_CHANNEL_ADMINS, .flags = PT_PERM_CONSENT },
    { 0 }
};

static const struct pt_audit_type users_audit_types[] = {
    { USERS_CAT, "Invite User" },
    { USERS_CAT, "Resend Invitation" },
    { USERS_CAT, "Revoke Invitation" },
    { USERS_CAT, "Update User Profile" },
    { USERS_CAT, "Update User Permissions" },
    { USERS_CAT, "Disable User" },
    { USERS_CAT, "Enable User" },
    { USERS_CAT, "Send Password Reset" },
    { USERS_CAT, "Remove User" },
    { USERS_CAT, "Reactivate User" },
    { USERS_CAT_SECURITY, "Impersonation Start" },
    { USERS_CAT_SECURITY, "Impersonation Stop" },
    { 0 }
};

static const struct pt_nav_item users_nav[] = {
    { .label = "Users", .href = "/users", .permission = "users.view", .order = 40 },
    { 0 }
};

const struct portal_module users_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "users",
    .routes = users_routes,
    .permissions = users_permissions,
    .audit_types = users_audit_types,
    .nav = users_nav,
};
