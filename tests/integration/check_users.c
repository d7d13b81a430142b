/*
 * check_users — the users module through the real nginx in front of the
 * real portald and MariaDB, as an MSP administrator would drive it:
 *   - inviting a new address mails a set-password link; using it signs the
 *     invitee in with the role given;
 *   - inviting an address that exists never makes a second account: a
 *     removed account is reactivated, a lower role upgraded, a member of
 *     another organisation granted, an equal member left alone — each says
 *     so and the database shows exactly that;
 *   - nobody removes, disables or re-roles themselves; the last
 *     administrator of an organisation is never removed, demoted or
 *     disabled;
 *   - a disabled user's live session is refused on its next request;
 *   - nobody grants a role holding a permission they lack;
 *   - the list searches and pages, the user page shows only the
 *     assignments inside the actor's tree, invitations are resent and
 *     revoked, a password reset is mailed;
 *   - "open as": banner, every action logged with both identities, stop
 *     brings the actor back; upward, self and non-consented opening refused.
 *
 * Organisations and accounts go straight into the stack's database
 * (auth_client.c), as the orgs module would have made them.  Every test
 * makes its own, so their order does not matter.
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.
 */
#include "auth_client.h"

#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- fixtures ------------------------------------------------------------------------ */

/* A partner under the platform with two customers, and its administrator
 * signed in. */
struct world {
    long long p, c, c2;               /* partner, its customers */
    long long admin;                  /* msp_admin at p */
    char     *admin_email;
    struct browser b;                 /* the admin's browser */
};

static void world_make(struct world *w)
{
    memset(w, 0, sizeof(*w));
    w->p = make_org(platform_org(), "partner", "Users MSP");
    w->c = make_org(w->p, "customer", "Users Customer");
    w->c2 = make_org(w->p, "customer", "Users Other");
    w->admin = member_signed_in(&w->b, "uadmin", w->p, "msp_admin", &w->admin_email);
}

static void world_free(struct world *w)
{
    free(w->admin_email);
    browser_free(&w->b);
}

