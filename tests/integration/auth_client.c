/* auth_client.c — see auth_client.h. */
#include "auth_client.h"
#include "portal.h"

#include <check.h>
#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char db_name[64] = "portal";
static char db_socket[1024];
static char db_user[64];

/* ---- the database, through the mariadb client ------------------------------ */

/* Runs one SQL text; its output (tab-separated, no column names), trimmed.
 * Fails the test when the client fails. */
char *sql(const char *fmt, ...)
{
    char q[8192], sockarg[1100], userarg[80], out[65536];
    int pipefd[2], st;
    size_t n = 0;
    ssize_t got;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(q, sizeof(q), fmt, ap);
    va_end(ap);
    snprintf(sockarg, sizeof(sockarg), "--socket=%s", db_socket);
    snprintf(userarg, sizeof(userarg), "-u%s", db_user);
    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        execlp("mariadb", "mariadb", "--no-defaults", "--protocol=socket", sockarg, userarg,
               "-N", "-B", db_name, "-e", q, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    while (n < sizeof(out) - 1 && (got = read(pipefd[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)got;
    close(pipefd[0]);
    out[n] = '\0';
    waitpid(pid, &st, 0);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mariadb failed on: %s", q);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return strdup(out);
}

long long sql_int(const char *query)
{
    char *v = sql("%s", query);
    long long n = strtoll(v, NULL, 10);

    free(v);
    return n;
}

long long sql_num(const char *fmt, ...)
{
    char q[8192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(q, sizeof(q), fmt, ap);
    va_end(ap);
    return sql_int(q);
}

/* Polls the query until its output is want (the job worker's work is seen
 * within a second or so). */
bool sql_wait(const char *want, int seconds, const char *fmt, ...)
{
    char q[8192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(q, sizeof(q), fmt, ap);
    va_end(ap);
    for (int i = 0; i < seconds * 4; i++) {
        char *v = sql("%s", q);
        bool ok = strcmp(v, want) == 0;
        free(v);
        if (ok)
            return true;
        usleep(250 * 1000);
    }
    return false;
}

/* A value of the stack's portal.conf, or NULL. */
char *conf_get(const char *section, const char *key)
{
    FILE *f = fopen(getenv("PT_TEST_CONFIG"), "r");
    char line[2048], cur[128] = "";
    char *found = NULL;

    if (f == NULL)
        return NULL;
    while (!found && fgets(line, sizeof(line), f)) {
        char *p = line + strspn(line, " \t"), *eq;
        p[strcspn(p, "\r\n")] = '\0';
        if (*p == '[') {
            snprintf(cur, sizeof(cur), "%.*s", (int)strcspn(p + 1, "]"), p + 1);
        } else if (*p != ';' && *p != '#' && strcmp(cur, section) == 0 &&
                   (eq = strchr(p, '=')) != NULL) {
            char *k = p, *ke = eq;
            while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
                ke--;
            if ((size_t)(ke - k) == strlen(key) && strncmp(k, key, strlen(key)) == 0)
                found = strdup(eq + 1 + strspn(eq + 1, " \t"));
        }
    }
    fclose(f);
    return found;
}

/* ---- fixtures: accounts made as an administrator would ------------------------- */

long long platform_org(void)
{
    return sql_int("SELECT id FROM orgs WHERE kind = 'platform' ORDER BY id LIMIT 1");
}

char *unique_email(const char *tag)
{
    static int n;
    char buf[128];

    snprintf(buf, sizeof(buf), "%s-%ld-%d-%d@example.com", tag, (long)getpid(), n++,
             (int)(time(NULL) % 100000));
    return strdup(buf);
}

/* A role of the platform organisation with these permissions (comma list). */
long long make_role(const char *perms)
{
    char name[80], list[512], *save = NULL, *tok;
    size_t used = 0;

    snprintf(name, sizeof(name), "Auth test %ld %ld", (long)getpid(), (long)random());
    long long org = platform_org();
    free(sql("INSERT INTO roles (org_id, name, is_system) VALUES (%lld, '%s', 0)", org, name));
    long long role = 0;
    char *v = sql("SELECT id FROM roles WHERE name = '%s'", name);
    role = strtoll(v, NULL, 10);
    free(v);
    snprintf(list, sizeof(list), "%s", perms);
    for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        free(sql("INSERT INTO role_permissions (role_id, perm_key) VALUES (%lld, '%s')",
                 role, tok));
        used++;
    }
    ck_assert_uint_gt(used + 1, 0);
    return role;
}

/* A user (with PASSWORD unless with_password is false) holding role in the
 * platform organisation (role 0: a fresh role without permissions). */
long long make_user(const char *email, bool with_password, long long role)
{
    char phc[PT_PASSWORD_PHC_MAX] = "";

    if (role == 0)
        role = make_role("");
    if (with_password)
        ck_assert_int_eq(pt_password_hash(PASSWORD, phc, sizeof(phc)), 0);
    free(sql("INSERT INTO users (email, full_name, password_hash) VALUES ('%s', 'Test %s', %s%s%s)",
             email, email, with_password ? "'" : "", with_password ? phc : "NULL",
             with_password ? "'" : ""));
    char *v = sql("SELECT id FROM users WHERE email = '%s'", email);
    long long id = strtoll(v, NULL, 10);
    free(v);
    free(sql("INSERT INTO memberships (user_id, org_id, role_id) VALUES (%lld, %lld, %lld)",
             id, platform_org(), role));
    return id;
}

long long make_org(long long parent, const char *kind, const char *name)
{
    static int n;
    char full[160], slug[160];

    snprintf(full, sizeof(full), "%s %ld-%d-%ld", name, (long)getpid(), n++, (long)random() % 100000);
    snprintf(slug, sizeof(slug), "t-%ld-%d-%ld", (long)getpid(), n, (long)random());
    free(sql("INSERT INTO orgs (parent_id, kind, name, slug) VALUES (%lld, '%s', '%s', '%s')",
             parent, kind, full, slug));
    char *v = sql("SELECT id FROM orgs WHERE slug = '%s'", slug);
    long long org = strtoll(v, NULL, 10);
    free(v);
    ck_assert_int_gt(org, 0);
    free(sql("INSERT INTO org_closure (ancestor, descendant, depth) "
             "SELECT ancestor, %lld, depth + 1 FROM org_closure WHERE descendant = %lld "
             "UNION ALL SELECT %lld, %lld, 0", org, parent, org, org));
    return org;
}

long long system_role(const char *key)
{
    char *v = sql("SELECT id FROM roles WHERE system_key = '%s'", key);
    long long id = strtoll(v, NULL, 10);

    free(v);
    ck_assert_msg(id > 0, "no system role %s", key);
    return id;
}

void add_membership(long long user, long long org, long long role)
{
    free(sql("INSERT INTO memberships (user_id, org_id, role_id) VALUES (%lld, %lld, %lld) "
             "ON DUPLICATE KEY UPDATE role_id = VALUES(role_id)", user, org, role));
}

long long make_member(const char *tag, long long org, long long role, char **email)
{
    char *e = unique_email(tag);
    long long id = make_user(e, true, role);

    /* make_user put the user in the platform organisation: move it. */
    free(sql("DELETE FROM memberships WHERE user_id = %lld", id));
    add_membership(id, org, role);
    if (email)
        *email = e;
    else
        free(e);
    return id;
}

/* A one-time link for user: the token (64 hex digits, like portalctl's). */
char *make_link(long long user, const char *purpose, const char *expires_sql)
{
    unsigned char rnd[32];
    char token[65], hash[PT_SHA256_HEX_LEN + 1];

    ck_assert_int_eq(pt_random_bytes(rnd, sizeof(rnd)), 0);
    for (int i = 0; i < 32; i++)
        snprintf(token + 2 * i, 3, "%02x", rnd[i]);
    pt_sha256_hex(token, 64, hash);
    free(sql("INSERT INTO one_time_tokens (purpose, token_hash, user_id, org_id, expires) "
             "VALUES ('%s', '%s', %lld, %lld, %s)", purpose, hash, user, platform_org(),
             expires_sql));
    return strdup(token);
}

/* ---- a browser: cookies, forms, CSRF tokens ---------------------------------------- */


void browser_free(struct browser *b)
{
    for (int i = 0; i < b->n; i++) {
        free(b->name[i]);
        free(b->value[i]);
    }
    memset(b, 0, sizeof(*b));
}

const char *cookie(const struct browser *b, const char *name)
{
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->name[i], name) == 0)
            return b->value[i];
    return NULL;
}

void cookie_set(struct browser *b, const char *name, size_t nlen, const char *value,
                       size_t vlen, bool drop)
{
    int i;

    for (i = 0; i < b->n; i++)
        if (strlen(b->name[i]) == nlen && strncmp(b->name[i], name, nlen) == 0)
            break;
    if (i == b->n) {
        if (drop || b->n == MAX_COOKIES)
            return;
        b->name[b->n] = strndup(name, nlen);
        b->value[b->n++] = NULL;
    }
    free(b->value[i]);
    b->value[i] = strndup(value, vlen);
    if (drop) {
        free(b->name[i]);
        free(b->value[i]);
        b->name[i] = b->name[b->n - 1];
        b->value[i] = b->value[b->n - 1];
        b->n--;
    }
}

/* Applies every Set-Cookie of a response (an empty value or Max-Age=0 deletes). */
static void cookies_take(struct browser *b, const struct http_resp *r)
{
    for (const char *l = r->headers; l && *l;) {
        const char *end = strstr(l, "\r\n");
        size_t len = end ? (size_t)(end - l) : strlen(l);
        char *line = strndup(l, len);
        if (len > 11 && strncasecmp(line, "Set-Cookie:", 11) == 0) {
            char *p = line + 11 + strspn(line + 11, " ");
            char *eq = strchr(p, '=');
            if (eq) {
                size_t vlen = strcspn(eq + 1, ";");
                bool drop = vlen == 0 || strstr(eq, "Max-Age=0") != NULL;
                cookie_set(b, p, (size_t)(eq - p), eq + 1, vlen, drop);
            }
        }
        free(line);
        l = end ? end + 2 : l + len;
    }
}

/* http_request, waiting out nginx's own rate limit on the sign-in and
 * password routes (5 POSTs a second): its 429 is the only answer without
 * the portal's X-Request-Id.  The portal's own answers are returned as is. */
int paced_request(const char *method, const char *path, const char *const *hdrs,
                         const char *body, size_t len, struct http_resp *out)
{
    for (int tries = 0;; tries++) {
        int rc = http_request(method, path, hdrs, body, len, out);
        char *id = rc == 0 && out->status == 429 ? http_header(out, "X-Request-Id") : NULL;
        if (rc != 0 || out->status != 429 || id != NULL || tries == 100) {
            free(id);
            return rc;
        }
        http_resp_free(out);
        usleep(250000);
    }
}

/* One request as this browser: the jar's cookies, then extra (up to 3
 * headers, NULL-terminated); the response's cookies go into the jar. */
static void browse_with(struct browser *b, const char *method, const char *path,
                        const char *const *extra, const char *body, size_t len,
                        struct http_resp *out)
{
    char ck[4096] = "Cookie: ";
    const char *hdrs[5];
    int h = 0;

    for (int i = 0; i < b->n; i++)
        snprintf(ck + strlen(ck), sizeof(ck) - strlen(ck), "%s%s=%s", i ? "; " : "",
                 b->name[i], b->value[i]);
    if (b->n)
        hdrs[h++] = ck;
    for (; extra && *extra && h < 4; extra++)
        hdrs[h++] = *extra;
    hdrs[h] = NULL;
    ck_assert_int_eq(paced_request(method, path, hdrs, body, len, out), 0);
    cookies_take(b, out);
}

/* One request as this browser.  body: urlencoded form, or JSON when json. */
void browse(struct browser *b, const char *method, const char *path, const char *body,
                   bool json, struct http_resp *out)
{
    char csrf[200];
    const char *extra[4] = { NULL };

    if (json) {
        extra[0] = "Content-Type: application/json";
        extra[1] = "Accept: application/json";
        if (b->csrf[0]) {
            snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", b->csrf);
            extra[2] = csrf;
        }
    }
    browse_with(b, method, path, extra, body, body ? strlen(body) : 0, out);
}

/* One request as this browser with a body as is (multipart …). */
void browse_raw(struct browser *b, const char *method, const char *path, const char *header,
                const char *body, size_t len, struct http_resp *out)
{
    const char *extra[2] = { header, NULL };

    browse_with(b, method, path, extra, body, len, out);
}

/* A JSON request to a printf-style path; the status must be want and the
 * body JSON (a problem's too).  The parsed body, owned by the caller. */
json_t *api_json_v(struct browser *b, const char *method, long want, const char *body, bool lax,
                   const char *fmt, va_list ap)
{
    char path[2048];
    struct http_resp r;

    vsnprintf(path, sizeof(path), fmt, ap);
    browse(b, method, path, body, true, &r);
    ck_assert_msg(r.status == want, "%s %s: %ld, want %ld: %.400s", method, path, r.status,
                  want, r.body);
    json_t *v = json_loads(r.body, 0, NULL);
    ck_assert_msg(v != NULL || (lax && want >= 300), "%s: not JSON: %.200s", path, r.body);
    http_resp_free(&r);
    return v;
}

json_t *api_json(struct browser *b, const char *method, long want, const char *body,
                 const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    json_t *v = api_json_v(b, method, want, body, false, fmt, ap);
    va_end(ap);
    return v;
}

/* The page's CSRF token (value of its csrf_token field), kept for forms. */
static void csrf_from(struct browser *b, const struct http_resp *r)
{
    const char *p = strstr(r->body, "name=\"csrf_token\" value=\"");

    ck_assert_msg(p != NULL, "no CSRF field in the page");
    p += strlen("name=\"csrf_token\" value=\"");
    snprintf(b->csrf, sizeof(b->csrf), "%.*s", (int)strcspn(p, "\""), p);
    ck_assert_uint_gt(strlen(b->csrf), 20);
}

char *form_enc(const char *s)
{
    char *out = malloc(strlen(s) * 3 + 1), *o = out;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    return out;
}

/* POST a form: "k1", "v1", "k2", "v2", ..., NULL; adds the CSRF token. */
void post_form(struct browser *b, const char *path, struct http_resp *out, ...)
{
    char body[8192] = "";
    va_list ap;
    const char *k;

    if (b->csrf[0])
        snprintf(body, sizeof(body), "csrf_token=%s", b->csrf);
    va_start(ap, out);
    while ((k = va_arg(ap, const char *)) != NULL) {
        char *v = form_enc(va_arg(ap, const char *));
        snprintf(body + strlen(body), sizeof(body) - strlen(body), "%s%s=%s",
                 body[0] ? "&" : "", k, v);
        free(v);
    }
    va_end(ap);
    browse(b, "POST", path, body, false, out);
}

void assert_redirect(const struct http_resp *r, const char *prefix)
{
    char *loc = http_header(r, "Location");

    ck_assert_msg(r->status == 303, "status %ld, wanted 303 to %s: %.300s", r->status, prefix,
                  r->body);
    ck_assert_msg(loc && strncmp(loc, prefix, strlen(prefix)) == 0,
                  "redirect to '%s', wanted '%s…'", loc ? loc : "(none)", prefix);
    free(loc);
}

void assert_body_has(const struct http_resp *r, const char *want)
{
    ck_assert_msg(strstr(r->body, want) != NULL, "status %ld, '%s' not in: %.600s", r->status,
                  want, r->body);
}

/* GET path, expecting 200; the page's CSRF token is kept. */
void open_page(struct browser *b, const char *path, struct http_resp *out)
{
    browse(b, "GET", path, NULL, false, out);
    ck_assert_msg(out->status == 200, "GET %s: %ld %.300s", path, out->status, out->body);
    if (strstr(out->body, "name=\"csrf_token\" value=\"") && cookie(b, "pt_session"))
        csrf_from(b, out);
}

/* Is this browser signed in?  The API answers 200 or 401. */
long whoami(struct browser *b)
{
    struct http_resp r;
    char csrf[128];

    memcpy(csrf, b->csrf, sizeof(csrf));
    b->csrf[0] = '\0';
    browse(b, "GET", "/api/v1/profile/security", NULL, true, &r);
    memcpy(b->csrf, csrf, sizeof(csrf));
    long st = r.status;
    http_resp_free(&r);
    return st;
}

/* ---- sign-in, TOTP, mail ---------------------------------------------------------- */

void sign_in(struct browser *b, const char *email, const char *password,
                    struct http_resp *out)
{
    post_form(b, "/login", out, "email", email, "password", password, (char *)NULL);
}

/* Signs in, which must lead home. */
void sign_in_ok(struct browser *b, const char *email, const char *password)
{
    struct http_resp r;

    sign_in(b, email, password, &r);
    assert_redirect(&r, "/");
    http_resp_free(&r);
}

/* A new member of org holding the system role key, signed in with b. */
long long member_signed_in(struct browser *b, const char *tag, long long org, const char *key,
                           char **email)
{
    char *e;
    long long uid = make_member(tag, org, system_role(key), &e);

    sign_in_ok(b, e, PASSWORD);
    if (email)
        *email = e;
    else
        free(e);
    return uid;
}

/* The real oathtool's code for secret at now + offset seconds. */
char *oathtool(const char *secret, long offset)
{
    char cmd[256], code[32] = "";
    FILE *p;

    ck_assert_uint_eq(strspn(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), strlen(secret));
    snprintf(cmd, sizeof(cmd), "oathtool --totp -b --now=@%ld %s", (long)time(NULL) + offset,
             secret);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(code, sizeof(code), p));
    ck_assert_int_eq(pclose(p), 0);
    code[strcspn(code, "\r\n")] = '\0';
    ck_assert_uint_eq(strlen(code), 6);
    return strdup(code);
}

/* The text between prefix and the next '<' after it in the body. */
char *scrape(const char *body, const char *prefix)
{
    const char *p = strstr(body, prefix);

    ck_assert_msg(p != NULL, "'%s' not in the page: %.400s", prefix, body);
    p += strlen(prefix);
    return strndup(p, strcspn(p, "<"));
}

/* Every "<code>…</code>" of the recovery-code list. */
int scrape_codes(const char *body, char codes[10][16])
{
    const char *p = strstr(body, "id=\"recovery-codes\"");
    int n = 0;

    ck_assert_msg(p != NULL, "no recovery codes shown: %.400s", body);
    while (n < 10 && (p = strstr(p, "<code>")) != NULL) {
        p += 6;
        snprintf(codes[n++], 16, "%.*s", (int)strcspn(p, "<"), p);
    }
    return n;
}

/* Quoted-printable soft breaks and =XX escapes undone, in place. */
static void qp_decode(char *s)
{
    char *o = s;

    for (char *p = s; *p;) {
        if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
            p += 3;
        } else if (p[0] == '=' && p[1] == '\n') {
            p += 2;
        } else if (p[0] == '=' && isxdigit((unsigned char)p[1]) &&
                   isxdigit((unsigned char)p[2])) {
            char hex[3] = { p[1], p[2], 0 };
            *o++ = (char)strtol(hex, NULL, 16);
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

/* The whole file, read in growing chunks; NULL when missing (or out of memory). */
char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, *more;
    size_t n = 0, cap = 0, got;

    if (f == NULL)
        return NULL;
    do {
        if (n + 65536 + 1 > cap) {
            cap = (n + 65536 + 1) * 2;
            if ((more = realloc(buf, cap)) == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = more;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* The newest mail to `to` whose subject starts with subject, decoded;
 * waits up to 20 s for the job worker to deliver it. */
char *mail_wait(const char *to, const char *subject)
{
    char dir[1024], rcpt[300], subj[300], path[2200];

    snprintf(dir, sizeof(dir), "%s/mail", getenv("PT_TEST_VAR"));
    snprintf(rcpt, sizeof(rcpt), "X-Sink-Rcpt-To: %s", to);
    snprintf(subj, sizeof(subj), "Subject: %s", subject);
    for (int tries = 0; tries < 200; tries++) {
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.' || strstr(e->d_name, ".eml") == NULL)
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            char *m = read_file(path, NULL);
            if (m && strstr(m, rcpt) && strstr(m, subj)) {
                closedir(d);
                qp_decode(m);
                return m;
            }
            free(m);
        }
        if (d)
            closedir(d);
        usleep(100000);
    }
    ck_abort_msg("no mail to %s with subject '%s' within 20 s", to, subject);
    return NULL;
}

/* The path and query of the first link to base_url + path_prefix in text. */
char *link_in(const char *text, const char *path_prefix)
{
    const char *p = strstr(text, path_prefix);

    ck_assert_msg(p != NULL, "no %s link in: %.500s", path_prefix, text);
    return strndup(p, strcspn(p, " \r\n\"<>"));
}

/* One GET past the portal's own base URL: a partner host on a local nginx. */
long host_get(int port, const char *host, const char *path, bool tls, const char *ca,
              char **body, char **location)
{
    CURL *c = curl_easy_init();
    struct curl_slist *res = NULL, *hdrs = NULL;
    char url[600], hdr[300], pin[300];
    long status = 0;
    FILE *mem;
    size_t len = 0;
    char *buf = NULL;

    ck_assert_ptr_nonnull(c);
    mem = open_memstream(&buf, &len);
    if (tls) {
        snprintf(pin, sizeof(pin), "%s:%d:127.0.0.1", host, port);
        res = curl_slist_append(res, pin);
        curl_easy_setopt(c, CURLOPT_RESOLVE, res);
        snprintf(url, sizeof(url), "https://%s:%d%s", host, port, path);
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    } else {
        snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
        snprintf(hdr, sizeof(hdr), "Host: %s", host);
        hdrs = curl_slist_append(hdrs, hdr);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (location) {
        char *loc = NULL;
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
        *location = loc ? strdup(loc) : NULL;
    }
    fclose(mem);
    if (body)
        *body = buf;
    else
        free(buf);
    curl_slist_free_all(res);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return status;
}

int auth_client_init(void)
{
    struct passwd *pw = getpwuid(getuid());
    const char *var = getenv("PT_TEST_VAR");
    char *name;

    if (http_base() == NULL || var == NULL || getenv("PT_TEST_CONFIG") == NULL)
        return 77;
    if ((name = conf_get("database", "name")) != NULL)
        snprintf(db_name, sizeof(db_name), "%s", name);
    free(name);
    snprintf(db_socket, sizeof(db_socket), "%s/run/mysqld.sock", var);
    snprintf(db_user, sizeof(db_user), "%s", pw ? pw->pw_name : "root");
    srandom((unsigned)getpid());
    return 0;
}

void unlock_client_address(void)
{
    free(sql("DELETE FROM login_throttle WHERE subject LIKE 'ip:%%'"));
}

/* ---- a suite's main() -------------------------------------------------------------- */

int suite_init(const char *name)
{
    if (auth_client_init() != 0) {
        fprintf(stderr, "%s: PT_TEST_BASE_URL unset: run it from scripts/dev test\n", name);
        return 77;
    }
    curl_global_init(CURL_GLOBAL_ALL);
    return 0;
}

int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
