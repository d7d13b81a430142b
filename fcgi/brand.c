/*
 * brand.c — host → brand, page → brand, recipient → brand (see brand.h).
 *
 * A brand is live while its organisation's white-label subscription is
 * active (the platform's own brand always is).  A host name is served only
 * once verified; its brand is the nearest live brand at or above its
 * organisation, so sub-partners inherit unless they have their own.
 */
#include "brand.h"
#include "hostname.h"
#include "pt_config.h"
#include "render.h"
#include "request.h"
#include "worker.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BRAND_CHECK_SECONDS 1

/* A brand counts while white label is on (the platform's own always). */
#define BRAND_LIVE_SQL \
    "(bo.kind = 'platform' OR EXISTS (SELECT 1 FROM whitelabel_subscriptions s " \
    "WHERE s.org_id = b.org_id AND s.status = 'active'))"

struct brand_host {
    char    *name;
    int64_t  org_id, brand_org;
    char    *template_set;
};

struct pt_brands {
    int64_t            version;      /* of cache_versions 'whitelabel'; 0: never read */
    time_t             checked;
    struct pt_brand   *brands;       /* by org_id */
    size_t             nbrands;
    struct brand_host *hosts;        /* by name */
    size_t             nhosts;
    int64_t            platform_brand;
    bool               partner_brands;
    char              *platform_hosts; /* the config's, read once per worker */
};

static char *dup_col(json_t *row, const char *key)
{
    const char *v = json_string_value(json_object_get(row, key));

    return v && *v ? strdup(v) : NULL;
}

static void brand_clear(struct pt_brand *b)
{
    free((char *)b->name);
    free((char *)b->primary_color);
    free((char *)b->accent_color);
    free((char *)b->support_email);
    free((char *)b->support_phone);
    free((char *)b->support_url);
    free((char *)b->mail_from_name);
    free((char *)b->mail_reply_to);
    free((char *)b->footer_text);
    free((char *)b->template_set);
}

static void brands_clear(struct pt_brands *c)
{
    for (size_t i = 0; i < c->nbrands; i++)
        brand_clear(&c->brands[i]);
    for (size_t i = 0; i < c->nhosts; i++) {
        free(c->hosts[i].name);
        free(c->hosts[i].template_set);
    }
    free(c->brands);
    free(c->hosts);
    c->brands = NULL;
    c->hosts = NULL;
    c->nbrands = c->nhosts = 0;
    c->platform_brand = 0;
    c->partner_brands = false;
}

void pt_brands_free(struct pt_brands *c)
{
    if (c == NULL)
        return;
    brands_clear(c);
    free(c->platform_hosts);
    free(c);
}

static int by_org(const void *a, const void *b)
{
    int64_t x = ((const struct pt_brand *)a)->org_id, y = ((const struct pt_brand *)b)->org_id;

    return (x > y) - (x < y);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct brand_host *)a)->name, ((const struct brand_host *)b)->name);
}

static int load_brands(struct pt_req *r, struct pt_brands *c)
{
    json_t *rows, *row;
    size_t i;
    int rc = pt_db_query(r,
        "SELECT b.org_id, b.portal_name, b.primary_color, b.accent_color, b.support_email, "
        "b.support_phone, b.support_url, b.mail_from_name, b.mail_reply_to, b.footer_text, "
        "b.template_set, b.revision, bo.kind, (b.logo_light IS NOT NULL) AS logo_light, "
        "(b.logo_dark IS NOT NULL) AS logo_dark, (b.favicon IS NOT NULL) AS favicon "
        "FROM brands b JOIN orgs bo ON bo.id = b.org_id WHERE " BRAND_LIVE_SQL
        " ORDER BY b.org_id", PT_NOARGS, &rows);

    if (rc != 0)
        return rc;
    if ((c->brands = calloc(json_array_size(rows) + 1, sizeof(*c->brands))) == NULL)
        return PT_ENOMEM;
    json_array_foreach(rows, i, row) {
        struct pt_brand *b = &c->brands[c->nbrands++];
        b->org_id = json_integer_value(json_object_get(row, "org_id"));
        b->name = dup_col(row, "portal_name");
        b->primary_color = dup_col(row, "primary_color");
        b->accent_color = dup_col(row, "accent_color");
        b->support_email = dup_col(row, "support_email");
        b->support_phone = dup_col(row, "support_phone");
        b->support_url = dup_col(row, "support_url");
        b->mail_from_name = dup_col(row, "mail_from_name");
        b->mail_reply_to = dup_col(row, "mail_reply_to");
        b->footer_text = dup_col(row, "footer_text");
        b->template_set = dup_col(row, "template_set");
        b->revision = (unsigned)json_integer_value(json_object_get(row, "revision"));
        b->logo_light = json_integer_value(json_object_get(row, "logo_light")) != 0;
        b->logo_dark = json_integer_value(json_object_get(row, "logo_dark")) != 0;
        b->favicon = json_integer_value(json_object_get(row, "favicon")) != 0;
        if (strcmp(json_string_value(json_object_get(row, "kind")), "platform") == 0)
            c->platform_brand = b->org_id;
        else
            c->partner_brands = true;
    }
    return 0;
}

