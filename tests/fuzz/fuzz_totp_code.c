/*
 * fuzz_totp_code.c — libFuzzer harness: what a user types into the second
 * step of sign-in (and the enrolment and turn-off forms) goes to
 * pt_totp_verify, or to pt_recovery_code_normalize when it is not a
 * 6-digit code.  Both must take any bytes without crashing and keep their
 * promises:
 *
 *   pt_totp_verify       0 only for exactly six ASCII digits, a step within
 *                        now ± 1 and above last_step, whose code really is
 *                        the input (checked with pt_totp_generate);
 *                        otherwise PT_EEXIST or PT_EINVAL (never PT_EIO);
 *   pt_recovery_code_normalize
 *                        0 only with ten symbols of the lower-case Crockford
 *                        alphabet, and normalising that again gives itself;
 *                        on failure out is "".
 *
 * Input layout: 4 bytes of time, 4 bytes of last step (signed), the rest is
 * the text typed (NUL-terminated here: it reaches the module as a C string).
 * When the text starts with 0x01, the next byte picks a step near now and
 * the text becomes that step's real code, so the accepting paths (window,
 * replay) are reached too, not only the refusals.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "totp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 6238's SHA-1 test secret. */
static const unsigned char fuzz_secret[] = "12345678901234567890";

static uint32_t fuzz_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void fuzz_check_totp(const char *code, time_t now, int64_t last)
{
    int64_t step = -42;
    char again[PT_TOTP_DIGITS + 1];
    int rc = pt_totp_verify(fuzz_secret, 20, code, now, last, &step);

    if (rc != 0 && rc != PT_EEXIST && rc != PT_EINVAL)
        abort();
    if (rc != 0)
        return;
    if (strlen(code) != PT_TOTP_DIGITS || strspn(code, "0123456789") != PT_TOTP_DIGITS)
        abort();
    if (step <= last || step < now / 30 - 1 || step > now / 30 + 1)
        abort();
    if (pt_totp_generate(fuzz_secret, 20, (time_t)step * 30, again) != 0 ||
        strcmp(again, code) != 0)
        abort();
}

static void fuzz_check_recovery(const char *code)
{
    char out[PT_RECOVERY_NORM_SIZE], again[PT_RECOVERY_NORM_SIZE];
    int rc = pt_recovery_code_normalize(code, out);

    if (rc != 0) {
        if (rc != PT_EINVAL || out[0] != '\0')
            abort();
        return;
    }
    if (strlen(out) != PT_RECOVERY_NORM_SIZE - 1 ||
        strspn(out, "0123456789abcdefghjkmnpqrstvwxyz") != PT_RECOVERY_NORM_SIZE - 1)
        abort();
    if (pt_recovery_code_normalize(out, again) != 0 || strcmp(out, again) != 0)
        abort();
}

/* A real code for the step now/30 + d: inside the window it must be
 * accepted, or refused as a replay, never called wrong. */
static void fuzz_check_real(time_t now, int64_t last, int d)
{
    char code[PT_TOTP_DIGITS + 1];
    int64_t step = (int64_t)now / 30 + d, matched = -1;
    int rc;

    if (step < 0 || pt_totp_generate(fuzz_secret, 20, (time_t)step * 30, code) != 0)
        return;
    rc = pt_totp_verify(fuzz_secret, 20, code, now, last, &matched);
    /* (Inside the window a right code is never "wrong"; whether it is a
     * replay can depend on another step of the window sharing its digits.) */
    if (d >= -1 && d <= 1 && rc == PT_EINVAL)
        abort();
    if (rc == 0 && matched <= last)
        abort();
    fuzz_check_totp(code, now, last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *code;

    if (size < 8 || size > 4096)
        return 0;
    code = malloc(size - 8 + 1);
    if (code == NULL)
        return 0;
    memcpy(code, data + 8, size - 8);
    code[size - 8] = '\0';
    if (size >= 10 && data[8] == 0x01)
        fuzz_check_real((time_t)fuzz_u32(data), (int64_t)(int32_t)fuzz_u32(data + 4),
                        (int)(data[9] % 7) - 3);
    fuzz_check_totp(code, (time_t)fuzz_u32(data), (int64_t)(int32_t)fuzz_u32(data + 4));
    fuzz_check_recovery(code);
    free(code);
    return 0;
}
