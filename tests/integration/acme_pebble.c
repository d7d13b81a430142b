/* acme_pebble.c — see acme_pebble.h. */
#include "acme_pebble.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define PEBBLE_BIN  "/usr/bin/pebble"
#define CHALL_BIN   "/usr/bin/pebble-challtestsrv"
#define LEGO_BIN    "/usr/bin/lego"
#define OPENSSL_BIN "/usr/bin/openssl"

const char *acme_ca_missing_tool(void)
{
    static const char *const tools[] = { PEBBLE_BIN, CHALL_BIN, LEGO_BIN, OPENSSL_BIN, NULL };

    for (size_t i = 0; tools[i]; i++)
        if (access(tools[i], X_OK) != 0)
            return tools[i];
    return NULL;
}

int acme_free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static bool port_open(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;

    if (fd >= 0)
        close(fd);
    return ok;
}

static bool wait_port(int port, int seconds)
{
    for (int i = 0; i < seconds * 10; i++) {
        if (port_open(port))
            return true;
        usleep(100 * 1000);
    }
    return false;
}

static void say(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

/* argv in its own process group, output appended to log; env (may be
 * NULL) added to the environment.  The pid, or -1. */
static long spawn(char *const argv[], const char *log, char *const env[])
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    setpgid(0, 0);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    int null = open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(126);
    for (size_t i = 0; env && env[i]; i++)
        putenv(env[i]);
    execv(argv[0], argv);
    _exit(127);
}

