/*
 * portalctl — the operator's command line (DESIGN §2).
 *
 *   portalctl [-c portal.conf] migrate | check-config | create-admin EMAIL [--name NAME]
 *             | seed-demo [--scale small|large] | jobs [--state STATE] | routes
 *
 * Exit status: 0 done, 1 failed, 2 usage.  It talks to the database through
 * the same pt_db_* layer as portald (a job-style request context on a
 * private worker struct), so every statement is prepared and bound.
 */
#include "arena.h"
#include "pt_config.h"
#include "db.h"
#include "mail.h"
#include "migrate.h"
#include "portal.h"
#include "request.h"
#include "portalctl_nginx.h"
#include "routes_dump.h"
#include "secret.h"
#include "seed.h"
#include "tplset.h"
#include "worker.h"

#include <getopt.h>
#include <mysql.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTL_DEFAULT_CONF PT_SYSCONFDIR "/partner-portal/portal.conf"
#define CTL_TOKEN_HOURS  72

enum { CTL_OK = 0, CTL_FAIL = 1, CTL_USAGE = 2 };

struct ctl {
    const char       *conf_path;
    struct pt_config *cfg;
    struct pt_worker  w;
};

static void ctl_usage(FILE *f)
{
    fprintf(f,
        "usage: portalctl [-c portal.conf] COMMAND [options]\n"
        "\n"
        "commands:\n"
        "  migrate                          apply the pending sql/ migrations (as [database]\n"
        "                                   admin_user)\n"
        "  check-config                     load portal.conf and check what it points at\n"
        "  create-admin EMAIL [--name NAME] make EMAIL a Platform Administrator and print a\n"
        "                                   one-time set-password link (also e-mailed)\n"
        "  seed-demo [--scale small|large]  demo organisations and users; running it again\n"
        "                                   adds only what is missing\n"
        "  jobs [--state STATE]             list jobs (queued|running|done|failed; default:\n"
        "                                   queued and failed) and the mail outbox counts\n"
        "  gen-key [PATH]                   create the 0600 secret key ([security] key_file);\n"
        "                                   refuses to replace an existing one\n"
        PT_PORTALCTL_NGINX_USAGE
        "  routes                           the configured modules' routes as JSON (method,\n"
        "                                   pattern, permission, org_param, flags)\n"
        "\n"
        "options:\n"
        "  -c FILE   the configuration (default $PORTAL_CONF, else %s)\n"
        "  -h        this help\n"
        "\n"
        "exit status: 0 success, 1 failure, 2 usage error\n", CTL_DEFAULT_CONF);
}

/* ---- set-up ------------------------------------------------------------- */

static int ctl_load(struct ctl *c)
{
    char err[512];

    if (pt_config_load(c->conf_path, &c->cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "portalctl: %s\n", err);
        return CTL_FAIL;
    }
    c->w.kind = PT_WORKER_JOBS;
    c->w.cfg = c->cfg;
    c->w.listen_fd = -1;
    return CTL_OK;
}

/* The per-process state a request context needs (no modules: portalctl
 * never runs handlers). */
static int ctl_open(struct ctl *c)
{
    c->w.arena = pt_arena_new(64 * 1024);
    c->w.tplsets = pt_tplsets_new(c->cfg->templates_dir, c->cfg->hosts, c->cfg->n_hosts);
    c->w.db = pt_db_new(c->cfg);
    if (c->w.arena == NULL || c->w.tplsets == NULL || c->w.db == NULL) {
        fprintf(stderr, "portalctl: cannot set up (see the message above)\n");
        return CTL_FAIL;
    }
    if (pt_db_connect(c->w.db) != 0) {
        fprintf(stderr, "portalctl: cannot connect to the database (see the message above)\n");
        return CTL_FAIL;
    }
    return CTL_OK;
}

static void ctl_close(struct ctl *c)
{
    pt_worker_release(&c->w);
    pt_config_free(c->cfg);
}

/* ---- migrate ------------------------------------------------------------ */

