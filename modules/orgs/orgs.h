/*
 * orgs.h — what the files of the orgs module share.  Private to
 * modules/orgs/: like every module file it builds on portal.h alone.
 *
 *   orgs.c    the descriptor, /orgs, and the helpers every page uses
 *             (loading an organisation, kinds, slugs, failures, audit)
 *   tree.c    an organisation's page: details, breadcrumbs, the children
 *             table (search, sort, keyset pages)
 *   create.c  adding a child organisation
 *   edit.c    rename, suspend / resume, consent to parent access
 *   move.c    moving an organisation (and its subtree) to another parent
 *   invite.c  a partner's invitations of customers (list, send, revoke)
 *   join.c    /join: accepting an invitation creates the customer
 */
#ifndef PT_MOD_ORGS_H
#define PT_MOD_ORGS_H

#include "portal.h"

#define ORGS_CATEGORY     "Organisations"
#define ORGS_NAME_MAX     200
#define ORGS_INVITE_DAYS  7

/* An organisation as the pages use it (strings live in the request). */
struct orgs_org {
    int64_t     id, parent_id;      /* parent_id 0: the platform */
    const char *kind, *name, *slug, *status, *parent_name, *created;
    bool        allow_parent_access;
    json_t     *row;                /* the row itself, owned by the request */
};

/* Reads organisation id; 0, PT_ENOTFOUND or a PT_E… from the database.
 * for_update: lock the row (inside a transaction). */
int orgs_load(struct pt_req *r, int64_t id, bool for_update, struct orgs_org *o);
/* The path's {org} into o and view.org; 0, or the status already answered
 * (404 when it does not exist, 500). */
int orgs_path_org(struct pt_req *r, json_t *view, struct orgs_org *o);

/* May an organisation of kind child sit directly under one of kind parent? */
bool orgs_kind_fits(const char *parent, const char *child);
/* The kinds a parent of this kind may hold, as [{value, label}] (the request's). */
json_t *orgs_child_kinds(struct pt_req *r, const char *parent);
const char *orgs_kind_label(const char *kind);

/* Is org anywhere in the actor's tree (whatever the permission)? */
bool orgs_in_actor_tree(struct pt_req *r, int64_t org);

/* A trimmed input, NULL when missing or blank. */
const char *orgs_input(struct pt_req *r, const char *name);
/* NULL when name is a usable organisation name, else why not. */
const char *orgs_name_problem(const char *name);
/* Is name taken by a child of parent (other than except)? */
int orgs_name_taken(struct pt_req *r, int64_t parent, const char *name, int64_t except,
                    bool *taken);

/*
 * Inserts a new organisation under parent with its closure rows (in the
 * caller's transaction) and a slug made unique from its name.  *id the new
 * organisation; PT_EEXIST when the name is taken under parent.
 */
int orgs_insert(struct pt_req *r, int64_t parent, const char *kind, const char *name,
                int64_t *id);

/* A refused form: the page again with the message (view.error), the API
 * problem+json; returns status. */
int orgs_form_error(struct pt_req *r, json_t *view, int status, const char *message);
/* An audit event of category Organisations for org (resource: target). */
int orgs_audit(struct pt_req *r, bool always, int64_t org, const char *action,
               const char *status, const struct orgs_org *target, const char *description,
               json_t *metadata);
/* A Failed event (written even when the transaction rolls back). */
void orgs_audit_failed(struct pt_req *r, int64_t org, const char *action,
                       const struct orgs_org *target, const char *why);

const char *orgs_base_url(struct pt_req *r);

/* Handlers. */
int orgs_show(struct pt_req *r, json_t *view);
int orgs_new_child(struct pt_req *r, json_t *view);
int orgs_edit(struct pt_req *r, json_t *view);
int orgs_suspend(struct pt_req *r, json_t *view);
int orgs_resume(struct pt_req *r, json_t *view);
int orgs_consent(struct pt_req *r, json_t *view);
int orgs_move(struct pt_req *r, json_t *view);
int orgs_invitations(struct pt_req *r, json_t *view);
int orgs_invitation_revoke(struct pt_req *r, json_t *view);
int orgs_join(struct pt_req *r, json_t *view);

/* Is the actor an administrator of org itself (a membership at org whose
 * role holds orgs.consent)? */
bool orgs_own_admin(struct pt_req *r, int64_t org);

#endif
