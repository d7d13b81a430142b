/*
 * lego.c — one run of Debian's lego for one host name.
 *
 *   lego --accept-tos --server=URL --email=E --path=STATE --http
 *        --http.webroot=WEBROOT --domains=HOST [--key-type=T]
 *        run | renew --days=N --no-random-sleep
 *
 * fork/execve, no shell: every value is one argument of the "--key=value"
 * form, so nothing can be taken for another option, and the host name was
 * checked again by the caller.  lego gets a small environment of its own
 * (PATH, HOME, LEGO_CA_CERTIFICATES for a private CA, proxy variables):
 * nothing else of the worker's reaches it.  It runs in its own process
 * group with a deadline; past it the group gets SIGTERM, then SIGKILL.
 *
 * --no-random-sleep: lego would otherwise sleep up to eight minutes before
 * a renewal to spread the CA's load, holding the job worker (and the mail
 * it delivers) all that time.  The sweep spreads renewals itself, by
 * queueing them with a random delay ([acme] renew_jitter).
 */
#include "acme.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LEGO_LOG_KEEP  16384     /* the tail of lego's output kept for the reason */
#define LEGO_TERM_WAIT 5         /* seconds between SIGTERM and SIGKILL */

struct lego_log {
    char  *buf;                  /* LEGO_LOG_KEEP + 1 bytes, in the arena */
    size_t n;
};

/* ---- the command line and the environment --------------------------------------------- */

static char **lego_argv(struct pt_req *r, const struct acme_conf *c, const char *host,
                        bool renew)
{
    char **a = pt_alloc(r, 16 * sizeof(*a));
    size_t n = 0;

    if (a == NULL)
        return NULL;
    a[n++] = pt_strdup(r, c->binary);
    a[n++] = "--accept-tos";
    a[n++] = pt_printf(r, "--server=%s", c->directory_url);
    a[n++] = pt_printf(r, "--email=%s", c->email);
    a[n++] = pt_printf(r, "--path=%s", c->state_dir);
    a[n++] = "--http";
    a[n++] = pt_printf(r, "--http.webroot=%s", c->webroot);
    a[n++] = pt_printf(r, "--domains=%s", host);
    if (c->key_type)
        a[n++] = pt_printf(r, "--key-type=%s", c->key_type);
    if (renew) {
        a[n++] = "renew";
        a[n++] = pt_printf(r, "--days=%d", c->renew_days);
        a[n++] = "--no-random-sleep";
    } else {
        a[n++] = "run";
    }
    a[n] = NULL;
    for (size_t i = 0; i < n; i++)
        if (a[i] == NULL)
            return NULL;
    return a;
}

static char **lego_env(struct pt_req *r, const struct acme_conf *c)
{
    static const char *const pass[] = { "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY",
                                        "HTTPS_PROXY", "NO_PROXY", NULL };
    char **e = pt_alloc(r, 12 * sizeof(*e));
    size_t n = 0;

    if (e == NULL)
        return NULL;
    e[n++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    e[n++] = pt_printf(r, "HOME=%s", c->state_dir);
    if (c->ca_certificates)
        e[n++] = pt_printf(r, "LEGO_CA_CERTIFICATES=%s", c->ca_certificates);
    for (size_t i = 0; pass[i]; i++) {
        const char *v = getenv(pass[i]);
        if (v)
            e[n++] = pt_printf(r, "%s=%s", pass[i], v);
    }
    e[n] = NULL;
    for (size_t i = 0; i < n; i++)
        if (e[i] == NULL)
            return NULL;
    return e;
}

/* ---- running it ------------------------------------------------------------------------ */

static void lego_child(char **argv, char **envp, int outfd)
{
    sigset_t none;
    int devnull = open("/dev/null", O_RDONLY);

    /* Its own group, so a timeout stops lego and whatever it started; and
     * it dies with the job worker instead of outliving it. */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    /* Ignored signals and the mask would follow lego through exec. */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* lego makes keys 0600 itself; the challenge files must stay readable
     * by nginx's workers (www-data). */
    umask(022);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(outfd, 1) < 0 || dup2(outfd, 2) < 0)
        _exit(126);
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    if (chdir("/") != 0)
        _exit(126);
    execve(argv[0], argv, envp);
    _exit(127);
}