/* A page by printf-style path, which must answer 200 (its CSRF token kept). */
static void page(struct browser *b, struct http_resp *r, const char *fmt, ...)
{
    char path[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    open_page(b, path, r);
}

/* The redirect of r followed: the page it leads to (flash shown once). */
static void follow(struct browser *b, struct http_resp *r, const char *prefix,
                   struct http_resp *out)
{
    char *loc = http_header(r, "Location");

    assert_redirect(r, prefix);
    open_page(b, loc, out);
    free(loc);
}

static long long users_with(const char *email)
{
    return sql_num("SELECT COUNT(*) FROM users WHERE email = '%s'", email);
}

static long long role_at(long long user, long long org)
{
    return sql_num("SELECT COALESCE((SELECT role_id FROM memberships WHERE user_id = %lld "
                   "AND org_id = %lld), 0)", user, org);
}

/* A custom role of org holding perms (a comma-separated list). */
static long long org_role(long long org, const char *perms)
{
    char name[80], list[512], *save = NULL;

    snprintf(name, sizeof(name), "Users test %ld %ld", (long)getpid(), (long)random());
    free(sql("INSERT INTO roles (org_id, name, is_system) VALUES (%lld, '%s', 0)", org, name));
    long long role = sql_num("SELECT id FROM roles WHERE name = '%s'", name);
    snprintf(list, sizeof(list), "%s", perms);
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
        free(sql("INSERT INTO role_permissions (role_id, perm_key) VALUES (%lld, '%s')",
                 role, t));
    return role;
}

static long long events(const char *action, const char *status, long long subject)
{
    return sql_num("SELECT COUNT(*) FROM audit_events WHERE action = '%s' AND status = '%s' "
                   "AND subject_user_id = %lld", action, status, subject);
}

/* POST an invitation form as the world's admin. */
static void invite(struct world *w, long long org, const char *name, const char *email,
                   const char *confirm, long long role, struct http_resp *r)
{
    char path[128], roletext[32];

    snprintf(path, sizeof(path), "/orgs/%lld/users/invite", org);
    snprintf(roletext, sizeof(roletext), "%lld", role);
    page(&w->b, r, "%s", path);
    http_resp_free(r);
    post_form(&w->b, path, r, "full_name", name, "email", email, "email_confirm", confirm,
              "role", roletext, (char *)NULL);
}

/* POST path (printf-style) as b, after opening page_fmt's page for its token. */
static void action(struct browser *b, struct http_resp *r, const char *path_fmt, ...)
{
    char path[512];
    struct http_resp p;
    va_list ap;

    va_start(ap, path_fmt);
    vsnprintf(path, sizeof(path), path_fmt, ap);
    va_end(ap);
    open_page(b, "/profile/security", &p);         /* a fresh CSRF token */
    http_resp_free(&p);
    post_form(b, path, r, (char *)NULL);
}

/* ---- invitations ------------------------------------------------------------------------ */

START_TEST(test_invite_new_user_mail_link_set_password_and_sign_in_with_the_role)
{
    struct world w;
    struct http_resp r, p;
    char *email = unique_email("invitee");
    long long cuser = system_role("customer_user");

    world_make(&w);
    /* The form offers the customer roles, never a partner's. */
    page(&w.b, &r, "/orgs/%lld/users/invite", w.c);
    assert_body_has(&r, "Customer User");
    assert_body_has(&r, "Customer Administrator");
    ck_assert_ptr_null(strstr(r.body, "MSP Administrator"));
    http_resp_free(&r);

    /* The address typed twice must match: nothing is made otherwise. */
    invite(&w, w.c, "Ivy Invitee", email, "someone-else@example.com", cuser, &r);
    ck_assert_int_eq(r.status, 422);
    assert_body_has(&r, "id=\"form-error\"");
    assert_body_has(&r, "do not match");
    http_resp_free(&r);
    ck_assert_int_eq(users_with(email), 0);
    ck_assert_int_ge(sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Invite User' "
                             "AND status = 'Failed' AND org_id = %lld", w.c), 1);

    invite(&w, w.c, "Ivy Invitee", email, email, cuser, &r);
    follow(&w.b, &r, "/orgs/", &p);
    char want[160];
    snprintf(want, sizeof(want), "href=\"/orgs/%lld/users/invite\"", w.c);
    assert_body_has(&p, want);
    assert_body_has(&p, "Invitation sent to");
    assert_body_has(&p, email);
    assert_body_has(&p, "Invited");
    http_resp_free(&r);
    http_resp_free(&p);

    long long uid = sql_num("SELECT id FROM users WHERE email = '%s'", email);
    ck_assert_int_eq(users_with(email), 1);
    ck_assert_int_eq(role_at(uid, w.c), cuser);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE user_id = %lld AND "
                             "purpose = 'invite' AND org_id = %lld AND role_id = %lld AND "
                             "created_by = %lld AND LENGTH(token_hash) = 64 AND expires > "
                             "NOW() + INTERVAL 6 DAY", uid, w.c, cuser, w.admin), 1);
    ck_assert_int_eq(events("Invite User", "Success", uid), 1);

    /* The mail's link sets the password and signs the invitee in. */
    char *mail = mail_wait(email, "Invitation to ");
    char *link = link_in(mail, "/password/set?token=");
    char *token = strdup(strchr(link, '=') + 1);
    struct browser inv = { 0 };
    open_page(&inv, link, &r);
    assert_body_has(&r, "Customer User");
    http_resp_free(&r);
    post_form(&inv, "/password/set", &r, "token", token, "password", PASSWORD,
              "password_confirm", PASSWORD, (char *)NULL);
    assert_redirect(&r, "/");
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&inv), 200);
    /* …with the role given: a customer user does not manage users. */
    json_decref(api_json(&inv, "GET", 403, NULL, "/api/v1/orgs/%lld/users", w.c));
    /* The list now says Active. */
    json_t *v = api_json(&w.b, "GET", 200, NULL, "/api/v1/orgs/%lld/users?q=%s", w.c, "Ivy");
    json_t *u = json_array_get(json_object_get(v, "users"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(u, "status_label")), "Active");
    json_decref(v);

    free(mail), free(link), free(token), free(email);
    browser_free(&inv);
    world_free(&w);
}
END_TEST

