/*
 * audit.c — the activity log.  An event is written on the request's own
 * connection, so inside pt_db_tx it commits or rolls back with the action.
 * Failures, denials and sign-in attempts must survive a rollback: when a
 * transaction is open they wait in the request and are written after it.
 */
#include "audit.h"
#include "request.h"

#include <stdlib.h>
#include <string.h>

struct pt_audit_pending {
    struct pt_audit_pending *next;
    struct pt_audit          e;
};

static const char *clip(struct pt_req *r, const char *s, size_t max)
{
    if (s == NULL || strlen(s) <= max)
        return s;
    /* Cut on a UTF-8 boundary so the column never holds half a character. */
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return pt_strndup(r, s, n);
}

static int audit_write(struct pt_req *r, const struct pt_audit *e)
{
    char *meta = e->metadata ? json_dumps(e->metadata, JSON_COMPACT) : NULL;
    const char *ua = pt_req_header(r, "User-Agent");
    int64_t actor = r->ident.user_id, imp = r->ident.impersonator_id;

    int rc = pt_db_exec(r,
        "INSERT INTO audit_events (org_id, actor_user_id, impersonator_id, subject_user_id, "
        "category, action, status, resource_type, resource_id, resource_name, description, "
        "ip, user_agent, request_id, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        PT_ARGS(e->org_id ? PT_ARG_INT(e->org_id) : PT_ARG_NULL,
                actor ? PT_ARG_INT(actor) : PT_ARG_NULL,
                imp ? PT_ARG_INT(imp) : PT_ARG_NULL,
                e->user_id ? PT_ARG_INT(e->user_id) : PT_ARG_NULL,
                PT_ARG_STR(clip(r, e->category, 40)), PT_ARG_STR(clip(r, e->action, 60)),
                PT_ARG_STR(e->status ? e->status : "Success"),
                PT_ARG_STR(clip(r, e->resource_type, 40)), PT_ARG_STR(clip(r, e->resource_id, 64)),
                PT_ARG_STR(clip(r, e->resource_name, 200)),
                PT_ARG_STR(clip(r, e->description, 500)),
                PT_ARG_STR(r->client_ip && *r->client_ip ? r->client_ip : NULL),
                PT_ARG_STR(clip(r, ua, 500)), PT_ARG_STR(r->id), PT_ARG_STR(meta)),
        NULL, NULL);
    free(meta);
    if (rc != 0)
        pt_log_error("%s: request %s: could not record %s/%s", __func__, r->id,
                     e->category, e->action);
    return rc;
}

static bool audit_valid(const struct pt_audit *e)
{
    static const char *statuses[] = { "Success", "Failed", "Pending" };

    if (e->category == NULL || e->action == NULL)
        return false;
    if (e->status == NULL)
        return true;
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (strcmp(e->status, statuses[i]) == 0)
            return true;
    return false;
}

int pt_audit_log(struct pt_req *r, const struct pt_audit *e)
{
    if (!audit_valid(e)) {
        pt_log_error("%s: an event needs a category, an action and a known status", __func__);
        return PT_EINVAL;
    }
    return audit_write(r, e);
}

/* Copies the event into the arena: the caller's strings may not live on. */
static int audit_queue(struct pt_req *r, const struct pt_audit *e)
{
    struct pt_audit_pending *p = pt_alloc(r, sizeof(*p));

    if (p == NULL)
        return PT_ENOMEM;
    p->e = *e;
    p->e.category = pt_strdup(r, e->category);
    p->e.action = pt_strdup(r, e->action);
    p->e.status = pt_strdup(r, e->status);
    p->e.resource_type = pt_strdup(r, e->resource_type);
    p->e.resource_id = pt_strdup(r, e->resource_id);
    p->e.resource_name = pt_strdup(r, e->resource_name);
    p->e.description = pt_strdup(r, e->description);
    p->e.metadata = e->metadata ? pt_keep(r, json_deep_copy(e->metadata)) : NULL;
    p->next = r->pending_audit;
    r->pending_audit = p;
    return PT_OK;
}

int pt_audit_log_always(struct pt_req *r, const struct pt_audit *e)
{
    if (!audit_valid(e)) {
        pt_log_error("%s: an event needs a category, an action and a known status", __func__);
        return PT_EINVAL;
    }
    return r->in_tx ? audit_queue(r, e) : audit_write(r, e);
}

static void flush_in_order(struct pt_req *r, struct pt_audit_pending *p)
{
    if (p == NULL)
        return;
    flush_in_order(r, p->next);      /* oldest first; the list is short */
    audit_write(r, &p->e);
}

void pt_audit_flush(struct pt_req *r)
{
    struct pt_audit_pending *p = r->pending_audit;

    r->pending_audit = NULL;
    if (!r->in_tx)
        flush_in_order(r, p);
}
