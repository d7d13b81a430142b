/* check_secret.c — randomness, tokens, SHA-256 and the AES-256-GCM box. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "portal.h"
#include "secret.h"

static char tmpdir[64];

static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_secret.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static size_t unhex(const char *hex, unsigned char *out)
{
    size_t n = strlen(hex) / 2;

    for (size_t i = 0; i < n; i++) {
        unsigned v;

        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (unsigned char)v;
    }
    return n;
}

static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
}

static const unsigned char key1[PT_SECRET_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[PT_SECRET_KEY_LEN] = "0123456789abcdef0123456789abcdX";

/* ---- randomness, tokens, hashing ----------------------------------------- */

START_TEST(random_bytes_fill_and_differ_between_calls)
{
    unsigned char a[32] = { 0 }, b[32] = { 0 }, zero[32] = { 0 };

    ck_assert_int_eq(pt_random_bytes(a, sizeof(a)), PT_OK);
    ck_assert_int_eq(pt_random_bytes(b, sizeof(b)), PT_OK);
    ck_assert_int_ne(memcmp(a, zero, 32), 0);
    ck_assert_int_ne(memcmp(a, b, 32), 0);
    ck_assert_int_eq(pt_random_bytes(a, 0), PT_OK);
}
END_TEST

START_TEST(token_is_43_base64url_characters)
{
    char t[PT_TOKEN_LEN + 1];

    ck_assert_int_eq(pt_token_new(t), PT_OK);
    ck_assert_uint_eq(strlen(t), 43);
    ck_assert_uint_eq(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789-_"), 43);
}
END_TEST

START_TEST(tokens_are_unique)
{
    char t[50][PT_TOKEN_LEN + 1];

    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(pt_token_new(t[i]), PT_OK);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(t[i], t[j]);
    }
}
END_TEST

START_TEST(sha256_hex_matches_fips_180_vectors)
{
    char h[PT_SHA256_HEX_LEN + 1];

    pt_sha256_hex("", 0, h);
    ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    pt_sha256_hex("abc", 3, h);
    ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(secure_equal_compares_every_byte)
{
    ck_assert(pt_secure_equal("abcdef", "abcdef", 6));
    ck_assert(!pt_secure_equal("abcdef", "abcdeg", 6));
    ck_assert(!pt_secure_equal("xbcdef", "abcdef", 6));
    ck_assert(pt_secure_equal("abcdef", "abcxyz", 3));
    ck_assert(pt_secure_equal("a", "b", 0));
}
END_TEST

/* ---- the secret box -------------------------------------------------------- */

static void seal(const unsigned char *key, const char *plain, const char *aad,
                 unsigned char **box, size_t *boxlen)
{
    ck_assert_int_eq(pt_secret_seal(key, plain, strlen(plain), aad, aad ? strlen(aad) : 0,
                                    box, boxlen), PT_OK);
}

START_TEST(seal_then_open_returns_the_plaintext)
{
    unsigned char *box, *plain;
    size_t boxlen, plainlen;

    seal(key1, "JBSWY3DPEHPK3PXP", "user:42:totp", &box, &boxlen);
    ck_assert_uint_eq(boxlen, 16 + PT_SECRET_OVERHEAD);
    ck_assert_int_eq(pt_secret_open(key1, box, boxlen, "user:42:totp", 12, &plain, &plainlen),
                     PT_OK);
    ck_assert_uint_eq(plainlen, 16);
    ck_assert_str_eq((char *)plain, "JBSWY3DPEHPK3PXP");
    pt_secret_free(plain, plainlen);
    free(box);
}
END_TEST

START_TEST(empty_plaintext_and_no_aad_round_trip)
{
    unsigned char *box, *plain;
    size_t boxlen, plainlen;

    ck_assert_int_eq(pt_secret_seal(key1, NULL, 0, NULL, 0, &box, &boxlen), PT_OK);
    ck_assert_uint_eq(boxlen, PT_SECRET_OVERHEAD);
    ck_assert_int_eq(pt_secret_open(key1, box, boxlen, NULL, 0, &plain, &plainlen), PT_OK);
    ck_assert_uint_eq(plainlen, 0);
    ck_assert_str_eq((char *)plain, "");
    pt_secret_free(plain, plainlen);
    free(box);
}
END_TEST

START_TEST(each_seal_uses_a_fresh_iv)
{
    unsigned char *a, *b;
    size_t alen, blen;

    seal(key1, "same secret", "aad", &a, &alen);
    seal(key1, "same secret", "aad", &b, &blen);
    ck_assert_uint_eq(alen, blen);
    ck_assert_int_ne(memcmp(a, b, PT_SECRET_IV_LEN), 0);
    ck_assert_int_ne(memcmp(a + PT_SECRET_IV_LEN, b + PT_SECRET_IV_LEN,
                            alen - PT_SECRET_IV_LEN), 0);
    free(a);
    free(b);
}
END_TEST

/* The layout IV || ciphertext || tag is standard GCM: McGrew & Viega's
 * test case 16 (AES-256, 60 bytes, 20 bytes of AAD) opens. */
START_TEST(open_accepts_the_gcm_spec_test_case_16)
{
    unsigned char key[32], box[12 + 60 + 16], aad[20], want[60], *plain;
    size_t n = 0, plainlen;

    unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", key);
    n += unhex("cafebabefacedbaddecaf888", box);
    n += unhex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
               "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", box + n);
    n += unhex("76fc6ece0f4e1768cddf8853bb2d551b", box + n);
    ck_assert_uint_eq(n, sizeof(box));
    unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad);
    unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", want);
    ck_assert_int_eq(pt_secret_open(key, box, sizeof(box), aad, sizeof(aad), &plain, &plainlen),
                     PT_OK);
    ck_assert_uint_eq(plainlen, 60);
    ck_assert_mem_eq(plain, want, 60);
    pt_secret_free(plain, plainlen);
}
END_TEST

