/*
 * fcgi_hello.c — the bench's baseline: the least a libfcgi program can do.
 *
 *   fcgi_hello SOCKET [WORKERS]
 *
 * Opens SOCKET (a unix socket, mode 0660), forks WORKERS (default 4, as
 * portald) processes that each answer every request with "ok", and restarts
 * any that die.  SIGTERM or SIGINT stops the workers and removes the socket.
 * `scripts/dev bench` puts it behind the same nginx as portald, so that
 * /healthz can be compared with it side by side.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#define HELLO_MAX_WORKERS 64
#define HELLO_BACKLOG     1024

static const char hello_response[] =
    "Status: 200\r\nContent-Type: text/plain\r\n\r\nok\n";

static volatile sig_atomic_t hello_stop;

static void hello_on_signal(int sig)
{
    (void)sig;
    hello_stop = 1;
}

static void hello_serve(int sock)
{
    FCGX_Request req;

    if (FCGX_InitRequest(&req, sock, 0) != 0) {
        fprintf(stderr, "fcgi_hello: FCGX_InitRequest failed\n");
        _exit(1);
    }
    while (FCGX_Accept_r(&req) == 0) {
        FCGX_PutStr(hello_response, (int)sizeof(hello_response) - 1, req.out);
        FCGX_Finish_r(&req);
    }
    _exit(0);
}

static pid_t hello_spawn(int sock)
{
    pid_t pid = fork();

    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        hello_serve(sock);
    }
    if (pid < 0)
        fprintf(stderr, "fcgi_hello: fork: %s\n", strerror(errno));
    return pid;
}

static void hello_stop_workers(const pid_t *pids, int n)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGTERM);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
}

int main(int argc, char **argv)
{
    pid_t pids[HELLO_MAX_WORKERS] = { 0 };
    struct sigaction sa = { .sa_handler = hello_on_signal };
    int workers = argc > 2 ? atoi(argv[2]) : 4;
    int sock;

    if (argc < 2 || argc > 3 || workers < 1 || workers > HELLO_MAX_WORKERS) {
        fprintf(stderr, "usage: fcgi_hello SOCKET [WORKERS (1-%d)]\n", HELLO_MAX_WORKERS);
        return 2;
    }
    if (FCGX_Init() != 0) {
        fprintf(stderr, "fcgi_hello: FCGX_Init failed\n");
        return 1;
    }
    unlink(argv[1]);
    sock = FCGX_OpenSocket(argv[1], HELLO_BACKLOG);
    if (sock < 0 || chmod(argv[1], 0660) != 0) {
        fprintf(stderr, "fcgi_hello: cannot listen on %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    for (int i = 0; i < workers; i++)
        pids[i] = hello_spawn(sock);
    while (!hello_stop) {
        pid_t dead = wait(NULL);

        if (dead < 0 && errno != EINTR)
            break;
        for (int i = 0; i < workers && dead > 0 && !hello_stop; i++)
            if (pids[i] == dead)
                pids[i] = hello_spawn(sock);
    }
    hello_stop_workers(pids, workers);
    unlink(argv[1]);
    return 0;
}
