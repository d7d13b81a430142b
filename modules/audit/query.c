/*
 * query.c — the activity log's filter as SQL.
 *
 * Each statement is assembled from constant fragments for just the filters
 * that are set, with every value bound, so the optimizer sees
 * `e.category = ?` rather than `(? IS NULL OR e.category = ?)` and can use
 * the (org_id, category, id) index.  The texts are few (a combination of
 * filters, a plan, a number of branches) and each is prepared once per
 * worker.
 *
 * A scope is a union of branches that never overlap, each walked newest
 * first and cut at the page size (ORDER BY id LIMIT), so a page reads about
 * a page of rows per branch, not the whole scope:
 *   org      the organisation's events, by its (org_id, …, id) indexes; a
 *            subtree of at most AUDIT_FEW_ORGS organisations is one such
 *            branch per organisation.  A bigger subtree is walked newest
 *            first along (id, org_id, created, status) with the closure as
 *            an eq_ref check (cheap as long as the subtree writes a fair
 *            share of the events), unless an indexed filter is set: then
 *            each organisation's range of that index is read, through an
 *            IN list of the subtree's organisations (up to AUDIT_LIST_ORGS;
 *            a join with the closure would use only the org_id part of the
 *            index), and the matches sorted.  FORCE INDEX: the optimizer's
 *            estimates picked a non-covering index and read a million rows;
 *   loose    events without an organisation: at the root all of them
 *            (org_id IS NULL), elsewhere those of the scope's members as
 *            actor, then as subject (actor not a member), read member by
 *            member from (org_id, actor_user_id, id) and (org_id,
 *            subject_user_id, id): a few rows each, however many events
 *            without organisation there are.
 *
 * Counts are exact up to AUDIT_COUNT_CAP events; beyond, the summary says
 * "more than" and counts the statuses among the newest AUDIT_COUNT_CAP:
 * counting a partner's million events exactly takes ~100 ms a hundred
 * thousand, far beyond the page's 50 ms (bench/audit.sh).
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>

#define AUDIT_SQL_MAX   32768
#define AUDIT_Q_ARGS    1200

enum audit_branch { BR_ORG, BR_ORG_ONE, BR_LOOSE_ALL, BR_LOOSE_ACTOR, BR_LOOSE_SUBJECT };

struct audit_q {
    char             sql[AUDIT_SQL_MAX];
    size_t           len;
    struct pt_db_arg args[AUDIT_Q_ARGS + 1];
    size_t           n;
    bool             bad;          /* too long or too many arguments: a bug, logged */
};

static void q_sql(struct audit_q *q, const char *text)
{
    size_t n = strlen(text);

    if (q->len + n >= sizeof(q->sql)) {
        q->bad = true;
        return;
    }
    memcpy(q->sql + q->len, text, n + 1);
    q->len += n;
}

static void q_arg(struct audit_q *q, struct pt_db_arg a)
{
    if (q->n >= AUDIT_Q_ARGS) {
        q->bad = true;
        return;
    }
    q->args[q->n++] = a;
}

static const struct pt_db_arg *q_end(struct audit_q *q, const char *who)
{
    q->args[q->n] = (struct pt_db_arg){ .type = PT_DB_END };
    if (q->bad)
        pt_log_error("%s: the activity log statement outgrew its buffer", who);
    return q->bad ? NULL : q->args;
}

/* The users with a membership in the scope, each once. */
static void q_members(struct audit_q *q, const struct audit_filter *f)
{
    q_sql(q, f->subtree
          ? "SELECT DISTINCT m.user_id FROM memberships m JOIN org_closure mc"
            " ON mc.descendant = m.org_id WHERE mc.ancestor = ?"
          : "SELECT m.user_id FROM memberships m WHERE m.org_id = ?");
    q_arg(q, PT_ARG_INT(f->org));
}

