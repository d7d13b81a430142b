/*
 * check_audit_retention — how long the activity log is kept, through the
 * real nginx, portald, job worker and MariaDB: an administrator chooses a
 * number of days within the platform's bounds (30..3650 by default) and
 * anything else is refused with a message, changes nothing and is logged;
 * the longest period chosen at or above an organisation applies; the daily
 * job deletes only the expired events of each organisation, in batches of
 * 1,000, and says so in the log; and the application's database account
 * cannot UPDATE or DELETE an event (the log is append-only for it).
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.
 */
#include "audit_fixtures.h"

#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long long own_days(long long org)
{
    char q[160];

    snprintf(q, sizeof(q), "SELECT COALESCE((SELECT days FROM audit_retention WHERE "
             "org_id = %lld), 0)", org);
    return sql_int(q);
}

/* Events of org by actor for "Update Retention" with this status. */
static long long updates(long long org, long long actor, const char *status)
{
    char q[256];

    snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND "
             "actor_user_id = %lld AND category = 'Activity Logs' AND action = "
             "'Update Retention' AND status = '%s'", org, actor, status);
    return sql_int(q);
}

/* The metadata member at path of the newest successful update of org. */
static char *last_update(long long org, const char *path)
{
    return sql("SELECT COALESCE(JSON_VALUE(metadata, '%s'), 'null') FROM audit_events "
               "WHERE org_id = %lld AND action = 'Update Retention' AND status = 'Success' "
               "ORDER BY id DESC LIMIT 1", path, org);
}

static void post_days(struct browser *b, long long org, const char *days, long want)
{
    struct http_resp r;
    char path[128];

    snprintf(path, sizeof(path), "/orgs/%lld/activity/retention", org);
    post_form(b, path, &r, "days", days, (char *)NULL);
    ck_assert_msg(r.status == want, "days=%s: %ld, want %ld: %.300s", days, r.status, want,
                  r.body);
    if (want == 400) {
        assert_body_has(&r, "id=\"form-error\"");
        assert_body_has(&r, "from 30 to 3650");
    } else {
        assert_redirect(&r, path);
    }
    http_resp_free(&r);
}

