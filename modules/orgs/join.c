/*
 * join.c — the public page of a customer invitation (GET/POST /join?token=…).
 *
 * It shows the company the partner named and asks the invitee for a
 * password (twice, under the password policy).  On submit, in one
 * transaction: the link is read again with its row locked (unused,
 * unexpired, not revoked), the name must still be free under the partner,
 * the customer organisation is created under the partner (closure rows
 * too), the invitee becomes its customer_admin, the password is set, the
 * link is spent and the event logged.  Then the invitee is signed in and
 * lands on the new organisation.  An invitee whose account already has a
 * password only accepts, then signs in as usual.
 *
 * Anonymous requests carry no session, so the guard checks no CSRF token
 * on this form; a signed-in visitor's form carries the session's token.
 */
#include "orgs.h"

#include <stdio.h>

#define ACTION "Accept Invitation"

enum join_state { JOIN_OK, JOIN_INVALID, JOIN_USED, JOIN_EXPIRED, JOIN_REVOKED, JOIN_CLOSED };

struct join {
    enum join_state state;
    int64_t     id, user_id, partner_id, org_id;
    const char *token, *email, *full_name, *org_name, *partner_name, *password_hash;
    const char *phc;                 /* the new password's hash, or NULL */
};

static enum join_state row_state(json_t *row)
{
    const char *user = json_string_value(json_object_get(row, "user_status"));
    const char *partner = json_string_value(json_object_get(row, "partner_status"));

    if (!json_is_null(json_object_get(row, "revoked_at")))
        return JOIN_REVOKED;
    if (!json_is_null(json_object_get(row, "used_at")))
        return JOIN_USED;
    if (json_integer_value(json_object_get(row, "expired")))
        return JOIN_EXPIRED;
    if (user == NULL || strcmp(user, "active") != 0)
        return JOIN_REVOKED;
    if (partner == NULL || strcmp(partner, "active") != 0)
        return JOIN_CLOSED;
    return JOIN_OK;
}

