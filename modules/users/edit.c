/*
 * edit.c — one user of an organisation: the page (details, role, the
 * "Assignments" of every organisation and role the user holds inside the
 * actor's tree) and what can be done to the account from it.
 *
 * A role change, disabling and removal end the target's sessions: a
 * privilege change takes effect on the next request, not the next sign-in.
 * Nobody changes their own role, disables or removes themselves, and the
 * last administrator of an organisation (users.h) stays one.
 */
#include "users.h"

#include <stdio.h>

#define EDIT_LAST_ADMIN 3              /* tx result: would orphan an organisation */

/* ---- the page ----------------------------------------------------------------------------- */

static json_t *users_assignments(struct pt_req *r, int64_t user)
{
    json_t *rows, *row, *out = pt_keep(r, json_array());
    size_t i;

    if (out == NULL || pt_db_query(r,
            "SELECT m.org_id, o.name AS org_name, o.kind AS org_kind, m.role_id,"
            " ro.name AS role_name, DATE_FORMAT(m.created, '%Y-%m-%d') AS since"
            " FROM memberships m JOIN orgs o ON o.id = m.org_id JOIN roles ro ON ro.id = m.role_id"
            " WHERE m.user_id = ? ORDER BY o.name, o.id", PT_ARGS(PT_ARG_INT(user)), &rows) != 0)
        return out;
    /* Only what the actor may see: an organisation outside its tree stays unknown. */
    json_array_foreach(rows, i, row) {
        int64_t org = json_integer_value(json_object_get(row, "org_id"));
        if (!pt_can(r, "users.view", org))
            continue;
        json_object_set_new(row, "href", json_string(users_user_url(r, org, user)));
        json_array_append(out, row);
    }
    return out;
}

int users_user_view(struct pt_req *r, json_t *view, const struct users_target *t)
{
    const char *base = users_user_url(r, t->org_id, t->user_id);
    bool here = t->role_id > 0, self = t->user_id == pt_req_user_id(r);
    static const char *const actions[] = { "edit", "disable", "enable", "reset", "remove",
                                           "invite/resend", "invite/revoke", "impersonate" };

    static const char *const abilities[] = { "can_edit", "can_disable", "can_remove",
                                             "can_reset", "can_impersonate", "can_invite" };

    users_view_abilities(r, view, t->org_id);
    /* The actions act on the membership here: none when it lies below. */
    for (size_t i = 0; !here && i < sizeof(abilities) / sizeof(abilities[0]); i++)
        json_object_set_new(view, abilities[i], json_false());
    json_object_set_new(view, "elsewhere", json_boolean(!here));
    if (self) {
        json_object_set_new(view, "can_remove", json_false());
        json_object_set_new(view, "can_disable", json_false());
        json_object_set_new(view, "can_impersonate", json_false());
    }
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        char key[32], *slash;
        snprintf(key, sizeof(key), "%s_url", actions[i]);
        if ((slash = strchr(key, '/')) != NULL)      /* invite/resend → invite_resend_url */
            *slash = '_';
        json_object_set_new(view, key, json_string(pt_printf(r, "%s/%s", base, actions[i])));
    }
    /* The template reads them inside {{#user}}: a section found in an
     * enclosing scope would expand without the user's own values. */
    json_t *u = json_object_get(view, "user");
    for (size_t i = 0; u && i < sizeof(abilities) / sizeof(abilities[0]); i++)
        json_object_set(u, abilities[i], json_object_get(view, abilities[i]));
    json_object_set_new(view, "list_url", json_string(users_list_url(r, t->org_id)));
    json_object_set(view, "assignments", users_assignments(r, t->user_id));
    if (here && json_is_true(json_object_get(view, "can_edit")))
        json_object_set(view, "roles", users_grantable_roles(r, t->org_id, t->role_id));
    json_object_set_new(view, "title", json_string(t->full_name ? t->full_name : "User"));
    return 200;
}

int users_user_page(struct pt_req *r, json_t *view)
{
    struct users_target t;
    int rc = users_target(r, view, &t, USERS_IN_SUBTREE, NULL, NULL);

    return rc ? rc : users_user_view(r, view, &t);
}

