/*
 * check_acme — automatic TLS end to end, offline (issue 7 item 6): Debian's
 * pebble as the ACME CA and pebble-challtestsrv as its DNS on loopback,
 * the stack's portald job worker running the acme module (lego), the
 * stack's nginx serving the HTTP-01 challenge from the generated blocks,
 * and curl trusting only pebble's root.
 *
 *   - a custom domain is verified through its TXT record (the whitelabel
 *     module's check, asking challtestsrv through [whitelabel] resolver),
 *     then certified;
 *   - a verified domain is certified, served over HTTPS by the regenerated
 *     nginx config (the very certificate lego stored), and renewed (pebble
 *     issues for 20 days, inside [acme] renew_days) — HTTP-01 again through
 *     the same blocks, which now redirect everything else to HTTPS;
 *   - a domain whose validation fails records pebble's reason, is retried
 *     after 60 s, then 120 s, succeeds once DNS is right, and never holds up
 *     a good domain queued beside it;
 *   - a removed domain loses its certificate files and its HTTPS block;
 *   - GET /api/v1/orgs/{org}/certificates lists the TLS state of the org's
 *     names to its administrators, and nothing to another partner's.
 *
 * The suite starts pebble and challtestsrv on free ports, appends [acme]
 * (and [whitelabel] resolver) pointing at them to the stack's portal.conf,
 * reloads portald, and puts the file back at the end — as check_whitelabel
 * does for its resolver.  The stack itself provides [nginx] (the generated
 * blocks on its listen_http / listen_https); every test fails naming what
 * is missing when it does not.  Skips (77) only when pebble, lego or
 * openssl are not installed.  Host names are <tag>-<pid>.acme.test, and
 * [acme] only_domains keeps lego away from every other suite's names.
 */
#include "acme_pebble.h"
#include "auth_client.h"

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VALIDITY_SECONDS (20L * 86400)    /* inside renew_days (30): every sweep renews */
#define WAIT_ISSUE       120              /* seconds: lego takes ~6 s per name */

/* The stack's settings this suite uses, and the ones it adds. */
static struct {
    char *conf_dir;                       /* [nginx] conf_dir: the live generated file */
    int   http_port, https_port;          /* [nginx] listen_http, listen_https */
    char  state_dir[600];                 /* [acme] state_dir (added) */
    char  problem[1024];                  /* empty: ready */
} W;

static struct acme_ca CA;
static long suite_pid;                    /* names every host name of this run */
static char *conf_before;                 /* portal.conf as the stack wrote it */
static size_t conf_before_len;

/* ---- the stack's configuration ------------------------------------------------------------- */

static int port_of(const char *addr)
{
    const char *colon = addr ? strrchr(addr, ':') : NULL;

    return colon ? atoi(colon + 1) : addr ? atoi(addr) : 0;
}

/* [nginx] is the stack's (scripts/lib/stack.sh): the generated blocks
 * listen where pebble validates and curl connects. */
static void stack_read(void)
{
    char *lh = conf_get("nginx", "listen_http"), *ls = conf_get("nginx", "listen_https");
    char *webroot = conf_get("nginx", "webroot");

    W.conf_dir = conf_get("nginx", "conf_dir");
    W.http_port = port_of(lh);
    W.https_port = port_of(ls);
    if (W.http_port <= 0 || W.https_port <= 0 || W.conf_dir == NULL || webroot == NULL)
        snprintf(W.problem, sizeof(W.problem), "the test stack's portal.conf lacks [nginx] "
                 "listen_http, listen_https, conf_dir or webroot (scripts/lib/stack.sh, "
                 "pt_dev_conf_write): the generated server blocks have nowhere to listen");
    snprintf(W.state_dir, sizeof(W.state_dir), "%s/lego", getenv("PT_TEST_VAR"));
    free(lh);
    free(ls);
    free(webroot);
}

/* Points the stack's portald at this suite's CA: [acme] (lego, pebble,
 * only the suite's names) and [whitelabel] resolver (challtestsrv's DNS),
 * appended (the last value of a key wins), then a graceful reload so the
 * job worker reads them.  conf_restore puts the file back. */
