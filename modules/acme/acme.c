/*
 * acme — automatic TLS for the partners' host names (issue 7 item 6,
 * DESIGN §6).
 *
 *   job  acme.issue {hostname_id, attempt?, renew?}   one host name
 *   job  acme.sweep (every 600 s)                      what is due, clean-up
 *   GET  /api/v1/orgs/{org}/certificates               TLS state of the org's names
 *
 * A verified host name gets a certificate through ACME HTTP-01: lego writes
 * the challenge into the webroot that every generated server block serves
 * at /.well-known/acme-challenge/, the CA fetches it over HTTP, and lego
 * stores the certificate under [acme] state_dir.  The job records the
 * outcome in hostnames (tls_state, tls_error, tls_expires, cert_path,
 * key_path), where the domains page shows it, and has nginx regenerated so
 * the host gets its HTTPS block.  A failure is retried with back-off, one
 * host per job, so one bad name never holds up the others.
 */
#include "acme.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* ---- the settings ------------------------------------------------------------ */

static const char *acme_str(struct pt_req *r, const char *key)
{
    return pt_trim(r, pt_config_get(r, "acme", key));
}

static int acme_int(struct pt_req *r, const char *key, int dflt, int min, int max)
{
    const char *v = acme_str(r, key);
    char *end;
    long n;

    if (v == NULL)
        return dflt;
    n = strtol(v, &end, 10);
    if (*end != '\0' || n < min || n > max) {
        pt_log_warn("%s: [acme] %s = '%s' is not a whole number in %d..%d: using %d",
                    __func__, key, v, min, max, dflt);
        return dflt;
    }
    return (int)n;
}

/* Printable ASCII without blanks: safe as one argv word and in a log line. */
static bool acme_word_ok(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    for (; *s; s++)
        if (*s <= ' ' || *s > '~')
            return false;
    return true;
}

static bool acme_path_ok(const char *s)
{
    return acme_word_ok(s) && s[0] == '/' && strstr(s, "/../") == NULL;
}

/* Logs what is wrong with [acme] key; false for the caller to return. */
static bool acme_bad(const char *key, const char *v, const char *what)
{
    pt_log_error("acme: [acme] %s = '%s': %s; no certificates are requested until it is "
                 "fixed", key, v ? v : "", what);
    return false;
}

bool acme_conf_load(struct pt_req *r, struct acme_conf *c)
{
    memset(c, 0, sizeof(*c));
    c->directory_url = acme_str(r, "directory_url");
    if (c->directory_url == NULL)
        return false;                          /* ACME is off: not an error */
    c->binary = acme_str(r, "binary");
    c->binary = c->binary ? c->binary : "/usr/bin/lego";
    c->email = acme_str(r, "email");
    c->state_dir = acme_str(r, "state_dir");
    c->webroot = acme_str(r, "webroot");
    c->webroot = c->webroot ? c->webroot : pt_trim(r, pt_config_get(r, "nginx", "webroot"));
    c->ca_certificates = acme_str(r, "ca_certificates");
    c->key_type = acme_str(r, "key_type");
    c->only_domains = acme_str(r, "only_domains");
    c->timeout = acme_int(r, "timeout", 300, 10, 540);     /* under [jobs] stale_seconds */
    c->renew_days = acme_int(r, "renew_days", 30, 1, 365);
    c->renew_jitter = acme_int(r, "renew_jitter", 3600, 0, 86400);
    c->batch = acme_int(r, "batch", 100, 1, 10000);

    if (strncmp(c->directory_url, "https://", 8) != 0 || !acme_word_ok(c->directory_url))
        return acme_bad("directory_url", c->directory_url, "not an https:// URL");
    if (!acme_word_ok(c->email) || strchr(c->email, '@') == NULL)
        return acme_bad("email", c->email, "an e-mail address is required");
    if (!acme_path_ok(c->state_dir))
        return acme_bad("state_dir", c->state_dir, "an absolute path is required");
    if (!acme_path_ok(c->webroot))
        return acme_bad("webroot", c->webroot, "an absolute path is required (or [nginx] "
                        "webroot)");
    if (!acme_path_ok(c->binary))
        return acme_bad("binary", c->binary, "an absolute path is required");
    if (c->ca_certificates && !acme_path_ok(c->ca_certificates))
        return acme_bad("ca_certificates", c->ca_certificates, "an absolute path is required");
    if (c->key_type && !acme_word_ok(c->key_type))
        return acme_bad("key_type", c->key_type, "one word (ec256, rsa2048, …)");
    return true;
}

