/* guard.h — permission and scope, checked by the core for every route. */
#ifndef PT_GUARD_H
#define PT_GUARD_H

struct pt_req;

/* 0 when the request may run its handler; else an HTTP status already set
 * with pt_error (401/403/404) or 303 to the sign-in page. */
int pt_guard(struct pt_req *r);

#endif
