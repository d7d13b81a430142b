/*
 * audit.h — what the files of the audit module share.  Private to
 * modules/audit/: like every module file it builds on portal.h alone.
 *
 *   audit.c   the descriptor, the activity page (list + summary) and the
 *             event detail
 *   filter.c  the request's filter: parsing, validation, the one SQL WHERE
 *             clause and its bound arguments, the filter's query string
 *   export.c  the CSV export, streamed in keyset chunks
 */
#ifndef PT_MOD_AUDIT_H
#define PT_MOD_AUDIT_H

#include "portal.h"

#define AUDIT_PAGE_SIZE   50
#define AUDIT_ARGS_MAX    24

/* The filter of the activity page, export and API alike.  NULL: not set. */
struct audit_filter {
    int64_t     org;          /* the path's organisation */
    bool        subtree;      /* its whole subtree, not just itself */
    const char *q;            /* keyword as typed */
    const char *q_like;       /* "%keyword%" with ! % _ escaped by '!' */
    const char *category;
    const char *status;       /* Success | Failed | Pending */
    const char *action;
    const char *user;         /* actor e-mail */
    const char *from;         /* YYYY-MM-DD, inclusive */
    const char *to;           /* YYYY-MM-DD, inclusive */
    int64_t     before;       /* keyset: ids below this one; 0: from the newest */
};

/*
 * The FROM/WHERE shared by every query: scope (the organisation or its
 * subtree) and the filters as `(? IS NULL OR …)`, bound by audit_filter_args.
 */
#define AUDIT_FROM_WHERE \
    " FROM audit_events e" \
    " JOIN org_closure c ON c.descendant = e.org_id AND c.ancestor = ?" \
    " LEFT JOIN users u ON u.id = e.actor_user_id" \
    " LEFT JOIN orgs o ON o.id = e.org_id" \
    " WHERE (c.depth = 0 OR ? = 1)" \
    " AND (? IS NULL OR e.category = ?)" \
    " AND (? IS NULL OR e.status = ?)" \
    " AND (? IS NULL OR e.action = ?)" \
    " AND (? IS NULL OR u.email = ?)" \
    " AND (? IS NULL OR e.created >= CAST(? AS DATE))" \
    " AND (? IS NULL OR e.created < CAST(? AS DATE) + INTERVAL 1 DAY)" \
    " AND (? IS NULL OR e.description LIKE ? ESCAPE '!'" \
    "  OR e.resource_name LIKE ? ESCAPE '!' OR u.email LIKE ? ESCAPE '!')"

/* The columns of a row in the list, the API and the CSV. */
#define AUDIT_COLUMNS \
    "SELECT e.id, e.org_id, o.name AS org_name," \
    " DATE_FORMAT(e.created, '%Y-%m-%d %H:%i:%s') AS created," \
    " COALESCE(u.email, 'System') AS user, e.category, e.action, e.status," \
    " e.resource_type, e.resource_id, e.resource_name, e.description, e.ip"

/* Keyset page: AUDIT_FROM_WHERE's arguments, then before (twice) and limit. */
#define AUDIT_PAGE_SQL AUDIT_COLUMNS AUDIT_FROM_WHERE \
    " AND (? IS NULL OR e.id < ?) ORDER BY e.id DESC LIMIT ?"

/* Reads the query string into f; NULL, or the message for a 400. */
const char *audit_filter_parse(struct pt_req *r, struct audit_filter *f);
/* Binds AUDIT_FROM_WHERE's arguments into args (AUDIT_ARGS_MAX); returns
 * how many, so a caller may append its own and the END marker. */
size_t audit_filter_args(const struct audit_filter *f, struct pt_db_arg *args);
/* AUDIT_PAGE_SQL's arguments: the filter's, before, limit, END. */
void audit_page_args(const struct audit_filter *f, int64_t before, int64_t limit,
                     struct pt_db_arg *args);
/* The filter (not before) as a query string "a=b&c=d" ("" when none). */
char *audit_filter_query(struct pt_req *r, const struct audit_filter *f);
/* The filter as an object for the form and the API (selected flags too). */
json_t *audit_filter_json(struct pt_req *r, const struct audit_filter *f);

int audit_export(struct pt_req *r, json_t *view);

#endif
