/*
 * check_nginx_gen — the nginx generator (fcgi/nginx_gen.c) against the
 * stack's MariaDB, the real `nginx -t`, and a private nginx started in a
 * temporary folder (its own ports, prefix and error log; its FastCGI
 * upstream is the stack's portald, so a partner host really reaches the
 * portal through the generated block).
 *
 *   - 1, 100 and 5,000 verified host names: the live file has one server
 *     block per name (unverified names left out) and the real nginx -t
 *     accepts the main config that includes it;
 *   - names crafted to inject directives are refused on the way in
 *     (pt_hostname_add) and by the table's CHECK constraint; planted past
 *     both, the generator checks every name again, leaves them out and
 *     reports them (generation row, activity log);
 *   - a broken template (it does not parse, or nginx refuses what it
 *     renders) leaves the live file byte-identical and the running nginx
 *     serving the previous blocks; a good run afterwards goes live;
 *   - TLS: a host with a certificate gets a 301 to HTTPS and an HTTPS block
 *     that presents that certificate;
 *   - the longest legal names (253 characters) pass: the generator sizes
 *     nginx's server-name hash for them;
 *   - `portalctl nginx check|generate` (pt_portalctl_nginx): exit codes,
 *     check never touches the live file; a main config without the include
 *     and an unsafe setting are refused with the reason, and recorded.
 *
 * Every test makes a fresh folder and starts from an empty hostnames
 * table (this suite owns it while it runs).  Needs PT_TEST_VAR,
 * PT_TEST_CONFIG and PT_TEST_SRCDIR (scripts/dev test); exits 77 without.
 */
#include "auth_client.h"

#include "arena.h"
#include "db.h"
#include "hostname.h"
#include "nginx_gen.h"
#include "portalctl_nginx.h"
#include "pt_config.h"
#include "request.h"
#include "worker.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NGINX_BIN "/usr/sbin/nginx"

/* Every test's folder lies in this one (made by main, before the forks):
 * in fork mode a failed assertion ends the test's process at once, without
 * its teardown, so main stops what a test left running and removes it. */
static char suite_dir[32];

static struct {
    char               dir[64];          /* <suite_dir>/t.XXXXXX */
    char               live[128], main_conf[128], portal_conf[128];
    int                http_port, https_port;
    long long          org;
    struct pt_config  *cfg;
    struct pt_worker   w;
    bool               nginx_started;
} T;

/* ---- small helpers ------------------------------------------------------------------ */

