/*
 * impersonate.c — "open as": a second session as another user, with the
 * actor as impersonator, while the actor's own session waits in an HttpOnly
 * cookie to come back at "stop".  The caller decides who may do it (the
 * users module: permission with consent, never upward); this file only
 * keeps the two sessions straight.
 */
#include "request.h"
#include "session.h"

#include <string.h>

#define ORIGIN_COOKIE     "pt_origin"
#define ORIGIN_COOKIE_TLS "__Host-pt_origin"

static const char *origin_cookie_name(const struct pt_req *r)
{
    return r->tls ? ORIGIN_COOKIE_TLS : ORIGIN_COOKIE;
}

int pt_impersonation_start(struct pt_req *r, int64_t user_id, const char *reason, int minutes)
{
    char token[PT_TOKEN_LEN + 1], csrf[PT_TOKEN_LEN + 1], hash[PT_SHA256_HEX_LEN + 1];
    const char *own = pt_req_cookie(r, pt_session_cookie_name(r));
    const char *ua = pt_req_header(r, "User-Agent");

    if (r->session_hash == NULL || own == NULL || r->ident.impersonator_id != 0 ||
        r->ident.token_id != 0 || user_id <= 0 || minutes <= 0)
        return PT_EINVAL;
    if (pt_token_new(token) != 0 || pt_token_new(csrf) != 0)
        return PT_EIO;
    pt_sha256_hex(token, strlen(token), hash);
    int rc = pt_db_exec(r,
        "INSERT INTO sessions (token_hash, user_id, impersonator_id, impersonation_reason, "
        "csrf_token, ip, user_agent, expires) VALUES (?, ?, ?, LEFT(?, 500), ?, ?, LEFT(?, 500), "
        "LEAST(UTC_TIMESTAMP() + INTERVAL ? MINUTE, (SELECT expires FROM sessions "
        "WHERE token_hash = ?)))",
        PT_ARGS(PT_ARG_STR(hash), PT_ARG_INT(user_id), PT_ARG_INT(r->ident.user_id),
                PT_ARG_STR(reason), PT_ARG_STR(csrf), PT_ARG_STR(r->client_ip), PT_ARG_STR(ua),
                PT_ARG_INT(minutes), PT_ARG_STR(r->session_hash)), NULL, NULL);
    if (rc != 0)
        return rc;
    if ((rc = pt_resp_cookie(r, origin_cookie_name(r), own, -1)) != 0)
        return rc;
    return pt_resp_cookie(r, pt_session_cookie_name(r), token, -1);
}

int pt_impersonation_stop(struct pt_req *r)
{
    const char *origin = pt_req_cookie(r, origin_cookie_name(r));
    char hash[PT_SHA256_HEX_LEN + 1];
    int64_t actor = r->ident.impersonator_id;
    json_t *row;

    if (r->session_hash == NULL || actor == 0)
        return PT_EINVAL;
    int rc = pt_db_exec(r, "DELETE FROM sessions WHERE token_hash = ?",
                        PT_ARGS(PT_ARG_STR(r->session_hash)), NULL, NULL);
    if (rc != 0)
        return rc;
    pt_resp_cookie(r, origin_cookie_name(r), "", 0);
    /* Only the impersonator's own, still valid session comes back. */
    if (origin != NULL && *origin != '\0') {
        pt_sha256_hex(origin, strlen(origin), hash);
        if (pt_db_query_one(r, "SELECT 1 AS ok FROM sessions WHERE token_hash = ? AND "
                            "user_id = ? AND impersonator_id IS NULL AND "
                            "expires > UTC_TIMESTAMP()",
                            PT_ARGS(PT_ARG_STR(hash), PT_ARG_INT(actor)), &row) == 0)
            return pt_resp_cookie(r, pt_session_cookie_name(r), origin, -1);
    }
    return pt_resp_cookie(r, pt_session_cookie_name(r), "", 0);
}
