/*
 * orgs — the organisation tree (issue 5): platform → distributor → partner
 * → customer, any depth (a partner may hold sub-partners).
 *
 *   GET  /orgs                                   your home organisation
 *   GET  /orgs/{org}                             details, breadcrumbs, children
 *   GET  /orgs/{org}/children/new, POST          add a partner or customer
 *   GET  /orgs/{org}/edit, POST                  rename
 *   POST /orgs/{org}/suspend, /resume            block / unblock its subtree
 *   GET  /orgs/{org}/move, POST                  give it another parent
 *   POST /orgs/{org}/consent                     allow parent access (own admins)
 *   GET  /orgs/{org}/invitations, POST           a partner invites a customer
 *   POST /orgs/{org}/invitations/{invite}/revoke
 *   GET  /join?token=…, POST                     the invitee creates the customer
 *
 * org_closure holds every (ancestor, descendant, depth) pair, so "is T in
 * A's subtree" is one lookup; it is kept right in the same transaction as
 * every create and move.  The guard has checked the route's permission on
 * {org} (404 outside the actor's tree); handlers check everything else a
 * path or an input names.
 */
#include "orgs.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- loading ------------------------------------------------------------------- */

static const char *str_or(json_t *row, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(row, key));

    return s ? s : dflt;
}

int orgs_load(struct pt_req *r, int64_t id, bool for_update, struct orgs_org *o)
{
    json_t *row;
    int rc;

    memset(o, 0, sizeof(*o));
    if (id <= 0)
        return PT_ENOTFOUND;
    rc = pt_db_query_one(r, for_update
        ? "SELECT o.id, o.parent_id, o.kind, o.name, o.slug, "
          "o.status, o.allow_parent_access, DATE_FORMAT(o.created, '%Y-%m-%d %H:%i:%s') "
          "AS created, NULL AS parent_name FROM orgs o WHERE o.id = ? FOR UPDATE"
        : "SELECT o.id, o.parent_id, o.kind, o.name, o.slug, "
          "o.status, o.allow_parent_access, DATE_FORMAT(o.created, '%Y-%m-%d %H:%i:%s') "
          "AS created, p.name AS parent_name FROM orgs o LEFT JOIN orgs p "
          "ON p.id = o.parent_id WHERE o.id = ?", PT_ARGS(PT_ARG_INT(id)), &row);
    if (rc != 0)
        return rc;
    o->row = row;
    o->id = id;
    o->parent_id = json_integer_value(json_object_get(row, "parent_id"));
    o->kind = str_or(row, "kind", "");
    o->name = str_or(row, "name", "");
    o->slug = str_or(row, "slug", "");
    o->status = str_or(row, "status", "");
    o->created = str_or(row, "created", "");
    o->parent_name = json_string_value(json_object_get(row, "parent_name"));
    o->allow_parent_access = json_integer_value(json_object_get(row, "allow_parent_access"));
    json_object_set_new(row, "kind_label", json_string(orgs_kind_label(o->kind)));
    json_object_set_new(row, "active", json_boolean(strcmp(o->status, "active") == 0));
    json_object_set_new(row, "suspended", json_boolean(strcmp(o->status, "suspended") == 0));
    json_object_set_new(row, "href", json_string(pt_printf(r, "/orgs/%lld", (long long)id)));
    return 0;
}

int orgs_path_org(struct pt_req *r, json_t *view, struct orgs_org *o)
{
    int rc = orgs_load(r, pt_req_param_int(r, "org"), false, o);

    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The organisation could not be read. Try again in a moment.");
    json_object_set(view, "org", o->row);
    return 0;
}

/* ---- kinds ----------------------------------------------------------------------- */

/* Which kinds each kind may hold directly (DESIGN §1; issue 5). */
static const struct {
    const char *parent, *children[4];
} orgs_kinds[] = {
    { "platform",    { "distributor", "partner", "customer", NULL } },
    { "distributor", { "partner", "customer", NULL } },
    { "partner",     { "partner", "customer", NULL } },
    { "customer",    { NULL } },
};

static const char *const *kinds_under(const char *parent)
{
    for (size_t i = 0; parent && i < sizeof(orgs_kinds) / sizeof(orgs_kinds[0]); i++)
        if (strcmp(orgs_kinds[i].parent, parent) == 0)
            return orgs_kinds[i].children;
    return NULL;
}

