/*
 * password.c — argon2id over libargon2, and the password policy.
 *
 * libargon2 wipes its own working memory; what this file copies (salts,
 * raw hashes) is wiped here before it goes out of scope.
 */
#include "password.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <argon2.h>
#include <openssl/crypto.h>

#include "portal.h"
#include "secret.h"

/* Parameters a stored hash may have and still be verified: anything
 * beyond is a damaged row, and hashing with it could exhaust the worker. */
#define PHC_M_MAX (256u * 1024u)   /* KiB */
#define PHC_T_MAX 16u
#define PHC_P_MAX 8u

static const char password_weak[] =
    "Password must contain at least 8 characters with uppercase, lowercase, "
    "number, and special character";
static const char password_long[] = "Password must be at most 128 characters long";
static const char password_is_email[] =
    "Password must not be your e-mail address or the part before the @";

struct phc_params {
    unsigned long v, m, t, p;
};

/* Read "<key>=<decimal>" at *s, leaving *s after the number. */
static bool phc_field(const char **s, const char *key, unsigned long *out)
{
    size_t klen = strlen(key);
    char *end;

    if (strncmp(*s, key, klen) != 0 || (*s)[klen] != '=' ||
        (*s)[klen + 1] < '0' || (*s)[klen + 1] > '9')
        return false;
    errno = 0;
    *out = strtoul(*s + klen + 1, &end, 10);
    if (errno != 0)
        return false;
    *s = end;
    return true;
}

/* "$argon2id$[v=N$]m=N,t=N,p=N$salt$hash": the numbers, or false.  The
 * salt and hash are left to libargon2, which decodes them anyway. */
static bool phc_parse(const char *phc, struct phc_params *pp)
{
    static const char prefix[] = "$argon2id$";
    const char *s = phc;

    if (strncmp(s, prefix, sizeof(prefix) - 1) != 0)
        return false;
    s += sizeof(prefix) - 1;
    pp->v = ARGON2_VERSION_10;    /* no "v=": the original 1.0 format */
    if (s[0] == 'v' && (!phc_field(&s, "v", &pp->v) || *s++ != '$'))
        return false;
    if (!phc_field(&s, "m", &pp->m) || *s++ != ',' ||
        !phc_field(&s, "t", &pp->t) || *s++ != ',' ||
        !phc_field(&s, "p", &pp->p) || *s != '$')
        return false;
    return pp->m <= PHC_M_MAX && pp->t >= 1 && pp->t <= PHC_T_MAX &&
           pp->p >= 1 && pp->p <= PHC_P_MAX;
}

int pt_password_hash(const char *pw, char *out, size_t outlen)
{
    unsigned char salt[PT_PASSWORD_SALT_LEN];
    size_t pwlen = pw ? strlen(pw) : 0;
    int rc;

    if (outlen > 0)
        out[0] = '\0';
    if (!pw || pwlen > PT_PASSWORD_VERIFY_MAX || outlen < PT_PASSWORD_PHC_MAX) {
        pt_log_error("%s: password of %zu bytes or output of %zu bytes refused",
                     __func__, pwlen, outlen);
        return PT_EINVAL;
    }
    if (pt_random_bytes(salt, sizeof(salt)) != PT_OK)
        return PT_EIO;
    rc = argon2id_hash_encoded(PT_PASSWORD_T_COST, PT_PASSWORD_M_COST, PT_PASSWORD_P_COST,
                               pw, pwlen, salt, sizeof(salt), PT_PASSWORD_HASH_LEN,
                               out, outlen);
    OPENSSL_cleanse(salt, sizeof(salt));
    if (rc != ARGON2_OK) {
        pt_log_error("%s: argon2id: %s", __func__, argon2_error_message(rc));
        out[0] = '\0';
        return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? PT_ENOMEM : PT_EIO;
    }
    return PT_OK;
}