static bool conf_point_at_ca(void)
{
    const char *path = getenv("PT_TEST_CONFIG");
    FILE *f;

    if ((conf_before = read_file(path, &conf_before_len)) == NULL || (f = fopen(path, "a")) == NULL)
        return false;
    fprintf(f, "\n; check_acme: pebble on loopback is the ACME CA, challtestsrv the DNS\n"
            "[acme]\ndirectory_url = https://127.0.0.1:%d/dir\nemail = acme@portal.test\n"
            "state_dir = %s\nca_certificates = %s\nrenew_jitter = 0\ntimeout = 120\n"
            "only_domains = acme.test\n[whitelabel]\nresolver = 127.0.0.1:%d\n",
            CA.acme_port, W.state_dir, CA.ca_pem, CA.dns_port);
    if (fclose(f) != 0 || test_dev("portald-reload") != 0)
        return false;
    sleep(2);                        /* the new job worker registers its schedules */
    return true;
}

static void conf_restore(void)
{
    FILE *f;

    if (conf_before == NULL || (f = fopen(getenv("PT_TEST_CONFIG"), "w")) == NULL)
        return;
    fwrite(conf_before, 1, conf_before_len, f);
    fclose(f);
    if (test_dev("portald-reload") != 0)
        fprintf(stderr, "check_acme: portald-reload failed after restoring portal.conf\n");
    free(conf_before);
    conf_before = NULL;
}

/* What portald said about ACME lately (its log), for failure messages. */
static char *acme_log_tail(void)
{
    char path[1024], *text, *out = calloc(1, 2048);
    size_t n = 0;

    snprintf(path, sizeof(path), "%s/log/portald.log", getenv("PT_TEST_VAR"));
    if (out == NULL || (text = read_file(path, NULL)) == NULL)
        return out;
    /* The last lines that mention acme, newest last. */
    const char *lines[6] = { 0 };
    size_t lens[6] = { 0 }, k = 0;
    for (char *p = text; *p;) {
        char *end = p + strcspn(p, "\n");
        if (memmem(p, (size_t)(end - p), "acme", 4)) {
            lines[k % 6] = p;
            lens[k % 6] = (size_t)(end - p);
            k++;
        }
        p = *end ? end + 1 : end;
    }
    for (size_t i = k > 6 ? k - 6 : 0; i < k; i++) {
        size_t take = lens[i % 6] < 300 ? lens[i % 6] : 300;
        if (n + take + 4 >= 2048)
            break;
        memcpy(out + n, "\n  ", 3);
        memcpy(out + n + 3, lines[i % 6], take);
        n += take + 3;
    }
    free(text);
    return out;
}

/* Every test starts here: the stack is wired and pebble runs. */
static void need_ca(void)
{
    ck_assert_msg(W.problem[0] == '\0', "%s", W.problem);
    ck_assert_msg(CA.up, "pebble is not running");
}

/* ---- fixtures ------------------------------------------------------------------------------ */

/* "<tag>-<suite pid>.acme.test", malloc'd. */
static char *test_host(const char *tag)
{
    char buf[128];

    snprintf(buf, sizeof(buf), "%s-%ld.acme.test", tag, suite_pid);
    return strdup(buf);
}

/* The names an earlier test left behind (a failed assertion ends a test's
 * process before its own clean-up), and their queued retries. */
static void forget_suite_hosts(void)
{
    free(sql("DELETE j FROM jobs j JOIN hostnames h ON h.id = JSON_VALUE(j.payload, "
             "'$.hostname_id') WHERE j.kind = 'acme.issue' AND j.state = 'queued' AND "
             "h.hostname LIKE '%%-%ld.acme.test'", suite_pid));
    free(sql("DELETE FROM hostnames WHERE hostname LIKE '%%-%ld.acme.test'", suite_pid));
}

static void setup(void)
{
    unlock_client_address();
    forget_suite_hosts();
}

/* A custom domain of org, verified or not (as the whitelabel module stores it). */
static long long add_host(long long org, const char *host, bool verified, const char *token)
{
    free(sql("INSERT INTO hostnames (hostname, org_id, kind, verification_token, verified_at) "
             "VALUES ('%s', %lld, 'custom', %s%s%s, %s)", host, org, token ? "'" : "",
             token ? token : "NULL", token ? "'" : "", verified ? "NOW()" : "NULL"));
    return sql_num("SELECT id FROM hostnames WHERE hostname = '%s'", host);
}

