/*
 * secret.c — randomness, tokens, SHA-256, constant-time comparison and the
 * AES-256-GCM secret box over OpenSSL 3.
 *
 * Nothing here keeps state: the key lives in the caller's worker struct and
 * every buffer that held a key or a plaintext is wiped before it is freed.
 */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "portal.h"

/* A key file is 32 raw bytes or 64 hex digits plus "\n" or "\r\n"; one
 * byte more than the longest lets the reader see an over-long file. */
#define KEY_FILE_MAX (2 * PT_SECRET_KEY_LEN + 2)

int pt_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;

    /* RAND_bytes takes an int: feed huge requests in slices. */
    while (n > 0) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;

        if (RAND_bytes(p, chunk) != 1) {
            pt_log_error("%s: RAND_bytes failed", __func__);
            return PT_EIO;
        }
        p += chunk;
        n -= (size_t)chunk;
    }
    return PT_OK;
}

/* base64url (RFC 4648 §5) without padding: out holds 4*ceil(n/3) + 1. */
static void secret_base64url(const unsigned char *in, size_t n, char *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i = 0;

    for (; i + 3 <= n; i += 3) {
        unsigned long v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];

        *out++ = alphabet[v >> 18 & 63];
        *out++ = alphabet[v >> 12 & 63];
        *out++ = alphabet[v >> 6 & 63];
        *out++ = alphabet[v & 63];
    }
    if (n - i == 1) {
        *out++ = alphabet[in[i] >> 2];
        *out++ = alphabet[(in[i] & 3) << 4];
    } else if (n - i == 2) {
        *out++ = alphabet[in[i] >> 2];
        *out++ = alphabet[(in[i] & 3) << 4 | in[i + 1] >> 4];
        *out++ = alphabet[(in[i + 1] & 15) << 2];
    }
    *out = '\0';
}

int pt_token_new(char out[PT_TOKEN_LEN + 1])
{
    unsigned char raw[PT_TOKEN_BYTES];
    int rc = pt_random_bytes(raw, sizeof(raw));

    out[0] = '\0';
    if (rc == PT_OK)
        secret_base64url(raw, sizeof(raw), out);
    OPENSSL_cleanse(raw, sizeof(raw));
    return rc;
}

static void secret_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void pt_sha256_hex(const void *data, size_t len, char out[PT_SHA256_HEX_LEN + 1])
{
    unsigned char md[SHA256_DIGEST_LENGTH];

    out[0] = '\0';
    if (!SHA256(data, len, md)) {
        pt_log_error("%s: SHA256 failed", __func__);
        return;
    }
    secret_hex(md, sizeof(md), out);
    OPENSSL_cleanse(md, sizeof(md));
}

bool pt_secure_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

