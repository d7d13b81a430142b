/*
 * retention.c — how long the activity log is kept, and the daily job that
 * deletes what is older.
 *
 *   GET|POST /orgs/{org}/activity/retention   (audit.retention)
 *
 * An organisation's administrators choose a number of days within the
 * platform's bounds ([audit] retention_min_days, default 30, and
 * retention_max_days, default 3650), or go back to what applies without a
 * choice.  An organisation's events are kept for the longest period chosen
 * by it or by any organisation above it — each of them reads those events,
 * so none may cut short what another must keep — and for
 * [audit] retention_default_days (365) when nobody chose.  Events without
 * an organisation follow the root organisation (the platform).  A value
 * outside the bounds is refused with a message and changes nothing; both
 * outcomes are logged ("Update Retention", before → after).
 *
 * The job (audit.retention, daily 03:00 UTC) walks the organisations in id
 * order and deletes each one's expired events oldest first, AUDIT_BATCH
 * rows per statement, each statement its own transaction, so locks stay
 * short and replication (Galera) sees small write sets.  The activity log
 * is append-only for the application's database account, so the deletes go
 * through pt_db_admin_exec (the job worker's administrative connection).  A
 * run stops after AUDIT_RUN_SECONDS and queues its own continuation, well
 * inside the job worker's stale-lock limit.  Each organisation whose events
 * were deleted gets an "Apply Retention" event saying how many.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define AUDIT_BATCH        1000
#define AUDIT_RUN_SECONDS  120

struct audit_bounds {
    int64_t min, max, def;
};

/* A whole number of days from the config, or dflt (logged when invalid). */
static int64_t audit_conf_days(struct pt_req *r, const char *key, int64_t dflt)
{
    const char *v = pt_config_get(r, "audit", key);
    char *end;
    long long n;

    if (v == NULL || *v == '\0')
        return dflt;
    n = strtoll(v, &end, 10);
    if (*end != '\0' || n < 1 || n > 36500) {
        pt_log_warn("%s: [audit] %s = '%s' is not a number of days (1..36500): using %lld",
                    __func__, key, v, (long long)dflt);
        return dflt;
    }
    return n;
}

static void audit_bounds(struct pt_req *r, struct audit_bounds *b)
{
    b->min = audit_conf_days(r, "retention_min_days", 30);
    b->max = audit_conf_days(r, "retention_max_days", 3650);
    if (b->max < b->min) {
        pt_log_warn("%s: [audit] retention_max_days is below retention_min_days: using the "
                    "minimum for both", __func__);
        b->max = b->min;
    }
    b->def = audit_conf_days(r, "retention_default_days", 365);
    b->def = b->def < b->min ? b->min : b->def > b->max ? b->max : b->def;
}

static int64_t audit_clamp(const struct audit_bounds *b, int64_t days)
{
    if (days <= 0)
        return b->def;
    return days < b->min ? b->min : days > b->max ? b->max : days;
}

/* The longest period chosen at org or above it (including itself unless
 * above_only), 0 when none. */
static int audit_chosen(struct pt_req *r, int64_t org, bool above_only, int64_t *days)
{
    json_t *row;
    int rc = pt_db_query_one(r,
        "SELECT CAST(COALESCE(MAX(ar.days), 0) AS SIGNED) AS days FROM org_closure c"
        " JOIN audit_retention ar ON ar.org_id = c.ancestor"
        " WHERE c.descendant = ? AND c.depth >= ?",
        PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(above_only ? 1 : 0)), &row);

    if (rc == 0)
        *days = json_integer_value(json_object_get(row, "days"));
    return rc;
}

int64_t audit_retention_days(struct pt_req *r, int64_t org)
{
    struct audit_bounds b;
    int64_t days = 0;

    audit_bounds(r, &b);
    return audit_chosen(r, org, false, &days) == 0 ? audit_clamp(&b, days) : 0;
}

/* ---- the page ------------------------------------------------------------------------ */

