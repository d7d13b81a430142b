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
#include "view.h"
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

/* Navigation from every module's declarations, ordered, the current one active. */
static void layout_nav(struct pt_req *r, struct pt_tpl_dict *d)
{
    const struct pt_modules *mods = r->w->mods;
    const struct pt_nav_item *best = NULL;

    for (int last = -2147483647;;) {
        best = NULL;
        for (size_t i = 0; mods && i < mods->n; i++)
            for (const struct pt_nav_item *n = mods->mods[i]->nav; n && n->label; n++)
                if (n->order > last && nav_visible(r, n) && (!best || n->order < best->order))
                    best = n;
        if (best == NULL)
            break;
        last = best->order;
        struct pt_tpl_dict *item = pt_tpl_add_section(d, "nav");
        if (item == NULL)
            return;
        pt_tpl_set(item, "label", best->label, strlen(best->label));
        pt_tpl_set(item, "href", best->href, strlen(best->href));
        size_t hl = strlen(best->href);
        if (strcmp(r->path, best->href) == 0 ||
            (hl > 1 && strncmp(r->path, best->href, hl) == 0 && r->path[hl] == '/'))
            pt_tpl_show_section(item, "active");
    }
}

static void set_str(struct pt_tpl_dict *d, const char *name, const char *v)
{
    if (v != NULL)
        pt_tpl_set(d, name, v, strlen(v));
}

/* The values the layout's HEAD and FOOT read (include dictionaries do not
 * inherit the page's values, so each gets its own copy). */
static void layout_fill(struct pt_req *r, struct pt_tpl_dict *d, const char *title)
{
    const struct pt_config *cfg = r->w->cfg;

    set_str(d, "title", title);
    set_str(d, "brand_name", cfg->platform_name);
    set_str(d, "request_id", r->id);
    layout_nav(r, d);
    if (r->ident.user_id) {
        struct pt_tpl_dict *u = pt_tpl_add_section(d, "user");
        if (u) {
            set_str(u, "name", r->ident.full_name);
            set_str(u, "email", r->ident.email);
        }
        if (!r->ident.mfa_enabled) {
            struct pt_tpl_dict *m = pt_tpl_add_section(d, "mfa_setup");
            if (m)
                set_str(m, "url", "/profile/security/2fa");
        }
    }
    if (r->flash_message) {
        struct pt_tpl_dict *f = pt_tpl_add_section(d, "flash");
        if (f) {
            set_str(f, "level", r->flash_level);
            set_str(f, "message", r->flash_message);
        }
    }
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
    struct pt_tpl_dict *d = pt_tpl_dict_new("page");
    const char *title = page_title(r, view, status);
    char *out = NULL;
    size_t len = 0;
    int rc = -1;

    if (cache == NULL || d == NULL)
        goto out;
    if (view && pt_view_to_dict(view, d) != 0)
        goto out;
    struct pt_tpl_dict *head = pt_tpl_add_include(d, "HEAD", LAYOUT_HEAD);
    struct pt_tpl_dict *foot = pt_tpl_add_include(d, "FOOT", LAYOUT_FOOT);
    if (head == NULL || foot == NULL)
        goto out;
    layout_fill(r, head, title);
    layout_fill(r, foot, title);
    /* Forms in the page and in the layout need the session's CSRF token. */
    if (r->ident.csrf_token)
        pt_tpl_set_global(d, "csrf_token", r->ident.csrf_token);
    if (pt_tpl_expand(cache, template, d, &out, &len) != 0) {
        pt_log_error("%s: template %s (set %s) failed to render (%s)", __func__, template,
                     set, r->id);
        goto out;
    }
    rc = pt_resp_send(r, status, "text/html; charset=utf-8", out, len);
out:
    free(out);
    pt_tpl_dict_free(d);
    return rc;
}

static void render_error_page(struct pt_req *r, int status)
{
    json_t *v = json_pack("{s:i, s:s, s:s, s:s}", "status", status,
                          "title", pt_status_reason(status),
                          "detail", r->error_detail ? r->error_detail : "",
                          "request_id", r->id);

    if (v == NULL || render_template(r, status, r->tplset, ERROR_TEMPLATE, v) != 0) {
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
            render_template(r, status, r->tplset, r->route->template, view) == 0)
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
    if (render_template(r, status, r->tplset, r->route->template, view) != 0) {
        r->error_detail = "This page could not be displayed.";
        render_error_page(r, 500);
    }
}
