/*
 * portalctl_nginx.h — `portalctl nginx generate|check` (fcgi/nginx_gen.h).
 */
#ifndef PT_PORTALCTL_NGINX_H
#define PT_PORTALCTL_NGINX_H

struct pt_worker;

/* The usage lines portalctl prints for the sub-command. */
#define PT_PORTALCTL_NGINX_USAGE \
    "  nginx generate [--templates DIR] [--no-reload]\n" \
    "                                   render a server block per verified host name,\n" \
    "                                   check it with nginx -t, swap it in, reload nginx\n" \
    "  nginx check [--templates DIR]    render and nginx -t only; the live file stays\n"

/*
 * argv[0] is "nginx", argv[1] "generate" or "check", options after.  w is
 * portalctl's worker with its database connected.  Prints what happened
 * (stdout) and why it failed (stderr).  Exit status: 0 done, 1 failed
 * (nginx refused the file: the live one is unchanged), 2 usage.
 */
int pt_portalctl_nginx(struct pt_worker *w, int argc, char **argv);

#endif
