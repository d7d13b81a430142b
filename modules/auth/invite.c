/*
 * invite.c — one-time links (one_time_tokens), and the page they open for
 * set-password (portalctl create-admin) and invitations (the users module):
 * /password/set?token=….
 *
 * Only the SHA-256 (hex) of a link's token is stored, hashed from the token
 * text exactly as it appears in the link.  A link is used once, expires,
 * and may be revoked (a revoked_at column when the schema has one, or a
 * disabled account); each of those says so in plain words.  The page shows
 * the organisation and role an invitation is for.
 */
#include "auth.h"

#include <stdio.h>


static bool link_purpose_in(const char *p, const char *const *purposes)
{
    for (; p && *purposes; purposes++)
        if (strcmp(p, *purposes) == 0)
            return true;
    return false;
}

static enum auth_link_state link_state(json_t *row)
{
    const char *status = json_string_value(json_object_get(row, "status"));
    json_t *revoked = json_object_get(row, "revoked_at");

    if (revoked != NULL && !json_is_null(revoked))
        return AUTH_LINK_REVOKED;
    if (!json_is_null(json_object_get(row, "used_at")))
        return AUTH_LINK_USED;
    if (json_integer_value(json_object_get(row, "expired")) != 0)
        return AUTH_LINK_EXPIRED;
    if (status == NULL || strcmp(status, "active") != 0)
        return AUTH_LINK_REVOKED;
    return AUTH_LINK_OK;
}

int auth_link_lookup(struct pt_req *r, const char *const *purposes, bool for_update,
                     struct auth_link *l)
{
    const char *tok = pt_req_input(r, "token");
    char hash[PT_SHA256_HEX_LEN + 1];
    json_t *row;
    int rc;

