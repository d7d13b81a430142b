/*
 * auth — proving who you are: sign-in with a password and a second factor,
 * sign-out (here or everywhere), brute-force throttling, password reset,
 * set-password and invitation links, TOTP enrolment and recovery codes.
 *
 * Every route is one handler for the page and its /api/v1 twin: browsers
 * post forms, API clients JSON, both read through pt_req_input.  A page
 * that refuses its input shows the form again with the reason; the API
 * answers problem+json with the same sentence.
 *
 * This file: the descriptor and the helpers the other files share.
 */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- shared helpers ------------------------------------------------------ */

int auth_form_error(struct pt_req *r, json_t *view, int status, const char *msg)
{
    if (pt_req_is_api(r))
        return pt_error(r, status, msg);
    /* An object, so that the template can show it as a section. */
    json_object_set_new(view, "error", json_pack("{s:s?}", "message", msg));
    return 200;
}

const char *auth_input(struct pt_req *r, const char *name)
{
    return pt_trim(r, pt_req_input(r, name));
}

const char *auth_safe_next(const char *next)
{
    if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
        strlen(next) > 1000)
        return "/";
    for (const unsigned char *p = (const unsigned char *)next; *p; p++)
        if (*p < 0x21 || *p >= 0x7f || *p == '\\')
            return "/";
    /* Never back into the sign-in pages themselves. */
    if (strncmp(next, "/login", 6) == 0 || strncmp(next, "/logout", 7) == 0)
        return "/";
    return next;
}

char *auth_url_encode(struct pt_req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = pt_alloc(r, strlen(s) * 3 + 1), *o = out;

    if (out == NULL)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~/", *p)) {
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

long auth_config_long(struct pt_req *r, const char *key, long def, long min, long max)
{
    const char *v = pt_config_get(r, "auth", key);
    char *end;
    long n;

    if (v == NULL || *v == '\0')
        return def;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < min || n > max) {
        pt_log_warn("%s: [auth] %s = '%s' is not a number in %ld..%ld: using %ld",
                    __func__, key, v, min, max, def);
        return def;
    }
    return n;
}

int auth_require_session(struct pt_req *r)
{
    const struct pt_identity *id = pt_req_identity(r);

    if (id == NULL || id->user_id <= 0)
        return pt_error(r, 401, "Sign in to continue.");
    if (id->token_id > 0)
        return pt_error(r, 403, "This action needs you to be signed in with your password; "
                        "an API token cannot do it.");
    return 0;
}

int64_t auth_user_org(struct pt_req *r, int64_t user_id)
{
    json_t *row;

    if (user_id <= 0 ||
        pt_db_query_one(r, "SELECT org_id FROM memberships WHERE user_id = ? "
                        "ORDER BY created, org_id LIMIT 1",
                        PT_ARGS(PT_ARG_INT(user_id)), &row) != 0)
        return 0;
    return json_integer_value(json_object_get(row, "org_id"));
}

void auth_audit(struct pt_req *r, bool always, const char *category, const char *action,
                const char *status, int64_t subject, json_t *metadata)
{
    struct pt_audit e = {
        .org_id = auth_user_org(r, subject),
        .category = category,
        .action = action,
        .status = status,
        .metadata = metadata,
        .user_id = subject,
    };
    char id[24];

    if (subject > 0) {
        snprintf(id, sizeof(id), "%lld", (long long)subject);
        e.resource_type = "user";
        e.resource_id = id;
    }
    int rc = always ? pt_audit_log_always(r, &e) : pt_audit_log(r, &e);
    if (rc != 0)
        pt_log_error("%s: %s/%s not recorded (%d)", __func__, category, action, rc);
}

int auth_user_by_id(struct pt_req *r, int64_t id, json_t **row)
{
    return pt_db_query_one(r, "SELECT id, email, full_name, password_hash, status "
                           "FROM users WHERE id = ?", PT_ARGS(PT_ARG_INT(id)), row);
}

bool auth_mfa_required(struct pt_req *r, int64_t user_id)
{
    json_t *row;

    return pt_db_query_one(r, "SELECT 1 AS required FROM memberships m "
                           "JOIN org_closure c ON c.descendant = m.org_id "
                           "JOIN orgs o ON o.id = c.ancestor "
                           "WHERE m.user_id = ? AND o.require_mfa = 1 LIMIT 1",
                           PT_ARGS(PT_ARG_INT(user_id)), &row) == 0;
}

const char *auth_new_password_problem(struct pt_req *r, const char *pw, const char *confirm,
                                      const char *email)
{
    (void)r;
    if (pw == NULL || *pw == '\0')
        return "Enter a new password.";
    const char *why = pt_password_policy(pw, email);
    if (why != NULL)
        return why;
    if (confirm == NULL || strcmp(pw, confirm) != 0)
        return "The two passwords do not match. Type the same password twice.";
    return NULL;
}

int auth_store_password(struct pt_req *r, int64_t user_id, const char *pw)
{
    char phc[PT_PASSWORD_PHC_MAX];
    int rc = pt_password_hash(pw, phc, sizeof(phc));

    if (rc != 0) {
        pt_log_error("%s: hashing failed (%d)", __func__, rc);
        return rc;
    }
    rc = pt_db_exec(r, "UPDATE users SET password_hash = ? WHERE id = ?",
                    PT_ARGS(PT_ARG_STR(phc), PT_ARG_INT(user_id)), NULL, NULL);
    memset(phc, 0, sizeof(phc));
    return rc;
}

/* ---- housekeeping -------------------------------------------------------- */

