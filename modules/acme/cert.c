/*
 * cert.c — the files lego keeps under <state_dir>/certificates/:
 * <host>.crt (the certificate and its issuer, as nginx wants it),
 * <host>.key, <host>.issuer.crt and <host>.json (what `lego renew` needs).
 *
 * Before a host name's row points nginx at them, the certificate must parse,
 * name the host and match the key: one bad pair would make `nginx -t` refuse
 * the whole generated file, holding up every other host's change.
 */
#include "acme.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CLEANUP_CHUNK 100        /* host names per IN (…) query */

/* The files lego writes for one host name, longest suffix first. */
static const char *const cert_suffixes[] = { ".issuer.crt", ".crt", ".key", ".json", ".pem",
                                             ".pfx", NULL };

/* A key with a passphrase is not lego's: refuse instead of prompting. */
static int cert_no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static X509 *cert_load(const char *path, int *err)
{
    FILE *f = fopen(path, "re");
    X509 *x;

    *err = f ? 0 : errno;
    if (f == NULL)
        return NULL;
    x = PEM_read_X509(f, NULL, cert_no_passphrase, NULL);
    fclose(f);
    return x;
}

static bool cert_key_matches(X509 *x, const char *path)
{
    FILE *f = fopen(path, "re");
    EVP_PKEY *k;
    bool ok;

    if (f == NULL)
        return false;
    k = PEM_read_PrivateKey(f, NULL, cert_no_passphrase, NULL);
    fclose(f);
    ok = k != NULL && X509_check_private_key(x, k) == 1;
    EVP_PKEY_free(k);
    return ok;
}

static void cert_serial(X509 *x, char *out, size_t outlen)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;

    snprintf(out, outlen, "%s", hex ? hex : "");
    OPENSSL_free(hex);
    BN_free(bn);
}

/* notAfter as "YYYY-MM-DD HH:MM:SS" UTC and as time_t; false when unreadable. */
static bool cert_expiry(X509 *x, struct acme_cert *out)
{
    const ASN1_TIME *na = X509_get0_notAfter(x);
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    if (na == NULL || ASN1_TIME_to_tm(na, &tm) != 1)
        return false;
    if (strftime(out->expires, sizeof(out->expires), "%Y-%m-%d %H:%M:%S", &tm) == 0)
        return false;
    out->not_after = timegm(&tm);
    return true;
}

int acme_cert_read(struct pt_req *r, const struct acme_conf *c, const char *host,
                   struct acme_cert *out, const char **why)
{
    int err, rc = PT_EINVAL;
    X509 *x;

    memset(out, 0, sizeof(*out));
    out->cert_path = pt_printf(r, "%s/certificates/%s.crt", c->state_dir, host);
    out->key_path = pt_printf(r, "%s/certificates/%s.key", c->state_dir, host);
    if (out->cert_path == NULL || out->key_path == NULL) {
        *why = "out of memory";
        return PT_ENOMEM;
    }
    if ((x = cert_load(out->cert_path, &err)) == NULL) {
        *why = err == ENOENT ? "no certificate file was written"
                             : err ? pt_printf(r, "%s: %s", out->cert_path, strerror(err))
                                   : "the certificate file does not hold a certificate";
        return err == ENOENT ? PT_ENOTFOUND : PT_EINVAL;
    }
    if (!cert_expiry(x, out))
        *why = "the certificate's expiry date cannot be read";
    else if (X509_check_host(x, host, 0, 0, NULL) != 1)
        *why = "the certificate is not for this host name";
    else if (!cert_key_matches(x, out->key_path))
        *why = "the private key is missing or does not match the certificate";
    else
        rc = 0;
    cert_serial(x, out->serial, sizeof(out->serial));
    X509_free(x);
    return rc;
}

