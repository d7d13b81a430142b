/*
 * request.c — struct pt_req from the FastCGI params and body.  Every value is
 * copied into the arena (libfcgi frees its params at FCGX_Finish_r) and every
 * size is checked against [limits] before anything is buffered.
 */
#include "request.h"
#include "arena.h"
#include "pt_config.h"
#include "router.h"
#include "worker.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define API_PREFIX "/api/v1"

static int req_fail(struct pt_req *r, int status, const char *why)
{
    r->status = status;
    r->error_detail = why;
    return status;
}

static const char *req_env(const struct pt_req *r, const char *name)
{
    return r->fcgx ? FCGX_GetParam(name, r->fcgx->envp) : NULL;
}

/* "HTTP_USER_AGENT" → "User-Agent". */
static char *header_name(struct pt_arena *a, const char *env, size_t len)
{
    char *name = pt_arena_strndup(a, env, len);
    int upper = 1;

    if (name == NULL)
        return NULL;
    for (char *p = name; *p; p++) {
        *p = *p == '_' ? '-' : (char)(upper ? toupper((unsigned char)*p)
                                           : tolower((unsigned char)*p));
        upper = *p == '-';
    }
    return name;
}

static int collect_headers(struct pt_req *r)
{
    const struct pt_limits *lim = &r->w->cfg->limits;

    for (char **e = r->fcgx->envp; *e; e++) {
        const char *eq = strchr(*e, '=');

        if (strncmp(*e, "HTTP_", 5) != 0 || eq == NULL)
            continue;
        if (r->headers.n >= lim->max_headers)
            return req_fail(r, 400, "too many request headers");
        char *name = header_name(r->arena, *e + 5, (size_t)(eq - *e - 5));
        char *value = pt_arena_strdup(r->arena, eq + 1);
        if (name == NULL || value == NULL ||
            pt_kv_add(r->arena, &r->headers, name, value, strlen(value)) != 0)
            return req_fail(r, 500, "out of memory");
    }
    return 0;
}