int pt_password_verify(const char *phc, const char *pw, bool *needs_rehash)
{
    struct phc_params pp;
    size_t pwlen = pw ? strlen(pw) : 0;
    int rc;

    if (needs_rehash)
        *needs_rehash = false;
    if (!pw || pwlen > PT_PASSWORD_VERIFY_MAX)
        return PT_EINVAL;
    if (!phc || !phc_parse(phc, &pp)) {
        pt_log_error("%s: the stored password hash is not an argon2id PHC string "
                     "within limits", __func__);
        return PT_EINVAL;
    }
    rc = argon2id_verify(phc, pw, pwlen);
    if (rc == ARGON2_VERIFY_MISMATCH)
        return PT_EINVAL;
    if (rc != ARGON2_OK) {
        pt_log_error("%s: argon2id: %s", __func__, argon2_error_message(rc));
        if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
            return PT_ENOMEM;
        return rc == ARGON2_DECODING_FAIL || rc == ARGON2_DECODING_LENGTH_FAIL ||
               rc == ARGON2_SALT_TOO_SHORT || rc == ARGON2_OUTPUT_TOO_SHORT ? PT_EINVAL
                                                                            : PT_EIO;
    }
    if (needs_rehash)
        *needs_rehash = pp.v != ARGON2_VERSION_NUMBER || pp.m != PT_PASSWORD_M_COST ||
                        pp.t != PT_PASSWORD_T_COST || pp.p != PT_PASSWORD_P_COST;
    return PT_OK;
}

void pt_password_dummy_verify(const char *pw)
{
    /* A fixed salt is fine: the result is thrown away.  One raw hash with
     * the current parameters is what a verify costs (it decodes the PHC
     * string, hashes once and compares). */
    static const unsigned char salt[PT_PASSWORD_SALT_LEN] = "pt-dummy-verify";
    unsigned char hash[PT_PASSWORD_HASH_LEN];
    size_t pwlen = pw ? strlen(pw) : 0;
    int rc;

    if (pwlen > PT_PASSWORD_VERIFY_MAX)
        return;                   /* as verify: refused before hashing */
    rc = argon2id_hash_raw(PT_PASSWORD_T_COST, PT_PASSWORD_M_COST, PT_PASSWORD_P_COST,
                           pw ? pw : "", pwlen, salt, sizeof(salt), hash, sizeof(hash));
    if (rc != ARGON2_OK)
        pt_log_error("%s: argon2id: %s", __func__, argon2_error_message(rc));
    OPENSSL_cleanse(hash, sizeof(hash));
}

/* Is pw the e-mail address, or its local part, ignoring ASCII case? */
static bool password_matches_email(const char *pw, const char *email)
{
    const char *at;

    if (!email || !*email)
        return false;
    if (strcasecmp(pw, email) == 0)
        return true;
    at = strrchr(email, '@');
    return at && at > email && strlen(pw) == (size_t)(at - email) &&
           strncasecmp(pw, email, (size_t)(at - email)) == 0;
}

const char *pt_password_policy(const char *pw, const char *email)
{
    bool upper = false, lower = false, digit = false, special = false;
    size_t chars = 0;

    if (!pw)
        return password_weak;
    if (strlen(pw) > PT_PASSWORD_MAX_BYTES)
        return password_long;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if ((*p & 0xC0) != 0x80)  /* count UTF-8 code points, not bytes */
            chars++;
        if (*p >= 'A' && *p <= 'Z')
            upper = true;
        else if (*p >= 'a' && *p <= 'z')
            lower = true;
        else if (*p >= '0' && *p <= '9')
            digit = true;
        else if (*p >= 0x80 || (*p >= 0x20 && *p < 0x7F))
            special = true;       /* punctuation, space, anything non-ASCII */
    }
    if (chars < PT_PASSWORD_MIN_CHARS || !upper || !lower || !digit || !special)
        return password_weak;
    if (password_matches_email(pw, email))
        return password_is_email;
    return NULL;
}
