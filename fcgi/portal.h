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
#include <time.h>

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
#define PT_ROUTE_MFA_SETUP (1u << 2)  /* open to a session held until two-factor is set up */

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

/*
 * The system roles (read-only, sql/005_tenancy.sql).  A role may be held only
 * at organisations of its kinds (roles.org_kinds).  platform_admin holds
 * every permission; the others hold what the permissions' `roles` say.
 */
#define PT_ROLE_PLATFORM_ADMIN    "platform_admin"     /* platform */
#define PT_ROLE_DISTRIBUTOR_ADMIN "distributor_admin"  /* distributor */
#define PT_ROLE_MSP_ADMIN         "msp_admin"          /* distributor, partner */
#define PT_ROLE_MSP_USER          "msp_user"           /* distributor, partner */
#define PT_ROLE_CUSTOMER_ADMIN    "customer_admin"     /* customer */
#define PT_ROLE_CUSTOMER_USER     "customer_user"      /* customer */
#define PT_ROLE_PROJECT_ADMIN     "project_admin"      /* customer (CloudNine) */
#define PT_ROLE_PROJECT_USER      "project_user"       /* customer (CloudNine) */

/* Common `roles` lists for struct pt_permission. */
#define PT_ROLES_CHANNEL_ADMINS "distributor_admin msp_admin"
#define PT_ROLES_ADMINS   "distributor_admin msp_admin customer_admin project_admin"
#define PT_ROLES_EVERYONE "distributor_admin msp_admin msp_user customer_admin " \
                          "customer_user project_admin project_user"

/* Permission flags. */
/* Acting on a descendant needs its consent: every organisation below the
 * actor's membership, down to and including the target, must allow parent
 * access (orgs.allow_parent_access).  Impersonation and resources. */
#define PT_PERM_CONSENT (1u << 0)

