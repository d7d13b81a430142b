/*
 * check_roles — roles through the real nginx in front of the real portald
 * and MariaDB: the permission catalogue lists every category the seed
 * portals show; system roles are read-only and listed only where their
 * kind fits (a customer sees the customer roles); a custom role is created
 * (checkboxes and "select all"), viewed, duplicated, edited and deleted,
 * each step checked in the database and the activity log; a role still
 * held cannot be deleted; nobody puts a permission they lack into a role
 * (403, no row), nor changes a role they hold; a custom role outside the
 * actor's tree does not exist (404), one of an ancestor is inherited.
 *
 * Organisations and members go straight into the stack's database through
 * the mariadb client (auth_client.c); each test makes its own.
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.
 */
#include "auth_client.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- fixtures ------------------------------------------------------------------------- */

/* The role's permission keys, sorted, comma-separated (malloc'd). */
static char *perms_of(long long role)
{
    return sql("SELECT COALESCE(GROUP_CONCAT(perm_key ORDER BY perm_key), '') FROM "
               "role_permissions WHERE role_id = %lld", role);
}

static long long role_named(long long org, const char *name)
{
    return sql_num("SELECT COALESCE(MAX(id), 0) FROM roles WHERE org_id = %lld AND name = '%s'",
                   org, name);
}

/* A custom role of org with these permissions (comma-separated). */
static long long custom_role(long long org, const char *name, const char *perms)
{
    char list[1024], *save = NULL;

    free(sql("INSERT INTO roles (org_id, name, is_system) VALUES (%lld, '%s', 0)", org, name));
    long long id = role_named(org, name);
    ck_assert_int_gt(id, 0);
    snprintf(list, sizeof(list), "%s", perms);
    for (char *k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save))
        free(sql("INSERT INTO role_permissions (role_id, perm_key) VALUES (%lld, '%s')", id, k));
    return id;
}

/* How many events of this action and status the user wrote about org. */
static long long events(long long uid, long long org, const char *action, const char *status)
{
    return sql_num("SELECT COUNT(*) FROM audit_events WHERE actor_user_id = %lld AND org_id = %lld "
                   "AND category = 'Roles' AND action = '%s' AND status = '%s'", uid, org, action,
                   status);
}

/* A unique role name for this run. */
static char *fresh_name(const char *tag)
{
    static int n;
    char buf[100];

    snprintf(buf, sizeof(buf), "%s %ld-%d-%ld", tag, (long)getpid(), n++, random() % 100000);
    return strdup(buf);
}

/* ---- the API ------------------------------------------------------------------------- */

/* Does the problem's detail contain want? */
static void assert_detail(json_t *problem, const char *want)
{
    const char *d = json_string_value(json_object_get(problem, "detail"));

    ck_assert_msg(d && strstr(d, want), "detail '%s' lacks '%s'", d ? d : "(none)", want);
    json_decref(problem);
}

/* The names of the system roles in a list view, sorted by id, "|"-joined. */
static char *system_names(json_t *view)
{
    char *out = calloc(1, 2048);
    size_t i;
    json_t *role;

    json_array_foreach(json_object_get(view, "roles"), i, role)
        if (json_is_true(json_object_get(role, "system")))
            snprintf(out + strlen(out), 2048 - strlen(out), "%s%s", *out ? "|" : "",
                     json_string_value(json_object_get(role, "name")));
    return out;
}

static json_t *role_in(json_t *view, long long id)
{
    size_t i;
    json_t *role;

    json_array_foreach(json_object_get(view, "roles"), i, role)
        if (json_integer_value(json_object_get(role, "id")) == id)
            return role;
    return NULL;
}

/* GET a page with the browser; its status. */
static long page(struct browser *b, const char *path, struct http_resp *r)
{
    browse(b, "GET", path, NULL, false, r);
    return r->status;
}

/* ---- the tests ----------------------------------------------------------------------- */

