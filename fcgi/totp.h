/*
 * totp.h — RFC 6238 time-based one-time passwords over liboath (SHA-1,
 * 6 digits, 30-second steps, ±1 step of clock drift), their enrolment URI,
 * and recovery codes.
 *
 * liboath set-up: each function that calls liboath brackets the call with
 * oath_init()/oath_done().  Debian's liboath is built on gnulib's own
 * crypto, where both are cheap, and bracketing keeps this file free of
 * process state and of any ordering rule between workers and their set-up.
 * pt_totp_init() exists for start-up: it checks liboath answers, so a
 * broken install stops a worker at once instead of failing each sign-in.
 */
#ifndef PT_TOTP_H
#define PT_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PT_TOTP_SECRET_LEN  20   /* 160 bits, RFC 4226's recommendation */
#define PT_TOTP_DIGITS      6
#define PT_TOTP_PERIOD      30
#define PT_TOTP_WINDOW      1    /* steps accepted either side of now */
/* Base32 of PT_TOTP_SECRET_LEN bytes: 32 characters, no padding, and NUL. */
#define PT_TOTP_BASE32_MAX  33

#define PT_RECOVERY_CODES   10
/* "xxxxx-xxxxx": 10 symbols of 5 bits = 50 bits, a dash and a NUL. */
#define PT_RECOVERY_CODE_SIZE 12
/* The normalised form: 10 symbols and a NUL. */
#define PT_RECOVERY_NORM_SIZE 11

/* Check liboath is usable (worker set-up).  0 or PT_EIO. */
int pt_totp_init(void);

/* A new random TOTP secret.  0 or PT_EIO. */
int pt_totp_secret_new(unsigned char raw[PT_TOTP_SECRET_LEN]);

/*
 * raw as base32 (RFC 4648 alphabet, upper case, padding stripped) for manual
 * entry and the URI.  out must hold ((rawlen * 8 + 4) / 5) + 1 bytes; for a
 * PT_TOTP_SECRET_LEN secret, PT_TOTP_BASE32_MAX.  0, PT_EINVAL (out too
 * small), PT_ENOMEM.
 */
int pt_totp_base32(const unsigned char *raw, size_t rawlen, char *out, size_t outlen);

/* The code for time `when` into out (6 digits and a NUL).  0 or PT_EIO.
 * For tests and tools: sign-in uses pt_totp_verify. */
int pt_totp_generate(const unsigned char *raw, size_t rawlen, time_t when,
                     char out[PT_TOTP_DIGITS + 1]);

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

#endif /* PT_TOTP_H */