/* The page again with the reason (or problem+json on the API), audited. */
static int edit_refuse(struct pt_req *r, json_t *view, const struct users_target *t,
                       const char *action, int status, const char *why)
{
    users_user_view(r, view, t);
    return users_form_refuse(r, view, t, USERS_CAT, action, status, why);
}

/* ---- edit: name, e-mail, role ---------------------------------------------------------------- */

struct edit {
    struct users_target *t;
    const char *full_name, *email, *role_name;
    int64_t     role_id;
    bool        profile, role;        /* what changes */
};

static int edit_tx(struct pt_req *r, void *arg)
{
    struct edit *ed = arg;
    struct users_target *t = ed->t;
    int rc = 0;

    if (ed->role && users_role_is_admin(r, t->role_id) && !users_role_is_admin(r, ed->role_id) &&
        users_last_admin(r, t->org_id, t->user_id))
        return EDIT_LAST_ADMIN;
    if (ed->profile) {
        rc = pt_db_exec(r, "UPDATE users SET full_name = ?, email = ? WHERE id = ?",
                        PT_ARGS(PT_ARG_STR(ed->full_name), PT_ARG_STR(ed->email),
                                PT_ARG_INT(t->user_id)), NULL, NULL);
        /* Links mailed to the old address must not outlive the change. */
        if (rc == 0 && strcmp(ed->email, t->email) != 0)
            rc = pt_db_exec(r, "UPDATE one_time_tokens SET revoked_at = NOW(),"
                            " expires = LEAST(expires, NOW()) WHERE user_id = ?"
                            " AND used_at IS NULL AND revoked_at IS NULL",
                            PT_ARGS(PT_ARG_INT(t->user_id)), NULL, NULL);
        json_t *m = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}",
                              "before", "full_name", t->full_name, "email", t->email,
                              "after", "full_name", ed->full_name, "email", ed->email);
        if (rc == 0)
            rc = users_audit(r, t, USERS_CAT, "Update User Profile",
                             pt_printf(r, "profile of %s updated", ed->email), m);
        json_decref(m);
    }
    if (rc == 0 && ed->role) {
        rc = pt_db_exec(r, "UPDATE memberships SET role_id = ? WHERE user_id = ? AND org_id = ?",
                        PT_ARGS(PT_ARG_INT(ed->role_id), PT_ARG_INT(t->user_id),
                                PT_ARG_INT(t->org_id)), NULL, NULL);
        json_t *m = json_pack("{s:{s:I, s:s}, s:{s:I, s:s}}",
            "before", "role_id", (json_int_t)t->role_id, "role", t->role_name ? t->role_name : "",
            "after", "role_id", (json_int_t)ed->role_id, "role", ed->role_name);
        if (rc == 0)
            rc = users_audit(r, t, USERS_CAT, "Update User Permissions",
                             pt_printf(r, "%s: %s → %s", t->email, t->role_name, ed->role_name),
                             m);
        json_decref(m);
        /* A privilege change: the account signs in again with its new role. */
        if (rc == 0)
            rc = pt_session_end_user(r, t->user_id, false);
    }
    return rc;
}

/* NULL when the role input can be used (ed->role set when it changes). */
static const char *edit_role(struct pt_req *r, struct edit *ed, int *status)
{
    const char *why = NULL;
    json_t *role;

    *status = 403;
    ed->role_id = users_role_input(r);
    if (users_input(r, "role") != NULL && ed->role_id <= 0) {
        *status = 422;
        return "Choose a role.";
    }
    if (ed->role_id <= 0 || ed->role_id == ed->t->role_id)
        return NULL;
    if (ed->t->user_id == pt_req_user_id(r))
        return "You cannot change your own role.";
    if (!pt_can_grant_role(r, ed->t->role_id, ed->t->org_id, NULL))
        return "You cannot change the role of someone with more rights than your own.";
    if (!pt_can_grant_role(r, ed->role_id, ed->t->org_id, &why))
        return why ? why : "You cannot grant this role here.";
    if (pt_db_query_one(r, "SELECT name FROM roles WHERE id = ?",
                        PT_ARGS(PT_ARG_INT(ed->role_id)), &role) != 0)
        return "There is no such role.";
    ed->role_name = json_string_value(json_object_get(role, "name"));
    ed->role = true;
    return NULL;
}

