/*
 * fuzz_json.c — libFuzzer harness: JSON bodies through pt_parse_json_body
 * with a small depth cap; a parsed body must be an object no deeper than it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "parse.h"
#include "portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Depth of v (a scalar is 0); recursion is bounded by the cap under test. */
static size_t fuzz_json_depth(json_t *v)
{
    size_t max = 0, d;
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach(v, key, item)
            if ((d = fuzz_json_depth(item)) > max)
                max = d;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, item)
            if ((d = fuzz_json_depth(item)) > max)
                max = d;
    } else {
        return 0;
    }
    return max + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct pt_limits lim = {
        .max_body = 1 << 16, .max_parts = 0, .max_field = 0,
        .max_upload = 0, .max_headers = 0, .max_json_depth = 8,
    };
    json_t *out = NULL;
    const char *why = NULL;

    if (pt_parse_json_body((const char *)data, size, &lim, &out, &why) != PT_OK) {
        if (why == NULL || out != NULL)
            abort();
        return 0;
    }
    if (!json_is_object(out) || fuzz_json_depth(out) > lim.max_json_depth)
        abort();
    json_decref(out);
    return 0;
}
