/*
 * tplset.h — template sets: a host name picks a set (config [hosts] for now,
 * the database with white label), each set is one ctemplate cache rooted at
 * templates/hosts/<set>/ with templates/default/ as the alternate root.
 * Caches are made lazily, one per set per worker.
 */
#ifndef PT_TPLSET_H
#define PT_TPLSET_H

struct pt_tpl_cache;
struct pt_tplsets;

struct pt_host_map {
    const char *host;      /* lower case, no port */
    const char *set;       /* folder name under templates/hosts/ */
};

/* templates_dir holds default/ and hosts/.  map is copied. */
struct pt_tplsets *pt_tplsets_new(const char *templates_dir,
                                  const struct pt_host_map *map, size_t n);
void pt_tplsets_free(struct pt_tplsets *s);

/* The set name for a Host header value ("Example.COM:8080" → map lookup);
 * "default" when unmapped. */
const char *pt_tplsets_set_for_host(const struct pt_tplsets *s, const char *host);
/* The cache of a set (created on first use); the default cache when the
 * set's folder does not exist (reported once in the log).  NULL only on OOM. */
struct pt_tpl_cache *pt_tplsets_cache(struct pt_tplsets *s, const char *set);
/* Drop every cache (SIGHUP in a worker is not used; kept for tests). */
void pt_tplsets_reload(struct pt_tplsets *s);

#endif
