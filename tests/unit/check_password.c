/* check_password.c — argon2id PHC hashes, rehash detection and the policy. */
#include <argon2.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "password.h"
#include "portal.h"

static const char weak[] = "Password must contain at least 8 characters with uppercase, "
                           "lowercase, number, and special character";

static const char *hash_of(const char *pw, char phc[PT_PASSWORD_PHC_MAX])
{
    ck_assert_int_eq(pt_password_hash(pw, phc, PT_PASSWORD_PHC_MAX), PT_OK);
    return phc;
}

/* A PHC string made with other parameters, as an older release would have. */
static void legacy_hash(const char *pw, uint32_t t, uint32_t m, uint32_t p, uint32_t version,
                        char *out, size_t outlen)
{
    static const unsigned char salt[16] = "0123456789abcde";
    unsigned char raw[32];

    ck_assert_int_eq(argon2_hash(t, m, p, pw, strlen(pw), salt, sizeof(salt), raw, sizeof(raw),
                                 out, outlen, Argon2_id, version), ARGON2_OK);
}

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- hashing ------------------------------------------------------------------- */

START_TEST(hash_is_an_argon2id_phc_string_with_the_current_parameters)
{
    static const char prefix[] = "$argon2id$v=19$m=19456,t=2,p=1$";
    char phc[PT_PASSWORD_PHC_MAX];

    hash_of("Correct horse 1!", phc);
    ck_assert_msg(strncmp(phc, prefix, strlen(prefix)) == 0, "%s", phc);
    /* 22 characters of salt, 43 of hash, unpadded base64. */
    ck_assert_uint_eq(strlen(phc), strlen(prefix) + 22 + 1 + 43);
}
END_TEST

START_TEST(the_same_password_hashes_differently_each_time)
{
    char first[PT_PASSWORD_PHC_MAX], second[PT_PASSWORD_PHC_MAX];

    ck_assert_str_ne(hash_of("Correct horse 1!", first), hash_of("Correct horse 1!", second));
}
END_TEST

START_TEST(hash_refuses_a_small_buffer_and_huge_input)
{
    char small[64], phc[PT_PASSWORD_PHC_MAX];
    char *huge = malloc(PT_PASSWORD_VERIFY_MAX + 2);

    ck_assert_int_eq(pt_password_hash("Correct horse 1!", small, sizeof(small)), PT_EINVAL);
    memset(huge, 'a', PT_PASSWORD_VERIFY_MAX + 1);
    huge[PT_PASSWORD_VERIFY_MAX + 1] = '\0';
    ck_assert_int_eq(pt_password_hash(huge, phc, sizeof(phc)), PT_EINVAL);
    free(huge);
}
END_TEST

/* ---- verifying ------------------------------------------------------------------ */

START_TEST(verify_accepts_the_right_password_only)
{
    char phc[PT_PASSWORD_PHC_MAX];
    bool rehash = true;

    hash_of("Correct horse 1!", phc);
    ck_assert_int_eq(pt_password_verify(phc, "Correct horse 1!", &rehash), PT_OK);
    ck_assert(!rehash);
    ck_assert_int_eq(pt_password_verify(phc, "correct horse 1!", &rehash), PT_EINVAL);
    ck_assert_int_eq(pt_password_verify(phc, "Correct horse 1", &rehash), PT_EINVAL);
    ck_assert_int_eq(pt_password_verify(phc, "", NULL), PT_EINVAL);
}
END_TEST

START_TEST(older_parameters_verify_and_ask_for_a_rehash)
{
    /* One parameter off at a time: t, m, p, then the argon2 version. */
    static const uint32_t params[][4] = {
        { 1, 19456, 1, ARGON2_VERSION_13 },
        { 2, 8192, 1, ARGON2_VERSION_13 },
        { 2, 19456, 2, ARGON2_VERSION_13 },
        { 2, 19456, 1, ARGON2_VERSION_10 },
    };
    char phc[PT_PASSWORD_PHC_MAX];
    bool rehash;

    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
        legacy_hash("Correct horse 1!", params[i][0], params[i][1], params[i][2], params[i][3],
                    phc, sizeof(phc));
        rehash = false;
        ck_assert_int_eq(pt_password_verify(phc, "Correct horse 1!", &rehash), PT_OK);
        ck_assert_msg(rehash, "no rehash asked for %s", phc);
    }

    /* A wrong password never asks for a rehash. */
    rehash = true;
    ck_assert_int_eq(pt_password_verify(phc, "wrong", &rehash), PT_EINVAL);
    ck_assert(!rehash);
}
END_TEST

START_TEST(verify_refuses_what_is_not_an_argon2id_phc_string)
{
    static const char *bad[] = {
        "",
        "plaintext",
        "$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
        "$argon2i$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$not*base64",
        "$argon2id$v=19$m=19456,t=2$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=-5,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        /* A damaged row asking for 4 GiB is refused before anything is allocated. */
        "$argon2id$v=19$m=4194304,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=19456,t=1000,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(pt_password_verify(bad[i], "Correct horse 1!", NULL) == PT_EINVAL,
                      "accepted %s", bad[i]);
    ck_assert_int_eq(pt_password_verify(NULL, "Correct horse 1!", NULL), PT_EINVAL);
}
END_TEST