static int cmd_migrate(struct ctl *c, int argc, char **argv)
{
    char err[1024];

    (void)argv;
    if (argc != 1) {
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    printf("migrations in %s\n", pt_migrate_dir(c->cfg));
    if (pt_migrate_apply(c->cfg, stdout, err, sizeof(err)) != 0) {
        fprintf(stderr, "portalctl: migrate: %s\n", err);
        return CTL_FAIL;
    }
    return CTL_OK;
}

/* ---- check-config ------------------------------------------------------- */

static int check_line(bool ok, const char *what, const char *detail)
{
    printf("%-7s %s%s%s\n", ok ? "ok" : "ERROR", what, detail ? ": " : "", detail ? detail : "");
    return ok ? 0 : 1;
}

static bool check_dir(const char *path)
{
    struct stat sb;

    return path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int check_files(struct ctl *c)
{
    struct pt_migration *m = NULL;
    char err[512], buf[4096];
    size_t n = 0;
    int bad = 0;

    int rc = pt_migrate_scan(pt_migrate_dir(c->cfg), &m, &n, err, sizeof(err));
    if (rc == 0)
        snprintf(err, sizeof(err), "%zu in %s", n, pt_migrate_dir(c->cfg));
    bad += check_line(rc == 0, "migrations", err);
    pt_migrate_list_free(m, n);
    snprintf(buf, sizeof(buf), "%s/default", c->cfg->templates_dir);
    bad += check_line(check_dir(buf), "templates", buf);
    snprintf(buf, sizeof(buf), "%s/mail", c->cfg->templates_dir);
    bad += check_line(check_dir(buf), "mail templates", buf);
    bad += check_line(check_dir(c->cfg->modules_dir), "modules_dir", c->cfg->modules_dir);
    for (size_t i = 0; i < c->cfg->n_modules; i++) {
        snprintf(buf, sizeof(buf), "%s/%s.so", c->cfg->modules_dir, c->cfg->modules[i]);
        bad += check_line(access(buf, R_OK) == 0, "module", buf);
    }
    return bad;
}

static int cmd_check_config(struct ctl *c, int argc, char **argv)
{
    const char *smtp = pt_config_value(c->cfg, "mail", "smtp_url");
    char addr[256];
    int bad = 0;

    (void)argv;
    if (argc != 1) {
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    check_line(true, "config", c->conf_path);
    struct pt_db *db = pt_db_new(c->cfg);
    bad += check_line(db != NULL, "[database] application user", db ? "password file read"
                      : "see the message above");
    pt_db_free(db);
    if (pt_config_value(c->cfg, "database", "admin_password_file")) {
        db = pt_db_new_admin(c->cfg);
        bad += check_line(db != NULL, "[database] migrator user", db ? "password file read"
                          : "see the message above");
        pt_db_free(db);
    } else {
        printf("%-7s %s\n", "note", "[database] admin_password_file unset: migrate cannot run");
    }
    bad += check_line(pt_mail_from_addr(pt_config_value(c->cfg, "mail", "from"), addr,
                                        sizeof(addr)), "[mail] from", addr);
    if (smtp == NULL)
        printf("%-7s %s\n", "note", "[mail] smtp_url unset: mail is queued, never delivered");
    bad += check_files(c);
    printf("%s\n", bad ? "configuration has errors" : "configuration is usable");
    return bad ? CTL_FAIL : CTL_OK;
}

/* ---- create-admin ------------------------------------------------------- */

struct admin_job {
    const char *email, *name, *platform_name;
    char        token[65], token_hash[65];
    const char *link;
    int64_t     user_id, org_id;
};

static void ctl_hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* 256 random bits as hex (the link) and the SHA-256 of that hex text (stored). */
static int ctl_token(char token[65], char hash[65])
{
    unsigned char rnd[32], md[32];
    unsigned mdlen = 0;

    if (RAND_bytes(rnd, sizeof(rnd)) != 1)
        return PT_EIO;
    ctl_hex(rnd, sizeof(rnd), token);
    OPENSSL_cleanse(rnd, sizeof(rnd));
    if (EVP_Digest(token, 64, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return PT_EIO;
    ctl_hex(md, sizeof(md), hash);
    return 0;
}

static int admin_tx(struct pt_req *r, void *arg)
{
    struct admin_job *a = arg;
    int64_t role_id;
    uint64_t id;
    int rc;

    if ((rc = pt_seed_platform(r, a->platform_name, &a->org_id)) != 0 ||
        (rc = pt_seed_system_role(r, "platform_admin", "Platform Administrator",
                                  "Full control of the platform and every tenant",
                                  &role_id)) != 0)
        return rc;
    rc = pt_db_exec(r, "INSERT INTO users (email, full_name) VALUES (?, ?) "
                    "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), status = 'active'",
                    PT_ARGS(PT_ARG_STR(a->email), PT_ARG_STR(a->name)), NULL, &id);
    if (rc != 0)
        return rc;
    a->user_id = (int64_t)id;
    rc = pt_db_exec(r, "INSERT INTO memberships (user_id, org_id, role_id) VALUES (?, ?, ?) "
                    "ON DUPLICATE KEY UPDATE role_id = VALUES(role_id)",
                    PT_ARGS(PT_ARG_INT(a->user_id), PT_ARG_INT(a->org_id),
                    PT_ARG_INT(role_id)), NULL, NULL);
    if (rc == 0)
        rc = pt_db_exec(r, "INSERT INTO one_time_tokens (purpose, token_hash, user_id, org_id, "
                        "expires) VALUES ('set_password', ?, ?, ?, NOW() + INTERVAL ? HOUR)",
                        PT_ARGS(PT_ARG_STR(a->token_hash), PT_ARG_INT(a->user_id),
                        PT_ARG_INT(a->org_id), PT_ARG_INT(CTL_TOKEN_HOURS)), NULL, NULL);
    if (rc != 0)
        return rc;
    json_t *vars = json_pack("{s:s, s:s, s:s, s:i}", "brand_name", a->platform_name,
                             "full_name", a->name, "link", a->link,
                             "expires_hours", CTL_TOKEN_HOURS);
    if (vars == NULL)
        return PT_ENOMEM;
    rc = pt_mail_enqueue(r, a->email, "set_password", vars);
    json_decref(vars);
    return rc;
}

static int cmd_create_admin(struct ctl *c, int argc, char **argv)
{
    struct admin_job a = { .platform_name = c->cfg->platform_name };
    static const struct option opts[] = { { "name", required_argument, NULL, 'n' },
                                          { NULL, 0, NULL, 0 } };
    struct pt_req r;
    char local[128];
    int o, rc;

    optind = 0;       /* GNU getopt: rescan, options may follow operands */
    while ((o = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
        if (o != 'n')
            return CTL_USAGE;
        a.name = optarg;
    }
    if (optind != argc - 1) {
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    a.email = argv[optind];
    if (!pt_mail_addr_ok(a.email)) {
        fprintf(stderr, "portalctl: create-admin: '%s' is not an e-mail address\n", a.email);
        return CTL_USAGE;
    }
    if (a.name == NULL) {                 /* "ann.lee@x" → "ann.lee" */
        snprintf(local, sizeof(local), "%.*s", (int)strcspn(a.email, "@"), a.email);
        a.name = local;
    }
    if (ctl_open(c) != 0 || ctl_token(a.token, a.token_hash) != 0)
        return CTL_FAIL;
    pt_req_init_job(&r, &c->w);
    a.link = pt_printf(&r, "%s/password/set?token=%s", c->cfg->base_url, a.token);
    rc = a.link ? pt_db_tx(&r, admin_tx, &a) : PT_ENOMEM;
    OPENSSL_cleanse(a.token, sizeof(a.token));
    if (rc != 0) {
        fprintf(stderr, "portalctl: create-admin failed (%d): see the messages above\n", rc);
        return CTL_FAIL;
    }
    /* stdout carries the link alone, for scripts; the sentence goes to stderr. */
    fprintf(stderr, "portalctl: %s is a Platform Administrator (user %lld, organisation "
            "%lld); set-password link, valid %d hours, also e-mailed:\n", a.email,
            (long long)a.user_id, (long long)a.org_id, CTL_TOKEN_HOURS);
    printf("%s\n", a.link);
    return CTL_OK;
}

/* ---- seed-demo ---------------------------------------------------------- */

static int cmd_seed_demo(struct ctl *c, int argc, char **argv)
{
    static const struct option opts[] = { { "scale", required_argument, NULL, 's' },
                                          { NULL, 0, NULL, 0 } };
    const char *scale = "small";
    int o;

    optind = 0;       /* GNU getopt: rescan, options may follow operands */
    while ((o = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
        if (o != 's')
            return CTL_USAGE;
        scale = optarg;
    }
    if (optind != argc || (strcmp(scale, "small") != 0 && strcmp(scale, "large") != 0)) {
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    if (ctl_open(c) != 0)
        return CTL_FAIL;
    return pt_seed_demo(&c->w, strcmp(scale, "large") == 0, stdout) == 0 ? CTL_OK : CTL_FAIL;
}

/* ---- jobs --------------------------------------------------------------- */

static const char *ctl_str(json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));

    return s ? s : "";
}

static void jobs_print(json_t *rows)
{
    size_t i;
    json_t *row;

    printf("%-8s %-24s %-8s %-9s %-19s %s\n", "ID", "KIND", "STATE", "ATTEMPTS", "RUN AT",
           "LAST ERROR");
    json_array_foreach(rows, i, row) {
        char att[24];
        snprintf(att, sizeof(att), "%lld/%lld",
                 (long long)json_integer_value(json_object_get(row, "attempts")),
                 (long long)json_integer_value(json_object_get(row, "max_attempts")));
        printf("%-8lld %-24.24s %-8s %-9s %-19s %.60s\n",
               (long long)json_integer_value(json_object_get(row, "id")), ctl_str(row, "kind"),
               ctl_str(row, "state"), att, ctl_str(row, "run_at"), ctl_str(row, "last_error"));
    }
    if (json_array_size(rows) == 0)
        printf("(no jobs)\n");
}

static void counts_print(const char *what, json_t *rows)
{
    size_t i;
    json_t *row;

    printf("%s:", what);
    json_array_foreach(rows, i, row)
        printf(" %s %lld", ctl_str(row, "state"),
               (long long)json_integer_value(json_object_get(row, "n")));
    printf("%s\n", json_array_size(rows) ? "" : " empty");
}

static int cmd_jobs(struct ctl *c, int argc, char **argv)
{
    static const struct option opts[] = { { "state", required_argument, NULL, 's' },
                                          { NULL, 0, NULL, 0 } };
    static const char *states[] = { "queued", "running", "done", "failed" };
    const char *state = NULL;
    json_t *rows, *jc, *mc;
    struct pt_req r;
    bool known = false;
    int o, rc;

    optind = 0;       /* GNU getopt: rescan, options may follow operands */
    while ((o = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
        if (o != 's')
            return CTL_USAGE;
        state = optarg;
    }
    for (size_t i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
        known = known || strcmp(state, states[i]) == 0;
    if (optind != argc || (state && !known)) {
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    if (ctl_open(c) != 0)
        return CTL_FAIL;
    pt_req_init_job(&r, &c->w);
    rc = state ? pt_db_query(&r, "SELECT id, kind, state, attempts, max_attempts, run_at, "
                             "last_error FROM jobs WHERE state = ? ORDER BY run_at DESC, id DESC "
                             "LIMIT 200", PT_ARGS(PT_ARG_STR(state)), &rows)
               : pt_db_query(&r, "SELECT id, kind, state, attempts, max_attempts, run_at, "
                             "last_error FROM jobs WHERE state IN ('queued', 'failed') "
                             "ORDER BY run_at DESC, id DESC LIMIT 200", PT_NOARGS, &rows);
    if (rc == 0)
        rc = pt_db_query(&r, "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state "
                         "ORDER BY state", PT_NOARGS, &jc);
    if (rc == 0)
        rc = pt_db_query(&r, "SELECT state, COUNT(*) AS n FROM mail_outbox GROUP BY state "
                         "ORDER BY state", PT_NOARGS, &mc);
    if (rc != 0) {
        fprintf(stderr, "portalctl: jobs: query failed (see above)\n");
        return CTL_FAIL;
    }
    jobs_print(rows);
    counts_print("jobs", jc);
    counts_print("mail", mc);
    return CTL_OK;
}

/* ---- main --------------------------------------------------------------- */

/* The key that seals two-factor secrets.  Replacing it would make every
 * sealed secret unreadable, so an existing file is never overwritten. */
static int cmd_gen_key(struct ctl *c, int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : pt_config_value(c->cfg, "security", "key_file");

    if (argc > 2 || path == NULL) {
        fprintf(stderr, "portalctl: gen-key needs a PATH or [security] key_file\n");
        return CTL_USAGE;
    }
    int rc = pt_secret_key_generate(path);
    if (rc == PT_EEXIST) {
        fprintf(stderr, "portalctl: %s exists; kept as it is\n", path);
        return CTL_OK;
    }
    if (rc != 0)
        return CTL_FAIL;
    fprintf(stderr, "portalctl: wrote a new key to %s\n", path);
    return CTL_OK;
}

/* ---- routes ------------------------------------------------------------- */

/* The route table as portald would build it (the authorization matrix test
 * reads it); no database needed. */
static int cmd_routes(struct ctl *c, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    return pt_routes_dump(c->cfg, stdout) == 0 ? CTL_OK : CTL_FAIL;
}

/* ---- nginx -------------------------------------------------------------- */

/* The per-hostname server blocks: generate (check, swap, reload) or check. */
static int cmd_nginx(struct ctl *c, int argc, char **argv)
{
    return ctl_open(c) != 0 ? CTL_FAIL : pt_portalctl_nginx(&c->w, argc, argv);
}

struct ctl_cmd {
    const char *name;
    int       (*run)(struct ctl *c, int argc, char **argv);
};

static const struct ctl_cmd ctl_cmds[] = {
    { .name = "migrate",      .run = cmd_migrate },
    { .name = "check-config", .run = cmd_check_config },
    { .name = "create-admin", .run = cmd_create_admin },
    { .name = "seed-demo",    .run = cmd_seed_demo },
    { .name = "jobs",         .run = cmd_jobs },
    { .name = "gen-key",      .run = cmd_gen_key },
    { .name = "routes",       .run = cmd_routes },
    { .name = "nginx",        .run = cmd_nginx },
};

int main(int argc, char **argv)
{
    struct ctl c = { .conf_path = getenv("PORTAL_CONF") };
    const struct ctl_cmd *cmd = NULL;
    int o, rc;

    if (c.conf_path == NULL || *c.conf_path == '\0')
        c.conf_path = CTL_DEFAULT_CONF;
    while ((o = getopt(argc, argv, "+c:h")) != -1) {
        if (o == 'h') {
            ctl_usage(stdout);
            return CTL_OK;
        }
        if (o != 'c') {
            ctl_usage(stderr);
            return CTL_USAGE;
        }
        c.conf_path = optarg;
    }
    for (size_t i = 0; optind < argc && i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
        if (strcmp(argv[optind], ctl_cmds[i].name) == 0)
            cmd = &ctl_cmds[i];
    if (cmd == NULL) {
        if (optind < argc)
            fprintf(stderr, "portalctl: unknown command '%s'\n", argv[optind]);
        ctl_usage(stderr);
        return CTL_USAGE;
    }
    if (ctl_load(&c) != 0)
        return CTL_FAIL;
    mysql_library_init(0, NULL, NULL);
    rc = cmd->run(&c, argc - optind, argv + optind);
    ctl_close(&c);
    mysql_library_end();
    return rc;
}
