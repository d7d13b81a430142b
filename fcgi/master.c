/*
 * master.c — the supervisor of DESIGN §2.  It never serves a request: it
 * waits for signals with sigtimedwait (no handlers, no shared flags), forks
 * the workers of the current generation, restarts dead ones with back-off,
 * swaps in a new generation on SIGHUP and stops everything on SIGTERM.
 */
#include "master.h"
#include "pt_config.h"
#include "catalogue.h"
#include "migrate.h"
#include "modules.h"
#include "portal.h"
#include "router.h"
#include "worker.h"

#include <errno.h>
#include <curl/curl.h>
#include <fcgiapp.h>
#include <grp.h>
#include <mysql.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MASTER_TICK_NS    (100 * 1000000L)
#define MAX_BACKOFF       30.0
#define STABLE_SECONDS    30.0

struct slot {
    pid_t               pid;          /* 0 while waiting to be (re)started */
    enum pt_worker_kind kind;
    unsigned            index;
    double              started, next_start;
    unsigned            crashes;
};

struct retiring {
    pid_t  pid;
    double deadline;                  /* SIGKILL after this */
};

struct master {
    const char        *config_path;
    struct pt_config  *cfg;
    struct pt_modules *mods;
    struct pt_router  *router;
    int                listen_fd;
    bool               own_socket;
    struct slot       *slots;
    size_t             n_slots;
    struct retiring   *retiring;
    size_t             n_retiring;
};

static double now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct pt_router *build_router(const struct pt_modules *mods, char *err, size_t len)
{
    struct pt_router *rt = pt_router_new();

    if (rt == NULL) {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < mods->n; i++)
        for (const struct pt_route *r = mods->mods[i]->routes; r && r->pattern; r++)
            if (pt_router_add(rt, r, mods->mods[i], err, len) != 0) {
                pt_router_free(rt);
                return NULL;
            }
    return rt;
}

/* Config, modules and routes of one generation; all or nothing. */
static int load_generation(const char *path, struct pt_config **cfg, struct pt_modules **mods,
                           struct pt_router **router)
{
    char err[1024];

    *cfg = NULL;
    *mods = NULL;
    *router = NULL;
    if (pt_config_load(path, cfg, err, sizeof(err)) != 0 ||
        pt_modules_load((*cfg)->modules_dir, (*cfg)->modules, (*cfg)->n_modules, mods,
                        err, sizeof(err)) != 0 ||
        (*router = build_router(*mods, err, sizeof(err))) == NULL) {
        pt_log_error("%s", err);
        pt_modules_free(*mods);
        pt_config_free(*cfg);
        *cfg = NULL;
        *mods = NULL;
        return PT_EINVAL;
    }
    return PT_OK;
}

static void free_generation(struct master *m)
{
    pt_router_free(m->router);
    pt_modules_free(m->mods);
    pt_config_free(m->cfg);
    m->router = NULL;
    m->mods = NULL;
    m->cfg = NULL;
}

static int make_slots(struct master *m)
{
    size_t n = m->cfg->workers + m->cfg->job_workers;
    struct slot *s = calloc(n, sizeof(*s));

    if (s == NULL)
        return PT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        s[i].kind = i < m->cfg->workers ? PT_WORKER_REQUESTS : PT_WORKER_JOBS;
        s[i].index = (unsigned)(i < m->cfg->workers ? i : i - m->cfg->workers);
    }
    free(m->slots);
    m->slots = s;
    m->n_slots = n;
    return PT_OK;
}

static void spawn(struct master *m, struct slot *s)
{
    pid_t pid = fork();

    if (pid < 0) {
        pt_log_error("%s: fork: %s", __func__, strerror(errno));
        s->next_start = now_mono() + 1.0;
        return;
    }
    if (pid == 0) {
        struct pt_worker w = { .kind = s->kind, .index = s->index, .cfg = m->cfg,
                               .mods = m->mods, .router = m->router,
                               .listen_fd = m->listen_fd };
        int rc = pt_worker_run(&w);

        free(m->slots);
        free(m->retiring);
        free_generation(m);
        exit(rc);
    }
    s->pid = pid;
    s->started = now_mono();
    pt_log_info("%s %u started as pid %ld",
                s->kind == PT_WORKER_JOBS ? "job worker" : "worker", s->index, (long)pid);
}

static void start_due(struct master *m)
{
    double t = now_mono();

    for (size_t i = 0; i < m->n_slots; i++)
        if (m->slots[i].pid == 0 && m->slots[i].next_start <= t)
            spawn(m, &m->slots[i]);
}

