/*
 * nginx_gen.c — the nginx generator (see nginx_gen.h).
 *
 * Steps, each one failing closed:
 *   1. settings from [nginx], every value that reaches the file checked
 *      against a narrow character set (nginx has no escaping at all);
 *   2. the verified host names, each checked again with the same rules as
 *      on the way in (a row planted past the application is reported and
 *      left out, never rendered);
 *   3. the template expanded (ctemplate) into .portal-hosts.conf.new;
 *   4. nginx -t on a copy of the main config in which the live file's path
 *      is replaced by the new file's: the live file is never touched before
 *      nginx has accepted its successor;
 *   5. rename(2) over the live file (atomic), then the reload command.
 * nginx and the reload run through fork/execv: no shell sees any value.
 * A file lock serialises generators on one node (portalctl and the job
 * worker); each node renders its own copy.
 */
#include "nginx_gen.h"
#include "hostname.h"
#include "tpl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PT_PKGDATADIR
#define PT_PKGDATADIR "/usr/local/share/partner-portal"
#endif

#define NG_ERR_MAX      8192      /* nginx's stderr kept for the report */
#define NG_ARGV_MAX     32
#define NG_LOCK_WAIT_S  60
#define NG_MAIN_MAX     (4u << 20)

struct ng_conf {
    const char *conf_dir, *main_conf, *webroot, *templates, *binary, *prefix, *error_log;
    const char *reload_command, *test_conf, *listen_http, *listen_https;
    const char *snippets, *static_dir, *bootstrap_dir, *upstream, *platform;
    const char *live, *next;
    bool        hash_sizes;
    int         timeout;
};

static double ng_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- values that may reach the file -------------------------------------- */

static bool chars_in(const char *s, const char *extra)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || (*p && strchr(extra, *p))))
            return false;
    return true;
}

bool pt_nginx_path_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n > 0 && n < 1024 && s[0] == '/' && chars_in(s, "._-/+@=") &&
           strstr(s, "/../") == NULL && !(n >= 3 && strcmp(s + n - 3, "/..") == 0);
}

/* "80", "127.0.0.1:8080", "[::]:443". */
static bool listen_ok(const char *s)
{
    return s && *s && strlen(s) < 64 && chars_in(s, ".:[]") && s[0] != ':';
}

/* An upstream name, "unix:/path" or "host:port". */
static bool upstream_ok(const char *s)
{
    return s && *s && strlen(s) < 256 && chars_in(s, "._-:/");
}

static const char *conf_or(struct pt_req *r, const char *key, const char *def)
{
    const char *v = pt_config_get(r, "nginx", key);

    return v && *v ? v : def;
}

static char *dir_of(struct pt_req *r, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)               /* relative: refused by ng_conf_paths anyway */
        return pt_strdup(r, ".");
    return slash == path ? pt_strdup(r, "/") : pt_strndup(r, path, (size_t)(slash - path));
}

/* Settings that must be paths: the key's name in the message. */
static int ng_conf_paths(const struct ng_conf *c, const char **bad)
{
    const struct { const char *key, *v; bool required; } paths[] = {
        { "conf_dir", c->conf_dir, true },      { "main_conf", c->main_conf, true },
        { "webroot", c->webroot, true },        { "templates", c->templates, true },
        { "binary", c->binary, true },          { "prefix", c->prefix, false },
        { "error_log", c->error_log, false },   { "test_conf", c->test_conf, true },
        { "snippets_dir", c->snippets, true },  { "static_dir", c->static_dir, true },
        { "bootstrap_dir", c->bootstrap_dir, true },
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (paths[i].v == NULL ? paths[i].required : !pt_nginx_path_ok(paths[i].v)) {
            *bad = paths[i].key;
            return PT_EINVAL;
        }
    }
    return 0;
}

