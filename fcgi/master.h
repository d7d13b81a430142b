/* master.h — the supervisor: forks workers, restarts, reloads, stops. */
#ifndef PT_MASTER_H
#define PT_MASTER_H

/* Runs until SIGTERM/SIGINT; returns the exit status.  config_path is
 * re-read on SIGHUP. */
int pt_master_run(const char *config_path);

#endif
