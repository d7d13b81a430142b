/*
 * audit — the activity log of an organisation (issue 6): who did what, to
 * what, from where, and whether it worked.
 *
 *   GET /orgs/{org}/activity               summary counts, filters, keyword
 *                                          search, newest first, keyset pages
 *   GET /orgs/{org}/activity/{event}       one event in full
 *   GET /orgs/{org}/activity/export        the filtered view as CSV (export.c)
 *   GET /orgs/{org}/activity/stream        JSON lines for SIEM collectors
 *                                          (stream.c)
 *   GET|POST /orgs/{org}/activity/retention  how long events are kept
 *                                          (retention.c, and its daily job)
 *   GET /profile/activity                  the signed-in user's own events
 *                                          (profile.c)
 *   GET /activity                          the navigation's link: the log of
 *                                          the actor's own organisation
 *
 * Each has its /api/v1 twin (the same view as JSON).  Scope is the
 * organisation itself, or with subtree=1 its whole subtree, and the events
 * without an organisation that concern its members (audit.h); the core has
 * already checked that the actor holds the permission on the organisation
 * (a membership at an ancestor counts), so an event outside that scope is
 * simply not there (404).
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

int audit_bad_request(struct pt_req *r, json_t *view, const char *why)
{
    if (pt_req_is_api(r))
        return pt_error(r, 400, why);
    json_object_set_new(view, "error", json_string(why));
    json_object_set_new(view, "has_error", json_true());
    return 400;
}

/* The path's organisation into the view and f->root; 0 or the status sent. */
static int audit_org(struct pt_req *r, json_t *view, struct audit_filter *f)
{
    json_t *row;
    int rc = audit_scope(r, f, &row);

    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The activity log could not be read.");
    json_object_set(view, "org", row);
    return 0;
}

/* One page of events, newest first; next_before/next_url when there are more. */
static int audit_page(struct pt_req *r, json_t *view, const struct audit_filter *f,
                      const char *query)
{
    struct audit_window win = { AUDIT_NEWEST_FIRST, f->before, 0, AUDIT_PAGE_SIZE + 1 };
    json_t *rows, *row, *newest;
    size_t i, n;

    if (audit_newest(r, f, &newest) != 0)
        return PT_EDB;
    json_object_set(view, "summary", audit_summary(r, newest));
    /* The first page is the head of the newest ones; a later page has its
     * own window. */
    n = json_array_size(newest);
    if (f->before > 0 ? audit_select(r, f, AUDIT_COLUMNS, &win, &rows) != 0
                      : audit_by_ids(r, AUDIT_COLUMNS, newest,
                                     n > AUDIT_PAGE_SIZE ? AUDIT_PAGE_SIZE + 1 : n, &rows) != 0)
        return PT_EDB;
    if (json_array_size(rows) > AUDIT_PAGE_SIZE) {
        json_array_remove(rows, AUDIT_PAGE_SIZE);
        json_int_t last = json_integer_value(json_object_get(
            json_array_get(rows, AUDIT_PAGE_SIZE - 1), "id"));
        json_object_set_new(view, "next_before", json_integer(last));
        json_object_set_new(view, "has_next", json_true());
        json_object_set_new(view, "next_url", json_string(pt_printf(r,
            "/orgs/%lld/activity?%s%sbefore=%lld", (long long)f->org, query,
            *query ? "&" : "", (long long)last)));
    }
    json_array_foreach(rows, i, row) {
        json_object_set_new(row, "href", json_string(pt_printf(r, "/orgs/%lld/activity/%lld",
            (long long)f->org, (long long)json_integer_value(json_object_get(row, "id")))));
        if (json_is_string(json_object_get(row, "impersonator")))
            json_object_set_new(row, "impersonated", json_true());
    }
    json_object_set(view, "events", rows);
    if (json_array_size(rows) == 0)
        json_object_set_new(view, "events_empty", json_true());
    return 0;
}