/* A clean exit (recycled after max_requests) restarts at once; a crash waits
 * 0.1 s, 0.2 s, … up to 30 s, so a worker that dies at start cannot spin. */
static void slot_died(struct slot *s, int status)
{
    double t = now_mono();

    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        s->next_start = t;
    } else {
        if (t - s->started > STABLE_SECONDS)
            s->crashes = 0;
        s->crashes++;
        double delay = 0.1 * (double)(1u << (s->crashes > 9 ? 9 : s->crashes - 1));
        s->next_start = t + (delay > MAX_BACKOFF ? MAX_BACKOFF : delay);
        if (WIFSIGNALED(status))
            pt_log_error("worker pid %ld killed by signal %d; restart in %.1f s",
                         (long)s->pid, WTERMSIG(status), s->next_start - t);
        else
            pt_log_error("worker pid %ld exited with %d; restart in %.1f s",
                         (long)s->pid, WEXITSTATUS(status), s->next_start - t);
    }
    s->pid = 0;
}

static void reap(struct master *m)
{
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < m->n_slots; i++)
            if (m->slots[i].pid == pid)
                slot_died(&m->slots[i], status);
        for (size_t i = 0; i < m->n_retiring; i++)
            if (m->retiring[i].pid == pid)
                m->retiring[i--] = m->retiring[--m->n_retiring];
    }
}

static int retire_current(struct master *m)
{
    size_t n = m->n_retiring + m->n_slots;
    struct retiring *r = realloc(m->retiring, (n ? n : 1) * sizeof(*r));
    double deadline = now_mono() + m->cfg->grace_seconds;

    if (r == NULL)
        return PT_ENOMEM;
    m->retiring = r;
    for (size_t i = 0; i < m->n_slots; i++)
        if (m->slots[i].pid > 0) {
            kill(m->slots[i].pid, SIGTERM);
            r[m->n_retiring++] = (struct retiring){ m->slots[i].pid, deadline };
        }
    return PT_OK;
}

static void kill_overdue(struct master *m)
{
    double t = now_mono();

    for (size_t i = 0; i < m->n_retiring; i++)
        if (m->retiring[i].deadline <= t) {
            pt_log_warn("pid %ld did not stop within the grace period: SIGKILL",
                        (long)m->retiring[i].pid);
            kill(m->retiring[i].pid, SIGKILL);
            m->retiring[i].deadline = t + 3600;
        }
}

static bool has_database(const struct pt_config *cfg)
{
    return pt_config_value(cfg, "database", "name") != NULL ||
           pt_config_value(cfg, "database", "socket") != NULL ||
           pt_config_value(cfg, "database", "host") != NULL;
}

/* Workers would fail on a schema they do not know: refuse to start instead,
 * naming the pending migrations (portalctl migrate applies them).  Then the
 * modules' permissions go into the catalogue. */
static int schema_up_to_date(const struct pt_config *cfg, const struct pt_modules *mods)
{
    char err[2048];

    if (!has_database(cfg))
        return PT_OK;       /* no database configured: the runtime alone */
    if (pt_migrate_check(cfg, err, sizeof(err)) != 0) {
        pt_log_error("%s", err);
        return PT_EINVAL;
    }
    return pt_catalogue_sync(cfg, mods);
}

/* SIGHUP: a new generation from the re-read config; the old workers finish
 * their request and exit while the new ones already accept. */
static void reload(struct master *m)
{
    struct pt_config *cfg;
    struct pt_modules *mods;
    struct pt_router *router;

    pt_log_info("SIGHUP: reloading %s", m->config_path);
    if (load_generation(m->config_path, &cfg, &mods, &router) != 0 ||
        schema_up_to_date(cfg, mods) != 0) {
        if (cfg) {
            pt_router_free(router);
            pt_modules_free(mods);
            pt_config_free(cfg);
        }
        pt_log_error("reload refused: the running workers keep the old configuration");
        return;
    }
    if ((cfg->socket_path && m->cfg->socket_path &&
         strcmp(cfg->socket_path, m->cfg->socket_path) != 0))
        pt_log_warn("reload: a new socket path takes effect only on restart");
    if (retire_current(m) != 0) {
        pt_log_error("reload: out of memory");
        pt_router_free(router);
        pt_modules_free(mods);
        pt_config_free(cfg);
        return;
    }
    free_generation(m);
    m->cfg = cfg;
    m->mods = mods;
    m->router = router;
    if (make_slots(m) != 0) {
        pt_log_error("reload: out of memory");
        return;
    }
    start_due(m);
}

