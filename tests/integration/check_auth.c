/*
 * check_auth — identity through the real nginx in front of the real portald
 * and MariaDB, driven as a person (forms, cookies, redirects) or an API
 * client (JSON, bearer tokens) would: accepting an invitation, setting a
 * password, enrolling TOTP with codes from the real `oathtool`, signing in
 * with a code and with a recovery code, signing out, brute-force locking,
 * password reset by e-mail, CSRF, and token scopes.
 *
 * Set-up data (users, roles, invitation links) goes straight into the
 * stack's database through the mariadb client on VAR/run/mysqld.sock, as an
 * administrator (or another module) would have made it (auth_client.c has
 * that, the browser and the mail reader).  Each test makes its own
 * accounts, so the order of the tests does not matter.
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.
 */
#include "auth_client.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the tests ---------------------------------------------------------------------- */

/* Enrols TOTP for the signed-in browser: the secret shown, as base32. */
static char *enrol_totp(struct browser *b, const char *email, char codes[10][16])
{
    struct http_resp r;
    char *enc = form_enc(email);

    open_page(b, "/profile/security/2fa", &r);
    assert_body_has(&r, "<img src=\"data:image/svg+xml;base64,PHN2Zy");
    char *uri = scrape(r.body, "id=\"totp-uri\">");
    ck_assert_msg(strstr(uri, "otpauth://totp/") == uri, "uri %s", uri);
    ck_assert_msg(strstr(uri, enc) != NULL, "the URI %s does not name %s", uri, email);
    char *grouped = scrape(r.body, "id=\"totp-secret\">"), *secret = calloc(1, 64);
    for (size_t i = 0, n = 0; grouped[i] && n < 63; i++)
        if (grouped[i] != ' ')
            secret[n++] = grouped[i];
    http_resp_free(&r);
    char *code = oathtool(secret, 0);
    post_form(b, "/profile/security/2fa", &r, "code", code, (char *)NULL);
    ck_assert_msg(r.status == 200, "enrol: %ld %.300s", r.status, r.body);
    ck_assert_int_eq(scrape_codes(r.body, codes), 10);
    ck_assert_uint_eq(strlen(codes[0]), 11);
    http_resp_free(&r);
    free(code);
    free(grouped);
    free(uri);
    free(enc);
    return secret;
}

/* Signs out the browser through the form in the page. */
static void sign_out(struct browser *b)
{
    struct http_resp r;

    open_page(b, "/profile/security", &r);     /* the form's CSRF token */
    http_resp_free(&r);
    post_form(b, "/logout", &r, (char *)NULL);
    assert_redirect(&r, "/login");
    http_resp_free(&r);
    ck_assert_ptr_null(cookie(b, "pt_session"));
    b->csrf[0] = '\0';
}

/* Password step of a two-factor account: the second step is asked for. */
static void sign_in_first_step(struct browser *b, const char *email, const char *pw)
{
    struct http_resp r;

    sign_in(b, email, pw, &r);
    assert_redirect(&r, "/login/2fa");
    ck_assert_ptr_nonnull(cookie(b, "pt_mfa"));
    ck_assert_ptr_null(cookie(b, "pt_session"));
    http_resp_free(&r);
    open_page(b, "/login/2fa", &r);
    assert_body_has(&r, "recovery code");
    http_resp_free(&r);
}

