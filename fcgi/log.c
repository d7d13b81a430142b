/* log.c — one line per event on stderr; journald adds the time stamp. */
#include "portal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void log_line(const char *level, const char *fmt, va_list ap)
{
    char msg[2048];
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);

    if (n < 0)
        return;
    /* Never let a value split the line: journald would see two events. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    /* One fprintf per line: stderr is unbuffered, so lines of several
     * processes sharing it do not interleave. */
    fprintf(stderr, "portald[%ld] %s: %s\n", (long)getpid(), level, msg);
}

void pt_log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line("info", fmt, ap);
    va_end(ap);
}

void pt_log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line("warn", fmt, ap);
    va_end(ap);
}

void pt_log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line("error", fmt, ap);
    va_end(ap);
}
