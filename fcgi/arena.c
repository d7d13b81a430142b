/* arena.c — per-request memory: everything a request allocates is freed at once. */
#include "arena.h"
#include "portal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
    struct chunk *next;
    size_t        size, used;
    _Alignas(16) unsigned char data[];
};

struct defer {
    struct defer *next;
    void        (*fn)(void *);
    void         *arg;
};

struct pt_arena {
    struct chunk *head;        /* current chunk; the first one is kept on reset */
    struct chunk *first;
    struct defer *defers;
    size_t        chunk_size;
    size_t        used;
};

static struct chunk *chunk_new(size_t size)
{
    struct chunk *c = malloc(sizeof(*c) + size);

    if (c == NULL)
        return NULL;
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

struct pt_arena *pt_arena_new(size_t chunk_size)
{
    struct pt_arena *a = calloc(1, sizeof(*a));

    if (a == NULL)
        return NULL;
    a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
    a->first = a->head = chunk_new(a->chunk_size);
    if (a->first == NULL) {
        free(a);
        return NULL;
    }
    return a;
}

static void run_defers(struct pt_arena *a)
{
    while (a->defers != NULL) {
        struct defer *d = a->defers;

        a->defers = d->next;
        d->fn(d->arg);
    }
}

static void free_chunks_after_first(struct pt_arena *a)
{
    struct chunk *c = a->head;

    while (c != NULL && c != a->first) {
        struct chunk *next = c->next;

        free(c);
        c = next;
    }
    a->head = a->first;
    a->first->used = 0;
    a->used = 0;
}

void pt_arena_reset(struct pt_arena *a)
{
    run_defers(a);
    free_chunks_after_first(a);
}

void pt_arena_free(struct pt_arena *a)
{
    if (a == NULL)
        return;
    pt_arena_reset(a);
    free(a->first);
    free(a);
}

void *pt_arena_alloc(struct pt_arena *a, size_t size)
{
    size_t need = (size + 15) & ~(size_t)15;
    struct chunk *c = a->head;

    if (need < size)
        return NULL;
    if (c->size - c->used < need) {
        size_t sz = need > a->chunk_size ? need : a->chunk_size;

        c = chunk_new(sz);
        if (c == NULL)
            return NULL;
        c->next = a->head;      /* chunks form a stack ending at `first` */
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used += need;
    return p;
}

void *pt_arena_calloc(struct pt_arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = pt_arena_alloc(a, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

char *pt_arena_strndup(struct pt_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    n = strnlen(s, n);          /* strndup: never read past the string's end */
    char *p = pt_arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pt_arena_strdup(struct pt_arena *a, const char *s)
{
    return s == NULL ? NULL : pt_arena_strndup(a, s, strlen(s));
}

char *pt_arena_vprintf(struct pt_arena *a, const char *fmt, va_list ap)
{
    va_list cp;

    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return NULL;
    char *p = pt_arena_alloc(a, (size_t)n + 1);
    if (p != NULL)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *pt_arena_printf(struct pt_arena *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    char *p = pt_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

int pt_arena_defer(struct pt_arena *a, void (*fn)(void *), void *arg)
{
    struct defer *d = pt_arena_alloc(a, sizeof(*d));

    if (d == NULL)
        return PT_ENOMEM;
    d->fn = fn;
    d->arg = arg;
    d->next = a->defers;
    a->defers = d;
    return PT_OK;
}

size_t pt_arena_used(const struct pt_arena *a)
{
    return a->used;
}
