/*
 * change.c — creating, editing, duplicating and deleting custom roles.
 *
 * Rules (issue 5):
 *   - a custom role belongs to {org}; its name is unique there (the
 *     roles_org_name key decides under concurrency, the check before it
 *     gives the clear message);
 *   - system roles are read-only; a role of an ancestor is changed only
 *     there; nobody changes a role they hold themselves;
 *   - no escalation: every permission of the new set must be held by the
 *     actor on {org} (form.c), and a role carrying one the actor lacks
 *     cannot be edited by them at all;
 *   - a role is deleted only while no membership anywhere (and no pending
 *     invitation) holds it.
 * Every POST writes "Create Role", "Update Role", "Duplicate Role" or
 * "Delete Role": Success inside the transaction, Failed (with why) always.
 */
#include "roles.h"

struct change {
    int64_t     org, role_id;
    const char *action;                 /* the audit action */
    const char *name, *description;     /* as they will be */
    json_t     *keys;                   /* the permissions the role will hold */
    const struct roles_role *old;       /* edit and delete: the role; duplicate: the source */
    json_t     *old_keys;               /* edit: its permissions as they were */
    json_t     *meta;                   /* the Success event's metadata */
    int         status;                 /* a refusal found inside the transaction */
    const char *why;
};

static bool is_post(struct pt_req *r)
{
    return strcmp(pt_req_method(r), "POST") == 0;
}

static const char *id_text(struct pt_req *r, int64_t id)
{
    return id > 0 ? pt_printf(r, "%lld", (long long)id) : NULL;
}

/* The Failed event, written whatever happens to the transaction. */
static void change_audit_failed(struct pt_req *r, struct change *c, const char *why)
{
    json_t *meta = json_pack("{s:s?, s:O?}", "name", c->name, "permissions", c->keys);

    pt_audit_log_always(r, &(struct pt_audit){
        .org_id = c->org, .category = ROLES_AUDIT, .action = c->action, .status = "Failed",
        .resource_type = "role", .resource_id = id_text(r, c->role_id),
        .resource_name = c->name ? c->name : c->old ? c->old->name : NULL,
        .description = why, .metadata = meta });
    json_decref(meta);
}

/* A refused form: the event, and the form again with the message (problem+json on the API). */
static int change_fail(struct pt_req *r, json_t *view, struct change *c, int status,
                       const char *why)
{
    change_audit_failed(r, c, why);
    json_object_set_new(view, "error", json_string(why));
    json_object_set_new(view, "has_error", json_true());
    return status;
}

/* A refusal without a form to show again (no such role, read-only role). */
static int change_refuse(struct pt_req *r, struct change *c, int status, const char *why)
{
    if (is_post(r))
        change_audit_failed(r, c, why);
    return pt_error(r, status, why);
}

static int change_audit(struct pt_req *r, struct change *c)
{
    return pt_audit_log(r, &(struct pt_audit){
        .org_id = c->org, .category = ROLES_AUDIT, .action = c->action, .status = "Success",
        .resource_type = "role", .resource_id = id_text(r, c->role_id),
        .resource_name = c->name, .metadata = c->meta });
}

/* ---- shared steps ------------------------------------------------------------------ */

static int name_taken(struct pt_req *r, struct change *c)
{
    c->status = 409;
    c->why = pt_printf(r, "A role named \"%s\" already exists in this organisation: "
                       "choose another name.", c->name);
    return PT_EEXIST;
}

/* Is the name free in the organisation (but for the role itself)? */
static int name_free(struct pt_req *r, struct change *c)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id FROM roles WHERE org_id = ? AND name = ? AND id <> ?",
                             PT_ARGS(PT_ARG_INT(c->org), PT_ARG_STR(c->name),
                             PT_ARG_INT(c->role_id)), &row);

    if (rc == PT_ENOTFOUND)
        return 0;
    return rc == 0 ? name_taken(r, c) : rc;
}

/* One statement for each permission key of keys (an INSERT or a DELETE of
 * role_permissions, with the role and the key bound). */
static int perms_each(struct pt_req *r, const char *sql, int64_t role_id, json_t *keys)
{
    size_t i;
    json_t *k;
    int rc = 0;

    json_array_foreach(keys, i, k)
        if (rc == 0)
            rc = pt_db_exec(r, sql, PT_ARGS(PT_ARG_INT(role_id),
                                            PT_ARG_STR(json_string_value(k))), NULL, NULL);
    return rc;
}