START_TEST(test_administrators_choose_days_within_the_bounds)
{
    struct browser b = { 0 }, pb = { 0 }, ub = { 0 };
    struct http_resp r;
    long long p = make_org(platform_org(), "partner", "Keep");
    long long c = make_org(p, "customer", "KeepC");
    long long admin = make_member("keep-admin", c, system_role("customer_admin"), NULL);
    long long padmin = make_member("keep-padmin", p, system_role("msp_admin"), NULL);
    long long user = make_member("keep-user", c, system_role("customer_user"), NULL);
    char path[128];

    session_as(&b, admin);
    snprintf(path, sizeof(path), "/orgs/%lld/activity/retention", c);
    open_page(&b, path, &r);
    assert_body_has(&r, "id=\"retention-days\">365<");
    assert_body_has(&r, "From 30 to 3650 days.");
    http_resp_free(&r);

    /* Outside the bounds, or not a number: refused, nothing changed, logged. */
    const char *bad[] = { "29", "3651", "0", "-40", "abc", "90x", "" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        post_days(&b, c, bad[i], 400);
    ck_assert_int_eq(own_days(c), 0);
    ck_assert_int_eq(updates(c, admin, "Failed"), 7);
    ck_assert_int_eq(updates(c, admin, "Success"), 0);
    char *v = sql("SELECT JSON_VALUE(metadata, '$.days') FROM audit_events WHERE org_id = %lld "
                  "AND action = 'Update Retention' AND status = 'Failed' ORDER BY id LIMIT 1", c);
    ck_assert_str_eq(v, "29");
    free(v);

    /* Within them: saved, logged before → after. */
    post_days(&b, c, "90", 303);
    ck_assert_int_eq(own_days(c), 90);
    v = last_update(c, "$.before.days");
    ck_assert_str_eq(v, "null");
    free(v);
    v = last_update(c, "$.after.days");
    ck_assert_str_eq(v, "90");
    free(v);
    json_t *j = api(&b, "POST", 200, "{\"days\": 120}", "/api/v1/orgs/%lld/activity/retention",
                    c);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "retention"),
                                                        "days")), 120);
    json_decref(j);
    v = last_update(c, "$.before.days");
    ck_assert_str_eq(v, "90");
    free(v);
    json_decref(api(&b, "POST", 400, "{\"days\": 10}", "/api/v1/orgs/%lld/activity/retention",
                    c));
    ck_assert_int_eq(own_days(c), 120);

    /* The partner keeps longer: that applies to its customer too. */
    session_as(&pb, padmin);
    json_decref(api(&pb, "POST", 200, "{\"days\": 400}", "/api/v1/orgs/%lld/activity/retention",
                    p));
    j = api(&b, "GET", 200, NULL, "/api/v1/orgs/%lld/activity/retention", c);
    json_t *ret = json_object_get(j, "retention");
    ck_assert_int_eq(json_integer_value(json_object_get(ret, "days")), 400);
    ck_assert_int_eq(json_integer_value(json_object_get(ret, "own_days")), 120);
    ck_assert_int_eq(json_integer_value(json_object_get(ret, "above_days")), 400);
    json_decref(j);
    snprintf(path, sizeof(path), "/orgs/%lld/activity", c);
    open_page(&b, path, &r);
    assert_body_has(&r, "Events are kept for 400 days.");
    http_resp_free(&r);

    /* Back to what applies without a choice. */
    json_decref(api(&b, "POST", 200, "{\"reset\": \"1\"}",
                    "/api/v1/orgs/%lld/activity/retention", c));
    ck_assert_int_eq(own_days(c), 0);
    v = last_update(c, "$.after.days");
    ck_assert_str_eq(v, "null");
    free(v);

    /* A user without audit.retention can neither read nor change it. */
    session_as(&ub, user);
    json_decref(api(&ub, "GET", 403, NULL, "/api/v1/orgs/%lld/activity/retention", c));
    json_decref(api(&ub, "POST", 403, "{\"days\": 60}", "/api/v1/orgs/%lld/activity/retention",
                    c));
    ck_assert_int_eq(own_days(c), 0);
    /* Nor can a customer touch its partner's. */
    json_decref(api(&b, "POST", 404, "{\"days\": 60}", "/api/v1/orgs/%lld/activity/retention",
                    p));
    ck_assert_int_eq(own_days(p), 400);
    browser_free(&b);
    browser_free(&pb);
    browser_free(&ub);
}
END_TEST

/* Events of org whose description starts with tag. */
static long long tagged(long long org, const char *tag)
{
    char q[256];

    if (org)
        snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND "
                 "description LIKE '%s %%'", org, tag);
    else
        snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_events WHERE org_id IS NULL AND "
                 "description LIKE '%s %%'", tag);
    return sql_int(q);
}

static void run_retention_job(void)
{
    char *v = sql("INSERT INTO jobs (kind, payload) VALUES ('audit.retention', '{}'); "
                  "SELECT LAST_INSERT_ID()");
    long long job = strtoll(v, NULL, 10);

    free(v);
    for (int i = 0; i < 600; i++) {
        v = sql("SELECT CONCAT(state, ' ', COALESCE(last_error, '')) FROM jobs WHERE id = %lld",
                job);
        if (strncmp(v, "done", 4) == 0) {
            free(v);
            return;
        }
        ck_assert_msg(strncmp(v, "failed", 6) != 0 && strstr(v, "failed") == NULL,
                      "the retention job: %s", v);
        free(v);
        usleep(100000);
    }
    ck_abort_msg("the retention job did not finish within 60 s");
}

