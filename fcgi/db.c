/*
 * db.c — one MariaDB connection per process, prepared statements only.
 *
 * The connection opens lazily on first use (after fork: a connection must
 * never be shared by two processes).  Statements are prepared once and
 * cached by their SQL text (handlers pass string literals); a reconnect
 * closes them all and they are prepared again on next use.
 *
 * Failure policy:
 *   lost connection (2006/2013/…) outside a transaction: reconnect once and
 *     run the statement again.  A write whose reply was lost may already
 *     have been applied; the protocol cannot tell, so writes that must not
 *     happen twice belong in pt_db_tx (which never retries after a lost
 *     connection).
 *   lost connection inside a transaction: PT_ECONN, the transaction is over
 *     (the server rolled it back), every further statement of it fails.
 *   deadlock 1213 / lock wait timeout 1205: PT_EDEADLOCK; pt_db_tx rolls back
 *     and runs the whole function again.
 * Each failure is logged once, here, with the MariaDB error and the start of
 * the SQL text — never the bound values.
 */
#include "db.h"

#include "pt_config.h"
#include "request.h"
#include "worker.h"

#include <errmsg.h>
#include <errno.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DB_BUCKETS   256
#define DB_MAX_STMTS 1024     /* beyond this, statements run uncached */

struct db_stmt {
    char           *sql;
    uint32_t        hash;
    MYSQL_STMT     *st;
    struct db_stmt *next;
};

struct pt_db {
    char          *host, *socket, *name, *user, *password;
    unsigned       port, connect_timeout, read_timeout, write_timeout;
    bool           admin;            /* multi statements, for pt_db_script */
    MYSQL         *conn;
    struct db_stmt *buckets[DB_BUCKETS];
    size_t         n_stmts;
    bool           in_tx;
    int            tx_broken;        /* inside a tx: the error that ended it */
    bool           tx_retry;         /* deadlock / lock wait seen in this tx */
    bool           down_logged;      /* pt_db_ready: log an outage once */
    unsigned       last_errno;
    unsigned       seed;             /* rand_r state for retry jitter */
};

/* What one attempt of a call failed with; logged once by the caller. */
struct db_err {
    unsigned    no;
    char        msg[256];
};

static void db_err_set(struct db_err *e, unsigned no, const char *msg)
{
    e->no = no;
    snprintf(e->msg, sizeof(e->msg), "%s", msg ? msg : "");
}

static bool db_errno_lost(unsigned no)
{
    return no == CR_SERVER_GONE_ERROR || no == CR_SERVER_LOST ||
           no == CR_SERVER_LOST_EXTENDED || no == CR_CONNECTION_ERROR ||
           no == CR_CONN_HOST_ERROR || no == ER_CONNECTION_KILLED ||
           no == ER_SERVER_SHUTDOWN;
}

static bool db_errno_retry_tx(unsigned no)
{
    return no == ER_LOCK_DEADLOCK || no == ER_LOCK_WAIT_TIMEOUT;
}

/* ---- configuration ------------------------------------------------------ */

/* First line of a password file, without trailing white space. */
static char *db_read_secret(const char *path)
{
    char buf[1024];
    FILE *f = fopen(path, "re");
    char *out = NULL;

    if (f == NULL) {
        pt_log_error("%s: cannot open %s: %s", __func__, path, strerror(errno));
        return NULL;
    }
    if (fgets(buf, sizeof(buf), f) == NULL)
        buf[0] = '\0';
    fclose(f);
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    out = strdup(buf);
    explicit_bzero(buf, sizeof(buf));
    return out;
}

static int db_conf_uint(const struct pt_config *cfg, const char *key, unsigned dflt,
                        unsigned max, unsigned *out)
{
    const char *v = pt_config_value(cfg, "database", key);
    char *end;

    *out = dflt;
    if (v == NULL)
        return 0;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (*v == '\0' || *v == '-' || *end != '\0' || errno != 0 || x == 0 || x > max) {
        pt_log_error("%s: [database] %s must be a number in 1..%u", __func__, key, max);
        return PT_EINVAL;
    }
    *out = (unsigned)x;
    return 0;
}

static char *db_conf_str(const struct pt_config *cfg, const char *key, const char *dflt)
{
    const char *v = pt_config_value(cfg, "database", key);

    v = v && *v ? v : dflt;
    return v ? strdup(v) : NULL;
}