static int perms_insert(struct pt_req *r, int64_t role_id, json_t *keys)
{
    return perms_each(r, "INSERT INTO role_permissions (role_id, perm_key) VALUES (?, ?)",
                      role_id, keys);
}

/* A new custom role of c->org with c->keys (create and duplicate). */
static int insert_tx(struct pt_req *r, void *arg)
{
    struct change *c = arg;
    int64_t actor = pt_req_user_id(r);
    uint64_t id = 0;
    int rc;

    c->role_id = 0;
    c->why = NULL;
    if ((rc = name_free(r, c)) != 0)
        return rc;
    rc = pt_db_exec(r, "INSERT INTO roles (org_id, name, description, is_system, created_by) "
                    "VALUES (?, ?, ?, 0, ?)", PT_ARGS(PT_ARG_INT(c->org), PT_ARG_STR(c->name),
                    PT_ARG_STR(c->description), actor > 0 ? PT_ARG_INT(actor) : PT_ARG_NULL),
                    NULL, &id);
    if (rc == PT_EEXIST)                 /* taken since name_free looked */
        return name_taken(r, c);
    if (rc != 0)
        return rc;
    c->role_id = (int64_t)id;
    if ((rc = perms_insert(r, c->role_id, c->keys)) != 0)
        return rc;
    return change_audit(r, c);
}

/* Runs fn; on success the flash and the redirect to the list, else the refusal. */
static int change_save(struct pt_req *r, json_t *view, struct change *c,
                       int (*fn)(struct pt_req *, void *), const char *done, int api_status)
{
    int rc = pt_db_tx(r, fn, c);

    if (rc != 0 && c->why == NULL)
        c->status = 500, c->why = "The role could not be saved. Try again in a moment.";
    if (rc != 0)
        return change_fail(r, view, c, c->status, c->why);
    json_object_set_new(view, "saved", json_pack("{s:I, s:s, s:O}", "id", (json_int_t)c->role_id,
                        "name", c->name ? c->name : "", "permissions", c->keys));
    pt_flash(r, "success", done);
    int st = pt_redirect(r, pt_printf(r, "/orgs/%lld/roles", (long long)c->org));
    return pt_req_is_api(r) && api_status ? api_status : st;
}

/* form {name, description}, the checkboxes and where the form goes. */
static int form_fill(struct pt_req *r, json_t *view, struct change *c, json_t *cat,
                     json_t *chosen, const char *action)
{
    json_object_set_new(view, "form", json_pack("{s:s, s:s}", "name", c->name ? c->name : "",
                        "description", c->description ? c->description : ""));
    if (roles_form_view(r, view, c->org, cat, chosen, action) != 0)
        return pt_error(r, 500, "Out of memory.");
    json_object_set_new(view, "back_url", json_string(pt_printf(r, "/orgs/%lld/roles",
                                                                (long long)c->org)));
    return 0;
}

/* The permissions and the name asked for: a security refusal (400, 403)
 * before a missing name, that before "choose at least one". */
static const char *form_inputs(struct pt_req *r, struct change *c, json_t *cat, json_t *chosen,
                               int *status)
{
    const char *keep = c->old ? c->old->name : NULL;
    const char *keep_desc = c->old ? c->old->description : NULL;
    const char *why;

    if (c->old_keys != NULL && roles_form_keeps_perms(r)) {
        /* An API edit without "permissions" keeps them (all held: checked before). */
        json_array_extend(chosen, c->old_keys);
        why = roles_check_keys(r, c->org, cat, chosen, status);
    } else {
        why = roles_form_perms(r, c->org, cat, chosen, status);
    }

    if (why == NULL || *status == 422) {
        const char *t = roles_form_text(r, &c->name, &c->description, keep, keep_desc);
        if (t != NULL) {
            *status = 422;
            return t;
        }
    }
    return why;
}

/* ---- create -------------------------------------------------------------------------- */

int roles_new(struct pt_req *r, json_t *view)
{
    struct change c = { .org = pt_req_param_int(r, "org"), .action = "Create Role" };
    json_t *cat, *chosen = pt_keep(r, json_array());
    const char *why = NULL;
    int rc, status = 0;

    if ((rc = roles_load_org(r, view, c.org)) != 0)
        return rc;
    if ((cat = roles_catalogue(r)) == NULL || chosen == NULL)
        return pt_error(r, 500, "The permission catalogue could not be read. Try again.");
    if (is_post(r))
        why = form_inputs(r, &c, cat, chosen, &status);
    json_object_set_new(view, "creating", json_true());
    if ((rc = form_fill(r, view, &c, cat, chosen,
                        pt_printf(r, "/orgs/%lld/roles/new", (long long)c.org))) != 0)
        return rc;
    if (!is_post(r))
        return 200;
    c.keys = chosen;
    if (why != NULL)
        return change_fail(r, view, &c, status, why);
    c.meta = pt_keep(r, json_pack("{s:s, s:s?, s:O}", "name", c.name, "description",
                                  c.description, "permissions", chosen));
    return change_save(r, view, &c, insert_tx,
                       pt_printf(r, "Role \"%s\" created.", c.name), 201);
}

