/*
 * verify.c — the module's jobs:
 *
 *   whitelabel.verify  {hostname_id, attempt}   one custom domain: is the TXT
 *       record _portal-verification.<hostname> its token?  Yes: verified now,
 *       caches bumped, nginx regenerated, "Verify Domain" Success.  No: a
 *       Failed event with the reason, and the job queued again after 1, 2,
 *       4, 8 minutes (WL_VERIFY_TRIES checks in all); after that the sweep.
 *   whitelabel.verify_pending  (every 300 s)    every unverified custom
 *       domain younger than 7 days, the least recently checked first, a
 *       batch at a time; silent unless one succeeds (a failure every five
 *       minutes for a week would drown the activity log).
 *   nginx.generate                               pt_nginx_regenerate; a
 *       failure is a Failed "Generate Web Server Config" event and a retry.
 *
 * DNS goes through libresolv (res_nquery) against the resolver named by
 * [whitelabel] resolver ("ip[:port]", IPv4), else the system's.
 */
#include "wl.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>

#define WL_SWEEP_BATCH 20
#define WL_TXT_MAX     1024

/* ---- DNS ----------------------------------------------------------------------------------- */

/* "a.b.c.d[:port]" into sa; false when it is not one. */
static bool resolver_addr(const char *spec, struct sockaddr_in *sa)
{
    char host[INET_ADDRSTRLEN + 1];
    const char *colon = strchr(spec, ':');
    size_t hl = colon ? (size_t)(colon - spec) : strlen(spec);
    long port = 53;

    if (hl == 0 || hl >= sizeof(host))
        return false;
    memcpy(host, spec, hl);
    host[hl] = '\0';
    if (colon) {
        char *end;
        port = strtol(colon + 1, &end, 10);
        if (*end != '\0' || port < 1 || port > 65535)
            return false;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

/* Does one TXT record of the answer (its strings joined) equal token?
 * *seen: how many TXT records there were. */
static bool answer_has(const unsigned char *ans, int len, const char *token, int *seen)
{
    char txt[WL_TXT_MAX + 1];
    ns_msg msg;
    ns_rr rr;

    *seen = 0;
    if (ns_initparse(ans, len, &msg) < 0)
        return false;
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
        if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != ns_t_txt)
            continue;
        const unsigned char *p = ns_rr_rdata(rr), *end = p + ns_rr_rdlen(rr);
        size_t n = 0;
        bool fits = true;
        while (p < end && fits) {
            size_t sl = *p++;
            fits = sl <= (size_t)(end - p) && n + sl <= WL_TXT_MAX;
            if (fits)
                memcpy(txt + n, p, sl);
            n += sl;
            p += sl;
        }
        (*seen)++;
        if (fits && n == strlen(token) && memcmp(txt, token, n) == 0)
            return true;
    }
    return false;
}

/* Is token in a TXT record of qname?  false with *why (a sentence) if not. */
static bool txt_matches(struct pt_req *r, const char *qname, const char *token,
                        const char **why)
{
    const char *spec = wl_conf(r, "resolver");
    unsigned char ans[NS_PACKETSZ * 4];
    struct __res_state st;
    struct sockaddr_in sa;
    int n, seen = 0;

    memset(&st, 0, sizeof(st));
    if (spec && !resolver_addr(spec, &sa)) {
        *why = "The portal's resolver setting ([whitelabel] resolver) is not ip[:port].";
        return false;
    }
    if (res_ninit(&st) != 0) {
        *why = "The portal could not start a DNS lookup.";
        return false;
    }
    if (spec) {
        /* res_send copies nsaddr_list again when it differs from its cache. */
        st.nsaddr_list[0] = sa;
        st.nscount = 1;
    }
    st.retrans = 3;
    st.retry = 2;
    n = res_nquery(&st, qname, ns_c_in, ns_t_txt, ans, sizeof(ans));
    int herr = st.res_h_errno;
    res_nclose(&st);
    if (n < 0) {
        *why = herr == HOST_NOT_FOUND ? pt_printf(r, "%s does not exist in DNS yet.", qname)
             : herr == NO_DATA ? pt_printf(r, "%s has no TXT record yet.", qname)
             : herr == TRY_AGAIN ? pt_printf(r, "The DNS lookup of %s gave no answer (no such "
                                             "record yet, or the DNS server failed).", qname)
             : pt_printf(r, "The DNS lookup of %s failed.", qname);
        return false;
    }
    if (answer_has(ans, n, token, &seen))
        return true;
    *why = seen ? pt_printf(r, "The TXT record of %s does not hold this domain's token.", qname)
                : pt_printf(r, "%s has no TXT record yet.", qname);
    return false;
}

/* ---- marking a domain verified --------------------------------------------------------------- */

struct verified {
    int64_t     id, org;
    const char *host, *token;
};

