/*
 * invite.c — bringing someone into an organisation, and the invitations
 * still waiting for an answer.
 *
 * An e-mail address is one account (users.email is unique), so inviting an
 * address that already has one never makes a second:
 *   invited         no account: one is made (no password yet), with the
 *                   membership, and a set-password link is mailed;
 *   reactivated     a disabled account without a membership here (it was
 *                   removed): active again, with the membership;
 *   upgraded        a member here whose role's permissions are a strict
 *                   subset of the new role's: the role is raised;
 *   granted         an active account of another organisation: the
 *                   membership is added;
 *   already_member  a member here with the same, a higher or a different
 *                   role: nothing changes (edit the user instead).
 * The membership exists from the start (the list shows "Invited" until a
 * password is set).  An account without a password gets an 'invite' link
 * (/password/set, modules/auth/invite.c); one with a password gets a notice.
 */
#include "users.h"

#include <stdio.h>
#include <strings.h>

#define INVITE_ALREADY 1               /* tx result: nothing to do */
#define INVITE_GONE    2               /* tx result: no pending invitation */

/* ---- the link and the mail ------------------------------------------------------------ */

int users_invite_send(struct pt_req *r, const struct users_target *t, int64_t role_id,
                      const char *role_name)
{
    const struct pt_identity *me = pt_req_identity(r);
    const char *url = NULL;
    json_t *vars;
    int rc;

    vars = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "full_name", t->full_name ? t->full_name : "",
                     "inviter_name", me->full_name ? me->full_name : "An administrator",
                     "org_name", t->org_name ? t->org_name : "",
                     "role_name", role_name ? role_name : "", "expires_days", USERS_INVITE_DAYS,
                     "login_url", pt_printf(r, "%s/login", users_base_url(r)));
    if (vars == NULL || pt_keep(r, vars) == NULL)
        return PT_ENOMEM;
    if (t->has_password) {
        /* Nothing to accept: the account signs in as it always did. */
        json_object_set_new(vars, "existing", json_true());
        return pt_mail_enqueue(r, t->email, "invite_user", vars);
    }
    /* One live invitation per user and organisation: older links die. */
    rc = pt_db_exec(r, "UPDATE one_time_tokens SET revoked_at = NOW() WHERE user_id = ?"
                    " AND org_id = ? AND purpose = 'invite' AND used_at IS NULL"
                    " AND revoked_at IS NULL", PT_ARGS(PT_ARG_INT(t->user_id),
                    PT_ARG_INT(t->org_id)), NULL, NULL);
    if (rc == 0)
        rc = pt_link_new(r, &(struct pt_link){ .purpose = "invite", .user_id = t->user_id,
                                               .org_id = t->org_id, .role_id = role_id,
                                               .minutes = USERS_INVITE_DAYS * 24 * 60,
                                               .path = "/password/set" }, &url);
    if (rc == 0) {
        json_object_set_new(vars, "set_password", json_true());
        json_object_set_new(vars, "link", json_string(url));
        rc = pt_mail_enqueue(r, t->email, "invite_user", vars);
        json_object_del(vars, "link");
    }
    return rc;
}

/* ---- inviting ---------------------------------------------------------------------------- */

struct invite {
    struct users_target *t;           /* org loaded; the account filled in the tx */
    int64_t     role_id, old_role_id;
    const char *role_name, *old_role_name;
    const char *outcome;
};

/* Is old's permission set a strict subset of new's? */
static bool role_strictly_below(struct pt_req *r, int64_t old_role, int64_t new_role)
{
    json_t *row;

    if (pt_db_query_one(r, "SELECT"
            " (SELECT COUNT(*) FROM role_permissions a WHERE a.role_id = ? AND a.perm_key"
            "  NOT IN (SELECT b.perm_key FROM role_permissions b WHERE b.role_id = ?)) AS lost,"
            " (SELECT COUNT(*) FROM role_permissions b WHERE b.role_id = ? AND b.perm_key"
            "  NOT IN (SELECT a.perm_key FROM role_permissions a WHERE a.role_id = ?)) AS gained",
            PT_ARGS(PT_ARG_INT(old_role), PT_ARG_INT(new_role), PT_ARG_INT(new_role),
                    PT_ARG_INT(old_role)), &row) != 0)
        return false;
    return json_integer_value(json_object_get(row, "lost")) == 0 &&
           json_integer_value(json_object_get(row, "gained")) > 0;
}