static void q_filters(struct audit_q *q, const struct audit_filter *f)
{
    static const char *const sql[] = {
        " AND e.category = ?",
        " AND e.status = ?",
        " AND e.action = ?",
        /* users.email is unique: at most one id, and the actor index serves. */
        " AND e.actor_user_id = (SELECT uf.id FROM users uf WHERE uf.email = ?)",
        " AND e.created >= CAST(? AS DATE)",
        " AND e.created < CAST(? AS DATE) + INTERVAL 1 DAY",
    };
    const char *const vals[] = { f->category, f->status, f->action, f->user, f->from, f->to };

    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        if (vals[i] != NULL) {
            q_sql(q, sql[i]);
            q_arg(q, PT_ARG_STR(vals[i]));
        }
    }
    if (f->q_like) {
        q_sql(q, " AND (e.description LIKE ? ESCAPE '!' OR e.resource_name LIKE ? ESCAPE '!'"
                 " OR u.email LIKE ? ESCAPE '!')");
        for (int i = 0; i < 3; i++)
            q_arg(q, PT_ARG_STR(f->q_like));
    }
}

/* The index a bigger subtree is read through when a filter narrows it:
 * each organisation's range of (org_id, x, id), the matches sorted; NULL
 * when no such filter is set (the subtree is then walked newest first). */
static const char *q_filter_index(const struct audit_filter *f)
{
    const char *ix = f->user ? "audit_loose_actor" : f->action ? "audit_org_action"
                   : f->category ? "audit_org_category" : f->status ? "audit_org_status" : NULL;
    bool dated = f->from || f->to;

    if (ix != NULL)
        return ix;
    /* An export reads windows of ids: each organisation's (org_id, id)
     * range, or when dated along (id, org_id, created, status) so that the
     * date is checked in the index, never in the row (nor every window
     * re-reading the whole period); its first and last match by date. */
    switch (f->by_org) {
    case AUDIT_BY_ORG_EDGE:
        return dated ? "audit_org_created" : "audit_walk";
    case AUDIT_BY_ORG_WINDOW:
        return dated ? "audit_walk" : "audit_org_id";
    case AUDIT_BY_ORG_NO:
        break;
    }
    return f->to ? "audit_org_created" : NULL;
}

/* "e.org_id IN (?, …)": the subtree's list, padded to a power of two (by
 * repeating its last id) so that few statement texts exist. */
static void q_org_list(struct audit_q *q, const struct audit_filter *f)
{
    size_t n = 32;

    while (n < f->n_orgs)
        n *= 2;
    q_sql(q, " WHERE e.org_id IN (");
    for (size_t i = 0; i < n; i++) {
        q_sql(q, i ? ",?" : "?");
        q_arg(q, PT_ARG_INT(f->orgs[i < f->n_orgs ? i : f->n_orgs - 1]));
    }
    q_sql(q, ")");
}

/* The keyword compares the actor's e-mail too. */
static void q_users(struct audit_q *q, const struct audit_filter *f)
{
    if (f->q_like)
        q_sql(q, " LEFT JOIN users u ON u.id = e.actor_user_id");
}

/* " FROM … WHERE …" of one branch, filters included; one is the
 * organisation of a BR_ORG_ONE branch. */