START_TEST(test_existing_email_reactivates_upgrades_grants_and_never_duplicates)
{
    struct world w;
    struct http_resp r, p;
    char *re, *up, *gr, body[1024];
    long long cuser = system_role("customer_user"), cadmin = system_role("customer_admin");

    world_make(&w);
    long long rid = make_member("removed", w.c, cuser, &re);
    long long uid = make_member("upgrade", w.c, cuser, &up);
    long long gid = make_member("grant", w.c2, cuser, &gr);

    /* Reactivate: remove the user (deactivated, no membership), invite again. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/remove", w.c, rid);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "has been removed from");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE id = %lld AND status = "
                             "'disabled'", rid), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM memberships WHERE user_id = %lld", rid), 0);
    invite(&w, w.c, "Someone Else", re, re, cuser, &r);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "active again");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(users_with(re), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE id = %lld AND status = 'active'",
                             rid), 1);
    ck_assert_int_eq(role_at(rid, w.c), cuser);
    ck_assert_int_eq(events("Reactivate User", "Success", rid), 1);
    free(mail_wait(re, "Access to "));

    /* Upgrade: a customer user invited as customer administrator (API). */
    snprintf(body, sizeof(body), "{\"full_name\":\"U\",\"email\":\"%s\",\"role\":%lld}", up,
             cadmin);
    json_t *v = api_json(&w.b, "POST", 200, body, "/api/v1/orgs/%lld/users/invite", w.c);
    ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")), "upgraded");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(v, "message")), "upgraded"));
    json_decref(v);
    ck_assert_int_eq(users_with(up), 1);
    ck_assert_int_eq(role_at(uid, w.c), cadmin);
    /* The same again, or lower: already a member, nothing changes. */
    snprintf(body, sizeof(body), "{\"full_name\":\"U\",\"email\":\"%s\",\"role\":%lld}", up,
             cuser);
    v = api_json(&w.b, "POST", 200, body, "/api/v1/orgs/%lld/users/invite", w.c);
    ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")), "already_member");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(v, "message")),
                                 "already a member"));
    json_decref(v);
    ck_assert_int_eq(role_at(uid, w.c), cadmin);
    ck_assert_int_eq(users_with(up), 1);

    /* Grant: a member of another customer gets this one too. */
    invite(&w, w.c, "G", gr, gr, cuser, &r);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "access to");
    assert_body_has(&p, "granted");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(users_with(gr), 1);
    ck_assert_int_eq(role_at(gid, w.c), cuser);
    ck_assert_int_eq(role_at(gid, w.c2), cuser);
    free(mail_wait(gr, "Access to "));
    /* None of them got a set-password link: they have passwords. */
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE user_id IN "
                             "(%lld, %lld, %lld)", rid, uid, gid), 0);

    free(re), free(up), free(gr);
    world_free(&w);
}
END_TEST