static char *path_in(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *path_in(const char *fmt, ...)
{
    static char bufs[8][512];
    static int i;
    char rel[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(rel, sizeof(rel), fmt, ap);
    va_end(ap);
    i = (i + 1) % 8;
    snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", T.dir, rel);
    return bufs[i];
}

static void write_text(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void write_text(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    va_list ap;

    ck_assert_msg(f != NULL, "cannot write %s", path);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    ck_assert_int_eq(fclose(f), 0);
}

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;

    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Runs argv; its exit status (stdout and stderr into log, when given). */
static int run(const char *log, char *const argv[])
{
    int st;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (log) {
            FILE *f = fopen(log, "a");
            if (f) {
                dup2(fileno(f), 1);
                dup2(fileno(f), 2);
            }
        }
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* The real nginx -t on the main config that includes the live file. */
static int nginx_t(void)
{
    char *argv[] = { NGINX_BIN, "-t", "-q", "-p", T.dir, "-e", path_in("logs/error.log"),
                     "-c", T.main_conf, NULL };
    return run(path_in("logs/nginx-t.log"), argv);
}

/* ---- the stack's database, where auth_client's sql() cannot go ---------------------- */

/* One SQL text through the mariadb client as the OS user; its exit status
 * (a refused statement is a result here, not a failure of the test). */
static int sql_status(const char *q)
{
    struct passwd *pw = getpwuid(getuid());
    char sock[600], user[80], *db = conf_get("database", "name");
    snprintf(sock, sizeof(sock), "--socket=%s/run/mysqld.sock", getenv("PT_TEST_VAR"));
    snprintf(user, sizeof(user), "-u%s", pw ? pw->pw_name : "root");
    char *argv[] = { "/usr/bin/mariadb", "--no-defaults", "--protocol=socket", sock, user,
                     "-N", "-B", db ? db : "portal", "-e", (char *)q, NULL };
    int st = run(path_in("logs/sql.log"), argv);
    free(db);
    return st;
}

/* n verified names "<prefix><i>.example.test" of the test's organisation. */
static void insert_hosts(int n, const char *prefix, bool verified)
{
    free(sql("INSERT INTO hostnames (hostname, org_id, kind, verified_at) "
             "SELECT CONCAT('%s', seq, '.example.test'), %lld, 'custom', %s FROM seq_1_to_%d",
             prefix, T.org, verified ? "NOW()" : "NULL", n));
}

/* ---- the fixture: folder, configs, worker -------------------------------------------- */

static void write_main_conf(void)
{
    const char *var = getenv("PT_TEST_VAR");

    write_text(T.main_conf,
        "# check_nginx_gen's own nginx: everything under %s\n"
        "%s\n"
        "worker_processes 1;\n"
        "daemon on;\n"
        "pid %s;\n"
        "error_log %s warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    access_log off;\n"
        "    client_body_temp_path %s;\n    fastcgi_temp_path %s;\n    proxy_temp_path %s;\n"
        "    uwsgi_temp_path %s;\n    scgi_temp_path %s;\n"
        "    map $request_method $portal_signin_key { POST $binary_remote_addr; default \"\"; }\n"
        "    limit_req_zone $portal_signin_key zone=signin:1m rate=5r/s;\n"
        "    limit_req_status 429;\n"
        "    upstream portald { server unix:%s/run/portald.sock; }\n"
        "    server {\n"
        "        listen 127.0.0.1:%d default_server;\n"
        "        server_name _;\n"
        "        location / { return 418; }\n"
        "    }\n"
        "    include %s;\n"
        "}\n",
        T.dir, getuid() == 0 ? "user root root;" : "", path_in("nginx.pid"),
        path_in("logs/error.log"), path_in("tmp/body"), path_in("tmp/fastcgi"),
        path_in("tmp/proxy"), path_in("tmp/uwsgi"), path_in("tmp/scgi"), var, T.http_port,
        T.live);
}

/* The stack's portal.conf without any [nginx] section, then ours. */
static void write_portal_conf(const char *templates)
{
    FILE *in = fopen(getenv("PT_TEST_CONFIG"), "r"), *out = fopen(T.portal_conf, "w");
    const char *src = getenv("PT_TEST_SRCDIR");
    char line[4096];
    bool skip = false;

    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    while (fgets(line, sizeof(line), in)) {
        if (line[0] == '[')
            skip = strncmp(line, "[nginx]", 7) == 0;
        if (!skip)
            fputs(line, out);
    }
    fclose(in);
    fprintf(out, "\n[nginx]\nconf_dir = %s\nmain_conf = %s\nwebroot = %s\ntemplates = %s\n"
            "binary = %s\nprefix = %s/\nerror_log = %s\nlisten_http = 127.0.0.1:%d\n"
            "listen_https = 127.0.0.1:%d\nsnippets_dir = %s/nginx/snippets\n"
            "static_dir = %s/static\nplatform_hosts = platform.example.test localhost\n"
            "timeout = 120\n",
            path_in("conf"), T.main_conf, path_in("acme"), templates, NGINX_BIN, T.dir,
            path_in("logs/error.log"), T.http_port, T.https_port, src, src);
    ck_assert_int_eq(fclose(out), 0);
}

static void worker_open(void)
{
    char err[512];

    ck_assert_msg(pt_config_load(T.portal_conf, &T.cfg, err, sizeof(err)) == 0, "%s", err);
    T.w.kind = PT_WORKER_JOBS;
    T.w.cfg = T.cfg;
    T.w.listen_fd = -1;
    T.w.arena = pt_arena_new(64 * 1024);
    T.w.db = pt_db_new(T.cfg);
    ck_assert_ptr_nonnull(T.w.arena);
    ck_assert_ptr_nonnull(T.w.db);
    ck_assert_int_eq(pt_db_connect(T.w.db), 0);
}

static void cleanup(void);
static long nginx_pid(void);

static void setup(void)
{
    static const char *dirs[] = { "conf", "acme", "acme/.well-known",
                                  "acme/.well-known/acme-challenge", "logs", "tmp", "certs" };
    char tpl[600];

    memset(&T, 0, sizeof(T));
    snprintf(T.dir, sizeof(T.dir), "%s/t.XXXXXX", suite_dir);
    ck_assert_ptr_nonnull(mkdtemp(T.dir));
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        ck_assert_int_eq(mkdir(path_in("%s", dirs[i]), 0755), 0);
    snprintf(T.live, sizeof(T.live), "%s/conf/portal-hosts.conf", T.dir);
    snprintf(T.main_conf, sizeof(T.main_conf), "%s/nginx.conf", T.dir);
    snprintf(T.portal_conf, sizeof(T.portal_conf), "%s/portal.conf", T.dir);
    T.http_port = free_port();
    do
        T.https_port = free_port();
    while (T.https_port == T.http_port);
    write_text(T.live, "%s", "");
    write_text(path_in("acme/.well-known/acme-challenge/probe"), "probe-ok\n");
    write_main_conf();
    snprintf(tpl, sizeof(tpl), "%s/templates/nginx", getenv("PT_TEST_SRCDIR"));
    write_portal_conf(tpl);
    worker_open();
    free(sql("DELETE FROM hostnames"));
    T.org = make_org(platform_org(), "partner", "NginxGen");
}

/* SIGQUIT (graceful) to the master, then wait for it to remove its pid
 * file; SIGKILL if it will not.  A signal, not `nginx -s quit`: a test may
 * have left the main config unusable. */
static void nginx_stop(void)
{
    long pid;

    if (!T.nginx_started)
        return;
    T.nginx_started = false;
    if ((pid = nginx_pid()) <= 0)
        return;
    kill((pid_t)pid, SIGQUIT);
    for (int i = 0; i < 100 && access(path_in("nginx.pid"), F_OK) == 0; i++)
        usleep(50 * 1000);
    if (access(path_in("nginx.pid"), F_OK) == 0)
        kill((pid_t)pid, SIGKILL);
}

/* Stops the private nginx and removes the folder. */
static void cleanup(void)
{
    char *argv[] = { "/bin/rm", "-rf", T.dir, NULL };

    nginx_stop();
    if (getenv("PT_KEEP_VAR") == NULL && T.dir[0])
        run(NULL, argv);
    T.dir[0] = '\0';
}

/* The first line of a small file as a number; 0 when unreadable.  No
 * ck_* call here: this runs in main, outside any test. */
static long read_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = 0;

    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = 0;
        fclose(f);
    }
    return v;
}

/* Does /proc/<pid>/cmdline name the suite's folder? */
static bool is_ours(long pid)
{
    char path[64], cmd[4096];
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
    if ((f = fopen(path, "r")) == NULL)
        return false;
    n = fread(cmd, 1, sizeof(cmd) - 1, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        cmd[i] = cmd[i] ? cmd[i] : ' ';
    cmd[n] = '\0';
    return strstr(cmd, suite_dir) != NULL;
}

/* After the suite (in main): an nginx that a failed test left running
 * (only a process whose command line names the suite's folder), then the
 * folder itself. */
static void suite_cleanup(void)
{
    DIR *d = opendir(suite_dir);
    struct dirent *e;
    char path[300];
    int st;

    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s/nginx.pid", suite_dir, e->d_name);
        long pid = read_long(path);
        if (pid <= 0 || !is_ours(pid))
            continue;
        kill((pid_t)pid, SIGTERM);           /* the master takes its workers along */
        for (int i = 0; i < 100 && access(path, F_OK) == 0; i++)
            usleep(50 * 1000);
    }
    if (d)
        closedir(d);
    if (getenv("PT_KEEP_VAR") != NULL)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/rm", "rm", "-rf", suite_dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, &st, 0);
}

static void teardown(void)
{
    free(sql("DELETE FROM hostnames"));
    pt_worker_release(&T.w);
    pt_config_free(T.cfg);
    cleanup();
}

/* ---- driving the generator and the private nginx --------------------------------------- */

static long nginx_pid(void);
static size_t nginx_workers(long master, long *pids, size_t max);
static void wait_old_workers_gone(const long *pids, size_t n);

/* One generation; with reload, returns once nginx serves the new blocks. */
static int generate(const char *templates, bool reload, struct pt_nginx_report *rep)
{
    struct pt_nginx_opts o = { .templates_dir = templates, .no_reload = !reload };
    struct pt_req r;
    long old[16];
    size_t n = T.nginx_started ? nginx_workers(nginx_pid(), old, 16) : 0;

    pt_req_init_job(&r, &T.w);
    int rc = pt_nginx_generate_opts(&r, &o, rep);
    if (rc == 0 && rep->reloaded)
        wait_old_workers_gone(old, n);
    return rc;
}

/* GET path from the private nginx with a Host header; status, body into *body. */
static long get_host(const char *host, const char *path, bool tls, const char *ca,
                     char **body, char **location)
{
    return host_get(tls ? T.https_port : T.http_port, host, path, tls, ca, body, location);
}

/* Waits (≤ 10 s) until host answers path with want: a reload takes effect
 * after `nginx -s reload` has returned. */
static bool wait_status(const char *host, const char *path, long want)
{
    for (int i = 0; i < 200; i++) {
        if (get_host(host, path, false, NULL, NULL, NULL) == want)
            return true;
        usleep(50 * 1000);
    }
    return false;
}

/* The pids of the nginx master's children (its workers), from /proc. */
static size_t nginx_workers(long master, long *pids, size_t max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    size_t n = 0;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL && n < max) {
        char path[300], *stat;
        long pid = strtol(e->d_name, NULL, 10), ppid = 0;
        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        if ((stat = read_file(path, NULL)) == NULL)
            continue;
        const char *p = strrchr(stat, ')');       /* "pid (comm) state ppid …" */
        if (p && sscanf(p + 1, " %*c %ld", &ppid) == 1 && ppid == master)
            pids[n++] = pid;
        free(stat);
    }
    closedir(d);
    return n;
}

/* A reload is done when every worker of before it has exited: until then
 * an old worker may still take a connection with the old blocks. */
static void wait_old_workers_gone(const long *pids, size_t n)
{
    for (int i = 0; i < 200; i++) {
        size_t alive = 0;
        for (size_t k = 0; k < n; k++)
            alive += kill((pid_t)pids[k], 0) == 0;
        if (alive == 0)
            return;
        usleep(50 * 1000);
    }
    ck_abort_msg("nginx's old workers did not exit after the reload");
}

static void nginx_start(void)
{
    char *argv[] = { NGINX_BIN, "-p", T.dir, "-e", path_in("logs/error.log"), "-c",
                     T.main_conf, NULL };

    ck_assert_int_eq(run(path_in("logs/nginx-start.log"), argv), 0);
    T.nginx_started = true;
    ck_assert_msg(wait_status("nobody.example.test", "/", 418), "nginx does not answer");
}

static long nginx_pid(void)
{
    char *s = read_file(path_in("nginx.pid"), NULL);
    long pid = s ? strtol(s, NULL, 10) : -1;

    free(s);
    return pid;
}

/* A self-signed certificate for name (openssl, EC P-256). */
static void make_cert(const char *name, char **cert, char **key)
{
    char subj[300], san[300];

    *cert = strdup(path_in("certs/%s.crt", name));
    *key = strdup(path_in("certs/%s.key", name));
    snprintf(subj, sizeof(subj), "/CN=%s", name);
    snprintf(san, sizeof(san), "subjectAltName=DNS:%s", name);
    char *argv[] = { "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", subj,
                     "-addext", san, "-keyout", *key, "-out", *cert, NULL };
    ck_assert_msg(run(path_in("logs/openssl.log"), argv) == 0,
                  "openssl req failed (is Debian's openssl installed?)");
}

static long long last_generation(const char *status)
{
    return sql_num("SELECT COALESCE(MAX(id), 0) FROM nginx_generations WHERE status = '%s'",
                   status);
}

/* ---- tests -------------------------------------------------------------------------------- */

START_TEST(test_1_100_and_5000_verified_names_pass_the_real_nginx_t)
{
    static const int sizes[] = { 1, 100, 5000 };
    struct pt_nginx_report rep;

    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        int n = sizes[k];
        free(sql("DELETE FROM hostnames"));
        insert_hosts(n, "h", true);
        insert_hosts(3, "pending", false);                  /* unverified: never rendered */
        int rc = generate(NULL, false, &rep);
        ck_assert_msg(rc == 0, "%d names: %s", n, rep.message ? rep.message : "?");
        ck_assert_uint_eq(rep.hosts, (size_t)n);
        ck_assert_uint_eq(rep.skipped, 0);
        ck_assert(rep.checked && rep.swapped && !rep.reloaded);

        char *live = read_file(T.live, NULL);
        ck_assert_ptr_nonnull(live);
        ck_assert_uint_eq(count_of(live, "    server_name "), (size_t)n);
        ck_assert_uint_eq(count_of(live, "location ^~ /.well-known/acme-challenge/"), (size_t)n);
        ck_assert_uint_eq(count_of(live, "fastcgi_pass portald;"), 2 * (size_t)n);
        ck_assert_ptr_nonnull(strstr(live, "server_name h1.example.test;"));
        char last[64];
        snprintf(last, sizeof(last), "server_name h%d.example.test;", n);
        ck_assert_ptr_nonnull(strstr(live, last));
        ck_assert_ptr_null(strstr(live, "pending"));
        free(live);
        /* Not the generator's word for it: the real nginx -t on the real main config. */
        ck_assert_int_eq(nginx_t(), 0);
        ck_assert_int_eq(access(path_in("conf/.portal-hosts.conf.new"), F_OK), -1);
        ck_assert_int_eq(sql_num("SELECT hostnames FROM nginx_generations WHERE id = %lld AND "
                                 "status = 'ok' AND finished IS NOT NULL",
                                 (long long)rep.generation_id), n);
        fprintf(stderr, "check_nginx_gen: %d names: render %.2f s, nginx -t %.2f s\n", n,
                rep.render_seconds, rep.check_seconds);
    }
}
END_TEST