START_TEST(open_refuses_any_flipped_bit)
{
    unsigned char *box, *plain = (unsigned char *)"untouched";
    size_t boxlen, plainlen = 99;

    seal(key1, "secret", "user:1", &box, &boxlen);
    for (size_t i = 0; i < boxlen; i++) {
        for (int bit = 0; bit < 8; bit += 7) {
            box[i] ^= (unsigned char)(1u << bit);
            ck_assert_int_eq(pt_secret_open(key1, box, boxlen, "user:1", 6, &plain, &plainlen),
                             PT_EINVAL);
            ck_assert_ptr_null(plain);
            ck_assert_uint_eq(plainlen, 0);
            box[i] ^= (unsigned char)(1u << bit);
        }
    }
    free(box);
}
END_TEST

START_TEST(open_refuses_wrong_aad_or_key)
{
    unsigned char *box, *plain;
    size_t boxlen, plainlen;

    seal(key1, "secret", "user:1:totp", &box, &boxlen);
    /* Another row's identity: a secret copied between rows will not open. */
    ck_assert_int_eq(pt_secret_open(key1, box, boxlen, "user:2:totp", 11, &plain, &plainlen),
                     PT_EINVAL);
    ck_assert_int_eq(pt_secret_open(key1, box, boxlen, NULL, 0, &plain, &plainlen), PT_EINVAL);
    ck_assert_int_eq(pt_secret_open(key2, box, boxlen, "user:1:totp", 11, &plain, &plainlen),
                     PT_EINVAL);
    free(box);
}
END_TEST

START_TEST(open_refuses_truncated_or_extended_boxes)
{
    unsigned char *box, *plain, longer[64] = { 0 };
    size_t boxlen, plainlen;

    seal(key1, "secret", NULL, &box, &boxlen);
    for (size_t n = 0; n < boxlen; n++)
        ck_assert_int_eq(pt_secret_open(key1, box, n, NULL, 0, &plain, &plainlen), PT_EINVAL);
    memcpy(longer, box, boxlen);
    ck_assert_int_eq(pt_secret_open(key1, longer, boxlen + 1, NULL, 0, &plain, &plainlen),
                     PT_EINVAL);
    free(box);
}
END_TEST

/* ---- key files ---------------------------------------------------------------- */

START_TEST(generated_key_is_0600_hex_and_loads)
{
    char path[128], text[80] = { 0 };
    unsigned char key[PT_SECRET_KEY_LEN], want[PT_SECRET_KEY_LEN];
    struct stat st;
    FILE *f;

    snprintf(path, sizeof(path), "%s/secret.key", tmpdir);
    ck_assert_int_eq(pt_secret_key_generate(path), PT_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(st.st_size, 65);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(text, sizeof(text), f));
    fclose(f);
    ck_assert_uint_eq(strspn(text, "0123456789abcdef"), 64);
    ck_assert_int_eq(text[64], '\n');
    unhex(text, want);
    ck_assert_int_eq(pt_secret_key_load(path, key), PT_OK);
    ck_assert_mem_eq(key, want, sizeof(key));
}
END_TEST

START_TEST(generate_never_replaces_an_existing_key)
{
    char path[128];
    unsigned char before[PT_SECRET_KEY_LEN], after[PT_SECRET_KEY_LEN];

    snprintf(path, sizeof(path), "%s/secret.key", tmpdir);
    ck_assert_int_eq(pt_secret_key_generate(path), PT_OK);
    ck_assert_int_eq(pt_secret_key_load(path, before), PT_OK);
    ck_assert_int_eq(pt_secret_key_generate(path), PT_EEXIST);
    ck_assert_int_eq(pt_secret_key_load(path, after), PT_OK);
    ck_assert_mem_eq(before, after, sizeof(before));
}
END_TEST

