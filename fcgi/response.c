/*
 * response.c — headers and bodies.  Every dynamic response carries the
 * security headers of DESIGN §7; handlers can add headers but never with
 * CR/LF in them (no response splitting).
 */
#include "response.h"
#include "arena.h"
#include "parse.h"
#include "request.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FLASH_COOKIE "pt_flash"

/* CSP without inline script or style: Bootstrap and our CSS are files. */
static const char resp_security_headers[] =
    "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: same-origin\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Cross-Origin-Resource-Policy: same-origin\r\n"
    "Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=()\r\n"
    "Cache-Control: no-store\r\n";

static const struct { int code; const char *reason; } resp_reasons[] = {
    { 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 204, "No Content" },
    { 303, "See Other" }, { 304, "Not Modified" },
    { 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
    { 404, "Not Found" }, { 405, "Method Not Allowed" }, { 409, "Conflict" },
    { 410, "Gone" }, { 413, "Content Too Large" }, { 415, "Unsupported Media Type" },
    { 422, "Unprocessable Content" }, { 429, "Too Many Requests" },
    { 500, "Internal Server Error" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
};

const char *pt_status_reason(int status)
{
    for (size_t i = 0; i < sizeof(resp_reasons) / sizeof(resp_reasons[0]); i++)
        if (resp_reasons[i].code == status)
            return resp_reasons[i].reason;
    return "Error";
}

static bool header_safe(const char *s)
{
    return strpbrk(s, "\r\n") == NULL;
}

int pt_resp_header(struct pt_req *r, const char *name, const char *value)
{
    if (!header_safe(name) || !header_safe(value) || strchr(name, ':') || *name == '\0') {
        pt_log_error("%s: refused a header with CR, LF or ':' in it (%s)", __func__, r->id);
        return PT_EINVAL;
    }
    const char *n = pt_arena_strdup(r->arena, name), *v = pt_arena_strdup(r->arena, value);
    if (n == NULL || v == NULL)
        return PT_ENOMEM;
    return pt_kv_add(r->arena, &r->resp_headers, n, v, strlen(v));
}

static bool cookie_token_ok(const char *s)
{
    /* RFC 6265 cookie-octets: no CTLs, whitespace, DQUOTE, comma, semicolon, backslash. */
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || *s == '"' || *s == ',' || *s == ';' || *s == '\\' ||
            (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

int pt_resp_cookie(struct pt_req *r, const char *name, const char *value, long max_age)
{
    if (*name == '\0' || !cookie_token_ok(name) || strchr(name, '=') || !cookie_token_ok(value))
        return PT_EINVAL;
    char *c = pt_printf(r, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value,
                        r->tls ? "; Secure" : "");
    if (c != NULL && max_age >= 0)
        c = pt_printf(r, "%s; Max-Age=%ld", c, max_age);
    return c ? pt_resp_header(r, "Set-Cookie", c) : PT_ENOMEM;
}

/* Percent-encodes everything but unreserved characters (cookie-safe). */
static char *flash_encode(struct pt_req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = pt_alloc(r, strlen(s) * 3 + 1), *o = out;

    if (out == NULL)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

int pt_flash(struct pt_req *r, const char *level, const char *message)
{
    static const char *levels[] = { "success", "info", "warning", "danger" };
    const char *lv = "info";

    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (strcmp(level, levels[i]) == 0)
            lv = levels[i];
    r->flash_level = lv;
    r->flash_message = pt_strdup(r, message);
    return r->flash_message ? PT_OK : PT_ENOMEM;
}

/* A flash set before a redirect travels in a short-lived cookie to the page
 * the redirect leads to; otherwise it is shown on this very page. */
int pt_resp_carry_flash(struct pt_req *r)
{
    if (r->flash_message == NULL)
        return PT_OK;
    char *enc = flash_encode(r, r->flash_message);
    if (enc == NULL)
        return PT_ENOMEM;
    return pt_resp_cookie(r, FLASH_COOKIE, pt_printf(r, "%s.%s", r->flash_level, enc), 60);
}

void pt_resp_take_flash(struct pt_req *r, const char **level, const char **message)
{
    const char *c = pt_req_cookie(r, FLASH_COOKIE);
    const char *dot = c ? strchr(c, '.') : NULL;

    *level = *message = NULL;
    if (dot == NULL)
        return;
    char *lv = pt_strndup(r, c, (size_t)(dot - c));
    char *msg = pt_strdup(r, dot + 1);
    size_t len = msg ? strlen(msg) : 0;
    if (lv == NULL || msg == NULL || pt_url_decode(msg, &len, 0) != 0)
        return;
    if (strcmp(lv, "success") && strcmp(lv, "info") && strcmp(lv, "warning") &&
        strcmp(lv, "danger"))
        return;
    *level = lv;
    *message = msg;
    pt_resp_cookie(r, FLASH_COOKIE, "", 0);
}

int pt_redirect(struct pt_req *r, const char *location)
{
    /* Local paths only: "//evil.example" would leave the site. */
    if (location[0] != '/' || location[1] == '/' || location[1] == '\\' ||
        !header_safe(location))
        location = "/";
    pt_resp_header(r, "Location", location);
    r->status = 303;
    return 303;
}

int pt_error(struct pt_req *r, int status, const char *detail)
{
    r->status = status;
    r->error_detail = detail ? pt_strdup(r, detail) : NULL;
    return status;
}

/* Did the handler set a header of this name itself (a brand asset's
 * Cache-Control, an SVG's own Content-Security-Policy)?  Then its value is
 * the only one sent: two would both apply, the stricter winning. */
static bool resp_overridden(const struct pt_req *r, const char *name, size_t n)
{
    for (size_t i = 0; i < r->resp_headers.n; i++)
        if (strlen(r->resp_headers.items[i].name) == n &&
            strncasecmp(r->resp_headers.items[i].name, name, n) == 0)
            return true;
    return false;
}

static void resp_put_defaults(struct pt_req *r, FCGX_Stream *out)
{
    for (const char *l = resp_security_headers; *l;) {
        const char *end = strstr(l, "\r\n");
        if (!resp_overridden(r, l, strcspn(l, ":")))
            FCGX_PutStr(l, (int)(end + 2 - l), out);
        l = end + 2;
    }
}

static int resp_write_head(struct pt_req *r, int status, const char *content_type)
{
    FCGX_Stream *out = r->fcgx->out;

    FCGX_FPrintF(out, "Status: %d %s\r\n", status, pt_status_reason(status));
    if (content_type)
        FCGX_FPrintF(out, "Content-Type: %s\r\n", content_type);
    resp_put_defaults(r, out);
    if (r->tls)
        FCGX_PutS("Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n", out);
    FCGX_FPrintF(out, "X-Request-Id: %s\r\n", r->id);
    for (size_t i = 0; i < r->resp_headers.n; i++)
        FCGX_FPrintF(out, "%s: %s\r\n", r->resp_headers.items[i].name,
                     r->resp_headers.items[i].value);
    return FCGX_PutS("\r\n", out) < 0 ? PT_EIO : PT_OK;
}

int pt_resp_send(struct pt_req *r, int status, const char *content_type,
                 const char *body, size_t len)
{
    if (r->fcgx == NULL || r->streaming)
        return PT_OK;
    if (resp_write_head(r, status, content_type) != 0)
        return PT_EIO;
    if (r->method == PT_HEAD || body == NULL || len == 0)
        return PT_OK;
    return FCGX_PutStr(body, (int)len, r->fcgx->out) < 0 ? PT_EIO : PT_OK;
}

int pt_stream_begin(struct pt_req *r, int status, const char *content_type,
                    const char *download_name)
{
    if (r->fcgx == NULL || r->streaming)
        return PT_EINVAL;
    if (download_name != NULL) {
        if (strspn(download_name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789._-") != strlen(download_name))
            return PT_EINVAL;
        pt_resp_header(r, "Content-Disposition",
                       pt_printf(r, "attachment; filename=\"%s\"", download_name));
    }
    r->status = status;
    r->streaming = true;
    return resp_write_head(r, status, content_type);
}

int pt_stream_write(struct pt_req *r, const void *data, size_t len)
{
    if (!r->streaming || r->method == PT_HEAD)
        return r->streaming ? PT_OK : PT_EINVAL;
    while (len > 0) {
        int chunk = len > 65536 ? 65536 : (int)len;
        if (FCGX_PutStr(data, chunk, r->fcgx->out) < 0)
            return PT_EIO;
        data = (const char *)data + chunk;
        len -= (size_t)chunk;
    }
    return PT_OK;
}