/* The links the actor may follow from the page: export, retention settings. */
static void audit_links(struct pt_req *r, json_t *view, const struct audit_filter *f,
                        const char *query)
{
    int64_t days = audit_retention_days(r, f->org);

    if (days > 0) {
        json_object_set_new(view, "retention_days", json_integer(days));
        json_object_set_new(view, "has_retention", json_true());
    }
    if (pt_can(r, "audit.export", f->org)) {
        json_object_set_new(view, "can_export", json_true());
        json_object_set_new(view, "export_url", json_string(pt_printf(r,
            "/orgs/%lld/activity/export%s%s", (long long)f->org, *query ? "?" : "", query)));
    }
    if (pt_can(r, "audit.retention", f->org)) {
        json_object_set_new(view, "can_retention", json_true());
        json_object_set_new(view, "retention_url", json_string(pt_printf(r,
            "/orgs/%lld/activity/retention", (long long)f->org)));
    }
    if (f->before > 0) {
        json_object_set_new(view, "has_first", json_true());
        json_object_set_new(view, "first_url", json_string(pt_printf(r,
            "/orgs/%lld/activity%s%s", (long long)f->org, *query ? "?" : "", query)));
    }
}

static int audit_list(struct pt_req *r, json_t *view)
{
    struct audit_filter f;
    const char *why = audit_filter_parse(r, &f);
    const char *query;
    int rc;

    if ((rc = audit_org(r, view, &f)) != 0)
        return rc;
    json_object_set(view, "filter", audit_filter_json(r, &f));
    json_object_set_new(view, "page_url", json_string(pt_printf(r, "/orgs/%lld/activity",
                                                              (long long)f.org)));
    if (why != NULL)
        return audit_bad_request(r, view, why);
    if ((query = audit_filter_query(r, &f)) == NULL)
        return pt_error(r, 500, "Out of memory.");
    if (audit_page(r, view, &f, query) != 0)
        /* A keyword search stopped at its time limit is the usual cause. */
        return f.q_like ? pt_error(r, 503, "The search took too long: choose a date range or "
                                   "another filter to narrow it, then search again.")
                        : pt_error(r, 500, "The activity log could not be read.");
    json_object_set_new(view, "query", json_string(query));
    audit_links(r, view, &f, query);
    return 200;
}

/* GET /activity (the navigation's link): the activity log of the first
 * organisation, nearest the root, where the actor may read it. */
static int audit_home(struct pt_req *r, json_t *view)
{
    int64_t home = pt_req_home_org(r);
    json_t *rows, *row;
    size_t i;

    (void)view;
    if (home > 0 && pt_can(r, "audit.view", home))
        return pt_redirect(r, pt_printf(r, "/orgs/%lld/activity?subtree=1", (long long)home));
    if (pt_db_query(r, "SELECT m.org_id FROM memberships m JOIN orgs o ON o.id = m.org_id"
                    " WHERE m.user_id = ? ORDER BY o.parent_id IS NOT NULL, m.created, m.org_id",
                    PT_ARGS(PT_ARG_INT(pt_req_user_id(r))), &rows) != 0)
        return pt_error(r, 500, "The activity log could not be read.");
    json_array_foreach(rows, i, row) {
        json_int_t org = json_integer_value(json_object_get(row, "org_id"));
        if (pt_can(r, "audit.view", org))
            return pt_redirect(r, pt_printf(r, "/orgs/%lld/activity?subtree=1", (long long)org));
    }
    return pt_error(r, 404, "You cannot read the activity log of any organisation.");
}

/* ---- one event ------------------------------------------------------------------------ */

void audit_metadata_pretty(struct pt_req *r, json_t *ev)
{
    const char *text = json_string_value(json_object_get(ev, "metadata"));
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    char *pretty = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

    if (pretty) {
        json_object_set_new(ev, "metadata_pretty", json_string(pt_strdup(r, pretty)));
        json_object_set(ev, "metadata", doc);
    } else if (text) {
        json_object_set_new(ev, "metadata_pretty", json_string(text));
    }
    free(pretty);
    json_decref(doc);
}

