/*
 * form.c — the role form (new, edit, duplicate): a name, a description and
 * the permissions, chosen by category.  Each permission is a checkbox
 * "perm_<key>"; each category has a "select all" checkbox "all_<slug>"
 * that the server honours, so the form works without JavaScript: ticked,
 * it adds every permission of the category the actor may give.  It is
 * never ticked when the form is drawn (an unticked box then always means
 * "as the boxes say"); static/js/roles.js ticks and unticks the boxes of
 * its category as you click and keeps it in step with them.  The API sends
 * "permissions" as a list of keys.
 *
 * No escalation: a role may carry only permissions the actor holds on the
 * organisation (pt_can, consent included).  Those the actor lacks are shown
 * disabled, and asking for one anyway is refused naming it.
 */
#include "roles.h"

#include <ctype.h>

#define ROLES_KEY_MAX 100

/* "Networks & VLANs" → "networks-vlans": a field name from a category. */
static const char *category_slug(struct pt_req *r, const char *cat)
{
    char *s = pt_alloc(r, strlen(cat) + 1), *o = s;

    if (s == NULL)
        return "";
    for (const unsigned char *p = (const unsigned char *)cat; *p; p++) {
        if (isalnum(*p))
            *o++ = (char)tolower(*p);
        else if (o > s && o[-1] != '-')
            *o++ = '-';
    }
    while (o > s && o[-1] == '-')
        o--;
    *o = '\0';
    return s;
}

/* May the actor give row's permission on org?  Asked once per row. */
static bool grantable(struct pt_req *r, json_t *row, int64_t org)
{
    json_t *known = json_object_get(row, "grantable");

    if (json_is_boolean(known))
        return json_is_true(known);
    bool ok = pt_can(r, json_string_value(json_object_get(row, "perm_key")), org);
    json_object_set_new(row, "grantable", json_boolean(ok));
    return ok;
}

static json_t *form_permission(struct pt_req *r, json_t *row, int64_t org, json_t *chosen)
{
    const char *key = json_string_value(json_object_get(row, "perm_key"));
    bool can = grantable(r, row, org);

    return json_pack("{s:s, s:O, s:s, s:b, s:b, s:b, s:b}", "key", key,
        "label", json_object_get(row, "label"), "field", pt_printf(r, "perm_%s", key),
        "checked", roles_has_key(chosen, key), "disabled", !can, "enabled", can,
        "consent", json_integer_value(json_object_get(row, "needs_consent")) != 0);
}

/* A category's group for the form; NULL when out of memory. */
static json_t *form_group(struct pt_req *r, const char *cat)
{
    const char *slug = category_slug(r, cat);

    return json_pack("{s:s, s:s, s:s, s:[], s:b}", "name", cat, "slug", slug,
                     "field", pt_printf(r, "all_%s", slug), "permissions", "selectable", 0);
}

int roles_form_view(struct pt_req *r, json_t *view, int64_t org, json_t *catalogue,
                    json_t *chosen, const char *action)
{
    json_t *groups = json_array(), *group = NULL, *row;
    const char *current = NULL;
    size_t i;

    if (json_object_set_new(view, "categories", groups) != 0)
        return PT_ENOMEM;
    json_array_foreach(catalogue, i, row) {
        const char *cat = json_string_value(json_object_get(row, "category"));
        if (cat == NULL)
            continue;
        if (current == NULL || strcmp(current, cat) != 0) {
            if ((group = form_group(r, cat)) == NULL || json_array_append_new(groups, group))
                return PT_ENOMEM;
            current = cat;
        }
        json_t *p = form_permission(r, row, org, chosen);
        if (p == NULL)
            return PT_ENOMEM;
        if (json_is_true(json_object_get(p, "enabled")))
            json_object_set_new(group, "selectable", json_true());
        json_array_append_new(json_object_get(group, "permissions"), p);
    }
    json_object_set_new(view, "action", json_string(action));
    json_object_set_new(view, "chosen", json_deep_copy(chosen));
    return 0;
}

/* ---- the permissions asked for ----------------------------------------------- */

static json_t *catalogue_row(json_t *catalogue, const char *key)
{
    size_t i;
    json_t *row;

    json_array_foreach(catalogue, i, row)
        if (strcmp(json_string_value(json_object_get(row, "perm_key")), key) == 0)
            return row;
    return NULL;
}

static void add_key(json_t *chosen, const char *key)
{
    if (!roles_has_key(chosen, key))
        json_array_append_new(chosen, json_string(key));
}

