/*
 * fuzz_cookie.c — libFuzzer harness: the Cookie header through
 * pt_parse_cookies.  The header is a C string (a FastCGI param), so the
 * input is cut at its first NUL.
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
    static const struct pt_limits lim = {
        .max_body = 1 << 20, .max_parts = 32, .max_field = 128,
        .max_upload = 0, .max_headers = 0, .max_json_depth = 0,
    };
    char *header = malloc(size + 1);
    struct pt_arena *a = pt_arena_new(4096);
    struct pt_kvlist l = { 0 };
    const char *why = NULL;

    if (header == NULL || a == NULL)
        goto out;
    memcpy(header, data, size);
    header[size] = '\0';
    if (pt_parse_cookies(a, header, &lim, &l, &why) != PT_OK) {
        if (why == NULL || l.n != 0)
            abort();
        goto out;
    }
    if (l.n > lim.max_parts)
        abort();
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].name[0] == '\0' || l.items[i].len > lim.max_field ||
            strlen(l.items[i].value) != l.items[i].len)
            abort();
out:
    pt_arena_free(a);
    free(header);
    return 0;
}
