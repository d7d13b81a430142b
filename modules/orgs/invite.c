/*
 * invite.c — a partner invites a customer (GET/POST /orgs/{org}/invitations,
 * POST /orgs/{org}/invitations/{invite}/revoke).
 *
 * The partner names the company and its first administrator; the invitee
 * gets a link (valid ORGS_INVITE_DAYS days, used once) that creates the
 * customer organisation under the partner when they choose a password
 * (join.c).  The invitation is a one_time_tokens row, purpose 'org_invite',
 * org_id the partner, payload {org_name, full_name, email}; only the
 * SHA-256 (hex) of the link's token is stored.  one_time_tokens.user_id is
 * NOT NULL, so the invitee's account exists from now on (found by e-mail,
 * or created active without a password and without any membership: it
 * cannot sign in until the link is used).
 */
#include "orgs.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define INVITE "Invite Customer"
#define REVOKE "Revoke Invitation"
#define EMAIL_MAX 254

/* ---- the list ---------------------------------------------------------------------- */

static const char *invite_state(json_t *row)
{
    if (!json_is_null(json_object_get(row, "revoked_at")))
        return "revoked";
    if (!json_is_null(json_object_get(row, "used_at")))
        return "accepted";
    if (json_integer_value(json_object_get(row, "expired")))
        return "expired";
    return "pending";
}

static int invitations_list(struct pt_req *r, json_t *view, int64_t org)
{
    json_t *rows, *row;
    size_t i;

    if (pt_db_query(r, "SELECT t.id, JSON_VALUE(t.payload, '$.org_name') AS org_name, "
            "JSON_VALUE(t.payload, '$.full_name') AS full_name, u.email, "
            "DATE_FORMAT(t.created, '%Y-%m-%d %H:%i') AS created, "
            "DATE_FORMAT(t.expires, '%Y-%m-%d %H:%i') AS expires, t.used_at, t.revoked_at, "
            "t.expires <= NOW() AS expired, COALESCE(cu.full_name, cu.email) AS invited_by "
            "FROM one_time_tokens t JOIN users u ON u.id = t.user_id "
            "LEFT JOIN users cu ON cu.id = t.created_by "
            "WHERE t.org_id = ? AND t.purpose = 'org_invite' ORDER BY t.id DESC LIMIT 100",
            PT_ARGS(PT_ARG_INT(org)), &rows) != 0)
        return PT_EDB;
    json_array_foreach(rows, i, row) {
        const char *state = invite_state(row);
        json_object_set_new(row, "state", json_string(state));
        json_object_set_new(row, "pending", json_boolean(strcmp(state, "pending") == 0));
        json_object_set_new(row, "revoke_url", json_string(pt_printf(r,
            "/orgs/%lld/invitations/%lld/revoke", (long long)org,
            (long long)json_integer_value(json_object_get(row, "id")))));
        json_object_del(row, "expired");
    }
    json_object_set(view, "invitations", rows);
    return 0;
}

/* ---- inputs ---------------------------------------------------------------------------- */

struct invite {
    const struct orgs_org *org;
    const char *org_name, *full_name, *email, *confirm;
    int64_t     id, user_id;
    const char *expires;
};

static bool email_ok(const char *e)
{
    const char *at = e ? strchr(e, '@') : NULL;

    if (at == NULL || at == e || strchr(at + 1, '@') || strlen(e) > EMAIL_MAX ||
        strchr(at + 1, '.') == NULL || at[1] == '.' || e[strlen(e) - 1] == '.')
        return false;
    for (const unsigned char *p = (const unsigned char *)e; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\\\"", *p))
            return false;
    return true;
}

static const char *invite_problem(struct invite *v)
{
    const char *why = orgs_name_problem(v->org_name);

    if (why != NULL)
        return v->org_name ? why : "Enter the customer's company name.";
    if (v->full_name == NULL)
        return "Enter the administrator's full name.";
    if (orgs_name_problem(v->full_name) != NULL)
        return "The administrator's name is too long or contains control characters.";
    if (!email_ok(v->email))
        return "Enter the administrator's e-mail address, such as name@example.com.";
    if (v->confirm == NULL || strcasecmp(v->email, v->confirm) != 0)
        return "The two e-mail addresses do not match: type the same address twice.";
    return NULL;
}

/* ---- sending ------------------------------------------------------------------------------ */

/* The invitee's account: found by e-mail or made now (no password yet).
 * 409 for a disabled account. */
static int invite_user(struct pt_req *r, struct invite *v)
{
    uint64_t id = 0;
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id, status FROM users WHERE email = ? FOR UPDATE",
                             PT_ARGS(PT_ARG_STR(v->email)), &row);

    if (rc == 0) {
        if (strcmp(json_string_value(json_object_get(row, "status")), "active") != 0)
            return 409;
        v->user_id = json_integer_value(json_object_get(row, "id"));
        return 0;
    }
    if (rc != PT_ENOTFOUND)
        return rc;
    rc = pt_db_exec(r, "INSERT INTO users (email, full_name, status) VALUES (?, ?, 'active')",
                    PT_ARGS(PT_ARG_STR(v->email), PT_ARG_STR(v->full_name)), NULL, &id);
    v->user_id = (int64_t)id;
    return rc;
}

