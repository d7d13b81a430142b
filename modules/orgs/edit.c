/*
 * edit.c — changing an organisation in place: its name, its status
 * (suspending blocks sign-in for its whole subtree and ends the sessions
 * there at once), and its consent to its parent's access.
 *
 * Nobody suspends the platform, their own organisation or one above it.
 * Consent is the organisation's own decision: only a member of the
 * organisation itself whose role holds orgs.consent may change it, never an
 * administrator of a parent (who holds the permission on the subtree).
 */
#include "orgs.h"

#include <stdio.h>

/* Lock the row again inside the transaction: its status or name may have
 * changed since the page was read. */
static int lock_org(struct pt_req *r, int64_t id, struct orgs_org *o)
{
    int rc = orgs_load(r, id, true, o);

    return rc == PT_ENOTFOUND ? 404 : rc;
}

static json_t *before_after(const char *key, json_t *before, json_t *after)
{
    return json_pack("{s:{s:o}, s:{s:o}}", "before", key, before, "after", key, after);
}

/* ---- rename -------------------------------------------------------------------------- */

#define RENAME "Update Organization"

struct rename {
    int64_t     id;
    const char *name;
};

static int rename_tx(struct pt_req *r, void *arg)
{
    struct rename *n = arg;
    struct orgs_org o;
    bool taken = false;
    int rc;

    if ((rc = lock_org(r, n->id, &o)) != 0)
        return rc;
    if (o.parent_id > 0 && (rc = orgs_name_taken(r, o.parent_id, n->name, o.id, &taken)) != 0)
        return rc;
    if (taken)
        return PT_EEXIST;
    rc = pt_db_exec(r, "UPDATE orgs SET name = ? WHERE id = ?",
                    PT_ARGS(PT_ARG_STR(n->name), PT_ARG_INT(o.id)), NULL, NULL);
    if (rc != 0)
        return rc;
    json_t *m = before_after("name", json_string(o.name), json_string(n->name));
    o.name = n->name;
    rc = orgs_audit(r, false, o.id, RENAME, "Success", &o, "Renamed the organisation", m);
    json_decref(m);
    return rc;
}

int orgs_edit(struct pt_req *r, json_t *view)
{
    struct orgs_org o;
    struct rename n;
    const char *why;
    int rc;

    if ((rc = orgs_path_org(r, view, &o)) != 0)
        return rc;
    json_object_set_new(view, "action", json_string(pt_printf(r, "/orgs/%lld/edit",
                                                              (long long)o.id)));
    n.id = o.id;
    n.name = orgs_input(r, "name");
    bool post = strcmp(pt_req_method(r), "POST") == 0;
    json_object_set_new(view, "form", json_pack("{s:s}", "name", post ? (n.name ? n.name : "")
                                                                      : o.name));
    if (!post)
        return 200;
    if ((why = orgs_name_problem(n.name)) != NULL) {
        orgs_audit_failed(r, o.id, RENAME, &o, why);
        return orgs_form_error(r, view, 422, why);
    }
    rc = pt_db_tx(r, rename_tx, &n);
    if (rc == PT_EEXIST) {
        why = pt_printf(r, "%s already has an organisation named \"%s\": choose another name.",
                        o.parent_name ? o.parent_name : "The parent", n.name);
        orgs_audit_failed(r, o.id, RENAME, &o, why);
        return orgs_form_error(r, view, 409, why);
    }
    if (rc != 0) {
        orgs_audit_failed(r, o.id, RENAME, &o, rc == 404 ? "no such organisation"
                                                         : "database error");
        return pt_error(r, rc == 404 ? 404 : 500, rc == 404 ? "There is no such organisation."
                        : "The organisation could not be renamed. Try again in a moment.");
    }
    json_object_set_new(json_object_get(view, "org"), "name", json_string(n.name));
    pt_flash(r, "success", pt_printf(r, "The organisation is now called \"%s\".", n.name));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld", (long long)o.id));
}

/* ---- suspend / resume ---------------------------------------------------------------------- */

struct status_change {
    int64_t     id;
    const char *from, *to, *action;
};

static int status_tx(struct pt_req *r, void *arg)
{
    struct status_change *s = arg;
    struct orgs_org o;
    int rc;

    if ((rc = lock_org(r, s->id, &o)) != 0)
        return rc;
    if (strcmp(o.status, s->from) != 0)
        return 409;
    rc = pt_db_exec(r, "UPDATE orgs SET status = ? WHERE id = ?",
                    PT_ARGS(PT_ARG_STR(s->to), PT_ARG_INT(o.id)), NULL, NULL);
    /* Suspension takes effect now: every session in the subtree ends. */
    if (rc == 0 && strcmp(s->to, "suspended") == 0)
        rc = pt_session_end_subtree(r, o.id);
    if (rc != 0)
        return rc;
    json_t *m = before_after("status", json_string(s->from), json_string(s->to));
    rc = orgs_audit(r, false, o.id, s->action, "Success", &o, NULL, m);
    json_decref(m);
    return rc;
}

