/* arena.h — the per-request arena: bump allocation plus deferred clean-ups. */
#ifndef PT_ARENA_H
#define PT_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct pt_arena;

/* NULL on out of memory. */
struct pt_arena *pt_arena_new(size_t chunk_size);
/* Runs the deferred clean-ups (last registered first), then frees everything. */
void  pt_arena_free(struct pt_arena *a);
/* Like free + new, but keeps the first chunk for the next request. */
void  pt_arena_reset(struct pt_arena *a);

/* 16-byte aligned; NULL on out of memory or overflow. */
void *pt_arena_alloc(struct pt_arena *a, size_t size);
void *pt_arena_calloc(struct pt_arena *a, size_t n, size_t size);
char *pt_arena_strndup(struct pt_arena *a, const char *s, size_t n);
char *pt_arena_strdup(struct pt_arena *a, const char *s);
char *pt_arena_vprintf(struct pt_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
char *pt_arena_printf(struct pt_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int   pt_arena_defer(struct pt_arena *a, void (*fn)(void *), void *arg);

/* Bytes handed out since the last reset (for tests and the RSS check). */
size_t pt_arena_used(const struct pt_arena *a);

#endif
