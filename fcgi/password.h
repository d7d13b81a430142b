/*
 * password.h — argon2id password hashes (PHC strings) and the password
 * policy.
 *
 * Parameters are OWASP's argon2id minimum: m = 19 MiB, t = 2, p = 1, with a
 * 16-byte random salt and a 32-byte hash.  A stored hash made with other
 * parameters still verifies and is reported as needing a rehash, so raising
 * them later upgrades accounts as their owners sign in.
 */
#ifndef PT_PASSWORD_H
#define PT_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PT_PASSWORD_M_COST    19456u   /* KiB */
#define PT_PASSWORD_T_COST    2u
#define PT_PASSWORD_P_COST    1u
#define PT_PASSWORD_SALT_LEN  16u
#define PT_PASSWORD_HASH_LEN  32u
/* Room for the PHC string ("$argon2id$v=19$m=19456,t=2,p=1$<22>$<43>"). */
#define PT_PASSWORD_PHC_MAX   128
#define PT_PASSWORD_MIN_CHARS 8        /* characters (UTF-8 code points) */
#define PT_PASSWORD_MAX_BYTES 128      /* bytes: what the policy accepts */
/* Verify refuses longer input without hashing: no stored password is that
 * long, and it bounds the work an anonymous sign-in can ask for. */
#define PT_PASSWORD_VERIFY_MAX 1024

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

#endif /* PT_PASSWORD_H */