bool orgs_kind_fits(const char *parent, const char *child)
{
    const char *const *k = kinds_under(parent);

    for (; k && child && *k; k++)
        if (strcmp(*k, child) == 0)
            return true;
    return false;
}

const char *orgs_kind_label(const char *kind)
{
    if (kind == NULL)
        return "";
    if (strcmp(kind, "platform") == 0)
        return "Platform";
    if (strcmp(kind, "distributor") == 0)
        return "Distributor";
    if (strcmp(kind, "partner") == 0)
        return "Partner";
    if (strcmp(kind, "customer") == 0)
        return "Customer";
    return kind;
}

json_t *orgs_child_kinds(struct pt_req *r, const char *parent)
{
    json_t *out = pt_keep(r, json_array());
    const char *const *k = kinds_under(parent);

    for (; out && k && *k; k++)
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", *k,
                                             "label", orgs_kind_label(*k)));
    return out;
}

/* ---- the actor ----------------------------------------------------------------------- */

bool orgs_in_actor_tree(struct pt_req *r, int64_t org)
{
    const struct pt_identity *id = pt_req_identity(r);
    json_t *row;

    if (org <= 0)
        return false;
    if (id->user_id == 0) {
        int64_t home = pt_req_home_org(r);
        return home > 0 && pt_org_contains(r, home, org);
    }
    return pt_db_query_one(r, "SELECT 1 AS ok FROM memberships m JOIN org_closure c "
                           "ON c.ancestor = m.org_id AND c.descendant = ? WHERE m.user_id = ? "
                           "LIMIT 1", PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(id->user_id)),
                           &row) == 0;
}

bool orgs_own_admin(struct pt_req *r, int64_t org)
{
    int64_t uid = pt_req_user_id(r);
    json_t *row;

    return uid > 0 && pt_db_query_one(r,
        "SELECT 1 AS ok FROM memberships m JOIN role_permissions rp ON rp.role_id = m.role_id "
        "AND rp.perm_key = 'orgs.consent' WHERE m.user_id = ? AND m.org_id = ? LIMIT 1",
        PT_ARGS(PT_ARG_INT(uid), PT_ARG_INT(org)), &row) == 0;
}

/* ---- inputs ----------------------------------------------------------------------- */

const char *orgs_input(struct pt_req *r, const char *name)
{
    return pt_trim(r, pt_req_input(r, name));
}

const char *orgs_name_problem(const char *name)
{
    if (name == NULL)
        return "Enter the organisation's name.";
    if (strlen(name) > ORGS_NAME_MAX)
        return "The name is too long: at most 200 characters.";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "The name may not contain control characters.";
    return NULL;
}

int orgs_name_taken(struct pt_req *r, int64_t parent, const char *name, int64_t except,
                    bool *taken)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id FROM orgs WHERE parent_id = ? AND name = ? "
                             "AND id <> ? LIMIT 1", PT_ARGS(PT_ARG_INT(parent),
                             PT_ARG_STR(name), PT_ARG_INT(except)), &row);

    *taken = rc == 0;
    return rc == PT_ENOTFOUND ? 0 : rc;
}

/* ---- creating ----------------------------------------------------------------------- */

/* The name as a slug base: lower-case ASCII letters and digits, one dash
 * between words, at most 60 characters; "org" when nothing is left. */
static char *slug_base(struct pt_req *r, const char *name)
{
    char *s = pt_alloc(r, 61);
    size_t n = 0;

    if (s == NULL)
        return NULL;
    for (const char *p = name; *p && n < 60; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            s[n++] = c;
        else if (n > 0 && s[n - 1] != '-')
            s[n++] = '-';
    }
    while (n > 0 && s[n - 1] == '-')
        n--;
    s[n] = '\0';
    return n ? s : pt_strdup(r, "org");
}

