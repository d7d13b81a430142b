/*
 * password.c — "forgot password" (/password/forgot), the reset link it
 * mails (/password/reset?token=…), and changing one's password on
 * /profile/security.
 *
 * Forgot-password answers the same whatever the address, so it never tells
 * which e-mails have accounts; it works for a locked account too (that is
 * how its owner gets back in).  A reset link works once, for an hour, and
 * signs every session of the account out.
 */
#include "auth.h"

#include <stdio.h>

static const char *const reset_purposes[] = { "reset", NULL };

/* ---- /password/forgot --------------------------------------------------------- */

struct reset_mail {
    int64_t     user_id;
    const char *email, *full_name;
};

static int forgot_tx(struct pt_req *r, void *arg)
{
    struct reset_mail *m = arg;
    int rc = pt_mail_password_reset(r, m->user_id, 0, m->email, m->full_name,
                                    AUTH_RESET_MINUTES);

    if (rc == 0)
        auth_audit(r, false, AUTH_CAT_SECURITY, "Password Reset Requested", "Success",
                   m->user_id, NULL);
    return rc;
}

/* Sends the mail when the address has an active account that did not ask a
 * minute ago; every outcome is recorded, none is shown. */
static void forgot_send(struct pt_req *r, const char *email)
{
    struct reset_mail m = { 0 };
    const char *why = NULL;
    json_t *row, *meta;

    if (pt_db_query_one(r, "SELECT id, email, full_name, status FROM users WHERE email = ?",
                        PT_ARGS(PT_ARG_STR(email)), &row) != 0)
        why = "no such account";
    else if (strcmp(json_string_value(json_object_get(row, "status")), "active") != 0)
        why = "account disabled";
    if (why == NULL) {
        m.user_id = json_integer_value(json_object_get(row, "id"));
        m.email = json_string_value(json_object_get(row, "email"));
        m.full_name = json_string_value(json_object_get(row, "full_name"));
        if (pt_db_query_one(r, "SELECT id FROM one_time_tokens WHERE user_id = ? AND "
                            "purpose = 'reset' AND created > NOW() - INTERVAL 60 SECOND "
                            "LIMIT 1", PT_ARGS(PT_ARG_INT(m.user_id)), &row) == 0)
            why = "asked less than a minute ago";
        else if (pt_db_tx(r, forgot_tx, &m) != 0)
            why = "sending failed";
    }
    if (why == NULL)
        return;
    meta = json_pack("{s:s, s:s}", "email", email, "reason", why);
    auth_audit(r, true, AUTH_CAT_SECURITY, "Password Reset Requested", "Failed", m.user_id,
               meta);
    json_decref(meta);
}

int auth_forgot(struct pt_req *r, json_t *view)
{
    const char *email = auth_input(r, "email");

    if (strcmp(pt_req_method(r), "POST") != 0)
        return 200;
    if (email)
        json_object_set_new(view, "email", json_string(email));
    if (email == NULL || strlen(email) > AUTH_EMAIL_MAX || strchr(email, '@') == NULL) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Password Reset Requested", "Failed", 0, NULL);
        return auth_form_error(r, view, 400, "Enter the e-mail address of your account.");
    }
    forgot_send(r, email);
    json_object_set_new(view, "sent", json_true());
    pt_flash(r, "info", "If an account uses that address, we have sent it a link to reset "
             "the password. The link works once, within one hour. If nothing arrives in a "
             "few minutes, check your spam folder.");
    return pt_redirect(r, "/login");
}

/* ---- /password/reset --------------------------------------------------------------- */

int auth_reset(struct pt_req *r, json_t *view)
{
    struct auth_link l;
    const char *tok = pt_req_input(r, "token"), *pw, *why;
    int rc;

    if (auth_link_lookup(r, reset_purposes, false, &l) != 0)
        return pt_error(r, 500, "This link could not be checked. Try again in a moment.");
    auth_link_view(view, &l);
    if (l.state != AUTH_LINK_OK)
        return auth_link_refuse(r, view, &l, "Password Reset");
    json_object_set_new(view, "token", json_string(tok ? tok : pt_req_query(r, "token")));
    if (strcmp(pt_req_method(r), "POST") != 0)
        return 200;
    pw = pt_req_input(r, "password");
    why = auth_new_password_problem(r, pw, pt_req_input(r, "password_confirm"), l.email);
    if (why != NULL) {
        json_t *m = json_pack("{s:s}", "reason", "password policy");
        auth_audit(r, true, AUTH_CAT_SECURITY, "Password Reset", "Failed", l.user_id, m);
        json_decref(m);
        return auth_form_error(r, view, 422, why);
    }
    rc = auth_link_use(r, reset_purposes, &l, pw, "Password Reset");
    if (rc != 0) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Password Reset", "Failed", l.user_id, NULL);
        return rc > 0 ? auth_form_error(r, view, 410, auth_link_message(AUTH_LINK_USED,
                                        "reset"))
                      : pt_error(r, 500, "Your password could not be saved. Try again.");
    }
    pt_session_end_user(r, l.user_id, false);
    if (pt_req_user_id(r) == l.user_id)
        pt_session_end(r);
    auth_throttle_clear_account(r, l.user_id);
    json_object_set_new(view, "password_reset", json_true());
    pt_flash(r, "success", "Your password has been changed and every session of your account "
             "has been signed out. Sign in with your new password.");
    return pt_redirect(r, "/login");
}