    memset(l, 0, sizeof(*l));
    l->state = AUTH_LINK_INVALID;
    if (tok == NULL)
        tok = pt_req_query(r, "token");
    if (!pt_link_token_ok(tok))
        return 0;
    pt_sha256_hex(tok, strlen(tok), hash);
    /* t.*: revoked_at is read when a migration has added it. */
    rc = pt_db_query_one(r, for_update
        ? "SELECT t.*, u.email, u.full_name, u.password_hash, u.status, "
          "t.expires <= NOW() AS expired FROM one_time_tokens t JOIN users u "
          "ON u.id = t.user_id WHERE t.token_hash = ? FOR UPDATE"
        : "SELECT t.*, u.email, u.full_name, u.password_hash, u.status, "
          "t.expires <= NOW() AS expired FROM one_time_tokens t JOIN users u "
          "ON u.id = t.user_id WHERE t.token_hash = ?", PT_ARGS(PT_ARG_STR(hash)), &row);
    if (rc == PT_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    l->purpose = json_string_value(json_object_get(row, "purpose"));
    if (!link_purpose_in(l->purpose, purposes))
        return 0;
    l->id = json_integer_value(json_object_get(row, "id"));
    l->user_id = json_integer_value(json_object_get(row, "user_id"));
    l->org_id = json_integer_value(json_object_get(row, "org_id"));
    l->email = json_string_value(json_object_get(row, "email"));
    l->full_name = json_string_value(json_object_get(row, "full_name"));
    l->password_hash = json_string_value(json_object_get(row, "password_hash"));
    l->state = link_state(row);
    return 0;
}

const char *auth_link_message(enum auth_link_state s, const char *purpose)
{
    bool reset = purpose && strcmp(purpose, "reset") == 0;
    bool invite = purpose && strcmp(purpose, "invite") == 0;

    switch (s) {
    case AUTH_LINK_OK:
        return NULL;
    case AUTH_LINK_USED:
        return reset ? "This password reset link has already been used. If you need to "
                       "reset your password again, request a new link."
                     : "This link has already been used. Sign in with your password, or "
                       "use \"Forgot your password?\" on the sign-in page.";
    case AUTH_LINK_EXPIRED:
        return reset ? "This password reset link has expired. Request a new one: links "
                       "work for one hour."
               : invite ? "This invitation has expired. Ask your administrator to send "
                          "you a new one."
                        : "This link has expired. Ask your administrator for a new one.";
    case AUTH_LINK_REVOKED:
        return invite ? "This invitation has been withdrawn. Contact your administrator "
                        "if you think this is a mistake."
                      : "This link has been withdrawn. Contact your administrator if you "
                        "think this is a mistake.";
    case AUTH_LINK_INVALID:
    default:
        return "This link is not valid. Check that you copied the whole address from the "
               "e-mail.";
    }
}

void auth_link_view(json_t *view, const struct auth_link *l)
{
    static const char *const names[] = { "ok", "invalid", "used", "expired", "revoked" };

    json_object_set_new(view, "link_ok", json_boolean(l->state == AUTH_LINK_OK));
    json_object_set_new(view, "link_state", json_string(names[l->state]));
    if (l->state != AUTH_LINK_OK) {
        json_object_set_new(view, "link_problem", json_pack("{s:s}", "message",
                            auth_link_message(l->state, l->purpose)));
        return;
    }
    json_object_set_new(view, "email", json_string(l->email));
    json_object_set_new(view, "full_name", json_string(l->full_name ? l->full_name : ""));
}

/* A link that cannot be used: the page explains it, the API answers 404/410. */
int auth_link_refuse(struct pt_req *r, json_t *view, const struct auth_link *l,
                     const char *action)
{
    static const char *const names[] = { "ok", "invalid", "used", "expired", "revoked" };

    json_object_set_new(view, "link_refused", json_true());
    if (strcmp(pt_req_method(r), "POST") == 0) {
        json_t *m = json_pack("{s:s}", "reason", names[l->state]);
        auth_audit(r, true, AUTH_CAT_SECURITY, action, "Failed", l->user_id, m);
        json_decref(m);
    }
    if (pt_req_is_api(r))
        return pt_error(r, l->state == AUTH_LINK_INVALID ? 404 : 410,
                        auth_link_message(l->state, l->purpose));
    return 200;
}

/* ---- consuming a link ------------------------------------------------------------ */

struct link_use {
    const char *const *purposes;
    int64_t     id;
    const char *phc;            /* the new password's hash, or NULL (accept only) */
    const char *action;         /* the audit event */
};

static int link_use_tx(struct pt_req *r, void *arg)
{
    struct link_use *u = arg;
    struct auth_link l;
    int rc = auth_link_lookup(r, u->purposes, true, &l);

    if (rc != 0)
        return rc;
    if (l.state != AUTH_LINK_OK || l.id != u->id)
        return 1;                       /* used or revoked meanwhile */
    rc = pt_db_exec(r, "UPDATE one_time_tokens SET used_at = NOW() WHERE id = ?",
                    PT_ARGS(PT_ARG_INT(l.id)), NULL, NULL);
    if (rc == 0 && u->phc != NULL)
        rc = pt_db_exec(r, "UPDATE users SET password_hash = ? WHERE id = ?",
                        PT_ARGS(PT_ARG_STR(u->phc), PT_ARG_INT(l.user_id)), NULL, NULL);
    /* Other reset links of the account die with this change. */
    if (rc == 0 && u->phc != NULL)
        rc = pt_db_exec(r, "UPDATE one_time_tokens SET expires = LEAST(expires, NOW()) "
                        "WHERE user_id = ? AND purpose = 'reset' AND used_at IS NULL",
                        PT_ARGS(PT_ARG_INT(l.user_id)), NULL, NULL);
    if (rc == 0)
        auth_audit(r, false, AUTH_CAT_SECURITY, u->action, "Success", l.user_id, NULL);
    return rc;
}

int auth_link_use(struct pt_req *r, const char *const *purposes, const struct auth_link *l,
                  const char *password, const char *action)
{
    char phc[PT_PASSWORD_PHC_MAX];
    struct link_use u = { .purposes = purposes, .id = l->id, .action = action };
    int rc;

    if (password != NULL) {
        if ((rc = pt_password_hash(password, phc, sizeof(phc))) != 0)
            return rc;
        u.phc = phc;
    }
    rc = pt_db_tx(r, link_use_tx, &u);
    memset(phc, 0, sizeof(phc));
    return rc;
}

/* ---- /password/set ------------------------------------------------------------------ */

static const char *const set_purposes[] = { "set_password", "invite", NULL };

/* The organisation and role an invitation names. */
static void set_invitation_view(struct pt_req *r, json_t *view, const struct auth_link *l)
{
    json_t *row;

    if (l->org_id <= 0)
        return;
    if (pt_db_query_one(r, "SELECT o.name AS org_name, ro.name AS role_name FROM orgs o "
                        "LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = ? "
                        "LEFT JOIN roles ro ON ro.id = m.role_id WHERE o.id = ?",
                        PT_ARGS(PT_ARG_INT(l->user_id), PT_ARG_INT(l->org_id)), &row) != 0)
        return;
    json_object_set_new(view, "organisation", json_pack("{s:O}", "name",
                        json_object_get(row, "org_name")));
    if (json_is_string(json_object_get(row, "role_name")))
        json_object_set_new(view, "role", json_pack("{s:O}", "name",
                            json_object_get(row, "role_name")));
}

/* An invitation for an account that already has a password: joining needs
 * no new password, only a sign-in. */
static int set_accept(struct pt_req *r, json_t *view, const struct auth_link *l)
{
    int rc = auth_link_use(r, set_purposes, l, NULL, "Invitation Accepted");

    if (rc != 0) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Invitation Accepted", "Failed", l->user_id,
                   NULL);
        return rc > 0 ? auth_form_error(r, view, 410, auth_link_message(AUTH_LINK_USED,
                                        l->purpose))
                      : pt_error(r, 500, "The invitation could not be accepted. Try again.");
    }
    json_object_set_new(view, "accepted", json_true());
    pt_flash(r, "success", "Invitation accepted. Sign in with your existing password.");
    if (pt_req_user_id(r) == l->user_id)
        return pt_redirect(r, "/");
    return pt_redirect(r, "/login");
}