/* ---- edit ------------------------------------------------------------------------------ */

/* The role of the path, seen from c->org; 0 or the refusal already made. */
static int change_find(struct pt_req *r, struct change *c, struct roles_role *role)
{
    int rc = roles_find(r, c->org, pt_req_param_int(r, "role"), role);

    if (rc == PT_ENOTFOUND)
        return change_refuse(r, c, 404, "There is no such role in this organisation.");
    if (rc != 0)
        return change_refuse(r, c, 500, "The role could not be read. Try again in a moment.");
    c->role_id = role->id;
    c->old = role;
    return 0;
}

/* Why the actor may not change or delete role at all; NULL when they may. */
static const char *not_changeable(struct pt_req *r, const struct roles_role *role,
                                  const char *verb)
{
    if (role->system)
        return pt_printf(r, "System roles are read-only: they cannot be %s. Duplicate one to "
                         "make a custom role you can change.", verb);
    if (!role->own)
        return pt_printf(r, "This role belongs to %s: it can be %s only there.",
                         role->owner_name ? role->owner_name : "another organisation", verb);
    return NULL;
}

/* Nobody changes a role they hold, nor one carrying a permission they lack
 * (the form could not show it as theirs to keep or drop). */
static const char *not_editable(struct pt_req *r, struct change *c, json_t *cat)
{
    const char *why = not_changeable(r, c->old, "changed");
    int status;

    if (why != NULL)
        return why;
    if (roles_actor_holds(r, c->role_id))
        return "You cannot change a role you hold: ask another administrator to do it.";
    why = roles_check_keys(r, c->org, cat, c->old_keys, &status);
    if (why != NULL && status == 403)
        return pt_printf(r, "%s Only someone who holds every permission of this role can "
                         "change it.", why);
    return NULL;
}

static json_t *keys_minus(json_t *a, json_t *b)
{
    json_t *out = json_array(), *k;
    size_t i;

    json_array_foreach(a, i, k)
        if (!roles_has_key(b, json_string_value(k)))
            json_array_append(out, k);
    return out;
}

static int perms_delete(struct pt_req *r, int64_t role_id, json_t *keys)
{
    return perms_each(r, "DELETE FROM role_permissions WHERE role_id = ? AND perm_key = ?",
                      role_id, keys);
}

/* The role's row, locked for the rest of the transaction; 0 or a refusal. */
static int lock_role(struct pt_req *r, struct change *c, json_t **row)
{
    int rc = pt_db_query_one(r, "SELECT name, description FROM roles WHERE id = ? AND "
                             "org_id = ? FOR UPDATE", PT_ARGS(PT_ARG_INT(c->role_id),
                             PT_ARG_INT(c->org)), row);

    if (rc == PT_ENOTFOUND) {
        c->status = 404;
        c->why = "This role no longer exists.";
    }
    return rc;
}

static int update_tx(struct pt_req *r, void *arg)
{
    struct change *c = arg;
    json_t *row, *before;
    int rc;

    c->why = NULL;
    if ((rc = lock_role(r, c, &row)) != 0 || (rc = name_free(r, c)) != 0)
        return rc;
    if ((before = roles_perm_keys(r, c->role_id)) == NULL)
        return PT_EDB;
    rc = pt_db_exec(r, "UPDATE roles SET name = ?, description = ? WHERE id = ?",
                    PT_ARGS(PT_ARG_STR(c->name), PT_ARG_STR(c->description),
                    PT_ARG_INT(c->role_id)), NULL, NULL);
    if (rc == PT_EEXIST)
        return name_taken(r, c);
    json_t *added = pt_keep(r, keys_minus(c->keys, before));
    json_t *removed = pt_keep(r, keys_minus(before, c->keys));
    if (rc != 0 || (rc = perms_delete(r, c->role_id, removed)) != 0 ||
        (rc = perms_insert(r, c->role_id, added)) != 0)
        return rc;
    c->meta = pt_keep(r, json_pack("{s:{s:O, s:O}, s:{s:s, s:s?}, s:O, s:O}",
        "before", "name", json_object_get(row, "name"), "description",
        json_object_get(row, "description"), "after", "name", c->name, "description",
        c->description, "added", added, "removed", removed));
    return change_audit(r, c);
}

