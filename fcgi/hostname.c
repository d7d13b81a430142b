/*
 * hostname.c — validation and the one stored form of partner host names
 * (see hostname.h).
 *
 * Order matters.  Every ASCII byte is checked first, before libidn2 sees
 * the name: UTS #46 with the STD3 rules silently *drops* characters it
 * does not like ("a b.com;" would come back as "ab.com"), which would
 * store a name the user never typed.  libidn2 is therefore called without
 * them, only on names with non-ASCII bytes or "xn--" labels, and what it
 * returns goes through the same strict LDH check as any ASCII name (a
 * full-width "；" maps to ";" and is refused there).
 */
#include "hostname.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef HAVE_IDN2
#include <idn2.h>
#endif

bool pt_hostname_idna(void)
{
#ifdef HAVE_IDN2
    return true;
#else
    return false;
#endif
}

static bool is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-';
}

/* The first ASCII byte that can never be part of a host name, with the
 * sentence for it; NULL when every ASCII byte is a letter, digit, hyphen
 * or dot.  *non_ascii tells whether a byte ≥ 0x80 was seen. */
static const char *ascii_refusal(const char *in, bool *non_ascii)
{
    *non_ascii = false;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        unsigned char c = *p;
        if (c >= 0x80) {
            *non_ascii = true;
        } else if (c < 0x20 || c == 0x7f) {
            return "A host name cannot contain control characters or line breaks.";
        } else if (c == ' ') {
            return "A host name cannot contain spaces.";
        } else if (c == '*') {
            return "Wildcards are not accepted: enter one exact host name.";
        } else if (strchr(";{}\"'$#\\`", c)) {
            return "A host name cannot contain ; { } quotes $ # or backslashes.";
        } else if (c == ':' || c == '[' || c == ']') {
            return "Enter a host name without a port, not an IP address.";
        } else if (c != '.' && !is_ldh(c)) {
            return "A host name has only letters, digits, hyphens and dots.";
        }
    }
    return NULL;
}

static bool has_alabel(const char *s)
{
    for (const char *p = s; *p; p = strchr(p, '.') ? strchr(p, '.') + 1 : p + strlen(p))
        if (strncasecmp(p, "xn--", 4) == 0)
            return true;
    return false;
}

/* Unicode (or "xn--") in → its ASCII form in buf.  Without libidn2 only
 * A-labels pass (their form is checked by the LDH rules alone). */
static int idna_to_ascii(const char *in, bool non_ascii, char *buf, size_t buflen,
                         const char **why)
{
#ifdef HAVE_IDN2
    char *ascii = NULL;

    (void)non_ascii;
    if (idn2_to_ascii_8z(in, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK) {
        *why = "This is not a valid internationalised host name (IDNA2008).";
        return PT_EINVAL;
    }
    int n = snprintf(buf, buflen, "%s", ascii);
    idn2_free(ascii);
    if (n < 0 || (size_t)n >= buflen) {
        *why = "A host name has at most 253 characters.";
        return PT_EINVAL;
    }
    return 0;
#else
    if (non_ascii) {
        *why = "Enter an internationalised host name in its xn-- (punycode) form: "
               "this installation has no IDNA support.";
        return PT_EINVAL;
    }
    snprintf(buf, buflen, "%s", in);
    return 0;
#endif
}

/* One label of the ASCII form: 1–63 LDH characters, no hyphen at either
 * end, and hyphens in the 3rd and 4th place only for an A-label ("xn--":
 * IDNA2008 reserves the other "??--" prefixes). */
static const char *label_refusal(const char *l, size_t n)
{
    if (n == 0)
        return "A host name cannot have empty labels (two dots in a row, or a leading dot).";
    if (n > PT_HOSTNAME_LABEL_MAX)
        return "Each part of a host name has at most 63 characters.";
    if (l[0] == '-' || l[n - 1] == '-')
        return "A part of a host name cannot start or end with a hyphen.";
    for (size_t i = 0; i < n; i++)
        if (!is_ldh((unsigned char)l[i]))
            return "A host name has only letters, digits, hyphens and dots.";
    if (n >= 4 && l[2] == '-' && l[3] == '-' && strncmp(l, "xn", 2) != 0)
        return "A part of a host name cannot have hyphens in its 3rd and 4th places.";
    if (strncmp(l, "xn--", 4) == 0 && n == 4)
        return "This is not a valid internationalised host name (IDNA2008).";
    return NULL;
}

static bool all_digits(const char *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)l[i]))
            return false;
    return true;
}

/* s (lower case, no trailing dot): the structural rules. */
static const char *name_refusal(const char *s)
{
    size_t len = strlen(s), labels = 0;
    const char *l = s, *last = s;

    if (len == 0)
        return "Enter a host name.";
    if (len > PT_HOSTNAME_MAX)
        return "A host name has at most 253 characters.";
    for (;;) {
        const char *dot = strchr(l, '.');
        size_t n = dot ? (size_t)(dot - l) : strlen(l);
        const char *why = label_refusal(l, n);
        if (why)
            return why;
        labels++;
        last = l;
        if (!dot)
            break;
        l = dot + 1;
    }
    if (labels < 2)
        return "Enter a full host name with a domain, such as portal.example.com.";
    if (all_digits(last, strlen(last)))
        return "Enter a host name, not an IP address.";
    if (strcmp(s, "localhost.localdomain") == 0 || strcmp(last, "localhost") == 0)
        return "localhost names cannot be used.";
    return NULL;
}