static int audit_detail(struct pt_req *r, json_t *view)
{
    struct audit_filter f = { .org = pt_req_param_int(r, "org") };
    int64_t id = pt_req_param_int(r, "event");
    json_t *ev;
    int rc;

    if ((rc = audit_org(r, view, &f)) != 0)
        return rc;
    if ((rc = audit_in_scope(r, f.org, f.root, id)) == 0)
        return pt_error(r, 404, "There is no such event in this organisation's activity log.");
    if (rc < 0)
        return pt_error(r, 500, "The activity log could not be read.");
    rc = pt_db_query_one(r, "SELECT e.id, e.org_id, o.name AS org_name,"
        " DATE_FORMAT(e.created, '%Y-%m-%d %H:%i:%s.%f') AS created,"
        " e.actor_user_id, u.email AS user_email, u.full_name AS user_name,"
        " e.impersonator_id, iu.email AS impersonator_email,"
        " e.subject_user_id, su.email AS subject_email,"
        " e.category, e.action, e.status, e.resource_type, e.resource_id,"
        " e.resource_name, e.description, e.ip, e.user_agent, e.request_id, e.metadata"
        " FROM audit_events e"
        " LEFT JOIN orgs o ON o.id = e.org_id"
        " LEFT JOIN users u ON u.id = e.actor_user_id"
        " LEFT JOIN users iu ON iu.id = e.impersonator_id"
        " LEFT JOIN users su ON su.id = e.subject_user_id"
        " WHERE e.id = ?", PT_ARGS(PT_ARG_INT(id)), &ev);
    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such event in this organisation's activity log.");
    if (rc != 0)
        return pt_error(r, 500, "The activity log could not be read.");
    if (json_is_null(json_object_get(ev, "actor_user_id")))
        json_object_set_new(ev, "system", json_true());
    if (!json_is_null(json_object_get(ev, "impersonator_id")))
        json_object_set_new(ev, "impersonated", json_true());
    if (!json_is_null(json_object_get(ev, "subject_user_id")))
        json_object_set_new(ev, "has_subject", json_true());
    audit_metadata_pretty(r, ev);
    json_object_set(view, "event", ev);
    json_object_set_new(view, "back_url", json_string(pt_printf(r, "/orgs/%lld/activity",
                                                                (long long)f.org)));
    return 200;
}

/* ---- the descriptor ------------------------------------------------------------------- */

static const struct pt_route audit_routes[] = {
    { .methods = PT_GET, .pattern = "/activity", .permission = "audit.view",
      .handler = audit_home, .template = "audit/list.tpl", .title = "Activity log" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/activity",
      .permission = "audit.view", .org_param = "org", .handler = audit_list,
      .template = "audit/list.tpl", .title = "Activity log" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/activity/export",
      .permission = "audit.export", .org_param = "org", .handler = audit_export,
      .template = "audit/list.tpl", .title = "Activity log" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/activity/stream",
      .permission = "audit.export", .org_param = "org", .handler = audit_stream,
      .flags = PT_ROUTE_API_ONLY },
    { .methods = PT_GET | PT_POST, .pattern = "/orgs/{org:int}/activity/retention",
      .permission = "audit.retention", .org_param = "org", .handler = audit_retention_page,
      .template = "audit/retention.tpl", .title = "Activity log retention" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/activity/{event:int}",
      .permission = "audit.view", .org_param = "org", .handler = audit_detail,
      .template = "audit/event.tpl", .title = "Activity event" },
    { .methods = PT_GET, .pattern = "/profile/activity", .permission = PT_PERM_AUTHENTICATED,
      .handler = audit_profile, .template = "audit/profile.tpl", .title = "My activity" },
    { 0 }
};

static const struct pt_permission audit_permissions[] = {
    { .key = "audit.view", .category = AUDIT_CATEGORY,
      .label = "View the activity log", .roles = PT_ROLES_ADMINS },
    { .key = "audit.export", .category = AUDIT_CATEGORY,
      .label = "Export the activity log as CSV or a feed", .roles = PT_ROLES_ADMINS },
    { .key = "audit.retention", .category = AUDIT_CATEGORY,
      .label = "Choose how long the activity log is kept", .roles = PT_ROLES_ADMINS },
    { 0 }
};

static const struct pt_audit_type audit_audit_types[] = {
    { AUDIT_CATEGORY, "Export Logs" },
    { AUDIT_CATEGORY, "Update Retention" },
    { AUDIT_CATEGORY, "Apply Retention" },
    { 0 }
};

static const struct pt_job_kind audit_jobs[] = {
    { .kind = "audit.retention", .run = audit_retention_job, .max_attempts = 3 },
    { 0 }
};

static const struct pt_schedule audit_schedules[] = {
    { .kind = "audit.retention", .when = "daily 03:00" },
    { 0 }
};

static const struct pt_nav_item audit_nav[] = {
    { .label = "Activity", .href = "/activity", .permission = "audit.view", .order = 80 },
    { 0 }
};

const struct portal_module audit_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "audit",
    .routes = audit_routes,
    .permissions = audit_permissions,
    .audit_types = audit_audit_types,
    .jobs = audit_jobs,
    .schedules = audit_schedules,
    .nav = audit_nav,
};
