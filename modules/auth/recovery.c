/*
 * recovery.c — one-time recovery codes, turning two-factor off, and an
 * administrator's reset of someone else's two-factor.
 *
 * A recovery code is stored as the SHA-256 of "user:<id>:" and its
 * normalised form (pt_recovery_code_normalize: case, dashes and look-alike
 * letters do not matter), so a stolen table reveals no code and a code of
 * one account never matches another.  Each is used once (used_at).
 */
#include "auth.h"

#include <stdio.h>

static void recovery_hash(int64_t user_id, const char *norm, char hex[PT_SHA256_HEX_LEN + 1])
{
    char buf[64 + PT_RECOVERY_NORM_SIZE];
    int n = snprintf(buf, sizeof(buf), "user:%lld:%s", (long long)user_id, norm);

    pt_sha256_hex(buf, n > 0 ? (size_t)n : 0, hex);
}

long auth_recovery_left(struct pt_req *r, int64_t user_id)
{
    json_t *row;

    if (pt_db_query_one(r, "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? "
                        "AND used_at IS NULL", PT_ARGS(PT_ARG_INT(user_id)), &row) != 0)
        return 0;
    return (long)json_integer_value(json_object_get(row, "n"));
}

int auth_recovery_use(struct pt_req *r, int64_t user_id, const char *code, const char **why)
{
    char norm[PT_RECOVERY_NORM_SIZE], hex[PT_SHA256_HEX_LEN + 1];
    uint64_t n = 0;
    json_t *row;
    int rc;

    if (pt_recovery_code_normalize(code, norm) != 0) {
        *why = "Enter the 6-digit code from your authenticator app, or a recovery code "
               "(it looks like abcde-12345).";
        return 1;
    }
    recovery_hash(user_id, norm, hex);
    rc = pt_db_exec(r, "UPDATE recovery_codes SET used_at = NOW() WHERE user_id = ? AND "
                    "code_hash = ? AND used_at IS NULL",
                    PT_ARGS(PT_ARG_INT(user_id), PT_ARG_STR(hex)), &n, NULL);
    if (rc != 0)
        return rc;
    if (n == 1) {
        json_t *m = json_pack("{s:I}", "codes_left", (json_int_t)auth_recovery_left(r, user_id));
        auth_audit(r, false, AUTH_CAT_SECURITY, "Recovery Code Used", "Success", user_id, m);
        json_decref(m);
        return 0;
    }
    rc = pt_db_query_one(r, "SELECT used_at FROM recovery_codes WHERE user_id = ? AND "
                         "code_hash = ?", PT_ARGS(PT_ARG_INT(user_id), PT_ARG_STR(hex)), &row);
    *why = rc == 0 ? "That recovery code has already been used. Each code works only once."
                   : "That recovery code is not right. Check it against your saved list.";
    return rc == 0 || rc == PT_ENOTFOUND ? 1 : rc;
}

int auth_recovery_store(struct pt_req *r, int64_t user_id,
                        char codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE])
{
    char norm[PT_RECOVERY_NORM_SIZE], hex[PT_SHA256_HEX_LEN + 1];
    int rc;

    if (pt_recovery_codes_new(codes) != 0)
        return PT_EIO;
    rc = pt_db_exec(r, "DELETE FROM recovery_codes WHERE user_id = ?",
                    PT_ARGS(PT_ARG_INT(user_id)), NULL, NULL);
    for (int i = 0; rc == 0 && i < PT_RECOVERY_CODES; i++) {
        if (pt_recovery_code_normalize(codes[i], norm) != 0)
            return PT_EINVAL;
        recovery_hash(user_id, norm, hex);
        rc = pt_db_exec(r, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)",
                        PT_ARGS(PT_ARG_INT(user_id), PT_ARG_STR(hex)), NULL, NULL);
    }
    return rc;
}

void auth_recovery_view(json_t *view, char codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE])
{
    json_t *a = json_array();

    for (int i = 0; i < PT_RECOVERY_CODES; i++)
        json_array_append_new(a, json_string(codes[i]));
    json_object_set_new(view, "recovery_codes", a);
    json_object_set_new(view, "show_codes", json_true());
}

/* ---- re-authentication for the changes below ---------------------------------- */

/* The signed-in user's current password, throttled like a sign-in.  0, or
 * the handler's status (the form error is already in the view). */
