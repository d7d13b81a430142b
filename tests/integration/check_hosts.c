/*
 * check_hosts.c — host → brand through the real nginx + portald + MariaDB
 * (issue 7): the platform host, a partner subdomain and a verified custom
 * domain each show their own brand and template set; a customer of the
 * partner sees the partner's brand on the platform host and in its mail; an
 * unverified or removed host gets the neutral "unknown host" page.
 *
 * The partner is planted with SQL (the whitelabel module's own suite drives
 * its pages); every change bumps cache_versions as the module does, and the
 * test waits out the workers' one-second look at it.
 */
#include "auth_client.h"
#include "http.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BRAND     "Acme Cloud"
#define PLATFORM  "Partner Portal"

struct world {
    long long partner, customer, user;
    char     *user_email, sub[128], custom[128], pending[128], broken[128];
};

static void cache_bump(void)
{
    free(sql("UPDATE cache_versions SET version = version + 1 WHERE name = 'whitelabel'"));
    usleep(1300 * 1000);                    /* workers look at most once a second */
}

static void host_add(long long org, const char *name, bool verified, const char *set)
{
    char setv[96];

    snprintf(setv, sizeof(setv), set ? "'%s'" : "NULL", set ? set : "");
    free(sql("INSERT INTO hostnames (hostname, org_id, kind, verified_at, template_set) "
             "VALUES ('%s', %lld, 'custom', %s, %s)", name, org,
             verified ? "UTC_TIMESTAMP()" : "NULL", setv));
}

static void world_make(struct world *w)
{
    long pid = (long)getpid();

    w->partner = make_org(platform_org(), "partner", "Acme");
    w->customer = make_org(w->partner, "customer", "Acme Customer");
    w->user = make_member("hostcust", w->customer, system_role("customer_admin"),
                          &w->user_email);
    free(sql("INSERT INTO whitelabel_subscriptions (org_id, started, first_charge_cents) "
             "VALUES (%lld, UTC_TIMESTAMP(), 1000)", w->partner));
    free(sql("INSERT INTO brands (org_id, portal_name, primary_color, accent_color, "
             "mail_from_name, mail_reply_to, footer_text, support_email) VALUES (%lld, '" BRAND
             "', '#1d4ed8', '#0f766e', 'Acme Support', 'help@acme-msp.test', 'Acme Cloud Ltd', "
             "'help@acme-msp.test')", w->partner));
    snprintf(w->sub, sizeof(w->sub), "acme%ld.partners.portal.test", pid);
    snprintf(w->custom, sizeof(w->custom), "portal.acme%ld.test", pid);
    snprintf(w->pending, sizeof(w->pending), "pending.acme%ld.test", pid);
    snprintf(w->broken, sizeof(w->broken), "missing-set.acme%ld.test", pid);
    host_add(w->partner, w->sub, true, NULL);
    host_add(w->partner, w->custom, true, "split-signin");
    host_add(w->partner, w->pending, false, NULL);
    host_add(w->partner, w->broken, true, "no-such-set");
    cache_bump();
}

static void world_free(struct world *w)
{
    free(w->user_email);
}

/* GET path with Host: host; the response in out. */
static void get_on(const char *host, const char *path, struct http_resp *out)
{
    char hdr[300];
    const char *hdrs[] = { hdr, NULL };

    snprintf(hdr, sizeof(hdr), "Host: %s", host);
    ck_assert_int_eq(http_request("GET", path, hdrs, NULL, 0, out), 0);
}

static void assert_branded(const struct http_resp *r, long long partner)
{
    char css[96];

    snprintf(css, sizeof(css), "/brand/%lld/style.css?v=", partner);
    ck_assert_int_eq(r->status, 200);
    assert_body_has(r, "<title>Sign in · " BRAND "</title>");
    assert_body_has(r, css);
    assert_body_has(r, "Acme Cloud Ltd");
    ck_assert_msg(strstr(r->body, PLATFORM) == NULL, "the platform's name shows on a partner host");
}

