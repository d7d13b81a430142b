/*
 * brand.c — GET/POST /orgs/{org}/branding: the white-label page of a
 * partner or distributor.  Without an active subscription it offers to
 * turn white label on (subscribe.c); with one it shows the brand form,
 * the subdomain, and a preview of the colours:
 *   - live, as the fields change (static/js/whitelabel.js sets the CSS
 *     variables of the preview box), and
 *   - without JavaScript, with the "Preview" button: the page comes back
 *     with the unsaved values applied (a stylesheet link with the colours
 *     in its query), nothing written but the event.
 * "Save" writes the brand (brand_store.c) and comes back to the page.
 */
#include "wl.h"

#include <stdio.h>

/* ---- the page ------------------------------------------------------------------------- */

static const char *url_colour(struct pt_req *r, const char *c)
{
    unsigned char rgb[3];

    return wl_color_parse(c, rgb) ? pt_printf(r, "%%23%02x%02x%02x", rgb[0], rgb[1], rgb[2])
                                  : "";
}

/* The preview box: its stylesheet (colours in the query) and texts. */
static void preview_view(struct pt_req *r, json_t *view, int64_t org, json_t *form)
{
    const char *p = json_string_value(json_object_get(form, "primary_color"));
    const char *a = json_string_value(json_object_get(form, "accent_color"));
    json_t *pv = json_deep_copy(form);

    json_object_set_new(pv, "css_url", json_string(pt_printf(r,
        "/orgs/%lld/branding/preview.css?primary=%s&accent=%s", (long long)org,
        url_colour(r, p), url_colour(r, a))));
    json_object_set_new(view, "preview", pv);
}

/* The current images: {url, type, kb} each, under "<column>_current". */
static void images_view(struct pt_req *r, json_t *form, json_t *brand, int64_t org)
{
    int64_t rev = json_integer_value(json_object_get(brand, "revision"));

    for (int i = 0; brand && i < WL_BRAND_IMAGES; i++) {
        const char *col = wl_brand_images[i].column;
        json_t *bytes = json_object_get(brand, pt_printf(r, "%s_bytes", col));
        if (!json_is_integer(bytes))
            continue;
        const char *path = strcmp(col, "favicon") == 0 ? "favicon"
                         : strcmp(col, "logo_dark") == 0 ? "logo/dark" : "logo/light";
        json_object_set_new(form, pt_printf(r, "%s_current", col), json_pack("{s:s, s:O, s:I}",
            "url", pt_printf(r, "/brand/%lld/%s?v=%lld", (long long)org, path, (long long)rev),
            "type", json_object_get(brand, pt_printf(r, "%s_type", col)),
            "kb", (json_int_t)((json_integer_value(bytes) + 1023) / 1024)));
    }
}

/* The form as stored (GET) or as sent (a refused POST or a preview). */
static json_t *form_view(struct pt_req *r, const struct wl_org *o, json_t *brand,
                         const struct wl_brand_edit *sent)
{
    json_t *form = json_object();

    for (int i = 0; i < WL_BRAND_TEXTS; i++) {
        const char *v = sent ? sent->text[i]
                      : json_string_value(json_object_get(brand, wl_brand_fields[i]));
        json_object_set_new(form, wl_brand_fields[i], json_string(v ? v : ""));
    }
    if (brand == NULL && sent == NULL)
        json_object_set_new(form, "portal_name", json_string(o->name));
    images_view(r, form, brand, o->id);
    json_object_set_new(form, "action", json_string(pt_printf(r, "/orgs/%lld/branding",
                                                              (long long)o->id)));
    return form;
}