START_TEST(test_invitation_enrol_sign_in_with_totp_and_recovery_code)
{
    struct browser b = { 0 };
    struct http_resp r;
    char codes[10][16], *email = unique_email("invitee"), path[300];
    long long role = make_role("");
    long long uid = make_user(email, false, role);
    char *token = make_link(uid, "invite", "NOW() + INTERVAL 1 DAY");
    char *role_name = sql("SELECT name FROM roles WHERE id = %lld", role);
    char *org_name = sql("SELECT name FROM orgs WHERE id = %lld", platform_org());

    /* The invitation page names the organisation and the role. */
    snprintf(path, sizeof(path), "/password/set?token=%s", token);
    open_page(&b, path, &r);
    assert_body_has(&r, "Accept your invitation");
    assert_body_has(&r, org_name);
    assert_body_has(&r, role_name);
    http_resp_free(&r);
    /* A weak password is refused with the reason; nothing changes. */
    post_form(&b, "/password/set", &r, "token", token, "password", "short",
              "password_confirm", "short", (char *)NULL);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, "id=\"form-error\"");
    ck_assert_ptr_null(cookie(&b, "pt_session"));
    http_resp_free(&r);
    /* Setting the password signs in. */
    post_form(&b, "/password/set", &r, "token", token, "password", PASSWORD,
              "password_confirm", PASSWORD, (char *)NULL);
    assert_redirect(&r, "/");
    ck_assert_ptr_nonnull(cookie(&b, "pt_session"));
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&b), 200);

    char *secret = enrol_totp(&b, email, codes);
    sign_out(&b);
    ck_assert_int_eq(whoami(&b), 401);

    /* TOTP: the enrolment's code again is a replay; the next step's works. */
    sign_in_first_step(&b, email, PASSWORD);
    char *replay = oathtool(secret, 0), *next = oathtool(secret, 30);
    post_form(&b, "/login/2fa", &r, "code", replay, (char *)NULL);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, "already been used");
    ck_assert_ptr_null(cookie(&b, "pt_session"));
    http_resp_free(&r);
    post_form(&b, "/login/2fa", &r, "code", next, (char *)NULL);
    assert_redirect(&r, "/");
    ck_assert_ptr_null(cookie(&b, "pt_mfa"));
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&b), 200);
    open_page(&b, "/profile/security", &r);
    assert_body_has(&r, "Recovery codes left: <strong>10</strong>");
    http_resp_free(&r);
    sign_out(&b);

    /* A recovery code signs in once; the same code again is refused. */
    sign_in_first_step(&b, email, PASSWORD);
    post_form(&b, "/login/2fa", &r, "code", codes[3], (char *)NULL);
    assert_redirect(&r, "/");
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&b), 200);
    sign_out(&b);
    sign_in_first_step(&b, email, PASSWORD);
    post_form(&b, "/login/2fa", &r, "code", codes[3], (char *)NULL);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, "already been used");
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&b), 401);
    char *used = sql("SELECT COUNT(*) FROM recovery_codes WHERE user_id = %lld AND "
                     "used_at IS NOT NULL", uid);
    ck_assert_str_eq(used, "1");
    /* The invitation link is spent. */
    open_page(&b, path, &r);
    assert_body_has(&r, "already been used");
    http_resp_free(&r);
    free(used), free(replay), free(next), free(secret), free(token), free(email);
    free(role_name), free(org_name);
    browser_free(&b);
}
END_TEST

/* A browser signed in as a new user with a password; its id in *uid. */
static char *signed_in_user(struct browser *b, long long role, long long *uid)
{
    struct http_resp r;
    char *email = unique_email("user");

    *uid = make_user(email, true, role);
    sign_in_ok(b, email, PASSWORD);
    open_page(b, "/profile/security", &r);
    http_resp_free(&r);
    return email;
}

START_TEST(test_disabled_user_is_signed_out_on_the_next_request)
{
    struct browser b = { 0 };
    struct http_resp r;
    long long uid;
    char *email = signed_in_user(&b, 0, &uid);

    ck_assert_int_eq(whoami(&b), 200);
    free(sql("UPDATE users SET status = 'disabled' WHERE id = %lld", uid));
    ck_assert_int_eq(whoami(&b), 401);
    /* The page asks to sign in again, and signing in says why it cannot. */
    browse(&b, "GET", "/profile/security", NULL, false, &r);
    assert_redirect(&r, "/login?next=");
    http_resp_free(&r);
    sign_in(&b, email, PASSWORD, &r);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, "disabled");
    ck_assert_ptr_null(cookie(&b, "pt_session"));
    http_resp_free(&r);
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                             "WHERE u.status = 'disabled'"), 0);
    free(email);
    browser_free(&b);
}
END_TEST

