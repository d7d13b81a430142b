/*
 * jobs.c — the job worker's loop (see jobs.h) and pt_job_enqueue.
 *
 * Each duty claims rows in a short READ COMMITTED transaction
 * (SELECT … FOR UPDATE SKIP LOCKED, then mark them with this worker's name),
 * commits, and only then does the slow work outside any transaction.  A
 * concurrent worker skips the locked rows instead of waiting, and after the
 * commit the rows' state says who owns them.
 */
#include "audit.h"
#include "jobs.h"
#include "queue.h"

#include "arena.h"
#include "pt_config.h"
#include "db.h"
#include "mail.h"
#include "modules.h"
#include "portal.h"
#include "request.h"
#include "worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define JOBS_STALE_EVERY 60          /* seconds between stale-lock sweeps */

/* ---- schedules (pure) --------------------------------------------------- */

static int sched_number(const char *s, size_t len, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (len == 0 || len > 7 || (len > 1 && s[0] == '0'))
        return PT_EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return PT_EINVAL;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > max)
        return PT_EINVAL;
    *out = v;
    return 0;
}

int pt_schedule_parse(const char *when, struct pt_schedule_spec *out)
{
    unsigned long n, h, m;

    if (when == NULL)
        return PT_EINVAL;
    if (strncmp(when, "every ", 6) == 0) {
        if (sched_number(when + 6, strlen(when + 6), 2592000, &n) != 0 || n == 0)
            return PT_EINVAL;
        *out = (struct pt_schedule_spec){ PT_SCHEDULE_EVERY, (unsigned)n };
        return 0;
    }
    if (strncmp(when, "daily ", 6) == 0) {
        const char *t = when + 6;
        /* Exactly HH:MM: two digits each, so "2:00" and "02:00:00" are refused. */
        if (strlen(t) != 5 || t[2] != ':' || t[0] < '0' || t[0] > '9' || t[1] < '0' ||
            t[1] > '9' || t[3] < '0' || t[3] > '9' || t[4] < '0' || t[4] > '9')
            return PT_EINVAL;
        h = (unsigned long)((t[0] - '0') * 10 + (t[1] - '0'));
        m = (unsigned long)((t[3] - '0') * 10 + (t[4] - '0'));
        if (h > 23 || m > 59)
            return PT_EINVAL;
        *out = (struct pt_schedule_spec){ PT_SCHEDULE_DAILY, (unsigned)(h * 3600 + m * 60) };
        return 0;
    }
    return PT_EINVAL;
}

int64_t pt_schedule_next(const struct pt_schedule_spec *s, int64_t now)
{
    if (s->kind == PT_SCHEDULE_EVERY)
        return now + s->seconds;
    /* UTC has no DST: a day is 86400 s, so day arithmetic is exact. */
    int64_t day = now >= 0 ? now / 86400 : -((-now + 86399) / 86400);
    int64_t at = day * 86400 + s->seconds;
    return at > now ? at : at + 86400;
}

unsigned pt_jobs_backoff(unsigned base, unsigned attempts, unsigned cap)
{
    unsigned long long d = base ? base : 1;

    for (unsigned i = 1; i < attempts && d < cap; i++)
        d *= 2;
    return d > cap ? cap : (unsigned)d;
}

/* ---- helpers ------------------------------------------------------------ */

static unsigned jobs_conf(const struct pt_worker *w, const char *key, unsigned dflt)
{
    const char *v = pt_config_value(w->cfg, "jobs", key);
    char *end;
    unsigned long x;

    if (v == NULL)
        return dflt;
    errno = 0;
    x = strtoul(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno != 0 || x == 0 || x > 86400 * 7) {
        pt_log_warn("%s: [jobs] %s = %s is not a number of seconds, using %u", __func__, key,
                    v, dflt);
        return dflt;
    }
    return (unsigned)x;
}

/* ---- schedules → jobs --------------------------------------------------- */

struct sched_claim {
    const char             *kind;
    struct pt_schedule_spec spec;
    int                     max_attempts;
    bool                    fired;
};