START_TEST(load_accepts_raw_bytes_and_hex_with_crlf)
{
    char path[128];
    unsigned char key[PT_SECRET_KEY_LEN];
    static const char hex[] =
        "000102030405060708090A0B0C0D0E0F101112131415161718191a1b1c1d1e1f\r\n";

    snprintf(path, sizeof(path), "%s/raw.key", tmpdir);
    write_file(path, key1, sizeof(key1), 0600);
    ck_assert_int_eq(pt_secret_key_load(path, key), PT_OK);
    ck_assert_mem_eq(key, key1, sizeof(key));

    snprintf(path, sizeof(path), "%s/hex.key", tmpdir);
    write_file(path, hex, strlen(hex), 0400);
    ck_assert_int_eq(pt_secret_key_load(path, key), PT_OK);
    for (int i = 0; i < PT_SECRET_KEY_LEN; i++)
        ck_assert_uint_eq(key[i], (unsigned)i);
}
END_TEST

START_TEST(load_refuses_a_file_others_can_access)
{
    static const mode_t modes[] = { 0640, 0604, 0620, 0602, 0610, 0644 };
    char path[128];
    unsigned char key[PT_SECRET_KEY_LEN];

    snprintf(path, sizeof(path), "%s/open.key", tmpdir);
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        write_file(path, key1, sizeof(key1), modes[i]);
        ck_assert_int_eq(pt_secret_key_load(path, key), PT_EINVAL);
    }
}
END_TEST

START_TEST(load_refuses_wrong_sizes_and_non_hex)
{
    static const char *bad[] = {
        "0123456789abcdef0123456789abcde",                                  /* 31 */
        "0123456789abcdef0123456789abcdef0",                                /* 33 */
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",  /* 63 */
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g", /* 'g' */
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n\n",
        "",
    };
    char path[128];
    unsigned char key[PT_SECRET_KEY_LEN];

    snprintf(path, sizeof(path), "%s/bad.key", tmpdir);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_file(path, bad[i], strlen(bad[i]), 0600);
        ck_assert_msg(pt_secret_key_load(path, key) == PT_EINVAL, "accepted case %zu", i);
    }
}
END_TEST

START_TEST(load_reports_missing_file_and_directory)
{
    char path[128];
    unsigned char key[PT_SECRET_KEY_LEN];

    snprintf(path, sizeof(path), "%s/none.key", tmpdir);
    ck_assert_int_eq(pt_secret_key_load(path, key), PT_EIO);
    ck_assert_int_eq(chmod(tmpdir, 0700), 0);
    ck_assert_int_eq(pt_secret_key_load(tmpdir, key), PT_EINVAL);
}
END_TEST

static Suite *secret_suite(void)
{
    Suite *s = suite_create("secret");
    TCase *basics = tcase_create("basics");
    TCase *box = tcase_create("box");
    TCase *keys = tcase_create("keys");

    tcase_add_test(basics, random_bytes_fill_and_differ_between_calls);
    tcase_add_test(basics, token_is_43_base64url_characters);
    tcase_add_test(basics, tokens_are_unique);
    tcase_add_test(basics, sha256_hex_matches_fips_180_vectors);
    tcase_add_test(basics, secure_equal_compares_every_byte);
    suite_add_tcase(s, basics);

    tcase_add_test(box, seal_then_open_returns_the_plaintext);
    tcase_add_test(box, empty_plaintext_and_no_aad_round_trip);
    tcase_add_test(box, each_seal_uses_a_fresh_iv);
    tcase_add_test(box, open_accepts_the_gcm_spec_test_case_16);
    tcase_add_test(box, open_refuses_any_flipped_bit);
    tcase_add_test(box, open_refuses_wrong_aad_or_key);
    tcase_add_test(box, open_refuses_truncated_or_extended_boxes);
    suite_add_tcase(s, box);

    tcase_add_checked_fixture(keys, setup, teardown);
    tcase_add_test(keys, generated_key_is_0600_hex_and_loads);
    tcase_add_test(keys, generate_never_replaces_an_existing_key);
    tcase_add_test(keys, load_accepts_raw_bytes_and_hex_with_crlf);
    tcase_add_test(keys, load_refuses_a_file_others_can_access);
    tcase_add_test(keys, load_refuses_wrong_sizes_and_non_hex);
    tcase_add_test(keys, load_reports_missing_file_and_directory);
    suite_add_tcase(s, keys);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(secret_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