static void subscription_view(struct pt_req *r, json_t *view, const struct wl_org *o,
                              json_t *sub)
{
    int day, mdays;
    const char *month;

    wl_today(&day, &mdays, &month);
    if (sub == NULL) {
        long long first = wl_prorate(WL_MONTHLY_CENTS, day, mdays, true);
        const char *base = wl_conf(r, "base_domain");
        json_object_set_new(view, "enable", json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s}",
            "action", pt_printf(r, "/orgs/%lld/whitelabel/enable", (long long)o->id),
            "base_domain", base ? base : "", "price", wl_money(r, WL_MONTHLY_CENTS),
            "first_charge", wl_money(r, first), "month", month, "days", mdays - day + 1,
            "mdays", mdays, "slug", ""));
        return;
    }
    json_object_set_new(sub, "monthly", json_string(wl_money(r,
        json_integer_value(json_object_get(sub, "monthly_cents")))));
    json_object_set_new(sub, "first_charge", json_string(wl_money(r,
        json_integer_value(json_object_get(sub, "first_charge_cents")))));
    json_object_set(view, "subscription", sub);
    json_object_set_new(view, "disable", json_pack("{s:s, s:s, s:s}",
        "action", pt_printf(r, "/orgs/%lld/whitelabel/disable", (long long)o->id),
        "credit", wl_money(r, wl_prorate(WL_MONTHLY_CENTS, day, mdays, false)),
        "month", month));
}

/* The operator's template-set form, when the actor may assign one. */
static void tplset_view(struct pt_req *r, json_t *view, const struct wl_org *o, json_t *brand)
{
    const char *cur = json_string_value(json_object_get(brand, "template_set"));
    json_t *sets;
    size_t i;
    json_t *s;

    if (brand == NULL || !pt_can(r, "whitelabel.templates", o->id))
        return;
    sets = wl_template_sets(r);
    json_array_foreach(sets, i, s)
        if (cur && strcmp(json_string_value(json_object_get(s, "name")), cur) == 0)
            json_object_set_new(s, "selected", json_true());
    json_object_set_new(view, "tplset", json_pack("{s:s, s:s, s:O, s:b}",
        "action", pt_printf(r, "/orgs/%lld/branding/template-set", (long long)o->id),
        "current", cur ? cur : "", "sets", sets, "is_default", cur == NULL));
}

int wl_branding_view(struct pt_req *r, json_t *view, const struct wl_org *o)
{
    json_t *sub, *brand, *rows;
    int rc;

    json_object_set_new(view, "title", json_string(pt_printf(r, "White label · %s", o->name)));
    if (!o->eligible) {
        json_object_set_new(view, "ineligible", json_true());
        return 0;
    }
    sub = wl_subscription(r, o->id, false, &rc);
    brand = rc == 0 ? wl_brand_load(r, o->id, false, &rc) : NULL;
    if (rc != 0 && rc != PT_ENOTFOUND)
        return pt_error(r, 500, "The white-label settings could not be read. Try again.");
    subscription_view(r, view, o, sub);
    json_object_set_new(view, "active", json_boolean(sub != NULL));
    json_object_set_new(view, "domains_url", json_string(pt_printf(r, "/orgs/%lld/domains",
                                                                   (long long)o->id)));
    if (sub != NULL && pt_db_query(r, "SELECT hostname FROM hostnames WHERE org_id = ? AND "
                                   "kind = 'subdomain' ORDER BY id LIMIT 1",
                                   PT_ARGS(PT_ARG_INT(o->id)), &rows) == 0 &&
        json_array_size(rows) > 0)
        json_object_set(view, "subdomain", json_array_get(rows, 0));
    if (brand != NULL)
        json_object_set_new(view, "brand_revision", json_pack("{s:O}", "revision",
                                                              json_object_get(brand, "revision")));
    json_t *form = form_view(r, o, brand, NULL);
    json_object_set_new(view, "form", form);
    if (sub != NULL)
        preview_view(r, view, o->id, form);
    tplset_view(r, view, o, brand);
    return 0;
}

/* ---- the POST ------------------------------------------------------------------------- */

static bool ticked(struct pt_req *r, const char *name)
{
    const char *v = wl_input(r, name);

    return v && (strcmp(v, "1") == 0 || strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 ||
                 strcmp(v, "true") == 0);
}

/* The edit as sent: texts, then each uploaded image checked.  NULL, or
 * the first problem. */
