/*
 * wl.h — what the files of the whitelabel module share.  Private to
 * modules/whitelabel/: like every module file it builds on portal.h alone.
 *
 *   whitelabel.c  the descriptor, loading an organisation, the
 *                 subscription state, audit and config helpers
 *   image.c       uploaded images: type from the bytes, PNG / JPEG / ICO
 *                 structure and size checks, metadata chunks dropped
 *   svg.c         the strict SVG check (no script, handlers, external refs)
 *   color.c       #rrggbb, the WCAG contrast ratio, the brand stylesheet
 *   brand.c       GET/POST /orgs/{org}/branding: the form, preview, save
 *   brand_store.c the brand row: read, write with revision + 1, audit diff
 *   assets.c      the public /brand/{org}/… routes and the preview sheet
 *   subscribe.c   enable / disable: the subscription, proration, subdomain
 *   domains.c     custom domains: list, add, check now, remove
 *   verify.c      the DNS TXT check (libresolv) and the module's jobs
 *   tplset.c      the operator's per-brand template set
 */
#ifndef PT_MOD_WL_H
#define PT_MOD_WL_H

#include "portal.h"

#define WL_CATEGORY        "White Label"
#define WL_MONTHLY_CENTS   2500            /* $25.00 a month */
#define WL_CURRENCY        "USD"
#define WL_IMAGE_MAX       (512u * 1024u)  /* logo bytes */
#define WL_FAVICON_MAX     (128u * 1024u)
#define WL_IMAGE_SIDE_MAX  4096u           /* pixels, each side */
#define WL_CONTRAST_MIN    4.5             /* WCAG AA for normal text */
#define WL_CUSTOM_MAX      50              /* custom domains per organisation */
#define WL_VERIFY_TRIES    5               /* explicit checks before the sweep takes over */
#define WL_TXT_PREFIX      "_portal-verification."

/* The (category, action) pairs this module writes. */
#define WL_ACT_BRAND     "Update Branding"
#define WL_ACT_PREVIEW   "Preview Branding"
#define WL_ACT_ENABLE    "Enable White Label"
#define WL_ACT_DISABLE   "Disable White Label"
#define WL_ACT_ADD       "Add Domain"
#define WL_ACT_REMOVE    "Remove Domain"
#define WL_ACT_VERIFY    "Verify Domain"
#define WL_ACT_TPLSET    "Assign Template Set"
#define WL_ACT_GENERATE  "Generate Web Server Config"

/* An organisation as the pages use it (strings live in the request). */
struct wl_org {
    int64_t     id;
    const char *name, *kind;
    bool        eligible;       /* a partner or a distributor */
    json_t     *row;            /* {id, name, kind, href}, owned by the request */
};

/* The path's {org} into o and view.org; 0, or the status already answered. */
int wl_path_org(struct pt_req *r, json_t *view, struct wl_org *o);
/* The active subscription of org (a row owned by the request) or NULL;
 * for_update locks it (inside a transaction).  *rc (may be NULL) a
 * database error. */
json_t *wl_subscription(struct pt_req *r, int64_t org, bool for_update, int *rc);
/* Locks the organisation's row: serialises enable, disable and adds. */
int wl_lock_org(struct pt_req *r, int64_t org);

/* [whitelabel] key, blanks trimmed, NULL when unset or empty. */
const char *wl_conf(struct pt_req *r, const char *key);
/* A trimmed input, NULL when missing or blank. */
const char *wl_input(struct pt_req *r, const char *name);
bool wl_is_post(struct pt_req *r);
/* "$12.34" */
const char *wl_money(struct pt_req *r, long long cents);

/* After a change of hostnames, in the transaction: the brand caches are
 * stale and nginx gets a new configuration (job "nginx.generate"). */
int wl_hosts_changed(struct pt_req *r);
int wl_request_certificate(struct pt_req *r, int64_t hostname_id);

/* An event of category White Label (resource optional). */
int wl_audit(struct pt_req *r, bool always, int64_t org, const char *action,
             const char *status, const char *rtype, const char *rid, const char *rname,
             const char *description, json_t *metadata);
/* A refusal: a Failed event (always written), then view.error for a form
 * (form true: the page again) or pt_error.  Returns status. */
int wl_refuse(struct pt_req *r, json_t *view, const struct wl_org *o, const char *action,
              int status, const char *why, bool form);

/* ---- images (image.c, svg.c) ---- */

enum wl_image_kind { WL_IMG_PNG = 1, WL_IMG_JPEG = 2, WL_IMG_SVG = 4, WL_IMG_ICO = 8 };

