/* check_totp.c — RFC 6238 codes, replay refusal, the otpauth URI and
 * recovery codes.  Codes also come from Debian's oathtool, an independent
 * implementation, when it is installed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "totp.h"

/* RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890". */
static const unsigned char rfc_seed[] = "12345678901234567890";
#define RFC_SEED_LEN 20

static const struct {
    time_t when;
    const char *code;   /* the appendix's 8 digits, last 6 kept */
} rfc_vectors[] = {
    { 59, "287082" },                 /* 94287082 */
    { 1111111109, "081804" },         /* 07081804 */
    { 1111111111, "050471" },         /* 14050471 */
    { 1234567890, "005924" },         /* 89005924 */
    { 2000000000, "279037" },         /* 69279037 */
    { 20000000000, "353130" },        /* 65353130 */
};

/* A fixed moment in the middle of a step. */
#define NOW ((time_t)1700000015)
#define STEP (NOW / 30)

static void code_at(const unsigned char *raw, time_t when, char out[7])
{
    ck_assert_int_eq(pt_totp_generate(raw, RFC_SEED_LEN, when, out), PT_OK);
}

/* oathtool's code for base32 at when into out; false when oathtool is absent. */
static bool oathtool_code(const char *base32, time_t when, char out[7])
{
    char cmd[256], line[32] = { 0 };
    FILE *p;

    if (system("command -v oathtool >/dev/null 2>&1") != 0)
        return false;
    snprintf(cmd, sizeof(cmd), "oathtool --totp -b '%s' --now='@%lld'", base32,
             (long long)when);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_uint_eq(strlen(line), 7);       /* six digits and a newline */
    memcpy(out, line, 6);
    out[6] = '\0';
    return true;
}

START_TEST(init_finds_a_usable_liboath)
{
    ck_assert_int_eq(pt_totp_init(), PT_OK);
}
END_TEST

/* ---- codes ------------------------------------------------------------------- */

START_TEST(rfc6238_vectors_are_generated_and_accepted)
{
    int i = _i;
    char code[7];
    int64_t step = -1;

    code_at(rfc_seed, rfc_vectors[i].when, code);
    ck_assert_str_eq(code, rfc_vectors[i].code);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, rfc_vectors[i].code,
                                    rfc_vectors[i].when, -1, &step), PT_OK);
    ck_assert_int_eq(step, (int64_t)(rfc_vectors[i].when / 30));
}
END_TEST

START_TEST(codes_from_the_oathtool_command_are_accepted)
{
    unsigned char raw[PT_TOTP_SECRET_LEN];
    char b32[PT_TOTP_BASE32_MAX], code[7];
    int64_t step = -1;

    ck_assert_int_eq(pt_totp_secret_new(raw), PT_OK);
    ck_assert_int_eq(pt_totp_base32(raw, sizeof(raw), b32, sizeof(b32)), PT_OK);
    if (!oathtool_code(b32, NOW, code)) {
        fprintf(stderr, "SKIP %s: oathtool is not installed (apt-get install oathtool)\n",
                __func__);
        return;
    }
    ck_assert_int_eq(pt_totp_verify(raw, sizeof(raw), code, NOW, -1, &step), PT_OK);
    ck_assert_int_eq(step, STEP);
    /* And the other way: our code is oathtool's. */
    ck_assert_int_eq(pt_totp_generate(raw, sizeof(raw), NOW + 30, code), PT_OK);
    {
        char theirs[7];

        ck_assert(oathtool_code(b32, NOW + 30, theirs));
        ck_assert_str_eq(code, theirs);
    }
}
END_TEST

START_TEST(the_same_step_is_accepted_once)
{
    char code[7];
    int64_t step = -1, again = 0;

    code_at(rfc_seed, NOW, code);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, code, NOW, -1, &step), PT_OK);
    ck_assert_int_eq(step, STEP);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, code, NOW + 5, step, &again),
                     PT_EEXIST);
    ck_assert_int_eq(again, -1);
}
END_TEST

START_TEST(an_older_code_after_a_newer_one_is_refused)
{
    char older[7], newer[7];
    int64_t step = -1;

    code_at(rfc_seed, NOW - 30, older);
    code_at(rfc_seed, NOW, newer);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, newer, NOW, -1, &step), PT_OK);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, older, NOW, step, NULL),
                     PT_EEXIST);
}
END_TEST

START_TEST(one_step_of_drift_either_way_is_accepted)
{
    char code[7];
    int64_t step = -1;

    code_at(rfc_seed, NOW - 30, code);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, code, NOW, -1, &step), PT_OK);
    ck_assert_int_eq(step, STEP - 1);
    code_at(rfc_seed, NOW + 30, code);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, code, NOW, STEP - 1, &step), PT_OK);
    ck_assert_int_eq(step, STEP + 1);
}
END_TEST

