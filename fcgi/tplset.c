/*
 * tplset.c — host name → template set → ctemplate cache (see tplset.h).
 *
 * A set S is the folder templates/hosts/S/ searched before
 * templates/default/, so a white-label override is a single file.  The
 * "default" set is templates/default/ alone.  Caches are created on first
 * use and kept for the life of the worker: a few sets per worker, so a
 * small array searched linearly beats a hash table.
 *
 * Set names become path components: only [a-z0-9_-] is accepted, which
 * rules out "..", "/" and hidden folders before any path is built.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "portal.h"
#include "tpl.h"
#include "tplset.h"

#define PT_TPLSET_DEFAULT  "default"
#define PT_TPLSET_NAME_MAX 64
/* RFC 1035 caps a name at 253 characters; a bracketed IPv6 literal with
 * a port is shorter still. */
#define PT_TPLSET_HOST_MAX 255

struct pt_tplset {
    char                 name[PT_TPLSET_NAME_MAX + 1];
    /* NULL: the set's folder is missing and the default cache serves it
     * (logged once, when the entry was made). */
    struct pt_tpl_cache *cache;
};

struct pt_tplsets {
    char               *dir;       /* holds default/ and hosts/ */
    struct pt_host_map *map;       /* copied, normalised, valid sets only */
    size_t              nmap;
    struct pt_tpl_cache *def;      /* the "default" set, made lazily */
    struct pt_tplset   *sets;
    size_t              nsets, cap;
};

static bool tplset_name_ok(const char *set)
{
    size_t n = 0;

    for (const char *p = set; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return n > 0 && n <= PT_TPLSET_NAME_MAX;
}

/*
 * Host header value → lower case, no port, no trailing dot:
 * "Example.COM:8080" → "example.com", "[::1]:8080" → "::1".
 * An unbracketed value with several colons is a bare IPv6 address (as a
 * map entry may be written): it has no port to strip.
 * Returns false when the value is empty, too long or malformed.
 */
static bool tplset_host_norm(const char *host, char *out, size_t outsz)
{
    const char *end;
    size_t n;

    if (host[0] == '[') {
        host++;
        end = strchr(host, ']');
        if (!end || (end[1] != '\0' && end[1] != ':'))
            return false;
    } else {
        end = strchr(host, ':');
        if (!end || strchr(end + 1, ':'))
            end = host + strlen(host);
    }
    n = (size_t)(end - host);
    if (n > 0 && host[n - 1] == '.')
        n--;
    if (n == 0 || n >= outsz)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)host[i]);
    out[n] = '\0';
    return true;
}

static bool tplset_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Copies the valid entries of map; invalid set names are logged and left
 * out, so a typo in the config cannot point a host at "../../etc". */
static int tplsets_copy_map(struct pt_tplsets *s, const struct pt_host_map *map,
                            size_t n)
{
    char host[PT_TPLSET_HOST_MAX + 1];

    s->map = calloc(n ? n : 1, sizeof *s->map);
    if (!s->map)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *h = map[i].host, *set = map[i].set;

        if (!h || !set || !tplset_name_ok(set) ||
            !tplset_host_norm(h, host, sizeof host)) {
            pt_log_warn("%s: ignoring host map entry \"%s\" -> \"%s\": "
                        "set names are [a-z0-9_-]+, hosts are names or [IPv6]",
                        __func__, h ? h : "(null)", set ? set : "(null)");
            continue;
        }
        s->map[s->nmap].host = strdup(host);
        s->map[s->nmap].set = strdup(set);
        /* Count the entry first so that free() releases a half-made one. */
        s->nmap++;
        if (!s->map[s->nmap - 1].host || !s->map[s->nmap - 1].set)
            return -1;
    }
    return 0;
}

struct pt_tplsets *pt_tplsets_new(const char *templates_dir,
                                  const struct pt_host_map *map, size_t n)
{
    struct pt_tplsets *s;
    char path[4096];

    if (!templates_dir || (n && !map))
        return NULL;
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->dir = strdup(templates_dir);
    if (!s->dir || tplsets_copy_map(s, map, n) < 0) {
        pt_log_error("%s: out of memory", __func__);
        pt_tplsets_free(s);
        return NULL;
    }
    /* Not fatal here (the caller decides), but every page would fail. */
    if (snprintf(path, sizeof path, "%s/" PT_TPLSET_DEFAULT, s->dir) >= (int)sizeof path ||
        !tplset_is_dir(path))
        pt_log_warn("%s: %s/" PT_TPLSET_DEFAULT " is not a directory", __func__,
                    s->dir);
    return s;
}