START_TEST(test_the_catalogue_lists_every_required_category)
{
    static const char *const want[] = {
        "Dashboard", "Sub-Tenants", "Users", "Roles", "Activity Logs", "Billing",
        "Virtual Machines", "Cloud Networks", "Networks & VLANs", "Backups", "Sales Tools",
        "Settings", "Support", "White Label", NULL,
    };
    struct browser b = { 0 };
    struct http_resp r;
    char path[256];
    long long partner = make_org(platform_org(), "partner", "Catalogue");

    member_signed_in(&b, "roles", partner, "msp_admin", NULL);
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles/new", partner);
    json_t *cats = json_object_get(v, "categories");
    for (int i = 0; want[i]; i++) {
        bool found = false;
        size_t k;
        json_t *c;
        json_array_foreach(cats, k, c)
            if (strcmp(json_string_value(json_object_get(c, "name")), want[i]) == 0 &&
                json_array_size(json_object_get(c, "permissions")) > 0)
                found = true;
        ck_assert_msg(found, "category %s missing from the role form", want[i]);
    }
    /* Shown in the catalogue's order: Dashboard first. */
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cats, 0), "name")),
                     "Dashboard");
    json_decref(v);
    /* The page: a group and a "select all" per category, the script by src. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/new", partner);
    open_page(&b, path, &r);
    assert_body_has(&r, "<legend class=\"h6 mb-2\">Networks &amp; VLANs</legend>");
    assert_body_has(&r, "Select all in White Label");
    assert_body_has(&r, "name=\"perm_vms.console\"");
    assert_body_has(&r, "<script src=\"/static/js/roles.js\" defer></script>");
    http_resp_free(&r);
    /* The baseline keys, their consent flag and the system roles' defaults. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM permissions WHERE perm_key IN ('dashboard.view',"
        "'billing.view','billing.manage','billing.payment_methods','vms.view','vms.manage',"
        "'vms.power','vms.console','cloud_networks.view','cloud_networks.manage','networks.view',"
        "'networks.manage','backups.view','backups.manage','sales.quotes','sales.price_lists',"
        "'settings.company','tickets.view','tickets.manage','whitelabel.manage','roles.view',"
        "'roles.manage')"), 22);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM permissions WHERE needs_consent = 1 AND "
        "perm_key IN ('vms.manage','vms.power','vms.console','networks.manage',"
        "'cloud_networks.manage','backups.manage')"), 6);
    ck_assert_int_eq(sql_num("SELECT needs_consent FROM permissions WHERE perm_key = "
                             "'vms.view'"), 0);
    /* msp_admin holds every partner permission; msp_user a limited set. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM role_permissions rp JOIN roles ro ON "
        "ro.id = rp.role_id WHERE ro.system_key = 'msp_admin' AND rp.perm_key IN "
        "('whitelabel.manage','billing.manage','vms.manage','sales.quotes','roles.manage')"), 5);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM role_permissions rp JOIN roles ro ON "
        "ro.id = rp.role_id WHERE ro.system_key = 'msp_user' AND rp.perm_key IN "
        "('dashboard.view','vms.view','networks.view','tickets.view','vms.manage',"
        "'billing.manage','roles.manage')"), 4);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM role_permissions rp JOIN roles ro ON "
        "ro.id = rp.role_id WHERE ro.system_key = 'customer_user' AND rp.perm_key IN "
        "('tickets.view','vms.view','vms.manage','billing.view')"), 2);
    browser_free(&b);
}
END_TEST

START_TEST(test_system_roles_are_read_only)
{
    struct browser b = { 0 };
    struct http_resp r;
    char path[256];
    long long partner = make_org(platform_org(), "partner", "ReadOnly");
    long long msp_user = system_role("msp_user");
    long long uid = member_signed_in(&b, "roles", partner, "msp_admin", NULL);
    char *before = perms_of(msp_user);
    char *name_before = sql("SELECT name FROM roles WHERE id = %lld", msp_user);

    /* Listed as "System", with no edit or delete. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles", partner);
    open_page(&b, path, &r);
    assert_body_has(&r, "<span class=\"badge text-bg-secondary\">System</span>");
    ck_assert_ptr_null(strstr(r.body, "/edit\">Edit"));
    http_resp_free(&r);
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles/%lld", partner, msp_user);
    json_t *role = json_object_get(v, "role");
    ck_assert(json_is_true(json_object_get(role, "system")));
    ck_assert(!json_is_true(json_object_get(role, "can_edit")));
    ck_assert(!json_is_true(json_object_get(role, "can_delete")));
    json_decref(v);
    /* Edit (page and POST) and delete are refused; nothing changes. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/edit", partner, msp_user);
    ck_assert_int_eq(page(&b, path, &r), 403);
    assert_body_has(&r, "System roles are read-only");
    http_resp_free(&r);
    post_form(&b, path, &r, "name", "Renamed", "perm_vms.view", "1", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "System roles are read-only");
    http_resp_free(&r);
    assert_detail(api_json(&b, "POST", 403, "{\"name\":\"Renamed\",\"permissions\":[\"vms.view\"]}",
                           "/api/v1/orgs/%lld/roles/%lld/edit", partner, msp_user), "read-only");
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/delete", partner, msp_user);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    char *after = perms_of(msp_user), *name_after = sql("SELECT name FROM roles WHERE id = %lld",
                                                        msp_user);
    ck_assert_str_eq(after, before);
    ck_assert_str_eq(name_after, name_before);
    ck_assert_int_eq(events(uid, partner, "Update Role", "Failed"), 2);
    ck_assert_int_eq(events(uid, partner, "Delete Role", "Failed"), 1);
    free(before); free(after); free(name_before); free(name_after);
    browser_free(&b);
}
END_TEST

START_TEST(test_create_view_duplicate_edit_and_delete_a_custom_role)
{
    struct browser b = { 0 };
    struct http_resp r;
    char path[256], *name = fresh_name("Accounting"), *copy = fresh_name("Accounting copy");
    char *renamed = fresh_name("Finance");
    long long partner = make_org(platform_org(), "partner", "Lifecycle");
    long long uid = member_signed_in(&b, "roles", partner, "msp_admin", NULL);

    /* Create through the form: two boxes and "select all" of Dashboard. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/new", partner);
    open_page(&b, path, &r);
    http_resp_free(&r);
    post_form(&b, path, &r, "name", name, "description", "Invoices and payments",
              "perm_billing.view", "1", "perm_billing.manage", "1", "all_dashboard", "1",
              (char *)NULL);
    snprintf(path, sizeof(path), "/orgs/%lld/roles", partner);
    assert_redirect(&r, path);
    http_resp_free(&r);
    long long id = role_named(partner, name);
    ck_assert_int_gt(id, 0);
    char *p = perms_of(id);
    ck_assert_str_eq(p, "billing.manage,billing.view,dashboard.statistics,dashboard.view");
    free(p);
    ck_assert_int_eq(sql_num("SELECT is_system FROM roles WHERE id = %lld", id), 0);
    ck_assert_int_eq(events(uid, partner, "Create Role", "Success"), 1);

    /* Listed as Custom with its counts; its page groups permissions by category. */
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles", partner);
    json_t *row = role_in(v, id);
    ck_assert_ptr_nonnull(row);
    ck_assert(json_is_true(json_object_get(row, "own")));
    ck_assert_int_eq(json_integer_value(json_object_get(row, "permission_count")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(row, "user_count")), 0);
    json_decref(v);
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld", partner, id);
    open_page(&b, path, &r);
    assert_body_has(&r, "<h2 class=\"h6\">Billing</h2>");
    assert_body_has(&r, "<h2 class=\"h6\">Dashboard</h2>");
    assert_body_has(&r, "<strong id=\"role-permission-count\">4</strong>");
    assert_body_has(&r, "Invoices and payments");
    http_resp_free(&r);

    /* The same name again: a clear 409 and no second row. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/new", partner);
    post_form(&b, path, &r, "name", name, "perm_billing.view", "1", (char *)NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "already exists in this organisation");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM roles WHERE org_id = %lld AND name = '%s'",
                             partner, name), 1);
    ck_assert_int_eq(events(uid, partner, "Create Role", "Failed"), 1);

    /* Duplicate: a new custom role with the same permissions. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/duplicate", partner, id);
    open_page(&b, path, &r);
    assert_body_has(&r, "Copy of ");
    http_resp_free(&r);
    post_form(&b, path, &r, "name", copy, (char *)NULL);
    assert_redirect(&r, "/orgs/");
    http_resp_free(&r);
    long long dup = role_named(partner, copy);
    ck_assert_int_gt(dup, 0);
    char *p1 = perms_of(id), *p2 = perms_of(dup);
    ck_assert_str_eq(p2, p1);
    free(p1); free(p2);
    ck_assert_int_eq(events(uid, partner, "Duplicate Role", "Success"), 1);

    /* A system role can be duplicated too. */
    char *sys_copy = fresh_name("Staff");
    char body[512];
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", sys_copy);
    json_decref(api_json(&b, "POST", 201, body, "/api/v1/orgs/%lld/roles/%lld/duplicate", partner,
                         system_role("msp_user")));
    long long sdup = role_named(partner, sys_copy);
    p1 = perms_of(system_role("msp_user"));
    p2 = perms_of(sdup);
    ck_assert_str_eq(p2, p1);
    free(p1); free(p2); free(sys_copy);

    /* Edit: rename, drop the billing and dashboard rights, add vms.view. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/edit", partner, id);
    open_page(&b, path, &r);
    assert_body_has(&r, "name=\"perm_billing.manage\" value=\"1\" data-category=\"billing\" "
                        "checked");
    http_resp_free(&r);
    post_form(&b, path, &r, "name", renamed, "description", "", "perm_billing.view", "1",
              "perm_vms.view", "1", (char *)NULL);
    assert_redirect(&r, "/orgs/");
    http_resp_free(&r);
    p = perms_of(id);
    ck_assert_str_eq(p, "billing.view,vms.view");
    free(p);
    char want[512];
    snprintf(want, sizeof(want), "%s|-", renamed);
    p = sql("SELECT CONCAT(name, '|', COALESCE(description, '-')) FROM roles WHERE id = %lld", id);
    ck_assert_str_eq(p, want);
    free(p);
    p = sql("SELECT CONCAT(JSON_VALUE(metadata, '$.before.name'), '|', "
            "JSON_VALUE(metadata, '$.after.name'), '|', JSON_LENGTH(metadata, '$.added'), '|', "
            "JSON_LENGTH(metadata, '$.removed')) FROM audit_events WHERE actor_user_id = %lld "
            "AND action = 'Update Role' AND status = 'Success'", uid);
    snprintf(want, sizeof(want), "%s|%s|1|3", name, renamed);
    ck_assert_str_eq(p, want);
    free(p);

    /* Delete the copy: gone with its permissions. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/delete", partner, dup);
    post_form(&b, path, &r, (char *)NULL);
    assert_redirect(&r, "/orgs/");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM roles WHERE id = %lld", dup), 0);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM role_permissions WHERE role_id = %lld", dup), 0);
    ck_assert_int_eq(events(uid, partner, "Delete Role", "Success"), 1);
    free(name); free(copy); free(renamed);
    browser_free(&b);
}
END_TEST

START_TEST(test_a_role_still_held_cannot_be_deleted)
{
    struct browser b = { 0 };
    struct http_resp r;
    char path[256], *name = fresh_name("Held");
    long long partner = make_org(platform_org(), "partner", "Holder");
    long long customer = make_org(partner, "customer", "HolderCust");
    long long uid = member_signed_in(&b, "roles", partner, "msp_admin", NULL);
    long long role = custom_role(partner, name, "vms.view,tickets.view");

    make_member("holder", customer, role, NULL);
    snprintf(path, sizeof(path), "/orgs/%lld/roles", partner);
    open_page(&b, path, &r);
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/delete", partner, role);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "1 user holds this role: reassign them first");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM roles WHERE id = %lld", role), 1);
    char *p = perms_of(role);
    ck_assert_str_eq(p, "tickets.view,vms.view");
    free(p);
    ck_assert_int_eq(events(uid, partner, "Delete Role", "Failed"), 1);
    /* The list counts the holder and offers no delete. */
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles", partner);
    json_t *row = role_in(v, role);
    ck_assert_int_eq(json_integer_value(json_object_get(row, "user_count")), 1);
    ck_assert(!json_is_true(json_object_get(row, "can_delete")));
    json_decref(v);
    free(name);
    browser_free(&b);
}
END_TEST

