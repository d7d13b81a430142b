/*
 * db_bind.c — the pure half of db.c: parameter binds from struct pt_db_arg,
 * and fetched result columns turned into JSON values (the mapping is
 * documented in db.h).  No connection here, so tests/unit/check_db_bind.c
 * drives it with hand-made fields and buffers.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- binding ------------------------------------------------------------ */

size_t pt_db_nargs(const struct pt_db_arg *args)
{
    size_t n = 0;

    while (args && args[n].type != PT_DB_END)
        n++;
    return n;
}

int pt_db_bind_args(const struct pt_db_arg *args, MYSQL_BIND *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct pt_db_arg *a = &args[i];

        /* Connector/C reads parameter buffers and never writes them. */
        switch (a->type) {
        case PT_DB_NULL:
            b[i].buffer_type = MYSQL_TYPE_NULL;
            break;
        case PT_DB_INT:
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = (void *)&a->i;
            break;
        case PT_DB_DOUBLE:
            b[i].buffer_type = MYSQL_TYPE_DOUBLE;
            b[i].buffer = (void *)&a->d;
            break;
        case PT_DB_STR:
        case PT_DB_BLOB:
            b[i].buffer_type = a->type == PT_DB_STR ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
            b[i].buffer = (void *)a->p;
            b[i].buffer_length = (unsigned long)a->len;
            break;
        default:
            return PT_EINVAL;
        }
    }
    return 0;
}

/* ---- result columns ----------------------------------------------------- */

int pt_db_col_bind(const MYSQL_FIELD *f, struct pt_db_col *col)
{
    MYSQL_BIND *b = &col->bind;

    memset(b, 0, sizeof(*b));
    b->is_null = &col->is_null;
    b->error = &col->error;
    b->length = &col->length;
    switch (f->type) {
    case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG: case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_YEAR:
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &col->v.i;
        b->is_unsigned = (f->flags & UNSIGNED_FLAG) != 0;
        return 0;
    case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &col->v.d;
        return 0;
    case MYSQL_TYPE_DATE: case MYSQL_TYPE_TIME: case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        b->buffer_type = f->type;
        b->buffer = &col->v.t;
        b->buffer_length = sizeof(col->v.t);
        return 0;
    default:
        break;
    }
    /* Everything else (text, DECIMAL, JSON, blobs, BIT) as bytes. */
    size_t want = (size_t)f->max_length + 1;
    if (col->buf == NULL || col->cap < want) {
        char *p = realloc(col->buf, want);
        if (p == NULL)
            return PT_ENOMEM;
        col->buf = p;
        col->cap = want;
    }
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = col->buf;
    b->buffer_length = (unsigned long)col->cap;
    return 0;
}

void pt_db_col_release(struct pt_db_col *col)
{
    free(col->buf);
    col->buf = NULL;
    col->cap = 0;
}

static json_t *db_time_json(const MYSQL_TIME *t)
{
    char s[48];

    switch (t->time_type) {
    case MYSQL_TIMESTAMP_DATE:
        snprintf(s, sizeof(s), "%04u-%02u-%02u", t->year, t->month, t->day);
        break;
    case MYSQL_TIMESTAMP_TIME:
        snprintf(s, sizeof(s), "%s%02u:%02u:%02u", t->neg ? "-" : "",
                 t->day * 24 + t->hour, t->minute, t->second);
        break;
    default:
        snprintf(s, sizeof(s), "%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month,
                 t->day, t->hour, t->minute, t->second);
        break;
    }
    if (t->second_part && t->time_type != MYSQL_TIMESTAMP_DATE) {
        size_t n = strlen(s);
        snprintf(s + n, sizeof(s) - n, ".%06lu", t->second_part);
    }
    return json_string(s);
}

json_t *pt_db_col_json(const MYSQL_FIELD *f, const struct pt_db_col *col)
{
    const MYSQL_BIND *b = &col->bind;
    char num[24];

    if (col->is_null)
        return json_null();
    switch (b->buffer_type) {
    case MYSQL_TYPE_LONGLONG:
        if (b->is_unsigned && (unsigned long long)col->v.i > INT64_MAX) {
            snprintf(num, sizeof(num), "%llu", (unsigned long long)col->v.i);
            return json_string(num);
        }
        return json_integer((json_int_t)col->v.i);
    case MYSQL_TYPE_DOUBLE:
        return json_real(col->v.d);
    case MYSQL_TYPE_DATE: case MYSQL_TYPE_TIME: case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        return db_time_json(&col->v.t);
    default:
        break;
    }
    size_t len = col->length < col->cap ? col->length : (col->cap ? col->cap - 1 : 0);
    const char *p = col->buf ? col->buf : "";
    json_t *s = NULL;
    if (f->charsetnr != 63)        /* 63: binary — bytes, not text */
        s = json_stringn(p, len);
    /* Binary (or, defensively, text that is not UTF-8): raw bytes. */
    return s ? s : json_stringn_nocheck(p, len);
}
