/*
 * issue.c — the job "acme.issue" {hostname_id, attempt?, renew?}: one host
 * name, one lego run.
 *
 * Issuance (the name has no certificate, or its last try failed): the row
 * goes to 'pending' while lego runs, then to 'issued' with the files'
 * paths and expiry, or to 'failed' with lego's reason.  Renewal (renew and
 * a certificate lego can renew): `lego renew --days`; a failed renewal
 * keeps 'issued' while the old certificate is still valid (it still serves)
 * and says so in tls_error.
 *
 * A failure queues the same job again after 60 · 2^attempt seconds, at most
 * six hours apart, for as long as the name stays verified: the outcome is
 * recorded and the job itself succeeds, so one name's trouble never fills
 * the queue's failure list or delays another name (each has its own job).
 */
#include "acme.h"

#include <stdio.h>

struct acme_host {
    int64_t     id, org;
    const char *name, *state;
    bool        verified, has_cert, expired;
};

struct issue_outcome {
    const struct acme_conf *c;
    struct acme_host       *h;
    bool                    renew;
    int                     attempt;
    struct acme_lego_result res;
    struct acme_cert        cert;
    char                    serial_before[80];    /* renewals: what was served */
};

static int host_load(struct pt_req *r, int64_t id, struct acme_host *h)
{
    json_t *row;
    int rc;

    memset(h, 0, sizeof(*h));
    if (id <= 0)
        return PT_ENOTFOUND;
    rc = pt_db_query_one(r, "SELECT id, hostname, org_id, verified_at IS NOT NULL AS verified, "
                         "tls_state, cert_path IS NOT NULL AS has_cert, "
                         "COALESCE(tls_expires <= NOW(), 0) AS expired "
                         "FROM hostnames WHERE id = ?", PT_ARGS(PT_ARG_INT(id)), &row);
    if (rc != 0)
        return rc;
    h->id = id;
    h->org = json_integer_value(json_object_get(row, "org_id"));
    h->name = json_string_value(json_object_get(row, "hostname"));
    h->state = json_string_value(json_object_get(row, "tls_state"));
    h->verified = json_integer_value(json_object_get(row, "verified")) != 0;
    h->has_cert = json_integer_value(json_object_get(row, "has_cert")) != 0;
    h->expired = json_integer_value(json_object_get(row, "expired")) != 0;
    h->name = h->name ? h->name : "";
    h->state = h->state ? h->state : "none";
    return 0;
}

/* Why this job has nothing to do, or NULL. */
static const char *issue_skip(const struct acme_conf *c, const struct acme_host *h,
                              bool renew)
{
    char norm[PT_HOSTNAME_SIZE];

    if (!h->verified)
        return "not verified (any more)";
    /* It becomes an argument of lego and a file name: check it again, as
     * the nginx generator does, whatever the table says. */
    if (pt_hostname_check(h->name, norm, sizeof(norm), NULL) != 0 || strcmp(norm, h->name) != 0)
        return "not a host name in its stored form: refused";
    if (!acme_host_wanted(c, h->name))
        return "outside [acme] only_domains";
    if (strcmp(h->state, "issued") == 0 && !renew)
        return "already has a certificate";
    return NULL;
}

/* 60 · 2^attempt seconds, at most ACME_RETRY_CAP. */
static int issue_backoff(int attempt)
{
    long d = ACME_RETRY_FIRST;

    for (int i = 0; i < attempt && d < ACME_RETRY_CAP; i++)
        d *= 2;
    return d > ACME_RETRY_CAP ? ACME_RETRY_CAP : (int)d;
}

static const char *issue_action(const struct issue_outcome *o)
{
    return o->renew ? ACME_ACT_RENEW : ACME_ACT_ISSUE;
}

/* The row, still this name and verified, locked for the outcome's update
 * (affected-row counts cannot tell "unchanged" from "gone"). */
static int host_lock(struct pt_req *r, const struct acme_host *h)
{
    json_t *row;

    return pt_db_query_one(r, "SELECT id FROM hostnames WHERE id = ? AND hostname = ? "
                           "AND verified_at IS NOT NULL FOR UPDATE",
                           PT_ARGS(PT_ARG_INT(h->id), PT_ARG_STR(h->name)), &row);
}

/* ---- the outcome, in one transaction each -------------------------------------------------- */

static int issue_success_tx(struct pt_req *r, void *arg)
{
    struct issue_outcome *o = arg;
    struct acme_host *h = o->h;
    /* `lego renew` leaves a certificate alone that is not yet due. */
    bool changed = !o->renew || strcmp(o->serial_before, o->cert.serial) != 0;
    int rc = host_lock(r, h);

    if (rc == PT_ENOTFOUND)
        return 0;                  /* gone meanwhile: the sweep removes the files */
    if (rc == 0)
        rc = pt_db_exec(r, "UPDATE hostnames SET tls_state = 'issued', tls_error = NULL, "
                        "tls_expires = ?, cert_path = ?, key_path = ? WHERE id = ?",
                        PT_ARGS(PT_ARG_STR(o->cert.expires), PT_ARG_STR(o->cert.cert_path),
                                PT_ARG_STR(o->cert.key_path), PT_ARG_INT(h->id)), NULL, NULL);
    if (rc != 0 || !changed)
        return rc;
    json_t *meta = pt_keep(r, json_pack("{s:s, s:s, s:i}", "expires", o->cert.expires,
                                        "serial", o->cert.serial, "attempt", o->attempt));
    acme_audit(r, h->org, issue_action(o), "Success", h->id, h->name,
               pt_printf(r, "The certificate of %s was %s; it expires on %.10s.", h->name,
                         o->renew ? "renewed" : "issued", o->cert.expires), meta);
    return 0;
}