START_TEST(test_no_one_puts_a_permission_they_lack_into_a_role)
{
    struct browser b = { 0 };
    struct http_resp r;
    char path[256], body[512], *name = fresh_name("Escalate");
    long long partner = make_org(platform_org(), "partner", "Escalation");
    long long customer = make_org(partner, "customer", "EscCust");
    long long uid = member_signed_in(&b, "roles", customer, "customer_admin", NULL);

    snprintf(path, sizeof(path), "/orgs/%lld/roles", customer);
    open_page(&b, path, &r);                 /* the session's CSRF token */
    http_resp_free(&r);
    /* billing.manage is a partner permission: the customer admin lacks it. */
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":[\"billing.view\","
             "\"billing.manage\"]}", name);
    assert_detail(api_json(&b, "POST", 403, body, "/api/v1/orgs/%lld/roles/new", customer),
                  "(billing.manage): you do not hold it");
    ck_assert_int_eq(role_named(customer, name), 0);
    /* The same through the form, with a box the page showed disabled. */
    snprintf(path, sizeof(path), "/orgs/%lld/roles/new", customer);
    open_page(&b, path, &r);
    assert_body_has(&r, "name=\"perm_whitelabel.manage\" value=\"1\" "
                        "data-category=\"white-label\" disabled");
    http_resp_free(&r);
    post_form(&b, path, &r, "name", name, "perm_vms.view", "1", "perm_whitelabel.manage", "1",
              (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "whitelabel.manage");
    http_resp_free(&r);
    ck_assert_int_eq(role_named(customer, name), 0);
    /* Unknown keys are a 400, nothing saved. */
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":[\"vms.view\","
             "\"no.such.key\"]}", name);
    assert_detail(api_json(&b, "POST", 400, body, "/api/v1/orgs/%lld/roles/new", customer),
                  "There is no permission \"no.such.key\"");
    ck_assert_int_eq(role_named(customer, name), 0);
    /* Duplicating a role with more rights than the actor's is refused too. */
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
    assert_detail(api_json(&b, "POST", 403, body, "/api/v1/orgs/%lld/roles/%lld/duplicate",
                           customer, system_role("msp_admin")), "You cannot give the permission");
    ck_assert_int_eq(role_named(customer, name), 0);
    ck_assert_int_eq(events(uid, customer, "Create Role", "Failed"), 3);
    ck_assert_int_eq(events(uid, customer, "Duplicate Role", "Failed"), 1);
    /* A name and at least one permission are required. */
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":[]}", name);
    assert_detail(api_json(&b, "POST", 422, body, "/api/v1/orgs/%lld/roles/new", customer),
                  "Choose at least one permission");
    assert_detail(api_json(&b, "POST", 422, "{\"name\":\"  \",\"permissions\":[\"vms.view\"]}",
                           "/api/v1/orgs/%lld/roles/new", customer), "Give the role a name");
    ck_assert_int_eq(role_named(customer, name), 0);
    ck_assert_int_eq(events(uid, customer, "Create Role", "Failed"), 5);
    /* What the actor holds is fine. */
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":[\"vms.view\","
             "\"billing.view\"]}", name);
    json_decref(api_json(&b, "POST", 201, body, "/api/v1/orgs/%lld/roles/new", customer));
    ck_assert_int_gt(role_named(customer, name), 0);
    free(name);
    browser_free(&b);
}
END_TEST