/* A slug no organisation has yet: base, base-2 … base-20, then base-<random>. */
static const char *slug_free(struct pt_req *r, const char *name, bool random_only)
{
    char *base = slug_base(r, name);
    json_t *row;

    for (int i = 1; base && !random_only && i <= 20; i++) {
        const char *s = i == 1 ? base : pt_printf(r, "%s-%d", base, i);
        int rc = pt_db_query_one(r, "SELECT id FROM orgs WHERE slug = ?",
                                 PT_ARGS(PT_ARG_STR(s)), &row);
        if (rc == PT_ENOTFOUND)
            return s;
        if (rc != 0)
            return NULL;
    }
    unsigned char rnd[4];
    if (base == NULL || pt_random_bytes(rnd, sizeof(rnd)) != 0)
        return NULL;
    return pt_printf(r, "%s-%02x%02x%02x%02x", base, rnd[0], rnd[1], rnd[2], rnd[3]);
}

int orgs_insert(struct pt_req *r, int64_t parent, const char *kind, const char *name,
                int64_t *id)
{
    int64_t actor = pt_req_user_id(r);
    uint64_t new_id = 0;
    int rc = PT_EEXIST;
    bool taken;

    /* A second attempt only when the slug (not the name) collided with a
     * concurrent insert. */
    for (int attempt = 0; rc == PT_EEXIST && attempt < 2; attempt++) {
        const char *slug = slug_free(r, name, attempt > 0);
        if (slug == NULL)
            return PT_EDB;
        rc = pt_db_exec(r, "INSERT INTO orgs (parent_id, kind, name, slug, created_by) "
                        "VALUES (?, ?, ?, ?, ?)", PT_ARGS(PT_ARG_INT(parent),
                        PT_ARG_STR(kind), PT_ARG_STR(name), PT_ARG_STR(slug),
                        actor > 0 ? PT_ARG_INT(actor) : PT_ARG_NULL), NULL, &new_id);
        if (rc == PT_EEXIST && (orgs_name_taken(r, parent, name, 0, &taken) != 0 || taken))
            return PT_EEXIST;
    }
    if (rc != 0)
        return rc;
    *id = (int64_t)new_id;
    return pt_db_exec(r, "INSERT INTO org_closure (ancestor, descendant, depth) "
                      "SELECT ancestor, ?, depth + 1 FROM org_closure WHERE descendant = ? "
                      "UNION ALL SELECT ?, ?, 0", PT_ARGS(PT_ARG_INT(*id), PT_ARG_INT(parent),
                      PT_ARG_INT(*id), PT_ARG_INT(*id)), NULL, NULL);
}

/* ---- answers and the activity log ------------------------------------------------------ */

int orgs_form_error(struct pt_req *r, json_t *view, int status, const char *message)
{
    /* render.c shows the route's template again for a view.error string. */
    json_object_set_new(view, "error", json_string(message));
    json_object_set_new(view, "has_error", json_true());
    (void)r;
    return status;
}

int orgs_audit(struct pt_req *r, bool always, int64_t org, const char *action,
               const char *status, const struct orgs_org *target, const char *description,
               json_t *metadata)
{
    struct pt_audit e = {
        .org_id = org, .category = ORGS_CATEGORY, .action = action, .status = status,
        .description = description, .metadata = metadata,
    };

    if (target != NULL && target->id > 0) {
        e.resource_type = "organisation";
        e.resource_id = pt_printf(r, "%lld", (long long)target->id);
        e.resource_name = target->name;
    }
    int rc = always ? pt_audit_log_always(r, &e) : pt_audit_log(r, &e);
    if (rc != 0)
        pt_log_error("%s: %s/%s not recorded (%d)", __func__, ORGS_CATEGORY, action, rc);
    return rc;
}

void orgs_audit_failed(struct pt_req *r, int64_t org, const char *action,
                       const struct orgs_org *target, const char *why)
{
    orgs_audit(r, true, org, action, "Failed", target, why, NULL);
}

const char *orgs_base_url(struct pt_req *r)
{
    const char *b = pt_config_get(r, "server", "base_url");
    size_t n = b ? strlen(b) : 0;

    while (n > 0 && b[n - 1] == '/')
        n--;
    return n ? pt_strndup(r, b, n) : "";
}

/* ---- /orgs ------------------------------------------------------------------------------ */

static int orgs_home(struct pt_req *r, json_t *view)
{
    int64_t home = pt_req_home_org(r);

    if (home <= 0)
        return pt_error(r, 404, "You do not belong to any organisation yet.");
    json_object_set_new(view, "home", json_integer(home));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld", (long long)home));
}

/* ---- the descriptor ---------------------------------------------------------------------- */

