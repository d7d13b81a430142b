/*
 * tplset.c — POST /orgs/{org}/branding/template-set: the operator gives a
 * brand its own template set, templates/hosts/<set>/ over
 * templates/default/ (DESIGN §6), e.g. a different sign-in page.  Only a
 * folder that exists under <[server] templates_dir>/hosts/ and whose name
 * is [a-z0-9_-]{1,64} is accepted; an empty choice goes back to the
 * default set.  The core's host → brand cache picks the change up through
 * pt_whitelabel_changed; a broken override still falls back to the
 * default template (fcgi/tplset.c).
 */
#include "wl.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#define WL_SETS_MAX 200

static const char *hosts_dir(struct pt_req *r)
{
    const char *t = pt_config_get(r, "server", "templates_dir");

    return pt_printf(r, "%s/hosts", t && *t ? t : PT_PKGDATADIR "/templates");
}

static bool set_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    return n >= 1 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n &&
           strcmp(s, "default") != 0;
}

static bool set_exists(struct pt_req *r, const char *name)
{
    struct stat st;
    const char *path = pt_printf(r, "%s/%s", hosts_dir(r), name);

    return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

json_t *wl_template_sets(struct pt_req *r)
{
    json_t *out = pt_keep(r, json_array());
    DIR *d = opendir(hosts_dir(r));
    struct dirent *e;

    if (d == NULL || out == NULL) {
        if (d)
            closedir(d);
        return out;
    }
    while ((e = readdir(d)) != NULL && json_array_size(out) < WL_SETS_MAX)
        if (set_name_ok(e->d_name) && set_exists(r, e->d_name))
            json_array_append_new(out, json_pack("{s:s}", "name", e->d_name));
    closedir(d);
    return out;
}

struct tplset {
    int64_t     org;
    const char *set;        /* NULL: the default set */
    const char *name;
};

static int tplset_tx(struct pt_req *r, void *arg)
{
    struct tplset *t = arg;
    json_t *brand;
    int rc;

    if ((brand = wl_brand_load(r, t->org, true, &rc)) == NULL)
        return rc == PT_ENOTFOUND ? 409 : rc;
    const char *before = json_string_value(json_object_get(brand, "template_set"));
    if ((rc = pt_db_exec(r, "UPDATE brands SET template_set = ?, revision = revision + 1, "
                         "updated_by = ? WHERE org_id = ?", PT_ARGS(PT_ARG_STR(t->set),
                         PT_ARG_INT(pt_req_user_id(r)), PT_ARG_INT(t->org)), NULL, NULL)) != 0 ||
        (rc = pt_whitelabel_changed(r)) != 0)
        return rc;
    json_t *m = json_pack("{s:{s:s?}, s:{s:s?}}", "before", "template_set", before,
                          "after", "template_set", t->set);
    rc = wl_audit(r, false, t->org, WL_ACT_TPLSET, "Success", "brand",
                  pt_printf(r, "%lld", (long long)t->org), t->name,
                  t->set ? pt_printf(r, "Pages use the template set \"%s\"", t->set)
                         : "Pages use the default templates", m);
    json_decref(m);
    return rc;
}

int wl_template_set(struct pt_req *r, json_t *view)
{
    struct wl_org o;
    struct tplset t;
    int rc;

    if ((rc = wl_path_org(r, view, &o)) != 0 || (rc = wl_branding_view(r, view, &o)) != 0)
        return rc;
    t = (struct tplset){ .org = o.id, .set = wl_input(r, "template_set"), .name = o.name };
    if (t.set && strcmp(t.set, "default") == 0)
        t.set = NULL;
    if (!o.eligible)
        return wl_refuse(r, view, &o, WL_ACT_TPLSET, 409, "White label is available to partner "
                         "and distributor organisations only.", false);
    if (t.set == NULL && pt_req_input(r, "template_set") == NULL)
        return wl_refuse(r, view, &o, WL_ACT_TPLSET, 422, "Choose a template set (or "
                         "\"default\").", true);
    if (t.set && (!set_name_ok(t.set) || !set_exists(r, t.set)))
        return wl_refuse(r, view, &o, WL_ACT_TPLSET, 422, pt_printf(r, "There is no template "
                         "set \"%s\" under templates/hosts/ (names: a-z, 0-9, _ and -).",
                         t.set), true);
    rc = pt_db_tx(r, tplset_tx, &t);
    if (rc == 409)
        return wl_refuse(r, view, &o, WL_ACT_TPLSET, 409, "Save the brand before giving it a "
                         "template set.", true);
    if (rc != 0)
        return wl_refuse(r, view, &o, WL_ACT_TPLSET, 500, "The template set could not be "
                         "saved. Try again in a moment.", false);
    pt_flash(r, "success", t.set ? pt_printf(r, "%s's pages now use the template set \"%s\".",
                                             o.name, t.set)
                                 : pt_printf(r, "%s's pages use the default templates.",
                                             o.name));
    return pt_redirect(r, pt_printf(r, "/orgs/%lld/branding", (long long)o.id));
}