static char *host_field(long long id, const char *expr)
{
    return sql("SELECT COALESCE(%s, 'NULL') FROM hostnames WHERE id = %lld", expr, id);
}

/* The hostnames row as one line, for failure messages. */
static char *host_dump(long long id)
{
    return sql("SELECT CONCAT_WS(' | ', hostname, IF(verified_at IS NULL, 'unverified', "
               "'verified'), tls_state, COALESCE(tls_error, '-'), COALESCE(tls_expires, '-')) "
               "FROM hostnames WHERE id = %lld", id);
}

/* The stack's job worker runs the sweep within a second or so. */
static void run_sweep(void)
{
    free(sql("INSERT INTO jobs (kind, payload, max_attempts) VALUES ('acme.sweep', '{}', 1)"));
}

static bool wait_state(long long id, const char *state, int seconds)
{
    return sql_wait(state, seconds, "SELECT tls_state FROM hostnames WHERE id = %lld", id);
}

static long long audit_count(long long org, const char *action, const char *status,
                             const char *host)
{
    return sql_num("SELECT COUNT(*) FROM audit_events WHERE category = 'White Label' AND "
                   "action = '%s' AND status = '%s' AND resource_name = '%s' AND "
                   "COALESCE(org_id, 0) = %lld", action, status, host, org);
}

static char *cert_file(const char *host, const char *suffix)
{
    char buf[1024];

    snprintf(buf, sizeof(buf), "%s/certificates/%s%s", W.state_dir, host, suffix);
    return strdup(buf);
}

static void cleanup_host(long long id)
{
    free(sql("DELETE FROM jobs WHERE kind = 'acme.issue' AND state = 'queued' AND "
             "JSON_VALUE(payload, '$.hostname_id') = %lld", id));
    free(sql("DELETE FROM hostnames WHERE id = %lld", id));
}

/* ---- talking to the stack's nginx ------------------------------------------------------------ */

static size_t sink(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n;
}

/* GET https://host:<https_port>/path trusting pebble's root only; the
 * status (0: no TLS connection that curl trusts) and the leaf's serial. */
static long https_get(const char *host, const char *path, char *serial, size_t seriallen)
{
    CURL *c = curl_easy_init();
    struct curl_slist *res = NULL;
    struct curl_certinfo *ci = NULL;
    char url[600], pin[300];
    long status = 0;

    ck_assert_ptr_nonnull(c);
    snprintf(pin, sizeof(pin), "%s:%d:127.0.0.1", host, W.https_port);
    res = curl_slist_append(res, pin);
    snprintf(url, sizeof(url), "https://%s:%d%s", host, W.https_port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_RESOLVE, res);
    curl_easy_setopt(c, CURLOPT_CAINFO, CA.root_pem);
    curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (serial)
        serial[0] = '\0';
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci);
        for (struct curl_slist *s = ci && ci->num_of_certs > 0 ? ci->certinfo[0] : NULL;
             s && serial; s = s->next)
            if (strncmp(s->data, "Serial Number:", 14) == 0)
                acme_serial_norm(s->data + 14, serial, seriallen);
    }
    curl_slist_free_all(res);
    curl_easy_cleanup(c);
    return status;
}

/* Waits until host answers /healthz over HTTPS with the certificate of
 * that serial (a reload takes effect a moment after it was asked for). */
static bool wait_https(const char *host, const char *serial, int seconds)
{
    char got[128];

    for (int i = 0; i < seconds * 4; i++) {
        if (https_get(host, "/healthz", got, sizeof(got)) == 200 && strcmp(got, serial) == 0)
            return true;
        usleep(250 * 1000);
    }
    return false;
}

/* GET http://127.0.0.1:<http_port>/path with Host: host; status and Location. */
static long http_host(const char *host, const char *path, char **location)
{
    return host_get(W.http_port, host, path, false, NULL, NULL, location);
}

