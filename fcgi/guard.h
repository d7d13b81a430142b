/* guard.h — permission and scope, checked by the core for every route. */
#ifndef PT_GUARD_H
#define PT_GUARD_H

struct pt_req;

/*
 * Consent (PT_PERM_CONSENT, the column p.needs_consent): every organisation
 * strictly below the one that grants the permission, down to and including
 * the target, must allow its parent access.  An SQL condition: is there an
 * objector on the path?
 */
#define PT_SQL_CONSENT_OK(from, target) \
    "(p.needs_consent = 0 OR " from " = " target " OR NOT EXISTS (" \
    "SELECT 1 FROM org_closure up " \
    "JOIN orgs o ON o.id = up.ancestor AND o.allow_parent_access = 0 " \
    "JOIN org_closure below ON below.ancestor = " from " AND below.descendant = up.ancestor " \
    "AND below.depth > 0 WHERE up.descendant = " target "))"

/* 0 when the request may run its handler; else an HTTP status already set
 * with pt_error (401/403/404) or 303 to the sign-in page. */
int pt_guard(struct pt_req *r);

#endif
