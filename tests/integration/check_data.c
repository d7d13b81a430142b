/*
 * check_data.c — the data layer against the real private MariaDB and SMTP
 * sink that `scripts/dev test` started (PT_TEST_VAR, PT_TEST_CONFIG,
 * PT_TEST_SRCDIR, PT_TEST_DEV).  Without PT_TEST_VAR it skips (exit 77).
 *
 * Every test works in a scratch database of its own run (portal_itest_<pid>,
 * created through root's unix socket and dropped at the end), so the stack's
 * own database and the other suites are never disturbed — except by the
 * outage test, which stops and restarts the server itself.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <pwd.h>

#include "arena.h"
#include "pt_config.h"
#include "db.h"
#include "jobs.h"
#include "mail.h"
#include "migrate.h"
#include "modules.h"
#include "portal.h"
#include "request.h"
#include "tplset.h"
#include "worker.h"

#define RACE_JOBS 1000

/* The run's environment, filled once by main() before the suite forks. */
struct env {
    const char *var, *config, *srcdir, *dev;
    char        db[64], conf[512];
};
static struct env env;     /* read-only after main() fills it */

/* ---- the test module: job kinds the workers run ------------------------- */

/* Appends payload.n to payload.file: one line per run, O_APPEND keeps the
 * lines of two processes whole. */
static int race_run(struct pt_req *r, json_t *payload)
{
    const char *file = json_string_value(json_object_get(payload, "file"));
    char line[32];
    int fd, n;

    (void)r;
    if (file == NULL || (fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0600)) < 0)
        return PT_EIO;
    n = snprintf(line, sizeof(line), "%lld\n",
                 (long long)json_integer_value(json_object_get(payload, "n")));
    n = (int)write(fd, line, (size_t)n);
    close(fd);
    return n > 0 ? 0 : PT_EIO;
}

static int fail_run(struct pt_req *r, json_t *payload)
{
    (void)r;
    (void)payload;
    return PT_EIO;
}

static int tick_run(struct pt_req *r, json_t *payload)
{
    (void)r;
    (void)payload;
    return 0;
}

static const struct pt_job_kind itest_jobs[] = {
    { .kind = "itest.race", .run = race_run },
    { .kind = "itest.fail", .run = fail_run, .max_attempts = 2 },
    { .kind = "itest.tick", .run = tick_run },
    { 0 },
};
static const struct pt_schedule itest_schedules[] = {
    { .kind = "itest.tick", .when = "every 1" },
    { 0 },
};
static const struct portal_module itest_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "itest",
    .jobs = itest_jobs,
    .schedules = itest_schedules,
};

/* ---- helpers ------------------------------------------------------------ */

/* SQL as the server's administrator through its socket. */
static int root_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int root_sql(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    FILE *p;

    /* The administrator is the OS user (root in CI): unix_socket, no password. */
    struct passwd *pw = getpwuid(geteuid());
    snprintf(cmd, sizeof(cmd), "mariadb --no-defaults --protocol=socket --socket=%s/run/mysqld.sock "
             "-u'%s'", env.var, pw ? pw->pw_name : "root");
    if ((p = popen(cmd, "w")) == NULL)
        return -1;
    va_start(ap, fmt);
    vfprintf(p, fmt, ap);
    va_end(ap);
    fputs(";\n", p);
    return pclose(p);
}

static int dev(const char *what)
{
    char cmd[1024];

    snprintf(cmd, sizeof(cmd), "'%s' %s >/dev/null 2>&1", env.dev, what);
    return system(cmd);
}

/* A config for database `db`: the stack's file with overrides appended
 * (the last value of a key wins). */
static int write_conf(const char *path, const char *db)
{
    char cmd[1024];
    FILE *f;

    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", env.config, path);
    if (system(cmd) != 0 || (f = fopen(path, "a")) == NULL)
        return -1;
    fprintf(f, "\n[server]\ntemplates_dir = %s/templates\n"
            "[database]\nname = %s\nmigrations_dir = %s/sql\n"
            "admin_user = portal_admin\nadmin_password_file = %s/secrets/db_admin_password\n"
            "[mail]\nretry_seconds = 1\nfrom = Portal Tests <tests@portal.example.com>\n"
            "[jobs]\nretry_seconds = 1\n", env.srcdir, db, env.srcdir, env.var);
    return fclose(f) == 0 ? 0 : -1;
}