/* Old counters and spent second-step and reset links. */
static int auth_prune(struct pt_req *ctx, json_t *payload)
{
    long reset = auth_config_long(ctx, "failure_reset", 43200, 60, 31536000);
    int rc;

    (void)payload;
    rc = pt_db_exec(ctx, "DELETE FROM login_throttle WHERE last_failure < NOW() - INTERVAL ? "
                    "SECOND AND (locked_until IS NULL OR locked_until < NOW())",
                    PT_ARGS(PT_ARG_INT(reset)), NULL, NULL);
    if (rc == 0)
        rc = pt_db_exec(ctx, "DELETE FROM one_time_tokens WHERE purpose IN ('mfa', 'reset') "
                        "AND expires < NOW() - INTERVAL 1 DAY", PT_NOARGS, NULL, NULL);
    return rc;
}

/* ---- the descriptor ------------------------------------------------------ */

static const struct pt_route auth_routes[] = {
    { .methods = PT_GET | PT_POST, .pattern = "/login", .permission = PT_PERM_PUBLIC,
      .handler = auth_login, .template = "auth/login.tpl", .title = "Sign in",
      .flags = PT_ROUTE_NO_CSRF },
    { .methods = PT_GET | PT_POST, .pattern = "/login/2fa", .permission = PT_PERM_PUBLIC,
      .handler = auth_login_2fa, .template = "auth/login_2fa.tpl",
      .title = "Two-factor authentication" },
    { .methods = PT_POST, .pattern = "/logout", .permission = PT_PERM_AUTHENTICATED,
      .handler = auth_logout, .template = "auth/login.tpl", .title = "Sign out",
      .flags = PT_ROUTE_MFA_SETUP },
    { .methods = PT_POST, .pattern = "/logout/all", .permission = PT_PERM_AUTHENTICATED,
      .handler = auth_logout_all, .template = "auth/login.tpl",
      .title = "Sign out everywhere", .flags = PT_ROUTE_MFA_SETUP },
    { .methods = PT_GET | PT_POST, .pattern = "/password/forgot",
      .permission = PT_PERM_PUBLIC, .handler = auth_forgot,
      .template = "auth/forgot.tpl", .title = "Reset your password" },
    { .methods = PT_GET | PT_POST, .pattern = "/password/reset",
      .permission = PT_PERM_PUBLIC, .handler = auth_reset,
      .template = "auth/reset.tpl", .title = "Choose a new password" },
    { .methods = PT_GET | PT_POST, .pattern = "/password/set",
      .permission = PT_PERM_PUBLIC, .handler = auth_password_set_page,
      .template = "auth/set_password.tpl", .title = "Set your password" },
    { .methods = PT_GET | PT_POST, .pattern = "/profile/security",
      .permission = PT_PERM_AUTHENTICATED, .handler = auth_security,
      .template = "auth/security.tpl", .title = "Password and two-factor" },
    { .methods = PT_GET | PT_POST, .pattern = "/profile/security/2fa",
      .permission = PT_PERM_AUTHENTICATED, .handler = auth_twofactor_page,
      .template = "auth/twofactor.tpl", .title = "Two-factor authentication",
      .flags = PT_ROUTE_MFA_SETUP },
    { .methods = PT_POST, .pattern = "/profile/security/2fa/disable",
      .permission = PT_PERM_AUTHENTICATED, .handler = auth_twofactor_disable,
      .template = "auth/twofactor.tpl", .title = "Turn off two-factor authentication" },
    { .methods = PT_POST, .pattern = "/profile/security/recovery-codes",
      .permission = PT_PERM_AUTHENTICATED, .handler = auth_recovery_regenerate,
      .template = "auth/recovery_codes.tpl", .title = "Recovery codes",
      .flags = PT_ROUTE_MFA_SETUP },
    { .methods = PT_POST, .pattern = "/users/{user:int}/2fa/reset",
      .permission = "auth.reset_2fa", .handler = auth_twofactor_admin_reset,
      .template = "auth/admin_reset.tpl", .title = "Reset two-factor authentication" },
    { 0 }
};

static const struct pt_permission auth_permissions[] = {
    { .key = "auth.reset_2fa", .category = "Security",
      .label = "Reset another user's two-factor authentication", .roles = PT_ROLES_ADMINS },
    { 0 }
};

static const struct pt_audit_type auth_audit_types[] = {
    { AUTH_CAT_AUTH, "Sign In" },
    { AUTH_CAT_AUTH, "Sign Out" },
    { AUTH_CAT_AUTH, "Sign Out Everywhere" },
    { AUTH_CAT_SECURITY, "Account Locked" },
    { AUTH_CAT_SECURITY, "Address Locked" },
    { AUTH_CAT_SECURITY, "Password Reset Requested" },
    { AUTH_CAT_SECURITY, "Password Reset" },
    { AUTH_CAT_SECURITY, "Password Changed" },
    { AUTH_CAT_SECURITY, "Password Set" },
    { AUTH_CAT_SECURITY, "Invitation Accepted" },
    { AUTH_CAT_SECURITY, "Two-Factor Enabled" },
    { AUTH_CAT_SECURITY, "Two-Factor Disabled" },
    { AUTH_CAT_SECURITY, "Two-Factor Reset" },
    { AUTH_CAT_SECURITY, "Recovery Code Used" },
    { AUTH_CAT_SECURITY, "Recovery Codes Regenerated" },
    { 0 }
};

static const struct pt_job_kind auth_jobs[] = {
    { .kind = "auth.prune", .run = auth_prune, .max_attempts = 3 },
    { 0 }
};

static const struct pt_schedule auth_schedules[] = {
    { .kind = "auth.prune", .when = "every 3600" },
    { 0 }
};

const struct portal_module auth_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "auth",
    .routes = auth_routes,
    .permissions = auth_permissions,
    .audit_types = auth_audit_types,
    .jobs = auth_jobs,
    .schedules = auth_schedules,
};
