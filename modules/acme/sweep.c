/*
 * sweep.c — the job "acme.sweep" (every 600 s) and the coalesced nginx
 * regeneration.
 *
 * The sweep queues one acme.issue job per host name that needs one and has
 * none queued or running:
 *   - verified, without a certificate ('none'; it becomes 'pending'), or
 *     'pending' / 'failed' with no job left to finish it (a worker died, or
 *     the name was verified again after a pause);
 *   - 'issued' and expiring within [acme] renew_days: a renewal, queued
 *     with a random delay of up to [acme] renew_jitter seconds so that a
 *     thousand certificates issued on one day are not renewed in one burst;
 * at most [acme] batch of each per run (a CA limits new orders per hour).
 * Then it removes the files of certificates whose host name is gone, and
 * regenerates nginx if anything changed.
 */
#include "acme.h"

#include <stdio.h>
#include <unistd.h>

/* No acme.issue job of this host name is queued or running. */
#define SWEEP_NO_JOB \
    "NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'acme.issue' " \
    "AND j.state IN ('queued', 'running') AND JSON_VALUE(j.payload, '$.hostname_id') = h.id)"

static const char sweep_issue_sql[] =
    "SELECT h.id, h.hostname FROM hostnames h WHERE h.verified_at IS NOT NULL "
    "AND h.tls_state IN ('none', 'pending', 'failed') AND " SWEEP_NO_JOB
    " ORDER BY h.id LIMIT 10000";

static const char sweep_renew_sql[] =
    "SELECT h.id, h.hostname FROM hostnames h WHERE h.verified_at IS NOT NULL "
    "AND h.tls_state = 'issued' AND h.cert_path IS NOT NULL "
    "AND (h.tls_expires IS NULL OR h.tls_expires < NOW() + INTERVAL ? DAY) AND " SWEEP_NO_JOB
    " ORDER BY h.tls_expires LIMIT 10000";

struct sweep_queue {
    const struct acme_conf *c;
    json_t                 *rows;
    bool                    renew;
    int                     queued;
};

static int sweep_delay(const struct acme_conf *c, bool renew)
{
    uint32_t x = 0;

    if (!renew || c->renew_jitter <= 0 || pt_random_bytes(&x, sizeof(x)) != 0)
        return 0;
    return (int)(x % (uint32_t)(c->renew_jitter + 1));
}

static int sweep_queue_tx(struct pt_req *r, void *arg)
{
    struct sweep_queue *q = arg;
    int rc = 0;

    q->queued = 0;
    for (size_t i = 0; rc == 0 && i < json_array_size(q->rows) && q->queued < q->c->batch; i++) {
        json_t *row = json_array_get(q->rows, i);
        json_int_t id = json_integer_value(json_object_get(row, "id"));
        const char *host = json_string_value(json_object_get(row, "hostname"));
        if (host == NULL || !acme_host_wanted(q->c, host))
            continue;
        json_t *p = pt_keep(r, q->renew ? json_pack("{s:I, s:b}", "hostname_id", id, "renew", 1)
                                        : json_pack("{s:I}", "hostname_id", id));
        if (p == NULL)
            return PT_ENOMEM;
        if (!q->renew)
            rc = pt_db_exec(r, "UPDATE hostnames SET tls_state = 'pending' WHERE id = ? "
                            "AND tls_state = 'none'", PT_ARGS(PT_ARG_INT(id)), NULL, NULL);
        if (rc == 0)
            rc = pt_job_enqueue(r, ACME_JOB_ISSUE, p, sweep_delay(q->c, q->renew));
        q->queued += rc == 0;
    }
    return rc;
}

/* Queues the jobs of one kind of candidate; the number queued or < 0. */
static int sweep_queue(struct pt_req *r, const struct acme_conf *c, bool renew)
{
    struct sweep_queue q = { .c = c, .renew = renew };
    int rc = renew ? pt_db_query(r, sweep_renew_sql, PT_ARGS(PT_ARG_INT(c->renew_days)), &q.rows)
                   : pt_db_query(r, sweep_issue_sql, PT_NOARGS, &q.rows);

    if (rc == 0 && json_array_size(q.rows) > 0)
        rc = pt_db_tx(r, sweep_queue_tx, &q);
    return rc != 0 ? rc : q.queued;
}