static const struct pt_route orgs_routes[] = {
    { .methods = PT_GET, .pattern = "/orgs", .permission = PT_PERM_AUTHENTICATED,
      .handler = orgs_home, .template = "orgs/show.tpl", .title = "Organisations" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}", .permission = "orgs.view",
      .org_param = "org", .handler = orgs_show, .template = "orgs/show.tpl",
      .title = "Organisation" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/children/new",
      .permission = "orgs.create", .org_param = "org", .handler = orgs_new_child,
      .template = "orgs/new.tpl", .title = "Add partner / customer" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/edit",
      .permission = "orgs.edit", .org_param = "org", .handler = orgs_edit,
      .template = "orgs/edit.tpl", .title = "Rename organisation" },
    { .methods = PT_POST, .pattern = "/orgs/{org:int}/suspend", .permission = "orgs.edit",
      .org_param = "org", .handler = orgs_suspend, .template = "orgs/show.tpl",
      .title = "Organisation" },
    { .methods = PT_POST, .pattern = "/orgs/{org:int}/resume", .permission = "orgs.edit",
      .org_param = "org", .handler = orgs_resume, .template = "orgs/show.tpl",
      .title = "Organisation" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/move",
      .permission = "orgs.move", .org_param = "org", .handler = orgs_move,
      .template = "orgs/move.tpl", .title = "Move organisation" },
    { .methods = PT_POST, .pattern = "/orgs/{org:int}/consent", .permission = "orgs.consent",
      .org_param = "org", .handler = orgs_consent, .template = "orgs/show.tpl",
      .title = "Organisation" },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/invitations",
      .permission = "orgs.invite_customer", .org_param = "org",
      .handler = orgs_invitations, .template = "orgs/invitations.tpl",
      .title = "Customer invitations" },
    { .methods = PT_POST, .pattern = "/orgs/{org:int}/invitations/{invite:int}/revoke",
      .permission = "orgs.invite_customer", .org_param = "org",
      .handler = orgs_invitation_revoke, .template = "orgs/invitations.tpl",
      .title = "Customer invitations" },
    { .methods = PT_GET | PT_POST, .pattern = "/join", .permission = PT_PERM_PUBLIC,
      .handler = orgs_join, .template = "orgs/join.tpl", .title = "Create your organisation" },
    { 0 }
};

static const struct pt_permission orgs_permissions[] = {
    { .key = "orgs.view", .category = "Sub-Tenants", .label = "View organisations",
      .roles = "distributor_admin msp_admin msp_user customer_admin" },
    { .key = "orgs.create", .category = "Sub-Tenants",
      .label = "Add partner and customer organisations", .roles = PT_ROLES_CHANNEL_ADMINS },
    { .key = "orgs.edit", .category = "Sub-Tenants",
      .label = "Rename, suspend and resume organisations", .roles = PT_ROLES_CHANNEL_ADMINS },
    { .key = "orgs.move", .category = "Sub-Tenants",
      .label = "Move organisations to another parent", .roles = PT_ROLES_CHANNEL_ADMINS },
    { .key = "orgs.invite_customer", .category = "Sub-Tenants",
      .label = "Invite customers to create their organisation", .roles = "msp_admin" },
    { .key = "orgs.consent", .category = "Settings",
      .label = "Allow or refuse the parent organisation's access", .roles = PT_ROLES_ADMINS },
    { 0 }
};

static const struct pt_audit_type orgs_audit_types[] = {
    { ORGS_CATEGORY, "Create Organization" },
    { ORGS_CATEGORY, "Update Organization" },
    { ORGS_CATEGORY, "Suspend Organization" },
    { ORGS_CATEGORY, "Resume Organization" },
    { ORGS_CATEGORY, "Move Organization" },
    { ORGS_CATEGORY, "Update Consent" },
    { ORGS_CATEGORY, "Invite Customer" },
    { ORGS_CATEGORY, "Revoke Invitation" },
    { ORGS_CATEGORY, "Accept Invitation" },
    { 0 }
};

static const struct pt_nav_item orgs_nav[] = {
    { .label = "Organisations", .href = "/orgs", .permission = "orgs.view", .order = 20 },
    { 0 }
};

const struct portal_module orgs_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "orgs",
    .routes = orgs_routes,
    .permissions = orgs_permissions,
    .audit_types = orgs_audit_types,
    .nav = orgs_nav,
};
