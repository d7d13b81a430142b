/*
 * acme.h — what the files of the acme module share.  Private to
 * modules/acme/: like every module file it builds on portal.h alone.
 *
 *   acme.c   the descriptor, the [acme] settings, audit, and the read-only
 *            API GET /orgs/{org}/certificates
 *   lego.c   running Debian's lego (fork/execve, no shell, a deadline) and
 *            turning its log into a reason a person can read
 *   cert.c   what lego left in <state_dir>/certificates: expiry, key pair,
 *            and removing the files of host names that are gone
 *   issue.c  the job "acme.issue": one host name, issue or renew, back-off
 *   sweep.c  the job "acme.sweep" (every 600 s): queue what is due, clean up,
 *            and the coalesced nginx regeneration both jobs share
 *
 * Why lego: DESIGN §6 — Debian's certbot 2.1 fails on this kind of machine
 * (a josepy AttributeError); lego 4.9 is packaged, maintained and speaks
 * HTTP-01 through a webroot, which is what every generated server block
 * serves (templates/nginx/server.conf.tpl).
 */
#ifndef PT_MOD_ACME_H
#define PT_MOD_ACME_H

#include "portal.h"

#define ACME_CATEGORY      "White Label"
#define ACME_ACT_ISSUE     "Issue Certificate"
#define ACME_ACT_RENEW     "Renew Certificate"
#define ACME_ACT_REMOVE    "Remove Certificate"

#define ACME_JOB_ISSUE     "acme.issue"
#define ACME_JOB_SWEEP     "acme.sweep"

#define ACME_ERROR_MAX     1000          /* hostnames.tls_error is VARCHAR(1000) */
#define ACME_RETRY_FIRST   60            /* seconds: 60 · 2^attempt … */
#define ACME_RETRY_CAP     (6 * 3600)    /* … at most every six hours */
#define ACME_NGINX_WAIT    30            /* seconds for a generation before lego */
#define ACME_RELOAD_SETTLE 3             /* seconds for nginx's new workers after a reload */

/*
 * The [acme] settings.  Without directory_url ACME is off: both jobs do
 * nothing (a fresh install, or a platform whose hosts get certificates some
 * other way).  Paths are absolute; values go to lego as "--key=value", one
 * argument each, so none can be taken for another option.
 */
struct acme_conf {
    const char *binary;           /* binary          default /usr/bin/lego */
    const char *directory_url;    /* directory_url   https://…/directory (required) */
    const char *email;            /* email           the ACME account's contact (required) */
    const char *state_dir;        /* state_dir       lego --path (required) */
    const char *webroot;          /* webroot         default [nginx] webroot */
    const char *ca_certificates;  /* ca_certificates LEGO_CA_CERTIFICATES (optional) */
    const char *key_type;         /* key_type        lego --key-type (optional: ec256) */
    const char *only_domains;     /* only_domains    names at or below these only (optional) */
    int         timeout;          /* timeout         seconds for one lego run (300) */
    int         renew_days;       /* renew_days      renew this close to expiry (30) */
    int         renew_jitter;     /* renew_jitter    spread renewals over 0..N s (3600) */
    int         batch;            /* batch           jobs one sweep queues at most (100) */
};

/* The settings; false when ACME is off or misconfigured (logged, with the
 * key to fix). */
bool acme_conf_load(struct pt_req *r, struct acme_conf *c);
/* Does the operator want certificates for host (only_domains)? */
bool acme_host_wanted(const struct acme_conf *c, const char *host);

/* s on one line (line breaks become "; "), at most max bytes, in the arena. */
const char *acme_one_line(struct pt_req *r, const char *s, size_t max);

/* One event of category White Label about a host name. */
void acme_audit(struct pt_req *r, int64_t org, const char *action, const char *status,
                int64_t host_id, const char *host, const char *description, json_t *metadata);

/* ---- lego.c ---- */

struct acme_lego_result {
    bool        ok;               /* lego exited 0 */
    const char *reason;           /* otherwise why, ≤ ACME_ERROR_MAX printable ASCII */
};

/* lego run (renew false) or lego renew --days (renew true) for host.  The
 * reason is lego's last error lines, or what stopped it (timeout, exec). */
void acme_lego(struct pt_req *r, const struct acme_conf *c, const char *host, bool renew,
               struct acme_lego_result *out);
/* The lines of a lego log worth showing: timestamps dropped, [INFO] lines
 * dropped when there are others, the last ones that fit in max bytes,
 * printable ASCII only.  In the arena; "" for an empty log. */
const char *acme_lego_reason(struct pt_req *r, const char *log, size_t max);

/* ---- cert.c ---- */

struct acme_cert {
    const char *cert_path, *key_path;     /* <state_dir>/certificates/<host>.crt/.key */
    char        expires[20];              /* "YYYY-MM-DD HH:MM:SS" UTC */
    time_t      not_after;
    char        serial[80];               /* hex, for the audit trail */
};

/* Reads the certificate lego stored for host: 0 with out filled, or
 * PT_ENOTFOUND (no file) / PT_EINVAL (unreadable, or the key does not
 * match it) with *why a sentence. */
int acme_cert_read(struct pt_req *r, const struct acme_conf *c, const char *host,
                   struct acme_cert *out, const char **why);
/* Does lego hold an account-bound certificate for host (.crt and .json)? */
bool acme_cert_renewable(struct pt_req *r, const struct acme_conf *c, const char *host);
/* Removes the files of certificates whose host name is no longer in the
 * hostnames table; the number of host names cleaned up, or < 0. */
int acme_cert_cleanup(struct pt_req *r, const struct acme_conf *c);

/* ---- issue.c / sweep.c ---- */

int acme_job_issue(struct pt_req *r, json_t *payload);
int acme_job_sweep(struct pt_req *r, json_t *payload);
/* Regenerates nginx when a certificate changed since the last good
 * generation (force: anyway), unless more acme.issue jobs are due now —
 * the last of a batch does it, so 100 new certificates cost one reload. */
void acme_regenerate(struct pt_req *r, bool force);
/* Before a first HTTP-01 challenge: the host name's server block (which
 * serves the webroot) must be live, or the CA gets the platform's 404.
 * Regenerates when the last good generation predates its verification,
 * waits up to ACME_NGINX_WAIT s for a generation that runs elsewhere, and
 * lets a reload of the last ACME_RELOAD_SETTLE s take effect. */
void acme_nginx_ready(struct pt_req *r, int64_t host_id);

/* ---- acme.c: the API ---- */

int acme_api_certificates(struct pt_req *r, json_t *view);

#endif
