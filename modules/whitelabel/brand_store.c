/*
 * brand_store.c — the brands row of an organisation: read it (image sizes
 * and types, never the bytes), check an edit, and write it with revision
 * + 1, the cache version bumped and the event (before → after) in one
 * transaction.  The revision is in every asset URL (?v=), so a browser
 * that cached a logo for a year still fetches the new one at once.
 */
#include "wl.h"

#include <stdio.h>

const char *const wl_brand_fields[WL_BRAND_TEXTS] = {
    "portal_name", "primary_color", "accent_color", "support_email", "support_phone",
    "support_url", "mail_from_name", "mail_reply_to", "footer_text",
};

const struct wl_brand_img wl_brand_images[WL_BRAND_IMAGES] = {
    { "logo_light", "light logo", WL_IMG_PNG | WL_IMG_JPEG | WL_IMG_SVG, WL_IMAGE_MAX },
    { "logo_dark", "dark logo", WL_IMG_PNG | WL_IMG_JPEG | WL_IMG_SVG, WL_IMAGE_MAX },
    { "favicon", "favicon", WL_IMG_PNG | WL_IMG_ICO, WL_FAVICON_MAX },
};

json_t *wl_brand_load(struct pt_req *r, int64_t org, bool for_update, int *rc)
{
    json_t *row = NULL;
    const char *sql = pt_printf(r,
        "SELECT org_id, portal_name, primary_color, accent_color, support_email, "
        "support_phone, support_url, mail_from_name, mail_reply_to, footer_text, "
        "template_set, revision, DATE_FORMAT(updated, '%%Y-%%m-%%d %%H:%%i') AS updated, "
        "LENGTH(logo_light) AS logo_light_bytes, logo_light_type, "
        "LENGTH(logo_dark) AS logo_dark_bytes, logo_dark_type, "
        "LENGTH(favicon) AS favicon_bytes, favicon_type FROM brands WHERE org_id = ?%s",
        for_update ? " FOR UPDATE" : "");
    int e = sql ? pt_db_query_one(r, sql, PT_ARGS(PT_ARG_INT(org)), &row) : PT_ENOMEM;

    if (rc)
        *rc = e;
    return e == 0 ? row : NULL;
}

/* ---- checking ------------------------------------------------------------------------ */

/* Characters (not bytes) of UTF-8 text s, and whether it has a control
 * character. */
static size_t text_chars(const char *s, bool *control)
{
    size_t n = 0;

    *control = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            *control = true;
        n += (*p & 0xc0) != 0x80;
    }
    return n;
}

static const char *text_problem(struct pt_req *r, const char *label, const char *v, size_t max)
{
    bool control;

    if (text_chars(v, &control) > max)
        return pt_printf(r, "The %s is too long: at most %zu characters.", label, max);
    return control ? pt_printf(r, "The %s may not contain control characters or line breaks.",
                               label) : NULL;
}

static bool email_ok(const char *s)
{
    const char *at = strchr(s, '@');

    if (at == NULL || at == s || at - s > 64 || strchr(at + 1, '@') || strlen(s) > 254 ||
        strchr(at + 1, '.') == NULL || at[1] == '.' || s[strlen(s) - 1] == '.')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("<>\"(),;:\\[]", *p))
            return false;
    return true;
}

static bool phone_ok(const char *s)
{
    int digits = 0;

    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" +-().x", *p))
            return false;
    }
    return digits >= 5 && strlen(s) <= 50;
}

/* https://host[…] with no blank, quote, angle bracket or control character. */
static bool https_url_ok(const char *s)
{
    if (strncmp(s, "https://", 8) != 0 || strlen(s) > 500 || strlen(s) < 12)
        return false;
    if (strchr("/?#:@", s[8]))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("\"'<>\\`", *p))
            return false;
    return true;
}

