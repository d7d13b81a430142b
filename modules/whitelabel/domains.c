/*
 * domains.c — a partner's host names (issue 7 item 3):
 *   GET  /orgs/{org}/domains                   the subdomain and custom domains,
 *                                              each verified or not, TLS state
 *   POST /orgs/{org}/domains                   add a custom domain
 *   POST /orgs/{org}/domains/{domain}/verify   check its TXT record now
 *   POST /orgs/{org}/domains/{domain}/remove   release it
 *
 * A custom domain is proven by two DNS records the page shows:
 *   CNAME <hostname> → <[whitelabel] cname_target>       (traffic to us)
 *   TXT   _portal-verification.<hostname> = <token>      (ownership)
 * The job "whitelabel.verify" (verify.c) checks the TXT record; only then
 * does the name get a server block (nginx.generate) and a certificate.
 */
#include "wl.h"

#include <stdio.h>
#include <strings.h>

#define WL_DOMAIN_RES "hostname"

/* ---- the list ------------------------------------------------------------------------------ */

static const char *tls_label(const char *state)
{
    if (state == NULL || strcmp(state, "none") == 0)
        return "No certificate yet";
    if (strcmp(state, "pending") == 0)
        return "Certificate requested";
    if (strcmp(state, "issued") == 0)
        return "Certificate issued";
    if (strcmp(state, "failed") == 0)
        return "Certificate failed";
    return state;
}

/* The latest result of a check of host id, for the page. */
static void last_check(struct pt_req *r, int64_t org, json_t *row)
{
    json_t *ev;
    int64_t id = json_integer_value(json_object_get(row, "id"));

    if (pt_db_query_one(r, "SELECT status, description, DATE_FORMAT(created, "
                        "'%Y-%m-%d %H:%i') AS at FROM audit_events WHERE org_id = ? AND "
                        "category = ? AND action = ? AND resource_type = ? AND resource_id = ? "
                        "ORDER BY id DESC LIMIT 1", PT_ARGS(PT_ARG_INT(org),
                        PT_ARG_STR(WL_CATEGORY), PT_ARG_STR(WL_ACT_VERIFY),
                        PT_ARG_STR(WL_DOMAIN_RES), PT_ARG_STR(pt_printf(r, "%lld",
                        (long long)id))), &ev) == 0)
        json_object_set(row, "last_check", ev);
}

/* One row of the table: labels, the DNS records while unverified, links. */
static void domain_row(struct pt_req *r, int64_t org, json_t *row, const char *target)
{
    const char *host = json_string_value(json_object_get(row, "hostname"));
    const char *kind = json_string_value(json_object_get(row, "kind"));
    bool custom = kind && strcmp(kind, "custom") == 0;
    bool verified = !json_is_null(json_object_get(row, "verified_at"));
    int64_t id = json_integer_value(json_object_get(row, "id"));
    const char *base = pt_printf(r, "/orgs/%lld/domains/%lld", (long long)org, (long long)id);

    json_object_set_new(row, "kind_label", json_string(custom ? "Custom domain" : "Subdomain"));
    json_object_set_new(row, "custom", json_boolean(custom));
    json_object_set_new(row, "verified", json_boolean(verified));
    json_object_set_new(row, "state", json_string(verified ? "verified" : "unverified"));
    json_object_set_new(row, "state_label", json_string(verified ? "Verified"
                                                                 : "Waiting for DNS records"));
    json_object_set_new(row, "tls_label", json_string(tls_label(json_string_value(
                                                          json_object_get(row, "tls_state")))));
    json_object_set_new(row, "url", json_string(pt_printf(r, "https://%s/", host)));
    if (custom) {
        json_object_set_new(row, "remove_url", json_string(pt_printf(r, "%s/remove", base)));
        json_object_set_new(row, "verify_url", json_string(pt_printf(r, "%s/verify", base)));
    }
    if (custom && !verified) {
        json_object_set_new(row, "records", json_pack("{s:s, s:s, s:s, s:s}",
            "cname_name", host, "cname_target", target ? target : "(ask the operator)",
            "txt_name", pt_printf(r, WL_TXT_PREFIX "%s", host),
            "txt_value", json_string_value(json_object_get(row, "verification_token"))));
        last_check(r, org, row);
    }
    json_object_del(row, "verification_token");
}

