/* audit.h — the activity log's writer (pt_audit_log in portal.h). */
#ifndef PT_AUDIT_H
#define PT_AUDIT_H

struct pt_req;

/* Writes the events pt_audit_log_always queued while a transaction was
 * open: called when the request (or job) ends, whatever became of it. */
void pt_audit_flush(struct pt_req *r);

#endif
