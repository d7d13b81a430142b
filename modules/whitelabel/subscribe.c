/*
 * subscribe.c — turning white label on and off (issue 7 items 2 and 7).
 *
 * On: a whitelabel_subscriptions row ($25.00 a month) and, at once, the
 * partner's subdomain <slug>.<[whitelabel] base_domain> (verified from the
 * start: the name is ours).  A brand row is made from the organisation's
 * name if there is none yet.
 * Off: the subscription ends with a credit for the unused part of the
 * month, every hostname of the organisation (subdomain and custom domains)
 * is released, so those names fall back to the platform; the brand row is
 * kept, so turning white label on again restores it.
 *
 * Proration (whole days, UTC; the billing module invoices the amounts):
 *   first charge = 2500 × (days left in the month, today included) / days in
 *                  the month, rounded to the nearest cent (half up);
 *   credit       = 2500 × (days left after today) / days in the month,
 *                  rounded likewise: the day of cancellation is paid for.
 * E.g. on 10 November (30 days): 21/30 → $17.50; cancelled on 20 November:
 * 10/30 → $8.33 credited.
 */
#include "wl.h"

#include <stdio.h>

/* ---- dates and money --------------------------------------------------------------------- */

static int days_in_month(int year, int mon /* 0-11 */)
{
    static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return mon == 1 && leap ? 29 : d[mon];
}

void wl_today(int *day, int *mdays, const char **month_name)
{
    static const char *const names[12] = { "January", "February", "March", "April", "May",
        "June", "July", "August", "September", "October", "November", "December" };
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    *day = tm.tm_mday;
    *mdays = days_in_month(tm.tm_year + 1900, tm.tm_mon);
    *month_name = names[tm.tm_mon];
}

long long wl_prorate(long long monthly, int day, int mdays, bool include_day)
{
    long long days = mdays - day + (include_day ? 1 : 0);

    if (mdays <= 0 || days <= 0)
        return 0;
    return (monthly * days * 2 + mdays) / (2LL * mdays);
}

/* ---- the slug ---------------------------------------------------------------------------- */

static const char *const wl_reserved[] = {
    "www", "api", "admin", "mail", "portal", "static", "status", "app", "help", "support",
    "billing", "login", "ns1", "ns2", "ns3", "ns4", "smtp", "imap", "pop", "pop3", "ftp",
    "webmail", "mx", "dns", "cdn", "assets", "auth", "sso", "id", "account", "accounts",
    "docs", "blog", "dev", "test", "staging", "platform", "root", "localhost",
    "autodiscover", "autoconfig", "vpn", "secure", "signin", "signup", "register",
    "dashboard", "console", "abuse", "postmaster", "hostmaster", "webmaster", "security",
    "partners", "partner", "acme", "well-known",
};

