/*
 * parse.h — parsers of untrusted request bytes.  Each one builds its result in
 * the request arena, enforces the limits, and on failure returns PT_EINVAL
 * (malformed → 400) or PT_ELIMIT (too large / too many → 413 for body size,
 * 400 otherwise) with a human-readable reason in *why (a static string).
 * None of them crashes, loops or reads out of bounds on any input:
 * tests/fuzz/ holds a libFuzzer harness for each.
 */
#ifndef PT_PARSE_H
#define PT_PARSE_H

#include <stddef.h>

#include <jansson.h>

#include "kv.h"
#include "pt_limits.h"

struct pt_arena;

/* application/x-www-form-urlencoded and query strings: '+' is a space,
 * %XX decoded; a name without '=' has the empty value; empty pairs skipped;
 * only '&' separates pairs.  A bad %-escape, a NUL byte after decoding or an
 * empty name ("=v") is PT_EINVAL; len > max_body is PT_ELIMIT; max_parts
 * counts per call.  On any failure the output lists are left as they were. */
int pt_parse_urlencoded(struct pt_arena *a, const char *s, size_t len,
                        const struct pt_limits *lim, struct pt_kvlist *out,
                        const char **why);

/* The Cookie header (RFC 6265 §5.4: "a=b; c=d"), values unquoted;
 * a pair without '=' is ignored, not an error. */
int pt_parse_cookies(struct pt_arena *a, const char *header,
                     const struct pt_limits *lim, struct pt_kvlist *out,
                     const char **why);

struct pt_upload;
struct pt_uploads {
    struct pt_upload *items;
    size_t            n, cap;
};

/* multipart/form-data (RFC 7578): content_type is the whole header value,
 * the boundary taken from it.  Parts with a filename go to files, others to
 * fields.  File bytes are NOT copied: pt_upload.data points into body, which
 * the caller keeps in the arena.  Part count ≤ max_parts (files + fields),
 * text fields ≤ max_field (a NUL in one is PT_EINVAL), files ≤ max_upload,
 * a part's header block ≤ 8 KiB; filename="" (an empty file input) is an
 * empty text field; a file part without Content-Type has content_type "". */
int pt_parse_multipart(struct pt_arena *a, const char *content_type,
                       const unsigned char *body, size_t len,
                       const struct pt_limits *lim, struct pt_kvlist *fields,
                       struct pt_uploads *files, const char **why);

/* A JSON body: must be an object; duplicate keys refused; depth ≤ max_json_depth.
 * *out is a new reference. */
int pt_parse_json_body(const char *body, size_t len, const struct pt_limits *lim,
                       json_t **out, const char **why);

/* Percent-decode in place for a path segment; PT_EINVAL on a bad escape or NUL. */
int pt_url_decode(char *s, size_t *len, int plus_is_space);

#endif