static void q_branch(struct audit_q *q, const struct audit_filter *f, enum audit_branch b,
                     int64_t one)
{
    switch (b) {
    case BR_ORG_ONE:
        q_sql(q, " FROM audit_events e");
        q_users(q, f);
        q_sql(q, " WHERE e.org_id = ?");
        q_arg(q, PT_ARG_INT(one));
        break;
    case BR_ORG:
        /* Index names are constants of sql/004 and sql/006, never input. */
        if (q_filter_index(f) != NULL && f->n_orgs > 0) {
            /* The list lets the range optimizer read exactly each
             * organisation's matching entries, dates included. */
            q_sql(q, " FROM audit_events e FORCE INDEX (");
            q_sql(q, q_filter_index(f));
            q_sql(q, ")");
            q_users(q, f);
            q_org_list(q, f);
            break;
        }
        if (q_filter_index(f) != NULL) {
            q_sql(q, " FROM org_closure c STRAIGHT_JOIN audit_events e FORCE INDEX (");
            q_sql(q, q_filter_index(f));
            q_sql(q, ") ON e.org_id = c.descendant");
            q_users(q, f);
        } else {
            /* Newest first along (id, org_id, created, status): the closure
             * check and the date need no row; the keyword reads the row. */
            q_sql(q, f->q_like ? " FROM audit_events e FORCE INDEX (PRIMARY)"
                               : " FROM audit_events e FORCE INDEX (audit_walk)");
            q_users(q, f);
            q_sql(q, " STRAIGHT_JOIN org_closure c ON c.descendant = e.org_id");
        }
        q_sql(q, " WHERE c.ancestor = ?");
        q_arg(q, PT_ARG_INT(f->org));
        break;
    case BR_LOOSE_ALL:
        q_sql(q, " FROM audit_events e");
        q_users(q, f);
        q_sql(q, " WHERE e.org_id IS NULL");
        break;
    case BR_LOOSE_ACTOR:
    case BR_LOOSE_SUBJECT:
        q_sql(q, " FROM (");
        q_members(q, f);
        /* FORCE: with a date filter the optimizer built a row-id filter
         * from every event without organisation of the period (100 ms). */
        q_sql(q, b == BR_LOOSE_ACTOR
              ? ") mu STRAIGHT_JOIN audit_events e FORCE INDEX (audit_loose_actor)"
                " ON e.actor_user_id = mu.user_id"
              : ") mu STRAIGHT_JOIN audit_events e FORCE INDEX (audit_loose_subject)"
                " ON e.subject_user_id = mu.user_id");
        q_users(q, f);
        q_sql(q, " WHERE e.org_id IS NULL");
        if (b == BR_LOOSE_SUBJECT) {
            q_sql(q, " AND (e.actor_user_id IS NULL OR e.actor_user_id NOT IN (");
            q_members(q, f);
            q_sql(q, "))");
        }
        break;
    }
    q_filters(q, f);
}

static void q_window(struct audit_q *q, const struct audit_window *w, int64_t limit)
{
    if (w->below > 0) {
        q_sql(q, " AND e.id < ?");
        q_arg(q, PT_ARG_INT(w->below));
    }
    if (w->above > 0) {
        q_sql(q, " AND e.id > ?");
        q_arg(q, PT_ARG_INT(w->above));
    }
    q_sql(q, w->order == AUDIT_NEWEST_FIRST ? " ORDER BY e.id DESC LIMIT ?"
                                            : " ORDER BY e.id LIMIT ?");
    q_arg(q, PT_ARG_INT(limit));
}

/* "(SELECT <what> <branch> <window>) UNION ALL (…)" over every branch. */
static void q_union(struct audit_q *q, const struct audit_filter *f, const char *what,
                    const struct audit_window *w, int64_t limit)
{
    enum audit_branch loose[2] = { BR_LOOSE_ACTOR, BR_LOOSE_SUBJECT };
    size_t n_loose = f->root ? 1 : 2, n = 0;

    if (f->root)
        loose[0] = BR_LOOSE_ALL;
    if (!f->subtree || (f->n_orgs > 0 && f->n_orgs <= AUDIT_FEW_ORGS)) {
        size_t k = f->subtree ? f->n_orgs : 1;
        for (size_t i = 0; i < k; i++, n++) {
            q_sql(q, n ? " UNION ALL (SELECT " : "(SELECT ");
            q_sql(q, what);
            q_branch(q, f, BR_ORG_ONE, f->subtree ? f->orgs[i] : f->org);
            q_window(q, w, limit);
            q_sql(q, ")");
        }
    } else {
        q_sql(q, "(SELECT ");
        q_sql(q, what);
        q_branch(q, f, BR_ORG, 0);
        q_window(q, w, limit);
        q_sql(q, ")");
        n++;
    }
    for (size_t i = 0; i < n_loose; i++, n++) {
        q_sql(q, " UNION ALL (SELECT ");
        q_sql(q, what);
        q_branch(q, f, loose[i], 0);
        q_window(q, w, limit);
        q_sql(q, ")");
    }
}