static void log_add(struct lego_log *l, const char *p, size_t n)
{
    if (n >= LEGO_LOG_KEEP) {
        p += n - LEGO_LOG_KEEP;
        n = LEGO_LOG_KEEP;
        l->n = 0;
    } else if (l->n + n > LEGO_LOG_KEEP) {
        size_t drop = l->n + n - LEGO_LOG_KEEP;
        memmove(l->buf, l->buf + drop, l->n - drop);
        l->n -= drop;
    }
    memcpy(l->buf + l->n, p, n);
    l->n += n;
    l->buf[l->n] = '\0';
}

static double lego_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads lego's output until EOF; at the deadline SIGTERM to its group, and
 * SIGKILL LEGO_TERM_WAIT s later.  true when it had to be stopped. */
static bool lego_drain(pid_t pid, int fd, int timeout, struct lego_log *l)
{
    double deadline = lego_now() + timeout;
    bool stopped = false;
    char chunk[4096];

    for (;;) {
        int left = (int)((deadline - lego_now()) * 1000);
        if (left <= 0) {
            if (stopped) {
                kill(-pid, SIGKILL);
                return true;
            }
            kill(-pid, SIGTERM);
            stopped = true;
            deadline = lego_now() + LEGO_TERM_WAIT;
            continue;
        }
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int prc = poll(&pfd, 1, left);
        if (prc < 0 && errno == EINTR)
            continue;
        if (prc < 0)
            return stopped;
        if (prc == 0)
            continue;
        ssize_t got = read(fd, chunk, sizeof(chunk));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return stopped;
        log_add(l, chunk, (size_t)got);
    }
}

/* Runs argv; its wait status in *st (-1: never ran), its output in l. */
static bool lego_spawn(char **argv, char **envp, int timeout, struct lego_log *l, int *st,
                       const char **fail)
{
    int pfd[2];

    *st = -1;
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        *fail = strerror(errno);
        return false;
    }
    pid_t pid = fork();
    if (pid < 0) {
        *fail = strerror(errno);
        close(pfd[0]);
        close(pfd[1]);
        return false;
    }
    if (pid == 0)
        lego_child(argv, envp, pfd[1]);
    setpgid(pid, pid);               /* both sides: no race with the first kill */
    close(pfd[1]);
    bool stopped = lego_drain(pid, pfd[0], timeout, l);
    close(pfd[0]);
    while (waitpid(pid, st, 0) < 0 && errno == EINTR)
        ;
    return !stopped;
}

void acme_lego(struct pt_req *r, const struct acme_conf *c, const char *host, bool renew,
               struct acme_lego_result *out)
{
    char **argv = lego_argv(r, c, host, renew), **envp = lego_env(r, c);
    struct lego_log l = { .buf = pt_alloc(r, LEGO_LOG_KEEP + 1) };
    const char *fail = NULL, *reason;
    int st;