/* nginx's default server_names_hash_bucket_size (64) cannot hold a long
 * name: the generator sizes the hash for the names it writes. */
START_TEST(test_the_longest_legal_names_pass_the_real_nginx_t)
{
    struct pt_nginx_report rep;
    char name[260];

    memset(name, 'a', 253);
    name[63] = name[127] = name[191] = '.';
    memcpy(name + 253 - 5, ".test", 5);
    name[253] = '\0';
    free(sql("INSERT INTO hostnames (hostname, org_id, kind, verified_at) VALUES "
             "('%s', %lld, 'custom', NOW())", name, T.org));
    insert_hosts(20, "short", true);
    ck_assert_msg(generate(NULL, false, &rep) == 0, "%s", rep.message ? rep.message : "?");
    ck_assert_uint_eq(rep.hosts, 21);
    char *live = read_file(T.live, NULL);
    ck_assert_ptr_nonnull(strstr(live, name));
    ck_assert_ptr_nonnull(strstr(live, "server_names_hash_bucket_size 512;"));
    free(live);
    ck_assert_int_eq(nginx_t(), 0);
}
END_TEST

START_TEST(test_injection_names_are_refused_on_the_way_in_and_skipped_when_planted)
{
    static const char *attacks[] = {
        "a.com; include /etc/passwd", "a.com}", "*.a.com", "a.com\n", "$host",
        "x.example.test;include/etc/passwd", "platform.example.test", "localhost",
    };
    struct pt_nginx_report rep;
    struct pt_req r;
    const char *why;
    int64_t id = 0;

    pt_req_init_job(&r, &T.w);
    for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        why = NULL;
        ck_assert_msg(pt_hostname_add(&r, T.org, "custom", attacks[i], NULL, &id, &why)
                      == PT_EINVAL, "accepted %s", attacks[i]);
        ck_assert_ptr_nonnull(why);
    }
    /* Below the platform's names: only a subdomain may. */
    ck_assert_int_eq(pt_hostname_add(&r, T.org, "custom", "x.platform.example.test", NULL,
                                     &id, &why), PT_EINVAL);
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM hostnames"), 0);
    ck_assert_int_eq(pt_hostname_add(&r, T.org, "custom", "Good.Example.TEST.", "tok", &id,
                                     &why), 0);
    ck_assert_int_eq(pt_hostname_add(&r, T.org, "custom", "good.example.test", NULL, &id,
                                     &why), PT_EEXIST);
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM hostnames WHERE hostname = "
                             "'good.example.test' AND verified_at IS NULL"), 1);
    free(sql("UPDATE hostnames SET verified_at = NOW()"));

    /* The table's CHECK constraint refuses them too ... */
    char q[600];
    snprintf(q, sizeof(q), "INSERT INTO hostnames (hostname, org_id, kind, verified_at) "
             "VALUES ('evil.example.test;include /etc/passwd', %lld, 'custom', NOW())", T.org);
    ck_assert_int_ne(sql_status(q), 0);
    /* ... so plant them past it, as a compromised writer would. */
    snprintf(q, sizeof(q), "SET SESSION check_constraint_checks = 0; "
             "INSERT INTO hostnames (hostname, org_id, kind, verified_at) VALUES "
             "('evil.example.test;include /etc/passwd', %lld, 'custom', NOW()), "
             "('*.wild.example.test', %lld, 'custom', NOW()), "
             "(CONCAT('nl.example.test', CHAR(10), 'server{listen 1;}'), %lld, 'custom', NOW()), "
             "('Upper.example.test', %lld, 'custom', NOW()), "
             "('platform.example.test', %lld, 'custom', NOW())",
             T.org, T.org, T.org, T.org, T.org);
    ck_assert_int_eq(sql_status(q), 0);
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM hostnames WHERE verified_at IS NOT NULL"), 6);

    ck_assert_int_eq(generate(NULL, false, &rep), 0);
    ck_assert_uint_eq(rep.hosts, 1);
    ck_assert_uint_eq(rep.skipped, 5);
    ck_assert_ptr_nonnull(rep.skipped_names);
    ck_assert_ptr_nonnull(strstr(rep.skipped_names, "wild"));
    ck_assert_ptr_nonnull(strstr(rep.skipped_names, "not stored in its normal form"));
    ck_assert_ptr_nonnull(strstr(rep.skipped_names, "platform's own"));
    ck_assert_ptr_null(strchr(rep.skipped_names, '\r'));
    char *live = read_file(T.live, NULL);
    ck_assert_ptr_nonnull(live);
    ck_assert_ptr_nonnull(strstr(live, "server_name good.example.test;"));
    ck_assert_uint_eq(count_of(live, "    server_name "), 1);
    ck_assert_ptr_null(strstr(live, "passwd"));
    ck_assert_ptr_null(strstr(live, "wild"));
    ck_assert_ptr_null(strstr(live, "listen 1;"));
    ck_assert_ptr_null(strstr(live, "Upper"));
    ck_assert_ptr_null(strstr(live, "platform.example.test"));
    free(live);
    ck_assert_int_eq(nginx_t(), 0);
    /* Reported where the operator looks: the generation row and the activity log. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM nginx_generations WHERE id = %lld AND "
                             "status = 'ok' AND skipped = 5 AND message LIKE '%%wild%%'",
                             (long long)rep.generation_id), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events WHERE category = 'White Label' "
                             "AND action = 'Generate nginx Config' AND status = 'Success' AND "
                             "resource_id = '%lld' AND JSON_VALUE(metadata, '$.skipped') = 5 AND "
                             "org_id = %lld", (long long)rep.generation_id, platform_org()), 1);
}
END_TEST

/* A copy of templates/nginx in the test folder, with from → to replaced. */
static char *broken_templates(const char *name, const char *from, const char *to)
{
    char src[600];
    char *dir = strdup(path_in("%s", name));

    snprintf(src, sizeof(src), "%s/templates/nginx/server.conf.tpl", getenv("PT_TEST_SRCDIR"));
    char *text = read_file(src, NULL), *hit;
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    ck_assert_ptr_nonnull(hit = strstr(text, from));
    *hit = '\0';
    write_text(path_in("%s/server.conf.tpl", name), "%s%s%s", text, to, hit + strlen(from));
    free(text);
    return dir;
}