static int sched_claim_tx(struct pt_req *r, void *arg)
{
    struct sched_claim *c = arg;
    json_t *rows;
    int rc;

    c->fired = false;
    rc = pt_db_query(r, "SELECT UNIX_TIMESTAMP() AS now FROM job_schedules "
                     "WHERE kind = ? AND next_run_at <= NOW() FOR UPDATE SKIP LOCKED",
                     PT_ARGS(PT_ARG_STR(c->kind)), &rows);
    if (rc != 0 || json_array_size(rows) == 0)
        return rc;
    int64_t now = json_integer_value(json_object_get(json_array_get(rows, 0), "now"));
    /* From now, not from the missed slot: a worker that was down for a day
     * runs a schedule once, not once per missed interval. */
    if ((rc = pt_db_exec(r, "UPDATE job_schedules SET next_run_at = FROM_UNIXTIME(?) "
                         "WHERE kind = ?", PT_ARGS(PT_ARG_INT(pt_schedule_next(&c->spec, now)),
                         PT_ARG_STR(c->kind)), NULL, NULL)) != 0)
        return rc;
    rc = pt_db_exec(r, "INSERT INTO jobs (kind, payload, max_attempts) VALUES (?, '{}', ?)",
                    PT_ARGS(PT_ARG_STR(c->kind), PT_ARG_INT(c->max_attempts)), NULL, NULL);
    c->fired = rc == 0;
    return rc;
}

/* The schedule spec and job kind of s, or false (logged when log is set). */
static bool sched_valid(struct pt_worker *w, const struct pt_schedule *s,
                        struct sched_claim *c, bool log)
{
    const struct pt_job_kind *k = pt_modules_job_kind(w->mods, s->kind);

    if (k == NULL || pt_schedule_parse(s->when, &c->spec) != 0) {
        if (log)
            pt_log_error("%s: schedule '%s' of kind '%s' is invalid or no module declares "
                         "the kind: ignored", __func__, s->when ? s->when : "", s->kind);
        return false;
    }
    c->kind = s->kind;
    c->max_attempts = k->max_attempts > 0 ? k->max_attempts : PT_JOBS_MAX_ATTEMPTS;
    return true;
}

/* Once per job worker: a row per schedule ("every": due now, "daily": at the
 * next HH:MM); an existing row, shared with other workers, is left alone. */
static int sched_register(struct pt_worker *w)
{
    struct sched_claim c;
    struct pt_req r;
    int rc = 0;

    for (size_t i = 0; w->mods && i < w->mods->n && rc == 0; i++)
        for (const struct pt_schedule *s = w->mods->mods[i]->schedules; s && s->kind; s++) {
            if (!sched_valid(w, s, &c, true))
                continue;
            int64_t now = time(NULL);
            int64_t first = c.spec.kind == PT_SCHEDULE_EVERY ? now : pt_schedule_next(&c.spec, now);
            pt_req_init_job(&r, w);
            rc = pt_db_exec(&r, "INSERT INTO job_schedules (kind, next_run_at) "
                            "VALUES (?, FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE kind = kind",
                            PT_ARGS(PT_ARG_STR(s->kind), PT_ARG_INT(first)), NULL, NULL);
            pt_arena_reset(w->arena);
            if (rc != 0)
                break;
        }
    return rc;
}

int pt_jobs_schedule_due(struct pt_worker *w)
{
    struct sched_claim c;
    struct pt_req r;
    int done = 0, rc = 0;

    for (size_t i = 0; w->mods && i < w->mods->n && rc != PT_ECONN; i++)
        for (const struct pt_schedule *s = w->mods->mods[i]->schedules; s && s->kind; s++) {
            if (!sched_valid(w, s, &c, false))
                continue;
            pt_req_init_job(&r, w);
            rc = pt_db_tx_read_committed(&r, sched_claim_tx, &c);
            pt_arena_reset(w->arena);
            if (rc == PT_ECONN)
                break;
            done += c.fired;
        }
    return rc == PT_ECONN ? rc : done;
}

/* ---- claiming and running jobs ------------------------------------------ */

/* The jobs table as a work queue (queue.h). */
static const struct pt_queue jobs_queue = {
    .claim_sql = "SELECT id FROM jobs WHERE state = 'queued' AND run_at <= NOW() "
                 "ORDER BY run_at LIMIT 10 FOR UPDATE SKIP LOCKED",
    .mark_sql = "UPDATE jobs SET state = 'running', locked_by = ?, "
                "locked_at = NOW(), attempts = attempts + 1 WHERE id = ?",
    .release_sql = "UPDATE jobs SET state = 'queued', attempts = attempts - 1, "
                   "locked_by = NULL, locked_at = NULL WHERE id = ? AND locked_by = ? "
                   "AND state = 'running'",
};

