/*
 * audit — the activity log of an organisation (issue 6): who did what, to
 * what, from where, and whether it worked.
 *
 *   GET /orgs/{org}/activity               summary counts, filters, keyword
 *                                          search, newest first, keyset pages
 *   GET /orgs/{org}/activity/{event}       one event in full
 *   GET /orgs/{org}/activity/export        the filtered view as CSV (export.c)
 *
 * Each has its /api/v1 twin (the same view as JSON).  Scope is the
 * organisation itself, or with subtree=1 its whole subtree; the core has
 * already checked that the actor holds the permission on the organisation
 * (a membership at an ancestor counts), so an event outside that scope is
 * simply not there (404).  Events written pt_audit_log stores with no
 * organisation are not shown here yet.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

/* 400 with the message: the form again on a page, problem+json on the API. */
static int audit_bad_request(struct pt_req *r, json_t *view, const char *why)
{
    if (pt_req_is_api(r))
        return pt_error(r, 400, why);
    json_object_set_new(view, "error", json_string(why));
    json_object_set_new(view, "has_error", json_true());
    return 400;
}

static int audit_org(struct pt_req *r, json_t *view, int64_t org)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id, name FROM orgs WHERE id = ?",
                             PT_ARGS(PT_ARG_INT(org)), &row);

    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such organisation.");
    if (rc != 0)
        return pt_error(r, 500, "The activity log could not be read.");
    json_object_set(view, "org", row);
    return 0;
}

static int audit_summary(struct pt_req *r, json_t *view, const struct audit_filter *f)
{
    struct pt_db_arg args[AUDIT_ARGS_MAX];
    size_t n = audit_filter_args(f, args);
    json_t *row;

    args[n] = (struct pt_db_arg){ .type = PT_DB_END };
    if (pt_db_query_one(r, "SELECT COUNT(*) AS total,"
            " CAST(COALESCE(SUM(e.status = 'Success'), 0) AS SIGNED) AS success,"
            " CAST(COALESCE(SUM(e.status = 'Failed'), 0) AS SIGNED) AS failed,"
            " CAST(COALESCE(SUM(e.status = 'Pending'), 0) AS SIGNED) AS pending"
            AUDIT_FROM_WHERE, args, &row) != 0)
        return PT_EDB;
    json_object_set(view, "summary", row);
    return 0;
}

/* One page of events, newest first; next_before/next_url when there are more. */
static int audit_page(struct pt_req *r, json_t *view, const struct audit_filter *f,
                      const char *query)
{
    struct pt_db_arg args[AUDIT_ARGS_MAX];
    json_t *rows, *row;
    size_t i;

    audit_page_args(f, f->before, AUDIT_PAGE_SIZE + 1, args);
    if (pt_db_query(r, AUDIT_PAGE_SQL, args, &rows) != 0)
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
    json_array_foreach(rows, i, row)
        json_object_set_new(row, "href", json_string(pt_printf(r, "/orgs/%lld/activity/%lld",
            (long long)f->org, (long long)json_integer_value(json_object_get(row, "id")))));
    json_object_set(view, "events", rows);
    return 0;
}

static int audit_list(struct pt_req *r, json_t *view)
{
    struct audit_filter f;
    const char *why = audit_filter_parse(r, &f);
    const char *query;
    int rc;

    if ((rc = audit_org(r, view, pt_req_param_int(r, "org"))) != 0)
        return rc;
    json_object_set(view, "filter", audit_filter_json(r, &f));
    json_object_set_new(view, "page_url", json_string(pt_printf(r, "/orgs/%lld/activity",
                                                              (long long)f.org)));
    if (why != NULL)
        return audit_bad_request(r, view, why);
    if ((query = audit_filter_query(r, &f)) == NULL)
        return pt_error(r, 500, "Out of memory.");
    if (audit_summary(r, view, &f) != 0 || audit_page(r, view, &f, query) != 0)
        return pt_error(r, 500, "The activity log could not be read.");
    json_object_set_new(view, "query", json_string(query));
    if (pt_can(r, "audit.export", f.org)) {
        json_object_set_new(view, "can_export", json_true());
        json_object_set_new(view, "export_url", json_string(pt_printf(r,
            "/orgs/%lld/activity/export%s%s", (long long)f.org, *query ? "?" : "", query)));
    }
    if (f.before > 0) {
        json_object_set_new(view, "has_first", json_true());
        json_object_set_new(view, "first_url", json_string(pt_printf(r,
            "/orgs/%lld/activity%s%s", (long long)f.org, *query ? "?" : "", query)));
    }
    return 200;
}

/* ---- one event ------------------------------------------------------------------------ */

/* The stored metadata (JSON text) pretty-printed, or NULL. */
static void audit_metadata_pretty(struct pt_req *r, json_t *ev)
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
    int64_t org = pt_req_param_int(r, "org"), id = pt_req_param_int(r, "event");
    json_t *ev;
    int rc;

    if ((rc = audit_org(r, view, org)) != 0)
        return rc;
    rc = pt_db_query_one(r, "SELECT e.id, e.org_id, o.name AS org_name,"
        " DATE_FORMAT(e.created, '%Y-%m-%d %H:%i:%s.%f') AS created,"
        " e.actor_user_id, u.email AS user_email, u.full_name AS user_name,"
        " e.impersonator_id, iu.email AS impersonator_email,"
        " e.subject_user_id, su.email AS subject_email,"
        " e.category, e.action, e.status, e.resource_type, e.resource_id,"
        " e.resource_name, e.description, e.ip, e.user_agent, e.request_id, e.metadata"
        " FROM audit_events e"
        " JOIN org_closure c ON c.descendant = e.org_id AND c.ancestor = ?"
        " LEFT JOIN orgs o ON o.id = e.org_id"
        " LEFT JOIN users u ON u.id = e.actor_user_id"
        " LEFT JOIN users iu ON iu.id = e.impersonator_id"
        " LEFT JOIN users su ON su.id = e.subject_user_id"
        " WHERE e.id = ?", PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(id)), &ev);
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
                                                                (long long)org)));
    return 200;
}

/* ---- the descriptor ------------------------------------------------------------------- */

static const struct pt_route audit_routes[] = {
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/activity",
      .permission = "audit.view", .org_param = "org", .handler = audit_list,
      .template = "audit/list.tpl", .title = "Activity log" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/activity/export",
      .permission = "audit.export", .org_param = "org", .handler = audit_export,
      .template = "audit/list.tpl", .title = "Activity log" },
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/activity/{event:int}",
      .permission = "audit.view", .org_param = "org", .handler = audit_detail,
      .template = "audit/event.tpl", .title = "Activity event" },
    { 0 }
};

static const struct pt_permission audit_permissions[] = {
    { .key = "audit.view", .category = "Activity Logs",
      .label = "View the activity log" },
    { .key = "audit.export", .category = "Activity Logs",
      .label = "Export the activity log as CSV" },
    { 0 }
};

static const struct pt_audit_type audit_audit_types[] = {
    { "Activity Logs", "Export Logs" },
    { 0 }
};

const struct portal_module audit_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "audit",
    .routes = audit_routes,
    .permissions = audit_permissions,
    .audit_types = audit_audit_types,
};