static int domains_view(struct pt_req *r, json_t *view, const struct wl_org *o)
{
    const char *target = wl_conf(r, "cname_target");
    json_t *rows, *row;
    size_t i;
    int rc;

    json_object_set_new(view, "title", json_string(pt_printf(r, "Domains · %s", o->name)));
    if (!o->eligible) {
        json_object_set_new(view, "ineligible", json_true());
        return 0;
    }
    json_t *sub = wl_subscription(r, o->id, false, &rc);
    if (rc != 0 || pt_db_query(r, "SELECT id, hostname, kind, verification_token, "
                               "DATE_FORMAT(verified_at, '%Y-%m-%d %H:%i') AS verified_at, "
                               "tls_state, tls_error, DATE_FORMAT(tls_expires, '%Y-%m-%d') AS "
                               "tls_expires, DATE_FORMAT(created, '%Y-%m-%d %H:%i') AS created "
                               "FROM hostnames WHERE org_id = ? ORDER BY kind DESC, hostname",
                               PT_ARGS(PT_ARG_INT(o->id)), &rows) != 0)
        return pt_error(r, 500, "The domains could not be read. Try again in a moment.");
    json_array_foreach(rows, i, row)
        domain_row(r, o->id, row, target);
    json_object_set(view, "domains", rows);
    json_object_set_new(view, "domains_empty", json_boolean(json_array_size(rows) == 0));
    json_object_set_new(view, "active", json_boolean(sub != NULL));
    json_object_set_new(view, "branding_url", json_string(pt_printf(r, "/orgs/%lld/branding",
                                                                    (long long)o->id)));
    if (sub != NULL)
        json_object_set_new(view, "add", json_pack("{s:s, s:s, s:s}", "action",
            pt_printf(r, "/orgs/%lld/domains", (long long)o->id), "hostname", "",
            "cname_target", target ? target : "(ask the operator)"));
    return 0;
}

int wl_domains(struct pt_req *r, json_t *view)
{
    struct wl_org o;
    int rc;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = domains_view(r, view, &o)) != 0)
        return rc;
    return 200;
}

/* ---- add ----------------------------------------------------------------------------------- */

struct add {
    const struct wl_org *o;
    const char          *host;
    char                 token[PT_TOKEN_LEN + 1];
    int64_t              id;
    const char          *why;
};

/* A refusal the transaction found: a status and e->why. */
static int add_conflict(struct pt_req *r, struct add *a)
{
    json_t *row, *cnt;
    int rc = pt_db_query_one(r, "SELECT org_id FROM hostnames WHERE hostname = ?",
                             PT_ARGS(PT_ARG_STR(a->host)), &row);

    if (rc == 0) {
        bool ours = json_integer_value(json_object_get(row, "org_id")) == a->o->id;
        a->why = ours ? pt_printf(r, "%s is already one of your domains.", a->host)
                      : pt_printf(r, "%s is already in use by another organisation.", a->host);
        return 409;
    }
    if (rc != PT_ENOTFOUND)
        return rc;
    if ((rc = pt_db_query_one(r, "SELECT COUNT(*) AS n FROM hostnames WHERE org_id = ? AND "
                              "kind = 'custom'", PT_ARGS(PT_ARG_INT(a->o->id)), &cnt)) != 0)
        return rc;
    if (json_integer_value(json_object_get(cnt, "n")) >= WL_CUSTOM_MAX) {
        a->why = pt_printf(r, "An organisation may have at most %d custom domains.",
                           WL_CUSTOM_MAX);
        return 409;
    }
    return 0;
}