static struct pt_db *db_new(const struct pt_config *cfg, bool admin)
{
    struct pt_db *db = calloc(1, sizeof(*db));
    const char *pwfile;

    if (db == NULL)
        return NULL;
    db->admin = admin;
    db->seed = (unsigned)getpid() ^ (unsigned)time(NULL);
    db->host = db_conf_str(cfg, "host", NULL);
    db->socket = db_conf_str(cfg, "socket", NULL);
    db->name = db_conf_str(cfg, "name", "portal");
    db->user = db_conf_str(cfg, admin ? "admin_user" : "user",
                           admin ? "portal_admin" : "portal");
    if (db->name == NULL || db->user == NULL ||
        db_conf_uint(cfg, "port", 0, 65535, &db->port) != 0 ||
        db_conf_uint(cfg, "connect_timeout", 5, 3600, &db->connect_timeout) != 0 ||
        db_conf_uint(cfg, "read_timeout", 30, 86400, &db->read_timeout) != 0 ||
        db_conf_uint(cfg, "write_timeout", 30, 86400, &db->write_timeout) != 0)
        goto fail;
    /* No password file: unix-socket authentication, or no database at all
     * (the runtime still serves; /readyz says the database is down). */
    pwfile = pt_config_value(cfg, "database", admin ? "admin_password_file" : "password_file");
    if (pwfile != NULL && (db->password = db_read_secret(pwfile)) == NULL)
        goto fail;
    return db;
fail:
    pt_db_free(db);
    return NULL;
}

struct pt_db *pt_db_new(const struct pt_config *cfg)
{
    return db_new(cfg, false);
}

struct pt_db *pt_db_new_admin(const struct pt_config *cfg)
{
    return db_new(cfg, true);
}

/* ---- connection and statement cache ------------------------------------ */

static void db_forget_stmts(struct pt_db *db)
{
    for (size_t i = 0; i < DB_BUCKETS; i++) {
        struct db_stmt *s = db->buckets[i], *next;
        for (; s; s = next) {
            next = s->next;
            mysql_stmt_close(s->st);
            free(s->sql);
            free(s);
        }
        db->buckets[i] = NULL;
    }
    db->n_stmts = 0;
}

/* After a lost connection: the handles are dead, close them locally. */
static void db_disconnect(struct pt_db *db)
{
    if (db->conn) {
        mysql_close(db->conn);      /* detaches the statements first */
        db->conn = NULL;
    }
    db_forget_stmts(db);
}

void pt_db_free(struct pt_db *db)
{
    if (db == NULL)
        return;
    db_disconnect(db);
    free(db->host);
    free(db->socket);
    free(db->name);
    free(db->user);
    if (db->password) {
        explicit_bzero(db->password, strlen(db->password));
        free(db->password);
    }
    free(db);
}

static int db_open(struct pt_db *db, struct db_err *e)
{
    MYSQL *m = mysql_init(NULL);
    my_bool off = 0;
    unsigned no_infile = 0;        /* this option reads an unsigned int */
    unsigned long flags = db->admin ? CLIENT_MULTI_STATEMENTS : 0;

    if (m == NULL) {
        db_err_set(e, CR_OUT_OF_MEMORY, "out of memory");
        return PT_ENOMEM;
    }
    /* The init command is a constant: every session speaks UTC. */
    if (mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4") ||
        mysql_optionsv(m, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'") ||
        mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &db->connect_timeout) ||
        mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &db->read_timeout) ||
        mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &db->write_timeout) ||
        mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off) ||
        mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &no_infile)) {
        db_err_set(e, mysql_errno(m), "setting connection options failed");
        mysql_close(m);
        return PT_ECONN;
    }
    if (mysql_real_connect(m, db->host, db->user, db->password, db->name, db->port,
                           db->socket, flags) == NULL) {
        db_err_set(e, mysql_errno(m), mysql_error(m));
        mysql_close(m);
        return PT_ECONN;
    }
    db->conn = m;
    return 0;
}

int pt_db_connect(struct pt_db *db)
{
    struct db_err e = { 0 };

    if (db->conn)
        return 0;
    if (db_open(db, &e) != 0) {
        db->last_errno = e.no;
        pt_log_error("%s: cannot connect as %s: (%u) %s", __func__, db->user, e.no, e.msg);
        return PT_ECONN;
    }
    return 0;
}

