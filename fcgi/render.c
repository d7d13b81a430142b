/*
 * render.c — one handler, two faces: the view as JSON under /api/v1, or the
 * route's template inside the layout.  Errors are RFC 9457 problem+json on
 * the API and a real page otherwise; a template that fails to render falls
 * back to the error page, and that to plain text, never a blank response.
 */
#include "render.h"
#include "pt_config.h"
#include "modules.h"
#include "request.h"
#include "response.h"
#include "tpl.h"
#include "tplset.h"
#include "brand.h"
#include "worker.h"

#include <stdlib.h>
#include <string.h>

#define LAYOUT_HEAD "layout/head.tpl"
#define LAYOUT_FOOT "layout/foot.tpl"
#define ERROR_TEMPLATE "errors/error.tpl"

static void render_json(struct pt_req *r, int status, const char *content_type, json_t *v)
{
    char *body = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);

    if (body == NULL) {
        pt_resp_send(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
        return;
    }
    pt_resp_send(r, status, content_type, body, strlen(body));
    free(body);
}

static void render_problem(struct pt_req *r, int status)
{
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank",
                          "title", pt_status_reason(status), "status", status,
                          "instance", r->full_path, "request_id", r->id);

    if (p != NULL && r->error_detail)
        json_object_set_new(p, "detail", json_string(r->error_detail));
    render_json(r, status, "application/problem+json", p ? p : json_null());
    json_decref(p);
}

static bool nav_visible(struct pt_req *r, const struct pt_nav_item *n)
{
    return pt_can(r, n->permission, 0);
}

/* Sets o's member key to a copy of v (nothing when v is NULL); 0 or -1.
 * Unchecked UTF-8: the layout is only read by the template, never
 * serialised, and a name from the database must not fail the page. */
static int set_str(json_t *o, const char *key, const char *v)
{
    if (v == NULL)
        return 0;
    return json_object_set_new_nocheck(o, key, json_string_nocheck(v));
}

/* A new empty object as parent's member key, or NULL. */
static json_t *add_obj(json_t *parent, const char *key)
{
    json_t *o = json_object();

    return json_object_set_new_nocheck(parent, key, o) == 0 ? o : NULL;
}

#define NAV_MAX 64

/* One link of the navigation; active when the page is at or below it. */
static int nav_append(struct pt_req *r, json_t *nav, const struct pt_nav_item *n)
{
    json_t *item = json_object();
    size_t hl = strlen(n->href);

    if (json_array_append_new(nav, item) != 0 || set_str(item, "label", n->label) != 0 ||
        set_str(item, "href", n->href) != 0)
        return -1;
    if ((strcmp(r->path, n->href) == 0 ||
         (hl > 1 && strncmp(r->path, n->href, hl) == 0 && r->path[hl] == '/')) &&
        json_object_set_new_nocheck(item, "active", json_true()) != 0)
        return -1;
    return 0;
}

/* Navigation from every module's declarations the actor may see, by order;
 * equal orders keep the modules' load order (a stable insertion sort). */
static int layout_nav(struct pt_req *r, json_t *layout)
{
    const struct pt_modules *mods = r->w->mods;
    const struct pt_nav_item *items[NAV_MAX];
    size_t n = 0;
    json_t *nav = json_array();

    if (json_object_set_new_nocheck(layout, "nav", nav) != 0)
        return -1;
    for (size_t i = 0; mods && i < mods->n; i++)
        for (const struct pt_nav_item *it = mods->mods[i]->nav; it && it->label; it++) {
            if (n == NAV_MAX || !nav_visible(r, it))
                continue;
            size_t j = n++;
            for (; j > 0 && items[j - 1]->order > it->order; j--)
                items[j] = items[j - 1];
            items[j] = it;
        }
    for (size_t i = 0; i < n; i++)
        if (nav_append(r, nav, items[i]) != 0)
            return -1;
    return 0;
}

/* The view of the layout's HEAD and FOOT includes (which do not see the
 * page's values; one object serves both).  NULL when out of memory. */