START_TEST(test_the_daily_job_deletes_only_expired_events_in_batches)
{
    long long p = make_org(platform_org(), "partner", "Sweep");
    long long a = make_org(p, "customer", "SweepA"), b = make_org(p, "customer", "SweepB");
    long long q = make_org(platform_org(), "partner", "SweepQ");
    long long c = make_org(q, "customer", "SweepC");
    char tag[64], t[96];

    snprintf(tag, sizeof(tag), "sweep%ld%ld", (long)getpid(), random() % 100000);
    free(sql("INSERT INTO audit_retention (org_id, days) VALUES (%lld, 30), (%lld, 30), "
             "(%lld, 60)", a, c, q));
#define TAG(s) (snprintf(t, sizeof(t), "%s-%s", tag, (s)), t)
    plant_many(a, 2500, TAG("a-old"), "(NOW(3) - INTERVAL 40 DAY)");
    plant_many(a, 5, TAG("a-new"), "(NOW(3) - INTERVAL 29 DAY)");
    plant_many(b, 10, TAG("b-kept"), "(NOW(3) - INTERVAL 40 DAY)");
    plant_many(b, 3, TAG("b-old"), "(NOW(3) - INTERVAL 366 DAY)");
    plant_many(c, 7, TAG("c-kept"), "(NOW(3) - INTERVAL 45 DAY)");   /* Q keeps 60 */
    plant_many(c, 2, TAG("c-old"), "(NOW(3) - INTERVAL 61 DAY)");
    plant_many(0, 4, TAG("loose-old"), "(NOW(3) - INTERVAL 400 DAY)");
    plant_many(0, 2, TAG("loose-new"), "(NOW(3) - INTERVAL 300 DAY)");

    run_retention_job();

    ck_assert_int_eq(tagged(a, TAG("a-old")), 0);
    ck_assert_int_eq(tagged(a, TAG("a-new")), 5);
    ck_assert_int_eq(tagged(b, TAG("b-kept")), 10);
    ck_assert_int_eq(tagged(b, TAG("b-old")), 0);
    ck_assert_int_eq(tagged(c, TAG("c-kept")), 7);
    ck_assert_int_eq(tagged(c, TAG("c-old")), 0);
    ck_assert_int_eq(tagged(0, TAG("loose-old")), 0);
    ck_assert_int_eq(tagged(0, TAG("loose-new")), 2);
    /* Each organisation's log says what went, in how many batches. */
    char *v = sql("SELECT CONCAT_WS(' ', actor_user_id IS NULL, status, "
                  "JSON_VALUE(metadata, '$.days'), JSON_VALUE(metadata, '$.deleted'), "
                  "JSON_VALUE(metadata, '$.batches')) FROM audit_events WHERE org_id = %lld "
                  "AND action = 'Apply Retention'", a);
    ck_assert_str_eq(v, "1 Success 30 2500 3");
    free(v);
    v = sql("SELECT CONCAT_WS(' ', JSON_VALUE(metadata, '$.days'), "
            "JSON_VALUE(metadata, '$.deleted')) FROM audit_events WHERE org_id = %lld "
            "AND action = 'Apply Retention'", b);
    ck_assert_str_eq(v, "365 3");
    free(v);
    v = sql("SELECT CONCAT_WS(' ', JSON_VALUE(metadata, '$.days'), "
            "JSON_VALUE(metadata, '$.deleted')) FROM audit_events WHERE org_id = %lld "
            "AND action = 'Apply Retention'", c);
    ck_assert_str_eq(v, "60 2");
    free(v);
    v = sql("SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND action = "
            "'Apply Retention'", p);
    ck_assert_str_eq(v, "0");                  /* nothing of P's expired: no event */
    free(v);

    /* A second run finds nothing more to do. */
    run_retention_job();
    ck_assert_int_eq(tagged(a, TAG("a-new")), 5);
    ck_assert_int_eq(tagged(b, TAG("b-kept")), 10);
#undef TAG
    v = sql("SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND action = "
            "'Apply Retention'", a);
    ck_assert_str_eq(v, "1");
    free(v);
}
END_TEST

/* Runs the mariadb client as the application's account (the config's
 * [database] user and password file): exit status, output in out. */
