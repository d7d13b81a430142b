/*
 * secret.h — randomness, tokens, hashing and the AES-256-GCM secret box.
 *
 * The identity module builds sessions, reset links, API tokens and the
 * encrypted TOTP secrets from these.  Every function returns 0 or a
 * negative PT_E… (portal.h) and logs its own failure once.
 */
#ifndef PT_SECRET_H
#define PT_SECRET_H

#include "portal.h"   /* the public half of this subsystem */

#include <stdbool.h>
#include <stddef.h>

#define PT_SECRET_KEY_LEN   32   /* AES-256 */
#define PT_SECRET_IV_LEN    12   /* GCM's natural nonce size */
#define PT_SECRET_TAG_LEN   16
/* What a sealed box adds to its plaintext: IV in front, tag behind. */
#define PT_SECRET_OVERHEAD  (PT_SECRET_IV_LEN + PT_SECRET_TAG_LEN)






/*
 * Read the secret-box key from path: a file of exactly 32 raw bytes, or of
 * 64 hex digits (an optional trailing newline is allowed).  Refuses, with a
 * message naming the file, one that is not a regular file or that group or
 * others may read or write (chmod 600 it).  A symlink is followed and its
 * target checked (credential stores hand keys out that way).  0, PT_EIO
 * (cannot read), PT_EINVAL (bad permissions or content).
 */
int pt_secret_key_load(const char *path, unsigned char key[PT_SECRET_KEY_LEN]);

/*
 * Write a new random key to path as 64 hex digits and a newline, mode 0600.
 * Never overwrites: an existing file is PT_EEXIST, because replacing the key
 * would make every sealed secret unreadable.  0, PT_EEXIST, PT_EIO.
 */
int pt_secret_key_generate(const char *path);

/*
 * Encrypt and authenticate n bytes of plain (may be NULL when n is 0),
 * binding aad (the row's identity, e.g. "user:42:totp"; may be NULL/0).
 * *out is malloc'd: 12-byte random IV || ciphertext (n bytes) || 16-byte
 * tag, *outlen = n + PT_SECRET_OVERHEAD.  Free it with free().
 * 0, PT_ENOMEM, PT_EIO.
 */
int pt_secret_seal(const unsigned char key[PT_SECRET_KEY_LEN],
                   const void *plain, size_t n, const void *aad, size_t aadlen,
                   unsigned char **out, size_t *outlen);

/*
 * Check and decrypt a box made by pt_secret_seal with the same key and aad.
 * *out is malloc'd with *outlen bytes and one extra NUL (so a sealed string
 * comes back as a C string); release it with pt_secret_free.
 * 0, PT_EINVAL (too short, tampered, wrong key or wrong aad), PT_ENOMEM,
 * PT_EIO.
 */
int pt_secret_open(const unsigned char key[PT_SECRET_KEY_LEN],
                   const void *box, size_t boxlen, const void *aad, size_t aadlen,
                   unsigned char **out, size_t *outlen);

/* Wipe n bytes of p, then free it.  NULL is fine. */
void pt_secret_free(void *p, size_t n);

#endif /* PT_SECRET_H */