static uint32_t db_hash(const char *s)
{
    uint32_t h = 2166136261u;           /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The cached statement for sql, prepared now when missing.  *owned is set
 * when the cache is full and the caller must close the statement. */
static MYSQL_STMT *db_stmt(struct pt_db *db, const char *sql, bool *owned, struct db_err *e)
{
    uint32_t h = db_hash(sql);
    struct db_stmt **slot = &db->buckets[h % DB_BUCKETS], *s;
    my_bool one = 1;

    *owned = false;
    for (s = *slot; s; s = s->next)
        if (s->hash == h && strcmp(s->sql, sql) == 0)
            return s->st;
    MYSQL_STMT *st = mysql_stmt_init(db->conn);
    if (st == NULL) {
        db_err_set(e, mysql_errno(db->conn), mysql_error(db->conn));
        return NULL;
    }
    /* max_length of every column after store_result: exact fetch buffers. */
    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
        db_err_set(e, mysql_stmt_errno(st), mysql_stmt_error(st));
        mysql_stmt_close(st);
        return NULL;
    }
    if (db->n_stmts >= DB_MAX_STMTS || (s = calloc(1, sizeof(*s))) == NULL ||
        (s->sql = strdup(sql)) == NULL) {
        free(s);
        *owned = true;
        return st;
    }
    s->hash = h;
    s->st = st;
    s->next = *slot;
    *slot = s;
    db->n_stmts++;
    return st;
}

/* Drop one statement from the cache (ER_NEED_REPREPARE after DDL). */
static void db_stmt_drop(struct pt_db *db, const char *sql)
{
    struct db_stmt **p = &db->buckets[db_hash(sql) % DB_BUCKETS];

    for (; *p; p = &(*p)->next)
        if (strcmp((*p)->sql, sql) == 0) {
            struct db_stmt *s = *p;
            *p = s->next;
            mysql_stmt_close(s->st);
            free(s->sql);
            free(s);
            db->n_stmts--;
            return;
        }
}

/* ---- one call ----------------------------------------------------------- */

struct db_call {
    const char             *sql;
    const struct pt_db_arg *args;
    bool                    want_rows;
    json_t                 *rows;          /* out: new reference */
    uint64_t                affected, insert_id;
};

/* A column that did not fit (only when max_length was not reported):
 * grow its buffer and fetch that column again. */
static int db_refetch(MYSQL_STMT *st, const MYSQL_FIELD *f, struct pt_db_col *c,
                      unsigned i, struct db_err *e)
{
    MYSQL_FIELD grown = *f;

    if (!c->error || c->bind.buffer_type != MYSQL_TYPE_STRING)
        return 0;
    grown.max_length = c->length;
    if (pt_db_col_bind(&grown, c) != 0) {
        db_err_set(e, CR_OUT_OF_MEMORY, "out of memory");
        return PT_ENOMEM;
    }
    if (mysql_stmt_fetch_column(st, &c->bind, i, 0) != 0) {
        db_err_set(e, mysql_stmt_errno(st), mysql_stmt_error(st));
        return PT_EDB;
    }
    return 0;
}

static json_t *db_row_json(const MYSQL_FIELD *fields, const struct pt_db_col *cols,
                           unsigned nf)
{
    json_t *row = json_object();

    for (unsigned i = 0; row && i < nf; i++)
        if (json_object_set_new(row, fields[i].name, pt_db_col_json(&fields[i], &cols[i])) != 0) {
            json_decref(row);
            row = NULL;
        }
    return row;
}