START_TEST(test_each_host_shows_its_own_brand_and_template_set)
{
    struct world w = { 0 };
    struct http_resp r = { 0 };

    world_make(&w);
    get_on("127.0.0.1", "/login", &r);                  /* the platform's own host */
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, "<title>Sign in · " PLATFORM "</title>");
    ck_assert_msg(strstr(r.body, BRAND) == NULL, "a partner's brand on the platform host");
    http_resp_free(&r);

    get_on(w.sub, "/login", &r);                        /* the partner's subdomain */
    assert_branded(&r, w.partner);
    ck_assert_msg(strstr(r.body, "pt-signin-split") == NULL, "subdomain took another set");
    http_resp_free(&r);

    get_on(w.custom, "/login", &r);                     /* custom domain, its own set */
    assert_branded(&r, w.partner);
    assert_body_has(&r, "pt-signin-split");
    assert_body_has(&r, "Welcome to " BRAND);
    http_resp_free(&r);

    /* A set whose folder is missing: the default pages, still branded. */
    get_on(w.broken, "/login", &r);
    assert_branded(&r, w.partner);
    assert_body_has(&r, "Forgot your password?");
    http_resp_free(&r);
    world_free(&w);
}
END_TEST

START_TEST(test_unverified_and_removed_hosts_get_the_neutral_page)
{
    struct world w = { 0 };
    struct http_resp r = { 0 };

    world_make(&w);
    get_on(w.pending, "/login", &r);
    ck_assert_int_eq(r.status, 404);
    assert_body_has(&r, "This address is not set up");
    ck_assert_msg(strstr(r.body, BRAND) == NULL && strstr(r.body, PLATFORM) == NULL,
                  "the unknown-host page names someone: %s", r.body);
    http_resp_free(&r);

    free(sql("DELETE FROM hostnames WHERE hostname = '%s'", w.sub));
    cache_bump();
    get_on(w.sub, "/login", &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_msg(strstr(r.body, BRAND) == NULL, "a removed host still shows the brand");
    http_resp_free(&r);

    get_on(w.pending, "/healthz", &r);                  /* monitoring by any name */
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    world_free(&w);
}
END_TEST

START_TEST(test_a_customer_sees_its_partners_brand_on_the_platform_host)
{
    struct world w = { 0 };
    struct browser b = { 0 };
    struct http_resp r = { 0 };

    world_make(&w);
    sign_in(&b, w.user_email, PASSWORD, &r);
    http_resp_free(&r);
    browse(&b, "GET", "/", NULL, false, &r);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, BRAND);
    ck_assert_msg(strstr(r.body, PLATFORM) == NULL, "the platform's name shows to a customer");
    http_resp_free(&r);
    browser_free(&b);

    /* Turning white label off gives the customer the platform's look again. */
    free(sql("UPDATE whitelabel_subscriptions SET status = 'ended', ended = UTC_TIMESTAMP() "
             "WHERE org_id = %lld", w.partner));
    cache_bump();
    struct browser b2 = { 0 };
    sign_in(&b2, w.user_email, PASSWORD, &r);
    http_resp_free(&r);
    browse(&b2, "GET", "/", NULL, false, &r);
    assert_body_has(&r, PLATFORM);
    ck_assert_msg(strstr(r.body, BRAND) == NULL, "an ended subscription still brands");
    http_resp_free(&r);
    browser_free(&b2);
    world_free(&w);
}
END_TEST

START_TEST(test_mail_to_the_partners_customer_carries_the_partners_brand_and_sender)
{
    struct world w = { 0 };
    struct http_resp r = { 0 };
    char body[400];
    const char *hdrs[] = { "Content-Type: application/x-www-form-urlencoded", NULL };

    world_make(&w);
    snprintf(body, sizeof(body), "email=%s", w.user_email);
    ck_assert_int_eq(paced_request("POST", "/password/forgot", hdrs, body, strlen(body), &r), 0);
    ck_assert_int_lt(r.status, 400);
    http_resp_free(&r);
    char *mail = mail_wait(w.user_email, "Reset Your Password - " BRAND);
    ck_assert_ptr_nonnull(mail);
    ck_assert_msg(strstr(mail, "From: Acme Support <") != NULL, "sender: %.400s", mail);
    ck_assert_msg(strstr(mail, "Reply-To: help@acme-msp.test") != NULL, "reply-to: %.400s", mail);
    ck_assert_msg(strstr(mail, PLATFORM) == NULL, "the platform's name in the mail: %s", mail);
    free(mail);
    world_free(&w);
}
END_TEST

static Suite *hosts_suite(void)
{
    Suite *s = suite_create("hosts");
    TCase *tc = tcase_create("brand by host");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_add_test(tc, test_each_host_shows_its_own_brand_and_template_set);
    tcase_add_test(tc, test_unverified_and_removed_hosts_get_the_neutral_page);
    tcase_add_test(tc, test_a_customer_sees_its_partners_brand_on_the_platform_host);
    tcase_add_test(tc, test_mail_to_the_partners_customer_carries_the_partners_brand_and_sender);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (suite_init("check_hosts") != 0)
        return 77;
    return run_suite(hosts_suite());
}