static int load_hosts(struct pt_req *r, struct pt_brands *c)
{
    json_t *rows, *row;
    size_t i;
    int rc = pt_db_query(r,
        "SELECT h.hostname, h.org_id, h.template_set, (SELECT b.org_id FROM org_closure oc "
        "JOIN brands b ON b.org_id = oc.ancestor JOIN orgs bo ON bo.id = b.org_id "
        "WHERE oc.descendant = h.org_id AND " BRAND_LIVE_SQL " ORDER BY oc.depth LIMIT 1) "
        "AS brand_org FROM hostnames h WHERE h.verified_at IS NOT NULL", PT_NOARGS, &rows);

    if (rc != 0)
        return rc;
    if ((c->hosts = calloc(json_array_size(rows) + 1, sizeof(*c->hosts))) == NULL)
        return PT_ENOMEM;
    json_array_foreach(rows, i, row) {
        struct brand_host *h = &c->hosts[c->nhosts];
        if ((h->name = dup_col(row, "hostname")) == NULL)
            continue;
        h->org_id = json_integer_value(json_object_get(row, "org_id"));
        h->brand_org = json_integer_value(json_object_get(row, "brand_org"));
        h->template_set = dup_col(row, "template_set");
        c->nhosts++;
    }
    qsort(c->hosts, c->nhosts, sizeof(*c->hosts), by_name);
    return 0;
}

/* The worker's cache, fresh to the second; NULL when white label's tables
 * cannot be read (then every host is the platform's). */
static struct pt_brands *brands_get(struct pt_req *r)
{
    struct pt_worker *w = r->w;
    time_t now = time(NULL);
    json_t *row;

    if (w->brands == NULL && (w->brands = calloc(1, sizeof(*w->brands))) == NULL)
        return NULL;
    struct pt_brands *c = w->brands;
    /* One look a request: r->brand and r->tplset point into the cache, so
     * it must not be reloaded under them before the request ends. */
    if (r->brands_seen || (c->version != 0 && now - c->checked < BRAND_CHECK_SECONDS))
        return c->version ? c : NULL;
    r->brands_seen = true;
    if (pt_db_query_one(r, "SELECT version FROM cache_versions WHERE name = 'whitelabel'",
                        PT_NOARGS, &row) != 0)
        return c->version ? c : NULL;      /* keep what we had while the database is away */
    c->checked = now;
    int64_t v = json_integer_value(json_object_get(row, "version"));
    if (v == c->version)
        return c;
    brands_clear(c);
    if (load_brands(r, c) != 0 || load_hosts(r, c) != 0) {
        pt_log_error("%s: request %s: the brands could not be read; platform look for now",
                     __func__, r->id);
        brands_clear(c);
        c->version = 0;
        return NULL;
    }
    c->version = v;
    return c;
}

static const struct pt_brand *brand_find(const struct pt_brands *c, int64_t org_id)
{
    struct pt_brand key = { .org_id = org_id };

    return org_id > 0 && c->nbrands
        ? bsearch(&key, c->brands, c->nbrands, sizeof(*c->brands), by_org) : NULL;
}

