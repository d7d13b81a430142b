/*
 * portal.h — the module API.  The only header a module includes.
 *
 * A module is a shared object that exports one `struct portal_module`
 * named `<name>_module`.  Its routes declare a permission, the path parameter
 * that names the target organisation and a template; the handler fills a
 * Jansson view and returns an HTTP status.  The core renders the view as
 * JSON (under /api/v1 or for Accept: application/json) or through the
 * route's template, and adds security headers, flash messages and the
 * request's brand.
 */
#ifndef PORTAL_H
#define PORTAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#define PORTAL_ABI_VERSION 1

/* Error codes: functions return 0 or one of these (negative). */
#define PT_OK        0
#define PT_ENOMEM   (-1)
#define PT_EINVAL   (-2)
#define PT_ELIMIT   (-3)
#define PT_ENOTFOUND (-4)
#define PT_EIO      (-5)
#define PT_EDB      (-6)
#define PT_EDEADLOCK (-7)
#define PT_ECONN    (-8)
#define PT_EEXIST   (-9)

/* A handler's return value that says: the body was already streamed. */
#define PT_STREAMED 0

struct pt_req;                     /* one request (or one job), opaque */

enum pt_method {
    PT_GET    = 1 << 0,
    PT_HEAD   = 1 << 1,
    PT_POST   = 1 << 2,
    PT_PUT    = 1 << 3,
    PT_PATCH  = 1 << 4,
    PT_DELETE = 1 << 5,
};

/* Permission values every route must choose from when it is not a catalogue key. */
#define PT_PERM_PUBLIC        "public"         /* anyone, signed in or not */
#define PT_PERM_AUTHENTICATED "authenticated"  /* any signed-in user */

/* Route flags. */
#define PT_ROUTE_NO_CSRF  (1u << 0)   /* unsafe method without a CSRF check (sign-in form) */
#define PT_ROUTE_API_ONLY (1u << 1)   /* JSON only, no page */

/*
 * A handler fills `view` (an empty object owned by the core) and returns an
 * HTTP status: 200, 201, 303 (after pt_redirect), 4xx/5xx (after pt_error),
 * or PT_STREAMED once it wrote its own body with pt_stream_*.
 */
typedef int (*pt_handler_fn)(struct pt_req *r, json_t *view);

struct pt_route {
    unsigned       methods;      /* PT_GET | PT_POST ... */
    const char    *pattern;      /* "/orgs/{org:int}/users/{user:int}", "{slug:str}", "{rest:path}" */
    const char    *permission;   /* a catalogue key, PT_PERM_PUBLIC or PT_PERM_AUTHENTICATED */
    const char    *org_param;    /* path parameter naming the target organisation, or NULL */
    pt_handler_fn  handler;
    const char    *template;     /* "health/status.tpl"; NULL for API_ONLY routes */
    const char    *title;        /* page title for the layout */
    unsigned       flags;
};

/* A link in the main navigation, shown to whoever holds its permission. */
struct pt_nav_item {
    const char *label;
    const char *href;
    const char *permission;      /* as for routes */
    int         order;           /* smaller first */
};

struct pt_permission {
    const char *key;             /* "users.invite" */
    const char *category;        /* "Users" */
    const char *label;           /* "Invite users" */
};

struct pt_audit_type {
    const char *category;        /* "Users" */
    const char *action;          /* "Invite User" */
};

/* A background job handler: returns 0 (done) or a negative PT_E… (retry later). */
typedef int (*pt_job_fn)(struct pt_req *ctx, json_t *payload);

struct pt_job_kind {
    const char *kind;            /* "mail.deliver" */
    pt_job_fn   run;
    int         max_attempts;    /* 0 → the core's default */
};

/* A recurring schedule: "every 60" (seconds) or "daily 02:00" (UTC). */
struct pt_schedule {
    const char *kind;            /* a job kind declared in jobs */
    const char *when;
};

struct portal_module {
    unsigned                     abi_version;   /* PORTAL_ABI_VERSION */
    const char                  *name;
    const struct pt_route       *routes;        /* ends with a zeroed entry */
    const struct pt_permission  *permissions;   /* ends with a zeroed entry */
    const struct pt_audit_type  *audit_types;   /* ends with a zeroed entry */
    const struct pt_job_kind    *jobs;          /* ends with a zeroed entry */
    const struct pt_schedule    *schedules;     /* ends with a zeroed entry */
    const struct pt_nav_item    *nav;           /* ends with a zeroed entry */
    int  (*init)(struct pt_req *ctx);           /* per worker, optional; 0 = ok */
};

/* ---- the request -------------------------------------------------------- */

const char *pt_req_method(const struct pt_req *r);
const char *pt_req_path(const struct pt_req *r);
const char *pt_req_host(const struct pt_req *r);
const char *pt_req_client_ip(const struct pt_req *r);
const char *pt_req_id(const struct pt_req *r);
/* A request header by its HTTP name ("User-Agent"), or NULL. */
const char *pt_req_header(const struct pt_req *r, const char *name);
bool        pt_req_is_api(const struct pt_req *r);

/* A typed path parameter ({org:int}), NULL when absent. */
const char *pt_req_param(const struct pt_req *r, const char *name);
int64_t     pt_req_param_int(const struct pt_req *r, const char *name);
/* A query-string value, NULL when absent. */
const char *pt_req_query(const struct pt_req *r, const char *name);
/* An input: form field, multipart text part or JSON body member alike. */
const char *pt_req_input(const struct pt_req *r, const char *name);
/* The JSON body, borrowed; NULL unless the body was JSON. */
json_t     *pt_req_json(const struct pt_req *r);
const char *pt_req_cookie(const struct pt_req *r, const char *name);

