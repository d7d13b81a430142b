/*
 * links.c — one-time links (set password, reset, invitations): a 256-bit
 * token of which only the SHA-256 is stored, and the address to mail.  The
 * address is on the recipient's partner host when its brand has one, so a
 * white-labelled customer never follows a link to the platform's name.
 */
#include "request.h"

#include <stdlib.h>
#include <string.h>

/* "scheme://host[:port]" of [server] base_url, without a trailing slash. */
static const char *base_url(struct pt_req *r)
{
    const char *b = pt_config_get(r, "server", "base_url");
    size_t n = b ? strlen(b) : 0;

    while (n > 0 && b[n - 1] == '/')
        n--;
    return n ? pt_strndup(r, b, n) : "";
}

/* The recipient's partner host (a custom domain before a subdomain, the
 * nearest brand first), with https once it has a certificate. */
static const char *user_base_url(struct pt_req *r, int64_t user_id)
{
    const char *base = base_url(r);
    json_t *row;

    if (user_id <= 0 || pt_db_query_one(r,
            "SELECT h.hostname, h.tls_state FROM memberships m "
            "JOIN org_closure oc ON oc.descendant = m.org_id "
            "JOIN hostnames h ON h.org_id = oc.ancestor AND h.verified_at IS NOT NULL "
            "WHERE m.user_id = ? ORDER BY oc.depth, h.kind = 'custom' DESC, h.id LIMIT 1",
            PT_ARGS(PT_ARG_INT(user_id)), &row) != 0)
        return base;
    const char *host = json_string_value(json_object_get(row, "hostname"));
    const char *tls = json_string_value(json_object_get(row, "tls_state"));
    if (tls && strcmp(tls, "issued") == 0)
        return pt_printf(r, "https://%s", host);
    /* Same scheme and port as the platform's address (a dev stack's). */
    const char *rest = strstr(base, "://");
    const char *port = rest ? strchr(rest + 3, ':') : NULL;
    return pt_printf(r, "%.*s%s%s", rest ? (int)(rest + 3 - base) : 0, base, host,
                     port ? port : "");
}

/* Longer than any token this portal makes (43 base64url characters; the
 * 64 hex digits of portalctl's), short enough to refuse junk early. */
#define LINK_TOKEN_MAX 200

bool pt_link_token_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;

    if (n == 0 || n > LINK_TOKEN_MAX)
        return false;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
              (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
            return false;
    return true;
}

int pt_link_new(struct pt_req *r, const struct pt_link *l, const char **url)
{
    char token[PT_TOKEN_LEN + 1], hash[PT_SHA256_HEX_LEN + 1];
    char *payload = l->payload ? json_dumps(l->payload, JSON_COMPACT) : NULL;
    int64_t actor = pt_req_user_id(r);

    if (pt_token_new(token) != 0) {
        free(payload);
        return PT_EIO;
    }
    pt_sha256_hex(token, strlen(token), hash);
    int rc = pt_db_exec(r,
        "INSERT INTO one_time_tokens (purpose, token_hash, user_id, org_id, role_id, created_by, "
        "payload, expires) VALUES (?, ?, ?, ?, ?, ?, ?, NOW() + INTERVAL ? MINUTE)",
        PT_ARGS(PT_ARG_STR(l->purpose), PT_ARG_STR(hash), PT_ARG_INT(l->user_id),
                l->org_id > 0 ? PT_ARG_INT(l->org_id) : PT_ARG_NULL,
                l->role_id > 0 ? PT_ARG_INT(l->role_id) : PT_ARG_NULL,
                actor > 0 ? PT_ARG_INT(actor) : PT_ARG_NULL, PT_ARG_STR(payload),
                PT_ARG_INT(l->minutes)), NULL, NULL);
    free(payload);
    if (rc == 0 && url)
        *url = pt_printf(r, "%s%s?token=%s", user_base_url(r, l->user_id), l->path, token);
    memset(token, 0, sizeof(token));
    return rc;
}

int pt_mail_password_reset(struct pt_req *r, int64_t user_id, int64_t org_id, const char *email,
                           const char *full_name, int minutes)
{
    const char *url = NULL;
    int rc = pt_link_new(r, &(struct pt_link){ .purpose = "reset", .user_id = user_id,
                                               .org_id = org_id, .minutes = minutes,
                                               .path = "/password/reset" }, &url);
    if (rc != 0)
        return rc;
    json_t *vars = json_pack("{s:s, s:s, s:i}", "full_name", full_name ? full_name : "",
                             "link", url, "expires_minutes", minutes);
    rc = vars ? pt_mail_enqueue(r, email, "reset_password", vars) : PT_ENOMEM;
    json_decref(vars);
    return rc;
}