static const char *color_problem(struct pt_req *r, const char *label, const char **v)
{
    unsigned char rgb[3];

    if (!wl_color_parse(*v, rgb))
        return pt_printf(r, "The %s must be a colour like #1f4e79.", label);
    *v = pt_printf(r, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    double ratio = wl_contrast_white(rgb);
    if (ratio < WL_CONTRAST_MIN)
        return pt_printf(r, "The %s %s has a contrast ratio of %.2f:1 with white text; at least "
                         "%.1f:1 is needed (WCAG AA). Choose a darker colour.", label, *v,
                         ratio, WL_CONTRAST_MIN);
    return NULL;
}

const char *wl_brand_validate(struct pt_req *r, struct wl_brand_edit *e)
{
    const char **t = e->text;
    const char *why;

    if (t[0] == NULL)
        return "Enter the portal's name.";
    if ((why = text_problem(r, "portal name", t[0], 100)) != NULL)
        return why;
    if (t[1] && (why = color_problem(r, "primary colour", &t[1])) != NULL)
        return why;
    if (t[2] && (why = color_problem(r, "accent colour", &t[2])) != NULL)
        return why;
    if (t[3] && !email_ok(t[3]))
        return "The support e-mail is not an e-mail address.";
    if (t[4] && !phone_ok(t[4]))
        return "The support phone may hold digits, spaces and + - ( ) . x only (at least 5 digits).";
    if (t[5] && !https_url_ok(t[5]))
        return "The support URL must be an https:// address (at most 500 characters).";
    if (t[6] && ((why = text_problem(r, "e-mail sender name", t[6], 100)) != NULL))
        return why;
    if (t[6] && strpbrk(t[6], "<>\"\\"))
        return "The e-mail sender name may not contain < > \" or \\.";
    if (t[7] && !email_ok(t[7]))
        return "The reply-to address is not an e-mail address.";
    if (t[8] && (why = text_problem(r, "footer text", t[8], 500)) != NULL)
        return why;
    return NULL;
}

/* ---- saving -------------------------------------------------------------------------- */

/* {type, bytes} of a stored image of row (wl_brand_load), or JSON null. */
static json_t *stored_image(struct pt_req *r, json_t *row, const char *col)
{
    json_t *bytes = row ? json_object_get(row, pt_printf(r, "%s_bytes", col)) : NULL;
    const char *type = row ? json_string_value(json_object_get(row, pt_printf(r, "%s_type",
                                                                              col))) : NULL;

    if (!json_is_integer(bytes))
        return json_null();
    return json_pack("{s:s, s:I}", "type", type ? type : "", "bytes",
                     (json_int_t)json_integer_value(bytes));
}

static bool same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* What the edit changes, as {before: {…}, after: {…}}: texts as they were
 * and will be, images as {type, bytes} (never the bytes themselves). */
static json_t *brand_diff(struct pt_req *r, json_t *before, const struct wl_brand_edit *e)
{
    json_t *b = json_object(), *a = json_object();

    for (int i = 0; i < WL_BRAND_TEXTS; i++) {
        const char *old = before ? json_string_value(json_object_get(before,
                                                     wl_brand_fields[i])) : NULL;
        if (same_text(old, e->text[i]))
            continue;
        json_object_set_new(b, wl_brand_fields[i], old ? json_string(old) : json_null());
        json_object_set_new(a, wl_brand_fields[i],
                            e->text[i] ? json_string(e->text[i]) : json_null());
    }
    for (int i = 0; i < WL_BRAND_IMAGES; i++) {
        const char *col = wl_brand_images[i].column;
        if (e->img[i].data == NULL && !e->drop[i])
            continue;
        json_t *old = stored_image(r, before, col);
        if (json_is_null(old) && e->img[i].data == NULL) {
            json_decref(old);
            continue;
        }
        json_object_set_new(b, col, old);
        json_object_set_new(a, col, e->img[i].data
            ? json_pack("{s:s, s:I}", "type", e->img[i].type, "bytes", (json_int_t)e->img[i].len)
            : json_null());
    }
    return json_pack("{s:o, s:o}", "before", b, "after", a);
}

/* UPDATE brands with every text, the images that change, revision + bump. */
static int brand_update(struct pt_req *r, const struct wl_brand_edit *e, int bump)
{
    struct pt_db_arg args[WL_BRAND_TEXTS + 2 * WL_BRAND_IMAGES + 4];
    const char *sql = "UPDATE brands SET ";
    int n = 0;

    for (int i = 0; i < WL_BRAND_TEXTS; i++) {
        sql = pt_printf(r, "%s%s = ?, ", sql, wl_brand_fields[i]);
        args[n++] = PT_ARG_STR(e->text[i]);
    }
    for (int i = 0; sql && i < WL_BRAND_IMAGES; i++) {
        const char *col = wl_brand_images[i].column;
        if (e->img[i].data != NULL) {
            sql = pt_printf(r, "%s%s = ?, %s_type = ?, ", sql, col, col);
            args[n++] = PT_ARG_BLOB(e->img[i].data, e->img[i].len);
            args[n++] = PT_ARG_STR(e->img[i].type);
        } else if (e->drop[i]) {
            sql = pt_printf(r, "%s%s = NULL, %s_type = NULL, ", sql, col, col);
        }
    }
    if (sql == NULL)
        return PT_ENOMEM;
    sql = pt_printf(r, "%srevision = revision + ?, updated_by = ? WHERE org_id = ?", sql);
    args[n++] = PT_ARG_INT(bump);
    args[n++] = pt_req_user_id(r) > 0 ? PT_ARG_INT(pt_req_user_id(r)) : PT_ARG_NULL;
    args[n++] = PT_ARG_INT(e->org);
    args[n] = (struct pt_db_arg){ .type = PT_DB_END };
    return sql ? pt_db_exec(r, sql, args, NULL, NULL) : PT_ENOMEM;
}

int wl_brand_save_tx(struct pt_req *r, void *arg)
{
    struct wl_brand_edit *e = arg;
    json_t *before, *row;
    int rc;

    before = wl_brand_load(r, e->org, true, &rc);
    if (rc != 0 && rc != PT_ENOTFOUND)
        return rc;
    /* A new row starts at revision 1 (the column's default). */
    if (before == NULL &&
        (rc = pt_db_exec(r, "INSERT INTO brands (org_id, portal_name) VALUES (?, ?)",
                         PT_ARGS(PT_ARG_INT(e->org), PT_ARG_STR(e->text[0])), NULL, NULL)) != 0)
        return rc;
    if ((rc = brand_update(r, e, before ? 1 : 0)) != 0 || (rc = pt_whitelabel_changed(r)) != 0)
        return rc;
    if ((rc = pt_db_query_one(r, "SELECT revision FROM brands WHERE org_id = ?",
                              PT_ARGS(PT_ARG_INT(e->org)), &row)) != 0)
        return rc;
    e->revision = json_integer_value(json_object_get(row, "revision"));
    json_t *m = brand_diff(r, before, e);
    json_object_set_new(m, "revision", json_integer(e->revision));
    rc = wl_audit(r, false, e->org, WL_ACT_BRAND, "Success", "brand",
                  pt_printf(r, "%lld", (long long)e->org), e->text[0],
                  before ? "Updated the brand" : "Created the brand", m);
    json_decref(m);
    return rc;
}
