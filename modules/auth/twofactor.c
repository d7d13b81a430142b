/*
 * twofactor.c — TOTP (RFC 6238) two-factor authentication: the second
 * factor of a sign-in, enrolment with a QR code, turning it off.
 *
 * The secret is sealed with the install's key (pt_seal, AES-256-GCM, AAD
 * "user:<id>:totp") in totp.secret_enc.  Enrolment keeps a pending row
 * (enabled_at NULL) until a code proves the app has the secret; the QR code
 * and the secret for manual entry come from that row, so reloading the page
 * shows the same one.  A code's time step is accepted once (last_step).
 * Recovery codes live in recovery.c.
 */
#include "auth.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TOTP_RAW_MAX 64

static void totp_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;

    while (n--)
        *v++ = 0;
}

static const char *totp_aad(struct pt_req *r, int64_t user_id)
{
    return pt_printf(r, "user:%lld:totp", (long long)user_id);
}

bool auth_totp_enabled(struct pt_req *r, int64_t user_id)
{
    json_t *row;

    return pt_db_query_one(r, "SELECT 1 AS on_ FROM totp WHERE user_id = ? AND "
                           "enabled_at IS NOT NULL", PT_ARGS(PT_ARG_INT(user_id)), &row) == 0;
}

/* The secret of user_id (enabled or pending) into raw; *last_step too. */
static int totp_load(struct pt_req *r, int64_t user_id, bool enabled, bool for_update,
                     unsigned char raw[TOTP_RAW_MAX], size_t *rawlen, int64_t *last_step)
{
    const unsigned char *plain;
    size_t plainlen;
    json_t *row, *box;
    int rc;

    rc = pt_db_query_one(r, enabled
        ? (for_update ? "SELECT secret_enc, last_step FROM totp WHERE user_id = ? AND "
                        "enabled_at IS NOT NULL FOR UPDATE"
                      : "SELECT secret_enc, last_step FROM totp WHERE user_id = ? AND "
                        "enabled_at IS NOT NULL")
        : (for_update ? "SELECT secret_enc, last_step FROM totp WHERE user_id = ? AND "
                        "enabled_at IS NULL FOR UPDATE"
                      : "SELECT secret_enc, last_step FROM totp WHERE user_id = ? AND "
                        "enabled_at IS NULL"),
        PT_ARGS(PT_ARG_INT(user_id)), &row);
    if (rc != 0)
        return rc;
    box = json_object_get(row, "secret_enc");
    if (!json_is_string(box))
        return PT_EINVAL;
    rc = pt_unseal(r, json_string_value(box), json_string_length(box), totp_aad(r, user_id),
                   &plain, &plainlen);
    if (rc != 0) {
        pt_log_error("%s: the two-factor secret of user %lld cannot be opened (%d)",
                     __func__, (long long)user_id, rc);
        return rc;
    }
    if (plainlen == 0 || plainlen > TOTP_RAW_MAX)
        return PT_EINVAL;
    memcpy(raw, plain, plainlen);
    totp_wipe((void *)(uintptr_t)plain, plainlen);
    *rawlen = plainlen;
    *last_step = json_integer_value(json_object_get(row, "last_step"));
    return 0;
}

