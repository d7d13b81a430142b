/*
 * db.h — the worker's MariaDB connection (the request-level pt_db_* API is in
 * portal.h).  This header adds what the core needs beside it: the
 * connection-level calls used where no request exists (the master's migration
 * check, portalctl, migrations), the migrator's multi-statement script runner,
 * and the pure bind/row helpers the unit test drives without a server.
 *
 * Config keys, all in [database]:
 *   socket, host, port, name (default portal), user (default portal),
 *   password_file, connect_timeout (5), read_timeout (30), write_timeout (30),
 *   admin_user (default portal_admin), admin_password_file  — the migrator,
 *   migrations_dir (read by migrate.c).
 *
 * Results: each row is a JSON object keyed by column name (or alias):
 *   integer columns → integer (an unsigned value above INT64_MAX → string),
 *   FLOAT/DOUBLE → real, DECIMAL → string (exact), DATETIME/TIMESTAMP →
 *   "YYYY-MM-DD HH:MM:SS" (UTC: every session runs with time_zone '+00:00';
 *   ".ffffff" appended only when the value has microseconds), DATE →
 *   "YYYY-MM-DD", TIME → "[-]HH:MM:SS", NULL → null, text and JSON columns →
 *   string.  Binary columns (BLOB, VARBINARY, BINARY, BIT) are strings too,
 *   holding the raw bytes: they may not be valid UTF-8 and may contain NULs,
 *   so read them with json_string_length() and never put them in a view.
 */
#ifndef PT_DB_H
#define PT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <mysql.h>

#include "portal.h"

struct pt_config;
struct pt_db;

/* Retries of a whole transaction after a deadlock or lock wait timeout. */
#define PT_DB_TX_RETRIES 3

/* Reads [database] from the config (and the password file); does not connect
 * (that happens on first use).  NULL on a bad config (logged) or OOM. */
struct pt_db *pt_db_new(const struct pt_config *cfg);
/* The migrator's connection: admin_user / admin_password_file, multi
 * statements allowed (for pt_db_script only). */
struct pt_db *pt_db_new_admin(const struct pt_config *cfg);
void pt_db_free(struct pt_db *db);

/* Connects now when not connected: 0 or PT_ECONN (logged). */
int pt_db_connect(struct pt_db *db);

/* The connection-level twins of pt_db_exec / pt_db_query: same rules
 * (prepared, cached, reconnect outside a transaction), no request.
 * *rows is a new reference the caller releases. */
int pt_db_run(struct pt_db *db, const char *sql, const struct pt_db_arg *args,
              uint64_t *affected, uint64_t *insert_id);
int pt_db_select(struct pt_db *db, const char *sql, const struct pt_db_arg *args,
                 json_t **rows);
/* The MariaDB error number of the last failed call (0 when it succeeded),
 * for callers that must tell "no such table" from an outage. */
unsigned pt_db_last_errno(const struct pt_db *db);

/* Runs a multi-statement script (a migration file) on an admin connection:
 * the only SQL that is not a prepared statement.  0, or PT_EDB/PT_ECONN with
 * "statement N: (errno) message" in err. */
int pt_db_script(struct pt_db *db, const char *text, size_t len, char *err, size_t errlen);

/* pt_db_tx whose transaction runs READ COMMITTED: a claim with
 * FOR UPDATE SKIP LOCKED then takes no gap locks that would block inserts. */
int pt_db_tx_read_committed(struct pt_req *r, int (*fn)(struct pt_req *r, void *arg),
                            void *arg);

/* ---- pure helpers (no server), exported for tests/unit/check_db_bind.c --- */

/* Number of arguments before PT_DB_END (args may be NULL: 0). */
size_t pt_db_nargs(const struct pt_db_arg *args);
/* Fills n zeroed parameter binds from args.  PT_EINVAL on an unknown type. */
int pt_db_bind_args(const struct pt_db_arg *args, MYSQL_BIND *b, size_t n);

/* One result column's fetch buffers.  pt_db_col_bind points col->bind at the
 * right buffer type for the field (integers, doubles, times, or a string
 * buffer of field->max_length + 1 bytes).  PT_ENOMEM or 0. */
struct pt_db_col {
    MYSQL_BIND     bind;
    unsigned long  length;
    my_bool        is_null, error;
    union {
        long long  i;
        double     d;
        MYSQL_TIME t;
    } v;
    char          *buf;        /* string buffer (malloc'd), or NULL */
    size_t         cap;
};
int  pt_db_col_bind(const MYSQL_FIELD *f, struct pt_db_col *col);
void pt_db_col_release(struct pt_db_col *col);
/* The fetched value of one column as a new JSON reference (NULL on OOM). */
json_t *pt_db_col_json(const MYSQL_FIELD *f, const struct pt_db_col *col);

#endif
