/*
 * signin.c — /login (password), /login/2fa (second factor), /logout and
 * /logout/all.
 *
 * A password that matches an account with two-factor on does not sign in:
 * it earns a second-step ticket (a one_time_tokens row, purpose 'mfa',
 * stored hashed, five minutes, used once) carried in the pt_mfa cookie (or
 * returned as mfa_token to an API client).  Failures of either step count
 * against the brute-force throttle and are recorded, with the e-mail tried
 * but never the password or the code.
 */
#include "auth.h"

#include <stdio.h>

/* ---- completing a sign-in ------------------------------------------------- */

int auth_finish_signin(struct pt_req *r, json_t *view, int64_t user_id, const char *email,
                       const char *method, const char *next)
{
    const char *go = auth_safe_next(next);
    json_t *m;
    int rc = pt_session_start(r, user_id);

    if (rc != 0) {
        pt_log_error("%s: no session for user %lld (%d)", __func__, (long long)user_id, rc);
        return pt_error(r, 500, "Signing in failed. Try again in a moment.");
    }
    m = json_pack("{s:s, s:s}", "email", email ? email : "", "method", method);
    auth_audit(r, false, AUTH_CAT_AUTH, "Sign In", "Success", user_id, m);
    json_decref(m);

    const struct pt_identity *id = pt_req_identity(r);
    json_object_set_new(view, "signed_in", json_true());
    json_object_set_new(view, "user_id", json_integer(user_id));
    if (id != NULL && id->user_id == user_id && id->csrf_token != NULL)
        json_object_set_new(view, "csrf_token", json_string(id->csrf_token));
    if (!auth_totp_enabled(r, user_id) && auth_mfa_required(r, user_id)) {
        pt_session_require_mfa(r);
        json_object_set_new(view, "mfa_setup_required", json_true());
        pt_flash(r, "warning", "Your organisation requires two-factor authentication. "
                 "Set it up now to continue.");
        go = "/profile/security/2fa";
    }
    json_object_set_new(view, "redirect", json_string(go));
    return pt_redirect(r, go);
}

static void signin_failed_audit(struct pt_req *r, int64_t user_id, const char *email,
                                const char *reason)
{
    json_t *m = json_pack("{s:s, s:s}", "email", email ? email : "", "reason", reason);

    auth_audit(r, true, AUTH_CAT_AUTH, "Sign In", "Failed", user_id, m);
    json_decref(m);
}

/* ---- step one: the password ------------------------------------------------ */

/* The password was right and the account has a second factor: hand out the
 * ticket for /login/2fa. */
static int signin_second_step(struct pt_req *r, json_t *view, int64_t user_id,
                              const char *next)
{
    char token[PT_TOKEN_LEN + 1], hash[PT_SHA256_HEX_LEN + 1];

    if (pt_token_new(token) != 0)
        return pt_error(r, 500, "Signing in failed. Try again in a moment.");
    pt_sha256_hex(token, strlen(token), hash);
    if (pt_db_exec(r, "INSERT INTO one_time_tokens (purpose, token_hash, user_id, expires) "
                   "VALUES ('mfa', ?, ?, NOW() + INTERVAL ? SECOND)",
                   PT_ARGS(PT_ARG_STR(hash), PT_ARG_INT(user_id),
                   PT_ARG_INT(AUTH_MFA_SECONDS)), NULL, NULL) != 0)
        return pt_error(r, 500, "Signing in failed. Try again in a moment.");
    pt_resp_cookie(r, AUTH_MFA_COOKIE, token, AUTH_MFA_SECONDS);
    json_object_set_new(view, "mfa_required", json_true());
    json_object_set_new(view, "mfa_token", json_string(token));
    json_object_set_new(view, "mfa_expires_in", json_integer(AUTH_MFA_SECONDS));
    const char *go = pt_printf(r, "/login/2fa?next=%s",
                               auth_url_encode(r, auth_safe_next(next)));
    json_object_set_new(view, "redirect", json_string(go ? go : "/login/2fa"));
    return pt_redirect(r, go ? go : "/login/2fa");
}

/* Verify pw against the account row (NULL: no such account, and the same
 * time is spent); rehashes a match made with older parameters. */
static int signin_check_password(struct pt_req *r, json_t *user, const char *pw)
{
    const char *phc = user ? json_string_value(json_object_get(user, "password_hash")) : NULL;
    bool rehash = false;
    int rc;

    if (phc == NULL) {
        pt_password_dummy_verify(pw);
        return PT_EINVAL;
    }
    rc = pt_password_verify(phc, pw, &rehash);
    if (rc == 0 && rehash)
        auth_store_password(r, json_integer_value(json_object_get(user, "id")), pw);
    return rc;
}

/* Does every membership of the user lie in a suspended (or closed) subtree?
 * A user with no membership at all (an operator made by hand) is not held. */
