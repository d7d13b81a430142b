/*
 * fuzz_query.c — libFuzzer harness: query strings through pt_parse_urlencoded
 * with tight limits (so the caps are hit often), and pt_url_decode on the
 * same bytes.  Aborts when a result breaks the contract in parse.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void query_check(const struct pt_kvlist *l, const struct pt_limits *lim)
{
    if (l->n > lim->max_parts)
        abort();
    for (size_t i = 0; i < l->n; i++) {
        const struct pt_kv *kv = &l->items[i];

        if (kv->name[0] == '\0' || strlen(kv->name) > lim->max_field ||
            kv->len > lim->max_field || strlen(kv->value) != kv->len)
            abort();
    }
}

static void query_decode(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    size_t len = size;

    if (s == NULL)
        return;
    memcpy(s, data, size);
    if (pt_url_decode(s, &len, 1) == PT_OK && (len > size || memchr(s, '\0', len)))
        abort();
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct pt_limits lim = {
        .max_body = 8192, .max_parts = 16, .max_field = 64,
        .max_upload = 0, .max_headers = 0, .max_json_depth = 0,
    };
    struct pt_arena *a = pt_arena_new(4096);
    struct pt_kvlist l = { 0 };
    const char *why = NULL;
    int rc;

    if (a == NULL)
        return 0;
    rc = pt_parse_urlencoded(a, (const char *)data, size, &lim, &l, &why);
    if (rc == PT_OK)
        query_check(&l, &lim);
    else if (why == NULL || l.n != 0)
        abort();
    pt_arena_free(a);
    query_decode(data, size);
    return 0;
}