/* NULL when the name and e-mail inputs can be used (ed->profile when they change). */
static const char *edit_profile(struct pt_req *r, struct edit *ed, int *status)
{
    const char *why;
    json_t *row;

    *status = 422;
    ed->full_name = users_input(r, "full_name");
    ed->email = users_input(r, "email");
    if (ed->full_name == NULL)
        ed->full_name = ed->t->full_name;
    if (ed->email == NULL)
        ed->email = ed->t->email;
    if (strlen(ed->full_name) > USERS_NAME_MAX)
        return "The full name may have up to 200 characters.";
    if (!users_email_ok(ed->email))
        return "Enter a valid e-mail address, such as name@example.com.";
    ed->profile = strcmp(ed->full_name, ed->t->full_name) != 0 ||
                  strcmp(ed->email, ed->t->email) != 0;
    if (!ed->profile)
        return NULL;
    *status = 403;
    if ((why = users_outranked(r, ed->t->user_id, ed->t->org_id, false)) != NULL)
        return why;
    *status = 409;
    if (pt_db_query_one(r, "SELECT id FROM users WHERE email = ? AND id <> ?",
                        PT_ARGS(PT_ARG_STR(ed->email), PT_ARG_INT(ed->t->user_id)), &row) == 0)
        return pt_printf(r, "The e-mail address %s is already used by another account.",
                         ed->email);
    return NULL;
}

