/*
 * whitelabel.c — the white-label services modules call through portal.h:
 * host name checks, the nginx generator as a job, and the cache version
 * every worker's brand cache watches (fcgi/brand.c).
 */
#include "hostname.h"
#include "nginx_gen.h"
#include "request.h"

int pt_hostname_check(const char *in, char *out, size_t outlen, const char **why)
{
    return pt_hostname_normalize(in, out, outlen, why);
}

int pt_nginx_regenerate(struct pt_req *r, const char **message)
{
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