static int db_fetch(MYSQL_STMT *st, MYSQL_RES *meta, json_t *rows, struct db_err *e)
{
    unsigned nf = mysql_num_fields(meta);
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    struct pt_db_col *cols = calloc(nf ? nf : 1, sizeof(*cols));
    MYSQL_BIND *binds = calloc(nf ? nf : 1, sizeof(*binds));
    int rc = PT_ENOMEM, f;

    db_err_set(e, CR_OUT_OF_MEMORY, "out of memory");
    if (cols == NULL || binds == NULL)
        goto out;
    if (mysql_stmt_store_result(st) != 0) {
        db_err_set(e, mysql_stmt_errno(st), mysql_stmt_error(st));
        rc = PT_EDB;
        goto out;
    }
    for (unsigned i = 0; i < nf; i++) {
        if (pt_db_col_bind(&fields[i], &cols[i]) != 0)
            goto out;
        binds[i] = cols[i].bind;
    }
    if (mysql_stmt_bind_result(st, binds) != 0) {
        db_err_set(e, mysql_stmt_errno(st), mysql_stmt_error(st));
        rc = PT_EDB;
        goto out;
    }
    while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
        for (unsigned i = 0; f == MYSQL_DATA_TRUNCATED && i < nf; i++)
            if ((rc = db_refetch(st, &fields[i], &cols[i], i, e)) != 0)
                goto out;
        json_t *row = db_row_json(fields, cols, nf);
        if (row == NULL || json_array_append_new(rows, row) != 0) {
            db_err_set(e, CR_OUT_OF_MEMORY, "out of memory");
            rc = PT_ENOMEM;
            goto out;
        }
    }
    if (f != MYSQL_NO_DATA) {
        db_err_set(e, mysql_stmt_errno(st), mysql_stmt_error(st));
        rc = PT_EDB;
        goto out;
    }
    rc = 0;
out:
    for (unsigned i = 0; cols && i < nf; i++)
        pt_db_col_release(&cols[i]);
    free(cols);
    free(binds);
    return rc;
}

/* One attempt: prepare (or reuse), bind, execute, fetch. */
static int db_call_once(struct pt_db *db, struct db_call *c, struct db_err *e)
{
    size_t n = pt_db_nargs(c->args);
    MYSQL_BIND *pb = NULL;
    MYSQL_RES *meta = NULL;
    bool owned = false;
    int rc = PT_ECONN;
    MYSQL_STMT *st;

    if (db->conn == NULL && (rc = db_open(db, e)) != 0)
        return rc;
    if ((st = db_stmt(db, c->sql, &owned, e)) == NULL)
        return PT_EDB;
    rc = PT_EINVAL;
    if (n != mysql_stmt_param_count(st)) {
        db_err_set(e, 0, "wrong number of arguments");
        goto out;
    }
    if (n && ((pb = calloc(n, sizeof(*pb))) == NULL || pt_db_bind_args(c->args, pb, n) != 0)) {
        db_err_set(e, 0, pb ? "unknown argument type" : "out of memory");
        goto out;
    }
    rc = PT_EDB;
    if ((n && mysql_stmt_bind_param(st, pb) != 0) || mysql_stmt_execute(st) != 0) {
        db_err_set(e, mysql_stmt_errno(st), mysql_stmt_error(st));
        goto out;
    }
    if ((meta = mysql_stmt_result_metadata(st)) != NULL) {
        rc = c->want_rows ? db_fetch(st, meta, c->rows, e) : 0;
    } else {
        c->affected = mysql_stmt_affected_rows(st);
        c->insert_id = mysql_stmt_insert_id(st);
        rc = 0;
    }
out:
    if (meta)
        mysql_free_result(meta);
    mysql_stmt_free_result(st);
    if (owned)
        mysql_stmt_close(st);
    free(pb);
    return rc;
}

/* The start of the SQL text for a log line: enough to find the call site. */
static const char *db_sql_head(const char *sql, char *buf, size_t len)
{
    snprintf(buf, len, "%s", sql);
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    return buf;
}

static int db_call(struct pt_db *db, struct db_call *c, const char *rid, const char *func)
{
    struct db_err e = { 0 };
    char head[96];
    int rc;

    if (db->in_tx && db->tx_broken)     /* the server already ended this tx */
        return db->tx_broken;
    for (int attempt = 0;; attempt++) {
        if (c->want_rows && (c->rows = json_array()) == NULL)
            return PT_ENOMEM;
        e.no = 0;
        rc = db_call_once(db, c, &e);
        db->last_errno = e.no;
        if (rc == 0)
            return 0;
        json_decref(c->rows);
        c->rows = NULL;
        if (e.no == ER_NEED_REPREPARE && attempt == 0) {
            db_stmt_drop(db, c->sql);
            continue;
        }
        if (!db_errno_lost(e.no))
            break;
        db_disconnect(db);
        if (db->in_tx || attempt > 0) {
            rc = PT_ECONN;
            break;
        }
        pt_log_warn("%s: request %s: connection lost (%u), reconnecting", func,
                    rid ? rid : "-", e.no);
    }
    if (db_errno_retry_tx(e.no))
        rc = PT_EDEADLOCK;
    else if (e.no == ER_DUP_ENTRY)
        rc = PT_EEXIST;
    if (db->in_tx) {
        db->tx_retry = db->tx_retry || rc == PT_EDEADLOCK;
        db->tx_broken = rc == PT_EDEADLOCK || rc == PT_ECONN ? rc : 0;
    }
    /* A deadlock is routine (pt_db_tx runs the transaction again): a warning. */
    (rc == PT_EDEADLOCK ? pt_log_warn : pt_log_error)("%s: request %s: (%u) %s [%s]", func,
        rid ? rid : "-", e.no, e.msg, db_sql_head(c->sql, head, sizeof(head)));
    return rc;
}