/* "123 456" → "123456"; NULL unless what is left is exactly six digits. */
static const char *totp_digits(struct pt_req *r, const char *code)
{
    char out[PT_TOTP_DIGITS + 1];
    size_t n = 0;

    for (const char *p = code; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (!isdigit((unsigned char)*p) || n == PT_TOTP_DIGITS)
            return NULL;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n == PT_TOTP_DIGITS ? pt_strdup(r, out) : NULL;
}

/* Checks a TOTP code against the enabled (or pending) secret and stores its
 * step.  0, 1 (refused, *why says why) or a negative PT_E…. */
static int totp_check(struct pt_req *r, int64_t user_id, bool enabled, const char *code,
                      const char **why)
{
    unsigned char raw[TOTP_RAW_MAX];
    size_t rawlen = 0;
    int64_t last = -1, step = -1;
    int rc = totp_load(r, user_id, enabled, true, raw, &rawlen, &last);

    if (rc == PT_ENOTFOUND) {
        *why = enabled ? "Two-factor authentication is not on for this account."
                       : "Start again: open the two-factor page to get a new secret.";
        return 1;
    }
    if (rc != 0)
        return rc;
    rc = pt_totp_verify(raw, rawlen, code, time(NULL), enabled ? last : -1, &step);
    totp_wipe(raw, sizeof(raw));
    if (rc == PT_EEXIST) {
        *why = "That code has already been used. Wait for the next code from your app.";
        return 1;
    }
    if (rc == PT_EINVAL) {
        *why = "That code is not right. Check that your device's clock is correct and "
               "enter the code your app shows now.";
        return 1;
    }
    if (rc != 0)
        return rc;
    return pt_db_exec(r, "UPDATE totp SET last_step = ? WHERE user_id = ?",
                      PT_ARGS(PT_ARG_INT(step), PT_ARG_INT(user_id)), NULL, NULL);
}

int auth_second_factor(struct pt_req *r, int64_t user_id, const char *code,
                       bool *was_recovery, const char **why)
{
    const char *digits = code ? totp_digits(r, code) : NULL;

    *was_recovery = false;
    if (code == NULL || strlen(code) > 64) {
        *why = "Enter the 6-digit code from your authenticator app, or a recovery code.";
        return 1;
    }
    if (digits != NULL)
        return totp_check(r, user_id, true, digits, why);
    *was_recovery = true;
    return auth_recovery_use(r, user_id, code, why);
}

/* ---- enrolment ------------------------------------------------------------ */

static char *totp_base64(struct pt_req *r, const unsigned char *in, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = pt_alloc(r, (n + 2) / 3 * 4 + 1), *o = out;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        *o++ = tab[(v >> 18) & 63];
        *o++ = tab[(v >> 12) & 63];
        *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* A pending secret for user_id: the one already waiting, else a new one. */
static int totp_pending(struct pt_req *r, int64_t user_id, unsigned char raw[TOTP_RAW_MAX],
                        size_t *rawlen)
{
    int64_t last;
    int rc = totp_load(r, user_id, false, false, raw, rawlen, &last);
    const unsigned char *box;
    size_t boxlen;

    if (rc != PT_ENOTFOUND)
        return rc;
    if (pt_totp_secret_new(raw) != 0)
        return PT_EIO;
    rc = pt_seal(r, raw, PT_TOTP_SECRET_LEN, totp_aad(r, user_id), &box, &boxlen);
    totp_wipe(raw, TOTP_RAW_MAX);
    if (rc != 0) {
        pt_log_error("%s: cannot seal a two-factor secret (%d): is [security] key_file set?",
                     __func__, rc);
        return rc;
    }
    /* Two tabs at once: the first row wins and both show it. */
    rc = pt_db_exec(r, "INSERT IGNORE INTO totp (user_id, secret_enc) VALUES (?, ?)",
                    PT_ARGS(PT_ARG_INT(user_id), PT_ARG_BLOB(box, boxlen)), NULL, NULL);
    if (rc != 0)
        return rc;
    return totp_load(r, user_id, false, false, raw, rawlen, &last);
}

/* The enrolment view: QR code (as a data: URI image), secret, otpauth URI. */
static int totp_enrol_view(struct pt_req *r, json_t *view, int64_t user_id, const char *email)
{
    unsigned char raw[TOTP_RAW_MAX];
    char b32[PT_TOTP_BASE32_MAX], grouped[PT_TOTP_BASE32_MAX * 2];
    size_t rawlen = 0, g = 0;
    int rc = totp_pending(r, user_id, raw, &rawlen);

    if (rc == 0)
        rc = pt_totp_base32(raw, rawlen, b32, sizeof(b32));
    totp_wipe(raw, sizeof(raw));
    if (rc != 0)
        return rc;
    char *uri = pt_totp_uri(pt_req_brand_name(r), email, b32);
    char *svg = uri ? pt_qr_svg(uri) : NULL;
    if (svg == NULL) {
        free(uri);
        return PT_ENOMEM;
    }
    for (size_t i = 0; b32[i]; i++) {
        if (i && i % 4 == 0)
            grouped[g++] = ' ';
        grouped[g++] = b32[i];
    }
    grouped[g] = '\0';
    json_object_set_new(view, "enrol", json_true());
    json_object_set_new(view, "secret", json_string(b32));
    json_object_set_new(view, "secret_grouped", json_string(grouped));
    json_object_set_new(view, "otpauth_uri", json_string(uri));
    json_object_set_new(view, "qr_svg", json_string(svg));
    json_object_set_new(view, "qr_svg_base64",
                        json_string(totp_base64(r, (const unsigned char *)svg, strlen(svg))));
    json_object_set_new(view, "issuer", json_string(pt_req_brand_name(r)));
    json_object_set_new(view, "account", json_string(email));
    totp_wipe(b32, sizeof(b32));
    totp_wipe(grouped, sizeof(grouped));
    free(svg);
    free(uri);
    return 0;
}

struct enable_try {
    int64_t     user_id;
    const char *code, *why;
    char        codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE];
};

static int totp_enable_tx(struct pt_req *r, void *arg)
{
    struct enable_try *t = arg;
    int rc = totp_check(r, t->user_id, false, t->code, &t->why);

    if (rc != 0)
        return rc;
    rc = pt_db_exec(r, "UPDATE totp SET enabled_at = NOW() WHERE user_id = ?",
                    PT_ARGS(PT_ARG_INT(t->user_id)), NULL, NULL);
    if (rc == 0)
        rc = auth_recovery_store(r, t->user_id, t->codes);
    if (rc == 0)
        auth_audit(r, false, AUTH_CAT_SECURITY, "Two-Factor Enabled", "Success", t->user_id,
                   NULL);
    return rc;
}

static int totp_enable(struct pt_req *r, json_t *view, int64_t user_id, const char *email)
{
    struct enable_try t = { .user_id = user_id, .code = auth_input(r, "code") };
    const char *digits = t.code ? totp_digits(r, t.code) : NULL;
    int rc;

    if (digits == NULL) {
        rc = totp_enrol_view(r, view, user_id, email);
        auth_audit(r, true, AUTH_CAT_SECURITY, "Two-Factor Enabled", "Failed", user_id, NULL);
        return rc ? pt_error(r, 500, "Two-factor set-up is unavailable.")
                  : auth_form_error(r, view, 400, "Enter the 6-digit code your "
                                    "authenticator app shows for this account.");
    }
    t.code = digits;
    rc = pt_db_tx(r, totp_enable_tx, &t);
    if (rc != 0) {
        auth_audit(r, true, AUTH_CAT_SECURITY, "Two-Factor Enabled", "Failed", user_id, NULL);
        if (rc < 0 || totp_enrol_view(r, view, user_id, email) != 0)
            return pt_error(r, 500, "Two-factor set-up failed. Try again in a moment.");
        return auth_form_error(r, view, 422, t.why);
    }
    auth_recovery_view(view, t.codes);
    totp_wipe(t.codes, sizeof(t.codes));
    auth_twofactor_status(r, user_id, view);
    json_object_set_new(view, "just_enabled", json_true());
    pt_flash(r, "success", "Two-factor authentication is on. Save your recovery codes now: "
             "they are shown only once.");
    return 200;
}

int auth_twofactor_page(struct pt_req *r, json_t *view)
{
    const struct pt_identity *id = pt_req_identity(r);
    int rc = auth_require_session(r);

    if (rc != 0)
        return rc;
    auth_twofactor_status(r, id->user_id, view);
    if (auth_totp_enabled(r, id->user_id)) {
        if (strcmp(pt_req_method(r), "POST") == 0)
            return pt_error(r, 409, "Two-factor authentication is already on.");
        return 200;
    }
    if (strcmp(pt_req_method(r), "POST") == 0)
        return totp_enable(r, view, id->user_id, id->email);
    if (totp_enrol_view(r, view, id->user_id, id->email) != 0)
        return pt_error(r, 500, "Two-factor set-up is unavailable right now. Try again "
                        "later or contact support.");
    return 200;
}

void auth_twofactor_status(struct pt_req *r, int64_t user_id, json_t *view)
{
    json_t *row = NULL, *st = json_object();
    bool on = pt_db_query_one(r, "SELECT enabled_at FROM totp WHERE user_id = ? AND "
                              "enabled_at IS NOT NULL", PT_ARGS(PT_ARG_INT(user_id)),
                              &row) == 0;

    json_object_set_new(st, "enabled", json_boolean(on));
    json_object_set_new(st, "disabled", json_boolean(!on));
    bool required = auth_mfa_required(r, user_id);
    json_object_set_new(st, "required", json_boolean(required));
    json_object_set_new(st, "optional", json_boolean(!required));
    if (on) {
        json_object_set(st, "enabled_at", json_object_get(row, "enabled_at"));
        json_object_set_new(st, "recovery_codes_left",
                            json_integer(auth_recovery_left(r, user_id)));
    }
    json_object_set_new(view, "two_factor", st);
}