START_TEST(test_a_broken_template_leaves_the_live_file_and_the_running_nginx_alone)
{
    struct pt_nginx_report rep;
    size_t before_len, after_len;

    nginx_start();
    insert_hosts(3, "h", true);
    ck_assert_int_eq(generate(NULL, true, &rep), 0);
    ck_assert(rep.reloaded);
    ck_assert_msg(wait_status("h1.example.test", "/.well-known/acme-challenge/probe", 200),
                  "the generated block does not serve h1");
    /* Through the generated block to the stack's portald (the FastCGI snippet). */
    ck_assert_int_eq(get_host("h2.example.test", "/healthz", false, NULL, NULL, NULL), 200);
    ck_assert_int_eq(get_host("h4.example.test", "/.well-known/acme-challenge/probe", false,
                              NULL, NULL, NULL), 418);
    long pid = nginx_pid();
    char *before = read_file(T.live, &before_len);
    long long ok_gen = last_generation("ok");
    /* h4: the change that must not land while the template is broken. */
    free(sql("INSERT INTO hostnames (hostname, org_id, kind, verified_at) "
             "VALUES ('h4.example.test', %lld, 'custom', NOW())", T.org));

    /* 1: the template does not parse. */
    char *unparsable = broken_templates("tpl-unparsable", "{{/hosts}}", "");
    ck_assert_int_ne(generate(unparsable, true, &rep), 0);
    ck_assert_ptr_nonnull(strstr(rep.message, "template"));
    ck_assert(!rep.swapped && !rep.reloaded);
    /* 2: it parses, but nginx refuses what it renders. */
    char *refused = broken_templates("tpl-refused", "    listen {{listen}}", "    lissten {{listen}}");
    ck_assert_int_eq(generate(refused, true, &rep), PT_EIO);
    ck_assert_msg(strstr(rep.message, "unknown directive") && strstr(rep.message, "lissten"),
                  "message: %s", rep.message);
    ck_assert(!rep.checked && !rep.swapped && !rep.reloaded);

    char *after = read_file(T.live, &after_len);
    ck_assert_uint_eq(after_len, before_len);
    ck_assert_int_eq(memcmp(before, after, before_len), 0);
    ck_assert_int_eq(access(path_in("conf/.portal-hosts.conf.new"), F_OK), -1);
    ck_assert_int_eq(nginx_pid(), pid);
    ck_assert_int_eq(kill((pid_t)pid, 0), 0);
    ck_assert_int_eq(get_host("h1.example.test", "/.well-known/acme-challenge/probe", false,
                              NULL, NULL, NULL), 200);
    ck_assert_int_eq(get_host("h4.example.test", "/.well-known/acme-challenge/probe", false,
                              NULL, NULL, NULL), 418);
    /* Recorded: two failed generations after the good one, the second with nginx's words. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM nginx_generations WHERE id > %lld AND "
                             "status = 'failed'", ok_gen), 2);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Generate nginx "
                             "Config' AND status = 'Failed' AND resource_id = '%lld' AND "
                             "description LIKE '%%unknown directive%%'",
                             (long long)rep.generation_id), 1);

    /* The good template again: h4 goes live. */
    ck_assert_int_eq(generate(NULL, true, &rep), 0);
    ck_assert_msg(wait_status("h4.example.test", "/.well-known/acme-challenge/probe", 200),
                  "h4 never went live");
    free(before);
    free(after);
    free(unparsable);
    free(refused);
}
END_TEST

