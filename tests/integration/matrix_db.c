/* matrix_db.c — see matrix_db.h. */
#include "matrix_db.h"
#include "auth_client.h"

#include <check.h>
#include <mysql.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MDB_SQL_MAX 65536

static MYSQL *mdb;

void mdb_open(void)
{
    struct passwd *pw = getpwuid(getuid());
    char sock[1024], *name = conf_get("database", "name");

    snprintf(sock, sizeof(sock), "%s/run/mysqld.sock", getenv("PT_TEST_VAR"));
    mdb = mysql_init(NULL);
    ck_assert_ptr_nonnull(mdb);
    ck_assert_msg(mysql_real_connect(mdb, NULL, pw ? pw->pw_name : "root", NULL,
                                     name ? name : "portal", 0, sock, 0) != NULL,
                  "cannot connect to %s: %s", sock, mysql_error(mdb));
    free(name);
    ck_assert_int_eq(mysql_set_character_set(mdb, "utf8mb4"), 0);
    /* Autocommit: each statement sees what portald committed before it. */
    ck_assert_int_eq(mysql_autocommit(mdb, 1), 0);
}

void mdb_close(void)
{
    if (mdb)
        mysql_close(mdb);
    mdb = NULL;
}

__attribute__((format(printf, 1, 0)))
static void mdb_run(const char *fmt, va_list ap)
{
    char *q = malloc(MDB_SQL_MAX);

    ck_assert_ptr_nonnull(q);
    int n = vsnprintf(q, MDB_SQL_MAX, fmt, ap);
    ck_assert_msg(n > 0 && n < MDB_SQL_MAX, "statement too long");
    ck_assert_msg(mysql_real_query(mdb, q, (unsigned long)n) == 0, "%s: %.300s",
                  mysql_error(mdb), q);
    free(q);
}

void mdb_exec(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    mdb_run(fmt, ap);
    va_end(ap);
    MYSQL_RES *res = mysql_store_result(mdb);
    if (res)
        mysql_free_result(res);
}

__attribute__((format(printf, 3, 0)))
static void mdb_each_v(mdb_row_fn fn, void *arg, const char *fmt, va_list ap)
{
    MYSQL_ROW row;

    mdb_run(fmt, ap);
    MYSQL_RES *res = mysql_store_result(mdb);
    ck_assert_msg(res != NULL, "no result set: %s", mysql_error(mdb));
    unsigned n = mysql_num_fields(res);
    while ((row = mysql_fetch_row(res)) != NULL)
        fn(row, n, arg);
    mysql_free_result(res);
}

void mdb_each(mdb_row_fn fn, void *arg, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    mdb_each_v(fn, arg, fmt, ap);
    va_end(ap);
}

static void first_cell(char **row, unsigned ncols, void *arg)
{
    char **out = arg;

    if (*out == NULL && ncols > 0)
        *out = strdup(row[0] ? row[0] : "");
}

char *mdb_str(const char *fmt, ...)
{
    char *out = NULL;
    va_list ap;

    va_start(ap, fmt);
    mdb_each_v(first_cell, &out, fmt, ap);
    va_end(ap);
    return out ? out : strdup("");
}

long long mdb_int(const char *fmt, ...)
{
    char *out = NULL;
    va_list ap;

    va_start(ap, fmt);
    mdb_each_v(first_cell, &out, fmt, ap);
    va_end(ap);
    long long v = out ? strtoll(out, NULL, 10) : 0;
    free(out);
    return v;
}
