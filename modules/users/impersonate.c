/*
 * impersonate.c — "open as" (issue 5, item 7): an administrator works in a
 * customer user's account to help, for at most 30 minutes, with a reason,
 * under a banner, every action recorded with both identities; "stop"
 * brings the administrator's own session back (fcgi/impersonate.c keeps
 * the two sessions straight).
 *
 * Refused: opening one's own account, opening a second one while already
 * in one, opening with an API token, opening a disabled account, and
 * opening "upward": the target's every membership must lie where the actor
 * holds users.impersonate (the organisation's consent included: the guard
 * checked it for the path's organisation, this file for every other one)
 * and hold a role the actor could grant there.
 */
#include "users.h"

#include <stdio.h>

/* NULL when the actor may open t's account, else why (and *status). */
static const char *imp_refusal(struct pt_req *r, const struct users_target *t, int *status)
{
    const struct pt_identity *me = pt_req_identity(r);
    json_t *rows, *m;
    size_t i;

    *status = 403;
    if (me->token_id > 0 || me->user_id <= 0)
        return "Opening another account needs a signed-in session, not an API token.";
    if (t->user_id == me->user_id)
        return "You cannot open your own account.";
    *status = 409;
    if (me->impersonator_id != 0)
        return "You are already working in another account: stop that first.";
    if (t->disabled)
        return "This account is disabled: it cannot be opened.";
    *status = 500;
    if (pt_db_query(r, "SELECT org_id, role_id FROM memberships WHERE user_id = ?",
                    PT_ARGS(PT_ARG_INT(t->user_id)), &rows) != 0)
        return "The account's roles could not be read. Try again in a moment.";
    *status = 403;
    json_array_foreach(rows, i, m) {
        int64_t org = json_integer_value(json_object_get(m, "org_id"));
        if (!pt_can(r, "users.impersonate", org))
            return "You cannot open this account: it also works in an organisation where "
                   "you may not (or that does not allow its parent access).";
        if (!pt_can_grant_role(r, json_integer_value(json_object_get(m, "role_id")), org, NULL))
            return "You cannot open an account with more rights than your own.";
    }
    return NULL;
}

struct imp_start {
    struct users_target *t;
    const char *reason;
};

static int imp_start_tx(struct pt_req *r, void *arg)
{
    struct imp_start *s = arg;
    json_t *m = json_pack("{s:s, s:i}", "reason", s->reason, "minutes",
                          USERS_IMPERSONATE_MINUTES);
    /* Written as the actor, before the session changes hands; the target
     * (subject) sees it in their own history. */
    int rc = users_audit(r, s->t, USERS_CAT_SECURITY, "Impersonation Start",
                         pt_printf(r, "opened the account of %s", s->t->email), m);

    json_decref(m);
    if (rc == 0)
        rc = pt_impersonation_start(r, s->t->user_id, s->reason, USERS_IMPERSONATE_MINUTES);
    return rc;
}

int users_impersonate(struct pt_req *r, json_t *view)
{
    struct users_target t;
    struct imp_start s = { .t = &t };
    const char *why;
    bool post = strcmp(pt_req_method(r), "POST") == 0;
    int status, rc = users_target(r, view, &t, USERS_AT_ORG, post ? USERS_CAT_SECURITY : NULL,
                                  "Impersonation Start");

    if (rc != 0)
        return rc;
    json_object_set_new(view, "action", json_string(pt_printf(r, "%s/impersonate",
                        users_user_url(r, t.org_id, t.user_id))));
    json_object_set_new(view, "user_url", json_string(users_user_url(r, t.org_id, t.user_id)));
    json_object_set_new(view, "minutes", json_integer(USERS_IMPERSONATE_MINUTES));
    if ((why = imp_refusal(r, &t, &status)) != NULL)
        return post ? users_refuse(r, &t, USERS_CAT_SECURITY, "Impersonation Start", status, why)
                    : pt_error(r, status, why);
    if (!post)
        return 200;
    s.reason = users_input(r, "reason");
    json_object_set_new(view, "reason", json_string(s.reason ? s.reason : ""));
    if (s.reason == NULL || strlen(s.reason) > USERS_REASON_MAX) {
        why = "Say why you open this account (up to 500 characters): it is recorded.";
        return users_form_refuse(r, view, &t, USERS_CAT_SECURITY, "Impersonation Start",
                                 422, why);
    }
    if (pt_db_tx(r, imp_start_tx, &s) != 0)
        return users_refuse(r, &t, USERS_CAT_SECURITY, "Impersonation Start", 500,
                            "The account could not be opened. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string("impersonating"));
    pt_flash(r, "warning", pt_printf(r, "You are now working as %s for up to %d minutes. "
                                     "Everything you do is recorded under both names.",
                                     t.email, USERS_IMPERSONATE_MINUTES));
    return pt_redirect(r, "/");
}

/* ---- stop -------------------------------------------------------------------------------- */

/* Where the impersonator goes back to: the users of an organisation of the
 * opened account inside the impersonator's tree, else /users. */
static const char *imp_return_url(struct pt_req *r, struct users_target *t)
{
    json_t *row;

    if (pt_db_query_one(r, "SELECT m.org_id, o.name FROM memberships m"
            " JOIN orgs o ON o.id = m.org_id"
            " JOIN org_closure c ON c.descendant = m.org_id"
            " JOIN memberships am ON am.org_id = c.ancestor AND am.user_id = ?"
            " WHERE m.user_id = ? ORDER BY m.org_id LIMIT 1",
            PT_ARGS(PT_ARG_INT(pt_req_identity(r)->impersonator_id),
                    PT_ARG_INT(pt_req_user_id(r))), &row) != 0)
        return "/users";
    t->org_id = json_integer_value(json_object_get(row, "org_id"));
    t->org_name = json_string_value(json_object_get(row, "name"));
    return users_list_url(r, t->org_id);
}

static int imp_stop_tx(struct pt_req *r, void *arg)
{
    struct users_target *t = arg;
    /* As the opened account with its impersonator: both ids on the event. */
    int rc = users_audit(r, t, USERS_CAT_SECURITY, "Impersonation Stop",
                         pt_printf(r, "closed the account of %s", t->email), NULL);

    return rc ? rc : pt_impersonation_stop(r);
}

int users_impersonation_stop(struct pt_req *r, json_t *view)
{
    const struct pt_identity *me = pt_req_identity(r);
    struct users_target t = { .user_id = me->user_id, .email = me->email };

    if (me->impersonator_id == 0)
        return users_refuse(r, NULL, USERS_CAT_SECURITY, "Impersonation Stop", 409,
                            "You are not working in another account.");
    const char *back = imp_return_url(r, &t);
    if (pt_db_tx(r, imp_stop_tx, &t) != 0)
        return users_refuse(r, &t, USERS_CAT_SECURITY, "Impersonation Stop", 500,
                            "The account could not be closed. Try again in a moment.");
    json_object_set_new(view, "outcome", json_string("stopped"));
    pt_flash(r, "success", "You are back in your own account.");
    return pt_redirect(r, back);
}