static int as_app_user(const char *query, char *out, size_t outlen)
{
    char *user = conf_get("database", "user"), *pwfile = conf_get("database", "password_file");
    char *sock = conf_get("database", "socket"), *name = conf_get("database", "name");
    char pw[256] = "", a_user[300], a_pw[300], a_sock[1100];
    FILE *f = fopen(pwfile, "r");
    int fds[2], st;
    size_t n = 0;
    ssize_t got;

    ck_assert_msg(f != NULL, "cannot read %s", pwfile);
    ck_assert_ptr_nonnull(fgets(pw, sizeof(pw), f));
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    snprintf(a_user, sizeof(a_user), "-u%s", user);
    snprintf(a_pw, sizeof(a_pw), "-p%s", pw);
    snprintf(a_sock, sizeof(a_sock), "--socket=%s", sock);
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        execlp("mariadb", "mariadb", "--no-defaults", "--protocol=socket", a_sock, a_user, a_pw,
               "-N", "-B", name ? name : "portal", "-e", query, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    while (n < outlen - 1 && (got = read(fds[0], out + n, outlen - 1 - n)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(fds[0]);
    waitpid(pid, &st, 0);
    free(user);
    free(pwfile);
    free(sock);
    free(name);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_the_application_account_cannot_update_or_delete_an_event)
{
    long long org = make_org(platform_org(), "customer", "AppendOnly");
    long long id = plant(org, 0, 0, 0, "Users", "Invite User", "Success", "append only",
                         "2026-04-01 10:00:00");
    char q[256], out[2048];

    /* The account works (so the refusals below are its grants, not a typo). */
    snprintf(q, sizeof(q), "SELECT status FROM audit_events WHERE id = %lld", id);
    ck_assert_msg(as_app_user(q, out, sizeof(out)) == 0, "%s", out);
    ck_assert_str_eq(out, "Success\n");
    snprintf(q, sizeof(q), "INSERT INTO audit_events (org_id, category, action, status) "
             "VALUES (%lld, 'Users', 'Invite User', 'Pending')", org);
    ck_assert_msg(as_app_user(q, out, sizeof(out)) == 0, "%s", out);

    snprintf(q, sizeof(q), "UPDATE audit_events SET status = 'Failed' WHERE id = %lld", id);
    ck_assert_int_ne(as_app_user(q, out, sizeof(out)), 0);
    ck_assert_msg(strstr(out, "UPDATE command denied") != NULL, "%s", out);
    snprintf(q, sizeof(q), "DELETE FROM audit_events WHERE id = %lld", id);
    ck_assert_int_ne(as_app_user(q, out, sizeof(out)), 0);
    ck_assert_msg(strstr(out, "DELETE command denied") != NULL, "%s", out);
    snprintf(q, sizeof(q), "DELETE FROM audit_events WHERE org_id = %lld", org);
    ck_assert_int_ne(as_app_user(q, out, sizeof(out)), 0);
    /* Still there, unchanged. */
    snprintf(q, sizeof(q), "SELECT CONCAT(COUNT(*), ' ', MIN(status)) FROM audit_events "
             "WHERE org_id = %lld", org);
    char *v = sql("%s", q);
    ck_assert_str_eq(v, "2 Success");
    free(v);
    /* Other tables stay writable for it. */
    snprintf(q, sizeof(q), "UPDATE orgs SET name = name WHERE id = %lld", org);
    ck_assert_msg(as_app_user(q, out, sizeof(out)) == 0, "%s", out);
}
END_TEST

int main(void)
{
    if (suite_init("check_audit_retention") != 0)
        return 77;

    Suite *s = suite_create("audit_retention");
    TCase *tc = tcase_create("retention");
    tcase_add_test(tc, test_administrators_choose_days_within_the_bounds);
    tcase_add_test(tc, test_the_daily_job_deletes_only_expired_events_in_batches);
    tcase_add_test(tc, test_the_application_account_cannot_update_or_delete_an_event);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