static int invite_mail(struct pt_req *r, struct invite *v, const char *token)
{
    const struct pt_identity *me = pt_req_identity(r);
    const char *inviter = me->full_name && *me->full_name ? me->full_name
                        : me->email ? me->email : v->org->name;
    json_t *vars = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "inviter", inviter, "partner_name", v->org->name, "org_name", v->org_name,
        "full_name", v->full_name, "link", pt_printf(r, "%s/join?token=%s", orgs_base_url(r),
        token), "expires_days", ORGS_INVITE_DAYS);
    int rc;

    if (vars == NULL)
        return PT_ENOMEM;
    rc = pt_mail_enqueue(r, v->email, "org_invite", vars);
    json_decref(vars);
    return rc;
}

static int invite_tx(struct pt_req *r, void *arg)
{
    struct invite *v = arg;
    char token[PT_TOKEN_LEN + 1], hash[PT_SHA256_HEX_LEN + 1];
    uint64_t id = 0;
    bool taken;
    json_t *row;
    int rc;

    if ((rc = orgs_name_taken(r, v->org->id, v->org_name, 0, &taken)) != 0)
        return rc;
    if (taken)
        return PT_EEXIST;
    rc = pt_db_query_one(r, "SELECT id FROM one_time_tokens WHERE org_id = ? AND purpose = "
                         "'org_invite' AND used_at IS NULL AND revoked_at IS NULL AND expires > "
                         "NOW() AND JSON_VALUE(payload, '$.org_name') = ? LIMIT 1",
                         PT_ARGS(PT_ARG_INT(v->org->id), PT_ARG_STR(v->org_name)), &row);
    if (rc != PT_ENOTFOUND)
        return rc == 0 ? 423 : rc;          /* one already waits for this company */
    if ((rc = invite_user(r, v)) != 0)
        return rc;
    json_t *payload = json_pack("{s:s, s:s, s:s}", "org_name", v->org_name, "full_name",
                                v->full_name, "email", v->email);
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    if (text == NULL || pt_defer(r, free, text) != 0 || pt_token_new(token) != 0) {
        json_decref(payload);
        return PT_ENOMEM;
    }
    pt_sha256_hex(token, strlen(token), hash);
    rc = pt_db_exec(r, "INSERT INTO one_time_tokens (purpose, token_hash, user_id, org_id, "
                    "expires, created_by, payload) VALUES ('org_invite', ?, ?, ?, "
                    "NOW() + INTERVAL ? DAY, ?, ?)", PT_ARGS(PT_ARG_STR(hash),
                    PT_ARG_INT(v->user_id), PT_ARG_INT(v->org->id), PT_ARG_INT(ORGS_INVITE_DAYS),
                    pt_req_user_id(r) > 0 ? PT_ARG_INT(pt_req_user_id(r)) : PT_ARG_NULL,
                    PT_ARG_STR(text)), NULL, &id);
    v->id = (int64_t)id;
    if (rc == 0)
        rc = invite_mail(r, v, token);
    memset(token, 0, sizeof(token));
    if (rc == 0) {
        struct pt_audit e = {
            .org_id = v->org->id, .category = ORGS_CATEGORY, .action = INVITE,
            .status = "Success", .resource_type = "invitation",
            .resource_id = pt_printf(r, "%lld", (long long)v->id), .resource_name = v->org_name,
            .description = pt_printf(r, "Invited %s to create %s", v->email, v->org_name),
            .metadata = payload, .user_id = v->user_id,
        };
        rc = pt_audit_log(r, &e);
    }
    json_decref(payload);
    return rc;
}

static int invite_fail(struct pt_req *r, json_t *view, const struct orgs_org *o, int status,
                       const char *why)
{
    orgs_audit_failed(r, o->id, INVITE, o, why);
    return orgs_form_error(r, view, status, why);
}

