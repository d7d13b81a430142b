/* jobs.h — the job worker: claims due jobs and runs the modules' handlers. */
#ifndef PT_JOBS_H
#define PT_JOBS_H

struct pt_worker;

/* Loops until pt_worker_stopping(); returns the process exit status. */
int pt_jobs_run(struct pt_worker *w);

#endif
