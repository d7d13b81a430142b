/*
 * assets.c — what the layout of a branded page links (public, no session
 * needed: the sign-in page is branded too):
 *   GET /brand/{org}/style.css              CSS variables over Bootstrap
 *   GET /brand/{org}/logo/{light|dark}      the stored bytes, their type
 *   GET /brand/{org}/favicon
 * The layout adds ?v=<revision>: a request for the current revision may be
 * cached for a year (immutable), any other keeps the core's no-store, so a
 * stale URL never pins old bytes.  An SVG carries a CSP of its own that
 * forbids everything but inline style, even when opened directly.  The
 * assets may be embedded from anywhere (Cross-Origin-Resource-Policy:
 * cross-origin): a branded e-mail shows the logo in a webmail's page.
 *
 *   GET /orgs/{org}/branding/preview.css?primary=…&accent=…
 * is the brand page's preview box: the same rules scoped to .pt-wl-preview
 * for colours that are not saved yet.
 */
#include "wl.h"

#include <stdio.h>
#include <stdlib.h>

#define WL_CACHE_YEAR "public, max-age=31536000, immutable"
#define WL_SVG_CSP    "default-src 'none'; style-src 'unsafe-inline'"

/* Does the request's ?v= name revision? */
static bool current_revision(struct pt_req *r, json_t *row)
{
    const char *v = pt_req_query(r, "v");
    char *end;

    if (v == NULL || *v == '\0')
        return false;
    long long n = strtoll(v, &end, 10);
    return *end == '\0' && n == json_integer_value(json_object_get(row, "revision"));
}

static int send_bytes(struct pt_req *r, json_t *row, const char *type, const void *data,
                      size_t len)
{
    if (current_revision(r, row))
        pt_resp_header(r, "Cache-Control", WL_CACHE_YEAR);
    /* E-mails show the logo from the partner's host in any mail reader. */
    pt_resp_header(r, "Cross-Origin-Resource-Policy", "cross-origin");
    if (strcmp(type, "image/svg+xml") == 0)
        pt_resp_header(r, "Content-Security-Policy", WL_SVG_CSP);
    pt_resp_header(r, "Content-Length", pt_printf(r, "%zu", len));
    if (pt_stream_begin(r, 200, type, NULL) != 0)
        return pt_error(r, 500, "The file could not be sent.");
    pt_stream_write(r, data, len);
    return PT_STREAMED;
}

/* One image column of {org}'s brand; 404 when there is none. */
static int send_image(struct pt_req *r, const char *column)
{
    int64_t org = pt_req_param_int(r, "org");
    json_t *row;
    const char *sql = pt_printf(r, "SELECT %s AS data, %s_type AS type, revision FROM brands "
                                "WHERE org_id = ? AND %s IS NOT NULL", column, column, column);
    int rc = sql ? pt_db_query_one(r, sql, PT_ARGS(PT_ARG_INT(org)), &row) : PT_ENOMEM;

    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such image.");
    if (rc != 0)
        return pt_error(r, 500, "The image could not be read.");
    json_t *data = json_object_get(row, "data");
    const char *type = json_string_value(json_object_get(row, "type"));
    if (!json_is_string(data) || type == NULL)
        return pt_error(r, 404, "There is no such image.");
    return send_bytes(r, row, type, json_string_value(data), json_string_length(data));
}

int wl_asset_logo(struct pt_req *r, json_t *view)
{
    const char *v = pt_req_param(r, "variant");

    (void)view;
    if (v && strcmp(v, "light") == 0)
        return send_image(r, "logo_light");
    if (v && strcmp(v, "dark") == 0)
        return send_image(r, "logo_dark");
    return pt_error(r, 404, "There is no such logo: light or dark.");
}

int wl_asset_favicon(struct pt_req *r, json_t *view)
{
    (void)view;
    return send_image(r, "favicon");
}

int wl_asset_css(struct pt_req *r, json_t *view)
{
    int64_t org = pt_req_param_int(r, "org");
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT primary_color, accent_color, revision FROM brands "
                             "WHERE org_id = ?", PT_ARGS(PT_ARG_INT(org)), &row);

    (void)view;
    if (rc == PT_ENOTFOUND)
        return pt_error(r, 404, "There is no such brand.");
    if (rc != 0)
        return pt_error(r, 500, "The brand could not be read.");
    char *css = wl_brand_css(r, ":root",
                             json_string_value(json_object_get(row, "primary_color")),
                             json_string_value(json_object_get(row, "accent_color")));
    if (css == NULL)
        return pt_error(r, 500, "out of memory");
    return send_bytes(r, row, "text/css; charset=utf-8", css, strlen(css));
}

int wl_preview_css(struct pt_req *r, json_t *view)
{
    unsigned char rgb[3];
    const char *p = pt_req_query(r, "primary"), *a = pt_req_query(r, "accent");
    char *css;

    (void)view;
    css = wl_brand_css(r, ".pt-wl-preview", wl_color_parse(p, rgb) ? p : NULL,
                       wl_color_parse(a, rgb) ? a : NULL);
    if (css == NULL)
        return pt_error(r, 500, "out of memory");
    if (pt_stream_begin(r, 200, "text/css; charset=utf-8", NULL) != 0)
        return pt_error(r, 500, "The stylesheet could not be sent.");
    pt_stream_write(r, css, strlen(css));
    return PT_STREAMED;
}