static int invite_event(struct pt_req *r, struct invite *iv, const char *action)
{
    json_t *m = json_pack("{s:s, s:s, s:s?}", "outcome", iv->outcome, "role", iv->role_name,
                          "previous_role", iv->old_role_name);
    int rc = users_audit(r, iv->t, USERS_CAT, action, pt_printf(r, "%s: %s as %s",
                         iv->outcome, iv->t->email, iv->role_name), m);

    json_decref(m);
    return rc;
}

static int invite_new_account(struct pt_req *r, struct invite *iv)
{
    uint64_t id = 0;
    int rc = pt_db_exec(r, "INSERT INTO users (email, full_name) VALUES (?, ?)",
                        PT_ARGS(PT_ARG_STR(iv->t->email), PT_ARG_STR(iv->t->full_name)),
                        NULL, &id);

    if (rc != 0)
        return rc;
    iv->t->user_id = (int64_t)id;
    iv->outcome = "invited";
    rc = pt_db_exec(r, "INSERT INTO memberships (user_id, org_id, role_id) VALUES (?, ?, ?)",
                    PT_ARGS(PT_ARG_INT(iv->t->user_id), PT_ARG_INT(iv->t->org_id),
                            PT_ARG_INT(iv->role_id)), NULL, NULL);
    if (rc == 0)
        rc = users_invite_send(r, iv->t, iv->role_id, iv->role_name);
    return rc ? rc : invite_event(r, iv, "Invite User");
}

/* An account that exists: reactivate, upgrade, grant, or nothing. */
static int invite_existing(struct pt_req *r, struct invite *iv, json_t *u)
{
    json_t *m;
    int rc;

    iv->t->user_id = json_integer_value(json_object_get(u, "id"));
    iv->t->email = json_string_value(json_object_get(u, "email"));
    iv->t->full_name = json_string_value(json_object_get(u, "full_name"));
    iv->t->has_password = json_integer_value(json_object_get(u, "has_password")) != 0;
    iv->t->disabled = strcmp(json_string_value(json_object_get(u, "status")), "active") != 0;
    rc = pt_db_query_one(r, "SELECT m.role_id, ro.name FROM memberships m JOIN roles ro"
                         " ON ro.id = m.role_id WHERE m.user_id = ? AND m.org_id = ? FOR UPDATE",
                         PT_ARGS(PT_ARG_INT(iv->t->user_id), PT_ARG_INT(iv->t->org_id)), &m);
    if (rc != 0 && rc != PT_ENOTFOUND)
        return rc;
    if (rc == 0) {
        iv->old_role_id = json_integer_value(json_object_get(m, "role_id"));
        iv->old_role_name = json_string_value(json_object_get(m, "name"));
        if (iv->t->disabled || !role_strictly_below(r, iv->old_role_id, iv->role_id)) {
            iv->outcome = "already_member";
            return INVITE_ALREADY;
        }
        iv->outcome = "upgraded";
        rc = pt_db_exec(r, "UPDATE memberships SET role_id = ? WHERE user_id = ? AND org_id = ?",
                        PT_ARGS(PT_ARG_INT(iv->role_id), PT_ARG_INT(iv->t->user_id),
                                PT_ARG_INT(iv->t->org_id)), NULL, NULL);
        return rc ? rc : invite_event(r, iv, "Update User Permissions");
    }
    iv->outcome = iv->t->disabled ? "reactivated" : "granted";
    rc = 0;
    if (iv->t->disabled)
        rc = pt_db_exec(r, "UPDATE users SET status = 'active' WHERE id = ?",
                        PT_ARGS(PT_ARG_INT(iv->t->user_id)), NULL, NULL);
    if (rc == 0)
        rc = pt_db_exec(r, "INSERT INTO memberships (user_id, org_id, role_id) VALUES (?, ?, ?)",
                        PT_ARGS(PT_ARG_INT(iv->t->user_id), PT_ARG_INT(iv->t->org_id),
                                PT_ARG_INT(iv->role_id)), NULL, NULL);
    if (rc == 0)
        rc = users_invite_send(r, iv->t, iv->role_id, iv->role_name);
    return rc ? rc : invite_event(r, iv, iv->t->disabled ? "Reactivate User" : "Invite User");
}

