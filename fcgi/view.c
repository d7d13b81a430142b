/*
 * view.c — a handler's JSON view turned into a ctemplate dictionary
 * (rules in view.h).
 *
 * Keys become ctemplate names verbatim.  ctemplate refuses a template that
 * names anything outside [A-Za-z0-9_], so such a key could never be shown;
 * it is skipped silently instead of failing the page.  Keys are also capped
 * in length: ctemplate interns every name it is given in a process-wide
 * id→name map that is never pruned, so names must come from a small fixed
 * set (the handlers' constants), never from data.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "portal.h"
#include "tpl.h"
#include "view.h"

/* Deeper than any page needs; a view nested further is a bug (or a cycle
 * built by accident) and fails the render instead of exhausting the stack. */
#define PT_VIEW_MAX_DEPTH 16
/* Longest key accepted, leaving room for the "_empty" / "_count" suffixes. */
#define PT_VIEW_MAX_KEY   64

static int view_fill(const json_t *obj, struct pt_tpl_dict *d, int depth);
static int view_member(struct pt_tpl_dict *d, const char *key, const json_t *v,
                       int depth);

static bool view_key_ok(const char *key)
{
    size_t n = 0;

    for (const char *p = key; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return n > 0 && n <= PT_VIEW_MAX_KEY;
}

/* Strings and numbers become values; anything else is not a scalar here. */
static int view_scalar(struct pt_tpl_dict *d, const char *key, const json_t *v)
{
    char buf[64];
    int n;

    switch (json_typeof(v)) {
    case JSON_STRING:
        return pt_tpl_set_borrowed(d, key, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        n = snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        /* 15 significant digits: what a double holds exactly, so 0.1
         * prints as 0.1 and not 0.10000000000000001. */
        n = snprintf(buf, sizeof buf, "%.15g", json_real_value(v));
        break;
    default:
        return -1;
    }
    if (n < 0 || (size_t)n >= sizeof buf)
        return -1;
    return pt_tpl_set(d, key, buf, (size_t)n);
}

/* One section dictionary per element: objects give their members, any
 * other element is available as {{value}} (or {{#value}} for booleans and
 * nested arrays).  <key>_count is always set, <key>_empty shown when empty. */
static int view_array(struct pt_tpl_dict *d, const char *key, const json_t *arr,
                      int depth)
{
    char name[PT_VIEW_MAX_KEY + sizeof "_empty"];
    size_t i, n = json_array_size(arr);

    snprintf(name, sizeof name, "%s_count", key);
    if (pt_tpl_set_int(d, name, (long)n) < 0)
        return -1;
    if (n == 0) {
        snprintf(name, sizeof name, "%s_empty", key);
        return pt_tpl_show_section(d, name);
    }
    for (i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        struct pt_tpl_dict *sd = pt_tpl_add_section(d, key);
        int rc;

        if (!sd)
            return -1;
        if (json_is_object(e))
            rc = view_fill(e, sd, depth + 1);
        else
            rc = view_member(sd, "value", e, depth + 1);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int view_member(struct pt_tpl_dict *d, const char *key, const json_t *v,
                       int depth)
{
    struct pt_tpl_dict *sd;

    /* Checked here because every nested value, in objects and in arrays
     * of arrays alike, comes through this function. */
    if (depth > PT_VIEW_MAX_DEPTH) {
        pt_log_warn("%s: view nested deeper than %d levels", __func__,
                    PT_VIEW_MAX_DEPTH);
        return -1;
    }
    switch (json_typeof(v)) {
    case JSON_TRUE:
        return pt_tpl_show_section(d, key);
    case JSON_FALSE:
    case JSON_NULL:
        return 0;                  /* a section nobody shows stays hidden */
    case JSON_OBJECT:
        sd = pt_tpl_add_section(d, key);
        return sd ? view_fill(v, sd, depth + 1) : -1;
    case JSON_ARRAY:
        return view_array(d, key, v, depth);
    default:
        return view_scalar(d, key, v);
    }
}

static int view_fill(const json_t *obj, struct pt_tpl_dict *d, int depth)
{
    const char *key;
    void *it;

    /* Jansson's iterators do not modify the object; the API just lacks
     * const variants. */
    for (it = json_object_iter((json_t *)obj); it;
         it = json_object_iter_next((json_t *)obj, it)) {
        key = json_object_iter_key(it);
        if (!view_key_ok(key))
            continue;
        if (view_member(d, key, json_object_iter_value(it), depth) < 0)
            return -1;
    }
    return 0;
}

int pt_view_to_dict(const json_t *view, struct pt_tpl_dict *d)
{
    if (!json_is_object(view) || !d)
        return -1;
    return view_fill(view, d, 0);
}