static int ng_conf_load(struct pt_req *r, const struct pt_nginx_opts *o, struct ng_conf *c,
                        const char **why)
{
    const char *tdir = pt_config_get(r, "server", "templates_dir"), *bad = NULL;

    c->conf_dir = conf_or(r, "conf_dir", NULL);
    c->main_conf = conf_or(r, "main_conf", NULL);
    c->webroot = conf_or(r, "webroot", NULL);
    c->templates = o && o->templates_dir ? o->templates_dir
        : conf_or(r, "templates", tdir ? pt_printf(r, "%s/nginx", tdir) : NULL);
    c->binary = conf_or(r, "binary", "/usr/sbin/nginx");
    c->prefix = conf_or(r, "prefix", NULL);
    c->error_log = conf_or(r, "error_log", NULL);
    c->reload_command = conf_or(r, "reload_command", NULL);
    c->test_conf = conf_or(r, "test_conf", c->main_conf
        ? pt_printf(r, "%s/.portal-nginx-test.conf", dir_of(r, c->main_conf)) : NULL);
    c->listen_http = conf_or(r, "listen_http", "80");
    c->listen_https = pt_config_get(r, "nginx", "listen_https");
    c->listen_https = c->listen_https ? c->listen_https : "443";
    c->snippets = conf_or(r, "snippets_dir", "/etc/nginx/snippets");
    c->static_dir = conf_or(r, "static_dir", PT_PKGDATADIR "/static");
    c->bootstrap_dir = conf_or(r, "bootstrap_dir", "/usr/share/javascript/bootstrap5");
    c->upstream = conf_or(r, "upstream", "portald");
    c->hash_sizes = strcmp(conf_or(r, "hash_sizes", "yes"), "no") != 0;
    c->timeout = atoi(conf_or(r, "timeout", "120"));
    c->platform = pt_hostname_platform_list(r);
    if (ng_conf_paths(c, &bad) != 0) {
        *why = pt_printf(r, "[nginx] %s is missing or not a plain absolute path", bad);
        return PT_EINVAL;
    }
    if (!listen_ok(c->listen_http) || (*c->listen_https && !listen_ok(c->listen_https)) ||
        !upstream_ok(c->upstream) || c->timeout <= 0) {
        *why = "[nginx] listen_http, listen_https, upstream or timeout has a bad value";
        return PT_EINVAL;
    }
    c->live = pt_printf(r, "%s/%s", c->conf_dir, PT_NGINX_LIVE_NAME);
    c->next = pt_printf(r, "%s/%s", c->conf_dir, PT_NGINX_NEW_NAME);
    return c->live && c->next && c->platform ? 0 : PT_ENOMEM;
}

/* ---- the view: verified names, checked again ------------------------------ */

/* Appends "line\n" to *acc (arena). */
static void ng_note(struct pt_req *r, const char **acc, const char *line)
{
    *acc = pt_printf(r, "%s%s\n", *acc ? *acc : "", line);
}

/* NULL when the stored name is exactly its normalised form and no platform
 * name; else why it is left out. */
static const char *ng_host_refusal(const char *name, const char *platform)
{
    char norm[PT_HOSTNAME_SIZE];
    const char *why = NULL;

    if (name == NULL)
        return "no name";
    if (pt_hostname_check_platform(name, platform, norm, sizeof(norm), &why) != 0)
        return why;
    if (strcmp(norm, name) != 0)
        return "not stored in its normal form";
    return NULL;
}

/* Does the host get an HTTPS block?  Both paths set, renderable and, as
 * far as this process can see, present (a key only root may read still
 * counts: nginx's master reads it as root). */
static bool ng_host_tls(struct pt_req *r, const struct ng_conf *c, json_t *row,
                        struct pt_nginx_report *out)
{
    const char *name = json_string_value(json_object_get(row, "hostname"));
    const char *cert = json_string_value(json_object_get(row, "cert_path"));
    const char *key = json_string_value(json_object_get(row, "key_path"));
    const char *paths[2] = { cert, key };
    struct stat sb;