/* The view: bounds, this organisation's own choice, what applies. */
static int audit_retention_view(struct pt_req *r, json_t *view, int64_t org,
                                const struct audit_bounds *b)
{
    json_t *rows;
    int64_t above = 0;

    if (pt_db_query(r, "SELECT ar.days, DATE_FORMAT(ar.updated, '%Y-%m-%d %H:%i') AS updated,"
                    " u.email AS updated_by FROM audit_retention ar"
                    " LEFT JOIN users u ON u.id = ar.updated_by WHERE ar.org_id = ?",
                    PT_ARGS(PT_ARG_INT(org)), &rows) != 0 ||
        audit_chosen(r, org, true, &above) != 0)
        return PT_EDB;
    json_t *own = json_array_get(rows, 0);
    int64_t own_days = own ? json_integer_value(json_object_get(own, "days")) : 0;
    int64_t applies = audit_clamp(b, own_days > above ? own_days : above);

    json_object_set_new(view, "retention", json_pack("{s:I, s:I, s:I, s:I, s:b, s:b}",
        "min_days", (json_int_t)b->min, "max_days", (json_int_t)b->max,
        "default_days", (json_int_t)b->def, "days", (json_int_t)applies,
        "has_own", own != NULL, "has_above", above > 0));
    json_t *ret = json_object_get(view, "retention");
    if (own) {
        json_object_set(ret, "own_days", json_object_get(own, "days"));
        json_object_set(ret, "updated", json_object_get(own, "updated"));
        json_object_set(ret, "updated_by", json_object_get(own, "updated_by"));
    }
    if (above > 0)
        json_object_set_new(ret, "above_days", json_integer(audit_clamp(b, above)));
    json_object_set_new(view, "action", json_string(pt_printf(r,
        "/orgs/%lld/activity/retention", (long long)org)));
    json_object_set_new(view, "back_url", json_string(pt_printf(r,
        "/orgs/%lld/activity", (long long)org)));
    return 0;
}

struct audit_ret_tx {
    int64_t org;
    int64_t days;              /* 0: remove the organisation's own choice */
    json_t *meta;              /* filled: before → after */
};

static int audit_retention_tx(struct pt_req *r, void *arg)
{
    struct audit_ret_tx *t = arg;
    json_t *rows;
    int rc;

    rc = pt_db_query(r, "SELECT days FROM audit_retention WHERE org_id = ? FOR UPDATE",
                     PT_ARGS(PT_ARG_INT(t->org)), &rows);
    if (rc != 0)
        return rc;
    json_t *old = json_object_get(json_array_get(rows, 0), "days");
    if (t->days > 0)
        rc = pt_db_exec(r, "INSERT INTO audit_retention (org_id, days, updated, updated_by)"
                        " VALUES (?, ?, UTC_TIMESTAMP(), ?) ON DUPLICATE KEY UPDATE"
                        " days = VALUES(days), updated = VALUES(updated),"
                        " updated_by = VALUES(updated_by)",
                        PT_ARGS(PT_ARG_INT(t->org), PT_ARG_INT(t->days),
                                PT_ARG_INT(pt_req_user_id(r))), NULL, NULL);
    else
        rc = pt_db_exec(r, "DELETE FROM audit_retention WHERE org_id = ?",
                        PT_ARGS(PT_ARG_INT(t->org)), NULL, NULL);
    if (rc != 0)
        return rc;
    json_object_set_new(t->meta, "before", json_pack("{s:O?}", "days", old));
    json_object_set_new(t->meta, "after", json_pack("{s:o}", "days",
                        t->days > 0 ? json_integer(t->days) : json_null()));
    return pt_audit_log(r, &(struct pt_audit){
        .org_id = t->org, .category = AUDIT_CATEGORY, .action = "Update Retention",
        .status = "Success", .resource_type = "Activity Log",
        .resource_id = pt_printf(r, "%lld", (long long)t->org),
        .description = t->days > 0
            ? pt_printf(r, "Activity log kept for %lld days", (long long)t->days)
            : "Activity log retention back to the inherited period",
        .metadata = t->meta });
}