static bool signin_suspended(struct pt_req *r, int64_t uid)
{
    json_t *row;

    if (pt_db_query_one(r,
            "SELECT COUNT(*) AS total, CAST(COALESCE(SUM(NOT EXISTS (SELECT 1 FROM org_closure c "
            "JOIN orgs o ON o.id = c.ancestor AND o.status <> 'active' "
            "WHERE c.descendant = m.org_id)), 0) AS SIGNED) AS usable "
            "FROM memberships m WHERE m.user_id = ?",
            PT_ARGS(PT_ARG_INT(uid)), &row) != 0)
        return false;
    return json_integer_value(json_object_get(row, "total")) > 0 &&
           json_integer_value(json_object_get(row, "usable")) == 0;
}

static int signin_password(struct pt_req *r, json_t *view, const char *next)
{
    const char *email = auth_input(r, "email"), *pw = pt_req_input(r, "password");
    struct auth_subjects subj;
    json_t *user = NULL;
    int64_t uid = 0;
    long wait;

    if (email)
        json_object_set_new(view, "email", json_string(email));
    if (email == NULL || pw == NULL || *pw == '\0') {
        signin_failed_audit(r, 0, email, "e-mail address or password missing");
        return auth_form_error(r, view, 400, "Enter your e-mail address and your password.");
    }
    if (strlen(email) > AUTH_EMAIL_MAX)
        return auth_form_error(r, view, 401, "The e-mail address or password is incorrect.");
    int rc = pt_db_query_one(r, "SELECT id, email, full_name, password_hash, status "
                             "FROM users WHERE email = ?", PT_ARGS(PT_ARG_STR(email)), &user);
    if (rc != 0 && rc != PT_ENOTFOUND)
        return pt_error(r, 500, "Signing in failed. Try again in a moment.");
    if (rc == 0)
        uid = json_integer_value(json_object_get(user, "id"));
    else
        user = NULL;
    auth_throttle_subjects(r, uid, email, &subj);
    if ((wait = auth_throttle_wait(r, &subj)) > 0) {
        signin_failed_audit(r, uid, email, "locked");
        return auth_throttle_refuse(r, view, wait);
    }
    rc = signin_check_password(r, user, pw);
    if (rc == PT_ENOMEM || rc == PT_EIO)
        return pt_error(r, 500, "Signing in failed. Try again in a moment.");
    if (rc != 0) {
        signin_failed_audit(r, uid, email, "wrong password");
        if (auth_throttle_fail(r, &subj, uid, email))
            return auth_throttle_refuse(r, view, auth_throttle_wait(r, &subj));
        return auth_form_error(r, view, 401, "The e-mail address or password is incorrect.");
    }
    if (strcmp(json_string_value(json_object_get(user, "status")), "active") != 0) {
        signin_failed_audit(r, uid, email, "account disabled");
        return auth_form_error(r, view, 403, "This account has been disabled. Contact your "
                               "administrator if you think this is a mistake.");
    }
    if (signin_suspended(r, uid)) {
        signin_failed_audit(r, uid, email, "organisation suspended");
        return auth_form_error(r, view, 403, "Your organisation's access has been suspended. "
                               "Contact your provider.");
    }
    auth_throttle_clear_account(r, uid);
    if (auth_totp_enabled(r, uid))
        return signin_second_step(r, view, uid, next);
    return auth_finish_signin(r, view, uid, email, "password", next);
}

static const char *signin_next(struct pt_req *r)
{
    const char *n = pt_req_input(r, "next");

    return auth_safe_next(n ? n : pt_req_query(r, "next"));
}

int auth_login(struct pt_req *r, json_t *view)
{
    const struct pt_identity *id = pt_req_identity(r);
    const char *next = signin_next(r);

    json_object_set_new(view, "next", json_string(next));
    if (strcmp(pt_req_method(r), "POST") == 0)
        return signin_password(r, view, next);
    if (id != NULL && id->user_id > 0 && !pt_req_is_api(r))
        return pt_redirect(r, next);
    json_object_set_new(view, "signed_in", json_boolean(id != NULL && id->user_id > 0));
    return 200;
}

/* ---- step two: the code ------------------------------------------------------ */

struct mfa_try {
    int64_t     ticket, user_id;
    const char *code, *why;
    bool        recovery, replay;
};

static int mfa_tx(struct pt_req *r, void *arg)
{
    struct mfa_try *t = arg;
    uint64_t n = 0;
    int rc = pt_db_exec(r, "UPDATE one_time_tokens SET used_at = NOW() WHERE id = ? "
                        "AND used_at IS NULL AND expires > NOW()",
                        PT_ARGS(PT_ARG_INT(t->ticket)), &n, NULL);

    if (rc != 0)
        return rc;
    if (n != 1) {
        t->why = "This sign-in has expired. Sign in again.";
        return 1;
    }
    rc = auth_second_factor(r, t->user_id, t->code, &t->recovery, &t->why);
    t->replay = rc > 0 && t->why != NULL && strstr(t->why, "already been used") != NULL;
    return rc;
}