/* ---- the connection-level API ------------------------------------------- */

int pt_db_run(struct pt_db *db, const char *sql, const struct pt_db_arg *args,
              uint64_t *affected, uint64_t *insert_id)
{
    struct db_call c = { .sql = sql, .args = args };
    int rc = db_call(db, &c, NULL, __func__);

    if (rc == 0 && affected)
        *affected = c.affected;
    if (rc == 0 && insert_id)
        *insert_id = c.insert_id;
    return rc;
}

int pt_db_select(struct pt_db *db, const char *sql, const struct pt_db_arg *args,
                 json_t **rows)
{
    struct db_call c = { .sql = sql, .args = args, .want_rows = true };
    int rc = db_call(db, &c, NULL, __func__);

    *rows = rc == 0 ? c.rows : NULL;
    return rc;
}

unsigned pt_db_last_errno(const struct pt_db *db)
{
    return db->last_errno;
}

/* ---- the request-level API (portal.h) ----------------------------------- */

int pt_db_exec(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
               uint64_t *affected, uint64_t *insert_id)
{
    struct db_call c = { .sql = sql, .args = args };
    int rc = db_call(r->w->db, &c, r->id, __func__);

    if (rc == 0 && affected)
        *affected = c.affected;
    if (rc == 0 && insert_id)
        *insert_id = c.insert_id;
    return rc;
}

/* Maintenance the application's account may not do (its grants keep the
 * activity log append-only): on the migration account, in the job worker
 * only, autocommitted statement by statement. */
int pt_db_admin_exec(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
                     uint64_t *affected)
{
    struct pt_worker *w = r->w;

    if (w->kind != PT_WORKER_JOBS) {
        pt_log_error("%s: request %s: only the job worker may use the admin account",
                     __func__, r->id);
        return PT_EINVAL;
    }
    if (w->admin_db == NULL && (w->admin_db = pt_db_new_admin(w->cfg)) == NULL)
        return PT_ENOMEM;
    struct db_call c = { .sql = sql, .args = args };
    int rc = db_call(w->admin_db, &c, r->id, __func__);

    if (rc == 0 && affected)
        *affected = c.affected;
    return rc;
}

int pt_db_query(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
                json_t **rows)
{
    struct db_call c = { .sql = sql, .args = args, .want_rows = true };
    int rc = db_call(r->w->db, &c, r->id, __func__);

    *rows = NULL;
    if (rc != 0)
        return rc;
    /* pt_keep releases the rows with the request (and on its own failure). */
    if ((*rows = pt_keep(r, c.rows)) == NULL) {
        pt_log_error("%s: request %s: out of memory", __func__, r->id);
        return PT_ENOMEM;
    }
    return 0;
}

int pt_db_query_one(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
                    json_t **row)
{
    json_t *rows;
    int rc = pt_db_query(r, sql, args, &rows);

    *row = NULL;
    if (rc != 0)
        return rc;
    if (json_array_size(rows) == 0)
        return PT_ENOTFOUND;
    *row = json_array_get(rows, 0);
    return 0;
}

/* START TRANSACTION / COMMIT / ROLLBACK as cached prepared statements. */
static int db_simple(struct pt_db *db, const char *sql, const char *rid)
{
    struct db_call c = { .sql = sql };

    return db_call(db, &c, rid, __func__);
}