struct wl_image {
    const char          *type;      /* "image/png" … */
    const unsigned char *data;      /* what will be stored (metadata dropped) */
    size_t               len;
    unsigned             width, height;   /* 0 for SVG */
};

/* Checks an upload against the kinds allowed and the byte limit; the
 * type comes from the bytes alone.  0, or PT_EINVAL with *why a sentence
 * for the user (naming label, "the light logo"). */
int wl_image_check(struct pt_req *r, const struct pt_upload *u, unsigned kinds, size_t max,
                   const char *label, struct wl_image *out, const char **why);
/* NULL when data is an SVG the portal will serve, else why not. */
const char *wl_svg_problem(struct pt_req *r, const unsigned char *data, size_t len);

/* ---- colours (color.c) ---- */

/* "#rrggbb" (any case) into rgb; false otherwise. */
bool wl_color_parse(const char *s, unsigned char rgb[3]);
/* The WCAG 2 contrast ratio of white text on rgb (1 … 21). */
double wl_contrast_white(const unsigned char rgb[3]);
/* The brand's stylesheet: CSS variables over Bootstrap for primary and
 * accent (either may be NULL: not overridden), under selector (":root",
 * ".pt-wl-preview").  In the request's arena. */
char *wl_brand_css(struct pt_req *r, const char *selector, const char *primary,
                   const char *accent);

/* ---- the brand row (brand_store.c) ---- */

#define WL_BRAND_TEXTS 9
/* The text fields of the form, in the order of brands' columns. */
extern const char *const wl_brand_fields[WL_BRAND_TEXTS];

struct wl_brand_img {
    const char *column;          /* "logo_light" */
    const char *label;           /* "light logo" */
    unsigned    kinds;
    size_t      max;
};
#define WL_BRAND_IMAGES 3
extern const struct wl_brand_img wl_brand_images[WL_BRAND_IMAGES];

struct wl_brand_edit {
    int64_t          org;
    const char      *text[WL_BRAND_TEXTS];     /* NULL: cleared */
    struct wl_image  img[WL_BRAND_IMAGES];     /* data NULL: unchanged */
    bool             drop[WL_BRAND_IMAGES];    /* remove the stored image */
    int64_t          revision;                 /* after the save */
};

/* The brand row without the image bytes (their sizes and types instead),
 * or NULL (*rc: PT_ENOTFOUND or a database error). */
json_t *wl_brand_load(struct pt_req *r, int64_t org, bool for_update, int *rc);
/* NULL when every field of e is acceptable, else a sentence for the user. */
const char *wl_brand_validate(struct pt_req *r, struct wl_brand_edit *e);
/* Inserts or updates the row (revision + 1), bumps the cache version and
 * writes the event with before → after.  Inside pt_db_tx. */
int wl_brand_save_tx(struct pt_req *r, void *arg);

/* ---- handlers ---- */

int wl_home(struct pt_req *r, json_t *view);
int wl_branding(struct pt_req *r, json_t *view);
/* The branding page's view for o (subscription, brand, forms); 0 or status. */
int wl_branding_view(struct pt_req *r, json_t *view, const struct wl_org *o);
int wl_enable(struct pt_req *r, json_t *view);
int wl_disable(struct pt_req *r, json_t *view);
int wl_template_set(struct pt_req *r, json_t *view);
int wl_domains(struct pt_req *r, json_t *view);
int wl_domain_add(struct pt_req *r, json_t *view);
int wl_domain_verify(struct pt_req *r, json_t *view);
int wl_domain_remove(struct pt_req *r, json_t *view);
int wl_asset_css(struct pt_req *r, json_t *view);
int wl_asset_logo(struct pt_req *r, json_t *view);
int wl_asset_favicon(struct pt_req *r, json_t *view);
int wl_preview_css(struct pt_req *r, json_t *view);

/* Proration (subscribe.c, exposed for the page): cents for the days from
 * day (1-based, included) to the end of a month of mdays days. */
long long wl_prorate(long long monthly, int day, int mdays, bool include_day);
/* Today's day of month and the month's length (UTC). */
void wl_today(int *day, int *mdays, const char **month_name);

/* Is slug acceptable as <slug>.<base domain>?  NULL, or why not. */
const char *wl_slug_problem(const char *slug);
/* The template sets under <templates_dir>/hosts/, as [{name}]. */
json_t *wl_template_sets(struct pt_req *r);

/* ---- jobs (verify.c) ---- */

int wl_job_verify(struct pt_req *r, json_t *payload);
int wl_job_verify_sweep(struct pt_req *r, json_t *payload);
int wl_job_generate(struct pt_req *r, json_t *payload);

#endif