START_TEST(verify_refuses_over_long_input_without_hashing)
{
    char phc[PT_PASSWORD_PHC_MAX];
    char *huge = malloc(PT_PASSWORD_VERIFY_MAX + 2);

    hash_of("Correct horse 1!", phc);
    memset(huge, 'a', PT_PASSWORD_VERIFY_MAX + 1);
    huge[PT_PASSWORD_VERIFY_MAX + 1] = '\0';
    ck_assert_int_eq(pt_password_verify(phc, huge, NULL), PT_EINVAL);
    free(huge);
}
END_TEST

START_TEST(dummy_verify_costs_what_a_real_verify_costs)
{
    char phc[PT_PASSWORD_PHC_MAX];
    double real = 0, dummy = 0, t;

    hash_of("Correct horse 1!", phc);
    for (int i = 0; i < 3; i++) {
        t = now_s();
        ck_assert_int_eq(pt_password_verify(phc, "wrong password", NULL), PT_EINVAL);
        real += now_s() - t;
        t = now_s();
        pt_password_dummy_verify("wrong password");
        dummy += now_s() - t;
    }
    /* Generous bounds: a skipped hash would be ~1000 times faster. */
    ck_assert_msg(dummy > real * 0.25 && dummy < real * 4.0,
                  "dummy %.4f s vs verify %.4f s", dummy, real);
    pt_password_dummy_verify(NULL);
}
END_TEST

/* ---- policy ---------------------------------------------------------------------- */

START_TEST(policy_accepts_a_password_with_all_four_classes)
{
    ck_assert_ptr_null(pt_password_policy("Str0ng!pw", "alice@example.com"));
    ck_assert_ptr_null(pt_password_policy("correct Horse battery 9", NULL));
}
END_TEST

START_TEST(policy_names_the_rule_when_a_class_is_missing)
{
    static const char *bad[] = {
        "Aa1!aaa",       /* 7 characters */
        "str0ng!pw",     /* no uppercase */
        "STR0NG!PW",     /* no lowercase */
        "Strong!pw",     /* no digit */
        "Str0ngpw9",     /* no special */
        "",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_str_eq(pt_password_policy(bad[i], NULL), weak);
    ck_assert_str_eq(pt_password_policy(NULL, NULL), weak);
}
END_TEST

START_TEST(policy_counts_characters_not_bytes_for_the_minimum)
{
    /* "Aa1" and five euro signs: 8 characters, 18 bytes; the euro is special. */
    ck_assert_ptr_null(pt_password_policy("Aa1\u20ac\u20ac\u20ac\u20ac\u20ac", NULL));
    /* "Aa1!" and three é: 7 characters in 10 bytes. */
    ck_assert_str_eq(pt_password_policy("Aa1!\u00e9\u00e9\u00e9", NULL), weak);
}
END_TEST

START_TEST(policy_caps_the_length_at_128_bytes)
{
    char pw[200];

    memset(pw, 'a', sizeof(pw));
    memcpy(pw, "A1!", 3);
    pw[128] = '\0';
    ck_assert_ptr_null(pt_password_policy(pw, NULL));
    pw[128] = 'a';
    pw[129] = '\0';
    ck_assert_str_eq(pt_password_policy(pw, NULL),
                     "Password must be at most 128 characters long");
}
END_TEST

START_TEST(policy_refuses_the_accounts_email_or_its_local_part)
{
    static const char email[] = "Bob.Smith#1@Example.com";
    static const char msg[] =
        "Password must not be your e-mail address or the part before the @";

    ck_assert_str_eq(pt_password_policy("bob.smith#1@EXAMPLE.COM", email), msg);
    ck_assert_str_eq(pt_password_policy("BOB.smith#1", email), msg);
    ck_assert_ptr_null(pt_password_policy("Bob.Smith#12", email));
    ck_assert_ptr_null(pt_password_policy("Bob.Smith#1", "other@example.com"));
    ck_assert_ptr_null(pt_password_policy("Bob.Smith#1", ""));
}
END_TEST

static Suite *password_suite(void)
{
    Suite *s = suite_create("password");
    TCase *hash = tcase_create("hash");
    TCase *policy = tcase_create("policy");

    /* Each argon2id hash costs tens of milliseconds, hundreds under valgrind. */
    tcase_set_timeout(hash, 120);
    tcase_add_test(hash, hash_is_an_argon2id_phc_string_with_the_current_parameters);
    tcase_add_test(hash, the_same_password_hashes_differently_each_time);
    tcase_add_test(hash, hash_refuses_a_small_buffer_and_huge_input);
    tcase_add_test(hash, verify_accepts_the_right_password_only);
    tcase_add_test(hash, older_parameters_verify_and_ask_for_a_rehash);
    tcase_add_test(hash, verify_refuses_what_is_not_an_argon2id_phc_string);
    tcase_add_test(hash, verify_refuses_over_long_input_without_hashing);
    tcase_add_test(hash, dummy_verify_costs_what_a_real_verify_costs);
    suite_add_tcase(s, hash);

    tcase_add_test(policy, policy_accepts_a_password_with_all_four_classes);
    tcase_add_test(policy, policy_names_the_rule_when_a_class_is_missing);
    tcase_add_test(policy, policy_counts_characters_not_bytes_for_the_minimum);
    tcase_add_test(policy, policy_caps_the_length_at_128_bytes);
    tcase_add_test(policy, policy_refuses_the_accounts_email_or_its_local_part);
    suite_add_tcase(s, policy);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(password_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