int users_edit(struct pt_req *r, json_t *view)
{
    struct users_target t;
    struct edit ed = { .t = &t };
    const char *why;
    int status, rc = users_target(r, view, &t, USERS_AT_ORG, USERS_CAT,
                                  "Update User Profile");

    if (rc != 0)
        return rc;
    if ((why = edit_profile(r, &ed, &status)) != NULL)
        return edit_refuse(r, view, &t, "Update User Profile", status, why);
    if ((why = edit_role(r, &ed, &status)) != NULL)
        return edit_refuse(r, view, &t, "Update User Permissions", status, why);
    if (!ed.profile && !ed.role) {
        /* Still an event: every unsafe request leaves one. */
        users_audit(r, &t, USERS_CAT, "Update User Profile", "no change", NULL);
        pt_flash(r, "info", "Nothing changed.");
        return pt_redirect(r, users_user_url(r, t.org_id, t.user_id));
    }
    rc = pt_db_tx(r, edit_tx, &ed);
    if (rc == EDIT_LAST_ADMIN)
        return edit_refuse(r, view, &t, "Update User Permissions", 409, pt_printf(r,
            "%s is the last administrator of %s: make someone else an administrator first.",
            t.email, t.org_name));
    if (rc != 0)
        return users_refuse(r, &t, USERS_CAT, "Update User Profile", 500,
                            "The changes could not be saved. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string("updated"));
    pt_flash(r, "success", ed.role ? pt_printf(r, "Changes saved. %s is now %s and has been "
                                               "signed out.", ed.email, ed.role_name)
                                   : "Changes saved.");
    return pt_redirect(r, users_user_url(r, t.org_id, t.user_id));
}

/* ---- disable / enable ----------------------------------------------------------------------- */

struct status_change {
    struct users_target *t;
    bool        disable;
    const char *blocked_org;          /* EDIT_LAST_ADMIN: where */
};

static int status_tx(struct pt_req *r, void *arg)
{
    struct status_change *sc = arg;
    json_t *rows, *m;
    size_t i;
    int rc;

    if (sc->disable) {
        if ((rc = pt_db_query(r, "SELECT m.org_id, o.name FROM memberships m JOIN orgs o"
                              " ON o.id = m.org_id WHERE m.user_id = ? ORDER BY m.org_id",
                              PT_ARGS(PT_ARG_INT(sc->t->user_id)), &rows)) != 0)
            return rc;
        json_array_foreach(rows, i, m)
            if (users_last_admin(r, json_integer_value(json_object_get(m, "org_id")),
                                 sc->t->user_id)) {
                sc->blocked_org = json_string_value(json_object_get(m, "name"));
                return EDIT_LAST_ADMIN;
            }
    }
    rc = pt_db_exec(r, "UPDATE users SET status = ? WHERE id = ?",
                    PT_ARGS(PT_ARG_STR(sc->disable ? "disabled" : "active"),
                            PT_ARG_INT(sc->t->user_id)), NULL, NULL);
    if (rc == 0 && sc->disable)
        rc = pt_session_end_user(r, sc->t->user_id, false);
    json_t *meta = json_pack("{s:{s:s}, s:{s:s}}", "before", "status", sc->t->status,
                             "after", "status", sc->disable ? "disabled" : "active");
    if (rc == 0)
        rc = users_audit(r, sc->t, USERS_CAT, sc->disable ? "Disable User" : "Enable User",
                         pt_printf(r, "%s %s", sc->t->email,
                                   sc->disable ? "disabled" : "enabled"), meta);
    json_decref(meta);
    return rc;
}

static int users_set_status(struct pt_req *r, json_t *view, bool disable)
{
    const char *action = disable ? "Disable User" : "Enable User", *why;
    struct users_target t;
    struct status_change sc = { .t = &t, .disable = disable };
    int rc = users_target(r, view, &t, USERS_AT_ORG, USERS_CAT, action);

    if (rc != 0)
        return rc;
    if (t.user_id == pt_req_user_id(r))
        return users_refuse(r, &t, USERS_CAT, action, 403, disable
                            ? "You cannot disable your own account."
                            : "You cannot enable your own account.");
    if ((why = users_outranked(r, t.user_id, t.org_id, false)) != NULL)
        return users_refuse(r, &t, USERS_CAT, action, 403, why);
    if (t.disabled == disable)
        return users_refuse(r, &t, USERS_CAT, action, 409, pt_printf(r, "%s is already %s.",
                            t.email, disable ? "disabled" : "active"));
    rc = pt_db_tx(r, status_tx, &sc);
    if (rc == EDIT_LAST_ADMIN)
        return users_refuse(r, &t, USERS_CAT, action, 409, pt_printf(r,
            "%s is the last administrator of %s: make someone else an administrator first.",
            t.email, sc.blocked_org));
    if (rc != 0)
        return users_refuse(r, &t, USERS_CAT, action, 500,
                            "The account could not be changed. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string(disable ? "disabled" : "enabled"));
    pt_flash(r, "success", disable
             ? pt_printf(r, "%s has been disabled and signed out; signing in is refused "
                         "until the account is enabled again.", t.email)
             : pt_printf(r, "%s has been enabled and can sign in again. Check the role "
                         "assignments.", t.email));
    return pt_redirect(r, users_user_url(r, t.org_id, t.user_id));
}

int users_disable(struct pt_req *r, json_t *view) { return users_set_status(r, view, true); }
int users_enable(struct pt_req *r, json_t *view) { return users_set_status(r, view, false); }

/* ---- send a password reset ------------------------------------------------------------------ */

static int reset_tx(struct pt_req *r, void *arg)
{
    struct users_target *t = arg;
    int rc = pt_mail_password_reset(r, t->user_id, t->org_id, t->email, t->full_name,
                                    USERS_RESET_MINUTES);

    if (rc == 0)
        rc = users_audit(r, t, USERS_CAT, "Send Password Reset",
                         pt_printf(r, "password reset e-mail sent to %s", t->email), NULL);
    return rc;
}

int users_reset(struct pt_req *r, json_t *view)
{
    struct users_target t;
    const char *why;
    int rc = users_target(r, view, &t, USERS_AT_ORG, USERS_CAT, "Send Password Reset");

    if (rc != 0)
        return rc;
    if ((why = users_outranked(r, t.user_id, t.org_id, false)) != NULL)
        return users_refuse(r, &t, USERS_CAT, "Send Password Reset", 403, why);
    if (t.disabled)
        return users_refuse(r, &t, USERS_CAT, "Send Password Reset", 409, pt_printf(r,
                            "%s is disabled: enable the account first.", t.email));
    if (pt_db_tx(r, reset_tx, &t) != 0)
        return users_refuse(r, &t, USERS_CAT, "Send Password Reset", 500,
                            "The e-mail could not be queued. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string("reset_sent"));
    pt_flash(r, "success", pt_printf(r, "A password reset e-mail has been sent to %s. The link "
                                     "works once, within %d minutes.", t.email,
                                     USERS_RESET_MINUTES));
    return pt_redirect(r, users_user_url(r, t.org_id, t.user_id));
}

/* ---- remove --------------------------------------------------------------------------------- */

struct removal {
    struct users_target *t;
    json_t     *removed;               /* [{org_id, org, role}] */
    bool        deactivated;
    const char *blocked_org;
};

static int remove_tx(struct pt_req *r, void *arg)
{
    struct removal *rm = arg;
    int64_t user = rm->t->user_id, org = rm->t->org_id;
    json_t *rows, *m;
    size_t i;
    int rc;

    /* Every membership in the organisation's subtree: no permission stays there. */
    if ((rc = pt_db_query(r, "SELECT m.org_id, o.name AS org, ro.name AS role FROM memberships m"
                          " JOIN org_closure c ON c.descendant = m.org_id AND c.ancestor = ?"
                          " JOIN orgs o ON o.id = m.org_id JOIN roles ro ON ro.id = m.role_id"
                          " WHERE m.user_id = ? ORDER BY c.depth, m.org_id",
                          PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(user)), &rows)) != 0)
        return rc;
    json_array_foreach(rows, i, m)
        if (users_last_admin(r, json_integer_value(json_object_get(m, "org_id")), user)) {
            rm->blocked_org = json_string_value(json_object_get(m, "org"));
            return EDIT_LAST_ADMIN;
        }
    rm->removed = rows;
    rc = pt_db_exec(r, "DELETE m FROM memberships m JOIN org_closure c ON c.descendant = m.org_id"
                    " AND c.ancestor = ? WHERE m.user_id = ?",
                    PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(user)), NULL, NULL);
    if (rc == 0)
        rc = pt_db_exec(r, "UPDATE one_time_tokens t JOIN org_closure c ON c.descendant = t.org_id"
                        " AND c.ancestor = ? SET t.revoked_at = NOW() WHERE t.user_id = ?"
                        " AND t.purpose = 'invite' AND t.used_at IS NULL AND t.revoked_at IS NULL",
                        PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(user)), NULL, NULL);
    if (rc == 0 && pt_db_query_one(r, "SELECT 1 AS one FROM memberships WHERE user_id = ? LIMIT 1",
                                   PT_ARGS(PT_ARG_INT(user)), &m) == PT_ENOTFOUND) {
        /* Nowhere left to work: the account is deactivated (CloudNine's "remove"). */
        rm->deactivated = true;
        rc = pt_db_exec(r, "UPDATE users SET status = 'disabled' WHERE id = ?",
                        PT_ARGS(PT_ARG_INT(user)), NULL, NULL);
    }
    if (rc == 0)
        rc = pt_session_end_user(r, user, false);
    json_t *meta = json_pack("{s:O, s:b}", "removed", rows, "deactivated", rm->deactivated);
    if (rc == 0)
        rc = users_audit(r, rm->t, USERS_CAT, "Remove User", pt_printf(r, "%s removed from %s%s",
                         rm->t->email, rm->t->org_name, rm->deactivated ? " and deactivated" : ""),
                         meta);
    json_decref(meta);
    return rc;
}

