/*
 * worker.c — a request worker: FCGX_Accept_r, parse, route, guard, handle,
 * render, FCGX_Finish_r, reset the arena.  One request at a time.
 *
 * Stopping: SIGTERM only sets a flag.  The listening socket has a receive
 * timeout (set by the master) and FCGI_FAIL_ACCEPT_ON_INTR makes an accept
 * interrupted by the signal return, so an idle worker notices the flag at
 * once and a busy one finishes its request first.  SA_RESTART keeps the
 * reads of a request in progress from failing with EINTR.
 *
 * The job worker is the same process set-up running pt_jobs_run instead of
 * the accept loop.
 */
#include "worker.h"
#include "arena.h"
#include "pt_config.h"
#include "audit.h"
#include "brand.h"
#include "db.h"
#include "guard.h"
#include "jobs.h"
#include "modules.h"
#include "render.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "tplset.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORKER_ARENA_CHUNK (64 * 1024)

static volatile sig_atomic_t worker_stop;

bool pt_worker_stopping(void)
{
    return worker_stop != 0;
}

static void worker_on_term(int sig)
{
    (void)sig;
    worker_stop = 1;
}

static void worker_signals(void)
{
    struct sigaction sa = { .sa_handler = worker_on_term, .sa_flags = SA_RESTART };
    sigset_t none;

    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static int run_module_inits(struct pt_worker *w)
{
    for (size_t i = 0; i < w->mods->n; i++) {
        const struct portal_module *m = w->mods->mods[i];
        struct pt_req ctx;

        if (m->init == NULL)
            continue;
        pt_req_init_job(&ctx, w);
        int rc = m->init(&ctx);
        pt_arena_reset(w->arena);
        if (rc != 0) {
            pt_log_error("%s: module %s failed to initialise (%d)", __func__, m->name, rc);
            return rc;
        }
    }
    return PT_OK;
}

/* After fork: the per-process state of DESIGN §2. */
static int worker_setup(struct pt_worker *w)
{
    worker_signals();
    w->arena = pt_arena_new(WORKER_ARENA_CHUNK);
    w->tplsets = pt_tplsets_new(w->cfg->templates_dir, w->cfg->hosts, w->cfg->n_hosts);
    w->db = pt_db_new(w->cfg);
    if (w->arena == NULL || w->tplsets == NULL || w->db == NULL) {
        pt_log_error("%s: out of memory", __func__);
        return PT_ENOMEM;
    }
    return run_module_inits(w);
}

void pt_worker_release(struct pt_worker *w)
{
    OPENSSL_cleanse(w->key, sizeof(w->key));
    pt_db_free(w->db);
    pt_db_free(w->admin_db);
    pt_brands_free(w->brands);
    w->brands = NULL;
    pt_tplsets_free(w->tplsets);
    pt_arena_free(w->arena);
    w->db = NULL;
    w->admin_db = NULL;
    w->tplsets = NULL;
    w->arena = NULL;
}

static int dispatch(struct pt_req *r, json_t **view)
{
    const struct pt_route *route = NULL;
    unsigned allowed = 0;
    char allow[64];

    int status = pt_brand_resolve_host(r);
    if (status != 0)
        return status;
    switch (pt_router_match(r->w->router, r->method, r->path, r->arena, &route, NULL,
                            &r->params, &allowed)) {
    case PT_MATCH_NOT_FOUND:
        return pt_error(r, 404, "There is no page at this address.");
    case PT_MATCH_BAD_METHOD:
        pt_resp_header(r, "Allow", pt_router_allow(allowed, allow, sizeof(allow)));
        return pt_error(r, 405, "This address does not accept that method.");
    case PT_MATCH_FOUND:
        break;
    }
    r->route = route;
    if ((route->flags & PT_ROUTE_API_ONLY) && !r->api)
        r->api = true;
    status = pt_guard(r);
    if (status != 0)
        return status;
    if (!r->api && r->method == PT_GET)
        pt_resp_take_flash(r, &r->flash_level, &r->flash_message);
    *view = pt_keep(r, json_object());
    if (*view == NULL)
        return pt_error(r, 500, "out of memory");
    status = route->handler(r, *view);
    if (status == PT_STREAMED && !r->streaming)
        return pt_error(r, 500, "The handler returned no response.");
    return status;
}

static void handle_request(struct pt_worker *w, FCGX_Request *fr)
{
    struct pt_req r;
    json_t *view = NULL;
    int status = pt_req_init(&r, w, fr);

    if (status == 0)
        status = dispatch(&r, &view);
    if (status >= 500)
        pt_log_error("%s %s → %d (request %s)", r.method_name, r.path, status, r.id);
    pt_render(&r, status, view);
    pt_audit_flush(&r);
}

static int accept_loop(struct pt_worker *w, FCGX_Request *fr)
{
    unsigned failures = 0;

    while (!worker_stop && w->served < w->cfg->max_requests) {
        if (FCGX_Accept_r(fr) < 0) {
            /* A timeout or our signal: look at the flag again.  Anything else
             * is logged, with a pause so a broken socket does not spin. */
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && !worker_stop) {
                pt_log_error("%s: FCGX_Accept_r: %s", __func__, strerror(errno));
                if (++failures > 100)
                    return EXIT_FAILURE;
                nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
            }
            continue;
        }
        failures = 0;
        handle_request(w, fr);
        FCGX_Finish_r(fr);
        pt_arena_reset(w->arena);
        w->served++;
    }
    return EXIT_SUCCESS;
}

int pt_worker_run(struct pt_worker *w)
{
    FCGX_Request fr;
    int rc = EXIT_FAILURE;

    if (worker_setup(w) != 0)
        goto out;
    if (w->kind == PT_WORKER_JOBS) {
        close(w->listen_fd);      /* the job worker never serves requests */
        rc = pt_jobs_run(w);
        goto out;
    }
    if (FCGX_InitRequest(&fr, w->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        pt_log_error("%s: FCGX_InitRequest failed", __func__);
        goto out;
    }
    rc = accept_loop(w, &fr);
    FCGX_Free(&fr, 1);
out:
    pt_worker_release(w);
    return rc;
}