/* Records the outcome; the owner check keeps a run that outlived its lock
 * (and was queued again by the stale sweep) from overwriting the new state. */
static int job_finish(struct pt_req *r, const char *owner, int64_t id, int64_t attempts,
                      int result, const char *why)
{
    unsigned base = jobs_conf(r->w, "retry_seconds", 30);

    if (result == 0)
        return pt_db_exec(r, "UPDATE jobs SET state = 'done', locked_by = NULL, "
                          "locked_at = NULL, last_error = NULL WHERE id = ? AND locked_by = ?",
                          PT_ARGS(PT_ARG_INT(id), PT_ARG_STR(owner)), NULL, NULL);
    unsigned delay = pt_jobs_backoff(base, (unsigned)attempts, PT_JOBS_BACKOFF_CAP);
    return pt_db_exec(r, "UPDATE jobs SET state = IF(attempts >= max_attempts, 'failed', "
                      "'queued'), run_at = NOW() + INTERVAL ? SECOND, last_error = ?, "
                      "locked_by = NULL, locked_at = NULL WHERE id = ? AND locked_by = ?",
                      PT_ARGS(PT_ARG_INT(delay), PT_ARG_STR(why), PT_ARG_INT(id),
                      PT_ARG_STR(owner)), NULL, NULL);
}

/* Loads one claimed job, runs its handler, records the outcome. */
static int job_run_one(struct pt_worker *w, const char *owner, int64_t id)
{
    struct pt_req r;
    json_t *row, *payload = NULL;
    char why[256] = "";
    int rc, result = PT_EINVAL;

    pt_req_init_job(&r, w);
    rc = pt_db_query_one(&r, "SELECT kind, payload, attempts FROM jobs WHERE id = ? "
                         "AND locked_by = ?", PT_ARGS(PT_ARG_INT(id), PT_ARG_STR(owner)), &row);
    if (rc != 0)
        goto out;
    const char *kind = json_string_value(json_object_get(row, "kind"));
    const struct pt_job_kind *k = pt_modules_job_kind(w->mods, kind ? kind : "");
    payload = json_loads(json_string_value(json_object_get(row, "payload")), 0, NULL);
    if (k == NULL || k->run == NULL)
        snprintf(why, sizeof(why), "no module handles job kind '%s'", kind ? kind : "");
    else if (payload == NULL)
        snprintf(why, sizeof(why), "payload is not JSON");
    else if ((result = k->run(&r, payload)) != 0)
        snprintf(why, sizeof(why), "%s: handler failed (%d)", kind, result);
    if (result != 0)
        pt_log_warn("%s: job %lld: %s", __func__, (long long)id, why);
    rc = job_finish(&r, owner, id, json_integer_value(json_object_get(row, "attempts")),
                    result, why);
out:
    /* Failures a handler logged inside its rolled-back transaction. */
    pt_audit_flush(&r);
    json_decref(payload);
    pt_arena_reset(w->arena);
    return rc;
}

int pt_jobs_run_due(struct pt_worker *w)
{
    struct pt_queue_claim c;
    size_t i;
    int rc = pt_queue_claim(w, &jobs_queue, &c);

    if (rc != 0)
        return rc;
    for (i = 0; i < c.n && !pt_worker_stopping(); i++)
        if ((rc = job_run_one(w, c.owner, c.ids[i])) == PT_ECONN)
            break;
    /* Claimed rows not started because the worker is stopping go back. */
    if (i < c.n)
        pt_queue_release(w, &jobs_queue, &c, i);
    return rc == PT_ECONN ? rc : (int)c.n;
}