/* Does the live generated file hold a server block for host? */
static bool live_has(const char *host)
{
    char path[1024], needle[300], line[4096];
    bool found = false;

    snprintf(path, sizeof(path), "%s/portal-hosts.conf", W.conf_dir);
    snprintf(needle, sizeof(needle), "server_name %s;", host);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    while (!found && fgets(line, sizeof(line), f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

/* A verified domain of org, issued by the stack's job worker; its id, and
 * the certificate file's expiry and serial. */
static long long issued_host(long long org, const char *host, char expires[20], char *serial,
                             size_t seriallen)
{
    ck_assert_msg(acme_dns_add_a(&CA, host), "challtestsrv refused the A record of %s", host);
    long long id = add_host(org, host, true, NULL);
    run_sweep();
    if (!wait_state(id, "issued", WAIT_ISSUE)) {
        char *d = host_dump(id);
        ck_abort_msg("no certificate for %s after %d s: %s; portald.log:%s", host, WAIT_ISSUE,
                     d, acme_log_tail());
    }
    char *crt = cert_file(host, ".crt");
    ck_assert_msg(acme_cert_info(crt, expires, serial, seriallen), "cannot read %s", crt);
    free(crt);
    return id;
}

/* ---- tests --------------------------------------------------------------------------------------- */

START_TEST(test_a_custom_domain_is_verified_through_its_txt_record_then_certified)
{
    need_ca();
    char *host = test_host("txt"), token[64], name[300], expires[20], serial[128];
    long long org = make_org(platform_org(), "partner", "ACME TXT");

    snprintf(token, sizeof(token), "acme-test-token-%ld", (long)getpid());
    snprintf(name, sizeof(name), "_portal-verification.%s", host);
    long long id = add_host(org, host, false, token);
    ck_assert(acme_dns_set_txt(&CA, name, token));
    ck_assert(acme_dns_add_a(&CA, host));
    /* The whitelabel module's check, as the domains page's "Verify" asks for it. */
    free(sql("INSERT INTO jobs (kind, payload, max_attempts) VALUES ('whitelabel.verify', "
             "JSON_OBJECT('hostname_id', %lld, 'attempt', 5), 1)", id));
    if (!sql_wait("1", 30, "SELECT verified_at IS NOT NULL FROM hostnames WHERE id = %lld", id)) {
        char *job = sql("SELECT CONCAT_WS(' | ', state, COALESCE(last_error, '-')) FROM jobs "
                        "WHERE kind = 'whitelabel.verify' AND JSON_VALUE(payload, "
                        "'$.hostname_id') = %lld ORDER BY id DESC LIMIT 1", id);
        char *ev = sql("SELECT COALESCE(MAX(description), '-') FROM audit_events WHERE action "
                       "= 'Verify Domain' AND resource_name = '%s'", host);
        ck_abort_msg("%s was not verified through its TXT record (whitelabel.verify job: %s; "
                     "last event: %s) — is the whitelabel module loaded and [whitelabel] "
                     "resolver = challtestsrv's DNS (127.0.0.1:%d)?", host, job, ev,
                     CA.dns_port);
    }
    run_sweep();
    if (!wait_state(id, "issued", WAIT_ISSUE)) {
        char *d = host_dump(id);
        ck_abort_msg("verified, but no certificate after %d s: %s; portald.log:%s", WAIT_ISSUE,
                     d, acme_log_tail());
    }
    char *crt = cert_file(host, ".crt");
    ck_assert(acme_cert_info(crt, expires, serial, sizeof(serial)));
    ck_assert_msg(wait_https(host, serial, 30), "%s is not served over HTTPS with its new "
                  "certificate", host);
    cleanup_host(id);
    free(crt);
    free(host);
}
END_TEST

START_TEST(test_a_verified_domain_is_certified_served_over_https_and_renewed)
{
    need_ca();
    char *host = test_host("shop"), expires[20], serial[128], expires2[20], serial2[128];
    long long org = make_org(platform_org(), "partner", "ACME Shop");
    long long id = issued_host(org, host, expires, serial, sizeof(serial));
    char *crt = cert_file(host, ".crt"), *key = cert_file(host, ".key"), *v, *loc = NULL;

    /* What the domains page shows comes from the row. */
    ck_assert_str_eq(v = host_field(id, "cert_path"), crt);
    free(v);
    ck_assert_str_eq(v = host_field(id, "key_path"), key);
    free(v);
    ck_assert_str_eq(v = host_field(id, "tls_error"), "NULL");
    free(v);
    ck_assert_str_eq(v = host_field(id, "DATE_FORMAT(tls_expires, '%Y-%m-%d %H:%i:%s')"), expires);
    free(v);
    /* Pebble's validity, so the expiry really is the certificate's. */
    ck_assert_str_eq(v = host_field(id, "ABS(TIMESTAMPDIFF(MINUTE, tls_expires, "
                                        "UTC_TIMESTAMP() + INTERVAL 20 DAY)) < 60"), "1");
    free(v);
    ck_assert_int_eq(audit_count(org, "Issue Certificate", "Success", host), 1);
    ck_assert_int_eq(audit_count(org, "Issue Certificate", "Failed", host), 0);

    /* The regenerated config serves it over HTTPS with that very certificate,
     * and sends plain HTTP there — all but the ACME challenges. */
    ck_assert_msg(wait_https(host, serial, 30), "%s is not served over HTTPS with serial %s",
                  host, serial);
    ck_assert(live_has(host));
    ck_assert_int_eq(http_host(host, "/account?x=1", &loc), 301);
    ck_assert_ptr_nonnull(loc);
    char want[400];
    snprintf(want, sizeof(want), "https://%s/account?x=1", host);
    ck_assert_str_eq(loc, want);
    ck_assert_int_eq(http_host(host, "/.well-known/acme-challenge/none", NULL), 404);

    /* Renewal: 20 days left is inside renew_days, so the sweep renews it —
     * HTTP-01 once more through the same webroot — and nginx serves the
     * new certificate. */
    run_sweep();
    ck_assert_msg(sql_wait("1", WAIT_ISSUE, "SELECT COUNT(*) > 0 FROM audit_events WHERE "
                           "action = 'Renew Certificate' AND status = 'Success' AND "
                           "resource_name = '%s'", host), "%s was not renewed: %s", host,
                  host_dump(id));
    ck_assert(acme_cert_info(crt, expires2, serial2, sizeof(serial2)));
    ck_assert_str_ne(serial2, serial);
    ck_assert_str_eq(v = host_field(id, "tls_state"), "issued");
    free(v);
    ck_assert_str_eq(v = host_field(id, "DATE_FORMAT(tls_expires, '%Y-%m-%d %H:%i:%s')"),
                     expires2);
    free(v);
    ck_assert_msg(wait_https(host, serial2, 30), "the renewed certificate is not served");
    cleanup_host(id);
    free(loc);
    free(crt);
    free(key);
    free(host);
}
END_TEST

START_TEST(test_a_failing_domain_is_retried_with_backoff_and_blocks_no_other)
{
    need_ca();
    char *bad = test_host("nodns"), *good = test_host("fine"), *v, *err;
    long long org = make_org(platform_org(), "partner", "ACME Retry");

    /* bad first: its job runs first and fails (no DNS record at all). */
    long long bad_id = add_host(org, bad, true, NULL);
    ck_assert(acme_dns_add_a(&CA, good));
    long long good_id = add_host(org, good, true, NULL);
    run_sweep();
    ck_assert_msg(wait_state(bad_id, "failed", WAIT_ISSUE), "%s", host_dump(bad_id));
    ck_assert_msg(wait_state(good_id, "issued", WAIT_ISSUE), "%s", host_dump(good_id));

    /* The reason is pebble's, through lego, readable and bounded. */
    err = host_field(bad_id, "tls_error");
    ck_assert_msg(strstr(err, bad) != NULL && strstr(err, "urn:ietf:params:acme:error") != NULL,
                  "tls_error: %s", err);
    ck_assert_uint_le(strlen(err), 1000);
    ck_assert_ptr_null(strstr(err, "[INFO]"));
    ck_assert_msg(!(err[0] == '2' && err[4] == '/'), "a log timestamp leads: %s", err);
    ck_assert_int_eq(audit_count(org, "Issue Certificate", "Failed", bad), 1);
    ck_assert_str_eq(v = host_field(bad_id, "cert_path"), "NULL");
    free(v);

    /* One retry queued, 60 s out; run it now: still failing, the next one
     * waits twice as long. */
    ck_assert_int_eq(sql_int("SELECT COUNT(*) FROM jobs WHERE kind = 'acme.issue' AND state = "
                             "'queued'") >= 1, 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM jobs WHERE kind = 'acme.issue' AND state = "
                             "'queued' AND JSON_VALUE(payload, '$.hostname_id') = %lld AND "
                             "JSON_VALUE(payload, '$.attempt') = 1 AND run_at BETWEEN NOW() + "
                             "INTERVAL 30 SECOND AND NOW() + INTERVAL 61 SECOND", bad_id), 1);
    free(sql("UPDATE jobs SET run_at = NOW() WHERE kind = 'acme.issue' AND state = 'queued' "
             "AND JSON_VALUE(payload, '$.hostname_id') = %lld", bad_id));
    ck_assert_msg(sql_wait("1", WAIT_ISSUE, "SELECT COUNT(*) FROM jobs WHERE kind = 'acme.issue' "
                           "AND state = 'queued' AND JSON_VALUE(payload, '$.hostname_id') = %lld "
                           "AND JSON_VALUE(payload, '$.attempt') = 2 AND run_at BETWEEN NOW() + "
                           "INTERVAL 90 SECOND AND NOW() + INTERVAL 121 SECOND", bad_id),
                  "no second retry two minutes out: %s", host_dump(bad_id));
    ck_assert_int_eq(audit_count(org, "Issue Certificate", "Failed", bad), 2);

    /* DNS fixed: the next try succeeds. */
    ck_assert(acme_dns_add_a(&CA, bad));
    free(sql("UPDATE jobs SET run_at = NOW() WHERE kind = 'acme.issue' AND state = 'queued' "
             "AND JSON_VALUE(payload, '$.hostname_id') = %lld", bad_id));
    ck_assert_msg(wait_state(bad_id, "issued", WAIT_ISSUE), "%s", host_dump(bad_id));
    ck_assert_str_eq(v = host_field(bad_id, "tls_error"), "NULL");
    free(v);
    ck_assert_int_eq(audit_count(org, "Issue Certificate", "Success", bad), 1);
    cleanup_host(bad_id);
    cleanup_host(good_id);
    free(err);
    free(bad);
    free(good);
}
END_TEST

START_TEST(test_a_removed_domain_loses_its_certificate_and_https_block)
{
    need_ca();
    char *host = test_host("gone"), expires[20], serial[128];
    long long org = make_org(platform_org(), "partner", "ACME Gone");
    long long id = issued_host(org, host, expires, serial, sizeof(serial));
    static const char *const files[] = { ".crt", ".key", ".issuer.crt", ".json" };

    ck_assert_msg(wait_https(host, serial, 30), "%s is not served over HTTPS", host);
    for (size_t i = 0; i < 4; i++) {
        char *f = cert_file(host, files[i]);
        ck_assert_msg(access(f, F_OK) == 0, "%s is missing", f);
        free(f);
    }
    /* What removing the domain does to its row (the whitelabel module). */
    free(sql("DELETE FROM hostnames WHERE id = %lld", id));
    run_sweep();
    char *crt = cert_file(host, ".crt");
    for (int i = 0; i < 120 && access(crt, F_OK) == 0; i++)
        usleep(250 * 1000);
    for (size_t i = 0; i < 4; i++) {
        char *f = cert_file(host, files[i]);
        ck_assert_msg(access(f, F_OK) != 0, "%s is still there", f);
        free(f);
    }
    ck_assert_msg(sql_wait("1", 10, "SELECT COUNT(*) FROM audit_events WHERE action = "
                           "'Remove Certificate' AND status = 'Success' AND resource_name = "
                           "'%s'", host), "no Remove Certificate event for %s", host);
    /* The sweep regenerated nginx: no block for it, no HTTPS with its name. */
    for (int i = 0; i < 40 && live_has(host); i++)
        usleep(250 * 1000);
    ck_assert(!live_has(host));
    /* The reload takes a moment: nginx's old workers finish what they have. */
    long got = 200;
    for (int i = 0; i < 40 && (got = https_get(host, "/healthz", NULL, 0)) == 200; i++)
        usleep(250 * 1000);
    ck_assert_int_ne(got, 200);
    free(crt);
    free(host);
}
END_TEST

START_TEST(test_the_api_lists_the_tls_state_of_the_orgs_domains)
{
    need_ca();
    long long org = make_org(platform_org(), "partner", "ACME API");
    long long other = make_org(platform_org(), "partner", "ACME API other");
    char *a = test_host("api-a"), *b = test_host("api-b"), *email, *email2, path[200];
    struct browser br = { 0 }, br2 = { 0 };
    struct http_resp r;

    long long ida = add_host(org, a, true, NULL), idb = add_host(org, b, true, NULL);
    free(sql("UPDATE hostnames SET tls_state = 'failed', tls_error = 'pebble said no' "
             "WHERE id = %lld", idb));
    free(sql("UPDATE hostnames SET tls_state = 'issued', tls_expires = '2031-01-02 03:04:05' "
             "WHERE id = %lld", ida));
    make_member("acme-api", org, system_role("msp_admin"), &email);
    make_member("acme-api2", other, system_role("msp_admin"), &email2);
    snprintf(path, sizeof(path), "/api/v1/orgs/%lld/certificates", org);

    sign_in_ok(&br, email, PASSWORD);
    json_t *doc = api_json(&br, "GET", 200, NULL, "%s", path);
    json_t *list = json_object_get(doc, "certificates");
    ck_assert_uint_eq(json_array_size(list), 2);
    json_t *first = json_array_get(list, 0), *second = json_array_get(list, 1);
    ck_assert_str_eq(json_string_value(json_object_get(first, "hostname")), a);
    ck_assert_str_eq(json_string_value(json_object_get(first, "tls_state")), "issued");
    ck_assert_str_eq(json_string_value(json_object_get(first, "tls_expires")),
                     "2031-01-02T03:04:05Z");
    ck_assert(json_is_true(json_object_get(first, "verified")));
    ck_assert_str_eq(json_string_value(json_object_get(second, "tls_state")), "failed");
    ck_assert_str_eq(json_string_value(json_object_get(second, "tls_error")), "pebble said no");
    json_decref(doc);

    /* Another partner's administrator: not in their tree. */
    sign_in(&br2, email2, PASSWORD, &r);
    http_resp_free(&r);
    browse(&br2, "GET", path, NULL, true, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_ptr_null(strstr(r.body, a));
    http_resp_free(&r);
    cleanup_host(ida);
    cleanup_host(idb);
    browser_free(&br);
    browser_free(&br2);
    free(email);
    free(email2);
    free(a);
    free(b);
}
END_TEST

int main(void)
{
    const char *missing;
    char why[600] = "";

    if ((missing = acme_ca_missing_tool()) != NULL) {
        fprintf(stderr, "check_acme: SKIP: %s is not installed (apt-get install pebble lego "
                "openssl; scripts/packages.txt lists them)\n", missing);
        return 77;
    }
    if (suite_init("check_acme") != 0)
        return 77;
    suite_pid = (long)getpid();
    stack_read();
    /* One CA for the whole suite: lego's account lives in state_dir, and a
     * fresh pebble would not know it. */
    CA.acme_port = acme_free_port();
    do
        CA.dns_port = acme_free_port();
    while (CA.dns_port == CA.acme_port);
    CA.http_port = W.http_port;
    CA.validity = VALIDITY_SECONDS;
    if (W.problem[0] == '\0' && !acme_ca_start(&CA, why, sizeof(why)))
        snprintf(W.problem, sizeof(W.problem), "%s", why);
    if (W.problem[0] == '\0' && !conf_point_at_ca())
        snprintf(W.problem, sizeof(W.problem), "could not point the stack's portald at pebble "
                 "(appending [acme] to %s, then scripts/dev portald-reload)",
                 getenv("PT_TEST_CONFIG"));
    if (W.problem[0])
        fprintf(stderr, "check_acme: %s\n", W.problem);
    Suite *s = suite_create("acme");
    TCase *tc = tcase_create("acme");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_a_custom_domain_is_verified_through_its_txt_record_then_certified);
    tcase_add_test(tc, test_a_verified_domain_is_certified_served_over_https_and_renewed);
    tcase_add_test(tc, test_a_failing_domain_is_retried_with_backoff_and_blocks_no_other);
    tcase_add_test(tc, test_a_removed_domain_loses_its_certificate_and_https_block);
    tcase_add_test(tc, test_the_api_lists_the_tls_state_of_the_orgs_domains);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);
    int rc = run_suite(s);
    conf_restore();
    acme_ca_stop(&CA, getenv("PT_KEEP_VAR") != NULL);
    return rc;
}
