/*
 * tree.c — an organisation's page (GET /orgs/{org}): its details, the way
 * back up the tree, what the actor may do here, and the drill-down table of
 * its children with the number of users and customers in each child's
 * subtree.
 *
 * The table is searched by name, sorted by name or creation time, and paged
 * by keyset: "after" names the last child of the previous page, whose sort
 * key and id the next page starts behind, so rows added meanwhile never
 * shift a page (no OFFSET).  The breadcrumbs stop at the highest ancestor
 * inside the actor's own tree: an organisation above it is never named.
 */
#include "orgs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define CHILDREN_PAGE_DEF 25
#define CHILDREN_PAGE_MAX 100
#define SEARCH_MAX        200

struct children_query {
    int64_t     parent, after, limit;
    const char *q, *like;          /* as typed; "%q%" escaped with '!' */
    const char *sort, *dir;        /* name | created; asc | desc */
    const char *after_key;         /* the sort key of "after" */
};

/* ---- the children table -------------------------------------------------------------- */

#define CHILD_COLUMNS \
    "SELECT o.id, o.name, o.kind, o.status," \
    " DATE_FORMAT(o.created, '%Y-%m-%d %H:%i:%s') AS created," \
    " (SELECT COUNT(DISTINCT m.user_id) FROM org_closure uc" \
    "   JOIN memberships m ON m.org_id = uc.descendant WHERE uc.ancestor = o.id) AS users," \
    " (SELECT COUNT(*) FROM org_closure cc JOIN orgs d ON d.id = cc.descendant" \
    "   AND d.kind = 'customer' WHERE cc.ancestor = o.id AND cc.depth > 0) AS customers"
#define CHILD_WHERE \
    " FROM orgs o WHERE o.parent_id = ? AND (? IS NULL OR o.name LIKE ? ESCAPE '!')"
/* Keyset: (? = 0) is "no cursor"; the key, the key again, the id. */
#define CHILD_AFTER(col, op) \
    " AND (? = 0 OR " col " " op " ? OR (" col " = ? AND o.id " op " ?))"

static const struct {
    const char *sort, *dir, *sql;
} child_sql[] = {
    { "name", "asc", CHILD_COLUMNS CHILD_WHERE CHILD_AFTER("o.name", ">")
      " ORDER BY o.name, o.id LIMIT ?" },
    { "name", "desc", CHILD_COLUMNS CHILD_WHERE CHILD_AFTER("o.name", "<")
      " ORDER BY o.name DESC, o.id DESC LIMIT ?" },
    { "created", "asc", CHILD_COLUMNS CHILD_WHERE CHILD_AFTER("o.created", ">")
      " ORDER BY o.created, o.id LIMIT ?" },
    { "created", "desc", CHILD_COLUMNS CHILD_WHERE CHILD_AFTER("o.created", "<")
      " ORDER BY o.created DESC, o.id DESC LIMIT ?" },
};

/* "%text%" with the LIKE wildcards and the escape character escaped by '!'. */
static const char *like_pattern(struct pt_req *r, const char *text)
{
    char *out = pt_alloc(r, strlen(text) * 2 + 3), *o = out;

    if (out == NULL)
        return NULL;
    *o++ = '%';
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '!')
            *o++ = '!';
        *o++ = *p;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