static int invite_tx(struct pt_req *r, void *arg)
{
    struct invite *iv = arg;
    json_t *u;
    int rc;

    iv->t->user_id = 0;
    iv->old_role_name = NULL;
    rc = pt_db_query_one(r, "SELECT id, email, full_name, status,"
                         " (password_hash IS NOT NULL) AS has_password FROM users"
                         " WHERE email = ? FOR UPDATE", PT_ARGS(PT_ARG_STR(iv->t->email)), &u);
    if (rc == PT_ENOTFOUND)
        return invite_new_account(r, iv);
    return rc ? rc : invite_existing(r, iv, u);
}

/* The form's values and the roles to choose from. */
static void invite_form_view(struct pt_req *r, json_t *view, int64_t org, int64_t role)
{
    json_t *form = json_pack("{s:s, s:s, s:s}",
        "full_name", users_input(r, "full_name") ? users_input(r, "full_name") : "",
        "email", users_input(r, "email") ? users_input(r, "email") : "",
        "email_confirm", users_input(r, "email_confirm") ? users_input(r, "email_confirm") : "");

    json_object_set_new(view, "form", form);
    json_object_set(view, "roles", users_grantable_roles(r, org, role));
    json_object_set_new(view, "action", json_string(pt_printf(r, "%s/invite",
                                                              users_list_url(r, org))));
    json_object_set_new(view, "list_url", json_string(users_list_url(r, org)));
    json_object_set_new(view, "expires_days", json_integer(USERS_INVITE_DAYS));
}

/* NULL when the inputs can be used, else why (and *status). */
static const char *invite_inputs(struct pt_req *r, struct invite *iv, int *status)
{
    const char *confirm = users_input(r, "email_confirm");
    const char *why = NULL;
    json_t *role;

    *status = 422;
    iv->t->full_name = users_input(r, "full_name");
    iv->t->email = users_input(r, "email");
    iv->role_id = users_role_input(r);
    if (iv->t->full_name == NULL || strlen(iv->t->full_name) > USERS_NAME_MAX)
        return "Enter the user's full name (up to 200 characters).";
    if (!users_email_ok(iv->t->email))
        return "Enter a valid e-mail address, such as name@example.com.";
    /* Typed twice on the form (as CloudNine asks); an API client may omit it. */
    if ((confirm != NULL || !pt_req_is_api(r)) &&
        (confirm == NULL || strcasecmp(confirm, iv->t->email) != 0))
        return "The two e-mail addresses do not match.";
    if (pt_req_identity(r)->email && strcasecmp(pt_req_identity(r)->email, iv->t->email) == 0)
        return "You cannot invite yourself.";
    if (iv->role_id <= 0)
        return "Choose a role.";
    if (!pt_can_grant_role(r, iv->role_id, iv->t->org_id, &why)) {
        *status = 403;
        return why ? why : "You cannot grant this role here.";
    }
    if (pt_db_query_one(r, "SELECT name FROM roles WHERE id = ?",
                        PT_ARGS(PT_ARG_INT(iv->role_id)), &role) != 0)
        return "There is no such role.";
    iv->role_name = json_string_value(json_object_get(role, "name"));
    return NULL;
}

