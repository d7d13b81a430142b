/* http.h — a tiny libcurl client for the integration suites: one request,
 * the whole response (status, headers, body) in memory. */
#ifndef PT_TEST_HTTP_H
#define PT_TEST_HTTP_H

#include <stddef.h>

struct http_resp {
    long   status;
    char  *headers;     /* raw header block, NUL-terminated */
    char  *body;        /* NUL-terminated */
    size_t body_len;
};

/* method NULL = GET.  extra_headers: NULL-terminated "Name: value" list or NULL.
 * Returns 0, or -1 when the transfer itself failed (connection refused …). */
int  http_request(const char *method, const char *path, const char *const *extra_headers,
                  const char *body, size_t body_len, struct http_resp *out);
int  http_get(const char *path, struct http_resp *out);
void http_resp_free(struct http_resp *r);
/* The value of a response header (case-insensitive name), malloc'd, or NULL. */
char *http_header(const struct http_resp *r, const char *name);
/* PT_TEST_BASE_URL, or NULL when the suite runs without the stack. */
const char *http_base(void);
/* Reads VAR/run/<name>.pid; -1 when missing. */
long test_pidfile(const char *name);
/* Runs "$PT_TEST_DEV <subcommand>", returns its exit status. */
int  test_dev(const char *subcommand);

#endif
