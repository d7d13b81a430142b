/*
 * move.c — give an organisation (with its whole subtree) another parent:
 * GET/POST /orgs/{org}/move.
 *
 * The actor must hold orgs.move on the organisation, on the parent it
 * leaves and on the parent it joins; a destination outside the actor's
 * tree does not exist for them (404).  The kinds must fit (a customer goes
 * under a partner or distributor), nothing moves into its own subtree, and
 * the name must be free among the new siblings.
 *
 * In one transaction: the closure rows linking the moved subtree to its
 * old ancestors go, rows linking it to the new parent's ancestors (itself
 * included) come, and parent_id changes; so every subtree check is right
 * from the commit on (the moved customer's users are visible from the new
 * partner and no longer from the old one).
 */
#include "orgs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define ACTION "Move Organization"

struct move {
    int64_t     id, from, to;
    const char *to_name;
};

/* The kinds (a SET literal) that may hold an organisation of this kind. */
static const char *parent_kinds(struct pt_req *r, const char *kind)
{
    static const char *const all[] = { "platform", "distributor", "partner", "customer" };
    const char *out = "";

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (orgs_kind_fits(all[i], kind))
            out = pt_printf(r, "%s%s%s", out, *out ? "," : "", all[i]);
    return out;
}

static int move_closure(struct pt_req *r, const struct move *m)
{
    /* Rows from an ancestor outside the subtree to a node inside it. */
    int rc = pt_db_exec(r,
        "DELETE c FROM org_closure c "
        "JOIN org_closure sub ON sub.ancestor = ? AND sub.descendant = c.descendant "
        "LEFT JOIN org_closure keep ON keep.ancestor = ? AND keep.descendant = c.ancestor "
        "WHERE keep.ancestor IS NULL", PT_ARGS(PT_ARG_INT(m->id), PT_ARG_INT(m->id)),
        NULL, NULL);

    if (rc != 0)
        return rc;
    /* Every ancestor of the new parent (itself included) to every node of
     * the subtree. */
    return pt_db_exec(r,
        "INSERT INTO org_closure (ancestor, descendant, depth) "
        "SELECT p.ancestor, s.descendant, p.depth + s.depth + 1 FROM org_closure p "
        "JOIN org_closure s ON s.ancestor = ? WHERE p.descendant = ?",
        PT_ARGS(PT_ARG_INT(m->id), PT_ARG_INT(m->to)), NULL, NULL);
}

static int move_tx(struct pt_req *r, void *arg)
{
    struct move *m = arg;
    struct orgs_org o, to;
    bool taken;
    int rc;

    if ((rc = orgs_load(r, m->id, true, &o)) != 0 || (rc = orgs_load(r, m->to, true, &to)) != 0)
        return rc == PT_ENOTFOUND ? 404 : rc;
    if (o.parent_id != m->from)
        return 409;                         /* moved by someone else meanwhile */
    if ((rc = orgs_name_taken(r, m->to, o.name, o.id, &taken)) != 0)
        return rc;
    if (taken)
        return PT_EEXIST;
    if ((rc = move_closure(r, m)) != 0 ||
        (rc = pt_db_exec(r, "UPDATE orgs SET parent_id = ? WHERE id = ?",
                         PT_ARGS(PT_ARG_INT(m->to), PT_ARG_INT(m->id)), NULL, NULL)) != 0)
        return rc;
    json_t *meta = json_pack("{s:{s:I}, s:{s:I, s:s}}", "before", "parent_id",
                             (json_int_t)m->from, "after", "parent_id", (json_int_t)m->to,
                             "parent", to.name);
    rc = orgs_audit(r, false, o.id, ACTION, "Success", &o,
                    pt_printf(r, "Moved under %s", to.name), meta);
    json_decref(meta);
    return rc;
}

/* Where the organisation could go: in the actor's tree, of a fitting kind,
 * not its own subtree nor its current parent. */
static json_t *candidates(struct pt_req *r, const struct orgs_org *o)
{
    json_t *rows = NULL, *out = pt_keep(r, json_array()), *row;
    size_t i;

    if (out == NULL || pt_req_user_id(r) <= 0 || pt_db_query(r,
            "SELECT DISTINCT d.id, d.name, d.kind FROM memberships m "
            "JOIN role_permissions rp ON rp.role_id = m.role_id AND rp.perm_key = 'orgs.move' "
            "JOIN org_closure c ON c.ancestor = m.org_id JOIN orgs d ON d.id = c.descendant "
            "WHERE m.user_id = ? AND d.id <> ? AND FIND_IN_SET(d.kind, ?) > 0 "
            "AND d.status = 'active' AND NOT EXISTS (SELECT 1 FROM org_closure s "
            "WHERE s.ancestor = ? AND s.descendant = d.id) ORDER BY d.name, d.id LIMIT 200",
            PT_ARGS(PT_ARG_INT(pt_req_user_id(r)), PT_ARG_INT(o->parent_id),
                    PT_ARG_STR(parent_kinds(r, o->kind)), PT_ARG_INT(o->id)), &rows) != 0)
        return out;
    json_array_foreach(rows, i, row) {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        if (!pt_can(r, "orgs.move", id))
            continue;
        json_object_set_new(row, "kind_label", json_string(orgs_kind_label(
            json_string_value(json_object_get(row, "kind")))));
        json_array_append(out, row);
    }
    return out;
}

