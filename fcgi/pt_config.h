/*
 * config.h — portal.conf (INI, read with libinih).  Unknown sections are kept
 * for modules (pt_config_get); unknown keys in the core's sections and bad
 * values are refused with file:line: reason.
 */
#ifndef PT_CONFIG_H
#define PT_CONFIG_H

#include <stddef.h>

#include "pt_limits.h"
#include "tplset.h"

struct pt_config_entry {
    char *section, *key, *value;
};

struct pt_config {
    char *path;

    /* [server] */
    char         *socket_path;     /* unused under systemd socket activation */
    unsigned      socket_mode;     /* octal, default 0660 */
    char         *socket_group;    /* group owning the socket (nginx's), optional */
    unsigned      workers;         /* request workers, default 4 */
    unsigned      job_workers;     /* default 1; 0 disables */
    unsigned long max_requests;    /* recycle a worker after this many, default 10000 */
    unsigned      grace_seconds;   /* SIGTERM → SIGKILL, default 10 */
    unsigned      backlog;         /* listen(2) backlog, default 1024 */
    char         *modules_dir;
    char        **modules;         /* names, in load order */
    size_t        n_modules;
    char         *templates_dir;
    char         *base_url;        /* "http://127.0.0.1:8080": links in e-mails */
    char         *platform_name;   /* brand name when the host has none */

    struct pt_limits limits;       /* [limits] */

    struct pt_host_map *hosts;     /* [hosts] name = set */
    size_t              n_hosts;

    struct pt_config_entry *entries;   /* every key, for pt_config_get */
    size_t                  n_entries;
};

/* 0, or PT_EINVAL with "file:line: reason" in err. */
int  pt_config_load(const char *path, struct pt_config **out, char *err, size_t errlen);
void pt_config_free(struct pt_config *c);
const char *pt_config_value(const struct pt_config *c, const char *section, const char *key);

#endif
