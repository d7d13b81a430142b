/*
 * fuzz_multipart.c — libFuzzer harness: multipart/form-data bodies.
 * An input that starts with "multipart/" carries its own Content-Type on the
 * first line (the rest is the body); any other input is a body for the fixed
 * boundary "XyZ", which is where most of the interesting bytes go.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "portal.h"

#define FUZZ_MP_CT "multipart/form-data; boundary=XyZ"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void multipart_check(const unsigned char *body, size_t len,
                            const struct pt_kvlist *fields, const struct pt_uploads *files,
                            const struct pt_limits *lim)
{
    if (fields->n + files->n > lim->max_parts)
        abort();
    for (size_t i = 0; i < fields->n; i++)
        if (fields->items[i].name[0] == '\0' || fields->items[i].len > lim->max_field ||
            strlen(fields->items[i].value) != fields->items[i].len)
            abort();
    for (size_t i = 0; i < files->n; i++) {
        const struct pt_upload *u = &files->items[i];

        if (u->field[0] == '\0' || u->filename[0] == '\0' || u->content_type == NULL ||
            u->len > lim->max_upload || u->data < body || u->len > len ||
            (size_t)(u->data - body) > len - u->len)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct pt_limits lim = {
        .max_body = 1 << 20, .max_parts = 8, .max_field = 256,
        .max_upload = 1024, .max_headers = 0, .max_json_depth = 0,
    };
    const uint8_t *nl = size > 10 && memcmp(data, "multipart/", 10) == 0 ?
                        memchr(data, '\n', size) : NULL;
    size_t ctlen = nl ? (size_t)(nl - data) : 0, len = nl ? size - ctlen - 1 : size;
    char *ct = malloc(ctlen + 1);
    unsigned char *body = malloc(len ? len : 1);   /* exact size: overreads show */
    struct pt_arena *a = pt_arena_new(4096);
    struct pt_kvlist fields = { 0 };
    struct pt_uploads files = { 0 };
    const char *why = NULL;

    if (ct == NULL || body == NULL || a == NULL)
        goto out;
    memcpy(ct, data, ctlen);
    ct[ctlen] = '\0';
    memcpy(body, nl ? nl + 1 : data, len);
    if (pt_parse_multipart(a, nl ? ct : FUZZ_MP_CT, body, len, &lim, &fields, &files,
                           &why) != PT_OK) {
        if (why == NULL || fields.n != 0 || files.n != 0)
            abort();
    } else {
        multipart_check(body, len, &fields, &files, &lim);
    }
out:
    pt_arena_free(a);
    free(body);
    free(ct);
    return 0;
}
