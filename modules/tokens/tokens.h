/*
 * tokens.h — what the files of the tokens module share.  Private to
 * modules/tokens/: like every module file it builds on portal.h alone.
 *
 *   tokens.c   the descriptor, personal access tokens, and the work both
 *              kinds share (scopes, listing, creating, revoking)
 *   service.c  service-account tokens of an organisation
 */
#ifndef PT_MOD_TOKENS_H
#define PT_MOD_TOKENS_H

#include "portal.h"

#define TOKENS_PREFIX "ppt_"

/* Whose tokens: a user's (personal) or an organisation's (service account). */
struct tokens_owner {
    int64_t     user_id;          /* personal: the owner; 0 for a service account */
    int64_t     org_id;           /* service account: the organisation; 0 for personal */
    const char *action;           /* the page's path: "/profile/tokens" */
};

/* The list page's view: tokens, the permissions a new one may carry. */
int tokens_list(struct pt_req *r, json_t *view, const struct tokens_owner *o);
/* POST: a new token from the request's name, expires_days and scopes. */
int tokens_create(struct pt_req *r, json_t *view, const struct tokens_owner *o);
/* POST: revoke the token of path parameter "token". */
int tokens_revoke(struct pt_req *r, json_t *view, const struct tokens_owner *o);

int tokens_service_page(struct pt_req *r, json_t *view);
int tokens_service_revoke(struct pt_req *r, json_t *view);

#endif
