/* worker.h — one process's state, passed explicitly (no mutable globals). */
#ifndef PT_WORKER_H
#define PT_WORKER_H

#include <stdbool.h>

struct pt_config;
struct pt_modules;
struct pt_router;
struct pt_tplsets;
struct pt_arena;
struct pt_db;
struct pt_brands;

enum pt_worker_kind { PT_WORKER_REQUESTS, PT_WORKER_JOBS };

struct pt_worker {
    enum pt_worker_kind      kind;
    unsigned                 index;        /* 0..workers-1 */
    const struct pt_config  *cfg;
    const struct pt_modules *mods;
    struct pt_router        *router;
    struct pt_tplsets       *tplsets;
    struct pt_arena         *arena;        /* reset after every request / job */
    struct pt_db            *db;           /* opened lazily on first use */
    struct pt_db            *admin_db;     /* job worker only: pt_db_admin_exec */
    struct pt_brands        *brands;       /* fcgi/brand.c: host names and brands */
    int                      listen_fd;
    int                      key_state;    /* [security] key_file: 0 unread, 1 loaded, -1 none */
    unsigned char            key[32];
    unsigned long            served;
};

/* Runs the FastCGI accept loop until stopped or recycled; returns the exit status. */
int pt_worker_run(struct pt_worker *w);
/* Frees what a worker (or portalctl, or a test) holds: its database
 * connections, brand cache, template caches and arena; the key is wiped. */
void pt_worker_release(struct pt_worker *w);
/* Set by the SIGTERM handler: finish the current request, then exit. */
bool pt_worker_stopping(void);

#endif
