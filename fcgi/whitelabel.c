/*
 * whitelabel.c — the white-label services modules call through portal.h:
 * host name checks, the nginx generator as a job, and the cache version
 * every worker's brand cache watches (fcgi/brand.c).
 */
#include "hostname.h"
#include "nginx_gen.h"
#include "request.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int pt_hostname_check(const char *in, char *out, size_t outlen, const char **why)
{
    return pt_hostname_normalize(in, out, outlen, why);
}

/*
 * Under systemd portald may neither test nor reload nginx (no privileges,
 * read-only /etc): with [nginx] trigger_file set, the job only writes that
 * file and a path unit runs `portalctl nginx generate` as root
 * (systemd/portal-nginx.path).  The file's content is the request time.
 */
static int nginx_trigger(struct pt_req *r, const char *path, const char **message)
{
    char line[64];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    int n = snprintf(line, sizeof(line), "%lld\n", (long long)time(NULL));

    if (fd < 0 || write(fd, line, (size_t)n) != n) {
        pt_log_error("%s: request %s: %s: %s", __func__, r->id, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        if (message)
            *message = "The request to regenerate the web server configuration could not "
                       "be written.";
        return PT_EIO;
    }
    close(fd);
    if (message)
        *message = NULL;
    return 0;
}

int pt_nginx_regenerate(struct pt_req *r, const char **message)
{
    const char *trigger = pt_config_get(r, "nginx", "trigger_file");

    if (trigger && *trigger)
        return nginx_trigger(r, trigger, message);
    struct pt_nginx_report rep = { 0 };
    int rc = pt_nginx_generate(r, &rep);

    if (message)
        *message = rc == 0 ? NULL : rep.message ? rep.message : "The generator failed.";
    return rc;
}

int pt_whitelabel_changed(struct pt_req *r)
{
    return pt_db_exec(r, "UPDATE cache_versions SET version = version + 1 "
                      "WHERE name = 'whitelabel'", PT_NOARGS, NULL, NULL);
}