/* SIGTERM: every worker finishes its request within the grace period, or is killed. */
static void stop_all(struct master *m, const sigset_t *set)
{
    struct timespec tick = { .tv_nsec = MASTER_TICK_NS };

    pt_log_info("stopping: waiting up to %u s for requests in flight", m->cfg->grace_seconds);
    retire_current(m);
    for (size_t i = 0; i < m->n_slots; i++)
        m->slots[i].pid = 0;
    while (m->n_retiring > 0) {
        sigtimedwait(set, NULL, &tick);
        reap(m);
        kill_overdue(m);
    }
}

static bool socket_in_use(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool used;

    if (fd < 0 || strlen(path) >= sizeof(sun.sun_path)) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    used = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
    close(fd);
    return used;
}

/* nginx reaches the socket through its group (www-data on Debian); nobody else can. */
static int socket_give_group(const struct pt_config *cfg)
{
    struct group *g;

    if (cfg->socket_group == NULL)
        return PT_OK;
    g = getgrnam(cfg->socket_group);
    if (g == NULL || chown(cfg->socket_path, (uid_t)-1, g->gr_gid) != 0) {
        pt_log_error("cannot give %s to group %s: %s", cfg->socket_path, cfg->socket_group,
                     g ? strerror(errno) : "no such group");
        return PT_EIO;
    }
    return PT_OK;
}

/* systemd socket activation (LISTEN_FDS) or our own unix socket. */
static int open_listener(struct master *m)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    struct timeval tv = { .tv_sec = 1 };

    if (pid && fds && atol(pid) == (long)getpid() && atoi(fds) >= 1) {
        m->listen_fd = 3;
        pt_log_info("listening on the socket passed by systemd");
    } else {
        if (socket_in_use(m->cfg->socket_path)) {
            pt_log_error("%s is in use: is another portald running?", m->cfg->socket_path);
            return PT_EEXIST;
        }
        m->listen_fd = FCGX_OpenSocket(m->cfg->socket_path, (int)m->cfg->backlog);
        if (m->listen_fd < 0 || chmod(m->cfg->socket_path, m->cfg->socket_mode) != 0) {
            pt_log_error("cannot listen on %s: %s", m->cfg->socket_path, strerror(errno));
            return PT_EIO;
        }
        m->own_socket = true;
        if (socket_give_group(m->cfg) != 0)
            return PT_EIO;
        pt_log_info("listening on %s", m->cfg->socket_path);
    }
    /* Idle workers wake up every second to look at their stop flag. */
    setsockopt(m->listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return PT_OK;
}

static void supervise(struct master *m, const sigset_t *set)
{
    struct timespec tick = { .tv_nsec = MASTER_TICK_NS };

    for (;;) {
        int sig = sigtimedwait(set, NULL, &tick);

        if (sig == SIGTERM || sig == SIGINT) {
            stop_all(m, set);
            return;
        }
        if (sig == SIGHUP)
            reload(m);
        reap(m);
        kill_overdue(m);
        start_due(m);
    }
}

int pt_master_run(const char *config_path)
{
    struct master m = { .config_path = config_path, .listen_fd = -1 };
    sigset_t set;
    int rc = EXIT_FAILURE;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (load_generation(config_path, &m.cfg, &m.mods, &m.router) != 0)
        goto out;
    /* Libraries' process-wide set-up happens once, before any fork. */
    if (mysql_library_init(0, NULL, NULL) != 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        pt_log_error("cannot initialise the MariaDB or curl library");
        goto out;
    }
    if (schema_up_to_date(m.cfg, m.mods) != 0)
        goto out;
    if (FCGX_Init() != 0 || open_listener(&m) != 0 || make_slots(&m) != 0)
        goto out;
    pt_log_info("portald started: %u workers, %u job workers, %zu modules",
                m.cfg->workers, m.cfg->job_workers, m.mods->n);
    start_due(&m);
    supervise(&m, &set);
    rc = EXIT_SUCCESS;
    pt_log_info("portald stopped");
out:
    if (m.own_socket && m.cfg)
        unlink(m.cfg->socket_path);
    free(m.slots);
    free(m.retiring);
    free_generation(&m);
    curl_global_cleanup();
    mysql_library_end();
    return rc;
}