static int issue_failure_tx(struct pt_req *r, void *arg)
{
    struct issue_outcome *o = arg;
    struct acme_host *h = o->h;
    int delay = issue_backoff(o->attempt);
    /* A renewal that failed leaves a certificate that still serves. */
    bool still_valid = o->renew && h->has_cert && !h->expired;
    const char *reason = o->renew ? pt_printf(r, "Renewal failed: %s", o->res.reason)
                                  : o->res.reason;
    int rc = host_lock(r, h);

    if (rc == PT_ENOTFOUND)
        return 0;                  /* gone or no longer verified: no retry */
    if (rc != 0)
        return rc;
    if (reason == NULL)
        return PT_ENOMEM;
    if (strlen(reason) > ACME_ERROR_MAX)
        reason = pt_strndup(r, reason, ACME_ERROR_MAX);
    rc = pt_db_exec(r, "UPDATE hostnames SET tls_state = ?, tls_error = ? WHERE id = ?",
                    PT_ARGS(PT_ARG_STR(still_valid ? "issued" : "failed"), PT_ARG_STR(reason),
                            PT_ARG_INT(h->id)), NULL, NULL);
    if (rc != 0)
        return rc;
    json_t *next = pt_keep(r, json_pack("{s:I, s:i, s:b}", "hostname_id", (json_int_t)h->id,
                                        "attempt", o->attempt + 1, "renew", o->renew));
    if (next == NULL)
        return PT_ENOMEM;
    if ((rc = pt_job_enqueue(r, ACME_JOB_ISSUE, next, delay)) != 0)
        return rc;
    json_t *meta = pt_keep(r, json_pack("{s:s, s:i, s:i}", "error", reason, "attempt",
                                        o->attempt, "retry_in_seconds", delay));
    acme_audit(r, h->org, issue_action(o), "Failed", h->id, h->name,
               pt_printf(r, "%s %s; next try in %d min: %s", o->renew ? "Could not renew the "
                         "certificate of" : "Could not obtain a certificate for", h->name,
                         delay / 60, acme_one_line(r, o->res.reason, 300)), meta);
    return 0;
}

static int host_set_pending(struct pt_req *r, const struct acme_host *h)
{
    return pt_db_exec(r, "UPDATE hostnames SET tls_state = 'pending' WHERE id = ? "
                      "AND hostname = ?", PT_ARGS(PT_ARG_INT(h->id), PT_ARG_STR(h->name)),
                      NULL, NULL);
}

/* ---- the job --------------------------------------------------------------------------------- */

int acme_job_issue(struct pt_req *r, json_t *payload)
{
    struct acme_conf c;
    struct acme_host h;
    struct issue_outcome o = { .c = &c, .h = &h };
    const char *skip, *why = NULL;
    int rc;

    if (!acme_conf_load(r, &c))
        return 0;                  /* off, or misconfigured (logged) */
    o.attempt = (int)json_integer_value(json_object_get(payload, "attempt"));
    o.attempt = o.attempt < 0 ? 0 : o.attempt > 30 ? 30 : o.attempt;
    o.renew = json_is_true(json_object_get(payload, "renew"));
    rc = host_load(r, json_integer_value(json_object_get(payload, "hostname_id")), &h);
    if (rc == PT_ENOTFOUND)
        return 0;                  /* removed since: nothing to do */
    if (rc != 0)
        return rc;
    if ((skip = issue_skip(&c, &h, o.renew)) != NULL) {
        pt_log_info("acme: %s: %s", h.name, skip);
        return 0;
    }
    /* Renew only what lego can renew; anything else gets a new certificate. */
    o.renew = o.renew && h.has_cert && strcmp(h.state, "issued") == 0 &&
              acme_cert_renewable(r, &c, h.name);
    if (o.renew) {
        struct acme_cert now;
        if (acme_cert_read(r, &c, h.name, &now, &why) == 0)
            snprintf(o.serial_before, sizeof(o.serial_before), "%s", now.serial);
    } else if ((rc = host_set_pending(r, &h)) != 0) {
        return rc;
    }
    acme_nginx_ready(r, h.id);
    acme_lego(r, &c, h.name, o.renew, &o.res);
    if (o.res.ok && acme_cert_read(r, &c, h.name, &o.cert, &why) != 0) {
        o.res.ok = false;
        o.res.reason = pt_printf(r, "lego reported success, but %s.", why);
    }
    rc = pt_db_tx(r, o.res.ok ? issue_success_tx : issue_failure_tx, &o);
    if (rc == 0)
        acme_regenerate(r, false);
    return rc;
}