/* ---- /profile/security: change password ----------------------------------------------- */

struct change {
    int64_t user_id;
    char    phc[PT_PASSWORD_PHC_MAX];
};

static int change_tx(struct pt_req *r, void *arg)
{
    struct change *c = arg;
    int rc = pt_db_exec(r, "UPDATE users SET password_hash = ? WHERE id = ?",
                        PT_ARGS(PT_ARG_STR(c->phc), PT_ARG_INT(c->user_id)), NULL, NULL);

    if (rc == 0)
        auth_audit(r, false, AUTH_CAT_SECURITY, "Password Changed", "Success", c->user_id,
                   NULL);
    return rc;
}

static void change_failed(struct pt_req *r, int64_t user_id, const char *reason)
{
    json_t *m = json_pack("{s:s}", "reason", reason);

    auth_audit(r, true, AUTH_CAT_SECURITY, "Password Changed", "Failed", user_id, m);
    json_decref(m);
}

static int change_password(struct pt_req *r, json_t *view, const struct pt_identity *id)
{
    const char *cur = pt_req_input(r, "current_password"), *pw = pt_req_input(r, "new_password");
    struct change c = { .user_id = id->user_id };
    struct auth_subjects subj;
    const char *phc, *why;
    json_t *user;
    long wait;

    auth_throttle_subjects(r, id->user_id, id->email, &subj);
    if ((wait = auth_throttle_wait(r, &subj)) > 0)
        return auth_throttle_refuse(r, view, wait);
    if (cur == NULL || *cur == '\0') {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Password Changed", "Failed", id->user_id, NULL);
        return auth_form_error(r, view, 400, "Enter your current password.");
    }
    if (auth_user_by_id(r, id->user_id, &user) != 0)
        return pt_error(r, 500, "Your account could not be read. Try again in a moment.");
    phc = json_string_value(json_object_get(user, "password_hash"));
    if (phc == NULL || pt_password_verify(phc, cur, NULL) != 0) {
        change_failed(r, id->user_id, "wrong current password");
        auth_throttle_fail(r, &subj, id->user_id, id->email);
        return auth_form_error(r, view, 401, "Your current password is not right.");
    }
    why = auth_new_password_problem(r, pw, pt_req_input(r, "new_password_confirm"), id->email);
    if (why != NULL) {
        change_failed(r, id->user_id, "password policy");
        return auth_form_error(r, view, 422, why);
    }
    if (pt_password_hash(pw, c.phc, sizeof(c.phc)) != 0 || pt_db_tx(r, change_tx, &c) != 0) {
        change_failed(r, id->user_id, "not saved");
        return pt_error(r, 500, "Your password could not be saved. Try again in a moment.");
    }
    memset(c.phc, 0, sizeof(c.phc));
    /* Every other session ends; this one gets a new id. */
    pt_session_end_user(r, id->user_id, true);
    pt_session_start(r, id->user_id);
    json_object_set_new(view, "password_changed", json_true());
    pt_flash(r, "success", "Your password has been changed. Your other sessions have been "
             "signed out.");
    return pt_redirect(r, "/profile/security");
}

int auth_security(struct pt_req *r, json_t *view)
{
    const struct pt_identity *id = pt_req_identity(r);
    int rc = auth_require_session(r);
    json_t *row;

    if (rc != 0)
        return rc;
    json_object_set_new(view, "email", json_string(id->email ? id->email : ""));
    auth_twofactor_status(r, id->user_id, view);
    if (pt_db_query_one(r, "SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND "
                        "expires > NOW()", PT_ARGS(PT_ARG_INT(id->user_id)), &row) == 0)
        json_object_set(view, "sessions", json_object_get(row, "n"));
    if (strcmp(pt_req_method(r), "POST") == 0)
        return change_password(r, view, id);
    return 200;
}