/* The link of the request (token input or query) into j; 0 or PT_E…. */
static int join_lookup(struct pt_req *r, bool for_update, struct join *j)
{
    char hash[PT_SHA256_HEX_LEN + 1];
    json_t *row;
    int rc;

    memset(j, 0, sizeof(*j));
    j->state = JOIN_INVALID;
    j->token = pt_req_input(r, "token");
    if (j->token == NULL)
        j->token = pt_req_query(r, "token");
    if (!pt_link_token_ok(j->token))
        return 0;
    pt_sha256_hex(j->token, strlen(j->token), hash);
    rc = pt_db_query_one(r, for_update
        ? "SELECT t.id, t.user_id, t.org_id, t.used_at, t.revoked_at, t.expires <= NOW() AS "
          "expired, JSON_VALUE(t.payload, '$.org_name') AS org_name, u.email, u.full_name, "
          "u.password_hash, u.status AS user_status, p.name AS partner_name, p.status AS "
          "partner_status FROM one_time_tokens t JOIN users u ON u.id = t.user_id JOIN orgs p "
          "ON p.id = t.org_id WHERE t.token_hash = ? AND t.purpose = 'org_invite' FOR UPDATE"
        : "SELECT t.id, t.user_id, t.org_id, t.used_at, t.revoked_at, t.expires <= NOW() AS "
          "expired, JSON_VALUE(t.payload, '$.org_name') AS org_name, u.email, u.full_name, "
          "u.password_hash, u.status AS user_status, p.name AS partner_name, p.status AS "
          "partner_status FROM one_time_tokens t JOIN users u ON u.id = t.user_id JOIN orgs p "
          "ON p.id = t.org_id WHERE t.token_hash = ? AND t.purpose = 'org_invite'",
        PT_ARGS(PT_ARG_STR(hash)), &row);
    if (rc == PT_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    j->id = json_integer_value(json_object_get(row, "id"));
    j->user_id = json_integer_value(json_object_get(row, "user_id"));
    j->partner_id = json_integer_value(json_object_get(row, "org_id"));
    j->email = json_string_value(json_object_get(row, "email"));
    j->full_name = json_string_value(json_object_get(row, "full_name"));
    j->org_name = json_string_value(json_object_get(row, "org_name"));
    j->partner_name = json_string_value(json_object_get(row, "partner_name"));
    j->password_hash = json_string_value(json_object_get(row, "password_hash"));
    j->state = j->org_name ? row_state(row) : JOIN_INVALID;
    return 0;
}

static const char *join_message(struct pt_req *r, const struct join *j)
{
    const char *p = j->partner_name ? j->partner_name : "your partner";

    switch (j->state) {
    case JOIN_OK:
        return NULL;
    case JOIN_USED:
        return "This invitation has already been used. Sign in with your password.";
    case JOIN_EXPIRED:
        return pt_printf(r, "This invitation has expired. Ask %s to send you a new one.", p);
    case JOIN_REVOKED:
        return pt_printf(r, "This invitation has been withdrawn. Contact %s if you think this "
                         "is a mistake.", p);
    case JOIN_CLOSED:
        return pt_printf(r, "This invitation can no longer be accepted: %s is suspended.", p);
    case JOIN_INVALID:
    default:
        return "This invitation link is not valid. Check that you copied the whole address "
               "from the e-mail.";
    }
}

static void join_audit_failed(struct pt_req *r, const struct join *j, const char *why)
{
    struct pt_audit e = {
        .org_id = j->partner_id, .category = ORGS_CATEGORY, .action = ACTION,
        .status = "Failed", .resource_type = "invitation", .description = why,
        .user_id = j->user_id, .resource_name = j->org_name,
    };

    if (j->id > 0)
        e.resource_id = pt_printf(r, "%lld", (long long)j->id);
    pt_audit_log_always(r, &e);
}

/* A link that cannot be used: the page says why, the API answers 404/410. */
static int join_refuse(struct pt_req *r, json_t *view, const struct join *j)
{
    static const char *const names[] = { "ok", "invalid", "used", "expired", "revoked",
                                         "closed" };
    const char *why = join_message(r, j);

    json_object_set_new(view, "link_state", json_string(names[j->state]));
    json_object_set_new(view, "link_problem", json_pack("{s:s}", "message", why));
    if (strcmp(pt_req_method(r), "POST") == 0)
        join_audit_failed(r, j, names[j->state]);
    if (pt_req_is_api(r))
        return pt_error(r, j->state == JOIN_INVALID ? 404 : 410, why);
    return 200;
}

/* ---- accepting ---------------------------------------------------------------------------- */

static int join_tx(struct pt_req *r, void *arg)
{
    struct join *want = arg;
    struct join now;
    struct orgs_org org = { 0 };
    uint64_t n = 0;
    bool taken;
    int rc;

    if ((rc = join_lookup(r, true, &now)) != 0)
        return rc;
    if (now.state != JOIN_OK || now.id != want->id)
        return 410;                                 /* used or revoked meanwhile */
    if ((rc = orgs_name_taken(r, now.partner_id, now.org_name, 0, &taken)) != 0)
        return rc;
    if (taken)
        return PT_EEXIST;
    if ((rc = orgs_insert(r, now.partner_id, "customer", now.org_name, &want->org_id)) != 0)
        return rc;
    rc = pt_db_exec(r, "INSERT INTO memberships (user_id, org_id, role_id) SELECT ?, ?, id "
                    "FROM roles WHERE system_key = 'customer_admin'", PT_ARGS(
                    PT_ARG_INT(now.user_id), PT_ARG_INT(want->org_id)), &n, NULL);
    if (rc == 0 && n != 1)
        rc = PT_EDB;
    if (rc == 0 && want->phc && now.password_hash == NULL)
        rc = pt_db_exec(r, "UPDATE users SET password_hash = ? WHERE id = ?", PT_ARGS(
                        PT_ARG_STR(want->phc), PT_ARG_INT(now.user_id)), NULL, NULL);
    if (rc == 0)
        rc = pt_db_exec(r, "UPDATE one_time_tokens SET used_at = NOW() WHERE id = ?",
                        PT_ARGS(PT_ARG_INT(now.id)), NULL, NULL);
    if (rc != 0)
        return rc;
    org.id = want->org_id;
    org.name = now.org_name;
    json_t *m = json_pack("{s:s, s:s, s:I, s:s, s:I}", "org_name", now.org_name, "email",
                          now.email, "partner_id", (json_int_t)now.partner_id, "partner",
                          now.partner_name, "invitation_id", (json_int_t)now.id);
    struct pt_audit e = {
        .org_id = want->org_id, .category = ORGS_CATEGORY, .action = ACTION,
        .status = "Success", .resource_type = "organisation",
        .resource_id = pt_printf(r, "%lld", (long long)org.id), .resource_name = org.name,
        .description = pt_printf(r, "%s created %s under %s", now.email, now.org_name,
                                 now.partner_name),
        .metadata = m, .user_id = now.user_id,
    };
    rc = pt_audit_log(r, &e);
    json_decref(m);
    return rc;
}

static int join_error(struct pt_req *r, json_t *view, struct join *j, int status,
                      const char *why)
{
    join_audit_failed(r, j, why);
    return orgs_form_error(r, view, status, why);
}

/* NULL when the passwords are acceptable, else why not. */
static const char *password_problem(struct pt_req *r, const struct join *j)
{
    const char *pw = pt_req_input(r, "password"), *again = pt_req_input(r, "password_confirm");

    if (j->password_hash != NULL)
        return NULL;                       /* the account keeps its password */
    if (pw == NULL || *pw == '\0')
        return "Choose a password.";
    const char *why = pt_password_policy(pw, j->email);
    if (why != NULL)
        return why;
    if (again == NULL || strcmp(pw, again) != 0)
        return "The two passwords do not match: type the same password twice.";
    return NULL;
}

static int join_post(struct pt_req *r, json_t *view, struct join *j)
{
    char phc[PT_PASSWORD_PHC_MAX];
    const char *why = password_problem(r, j);
    int rc;

    if (why != NULL)
        return join_error(r, view, j, 422, why);
    /* Hashing is slow: before the transaction, never holding its locks. */
    if (j->password_hash == NULL) {
        if (pt_password_hash(pt_req_input(r, "password"), phc, sizeof(phc)) != 0)
            return pt_error(r, 500, "Your password could not be saved. Try again.");
        j->phc = phc;
    }
    rc = pt_db_tx(r, join_tx, j);
    memset(phc, 0, sizeof(phc));
    j->phc = NULL;
    if (rc == PT_EEXIST)
        return join_error(r, view, j, 409, pt_printf(r, "%s already has an organisation named "
                          "\"%s\". Ask %s to send you a new invitation.", j->partner_name,
                          j->org_name, j->partner_name));
    if (rc == 410) {
        j->state = JOIN_USED;
        return join_error(r, view, j, 410, join_message(r, j));
    }
    if (rc != 0) {
        join_audit_failed(r, j, "database error");
        return pt_error(r, 500, "Your organisation could not be created. Try again.");
    }
    json_object_set_new(view, "created", json_pack("{s:I, s:s}", "id", (json_int_t)j->org_id,
                                                   "name", j->org_name));
    const char *home = pt_printf(r, "/orgs/%lld", (long long)j->org_id);
    if (j->password_hash != NULL) {
        pt_flash(r, "success", pt_printf(r, "%s is ready. Sign in with your password.",
                                         j->org_name));
        return pt_redirect(r, pt_printf(r, "/login?next=%s", home));
    }
    if (pt_session_start(r, j->user_id) != 0) {
        pt_flash(r, "success", pt_printf(r, "%s is ready. Sign in with your new password.",
                                         j->org_name));
        return pt_redirect(r, "/login");
    }
    pt_flash(r, "success", pt_printf(r, "Welcome! %s is ready and you are signed in.",
                                     j->org_name));
    return pt_redirect(r, home);
}

int orgs_join(struct pt_req *r, json_t *view)
{
    struct join j;

    if (join_lookup(r, false, &j) != 0)
        return pt_error(r, 500, "This invitation could not be checked. Try again in a moment.");
    json_object_set_new(view, "link_ok", json_boolean(j.state == JOIN_OK));
    if (j.state != JOIN_OK)
        return join_refuse(r, view, &j);
    json_object_set_new(view, "invitation", json_pack("{s:s, s:s, s:s, s:s}", "org_name",
        j.org_name, "partner_name", j.partner_name ? j.partner_name : "", "email",
        j.email ? j.email : "", "full_name", j.full_name ? j.full_name : ""));
    json_object_set_new(view, "token", json_string(j.token));
    json_object_set_new(view, "needs_password", json_boolean(j.password_hash == NULL));
    json_object_set_new(view, "has_password", json_boolean(j.password_hash != NULL));
    if (strcmp(pt_req_method(r), "POST") != 0)
        return 200;
    return join_post(r, view, &j);
}
