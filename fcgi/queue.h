/*
 * queue.h — claiming rows of a work table (jobs, mail_outbox) so that any
 * number of job workers, on any number of nodes, take each row once: the
 * ids are picked with SELECT … FOR UPDATE SKIP LOCKED and marked with the
 * claimer's name in one short READ COMMITTED transaction.
 */
#ifndef PT_QUEUE_H
#define PT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#define PT_QUEUE_BATCH 10          /* rows claimed per transaction */

struct pt_worker;

/* The three statements of one table (string literals: they key the
 * prepared-statement cache). */
struct pt_queue {
    const char *claim_sql;    /* SELECT id … LIMIT 10 FOR UPDATE SKIP LOCKED, no parameters */
    const char *mark_sql;     /* UPDATE … busy, locked_by = ?, attempts + 1 WHERE id = ? */
    const char *release_sql;  /* UPDATE … queued, attempts - 1 WHERE id = ? AND locked_by = ? … */
};

struct pt_queue_claim {
    char    owner[128];       /* "host:pid", written to locked_by */
    int64_t ids[PT_QUEUE_BATCH];
    size_t  n;
};

/* Claims up to PT_QUEUE_BATCH due rows into c.  0 or a negative PT_E…. */
int  pt_queue_claim(struct pt_worker *w, const struct pt_queue *q, struct pt_queue_claim *c);
/* Puts c's rows from index `from` on back as they were (the worker is stopping). */
void pt_queue_release(struct pt_worker *w, const struct pt_queue *q,
                      const struct pt_queue_claim *c, size_t from);

#endif