/* s percent-encoded for a query-string value. */
static const char *url_value(struct pt_req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = pt_alloc(r, strlen(s) * 3 + 1), *o = out;

    if (out == NULL)
        return "";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The query string of the table's filter; NULL or why it is refused. */
static const char *children_parse(struct pt_req *r, struct children_query *cq)
{
    const char *lim = pt_req_query(r, "limit"), *after = pt_req_query(r, "after");
    const char *sort = pt_req_query(r, "sort"), *dir = pt_req_query(r, "dir");
    char *end = NULL;

    /* Defaults first: the form shows them even when a value is refused. */
    cq->sort = "name";
    cq->dir = "asc";
    cq->limit = CHILDREN_PAGE_DEF;
    cq->q = pt_trim(r, pt_req_query(r, "q"));
    if (sort && strcmp(sort, "name") != 0 && strcmp(sort, "created") != 0)
        return "Sort by \"name\" or \"created\".";
    cq->sort = sort ? sort : "name";
    if (dir && strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)
        return "The order must be \"asc\" or \"desc\".";
    cq->dir = dir ? dir : strcmp(cq->sort, "name") == 0 ? "asc" : "desc";
    if (cq->q && strlen(cq->q) > SEARCH_MAX)
        return "The search text is too long: at most 200 characters.";
    cq->like = cq->q ? like_pattern(r, cq->q) : NULL;
    errno = 0;
    long long n = lim ? strtoll(lim, &end, 10) : CHILDREN_PAGE_DEF;
    if (lim && (errno || *end || n < 1 || n > CHILDREN_PAGE_MAX))
        return "The page size must be a number from 1 to 100.";
    cq->limit = n;
    cq->after = after ? strtoll(after, &end, 10) : 0;
    if (after && (*end || cq->after <= 0))
        return "This page link is not valid: start again from the first page.";
    return NULL;
}

/* The sort key of the cursor row: it must still be a child of this parent. */
static const char *children_cursor(struct pt_req *r, struct children_query *cq)
{
    json_t *row;

    if (cq->after == 0)
        return NULL;
    if (pt_db_query_one(r, "SELECT name, DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s') AS created "
                        "FROM orgs WHERE id = ? AND parent_id = ?",
                        PT_ARGS(PT_ARG_INT(cq->after), PT_ARG_INT(cq->parent)), &row) != 0)
        return "This page link is out of date: start again from the first page.";
    cq->after_key = json_string_value(json_object_get(row, cq->sort));
    return NULL;
}

static const char *children_sql(const struct children_query *cq)
{
    for (size_t i = 0; i < sizeof(child_sql) / sizeof(child_sql[0]); i++)
        if (strcmp(child_sql[i].sort, cq->sort) == 0 && strcmp(child_sql[i].dir, cq->dir) == 0)
            return child_sql[i].sql;
    return child_sql[0].sql;
}

/* The filter as "q=…&sort=…&dir=…&limit=…" (no cursor). */
static const char *children_query_string(struct pt_req *r, const struct children_query *cq)
{
    return pt_printf(r, "%s%s%ssort=%s&dir=%s&limit=%lld", cq->q ? "q=" : "",
                     cq->q ? url_value(r, cq->q) : "", cq->q ? "&" : "", cq->sort, cq->dir,
                     (long long)cq->limit);
}

static void child_decorate(struct pt_req *r, json_t *row)
{
    const char *kind = json_string_value(json_object_get(row, "kind"));
    const char *status = json_string_value(json_object_get(row, "status"));
    bool active = status && strcmp(status, "active") == 0;

    json_object_set_new(row, "kind_label", json_string(orgs_kind_label(kind)));
    json_object_set_new(row, "active", json_boolean(active));
    json_object_set_new(row, "suspended", json_boolean(!active));
    json_object_set_new(row, "href", json_string(pt_printf(r, "/orgs/%lld",
        (long long)json_integer_value(json_object_get(row, "id")))));
}

static int children_page(struct pt_req *r, json_t *view, struct children_query *cq)
{
    const char *key = cq->after_key ? cq->after_key : "";
    json_t *rows, *row, *count;
    size_t i;

    if (pt_db_query(r, children_sql(cq), PT_ARGS(PT_ARG_INT(cq->parent),
            PT_ARG_STR(cq->like), PT_ARG_STR(cq->like), PT_ARG_INT(cq->after),
            PT_ARG_STR(key), PT_ARG_STR(key), PT_ARG_INT(cq->after),
            PT_ARG_INT(cq->limit + 1)), &rows) != 0 ||
        pt_db_query_one(r, "SELECT COUNT(*) AS n" CHILD_WHERE, PT_ARGS(PT_ARG_INT(cq->parent),
            PT_ARG_STR(cq->like), PT_ARG_STR(cq->like)), &count) != 0)
        return PT_EDB;
    const char *qs = children_query_string(r, cq);
    if ((int64_t)json_array_size(rows) > cq->limit) {
        json_array_remove(rows, (size_t)cq->limit);
        json_int_t last = json_integer_value(json_object_get(
            json_array_get(rows, (size_t)cq->limit - 1), "id"));
        json_object_set_new(view, "next_after", json_integer(last));
        json_object_set_new(view, "has_next", json_true());
        json_object_set_new(view, "next_url", json_string(pt_printf(r, "/orgs/%lld?%s&after=%lld",
                            (long long)cq->parent, qs, (long long)last)));
    }
    if (cq->after > 0) {
        json_object_set_new(view, "has_first", json_true());
        json_object_set_new(view, "first_url", json_string(pt_printf(r, "/orgs/%lld?%s",
                            (long long)cq->parent, qs)));
    }
    json_array_foreach(rows, i, row)
        child_decorate(r, row);
    json_object_set(view, "children", rows);
    json_object_set(view, "children_total", json_object_get(count, "n"));
    return 0;
}

static json_t *children_filter(const struct children_query *cq)
{
    json_t *f = json_pack("{s:s, s:s, s:s, s:I, s:b, s:b, s:b, s:b}", "q", cq->q ? cq->q : "",
                          "sort", cq->sort, "dir", cq->dir, "limit", (json_int_t)cq->limit,
                          "sort_name", strcmp(cq->sort, "name") == 0,
                          "sort_created", strcmp(cq->sort, "created") == 0,
                          "dir_asc", strcmp(cq->dir, "asc") == 0,
                          "dir_desc", strcmp(cq->dir, "desc") == 0);
    return f;
}

/* ---- breadcrumbs ------------------------------------------------------------------------ */

/* The organisation's ancestors (itself last) that lie inside the actor's
 * tree: from the actor's highest reachable one down. */
static int breadcrumbs(struct pt_req *r, json_t *view, int64_t org)
{
    int64_t uid = pt_req_user_id(r);
    json_t *rows, *row;
    size_t i;
    int rc;

    if (uid > 0)
        rc = pt_db_query(r, "SELECT o.id, o.name, o.kind FROM org_closure c "
            "JOIN orgs o ON o.id = c.ancestor WHERE c.descendant = ? AND EXISTS ("
            "SELECT 1 FROM memberships m JOIN org_closure mc ON mc.ancestor = m.org_id "
            "AND mc.descendant = c.ancestor WHERE m.user_id = ?) ORDER BY c.depth DESC",
            PT_ARGS(PT_ARG_INT(org), PT_ARG_INT(uid)), &rows);
    else
        rc = pt_db_query(r, "SELECT o.id, o.name, o.kind FROM org_closure c "
            "JOIN orgs o ON o.id = c.ancestor JOIN org_closure tc ON tc.ancestor = ? "
            "AND tc.descendant = c.ancestor WHERE c.descendant = ? ORDER BY c.depth DESC",
            PT_ARGS(PT_ARG_INT(pt_req_home_org(r)), PT_ARG_INT(org)), &rows);
    if (rc != 0)
        return rc;
    json_array_foreach(rows, i, row) {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        json_object_set_new(row, "href", json_string(pt_printf(r, "/orgs/%lld", (long long)id)));
        json_object_set_new(row, "current", json_boolean(id == org));
        json_object_set_new(row, "link", json_boolean(id != org));
    }
    json_object_set(view, "breadcrumbs", rows);
    return 0;
}

/* ---- what the actor may do here ---------------------------------------------------------- */

/* flag = true and url_key = "/orgs/<org><suffix>" when on. */
static void set_link(struct pt_req *r, json_t *view, const char *flag, const char *url_key,
                     bool on, const char *suffix, int64_t org)
{
    if (!on)
        return;
    json_object_set_new(view, flag, json_true());
    json_object_set_new(view, url_key, json_string(pt_printf(r, "/orgs/%lld%s",
                                                             (long long)org, suffix)));
}

static void actions(struct pt_req *r, json_t *view, const struct orgs_org *o)
{
    int64_t home = pt_req_home_org(r);
    bool platform = strcmp(o->kind, "platform") == 0;
    /* Nobody suspends or moves their own organisation (or one above it). */
    bool own = home > 0 && pt_org_contains(r, o->id, home);
    bool edit = pt_can(r, "orgs.edit", o->id), active = strcmp(o->status, "active") == 0;
    bool channel = strcmp(o->kind, "partner") == 0 || strcmp(o->kind, "distributor") == 0;

    set_link(r, view, "can_create", "new_url", pt_can(r, "orgs.create", o->id) &&
             json_array_size(orgs_child_kinds(r, o->kind)) > 0, "/children/new", o->id);
    set_link(r, view, "can_edit", "edit_url", edit, "/edit", o->id);
    set_link(r, view, "can_suspend", "suspend_url", edit && active && !platform && !own,
             "/suspend", o->id);
    set_link(r, view, "can_resume", "resume_url", edit && !active && !platform && !own,
             "/resume", o->id);
    set_link(r, view, "can_move", "move_url", !platform && !own && o->parent_id > 0 &&
             pt_can(r, "orgs.move", o->id) && pt_can(r, "orgs.move", o->parent_id),
             "/move", o->id);
    set_link(r, view, "can_invite", "invitations_url", channel &&
             pt_can(r, "orgs.invite_customer", o->id), "/invitations", o->id);
    set_link(r, view, "can_users", "users_url", pt_can(r, "users.view", o->id),
             "/users", o->id);
    set_link(r, view, "can_activity", "activity_url", pt_can(r, "audit.view", o->id),
             "/activity", o->id);
}

/* "Allow <parent> to access this organisation": its state, and the switch
 * for the organisation's own administrators. */
static void consent_view(struct pt_req *r, json_t *view, const struct orgs_org *o)
{
    if (o->parent_id <= 0)
        return;
    bool own = orgs_own_admin(r, o->id) && pt_can(r, "orgs.consent", o->id);
    json_object_set_new(view, "consent", json_pack("{s:s, s:b, s:b, s:b, s:s}",
        "parent_name", o->parent_name ? o->parent_name : "its parent",
        "allowed", o->allow_parent_access, "refused", !o->allow_parent_access,
        "can_change", own, "url", pt_printf(r, "/orgs/%lld/consent", (long long)o->id)));
}

/* ---- the page ------------------------------------------------------------------------------ */

int orgs_show(struct pt_req *r, json_t *view)
{
    struct children_query cq = { 0 };
    struct orgs_org o;
    const char *why;
    int rc;

    if ((rc = orgs_path_org(r, view, &o)) != 0)
        return rc;
    json_object_set_new(view, "title", json_string(o.name));
    cq.parent = o.id;
    why = children_parse(r, &cq);
    if (why == NULL)
        why = children_cursor(r, &cq);
    json_object_set_new(view, "filter", children_filter(&cq));
    json_object_set_new(view, "page_url", json_string(pt_printf(r, "/orgs/%lld",
                                                                (long long)o.id)));
    if (breadcrumbs(r, view, o.id) != 0)
        return pt_error(r, 500, "The organisation could not be read. Try again in a moment.");
    actions(r, view, &o);
    consent_view(r, view, &o);
    if (why != NULL) {
        json_object_set_new(view, "children", json_array());
        return orgs_form_error(r, view, 400, why);
    }
    if (children_page(r, view, &cq) != 0)
        return pt_error(r, 500, "The organisations could not be read. Try again in a moment.");
    return 200;
}