static int create_db(const char *db)
{
    return root_sql("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
                    "GRANT ALL PRIVILEGES ON `%s`.* TO 'portal_admin'@'localhost';"
                    "GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON `%s`.* TO "
                    "'portal'@'localhost'", db, db, db);
}

struct fixture {
    struct pt_config  *cfg;
    struct pt_modules  mods;
    const struct portal_module *list[1];
    struct pt_worker   w;
};

static void fixture_open(struct fixture *f)
{
    char err[512];

    memset(f, 0, sizeof(*f));
    ck_assert_msg(pt_config_load(env.conf, &f->cfg, err, sizeof(err)) == 0, "%s", err);
    f->list[0] = &itest_module;
    f->mods = (struct pt_modules){ .mods = f->list, .n = 1 };
    f->w = (struct pt_worker){ .kind = PT_WORKER_JOBS, .cfg = f->cfg, .mods = &f->mods,
                               .listen_fd = -1 };
    f->w.arena = pt_arena_new(64 * 1024);
    f->w.tplsets = pt_tplsets_new(f->cfg->templates_dir, f->cfg->hosts, f->cfg->n_hosts);
    f->w.db = pt_db_new(f->cfg);
    ck_assert(f->w.arena && f->w.tplsets && f->w.db);
}

static void fixture_close(struct fixture *f)
{
    pt_worker_release(&f->w);
    pt_config_free(f->cfg);
}

static int64_t scalar(struct fixture *f, const char *sql, const struct pt_db_arg *args)
{
    struct pt_req r;
    json_t *row;
    int64_t v;

    pt_req_init_job(&r, &f->w);
    ck_assert_int_eq(pt_db_query_one(&r, sql, args, &row), 0);
    v = json_integer_value(json_object_get(row, "v"));
    pt_arena_reset(f->w.arena);
    return v;
}