START_TEST(test_csrf_missing_or_wrong_is_403_and_changes_nothing)
{
    struct browser b = { 0 }, other = { 0 };
    struct http_resp r;
    long long uid;
    char *email = signed_in_user(&b, 0, &uid);
    char *before = sql("SELECT password_hash FROM users WHERE id = %lld", uid);
    char good[128];
    const char *body = "current_password=" PASSWORD "&new_password=" NEW_PASSWORD
                       "&new_password_confirm=" NEW_PASSWORD;

    memcpy(good, b.csrf, sizeof(good));
    b.csrf[0] = '\0';
    browse(&b, "POST", "/profile/security", body, false, &r);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    snprintf(b.csrf, sizeof(b.csrf), "%s", "A-forged-token-of-the-right-length-1234567");
    post_form(&b, "/profile/security", &r, "current_password", PASSWORD, "new_password",
              NEW_PASSWORD, "new_password_confirm", NEW_PASSWORD, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    /* The JSON face: a wrong X-CSRF-Token is refused the same way. */
    browse(&b, "POST", "/api/v1/logout", "{}", true, &r);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    char *after = sql("SELECT password_hash FROM users WHERE id = %lld", uid);
    ck_assert_str_eq(before, after);
    ck_assert_int_eq(whoami(&b), 200);
    char *denied = sql("SELECT COUNT(*) FROM audit_events WHERE action = 'Access Denied' "
                       "AND status = 'Failed' AND actor_user_id = %lld", uid);
    ck_assert_str_eq(denied, "3");
    free(denied);
    /* With the right token the same change goes through and ends other sessions. */
    sign_in_ok(&other, email, PASSWORD);
    memcpy(b.csrf, good, sizeof(good));
    post_form(&b, "/profile/security", &r, "current_password", PASSWORD, "new_password",
              NEW_PASSWORD, "new_password_confirm", NEW_PASSWORD, (char *)NULL);
    assert_redirect(&r, "/profile/security");
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&b), 200);
    ck_assert_int_eq(whoami(&other), 401);
    free(before), free(after), free(email);
    browser_free(&b);
    browser_free(&other);
}
END_TEST

START_TEST(test_session_cookie_is_dead_after_sign_out)
{
    struct browser b = { 0 }, thief = { 0 }, second = { 0 };
    struct http_resp r;
    long long uid;
    char *email = signed_in_user(&b, 0, &uid);

    cookie_set(&thief, "pt_session", 10, cookie(&b, "pt_session"),
               strlen(cookie(&b, "pt_session")), false);
    memcpy(thief.csrf, b.csrf, sizeof(thief.csrf));
    ck_assert_int_eq(whoami(&thief), 200);
    sign_out(&b);
    ck_assert_int_eq(whoami(&thief), 401);
    post_form(&thief, "/logout/all", &r, (char *)NULL);
    ck_assert_int_eq(r.status, 401);
    http_resp_free(&r);
    /* "Sign out everywhere" ends the other browser's session too. */
    sign_in(&b, email, PASSWORD, &r);
    http_resp_free(&r);
    sign_in(&second, email, PASSWORD, &r);
    http_resp_free(&r);
    open_page(&b, "/profile/security", &r);
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&second), 200);
    post_form(&b, "/logout/all", &r, (char *)NULL);
    assert_redirect(&r, "/login");
    http_resp_free(&r);
    ck_assert_int_eq(whoami(&second), 401);
    ck_assert_int_eq(whoami(&b), 401);
    char *events = sql("SELECT COUNT(*) FROM audit_events WHERE action = 'Sign Out Everywhere' "
                       "AND status = 'Success' AND actor_user_id = %lld", uid);
    ck_assert_str_eq(events, "1");
    free(events);
    free(email);
    browser_free(&b);
    browser_free(&thief);
    browser_free(&second);
}
END_TEST

/* 20 wrong passwords for email: the statuses seen, as "401 401 … 429". */
static void hammer(const char *email, char *seen, size_t len)
{
    struct browser b = { 0 };
    struct http_resp r;
    const char *hdrs[] = { "Accept: application/json", NULL };

    seen[0] = '\0';
    for (int i = 0; i < 20; i++) {
        char *e = form_enc(email), body[512];
        snprintf(body, sizeof(body), "email=%s&password=Wrong-Password-%d", e, i);
        ck_assert_int_eq(paced_request("POST", "/api/v1/login", hdrs, body, strlen(body), &r), 0);
        snprintf(seen + strlen(seen), len - strlen(seen), "%s%ld", i ? " " : "", r.status);
        http_resp_free(&r);
        free(e);
    }
    browser_free(&b);
}

