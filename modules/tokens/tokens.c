/*
 * tokens — API tokens: personal access tokens (/profile/tokens) and
 * service-account tokens of an organisation (/orgs/{org}/tokens, for
 * provisioning systems).
 *
 * A token is "ppt_" and 43 base64url characters (256 random bits), shown
 * once and stored as the SHA-256 (hex) of the whole string; the core looks
 * up the hash of whatever follows "Authorization: Bearer ".  A token
 * carries scopes: a subset of the permission keys its creator holds (where
 * the token acts: anywhere for a personal token, in the organisation for a
 * service account), so it can never do more than its creator.  It may
 * expire, records when it was last used, and can be revoked.
 *
 * A token cannot create tokens: that needs a signed-in session, so a leaked
 * token cannot outlive its expiry by minting another.
 */
#include "tokens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define TOKENS_NAME_MAX   100
#define TOKENS_DAYS_MAX   365
#define TOKENS_DAYS_DEF   30
#define TOKENS_LIST_MAX   200

static int tokens_fail(struct pt_req *r, json_t *view, int status, const char *msg)
{
    if (pt_req_is_api(r))
        return pt_error(r, status, msg);
    json_object_set_new(view, "error", json_pack("{s:s?}", "message", msg));
    return 200;
}

static const char *tokens_trimmed(struct pt_req *r, const char *name)
{
    return pt_trim(r, pt_req_input(r, name));
}

/* The permissions the actor may put on a token acting in org (0: anywhere). */
static json_t *tokens_grantable(struct pt_req *r, int64_t org)
{
    json_t *rows, *out = pt_keep(r, json_array()), *row;
    size_t i;

    if (out == NULL || pt_db_query(r, "SELECT perm_key, category, label FROM permissions "
                                   "ORDER BY category, perm_key", PT_NOARGS, &rows) != 0)
        return out;
    json_array_foreach(rows, i, row) {
        const char *key = json_string_value(json_object_get(row, "perm_key"));
        if (key == NULL || !pt_can(r, key, org))
            continue;
        json_array_append_new(out, json_pack("{s:s, s:O, s:O, s:s}", "key", key,
            "category", json_object_get(row, "category"), "label",
            json_object_get(row, "label"), "field", pt_printf(r, "scope_%s", key)));
    }
    return out;
}

static json_t *grantable_find(json_t *grantable, const char *key)
{
    size_t i;
    json_t *g;

    json_array_foreach(grantable, i, g)
        if (strcmp(json_string_value(json_object_get(g, "key")), key) == 0)
            return g;
    return NULL;
}

/* Adds key to chosen once; NULL or why it cannot be given. */
static const char *scope_add(struct pt_req *r, json_t *grantable, json_t *chosen,
                             const char *key, size_t len)
{
    size_t i;
    json_t *c;
    char *k = pt_strndup(r, key, len);

    if (k == NULL || len == 0)
        return NULL;
    if (len > 100 || grantable_find(grantable, k) == NULL)
        return pt_printf(r, "You cannot give a token the permission \"%.100s\": it does "
                         "not exist or you do not hold it here.", k);
    json_array_foreach(chosen, i, c)
        if (strcmp(json_string_value(c), k) == 0)
            return NULL;
    json_array_append_new(chosen, json_string(k));
    return NULL;
}

/* The scopes asked for: a JSON array "scopes", a "scopes" text of keys
 * separated by commas or spaces, or one checkbox "scope_<key>" per key. */
static const char *tokens_scopes(struct pt_req *r, json_t *grantable, json_t *chosen)
{
    json_t *body = pt_req_json(r), *arr = body ? json_object_get(body, "scopes") : NULL;
    const char *why = NULL, *text;
    size_t i;
    json_t *v;

    if (json_is_array(arr)) {
        json_array_foreach(arr, i, v) {
            if (!json_is_string(v))
                return "scopes must be a list of permission keys.";
            if ((why = scope_add(r, grantable, chosen, json_string_value(v),
                                 json_string_length(v))) != NULL)
                return why;
        }
    } else if ((text = pt_req_input(r, "scopes")) != NULL) {
        for (const char *p = text; *p && why == NULL;) {
            size_t n = strcspn(p, ", \t\r\n");
            why = scope_add(r, grantable, chosen, p, n);
            p += n;
            p += strspn(p, ", \t\r\n");
        }
    }
    json_array_foreach(grantable, i, v) {
        const char *field = json_string_value(json_object_get(v, "field"));
        const char *key = json_string_value(json_object_get(v, "key"));
        if (why == NULL && pt_req_input(r, field) != NULL)
            why = scope_add(r, grantable, chosen, key, strlen(key));
    }
    return why;
}