/* A keyword search reads rows until it has a page: over a big scope and a
 * rare word that is the whole scope.  It may take [audit] search_seconds
 * (default 5); then the server stops it and the user is asked to narrow it. */
static void q_time_limit(struct pt_req *r, struct audit_q *q, const struct audit_filter *f)
{
    const char *v = pt_config_get(r, "audit", "search_seconds");
    long n = v ? strtol(v, NULL, 10) : 0;
    char text[64];

    if (f->q_like == NULL)
        return;
    /* A number of the config, not input: SET STATEMENT takes no placeholder. */
    snprintf(text, sizeof(text), "SET STATEMENT max_statement_time = %ld FOR ",
             n > 0 && n <= 3600 ? n : (long)AUDIT_SEARCH_SECONDS);
    q_sql(q, text);
}

int audit_select(struct pt_req *r, const struct audit_filter *f, const char *columns,
                 const struct audit_window *win, json_t **rows)
{
    struct audit_q q = { .len = 0 };
    const struct pt_db_arg *args;

    q_time_limit(r, &q, f);
    q_sql(&q, "SELECT ");
    q_sql(&q, columns);
    q_sql(&q, " FROM (");
    q_union(&q, f, "e.id", win, win->limit);
    q_sql(&q, ") k JOIN audit_events e ON e.id = k.id"
              " LEFT JOIN orgs o ON o.id = e.org_id"
              " LEFT JOIN users u ON u.id = e.actor_user_id"
              " LEFT JOIN users iu ON iu.id = e.impersonator_id"
              " LEFT JOIN users su ON su.id = e.subject_user_id");
    q_sql(&q, win->order == AUDIT_NEWEST_FIRST ? " ORDER BY e.id DESC LIMIT ?"
                                               : " ORDER BY e.id LIMIT ?");
    q_arg(&q, PT_ARG_INT(win->limit));
    if ((args = q_end(&q, __func__)) == NULL)
        return PT_EINVAL;
    return pt_db_query(r, q.sql, args, rows);
}

int audit_newest(struct pt_req *r, const struct audit_filter *f, json_t **rows)
{
    struct audit_q q = { .len = 0 };
    struct audit_window all = { AUDIT_NEWEST_FIRST, 0, 0, AUDIT_COUNT_CAP + 1 };
    const struct pt_db_arg *args;

    /* The ids come from the indexes alone; the statuses are read for these
     * rows only. */
    q_time_limit(r, &q, f);
    q_sql(&q, "SELECT k.id, s.status FROM (");
    q_union(&q, f, "e.id", &all, AUDIT_COUNT_CAP + 1);
    q_sql(&q, ") k JOIN audit_events s ON s.id = k.id ORDER BY k.id DESC LIMIT ?");
    q_arg(&q, PT_ARG_INT(AUDIT_COUNT_CAP + 1));
    if ((args = q_end(&q, __func__)) == NULL)
        return PT_EINVAL;
    return pt_db_query(r, q.sql, args, rows);
}

json_t *audit_summary(struct pt_req *r, json_t *newest)
{
    json_int_t n[3] = { 0, 0, 0 };
    size_t total = json_array_size(newest), i;
    static const char *const names[] = { "Success", "Failed", "Pending" };

    for (i = 0; i < total && i < AUDIT_COUNT_CAP; i++) {
        const char *st = json_string_value(json_object_get(json_array_get(newest, i), "status"));
        for (int k = 0; st && k < 3; k++)
            if (strcmp(st, names[k]) == 0)
                n[k]++;
    }
    return pt_keep(r, json_pack("{s:I, s:I, s:I, s:I, s:b}", "total",
                                (json_int_t)(total > AUDIT_COUNT_CAP ? AUDIT_COUNT_CAP : total),
                                "success", n[0], "failed", n[1], "pending", n[2],
                                "capped", total > AUDIT_COUNT_CAP));
}

