/*
 * config.c — portal.conf.  libinih reports the line of the first error when
 * our handler returns 0, so every refusal names file, line and reason.
 */
#include "pt_config.h"
#include "portal.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct config_parse {
    struct pt_config *cfg;
    char              why[256];   /* reason of the first error */
};

/* Keeps the first reason (inih reports the first bad line); returns 0 for inih. */
__attribute__((format(printf, 2, 3)))
static int config_fail(struct config_parse *p, const char *fmt, ...)
{
    va_list ap;

    if (p->why[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(p->why, sizeof(p->why), fmt, ap);
        va_end(ap);
    }
    return 0;
}

static int parse_ulong(const char *v, unsigned long min, unsigned long max,
                       int base, unsigned long *out)
{
    char *end;

    if (*v == '\0' || *v == '-' || isspace((unsigned char)*v))
        return -1;
    errno = 0;
    unsigned long x = strtoul(v, &end, base);
    if (errno != 0 || *end != '\0' || x < min || x > max)
        return -1;
    *out = x;
    return 0;
}

static int set_string(char **field, const char *value)
{
    char *s = strdup(value);

    if (s == NULL)
        return -1;
    free(*field);
    *field = s;
    return 0;
}

/* "health, auth users" → names; only [a-z0-9_] names (they become file names). */
static int set_modules(struct config_parse *p, const char *value)
{
    struct pt_config *c = p->cfg;
    char *copy = strdup(value), *save = NULL;

    if (copy == NULL)
        return config_fail(p, "out of memory");
    for (size_t i = 0; i < c->n_modules; i++)
        free(c->modules[i]);
    c->n_modules = 0;
    for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        if (strspn(tok, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(tok)) {
            config_fail(p, "module name '%s' may hold only a-z, 0-9 and _", tok);
            free(copy);
            return 0;
        }
        char **m = realloc(c->modules, (c->n_modules + 1) * sizeof(*m));
        if (m == NULL || (m[c->n_modules] = strdup(tok)) == NULL) {
            if (m)
                c->modules = m;
            free(copy);
            return config_fail(p, "out of memory");
        }
        c->modules = m;
        c->n_modules++;
    }
    free(copy);
    return 1;
}

struct uint_key {
    const char    *section, *key;
    unsigned long  min, max;
    int            base;
    size_t         offset;        /* into struct pt_config */
    size_t         width;         /* sizeof the field */
};

#define UKEY(s, k, lo, hi, b, field) \
    { s, k, lo, hi, b, offsetof(struct pt_config, field), sizeof(((struct pt_config *)0)->field) }

static const struct uint_key config_uint_keys[] = {
    UKEY("server", "socket_mode", 0, 0777, 8, socket_mode),
    UKEY("server", "workers", 1, 256, 10, workers),
    UKEY("server", "job_workers", 0, 16, 10, job_workers),
    UKEY("server", "max_requests", 1, 100000000, 10, max_requests),
    UKEY("server", "grace_seconds", 1, 3600, 10, grace_seconds),
    UKEY("server", "backlog", 1, 65535, 10, backlog),
    UKEY("limits", "max_body", 1024, 1u << 30, 10, limits.max_body),
    UKEY("limits", "max_parts", 1, 100000, 10, limits.max_parts),
    UKEY("limits", "max_field", 64, 1u << 30, 10, limits.max_field),
    UKEY("limits", "max_upload", 1024, 1u << 30, 10, limits.max_upload),
    UKEY("limits", "max_headers", 8, 10000, 10, limits.max_headers),
    UKEY("limits", "max_json_depth", 1, 1000, 10, limits.max_json_depth),
};

static int set_uint(struct config_parse *p, const struct uint_key *k, const char *value)
{
    unsigned long v;
    char range[64];

    if (parse_ulong(value, k->min, k->max, k->base, &v) != 0) {
        snprintf(range, sizeof(range), k->base == 8 ? "%lo..%lo" : "%lu..%lu", k->min, k->max);
        return config_fail(p, "%s must be a number in %s", k->key, range);
    }
    unsigned char *field = (unsigned char *)p->cfg + k->offset;
    if (k->width == sizeof(unsigned))
        *(unsigned *)(void *)field = (unsigned)v;
    else if (k->width == sizeof(unsigned long))
        *(unsigned long *)(void *)field = v;
    else
        return config_fail(p, "internal: bad width for %s", k->key);
    return 1;
}

static int set_server_string(struct config_parse *p, const char *key, const char *value)
{
    struct pt_config *c = p->cfg;
    char **field = strcmp(key, "socket") == 0 ? &c->socket_path
                 : strcmp(key, "socket_group") == 0 ? &c->socket_group
                 : strcmp(key, "modules_dir") == 0 ? &c->modules_dir
                 : strcmp(key, "templates_dir") == 0 ? &c->templates_dir
                 : strcmp(key, "base_url") == 0 ? &c->base_url
                 : strcmp(key, "platform_name") == 0 ? &c->platform_name : NULL;

    if (field == NULL)
        return config_fail(p, "unknown key '%s' in [%s]", key, "server");
    if (*value == '\0')
        return config_fail(p, "%s must not be empty", key);
    return set_string(field, value) == 0 ? 1 : config_fail(p, "out of memory");
}

/* [hosts] maps a host name to a template set. */
static int add_host(struct config_parse *p, const char *host, const char *set)
{
    struct pt_config *c = p->cfg;
    struct pt_host_map *m = realloc(c->hosts, (c->n_hosts + 1) * sizeof(*m));

    if (m == NULL)
        return config_fail(p, "out of memory");
    c->hosts = m;
    char *h = strdup(host), *s = strdup(set);
    if (h == NULL || s == NULL) {
        free(h);
        free(s);
        return config_fail(p, "out of memory");
    }
    for (char *q = h; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    m[c->n_hosts++] = (struct pt_host_map){ .host = h, .set = s };
    return 1;
}

static int remember_entry(struct config_parse *p, const char *section, const char *key,
                          const char *value)
{
    struct pt_config *c = p->cfg;
    struct pt_config_entry *e = realloc(c->entries, (c->n_entries + 1) * sizeof(*e));

    if (e == NULL)
        return config_fail(p, "out of memory");
    c->entries = e;
    e[c->n_entries] = (struct pt_config_entry){ strdup(section), strdup(key), strdup(value) };
    if (!e[c->n_entries].section || !e[c->n_entries].key || !e[c->n_entries].value) {
        free(e[c->n_entries].section);
        free(e[c->n_entries].key);
        free(e[c->n_entries].value);
        return config_fail(p, "out of memory");
    }
    c->n_entries++;
    return 1;
}

static int config_handler(void *user, const char *section, const char *key, const char *value)
{
    struct config_parse *p = user;

    if (remember_entry(p, section, key, value) == 0)
        return 0;
    for (size_t i = 0; i < sizeof(config_uint_keys) / sizeof(config_uint_keys[0]); i++)
        if (strcmp(section, config_uint_keys[i].section) == 0 &&
            strcmp(key, config_uint_keys[i].key) == 0)
            return set_uint(p, &config_uint_keys[i], value);
    if (strcmp(section, "server") == 0)
        return strcmp(key, "modules") == 0 ? set_modules(p, value)
                                            : set_server_string(p, key, value);
    if (strcmp(section, "limits") == 0)
        return config_fail(p, "unknown key '%s' in [%s]", key, section);
    if (strcmp(section, "hosts") == 0)
        return add_host(p, key, value);
    return 1;   /* [database], [mail] and modules' sections: read by their owners */
}

static int config_defaults(struct pt_config *c, const char *path)
{
    const struct pt_limits lim = PT_LIMITS_DEFAULT;

    c->socket_mode = 0660;
    c->workers = 4;
    c->job_workers = 1;
    c->max_requests = 10000;
    c->grace_seconds = 10;
    c->backlog = 1024;
    c->limits = lim;
    c->path = strdup(path);
    c->modules_dir = strdup(PT_PKGLIBDIR);
    c->templates_dir = strdup(PT_PKGDATADIR "/templates");
    c->base_url = strdup("http://localhost");
    c->platform_name = strdup("Partner Portal");
    return c->path && c->modules_dir && c->templates_dir && c->base_url && c->platform_name
        ? 0 : PT_ENOMEM;
}

static int config_check(const struct pt_config *c, char *err, size_t errlen)
{
    if (c->socket_path == NULL && getenv("LISTEN_FDS") == NULL) {
        snprintf(err, errlen, "%s: [server] socket is required (or systemd socket activation)",
                 c->path);
        return PT_EINVAL;
    }
    if (c->limits.max_field > c->limits.max_body || c->limits.max_upload > c->limits.max_body) {
        snprintf(err, errlen, "%s: [limits] max_field and max_upload must not exceed max_body",
                 c->path);
        return PT_EINVAL;
    }
    return PT_OK;
}

int pt_config_load(const char *path, struct pt_config **out, char *err, size_t errlen)
{
    struct config_parse p = { .cfg = calloc(1, sizeof(struct pt_config)) };
    int rc;

    *out = NULL;
    if (p.cfg == NULL || config_defaults(p.cfg, path) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        pt_config_free(p.cfg);
        return PT_ENOMEM;
    }
    rc = ini_parse(path, config_handler, &p);
    if (rc == -1)
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    else if (rc == -2)
        snprintf(err, errlen, "%s: out of memory", path);
    else if (rc > 0)
        snprintf(err, errlen, "%s:%d: %s", path, rc,
                 p.why[0] ? p.why : "syntax error (expected [section] or key = value)");
    else
        rc = config_check(p.cfg, err, errlen);
    if (rc != 0) {
        pt_config_free(p.cfg);
        return PT_EINVAL;
    }
    *out = p.cfg;
    return PT_OK;
}

void pt_config_free(struct pt_config *c)
{
    if (c == NULL)
        return;
    free(c->path);
    free(c->socket_path);
    free(c->socket_group);
    free(c->modules_dir);
    free(c->templates_dir);
    free(c->base_url);
    free(c->platform_name);
    for (size_t i = 0; i < c->n_modules; i++)
        free(c->modules[i]);
    free(c->modules);
    for (size_t i = 0; i < c->n_hosts; i++) {
        free((char *)c->hosts[i].host);
        free((char *)c->hosts[i].set);
    }
    free(c->hosts);
    for (size_t i = 0; i < c->n_entries; i++) {
        free(c->entries[i].section);
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    free(c->entries);
    free(c);
}

/* The last value wins, as it does for the core's own keys. */
const char *pt_config_value(const struct pt_config *c, const char *section, const char *key)
{
    for (size_t i = c->n_entries; i-- > 0;)
        if (strcmp(c->entries[i].section, section) == 0 && strcmp(c->entries[i].key, key) == 0)
            return c->entries[i].value;
    return NULL;
}