/* ---- listing ----------------------------------------------------------------- */

static json_t *token_item(struct pt_req *r, json_t *row)
{
    const char *text = json_string_value(json_object_get(row, "scopes"));
    json_t *scopes = text ? json_loads(text, 0, NULL) : NULL;
    bool revoked = !json_is_null(json_object_get(row, "revoked_at"));
    bool expired = json_integer_value(json_object_get(row, "expired")) != 0;
    char *joined = pt_strdup(r, "");
    size_t i;
    json_t *s;

    if (!json_is_array(scopes)) {
        json_decref(scopes);
        scopes = json_array();
    }
    json_array_foreach(scopes, i, s)
        if (json_is_string(s) && joined)
            joined = pt_printf(r, "%s%s%s", joined, i ? ", " : "", json_string_value(s));
    json_t *item = json_pack("{s:O, s:O, s:o, s:s, s:O, s:O, s:O, s:O, s:s, s:b}",
        "id", json_object_get(row, "id"), "name", json_object_get(row, "name"),
        "scopes", scopes, "scopes_text", joined ? joined : "",
        "created", json_object_get(row, "created"), "expires", json_object_get(row, "expires"),
        "last_used_at", json_object_get(row, "last_used_at"),
        "revoked_at", json_object_get(row, "revoked_at"),
        "state", revoked ? "revoked" : expired ? "expired" : "active",
        "active", !revoked && !expired);
    return item;
}

int tokens_list(struct pt_req *r, json_t *view, const struct tokens_owner *o)
{
    json_t *rows, *list = json_array(), *row;
    size_t i;
    int rc;

    rc = pt_db_query(r, o->user_id
        ? "SELECT id, name, scopes, created, expires, last_used_at, revoked_at, "
          "(expires IS NOT NULL AND expires <= NOW()) AS expired FROM api_tokens "
          "WHERE user_id = ? ORDER BY id DESC LIMIT 200"
        : "SELECT id, name, scopes, created, expires, last_used_at, revoked_at, "
          "(expires IS NOT NULL AND expires <= NOW()) AS expired FROM api_tokens "
          "WHERE org_id = ? AND user_id IS NULL ORDER BY id DESC LIMIT 200",
        PT_ARGS(PT_ARG_INT(o->user_id ? o->user_id : o->org_id)), &rows);
    if (rc != 0) {
        json_decref(list);
        return pt_error(r, 500, "The tokens could not be read. Try again in a moment.");
    }
    json_array_foreach(rows, i, row)
        json_array_append_new(list, token_item(r, row));
    json_object_set_new(view, "tokens", list);
    json_object_set(view, "permissions", tokens_grantable(r, o->org_id));
    json_object_set_new(view, "action", json_string(o->action));
    json_object_set_new(view, "service", json_boolean(o->org_id > 0));
    json_object_set_new(view, "personal", json_boolean(o->org_id == 0));
    return 200;
}

/* ---- creating ---------------------------------------------------------------- */

struct token_new {
    const struct tokens_owner *o;
    const char *name, *scopes_json;
    long        days;
    int64_t     actor, id;
    char        token[sizeof(TOKENS_PREFIX) + PT_TOKEN_LEN];
    json_t     *scopes;
};

static int token_insert_tx(struct pt_req *r, void *arg)
{
    struct token_new *t = arg;
    char hash[PT_SHA256_HEX_LEN + 1];
    uint64_t id = 0;
    int rc;

    pt_sha256_hex(t->token, strlen(t->token), hash);
    rc = pt_db_exec(r, "INSERT INTO api_tokens (token_hash, name, user_id, org_id, scopes, "
                    "created_by, expires) VALUES (?, ?, ?, ?, ?, ?, "
                    "IF(? > 0, NOW() + INTERVAL ? DAY, NULL))",
                    PT_ARGS(PT_ARG_STR(hash), PT_ARG_STR(t->name),
                    t->o->user_id ? PT_ARG_INT(t->o->user_id) : PT_ARG_NULL,
                    t->o->org_id ? PT_ARG_INT(t->o->org_id) : PT_ARG_NULL,
                    PT_ARG_STR(t->scopes_json), PT_ARG_INT(t->actor), PT_ARG_INT(t->days),
                    PT_ARG_INT(t->days)), NULL, &id);
    if (rc != 0)
        return rc;
    t->id = (int64_t)id;
    json_t *m = json_pack("{s:s, s:O, s:I, s:s}", "name", t->name, "scopes", t->scopes,
                          "expires_days", (json_int_t)t->days,
                          "kind", t->o->org_id ? "service account" : "personal");
    struct pt_audit e = {
        .org_id = t->o->org_id, .category = "Security", .action = "Token Created",
        .status = "Success", .resource_type = "api_token",
        .resource_id = pt_printf(r, "%lld", (long long)t->id), .resource_name = t->name,
        .metadata = m,
    };
    rc = pt_audit_log(r, &e);
    json_decref(m);
    return rc;
}

