/* request.h — struct pt_req: everything one request (or one job) carries. */
#ifndef PT_REQUEST_H
#define PT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <fcgiapp.h>
#include <jansson.h>

#include "kv.h"
#include "parse.h"
#include "portal.h"

struct pt_worker;
struct pt_route;
struct pt_tpl_cache;
struct pt_audit_pending;

struct pt_req {
    struct pt_worker  *w;
    struct pt_arena   *arena;
    FCGX_Request      *fcgx;          /* NULL for a job */
    char               id[33];        /* request id (nginx $request_id): in logs and error pages */

    /* parsed input */
    unsigned           method;        /* one PT_* bit; 0 when unknown */
    const char        *method_name;
    const char        *path;          /* as sent (still %-encoded), without the query
                                         and without the /api/v1 prefix */
    const char        *full_path;     /* as sent, prefix included (problem "instance") */
    const char        *host;          /* lower case, port stripped */
    const char        *client_ip;
    bool               tls;
    bool               api;           /* /api/v1/... or Accept: application/json */
    struct pt_kvlist   headers;       /* HTTP_* params, names as "User-Agent" */
    struct pt_kvlist   query;
    struct pt_kvlist   form;          /* urlencoded and multipart text fields */
    struct pt_kvlist   cookies;
    struct pt_kvlist   params;        /* typed path parameters */
    struct pt_uploads  uploads;
    json_t            *json;          /* JSON body, or NULL */

    /* identity (fcgi/session.c) */
    struct pt_identity ident;
    const char        *session_hash;  /* SHA-256 hex of the session cookie, or NULL */
    json_t            *token_scopes;  /* a bearer token's permission keys */
    json_t            *perm_cache;    /* every permission the actor holds anywhere */
    bool               mfa_hold;      /* session held until two-factor is set up */
    int64_t            token_org;     /* a service-account token's organisation */
    const char        *impersonator_name; /* who "opened as" this user, or NULL */
    const struct pt_brand *brand;     /* fcgi/brand.c: NULL is the platform's look */
    bool               brand_resolved;
    bool               brands_seen;   /* the brand cache was checked in this request */
    bool               unknown_host;  /* neither the platform's nor a verified partner host */
    int64_t            host_org;      /* the organisation a partner host belongs to */
    struct pt_audit_pending *pending_audit;  /* pt_audit_log_always inside a tx */

    /* routing and rendering */
    const struct pt_route *route;
    const char        *tplset;        /* template set of the host */

    /* response */
    int                status;
    struct pt_kvlist   resp_headers;
    const char        *flash_level, *flash_message;
    const char        *error_detail;  /* set by pt_error */
    bool               streaming;     /* headers sent; body goes straight out */
    bool               in_tx;         /* inside pt_db_tx */
};

/* Builds r from the FastCGI params and body; on bad input returns an HTTP
 * status (400/413/415) with r->error_detail set.  0 when the request is good. */
int  pt_req_init(struct pt_req *r, struct pt_worker *w, FCGX_Request *fcgx);
/* A request-less context for jobs and module init (same arena rules). */
void pt_req_init_job(struct pt_req *r, struct pt_worker *w);

#endif
