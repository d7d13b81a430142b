/*
 * audit_fixtures.h — fixtures shared by the audit suites beyond
 * check_audit (check_audit_feed, check_audit_retention,
 * check_audit_coverage): events planted as other modules would have
 * written them, sessions made as the core makes them (no sign-in, so no
 * sign-in event), and JSON requests.  Every helper fails the running Check
 * test on a broken promise.
 */
#ifndef PT_TEST_AUDIT_FIXTURES_H
#define PT_TEST_AUDIT_FIXTURES_H

#include <jansson.h>
#include <stdbool.h>

#include "auth_client.h"

/* One planted event; its id.  org, actor, subject, impersonator: 0 → NULL.
 * desc is plain text (quoted here); created is 'YYYY-MM-DD hh:mm:ss' or an
 * SQL expression when it starts with '('. */
long long plant(long long org, long long actor, long long subject, long long imp,
                const char *category, const char *action, const char *status,
                const char *desc, const char *created);
/* n events of org (0: none) described "<tag> <i>", created as plant's. */
void plant_many(long long org, int n, const char *tag, const char *created);

/* A browser holding a fresh session of user (as pt_session_start makes
 * one): the cookie and the CSRF token for X-CSRF-Token. */
void session_as(struct browser *b, long long user);

/* A request through the browser as JSON; status must be want; the body as
 * JSON (NULL when want is not 2xx and the body is not JSON).  Owned. */
json_t *api(struct browser *b, const char *method, long want, const char *body,
            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The integer members "id" of an array of objects, "1,2,3". malloc'd. */
char *ids_csv(json_t *array);

#endif