START_TEST(test_consent_limits_what_a_parent_puts_into_a_customer_role)
{
    struct browser b = { 0 };
    struct http_resp r;
    char path[256], body[512], *name = fresh_name("Consent");
    long long partner = make_org(platform_org(), "partner", "ConsentP");
    long long customer = make_org(partner, "customer", "ConsentC");

    free(sql("UPDATE orgs SET allow_parent_access = 0 WHERE id = %lld", customer));
    member_signed_in(&b, "roles", partner, "msp_admin", NULL);
    snprintf(path, sizeof(path), "/orgs/%lld/roles", customer);
    open_page(&b, path, &r);
    http_resp_free(&r);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":[\"vms.manage\"]}", name);
    assert_detail(api_json(&b, "POST", 403, body, "/api/v1/orgs/%lld/roles/new", customer),
                  "(vms.manage): you do not hold it");
    ck_assert_int_eq(role_named(customer, name), 0);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"permissions\":[\"vms.view\"]}", name);
    json_decref(api_json(&b, "POST", 201, body, "/api/v1/orgs/%lld/roles/new", customer));
    ck_assert_int_gt(role_named(customer, name), 0);
    free(name);
    browser_free(&b);
}
END_TEST

START_TEST(test_editing_a_role_you_hold_is_refused)
{
    struct browser b = { 0 };
    struct http_resp r;
    char path[256], *name = fresh_name("Mine"), *email;
    long long partner = make_org(platform_org(), "partner", "Mine");
    long long role = custom_role(partner, name, "roles.view,roles.manage,billing.view");
    long long uid = make_member("mine", partner, role, &email);

    sign_in_ok(&b, email, PASSWORD);
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/edit", partner, role);
    ck_assert_int_eq(page(&b, path, &r), 403);
    assert_body_has(&r, "You cannot change a role you hold");
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/roles", partner);
    open_page(&b, path, &r);
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/edit", partner, role);
    post_form(&b, path, &r, "name", "Mine renamed", "perm_billing.view", "1", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "You cannot change a role you hold");
    http_resp_free(&r);
    char *p = perms_of(role);
    ck_assert_str_eq(p, "billing.view,roles.manage,roles.view");
    free(p);
    ck_assert_int_eq(role_named(partner, name), role);
    ck_assert_int_eq(events(uid, partner, "Update Role", "Failed"), 1);
    free(name);
    free(email);
    browser_free(&b);
}
END_TEST