static int recovery_reauth(struct pt_req *r, json_t *view, const char *action)
{
    const struct pt_identity *id = pt_req_identity(r);
    const char *pw = pt_req_input(r, "password"), *phc;
    struct auth_subjects subj;
    json_t *user;
    long wait;

    auth_throttle_subjects(r, id->user_id, id->email, &subj);
    if ((wait = auth_throttle_wait(r, &subj)) > 0)
        return auth_throttle_refuse(r, view, wait);
    if (pw == NULL || *pw == '\0')
        return auth_form_error(r, view, 400, "Enter your current password to confirm.");
    if (auth_user_by_id(r, id->user_id, &user) != 0)
        return pt_error(r, 500, "Your account could not be read. Try again in a moment.");
    phc = json_string_value(json_object_get(user, "password_hash"));
    if (phc == NULL || pt_password_verify(phc, pw, NULL) != 0) {
        json_t *m = json_pack("{s:s}", "reason", "wrong password");
        auth_audit(r, true, AUTH_CAT_SECURITY, action, "Failed", id->user_id, m);
        json_decref(m);
        auth_throttle_fail(r, &subj, id->user_id, id->email);
        return auth_form_error(r, view, 401, "Your current password is not right.");
    }
    return 0;
}

/* ---- turning two-factor off ------------------------------------------------------ */

struct disable_try {
    int64_t     user_id;
    const char *code, *why;
};

static int disable_tx(struct pt_req *r, void *arg)
{
    struct disable_try *t = arg;
    bool recovery;
    int rc = auth_second_factor(r, t->user_id, t->code, &recovery, &t->why);

    if (rc != 0)
        return rc;
    rc = pt_db_exec(r, "DELETE FROM totp WHERE user_id = ?",
                    PT_ARGS(PT_ARG_INT(t->user_id)), NULL, NULL);
    if (rc == 0)
        rc = pt_db_exec(r, "DELETE FROM recovery_codes WHERE user_id = ?",
                        PT_ARGS(PT_ARG_INT(t->user_id)), NULL, NULL);
    if (rc == 0)
        auth_audit(r, false, AUTH_CAT_SECURITY, "Two-Factor Disabled", "Success", t->user_id,
                   NULL);
    return rc;
}

int auth_twofactor_disable(struct pt_req *r, json_t *view)
{
    const struct pt_identity *id = pt_req_identity(r);
    struct disable_try t = { .code = auth_input(r, "code") };
    struct auth_subjects subj;
    int rc = auth_require_session(r);

    if (rc != 0)
        return rc;
    t.user_id = id->user_id;
    auth_twofactor_status(r, t.user_id, view);
    if (!auth_totp_enabled(r, t.user_id)) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Two-Factor Disabled", "Failed", t.user_id, NULL);
        return auth_form_error(r, view, 409, "Two-factor authentication is not on.");
    }
    if (auth_mfa_required(r, t.user_id)) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Two-Factor Disabled", "Failed", t.user_id, NULL);
        return auth_form_error(r, view, 403, "Your organisation requires two-factor "
                               "authentication, so it cannot be turned off.");
    }
    if ((rc = recovery_reauth(r, view, "Two-Factor Disabled")) != 0)
        return rc;
    rc = pt_db_tx(r, disable_tx, &t);
    if (rc < 0)
        return pt_error(r, 500, "Two-factor authentication could not be turned off. Try "
                        "again in a moment.");
    if (rc > 0) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Two-Factor Disabled", "Failed", t.user_id, NULL);
        auth_throttle_subjects(r, t.user_id, id->email, &subj);
        auth_throttle_fail(r, &subj, t.user_id, id->email);
        return auth_form_error(r, view, 401, t.why);
    }
    json_object_set_new(view, "disabled", json_true());
    pt_flash(r, "success", "Two-factor authentication is off. Your recovery codes no longer "
             "work.");
    return pt_redirect(r, "/profile/security");
}

/* ---- new recovery codes ------------------------------------------------------------ */

struct regen {
    int64_t user_id;
    char    codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE];
};

static int regen_tx(struct pt_req *r, void *arg)
{
    struct regen *g = arg;
    int rc = auth_recovery_store(r, g->user_id, g->codes);

    if (rc == 0)
        auth_audit(r, false, AUTH_CAT_SECURITY, "Recovery Codes Regenerated", "Success",
                   g->user_id, NULL);
    return rc;
}