static int add_tx(struct pt_req *r, void *arg)
{
    struct add *a = arg;
    int rc;

    if ((rc = wl_lock_org(r, a->o->id)) != 0)
        return rc;
    if (wl_subscription(r, a->o->id, true, &rc) == NULL) {
        a->why = "Turn white label on before adding a domain.";
        return rc ? rc : 409;
    }
    if ((rc = add_conflict(r, a)) != 0)
        return rc;
    rc = pt_hostname_add(r, a->o->id, "custom", a->host, a->token, &a->id, &a->why);
    if (rc == PT_EINVAL || rc == PT_EEXIST) {
        if (rc == PT_EEXIST)
            a->why = pt_printf(r, "%s is already in use by another organisation.", a->host);
        return rc == PT_EEXIST ? 409 : 422;
    }
    json_t *pay = json_pack("{s:I, s:i}", "hostname_id", (json_int_t)a->id, "attempt", 1);
    /* The records take a while to be created: the first check waits a minute. */
    if (rc != 0 || (rc = pt_whitelabel_changed(r)) != 0 ||
        (rc = pt_job_enqueue(r, "whitelabel.verify", pay, 60)) != 0) {
        json_decref(pay);
        return rc;
    }
    json_decref(pay);
    return wl_audit(r, false, a->o->id, WL_ACT_ADD, "Success", WL_DOMAIN_RES,
                    pt_printf(r, "%lld", (long long)a->id), a->host,
                    "Added a custom domain (waiting for its DNS records)", NULL);
}

/* NULL when name (normalised) is a name a partner may bring, else why not. */
static const char *custom_problem(struct pt_req *r, const char *name)
{
    const char *base = wl_conf(r, "base_domain"), *target = wl_conf(r, "cname_target");
    size_t n = strlen(name), bl = base ? strlen(base) : 0;

    if (base && (strcasecmp(name, base) == 0 ||
                 (n > bl && name[n - bl - 1] == '.' && strcasecmp(name + n - bl, base) == 0)))
        return pt_printf(r, "Names under %s are the portal's own subdomains: add a domain "
                         "of yours.", base);
    if (target && strcasecmp(name, target) == 0)
        return "This is one of the platform's own host names.";
    return NULL;
}

int wl_domain_add(struct pt_req *r, json_t *view)
{
    char name[PT_HOSTNAME_SIZE];
    struct wl_org o;
    struct add a = { .o = &o };
    const char *in, *why = NULL;
    int rc, status = 422;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = domains_view(r, view, &o)) != 0)
        return rc;
    if (!o.eligible)
        return wl_refuse(r, view, &o, WL_ACT_ADD, 409, "White label is available to partner "
                         "and distributor organisations only.", false);
    in = wl_input(r, "hostname");
    json_object_set_new(json_object_get(view, "add"), "hostname", json_string(in ? in : ""));
    if (!json_is_true(json_object_get(view, "active"))) {
        why = "Turn white label on before adding a domain.";
        status = 409;
    } else if (in == NULL)
        why = "Enter the domain, e.g. portal.example.com.";
    else if (pt_hostname_check(in, name, sizeof(name), &why) != 0)
        why = why ? why : "This is not a valid host name.";
    else
        why = custom_problem(r, name);
    if (why != NULL)
        return wl_refuse(r, view, &o, WL_ACT_ADD, status, why, true);
    a.host = name;
    if ((rc = pt_token_new(a.token)) != 0 || (rc = pt_db_tx(r, add_tx, &a)) < 0)
        return wl_refuse(r, view, &o, WL_ACT_ADD, 500, "The domain could not be added. Try "
                         "again in a moment.", false);
    if (rc > 0)
        return wl_refuse(r, view, &o, WL_ACT_ADD, rc, a.why, true);
    json_object_set_new(view, "added", json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a.id,
                        "hostname", name, "txt_name", pt_printf(r, WL_TXT_PREFIX "%s", name),
                        "txt_value", a.token));
    pt_flash(r, "success", pt_printf(r, "%s is added. Create its DNS records below; the portal "
                                     "checks them within minutes.", name));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/domains", (long long)o.id));
}

/* ---- one domain: verify now, remove --------------------------------------------------------- */

