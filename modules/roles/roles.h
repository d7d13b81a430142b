/*
 * roles.h — what the files of the roles module share.  Private to
 * modules/roles/: like every module file it builds on portal.h alone.
 *
 *   roles.c      the descriptor, /roles, the list and one role's page
 *   catalogue.c  the permissions this module declares (its own and the
 *                baseline keys of capabilities not built yet)
 *   lookup.c     reading roles: which roles {org} may see, one role, its
 *                permissions, the catalogue grouped by category
 *   form.c       the role form: its view, the permissions asked for, the
 *                no-escalation check
 *   change.c     create, edit, duplicate, delete (with their audit events)
 */
#ifndef PT_MOD_ROLES_H
#define PT_MOD_ROLES_H

#include "portal.h"

#define ROLES_NAME_MAX 100
#define ROLES_DESC_MAX 500
#define ROLES_AUDIT    "Roles"

extern const struct pt_permission roles_permissions[];

/* One role as the pages see it. */
struct roles_role {
    int64_t     id;
    int64_t     org_id;          /* 0: a system role */
    const char *name, *description;
    const char *owner_name;      /* the owning organisation's name (custom roles) */
    bool        system;
    bool        own;             /* a custom role of the page's organisation itself */
    json_t     *row;             /* the row as read (owned by the request) */
};

/* ---- lookup.c ---- */

/* {id, name, kind} of org into view.org; 0, or the status already set
 * with pt_error (404, 500). */
int roles_load_org(struct pt_req *r, json_t *view, int64_t org);
/* The role of path parameter "role" as seen from org: a system role, a
 * custom role of org, or of an ancestor of org where the actor may view
 * roles.  0, PT_ENOTFOUND (also when not visible from org), PT_EDB. */
int roles_find(struct pt_req *r, int64_t org, int64_t role_id, struct roles_role *out);
/* The role's permission keys, sorted (an array owned by the request), or NULL. */
json_t *roles_perm_keys(struct pt_req *r, int64_t role_id);
/* Users holding role_id in org's subtree; -1 on a database error. */
long long roles_user_count(struct pt_req *r, int64_t role_id, int64_t org);
/* The catalogue, ordered by category (the catalogue's order) and key: rows
 * {perm_key, category, label, needs_consent}, owned by the request, or NULL. */
json_t *roles_catalogue(struct pt_req *r);
/* [{name, permissions: [{key, label, consent}]}] of keys, grouped. */
json_t *roles_grouped(struct pt_req *r, json_t *catalogue, json_t *keys);
/* Does the actor hold role_id in any of their memberships? */
bool roles_actor_holds(struct pt_req *r, int64_t role_id);
/* Is key one of the strings of arr? */
bool roles_has_key(json_t *arr, const char *key);

/* ---- form.c ---- */

/* The form's view: org, categories with a checkbox per permission (chosen:
 * the keys to tick; those the actor cannot give are disabled), action. */
int roles_form_view(struct pt_req *r, json_t *view, int64_t org, json_t *catalogue,
                    json_t *chosen, const char *action);
/*
 * The permission keys the request asks for, into chosen: a JSON array
 * "permissions", a text "permissions" (keys separated by commas or
 * blanks), one checkbox "perm_<key>" per permission and "all_<category
 * slug>" for a whole category (the permissions of it the actor may give).
 * NULL, or why not with *status: 400 an unknown key, 403 a permission the
 * actor does not hold on org (named), 422 none at all.
 */
const char *roles_form_perms(struct pt_req *r, int64_t org, json_t *catalogue, json_t *chosen,
                             int *status);
/* keys (from a role being copied) against the catalogue and the actor: the
 * same refusals as roles_form_perms. */
const char *roles_check_keys(struct pt_req *r, int64_t org, json_t *catalogue, json_t *keys,
                             int *status);
/* Name and description from the request; NULL or why not (422).  keep_name
 * (editing): a JSON body without "name" / "description" keeps keep_name /
 * keep_description. */
const char *roles_form_text(struct pt_req *r, const char **name, const char **description,
                            const char *keep_name, const char *keep_description);
/* Is the body JSON without "permissions" (an API edit keeps them)? */
bool roles_form_keeps_perms(struct pt_req *r);

/* ---- change.c ---- */

int roles_new(struct pt_req *r, json_t *view);
int roles_edit(struct pt_req *r, json_t *view);
int roles_duplicate(struct pt_req *r, json_t *view);
int roles_delete(struct pt_req *r, json_t *view);

/* ---- roles.c ---- */

/* The role's page into view (also shown again when a delete is refused). */
int roles_show(struct pt_req *r, json_t *view, int64_t org, const struct roles_role *role);

#endif