START_TEST(test_a_role_outside_the_tree_is_404_and_an_ancestors_is_inherited)
{
    struct browser b = { 0 };
    struct http_resp r;
    char path[256], *other = fresh_name("Other"), *own = fresh_name("Parent role");
    char *child_role = fresh_name("Child role");
    long long p1 = make_org(platform_org(), "partner", "TreeA");
    long long p2 = make_org(platform_org(), "partner", "TreeB");
    long long c1 = make_org(p1, "customer", "TreeA1");
    long long r2 = custom_role(p2, other, "vms.view");
    long long r1 = custom_role(p1, own, "vms.view");
    long long rc1 = custom_role(c1, child_role, "vms.view");

    member_signed_in(&b, "roles", p1, "msp_admin", NULL);
    /* Another partner's role: not here, under no path. */
    json_decref(api_json(&b, "GET", 404, NULL, "/api/v1/orgs/%lld/roles/%lld", p1, r2));
    json_decref(api_json(&b, "GET", 404, NULL, "/api/v1/orgs/%lld/roles/%lld", c1, r2));
    json_decref(api_json(&b, "GET", 404, NULL, "/api/v1/orgs/%lld/roles/%lld", p2, r2));
    json_decref(api_json(&b, "GET", 404, NULL, "/api/v1/orgs/%lld/roles", p2));
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/edit", p1, r2);
    ck_assert_int_eq(page(&b, path, &r), 404);
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/roles", p1);
    open_page(&b, path, &r);
    ck_assert_ptr_null(strstr(r.body, other));
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/delete", p1, r2);
    post_form(&b, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM roles WHERE id = %lld", r2), 1);
    /* A child's role is not the parent's. */
    json_decref(api_json(&b, "GET", 404, NULL, "/api/v1/orgs/%lld/roles/%lld", p1, rc1));
    /* The parent's role is inherited by the child: listed, viewable, changed only above. */
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles", c1);
    json_t *row = role_in(v, r1);
    ck_assert_ptr_nonnull(row);
    ck_assert(json_is_true(json_object_get(row, "inherited")));
    ck_assert(!json_is_true(json_object_get(row, "can_edit")));
    ck_assert(json_is_true(json_object_get(role_in(v, rc1), "own")));
    json_decref(v);
    json_decref(api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles/%lld", c1, r1));
    snprintf(path, sizeof(path), "/orgs/%lld/roles/%lld/edit", c1, r1);
    ck_assert_int_eq(page(&b, path, &r), 403);
    assert_body_has(&r, "it can be changed only there");
    http_resp_free(&r);
    free(other); free(own); free(child_role);
    browser_free(&b);
}
END_TEST

START_TEST(test_each_kind_of_organisation_lists_its_own_system_roles)
{
    struct browser b = { 0 };
    struct http_resp r;
    long long partner = make_org(platform_org(), "partner", "Kinds");
    long long customer = make_org(partner, "customer", "KindsCust");

    member_signed_in(&b, "roles", partner, "msp_admin", NULL);
    json_t *v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles", customer);
    char *names = system_names(v);
    ck_assert_str_eq(names, "Customer Administrator|Customer User|Project Admin|Project User");
    free(names);
    json_decref(v);
    v = api_json(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/roles", partner);
    names = system_names(v);
    ck_assert_str_eq(names, "MSP Administrator|MSP User");
    free(names);
    json_decref(v);
    /* /roles leads to the actor's home organisation's roles; the nav links it. */
    browse(&b, "GET", "/roles", NULL, false, &r);
    char want[64];
    snprintf(want, sizeof(want), "/orgs/%lld/roles", partner);
    assert_redirect(&r, want);
    http_resp_free(&r);
    open_page(&b, want, &r);
    assert_body_has(&r, "href=\"/roles\"");
    assert_body_has(&r, "MSP Administrator");
    http_resp_free(&r);
    browser_free(&b);
}
END_TEST

int main(void)
{
    if (suite_init("check_roles") != 0)
        return 77;

    Suite *s = suite_create("roles");
    TCase *tc = tcase_create("roles");
    tcase_add_test(tc, test_the_catalogue_lists_every_required_category);
    tcase_add_test(tc, test_system_roles_are_read_only);
    tcase_add_test(tc, test_create_view_duplicate_edit_and_delete_a_custom_role);
    tcase_add_test(tc, test_a_role_still_held_cannot_be_deleted);
    tcase_add_test(tc, test_no_one_puts_a_permission_they_lack_into_a_role);
    tcase_add_test(tc, test_consent_limits_what_a_parent_puts_into_a_customer_role);
    tcase_add_test(tc, test_editing_a_role_you_hold_is_refused);
    tcase_add_test(tc, test_a_role_outside_the_tree_is_404_and_an_ancestors_is_inherited);
    tcase_add_test(tc, test_each_kind_of_organisation_lists_its_own_system_roles);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
