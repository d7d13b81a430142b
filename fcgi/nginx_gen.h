/*
 * nginx_gen.h — the nginx generator (DESIGN §6, issue 7 item 5).
 *
 * Renders templates/nginx/server.conf.tpl into one server block per
 * verified host name (HTTP with the ACME webroot; a redirect to HTTPS and
 * an HTTPS block once the host has a certificate), writes it beside the
 * live file, runs `nginx -t` on a copy of the main config that includes the
 * new file instead of the live one, and only then renames it over the live
 * file and reloads nginx.  A failed check leaves the live file as it was,
 * never stops nginx, and is recorded (nginx_generations, the activity log,
 * the error log with nginx's own words).
 *
 * Configuration, section [nginx] of portal.conf:
 *   conf_dir        folder of the live file portal-hosts.conf (required)
 *   main_conf       nginx's main config; must include
 *                   <conf_dir>/portal-hosts.conf by that exact path (required)
 *   webroot         ACME HTTP-01 webroot (required)
 *   templates       template folder (default <[server] templates_dir>/nginx)
 *   binary          nginx (default /usr/sbin/nginx)
 *   prefix          nginx -p PREFIX (optional)
 *   error_log       nginx -e FILE (optional)
 *   reload_command  default "<binary> [-p …] [-e …] -c <main_conf> -s reload";
 *                   words split on blanks, run without a shell
 *   test_conf       the checked copy (default <dir of main_conf>/.portal-nginx-test.conf,
 *                   beside main_conf so that its relative includes still resolve)
 *   listen_http     default 80;  listen_https  default 443 ("" : no HTTPS blocks)
 *   snippets_dir    default /etc/nginx/snippets (portal-fastcgi.conf, …)
 *   static_dir      default <pkgdatadir>/static
 *   bootstrap_dir   default /usr/share/javascript/bootstrap5
 *   upstream        default portald
 *   hash_sizes      yes (default): the file sets server_names_hash_*_size for
 *                   its names; "no" when the main config sets them itself
 *   timeout         seconds for nginx -t and the reload (default 120)
 *   platform_hosts  the platform's own names, never rendered for a partner
 */
#ifndef PT_NGINX_GEN_H
#define PT_NGINX_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portal.h"

#define PT_NGINX_LIVE_NAME  "portal-hosts.conf"
#define PT_NGINX_NEW_NAME   ".portal-hosts.conf.new"
#define PT_NGINX_TEMPLATE   "server.conf.tpl"

struct pt_nginx_opts {
    const char *templates_dir;   /* NULL: [nginx] templates */
    bool        check_only;      /* render and nginx -t; never swap, reload or record */
    bool        no_reload;       /* swap, but leave the reload to the caller */
};

/* What one run did; strings are in the request's arena. */
struct pt_nginx_report {
    int64_t     generation_id;   /* nginx_generations.id, 0 for a check */
    size_t      hosts;           /* verified names rendered */
    size_t      tls_hosts;       /* of which with an HTTPS block */
    size_t      skipped;         /* refused when checked again: not rendered */
    const char *skipped_names;   /* "name: why" lines, or NULL */
    const char *warnings;        /* e.g. a certificate file missing: HTTP only */
    bool        checked;         /* nginx -t accepted the new file */
    bool        swapped;         /* the live file is the new one */
    bool        reloaded;        /* the reload command succeeded */
    const char *live_path;
    const char *message;         /* one paragraph: what failed, nginx's own words */
    double      render_seconds, check_seconds, reload_seconds;
};

/*
 * One generation with the config's settings; the job worker's
 * "nginx.generate" calls this.  0 when nginx accepted the file (and it was
 * swapped in and nginx reloaded, as opts ask); PT_EINVAL for a setting or
 * template that is wrong, PT_EIO when nginx refused the file or the reload
 * failed, or another negative code.  out (required) says what happened
 * either way.  Not inside pt_db_tx: it writes its own rows.
 */
int pt_nginx_generate(struct pt_req *r, struct pt_nginx_report *out);
int pt_nginx_generate_opts(struct pt_req *r, const struct pt_nginx_opts *opts,
                           struct pt_nginx_report *out);

/* Is s safe to render as a path in an nginx directive (absolute; letters,
 * digits and . _ - / + @ = only; no "..")?  Exposed for the tests. */
bool pt_nginx_path_ok(const char *s);

#endif
