/* render.h — a handler's view becomes JSON or a page; errors become
 * problem+json or the error page. */
#ifndef PT_RENDER_H
#define PT_RENDER_H

#include <jansson.h>

struct pt_req;

/* Writes the whole response for status and view (view may be NULL for errors). */
void pt_render(struct pt_req *r, int status, json_t *view);

#endif
