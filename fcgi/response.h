/* response.h — writing the FastCGI response: status, headers, body. */
#ifndef PT_RESPONSE_H
#define PT_RESPONSE_H

#include <stddef.h>

struct pt_req;

/* Status line, the security headers, the handler's headers, then the body
 * (none for HEAD).  Returns 0 or PT_EIO. */
int pt_resp_send(struct pt_req *r, int status, const char *content_type,
                 const char *body, size_t len);
/* "Not Found" for 404; "Error" for codes we do not name. */
const char *pt_status_reason(int status);
/* Before a redirect: put the flash message in a cookie for the next page. */
int pt_resp_carry_flash(struct pt_req *r);
/* The flash message from the previous response's cookie, cleared now. */
void pt_resp_take_flash(struct pt_req *r, const char **level, const char **message);

#endif