static void exec_ok(struct fixture *f, const char *sql, const struct pt_db_arg *args)
{
    struct pt_req r;

    pt_req_init_job(&r, &f->w);
    ck_assert_int_eq(pt_db_exec(&r, sql, args, NULL, NULL), 0);
    pt_arena_reset(f->w.arena);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- migrations --------------------------------------------------------- */

START_TEST(migrations_apply_from_empty_and_then_refuse_a_changed_file)
{
    char db[80], conf[256], sqldir[128], cmd[512], err[1024];
    struct pt_config *cfg;

    snprintf(db, sizeof(db), "%s_m", env.db);
    snprintf(conf, sizeof(conf), "/tmp/check_data_m.%ld.conf", (long)getpid());
    snprintf(sqldir, sizeof(sqldir), "/tmp/check_data_sql.%ld", (long)getpid());
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -r '%s/sql' '%s'", sqldir, env.srcdir, sqldir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(create_db(db), 0);
    ck_assert_int_eq(write_conf(conf, db), 0);
    FILE *f = fopen(conf, "a");
    fprintf(f, "[database]\nmigrations_dir = %s\n", sqldir);
    fclose(f);
    ck_assert_int_eq(pt_config_load(conf, &cfg, err, sizeof(err)), 0);

    /* Empty database: portald's check names what is pending. */
    ck_assert_int_eq(pt_migrate_check(cfg, err, sizeof(err)), PT_EINVAL);
    ck_assert_msg(strstr(err, "001_core") != NULL, "%s", err);
    ck_assert_int_eq(pt_migrate_apply(cfg, NULL, err, sizeof(err)), 0);
    ck_assert_msg(pt_migrate_check(cfg, err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(pt_migrate_apply(cfg, NULL, err, sizeof(err)), 0);   /* nothing to do */

    /* Editing an applied file is refused, by name, by both. */
    snprintf(cmd, sizeof(cmd), "echo '-- edited' >> '%s/001_core.sql'", sqldir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(pt_migrate_check(cfg, err, sizeof(err)), PT_EINVAL);
    ck_assert_msg(strstr(err, "001_core.sql changed") != NULL, "%s", err);
    ck_assert_int_eq(pt_migrate_apply(cfg, NULL, err, sizeof(err)), PT_EINVAL);

    pt_config_free(cfg);
    root_sql("DROP DATABASE `%s`", db);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", sqldir, conf);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(every_table_has_a_primary_key)
{
    struct fixture f;

    fixture_open(&f);
    ck_assert_int_eq(scalar(&f, "SELECT COUNT(*) AS v FROM information_schema.TABLES t "
                            "WHERE t.TABLE_SCHEMA = DATABASE() AND NOT EXISTS (SELECT 1 FROM "
                            "information_schema.TABLE_CONSTRAINTS c WHERE c.TABLE_SCHEMA = "
                            "t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND "
                            "c.CONSTRAINT_TYPE = 'PRIMARY KEY')", PT_NOARGS), 0);
    ck_assert_int_ge(scalar(&f, "SELECT COUNT(*) AS v FROM information_schema.TABLES "
                            "WHERE TABLE_SCHEMA = DATABASE() AND ENGINE = 'InnoDB'",
                            PT_NOARGS), 12);
    fixture_close(&f);
}
END_TEST

/* ---- transactions ------------------------------------------------------- */

struct deadlock {
    int     go_fd;
    int64_t a, b;
    int     calls;
};

/* Takes row a, lets the other connection queue behind it, then asks for row
 * b, which the other connection holds: a real deadlock, and this side is
 * the lighter transaction, so InnoDB picks it as the victim. */
static int deadlock_tx(struct pt_req *r, void *arg)
{
    struct deadlock *d = arg;
    int rc;

    d->calls++;
    if ((rc = pt_db_exec(r, "UPDATE jobs SET attempts = attempts + 100 WHERE id = ?",
                         PT_ARGS(PT_ARG_INT(d->a)), NULL, NULL)) != 0)
        return rc;
    if (d->calls == 1) {
        ck_assert_int_eq(write(d->go_fd, "G", 1), 1);
        sleep_ms(400);
    }
    return pt_db_exec(r, "UPDATE jobs SET attempts = attempts + 100 WHERE id = ?",
                      PT_ARGS(PT_ARG_INT(d->b)), NULL, NULL);
}

/* The other connection: holds rows b..last, then wants row a. */
static void deadlock_peer(struct fixture *f, int ready_fd, int go_fd, int64_t a, int64_t b,
                          int64_t last)
{
    struct pt_db *db = pt_db_new(f->cfg);
    char c;

    if (db == NULL || pt_db_run(db, "START TRANSACTION", PT_NOARGS, NULL, NULL) != 0 ||
        pt_db_run(db, "UPDATE jobs SET attempts = attempts + 1 WHERE id >= ? AND id <= ?",
                  PT_ARGS(PT_ARG_INT(b), PT_ARG_INT(last)), NULL, NULL) != 0 ||
        write(ready_fd, "R", 1) != 1 || read(go_fd, &c, 1) != 1 ||
        pt_db_run(db, "UPDATE jobs SET attempts = attempts + 1 WHERE id = ?",
                  PT_ARGS(PT_ARG_INT(a)), NULL, NULL) != 0)
        _exit(1);
    sleep_ms(200);
    _exit(pt_db_run(db, "COMMIT", PT_NOARGS, NULL, NULL) == 0 ? 0 : 1);
}

START_TEST(a_real_deadlock_is_retried_and_succeeds)
{
    struct fixture f;
    struct pt_req r;
    int ready[2], go[2], status;
    uint64_t first;
    char c;

    fixture_open(&f);
    pt_req_init_job(&r, &f.w);
    ck_assert_int_eq(pt_db_exec(&r, "INSERT INTO jobs (kind, payload, state) VALUES "
                                "('itest.lock', '{}', 'done')", PT_NOARGS, NULL, &first), 0);
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(pt_db_exec(&r, "INSERT INTO jobs (kind, payload, state) VALUES "
                                    "('itest.lock', '{}', 'done')", PT_NOARGS, NULL, NULL), 0);
    struct deadlock d = { .a = (int64_t)first, .b = (int64_t)first + 1 };
    int64_t last = (int64_t)first + 50;
    ck_assert(pipe(ready) == 0 && pipe(go) == 0);
    pid_t pid = fork();
    if (pid == 0)
        deadlock_peer(&f, ready[1], go[0], d.a, d.b, last);
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    d.go_fd = go[1];
    ck_assert_int_eq(pt_db_tx(&r, deadlock_tx, &d), 0);
    ck_assert_int_eq(d.calls, 2);                 /* the victim ran again, once */
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(scalar(&f, "SELECT attempts AS v FROM jobs WHERE id = ?",
                            PT_ARGS(PT_ARG_INT(d.a))), 101);
    ck_assert_int_eq(scalar(&f, "SELECT attempts AS v FROM jobs WHERE id = ?",
                            PT_ARGS(PT_ARG_INT(d.b))), 101);
    fixture_close(&f);
}
END_TEST

static void kill_connection(struct fixture *f)
{
    int64_t id = scalar(f, "SELECT CONNECTION_ID() AS v", PT_NOARGS);

    ck_assert_int_eq(root_sql("KILL CONNECTION %lld", (long long)id), 0);
}

static int killed_tx(struct pt_req *r, void *arg)
{
    struct fixture *f = arg;
    json_t *row;

    kill_connection(f);
    return pt_db_query_one(r, "SELECT 1 AS v", PT_NOARGS, &row);
}

START_TEST(a_lost_connection_reconnects_outside_a_transaction_only)
{
    struct fixture f;
    struct pt_req r;

    fixture_open(&f);
    int64_t before = scalar(&f, "SELECT CONNECTION_ID() AS v", PT_NOARGS);
    kill_connection(&f);
    /* Outside a transaction: reconnected and retried, the caller sees nothing. */
    int64_t after = scalar(&f, "SELECT CONNECTION_ID() AS v", PT_NOARGS);
    ck_assert_int_ne(before, after);
    /* Inside one: the transaction fails cleanly with PT_ECONN… */
    pt_req_init_job(&r, &f.w);
    ck_assert_int_eq(pt_db_tx(&r, killed_tx, &f), PT_ECONN);
    ck_assert(!r.in_tx);
    pt_arena_reset(f.w.arena);
    /* …and the next request has a working connection again. */
    pt_req_init_job(&r, &f.w);
    ck_assert(pt_db_ready(&r));
    ck_assert_int_eq(scalar(&f, "SELECT 7 AS v", PT_NOARGS), 7);
    fixture_close(&f);
}
END_TEST

/* ---- jobs --------------------------------------------------------------- */

START_TEST(a_failing_job_backs_off_then_fails)
{
    struct fixture f;
    struct pt_req r;

    fixture_open(&f);
    exec_ok(&f, "DELETE FROM jobs WHERE state IN ('queued', 'running')", PT_NOARGS);
    pt_req_init_job(&r, &f.w);
    ck_assert_int_eq(pt_job_enqueue(&r, "itest.nobody", NULL, 0), PT_EINVAL);
    json_t *payload = json_pack("{s:i}", "x", 1);
    ck_assert_int_eq(pt_job_enqueue(&r, "itest.fail", payload, 0), 0);   /* borrows it */
    json_decref(payload);
    pt_arena_reset(f.w.arena);
    ck_assert_int_eq(pt_jobs_run_due(&f.w), 1);
    ck_assert_int_eq(scalar(&f, "SELECT COUNT(*) AS v FROM jobs WHERE kind = 'itest.fail' AND "
                            "state = 'queued' AND attempts = 1 AND run_at > NOW() AND "
                            "last_error IS NOT NULL AND locked_by IS NULL", PT_NOARGS), 1);
    ck_assert_int_eq(pt_jobs_run_due(&f.w), 0);   /* backing off: not due yet */
    sleep_ms(1500);                                /* retry_seconds = 1 */
    ck_assert_int_eq(pt_jobs_run_due(&f.w), 1);
    ck_assert_int_eq(scalar(&f, "SELECT COUNT(*) AS v FROM jobs WHERE kind = 'itest.fail' AND "
                            "state = 'failed' AND attempts = 2", PT_NOARGS), 1);
    fixture_close(&f);
}
END_TEST

START_TEST(a_job_whose_worker_died_is_queued_again)
{
    struct fixture f;

    fixture_open(&f);
    exec_ok(&f, "INSERT INTO jobs (kind, payload, state, attempts, locked_by, locked_at) "
            "VALUES ('itest.tick', '{}', 'running', 1, 'gone:1', NOW() - INTERVAL 1 HOUR)",
            PT_NOARGS);
    ck_assert_int_ge(pt_jobs_requeue_stale(&f.w), 1);
    ck_assert_int_eq(scalar(&f, "SELECT COUNT(*) AS v FROM jobs WHERE locked_by = 'gone:1'",
                            PT_NOARGS), 0);
    fixture_close(&f);
}
END_TEST

static pid_t start_job_worker(struct fixture *f, unsigned index)
{
    pid_t pid = fork();

    if (pid == 0) {
        /* The real job-worker process path: signals, arena, db, loop. */
        struct pt_worker w = { .kind = PT_WORKER_JOBS, .index = index, .cfg = f->cfg,
                               .mods = &f->mods, .listen_fd = -1 };
        _exit(pt_worker_run(&w));
    }
    return pid;
}

/* Waits for pid for up to ms; its exit status, or -1 on timeout. */
static int wait_exit(pid_t pid, long ms)
{
    int status;

    for (; ms > 0; ms -= 50) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        sleep_ms(50);
    }
    return -1;
}

static void assert_each_ran_once(const char *file)
{
    unsigned char seen[RACE_JOBS] = { 0 };
    FILE *in = fopen(file, "r");
    long n;
    int lines = 0;

    ck_assert_ptr_nonnull(in);
    while (fscanf(in, "%ld", &n) == 1) {
        ck_assert(n >= 0 && n < RACE_JOBS);
        ck_assert_msg(seen[n] == 0, "job %ld ran twice", n);
        seen[n] = 1;
        lines++;
    }
    fclose(in);
    ck_assert_int_eq(lines, RACE_JOBS);
}

START_TEST(two_job_workers_run_each_of_1000_jobs_exactly_once)
{
    struct fixture f;
    struct pt_req r;
    char file[128];
    time_t t0;

    fixture_open(&f);
    snprintf(file, sizeof(file), "/tmp/check_data_race.%ld", (long)getpid());
    unlink(file);
    exec_ok(&f, "DELETE FROM jobs WHERE state IN ('queued', 'running')", PT_NOARGS);
    exec_ok(&f, "DELETE FROM job_schedules", PT_NOARGS);
    pt_req_init_job(&r, &f.w);
    for (int i = 0; i < RACE_JOBS; i++) {
        json_t *p = json_pack("{s:i, s:s}", "n", i, "file", file);
        ck_assert_int_eq(pt_job_enqueue(&r, "itest.race", p, 0), 0);
        json_decref(p);
    }
    pt_arena_reset(f.w.arena);
    t0 = time(NULL);
    pid_t w1 = start_job_worker(&f, 0), w2 = start_job_worker(&f, 1);
    while (scalar(&f, "SELECT COUNT(*) AS v FROM jobs WHERE kind = 'itest.race' AND "
                  "state <> 'done'", PT_NOARGS) > 0 && time(NULL) - t0 < 150)
        sleep_ms(200);
    long elapsed = (long)(time(NULL) - t0);
    /* Both stop within about a second of SIGTERM, cleanly. */
    kill(w1, SIGTERM);
    kill(w2, SIGTERM);
    ck_assert_int_eq(wait_exit(w1, 2500), 0);
    ck_assert_int_eq(wait_exit(w2, 2500), 0);
    assert_each_ran_once(file);
    ck_assert_int_eq(scalar(&f, "SELECT COUNT(DISTINCT locked_by) AS v FROM jobs", PT_NOARGS), 0);
    /* The "every 1" schedule fired about once a second, not once per worker. */
    int64_t ticks = scalar(&f, "SELECT COUNT(*) AS v FROM jobs WHERE kind = 'itest.tick' "
                           "AND created >= NOW() - INTERVAL ? SECOND",
                           PT_ARGS(PT_ARG_INT(elapsed + 5)));
    ck_assert_msg(ticks >= 1 && ticks <= elapsed + 3, "%lld ticks in %ld s", (long long)ticks,
                  elapsed);
    unlink(file);
    fixture_close(&f);
}
END_TEST

/* ---- mail --------------------------------------------------------------- */

static int mail_tx(struct pt_req *r, void *arg)
{
    json_t *vars = json_pack("{s:s, s:s, s:i}", "full_name", "Zoë Tester", "link",
                             "http://127.0.0.1/password/set?token=abc&x=1", "expires_hours", 72);
    int rc = pt_mail_enqueue(r, arg, "set_password", vars);

    json_decref(vars);
    return rc;
}

static int mail_then_fail_tx(struct pt_req *r, void *arg)
{
    int rc = mail_tx(r, arg);

    return rc != 0 ? rc : PT_EINVAL;   /* the action fails after queueing its mail */
}

/* Files in the sink's folder that contain needle. */
static int mails_with(const char *needle)
{
    char dir[512], path[1024], buf[65536];
    struct dirent *e;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s/mail", env.var);
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".eml") == NULL || e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
        if (f)
            fclose(f);
        buf[len] = '\0';
        n += strstr(buf, needle) != NULL;
    }
    closedir(d);
    return n;
}

START_TEST(mail_queued_while_the_sink_is_down_arrives_once_when_it_is_back)
{
    struct fixture f;
    struct pt_req r;
    char addr[96];
    const char *to = addr;      /* PT_ARG_STR(array) would trip -Waddress */
    json_t *row;

    fixture_open(&f);
    snprintf(addr, sizeof(addr), "itest-%ld@example.com", (long)getpid());
    pt_req_init_job(&r, &f.w);
    /* A rolled-back action sends nothing. */
    ck_assert_int_eq(pt_db_tx(&r, mail_then_fail_tx, addr), PT_EINVAL);
    ck_assert_int_eq(scalar(&f, "SELECT COUNT(*) AS v FROM mail_outbox WHERE to_addr = ?",
                            PT_ARGS(PT_ARG_STR(to))), 0);
    ck_assert_int_eq(dev("smtp-stop"), 0);
    pt_req_init_job(&r, &f.w);
    ck_assert_int_eq(pt_db_tx(&r, mail_tx, addr), 0);
    ck_assert_int_eq(pt_db_query_one(&r, "SELECT message_id FROM mail_outbox WHERE to_addr = ?",
                                     PT_ARGS(PT_ARG_STR(to)), &row), 0);
    char *mid = strdup(json_string_value(json_object_get(row, "message_id")));
    pt_arena_reset(f.w.arena);

    ck_assert_int_ge(pt_mail_deliver_due(&f.w), 1);            /* refused: sink is down */
    ck_assert_int_eq(scalar(&f, "SELECT COUNT(*) AS v FROM mail_outbox WHERE to_addr = ? AND "
                            "state = 'queued' AND attempts = 1 AND last_error IS NOT NULL",
                            PT_ARGS(PT_ARG_STR(to))), 1);
    ck_assert_int_eq(dev("smtp-start"), 0);
    for (int i = 0; i < 40 && scalar(&f, "SELECT COUNT(*) AS v FROM mail_outbox WHERE "
                                     "to_addr = ? AND state = 'sent'",
                                     PT_ARGS(PT_ARG_STR(to))) == 0; i++) {
        pt_mail_deliver_due(&f.w);
        sleep_ms(250);
    }
    ck_assert_int_eq(mails_with(mid), 1);
    sleep_ms(1500);                          /* any second delivery would happen now */
    pt_mail_deliver_due(&f.w);
    ck_assert_int_eq(mails_with(mid), 1);
    free(mid);
    fixture_close(&f);
}
END_TEST

/* ---- the database going away and coming back ---------------------------- */

START_TEST(an_outage_fails_cleanly_and_heals_without_a_new_worker)
{
    struct fixture f;
    struct pt_req r;
    json_t *row;

    fixture_open(&f);
    ck_assert_int_eq(scalar(&f, "SELECT 1 AS v", PT_NOARGS), 1);
    ck_assert_int_eq(dev("db-stop"), 0);
    pt_req_init_job(&r, &f.w);
    ck_assert(!pt_db_ready(&r));
    ck_assert_int_eq(pt_db_query_one(&r, "SELECT 1 AS v", PT_NOARGS, &row), PT_ECONN);
    pt_arena_reset(f.w.arena);
    ck_assert_int_eq(dev("db-start"), 0);
    pt_req_init_job(&r, &f.w);
    ck_assert(pt_db_ready(&r));
    ck_assert_int_eq(scalar(&f, "SELECT 2 AS v", PT_NOARGS), 2);
    fixture_close(&f);
}
END_TEST

/* ---- the suite ---------------------------------------------------------- */

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *tc = tcase_create("mariadb");

    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, migrations_apply_from_empty_and_then_refuse_a_changed_file);
    tcase_add_test(tc, every_table_has_a_primary_key);
    tcase_add_test(tc, a_real_deadlock_is_retried_and_succeeds);
    tcase_add_test(tc, a_lost_connection_reconnects_outside_a_transaction_only);
    tcase_add_test(tc, a_failing_job_backs_off_then_fails);
    tcase_add_test(tc, a_job_whose_worker_died_is_queued_again);
    tcase_add_test(tc, two_job_workers_run_each_of_1000_jobs_exactly_once);
    tcase_add_test(tc, mail_queued_while_the_sink_is_down_arrives_once_when_it_is_back);
    tcase_add_test(tc, an_outage_fails_cleanly_and_heals_without_a_new_worker);
    suite_add_tcase(s, tc);
    return s;
}