/* NULL when the actor may change o's status this way, else why not. */
static const char *status_refused(struct pt_req *r, const struct orgs_org *o, bool suspend)
{
    int64_t home = pt_req_home_org(r);

    if (strcmp(o->kind, "platform") == 0)
        return suspend ? "The platform cannot be suspended." : "The platform is never suspended.";
    if (suspend && home > 0 && pt_org_contains(r, o->id, home))
        return "You cannot suspend your own organisation or one above it.";
    return NULL;
}

static int status_change(struct pt_req *r, json_t *view, bool suspend)
{
    struct status_change s = {
        .from = suspend ? "active" : "suspended", .to = suspend ? "suspended" : "active",
        .action = suspend ? "Suspend Organization" : "Resume Organization",
    };
    struct orgs_org o;
    const char *why;
    int rc;

    if ((rc = orgs_path_org(r, view, &o)) != 0)
        return rc;
    s.id = o.id;
    if ((why = status_refused(r, &o, suspend)) != NULL) {
        orgs_audit_failed(r, o.id, s.action, &o, why);
        return pt_error(r, 403, why);
    }
    rc = pt_db_tx(r, status_tx, &s);
    if (rc == 409 || rc == 404) {
        why = rc == 404 ? "There is no such organisation."
            : suspend ? "This organisation is not active: there is nothing to suspend."
                      : "This organisation is not suspended.";
        orgs_audit_failed(r, o.id, s.action, &o, why);
        return pt_error(r, rc, why);
    }
    if (rc != 0) {
        orgs_audit_failed(r, o.id, s.action, &o, "database error");
        return pt_error(r, 500, "The change could not be saved. Try again in a moment.");
    }
    json_object_set_new(json_object_get(view, "org"), "status", json_string(s.to));
    pt_flash(r, "success", suspend
        ? pt_printf(r, "%s is suspended: nobody in it (or below it) can sign in.", o.name)
        : pt_printf(r, "%s is active again.", o.name));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld", (long long)o.id));
}

int orgs_suspend(struct pt_req *r, json_t *view)
{
    return status_change(r, view, true);
}

int orgs_resume(struct pt_req *r, json_t *view)
{
    return status_change(r, view, false);
}

/* ---- consent ---------------------------------------------------------------------------------- */

#define CONSENT "Update Consent"

struct consent {
    int64_t id;
    int     allow;
};

static int consent_tx(struct pt_req *r, void *arg)
{
    struct consent *c = arg;
    struct orgs_org o;
    int rc;

    if ((rc = lock_org(r, c->id, &o)) != 0)
        return rc;
    rc = pt_db_exec(r, "UPDATE orgs SET allow_parent_access = ? WHERE id = ?",
                    PT_ARGS(PT_ARG_INT(c->allow), PT_ARG_INT(o.id)), NULL, NULL);
    if (rc != 0)
        return rc;
    json_t *m = before_after("allow_parent_access", json_boolean(o.allow_parent_access),
                             json_boolean(c->allow));
    rc = orgs_audit(r, false, o.id, CONSENT, "Success", &o, c->allow
                    ? "Allowed the parent organisation to access this organisation"
                    : "Refused the parent organisation access to this organisation", m);
    json_decref(m);
    return rc;
}

/* 1, 0, or -1 when the input says neither. */
static int parse_allow(const char *v)
{
    static const char *const yes[] = { "1", "true", "on", "yes" }, *const no[] = { "0",
        "false", "off", "no" };

    for (size_t i = 0; v && i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(v, yes[i]) == 0)
            return 1;
        if (strcmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

int orgs_consent(struct pt_req *r, json_t *view)
{
    struct orgs_org o;
    struct consent c;
    const char *why = NULL;
    int rc, status = 403;

    if ((rc = orgs_path_org(r, view, &o)) != 0)
        return rc;
    c.id = o.id;
    c.allow = parse_allow(orgs_input(r, "allow"));
    if (o.parent_id <= 0) {
        why = "The platform has no parent organisation to allow.";
        status = 409;
    } else if (!orgs_own_admin(r, o.id)) {
        why = pt_printf(r, "Only %s's own administrators can change this.", o.name);
    } else if (c.allow < 0) {
        why = "Say whether to allow access: allow=1 or allow=0.";
        status = 422;
    }
    if (why != NULL) {
        orgs_audit_failed(r, o.id, CONSENT, &o, why);
        return pt_error(r, status, why);
    }
    if ((rc = pt_db_tx(r, consent_tx, &c)) != 0) {
        orgs_audit_failed(r, o.id, CONSENT, &o, "database error");
        return pt_error(r, rc == 404 ? 404 : 500, "The change could not be saved. Try again.");
    }
    json_object_set_new(json_object_get(view, "org"), "allow_parent_access",
                        json_integer(c.allow));
    pt_flash(r, "success", c.allow
        ? pt_printf(r, "%s may now access %s.", o.parent_name, o.name)
        : pt_printf(r, "%s may no longer access %s.", o.parent_name, o.name));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld", (long long)o.id));
}