START_TEST(test_a_certificate_gives_a_redirect_and_an_https_block_with_it)
{
    struct pt_nginx_report rep;
    char *cert, *key, *loc = NULL, *body = NULL;

    nginx_start();
    insert_hosts(2, "h", true);
    make_cert("tls.example.test", &cert, &key);
    free(sql("INSERT INTO hostnames (hostname, org_id, kind, verified_at, tls_state, cert_path, "
             "key_path) VALUES ('tls.example.test', %lld, 'custom', NOW(), 'issued', '%s', "
             "'%s'), ('gone.example.test', %lld, 'custom', NOW(), 'issued', '%s', '%s')", T.org,
             cert, key, T.org, path_in("certs/missing.crt"), path_in("certs/missing.key")));
    ck_assert_int_eq(generate(NULL, true, &rep), 0);
    ck_assert_uint_eq(rep.hosts, 4);
    ck_assert_uint_eq(rep.tls_hosts, 1);
    ck_assert_ptr_nonnull(rep.warnings);
    ck_assert_ptr_nonnull(strstr(rep.warnings, "gone.example.test"));
    ck_assert_int_eq(nginx_t(), 0);
    ck_assert_msg(wait_status("tls.example.test", "/x", 301), "no redirect for tls");
    ck_assert_int_eq(get_host("tls.example.test", "/a?b=1", false, NULL, NULL, &loc), 301);
    ck_assert_str_eq(loc, "https://tls.example.test/a?b=1");
    /* The ACME location stays on HTTP (renewals), and the HTTPS block
     * presents the host's own certificate (curl trusts only it). */
    ck_assert_int_eq(get_host("tls.example.test", "/.well-known/acme-challenge/probe", false,
                              NULL, NULL, NULL), 200);
    ck_assert_int_eq(get_host("tls.example.test", "/.well-known/acme-challenge/probe", true,
                              cert, &body, NULL), 200);
    ck_assert_str_eq(body, "probe-ok\n");
    ck_assert_int_eq(get_host("tls.example.test", "/healthz", true, cert, NULL, NULL), 200);
    /* A host whose certificate files vanished is served over HTTP, not broken. */
    ck_assert_int_eq(get_host("gone.example.test", "/healthz", false, NULL, NULL, NULL), 200);
    free(loc);
    free(body);
    free(cert);
    free(key);
}
END_TEST