    if (cert == NULL && key == NULL)
        return false;
    if (!*c->listen_https) {
        ng_note(r, &out->warnings, pt_printf(r, "%s: a certificate, but [nginx] listen_https "
                                             "is empty: HTTP only", name));
        return false;
    }
    for (size_t i = 0; i < 2; i++) {
        if (!pt_nginx_path_ok(paths[i])) {
            ng_note(r, &out->warnings, pt_printf(r, "%s: certificate or key path missing or "
                                                 "unsafe: HTTP only", name));
            return false;
        }
        if (stat(paths[i], &sb) != 0 && errno == ENOENT) {
            ng_note(r, &out->warnings, pt_printf(r, "%s: %s does not exist: HTTP only", name,
                                                 paths[i]));
            return false;
        }
    }
    return true;
}

static json_t *ng_server(const char *listen, bool ssl, bool redirect, const char *cert,
                         const char *key)
{
    json_t *s = json_pack("{s:s, s:b, s:b, s:b}", "listen", listen, "ssl", ssl,
                          "redirect", redirect, "portal", !redirect);

    if (s && ssl && (json_object_set_new(s, "cert", json_string(cert)) != 0 ||
                     json_object_set_new(s, "key", json_string(key)) != 0)) {
        json_decref(s);
        return NULL;
    }
    return s;
}

static json_t *ng_host_view(const struct ng_conf *c, json_t *row, bool tls)
{
    const char *cert = json_string_value(json_object_get(row, "cert_path"));
    const char *key = json_string_value(json_object_get(row, "key_path"));
    json_t *servers = json_array();

    if (servers == NULL)
        return NULL;
    if (tls) {
        json_array_append_new(servers, ng_server(c->listen_http, false, true, NULL, NULL));
        json_array_append_new(servers, ng_server(c->listen_https, true, false, cert, key));
    } else {
        json_array_append_new(servers, ng_server(c->listen_http, false, false, NULL, NULL));
    }
    if (json_array_size(servers) != (tls ? 2u : 1u)) {
        json_decref(servers);
        return NULL;
    }
    return json_pack("{s:O, s:O, s:o}", "hostname", json_object_get(row, "hostname"),
                     "org_id", json_object_get(row, "org_id"), "servers", servers);
}

/* nginx keeps server names in a hash whose bucket must hold the longest
 * name (pointer + name + 2, aligned); the default 64 fails for long names. */
static void ng_hash_sizes(json_t *view, size_t n, size_t longest)
{
    size_t need = ((sizeof(void *) + longest + 2 + 7) & ~(size_t)7) + sizeof(void *);
    size_t bucket = 64, max = 512;

    while (bucket < need)
        bucket *= 2;
    while (max < 4 * n)
        max *= 2;
    json_object_set_new(view, "hash_max_size", json_integer((json_int_t)max));
    json_object_set_new(view, "hash_bucket_size", json_integer((json_int_t)bucket));
}

static int ng_build_view(struct pt_req *r, const struct ng_conf *c, json_t *view,
                         struct pt_nginx_report *out)
{
    json_t *rows, *row, *hosts = json_array();
    size_t i, longest = 0;
    int rc;

    if (hosts == NULL || json_object_set_new(view, "hosts", hosts) != 0)
        return PT_ENOMEM;
    rc = pt_db_query(r, "SELECT id, hostname, org_id, cert_path, key_path FROM hostnames "
                     "WHERE verified_at IS NOT NULL ORDER BY hostname", PT_NOARGS, &rows);
    if (rc != 0)
        return rc;
    json_array_foreach(rows, i, row) {
        const char *name = json_string_value(json_object_get(row, "hostname"));
        const char *why = ng_host_refusal(name, c->platform);
        if (why) {
            /* The name may be hostile: it goes into the report as a JSON
             * string (escaped), never into the file. */
            char *q = json_dumps(json_object_get(row, "hostname"), JSON_ENCODE_ANY);
            ng_note(r, &out->skipped_names, pt_printf(r, "hostnames.id %lld %s: %s",
                    (long long)json_integer_value(json_object_get(row, "id")),
                    q ? q : "null", why));
            free(q);
            out->skipped++;
            continue;
        }
        bool tls = ng_host_tls(r, c, row, out);
        if (json_array_append_new(hosts, ng_host_view(c, row, tls)) != 0)
            return PT_ENOMEM;
        out->hosts++;
        out->tls_hosts += tls;
        longest = strlen(name) > longest ? strlen(name) : longest;
    }
    json_object_set_new(view, "hash_sizes", json_boolean(c->hash_sizes));
    ng_hash_sizes(view, out->hosts, longest);
    return 0;
}