static int secret_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The key in a file's bytes: 32 raw, or 64 hex and an optional newline. */
static int secret_key_parse(const unsigned char *buf, size_t n, unsigned char *key)
{
    if (n == PT_SECRET_KEY_LEN) {
        memcpy(key, buf, n);
        return PT_OK;
    }
    if (n > 2 * PT_SECRET_KEY_LEN && buf[n - 1] == '\n')
        n--;
    if (n > 2 * PT_SECRET_KEY_LEN && buf[n - 1] == '\r')
        n--;
    if (n != 2 * PT_SECRET_KEY_LEN)
        return PT_EINVAL;
    for (size_t i = 0; i < PT_SECRET_KEY_LEN; i++) {
        int hi = secret_hexval(buf[2 * i]), lo = secret_hexval(buf[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return PT_EINVAL;
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return PT_OK;
}

/* Read at most cap bytes of fd into buf; the count, or -1. */
static ssize_t secret_read_all(int fd, unsigned char *buf, size_t cap)
{
    size_t got = 0;

    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

int pt_secret_key_load(const char *path, unsigned char key[PT_SECRET_KEY_LEN])
{
    unsigned char buf[KEY_FILE_MAX + 1];
    struct stat st;
    ssize_t n = -1;
    int rc = PT_EIO;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        pt_log_error("%s: cannot open key file %s: %s", __func__, path, strerror(errno));
        return PT_EIO;
    }
    if (fstat(fd, &st) != 0) {
        pt_log_error("%s: cannot stat key file %s: %s", __func__, path, strerror(errno));
        goto out;
    }
    rc = PT_EINVAL;
    if (!S_ISREG(st.st_mode)) {
        pt_log_error("%s: key file %s is not a regular file", __func__, path);
        goto out;
    }
    /* A key others can read is a key others have: refuse it outright. */
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        pt_log_error("%s: key file %s is accessible by group or others (mode %04o): "
                     "run chmod 600 %s", __func__, path, (unsigned)(st.st_mode & 07777), path);
        goto out;
    }
    n = secret_read_all(fd, buf, sizeof(buf));
    if (n < 0) {
        pt_log_error("%s: cannot read key file %s: %s", __func__, path, strerror(errno));
        rc = PT_EIO;
        goto out;
    }
    rc = secret_key_parse(buf, (size_t)n, key);
    if (rc != PT_OK)
        pt_log_error("%s: key file %s must hold exactly 32 raw bytes or 64 hex digits "
                     "(it has %zd bytes)", __func__, path, n);
out:
    OPENSSL_cleanse(buf, sizeof(buf));
    if (rc != PT_OK)
        OPENSSL_cleanse(key, PT_SECRET_KEY_LEN);
    close(fd);
    return rc;
}

static int secret_write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int pt_secret_key_generate(const char *path)
{
    unsigned char key[PT_SECRET_KEY_LEN];
    char hex[2 * PT_SECRET_KEY_LEN + 2];
    int rc = PT_EIO;
    /* O_EXCL: never replace a key, it would orphan every sealed secret. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);

    if (fd < 0) {
        int err = errno;

        pt_log_error("%s: cannot create key file %s: %s%s", __func__, path, strerror(err),
                     err == EEXIST ? " (refusing to replace an existing key)" : "");
        return err == EEXIST ? PT_EEXIST : PT_EIO;
    }
    if (pt_random_bytes(key, sizeof(key)) != PT_OK)
        goto out;
    secret_hex(key, sizeof(key), hex);
    hex[2 * PT_SECRET_KEY_LEN] = '\n';
    /* fchmod too: the umask may have narrowed 0600 to something odd. */
    if (fchmod(fd, 0600) != 0 || secret_write_all(fd, hex, sizeof(hex) - 1) != 0 ||
        fsync(fd) != 0) {
        pt_log_error("%s: cannot write key file %s: %s", __func__, path, strerror(errno));
        goto out;
    }
    rc = PT_OK;
out:
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(hex, sizeof(hex));
    if (close(fd) != 0 && rc == PT_OK) {
        pt_log_error("%s: cannot close key file %s: %s", __func__, path, strerror(errno));
        rc = PT_EIO;
    }
    if (rc != PT_OK)
        unlink(path);
    return rc;
}

/* EVP takes int lengths; refuse what does not fit rather than truncate. */
static bool secret_len_ok(size_t n, size_t aadlen)
{
    return n <= (size_t)INT_MAX - PT_SECRET_OVERHEAD && aadlen <= (size_t)INT_MAX;
}

int pt_secret_seal(const unsigned char key[PT_SECRET_KEY_LEN],
                   const void *plain, size_t n, const void *aad, size_t aadlen,
                   unsigned char **out, size_t *outlen)
{
    EVP_CIPHER_CTX *ctx = NULL;
    unsigned char *box, *ct;
    int len, rc = PT_EIO;

    *out = NULL;
    *outlen = 0;
    if (!secret_len_ok(n, aadlen)) {
        pt_log_error("%s: %zu bytes is too large to seal", __func__, n);
        return PT_EINVAL;
    }
    box = malloc(n + PT_SECRET_OVERHEAD);
    if (!box) {
        pt_log_error("%s: out of memory", __func__);
        return PT_ENOMEM;
    }
    ct = box + PT_SECRET_IV_LEN;
    /* A fresh random IV per box: GCM fails open if an IV ever repeats. */
    if (pt_random_bytes(box, PT_SECRET_IV_LEN) != PT_OK)
        goto out;
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, box) != 1 ||
        (aadlen && EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aadlen) != 1) ||
        (n && EVP_EncryptUpdate(ctx, ct, &len, plain, (int)n) != 1) ||
        EVP_EncryptFinal_ex(ctx, ct + n, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, PT_SECRET_TAG_LEN, ct + n) != 1) {
        pt_log_error("%s: AES-256-GCM encryption failed", __func__);
        goto out;
    }
    rc = PT_OK;
out:
    EVP_CIPHER_CTX_free(ctx);     /* wipes the key schedule */
    if (rc != PT_OK) {
        pt_secret_free(box, n + PT_SECRET_OVERHEAD);
        return rc;
    }
    *out = box;
    *outlen = n + PT_SECRET_OVERHEAD;
    return PT_OK;
}

int pt_secret_open(const unsigned char key[PT_SECRET_KEY_LEN],
                   const void *box, size_t boxlen, const void *aad, size_t aadlen,
                   unsigned char **out, size_t *outlen)
{
    const unsigned char *iv = box;
    unsigned char tag[PT_SECRET_TAG_LEN], *plain = NULL;
    EVP_CIPHER_CTX *ctx = NULL;
    size_t n;
    int len, rc = PT_EIO;

    *out = NULL;
    *outlen = 0;
    if (boxlen < PT_SECRET_OVERHEAD || !secret_len_ok(boxlen - PT_SECRET_OVERHEAD, aadlen)) {
        pt_log_warn("%s: a sealed box of %zu bytes is malformed", __func__, boxlen);
        return PT_EINVAL;
    }
    n = boxlen - PT_SECRET_OVERHEAD;
    memcpy(tag, iv + PT_SECRET_IV_LEN + n, sizeof(tag));
    plain = malloc(n + 1);
    if (!plain) {
        pt_log_error("%s: out of memory", __func__);
        return PT_ENOMEM;
    }
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv) != 1 ||
        (aadlen && EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)aadlen) != 1) ||
        (n && EVP_DecryptUpdate(ctx, plain, &len, iv + PT_SECRET_IV_LEN, (int)n) != 1) ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, PT_SECRET_TAG_LEN, tag) != 1) {
        pt_log_error("%s: AES-256-GCM decryption failed", __func__);
        goto out;
    }
    /* The tag is checked here; until it passes, plain is untrusted. */
    if (EVP_DecryptFinal_ex(ctx, plain + n, &len) != 1) {
        pt_log_warn("%s: a sealed box failed authentication (tampered, wrong key or "
                    "wrong associated data)", __func__);
        rc = PT_EINVAL;
        goto out;
    }
    plain[n] = '\0';
    rc = PT_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    if (rc != PT_OK) {
        pt_secret_free(plain, n + 1);
        return rc;
    }
    *out = plain;
    *outlen = n;
    return PT_OK;
}

void pt_secret_free(void *p, size_t n)
{
    if (!p)
        return;
    OPENSSL_cleanse(p, n);
    free(p);
}