/* The second-step ticket of this request: its row, or NULL. */
static json_t *mfa_ticket(struct pt_req *r)
{
    const char *tok = pt_req_input(r, "mfa_token");
    char hash[PT_SHA256_HEX_LEN + 1];
    json_t *row;

    if (tok == NULL)
        tok = pt_req_cookie(r, AUTH_MFA_COOKIE);
    if (tok == NULL || *tok == '\0' || strlen(tok) > 128)
        return NULL;
    pt_sha256_hex(tok, strlen(tok), hash);
    if (pt_db_query_one(r, "SELECT t.id, t.user_id, u.email FROM one_time_tokens t "
                        "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND "
                        "t.purpose = 'mfa' AND t.used_at IS NULL AND t.expires > NOW() "
                        "AND u.status = 'active'", PT_ARGS(PT_ARG_STR(hash)), &row) != 0)
        return NULL;
    return row;
}

static int mfa_check(struct pt_req *r, json_t *view, json_t *ticket, const char *next)
{
    struct mfa_try t = {
        .ticket = json_integer_value(json_object_get(ticket, "id")),
        .user_id = json_integer_value(json_object_get(ticket, "user_id")),
        .code = auth_input(r, "code"),
    };
    const char *email = json_string_value(json_object_get(ticket, "email"));
    struct auth_subjects subj;
    long wait;

    if (t.code == NULL)
        return auth_form_error(r, view, 400, "Enter the 6-digit code from your "
                               "authenticator app, or one of your recovery codes.");
    auth_throttle_subjects(r, t.user_id, email, &subj);
    if ((wait = auth_throttle_wait(r, &subj)) > 0) {
        signin_failed_audit(r, t.user_id, email, "locked");
        return auth_throttle_refuse(r, view, wait);
    }
    int rc = pt_db_tx(r, mfa_tx, &t);
    if (rc < 0)
        return pt_error(r, 500, "Signing in failed. Try again in a moment.");
    if (rc > 0) {
        signin_failed_audit(r, t.user_id, email, t.replay ? "two-factor code already used"
                            : t.recovery ? "wrong recovery code" : "wrong two-factor code");
        if (auth_throttle_fail(r, &subj, t.user_id, email))
            return auth_throttle_refuse(r, view, auth_throttle_wait(r, &subj));
        return auth_form_error(r, view, 401, t.why);
    }
    auth_throttle_clear_account(r, t.user_id);
    pt_resp_cookie(r, AUTH_MFA_COOKIE, "", 0);
    return auth_finish_signin(r, view, t.user_id, email,
                              t.recovery ? "recovery code" : "totp", next);
}

int auth_login_2fa(struct pt_req *r, json_t *view)
{
    const char *next = signin_next(r);
    json_t *ticket = mfa_ticket(r);

    json_object_set_new(view, "next", json_string(next));
    if (ticket == NULL) {
        if (strcmp(pt_req_method(r), "POST") == 0)
            signin_failed_audit(r, 0, NULL, "second step expired");
        if (pt_req_is_api(r))
            return pt_error(r, 401, "This sign-in has expired or was already completed. "
                            "Sign in again.");
        pt_flash(r, "warning", "Your sign-in took too long or was already completed. "
                 "Sign in again.");
        return pt_redirect(r, pt_printf(r, "/login?next=%s", auth_url_encode(r, next)));
    }
    if (strcmp(pt_req_method(r), "POST") == 0)
        return mfa_check(r, view, ticket, next);
    return 200;
}

/* ---- sign-out ---------------------------------------------------------------- */

int auth_logout(struct pt_req *r, json_t *view)
{
    int64_t uid = pt_req_user_id(r);
    int rc = auth_require_session(r);

    if (rc != 0)
        return rc;
    auth_audit(r, false, AUTH_CAT_AUTH, "Sign Out", "Success", uid, NULL);
    if (pt_session_end(r) != 0)
        return pt_error(r, 500, "Signing out failed. Try again.");
    json_object_set_new(view, "signed_out", json_true());
    pt_flash(r, "success", "You have been signed out.");
    return pt_redirect(r, "/login");
}

int auth_logout_all(struct pt_req *r, json_t *view)
{
    int64_t uid = pt_req_user_id(r);
    int rc = auth_require_session(r);

    if (rc != 0)
        return rc;
    /* The others first, then the event (still by this session), then this one. */
    if (pt_session_end_user(r, uid, true) != 0) {
        auth_audit(r, true, AUTH_CAT_AUTH, "Sign Out Everywhere", "Failed", uid, NULL);
        return pt_error(r, 500, "Signing out everywhere failed. Try again.");
    }
    auth_audit(r, false, AUTH_CAT_AUTH, "Sign Out Everywhere", "Success", uid, NULL);
    if (pt_session_end(r) != 0)
        return pt_error(r, 500, "Signing out failed. Try again.");
    json_object_set_new(view, "signed_out", json_true());
    pt_flash(r, "success", "You have been signed out on every device.");
    return pt_redirect(r, "/login");
}
