/*
 * filter.c — the activity log's filter: read from the query string and
 * checked (a bad date is a 400 that says which field, never a crash), and
 * written back as a query string for the next page and export links.  Its
 * values reach SQL only as bound arguments (query.c).
 */
#include "audit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#define AUDIT_TEXT_MAX 200

static const char *const audit_statuses[] = { "Success", "Failed", "Pending", NULL };

/* A query value trimmed of blanks; NULL when absent or empty. */
static const char *audit_query(struct pt_req *r, const char *name)
{
    return pt_trim(r, pt_req_query(r, name));
}

static bool audit_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Is s a real calendar date written YYYY-MM-DD? */
static bool audit_date_ok(const char *s)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    y = atoi(s);
    m = atoi(s + 5);
    d = atoi(s + 8);
    if (y < 1970 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && audit_leap(y));
}

/* "%q%" with the LIKE metacharacters ! % _ escaped by '!'. */
static const char *audit_like(struct pt_req *r, const char *q)
{
    size_t n = strlen(q);
    char *out = pt_alloc(r, 2 * n + 3), *p = out;

    if (out == NULL)
        return NULL;
    *p++ = '%';
    for (const char *s = q; *s; s++) {
        if (*s == '!' || *s == '%' || *s == '_')
            *p++ = '!';
        *p++ = *s;
    }
    *p++ = '%';
    *p = '\0';
    return out;
}

static const char *audit_check_texts(const struct audit_filter *f)
{
    const char *texts[] = { f->q, f->category, f->action, f->user };

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i] && strlen(texts[i]) > AUDIT_TEXT_MAX)
            return "A search or filter value is longer than 200 characters.";
    if (f->status) {
        for (size_t i = 0; audit_statuses[i]; i++)
            if (strcmp(f->status, audit_statuses[i]) == 0)
                return NULL;
        return "Status must be Success, Failed or Pending.";
    }
    return NULL;
}

static const char *audit_check_dates(const struct audit_filter *f)
{
    if (f->from && !audit_date_ok(f->from))
        return "The \"From\" date must be a date written YYYY-MM-DD.";
    if (f->to && !audit_date_ok(f->to))
        return "The \"To\" date must be a date written YYYY-MM-DD.";
    if (f->from && f->to && strcmp(f->from, f->to) > 0)
        return "The \"From\" date must be on or before the \"To\" date.";
    return NULL;
}

static const char *audit_parse_before(struct pt_req *r, struct audit_filter *f)
{
    const char *b = audit_query(r, "before");
    char *end;

    f->before = 0;
    if (b == NULL)
        return NULL;
    if (strspn(b, "0123456789") != strlen(b) || strlen(b) > 18)
        return "\"before\" must be an event number.";
    f->before = strtoll(b, &end, 10);
    return f->before > 0 ? NULL : "\"before\" must be an event number.";
}

const char *audit_filter_parse(struct pt_req *r, struct audit_filter *f)
{
    const char *sub = audit_query(r, "subtree"), *why;

    memset(f, 0, sizeof(*f));
    f->org = pt_req_param_int(r, "org");
    f->subtree = sub && (strcmp(sub, "1") == 0 || strcmp(sub, "on") == 0 ||
                         strcmp(sub, "true") == 0);
    f->q = audit_query(r, "q");
    f->category = audit_query(r, "category");
    f->status = audit_query(r, "status");
    f->action = audit_query(r, "action");
    f->user = audit_query(r, "user");
    f->from = audit_query(r, "from");
    f->to = audit_query(r, "to");
    if ((why = audit_check_texts(f)) != NULL || (why = audit_check_dates(f)) != NULL ||
        (why = audit_parse_before(r, f)) != NULL)
        return why;
    if (f->q && (f->q_like = audit_like(r, f->q)) == NULL)
        return "Out of memory.";
    return NULL;
}

/* s percent-encoded (RFC 3986 unreserved characters kept). */
static char *audit_urlenc(struct pt_req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = pt_alloc(r, 3 * strlen(s) + 1), *p = out;

    if (out == NULL)
        return NULL;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (isalnum(*c) || *c == '-' || *c == '.' || *c == '_' || *c == '~') {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    *p = '\0';
    return out;
}

char *audit_filter_query(struct pt_req *r, const struct audit_filter *f)
{
    const char *names[] = { "q", "category", "status", "action", "user", "from", "to" };
    const char *vals[] = { f->q, f->category, f->status, f->action, f->user, f->from, f->to };
    char *out = pt_strdup(r, f->subtree ? "subtree=1" : "");

    for (size_t i = 0; out && i < sizeof(names) / sizeof(names[0]); i++) {
        if (vals[i] == NULL)
            continue;
        char *enc = audit_urlenc(r, vals[i]);
        out = enc ? pt_printf(r, "%s%s%s=%s", out, *out ? "&" : "", names[i], enc) : NULL;
    }
    return out;
}

json_t *audit_filter_json(struct pt_req *r, const struct audit_filter *f)
{
    json_t *statuses = json_array();
    json_t *o = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}",
                          "q", f->q, "category", f->category, "status", f->status,
                          "action", f->action, "user", f->user, "from", f->from,
                          "to", f->to, "subtree", f->subtree);

    for (size_t i = 0; statuses && audit_statuses[i]; i++)
        json_array_append_new(statuses, json_pack("{s:s, s:b}", "value", audit_statuses[i],
            "selected", f->status && strcmp(f->status, audit_statuses[i]) == 0));
    if (o && statuses)
        json_object_set(o, "statuses", statuses);
    json_decref(statuses);
    return pt_keep(r, o);
}