/* The scratch database every test shares, migrated from empty. */
static int env_setup(void)
{
    struct pt_config *cfg;
    char err[1024];

    snprintf(env.db, sizeof(env.db), "portal_itest_%ld", (long)getpid());
    snprintf(env.conf, sizeof(env.conf), "/tmp/check_data.%ld.conf", (long)getpid());
    if (create_db(env.db) != 0 || write_conf(env.conf, env.db) != 0)
        return -1;
    if (pt_config_load(env.conf, &cfg, err, sizeof(err)) != 0 ||
        pt_migrate_apply(cfg, NULL, err, sizeof(err)) != 0) {
        fprintf(stderr, "check_data: %s\n", err);
        return -1;
    }
    pt_config_free(cfg);
    return 0;
}

int main(void)
{
    int failed = 1;

    env.var = getenv("PT_TEST_VAR");
    env.config = getenv("PT_TEST_CONFIG");
    env.srcdir = getenv("PT_TEST_SRCDIR");
    env.dev = getenv("PT_TEST_DEV");
    if (env.var == NULL || env.config == NULL || env.srcdir == NULL || env.dev == NULL) {
        fprintf(stderr, "check_data: PT_TEST_VAR/CONFIG/SRCDIR/DEV unset: skipped "
                "(run it through scripts/dev test)\n");
        return 77;
    }
    mysql_library_init(0, NULL, NULL);
    if (env_setup() == 0) {
        SRunner *sr = srunner_create(data_suite());
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
    }
    root_sql("DROP DATABASE IF EXISTS `%s`", env.db);
    unlink(env.conf);
    mysql_library_end();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
