/*
 * session.c — identity: the session cookie (only its SHA-256 is stored) or
 * a bearer token.  Every request re-reads the user, so an administrator's
 * "disable" signs the user out on their very next request; idle and
 * absolute lifetimes come from [auth].
 */
#include "session.h"
#include "pt_config.h"
#include "request.h"
#include "worker.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SESSION_TOUCH_SECONDS 60   /* last_seen is written at most once a minute */

static long auth_setting(const struct pt_req *r, const char *key, long def, long min, long max)
{
    const char *v = pt_config_value(r->w->cfg, "auth", key);
    char *end;
    long n = v ? strtol(v, &end, 10) : def;

    if (v && (*end != '\0' || n < min || n > max)) {
        pt_log_warn("[auth] %s = %s is out of range; using %ld", key, v, def);
        return def;
    }
    return n;
}

const char *pt_session_cookie_name(const struct pt_req *r)
{
    /* __Host- binds the cookie to this exact host, Secure and Path=/. */
    return r->tls ? "__Host-pt_session" : "pt_session";
}

static void forget_cookie(struct pt_req *r)
{
    pt_resp_cookie(r, pt_session_cookie_name(r), "", 0);
    r->session_hash = NULL;
    memset(&r->ident, 0, sizeof(r->ident));
}

static void session_fill(struct pt_req *r, json_t *row)
{
    r->ident.user_id = json_integer_value(json_object_get(row, "user_id"));
    r->ident.impersonator_id = json_integer_value(json_object_get(row, "impersonator_id"));
    r->impersonator_name = json_string_value(json_object_get(row, "impersonator_name"));
    r->ident.email = json_string_value(json_object_get(row, "email"));
    r->ident.full_name = json_string_value(json_object_get(row, "full_name"));
    r->ident.csrf_token = json_string_value(json_object_get(row, "csrf_token"));
    r->ident.mfa_enabled = json_integer_value(json_object_get(row, "mfa")) != 0;
    r->mfa_hold = !r->ident.mfa_enabled &&
                  json_integer_value(json_object_get(row, "mfa_required")) != 0;
}

static int resolve_cookie(struct pt_req *r, const char *token)
{
    char hash[PT_SHA256_HEX_LEN + 1];
    json_t *row;
    long idle = auth_setting(r, "session_idle_minutes", 30, 1, 10080) * 60;

    pt_sha256_hex(token, strlen(token), hash);
    if (pt_db_query_one(r,
            "SELECT s.user_id, s.impersonator_id, s.csrf_token, u.email, u.full_name, "
            "u.status, (s.expires > UTC_TIMESTAMP()) AS live, "
            "TIMESTAMPDIFF(SECOND, s.last_seen, UTC_TIMESTAMP()) AS idle, "
            "(t.enabled_at IS NOT NULL) AS mfa, s.mfa_required, "
            "iu.full_name AS impersonator_name, COALESCE(iu.status, 'active') AS imp_status "
            "FROM sessions s JOIN users u ON u.id = s.user_id "
            "LEFT JOIN totp t ON t.user_id = u.id "
            "LEFT JOIN users iu ON iu.id = s.impersonator_id WHERE s.token_hash = ?",
            PT_ARGS(PT_ARG_STR(hash)), &row) != 0) {
        forget_cookie(r);
        return 0;
    }
    r->session_hash = pt_strdup(r, hash);
    bool active = strcmp(json_string_value(json_object_get(row, "status")), "active") == 0 &&
                  strcmp(json_string_value(json_object_get(row, "imp_status")), "active") == 0;
    json_int_t idle_for = json_integer_value(json_object_get(row, "idle"));
    if (!active || !json_integer_value(json_object_get(row, "live")) || idle_for > idle) {
        pt_db_exec(r, "DELETE FROM sessions WHERE token_hash = ?", PT_ARGS(PT_ARG_STR(hash)),
                   NULL, NULL);
        forget_cookie(r);
        return 0;
    }
    session_fill(r, row);
    if (idle_for >= SESSION_TOUCH_SECONDS)
        pt_db_exec(r, "UPDATE sessions SET last_seen = UTC_TIMESTAMP() WHERE token_hash = ?",
                   PT_ARGS(PT_ARG_STR(hash)), NULL, NULL);
    return 0;
}

static json_t *scopes_of(json_t *row)
{
    const char *text = json_string_value(json_object_get(row, "scopes"));
    json_t *scopes = text ? json_loads(text, 0, NULL) : NULL;

    return json_is_array(scopes) ? scopes : (json_decref(scopes), json_array());
}

static int resolve_bearer(struct pt_req *r, const char *token)
{
    char hash[PT_SHA256_HEX_LEN + 1];
    json_t *row;

    pt_sha256_hex(token, strlen(token), hash);
    if (pt_db_query_one(r,
            "SELECT t.id, t.user_id, t.org_id, t.scopes, u.email, u.full_name, u.status, "
            "(t.last_used_at IS NULL OR t.last_used_at < UTC_TIMESTAMP() - INTERVAL 1 MINUTE) "
            "AS stale FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL "
            "AND (t.expires IS NULL OR t.expires > UTC_TIMESTAMP())",
            PT_ARGS(PT_ARG_STR(hash)), &row) != 0)
        return pt_error(r, 401, "The API token is unknown, revoked or expired.");
    const char *status = json_string_value(json_object_get(row, "status"));
    if (status && strcmp(status, "active") != 0)
        return pt_error(r, 401, "The API token's owner is disabled.");
    r->ident.token_id = json_integer_value(json_object_get(row, "id"));
    r->ident.user_id = json_integer_value(json_object_get(row, "user_id"));
    r->ident.email = json_string_value(json_object_get(row, "email"));
    r->ident.full_name = json_string_value(json_object_get(row, "full_name"));
    r->token_org = json_integer_value(json_object_get(row, "org_id"));
    r->token_scopes = pt_keep(r, scopes_of(row));
    if (json_integer_value(json_object_get(row, "stale")))
        pt_db_exec(r, "UPDATE api_tokens SET last_used_at = UTC_TIMESTAMP() WHERE id = ?",
                   PT_ARGS(PT_ARG_INT(r->ident.token_id)), NULL, NULL);
    return 0;
}