static int verified_tx(struct pt_req *r, void *arg)
{
    struct verified *v = arg;
    uint64_t n = 0;
    int rc = pt_db_exec(r, "UPDATE hostnames SET verified_at = NOW() WHERE id = ? AND "
                        "verified_at IS NULL AND verification_token = ?",
                        PT_ARGS(PT_ARG_INT(v->id), PT_ARG_STR(v->token)), &n, NULL);

    if (rc != 0 || n == 0)
        return rc;              /* removed, or verified meanwhile: nothing to say */
    if ((rc = wl_hosts_changed(r)) != 0 || (rc = wl_request_certificate(r, v->id)) != 0)
        return rc;
    return wl_audit(r, false, v->org, WL_ACT_VERIFY, "Success", "hostname",
                    pt_printf(r, "%lld", (long long)v->id), v->host,
                    pt_printf(r, "The TXT record " WL_TXT_PREFIX "%s holds the token",
                              v->host), NULL);
}

/* Checks host id now; 1 verified, 0 not (why set), < 0 an error. */
static int check_one(struct pt_req *r, int64_t id, struct verified *v, const char **why)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id, org_id, hostname, verification_token FROM hostnames "
                             "WHERE id = ? AND kind = 'custom' AND verified_at IS NULL",
                             PT_ARGS(PT_ARG_INT(id)), &row);

    *why = NULL;
    if (rc == PT_ENOTFOUND)
        return 1;               /* gone or already verified: nothing left to do */
    if (rc != 0)
        return rc;
    *v = (struct verified){ .id = id, .org = json_integer_value(json_object_get(row, "org_id")),
                            .host = json_string_value(json_object_get(row, "hostname")),
                            .token = json_string_value(json_object_get(row,
                                                       "verification_token")) };
    if (v->host == NULL || v->token == NULL) {
        *why = "The domain has no verification token.";
        return 0;
    }
    if (!txt_matches(r, pt_printf(r, WL_TXT_PREFIX "%s", v->host), v->token, why))
        return 0;
    return (rc = pt_db_tx(r, verified_tx, v)) != 0 ? rc : 1;
}

/* ---- the jobs -------------------------------------------------------------------------------- */

int wl_job_verify(struct pt_req *r, json_t *payload)
{
    int64_t id = json_integer_value(json_object_get(payload, "hostname_id"));
    json_int_t attempt = json_integer_value(json_object_get(payload, "attempt"));
    struct verified v = { 0 };
    const char *why;
    int rc;

    if (id <= 0)
        return 0;               /* a malformed payload never gets better */
    attempt = attempt > 0 ? attempt : 1;
    if ((rc = check_one(r, id, &v, &why)) != 0)
        return rc < 0 ? rc : 0;
    wl_audit(r, true, v.org, WL_ACT_VERIFY, "Failed", "hostname",
             pt_printf(r, "%lld", (long long)id), v.host, why, NULL);
    if (attempt >= WL_VERIFY_TRIES)
        return 0;
    json_t *next = json_pack("{s:I, s:I}", "hostname_id", (json_int_t)id, "attempt",
                             attempt + 1);
    rc = pt_job_enqueue(r, "whitelabel.verify", next, 60 << (attempt - 1));
    json_decref(next);
    return rc;
}

int wl_job_verify_sweep(struct pt_req *r, json_t *payload)
{
    struct verified v;
    const char *why;
    json_t *rows, *row;
    size_t i;
    int rc;

    (void)payload;
    rc = pt_db_query(r, "SELECT id FROM hostnames WHERE kind = 'custom' AND verified_at IS NULL "
                     "AND created >= NOW() - INTERVAL 7 DAY ORDER BY updated, id LIMIT ?",
                     PT_ARGS(PT_ARG_INT(WL_SWEEP_BATCH)), &rows);
    if (rc != 0)
        return rc;
    json_array_foreach(rows, i, row) {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        if ((rc = check_one(r, id, &v, &why)) < 0)
            return rc;
        /* Checked: to the back of the queue, so a big backlog rotates. */
        if (rc == 0)
            pt_db_exec(r, "UPDATE hostnames SET updated = NOW() WHERE id = ?",
                       PT_ARGS(PT_ARG_INT(id)), NULL, NULL);
    }
    return 0;
}

int wl_job_generate(struct pt_req *r, json_t *payload)
{
    const char *msg = NULL;
    json_t *rows;
    int rc;

    (void)payload;
    /* A later request is still queued: it will see every change this one
     * would, so one generation serves a burst of changes. */
    if (pt_db_query(r, "SELECT id FROM jobs WHERE kind = 'nginx.generate' AND "
                    "state = 'queued' LIMIT 1", PT_NOARGS, &rows) == 0 &&
        json_array_size(rows) > 0)
        return 0;
    if ((rc = pt_nginx_regenerate(r, &msg)) == 0)
        return 0;
    wl_audit(r, true, 0, WL_ACT_GENERATE, "Failed", "nginx", NULL, "partner server blocks",
             msg ? msg : "The nginx configuration could not be generated.", NULL);
    return rc;
}