START_TEST(test_resend_revoke_reset_and_a_user_outside_the_org_is_404)
{
    struct world w;
    struct http_resp r, p;
    char *email = unique_email("pending"), *cu_email;
    long long cuser = system_role("customer_user");

    world_make(&w);
    long long cu = make_member("cu", w.c, cuser, &cu_email);
    long long other = make_member("other", w.c2, cuser, NULL);
    invite(&w, w.c, "Pat Pending", email, email, cuser, &r);
    assert_redirect(&r, "/orgs/");
    http_resp_free(&r);
    long long pid = sql_num("SELECT id FROM users WHERE email = '%s'", email);
    char *mail1 = mail_wait(email, "Invitation to ");
    char *first = link_in(mail1, "/password/set?token=");

    /* Resend: a new link, the first one dead. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/invite/resend", w.c, pid);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "A new invitation has been sent");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE user_id = %lld AND "
                             "purpose = 'invite' AND revoked_at IS NULL", pid), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE user_id = %lld AND "
                             "purpose = 'invite' AND revoked_at IS NOT NULL", pid), 1);
    struct browser anon = { 0 };
    open_page(&anon, first, &r);
    assert_body_has(&r, "withdrawn");
    http_resp_free(&r);

    /* Revoke: the never-signed-in invitee leaves the organisation. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/invite/revoke", w.c, pid);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "has been withdrawn");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE user_id = %lld AND "
                             "purpose = 'invite' AND revoked_at IS NULL", pid), 0);
    ck_assert_int_eq(role_at(pid, w.c), 0);
    ck_assert_int_eq(events("Revoke Invitation", "Success", pid), 1);
    /* No longer a member here: a second revoke finds no such user. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/invite/revoke", w.c, pid);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);

    /* A password reset mail for a member. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/reset", w.c, cu);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "password reset e-mail has been sent");
    http_resp_free(&r), http_resp_free(&p);
    char *mail = mail_wait(cu_email, "Reset Your Password - ");
    char *link = link_in(mail, "/password/reset?token=");
    open_page(&anon, link, &r);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM one_time_tokens WHERE user_id = %lld AND "
                             "purpose = 'reset' AND expires <= NOW() + INTERVAL 61 MINUTE",
                             cu), 1);
    ck_assert_int_eq(events("Send Password Reset", "Success", cu), 1);

    /* A user of the sibling customer is no user of this one. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/disable", w.c, other);
    ck_assert_int_eq(r.status, 404);
    assert_body_has(&r, "No such user");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE id = %lld AND status = 'active'",
                             other), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Disable User' "
                             "AND status = 'Failed' AND resource_id = '%lld'", other), 1);

    free(mail1), free(first), free(mail), free(link), free(email), free(cu_email);
    browser_free(&anon);
    world_free(&w);
}
END_TEST

/* ---- the rules ----------------------------------------------------------------------- */

START_TEST(test_nobody_removes_disables_or_reroles_themselves_and_the_last_admin_stays)
{
    struct world w;
    struct http_resp r, p;
    char role[32];
    long long cadmin = system_role("customer_admin"), cuser = system_role("customer_user");

    world_make(&w);
    long long ca = make_member("lastadmin", w.c, cadmin, NULL);

    action(&w.b, &r, "/orgs/%lld/users/%lld/remove", w.p, w.admin);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "You cannot remove your own account");
    http_resp_free(&r);
    action(&w.b, &r, "/orgs/%lld/users/%lld/disable", w.p, w.admin);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    /* The own page offers no role, no removal, no disabling. */
    page(&w.b, &p, "/orgs/%lld/users/%lld", w.p, w.admin);
    assert_body_has(&p, "You cannot change your own role");
    assert_body_has(&p, "id=\"edit-form\"");
    ck_assert_ptr_null(strstr(p.body, "id=\"remove-form\""));
    ck_assert_ptr_null(strstr(p.body, "id=\"disable-form\""));
    ck_assert_ptr_null(strstr(p.body, "id=\"e-role\""));
    http_resp_free(&p);
    snprintf(role, sizeof(role), "%lld", system_role("msp_user"));
    char path[128];
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/edit", w.p, w.admin);
    post_form(&w.b, path, &r, "role", role, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "You cannot change your own role");
    http_resp_free(&r);
    ck_assert_int_eq(role_at(w.admin, w.p), system_role("msp_admin"));
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE id = %lld AND status = 'active'",
                             w.admin), 1);

    /* The customer's only administrator: not removed, demoted or disabled. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/remove", w.c, ca);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "last administrator");
    http_resp_free(&r);
    action(&w.b, &r, "/orgs/%lld/users/%lld/disable", w.c, ca);
    ck_assert_int_eq(r.status, 409);
    http_resp_free(&r);
    /* Another's page offers every action. */
    page(&w.b, &p, "/orgs/%lld/users/%lld", w.c, ca);
    char want[160];
    snprintf(want, sizeof(want), "action=\"/orgs/%lld/users/%lld/edit\"", w.c, ca);
    assert_body_has(&p, want);
    snprintf(want, sizeof(want), "action=\"/orgs/%lld/users/%lld/remove\"", w.c, ca);
    assert_body_has(&p, want);
    snprintf(want, sizeof(want), "href=\"/orgs/%lld/users/%lld/impersonate\"", w.c, ca);
    assert_body_has(&p, want);
    assert_body_has(&p, "id=\"e-role\"");
    assert_body_has(&p, "id=\"remove-form\"");
    assert_body_has(&p, "id=\"disable-form\"");
    assert_body_has(&p, "id=\"reset-form\"");
    assert_body_has(&p, "id=\"assignments-table\"");
    http_resp_free(&p);
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/edit", w.c, ca);
    snprintf(role, sizeof(role), "%lld", cuser);
    post_form(&w.b, path, &r, "role", role, (char *)NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "last administrator");
    assert_body_has(&r, "id=\"form-error\"");
    http_resp_free(&r);
    ck_assert_int_eq(role_at(ca, w.c), cadmin);
    ck_assert_int_eq(events("Remove User", "Failed", ca), 1);
    ck_assert_int_eq(events("Update User Permissions", "Failed", ca), 1);

    /* With a second administrator the demotion goes through and signs out. */
    make_member("second", w.c, cadmin, NULL);
    free(sql("INSERT INTO sessions (token_hash, user_id, csrf_token, expires) VALUES "
             "(SHA2('users-test-%lld', 256), %lld, REPEAT('a', 43), NOW() + INTERVAL 1 HOUR)",
             ca, ca));
    page(&w.b, &p, "/orgs/%lld/users/%lld", w.c, ca);
    http_resp_free(&p);
    post_form(&w.b, path, &r, "role", role, (char *)NULL);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "has been signed out");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(role_at(ca, w.c), cuser);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM sessions WHERE user_id = %lld", ca), 0);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Update User "
                             "Permissions' AND status = 'Success' AND subject_user_id = %lld AND "
                             "JSON_VALUE(metadata, '$.before.role_id') = %lld AND "
                             "JSON_VALUE(metadata, '$.after.role_id') = %lld", ca, cadmin,
                             cuser), 1);
    world_free(&w);
}
END_TEST

