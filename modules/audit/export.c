/*
 * export.c — GET /orgs/{org}/activity/export: the filtered activity log as
 * CSV (RFC 4180: a header row, CRLF, every field quoted with its quotes
 * doubled, UTF-8).  Rows come in keyset chunks of AUDIT_EXPORT_CHUNK and go
 * out as they come, each chunk released before the next is read, so a
 * million-row export holds one chunk at a time.  A cell a spreadsheet would
 * take for a formula (= + - @ tab CR first) gets a leading apostrophe.
 * The export is itself an event ("Activity Logs" / "Export Logs"), written
 * when it ends with the number of rows sent.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

#define AUDIT_EXPORT_CHUNK 1000
#define AUDIT_BUF_FLUSH    (64 * 1024)

static const char *const audit_csv_columns[] = {
    "id", "created", "org_id", "org_name", "user", "category", "action", "status",
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

static void audit_csv_row(struct audit_buf *b, json_t *row)
{
    char num[32];

    for (size_t i = 0; audit_csv_columns[i]; i++) {
        json_t *v = json_object_get(row, audit_csv_columns[i]);
        const char *s = json_string_value(v);
        if (json_is_integer(v)) {
            snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
            s = num;
        }
        if (i > 0)
            audit_buf_put(b, ",", 1);
        audit_csv_cell(b, s);
    }
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

/* Streams every matching row, newest first; the count in *sent. */
static int audit_csv_body(struct pt_req *r, const struct audit_filter *f, struct audit_buf *b,
                          long long *sent)
{
    struct pt_db_arg args[AUDIT_ARGS_MAX];
    int64_t before = f->before;
    json_t *rows, *row;
    size_t i, n;

    audit_csv_header(b);
    do {
        audit_page_args(f, before, AUDIT_EXPORT_CHUNK, args);
        if (pt_db_query(r, AUDIT_PAGE_SQL, args, &rows) != 0)
            return PT_EDB;
        n = json_array_size(rows);
        json_array_foreach(rows, i, row)
            audit_csv_row(b, row);
        if (n > 0)
            before = json_integer_value(json_object_get(json_array_get(rows, n - 1), "id"));
        *sent += (long long)n;
        json_array_clear(rows);        /* the request keeps the empty array only */
        if (b->len >= AUDIT_BUF_FLUSH || n < AUDIT_EXPORT_CHUNK)
            audit_buf_flush(r, b);
    } while (b->rc == 0 && n == AUDIT_EXPORT_CHUNK);
    audit_buf_flush(r, b);
    return b->rc;
}

static void audit_export_logged(struct pt_req *r, const struct audit_filter *f,
                                const char *query, long long sent, int rc)
{
    json_t *meta = json_pack("{s:s, s:I, s:b}", "filter", query, "rows", (json_int_t)sent,
                             "complete", rc == 0);
    struct pt_audit e = {
        .org_id = f->org, .category = "Activity Logs", .action = "Export Logs",
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