/* host equal to or below one of the names of only_domains (blanks or commas). */
bool acme_host_wanted(const struct acme_conf *c, const char *host)
{
    const char *p = c->only_domains;
    size_t hl = strlen(host);

    if (p == NULL)
        return true;
    while (*p) {
        p += strspn(p, " ,\t");
        size_t n = strcspn(p, " ,\t");
        const char *d = p;
        if (n > 0 && d[0] == '.') {             /* ".example.test" means the same */
            d++;
            n--;
        }
        if (n > 0 && hl >= n && strncasecmp(host + hl - n, d, n) == 0 &&
            (hl == n || host[hl - n - 1] == '.'))
            return true;
        p = d + n;
    }
    return false;
}

const char *acme_one_line(struct pt_req *r, const char *s, size_t max)
{
    char *out = pt_alloc(r, max + 1);
    size_t n = 0;

    if (out == NULL || s == NULL)
        return "";
    for (; *s && n < max; s++) {
        if (*s == '\n') {
            if (n + 2 > max)
                break;
            out[n++] = ';';
            out[n++] = ' ';
        } else {
            out[n++] = *s == '\r' ? ' ' : *s;
        }
    }
    out[n] = '\0';
    return out;
}

/* ---- audit --------------------------------------------------------------------- */

void acme_audit(struct pt_req *r, int64_t org, const char *action, const char *status,
                int64_t host_id, const char *host, const char *description, json_t *metadata)
{
    struct pt_audit e = {
        .org_id = org, .category = ACME_CATEGORY, .action = action, .status = status,
        .resource_type = "hostname",
        .resource_id = host_id > 0 ? pt_printf(r, "%lld", (long long)host_id) : NULL,
        .resource_name = host, .description = description, .metadata = metadata,
    };

    if (pt_audit_log(r, &e) != 0)
        pt_log_error("%s: %s/%s for %s not recorded", __func__, ACME_CATEGORY, action,
                     host ? host : "?");
}

/* ---- GET /api/v1/orgs/{org}/certificates ------------------------------------------ */

int acme_api_certificates(struct pt_req *r, json_t *view)
{
    int64_t org = pt_req_param_int(r, "org");
    json_t *rows;

    /* The next retry, when one is queued, so a page can say "next try at". */
    if (pt_db_query(r, "SELECT h.id, h.hostname, h.kind, h.verified_at IS NOT NULL AS verified, "
                    "h.tls_state, h.tls_error, "
                    "DATE_FORMAT(h.tls_expires, '%Y-%m-%dT%H:%i:%sZ') AS tls_expires, "
                    "(SELECT DATE_FORMAT(MIN(j.run_at), '%Y-%m-%dT%H:%i:%sZ') FROM jobs j "
                    " WHERE j.kind = 'acme.issue' AND j.state = 'queued' "
                    " AND JSON_VALUE(j.payload, '$.hostname_id') = h.id) AS next_attempt "
                    "FROM hostnames h WHERE h.org_id = ? ORDER BY h.hostname",
                    PT_ARGS(PT_ARG_INT(org)), &rows) != 0)
        return pt_error(r, 500, "The certificates could not be read. Try again in a moment.");
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        json_object_set_new(row, "verified",
                            json_boolean(json_integer_value(json_object_get(row, "verified"))));
    }
    json_object_set_new(view, "org_id", json_integer(org));
    json_object_set(view, "certificates", rows);
    return 200;
}

/* ---- the descriptor -------------------------------------------------------------- */

static const struct pt_route acme_routes[] = {
    { .methods = PT_GET, .pattern = "/orgs/{org:int}/certificates",
      .permission = "whitelabel.manage", .org_param = "org",
      .handler = acme_api_certificates, .flags = PT_ROUTE_API_ONLY },
    { 0 }
};

static const struct pt_audit_type acme_audit_types[] = {
    { ACME_CATEGORY, ACME_ACT_ISSUE },
    { ACME_CATEGORY, ACME_ACT_RENEW },
    { ACME_CATEGORY, ACME_ACT_REMOVE },
    { 0 }
};

/* The handlers schedule their own retries (back-off up to six hours): a
 * failed run is an outcome, recorded on the host name, not a job error.
 * The core retries only database trouble. */
static const struct pt_job_kind acme_jobs[] = {
    { .kind = ACME_JOB_ISSUE, .run = acme_job_issue, .max_attempts = 3 },
    { .kind = ACME_JOB_SWEEP, .run = acme_job_sweep, .max_attempts = 1 },
    { 0 }
};

static const struct pt_schedule acme_schedules[] = {
    { .kind = ACME_JOB_SWEEP, .when = "every 600" },
    { 0 }
};

const struct portal_module acme_module = {
    .abi_version = PORTAL_ABI_VERSION,
    .name = "acme",
    .routes = acme_routes,
    .audit_types = acme_audit_types,
    .jobs = acme_jobs,
    .schedules = acme_schedules,
};
