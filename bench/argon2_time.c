/* argon2_time — one argon2id hash with the portal's parameters, timed on
 * this machine in the bench's own run: sign-ins per second are judged
 * against 1 / this time.  Prints "argon2id_ms=<median of N>". */
#include "portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 15;
    double ms[100];
    char phc[PT_PASSWORD_PHC_MAX];

    if (n < 1 || n > 100)
        n = 15;
    for (int i = 0; i < n; i++) {
        struct timespec a, b;

        clock_gettime(CLOCK_MONOTONIC, &a);
        if (pt_password_hash("Bench-Passw0rd!", phc, sizeof(phc)) != 0)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    }
    qsort(ms, (size_t)n, sizeof(ms[0]), cmp_double);
    printf("argon2id_ms=%.2f\n", ms[n / 2]);
    return 0;
}
