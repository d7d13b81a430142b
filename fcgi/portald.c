/* portald — the partner portal's FastCGI server.  Usage: portald [-c portal.conf] [-t] */
#include "pt_config.h"
#include "master.h"
#include "portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CONFIG PT_SYSCONFDIR "/partner-portal/portal.conf"

static void usage(FILE *to)
{
    fprintf(to, "usage: portald [-c portal.conf] [-t]\n"
                "  -c FILE  configuration (default " DEFAULT_CONFIG ")\n"
                "  -t       check the configuration and exit\n"
                "  -V       print the version\n"
                "Signals: SIGHUP reloads gracefully, SIGTERM stops gracefully.\n");
}

static int check_only(const char *path)
{
    struct pt_config *cfg;
    char err[1024];

    if (pt_config_load(path, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "portald: %s\n", err);
        return EXIT_FAILURE;
    }
    printf("portald: %s is valid\n", path);
    pt_config_free(cfg);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    const char *config = DEFAULT_CONFIG;
    int opt, test = 0;

    while ((opt = getopt(argc, argv, "c:thV")) != -1) {
        switch (opt) {
        case 'c': config = optarg; break;
        case 't': test = 1; break;
        case 'V': printf("portald %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
        case 'h': usage(stdout); return EXIT_SUCCESS;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* Unbuffered: each log line is one write, whole, even from many workers. */
    setvbuf(stderr, NULL, _IONBF, 0);
    return test ? check_only(config) : pt_master_run(config);
}