/* A brand URL under the whitelabel module's public routes; ?v= changes
 * with every save, so the assets can be cached for good. */
static int brand_url(struct pt_req *r, json_t *l, const char *key, const struct pt_brand *b,
                     const char *what)
{
    json_t *o = add_obj(l, key);

    return o ? set_str(o, "url", pt_printf(r, "/brand/%lld/%s?v=%u", (long long)b->org_id,
                                           what, b->revision)) : -1;
}

/* What the layout shows of the brand; the platform's name otherwise. */
static int layout_brand(struct pt_req *r, json_t *l)
{
    const struct pt_brand *b = pt_brand_for_page(r);
    json_t *o;

    if (r->unknown_host)                     /* neutral: no one's name */
        return set_str(l, "brand_name", r->host && *r->host ? r->host : "Portal");
    if (b == NULL)
        return set_str(l, "brand_name", r->w->cfg->platform_name);
    if (set_str(l, "brand_name", b->name ? b->name : r->w->cfg->platform_name) != 0 ||
        ((b->primary_color || b->accent_color) && brand_url(r, l, "brand_css", b, "style.css") != 0) ||
        (b->logo_light && brand_url(r, l, "brand_logo", b, "logo/light") != 0) ||
        (b->favicon && brand_url(r, l, "brand_favicon", b, "favicon") != 0))
        return -1;
    if (b->footer_text && ((o = add_obj(l, "brand_footer")) == NULL ||
                           set_str(o, "text", b->footer_text) != 0))
        return -1;
    if (!(b->support_email || b->support_phone || b->support_url))
        return 0;
    if ((o = add_obj(l, "brand_support")) == NULL ||
        (b->support_email && set_str(add_obj(o, "mail"), "address", b->support_email) != 0) ||
        (b->support_phone && set_str(add_obj(o, "phone"), "number", b->support_phone) != 0) ||
        (b->support_url && set_str(add_obj(o, "link"), "url", b->support_url) != 0))
        return -1;
    return 0;
}

static json_t *layout_new(struct pt_req *r, const char *title)
{
    json_t *l = json_object(), *o;

    if (l == NULL || set_str(l, "title", title) != 0 || layout_brand(r, l) != 0 ||
        set_str(l, "request_id", r->id) != 0 || layout_nav(r, l) != 0)
        goto fail;
    if (r->ident.user_id) {
        if ((o = add_obj(l, "user")) == NULL || set_str(o, "name", r->ident.full_name) != 0 ||
            set_str(o, "email", r->ident.email) != 0)
            goto fail;
        if (r->ident.impersonator_id &&
            ((o = add_obj(l, "impersonator")) == NULL ||
             set_str(o, "name", r->impersonator_name ? r->impersonator_name : "") != 0))
            goto fail;
        if (!r->ident.mfa_enabled && !r->ident.impersonator_id &&
            ((o = add_obj(l, "mfa_setup")) == NULL ||
             set_str(o, "url", "/profile/security/2fa") != 0))
            goto fail;
    }
    if (r->flash_message &&
        ((o = add_obj(l, "flash")) == NULL || set_str(o, "level", r->flash_level) != 0 ||
         set_str(o, "message", r->flash_message) != 0))
        goto fail;
    return l;
fail:
    pt_log_error("%s: out of memory (%s)", __func__, r->id);
    json_decref(l);
    return NULL;
}

/* Page title: the view's "title" member, else the route's. */
static const char *page_title(struct pt_req *r, json_t *view, int status)
{
    json_t *t = view ? json_object_get(view, "title") : NULL;

    if (json_is_string(t))
        return json_string_value(t);
    if (status >= 400 || r->route == NULL)
        return pt_status_reason(status);
    return r->route->title ? r->route->title : "";
}