static const char *edit_read(struct pt_req *r, int64_t org, struct wl_brand_edit *e)
{
    const char *why;

    memset(e, 0, sizeof(*e));
    e->org = org;
    for (int i = 0; i < WL_BRAND_TEXTS; i++)
        e->text[i] = wl_input(r, wl_brand_fields[i]);
    if ((why = wl_brand_validate(r, e)) != NULL)
        return why;
    for (int i = 0; i < WL_BRAND_IMAGES; i++) {
        const struct wl_brand_img *im = &wl_brand_images[i];
        const struct pt_upload *u = pt_req_upload(r, im->column);
        e->drop[i] = ticked(r, pt_printf(r, "remove_%s", im->column));
        /* A file field left empty sends a part with no bytes: no change. */
        if (u != NULL && u->len > 0 &&
            wl_image_check(r, u, im->kinds, im->max, im->label, &e->img[i], &why) != 0)
            return why;
    }
    return NULL;
}

static json_t *edit_meta(struct pt_req *r, const struct wl_brand_edit *e)
{
    json_t *m = json_object();

    for (int i = 0; i < WL_BRAND_TEXTS; i++)
        json_object_set_new(m, wl_brand_fields[i], e->text[i] ? json_string(e->text[i])
                                                              : json_null());
    for (int i = 0; i < WL_BRAND_IMAGES; i++)
        if (e->img[i].data)
            json_object_set_new(m, wl_brand_images[i].column, json_pack("{s:s, s:I}", "type",
                                e->img[i].type, "bytes", (json_int_t)e->img[i].len));
    (void)r;
    return m;
}

static int preview(struct pt_req *r, json_t *view, const struct wl_org *o,
                   const struct wl_brand_edit *e)
{
    json_t *m = edit_meta(r, e);

    wl_audit(r, true, o->id, WL_ACT_PREVIEW, "Success", "brand",
             pt_printf(r, "%lld", (long long)o->id), e->text[0],
             "Previewed unsaved brand settings", m);
    json_decref(m);
    preview_view(r, view, o->id, json_object_get(view, "form"));
    json_object_set_new(json_object_get(view, "preview"), "unsaved", json_true());
    pt_flash(r, "info", "This is a preview: nothing is saved until you press Save.");
    return 200;
}

int wl_branding(struct pt_req *r, json_t *view)
{
    struct wl_brand_edit e;
    struct wl_org o;
    const char *why, *action;
    int rc;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = wl_branding_view(r, view, &o)) != 0)
        return rc;
    if (!wl_is_post(r))
        return 200;
    action = wl_input(r, "action");
    bool is_preview = action && strcmp(action, "preview") == 0;
    const char *act = is_preview ? WL_ACT_PREVIEW : WL_ACT_BRAND;
    if (!o.eligible)
        return wl_refuse(r, view, &o, act, 409, "White label is available to partner and "
                         "distributor organisations only.", false);
    if (!json_is_true(json_object_get(view, "active")))
        return wl_refuse(r, view, &o, act, 409, "Turn white label on before setting a brand.",
                         true);
    why = edit_read(r, o.id, &e);
    json_t *brand = wl_brand_load(r, o.id, false, &rc);
    json_object_set_new(view, "form", form_view(r, &o, brand, &e));
    if (why != NULL)
        return wl_refuse(r, view, &o, act, 422, why, true);
    if (is_preview)
        return preview(r, view, &o, &e);
    if ((rc = pt_db_tx(r, wl_brand_save_tx, &e)) != 0)
        return wl_refuse(r, view, &o, WL_ACT_BRAND, 500,
                         "The brand could not be saved. Try again in a moment.", false);
    pt_flash(r, "success", pt_printf(r, "The brand is saved (revision %lld).",
                                     (long long)e.revision));
    json_object_set_new(view, "brand_revision", json_pack("{s:I}", "revision",
                                                          (json_int_t)e.revision));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/branding", (long long)o.id));
}
