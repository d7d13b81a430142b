/*
 * hostname.h — the host names partners bring (white label, DESIGN §6).
 *
 * A host name ends up in an nginx server_name, a DNS query and a file
 * name, so only one form is ever stored or rendered: ASCII, lower case,
 * internationalised labels as "xn--" A-labels, no trailing dot.  Anything
 * that could end a directive (";", "}", quotes, "$", "#", spaces, control
 * bytes), a wildcard, an IP literal or "localhost" is refused with a
 * sentence for the user.
 */
#ifndef PT_HOSTNAME_H
#define PT_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "portal.h"

#define PT_HOSTNAME_MAX  253                    /* RFC 1035, without the root dot */
/* PT_HOSTNAME_SIZE (254) is in portal.h. */
#define PT_HOSTNAME_LABEL_MAX 63
/* Longer input is refused before anything else looks at it. */
#define PT_HOSTNAME_INPUT_MAX 1024

/*
 * in → its one stored form in out (outlen ≥ PT_HOSTNAME_SIZE is always
 * enough).  Accepts LDH labels of 1–63 characters, at least two labels, at
 * most 253 characters, one trailing dot (dropped), any case (lowered);
 * Unicode names become A-labels where libidn2 is built in (IDNA2008,
 * UTS #46 non-transitional), else only their "xn--" form is accepted.
 * 0, or PT_EINVAL with *why (may be NULL) a sentence for the user.
 */
int pt_hostname_normalize(const char *in, char *out, size_t outlen, const char **why);

/* Was the build made with libidn2 (Unicode input accepted)? */
bool pt_hostname_idna(void);

/*
 * Is name (already normalised) one of the names of list (separated by
 * spaces or commas, compared case-insensitively, a trailing dot ignored),
 * or with subtree, a name below one of them?  NULL list: false.
 */
bool pt_hostname_listed(const char *name, const char *list, bool subtree);

/*
 * pt_hostname_normalize, then refused too when the result is one of the
 * platform's own names (platform_list, as for pt_hostname_listed).
 */
int pt_hostname_check_platform(const char *in, const char *platform_list, char *out,
                               size_t outlen, const char **why);

/*
 * The platform's own names, from the config: the host of [server]
 * base_url and [nginx] platform_hosts; in the request's arena.
 */
const char *pt_hostname_platform_list(struct pt_req *r);

/* pt_hostname_check and pt_hostname_add are in portal.h (modules use them). */

#endif
