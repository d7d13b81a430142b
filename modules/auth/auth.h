/*
 * auth.h — what the files of the auth module share.  Private to
 * modules/auth/: like every module file it builds on portal.h alone.
 *
 *   auth.c       the descriptor, the routes table and small shared helpers
 *   signin.c     /login, /login/2fa, /logout, /logout/all
 *   throttle.c   brute-force counters (login_throttle, Keycloak's model)
 *   password.c   forgot, reset, change
 *   invite.c     one-time links: lookup, and /password/set (set-password
 *                and invitation accept)
 *   twofactor.c  TOTP enrolment and second-factor checks
 *   recovery.c   recovery codes, turning two-factor off, an administrator's
 *                reset
 */
#ifndef PT_MOD_AUTH_H
#define PT_MOD_AUTH_H

#include "portal.h"

#define AUTH_CAT_AUTH     "Authentication"
#define AUTH_CAT_SECURITY "Security"
#define AUTH_EMAIL_MAX    254
#define AUTH_MFA_COOKIE   "pt_mfa"
#define AUTH_MFA_SECONDS  300
#define AUTH_RESET_MINUTES 60

/* ---- auth.c: shared helpers ---- */

/* A form error: problem+json (status) on the API; on a page, the form
 * again (200: the core renders 4xx as its error page) with view.error
 * {message}. */
int  auth_form_error(struct pt_req *r, json_t *view, int status, const char *msg);
/* An input trimmed of surrounding white space, NULL when absent or empty. */
const char *auth_input(struct pt_req *r, const char *name);
/* A local path to go to after sign-in ("/" when next is unsafe). */
const char *auth_safe_next(const char *next);
/* s percent-encoded for a query string. */
char *auth_url_encode(struct pt_req *r, const char *s);
/* An integer [auth] setting within [min, max], else def. */
long auth_config_long(struct pt_req *r, const char *key, long def, long min, long max);
/* 0 for a session; 403 (after pt_error) for a bearer token or nobody. */
int  auth_require_session(struct pt_req *r);
/* The organisation of the user's first membership, 0 if none. */
int64_t auth_user_org(struct pt_req *r, int64_t user_id);
/* An audit event; always: written even if the caller's transaction rolls back. */
void auth_audit(struct pt_req *r, bool always, const char *category, const char *action,
                const char *status, int64_t subject, json_t *metadata);
/* users row by id as {id, email, full_name, password_hash, status}. */
int auth_user_by_id(struct pt_req *r, int64_t id, json_t **row);
/* Does an organisation of the user (or an ancestor of one) require two-factor? */
bool auth_mfa_required(struct pt_req *r, int64_t user_id);
/* Hash and store a new password (policy already checked); 0 or PT_E…. */
int auth_store_password(struct pt_req *r, int64_t user_id, const char *pw);
/* Policy check of a new password and its confirmation: NULL or a message. */
const char *auth_new_password_problem(struct pt_req *r, const char *pw, const char *confirm,
                                      const char *email);
/* After a complete sign-in (password and, if any, second factor): session,
 * last_login_at, audit, and the redirect (two-factor enrolment when the
 * organisation requires it).  Returns the handler's status. */
int auth_finish_signin(struct pt_req *r, json_t *view, int64_t user_id, const char *email,
                       const char *method, const char *next);

/* ---- throttle.c ---- */

struct auth_subjects {
    char account[80];            /* "user:<id>" or "email:<sha256 of the address>" */
    char ip[80];                 /* "ip:<address>" */
};
void auth_throttle_subjects(struct pt_req *r, int64_t user_id, const char *email,
                            struct auth_subjects *s);
/* Seconds until the longer of the two locks ends, 0 when neither is locked. */
long auth_throttle_wait(struct pt_req *r, const struct auth_subjects *s);
/* Counts a failure on both subjects; true when it locked the account. */
bool auth_throttle_fail(struct pt_req *r, const struct auth_subjects *s, int64_t user_id,
                        const char *email);
/* A success: the account's counter starts again. */
void auth_throttle_clear_account(struct pt_req *r, int64_t user_id);
/* The 429 answer for a locked account or address (same for any e-mail). */
int auth_throttle_refuse(struct pt_req *r, json_t *view, long wait);

/* ---- invite.c: one-time links ---- */

enum auth_link_state { AUTH_LINK_OK, AUTH_LINK_INVALID, AUTH_LINK_USED, AUTH_LINK_EXPIRED,
                       AUTH_LINK_REVOKED };
struct auth_link {
    enum auth_link_state state;
    int64_t     id, user_id, org_id;
    const char *purpose, *email, *full_name, *password_hash;
};
/* Looks the token of the request (input or query "token") up among
 * purposes (a NULL-terminated list); for_update locks the row. */
int auth_link_lookup(struct pt_req *r, const char *const *purposes, bool for_update,
                     struct auth_link *l);
/* A sentence for a link that cannot be used. */
const char *auth_link_message(enum auth_link_state s, const char *purpose);
/* Puts the link's state into the view (flags for the template). */
void auth_link_view(json_t *view, const struct auth_link *l);
/* A link that cannot be used: audited on POST; the page shows why (200),
 * the API answers 404 (not valid) or 410 (used, expired, revoked). */
int auth_link_refuse(struct pt_req *r, json_t *view, const struct auth_link *l,
                     const char *action);
/* Uses the link l in one transaction (checked again, locked): marks it used,
 * stores password (if not NULL) and writes the audit event action.  0, 1
 * when the link was used or revoked meanwhile, or a negative PT_E…. */
int auth_link_use(struct pt_req *r, const char *const *purposes, const struct auth_link *l,
                  const char *password, const char *action);
int auth_password_set_page(struct pt_req *r, json_t *view);

/* ---- password.c ---- */

int auth_forgot(struct pt_req *r, json_t *view);
int auth_reset(struct pt_req *r, json_t *view);
int auth_security(struct pt_req *r, json_t *view);

/* ---- signin.c ---- */

int auth_login(struct pt_req *r, json_t *view);
int auth_login_2fa(struct pt_req *r, json_t *view);
int auth_logout(struct pt_req *r, json_t *view);
int auth_logout_all(struct pt_req *r, json_t *view);

/* ---- twofactor.c ---- */

/* Is TOTP enabled for the user? */
bool auth_totp_enabled(struct pt_req *r, int64_t user_id);
/* Checks a second factor (a 6-digit code or a recovery code) inside the
 * caller's transaction.  0, or a message for the user in *why. */
int auth_second_factor(struct pt_req *r, int64_t user_id, const char *code,
                       bool *was_recovery, const char **why);
int auth_twofactor_page(struct pt_req *r, json_t *view);
/* view.two_factor {enabled, disabled, required, enabled_at, recovery_codes_left}. */
void auth_twofactor_status(struct pt_req *r, int64_t user_id, json_t *view);

/* ---- recovery.c ---- */

/* Uses one recovery code inside the caller's transaction: 0, 1 (refused,
 * *why says why) or a negative PT_E…. */
int auth_recovery_use(struct pt_req *r, int64_t user_id, const char *code, const char **why);
/* New codes for user_id (replacing the old ones), in codes to show once. */
int auth_recovery_store(struct pt_req *r, int64_t user_id,
                        char codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE]);
void auth_recovery_view(json_t *view, char codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE]);
long auth_recovery_left(struct pt_req *r, int64_t user_id);
int auth_twofactor_disable(struct pt_req *r, json_t *view);
int auth_recovery_regenerate(struct pt_req *r, json_t *view);
int auth_twofactor_admin_reset(struct pt_req *r, json_t *view);

#endif