START_TEST(test_twenty_wrong_passwords_lock_the_account_but_reset_still_works)
{
    struct browser b = { 0 };
    struct http_resp r;
    char *email = unique_email("locked"), *ghost = unique_email("nobody");
    char seen[256], seen_ghost[256];
    long long uid = make_user(email, true, 0);

    hammer(email, seen, sizeof(seen));
    hammer(ghost, seen_ghost, sizeof(seen_ghost));
    /* An address without an account answers exactly the same. */
    ck_assert_str_eq(seen, seen_ghost);
    ck_assert_msg(strstr(seen, "401") == seen && strstr(seen, "429") != NULL, "%s", seen);
    /* The right password is refused while the lock lasts. */
    sign_in(&b, email, PASSWORD, &r);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, "Too many failed attempts");
    ck_assert_ptr_null(cookie(&b, "pt_session"));
    http_resp_free(&r);
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM login_throttle WHERE locked_until > NOW() "
                             "AND subject LIKE 'user:%'") > 0, 1);
    char *failed = sql("SELECT COUNT(*) FROM audit_events WHERE action = 'Sign In' AND "
                       "status = 'Failed' AND subject_user_id = %lld", uid);
    ck_assert_int_ge(atoi(failed), 20);
    char *meta = sql("SELECT metadata FROM audit_events WHERE action = 'Sign In' AND "
                     "status = 'Failed' AND subject_user_id = %lld LIMIT 1", uid);
    ck_assert_ptr_nonnull(strstr(meta, email));
    ck_assert_ptr_null(strstr(meta, "Wrong-Password"));

    /* The owner resets the password by e-mail, and is in again. */
    post_form(&b, "/password/forgot", &r, "email", email, (char *)NULL);
    assert_redirect(&r, "/login");
    http_resp_free(&r);
    char *mail = mail_wait(email, "Reset Your Password - ");
    char *link = link_in(mail, "/password/reset?token=");
    open_page(&b, link, &r);
    assert_body_has(&r, "Choose a new password");
    http_resp_free(&r);
    char *token = strdup(strstr(link, "token=") + 6);
    post_form(&b, "/password/reset", &r, "token", token, "password", NEW_PASSWORD,
              "password_confirm", NEW_PASSWORD, (char *)NULL);
    assert_redirect(&r, "/login");
    http_resp_free(&r);
    /* Used twice: refused, and the password stays the one just chosen. */
    post_form(&b, "/password/reset", &r, "token", token, "password", "Another-Pass-77",
              "password_confirm", "Another-Pass-77", (char *)NULL);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, "already been used");
    http_resp_free(&r);
    sign_in(&b, email, PASSWORD, &r);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    sign_in_ok(&b, email, NEW_PASSWORD);
    ck_assert_int_eq(whoami(&b), 200);
    free(failed), free(meta), free(mail), free(link), free(token), free(email), free(ghost);
    browser_free(&b);
}
END_TEST

/* Creates a personal token through the JSON API; the token text. */
static char *create_token(struct browser *b, const char *scopes_json, long *status)
{
    struct http_resp r;
    char body[512];

    snprintf(body, sizeof(body), "{\"name\":\"check_auth\",\"expires_days\":7,\"scopes\":%s}",
             scopes_json);
    browse(b, "POST", "/api/v1/profile/tokens", body, true, &r);
    *status = r.status;
    char *tok = NULL, *p = strstr(r.body, "\"token\":\"");
    if (p) {
        p += 9;
        tok = strndup(p, strcspn(p, "\""));
    }
    http_resp_free(&r);
    return tok;
}

