/*
 * fuzz_form.c — libFuzzer harness: application/x-www-form-urlencoded bodies
 * through pt_parse_urlencoded with the production defaults, appended to a
 * list that already holds a field (as the worker merges inputs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct pt_limits lim = PT_LIMITS_DEFAULT;
    struct pt_arena *a = pt_arena_new(16384);
    struct pt_kvlist l = { 0 };
    const char *why = NULL;
    int rc;

    if (a == NULL)
        return 0;
    if (pt_kv_add(a, &l, "pre", "x", 1) != PT_OK)
        abort();
    rc = pt_parse_urlencoded(a, (const char *)data, size, &lim, &l, &why);
    if (rc != PT_OK && (why == NULL || l.n != 1))
        abort();
    if (l.n > lim.max_parts + 1 || strcmp(l.items[0].name, "pre") != 0)
        abort();
    for (size_t i = 1; i < l.n; i++)
        if (l.items[i].name[0] == '\0' || l.items[i].len > lim.max_field ||
            memchr(l.items[i].value, '\0', l.items[i].len) != NULL ||
            l.items[i].value[l.items[i].len] != '\0')
            abort();
    pt_arena_free(a);
    return 0;
}