    out->ok = false;
    out->reason = "lego could not be run: out of memory.";
    if (argv == NULL || envp == NULL || l.buf == NULL)
        return;
    l.buf[0] = '\0';
    pt_log_info("acme: %s %s for %s", c->binary, renew ? "renew" : "run", host);
    bool finished = lego_spawn(argv, envp, c->timeout, &l, &st, &fail);
    if (fail) {
        out->reason = pt_printf(r, "lego could not be started: %s.", fail);
        return;
    }
    if (finished && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        out->ok = true;
        out->reason = NULL;
        return;
    }
    /* Room for the sentence that follows lego's own words. */
    reason = acme_lego_reason(r, l.buf, ACME_ERROR_MAX - 80);
    if (!finished)
        out->reason = pt_printf(r, "%s%s(lego was stopped after %d s)", reason,
                                *reason ? "\n" : "", c->timeout);
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        out->reason = pt_printf(r, "%s cannot be run (is Debian's lego installed?)", c->binary);
    else if (WIFEXITED(st))
        out->reason = *reason ? reason
                              : pt_printf(r, "lego failed (exit status %d) without saying why.",
                                          WEXITSTATUS(st));
    else
        out->reason = pt_printf(r, "%s%s(lego was killed by signal %d)", reason,
                                *reason ? "\n" : "", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    if (out->reason == NULL)
        out->reason = "lego failed.";
    pt_log_warn("acme: lego %s for %s failed: %s", renew ? "renew" : "run", host,
                acme_one_line(r, out->reason, 300));
}

/* ---- what to show of its log ------------------------------------------------------------ */

/* "2026/11/23 14:23:36 " — Go's log prefix. */
static const char *skip_stamp(const char *s, const char *end)
{
    static const char shape[] = "dddd/dd/dd dd:dd:dd ";
    size_t n = sizeof(shape) - 1;

    if ((size_t)(end - s) < n)
        return s;
    for (size_t i = 0; i < n; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return s;
    return s + n;
}

struct reason_line {
    const char *p;
    size_t      n;
    bool        info;
};

/* The log's non-blank lines, stamps dropped (in the arena). */
static struct reason_line *reason_lines(struct pt_req *r, const char *log, size_t *count)
{
    size_t cap = 1;
    struct reason_line *v;

    for (const char *p = log; *p; p++)
        cap += *p == '\n';
    if ((v = pt_alloc(r, cap * sizeof(*v))) == NULL)
        return NULL;
    *count = 0;
    for (const char *p = log; *p;) {
        const char *end = p + strcspn(p, "\n");
        const char *s = skip_stamp(p, end), *e = end;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (e > s) {
            size_t n = (size_t)(e - s);
            v[(*count)++] = (struct reason_line){ s, n, memmem(s, n, "[INFO]", 6) != NULL };
        }
        p = *end ? end + 1 : end;
    }
    return v;
}

const char *acme_lego_reason(struct pt_req *r, const char *log, size_t max)
{
    size_t count = 0, used = 0, first, n = 0;
    struct reason_line *v = log ? reason_lines(r, log, &count) : NULL;
    bool errors = false, clip = false;
    char *out;

    if (v == NULL || count == 0 || max < 8)
        return "";
    for (size_t i = 0; i < count; i++)
        errors |= !v[i].info;
    /* From the end backwards: the last lines that fit, error lines only
     * when there are any (the [INFO] chatter says what lego tried). */
    first = count;
    for (size_t i = count; i-- > 0;) {
        if (errors && v[i].info)
            continue;
        size_t need = v[i].n + (used ? 1 : 0);
        if (used + need > max) {
            if (used == 0) {                 /* one long line: its end */
                clip = true;
                first = i;
            }
            break;
        }
        used += need;
        first = i;
    }
    if ((out = pt_alloc(r, max + 1)) == NULL)
        return "";
    for (size_t i = first; i < count; i++) {
        const char *p = v[i].p;
        size_t len = v[i].n;
        if (errors && v[i].info)
            continue;
        if (clip) {
            memcpy(out, "...", 3);
            n = 3;
            p += len - (max - 3);
            len = max - 3;
        } else if (n > 0) {
            out[n++] = '\n';
        }
        for (size_t k = 0; k < len; k++) {
            unsigned char ch = (unsigned char)p[k];
            /* Printable ASCII only: tls_error is shown on pages and must
             * fit VARCHAR(1000) whatever the column's character set. */
            out[n++] = ch == '\t' ? ' ' : (ch < 0x20 || ch > 0x7e) ? '?' : (char)ch;
        }
        if (clip)
            break;
    }
    out[n] = '\0';
    return out;
}
