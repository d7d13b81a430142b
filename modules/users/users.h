/*
 * users.h — what the files of the users module share.  Private to
 * modules/users/: like every module file it builds on portal.h alone.
 *
 *   users.c        the descriptor, the staff list, /users, and the helpers
 *                  every handler shares (the path's user, refusals, rules)
 *   invite.c       invite (new, reactivated, upgraded, granted), resend and
 *                  revoke an invitation
 *   edit.c         the user page (details, assignments), edit, disable /
 *                  enable, send a password reset, remove
 *   impersonate.c  "open as" and its stop
 *
 * Rules shared by every handler:
 *   - the path's {user} must hold a membership in the path's {org} (the
 *     user page: in its subtree), else 404 "No such user";
 *   - nobody acts on an account with more rights than their own: changing
 *     what is global to an account (name, e-mail, status, password,
 *     impersonation) needs the actor to be able to grant every role the
 *     target holds where it holds it (pt_can_grant_role);
 *   - an "administrator" of an organisation is a member there whose role
 *     holds both users.invite and users.edit (it can bring people in and
 *     change their roles).  The last active one of an organisation cannot
 *     be demoted, disabled or removed: someone must stay able to manage it.
 */
#ifndef PT_MOD_USERS_H
#define PT_MOD_USERS_H

#include "portal.h"

#define USERS_CAT           "Users"
#define USERS_CAT_SECURITY  "Security"
#define USERS_NAME_MAX      200
#define USERS_EMAIL_MAX     254
#define USERS_REASON_MAX    500
#define USERS_PAGE_SIZE     50
#define USERS_INVITE_DAYS   7
#define USERS_RESET_MINUTES 60
#define USERS_IMPERSONATE_MINUTES 30

/* The permissions that make a role an administrator's (see above), as SQL. */
#define USERS_ADMIN_PERMS_SQL "('users.invite', 'users.edit')"
#define USERS_ADMIN_PERMS_N   2

/* The path's organisation and user, as users_target loads them. */
struct users_target {
    int64_t     org_id, user_id, role_id;  /* role_id: the membership at org (0: none) */
    const char *org_name, *org_kind;
    const char *email, *full_name, *status, *role_name;
    bool        has_password, signed_in_ever, disabled;
    json_t     *row;                       /* the user as the view shows it */
};

/* Which membership the path's user must hold. */
enum users_scope { USERS_AT_ORG, USERS_IN_SUBTREE };

/* ---- users.c ---- */

/* Loads the path's {org} into t and view.org; 0 or the handler's status. */
int users_org(struct pt_req *r, json_t *view, struct users_target *t);
/* Loads the path's {org} and {user}; 0, or the handler's status (404 after
 * pt_error, 500).  The view gets "org" and "user".  category and action
 * (NULL for a page): the event a 404 leaves. */
int users_target(struct pt_req *r, json_t *view, struct users_target *t,
                 enum users_scope scope, const char *category, const char *action);
/* A refusal: audited (pt_audit_log_always, status Failed) with the
 * description why, then the message to the user with status. */
int users_refuse(struct pt_req *r, const struct users_target *t, const char *category,
                 const char *action, int status, const char *why);
/* A refusal that shows the page's form again with view.error (pages) or
 * problem+json (API); audited like users_refuse. */
int users_form_refuse(struct pt_req *r, json_t *view, const struct users_target *t,
                      const char *category, const char *action, int status, const char *why);
/* An event of the action (status Success) about the target. */
int users_audit(struct pt_req *r, const struct users_target *t, const char *category,
                const char *action, const char *description, json_t *metadata);
/* "/orgs/<org>/users" and "/orgs/<org>/users/<user>". */
const char *users_list_url(struct pt_req *r, int64_t org);
const char *users_user_url(struct pt_req *r, int64_t org, int64_t user);
/* The config's base URL without a trailing slash, and the platform's name. */
const char *users_base_url(struct pt_req *r);
/* The view's booleans and status_label of one user row (ctemplate shows no
 * section for 0/1): Active, Disabled, Invited (a live invitation and no
 * password yet) or Invitation expired (no password, no live invitation). */
void users_row_flags(json_t *u);
/* An input trimmed, NULL when absent or blank. */
const char *users_input(struct pt_req *r, const char *name);
/* A plausible e-mail address (one @, no blanks or controls, ≤ 254). */
bool users_email_ok(const char *email);
/* NULL when the actor can grant every role the user holds where it holds
 * it (only the memberships in org's subtree when subtree_only), else why. */
const char *users_outranked(struct pt_req *r, int64_t user_id, int64_t org_id,
                            bool subtree_only);
/* Does the actor hold users.invite … on org? (for the view's buttons) */
void users_view_abilities(struct pt_req *r, json_t *view, int64_t org);
/* Is role_id an administrator's role? */
bool users_role_is_admin(struct pt_req *r, int64_t role_id);
/* Would taking user_id's membership at org_id away (or making it a
 * non-administrator one) leave the organisation without an active
 * administrator?  Locks the organisation's memberships (call in a
 * transaction). */
bool users_last_admin(struct pt_req *r, int64_t org_id, int64_t user_id);
/* The roles grantable at org ([{id, name, system, selected}]), selected
 * marks selected_id. */
json_t *users_grantable_roles(struct pt_req *r, int64_t org, int64_t selected_id);
/* The role id of the "role" input, 0 when absent or not a number. */
int64_t users_role_input(struct pt_req *r);

/* ---- invite.c ---- */

int users_invite_page(struct pt_req *r, json_t *view);
int users_invite_resend(struct pt_req *r, json_t *view);
int users_invite_revoke(struct pt_req *r, json_t *view);
/* A new 'invite' link for the user at org with role, mailed (in the
 * caller's transaction). */
int users_invite_send(struct pt_req *r, const struct users_target *t, int64_t role_id,
                      const char *role_name);

/* ---- edit.c ---- */

int users_user_page(struct pt_req *r, json_t *view);
int users_edit(struct pt_req *r, json_t *view);
int users_disable(struct pt_req *r, json_t *view);
int users_enable(struct pt_req *r, json_t *view);
int users_reset(struct pt_req *r, json_t *view);
int users_remove(struct pt_req *r, json_t *view);
/* Fills the user page's view (details, roles, assignments, abilities). */
int users_user_view(struct pt_req *r, json_t *view, const struct users_target *t);

/* ---- impersonate.c ---- */

int users_impersonate(struct pt_req *r, json_t *view);
int users_impersonation_stop(struct pt_req *r, json_t *view);

#endif