static long with_bearer(const char *method, const char *path, const char *token)
{
    char auth[256];
    const char *hdrs[] = { auth, "Accept: application/json", "Content-Type: application/json",
                           NULL };
    struct http_resp r;

    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    ck_assert_int_eq(http_request(method, path, hdrs, method[0] == 'P' ? "{}" : NULL,
                                  method[0] == 'P' ? 2 : 0, &r), 0);
    long st = r.status;
    http_resp_free(&r);
    return st;
}

START_TEST(test_bearer_token_without_the_scope_is_refused)
{
    struct browser b = { 0 };
    long long uid, role = make_role("tokens.manage_service,auth.reset_2fa");
    char *email = signed_in_user(&b, role, &uid), path[128];
    long st;

    snprintf(path, sizeof(path), "/api/v1/orgs/%lld/tokens", platform_org());
    /* A scope the owner does not hold cannot be given. */
    ck_assert_ptr_null(create_token(&b, "[\"no.such_permission\"]", &st));
    ck_assert_int_eq(st, 422);
    char *narrow = create_token(&b, "[\"auth.reset_2fa\"]", &st);
    ck_assert_int_eq(st, 201);
    ck_assert_msg(narrow && strncmp(narrow, "ppt_", 4) == 0, "token %s", narrow);
    char *wide = create_token(&b, "[\"tokens.manage_service\"]", &st);
    ck_assert_int_eq(st, 201);
    /* Only the hash is stored. */
    char *stored = sql("SELECT COUNT(*) FROM api_tokens WHERE user_id = %lld AND "
                       "token_hash = SHA2('%s', 256)", uid, wide);
    ck_assert_str_eq(stored, "1");
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM api_tokens WHERE token_hash LIKE 'ppt_%'"), 0);
    ck_assert_int_eq(with_bearer("GET", path, narrow), 403);
    ck_assert_int_eq(with_bearer("GET", path, wide), 200);
    /* Bearer requests need no CSRF token, but a token cannot mint tokens. */
    ck_assert_int_eq(with_bearer("POST", "/api/v1/profile/tokens", wide), 403);
    ck_assert_int_eq(with_bearer("POST", "/api/v1/logout", wide), 403);
    /* Revoked: the token stops working at once. */
    char *id = sql("SELECT id FROM api_tokens WHERE token_hash = SHA2('%s', 256)", wide);
    char rpath[128];
    struct http_resp r;
    snprintf(rpath, sizeof(rpath), "/api/v1/profile/tokens/%s/revoke", id);
    browse(&b, "POST", rpath, "{}", true, &r);
    ck_assert_msg(r.status == 200, "revoke: %ld %s", r.status, r.body);
    http_resp_free(&r);
    ck_assert_int_eq(with_bearer("GET", path, wide), 401);
    /* The page lists the tokens with their state, never their text. */
    open_page(&b, "/profile/tokens", &r);
    assert_body_has(&r, "revoked");
    ck_assert_ptr_null(strstr(r.body, narrow));
    http_resp_free(&r);
    free(narrow), free(wide), free(stored), free(id), free(email);
    browser_free(&b);
}
END_TEST