struct pt_permission {
    const char *key;             /* "users.invite" */
    const char *category;        /* "Users" */
    const char *label;           /* "Invite users" */
    const char *roles;           /* system roles that hold it, space-separated
                                    (PT_ROLES_ADMINS …); NULL: platform_admin only */
    unsigned    flags;           /* PT_PERM_CONSENT */
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
/* v without leading and trailing blanks (space, tab, CR, LF), in the arena;
 * NULL when v is NULL or only blanks.  pt_trim(r, pt_req_input(r, "email")). */
const char *pt_trim(struct pt_req *r, const char *v);

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

/* ---- identity (fcgi/session.c) ------------------------------------------ */

/* Who is asking.  Resolved by the core before the guard runs: from the
 * session cookie (only its SHA-256 is stored) or an Authorization: Bearer
 * token; a disabled user's session ends on that very request. */
struct pt_identity {
    int64_t     user_id;          /* 0: anonymous */
    int64_t     impersonator_id;  /* 0 unless someone "opened as" this user */
    const char *email;
    const char *full_name;
    int64_t     token_id;         /* > 0: a bearer token (no CSRF, scopes apply) */
    const char *csrf_token;       /* the session's, for forms; NULL for tokens */
    bool        mfa_enabled;      /* the user has a second factor */
};
const struct pt_identity *pt_req_identity(const struct pt_req *r);
int64_t pt_req_user_id(const struct pt_req *r);

/* Signs user_id in: ends the request's current session (id rotation),
 * creates a new one and sets its cookie. */
int pt_session_start(struct pt_req *r, int64_t user_id);
/* Holds the request's session to PT_ROUTE_MFA_SETUP routes until the user
 * enables two-factor (an organisation requires it). */
int pt_session_require_mfa(struct pt_req *r);
/* Ends the request's session and clears the cookie. */
int pt_session_end(struct pt_req *r);
/* Ends every session of user_id (all_but_current: keep the request's own). */
int pt_session_end_user(struct pt_req *r, int64_t user_id, bool all_but_current);

/* Does the actor hold permission on org_id (0: in any organisation)?  A
 * membership at A grants its role's permissions on A's whole subtree; a
 * bearer token must also carry the permission in its scopes. */
bool pt_can(struct pt_req *r, const char *permission, int64_t org_id);

/*
 * May the actor give role_id to someone at org_id?  Only when the actor holds
 * every permission of the role on org_id (nobody grants more than they
 * hold) and the role may be held there (its kinds; a custom role in its own
 * organisation's subtree).  false, with *why (may be NULL) a sentence for
 * the user, otherwise.
 */
bool pt_can_grant_role(struct pt_req *r, int64_t role_id, int64_t org_id, const char **why);

/* Is descendant in ancestor's subtree (itself included)?  One PK lookup. */
bool pt_org_contains(struct pt_req *r, int64_t ancestor, int64_t descendant);

/* The actor's home organisation: that of the membership nearest the root
 * (ties: the oldest); a service token's organisation; 0 when none. */
int64_t pt_req_home_org(struct pt_req *r);

/* Ends the sessions of every user with a membership in org_id's subtree (an
 * organisation was suspended). */
int pt_session_end_subtree(struct pt_req *r, int64_t org_id);

/*
 * "Open as": the request's session is put aside (its token kept in an
 * HttpOnly cookie) and a new session as user_id begins, with the actor as
 * impersonator, ending after `minutes` at the latest.  The caller checks
 * the right to do so (permission with consent, no upward impersonation)
 * and writes the audit event.  PT_EINVAL when the request has no session
 * of its own or is already impersonating.
 */
int pt_impersonation_start(struct pt_req *r, int64_t user_id, const char *reason, int minutes);
/* Ends the impersonation session and brings the impersonator's own session
 * back.  PT_EINVAL when the request is not impersonating. */
int pt_impersonation_stop(struct pt_req *r);

/* ---- white label (fcgi/hostname.c, nginx_gen.c, brand.c) ---------------- */

/* The name of the brand the request's pages show ([server] platform_name
 * unless a partner's brand applies): the authenticator issuer, a title. */
const char *pt_req_brand_name(struct pt_req *r);

#define PT_HOSTNAME_SIZE 254   /* 253 characters and a NUL */
/*
 * in → its one stored form in out (ASCII, lower case, "xn--" A-labels, no
 * trailing dot; outlen ≥ PT_HOSTNAME_SIZE): a DNS name of LDH labels, no
 * wildcard, IP literal, "localhost" or anything that could end an nginx
 * directive.  0, or PT_EINVAL with *why (may be NULL) a sentence for the user.
 */
int pt_hostname_check(const char *in, char *out, size_t outlen, const char **why);
/*
 * Claims in for org_id: checked (also against the platform's own names; a
 * "custom" name may not lie below them either) and inserted unverified,
 * with verification_token (may be NULL).  kind is "subdomain" or "custom".
 * 0 with *id set; PT_EINVAL (*why says why), PT_EEXIST (the name is already
 * claimed, *why says so), or a database error.
 */
int pt_hostname_add(struct pt_req *r, int64_t org_id, const char *kind, const char *in,
                    const char *verification_token, int64_t *id, const char **why);
/*
 * Job handlers only: render the per-hostname nginx server blocks, check
 * them with `nginx -t`, swap them in and reload nginx ([nginx] settings).
 * A refused file leaves the live one and the running nginx untouched and
 * is recorded.  0, or < 0 with *message (may be NULL) saying what failed.
 */
int pt_nginx_regenerate(struct pt_req *r, const char **message);
/* After any change of brands or host names, in the same transaction: every
 * worker's brand cache is stale from the next second on. */
int pt_whitelabel_changed(struct pt_req *r);

/* ---- activity log (fcgi/audit.c) ----------------------------------------- */

struct pt_audit {
    int64_t     org_id;           /* 0: the actor's own context / none */
    const char *category;         /* "Authentication", "Users", ... */
    const char *action;           /* "Sign In", "Invite User", ... */
    const char *status;           /* "Success" | "Failed" | "Pending" */
    const char *resource_type;    /* optional */
    const char *resource_id;      /* optional */
    const char *resource_name;    /* optional */
    const char *description;      /* optional, one line for the table */
    json_t     *metadata;         /* optional, borrowed: never a secret */
    int64_t     user_id;          /* optional: the subject when the actor is anonymous
                                     (a failed sign-in names the account tried) */
};
/* Writes the event in the caller's transaction when one is open: it
 * commits or rolls back with the action.  Actor, impersonator, IP and user
 * agent come from the request. */
int pt_audit_log(struct pt_req *r, const struct pt_audit *e);
/* Failures, denials and sign-in attempts: written even when the caller's
 * transaction rolls back (outside it, after it ends). */
int pt_audit_log_always(struct pt_req *r, const struct pt_audit *e);


/* ---- secrets, passwords, two-factor (fcgi/secret.c, password.c, totp.c, qrsvg.c) */

#define PT_TOKEN_BYTES      32   /* 256 bits of entropy */
#define PT_TOKEN_LEN        43   /* base64url without padding of 32 bytes */
#define PT_SHA256_HEX_LEN   64
/* n bytes from OpenSSL's CSPRNG: 0, or PT_EIO when RAND_bytes fails. */
int pt_random_bytes(void *buf, size_t n);
/*
 * A fresh 256-bit token as 43 base64url characters (A-Z a-z 0-9 - _, no
 * padding) and a NUL: safe in cookies, URLs and headers as is.  Store only
 * its pt_sha256_hex.  0 or PT_EIO.
 */
int pt_token_new(char out[PT_TOKEN_LEN + 1]);
/* SHA-256 of data as 64 lowercase hex digits and a NUL.  On the (never
 * seen) failure of OpenSSL, out is the empty string: it matches no stored
 * hash, so a caller comparing hashes fails closed. */
void pt_sha256_hex(const void *data, size_t len, char out[PT_SHA256_HEX_LEN + 1]);
/* Do a and b hold the same n bytes?  Time depends on n only. */
bool pt_secure_equal(const void *a, const void *b, size_t n);

/* Room for the PHC string ("$argon2id$v=19$m=19456,t=2,p=1$<22>$<43>"). */
#define PT_PASSWORD_PHC_MAX   128
/*
 * Hash pw into out (a PHC string, NUL-terminated; outlen ≥
 * PT_PASSWORD_PHC_MAX).  Does not apply the policy: call pt_password_policy
 * first where the user chooses a password.  0, PT_EINVAL (pw longer than
 * PT_PASSWORD_VERIFY_MAX, out too small), PT_ENOMEM, PT_EIO.
 */
int pt_password_hash(const char *pw, char *out, size_t outlen);
/*
 * Does pw match the PHC string phc?  0 on a match, with *needs_rehash
 * (may be NULL) set when phc was made with other parameters or another
 * argon2 version than the current ones: hash again and store.
 * PT_EINVAL when it does not match, or pw is too long, or phc is not an
 * argon2id PHC string (that one is logged: the stored row is damaged).
 * PT_ENOMEM / PT_EIO on internal failure.
 */
int pt_password_verify(const char *phc, const char *pw, bool *needs_rehash);
/*
 * Spend what one pt_password_verify spends, for a sign-in with an unknown
 * e-mail, so response time does not tell which e-mails have accounts.
 * pw may be NULL.
 */
void pt_password_dummy_verify(const char *pw);
/*
 * NULL when pw is acceptable as a new password for the account whose
 * e-mail is email (may be NULL), else a message for the user: at least 8
 * characters, at most 128 bytes, an uppercase letter, a lowercase letter, a
 * digit and a special character (ASCII punctuation, a space or any
 * non-ASCII character), and not the e-mail address or its local part
 * (compared case-insensitively).
 */
const char *pt_password_policy(const char *pw, const char *email);

#define PT_TOTP_SECRET_LEN  20   /* 160 bits, RFC 4226's recommendation */
#define PT_TOTP_DIGITS      6
/* Base32 of PT_TOTP_SECRET_LEN bytes: 32 characters, no padding, and NUL. */
#define PT_TOTP_BASE32_MAX  33
#define PT_RECOVERY_CODES   10
/* "xxxxx-xxxxx": 10 symbols of 5 bits = 50 bits, a dash and a NUL. */
#define PT_RECOVERY_CODE_SIZE 12
/* The normalised form: 10 symbols and a NUL. */
#define PT_RECOVERY_NORM_SIZE 11
/* A new random TOTP secret.  0 or PT_EIO. */
int pt_totp_secret_new(unsigned char raw[PT_TOTP_SECRET_LEN]);
/*
 * raw as base32 (RFC 4648 alphabet, upper case, padding stripped) for manual
 * entry and the URI.  out must hold ((rawlen * 8 + 4) / 5) + 1 bytes; for a
 * PT_TOTP_SECRET_LEN secret, PT_TOTP_BASE32_MAX.  0, PT_EINVAL (out too
 * small), PT_ENOMEM.
 */
int pt_totp_base32(const unsigned char *raw, size_t rawlen, char *out, size_t outlen);
/*
 * Check code against the secret at time now, accepting the steps now-1,
 * now and now+1.  last_step is the step of the last code this account used
 * (-1 if none).  Returns
 *   0          a match, *matched_step (may be NULL) = its step: store it as
 *              the new last_step in the same transaction as the sign-in;
 *   PT_EEXIST  the code is right but its step is ≤ last_step (a replay, or
 *              an older code after a newer one): refuse the sign-in;
 *   PT_EINVAL  the code is not exactly 6 ASCII digits or does not match;
 *   PT_EIO     liboath failed (logged).
 * The candidate codes are compared in constant time.
 */
int pt_totp_verify(const unsigned char *raw, size_t rawlen, const char *code, time_t now,
                   int64_t last_step, int64_t *matched_step);
/*
 * otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>
 *   &algorithm=SHA1&digits=6&period=30
 * with issuer and account percent-encoded (RFC 3986 unreserved characters
 * kept).  malloc'd (free it), NULL when out of memory or an argument is
 * NULL or empty (logged).
 */
char *pt_totp_uri(const char *issuer, const char *account, const char *base32);
/*
 * Ten new recovery codes "xxxxx-xxxxx" of Crockford base32 in lower case
 * (0-9 a-z without i l o u), 50 random bits each.  Show them once; store the
 * hash of each one's pt_recovery_code_normalize form.  0 or PT_EIO.
 */
int pt_recovery_codes_new(char codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE]);
/*
 * What the user typed, as the 10 symbols to hash and compare: case folded,
 * dashes and spaces dropped, and the look-alikes o → 0, i and l → 1 mapped
 * as Crockford prescribes.  0, or PT_EINVAL when the rest is not exactly 10
 * symbols of the alphabet (out is then "").
 */
