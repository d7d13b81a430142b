/* kv.h — name/value lists built in the arena (query, form, cookies, path params). */
#ifndef PT_KV_H
#define PT_KV_H

#include <stddef.h>

struct pt_arena;

struct pt_kv {
    const char *name;
    const char *value;     /* NUL-terminated; may also contain NULs up to len */
    size_t      len;
};

struct pt_kvlist {
    struct pt_kv *items;
    size_t        n, cap;
};

/* Appends (copies nothing: name and value must already live in the arena). */
int pt_kv_add(struct pt_arena *a, struct pt_kvlist *l, const char *name,
              const char *value, size_t len);
/* First value for name, or NULL. */
const struct pt_kv *pt_kv_find(const struct pt_kvlist *l, const char *name);
const char *pt_kv_get(const struct pt_kvlist *l, const char *name);

#endif
