/*
 * jobs.h — the job worker: claims due jobs and runs the modules' handlers,
 * turns the modules' recurring schedules into jobs, and delivers the mail
 * outbox (mail.h).  Any number of job workers, on any number of machines,
 * may run at once: every claim is SELECT … FOR UPDATE SKIP LOCKED.
 *
 * Config ([jobs], all optional):
 *   retry_seconds  first back-off after a failed run (default 30; doubles
 *                  per attempt, capped at 1 hour)
 *   stale_seconds  a job 'running' longer than this lost its worker and is
 *                  queued again (default 600): handlers must finish sooner,
 *                  and should be idempotent (a worker that dies after the
 *                  handler's work but before marking it done runs it again).
 */
#ifndef PT_JOBS_H
#define PT_JOBS_H

#include <stdint.h>

struct pt_worker;

#define PT_JOBS_MAX_ATTEMPTS   5       /* when the job kind says 0 */
#define PT_JOBS_BACKOFF_CAP    3600

/* Loops until pt_worker_stopping(); returns the process exit status. */
int pt_jobs_run(struct pt_worker *w);

/* One pass of each duty (the loop's steps, exported for tests):
 * the number of things done, or a negative PT_E….  Schedules fire only once
 * their job_schedules rows exist: pt_jobs_run creates them at start. */
int pt_jobs_schedule_due(struct pt_worker *w);
int pt_jobs_run_due(struct pt_worker *w);
int pt_jobs_requeue_stale(struct pt_worker *w);

/* ---- schedules: pure, unit-tested ---------------------------------------- */

enum pt_schedule_kind { PT_SCHEDULE_EVERY = 1, PT_SCHEDULE_DAILY };

struct pt_schedule_spec {
    enum pt_schedule_kind kind;
    unsigned              seconds;   /* EVERY: the interval; DAILY: seconds after 00:00 UTC */
};

/* "every N" (N seconds, 1..2592000) or "daily HH:MM" (UTC, 00:00..23:59),
 * single spaces, nothing else.  0 or PT_EINVAL. */
int pt_schedule_parse(const char *when, struct pt_schedule_spec *out);
/* The first run time strictly after now (Unix seconds, UTC). */
int64_t pt_schedule_next(const struct pt_schedule_spec *s, int64_t now);
/* The delay before retry number `attempts` (1-based): base × 2^(attempts-1),
 * at most cap. */
unsigned pt_jobs_backoff(unsigned base, unsigned attempts, unsigned cap);

#endif