static bool cert_is_file(struct pt_req *r, const struct acme_conf *c, const char *host,
                         const char *suffix)
{
    const char *p = pt_printf(r, "%s/certificates/%s%s", c->state_dir, host, suffix);
    struct stat st;

    return p && lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

bool acme_cert_renewable(struct pt_req *r, const struct acme_conf *c, const char *host)
{
    return cert_is_file(r, c, host, ".crt") && cert_is_file(r, c, host, ".json") &&
           cert_is_file(r, c, host, ".key");
}

/* ---- clean-up ---------------------------------------------------------------------------- */

/* The host name a file of lego's belongs to, or NULL (not one of lego's
 * names, or not a host name in its one stored form: left alone). */
static const char *cert_file_host(struct pt_req *r, const char *name)
{
    char norm[PT_HOSTNAME_SIZE];
    size_t len = strlen(name);

    for (size_t i = 0; cert_suffixes[i]; i++) {
        size_t sl = strlen(cert_suffixes[i]);
        if (len <= sl || strcmp(name + len - sl, cert_suffixes[i]) != 0)
            continue;
        const char *stem = pt_strndup(r, name, len - sl);
        if (stem && pt_hostname_check(stem, norm, sizeof(norm), NULL) == 0 &&
            strcmp(norm, stem) == 0)
            return stem;
        return NULL;
    }
    return NULL;
}

/* The host names that lego holds files for, as the keys of an object. */
static json_t *cert_hosts_on_disk(struct pt_req *r, const char *dir, int *rc)
{
    json_t *set = pt_keep(r, json_object());
    DIR *d = opendir(dir);
    struct dirent *e;

    *rc = 0;
    if (d == NULL) {
        if (errno != ENOENT) {
            pt_log_error("%s: %s: %s", __func__, dir, strerror(errno));
            *rc = PT_EIO;
        }
        return set;
    }
    while (set && (e = readdir(d)) != NULL) {
        const char *host = e->d_name[0] == '.' ? NULL : cert_file_host(r, e->d_name);
        if (host)
            json_object_set_new(set, host, json_true());
    }
    closedir(d);
    return set;
}

/* Drops from set the names of names[0..n) that are in the hostnames table. */
static int cert_drop_known(struct pt_req *r, const char **names, size_t n, json_t *set)
{
    struct pt_db_arg *args = pt_alloc(r, (n + 1) * sizeof(*args));
    char *marks = pt_alloc(r, 2 * n + 1);
    json_t *rows;
    int rc;

    if (args == NULL || marks == NULL)
        return PT_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        args[i] = PT_ARG_STR(names[i]);
        if (i)
            marks[m++] = ',';
        marks[m++] = '?';
    }
    marks[m] = '\0';
    args[n] = (struct pt_db_arg){ .type = PT_DB_END };
    rc = pt_db_query(r, pt_printf(r, "SELECT hostname FROM hostnames WHERE hostname IN (%s)",
                                  marks), args, &rows);
    for (size_t i = 0; rc == 0 && i < json_array_size(rows); i++)
        json_object_del(set, json_string_value(json_object_get(json_array_get(rows, i),
                                                               "hostname")));
    return rc;
}

static void cert_remove_files(struct pt_req *r, int dfd, const char *host)
{
    for (size_t i = 0; cert_suffixes[i]; i++) {
        const char *name = pt_printf(r, "%s%s", host, cert_suffixes[i]);
        /* unlinkat never follows a symbolic link: at worst the link goes. */
        if (name && unlinkat(dfd, name, 0) != 0 && errno != ENOENT)
            pt_log_warn("acme: cannot remove %s: %s", name, strerror(errno));
    }
}

int acme_cert_cleanup(struct pt_req *r, const struct acme_conf *c)
{
    const char *dir = pt_printf(r, "%s/certificates", c->state_dir);
    const char *names[CLEANUP_CHUNK];
    size_t n = 0;
    int rc, removed = 0;
    json_t *set = dir ? cert_hosts_on_disk(r, dir, &rc) : NULL, *v;
    const char *host;

    if (set == NULL)
        return PT_ENOMEM;
    if (rc != 0 || json_object_size(set) == 0)
        return rc;
    /* Collect the keys first: cert_drop_known deletes from the set. */
    json_t *all = pt_keep(r, json_array());
    json_object_foreach(set, host, v)
        json_array_append_new(all, json_string(host));
    for (size_t i = 0; i < json_array_size(all); i++) {
        names[n++] = json_string_value(json_array_get(all, i));
        if (n == CLEANUP_CHUNK || i + 1 == json_array_size(all)) {
            if ((rc = cert_drop_known(r, names, n, set)) != 0)
                return rc;                  /* never delete on a failed look-up */
            n = 0;
        }
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return PT_EIO;
    json_object_foreach(set, host, v) {
        cert_remove_files(r, dfd, host);
        pt_log_info("acme: removed the certificate of %s (the host name is gone)", host);
        acme_audit(r, 0, ACME_ACT_REMOVE, "Success", 0, host,
                   pt_printf(r, "The certificate of %s was removed: the host name no longer "
                             "exists.", host), NULL);
        removed++;
    }
    close(dfd);
    return removed;
}