int pt_hostname_normalize(const char *in, char *out, size_t outlen, const char **why)
{
    char buf[PT_HOSTNAME_INPUT_MAX * 4 + 1];
    const char *dummy, *msg;
    bool non_ascii;

    why = why ? why : &dummy;
    *why = NULL;
    if (out == NULL || outlen == 0)
        return PT_EINVAL;
    out[0] = '\0';
    if (in == NULL || *in == '\0') {
        *why = "Enter a host name.";
        return PT_EINVAL;
    }
    if (strlen(in) > PT_HOSTNAME_INPUT_MAX) {
        *why = "A host name has at most 253 characters.";
        return PT_EINVAL;
    }
    if ((msg = ascii_refusal(in, &non_ascii)) != NULL) {
        *why = msg;
        return PT_EINVAL;
    }
    if (non_ascii || has_alabel(in)) {
        if (idna_to_ascii(in, non_ascii, buf, sizeof(buf), why) != 0)
            return PT_EINVAL;
    } else {
        snprintf(buf, sizeof(buf), "%s", in);
    }
    for (char *p = buf; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    size_t n = strlen(buf);
    if (n > 1 && buf[n - 1] == '.')
        buf[--n] = '\0';          /* the root's dot: "example.com." is example.com */
    if ((msg = name_refusal(buf)) != NULL) {
        *why = msg;
        return PT_EINVAL;
    }
    if (n + 1 > outlen) {
        *why = "A host name has at most 253 characters.";
        return PT_EINVAL;
    }
    memcpy(out, buf, n + 1);
    return 0;
}

bool pt_hostname_listed(const char *name, const char *list, bool subtree)
{
    size_t nlen = name ? strlen(name) : 0;

    if (list == NULL || nlen == 0)
        return false;
    for (const char *p = list; *p;) {
        p += strspn(p, " ,\t");
        size_t n = strcspn(p, " ,\t");
        size_t m = n > 1 && p[n - 1] == '.' ? n - 1 : n;
        if (m > 0 && m == nlen && strncasecmp(p, name, m) == 0)
            return true;
        if (subtree && m > 0 && nlen > m + 1 && name[nlen - m - 1] == '.' &&
            strncasecmp(name + nlen - m, p, m) == 0)
            return true;
        p += n;
    }
    return false;
}

int pt_hostname_check_platform(const char *in, const char *platform_list, char *out, size_t outlen,
                      const char **why)
{
    const char *dummy;

    why = why ? why : &dummy;
    if (pt_hostname_normalize(in, out, outlen, why) != 0)
        return PT_EINVAL;
    if (pt_hostname_listed(out, platform_list, false)) {
        *why = "This is one of the platform's own host names.";
        out[0] = '\0';
        return PT_EINVAL;
    }
    return 0;
}

/* The host of a URL "scheme://host[:port]/…", in the arena; NULL if none. */
static const char *url_host(struct pt_req *r, const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;

    if (p == NULL)
        return NULL;
    p += 3;
    if (*p == '[')                                  /* an IPv6 literal is no name */
        return NULL;
    return pt_strndup(r, p, strcspn(p, ":/?#"));
}

const char *pt_hostname_platform_list(struct pt_req *r)
{
    const char *extra = pt_config_get(r, "nginx", "platform_hosts");
    const char *base = url_host(r, pt_config_get(r, "server", "base_url"));

    return pt_printf(r, "%s %s", base ? base : "", extra ? extra : "");
}

int pt_hostname_add(struct pt_req *r, int64_t org_id, const char *kind, const char *in,
                    const char *verification_token, int64_t *id, const char **why)
{
    const char *platform = pt_hostname_platform_list(r), *dummy;
    char name[PT_HOSTNAME_SIZE];
    uint64_t insert_id = 0;

    why = why ? why : &dummy;
    *why = NULL;
    if (kind == NULL || (strcmp(kind, "subdomain") != 0 && strcmp(kind, "custom") != 0)) {
        *why = "Unknown kind of host name.";
        return PT_EINVAL;
    }
    if (platform == NULL)
        return PT_ENOMEM;
    if (pt_hostname_check_platform(in, platform, name, sizeof(name), why) != 0)
        return PT_EINVAL;
    if (strcmp(kind, "custom") == 0 && pt_hostname_listed(name, platform, true)) {
        *why = "A custom domain cannot lie below the platform's own host names.";
        return PT_EINVAL;
    }
    int rc = pt_db_exec(r, "INSERT INTO hostnames (hostname, org_id, kind, verification_token) "
                        "VALUES (?, ?, ?, ?)",
                        PT_ARGS(PT_ARG_STR(name), PT_ARG_INT(org_id), PT_ARG_STR(kind),
                                PT_ARG_STR(verification_token)), NULL, &insert_id);
    if (rc == PT_EEXIST)
        *why = "This host name is already in use.";
    if (rc == 0 && id)
        *id = (int64_t)insert_id;
    return rc;
}