/* What the form asks for: *days > 0, or 0 to remove the choice; NULL or why not. */
static const char *audit_retention_input(struct pt_req *r, const struct audit_bounds *b,
                                         int64_t *days)
{
    const char *reset = pt_trim(r, pt_req_input(r, "reset"));
    const char *v = pt_trim(r, pt_req_input(r, "days"));
    char *end;
    long long n;

    *days = 0;
    if (reset && (strcmp(reset, "1") == 0 || strcmp(reset, "true") == 0))
        return NULL;
    n = v ? strtoll(v, &end, 10) : 0;
    if (v == NULL || strlen(v) > 6 || *end != '\0' || n < b->min || n > b->max)
        return pt_printf(r, "Choose a whole number of days from %lld to %lld.",
                         (long long)b->min, (long long)b->max);
    *days = n;
    return NULL;
}

static int audit_retention_refused(struct pt_req *r, json_t *view, int64_t org,
                                   const struct audit_bounds *b, const char *why)
{
    const char *asked = pt_req_input(r, "days");
    json_t *meta = json_pack("{s:s?, s:I, s:I, s:s}", "days", asked ? pt_strndup(r, asked, 20)
                             : NULL, "min_days", (json_int_t)b->min, "max_days",
                             (json_int_t)b->max, "reason", why);

    pt_audit_log_always(r, &(struct pt_audit){
        .org_id = org, .category = AUDIT_CATEGORY, .action = "Update Retention",
        .status = "Failed", .resource_type = "Activity Log",
        .resource_id = pt_printf(r, "%lld", (long long)org),
        .description = "Activity log retention not changed: value out of bounds",
        .metadata = meta });
    json_decref(meta);
    return audit_bad_request(r, view, why);
}

/* A POST that could not be carried out: logged as Failed, whatever the cause. */
static int audit_retention_failed(struct pt_req *r, int64_t org, int status, const char *why)
{
    pt_audit_log_always(r, &(struct pt_audit){ .org_id = org, .category = AUDIT_CATEGORY,
        .action = "Update Retention", .status = "Failed", .resource_type = "Activity Log",
        .resource_id = pt_printf(r, "%lld", (long long)org), .description = why });
    return pt_error(r, status, why);
}

int audit_retention_page(struct pt_req *r, json_t *view)
{
    struct audit_filter f = { .org = pt_req_param_int(r, "org") };
    bool post = strcmp(pt_req_method(r), "POST") == 0;
    struct audit_bounds b;
    json_t *org;
    int64_t days;
    const char *why;
    int rc;

    audit_bounds(r, &b);
    if ((rc = audit_scope(r, &f, &org)) != 0) {
        if (rc == PT_ENOTFOUND)
            return post ? audit_retention_failed(r, f.org, 404, "There is no such organisation.")
                        : pt_error(r, 404, "There is no such organisation.");
        return post ? audit_retention_failed(r, f.org, 500, "The retention could not be read.")
                    : pt_error(r, 500, "The retention could not be read.");
    }
    json_object_set(view, "org", org);
    if (audit_retention_view(r, view, f.org, &b) != 0)
        return post ? audit_retention_failed(r, f.org, 500, "The retention could not be read.")
                    : pt_error(r, 500, "The retention could not be read.");
    if (!post)
        return 200;
    if ((why = audit_retention_input(r, &b, &days)) != NULL)
        return audit_retention_refused(r, view, f.org, &b, why);
    struct audit_ret_tx t = { .org = f.org, .days = days, .meta = pt_keep(r, json_object()) };
    if (t.meta == NULL || pt_db_tx(r, audit_retention_tx, &t) != 0)
        return audit_retention_failed(r, f.org, 500, "The retention could not be saved.");
    if (pt_req_is_api(r)) {
        audit_retention_view(r, view, f.org, &b);
        return 200;
    }
    pt_flash(r, "success", days > 0
             ? pt_printf(r, "This organisation's activity log is now kept for %lld days.",
                         (long long)days)
             : "This organisation's activity log now follows the inherited period.");
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/activity/retention", (long long)f.org));
}

/* ---- the daily job ---------------------------------------------------------------------- */

struct audit_sweep {
    time_t  deadline;
    int64_t deleted;
    int64_t batches;
    bool    out_of_time;
};

/* Deletes org's events older than days (org 0: those without organisation),
 * AUDIT_BATCH at a time; logs how many went. */