const char *wl_slug_problem(const char *slug)
{
    size_t n = slug ? strlen(slug) : 0;

    if (n == 0)
        return "Choose the subdomain (3 to 40 characters: a-z, 0-9 and -).";
    if (n < 3 || n > 40)
        return "The subdomain must be 3 to 40 characters long.";
    if (strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
        return "The subdomain may hold lower-case letters a-z, digits and - only.";
    if (slug[0] == '-' || slug[n - 1] == '-')
        return "The subdomain may not start or end with -.";
    if (strstr(slug, "--"))
        return "The subdomain may not hold two - in a row.";
    for (size_t i = 0; i < sizeof(wl_reserved) / sizeof(wl_reserved[0]); i++)
        if (strcmp(slug, wl_reserved[i]) == 0)
            return "This subdomain is reserved: choose another.";
    return NULL;
}

/* The first max characters of UTF-8 text s (never half a character). */
static const char *chars_prefix(struct pt_req *r, const char *s, size_t max)
{
    size_t i = 0, n = 0;

    while (s[i] && n < max) {
        i++;
        while ((s[i] & 0xc0) == 0x80)
            i++;
        n++;
    }
    return pt_strndup(r, s, i);
}

/* ---- enable ------------------------------------------------------------------------------- */

struct enable {
    const struct wl_org *o;
    const char          *host;
    long long            first;
    int                  day, mdays;
    const char          *why;        /* with a status > 0 */
};

static int enable_tx(struct pt_req *r, void *arg)
{
    struct enable *e = arg;
    int64_t host_id = 0, actor = pt_req_user_id(r);
    int rc;

    if ((rc = wl_lock_org(r, e->o->id)) != 0)
        return rc;
    if (wl_subscription(r, e->o->id, true, &rc) != NULL || rc != 0) {
        e->why = "White label is already on for this organisation.";
        return rc ? rc : 409;
    }
    /* Taken is the common refusal: asked first, so the log stays quiet. */
    json_t *taken;
    if ((rc = pt_db_query_one(r, "SELECT id FROM hostnames WHERE hostname = ?",
                              PT_ARGS(PT_ARG_STR(e->host)), &taken)) != PT_ENOTFOUND) {
        e->why = pt_printf(r, "%s is already taken: choose another subdomain.", e->host);
        return rc == 0 ? 409 : rc;
    }
    rc = pt_hostname_add(r, e->o->id, "subdomain", e->host, NULL, &host_id, &e->why);
    if (rc == PT_EINVAL || rc == PT_EEXIST) {
        e->why = rc == PT_EEXIST ? pt_printf(r, "%s is already taken: choose another "
                                             "subdomain.", e->host) : e->why;
        return rc == PT_EEXIST ? 409 : 422;
    }
    if (rc != 0 ||
        (rc = pt_db_exec(r, "UPDATE hostnames SET verified_at = NOW() WHERE id = ?",
                         PT_ARGS(PT_ARG_INT(host_id)), NULL, NULL)) != 0 ||
        (rc = pt_db_exec(r, "INSERT INTO whitelabel_subscriptions (org_id, status, "
                         "monthly_cents, currency, started, first_charge_cents, started_by) "
                         "VALUES (?, 'active', ?, ?, NOW(), ?, ?)", PT_ARGS(
                         PT_ARG_INT(e->o->id), PT_ARG_INT(WL_MONTHLY_CENTS),
                         PT_ARG_STR(WL_CURRENCY), PT_ARG_INT(e->first),
                         actor > 0 ? PT_ARG_INT(actor) : PT_ARG_NULL), NULL, NULL)) != 0 ||
        (rc = pt_db_exec(r, "INSERT IGNORE INTO brands (org_id, portal_name, updated_by) "
                         "VALUES (?, ?, ?)", PT_ARGS(PT_ARG_INT(e->o->id),
                         PT_ARG_STR(chars_prefix(r, e->o->name, 100)),
                         actor > 0 ? PT_ARG_INT(actor) : PT_ARG_NULL), NULL, NULL)) != 0 ||
        (rc = wl_hosts_changed(r)) != 0)
        return rc;
    json_t *m = json_pack("{s:s, s:i, s:s, s:I, s:{s:i, s:i, s:i}}", "subdomain", e->host,
                          "monthly_cents", WL_MONTHLY_CENTS, "currency", WL_CURRENCY,
                          "first_charge_cents", (json_int_t)e->first, "proration", "day", e->day,
                          "days_in_month", e->mdays, "days_charged", e->mdays - e->day + 1);
    rc = wl_audit(r, false, e->o->id, WL_ACT_ENABLE, "Success", "organisation",
                  pt_printf(r, "%lld", (long long)e->o->id), e->o->name,
                  pt_printf(r, "Turned white label on with %s", e->host), m);
    json_decref(m);
    return rc;
}

int wl_enable(struct pt_req *r, json_t *view)
{
    struct wl_org o;
    struct enable e = { .o = &o };
    const char *slug, *base, *why, *month;
    int rc;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = wl_branding_view(r, view, &o)) != 0)
        return rc;
    if (!o.eligible)
        return wl_refuse(r, view, &o, WL_ACT_ENABLE, 409, "White label is available to "
                         "partner and distributor organisations only.", false);
    slug = wl_input(r, "slug");
    json_object_set_new(json_object_get(view, "enable"), "slug", json_string(slug ? slug : ""));
    if ((why = wl_slug_problem(slug)) != NULL)
        return wl_refuse(r, view, &o, WL_ACT_ENABLE, 422, why, true);
    if ((base = wl_conf(r, "base_domain")) == NULL)
        return wl_refuse(r, view, &o, WL_ACT_ENABLE, 503, "White label is not set up on this "
                         "platform yet ([whitelabel] base_domain): ask the operator.", true);
    char name[PT_HOSTNAME_SIZE];
    if (pt_hostname_check(pt_printf(r, "%s.%s", slug, base), name, sizeof(name), &why) != 0)
        return wl_refuse(r, view, &o, WL_ACT_ENABLE, 422, why ? why : "This subdomain is not "
                         "a valid host name.", true);
    e.host = name;
    wl_today(&e.day, &e.mdays, &month);
    e.first = wl_prorate(WL_MONTHLY_CENTS, e.day, e.mdays, true);
    rc = pt_db_tx(r, enable_tx, &e);
    if (rc > 0)
        return wl_refuse(r, view, &o, WL_ACT_ENABLE, rc, e.why, true);
    if (rc != 0)
        return wl_refuse(r, view, &o, WL_ACT_ENABLE, 500, "White label could not be turned "
                         "on. Try again in a moment.", false);
    pt_flash(r, "success", pt_printf(r, "White label is on: your portal is at %s. %s is "
                                     "charged for the rest of %s, then %s a month.", e.host,
                                     wl_money(r, e.first), month,
                                     wl_money(r, WL_MONTHLY_CENTS)));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/branding", (long long)o.id));
}