static const char *invite_message(struct pt_req *r, const struct invite *iv)
{
    const char *e = iv->t->email, *o = iv->t->org_name, *role = iv->role_name;

    if (strcmp(iv->outcome, "invited") == 0)
        return pt_printf(r, "Invitation sent to %s. The link to set a password works for %d "
                         "days.", e, USERS_INVITE_DAYS);
    if (strcmp(iv->outcome, "reactivated") == 0)
        return pt_printf(r, "%s had been removed: the account is active again, as %s in %s.",
                         e, role, o);
    if (strcmp(iv->outcome, "upgraded") == 0)
        return pt_printf(r, "%s was already a member as %s: upgraded to %s.", e,
                         iv->old_role_name, role);
    if (strcmp(iv->outcome, "granted") == 0)
        return pt_printf(r, "%s already has an account: access to %s granted, as %s.", e, o,
                         role);
    if (iv->t->disabled)
        return pt_printf(r, "%s is already a member of %s as %s, and disabled: nothing "
                         "changed. Enable the account instead.", e, o, iv->old_role_name);
    return pt_printf(r, "%s is already a member of %s as %s: nothing changed. To change "
                     "the role, edit the user.", e, o, iv->old_role_name);
}

static int invite_post(struct pt_req *r, json_t *view, struct users_target *t)
{
    struct invite iv = { .t = t };
    int status, rc;
    const char *why = invite_inputs(r, &iv, &status);

    if (why != NULL) {
        invite_form_view(r, view, t->org_id, iv.role_id);
        return users_form_refuse(r, view, t, USERS_CAT, "Invite User", status, why);
    }
    rc = pt_db_tx(r, invite_tx, &iv);
    if (rc < 0)
        return users_refuse(r, t, USERS_CAT, "Invite User", 500,
                            "The invitation could not be saved. Try again in a moment.");
    const char *msg = invite_message(r, &iv);
    if (rc == INVITE_ALREADY) {
        struct pt_audit e = { .org_id = t->org_id, .category = USERS_CAT,
            .action = "Invite User", .status = "Failed", .resource_type = "user",
            .resource_id = pt_printf(r, "%lld", (long long)t->user_id),
            .resource_name = t->email, .description = "already a member" };
        pt_audit_log_always(r, &e);
    }
    json_object_set_new(view, "outcome", json_string(iv.outcome));
    json_object_set_new(view, "invited", json_pack("{s:I, s:s, s:I, s:s}", "id",
                        (json_int_t)t->user_id, "email", t->email, "role_id",
                        (json_int_t)iv.role_id, "role", iv.role_name));
    pt_flash(r, rc == INVITE_ALREADY ? "info" : "success", msg);
    return pt_redirect(r, users_list_url(r, t->org_id));
}

int users_invite_page(struct pt_req *r, json_t *view)
{
    struct users_target t;
    int rc;

    memset(&t, 0, sizeof(t));
    if ((rc = users_org(r, view, &t)) != 0)
        return rc;
    if (strcmp(pt_req_method(r), "POST") == 0)
        return invite_post(r, view, &t);
    invite_form_view(r, view, t.org_id, 0);
    return 200;
}

/* ---- resending and revoking ------------------------------------------------------------ */

static int resend_tx(struct pt_req *r, void *arg)
{
    struct users_target *t = arg;
    int rc = users_invite_send(r, t, t->role_id, t->role_name);

    return rc ? rc : users_audit(r, t, USERS_CAT, "Resend Invitation",
                                 pt_printf(r, "new invitation link for %s", t->email), NULL);
}

