/*
 * stream.c — GET /api/v1/orgs/{org}/activity/stream?after=<id>&limit=<n>
 * (and the page's filters, subtree=1 included): the activity log as JSON
 * lines (application/x-ndjson) for SIEM collectors.  Events with an id
 * above `after`, oldest first, at most `limit` (default 1000, at most
 * 100,000), scoped like the page.  Each line is one event with a "cursor"
 * member: the `after` to ask for next.  Rows are read AUDIT_STREAM_CHUNK at
 * a time and written out as they come, so nothing is buffered.
 *
 * Resuming never skips an event.  An id is taken when the event is
 * written, but its transaction may commit a moment later than a higher id
 * of another request, so the feed stops short of the events of the last
 * [audit] stream_lag_seconds (default 5): everything below the lowest id
 * written since then has committed (transactions here last milliseconds;
 * one held open longer than the lag could still be passed over).
 *
 * Reading the feed is not itself logged: a collector polling every few
 * seconds would fill the log with its own reads (and read them back).
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

#define AUDIT_STREAM_CHUNK   500
#define AUDIT_STREAM_DEFAULT 1000
#define AUDIT_STREAM_MAX     100000
#define AUDIT_STREAM_LAG     5

#define AUDIT_STREAM_COLUMNS \
    "e.id, CONCAT(DATE_FORMAT(e.created, '%Y-%m-%dT%H:%i:%s.'), " \
    " LPAD(FLOOR(MICROSECOND(e.created) / 1000), 3, '0'), 'Z') AS created," \
    " e.org_id, o.name AS org_name, e.actor_user_id, u.email AS actor_email," \
    " e.impersonator_id, iu.email AS impersonator_email," \
    " e.subject_user_id, su.email AS subject_email, e.category, e.action, e.status," \
    " e.resource_type, e.resource_id, e.resource_name, e.description, e.ip," \
    " e.user_agent, e.request_id, e.metadata"

/* A non-negative decimal of at most 18 digits, or -1. */
static int64_t audit_number(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
        return -1;
    return strtoll(s, NULL, 10);
}

static int64_t audit_stream_lag(struct pt_req *r)
{
    const char *v = pt_config_get(r, "audit", "stream_lag_seconds");
    int64_t n = audit_number(v);

    if (v != NULL && (n < 0 || n > 3600)) {
        pt_log_warn("%s: [audit] stream_lag_seconds = '%s' is not 0..3600: using %d",
                    __func__, v, AUDIT_STREAM_LAG);
        n = -1;
    }
    return n < 0 ? AUDIT_STREAM_LAG : n;
}

/* The highest id the feed may hand out now (see the top of the file). */
static int audit_stream_upto(struct pt_req *r, int64_t *upto)
{
    json_t *row;
    int rc = pt_db_query_one(r,
        "SELECT CAST(COALESCE((SELECT MIN(id) - 1 FROM audit_events"
        "  WHERE created > NOW(3) - INTERVAL ? SECOND),"
        " (SELECT MAX(id) FROM audit_events), 0) AS SIGNED) AS upto",
        PT_ARGS(PT_ARG_INT(audit_stream_lag(r))), &row);

    if (rc == 0)
        *upto = json_integer_value(json_object_get(row, "upto"));
    return rc;
}

/* One event as one line: metadata as JSON, the cursor to resume from. */
static int audit_stream_line(struct pt_req *r, json_t *row)
{
    const char *meta = json_string_value(json_object_get(row, "metadata"));
    json_t *doc = meta ? json_loads(meta, 0, NULL) : NULL;
    char *line;
    int rc;

    if (doc)
        json_object_set_new(row, "metadata", doc);
    json_object_set(row, "cursor", json_object_get(row, "id"));
    if ((line = json_dumps(row, JSON_COMPACT)) == NULL)
        return PT_ENOMEM;
    rc = pt_stream_write(r, line, strlen(line));
    if (rc == 0)
        rc = pt_stream_write(r, "\n", 1);
    free(line);
    return rc;
}

static int audit_stream_body(struct pt_req *r, const struct audit_filter *f, int64_t after,
                             int64_t limit, int64_t upto)
{
    struct audit_window win = { AUDIT_OLDEST_FIRST, upto + 1, after, AUDIT_STREAM_CHUNK };
    int64_t sent = 0;
    json_t *rows, *row;
    size_t i, n;
    int rc = 0;

    if (upto <= after)
        return 0;
    do {
        win.limit = limit - sent < AUDIT_STREAM_CHUNK ? limit - sent : AUDIT_STREAM_CHUNK;
        if (audit_select(r, f, AUDIT_STREAM_COLUMNS, &win, &rows) != 0)
            return PT_EDB;
        n = json_array_size(rows);
        json_array_foreach(rows, i, row)
            if (rc == 0)
                rc = audit_stream_line(r, row);
        if (n > 0)
            win.above = json_integer_value(json_object_get(json_array_get(rows, n - 1), "id"));
        sent += (int64_t)n;
        json_array_clear(rows);        /* one chunk in memory at a time */
    } while (rc == 0 && n == (size_t)win.limit && sent < limit);
    return rc;
}

int audit_stream(struct pt_req *r, json_t *view)
{
    struct audit_filter f;
    const char *why = audit_filter_parse(r, &f);
    const char *a = pt_trim(r, pt_req_query(r, "after"));
    const char *l = pt_trim(r, pt_req_query(r, "limit"));
    int64_t after = a ? audit_number(a) : 0, limit = l ? audit_number(l) : AUDIT_STREAM_DEFAULT;
    int64_t upto = 0;
    int rc;

    (void)view;
    if (why != NULL)
        return pt_error(r, 400, why);
    if (after < 0)
        return pt_error(r, 400, "\"after\" must be an event number (0 for the beginning).");
    if (limit < 1 || limit > AUDIT_STREAM_MAX)
        return pt_error(r, 400, "\"limit\" must be a number from 1 to 100000.");
    if ((rc = audit_scope(r, &f, NULL)) != 0)
        return rc == PT_ENOTFOUND ? pt_error(r, 404, "There is no such organisation.")
                                  : pt_error(r, 500, "The activity log could not be read.");
    if (audit_stream_upto(r, &upto) != 0)
        return pt_error(r, 500, "The activity log could not be read.");
    if (pt_stream_begin(r, 200, "application/x-ndjson", NULL) != 0)
        return pt_error(r, 500, "The feed could not start.");
    if ((rc = audit_stream_body(r, &f, after, limit, upto)) != 0)
        pt_log_warn("%s: org %lld: the feed stopped early (%d)", __func__, (long long)f.org, rc);
    return PT_STREAMED;
}
