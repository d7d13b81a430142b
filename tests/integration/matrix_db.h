/*
 * matrix_db.h — the authorization matrix's own connection to the stack's
 * MariaDB (Connector/C on the unix socket, as the unix user, like the
 * mariadb client of auth_client.c).  The matrix asks thousands of small
 * questions ("did the guard deny request X?", "put the fixtures back");
 * one client process per question would cost ~10 ms each, a statement on an
 * open connection well under one.  Test code only: every failure fails the
 * running Check test.
 */
#ifndef PT_TEST_MATRIX_DB_H
#define PT_TEST_MATRIX_DB_H

#include <stdbool.h>

/* Connects (PT_TEST_VAR's socket, the database named in PT_TEST_CONFIG). */
void mdb_open(void);
void mdb_close(void);
/* One statement, no result expected. */
void mdb_exec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first column of the first row as an integer; 0 when there is none. */
long long mdb_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first column of the first row, malloc'd ("" when there is none). */
char *mdb_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Each row of a query (NULL columns as NULL pointers). */
typedef void (*mdb_row_fn)(char **row, unsigned ncols, void *arg);
void mdb_each(mdb_row_fn fn, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