static int run_wait(char *const argv[], const char *log)
{
    int st;
    long pid = spawn(argv, log, NULL);

    if (pid < 0)
        return -1;
    while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *in_dir(const struct acme_ca *ca, const char *name)
{
    static char bufs[8][256];
    static int i;

    i = (i + 1) % 8;
    snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", ca->dir, name);
    return bufs[i];
}

/* A CA (into ca->ca_pem) and a certificate for localhost / 127.0.0.1
 * signed by it, for pebble's own HTTPS listener. */
static bool make_listener_cert(struct acme_ca *ca, char *why, size_t whylen)
{
    FILE *f = fopen(in_dir(ca, "ext.cnf"), "w");
    char *log = in_dir(ca, "openssl.log");

    if (f == NULL)
        return say(why, whylen, "cannot write in %s", ca->dir), false;
    fprintf(f, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    fclose(f);
    char *ca_req[] = { OPENSSL_BIN, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                       "/CN=check_acme listener CA", "-keyout", in_dir(ca, "ca.key"),
                       "-out", ca->ca_pem, NULL };
    char *csr[] = { OPENSSL_BIN, "req", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", in_dir(ca, "pebble.key"), "-out", in_dir(ca, "pebble.csr"), NULL };
    char *sign[] = { OPENSSL_BIN, "x509", "-req", "-in", in_dir(ca, "pebble.csr"), "-CA",
                     ca->ca_pem, "-CAkey", in_dir(ca, "ca.key"), "-set_serial", "2", "-days",
                     "2", "-extfile", in_dir(ca, "ext.cnf"), "-out", in_dir(ca, "pebble.pem"),
                     NULL };
    if (run_wait(ca_req, log) != 0 || run_wait(csr, log) != 0 || run_wait(sign, log) != 0)
        return say(why, whylen, "openssl failed: see %s", log), false;
    return true;
}

static bool write_config(struct acme_ca *ca, char *why, size_t whylen)
{
    FILE *f = fopen(in_dir(ca, "pebble.json"), "w");

    if (f == NULL)
        return say(why, whylen, "cannot write %s", in_dir(ca, "pebble.json")), false;
    fprintf(f, "{\"pebble\": {\"listenAddress\": \"127.0.0.1:%d\", "
            "\"managementListenAddress\": \"127.0.0.1:%d\", \"certificate\": \"%s\", "
            "\"privateKey\": \"%s\", \"httpPort\": %d, \"tlsPort\": %d, "
            "\"ocspResponderURL\": \"\", \"externalAccountBindingRequired\": false, "
            "\"certificateValidityPeriod\": %ld}}\n",
            ca->acme_port, ca->mgmt_port, in_dir(ca, "pebble.pem"), in_dir(ca, "pebble.key"),
            ca->http_port, acme_free_port(), ca->validity);
    return fclose(f) == 0;
}

static size_t to_file(char *p, size_t size, size_t n, void *f)
{
    return fwrite(p, size, n, f);
}

/* GET (body NULL) or POST an https/http URL; the status, 0 on failure. */
static long fetch(const char *url, const char *body, const char *cainfo, FILE *out)
{
    CURL *c = curl_easy_init();
    FILE *sink = out ? out : fopen("/dev/null", "w");
    long status = 0;

    if (c == NULL || sink == NULL) {
        if (c)
            curl_easy_cleanup(c);
        return 0;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, to_file);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (cainfo)
        curl_easy_setopt(c, CURLOPT_CAINFO, cainfo);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (out == NULL)
        fclose(sink);
    return status;
}

static bool fetch_root(struct acme_ca *ca, char *why, size_t whylen)
{
    char url[128];
    FILE *f;

    snprintf(ca->root_pem, sizeof(ca->root_pem), "%s/pebble-root.pem", ca->dir);
    snprintf(url, sizeof(url), "https://127.0.0.1:%d/roots/0", ca->mgmt_port);
    if ((f = fopen(ca->root_pem, "w")) == NULL)
        return say(why, whylen, "cannot write %s", ca->root_pem), false;
    long st = fetch(url, NULL, ca->ca_pem, f);
    fclose(f);
    if (st != 200)
        return say(why, whylen, "pebble's root: GET %s answered %ld", url, st), false;
    return true;
}

static bool start_dns(struct acme_ca *ca, char *why, size_t whylen)
{
    char dns[32], mgmt[32];

    snprintf(dns, sizeof(dns), "127.0.0.1:%d", ca->dns_port);
    snprintf(mgmt, sizeof(mgmt), "127.0.0.1:%d", ca->dns_mgmt_port);
    /* No default answers: a name resolves only once a test adds it, so a
     * name without a record really fails validation. */
    char *argv[] = { CHALL_BIN, "-dns01", dns, "-management", mgmt, "-http01", "",
                     "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "", "-defaultIPv6",
                     "", NULL };
    ca->dns_pid = spawn(argv, in_dir(ca, "challtestsrv.log"), NULL);
    if (ca->dns_pid < 0 || !wait_port(ca->dns_mgmt_port, 10))
        return say(why, whylen, "pebble-challtestsrv did not start (DNS %s): see %s", dns,
                   in_dir(ca, "challtestsrv.log")), false;
    return true;
}

static bool start_pebble(struct acme_ca *ca, char *why, size_t whylen)
{
    char dns[32];
    /* No random sleeps, no rejected nonces, no reused authorisations: every
     * order is validated over HTTP, fast and the same each run. */
    char *env[] = { "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0",
                    NULL };

    snprintf(dns, sizeof(dns), "127.0.0.1:%d", ca->dns_port);
    char *argv[] = { PEBBLE_BIN, "-config", in_dir(ca, "pebble.json"), "-dnsserver", dns, NULL };
    ca->pebble_pid = spawn(argv, in_dir(ca, "pebble.log"), env);
    if (ca->pebble_pid < 0 || !wait_port(ca->acme_port, 15) || !wait_port(ca->mgmt_port, 5))
        return say(why, whylen, "pebble did not start on 127.0.0.1:%d: see %s", ca->acme_port,
                   in_dir(ca, "pebble.log")), false;
    return true;
}

bool acme_ca_start(struct acme_ca *ca, char *why, size_t whylen)
{
    snprintf(ca->dir, sizeof(ca->dir), "/tmp/ptacme.XXXXXX");
    if (mkdtemp(ca->dir) == NULL)
        return say(why, whylen, "mkdtemp: %s", strerror(errno)), false;
    if (ca->ca_pem[0] == '\0')
        snprintf(ca->ca_pem, sizeof(ca->ca_pem), "%s/ca.pem", ca->dir);
    ca->mgmt_port = acme_free_port();
    do
        ca->dns_mgmt_port = acme_free_port();
    while (ca->dns_mgmt_port == ca->mgmt_port);
    if (port_open(ca->acme_port))
        return say(why, whylen, "127.0.0.1:%d (the [acme] directory_url's port) is taken",
                   ca->acme_port), false;
    ca->up = make_listener_cert(ca, why, whylen) && write_config(ca, why, whylen) &&
             start_dns(ca, why, whylen) && start_pebble(ca, why, whylen) &&
             fetch_root(ca, why, whylen);
    return ca->up;
}

static void stop_pid(long pid)
{
    int st;

    if (pid <= 0)
        return;
    kill((pid_t)pid, SIGTERM);
    for (int i = 0; i < 50; i++) {
        if (waitpid((pid_t)pid, &st, WNOHANG) == (pid_t)pid)
            return;
        usleep(100 * 1000);
    }
    kill((pid_t)pid, SIGKILL);
    waitpid((pid_t)pid, &st, 0);
}

void acme_ca_stop(struct acme_ca *ca, bool keep)
{
    stop_pid(ca->pebble_pid);
    stop_pid(ca->dns_pid);
    ca->pebble_pid = ca->dns_pid = 0;
    ca->up = false;
    if (!keep && ca->dir[0]) {
        char *argv[] = { "/bin/rm", "-rf", ca->dir, NULL };
        run_wait(argv, "/dev/null");
    }
}

/* ---- challtestsrv's management API -------------------------------------------------------- */

static bool dns_post(const struct acme_ca *ca, const char *what, const char *json)
{
    char url[128];

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", ca->dns_mgmt_port, what);
    return fetch(url, json, NULL, NULL) == 200;
}

bool acme_dns_add_a(const struct acme_ca *ca, const char *host)
{
    char json[600];

    snprintf(json, sizeof(json), "{\"host\": \"%s.\", \"addresses\": [\"127.0.0.1\"]}", host);
    return dns_post(ca, "add-a", json);
}

bool acme_dns_set_txt(const struct acme_ca *ca, const char *name, const char *value)
{
    char json[800];

    snprintf(json, sizeof(json), "{\"host\": \"%s.\", \"value\": \"%s\"}", name, value);
    return dns_post(ca, "set-txt", json);
}

/* ---- certificates --------------------------------------------------------------------------- */

void acme_serial_norm(const char *in, char *out, size_t outlen)
{
    size_t n = 0;
    bool lead = true;

    for (; in && *in && n + 1 < outlen; in++) {
        if (!isxdigit((unsigned char)*in))
            continue;
        if (lead && *in == '0')
            continue;
        lead = false;
        out[n++] = (char)tolower((unsigned char)*in);
    }
    out[n] = '\0';
}

bool acme_cert_info(const char *path, char expires[20], char *serial, size_t seriallen)
{
    FILE *f = fopen(path, "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    struct tm tm;
    bool ok = false;

    if (f)
        fclose(f);
    if (x == NULL)
        return false;
    memset(&tm, 0, sizeof(tm));
    if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1 &&
        strftime(expires, 20, "%Y-%m-%d %H:%M:%S", &tm) > 0) {
        BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(x), NULL);
        char *hex = bn ? BN_bn2hex(bn) : NULL;
        acme_serial_norm(hex, serial, seriallen);
        ok = hex != NULL;
        OPENSSL_free(hex);
        BN_free(bn);
    }
    X509_free(x);
    return ok;
}
