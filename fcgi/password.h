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

#include "portal.h"   /* the public half of this subsystem */

#include <stdbool.h>
#include <stddef.h>

#define PT_PASSWORD_M_COST    19456u   /* KiB */
#define PT_PASSWORD_T_COST    2u
#define PT_PASSWORD_P_COST    1u
#define PT_PASSWORD_SALT_LEN  16u
#define PT_PASSWORD_HASH_LEN  32u
#define PT_PASSWORD_MIN_CHARS 8        /* characters (UTF-8 code points) */
#define PT_PASSWORD_MAX_BYTES 128      /* bytes: what the policy accepts */
/* Verify refuses longer input without hashing: no stored password is that
 * long, and it bounds the work an anonymous sign-in can ask for. */
#define PT_PASSWORD_VERIFY_MAX 1024





#endif /* PT_PASSWORD_H */