static int invite_post(struct pt_req *r, json_t *view, const struct orgs_org *o)
{
    struct invite v = { .org = o, .org_name = orgs_input(r, "org_name"),
        .full_name = orgs_input(r, "full_name"), .email = orgs_input(r, "email"),
        .confirm = orgs_input(r, "email_confirm") };
    const char *why = invite_problem(&v);
    int rc;

    json_object_set_new(view, "form", json_pack("{s:s, s:s, s:s}",
        "org_name", v.org_name ? v.org_name : "", "full_name", v.full_name ? v.full_name : "",
        "email", v.email ? v.email : ""));
    if (why != NULL)
        return invite_fail(r, view, o, 422, why);
    rc = pt_db_tx(r, invite_tx, &v);
    if (rc == PT_EEXIST)
        return invite_fail(r, view, o, 409, pt_printf(r, "%s already has an organisation named "
                           "\"%s\".", o->name, v.org_name));
    if (rc == 423)
        return invite_fail(r, view, o, 409, pt_printf(r, "An invitation to create \"%s\" is "
                           "already waiting: revoke it first to send a new one.", v.org_name));
    if (rc == 409)
        return invite_fail(r, view, o, 409, "This e-mail address belongs to a disabled "
                           "account: it cannot be invited.");
    if (rc != 0) {
        orgs_audit_failed(r, o->id, INVITE, o, "database or mail error");
        return pt_error(r, 500, "The invitation could not be sent. Try again in a moment.");
    }
    json_object_set_new(view, "invitation", json_pack("{s:I, s:s, s:s, s:s}", "id",
        (json_int_t)v.id, "org_name", v.org_name, "full_name", v.full_name, "email", v.email));
    pt_flash(r, "success", pt_printf(r, "Invitation sent to %s.", v.email));
    if (pt_req_is_api(r))
        return 201;
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/invitations", (long long)o->id));
}

/* Only partners and distributors invite customers, and only while active. */
static const char *inviter_problem(const struct orgs_org *o)
{
    if (strcmp(o->kind, "partner") != 0 && strcmp(o->kind, "distributor") != 0)
        return "Only partner and distributor organisations invite customers.";
    if (strcmp(o->status, "active") != 0)
        return "This organisation is suspended: it cannot invite customers.";
    return NULL;
}

int orgs_invitations(struct pt_req *r, json_t *view)
{
    struct orgs_org o;
    const char *why;
    int rc;

    if ((rc = orgs_path_org(r, view, &o)) != 0)
        return rc;
    bool post = strcmp(pt_req_method(r), "POST") == 0;
    if ((why = inviter_problem(&o)) != NULL) {
        if (post)
            orgs_audit_failed(r, o.id, INVITE, &o, why);
        return pt_error(r, 409, why);
    }
    json_object_set_new(view, "action", json_string(pt_printf(r, "/orgs/%lld/invitations",
                                                              (long long)o.id)));
    json_object_set_new(view, "expires_days", json_integer(ORGS_INVITE_DAYS));
    if (invitations_list(r, view, o.id) != 0)
        return pt_error(r, 500, "The invitations could not be read. Try again in a moment.");
    if (post)
        return invite_post(r, view, &o);
    json_object_set_new(view, "form", json_pack("{s:s, s:s, s:s}", "org_name", "",
                                                "full_name", "", "email", ""));
    return 200;
}

/* ---- revoking ---------------------------------------------------------------------------- */

struct revoke {
    int64_t org, id;
};

static int revoke_tx(struct pt_req *r, void *arg)
{
    struct revoke *v = arg;
    uint64_t n = 0;
    int rc = pt_db_exec(r, "UPDATE one_time_tokens SET revoked_at = NOW() WHERE id = ? AND "
                        "org_id = ? AND purpose = 'org_invite' AND used_at IS NULL AND "
                        "revoked_at IS NULL", PT_ARGS(PT_ARG_INT(v->id), PT_ARG_INT(v->org)),
                        &n, NULL);

    if (rc != 0)
        return rc;
    if (n != 1)
        return 409;
    struct pt_audit e = {
        .org_id = v->org, .category = ORGS_CATEGORY, .action = REVOKE, .status = "Success",
        .resource_type = "invitation", .resource_id = pt_printf(r, "%lld", (long long)v->id),
    };
    return pt_audit_log(r, &e);
}

int orgs_invitation_revoke(struct pt_req *r, json_t *view)
{
    struct revoke v = { .id = pt_req_param_int(r, "invite") };
    struct orgs_org o;
    json_t *row;
    int rc;

    if ((rc = orgs_path_org(r, view, &o)) != 0)
        return rc;
    v.org = o.id;
    if ((rc = pt_db_tx(r, revoke_tx, &v)) != 0) {
        /* Another organisation's invitation does not exist here. */
        bool exists = rc == 409 && pt_db_query_one(r, "SELECT id FROM one_time_tokens WHERE "
            "id = ? AND org_id = ? AND purpose = 'org_invite'", PT_ARGS(PT_ARG_INT(v.id),
            PT_ARG_INT(o.id)), &row) == 0;
        const char *why = rc != 409 ? "database error" : exists
            ? "This invitation has already been used or revoked." : "There is no such invitation.";
        orgs_audit_failed(r, o.id, REVOKE, &o, why);
        return pt_error(r, rc != 409 ? 500 : exists ? 409 : 404, rc != 409
            ? "The invitation could not be revoked. Try again in a moment." : why);
    }
    json_object_set_new(view, "revoked", json_true());
    json_object_set_new(view, "id", json_integer(v.id));
    pt_flash(r, "success", "The invitation has been revoked: its link no longer works.");
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/invitations", (long long)o.id));
}