static const struct brand_host *host_find(const struct pt_brands *c, const char *name)
{
    struct brand_host key = { .name = (char *)name };

    return c->nhosts ? bsearch(&key, c->hosts, c->nhosts, sizeof(*c->hosts), by_name) : NULL;
}

/* Monitoring asks by address, whatever the host. */
static bool host_free_path(const char *path)
{
    return strcmp(path, "/healthz") == 0 || strcmp(path, "/readyz") == 0;
}

int pt_brand_resolve_host(struct pt_req *r)
{
    struct pt_brands *c = brands_get(r);
    const struct brand_host *h = c ? host_find(c, r->host) : NULL;

    r->brand_resolved = h != NULL;
    if (h != NULL) {
        r->brand = brand_find(c, h->brand_org);
        r->host_org = h->org_id;
        if (h->template_set)
            r->tplset = h->template_set;
        else if (r->brand && r->brand->template_set)
            r->tplset = r->brand->template_set;
        return 0;
    }
    /* The platform's own names come from the config, fixed for a worker's life. */
    if (c && c->platform_hosts == NULL) {
        const char *list = pt_hostname_platform_list(r);
        c->platform_hosts = list ? strdup(list) : NULL;
    }
    const char *platform = c && c->platform_hosts ? c->platform_hosts
                                                  : pt_hostname_platform_list(r);
    if (platform == NULL || strspn(platform, " ") == strlen(platform) ||
        pt_hostname_listed(r->host, platform, false) || host_free_path(r->path))
        return 0;
    r->unknown_host = true;
    return pt_error(r, 404, "This address is not set up. Check the link you followed.");
}

const struct pt_brand *pt_brand_for_page(struct pt_req *r)
{
    struct pt_brands *c;
    json_t *row;

    if (r->brand_resolved || r->unknown_host)
        return r->brand;
    r->brand_resolved = true;
    if ((c = brands_get(r)) == NULL)
        return NULL;
    r->brand = brand_find(c, c->platform_brand);
    if (c->partner_brands && r->ident.user_id > 0 &&
        pt_db_query_one(r,
            "SELECT b.org_id FROM memberships m JOIN org_closure oc ON oc.descendant = m.org_id "
            "JOIN brands b ON b.org_id = oc.ancestor JOIN orgs bo ON bo.id = b.org_id "
            "WHERE m.user_id = ? AND bo.kind <> 'platform' AND " BRAND_LIVE_SQL
            " ORDER BY oc.depth LIMIT 1", PT_ARGS(PT_ARG_INT(r->ident.user_id)), &row) == 0)
        r->brand = brand_find(c, json_integer_value(json_object_get(row, "org_id")));
    if (r->brand && r->brand->template_set && r->tplset == NULL)
        r->tplset = r->brand->template_set;
    return r->brand;
}

const char *pt_req_brand_name(struct pt_req *r)
{
    const struct pt_brand *b = pt_brand_for_page(r);

    return b && b->name ? b->name : r->w->cfg->platform_name;
}

const struct pt_brand *pt_brand_for_email(struct pt_req *r, const char *email)
{
    struct pt_brands *c = brands_get(r);
    json_t *row;

    if (c == NULL)
        return NULL;
    if (c->partner_brands && email &&
        pt_db_query_one(r,
            "SELECT b.org_id FROM users u JOIN memberships m ON m.user_id = u.id "
            "JOIN org_closure oc ON oc.descendant = m.org_id "
            "JOIN brands b ON b.org_id = oc.ancestor JOIN orgs bo ON bo.id = b.org_id "
            "WHERE u.email = ? AND bo.kind <> 'platform' AND " BRAND_LIVE_SQL
            " ORDER BY oc.depth LIMIT 1", PT_ARGS(PT_ARG_STR(email)), &row) == 0)
        return brand_find(c, json_integer_value(json_object_get(row, "org_id")));
    /* Not a member anywhere yet (an invitation): the sender's brand. */
    return pt_brand_for_page(r);
}