START_TEST(a_code_two_steps_away_is_refused)
{
    char code[7];
    int64_t step = 0;

    code_at(rfc_seed, NOW - 60, code);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, code, NOW, -1, &step), PT_EINVAL);
    ck_assert_int_eq(step, -1);
    code_at(rfc_seed, NOW + 60, code);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, code, NOW, -1, &step), PT_EINVAL);
}
END_TEST

START_TEST(a_wrong_code_is_refused)
{
    char code[7];

    code_at(rfc_seed, NOW, code);
    code[5] = code[5] == '9' ? '0' : (char)(code[5] + 1);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, code, NOW, -1, NULL), PT_EINVAL);
}
END_TEST

START_TEST(codes_that_are_not_six_ascii_digits_are_refused)
{
    char good[7], padded[16];
    static const char *bad[] = {
        "", "28708", "2870820", "28708a", "28 082", "\xef\xbc\x92\xef\xbc\x98", "-28708",
    };

    /* The right digits with anything around them are still refused. */
    code_at(rfc_seed, 59, good);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, good, 59, -1, NULL), PT_OK);
    snprintf(padded, sizeof(padded), " %s", good);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, padded, 59, -1, NULL), PT_EINVAL);
    snprintf(padded, sizeof(padded), "%s\n", good);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, padded, 59, -1, NULL), PT_EINVAL);
    snprintf(padded, sizeof(padded), "94%s", good);   /* the RFC's 8 digits */
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, padded, 59, -1, NULL), PT_EINVAL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(pt_totp_verify(rfc_seed, RFC_SEED_LEN, bad[i], 59, -1, NULL) == PT_EINVAL,
                      "accepted \"%s\"", bad[i]);
    ck_assert_int_eq(pt_totp_verify(rfc_seed, RFC_SEED_LEN, NULL, 59, -1, NULL), PT_EINVAL);
}
END_TEST

/* ---- secrets, base32 and the URI ------------------------------------------- */

