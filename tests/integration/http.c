/* http.c — see http.h. */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct buf {
    char  *data;
    size_t len;
};

static size_t buf_append(char *ptr, size_t size, size_t n, void *user)
{
    struct buf *b = user;
    size_t add = size * n;
    char *d = realloc(b->data, b->len + add + 1);

    if (d == NULL)
        return 0;
    memcpy(d + b->len, ptr, add);
    b->len += add;
    d[b->len] = '\0';
    b->data = d;
    return add;
}

const char *http_base(void)
{
    return getenv("PT_TEST_BASE_URL");
}

int http_request(const char *method, const char *path, const char *const *extra_headers,
                 const char *body, size_t body_len, struct http_resp *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    struct buf hb = { 0 }, bb = { 0 };
    char url[2048];
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (c == NULL)
        return -1;
    snprintf(url, sizeof(url), "%s%s", http_base(), path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, buf_append);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bb);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (method && strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    for (const char *const *h = extra_headers; h && *h; h++)
        hdrs = curl_slist_append(hdrs, *h);
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
        rc = 0;
    }
    out->headers = hb.data ? hb.data : strdup("");
    out->body = bb.data ? bb.data : strdup("");
    out->body_len = bb.len;
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return rc;
}

int http_get(const char *path, struct http_resp *out)
{
    return http_request(NULL, path, NULL, NULL, 0, out);
}

void http_resp_free(struct http_resp *r)
{
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

char *http_header(const struct http_resp *r, const char *name)
{
    size_t n = strlen(name);

    for (const char *line = r->headers; line && *line; ) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);

        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            return strndup(v, len - (size_t)(v - line));
        }
        line = end ? end + 2 : line + len;
    }
    return NULL;
}

long test_pidfile(const char *name)
{
    char path[1024];
    long pid = -1;
    FILE *f;

    snprintf(path, sizeof(path), "%s/run/%s.pid", getenv("PT_TEST_VAR"), name);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = -1;
    fclose(f);
    return pid;
}

int test_dev(const char *subcommand)
{
    char cmd[2048];

    snprintf(cmd, sizeof(cmd), "'%s' %s", getenv("PT_TEST_DEV"), subcommand);
    int st = system(cmd);
    return st == -1 ? -1 : (st >> 8) & 0xff;
}
