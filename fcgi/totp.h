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

#include "portal.h"   /* the public half of this subsystem */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PT_TOTP_PERIOD      30
#define PT_TOTP_WINDOW      1    /* steps accepted either side of now */


/* Check liboath is usable (worker set-up).  0 or PT_EIO. */
int pt_totp_init(void);



/* The code for time `when` into out (6 digits and a NUL).  0 or PT_EIO.
 * For tests and tools: sign-in uses pt_totp_verify. */
int pt_totp_generate(const unsigned char *raw, size_t rawlen, time_t when,
                     char out[PT_TOTP_DIGITS + 1]);





#endif /* PT_TOTP_H */