int users_remove(struct pt_req *r, json_t *view)
{
    struct users_target t;
    struct removal rm = { .t = &t };
    const char *why;
    int rc = users_target(r, view, &t, USERS_AT_ORG, USERS_CAT, "Remove User");

    if (rc != 0)
        return rc;
    if (t.user_id == pt_req_user_id(r))
        return users_refuse(r, &t, USERS_CAT, "Remove User", 403,
                            "You cannot remove your own account. Another administrator can.");
    if ((why = users_outranked(r, t.user_id, t.org_id, true)) != NULL)
        return users_refuse(r, &t, USERS_CAT, "Remove User", 403, why);
    rc = pt_db_tx(r, remove_tx, &rm);
    if (rc == EDIT_LAST_ADMIN)
        return users_refuse(r, &t, USERS_CAT, "Remove User", 409, pt_printf(r,
            "%s is the last administrator of %s: make someone else an administrator first.",
            t.email, rm.blocked_org));
    if (rc != 0)
        return users_refuse(r, &t, USERS_CAT, "Remove User", 500,
                            "The user could not be removed. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string("removed"));
    json_object_set_new(view, "deactivated", json_boolean(rm.deactivated));
    json_object_set(view, "removed", rm.removed);
    pt_flash(r, "success", pt_printf(r, "%s has been removed from %s%s.", t.email, t.org_name,
                                     rm.deactivated ? " and the account deactivated" : ""));
    return pt_redirect(r, users_list_url(r, t.org_id));
}