static void tokens_audit_failed(struct pt_req *r, const struct tokens_owner *o,
                                const char *action, const char *why)
{
    struct pt_audit e = {
        .org_id = o->org_id, .category = "Security", .action = action,
        .status = "Failed", .resource_type = "api_token", .description = why,
    };

    pt_audit_log_always(r, &e);
}

/* Name, expiry and scopes from the request; NULL or why they are refused. */
static const char *token_inputs(struct pt_req *r, struct token_new *t, json_t *grantable)
{
    const char *days = tokens_trimmed(r, "expires_days");
    char *end = NULL;

    t->name = tokens_trimmed(r, "name");
    if (t->name == NULL || strlen(t->name) > TOKENS_NAME_MAX)
        return "Give the token a name of up to 100 characters, such as \"Billing export\".";
    errno = 0;
    t->days = days ? strtol(days, &end, 10) : TOKENS_DAYS_DEF;
    if (days && (errno || *end || t->days < 0 || t->days > TOKENS_DAYS_MAX))
        return "The expiry must be a number of days from 1 to 365.";
    if (t->days == 0 && t->o->org_id == 0)
        return "A personal token must expire: choose from 1 to 365 days.";
    const char *why = tokens_scopes(r, grantable, t->scopes);
    if (why == NULL && json_array_size(t->scopes) == 0)
        why = "Choose at least one permission for the token.";
    return why;
}

int tokens_create(struct pt_req *r, json_t *view, const struct tokens_owner *o)
{
    struct token_new t = { .o = o, .actor = pt_req_user_id(r) };
    char raw[PT_TOKEN_LEN + 1];
    const char *why;

    if (pt_req_identity(r)->token_id > 0) {
        tokens_audit_failed(r, o, "Token Created", "asked with an API token");
        return pt_error(r, 403, "Create tokens while signed in with your password: an API "
                        "token cannot create another.");
    }
    t.scopes = pt_keep(r, json_array());
    json_t *grantable = tokens_grantable(r, o->org_id);
    if (t.scopes == NULL || grantable == NULL)
        return pt_error(r, 500, "out of memory");
    if ((why = token_inputs(r, &t, grantable)) != NULL) {
        tokens_audit_failed(r, o, "Token Created", why);
        int rc = tokens_list(r, view, o);
        return rc == 200 ? tokens_fail(r, view, 422, why) : rc;
    }
    t.scopes_json = json_dumps(t.scopes, JSON_COMPACT);
    if (t.scopes_json == NULL || pt_defer(r, free, (void *)t.scopes_json) != 0 ||
        pt_token_new(raw) != 0)
        return pt_error(r, 500, "The token could not be made. Try again in a moment.");
    snprintf(t.token, sizeof(t.token), "%s%s", TOKENS_PREFIX, raw);
    if (pt_db_tx(r, token_insert_tx, &t) != 0) {
        tokens_audit_failed(r, o, "Token Created", "database error");
        return pt_error(r, 500, "The token could not be saved. Try again in a moment.");
    }
    int rc = tokens_list(r, view, o);
    json_object_set_new(view, "created", json_pack("{s:I, s:s, s:s, s:O, s:I}",
                        "id", (json_int_t)t.id, "name", t.name, "token", t.token,
                        "scopes", t.scopes, "expires_days", (json_int_t)t.days));
    memset(t.token, 0, sizeof(t.token));
    memset(raw, 0, sizeof(raw));
    pt_flash(r, "success", "Token created. Copy it now: it is shown only once.");
    return rc == 200 && pt_req_is_api(r) ? 201 : rc;
}

/* ---- revoking ------------------------------------------------------------------ */