static int set_password(struct pt_req *r, json_t *view, const struct auth_link *l)
{
    const char *pw = pt_req_input(r, "password");
    const char *why = auth_new_password_problem(r, pw, pt_req_input(r, "password_confirm"),
                                                l->email);
    int rc;

    if (why != NULL) {
        json_t *m = json_pack("{s:s}", "reason", "password policy");
        auth_audit(r, true, AUTH_CAT_SECURITY, "Password Set", "Failed", l->user_id, m);
        json_decref(m);
        return auth_form_error(r, view, 422, why);
    }
    rc = auth_link_use(r, set_purposes, l, pw, "Password Set");
    if (rc != 0) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Password Set", "Failed", l->user_id, NULL);
        return rc > 0 ? auth_form_error(r, view, 410, auth_link_message(AUTH_LINK_USED,
                                        l->purpose))
                      : pt_error(r, 500, "Your password could not be saved. Try again.");
    }
    auth_throttle_clear_account(r, l->user_id);
    if (auth_totp_enabled(r, l->user_id)) {
        pt_flash(r, "success", "Your password is set. Sign in with it.");
        return pt_redirect(r, "/login");
    }
    pt_flash(r, "success", "Your password is set and you are signed in.");
    return auth_finish_signin(r, view, l->user_id, l->email, "set password", "/");
}

int auth_password_set_page(struct pt_req *r, json_t *view)
{
    struct auth_link l;
    const char *tok = pt_req_input(r, "token");

    if (auth_link_lookup(r, set_purposes, false, &l) != 0)
        return pt_error(r, 500, "This link could not be checked. Try again in a moment.");
    auth_link_view(view, &l);
    bool invitation = l.purpose && strcmp(l.purpose, "invite") == 0;
    json_object_set_new(view, "invitation", json_boolean(invitation));
    json_object_set_new(view, "not_invitation", json_boolean(!invitation));
    if (l.state != AUTH_LINK_OK)
        return auth_link_refuse(r, view, &l, "Password Set");
    json_object_set_new(view, "token", json_string(tok ? tok : pt_req_query(r, "token")));
    set_invitation_view(r, view, &l);
    bool accept_only = strcmp(l.purpose, "invite") == 0 && l.password_hash != NULL;
    json_object_set_new(view, "has_password", json_boolean(accept_only));
    json_object_set_new(view, "needs_password", json_boolean(!accept_only));
    if (strcmp(pt_req_method(r), "POST") != 0)
        return 200;
    return accept_only ? set_accept(r, view, &l) : set_password(r, view, &l);
}
