/*
 * create.c — "Add partner / customer" (GET/POST /orgs/{org}/children/new).
 *
 * What a parent may hold depends on its kind: the platform any of
 * distributor, partner and customer; a distributor partners and customers;
 * a partner sub-partners and customers; a customer nothing.  A sibling may
 * not share a name (the database's UNIQUE (parent_id, name) backs the
 * check made here for a clear message); the slug is made unique from the
 * name.  The organisation and its closure rows are written in one
 * transaction with the audit event.
 */
#include "orgs.h"

#include <stdio.h>

#define ACTION "Create Organization"

struct create {
    const struct orgs_org *parent;
    const char *name, *kind;
    int64_t     id;
};

static int create_tx(struct pt_req *r, void *arg)
{
    struct create *c = arg;
    struct orgs_org child = { 0 };
    bool taken;
    int rc;

    if ((rc = orgs_name_taken(r, c->parent->id, c->name, 0, &taken)) != 0)
        return rc;
    if (taken)
        return PT_EEXIST;
    if ((rc = orgs_insert(r, c->parent->id, c->kind, c->name, &c->id)) != 0)
        return rc;
    child.id = c->id;
    child.name = c->name;
    json_t *m = json_pack("{s:s, s:s, s:I, s:s}", "name", c->name, "kind", c->kind,
                          "parent_id", (json_int_t)c->parent->id, "parent", c->parent->name);
    rc = orgs_audit(r, false, c->parent->id, ACTION, "Success", &child,
                    pt_printf(r, "Created %s \"%s\" under %s", orgs_kind_label(c->kind),
                              c->name, c->parent->name), m);
    json_decref(m);
    return rc;
}

/* The form's kinds with the chosen one selected. */
static json_t *kinds_view(struct pt_req *r, const char *parent_kind, const char *chosen)
{
    json_t *kinds = orgs_child_kinds(r, parent_kind), *k;
    size_t i;

    json_array_foreach(kinds, i, k) {
        const char *v = json_string_value(json_object_get(k, "value"));
        json_object_set_new(k, "selected", json_boolean(chosen && strcmp(v, chosen) == 0));
    }
    return kinds;
}

/* NULL when p may hold a new child at all, else why not (a 409). */
static const char *parent_problem(const struct orgs_org *p)
{
    if (strcmp(p->kind, "customer") == 0)
        return "A customer organisation cannot hold other organisations.";
    if (strcmp(p->status, "active") != 0)
        return "This organisation is suspended: resume it before adding to it.";
    return NULL;
}

/* NULL when the inputs make a child here, else why not (and *status). */
static const char *create_problem(const struct orgs_org *p, const char *name,
                                  const char *kind, int *status)
{
    const char *why;

    *status = 409;
    if ((why = parent_problem(p)) != NULL)
        return why;
    *status = 422;
    if ((why = orgs_name_problem(name)) != NULL)
        return why;
    if (kind == NULL)
        return "Choose what to add: a partner or a customer.";
    if (!orgs_kind_fits(p->kind, kind))
        return "That kind of organisation cannot be added here.";
    return NULL;
}

static int create_post(struct pt_req *r, json_t *view, const struct orgs_org *p)
{
    struct create c = { .parent = p, .name = orgs_input(r, "name"),
                        .kind = orgs_input(r, "kind") };
    int status, rc;
    const char *why = create_problem(p, c.name, c.kind, &status);

    json_object_set_new(view, "form", json_pack("{s:s, s:s}", "name", c.name ? c.name : "",
                                                "kind", c.kind ? c.kind : ""));
    json_object_set(view, "kinds", kinds_view(r, p->kind, c.kind));
    if (why != NULL) {
        orgs_audit_failed(r, p->id, ACTION, NULL, why);
        return orgs_form_error(r, view, status, why);
    }
    rc = pt_db_tx(r, create_tx, &c);
    if (rc == PT_EEXIST) {
        why = pt_printf(r, "%s already has an organisation named \"%s\": choose another name.",
                        p->name, c.name);
        orgs_audit_failed(r, p->id, ACTION, NULL, why);
        return orgs_form_error(r, view, 409, why);
    }
    if (rc != 0) {
        orgs_audit_failed(r, p->id, ACTION, NULL, "database error");
        return pt_error(r, 500, "The organisation could not be created. Try again in a moment.");
    }
    struct orgs_org child;
    if (orgs_load(r, c.id, false, &child) == 0)
        json_object_set(view, "created", child.row);
    pt_flash(r, "success", pt_printf(r, "%s \"%s\" was created.", orgs_kind_label(c.kind),
                                     c.name));
    if (pt_req_is_api(r))
        return 201;
    return pt_redirect(r, pt_printf(r, "/orgs/%lld", (long long)c.id));
}

int orgs_new_child(struct pt_req *r, json_t *view)
{
    struct orgs_org p;
    int rc;

    if ((rc = orgs_path_org(r, view, &p)) != 0)
        return rc;
    json_object_set_new(view, "action", json_string(pt_printf(r, "/orgs/%lld/children/new",
                                                              (long long)p.id)));
    if (strcmp(pt_req_method(r), "POST") == 0)
        return create_post(r, view, &p);
    json_object_set(view, "kinds", kinds_view(r, p.kind, NULL));
    json_object_set_new(view, "form", json_pack("{s:s, s:s}", "name", "", "kind", ""));
    const char *why = parent_problem(&p);
    return why ? orgs_form_error(r, view, 409, why) : 200;
}