int pt_recovery_code_normalize(const char *in, char out[PT_RECOVERY_NORM_SIZE]);

/* Longest text accepted (an otpauth:// URI is ~150 bytes). */
#define PT_QR_TEXT_MAX   1024
/*
 * text (NUL-terminated, 1..PT_QR_TEXT_MAX bytes) as a QR code (error
 * correction level M, 8-bit mode) in a self-contained SVG document:
 *
 *   <svg xmlns=… viewBox="0 0 W W" width=… height=… role="img"
 *        aria-label="QR code" shape-rendering="crispEdges">
 *     <rect width="W" height="W" fill="#fff"/><path fill="#000" d="…"/></svg>
 *
 * W counts modules including a 4-module quiet zone; one unit is one module.
 * Presentation attributes only, no style attribute or element, so it passes
 * a CSP without 'unsafe-inline'.  The same text always gives the same bytes.
 * malloc'd (free it); NULL on bad input or failure (logged).  The page must
 * offer the text another way too (the base32 secret): the SVG has no text.
 */
char *pt_qr_svg(const char *text);

/* Seal / open a secret with the install's key ([security] key_file,
 * AES-256-GCM, a fresh IV each time); aad binds it to its row ("user:7:totp").
 * Results are owned by the request.  PT_EINVAL when a box was tampered with
 * or the aad differs, PT_EIO when no key is configured. */
