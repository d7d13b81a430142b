/*
 * profile.c — GET /profile/activity: the signed-in user's own history.
 *
 * The events the user did (actor), the events done to their account by
 * someone else (subject: a password reset, "Impersonation Start" by whoever
 * opened it), and what they did while working in someone else's account
 * (impersonator).  Newest first, keyset pages of AUDIT_PAGE_SIZE.  Each row
 * says who acted: "You", "You, opened by <impersonator>", another person,
 * or "System".  No metadata is shown: it may describe other people's
 * accounts, which the organisation's log (audit.view) is for.
 *
 * Three index walks (audit_actor, audit_subject, audit_impersonator), each
 * stopping after one page, merged without duplicates.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

#define AUDIT_PROFILE_SQL \
    "SELECT e.id, DATE_FORMAT(e.created, '%Y-%m-%d %H:%i:%s') AS created," \
    " e.org_id, o.name AS org_name, e.actor_user_id, u.email AS actor_email," \
    " e.impersonator_id, iu.email AS impersonator_email," \
    " e.subject_user_id, su.email AS subject_email," \
    " e.category, e.action, e.status, e.resource_type, e.resource_name, e.description," \
    " e.ip, e.user_agent FROM (" \
    " (SELECT id FROM audit_events WHERE actor_user_id = ? AND id < ?" \
    "  ORDER BY id DESC LIMIT ?)" \
    " UNION (SELECT id FROM audit_events WHERE subject_user_id = ? AND id < ?" \
    "  ORDER BY id DESC LIMIT ?)" \
    " UNION (SELECT id FROM audit_events WHERE impersonator_id = ? AND id < ?" \
    "  ORDER BY id DESC LIMIT ?)" \
    ") k JOIN audit_events e ON e.id = k.id" \
    " LEFT JOIN orgs o ON o.id = e.org_id" \
    " LEFT JOIN users u ON u.id = e.actor_user_id" \
    " LEFT JOIN users iu ON iu.id = e.impersonator_id" \
    " LEFT JOIN users su ON su.id = e.subject_user_id" \
    " ORDER BY e.id DESC LIMIT ?"

/* "before" of the query string: 0 when absent, -1 when not an event number. */
static int64_t audit_profile_before(struct pt_req *r)
{
    const char *b = pt_trim(r, pt_req_query(r, "before"));

    if (b == NULL)
        return 0;
    if (strlen(b) > 18 || strspn(b, "0123456789") != strlen(b))
        return -1;
    return strtoll(b, NULL, 10) > 0 ? strtoll(b, NULL, 10) : -1;
}

/* Who acted, in words, as the row's "who"; flags for the template. */
static void audit_profile_who(struct pt_req *r, json_t *row, int64_t me)
{
    int64_t actor = json_integer_value(json_object_get(row, "actor_user_id"));
    int64_t imp = json_integer_value(json_object_get(row, "impersonator_id"));
    const char *actor_email = json_string_value(json_object_get(row, "actor_email"));
    const char *imp_email = json_string_value(json_object_get(row, "impersonator_email"));
    const char *who;

    if (imp == me)
        who = pt_printf(r, "You, working in the account of %s",
                        actor_email ? actor_email : "a user");
    else if (actor == me && imp > 0)
        who = pt_printf(r, "You, opened by %s", imp_email ? imp_email : "another user");
    else if (actor == me)
        who = "You";
    else if (actor > 0)
        who = actor_email ? actor_email : "Another user";
    else
        who = "System";
    json_object_set_new(row, "who", json_string(who));
    if (imp > 0)
        json_object_set_new(row, "impersonated", json_true());
    if (actor != me && imp != me)
        json_object_set_new(row, "by_other", json_true());
}

int audit_profile(struct pt_req *r, json_t *view)
{
    int64_t me = pt_req_user_id(r), before = audit_profile_before(r);
    int64_t below = before > 0 ? before : INT64_MAX;
    json_int_t lim = AUDIT_PAGE_SIZE + 1;
    json_t *rows, *row;
    size_t i;

    if (me <= 0)
        return pt_error(r, 401, "Sign in to continue.");
    if (before < 0)
        return audit_bad_request(r, view, "\"before\" must be an event number.");
    if (pt_db_query(r, AUDIT_PROFILE_SQL,
                    PT_ARGS(PT_ARG_INT(me), PT_ARG_INT(below), PT_ARG_INT(lim),
                            PT_ARG_INT(me), PT_ARG_INT(below), PT_ARG_INT(lim),
                            PT_ARG_INT(me), PT_ARG_INT(below), PT_ARG_INT(lim),
                            PT_ARG_INT(lim)), &rows) != 0)
        return pt_error(r, 500, "Your activity could not be read.");
    if (json_array_size(rows) > AUDIT_PAGE_SIZE) {
        json_array_remove(rows, AUDIT_PAGE_SIZE);
        json_int_t last = json_integer_value(json_object_get(
            json_array_get(rows, AUDIT_PAGE_SIZE - 1), "id"));
        json_object_set_new(view, "next_before", json_integer(last));
        json_object_set_new(view, "has_next", json_true());
        json_object_set_new(view, "next_url", json_string(pt_printf(r,
            "/profile/activity?before=%lld", (long long)last)));
    }
    json_array_foreach(rows, i, row)
        audit_profile_who(r, row, me);
    json_object_set(view, "events", rows);
    if (json_array_size(rows) == 0)
        json_object_set_new(view, "events_empty", json_true());
    if (before > 0)
        json_object_set_new(view, "has_first", json_true());
    return 200;
}
