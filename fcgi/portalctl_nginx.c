/*
 * portalctl_nginx.c — the body of `portalctl nginx` (see portalctl_nginx.h).
 * The same pt_nginx_generate_opts as the job worker's "nginx.generate",
 * on portalctl's job-style request context.
 */
#include "portalctl_nginx.h"
#include "nginx_gen.h"
#include "request.h"
#include "worker.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NGX_CTL_OK = 0, NGX_CTL_FAIL = 1, NGX_CTL_USAGE = 2 };

static void nginx_usage(void)
{
    fprintf(stderr, "usage: portalctl nginx generate [--templates DIR] [--no-reload]\n"
                    "       portalctl nginx check [--templates DIR]\n");
}

/* Prints each line of text (may be NULL) after prefix. */
static void print_lines(FILE *f, const char *prefix, const char *text)
{
    for (const char *p = text; p && *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(f, "%s%.*s\n", prefix, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

static void nginx_print(const struct pt_nginx_report *o, bool check_only, int rc)
{
    if (o->generation_id)
        printf("generation %lld: ", (long long)o->generation_id);
    printf("%zu host name(s), %zu with TLS, %zu skipped\n", o->hosts, o->tls_hosts, o->skipped);
    print_lines(stdout, "skipped: ", o->skipped_names);
    print_lines(stdout, "warning: ", o->warnings);
    if (o->checked)
        printf("nginx -t: ok (%.2f s, rendering %.2f s)\n", o->check_seconds, o->render_seconds);
    if (o->swapped)
        printf("live: %s\n", o->live_path);
    if (o->reloaded)
        printf("nginx reloaded (%.2f s)\n", o->reload_seconds);
    if (check_only && rc == 0)
        printf("check only: the live file was not touched\n");
    if (rc != 0)
        print_lines(stderr, "portalctl: nginx: ", o->message ? o->message : "failed");
}

int pt_portalctl_nginx(struct pt_worker *w, int argc, char **argv)
{
    static const struct option opts[] = {
        { "templates", required_argument, NULL, 't' },
        { "no-reload", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 } };
    struct pt_nginx_opts o = { 0 };
    struct pt_nginx_report rep;
    struct pt_req r;
    char dir[PATH_MAX];
    int c;

    if (argc < 2 || (strcmp(argv[1], "generate") != 0 && strcmp(argv[1], "check") != 0)) {
        nginx_usage();
        return NGX_CTL_USAGE;
    }
    o.check_only = strcmp(argv[1], "check") == 0;
    optind = 0;       /* GNU getopt: rescan; argv[1] plays argv[0] */
    while ((c = getopt_long(argc - 1, argv + 1, "t:n", opts, NULL)) != -1) {
        if (c == 't')     /* the generator takes absolute paths only */
            o.templates_dir = realpath(optarg, dir) ? dir : optarg;
        else if (c == 'n' && !o.check_only)
            o.no_reload = true;
        else {
            nginx_usage();
            return NGX_CTL_USAGE;
        }
    }
    if (optind != argc - 1) {
        nginx_usage();
        return NGX_CTL_USAGE;
    }
    pt_req_init_job(&r, w);
    int rc = pt_nginx_generate_opts(&r, &o, &rep);
    nginx_print(&rep, o.check_only, rc);
    return rc == 0 ? NGX_CTL_OK : NGX_CTL_FAIL;
}