START_TEST(test_a_disabled_user_is_refused_on_the_next_request)
{
    struct world w;
    struct browser mb = { 0 };
    struct http_resp r, p;
    char *m_email;

    world_make(&w);
    long long m = make_member("staff", w.p, system_role("msp_user"), &m_email);
    sign_in_ok(&mb, m_email, PASSWORD);
    ck_assert_int_eq(whoami(&mb), 200);
    json_decref(api_json(&mb, "GET", 200, NULL, "/api/v1/orgs/%lld/users", w.p));

    action(&w.b, &r, "/orgs/%lld/users/%lld/disable", w.p, m);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "has been disabled");
    assert_body_has(&p, "Disabled");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(whoami(&mb), 401);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE id = %lld AND status = "
                             "'disabled'", m), 1);
    ck_assert_int_eq(events("Disable User", "Success", m), 1);
    /* Enabled again, the account signs in. */
    action(&w.b, &r, "/orgs/%lld/users/%lld/enable", w.p, m);
    assert_redirect(&r, "/orgs/");
    http_resp_free(&r);
    browser_free(&mb);
    sign_in_ok(&mb, m_email, PASSWORD);
    ck_assert_int_eq(whoami(&mb), 200);
    ck_assert_int_eq(events("Enable User", "Success", m), 1);
    free(m_email);
    browser_free(&mb);
    world_free(&w);
}
END_TEST

START_TEST(test_nobody_grants_a_role_holding_a_permission_they_lack)
{
    struct world w;
    struct browser cb = { 0 };
    struct http_resp r, p;
    char *ca_email, *email = unique_email("toomuch"), role[32], path[128];

    world_make(&w);
    make_member("cadmin", w.c, system_role("customer_admin"), &ca_email);
    long long cu = make_member("cuser", w.c, system_role("customer_user"), NULL);
    /* users.impersonate: no customer administrator holds it. */
    long long strong = org_role(w.c, "users.view,users.invite,users.impersonate");
    snprintf(role, sizeof(role), "%lld", strong);
    sign_in_ok(&cb, ca_email, PASSWORD);

    page(&cb, &p, "/orgs/%lld/users/invite", w.c);
    ck_assert_msg(strstr(p.body, "Users test") == NULL, "the role is offered: %.300s", p.body);
    http_resp_free(&p);
    snprintf(path, sizeof(path), "/orgs/%lld/users/invite", w.c);
    post_form(&cb, path, &r, "full_name", "Too Much", "email", email, "email_confirm", email,
              "role", role, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "you do not hold it yourself");
    http_resp_free(&r);
    ck_assert_int_eq(users_with(email), 0);

    page(&cb, &p, "/orgs/%lld/users/%lld", w.c, cu);
    http_resp_free(&p);
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/edit", w.c, cu);
    post_form(&cb, path, &r, "role", role, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "you do not hold it yourself");
    http_resp_free(&r);
    ck_assert_int_eq(role_at(cu, w.c), system_role("customer_user"));

    /* The partner's administrator holds it, and may. */
    page(&w.b, &p, "/orgs/%lld/users/%lld", w.c, cu);
    http_resp_free(&p);
    post_form(&w.b, path, &r, "role", role, (char *)NULL);
    assert_redirect(&r, "/orgs/");
    http_resp_free(&r);
    ck_assert_int_eq(role_at(cu, w.c), strong);

    /* The partner is out of the customer administrator's tree: 404. */
    json_decref(api_json(&cb, "GET", 404, NULL, "/api/v1/orgs/%lld/users", w.p));
    free(ca_email), free(email);
    browser_free(&cb);
    world_free(&w);
}
END_TEST