int acme_job_sweep(struct pt_req *r, json_t *payload)
{
    struct acme_conf c;
    int issue, renew, removed;

    (void)payload;
    if (!acme_conf_load(r, &c))
        return 0;
    issue = sweep_queue(r, &c, false);
    renew = sweep_queue(r, &c, true);
    removed = acme_cert_cleanup(r, &c);
    if (issue != 0 || renew != 0 || removed != 0)
        pt_log_info("acme: sweep: %d to issue, %d to renew, %d removed (negative: an error)",
                    issue, renew, removed);
    acme_regenerate(r, removed > 0);
    return issue < 0 ? issue : renew < 0 ? renew : 0;
}

/* ---- nginx ------------------------------------------------------------------------------ */

static bool regen_query_true(struct pt_req *r, const char *sql)
{
    json_t *row;

    return pt_db_query_one(r, sql, PT_NOARGS, &row) == 0 &&
           json_integer_value(json_object_get(row, "yes")) != 0;
}

void acme_regenerate(struct pt_req *r, bool force)
{
    const char *msg = NULL;

    if (!force) {
        if (regen_query_true(r, "SELECT COUNT(*) > 0 AS yes FROM jobs WHERE kind = 'acme.issue' "
                             "AND state = 'queued' AND run_at <= NOW()"))
            return;                /* the last job of the batch regenerates */
        /* A certificate that changed after the last good generation began
         * (">=": a second's resolution; one reload too many is harmless,
         * one too few leaves a host on plain HTTP). */
        if (!regen_query_true(r, "SELECT EXISTS (SELECT 1 FROM hostnames WHERE cert_path IS NOT "
                              "NULL AND updated >= COALESCE((SELECT MAX(started) FROM "
                              "nginx_generations WHERE status = 'ok'), '1000-01-01')) AS yes"))
            return;
    }
    int rc = pt_nginx_regenerate(r, &msg);
    if (rc != 0)
        pt_log_warn("acme: nginx was not regenerated (%d): %s", rc,
                    msg ? acme_one_line(r, msg, 400) : "no reason given");
}

/* Was host id verified before the last good generation began, so that the
 * live config serves its challenges? */
static bool regen_covers(struct pt_req *r, int64_t host_id)
{
    json_t *row;

    return pt_db_query_one(r, "SELECT EXISTS (SELECT 1 FROM hostnames h, nginx_generations g "
                           "WHERE h.id = ? AND g.status = 'ok' AND g.started >= h.verified_at) "
                           "AS yes", PT_ARGS(PT_ARG_INT(host_id)), &row) == 0 &&
           json_integer_value(json_object_get(row, "yes")) != 0;
}

/* Seconds since the last good generation finished (a large number when
 * there was none). */
static long regen_age(struct pt_req *r)
{
    json_t *row;

    if (pt_db_query_one(r, "SELECT COALESCE(TIMESTAMPDIFF(SECOND, MAX(finished), NOW()), 86400) "
                        "AS age FROM nginx_generations WHERE status = 'ok'", PT_NOARGS,
                        &row) != 0)
        return 86400;
    return (long)json_integer_value(json_object_get(row, "age"));
}

void acme_nginx_ready(struct pt_req *r, int64_t host_id)
{
    if (!regen_covers(r, host_id)) {
        acme_regenerate(r, true);
        /* Under systemd the generation runs apart from portald (a path unit
         * on [nginx] trigger_file): give it a moment. */
        for (int i = 0; i < ACME_NGINX_WAIT && !regen_covers(r, host_id); i++)
            sleep(1);
    }
    /* A reload returns before nginx's new workers take over: for a moment
     * the old ones (without this name's block) still answer, and the CA
     * validates from several places at once. */
    long age = regen_age(r);
    if (age >= 0 && age < ACME_RELOAD_SETTLE)
        sleep((unsigned)(ACME_RELOAD_SETTLE - age));
}