static int audit_sweep_org(struct pt_req *ctx, struct audit_sweep *s, int64_t org, int64_t days)
{
    uint64_t n;
    int64_t deleted = 0, batches = 0;
    int rc = 0;

    do {
        if (time(NULL) >= s->deadline) {
            s->out_of_time = true;
            break;
        }
        rc = org > 0
            ? pt_db_admin_exec(ctx, "DELETE FROM audit_events WHERE org_id = ?"
                               " AND created < NOW(3) - INTERVAL ? DAY"
                               " ORDER BY created, id LIMIT 1000",
                               PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(days)), &n)
            : pt_db_admin_exec(ctx, "DELETE FROM audit_events WHERE org_id IS NULL"
                               " AND created < NOW(3) - INTERVAL ? DAY"
                               " ORDER BY created, id LIMIT 1000",
                               PT_ARGS(PT_ARG_INT(days)), &n);
        if (rc == 0 && n > 0) {
            deleted += (int64_t)n;
            batches++;
        }
    } while (rc == 0 && n == AUDIT_BATCH);
    s->deleted += deleted;
    s->batches += batches;
    if (deleted > 0) {
        json_t *meta = json_pack("{s:I, s:I, s:I, s:b}", "days", (json_int_t)days, "deleted",
                                 (json_int_t)deleted, "batches", (json_int_t)batches,
                                 "complete", rc == 0 && !s->out_of_time);
        pt_audit_log(ctx, &(struct pt_audit){
            .org_id = org, .category = AUDIT_CATEGORY, .action = "Apply Retention",
            .status = rc == 0 ? "Success" : "Failed", .resource_type = "Activity Log",
            .resource_id = org > 0 ? pt_printf(ctx, "%lld", (long long)org) : NULL,
            .description = pt_printf(ctx, "Deleted %lld activity log events older than "
                                     "%lld days", (long long)deleted, (long long)days),
            .metadata = meta });
        json_decref(meta);
    }
    return rc;
}

/* Every organisation above `from` with the days its events are kept
 * (0: nobody chose), in id order. */
static int audit_sweep_list(struct pt_req *ctx, int64_t from, json_t **rows)
{
    return pt_db_query(ctx,
        "SELECT o.id, o.parent_id IS NULL AS root,"
        " (SELECT CAST(COALESCE(MAX(ar.days), 0) AS SIGNED) FROM org_closure c"
        "   JOIN audit_retention ar ON ar.org_id = c.ancestor WHERE c.descendant = o.id) AS days"
        " FROM orgs o WHERE o.id > ? ORDER BY o.id", PT_ARGS(PT_ARG_INT(from)), rows);
}

int audit_retention_job(struct pt_req *ctx, json_t *payload)
{
    struct audit_sweep s = { .deadline = time(NULL) + AUDIT_RUN_SECONDS };
    struct audit_bounds b;
    json_int_t from = json_integer_value(json_object_get(payload, "after_org"));
    json_t *rows, *row;
    int64_t last = from;
    size_t i;
    int rc;

    audit_bounds(ctx, &b);
    if ((rc = audit_sweep_list(ctx, from, &rows)) != 0)
        return rc;
    json_array_foreach(rows, i, row) {
        int64_t org = json_integer_value(json_object_get(row, "id"));
        int64_t days = audit_clamp(&b, json_integer_value(json_object_get(row, "days")));
        /* The events without organisation go with the root's period. */
        if (json_integer_value(json_object_get(row, "root")) && from == 0 &&
            (rc = audit_sweep_org(ctx, &s, 0, days)) != 0)
            return rc;
        if (!s.out_of_time && (rc = audit_sweep_org(ctx, &s, org, days)) != 0)
            return rc;
        if (s.out_of_time)
            break;
        last = org;
    }
    pt_log_info("%s: %lld events deleted in %lld batches%s", __func__, (long long)s.deleted,
                (long long)s.batches, s.out_of_time ? "; continuing in a new run" : "");
    if (s.out_of_time) {
        json_t *next = json_pack("{s:I}", "after_org", (json_int_t)last);
        rc = pt_job_enqueue(ctx, "audit.retention", next, 0);
        json_decref(next);
    }
    return rc;
}
