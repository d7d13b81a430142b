/*
 * service.c — service-account tokens: owned by an organisation rather than
 * a person, for provisioning systems that push resources through the API.
 * The guard has already checked "tokens.manage_service" on the
 * organisation of the path (and answered 404 outside the actor's tree).
 */
#include "tokens.h"

#include <stdio.h>

/* The organisation of the path into the view; 0 when it does not exist. */
static int64_t service_org(struct pt_req *r, json_t *view, struct tokens_owner *o)
{
    int64_t org = pt_req_param_int(r, "org");
    json_t *row;

    if (org <= 0 || pt_db_query_one(r, "SELECT id, name FROM orgs WHERE id = ?",
                                    PT_ARGS(PT_ARG_INT(org)), &row) != 0)
        return 0;
    json_object_set(view, "org", row);
    o->org_id = org;
    o->action = pt_printf(r, "/orgs/%lld/tokens", (long long)org);
    return o->action ? org : 0;
}

int tokens_service_page(struct pt_req *r, json_t *view)
{
    struct tokens_owner o = { 0 };

    if (service_org(r, view, &o) == 0)
        return pt_error(r, 404, "There is no such organisation.");
    if (strcmp(pt_req_method(r), "POST") == 0)
        return tokens_create(r, view, &o);
    return tokens_list(r, view, &o);
}

int tokens_service_revoke(struct pt_req *r, json_t *view)
{
    struct tokens_owner o = { 0 };

    if (service_org(r, view, &o) == 0)
        return pt_error(r, 404, "There is no such organisation.");
    return tokens_revoke(r, view, &o);
}