static int render_template(struct pt_req *r, int status, const char *set,
                           const char *template, json_t *view)
{
    struct pt_tpl_cache *cache = pt_tplsets_cache(r->w->tplsets, set);
    json_t *layout = layout_new(r, page_title(r, view, status));
    json_t *globals = json_object();
    const struct pt_tpl_include inc[] = {
        { .name = "HEAD", .filename = LAYOUT_HEAD, .view = layout },
        { .name = "FOOT", .filename = LAYOUT_FOOT, .view = layout },
    };
    char *out = NULL;
    size_t len = 0;
    int rc = -1;

    if (cache == NULL || layout == NULL || globals == NULL)
        goto out;
    /* Forms in the page and in the layout need the session's CSRF token;
     * a host's own pages may name the brand. */
    if (set_str(globals, "csrf_token", r->ident.csrf_token) != 0 ||
        set_str(globals, "brand_name", json_string_value(json_object_get(layout, "brand_name"))) != 0)
        goto out;
    if (pt_tpl_expand_view(cache, template, view, globals, inc, 2, &out, &len) != 0) {
        pt_log_error("%s: template %s (set %s) failed to render (%s)", __func__, template,
                     set, r->id);
        goto out;
    }
    rc = pt_resp_send(r, status, "text/html; charset=utf-8", out, len);
out:
    free(out);
    json_decref(layout);
    json_decref(globals);
    return rc;
}

/* A host's template set overrides files of the default set; an override
 * that fails (a broken file) falls back to the default one and is logged,
 * never a blank page. */
static int render_in_set(struct pt_req *r, int status, const char *set,
                         const char *template, json_t *view)
{
    if (render_template(r, status, set, template, view) == 0)
        return 0;
    if (set == NULL || strcmp(set, "default") == 0)
        return -1;
    pt_log_error("%s: template set %s: %s failed; the default set serves it (%s)", __func__,
                 set, template, r->id);
    return render_template(r, status, "default", template, view);
}

static void render_error_page(struct pt_req *r, int status)
{
    json_t *v = json_pack("{s:i, s:s, s:s, s:s}", "status", status,
                          "title", pt_status_reason(status),
                          "detail", r->error_detail ? r->error_detail : "",
                          "request_id", r->id);

    if (v == NULL || render_in_set(r, status, r->tplset, ERROR_TEMPLATE, v) != 0) {
        char *text = pt_printf(r, "%d %s\nrequest id %s\n", status, pt_status_reason(status),
                               r->id);
        pt_resp_send(r, status, "text/plain; charset=utf-8", text, text ? strlen(text) : 0);
    }
    json_decref(v);
}

void pt_render(struct pt_req *r, int status, json_t *view)
{
    if (r->streaming)
        return;
    if (!r->api)
        pt_brand_for_page(r);              /* may pick the brand's template set */
    if (r->tplset == NULL)
        r->tplset = pt_tplsets_set_for_host(r->w->tplsets, r->host);
    if (status >= 400) {
        /* A form refused with view.error (and no pt_error) shows the form
         * again with its message; the API still answers problem+json. */
        json_t *err = view ? json_object_get(view, "error") : NULL;
        bool form_again = r->error_detail == NULL && json_is_string(err) && r->route &&
                          r->route->template != NULL;

        if (form_again && r->api)
            r->error_detail = json_string_value(err);
        if (form_again && !r->api &&
            render_in_set(r, status, r->tplset, r->route->template, view) == 0)
            return;
        if (r->api)
            render_problem(r, status);
        else
            render_error_page(r, status);
        return;
    }
    if (r->api) {
        /* The API answers a form's redirect with the view itself. */
        if (status == 303)
            status = 200;
        if (r->flash_message)
            json_object_set_new(view, "message", json_string(r->flash_message));
        render_json(r, status, "application/json; charset=utf-8", view);
        return;
    }
    if (status == 303) {
        pt_resp_carry_flash(r);
        pt_resp_send(r, 303, NULL, NULL, 0);
        return;
    }
    if (render_in_set(r, status, r->tplset, r->route->template, view) != 0) {
        r->error_detail = "This page could not be displayed.";
        render_error_page(r, 500);
    }
}