/* NULL when the actor may move o at all, else why not. */
static const char *move_refused(struct pt_req *r, const struct orgs_org *o)
{
    int64_t home = pt_req_home_org(r);

    if (o->parent_id <= 0)
        return "The platform cannot be moved.";
    if (home > 0 && pt_org_contains(r, o->id, home))
        return "You cannot move your own organisation or one above it.";
    if (!pt_can(r, "orgs.move", o->parent_id))
        return pt_printf(r, "You cannot move %s: you do not manage %s, the organisation it "
                         "is in.", o->name, o->parent_name);
    return NULL;
}

/* NULL when to is a place o may go, else why not and *status. */
static const char *destination_problem(struct pt_req *r, const struct orgs_org *o,
                                       const struct orgs_org *to, int *status)
{
    *status = 403;
    if (!pt_can(r, "orgs.move", to->id))
        return pt_printf(r, "You cannot move organisations into %s.", to->name);
    *status = 422;
    if (pt_org_contains(r, o->id, to->id))
        return "An organisation cannot move into itself or an organisation below it.";
    if (!orgs_kind_fits(to->kind, o->kind))
        return pt_printf(r, "A %s cannot be placed under a %s.", orgs_kind_label(o->kind),
                         orgs_kind_label(to->kind));
    *status = 409;
    if (to->id == o->parent_id)
        return pt_printf(r, "%s is already in %s.", o->name, to->name);
    if (strcmp(to->status, "active") != 0)
        return pt_printf(r, "%s is suspended: resume it before moving anything into it.",
                         to->name);
    return NULL;
}

static int move_fail(struct pt_req *r, json_t *view, const struct orgs_org *o, int status,
                     const char *why)
{
    orgs_audit_failed(r, o->id, ACTION, o, why);
    return orgs_form_error(r, view, status, why);
}

static int64_t input_id(struct pt_req *r, const char *name)
{
    const char *v = orgs_input(r, name);
    char *end = NULL;

    errno = 0;
    long long id = v ? strtoll(v, &end, 10) : 0;
    return v && !errno && *end == '\0' && id > 0 ? (int64_t)id : 0;
}

static int move_post(struct pt_req *r, json_t *view, const struct orgs_org *o)
{
    struct move m = { .id = o->id, .from = o->parent_id, .to = input_id(r, "parent_id") };
    struct orgs_org to;
    const char *why;
    int status, rc;

    if (m.to == 0)
        return move_fail(r, view, o, 422, "Choose the organisation to move it into.");
    /* Outside the actor's tree the destination does not exist for them. */
    if (orgs_load(r, m.to, false, &to) != 0 || !orgs_in_actor_tree(r, m.to))
        return move_fail(r, view, o, 404, "There is no such organisation.");
    if ((why = destination_problem(r, o, &to, &status)) != NULL)
        return move_fail(r, view, o, status, why);
    rc = pt_db_tx(r, move_tx, &m);
    if (rc == PT_EEXIST)
        return move_fail(r, view, o, 409, pt_printf(r, "%s already has an organisation named "
                         "\"%s\": rename one of them first.", to.name, o->name));
    if (rc == 409 || rc == 404)
        return move_fail(r, view, o, 409, "The organisation changed meanwhile: reload the "
                         "page and try again.");
    if (rc != 0) {
        orgs_audit_failed(r, o->id, ACTION, o, "database error");
        return pt_error(r, 500, "The organisation could not be moved. Try again in a moment.");
    }
    json_object_set_new(view, "moved", json_pack("{s:I, s:I, s:s}", "id", (json_int_t)o->id,
                        "parent_id", (json_int_t)to.id, "parent", to.name));
    pt_flash(r, "success", pt_printf(r, "%s is now in %s.", o->name, to.name));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld", (long long)o->id));
}

int orgs_move(struct pt_req *r, json_t *view)
{
    struct orgs_org o;
    const char *why;
    int rc;

    if ((rc = orgs_path_org(r, view, &o)) != 0)
        return rc;
    json_object_set_new(view, "action", json_string(pt_printf(r, "/orgs/%lld/move",
                                                              (long long)o.id)));
    json_object_set(view, "candidates", candidates(r, &o));
    bool post = strcmp(pt_req_method(r), "POST") == 0;
    if ((why = move_refused(r, &o)) != NULL) {
        if (post)
            orgs_audit_failed(r, o.id, ACTION, &o, why);
        json_object_set_new(view, "refused", json_true());
        return orgs_form_error(r, view, 403, why);
    }
    json_object_set_new(view, "can_move", json_true());
    return post ? move_post(r, view, &o) : 200;
}