struct pt_upload {
    const char          *field;
    const char          *filename;      /* as the client sent it: display only */
    const char          *content_type;  /* as the client sent it: never trusted */
    const unsigned char *data;          /* in the arena, never on disk */
    size_t               len;
};
const struct pt_upload *pt_req_upload(const struct pt_req *r, const char *field);

/* ---- memory: everything lives until the request ends -------------------- */

void *pt_alloc(struct pt_req *r, size_t size);
char *pt_strdup(struct pt_req *r, const char *s);
char *pt_strndup(struct pt_req *r, const char *s, size_t n);
char *pt_printf(struct pt_req *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Run fn(arg) when the request ends (release a result set, a json_t ...). */
int   pt_defer(struct pt_req *r, void (*fn)(void *), void *arg);
/* Hand a new Jansson reference to the request: decref'd when it ends. */
json_t *pt_keep(struct pt_req *r, json_t *value);

/* ---- the response ------------------------------------------------------- */

int  pt_resp_header(struct pt_req *r, const char *name, const char *value);
/* Set-Cookie with HttpOnly, SameSite=Lax, Path=/ and Secure on TLS. max_age < 0: session cookie. */
int  pt_resp_cookie(struct pt_req *r, const char *name, const char *value, long max_age);
/* A one-shot message shown on the next page. */
int  pt_flash(struct pt_req *r, const char *level, const char *message);
/* 303 to a local path; returns 303 for the handler to return. */
int  pt_redirect(struct pt_req *r, const char *location);
/* An error the user sees: problem+json on the API, an error page otherwise.
 * Returns status for the handler to return. */
int  pt_error(struct pt_req *r, int status, const char *detail);

/* Streaming (exports): begin once, write many times, return PT_STREAMED. */
int  pt_stream_begin(struct pt_req *r, int status, const char *content_type,
                     const char *download_name);
int  pt_stream_write(struct pt_req *r, const void *data, size_t len);

/* ---- logging: one line per event on stderr ------------------------------ */

void pt_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pt_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pt_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- introspection ------------------------------------------------------ */

/* The loaded modules as [{name, routes}], owned by the request. */
json_t *pt_modules_info(struct pt_req *r);

/* ---- configuration ------------------------------------------------------ */

/* A value of the config file ("section", "key"), or NULL. */
const char *pt_config_get(const struct pt_req *r, const char *section, const char *key);

/* ---- database: prepared statements with bound arguments only ------------ */

enum pt_db_type { PT_DB_END = 0, PT_DB_NULL, PT_DB_INT, PT_DB_STR, PT_DB_BLOB, PT_DB_DOUBLE };

struct pt_db_arg {
    enum pt_db_type type;
    int64_t         i;
    double          d;
    const void     *p;
    size_t          len;
};

#define PT_ARG_INT(v)    ((struct pt_db_arg){ .type = PT_DB_INT, .i = (v) })
#define PT_ARG_DOUBLE(v) ((struct pt_db_arg){ .type = PT_DB_DOUBLE, .d = (v) })
#define PT_ARG_NULL      ((struct pt_db_arg){ .type = PT_DB_NULL })
/* A NULL string binds SQL NULL.  For a char array use PT_ARG_STRN(a, strlen(a)). */
#define PT_ARG_STR(v)    ((struct pt_db_arg){ .type = (v) ? PT_DB_STR : PT_DB_NULL, \
                                             .p = (v), .len = (v) ? strlen(v) : 0 })
#define PT_ARG_STRN(v, n) ((struct pt_db_arg){ .type = PT_DB_STR, .p = (v), .len = (n) })
#define PT_ARG_BLOB(v, n) ((struct pt_db_arg){ .type = PT_DB_BLOB, .p = (v), .len = (n) })
/* PT_ARGS(PT_ARG_INT(1), PT_ARG_STR(s)): a terminated argument list. */
#define PT_ARGS(...)     ((const struct pt_db_arg[]){ __VA_ARGS__, { .type = PT_DB_END } })
#define PT_NOARGS        ((const struct pt_db_arg[]){ { .type = PT_DB_END } })

/* INSERT/UPDATE/DELETE; affected and insert_id may be NULL. */
int pt_db_exec(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
               uint64_t *affected, uint64_t *insert_id);
/* SELECT into an array of row objects (integers, reals, strings, null),
 * owned by the request. */
int pt_db_query(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
                json_t **rows);
/* Exactly the first row, or PT_ENOTFOUND. */
int pt_db_query_one(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
                    json_t **row);
/* Run fn inside one transaction; the whole of it is retried on deadlock.
 * fn returns 0 to commit, anything else to roll back (and that is returned). */
int pt_db_tx(struct pt_req *r, int (*fn)(struct pt_req *r, void *arg), void *arg);
/* Is the database reachable now (a ping, reconnecting if needed)? */
bool pt_db_ready(struct pt_req *r);

/* ---- background work ---------------------------------------------------- */

/* Queue a job (in the caller's transaction when one is open); payload is
 * borrowed, not stolen. */
int pt_job_enqueue(struct pt_req *r, const char *kind, json_t *payload, int delay_seconds);

/* Queue an e-mail rendered from templates/mail/<name>.{subject,txt,html}.tpl
 * with vars (borrowed); written to mail_outbox in the caller's transaction. */
int pt_mail_enqueue(struct pt_req *r, const char *to, const char *template_name,
                    json_t *vars);

#endif /* PORTAL_H */