static void tplsets_drop_caches(struct pt_tplsets *s)
{
    for (size_t i = 0; i < s->nsets; i++)
        pt_tpl_cache_free(s->sets[i].cache);
    free(s->sets);
    s->sets = NULL;
    s->nsets = s->cap = 0;
    pt_tpl_cache_free(s->def);
    s->def = NULL;
}

void pt_tplsets_free(struct pt_tplsets *s)
{
    if (!s)
        return;
    tplsets_drop_caches(s);
    for (size_t i = 0; i < s->nmap; i++) {
        free((char *)s->map[i].host);
        free((char *)s->map[i].set);
    }
    free(s->map);
    free(s->dir);
    free(s);
}

const char *pt_tplsets_set_for_host(const struct pt_tplsets *s, const char *host)
{
    char norm[PT_TPLSET_HOST_MAX + 1];

    if (!s || !host || !tplset_host_norm(host, norm, sizeof norm))
        return PT_TPLSET_DEFAULT;
    for (size_t i = 0; i < s->nmap; i++)
        if (strcmp(s->map[i].host, norm) == 0)
            return s->map[i].set;
    return PT_TPLSET_DEFAULT;
}

static struct pt_tpl_cache *tplsets_default(struct pt_tplsets *s)
{
    char root[4096];

    if (s->def)
        return s->def;
    if (snprintf(root, sizeof root, "%s/" PT_TPLSET_DEFAULT, s->dir) >= (int)sizeof root) {
        pt_log_error("%s: templates path too long: %s", __func__, s->dir);
        return NULL;
    }
    s->def = pt_tpl_cache_new(root, NULL);
    return s->def;
}

/* Makes the entry for a set seen for the first time.  A missing folder is
 * remembered (cache NULL) so that it is reported once, not per request. */
static struct pt_tplset *tplsets_add(struct pt_tplsets *s, const char *set)
{
    char root[4096], fallback[4096];
    struct pt_tplset *e;

    if (s->nsets == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        struct pt_tplset *sets = realloc(s->sets, cap * sizeof *sets);
        if (!sets)
            return NULL;
        s->sets = sets;
        s->cap = cap;
    }
    e = &s->sets[s->nsets];
    memset(e, 0, sizeof *e);
    memcpy(e->name, set, strlen(set) + 1);      /* length checked by the caller */
    if (snprintf(root, sizeof root, "%s/hosts/%s", s->dir, set) >= (int)sizeof root ||
        snprintf(fallback, sizeof fallback, "%s/" PT_TPLSET_DEFAULT,
                 s->dir) >= (int)sizeof fallback || !tplset_is_dir(root)) {
        pt_log_warn("%s: template set \"%s\": no folder %s/hosts/%s, "
                    "using the default templates", __func__, set, s->dir, set);
    } else {
        e->cache = pt_tpl_cache_new(root, fallback);
        if (!e->cache)
            return NULL;
    }
    s->nsets++;
    return e;
}

struct pt_tpl_cache *pt_tplsets_cache(struct pt_tplsets *s, const char *set)
{
    struct pt_tplset *e = NULL;

    if (!s)
        return NULL;
    if (!set || strcmp(set, PT_TPLSET_DEFAULT) == 0)
        return tplsets_default(s);
    if (!tplset_name_ok(set)) {
        /* Names from the map were checked already: this is a caller bug. */
        pt_log_warn("%s: invalid template set name, using the default", __func__);
        return tplsets_default(s);
    }
    for (size_t i = 0; i < s->nsets && !e; i++)
        if (strcmp(s->sets[i].name, set) == 0)
            e = &s->sets[i];
    if (!e && !(e = tplsets_add(s, set))) {
        pt_log_error("%s: out of memory", __func__);
        return NULL;
    }
    return e->cache ? e->cache : tplsets_default(s);
}

void pt_tplsets_reload(struct pt_tplsets *s)
{
    /* Dropping the entries too means a set folder created since start-up
     * is picked up, and a removed one falls back to the default. */
    if (s)
        tplsets_drop_caches(s);
}
