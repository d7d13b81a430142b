/*
 * export.c — GET /orgs/{org}/activity/export: the filtered activity log as
 * CSV (RFC 4180: a header row, CRLF, every field quoted with its quotes
 * doubled, UTF-8).  Rows come in keyset chunks of AUDIT_EXPORT_CHUNK (for a
 * big subtree: within windows of ids, see audit_csv_body) and go out as
 * they come, each chunk released before the next is read, so a
 * million-row export holds one chunk at a time.  A cell a spreadsheet would
 * take for a formula (= + - @ tab CR first) gets a leading apostrophe.
 * The export is itself an event ("Activity Logs" / "Export Logs"), written
 * when it ends with the number of rows sent.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

#define AUDIT_EXPORT_CHUNK 5000
#define AUDIT_EXPORT_WINDOW      65536          /* ids, doubled while sparse */
#define AUDIT_EXPORT_WINDOW_MAX  (1 << 24)
#define AUDIT_BUF_FLUSH    (64 * 1024)

/*
 * One CSV cell computed by MariaDB: NULL as "", a first character a
 * spreadsheet takes for a formula (= + - @ tab CR, compared as bytes)
 * behind an apostrophe, quotes doubled, the whole quoted.  The rows of an
 * export come as one string each: building fourteen JSON values a row in
 * the worker cost more than the query (malloc was half its time).
 */
#define CSV_CELL(x) \
    "CONCAT('\"', REPLACE(IF(ASCII(COALESCE(" x ", '')) IN (61, 43, 45, 64, 9, 13)," \
    " CONCAT('''', " x "), COALESCE(" x ", '')), '\"', '\"\"'), '\"')"

/* The columns of audit_csv_columns, in order, as one line (and the id). */
#define AUDIT_CSV_LINE \
    "e.id, CONCAT_WS(','," \
    CSV_CELL("CAST(e.id AS CHAR)") "," \
    CSV_CELL("DATE_FORMAT(e.created, '%Y-%m-%d %H:%i:%s')") "," \
    CSV_CELL("CAST(e.org_id AS CHAR)") "," CSV_CELL("o.name") "," \
    CSV_CELL("COALESCE(u.email, 'System')") "," CSV_CELL("iu.email") "," \
    CSV_CELL("e.category") "," CSV_CELL("e.action") "," CSV_CELL("CAST(e.status AS CHAR)") "," \
    CSV_CELL("e.resource_type") "," CSV_CELL("e.resource_id") "," \
    CSV_CELL("e.resource_name") "," CSV_CELL("e.description") "," CSV_CELL("e.ip") \
    ") AS line"

static const char *const audit_csv_columns[] = {
    "id", "created", "org_id", "org_name", "user", "impersonator", "category", "action", "status",
    "resource_type", "resource_id", "resource_name", "description", "ip", NULL
};

/* A malloc'd output buffer, flushed to the client past AUDIT_BUF_FLUSH. */
struct audit_buf {
    char  *data;
    size_t len, cap;
    int    rc;
};