int tokens_revoke(struct pt_req *r, json_t *view, const struct tokens_owner *o)
{
    int64_t id = pt_req_param_int(r, "token");
    uint64_t n = 0;
    json_t *row;
    int rc;

    rc = pt_db_exec(r, o->user_id
        ? "UPDATE api_tokens SET revoked_at = NOW() WHERE id = ? AND user_id = ? "
          "AND revoked_at IS NULL"
        : "UPDATE api_tokens SET revoked_at = NOW() WHERE id = ? AND org_id = ? "
          "AND user_id IS NULL AND revoked_at IS NULL",
        PT_ARGS(PT_ARG_INT(id), PT_ARG_INT(o->user_id ? o->user_id : o->org_id)), &n, NULL);
    if (rc != 0 || n != 1) {
        bool exists = rc == 0 && pt_db_query_one(r, o->user_id
            ? "SELECT id FROM api_tokens WHERE id = ? AND user_id = ?"
            : "SELECT id FROM api_tokens WHERE id = ? AND org_id = ? AND user_id IS NULL",
            PT_ARGS(PT_ARG_INT(id), PT_ARG_INT(o->user_id ? o->user_id : o->org_id)),
            &row) == 0;
        tokens_audit_failed(r, o, "Token Revoked", rc ? "database error"
                            : exists ? "already revoked" : "no such token");
        return rc ? pt_error(r, 500, "The token could not be revoked. Try again.")
             : exists ? pt_error(r, 409, "This token has already been revoked.")
                      : pt_error(r, 404, "There is no such token.");
    }
    struct pt_audit e = {
        .org_id = o->org_id, .category = "Security", .action = "Token Revoked",
        .status = "Success", .resource_type = "api_token",
        .resource_id = pt_printf(r, "%lld", (long long)id),
    };
    pt_audit_log(r, &e);
    json_object_set_new(view, "revoked", json_true());
    json_object_set_new(view, "id", json_integer(id));
    pt_flash(r, "success", "The token has been revoked: it no longer works.");
    return pt_redirect(r, o->action);
}

/* ---- personal tokens ------------------------------------------------------------- */

static int tokens_personal_page(struct pt_req *r, json_t *view)
{
    struct tokens_owner o = { .user_id = pt_req_user_id(r), .action = "/profile/tokens" };

    if (o.user_id <= 0)
        return pt_error(r, 403, "A service-account token has no personal tokens.");
    if (strcmp(pt_req_method(r), "POST") == 0)
        return tokens_create(r, view, &o);
    return tokens_list(r, view, &o);
}

static int tokens_personal_revoke(struct pt_req *r, json_t *view)
{
    struct tokens_owner o = { .user_id = pt_req_user_id(r), .action = "/profile/tokens" };

    if (o.user_id <= 0)
        return pt_error(r, 403, "A service-account token has no personal tokens.");
    return tokens_revoke(r, view, &o);
}

/* ---- the descriptor ----------------------------------------------------------------- */

static const struct pt_route tokens_routes[] = {
    { .methods = PT_GET | PT_POST, .pattern = "/profile/tokens",
      .permission = PT_PERM_AUTHENTICATED, .handler = tokens_personal_page,
      .template = "tokens/list.tpl", .title = "API tokens" },
    { .methods = PT_POST, .pattern = "/profile/tokens/{token:int}/revoke",
      .permission = PT_PERM_AUTHENTICATED, .handler = tokens_personal_revoke,
      .template = "tokens/list.tpl", .title = "API tokens" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/tokens",
      .permission = "tokens.manage_service", .org_param = "org",
      .handler = tokens_service_page, .template = "tokens/list.tpl",
      .title = "Service-account tokens" },
    { .methods = PT_POST, .pattern = "/orgs/{org:int}/tokens/{token:int}/revoke",
      .permission = "tokens.manage_service", .org_param = "org",
      .handler = tokens_service_revoke, .template = "tokens/list.tpl",
      .title = "Service-account tokens" },
    { 0 }
};

static const struct pt_permission tokens_permissions[] = {
    { .key = "tokens.manage_service", .category = "Settings",
      .label = "Manage service-account API tokens", .roles = PT_ROLES_ADMINS },
    { 0 }
};

static const struct pt_audit_type tokens_audit_types[] = {
    { "Security", "Token Created" },
    { "Security", "Token Revoked" },
    { 0 }
};

const struct portal_module tokens_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "tokens",
    .routes = tokens_routes,
    .permissions = tokens_permissions,
    .audit_types = tokens_audit_types,
};