int users_invite_resend(struct pt_req *r, json_t *view)
{
    struct users_target t;
    int rc = users_target(r, view, &t, USERS_AT_ORG, USERS_CAT, "Resend Invitation");

    if (rc != 0)
        return rc;
    if (t.has_password)
        return users_refuse(r, &t, USERS_CAT, "Resend Invitation", 409, pt_printf(r,
                            "%s has already set a password: there is no invitation to resend.",
                            t.email));
    if (t.disabled)
        return users_refuse(r, &t, USERS_CAT, "Resend Invitation", 409, pt_printf(r,
                            "%s is disabled: enable the account first.", t.email));
    if (pt_db_tx(r, resend_tx, &t) != 0)
        return users_refuse(r, &t, USERS_CAT, "Resend Invitation", 500,
                            "The invitation could not be sent. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string("resent"));
    pt_flash(r, "success", pt_printf(r, "A new invitation has been sent to %s; the previous "
                                     "link no longer works.", t.email));
    return pt_redirect(r, users_user_url(r, t.org_id, t.user_id));
}

struct revoke {
    struct users_target *t;
    bool membership_removed, deactivated;
};

static int revoke_tx(struct pt_req *r, void *arg)
{
    struct revoke *rv = arg;
    struct users_target *t = rv->t;
    uint64_t n = 0;
    json_t *row;
    int rc = pt_db_exec(r, "UPDATE one_time_tokens SET revoked_at = NOW() WHERE user_id = ?"
                        " AND org_id = ? AND purpose = 'invite' AND used_at IS NULL"
                        " AND revoked_at IS NULL AND expires > NOW()",
                        PT_ARGS(PT_ARG_INT(t->user_id), PT_ARG_INT(t->org_id)), &n, NULL);

    if (rc != 0)
        return rc;
    if (n == 0)
        return INVITE_GONE;
    /* Someone who never came in leaves no trace of the invitation. */
    if (!t->signed_in_ever && !t->has_password) {
        rc = pt_db_exec(r, "DELETE FROM memberships WHERE user_id = ? AND org_id = ?",
                        PT_ARGS(PT_ARG_INT(t->user_id), PT_ARG_INT(t->org_id)), NULL, NULL);
        rv->membership_removed = rc == 0;
        if (rc == 0 && pt_db_query_one(r, "SELECT 1 AS one FROM memberships WHERE user_id = ?"
                                       " LIMIT 1", PT_ARGS(PT_ARG_INT(t->user_id)), &row)
                       == PT_ENOTFOUND) {
            rv->deactivated = true;
            rc = pt_db_exec(r, "UPDATE users SET status = 'disabled' WHERE id = ?",
                            PT_ARGS(PT_ARG_INT(t->user_id)), NULL, NULL);
        }
    }
    if (rc != 0)
        return rc;
    json_t *m = json_pack("{s:b, s:b}", "membership_removed", rv->membership_removed,
                          "deactivated", rv->deactivated);
    rc = users_audit(r, t, USERS_CAT, "Revoke Invitation",
                     pt_printf(r, "invitation of %s withdrawn", t->email), m);
    json_decref(m);
    return rc;
}

int users_invite_revoke(struct pt_req *r, json_t *view)
{
    struct users_target t;
    struct revoke rv = { .t = &t };
    int rc = users_target(r, view, &t, USERS_AT_ORG, USERS_CAT, "Revoke Invitation");

    if (rc != 0)
        return rc;
    rc = pt_db_tx(r, revoke_tx, &rv);
    if (rc == INVITE_GONE)
        return users_refuse(r, &t, USERS_CAT, "Revoke Invitation", 409, pt_printf(r,
                            "There is no pending invitation for %s.", t.email));
    if (rc != 0)
        return users_refuse(r, &t, USERS_CAT, "Revoke Invitation", 500,
                            "The invitation could not be withdrawn. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string("revoked"));
    json_object_set_new(view, "membership_removed", json_boolean(rv.membership_removed));
    pt_flash(r, "success", pt_printf(r, "The invitation of %s has been withdrawn%s.", t.email,
                                     rv.membership_removed ? " and the user removed" : ""));
    return pt_redirect(r, rv.membership_removed ? users_list_url(r, t.org_id)
                                                : users_user_url(r, t.org_id, t.user_id));
}