START_TEST(test_edit_name_and_email_clash_and_more_rights_are_not_edited)
{
    struct world w;
    struct browser cb = { 0 };
    struct http_resp r, p;
    char *cu_email, *ca_email, *fresh = unique_email("renamed"), path[128];

    world_make(&w);
    long long cu = make_member("edited", w.c, system_role("customer_user"), &cu_email);
    make_member("cadmin", w.c, system_role("customer_admin"), &ca_email);
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/edit", w.c, cu);

    /* Another account's address: a clear 409, nothing changes. */
    page(&w.b, &p, "/orgs/%lld/users/%lld", w.c, cu);
    http_resp_free(&p);
    post_form(&w.b, path, &r, "full_name", "Edited Name", "email", ca_email, (char *)NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "is already used by another account");
    http_resp_free(&r);
    ck_assert_int_eq(users_with(cu_email), 1);

    post_form(&w.b, path, &r, "full_name", "Edited Name", "email", fresh, (char *)NULL);
    follow(&w.b, &r, "/orgs/", &p);
    assert_body_has(&p, "Changes saved");
    assert_body_has(&p, "Edited Name");
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE id = %lld AND email = '%s' AND "
                             "full_name = 'Edited Name'", cu, fresh), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Update User "
                             "Profile' AND status = 'Success' AND subject_user_id = %lld AND "
                             "JSON_VALUE(metadata, '$.before.email') = '%s' AND "
                             "JSON_VALUE(metadata, '$.after.email') = '%s'", cu, cu_email,
                             fresh), 1);

    /* The partner's administrator also holds a role in the customer: its
     * own administrator cannot rename, disable or reset that account. */
    add_membership(w.admin, w.c, system_role("customer_admin"));
    sign_in_ok(&cb, ca_email, PASSWORD);
    page(&cb, &p, "/orgs/%lld/users/%lld", w.c, w.admin);
    http_resp_free(&p);
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/edit", w.c, w.admin);
    post_form(&cb, path, &r, "full_name", "Hijacked", "email", "thief@example.com", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "more rights than your own");
    http_resp_free(&r);
    action(&cb, &r, "/orgs/%lld/users/%lld/reset", w.c, w.admin);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    action(&cb, &r, "/orgs/%lld/users/%lld/disable", w.c, w.admin);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM users WHERE id = %lld AND status = 'active' "
                             "AND email = '%s'", w.admin, w.admin_email), 1);
    free(cu_email), free(ca_email), free(fresh);
    browser_free(&cb);
    world_free(&w);
}
END_TEST

/* ---- the list and the user page ------------------------------------------------------------ */