int pt_session_resolve(struct pt_req *r)
{
    const char *auth = pt_req_header(r, "Authorization");
    const char *cookie = pt_req_cookie(r, pt_session_cookie_name(r));

    if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
        return resolve_bearer(r, auth + 7);
    if (cookie && *cookie)
        return resolve_cookie(r, cookie);
    return 0;
}

bool pt_session_csrf_ok(struct pt_req *r)
{
    const char *sent = pt_req_header(r, "X-CSRF-Token");

    if (sent == NULL)
        sent = pt_kv_get(&r->form, "csrf_token");
    if (sent == NULL && r->json)
        sent = json_string_value(json_object_get(r->json, "csrf_token"));
    if (sent == NULL || r->ident.csrf_token == NULL ||
        strlen(sent) != strlen(r->ident.csrf_token))
        return false;
    return pt_secure_equal(sent, r->ident.csrf_token, strlen(sent));
}

/* ---- portal.h ---- */

const struct pt_identity *pt_req_identity(const struct pt_req *r)
{
    return &r->ident;
}

int64_t pt_req_user_id(const struct pt_req *r)
{
    return r->ident.user_id;
}

int pt_session_start(struct pt_req *r, int64_t user_id)
{
    char token[PT_TOKEN_LEN + 1], csrf[PT_TOKEN_LEN + 1], hash[PT_SHA256_HEX_LEN + 1];
    long max_age = auth_setting(r, "session_max_hours", 12, 1, 720) * 3600;
    const char *ua = pt_req_header(r, "User-Agent");

    if (r->session_hash)        /* rotate: the old id never lives on */
        pt_session_end(r);
    if (pt_token_new(token) != 0 || pt_token_new(csrf) != 0)
        return PT_EIO;
    pt_sha256_hex(token, strlen(token), hash);
    int rc = pt_db_exec(r,
        "INSERT INTO sessions (token_hash, user_id, csrf_token, ip, user_agent, expires) "
        "VALUES (?, ?, ?, ?, LEFT(?, 500), UTC_TIMESTAMP() + INTERVAL ? SECOND)",
        PT_ARGS(PT_ARG_STR(hash), PT_ARG_INT(user_id), PT_ARG_STR(csrf),
                PT_ARG_STR(r->client_ip), PT_ARG_STR(ua), PT_ARG_INT(max_age)), NULL, NULL);
    if (rc == 0)
        rc = pt_db_exec(r, "UPDATE users SET last_login_at = UTC_TIMESTAMP() WHERE id = ?",
                        PT_ARGS(PT_ARG_INT(user_id)), NULL, NULL);
    if (rc != 0)
        return rc;
    r->session_hash = pt_strdup(r, hash);
    r->ident.user_id = user_id;
    r->ident.csrf_token = pt_strdup(r, csrf);
    return pt_resp_cookie(r, pt_session_cookie_name(r), token, -1);
}

int pt_session_require_mfa(struct pt_req *r)
{
    if (r->session_hash == NULL)
        return PT_EINVAL;
    r->mfa_hold = !r->ident.mfa_enabled;
    return pt_db_exec(r, "UPDATE sessions SET mfa_required = 1 WHERE token_hash = ?",
                      PT_ARGS(PT_ARG_STR(r->session_hash)), NULL, NULL);
}

int pt_session_end(struct pt_req *r)
{
    int rc = 0;

    if (r->session_hash)
        rc = pt_db_exec(r, "DELETE FROM sessions WHERE token_hash = ?",
                        PT_ARGS(PT_ARG_STR(r->session_hash)), NULL, NULL);
    forget_cookie(r);
    return rc;
}

int pt_session_end_user(struct pt_req *r, int64_t user_id, bool all_but_current)
{
    if (all_but_current && r->session_hash)
        return pt_db_exec(r, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
                          PT_ARGS(PT_ARG_INT(user_id), PT_ARG_STR(r->session_hash)),
                          NULL, NULL);
    if (user_id == r->ident.user_id && !all_but_current)
        forget_cookie(r);
    /* The sessions opened "as" someone else by this user end with theirs. */
    return pt_db_exec(r, "DELETE FROM sessions WHERE user_id = ? OR impersonator_id = ?",
                      PT_ARGS(PT_ARG_INT(user_id), PT_ARG_INT(user_id)), NULL, NULL);
}

int pt_session_end_subtree(struct pt_req *r, int64_t org_id)
{
    return pt_db_exec(r,
        "DELETE s FROM sessions s JOIN memberships m ON m.user_id = s.user_id "
        "JOIN org_closure c ON c.descendant = m.org_id AND c.ancestor = ?",
        PT_ARGS(PT_ARG_INT(org_id)), NULL, NULL);
}