START_TEST(test_used_expired_and_unknown_links_say_so)
{
    struct browser b = { 0 };
    struct http_resp r;
    char *email = unique_email("links"), path[300];
    long long uid = make_user(email, false, 0);
    char *expired = make_link(uid, "invite", "NOW() - INTERVAL 1 MINUTE");
    char *used = make_link(uid, "set_password", "NOW() + INTERVAL 1 DAY");
    const char *hdrs[] = { "Accept: application/json", NULL };

    free(sql("UPDATE one_time_tokens SET used_at = NOW() WHERE token_hash = SHA2('%s', 256)",
             used));
    snprintf(path, sizeof(path), "/password/set?token=%s", expired);
    open_page(&b, path, &r);
    assert_body_has(&r, "This invitation has expired");
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/password/set?token=%s", used);
    open_page(&b, path, &r);
    assert_body_has(&r, "already been used");
    http_resp_free(&r);
    open_page(&b, "/password/set?token=not-a-real-token", &r);
    assert_body_has(&r, "This link is not valid");
    http_resp_free(&r);
    /* The API says the same with 410 and 404; a POST changes nothing. */
    snprintf(path, sizeof(path), "/api/v1/password/set?token=%s", expired);
    ck_assert_int_eq(http_request(NULL, path, hdrs, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 410);
    http_resp_free(&r);
    post_form(&b, "/password/set", &r, "token", expired, "password", PASSWORD,
              "password_confirm", PASSWORD, (char *)NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(cookie(&b, "pt_session"));
    http_resp_free(&r);
    char *hash = sql("SELECT COALESCE(password_hash, 'none') FROM users WHERE id = %lld", uid);
    ck_assert_str_eq(hash, "none");
    free(hash), free(expired), free(used), free(email);
    browser_free(&b);
}
END_TEST

START_TEST(test_admin_resets_two_factor_and_org_can_require_it)
{
    struct browser admin = { 0 }, user = { 0 }, plain = { 0 };
    struct http_resp r;
    char codes[10][16], path[128];
    long long admin_id, user_id, plain_id;
    char *admin_email = signed_in_user(&admin, make_role("auth.reset_2fa"), &admin_id);
    char *user_email = signed_in_user(&user, 0, &user_id);
    char *plain_email = signed_in_user(&plain, 0, &plain_id);
    char *secret = enrol_totp(&user, user_email, codes);

    snprintf(path, sizeof(path), "/users/%lld/2fa/reset", user_id);
    /* Without the permission: refused, nothing changes. */
    post_form(&plain, path, &r, (char *)NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    char *on = sql("SELECT COUNT(*) FROM totp WHERE enabled_at IS NOT NULL AND user_id = %lld",
                   user_id);
    ck_assert_str_eq(on, "1");
    free(on);
    post_form(&admin, path, &r, "return_to", "/profile/security", (char *)NULL);
    assert_redirect(&r, "/profile/security");
    http_resp_free(&r);
    char *left = sql("SELECT COUNT(*) FROM totp WHERE user_id = %lld", user_id);
    ck_assert_str_eq(left, "0");
    ck_assert_int_eq(whoami(&user), 401);
    char *ev = sql("SELECT COUNT(*) FROM audit_events WHERE action = 'Two-Factor Reset' AND "
                   "status = 'Success' AND subject_user_id = %lld AND actor_user_id = %lld",
                   user_id, admin_id);
    ck_assert_str_eq(ev, "1");

    /* An organisation that requires two-factor sends its user to enrol. */
    free(sql("UPDATE orgs SET require_mfa = 1 WHERE id = %lld", platform_org()));
    sign_in(&user, user_email, PASSWORD, &r);
    free(sql("UPDATE orgs SET require_mfa = 0 WHERE id = %lld", platform_org()));
    assert_redirect(&r, "/profile/security/2fa");
    http_resp_free(&r);
    /* …and holds the session there: other pages lead back to enrolment,
     * the API refuses, the enrolment page itself opens. */
    browse(&user, "GET", "/profile/tokens", NULL, false, &r);
    assert_redirect(&r, "/profile/security/2fa");
    http_resp_free(&r);
    browse(&user, "GET", "/api/v1/profile/tokens", NULL, false, &r);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    open_page(&user, "/profile/security/2fa", &r);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    free(left), free(ev), free(secret), free(admin_email), free(user_email), free(plain_email);
    browser_free(&admin);
    browser_free(&user);
    browser_free(&plain);
}
END_TEST

int main(void)
{
    if (suite_init("check_auth") != 0)
        return 77;

    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("identity");
    tcase_add_test(tc, test_invitation_enrol_sign_in_with_totp_and_recovery_code);
    tcase_add_test(tc, test_disabled_user_is_signed_out_on_the_next_request);
    tcase_add_test(tc, test_csrf_missing_or_wrong_is_403_and_changes_nothing);
    tcase_add_test(tc, test_session_cookie_is_dead_after_sign_out);
    tcase_add_test(tc, test_twenty_wrong_passwords_lock_the_account_but_reset_still_works);
    tcase_add_test(tc, test_bearer_token_without_the_scope_is_refused);
    tcase_add_test(tc, test_used_expired_and_unknown_links_say_so);
    tcase_add_test(tc, test_admin_resets_two_factor_and_org_can_require_it);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