/* Lower case, port and trailing dot dropped: "Portal.Example.COM.:8080" → "portal.example.com". */
static const char *normalise_host(struct pt_arena *a, const char *host)
{
    if (host == NULL)
        return "";
    size_t len = host[0] == '[' ? strcspn(host, "]") + (host[strcspn(host, "]")] ? 1 : 0)
                                : strcspn(host, ":");
    char *h = pt_arena_strndup(a, host, len);

    if (h == NULL)
        return "";
    for (char *p = h; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (len > 1 && h[len - 1] == '.')
        h[len - 1] = '\0';
    return h;
}

static void set_request_id(struct pt_req *r)
{
    const char *nginx_id = req_env(r, "REQUEST_ID");
    unsigned char raw[8];

    if (nginx_id && strlen(nginx_id) < sizeof(r->id) &&
        strspn(nginx_id, "0123456789abcdef") == strlen(nginx_id) && *nginx_id) {
        memcpy(r->id, nginx_id, strlen(nginx_id) + 1);
        return;
    }
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        memset(raw, 0, sizeof(raw));
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(r->id + 2 * i, 3, "%02x", raw[i]);
}

/* "/api/v1/x" → api, path "/x".  Accept: application/json also asks for JSON. */
static void detect_api(struct pt_req *r)
{
    size_t n = strlen(API_PREFIX);
    const char *accept = pt_req_header(r, "Accept");

    if (strncmp(r->path, API_PREFIX, n) == 0 && (r->path[n] == '/' || r->path[n] == '\0')) {
        r->api = true;
        r->path = r->path[n] ? r->path + n : "/";
    } else if (accept && strstr(accept, "application/json") && !strstr(accept, "text/html")) {
        r->api = true;
    }
}

static int parse_target(struct pt_req *r)
{
    const char *uri = req_env(r, "REQUEST_URI");
    const struct pt_limits *lim = &r->w->cfg->limits;
    const char *why = NULL;

    if (uri == NULL || uri[0] != '/')
        return req_fail(r, 400, "the request target must be an absolute path");
    size_t plen = strcspn(uri, "?#");
    r->path = r->full_path = pt_arena_strndup(r->arena, uri, plen);
    if (r->path == NULL)
        return req_fail(r, 500, "out of memory");
    /* First, so that even a malformed query gets a problem+json answer. */
    detect_api(r);
    if (uri[plen] == '?') {
        const char *q = uri + plen + 1;
        int rc = pt_parse_urlencoded(r->arena, q, strcspn(q, "#"), lim, &r->query, &why);
        if (rc != 0)
            return req_fail(r, 400, why ? why : "malformed query string");
    }
    return 0;
}

static int parse_content_length(struct pt_req *r, size_t *len)
{
    const char *cl = req_env(r, "CONTENT_LENGTH");
    char *end;

    *len = 0;
    if (cl == NULL || *cl == '\0')
        return 0;
    if (strspn(cl, "0123456789") != strlen(cl) || strlen(cl) > 12)
        return req_fail(r, 400, "malformed Content-Length");
    errno = 0;
    unsigned long long v = strtoull(cl, &end, 10);
    if (errno != 0)
        return req_fail(r, 400, "malformed Content-Length");
    if (v > r->w->cfg->limits.max_body)
        return req_fail(r, 413, "the request body is larger than this server accepts");
    *len = (size_t)v;
    return 0;
}

static int read_body(struct pt_req *r, size_t len, char **body)
{
    char *buf = pt_arena_alloc(r->arena, len + 1);
    size_t got = 0;

    if (buf == NULL)
        return req_fail(r, 500, "out of memory");
    while (got < len) {
        int n = FCGX_GetStr(buf + got, (int)(len - got > 65536 ? 65536 : len - got), r->fcgx->in);
        if (n <= 0)
            return req_fail(r, 400, "the request body is shorter than its Content-Length");
        got += (size_t)n;
    }
    buf[len] = '\0';
    *body = buf;
    return 0;
}

static bool media_type_is(const char *ct, const char *type)
{
    size_t n = strlen(type);

    return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int parse_body(struct pt_req *r)
{
    const struct pt_limits *lim = &r->w->cfg->limits;
    const char *ct = req_env(r, "CONTENT_TYPE");
    const char *why = NULL;
    size_t len;
    char *body;
    int rc;

    if ((rc = parse_content_length(r, &len)) != 0 || len == 0)
        return rc;
    if ((rc = read_body(r, len, &body)) != 0)
        return rc;
    if (ct == NULL)
        return req_fail(r, 415, "a request body needs a Content-Type");
    if (media_type_is(ct, "application/x-www-form-urlencoded"))
        rc = pt_parse_urlencoded(r->arena, body, len, lim, &r->form, &why);
    else if (media_type_is(ct, "multipart/form-data"))
        rc = pt_parse_multipart(r->arena, ct, (const unsigned char *)body, len, lim,
                                &r->form, &r->uploads, &why);
    else if (media_type_is(ct, "application/json")) {
        rc = pt_parse_json_body(body, len, lim, &r->json, &why);
        if (rc == 0)
            pt_keep(r, r->json);
    } else
        return req_fail(r, 415, "unsupported Content-Type: send form data, multipart or JSON");
    if (rc == 0)
        return 0;
    return req_fail(r, rc == PT_ELIMIT && why == NULL ? 413 : 400,
                    why ? why : "malformed request body");
}

static int parse_cookie_header(struct pt_req *r)
{
    const char *cookie = pt_req_header(r, "Cookie");
    const char *why = NULL;

    if (cookie == NULL)
        return 0;
    if (pt_parse_cookies(r->arena, cookie, &r->w->cfg->limits, &r->cookies, &why) != 0)
        return req_fail(r, 400, why ? why : "malformed Cookie header");
    return 0;
}

static void req_base(struct pt_req *r, struct pt_worker *w)
{
    memset(r, 0, sizeof(*r));
    r->w = w;
    r->arena = w->arena;
    r->status = 200;
    r->method_name = "";
    r->path = r->full_path = "/";
    r->host = "";
    r->client_ip = "";
}

int pt_req_init(struct pt_req *r, struct pt_worker *w, FCGX_Request *fcgx)
{
    const char *m, *https;
    int rc;

    req_base(r, w);
    r->fcgx = fcgx;
    set_request_id(r);
    m = req_env(r, "REQUEST_METHOD");
    r->method_name = m ? pt_arena_strdup(r->arena, m) : "";
    r->method = m ? pt_method_from_name(m) : 0;
    r->client_ip = pt_arena_strdup(r->arena, req_env(r, "REMOTE_ADDR") ?: "");
    https = req_env(r, "HTTPS");
    r->tls = https && strcasecmp(https, "on") == 0;
    if ((rc = collect_headers(r)) != 0 || (rc = parse_target(r)) != 0)
        return rc;
    r->host = normalise_host(r->arena, pt_req_header(r, "Host"));
    if ((rc = parse_cookie_header(r)) != 0)
        return rc;
    if (r->method == 0)
        return req_fail(r, 405, "this method is not supported");
    return parse_body(r);
}

void pt_req_init_job(struct pt_req *r, struct pt_worker *w)
{
    req_base(r, w);
    set_request_id(r);
}

/* ---- accessors of portal.h ---- */

const char *pt_req_method(const struct pt_req *r) { return r->method_name; }
const char *pt_req_path(const struct pt_req *r) { return r->path; }
const char *pt_req_host(const struct pt_req *r) { return r->host; }
const char *pt_req_client_ip(const struct pt_req *r) { return r->client_ip; }
const char *pt_req_id(const struct pt_req *r) { return r->id; }
bool pt_req_is_api(const struct pt_req *r) { return r->api; }
json_t *pt_req_json(const struct pt_req *r) { return r->json; }

const char *pt_req_header(const struct pt_req *r, const char *name)
{
    for (size_t i = 0; i < r->headers.n; i++)
        if (strcasecmp(r->headers.items[i].name, name) == 0)
            return r->headers.items[i].value;
    return NULL;
}

const char *pt_req_param(const struct pt_req *r, const char *name)
{
    return pt_kv_get(&r->params, name);
}

int64_t pt_req_param_int(const struct pt_req *r, const char *name)
{
    const char *v = pt_kv_get(&r->params, name);

    if (v == NULL || *v == '\0' || strspn(v, "0123456789") != strlen(v) || strlen(v) > 18)
        return -1;
    return (int64_t)strtoll(v, NULL, 10);
}

const char *pt_req_query(const struct pt_req *r, const char *name)
{
    return pt_kv_get(&r->query, name);
}

const char *pt_req_cookie(const struct pt_req *r, const char *name)
{
    return pt_kv_get(&r->cookies, name);
}

const char *pt_trim(struct pt_req *r, const char *v)
{
    static const char blanks[] = " \t\r\n";
    size_t n;

    if (v == NULL)
        return NULL;
    v += strspn(v, blanks);
    n = strlen(v);
    while (n > 0 && strchr(blanks, v[n - 1]))
        n--;
    return n ? pt_strndup(r, v, n) : NULL;
}

/* A JSON member as text: strings as they are, numbers and booleans printed. */
static const char *json_member_text(const struct pt_req *r, const json_t *v)
{
    struct pt_req *rw = (struct pt_req *)r;   /* the arena is the request's own */

    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return pt_printf(rw, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_real(v))
        return pt_printf(rw, "%.17g", json_real_value(v));
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return NULL;
}

const char *pt_req_input(const struct pt_req *r, const char *name)
{
    const char *v = pt_kv_get(&r->form, name);

    if (v != NULL || r->json == NULL)
        return v;
    return json_member_text(r, json_object_get(r->json, name));
}

const struct pt_upload *pt_req_upload(const struct pt_req *r, const char *field)
{
    for (size_t i = 0; i < r->uploads.n; i++)
        if (strcmp(r->uploads.items[i].field, field) == 0)
            return &r->uploads.items[i];
    return NULL;
}

/* ---- memory ---- */

void *pt_alloc(struct pt_req *r, size_t size) { return pt_arena_alloc(r->arena, size); }
char *pt_strdup(struct pt_req *r, const char *s) { return pt_arena_strdup(r->arena, s); }
char *pt_strndup(struct pt_req *r, const char *s, size_t n)
{
    return pt_arena_strndup(r->arena, s, n);
}

char *pt_printf(struct pt_req *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    char *p = pt_arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
    return p;
}

int pt_defer(struct pt_req *r, void (*fn)(void *), void *arg)
{
    return pt_arena_defer(r->arena, fn, arg);
}

static void json_release(void *v)
{
    json_decref(v);
}

json_t *pt_keep(struct pt_req *r, json_t *value)
{
    if (value != NULL && pt_arena_defer(r->arena, json_release, value) != 0) {
        json_decref(value);
        return NULL;
    }
    return value;
}

const char *pt_config_get(const struct pt_req *r, const char *section, const char *key)
{
    return pt_config_value(r->w->cfg, section, key);
}