int pt_jobs_requeue_stale(struct pt_worker *w)
{
    unsigned stale = jobs_conf(w, "stale_seconds", 600);
    uint64_t n = 0;
    struct pt_req r;
    int rc;

    pt_req_init_job(&r, w);
    rc = pt_db_exec(&r, "UPDATE jobs SET state = IF(attempts >= max_attempts, 'failed', "
                    "'queued'), run_at = NOW(), last_error = 'its worker stopped while "
                    "running it (stale lock)', locked_by = NULL, locked_at = NULL "
                    "WHERE state = 'running' AND locked_at < NOW() - INTERVAL ? SECOND",
                    PT_ARGS(PT_ARG_INT(stale)), &n, NULL);
    if (rc == 0 && n > 0)
        pt_log_warn("%s: %llu job(s) had a stale lock: queued again or failed", __func__,
                    (unsigned long long)n);
    pt_arena_reset(w->arena);
    if (rc == 0)
        rc = pt_mail_requeue_stale(w, stale);
    return rc != 0 ? rc : (int)n;
}

/* ---- the loop ----------------------------------------------------------- */

/* Sleeps up to ms in short slices, so a stop request is seen within 100 ms. */
static void jobs_nap(long ms)
{
    for (; ms > 0 && !pt_worker_stopping(); ms -= 100) {
        struct timespec ts = { 0, (ms < 100 ? ms : 100) * 1000000L };
        nanosleep(&ts, NULL);
    }
}

static int jobs_pass(struct pt_worker *w, bool *down)
{
    int steps[3], did = 0;

    steps[0] = pt_jobs_schedule_due(w);
    steps[1] = pt_worker_stopping() ? 0 : pt_jobs_run_due(w);
    steps[2] = pt_worker_stopping() ? 0 : pt_mail_deliver_due(w);
    *down = false;
    for (int i = 0; i < 3; i++) {
        if (steps[i] > 0)
            did += steps[i];
        if (steps[i] == PT_ECONN)
            *down = true;
    }
    return did;
}

int pt_jobs_run(struct pt_worker *w)
{
    time_t last_sweep = 0;
    long down_nap = 1000;
    bool down, registered = false;

    pt_log_info("%s: job worker %u started", __func__, w->index);
    while (!pt_worker_stopping()) {
        if (!registered)
            registered = sched_register(w) == 0;
        if (time(NULL) - last_sweep >= JOBS_STALE_EVERY) {
            pt_jobs_requeue_stale(w);
            last_sweep = time(NULL);
        }
        int did = jobs_pass(w, &down);
        if (down) {
            /* The database is away: back off up to 30 s instead of logging
             * the same failure every second. */
            jobs_nap(down_nap);
            down_nap = down_nap < 30000 ? down_nap * 2 : 30000;
            continue;
        }
        down_nap = 1000;
        if (did == 0)
            jobs_nap(1000);
    }
    pt_log_info("%s: job worker %u stopped", __func__, w->index);
    return 0;
}

/* ---- pt_job_enqueue (portal.h) ------------------------------------------ */

int pt_job_enqueue(struct pt_req *r, const char *kind, json_t *payload, int delay_seconds)
{
    const struct pt_job_kind *k = NULL;
    char *text;
    int rc;

    if (kind == NULL || *kind == '\0' || strlen(kind) > 64 || delay_seconds < 0 ||
        (payload && !json_is_object(payload))) {
        pt_log_error("%s: request %s: bad job (kind, payload object, delay >= 0)", __func__,
                     r->id);
        return PT_EINVAL;
    }
    /* Where modules are loaded, a kind nobody handles is a typo: refuse it now. */
    if (r->w->mods && (k = pt_modules_job_kind(r->w->mods, kind)) == NULL) {
        pt_log_error("%s: request %s: no module declares job kind '%s'", __func__, r->id, kind);
        return PT_EINVAL;
    }
    text = payload ? json_dumps(payload, JSON_COMPACT) : strdup("{}");
    if (text == NULL)
        return PT_ENOMEM;
    rc = pt_db_exec(r, "INSERT INTO jobs (kind, payload, run_at, max_attempts) "
                    "VALUES (?, ?, NOW() + INTERVAL ? SECOND, ?)",
                    PT_ARGS(PT_ARG_STR(kind), PT_ARG_STR(text), PT_ARG_INT(delay_seconds),
                    PT_ARG_INT(k && k->max_attempts > 0 ? k->max_attempts
                                                       : PT_JOBS_MAX_ATTEMPTS)), NULL, NULL);
    free(text);
    return rc;
}