int audit_by_ids(struct pt_req *r, const char *columns, json_t *idrows, size_t n,
                 json_t **rows)
{
    struct audit_q q = { .len = 0 };
    const struct pt_db_arg *args;

    if (n == 0) {
        *rows = pt_keep(r, json_array());
        return *rows ? 0 : PT_ENOMEM;
    }
    q_sql(&q, "SELECT ");
    q_sql(&q, columns);
    q_sql(&q, " FROM audit_events e LEFT JOIN orgs o ON o.id = e.org_id"
              " LEFT JOIN users u ON u.id = e.actor_user_id"
              " LEFT JOIN users iu ON iu.id = e.impersonator_id"
              " LEFT JOIN users su ON su.id = e.subject_user_id WHERE e.id IN (");
    /* Always AUDIT_PAGE_SIZE + 1 placeholders (the last id repeated): one
     * statement text. */
    for (size_t i = 0; i <= AUDIT_PAGE_SIZE; i++) {
        json_t *row = json_array_get(idrows, i < n ? i : n - 1);
        q_sql(&q, i ? ",?" : "?");
        q_arg(&q, PT_ARG_INT(json_integer_value(json_object_get(row, "id"))));
    }
    q_sql(&q, ") ORDER BY e.id DESC");
    if (n > AUDIT_PAGE_SIZE + 1 || (args = q_end(&q, __func__)) == NULL)
        return PT_EINVAL;
    return pt_db_query(r, q.sql, args, rows);
}

int audit_in_scope(struct pt_req *r, int64_t org, bool root, int64_t id)
{
    json_t *rows;
    int rc = pt_db_query(r,
        "SELECT e.id FROM audit_events e WHERE e.id = ? AND ("
        " e.org_id IN (SELECT c.descendant FROM org_closure c WHERE c.ancestor = ?)"
        " OR (e.org_id IS NULL AND (? = 1"
        "  OR e.actor_user_id IN (SELECT m.user_id FROM memberships m JOIN org_closure mc"
        "   ON mc.descendant = m.org_id WHERE mc.ancestor = ?)"
        "  OR e.subject_user_id IN (SELECT m.user_id FROM memberships m JOIN org_closure mc"
        "   ON mc.descendant = m.org_id WHERE mc.ancestor = ?))))",
        PT_ARGS(PT_ARG_INT(id), PT_ARG_INT(org), PT_ARG_INT(root ? 1 : 0), PT_ARG_INT(org),
                PT_ARG_INT(org)), &rows);

    return rc != 0 ? rc : json_array_size(rows) > 0;
}

/* The subtree's organisations into f->orgs when there are at most
 * AUDIT_LIST_ORGS (n_orgs stays 0 for a bigger one). */
static int audit_scope_orgs(struct pt_req *r, struct audit_filter *f)
{
    json_t *rows, *row;
    size_t i;
    int rc = pt_db_query(r, "SELECT descendant FROM org_closure WHERE ancestor = ?"
                         " ORDER BY descendant LIMIT ?",
                         PT_ARGS(PT_ARG_INT(f->org), PT_ARG_INT(AUDIT_LIST_ORGS + 1)), &rows);

    f->n_orgs = 0;
    if (rc != 0 || json_array_size(rows) > AUDIT_LIST_ORGS || json_array_size(rows) == 0)
        return rc;
    int64_t *orgs = pt_alloc(r, json_array_size(rows) * sizeof(*orgs));
    if (orgs == NULL)
        return PT_ENOMEM;
    json_array_foreach(rows, i, row)
        orgs[i] = json_integer_value(json_object_get(row, "descendant"));
    json_array_clear(rows);
    f->orgs = orgs;
    f->n_orgs = i;
    return 0;
}

int audit_scope(struct pt_req *r, struct audit_filter *f, json_t **org)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id, name, parent_id IS NULL AS root FROM orgs"
                             " WHERE id = ?", PT_ARGS(PT_ARG_INT(f->org)), &row);

    if (rc != 0)
        return rc == PT_ENOTFOUND ? rc : PT_EDB;
    f->root = json_integer_value(json_object_get(row, "root")) != 0;
    if (f->subtree && audit_scope_orgs(r, f) != 0)
        return PT_EDB;
    if (org)
        *org = row;
    return 0;
}