int roles_edit(struct pt_req *r, json_t *view)
{
    struct change c = { .org = pt_req_param_int(r, "org"), .action = "Update Role" };
    struct roles_role role;
    json_t *cat, *chosen = pt_keep(r, json_array());
    const char *why = NULL;
    int rc, status = 0;

    if ((rc = roles_load_org(r, view, c.org)) != 0 || (rc = change_find(r, &c, &role)) != 0)
        return rc;
    if ((cat = roles_catalogue(r)) == NULL || chosen == NULL ||
        (c.old_keys = roles_perm_keys(r, role.id)) == NULL)
        return change_refuse(r, &c, 500, "The role could not be read. Try again in a moment.");
    if ((why = not_editable(r, &c, cat)) != NULL)
        return change_refuse(r, &c, 403, why);
    if (is_post(r)) {
        why = form_inputs(r, &c, cat, chosen, &status);
    } else {
        c.name = role.name;
        c.description = role.description;
        json_array_extend(chosen, c.old_keys);
    }
    json_object_set_new(view, "editing", json_true());
    json_object_set_new(view, "role", json_pack("{s:I, s:s}", "id", (json_int_t)role.id,
                                                "name", role.name));
    if ((rc = form_fill(r, view, &c, cat, chosen, pt_printf(r, "/orgs/%lld/roles/%lld/edit",
                        (long long)c.org, (long long)role.id))) != 0)
        return rc;
    if (!is_post(r))
        return 200;
    c.keys = chosen;
    if (why != NULL)
        return change_fail(r, view, &c, status, why);
    return change_save(r, view, &c, update_tx, pt_printf(r, "Role \"%s\" saved.", c.name), 0);
}

/* ---- duplicate ---------------------------------------------------------------------- */

/* The source's permissions against the actor: refusals first, an empty role last. */
static const char *duplicate_check(struct pt_req *r, struct change *c, json_t *cat, int *status)
{
    const char *why = roles_check_keys(r, c->org, cat, c->keys, status);

    if (why != NULL && *status != 422)
        return why;
    const char *t = roles_form_text(r, &c->name, &c->description, NULL, NULL);
    *status = 422;
    if (t != NULL)
        return t;
    return why ? pt_printf(r, "The role \"%s\" has no permissions to copy: create a new role "
                           "instead.", c->old->name) : NULL;
}

static void duplicate_view(struct pt_req *r, json_t *view, struct change *c, json_t *cat)
{
    const struct roles_role *src = c->old;

    json_object_set_new(view, "source", json_pack("{s:I, s:s, s:s?, s:b, s:I, s:o}",
        "id", (json_int_t)src->id, "name", src->name, "description", src->description,
        "system", src->system, "permission_count", (json_int_t)json_array_size(c->keys),
        "categories", json_incref(roles_grouped(r, cat, c->keys))));
    json_object_set_new(view, "form", json_pack("{s:s, s:s}", "name", c->name ? c->name : "",
                        "description", c->description ? c->description : ""));
    json_object_set_new(view, "action", json_string(pt_printf(r,
        "/orgs/%lld/roles/%lld/duplicate", (long long)c->org, (long long)src->id)));
    json_object_set_new(view, "back_url", json_string(pt_printf(r, "/orgs/%lld/roles",
                                                                (long long)c->org)));
}

int roles_duplicate(struct pt_req *r, json_t *view)
{
    struct change c = { .org = pt_req_param_int(r, "org"), .action = "Duplicate Role" };
    struct roles_role src;
    json_t *cat;
    const char *why = NULL;
    int rc, status = 0;

    if ((rc = roles_load_org(r, view, c.org)) != 0 || (rc = change_find(r, &c, &src)) != 0)
        return rc;
    c.role_id = 0;                       /* the new role: none yet */
    if ((cat = roles_catalogue(r)) == NULL || (c.keys = roles_perm_keys(r, src.id)) == NULL)
        return change_refuse(r, &c, 500, "The role could not be read. Try again in a moment.");
    if (is_post(r)) {
        why = duplicate_check(r, &c, cat, &status);
    } else {
        c.name = pt_printf(r, "Copy of %s", src.name);
        c.description = src.description;
    }
    duplicate_view(r, view, &c, cat);
    if (!is_post(r))
        return 200;
    if (why != NULL)
        return change_fail(r, view, &c, status, why);
    c.meta = pt_keep(r, json_pack("{s:{s:I, s:s}, s:s, s:s?, s:O}", "source", "id",
        (json_int_t)src.id, "name", src.name, "name", c.name, "description", c.description,
        "permissions", c.keys));
    return change_save(r, view, &c, insert_tx, pt_printf(r, "Role \"%s\" created as a copy "
                       "of \"%s\".", c.name, src.name), 201);
}