/* ---- disable ------------------------------------------------------------------------------ */

struct disable {
    const struct wl_org *o;
    long long            credit;
    int                  day, mdays;
    json_t              *released;
};

static int disable_tx(struct pt_req *r, void *arg)
{
    struct disable *d = arg;
    json_t *sub, *hosts;
    int rc;

    if ((rc = wl_lock_org(r, d->o->id)) != 0)
        return rc;
    if ((sub = wl_subscription(r, d->o->id, true, &rc)) == NULL)
        return rc ? rc : 409;
    int64_t sub_id = json_integer_value(json_object_get(sub, "id"));
    if ((rc = pt_db_query(r, "SELECT hostname, kind FROM hostnames WHERE org_id = ? "
                          "ORDER BY id", PT_ARGS(PT_ARG_INT(d->o->id)), &hosts)) != 0 ||
        (rc = pt_db_exec(r, "DELETE FROM hostnames WHERE org_id = ?",
                         PT_ARGS(PT_ARG_INT(d->o->id)), NULL, NULL)) != 0 ||
        (rc = pt_db_exec(r, "UPDATE whitelabel_subscriptions SET status = 'ended', "
                         "ended = NOW(), credit_cents = ?, ended_by = ? WHERE id = ?",
                         PT_ARGS(PT_ARG_INT(d->credit), pt_req_user_id(r) > 0
                                 ? PT_ARG_INT(pt_req_user_id(r)) : PT_ARG_NULL,
                                 PT_ARG_INT(sub_id)), NULL, NULL)) != 0 ||
        (rc = wl_hosts_changed(r)) != 0)
        return rc;
    d->released = hosts;
    json_t *m = json_pack("{s:I, s:I, s:s, s:O, s:{s:i, s:i, s:i}}", "subscription_id",
                          (json_int_t)sub_id, "credit_cents", (json_int_t)d->credit,
                          "currency", WL_CURRENCY, "hostnames_released", hosts, "proration",
                          "day", d->day, "days_in_month", d->mdays, "days_credited",
                          d->mdays - d->day);
    rc = wl_audit(r, false, d->o->id, WL_ACT_DISABLE, "Success", "organisation",
                  pt_printf(r, "%lld", (long long)d->o->id), d->o->name,
                  "Turned white label off", m);
    json_decref(m);
    return rc;
}

static bool confirmed(struct pt_req *r)
{
    const char *v = wl_input(r, "confirm");

    return v && (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcmp(v, "on") == 0 ||
                 strcmp(v, "true") == 0);
}

int wl_disable(struct pt_req *r, json_t *view)
{
    struct wl_org o;
    struct disable d = { .o = &o };
    const char *month;
    int rc;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = wl_branding_view(r, view, &o)) != 0)
        return rc;
    if (!o.eligible)
        return wl_refuse(r, view, &o, WL_ACT_DISABLE, 409, "White label is available to "
                         "partner and distributor organisations only.", false);
    if (!confirmed(r))
        return wl_refuse(r, view, &o, WL_ACT_DISABLE, 422, "Tick the box to confirm that the "
                         "subdomain and custom domains will stop working.", true);
    wl_today(&d.day, &d.mdays, &month);
    d.credit = wl_prorate(WL_MONTHLY_CENTS, d.day, d.mdays, false);
    rc = pt_db_tx(r, disable_tx, &d);
    if (rc == 409)
        return wl_refuse(r, view, &o, WL_ACT_DISABLE, 409, "White label is not on.", true);
    if (rc != 0)
        return wl_refuse(r, view, &o, WL_ACT_DISABLE, 500, "White label could not be turned "
                         "off. Try again in a moment.", false);
    json_object_set_new(view, "credit_cents", json_integer(d.credit));
    pt_flash(r, "success", pt_printf(r, "White label is off: %zu host name(s) released, %s "
                                     "credited for the rest of %s. Your brand is kept.",
                                     json_array_size(d.released), wl_money(r, d.credit), month));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/branding", (long long)o.id));
}
