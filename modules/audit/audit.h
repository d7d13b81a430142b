/*
 * audit.h — what the files of the audit module share.  Private to
 * modules/audit/: like every module file it builds on portal.h alone.
 *
 *   audit.c      the descriptor, the activity page (list + summary) and the
 *                event detail
 *   filter.c     the request's filter: parsing, validation, its query string
 *   query.c      the filter as SQL: one statement per combination of the
 *                filters that are set, built from constant fragments only,
 *                every value bound
 *   export.c     the CSV export, streamed in keyset chunks
 *   stream.c     the JSON-lines feed for SIEM collectors
 *   retention.c  how long an organisation's events are kept (page, job)
 *   profile.c    /profile/activity: a user's own events
 *
 * Scope.  An organisation's log holds the events of the organisation (or of
 * its whole subtree) and the events written with no organisation (failed
 * sign-ins, a user without memberships …) whose actor or subject is a member
 * there; the root organisation (the platform) sees every event without an
 * organisation.
 */
#ifndef PT_MOD_AUDIT_H
#define PT_MOD_AUDIT_H

#include "portal.h"

#define AUDIT_PAGE_SIZE   50
#define AUDIT_COUNT_CAP   1000    /* summary counts are exact up to this many events */
#define AUDIT_SEARCH_SECONDS 5    /* a keyword search's time limit ([audit] search_seconds) */
#define AUDIT_FEW_ORGS    24      /* a subtree this small is read organisation by organisation */
#define AUDIT_LIST_ORGS   1024    /* a subtree this small is named by an IN list */
#define AUDIT_CATEGORY    "Activity Logs"

/* The filter of the activity page, export, feed and API alike.  NULL: not set. */
struct audit_filter {
    int64_t     org;          /* the path's organisation */
    bool        subtree;      /* its whole subtree, not just itself */
    bool        root;         /* org is the root: events without organisation too */
    const char *q;            /* keyword as typed */
    const char *q_like;       /* "%keyword%" with ! % _ escaped by '!' */
    const char *category;
    const char *status;       /* Success | Failed | Pending */
    const char *action;
    const char *user;         /* actor e-mail */
    const char *from;         /* YYYY-MM-DD, inclusive */
    const char *to;           /* YYYY-MM-DD, inclusive */
    int64_t     before;       /* keyset: ids below this one; 0: from the newest */
    const int64_t *orgs;      /* the subtree's organisations, when ≤ AUDIT_LIST_ORGS */
    size_t      n_orgs;       /* 0: the subtree is bigger (or not asked for) */
    enum { AUDIT_BY_ORG_NO, AUDIT_BY_ORG_WINDOW, AUDIT_BY_ORG_EDGE }
                by_org;       /* read organisation by organisation (the export) */
};

/*
 * The columns a statement of query.c may select, over these aliases: e (the
 * event), o (its organisation), u (actor), iu (impersonator), su (subject).
 */
#define AUDIT_COLUMNS \
    "e.id, e.org_id, o.name AS org_name," \
    " DATE_FORMAT(e.created, '%Y-%m-%d %H:%i:%s') AS created," \
    " COALESCE(u.email, 'System') AS user, iu.email AS impersonator," \
    " e.category, e.action, e.status," \
    " e.resource_type, e.resource_id, e.resource_name, e.description, e.ip"

/* Which way a keyset walk goes. */
enum audit_order { AUDIT_NEWEST_FIRST, AUDIT_OLDEST_FIRST };

/* One keyset window: ids below `below` (0: no bound) and above `above`. */
struct audit_window {
    enum audit_order order;
    int64_t          below;   /* e.id < below */
    int64_t          above;   /* e.id > above */
    int64_t          limit;
};

/* ---- filter.c ---- */

/* Reads the query string into f (f->root stays false: see audit_scope);
 * NULL, or the message for a 400. */
const char *audit_filter_parse(struct pt_req *r, struct audit_filter *f);
/* The filter (not before) as a query string "a=b&c=d" ("" when none). */
char *audit_filter_query(struct pt_req *r, const struct audit_filter *f);
/* The filter as an object for the form and the API (selected flags too). */
json_t *audit_filter_json(struct pt_req *r, const struct audit_filter *f);

/* ---- query.c ---- */

/* The organisation {id, name, root} of the path into *org (may be NULL),
 * f->root and, for a subtree of at most AUDIT_LIST_ORGS, f->orgs: 0,
 * PT_ENOTFOUND or PT_EDB. */
int audit_scope(struct pt_req *r, struct audit_filter *f, json_t **org);
/* The events of f's scope matching f in the window, with `columns` (over the
 * aliases of AUDIT_COLUMNS), as an array of rows owned by the request. */
int audit_select(struct pt_req *r, const struct audit_filter *f, const char *columns,
                 const struct audit_window *win, json_t **rows);
/* The newest AUDIT_COUNT_CAP + 1 events of f's scope matching f, as
 * [{id, status}], newest first: the summary and the first page from one
 * read of the indexes. */
int audit_newest(struct pt_req *r, const struct audit_filter *f, json_t **rows);
/* {total, success, failed, pending, capped} of audit_newest's rows: exact
 * up to AUDIT_COUNT_CAP events; beyond, capped is true, total is the cap
 * and the statuses are those of the newest AUDIT_COUNT_CAP. */
json_t *audit_summary(struct pt_req *r, json_t *newest);
/* The rows (`columns`) of the first n (≤ AUDIT_PAGE_SIZE + 1) ids of idrows
 * ([{id}]), newest first. */
int audit_by_ids(struct pt_req *r, const char *columns, json_t *idrows, size_t n,
                 json_t **rows);
/* Is event id in org's log (its subtree, events without organisation by the
 * scope rule)?  1 yes, 0 no, negative on error. */
int audit_in_scope(struct pt_req *r, int64_t org, bool root, int64_t id);

/* ---- the handlers ---- */

int audit_export(struct pt_req *r, json_t *view);
int audit_stream(struct pt_req *r, json_t *view);
int audit_retention_page(struct pt_req *r, json_t *view);
int audit_retention_job(struct pt_req *ctx, json_t *payload);
int audit_profile(struct pt_req *r, json_t *view);

/* retention.c: the days org's events are kept (its own choice, else the
 * longest chosen above it, else the platform default); 0 on error. */
int64_t audit_retention_days(struct pt_req *r, int64_t org);

/* ---- shared helpers (audit.c) ---- */

/* 400 with the message: the form again on a page, problem+json on the API. */
int audit_bad_request(struct pt_req *r, json_t *view, const char *why);
/* The stored metadata (JSON text) of ev as an object and pretty-printed. */
void audit_metadata_pretty(struct pt_req *r, json_t *ev);

#endif