/* ---- delete -------------------------------------------------------------------------------- */

static long long count_of(struct pt_req *r, const char *sql, int64_t role_id)
{
    json_t *row;

    if (pt_db_query_one(r, sql, PT_ARGS(PT_ARG_INT(role_id)), &row) != 0)
        return -1;
    return json_integer_value(json_object_get(row, "n"));
}

/* Still held, or offered by a pending invitation?  0, or the refusal. */
static int delete_blocked(struct pt_req *r, struct change *c)
{
    long long users = count_of(r, "SELECT COUNT(DISTINCT user_id) AS n FROM memberships "
                               "WHERE role_id = ?", c->role_id);
    long long invites = users ? 0 : count_of(r, "SELECT COUNT(*) AS n FROM one_time_tokens "
        "WHERE role_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires > NOW()",
        c->role_id);

    if (users < 0 || invites < 0)
        return PT_EDB;
    c->status = 409;
    if (users > 0)
        c->why = users == 1 ? "1 user holds this role: reassign them first."
               : pt_printf(r, "%lld users hold this role: reassign them first.", users);
    else if (invites > 0)
        c->why = invites == 1 ? "1 pending invitation offers this role: revoke it first."
               : pt_printf(r, "%lld pending invitations offer this role: revoke them first.",
                           invites);
    return c->why ? PT_EEXIST : 0;
}

static int delete_tx(struct pt_req *r, void *arg)
{
    struct change *c = arg;
    json_t *row;
    int rc;

    c->why = NULL;
    /* The lock makes a concurrent grant wait: its foreign key reads this row. */
    if ((rc = lock_role(r, c, &row)) != 0 || (rc = delete_blocked(r, c)) != 0)
        return rc;
    if ((c->keys = roles_perm_keys(r, c->role_id)) == NULL)
        return PT_EDB;
    if ((rc = pt_db_exec(r, "DELETE FROM role_permissions WHERE role_id = ?",
                         PT_ARGS(PT_ARG_INT(c->role_id)), NULL, NULL)) != 0 ||
        (rc = pt_db_exec(r, "DELETE FROM roles WHERE id = ? AND org_id = ?",
                         PT_ARGS(PT_ARG_INT(c->role_id), PT_ARG_INT(c->org)), NULL, NULL)) != 0)
        return rc;
    c->meta = pt_keep(r, json_pack("{s:O, s:O, s:O}", "name", json_object_get(row, "name"),
        "description", json_object_get(row, "description"), "permissions", c->keys));
    return change_audit(r, c);
}

int roles_delete(struct pt_req *r, json_t *view)
{
    struct change c = { .org = pt_req_param_int(r, "org"), .action = "Delete Role" };
    struct roles_role role;
    const char *why;
    int rc;

    if ((rc = roles_load_org(r, view, c.org)) != 0 || (rc = change_find(r, &c, &role)) != 0)
        return rc;
    c.name = role.name;
    if ((why = not_changeable(r, &role, "deleted")) != NULL)
        return change_refuse(r, &c, 403, why);
    if (pt_db_tx(r, delete_tx, &c) != 0) {
        if (c.why == NULL || c.status == 404)
            return change_refuse(r, &c, c.why ? c.status : 500,
                                 c.why ? c.why : "The role could not be deleted. Try again.");
        /* Still held: the role's page again, with the reason. */
        change_audit_failed(r, &c, c.why);
        if ((rc = roles_show(r, view, c.org, &role)) != 200)
            return rc;
        json_object_set_new(view, "error", json_string(c.why));
        json_object_set_new(view, "has_error", json_true());
        return c.status;
    }
    json_object_set_new(view, "deleted", json_pack("{s:I, s:s}", "id", (json_int_t)role.id,
                                                   "name", role.name));
    pt_flash(r, "success", pt_printf(r, "Role \"%s\" deleted.", role.name));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/roles", (long long)c.org));
}