static json_t *ng_view(struct pt_req *r, const struct ng_conf *c)
{
    return pt_keep(r, json_pack("{s:s, s:s, s:s, s:s, s:s}", "upstream", c->upstream,
                                "webroot", c->webroot, "snippets", c->snippets,
                                "static_dir", c->static_dir,
                                "bootstrap_dir", c->bootstrap_dir));
}

/* ---- files ---------------------------------------------------------------- */

static int ng_write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    size_t done = 0;

    if (fd < 0) {
        pt_log_error("%s: open %s: %s", __func__, path, strerror(errno));
        return PT_EIO;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            pt_log_error("%s: write %s: %s", __func__, path, strerror(errno));
            close(fd);
            return PT_EIO;
        }
        done += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        pt_log_error("%s: fsync/close %s: %s", __func__, path, strerror(errno));
        return PT_EIO;
    }
    return 0;
}

/* The whole of a (small) file, NUL-terminated, in the arena. */
static char *ng_read_file(struct pt_req *r, const char *path)
{
    FILE *f = fopen(path, "re");
    char *buf = NULL;
    size_t n = 0;

    if (f == NULL)
        return NULL;
    buf = pt_alloc(r, NG_MAIN_MAX + 1);
    if (buf)
        n = fread(buf, 1, NG_MAIN_MAX + 1, f);
    fclose(f);
    if (buf == NULL || n > NG_MAIN_MAX)
        return NULL;
    buf[n] = '\0';
    return buf;
}

/* The main config with every mention of the live file replaced by the new
 * one, written to test_conf. */
static int ng_write_test_conf(struct pt_req *r, const struct ng_conf *c, const char **why)
{
    const char *main_text = ng_read_file(r, c->main_conf);
    size_t llen = strlen(c->live), count = 0;
    const char *acc = "", *p, *hit;

    if (main_text == NULL) {
        *why = pt_printf(r, "cannot read [nginx] main_conf %s", c->main_conf);
        return PT_EINVAL;
    }
    for (p = main_text; (hit = strstr(p, c->live)) != NULL; p = hit + llen, count++)
        acc = pt_printf(r, "%s%.*s%s", acc, (int)(hit - p), p, c->next);
    if (count == 0) {
        *why = pt_printf(r, "[nginx] main_conf %s does not include %s by that path: add "
                         "\"include %s;\" to its http block", c->main_conf, c->live, c->live);
        return PT_EINVAL;
    }
    acc = pt_printf(r, "%s%s", acc, p);
    return acc ? ng_write_file(c->test_conf, acc, strlen(acc)) : PT_ENOMEM;
}

/* fsync the folder so the rename survives a crash. */
static void ng_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int ng_lock(const struct ng_conf *c, struct pt_req *r)
{
    const char *path = pt_printf(r, "%s/.portal-hosts.lock", c->conf_dir);
    int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;

    if (fd < 0) {
        pt_log_error("%s: %s: %s", __func__, path ? path : "lock", strerror(errno));
        return -1;
    }
    for (int i = 0; i < NG_LOCK_WAIT_S * 10; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        usleep(100 * 1000);
    }
    pt_log_error("%s: another generation holds %s", __func__, path);
    close(fd);
    return -1;
}

/* ---- running nginx --------------------------------------------------------- */