int auth_recovery_regenerate(struct pt_req *r, json_t *view)
{
    const struct pt_identity *id = pt_req_identity(r);
    struct regen g = { 0 };
    int rc = auth_require_session(r);

    if (rc != 0)
        return rc;
    g.user_id = id->user_id;
    if (!auth_totp_enabled(r, g.user_id)) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Recovery Codes Regenerated", "Failed",
                   g.user_id, NULL);
        return auth_form_error(r, view, 409, "Turn on two-factor authentication first: "
                               "recovery codes come with it.");
    }
    if ((rc = recovery_reauth(r, view, "Recovery Codes Regenerated")) != 0)
        return rc;
    if (pt_db_tx(r, regen_tx, &g) != 0) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Recovery Codes Regenerated", "Failed",
                   g.user_id, NULL);
        return pt_error(r, 500, "New recovery codes could not be made. Try again in a moment.");
    }
    auth_recovery_view(view, g.codes);
    memset(g.codes, 0, sizeof(g.codes));
    pt_flash(r, "success", "Here are your new recovery codes. The old ones no longer work.");
    return 200;
}

/* ---- an administrator's reset -------------------------------------------------------- */

/* An organisation of the target user on which the actor may reset
 * two-factor, or 0 (then the user is outside the actor's tree). */
static int64_t reset_scope(struct pt_req *r, int64_t target)
{
    json_t *rows;
    size_t i;
    json_t *row;

    if (pt_db_query(r, "SELECT org_id FROM memberships WHERE user_id = ? ORDER BY org_id",
                    PT_ARGS(PT_ARG_INT(target)), &rows) != 0)
        return 0;
    json_array_foreach(rows, i, row) {
        int64_t org = json_integer_value(json_object_get(row, "org_id"));
        if (pt_can(r, "auth.reset_2fa", org))
            return org;
    }
    return 0;
}

struct admin_reset {
    int64_t target, org;
};

static void reset_audit(struct pt_req *r, const struct admin_reset *a, const char *status,
                        const char *why, bool always)
{
    struct pt_audit e = {
        .org_id = a->org, .category = AUTH_CAT_SECURITY, .action = "Two-Factor Reset",
        .status = status, .resource_type = "user", .user_id = a->target,
        .resource_id = pt_printf(r, "%lld", (long long)a->target), .description = why,
    };

    if ((always ? pt_audit_log_always(r, &e) : pt_audit_log(r, &e)) != 0)
        pt_log_error("%s: not recorded", __func__);
}

static int reset_tx(struct pt_req *r, void *arg)
{
    struct admin_reset *a = arg;
    uint64_t n = 0;
    int rc = pt_db_exec(r, "DELETE FROM totp WHERE user_id = ?",
                        PT_ARGS(PT_ARG_INT(a->target)), &n, NULL);

    if (rc == 0)
        rc = pt_db_exec(r, "DELETE FROM recovery_codes WHERE user_id = ?",
                        PT_ARGS(PT_ARG_INT(a->target)), NULL, NULL);
    if (rc == 0 && n == 0)
        return 1;
    if (rc == 0)
        reset_audit(r, a, "Success", NULL, false);
    return rc;
}

int auth_twofactor_admin_reset(struct pt_req *r, json_t *view)
{
    struct admin_reset a = { .target = pt_req_param_int(r, "user") };
    int rc;

    if (a.target <= 0 || (a.org = reset_scope(r, a.target)) == 0) {
        reset_audit(r, &a, "Failed", "user not found or outside your organisations", true);
        return pt_error(r, 404, "There is no such user.");
    }
    if (a.target == pt_req_user_id(r)) {
        reset_audit(r, &a, "Failed", "own account", true);
        return pt_error(r, 409, "Use your own security page to change your two-factor "
                        "authentication.");
    }
    rc = pt_db_tx(r, reset_tx, &a);
    if (rc != 0) {
        reset_audit(r, &a, "Failed", rc > 0 ? "two-factor was not on" : "database error", true);
        return rc > 0 ? pt_error(r, 409, "This user has no two-factor authentication to reset.")
                      : pt_error(r, 500, "The reset failed. Try again in a moment.");
    }
    pt_session_end_user(r, a.target, false);
    json_object_set_new(view, "reset", json_true());
    json_object_set_new(view, "user_id", json_integer(a.target));
    pt_flash(r, "success", "Two-factor authentication has been reset. The user sets it up "
             "again at their next sign-in.");
    const char *back = pt_req_input(r, "return_to");
    return pt_redirect(r, back ? auth_safe_next(back)
                               : pt_printf(r, "/users/%lld", (long long)a.target));
}
