/*
 * parse_json.c — a JSON request body, through Jansson.
 *
 * Jansson 2.14 has no depth option (only a compiled-in 2048), so the nesting
 * is measured before parsing with a scan that skips string contents; for
 * any valid document that is exactly its depth, and an invalid one is
 * refused by Jansson anyway.  Scanning first also means a deep document
 * costs no allocation at all.
 *
 * JSON_REJECT_DUPLICATES because {"role":"user","role":"admin"} means
 * different things to different readers; \u0000 is refused by Jansson's
 * default (no JSON_ALLOW_NUL), which matches the form parsers' NUL rule.
 */
#include "parse.h"
#include "portal.h"

#include <stdbool.h>

static bool jsonbody_depth_ok(const char *s, size_t len, size_t max)
{
    size_t depth = 0;
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (in_string) {
            if (c == '\\')
                i++;                    /* the escaped byte cannot end the string */
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                return false;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return true;
}

/* Jansson's error code as a reason the client can act on. */
static int jsonbody_error(const json_error_t *err, const char **why)
{
    switch (json_error_code(err)) {
    case json_error_out_of_memory:
        *why = "out of memory";
        return PT_ENOMEM;
    case json_error_stack_overflow:
        *why = "JSON body nested too deeply";
        return PT_ELIMIT;
    case json_error_duplicate_key:
        *why = "duplicate key in JSON body";
        return PT_EINVAL;
    case json_error_invalid_utf8:
        *why = "invalid UTF-8 in JSON body";
        return PT_EINVAL;
    case json_error_null_character:
    case json_error_null_byte_in_key:
        *why = "NUL character in JSON body";
        return PT_EINVAL;
    case json_error_premature_end_of_input:
        *why = "truncated JSON body";
        return PT_EINVAL;
    case json_error_end_of_input_expected:
        *why = "trailing data after JSON body";
        return PT_EINVAL;
    case json_error_numeric_overflow:
        *why = "number out of range in JSON body";
        return PT_EINVAL;
    default:
        *why = "malformed JSON body";
        return PT_EINVAL;
    }
}

int pt_parse_json_body(const char *body, size_t len, const struct pt_limits *lim,
                       json_t **out, const char **why)
{
    json_error_t err;
    json_t *v;

    *out = NULL;
    if (len > lim->max_body) {
        *why = "request body too large";
        return PT_ELIMIT;
    }
    if (len == 0) {
        *why = "empty JSON body";
        return PT_EINVAL;
    }
    if (!jsonbody_depth_ok(body, len, lim->max_json_depth)) {
        *why = "JSON body nested too deeply";
        return PT_ELIMIT;
    }
    /* DECODE_ANY so that "[1]" or "3" earns the clearer message below. */
    v = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (v == NULL)
        return jsonbody_error(&err, why);
    if (!json_is_object(v)) {
        json_decref(v);
        *why = "JSON body must be an object";
        return PT_EINVAL;
    }
    *out = v;
    return PT_OK;
}
