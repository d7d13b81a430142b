/* queue.c — see queue.h. */
#include "queue.h"
#include "arena.h"
#include "db.h"
#include "request.h"
#include "worker.h"

#include <stdio.h>
#include <unistd.h>

struct queue_tx {
    const struct pt_queue *q;
    struct pt_queue_claim *c;
};

static int queue_claim_tx(struct pt_req *r, void *arg)
{
    struct queue_tx *t = arg;
    json_t *rows, *row;
    size_t i;
    int rc;

    t->c->n = 0;
    rc = pt_db_query(r, t->q->claim_sql, PT_NOARGS, &rows);
    json_array_foreach(rows, i, row) {
        if (rc != 0 || t->c->n >= PT_QUEUE_BATCH)
            break;
        int64_t id = json_integer_value(json_object_get(row, "id"));
        rc = pt_db_exec(r, t->q->mark_sql, PT_ARGS(PT_ARG_STR(t->c->owner), PT_ARG_INT(id)),
                        NULL, NULL);
        t->c->ids[t->c->n++] = id;
    }
    return rc;
}

/* "host:pid": who holds a claimed row (locked_by). */
static void queue_owner(char *buf, size_t len)
{
    char host[64];

    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "unknown");
    host[sizeof(host) - 1] = '\0';
    snprintf(buf, len, "%s:%ld", host, (long)getpid());
}

int pt_queue_claim(struct pt_worker *w, const struct pt_queue *q, struct pt_queue_claim *c)
{
    struct queue_tx t = { .q = q, .c = c };
    struct pt_req r;
    int rc;

    queue_owner(c->owner, sizeof(c->owner));
    pt_req_init_job(&r, w);
    /* READ COMMITTED: the claim takes no gap locks that would serialise
     * the workers of other nodes. */
    rc = pt_db_tx_read_committed(&r, queue_claim_tx, &t);
    pt_arena_reset(w->arena);
    if (rc != 0)
        c->n = 0;
    return rc;
}

void pt_queue_release(struct pt_worker *w, const struct pt_queue *q,
                      const struct pt_queue_claim *c, size_t from)
{
    struct pt_req r;

    pt_req_init_job(&r, w);
    for (size_t i = from; i < c->n; i++)
        pt_db_exec(&r, q->release_sql, PT_ARGS(PT_ARG_INT(c->ids[i]), PT_ARG_STR(c->owner)),
                   NULL, NULL);
    pt_arena_reset(w->arena);
}
