/*
 * throttle.c — brute-force protection on sign-in, Keycloak's model.
 *
 * Two counters in login_throttle take every failed attempt: the account's
 * ("user:<id>", or "email:<sha256>" for an address without an account, so
 * that both behave alike and the answer never tells which e-mails exist)
 * and the client address's ("ip:<addr>").  After each failure
 *
 *     wait = min(max_wait, wait_increment × (failures / failure_factor))
 *
 * (integer division) and a wait above zero locks the subject until then.
 * A counter starts again failure_reset seconds after its last failure, and
 * the account's on a successful sign-in or password reset.  Attempts made
 * while locked are refused before any password is checked and not counted.
 *
 *   [auth] failure_factor     5      failures per step (account)
 *          ip_failure_factor  20     failures per step (address: shared NATs)
 *          wait_increment     60     seconds added per step
 *          max_wait           900    the longest lock
 *          failure_reset      43200  seconds without failure that forget them
 */
#include "auth.h"

#include <ctype.h>
#include <stdio.h>

struct throttle_cfg {
    long factor, ip_factor, increment, max_wait, reset;
};

static void throttle_cfg(struct pt_req *r, struct throttle_cfg *c)
{
    c->factor = auth_config_long(r, "failure_factor", 5, 1, 1000);
    c->ip_factor = auth_config_long(r, "ip_failure_factor", 20, 1, 100000);
    c->increment = auth_config_long(r, "wait_increment", 60, 1, 86400);
    c->max_wait = auth_config_long(r, "max_wait", 900, 1, 604800);
    c->reset = auth_config_long(r, "failure_reset", 43200, 60, 31536000);
}

void auth_throttle_subjects(struct pt_req *r, int64_t user_id, const char *email,
                            struct auth_subjects *s)
{
    const char *ip = pt_req_client_ip(r);

    if (user_id > 0) {
        snprintf(s->account, sizeof(s->account), "user:%lld", (long long)user_id);
    } else {
        char lower[AUTH_EMAIL_MAX + 1], hex[PT_SHA256_HEX_LEN + 1];
        size_t n = 0;
        for (const char *p = email ? email : ""; *p && n < AUTH_EMAIL_MAX; p++)
            lower[n++] = (char)tolower((unsigned char)*p);
        lower[n] = '\0';
        pt_sha256_hex(lower, n, hex);
        snprintf(s->account, sizeof(s->account), "email:%s", hex);
    }
    snprintf(s->ip, sizeof(s->ip), "ip:%.60s", ip && *ip ? ip : "unknown");
}

long auth_throttle_wait(struct pt_req *r, const struct auth_subjects *s)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT MAX(TIMESTAMPDIFF(SECOND, NOW(), locked_until)) "
                             "AS wait FROM login_throttle WHERE subject IN (?, ?) "
                             "AND locked_until > NOW()",
                             PT_ARGS(PT_ARG_STR(s->account), PT_ARG_STR(s->ip)), &row);

    if (rc != 0)
        return 0;
    json_t *w = json_object_get(row, "wait");
    /* Locked, but less than a second left: still locked. */
    return json_is_integer(w) ? (long)json_integer_value(w) + 1 : 0;
}

/* One more failure on subject; the lock it earned in seconds (0: none). */
static long throttle_count(struct pt_req *r, const char *subject, long factor,
                           const struct throttle_cfg *c)
{
    json_t *row;
    long failures, wait;

    if (pt_db_exec(r, "INSERT INTO login_throttle (subject, failures, last_failure) "
                   "VALUES (?, 1, NOW()) ON DUPLICATE KEY UPDATE failures = "
                   "IF(last_failure IS NULL OR last_failure < NOW() - INTERVAL ? SECOND, 1, "
                   "failures + 1), last_failure = NOW()",
                   PT_ARGS(PT_ARG_STR(subject), PT_ARG_INT(c->reset)), NULL, NULL) != 0 ||
        pt_db_query_one(r, "SELECT failures FROM login_throttle WHERE subject = ?",
                        PT_ARGS(PT_ARG_STR(subject)), &row) != 0)
        return 0;
    failures = (long)json_integer_value(json_object_get(row, "failures"));
    wait = c->increment * (failures / factor);
    if (wait > c->max_wait)
        wait = c->max_wait;
    if (wait <= 0)
        return 0;
    if (pt_db_exec(r, "UPDATE login_throttle SET locked_until = NOW() + INTERVAL ? SECOND "
                   "WHERE subject = ?", PT_ARGS(PT_ARG_INT(wait), PT_ARG_STR(subject)),
                   NULL, NULL) != 0)
        return 0;
    return wait;
}

bool auth_throttle_fail(struct pt_req *r, const struct auth_subjects *s, int64_t user_id,
                        const char *email)
{
    struct throttle_cfg c;
    long account_wait, ip_wait;

    throttle_cfg(r, &c);
    account_wait = throttle_count(r, s->account, c.factor, &c);
    ip_wait = throttle_count(r, s->ip, c.ip_factor, &c);
    if (account_wait > 0) {
        json_t *m = json_pack("{s:s, s:I}", "email", email ? email : "",
                              "seconds", (json_int_t)account_wait);
        auth_audit(r, true, AUTH_CAT_SECURITY, "Account Locked", "Failed", user_id, m);
        json_decref(m);
    }
    if (ip_wait > 0) {
        const char *ip = pt_req_client_ip(r);
        json_t *m = json_pack("{s:s, s:I}", "ip", ip ? ip : "",
                              "seconds", (json_int_t)ip_wait);
        auth_audit(r, true, AUTH_CAT_SECURITY, "Address Locked", "Failed", 0, m);
        json_decref(m);
    }
    return account_wait > 0;
}

void auth_throttle_clear_account(struct pt_req *r, int64_t user_id)
{
    char subject[40];

    snprintf(subject, sizeof(subject), "user:%lld", (long long)user_id);
    pt_db_exec(r, "DELETE FROM login_throttle WHERE subject = ?",
               PT_ARGS(PT_ARG_STR(subject)), NULL, NULL);
}

int auth_throttle_refuse(struct pt_req *r, json_t *view, long wait)
{
    long minutes = (wait + 59) / 60;
    char secs[24];

    snprintf(secs, sizeof(secs), "%ld", wait);
    pt_resp_header(r, "Retry-After", secs);
    json_object_set_new(view, "locked", json_true());
    return auth_form_error(r, view, 429, pt_printf(r,
        "Too many failed attempts. Wait %ld minute%s and try again, or reset your "
        "password by e-mail.", minutes, minutes == 1 ? "" : "s"));
}