static void ng_child(char *const argv[], int errfd)
{
    sigset_t none;
    int devnull = open("/dev/null", O_RDWR);

    /* Inherited ignored signals and masks would follow nginx through exec. */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(errfd, 2) < 0)
        _exit(126);
    /* Nothing of the portal's (database sockets, the FastCGI socket) goes along. */
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    execv(argv[0], argv);
    _exit(127);
}

/* Reads the child's stderr into err until EOF or the deadline. */
static bool ng_drain(int fd, double deadline, char *err, size_t errlen, size_t *n)
{
    char sink[4096];

    for (;;) {
        int left = (int)((deadline - ng_now()) * 1000);
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (left <= 0)
            return false;
        int prc = poll(&pfd, 1, left);
        if (prc < 0 && errno == EINTR)
            continue;
        if (prc <= 0)
            return false;
        size_t room = *n + 1 < errlen ? errlen - 1 - *n : 0;
        ssize_t got = room ? read(fd, err + *n, room) : read(fd, sink, sizeof(sink));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return true;
        if (room)
            *n += (size_t)got;
    }
}

/* argv[0] (absolute) with argv; its stderr in err.  Its exit status, or
 * -1 when it could not run, was killed, or outlived timeout seconds. */
static int ng_run(char *const argv[], int timeout, char *err, size_t errlen)
{
    int pfd[2], st = 0;
    size_t n = 0;

    err[0] = '\0';
    if (pipe2(pfd, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0)
        ng_child(argv, pfd[1]);
    close(pfd[1]);
    bool done = ng_drain(pfd[0], ng_now() + timeout, err, errlen, &n);
    close(pfd[0]);
    err[n] = '\0';
    if (!done) {
        kill(pid, SIGKILL);
        snprintf(err + n, errlen - n, "%s(killed after %d s)", n ? " " : "", timeout);
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!done || !WIFEXITED(st))
        return -1;
    if (WEXITSTATUS(st) == 127)
        snprintf(err + n, errlen - n, "%scannot run %s", n ? " " : "", argv[0]);
    return WEXITSTATUS(st);
}

/* binary [-p prefix] [-e error_log] -c conf  + extra… */
static size_t ng_argv(const struct ng_conf *c, const char *conf, char **argv)
{
    size_t n = 0;

    argv[n++] = (char *)c->binary;
    if (c->prefix) {
        argv[n++] = "-p";
        argv[n++] = (char *)c->prefix;
    }
    if (c->error_log) {
        argv[n++] = "-e";
        argv[n++] = (char *)c->error_log;
    }
    argv[n++] = "-c";
    argv[n++] = (char *)conf;
    return n;
}

/* nginx's stderr on one line, for the log. */
static const char *ng_one_line(struct pt_req *r, const char *s)
{
    char *t = pt_strdup(r, s ? s : "");

    for (char *p = t; p && *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = (p[1] && p[1] != '\n') ? '|' : ' ';
    return t;
}

static int ng_check(struct pt_req *r, const struct ng_conf *c, struct pt_nginx_report *out)
{
    char *argv[NG_ARGV_MAX], err[NG_ERR_MAX];
    size_t n = ng_argv(c, c->test_conf, argv);

    argv[n++] = "-t";
    argv[n++] = "-q";
    argv[n] = NULL;
    int st = ng_run(argv, c->timeout, err, sizeof(err));
    if (st == 0)
        return 0;
    out->message = pt_printf(r, "nginx -t refused the new file (the live one is unchanged): %s",
                             err[0] ? err : "no message");
    pt_log_error("%s: %s -t -c %s failed (%d): %s", __func__, c->binary, c->test_conf, st,
                 ng_one_line(r, err));
    return PT_EIO;
}

static int ng_reload(struct pt_req *r, const struct ng_conf *c, struct pt_nginx_report *out)
{
    char *argv[NG_ARGV_MAX + 1], err[NG_ERR_MAX], *words, *save = NULL;
    size_t n = 0;

    if (c->reload_command) {
        words = pt_strdup(r, c->reload_command);
        for (char *w = strtok_r(words, " \t", &save); w && n < NG_ARGV_MAX;
             w = strtok_r(NULL, " \t", &save))
            argv[n++] = w;
        if (n == 0 || argv[0][0] != '/') {
            out->message = "[nginx] reload_command must start with an absolute path";
            return PT_EINVAL;
        }
    } else {
        n = ng_argv(c, c->main_conf, argv);
        argv[n++] = "-s";
        argv[n++] = "reload";
    }
    argv[n] = NULL;
    int st = ng_run(argv, c->timeout, err, sizeof(err));
    if (st == 0)
        return 0;
    out->message = pt_printf(r, "the new file is live, but reloading nginx failed: %s",
                             err[0] ? err : "no message");
    pt_log_error("%s: %s failed (%d): %s", __func__, argv[0], st, ng_one_line(r, err));
    return PT_EIO;
}

/* ---- record ------------------------------------------------------------------ */

static int64_t ng_record_start(struct pt_req *r)
{
    uint64_t id = 0;

    if (pt_db_exec(r, "INSERT INTO nginx_generations (status) VALUES ('running')", PT_NOARGS,
                   NULL, &id) != 0)
        return 0;
    return (int64_t)id;
}

static void ng_record_end(struct pt_req *r, const struct pt_nginx_report *o, int rc)
{
    const char *msg = rc == 0 ? pt_printf(r, "%zu host names (%zu with TLS), %zu skipped%s%s%s",
                                          o->hosts, o->tls_hosts, o->skipped,
                                          o->reloaded ? ", nginx reloaded" : "",
                                          o->skipped_names ? "\n" : "",
                                          o->skipped_names ? o->skipped_names : "")
                              : o->message;
    json_t *meta = pt_keep(r, json_pack("{s:I, s:I, s:I, s:s?, s:s?, s:b, s:b}",
        "hostnames", (json_int_t)o->hosts, "tls_hosts", (json_int_t)o->tls_hosts,
        "skipped", (json_int_t)o->skipped, "skipped_names", o->skipped_names,
        "warnings", o->warnings, "swapped", o->swapped, "reloaded", o->reloaded));

    if (o->generation_id)
        pt_db_exec(r, "UPDATE nginx_generations SET finished = NOW(), hostnames = ?, "
                   "tls_hosts = ?, skipped = ?, status = ?, message = ? WHERE id = ?",
                   PT_ARGS(PT_ARG_INT((int64_t)o->hosts), PT_ARG_INT((int64_t)o->tls_hosts),
                           PT_ARG_INT((int64_t)o->skipped), PT_ARG_STR(rc ? "failed" : "ok"),
                           PT_ARG_STR(msg), PT_ARG_INT(o->generation_id)), NULL, NULL);
    json_t *platform = NULL;
    /* The platform's activity log: the generation serves every partner. */
    pt_db_query_one(r, "SELECT id FROM orgs WHERE kind = 'platform' ORDER BY id LIMIT 1",
                    PT_NOARGS, &platform);
    pt_audit_log_always(r, &(struct pt_audit){
        .org_id = platform ? json_integer_value(json_object_get(platform, "id")) : 0,
        .category = "White Label", .action = "Generate nginx Config",
        .status = rc ? "Failed" : "Success", .resource_type = "nginx_generation",
        .resource_id = pt_printf(r, "%lld", (long long)o->generation_id),
        .resource_name = o->live_path, .description = msg, .metadata = meta });
    if (o->skipped)
        pt_log_warn("%s: generation %lld left out %zu host name(s): %s", __func__,
                    (long long)o->generation_id, o->skipped,
                    ng_one_line(r, o->skipped_names));
}

/* ---- the generation ---------------------------------------------------------- */

static int ng_render(struct pt_req *r, const struct ng_conf *c, json_t *view,
                     struct pt_nginx_report *out)
{
    struct pt_tpl_cache *cache = pt_tpl_cache_new(c->templates, NULL);
    char *text = NULL;
    size_t len = 0;
    int rc = PT_EINVAL;

    if (cache && pt_tpl_expand_view(cache, PT_NGINX_TEMPLATE, view, NULL, NULL, 0, &text,
                                    &len) == 0)
        rc = ng_write_file(c->next, text, len);
    else
        out->message = pt_printf(r, "template %s/%s is missing or broken (the live file is "
                                 "unchanged)", c->templates, PT_NGINX_TEMPLATE);
    if (rc == PT_EIO)
        out->message = pt_printf(r, "cannot write %s", c->next);
    if (out->message)
        pt_log_error("%s: %s", __func__, out->message);
    free(text);
    pt_tpl_cache_free(cache);
    return rc;
}

/* Render, check, swap, reload: with the lock held. */
static int ng_steps(struct pt_req *r, const struct ng_conf *c, const struct pt_nginx_opts *o,
                    struct pt_nginx_report *out)
{
    const char *why = NULL;
    json_t *view = ng_view(r, c);
    double t0 = ng_now();
    int rc;

    if (view == NULL)
        return PT_ENOMEM;
    if ((rc = ng_build_view(r, c, view, out)) != 0) {
        out->message = "reading the host names failed (see the log)";
        return rc;
    }
    if ((rc = ng_render(r, c, view, out)) != 0)
        return rc;
    out->render_seconds = ng_now() - t0;
    if ((rc = ng_write_test_conf(r, c, &why)) != 0) {
        out->message = why ? why : "cannot write [nginx] test_conf";
        pt_log_error("%s: %s", __func__, out->message);
        return rc;
    }
    t0 = ng_now();
    rc = ng_check(r, c, out);
    out->check_seconds = ng_now() - t0;
    unlink(c->test_conf);
    out->checked = rc == 0;
    if (rc != 0 || o->check_only)
        return rc;
    if (rename(c->next, c->live) != 0) {
        out->message = pt_printf(r, "rename %s → %s: %s", c->next, c->live, strerror(errno));
        pt_log_error("%s: %s", __func__, out->message);
        return PT_EIO;
    }
    out->swapped = true;
    ng_sync_dir(c->conf_dir);
    if (o->no_reload)
        return 0;
    t0 = ng_now();
    rc = ng_reload(r, c, out);
    out->reload_seconds = ng_now() - t0;
    out->reloaded = rc == 0;
    return rc;
}

int pt_nginx_generate_opts(struct pt_req *r, const struct pt_nginx_opts *opts,
                           struct pt_nginx_report *out)
{
    static const struct pt_nginx_opts none = { 0 };
    const struct pt_nginx_opts *o = opts ? opts : &none;
    struct ng_conf c = { 0 };
    const char *why = "out of memory";
    int rc, lock = -1;

    memset(out, 0, sizeof(*out));
    /* Recorded from the start: a bad setting is reported like a bad file. */
    if (!o->check_only)
        out->generation_id = ng_record_start(r);
    if ((rc = ng_conf_load(r, o, &c, &why)) != 0) {
        out->message = why;
        pt_log_error("%s: %s", __func__, why);
    } else if ((lock = ng_lock(&c, r)) < 0) {
        out->message = pt_printf(r, "cannot lock %s (another generation running?)",
                                 c.conf_dir);
        rc = PT_EIO;
    } else {
        out->live_path = c.live;
        rc = ng_steps(r, &c, o, out);
        if (rc != 0 || o->check_only)
            unlink(c.next);      /* a refused or checked-only file never lingers */
        close(lock);
    }
    if (!o->check_only)
        ng_record_end(r, out, rc);
    return rc;
}

int pt_nginx_generate(struct pt_req *r, struct pt_nginx_report *out)
{
    return pt_nginx_generate_opts(r, NULL, out);
}