START_TEST(test_list_searches_pages_and_assignments_stay_in_the_actors_tree)
{
    struct world w;
    struct browser cb = { 0 };
    char q[16384], tag[64], *ca_email;
    long long cuser = system_role("customer_user");
    int n = 0;

    world_make(&w);
    snprintf(tag, sizeof(tag), "pg%ld%ld", (long)getpid(), (long)random() % 100000);
    n = snprintf(q, sizeof(q), "INSERT INTO users (email, full_name) VALUES ");
    for (int i = 0; i < 57; i++)
        n += snprintf(q + n, sizeof(q) - (size_t)n, "%s('%s-%02d@example.com', 'Pager %02d')",
                      i ? "," : "", tag, i, i % 7);
    free(sql("%s", q));
    free(sql("INSERT INTO memberships (user_id, org_id, role_id) SELECT id, %lld, %lld FROM "
             "users WHERE email LIKE '%s-%%'", w.c, cuser, tag));

    /* Pages of 50 by name: no user twice, none missing. */
    json_t *v = api_json(&w.b, "GET", 200, NULL, "/api/v1/orgs/%lld/users?q=%s", w.c, tag);
    json_t *first = json_object_get(v, "users");
    ck_assert_int_eq(json_array_size(first), 50);
    ck_assert(json_is_true(json_object_get(v, "has_next")));
    long long after = json_integer_value(json_object_get(v, "next_after"));
    json_t *v2 = api_json(&w.b, "GET", 200, NULL, "/api/v1/orgs/%lld/users?q=%s&after=%lld", w.c,
                          tag, after);
    json_t *second = json_object_get(v2, "users");
    ck_assert_int_eq(json_array_size(second), 7);
    ck_assert_ptr_null(json_object_get(v2, "has_next"));
    char seen[64] = { 0 };
    size_t i;
    json_t *u;
    const char *prev = "";
    json_array_foreach(first, i, u) {
        int k = atoi(strchr(json_string_value(json_object_get(u, "email")), '-') + 1);
        ck_assert(!seen[k]);
        seen[k] = 1;
        const char *name = json_string_value(json_object_get(u, "full_name"));
        ck_assert_int_le(strcmp(prev, name), 0);
        prev = name;
    }
    json_array_foreach(second, i, u) {
        int k = atoi(strchr(json_string_value(json_object_get(u, "email")), '-') + 1);
        ck_assert(!seen[k]);
        seen[k] = 1;
    }
    for (int k = 0; k < 57; k++)
        ck_assert_msg(seen[k], "user %d missing from the pages", k);
    json_decref(v), json_decref(v2);
    /* The search: only what matches, by e-mail or name. */
    v = api_json(&w.b, "GET", 200, NULL, "/api/v1/orgs/%lld/users?q=%s-03%%40", w.c, tag);
    ck_assert_int_eq(json_array_size(json_object_get(v, "users")), 1);
    json_decref(v);
    v = api_json(&w.b, "GET", 200, NULL, "/api/v1/orgs/%lld/users?q=no-such-person-here", w.c);
    ck_assert_int_eq(json_array_size(json_object_get(v, "users")), 0);
    json_decref(v);

    /* Assignments: both customers for the partner's admin; the customer's
     * own administrator sees only its organisation. */
    long long two = make_member("two", w.c, cuser, NULL);
    add_membership(two, w.c2, cuser);
    make_member("cadmin", w.c, system_role("customer_admin"), &ca_email);
    v = api_json(&w.b, "GET", 200, NULL, "/api/v1/orgs/%lld/users/%lld", w.c, two);
    ck_assert_int_eq(json_array_size(json_object_get(v, "assignments")), 2);
    json_decref(v);
    sign_in_ok(&cb, ca_email, PASSWORD);
    v = api_json(&cb, "GET", 200, NULL, "/api/v1/orgs/%lld/users/%lld", w.c, two);
    ck_assert_int_eq(json_array_size(json_object_get(v, "assignments")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
        json_object_get(v, "assignments"), 0), "org_id")), w.c);
    json_decref(v);
    /* /users leads to the actor's own organisation's list. */
    struct http_resp r;
    browse(&cb, "GET", "/users", NULL, false, &r);
    snprintf(q, sizeof(q), "/orgs/%lld/users", w.c);
    assert_redirect(&r, q);
    http_resp_free(&r);
    free(ca_email);
    browser_free(&cb);
    world_free(&w);
}
END_TEST

/* ---- impersonation --------------------------------------------------------------------------- */

START_TEST(test_open_as_a_customer_user_banner_both_ids_and_stop)
{
    struct world w;
    struct http_resp r, p;
    char *cu_email, path[128];

    world_make(&w);
    long long cu = make_member("opened", w.c, system_role("customer_user"), &cu_email);
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/impersonate", w.c, cu);

    page(&w.b, &p, "%s", path);
    assert_body_has(&p, "Reason");
    http_resp_free(&p);
    /* A reason is required. */
    post_form(&w.b, path, &r, "reason", "  ", (char *)NULL);
    ck_assert_int_eq(r.status, 422);
    assert_body_has(&r, "id=\"form-error\"");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM sessions WHERE impersonator_id = %lld",
                             w.admin), 0);

    post_form(&w.b, path, &r, "reason", "Ticket 4711: cannot see invoices", (char *)NULL);
    assert_redirect(&r, "/");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM sessions WHERE user_id = %lld AND "
                             "impersonator_id = %lld AND impersonation_reason LIKE "
                             "'Ticket 4711%%'", cu, w.admin), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Impersonation "
                             "Start' AND status = 'Success' AND actor_user_id = %lld AND "
                             "subject_user_id = %lld AND JSON_VALUE(metadata, '$.reason') LIKE "
                             "'Ticket 4711%%'", w.admin, cu), 1);
    /* The banner, and the page is the customer user's. */
    open_page(&w.b, "/", &p);
    assert_body_has(&p, "Stop impersonating");
    assert_body_has(&p, cu_email);
    http_resp_free(&p);
    /* What the opened account does is logged with both ids. */
    browse(&w.b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    ck_assert_int_ge(sql_num("SELECT COUNT(*) FROM audit_events WHERE actor_user_id = %lld AND "
                             "impersonator_id = %lld AND action = 'Access Denied'", cu, w.admin),
                     1);

    /* Stop: back to the admin's own session, on the customer's users. */
    open_page(&w.b, "/", &p);
    http_resp_free(&p);
    post_form(&w.b, "/impersonation/stop", &r, (char *)NULL);
    char want[64];
    snprintf(want, sizeof(want), "/orgs/%lld/users", w.c);
    follow(&w.b, &r, want, &p);
    assert_body_has(&p, w.admin_email);
    ck_assert_ptr_null(strstr(p.body, "Stop impersonating"));
    http_resp_free(&r), http_resp_free(&p);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM sessions WHERE impersonator_id = %lld",
                             w.admin), 0);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Impersonation "
                             "Stop' AND actor_user_id = %lld AND impersonator_id = %lld",
                             cu, w.admin), 1);
    free(cu_email);
    world_free(&w);
}
END_TEST

