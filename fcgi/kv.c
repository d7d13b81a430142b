/* kv.c — small name/value lists in the arena; lookups are linear (lists are short). */
#include "kv.h"
#include "arena.h"
#include "portal.h"

#include <string.h>

int pt_kv_add(struct pt_arena *a, struct pt_kvlist *l, const char *name,
              const char *value, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct pt_kv *items = pt_arena_alloc(a, cap * sizeof(*items));

        if (items == NULL)
            return PT_ENOMEM;
        if (l->n)
            memcpy(items, l->items, l->n * sizeof(*items));
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = (struct pt_kv){ .name = name, .value = value, .len = len };
    return PT_OK;
}

const struct pt_kv *pt_kv_find(const struct pt_kvlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

const char *pt_kv_get(const struct pt_kvlist *l, const char *name)
{
    const struct pt_kv *kv = pt_kv_find(l, name);

    return kv ? kv->value : NULL;
}
