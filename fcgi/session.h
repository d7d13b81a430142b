/* session.h — who is asking, resolved once per request before the guard. */
#ifndef PT_SESSION_H
#define PT_SESSION_H

#include <stdbool.h>

struct pt_req;

/* From the session cookie or the bearer token.  0, or an HTTP status (401
 * for a bearer token that is unknown, revoked or expired). */
int pt_session_resolve(struct pt_req *r);
/* Is the CSRF token of this unsafe request the session's?  Constant time. */
bool pt_session_csrf_ok(struct pt_req *r);
/* The session cookie's name: "__Host-pt_session" on TLS, else "pt_session". */
const char *pt_session_cookie_name(const struct pt_req *r);

#endif