START_TEST(test_upward_self_and_non_consented_opening_is_refused)
{
    struct world w;
    struct browser mb = { 0 };
    struct http_resp r, p;
    char *m_email, path[128];

    world_make(&w);
    /* A partner staff member whose role lets them open accounts… */
    long long helper = make_role("users.view,users.impersonate");
    long long m = make_member("helper", w.p, helper, &m_email);
    long long cu = make_member("target", w.c, system_role("customer_user"), NULL);
    sign_in_ok(&mb, m_email, PASSWORD);
    /* …cannot open the administrator's, who holds more. */
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/impersonate", w.p, w.admin);
    page(&mb, &p, "/orgs/%lld/users", w.p);
    http_resp_free(&p);
    post_form(&mb, path, &r, "reason", "curious", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    assert_body_has(&r, "more rights than your own");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM sessions WHERE impersonator_id = %lld", m), 0);
    ck_assert_int_eq(events("Impersonation Start", "Failed", w.admin), 1);

    /* Nobody opens their own account. */
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/impersonate", w.p, w.admin);
    page(&w.b, &p, "/orgs/%lld/users", w.p);
    http_resp_free(&p);
    post_form(&w.b, path, &r, "reason", "me", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);

    /* The customer withdrew its consent: refused, nothing started. */
    free(sql("UPDATE orgs SET allow_parent_access = 0 WHERE id = %lld", w.c));
    snprintf(path, sizeof(path), "/orgs/%lld/users/%lld/impersonate", w.c, cu);
    browse(&w.b, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    page(&w.b, &p, "/orgs/%lld/users", w.p);
    http_resp_free(&p);
    post_form(&w.b, path, &r, "reason", "Ticket 1", (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM sessions WHERE impersonator_id = %lld",
                             w.admin), 0);
    ck_assert_int_eq(events("Impersonation Start", "Success", cu), 0);
    ck_assert_int_eq(whoami(&w.b), 200);
    free(m_email);
    browser_free(&mb);
    world_free(&w);
}
END_TEST

int main(void)
{
    if (suite_init("check_users") != 0)
        return 77;

    Suite *s = suite_create("users");
    TCase *tc = tcase_create("users");
    tcase_add_test(tc, test_invite_new_user_mail_link_set_password_and_sign_in_with_the_role);
    tcase_add_test(tc, test_existing_email_reactivates_upgrades_grants_and_never_duplicates);
    tcase_add_test(tc, test_resend_revoke_reset_and_a_user_outside_the_org_is_404);
    tcase_add_test(tc, test_nobody_removes_disables_or_reroles_themselves_and_the_last_admin_stays);
    tcase_add_test(tc, test_a_disabled_user_is_refused_on_the_next_request);
    tcase_add_test(tc, test_nobody_grants_a_role_holding_a_permission_they_lack);
    tcase_add_test(tc, test_edit_name_and_email_clash_and_more_rights_are_not_edited);
    tcase_add_test(tc, test_list_searches_pages_and_assignments_stay_in_the_actors_tree);
    tcase_add_test(tc, test_open_as_a_customer_user_banner_both_ids_and_stop);
    tcase_add_test(tc, test_upward_self_and_non_consented_opening_is_refused);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_set_timeout(tc, 90);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