static void audit_buf_put(struct audit_buf *b, const char *s, size_t n)
{
    if (b->rc != 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2;
        char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->rc = PT_ENOMEM;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static void audit_buf_flush(struct pt_req *r, struct audit_buf *b)
{
    if (b->rc == 0 && b->len > 0)
        b->rc = pt_stream_write(r, b->data, b->len);
    b->len = 0;
}

/* One quoted field: neutralised against formulas, quotes doubled. */
static void audit_csv_cell(struct audit_buf *b, const char *v)
{
    audit_buf_put(b, "\"", 1);
    if (v && (*v == '=' || *v == '+' || *v == '-' || *v == '@' || *v == '\t' || *v == '\r'))
        audit_buf_put(b, "'", 1);
    for (const char *p = v ? v : ""; *p;) {
        size_t n = strcspn(p, "\"");
        audit_buf_put(b, p, n);
        p += n;
        if (*p == '"') {
            audit_buf_put(b, "\"\"", 2);
            p++;
        }
    }
    audit_buf_put(b, "\"", 1);
}

/* The row as MariaDB wrote it (AUDIT_CSV_LINE) and the line's end. */
static void audit_csv_row(struct audit_buf *b, json_t *row)
{
    json_t *line = json_object_get(row, "line");

    audit_buf_put(b, json_string_value(line), json_string_length(line));
    audit_buf_put(b, "\r\n", 2);
}

static void audit_csv_header(struct audit_buf *b)
{
    for (size_t i = 0; audit_csv_columns[i]; i++) {
        if (i > 0)
            audit_buf_put(b, ",", 1);
        audit_csv_cell(b, audit_csv_columns[i]);
    }
    audit_buf_put(b, "\r\n", 2);
}

/* One chunk of the window into the buffer; the number of rows in *n and
 * the last id in *last. */
static int audit_csv_chunk(struct pt_req *r, const struct audit_filter *f,
                           const struct audit_window *win, struct audit_buf *b, size_t *n,
                           int64_t *last)
{
    json_t *rows, *row;
    size_t i;

    if (audit_select(r, f, AUDIT_CSV_LINE, win, &rows) != 0)
        return PT_EDB;
    *n = json_array_size(rows);
    json_array_foreach(rows, i, row)
        audit_csv_row(b, row);
    if (*n > 0)
        *last = json_integer_value(json_object_get(json_array_get(rows, *n - 1), "id"));
    json_array_clear(rows);            /* the request keeps the empty array only */
    if (b->len >= AUDIT_BUF_FLUSH)
        audit_buf_flush(r, b);
    return b->rc;
}

/* The id of the oldest (or newest) event matching f below `below` (0: no
 * bound); 0 when none matches. */
static int audit_id_edge(struct pt_req *r, const struct audit_filter *f, enum audit_order o,
                         int64_t below, int64_t *id)
{
    struct audit_window win = { o, below, 0, 1 };
    json_t *rows;
    int rc = audit_select(r, f, "e.id", &win, &rows);

    if (rc == 0)
        *id = json_integer_value(json_object_get(json_array_get(rows, 0), "id"));
    return rc;
}

/*
 * Streams every matching row, newest first; the count in *sent.  A big
 * subtree is read in windows of ids, each organisation's index range
 * within the window (exactly the matching entries, however sparse the
 * subtree is among all events), the window doubling while it yields less
 * than a chunk.  Otherwise plain keyset chunks.
 */
static int audit_csv_body(struct pt_req *r, struct audit_filter *f, struct audit_buf *b,
                          long long *sent)
{
    struct audit_window win = { AUDIT_NEWEST_FIRST, f->before, 0, AUDIT_EXPORT_CHUNK };
    bool windows = f->subtree && f->n_orgs > AUDIT_FEW_ORGS;
    int64_t floor = 0, top = 0, width = AUDIT_EXPORT_WINDOW, last = 0, hi, lo;
    size_t n, got;
    int rc;

    audit_csv_header(b);
    /* The windows span the matching ids only: the oldest and the newest
     * match, each found by one read of the indexes. */
    f->by_org = windows ? AUDIT_BY_ORG_EDGE : AUDIT_BY_ORG_NO;
    if (windows && ((rc = audit_id_edge(r, f, AUDIT_OLDEST_FIRST, f->before, &floor)) != 0 ||
                    (rc = audit_id_edge(r, f, AUDIT_NEWEST_FIRST, f->before, &top)) != 0))
        return rc;
    f->by_org = windows ? AUDIT_BY_ORG_WINDOW : AUDIT_BY_ORG_NO;
    if (windows && top == 0) {
        audit_buf_flush(r, b);
        return b->rc;
    }
    hi = windows ? top + 1 : f->before;
    do {
        lo = windows && hi - width > floor ? hi - width : floor;
        win.below = hi;                       /* e.id < hi */
        win.above = windows ? lo - 1 : 0;     /* e.id >= lo */
        got = 0;
        do {
            if ((rc = audit_csv_chunk(r, f, &win, b, &n, &last)) != 0)
                return rc;
            *sent += (long long)n;
            got += n;
            win.below = last;
        } while (n == AUDIT_EXPORT_CHUNK);
        /* The next window below, wider while they yield less than a chunk. */
        if (got < AUDIT_EXPORT_CHUNK && width < AUDIT_EXPORT_WINDOW_MAX)
            width *= 2;
        hi = lo;
    } while (windows && lo > floor);
    audit_buf_flush(r, b);
    return b->rc;
}

static void audit_export_logged(struct pt_req *r, const struct audit_filter *f,
                                const char *query, long long sent, int rc)
{
    json_t *meta = json_pack("{s:s, s:I, s:b}", "filter", query, "rows", (json_int_t)sent,
                             "complete", rc == 0);
    struct pt_audit e = {
        .org_id = f->org, .category = AUDIT_CATEGORY, .action = "Export Logs",
        .status = rc == 0 ? "Success" : "Failed", .resource_type = "Activity Log",
        .resource_id = pt_printf(r, "%lld", (long long)f->org),
        .description = pt_printf(r, "Exported %lld activity log events as CSV", sent),
        .metadata = meta,
    };

    if (rc == 0)
        pt_audit_log(r, &e);
    else
        pt_audit_log_always(r, &e);
    json_decref(meta);
}

int audit_export(struct pt_req *r, json_t *view)
{
    struct audit_filter f;
    const char *why = audit_filter_parse(r, &f), *query;
    struct audit_buf b = { 0 };
    long long sent = 0;
    int rc;

    (void)view;
    if (why != NULL)
        return pt_error(r, 400, why);
    if ((rc = audit_scope(r, &f, NULL)) != 0)
        return rc == PT_ENOTFOUND ? pt_error(r, 404, "There is no such organisation.")
                                  : pt_error(r, 500, "The activity log could not be read.");
    if ((query = audit_filter_query(r, &f)) == NULL)
        return pt_error(r, 500, "Out of memory.");
    if (pt_stream_begin(r, 200, "text/csv; charset=utf-8",
                        pt_printf(r, "activity-%lld.csv", (long long)f.org)) != 0)
        return pt_error(r, 500, "The export could not start.");
    rc = audit_csv_body(r, &f, &b, &sent);
    free(b.data);
    if (rc != 0)
        pt_log_warn("%s: org %lld: export stopped after %lld rows (%d)", __func__,
                    (long long)f.org, sent, rc);
    audit_export_logged(r, &f, query, sent, rc);
    return PT_STREAMED;
}