START_TEST(new_secrets_are_random_160_bit_values)
{
    unsigned char a[PT_TOTP_SECRET_LEN], b[PT_TOTP_SECRET_LEN];
    char b32[PT_TOTP_BASE32_MAX];

    ck_assert_int_eq(pt_totp_secret_new(a), PT_OK);
    ck_assert_int_eq(pt_totp_secret_new(b), PT_OK);
    ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
    ck_assert_int_eq(pt_totp_base32(a, sizeof(a), b32, sizeof(b32)), PT_OK);
    ck_assert_uint_eq(strlen(b32), 32);
    ck_assert_uint_eq(strspn(b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
}
END_TEST

START_TEST(base32_follows_rfc4648_without_padding)
{
    char out[PT_TOTP_BASE32_MAX];

    ck_assert_int_eq(pt_totp_base32((const unsigned char *)"foobar", 6, out, sizeof(out)), PT_OK);
    ck_assert_str_eq(out, "MZXW6YTBOI");
    ck_assert_int_eq(pt_totp_base32((const unsigned char *)"f", 1, out, sizeof(out)), PT_OK);
    ck_assert_str_eq(out, "MY");
    ck_assert_int_eq(pt_totp_base32(rfc_seed, RFC_SEED_LEN, out, sizeof(out)), PT_OK);
    ck_assert_str_eq(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    ck_assert_int_eq(pt_totp_base32(rfc_seed, RFC_SEED_LEN, out, 32), PT_EINVAL);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(uri_percent_encodes_issuer_and_account)
{
    char *uri = pt_totp_uri("Cloud Command", "alice+2fa@example.com", "JBSWY3DPEHPK3PXP");

    ck_assert_ptr_nonnull(uri);
    ck_assert_str_eq(uri, "otpauth://totp/Cloud%20Command:alice%2B2fa%40example.com"
                          "?secret=JBSWY3DPEHPK3PXP&issuer=Cloud%20Command"
                          "&algorithm=SHA1&digits=6&period=30");
    free(uri);
    /* A colon or ampersand in a brand cannot split the label or the query. */
    uri = pt_totp_uri("A:B&C=D?\xc3\xa9", "bob", "MZXW6YTBOI");
    ck_assert_ptr_nonnull(uri);
    ck_assert_str_eq(uri, "otpauth://totp/A%3AB%26C%3DD%3F%C3%A9:bob?secret=MZXW6YTBOI"
                          "&issuer=A%3AB%26C%3DD%3F%C3%A9&algorithm=SHA1&digits=6&period=30");
    free(uri);
}
END_TEST

START_TEST(uri_needs_all_three_parts)
{
    ck_assert_ptr_null(pt_totp_uri(NULL, "bob", "MY"));
    ck_assert_ptr_null(pt_totp_uri("", "bob", "MY"));
    ck_assert_ptr_null(pt_totp_uri("Brand", "", "MY"));
    ck_assert_ptr_null(pt_totp_uri("Brand", "bob", NULL));
}
END_TEST

/* ---- recovery codes ------------------------------------------------------------ */

START_TEST(recovery_codes_are_ten_distinct_dashed_codes)
{
    char codes[PT_RECOVERY_CODES][PT_RECOVERY_CODE_SIZE];
    char norm[PT_RECOVERY_NORM_SIZE];

    ck_assert_int_eq(pt_recovery_codes_new(codes), PT_OK);
    for (int i = 0; i < PT_RECOVERY_CODES; i++) {
        ck_assert_uint_eq(strlen(codes[i]), 11);
        ck_assert_int_eq(codes[i][5], '-');
        ck_assert_uint_eq(strspn(codes[i], "0123456789abcdefghjkmnpqrstvwxyz"), 5);
        ck_assert_uint_eq(strspn(codes[i] + 6, "0123456789abcdefghjkmnpqrstvwxyz"), 5);
        ck_assert_int_eq(pt_recovery_code_normalize(codes[i], norm), PT_OK);
        ck_assert_uint_eq(strlen(norm), 10);
        ck_assert_mem_eq(norm, codes[i], 5);
        ck_assert_mem_eq(norm + 5, codes[i] + 6, 5);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(codes[i], codes[j]);
    }
}
END_TEST

START_TEST(recovery_input_is_normalised_for_comparison)
{
    static const char *same[] = {
        "abcde-fghjk", "ABCDE-FGHJK", "abcdefghjk", " abcde fghjk ", "ab-cde-fg-hjk",
        "AbCdE\tfGhJk",
    };
    char norm[PT_RECOVERY_NORM_SIZE];

    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        ck_assert_int_eq(pt_recovery_code_normalize(same[i], norm), PT_OK);
        ck_assert_str_eq(norm, "abcdefghjk");
    }
    /* Look-alikes read off paper map to what was printed. */
    ck_assert_int_eq(pt_recovery_code_normalize("O0oIi-lL1zz", norm), PT_OK);
    ck_assert_str_eq(norm, "00011111zz");
}
END_TEST

START_TEST(recovery_input_of_the_wrong_shape_is_refused)
{
    static const char *bad[] = {
        "abcde-fghj", "abcde-fghjkm", "abcde-fghju", "abcde_fghjk", "", "----------",
        "abcde-fghj\xc3\xa9",
    };
    char norm[PT_RECOVERY_NORM_SIZE];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(pt_recovery_code_normalize(bad[i], norm) == PT_EINVAL, "accepted %s",
                      bad[i]);
        ck_assert_str_eq(norm, "");
    }
    ck_assert_int_eq(pt_recovery_code_normalize(NULL, norm), PT_EINVAL);
}
END_TEST

static Suite *totp_suite(void)
{
    Suite *s = suite_create("totp");
    TCase *codes = tcase_create("codes");
    TCase *enrol = tcase_create("enrolment");
    TCase *recovery = tcase_create("recovery");

    tcase_add_test(codes, init_finds_a_usable_liboath);
    tcase_add_loop_test(codes, rfc6238_vectors_are_generated_and_accepted, 0,
                        (int)(sizeof(rfc_vectors) / sizeof(rfc_vectors[0])));
    tcase_add_test(codes, codes_from_the_oathtool_command_are_accepted);
    tcase_add_test(codes, the_same_step_is_accepted_once);
    tcase_add_test(codes, an_older_code_after_a_newer_one_is_refused);
    tcase_add_test(codes, one_step_of_drift_either_way_is_accepted);
    tcase_add_test(codes, a_code_two_steps_away_is_refused);
    tcase_add_test(codes, a_wrong_code_is_refused);
    tcase_add_test(codes, codes_that_are_not_six_ascii_digits_are_refused);
    suite_add_tcase(s, codes);

    tcase_add_test(enrol, new_secrets_are_random_160_bit_values);
    tcase_add_test(enrol, base32_follows_rfc4648_without_padding);
    tcase_add_test(enrol, uri_percent_encodes_issuer_and_account);
    tcase_add_test(enrol, uri_needs_all_three_parts);
    suite_add_tcase(s, enrol);

    tcase_add_test(recovery, recovery_codes_are_ten_distinct_dashed_codes);
    tcase_add_test(recovery, recovery_input_is_normalised_for_comparison);
    tcase_add_test(recovery, recovery_input_of_the_wrong_shape_is_refused);
    suite_add_tcase(s, recovery);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(totp_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