static void db_jitter_sleep(struct pt_db *db, int attempt)
{
    long ms = (10 + (long)(rand_r(&db->seed) % 41)) * attempt;
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* One attempt: BEGIN; fn; COMMIT — or ROLLBACK when anything failed. */
static int db_tx_once(struct pt_req *r, bool rc_level, int (*fn)(struct pt_req *, void *),
                      void *arg)
{
    struct pt_db *db = r->w->db;
    int rc;

    db->tx_retry = false;
    db->tx_broken = 0;
    if (rc_level &&
        (rc = db_simple(db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", r->id)) != 0)
        return rc;
    if ((rc = db_simple(db, "START TRANSACTION", r->id)) != 0)
        return rc;
    r->in_tx = db->in_tx = true;
    rc = fn(r, arg);
    /* A statement that failed with a deadlock or a lost connection ended
     * the transaction even if fn chose to carry on: never commit then. */
    if (db->tx_broken)
        rc = db->tx_broken;
    if (rc == 0)
        rc = db_simple(db, "COMMIT", r->id);
    if (rc != 0 && db->conn && db->tx_broken != PT_ECONN) {
        db->tx_broken = 0;
        db_simple(db, "ROLLBACK", r->id);
    }
    r->in_tx = db->in_tx = false;
    return rc;
}

static int db_tx(struct pt_req *r, bool rc_level, int (*fn)(struct pt_req *, void *),
                 void *arg)
{
    struct pt_db *db = r->w->db;
    int rc = 0;

    if (r->in_tx)                 /* nested: part of the outer transaction */
        return fn(r, arg);
    for (int attempt = 1; attempt <= 1 + PT_DB_TX_RETRIES; attempt++) {
        rc = db_tx_once(r, rc_level, fn, arg);
        if (!db->tx_retry)
            break;
        rc = PT_EDEADLOCK;
        if (attempt <= PT_DB_TX_RETRIES) {
            pt_log_info("%s: request %s: deadlock, running the transaction again (%d/%d)",
                        __func__, r->id, attempt, PT_DB_TX_RETRIES);
            db_jitter_sleep(db, attempt);
        }
    }
    db->tx_retry = false;
    db->tx_broken = 0;
    return rc;
}

int pt_db_tx(struct pt_req *r, int (*fn)(struct pt_req *r, void *arg), void *arg)
{
    return db_tx(r, false, fn, arg);
}

int pt_db_tx_read_committed(struct pt_req *r, int (*fn)(struct pt_req *r, void *arg),
                            void *arg)
{
    return db_tx(r, true, fn, arg);
}

bool pt_db_ready(struct pt_req *r)
{
    struct pt_db *db = r->w->db;
    struct db_err e = { 0 };

    if (db->conn && mysql_ping(db->conn) == 0)
        return true;
    if (db->conn)
        db_disconnect(db);
    if (db_open(db, &e) == 0) {
        if (db->down_logged)
            pt_log_info("%s: database reachable again", __func__);
        db->down_logged = false;
        return true;
    }
    /* A readiness probe polls every second: log the outage once. */
    if (!db->down_logged)
        pt_log_error("%s: request %s: database unreachable: (%u) %s", __func__, r->id,
                     e.no, e.msg);
    db->down_logged = true;
    return false;
}

/* ---- migration scripts -------------------------------------------------- */

static void db_drain_results(MYSQL *m)
{
    MYSQL_RES *res = mysql_store_result(m);

    if (res)
        mysql_free_result(res);
}

int pt_db_script(struct pt_db *db, const char *text, size_t len, char *err, size_t errlen)
{
    unsigned n = 1;
    int next;

    if (!db->admin) {
        snprintf(err, errlen, "scripts run on the admin connection only");
        return PT_EINVAL;
    }
    if (pt_db_connect(db) != 0) {
        snprintf(err, errlen, "cannot connect as %s (%u)", db->user, db->last_errno);
        return PT_ECONN;
    }
    if (mysql_real_query(db->conn, text, (unsigned long)len) != 0)
        goto fail;
    do {
        db_drain_results(db->conn);
        if ((next = mysql_next_result(db->conn)) > 0)
            goto fail;
        n++;
    } while (next == 0);
    return 0;
fail:
    db->last_errno = mysql_errno(db->conn);
    snprintf(err, errlen, "statement %u: (%u) %s", n, db->last_errno, mysql_error(db->conn));
    if (db_errno_lost(db->last_errno)) {
        db_disconnect(db);
        return PT_ECONN;
    }
    return PT_EDB;
}
