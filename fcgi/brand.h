/*
 * brand.h — DESIGN §3 step 2: the Host header picks the brand and its
 * template set.  Each worker keeps every verified partner host name and
 * every live brand in memory and re-reads them when the 'whitelabel'
 * counter of cache_versions moves (asked at most once a second), so a
 * request costs no query for its brand.
 */
#ifndef PT_BRAND_H
#define PT_BRAND_H

#include <stdbool.h>
#include <stdint.h>

struct pt_req;
struct pt_brands;

/* What a page and an e-mail show of a brand.  Strings may be NULL. */
struct pt_brand {
    int64_t     org_id;            /* the organisation whose brand this is */
    const char *name;
    const char *primary_color, *accent_color;
    const char *support_email, *support_phone, *support_url;
    const char *mail_from_name, *mail_reply_to;
    const char *footer_text;
    const char *template_set;      /* NULL: the default set */
    unsigned    revision;
    bool        logo_light, logo_dark, favicon;
};

void pt_brands_free(struct pt_brands *b);

/*
 * Host → brand, before the guard.  Sets r->brand (NULL: the platform's own
 * look) and r->tplset when the host or brand names a set.  Returns 0, or
 * an HTTP status already set when the host is none of the platform's and
 * no verified partner host (the neutral "unknown host" page).
 */
int pt_brand_resolve_host(struct pt_req *r);

/* The brand a page shows: the host's, else (platform host) the nearest
 * brand above the signed-in user's memberships; NULL: the platform's. */
const struct pt_brand *pt_brand_for_page(struct pt_req *r);

/* The brand of the account with this e-mail (mail to it carries it); NULL:
 * the platform's. */
const struct pt_brand *pt_brand_for_email(struct pt_req *r, const char *email);

#endif
