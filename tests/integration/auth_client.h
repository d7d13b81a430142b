/*
 * auth_client.h — what the integration suites drive the portal with: a
 * browser (a cookie jar, forms with their CSRF token, redirects not
 * followed, JSON API calls), the stack's database through the mariadb
 * client (fixtures an administrator would have made), the real oathtool,
 * the SMTP sink's mail folder, and a suite's main() (set-up, run).
 * Every helper fails the running Check test on a broken promise, so they
 * are called from tests only (suite_init, run_suite and read_file excepted).
 */
#ifndef PT_TEST_AUTH_CLIENT_H
#define PT_TEST_AUTH_CLIENT_H

#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "http.h"

#define PASSWORD     "Correct-Horse-9"
#define NEW_PASSWORD "Battery-Staple-42"
#define MAX_COOKIES  16

/* From PT_TEST_VAR and PT_TEST_CONFIG; 77 (skip) when they are unset. */
int auth_client_init(void);

/* ---- a suite's main() ---- */

/* auth_client_init, then libcurl's global set-up: 0, or 77 (skip) when the
 * stack's variables are unset, said on stderr under name ("check_roles"). */
int suite_init(const char *name);
/* Runs every test of s (CK_NORMAL), frees the runner, then libcurl's global
 * clean-up: main's exit status, EXIT_SUCCESS when no test failed. */
int run_suite(Suite *s);

/* ---- the database ---- */

/* One SQL text through the mariadb client: its output (no column names),
 * trimmed, malloc'd. */
char *sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A checked fixture: every test signs in from 127.0.0.1, so one test's
 * failed sign-ins must not lock the next one out. */
void unlock_client_address(void);
long long sql_int(const char *query);
/* sql_int of a printf-style query. */
long long sql_num(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Asks the printf-style query 4 times a second, for up to seconds, until
 * its output is want; false when it never is. */
bool sql_wait(const char *want, int seconds, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A value of the stack's portal.conf, malloc'd, or NULL. */
char *conf_get(const char *section, const char *key);

/* ---- fixtures ---- */

long long platform_org(void);
/* A fresh address "<tag>-<pid>-<n>-<t>@example.com", malloc'd. */
char *unique_email(const char *tag);
/* A custom role of the platform organisation with these permission keys
 * (a comma-separated list, may be empty). */
long long make_role(const char *perms);
/* A user holding role (0: a role without permissions) in the platform
 * organisation, with PASSWORD unless with_password is false. */
long long make_user(const char *email, bool with_password, long long role);
/* An organisation of kind under parent (its closure rows too), named
 * "<name> <pid>-<n>" so reruns never collide; returns its id. */
long long make_org(long long parent, const char *kind, const char *name);
/* A system role's id by its key ("msp_admin"). */
long long system_role(const char *key);
/* A user with PASSWORD holding role at org (a fresh e-mail from tag). */
long long make_member(const char *tag, long long org, long long role, char **email);
/* One more membership for an existing user. */
void add_membership(long long user, long long org, long long role);
/* A one_time_tokens link for user: the token (64 hex digits, as portalctl
 * makes them), stored as its SHA-256 hex. */
char *make_link(long long user, const char *purpose, const char *expires_sql);

/* ---- the browser ---- */

struct browser {
    char *name[MAX_COOKIES], *value[MAX_COOKIES];
    int   n;
    char  csrf[128];                /* the last page's csrf_token field */
};

void browser_free(struct browser *b);
const char *cookie(const struct browser *b, const char *name);
void cookie_set(struct browser *b, const char *name, size_t nlen, const char *value,
                size_t vlen, bool drop);
/* http_request that waits out nginx's own 429 (the one without X-Request-Id). */
int paced_request(const char *method, const char *path, const char *const *hdrs,
                  const char *body, size_t len, struct http_resp *out);
/* One request with the jar's cookies; json: a JSON body, Accept JSON and
 * X-CSRF-Token.  The response's cookies go into the jar. */
void browse(struct browser *b, const char *method, const char *path, const char *body,
            bool json, struct http_resp *out);
/* The same with a body of len bytes sent as is and one more header
 * ("Content-Type: multipart/form-data; boundary=…"; NULL: none). */
void browse_raw(struct browser *b, const char *method, const char *path, const char *header,
                const char *body, size_t len, struct http_resp *out);
/* A JSON request (browse with json) to the printf-style path that must
 * answer want; its body parsed (problem+json too), which must be JSON. */
json_t *api_json(struct browser *b, const char *method, long want, const char *body,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* api_json's body with a va_list; lax: an answer of 300 or more may be
 * something else than JSON (NULL then). */
json_t *api_json_v(struct browser *b, const char *method, long want, const char *body, bool lax,
                   const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
char *form_enc(const char *s);
/* POST a form of "name", "value" pairs ending with NULL, csrf_token added. */
void post_form(struct browser *b, const char *path, struct http_resp *out, ...);
void assert_redirect(const struct http_resp *r, const char *prefix);
void assert_body_has(const struct http_resp *r, const char *want);
/* GET that must answer 200; keeps the page's CSRF token when signed in. */
void open_page(struct browser *b, const char *path, struct http_resp *out);
/* 200 when the browser is signed in, 401 when not (the JSON API says). */
long whoami(struct browser *b);
void sign_in(struct browser *b, const char *email, const char *password,
             struct http_resp *out);
/* sign_in that must succeed: a 303 to "/". */
void sign_in_ok(struct browser *b, const char *email, const char *password);
/* A browser signed in (sign_in_ok) as a new member holding the system role
 * key at org (make_member, the e-mail from tag, kept in *email unless
 * NULL); the member's id. */
long long member_signed_in(struct browser *b, const char *tag, long long org, const char *key,
                           char **email);

/* ---- TOTP, pages, mail, other hosts, files ---- */

/* The real oathtool's code for a base32 secret at now + offset seconds. */
char *oathtool(const char *secret, long offset);
/* The text after prefix up to the next '<'. */
char *scrape(const char *body, const char *prefix);
/* The recovery codes listed in the page. */
int scrape_codes(const char *body, char codes[10][16]);
/* The mail to `to` whose subject starts with subject (quoted-printable
 * decoded), waiting up to 20 s for its delivery. */
char *mail_wait(const char *to, const char *subject);
/* The link in text that starts with path_prefix, up to a space or quote. */
char *link_in(const char *text, const char *path_prefix);
/* GET path from an nginx on 127.0.0.1:port as host: plain HTTP with a Host
 * header, or (tls) HTTPS with host pinned to 127.0.0.1, trusting ca.  The
 * status (0: no answer); the body and the Location (malloc'd, NULL when
 * none) in *body and *location unless NULL. */
long host_get(int port, const char *host, const char *path, bool tls, const char *ca,
              char **body, char **location);
/* The whole file, NUL-terminated, malloc'd; its size in *len unless len is
 * NULL.  NULL when it cannot be read.  No ck_* call: main may use it. */
char *read_file(const char *path, size_t *len);

#endif
