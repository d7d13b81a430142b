/*
 * acme_pebble.h — an ACME CA on loopback for check_acme: Debian's pebble
 * (RFC 8555, test-only) and pebble-challtestsrv (the DNS pebble asks, and
 * that the white-label TXT check can ask too).
 *
 * Pebble ships no certificate for its own HTTPS listener: acme_ca_start
 * makes a CA and a localhost certificate with openssl (the CA's PEM goes
 * where lego's LEGO_CA_CERTIFICATES points).  The root that signs what
 * pebble issues is new on every start; acme_ca_start fetches it from the
 * management API (/roots/0) for curl to trust.
 *
 * Called from main as well as from tests: no Check assertions in here; the
 * functions return false with a reason instead.
 */
#ifndef PT_TEST_ACME_PEBBLE_H
#define PT_TEST_ACME_PEBBLE_H

#include <stdbool.h>
#include <stddef.h>

struct acme_ca {
    char  dir[64];            /* its working folder: config, keys, logs */
    char  ca_pem[512];        /* the CA of pebble's HTTPS listener (default <dir>/ca.pem) */
    char  root_pem[128];      /* out: pebble's issuing root */
    int   acme_port;          /* in: https://127.0.0.1:<acme_port>/dir */
    int   dns_port;           /* in: challtestsrv's DNS (UDP and TCP) */
    int   http_port;          /* in: where HTTP-01 is validated (nginx) */
    long  validity;           /* in: seconds a certificate is valid */
    int   mgmt_port, dns_mgmt_port;   /* chosen free */
    long  pebble_pid, dns_pid;
    bool  up;
};

/* The first of pebble, pebble-challtestsrv, lego, openssl that is not
 * installed, or NULL. */
const char *acme_ca_missing_tool(void);
/* A TCP port on 127.0.0.1 that nobody listens on now. */
int acme_free_port(void);

/* Starts both in ca->dir (made with mkdtemp from "/tmp/ptacme.XXXXXX").
 * false with why filled when either does not come up. */
bool acme_ca_start(struct acme_ca *ca, char *why, size_t whylen);
/* Stops both (SIGTERM, then SIGKILL); removes the folder unless keep. */
void acme_ca_stop(struct acme_ca *ca, bool keep);

/* host → 127.0.0.1 (A record) in challtestsrv. */
bool acme_dns_add_a(const struct acme_ca *ca, const char *host);
/* A TXT record name → value (name without the trailing dot). */
bool acme_dns_set_txt(const struct acme_ca *ca, const char *name, const char *value);

/* What a certificate file (PEM, first certificate) says: notAfter as
 * "YYYY-MM-DD HH:MM:SS" UTC and the serial as lower-case hex without
 * leading zeros.  false when it cannot be read. */
bool acme_cert_info(const char *path, char expires[20], char *serial, size_t seriallen);
/* Hex serial in any of the usual spellings ("0A:1b", "0a1b") as a1b. */
void acme_serial_norm(const char *in, char *out, size_t outlen);

#endif