int pt_seal(struct pt_req *r, const void *plain, size_t n, const char *aad,
            const unsigned char **box, size_t *boxlen);
int pt_unseal(struct pt_req *r, const void *box, size_t boxlen, const char *aad,
              const unsigned char **plain, size_t *plainlen);

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
/* A NULL string binds SQL NULL (a function, so char arrays pass too). */
static inline struct pt_db_arg pt_arg_str(const char *v)
{
    return (struct pt_db_arg){ .type = v ? PT_DB_STR : PT_DB_NULL, .p = v,
                               .len = v ? strlen(v) : 0 };
}
#define PT_ARG_STR(v)    pt_arg_str(v)
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
/* Job handlers only: one autocommitted statement on the administrative
 * account, for maintenance the application's account is not granted
 * (audit retention deletes from the append-only activity log).  PT_EINVAL
 * in a request worker. */
int pt_db_admin_exec(struct pt_req *r, const char *sql, const struct pt_db_arg *args,
                     uint64_t *affected);
/* Is the database reachable now (a ping, reconnecting if needed)? */
bool pt_db_ready(struct pt_req *r);

/* ---- background work ---------------------------------------------------- */

/* Queue a job (in the caller's transaction when one is open); payload is
 * borrowed, not stolen. */
int pt_job_enqueue(struct pt_req *r, const char *kind, json_t *payload, int delay_seconds);

/* A one-time link to mail: set password, reset, invitations. */
struct pt_link {
    const char *purpose;         /* "reset", "invite", "org_invite", … */
    int64_t     user_id;         /* whom it is for */
    int64_t     org_id, role_id; /* 0: none */
    int         minutes;         /* how long it works */
    const char *path;            /* the page it opens: "/password/reset" */
    json_t     *payload;         /* optional, borrowed (an invitation's details) */
};
/*
 * Stores the link (a fresh 256-bit token; only its SHA-256 is kept; the
 * actor as created_by) in the caller's transaction and sets *url to
 * "<base>/<path>?token=…", where base is the recipient's partner host when
 * its brand has one, else [server] base_url.  0 or a PT_E… code.
 */
int pt_link_new(struct pt_req *r, const struct pt_link *l, const char **url);
/* Could t be a link's token at all (1..200 characters of A-Z a-z 0-9 - _)?
 * Checked before the token is hashed and looked up. */
bool pt_link_token_ok(const char *t);

/* The "Reset your password" e-mail with a fresh reset link (org_id may be
 * 0), in the caller's transaction.  Sent by the user themselves (forgot)
 * and by their administrators alike. */
int pt_mail_password_reset(struct pt_req *r, int64_t user_id, int64_t org_id, const char *email,
                           const char *full_name, int minutes);

/* Queue an e-mail rendered from templates/mail/<name>.{subject,txt,html}.tpl
 * with vars (borrowed); written to mail_outbox in the caller's transaction. */
int pt_mail_enqueue(struct pt_req *r, const char *to, const char *template_name,
                    json_t *vars);

#endif /* PORTAL_H */