/* The path's {domain} of {org}: 0 with its row, or the status answered. */
static int path_domain(struct pt_req *r, json_t *view, const struct wl_org *o,
                       const char *action, json_t **row)
{
    int64_t id = pt_req_param_int(r, "domain");
    int rc = id > 0 ? pt_db_query_one(r, "SELECT id, hostname, kind, verified_at FROM hostnames "
                                      "WHERE id = ? AND org_id = ?", PT_ARGS(PT_ARG_INT(id),
                                      PT_ARG_INT(o->id)), row) : PT_ENOTFOUND;

    if (rc == PT_ENOTFOUND)
        return wl_refuse(r, view, o, action, 404, "There is no such domain.", false);
    if (rc != 0)
        return wl_refuse(r, view, o, action, 500, "The domain could not be read.", false);
    return 0;
}

int wl_domain_verify(struct pt_req *r, json_t *view)
{
    struct wl_org o;
    json_t *row;
    int rc;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = path_domain(r, view, &o, WL_ACT_VERIFY,
                                                                  &row)) != 0)
        return rc;
    const char *host = json_string_value(json_object_get(row, "hostname"));
    if (!json_is_null(json_object_get(row, "verified_at")))
        return wl_refuse(r, view, &o, WL_ACT_VERIFY, 409, pt_printf(r, "%s is already "
                         "verified.", host), false);
    json_t *pay = json_pack("{s:O, s:i}", "hostname_id", json_object_get(row, "id"),
                            "attempt", 1);
    rc = pt_job_enqueue(r, "whitelabel.verify", pay, 0);
    json_decref(pay);
    if (rc != 0)
        return wl_refuse(r, view, &o, WL_ACT_VERIFY, 500, "The check could not be started.",
                         false);
    wl_audit(r, false, o.id, WL_ACT_VERIFY, "Pending", WL_DOMAIN_RES,
             pt_printf(r, "%lld", (long long)json_integer_value(json_object_get(row, "id"))),
             host, "Check of the DNS records requested", NULL);
    pt_flash(r, "info", pt_printf(r, "Checking the DNS records of %s now: reload this page in a "
                                  "minute to see the result.", host));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/domains", (long long)o.id));
}

struct remove {
    int64_t     org, id;
    const char *host;
};

static int remove_tx(struct pt_req *r, void *arg)
{
    struct remove *d = arg;
    uint64_t n = 0;
    int rc = pt_db_exec(r, "DELETE FROM hostnames WHERE id = ? AND org_id = ? AND "
                        "kind = 'custom'", PT_ARGS(PT_ARG_INT(d->id), PT_ARG_INT(d->org)),
                        &n, NULL);

    if (rc != 0)
        return rc;
    if (n == 0)
        return 404;
    if ((rc = wl_hosts_changed(r)) != 0)
        return rc;
    return wl_audit(r, false, d->org, WL_ACT_REMOVE, "Success", WL_DOMAIN_RES,
                    pt_printf(r, "%lld", (long long)d->id), d->host,
                    "Removed a custom domain", NULL);
}

int wl_domain_remove(struct pt_req *r, json_t *view)
{
    struct wl_org o;
    struct remove d;
    json_t *row;
    int rc;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = path_domain(r, view, &o, WL_ACT_REMOVE,
                                                                  &row)) != 0)
        return rc;
    d = (struct remove){ .org = o.id, .id = json_integer_value(json_object_get(row, "id")),
                         .host = json_string_value(json_object_get(row, "hostname")) };
    if (strcmp(json_string_value(json_object_get(row, "kind")), "custom") != 0)
        return wl_refuse(r, view, &o, WL_ACT_REMOVE, 409, "The subdomain goes with white "
                         "label: turn white label off to release it.", false);
    rc = pt_db_tx(r, remove_tx, &d);
    if (rc == 404)
        return wl_refuse(r, view, &o, WL_ACT_REMOVE, 404, "There is no such domain.", false);
    if (rc != 0)
        return wl_refuse(r, view, &o, WL_ACT_REMOVE, 500, "The domain could not be removed. "
                         "Try again in a moment.", false);
    pt_flash(r, "success", pt_printf(r, "%s is removed: it no longer reaches your portal.",
                                     d.host));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/domains", (long long)o.id));
}