/* A key as the client wrote it: ASCII, at most ROLES_KEY_MAX bytes. */
static const char *add_raw(struct pt_req *r, json_t *chosen, const char *key, size_t len)
{
    if (len == 0)
        return NULL;
    if (len > ROLES_KEY_MAX)
        return "A permission key is at most 100 characters long.";
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
            return "A permission key is made of letters, digits, dots and underscores.";
    add_key(chosen, pt_strndup(r, key, len));
    return NULL;
}

/* "permissions": a JSON array of keys, or a text of keys. */
static const char *perms_listed(struct pt_req *r, json_t *chosen)
{
    json_t *body = pt_req_json(r), *arr = body ? json_object_get(body, "permissions") : NULL;
    const char *why = NULL, *text;
    size_t i;
    json_t *v;

    if (json_is_array(arr)) {
        json_array_foreach(arr, i, v) {
            if (!json_is_string(v))
                return "permissions must be a list of permission keys.";
            if ((why = add_raw(r, chosen, json_string_value(v), json_string_length(v))))
                return why;
        }
        return NULL;
    }
    if (arr != NULL && !json_is_string(arr) && !json_is_null(arr))
        return "permissions must be a list of permission keys.";
    if ((text = pt_req_input(r, "permissions")) == NULL)
        return NULL;
    for (const char *p = text; *p && why == NULL;) {
        size_t n = strcspn(p, ", \t\r\n");
        why = add_raw(r, chosen, p, n);
        p += n;
        p += strspn(p, ", \t\r\n");
    }
    return why;
}

/* The checkboxes: one per permission, one "all" per category. */
static void perms_checked(struct pt_req *r, int64_t org, json_t *catalogue, json_t *chosen)
{
    const char *current = NULL;
    bool all = false;
    size_t i;
    json_t *row;

    json_array_foreach(catalogue, i, row) {
        const char *key = json_string_value(json_object_get(row, "perm_key"));
        const char *cat = json_string_value(json_object_get(row, "category"));
        if (current == NULL || strcmp(current, cat) != 0) {
            current = cat;
            all = pt_req_input(r, pt_printf(r, "all_%s", category_slug(r, cat))) != NULL;
        }
        if (pt_req_input(r, pt_printf(r, "perm_%s", key)) != NULL ||
            (all && grantable(r, row, org)))
            add_key(chosen, key);
    }
}

const char *roles_check_keys(struct pt_req *r, int64_t org, json_t *catalogue, json_t *keys,
                             int *status)
{
    size_t i;
    json_t *k;

    *status = 400;
    json_array_foreach(keys, i, k)
        if (catalogue_row(catalogue, json_string_value(k)) == NULL)
            return pt_printf(r, "There is no permission \"%s\".", json_string_value(k));
    *status = 403;
    json_array_foreach(keys, i, k) {
        json_t *row = catalogue_row(catalogue, json_string_value(k));
        if (!grantable(r, row, org))
            return pt_printf(r, "You cannot give the permission \"%s\" (%s): you do not "
                             "hold it in this organisation.",
                             json_string_value(json_object_get(row, "label")),
                             json_string_value(k));
    }
    *status = 422;
    return json_array_size(keys) == 0 ? "Choose at least one permission." : NULL;
}

const char *roles_form_perms(struct pt_req *r, int64_t org, json_t *catalogue, json_t *chosen,
                             int *status)
{
    const char *why = perms_listed(r, chosen);

    *status = 400;
    if (why != NULL)
        return why;
    perms_checked(r, org, catalogue, chosen);
    return roles_check_keys(r, org, catalogue, chosen, status);
}

/* ---- name and description --------------------------------------------------- */

/* Characters (UTF-8 code points), as the VARCHAR limits count them. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* Is the body JSON without this member (the API leaves it as it is)? */
static bool json_absent(struct pt_req *r, const char *member)
{
    json_t *body = pt_req_json(r);

    return body != NULL && json_object_get(body, member) == NULL;
}

const char *roles_form_text(struct pt_req *r, const char **name, const char **description,
                            const char *keep_name, const char *keep_description)
{
    *name = keep_name && json_absent(r, "name") ? keep_name
          : pt_trim(r, pt_req_input(r, "name"));
    *description = keep_name && json_absent(r, "description") ? keep_description
                 : pt_trim(r, pt_req_input(r, "description"));
    if (*name == NULL)
        return "Give the role a name, such as \"Accounting Department\".";
    if (utf8_chars(*name) > ROLES_NAME_MAX || has_control(*name))
        return "The role's name must be one line of at most 100 characters.";
    if (*description && utf8_chars(*description) > ROLES_DESC_MAX)
        return "The description must be at most 500 characters.";
    return NULL;
}

bool roles_form_keeps_perms(struct pt_req *r)
{
    return json_absent(r, "permissions");
}