START_TEST(test_portalctl_nginx_check_generate_and_usage)
{
    char *argv_check[] = { "nginx", "check", NULL };
    char *argv_gen[] = { "nginx", "generate", "--no-reload", NULL };
    char *argv_bad[] = { "nginx", "frobnicate", NULL };
    char *refused = broken_templates("tpl-refused", "    listen {{listen}}", "    lissten {{listen}}");
    char *argv_broken[] = { "nginx", "generate", "--templates", refused, NULL };
    size_t len;

    insert_hosts(5, "c", true);
    ck_assert_int_eq(pt_portalctl_nginx(&T.w, 2, argv_check), 0);
    char *live = read_file(T.live, &len);
    ck_assert_uint_eq(len, 0);                         /* check never touches it */
    free(live);
    ck_assert_int_eq(pt_portalctl_nginx(&T.w, 3, argv_gen), 0);
    live = read_file(T.live, &len);
    ck_assert_uint_eq(count_of(live, "    server_name "), 5);
    ck_assert_int_eq(pt_portalctl_nginx(&T.w, 2, argv_bad), 2);
    ck_assert_int_eq(pt_portalctl_nginx(&T.w, 4, argv_broken), 1);
    size_t len2;
    char *again = read_file(T.live, &len2);
    ck_assert_uint_eq(len2, len);
    ck_assert_int_eq(memcmp(live, again, len), 0);
    free(live);
    free(again);
    free(refused);

    /* A main config that does not include the live file: refused with the fix. */
    write_text(T.main_conf, "events {}\nhttp {}\n");
    struct pt_nginx_report rep;
    ck_assert_int_eq(generate(NULL, false, &rep), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(rep.message, "does not include"));
    ck_assert_int_eq(access(path_in("conf/.portal-hosts.conf.new"), F_OK), -1);

    /* A setting that could break out of a directive is refused and recorded. */
    FILE *f = fopen(T.portal_conf, "a");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "upstream = portald { include /etc/passwd }\n");
    ck_assert_int_eq(fclose(f), 0);
    pt_config_free(T.cfg);
    T.cfg = NULL;
    char err[512];
    ck_assert_msg(pt_config_load(T.portal_conf, &T.cfg, err, sizeof(err)) == 0, "%s", err);
    T.w.cfg = T.cfg;
    ck_assert_int_eq(generate(NULL, false, &rep), PT_EINVAL);
    ck_assert_ptr_nonnull(strstr(rep.message, "upstream"));
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM nginx_generations WHERE id = %lld AND "
                             "status = 'failed' AND message LIKE '%%upstream%%'",
                             (long long)rep.generation_id), 1);
}
END_TEST

int main(void)
{
    if (getenv("PT_TEST_SRCDIR") == NULL || suite_init("check_nginx_gen") != 0)
        return 77;
    snprintf(suite_dir, sizeof(suite_dir), "/tmp/ptng.XXXXXX");
    if (mkdtemp(suite_dir) == NULL)
        return 99;
    Suite *s = suite_create("nginx_gen");
    TCase *tc = tcase_create("generator");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_1_100_and_5000_verified_names_pass_the_real_nginx_t);
    tcase_add_test(tc, test_the_longest_legal_names_pass_the_real_nginx_t);
    tcase_add_test(tc, test_injection_names_are_refused_on_the_way_in_and_skipped_when_planted);
    tcase_add_test(tc, test_a_broken_template_leaves_the_live_file_and_the_running_nginx_alone);
    tcase_add_test(tc, test_a_certificate_gives_a_redirect_and_an_https_block_with_it);
    tcase_add_test(tc, test_portalctl_nginx_check_generate_and_usage);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    int rc = run_suite(s);
    suite_cleanup();
    return rc;
}
