/*
 * matrix_world.h — the tenant tree and the actors of the authorization
 * matrix (check_matrix.c):
 *
 *   platform ─┬─ D1 (distributor) ─┬─ P1 (partner) ─┬─ P1a (partner)
 *             │                    │                ├─ C1 (customer) ── C1x ── C1xx
 *             │                    │                └─ C1s (customer)
 *             │                    └─ P1s (partner)
 *             └─ D2 (distributor) ──── P2 (partner) ──── C2 (customer)
 *
 * One actor per system role, at an organisation of the role's kind
 * (platform_admin at the platform, distributor_admin at D1, msp_* at P1,
 * customer_* and project_* at C1), each with a session row made directly
 * (the sign-in itself is check_auth's business).  Every organisation also
 * has a custom role without permissions and a member holding it: the
 * {role} and {user} of its paths.  Consent is on everywhere.
 */
#ifndef PT_TEST_MATRIX_WORLD_H
#define PT_TEST_MATRIX_WORLD_H

#include <stdbool.h>

enum morg_ix {
    O_PLATFORM, O_D1, O_D2, O_P1, O_P1A, O_P1S, O_P2, O_C1, O_C1X, O_C1XX, O_C1S, O_C2, O_N
};

/*
 * Where the target lies as seen from the actor's own organisation.  The
 * last three are for routes whose permission needs consent: the same
 * targets while one organisation on the way withdraws it — the actor's own
 * (no effect: consent is asked below the membership), the child, the
 * grandchild's parent.
 */
enum mrel {
    REL_OWN, REL_CHILD, REL_GRANDCHILD, REL_SIBLING, REL_PARENT, REL_UNRELATED,
    REL_OWN_NC, REL_CHILD_NC, REL_GRANDCHILD_NC, REL_N
};
extern const char *const mrel_name[REL_N];

#define MATRIX_ROLES 8

struct morg {
    long long id;
    long long user;       /* a member holding role */
    long long role;       /* a custom role of this organisation, no permissions */
};

struct mactor {
    const char *role_key;        /* "msp_admin" */
    long long   user;
    int         rel[REL_N];      /* enum morg_ix per relation, -1: there is none */
    int         withdrawn[REL_N];/* the organisation without consent, -1: none */
    char        token[65];       /* the pt_session cookie */
    char        csrf[44];
};

struct world {
    struct morg   org[O_N];
    struct mactor actor[MATRIX_ROLES];
    char         *orgs_sql;      /* "1,2,3": the tree's ids */
    char         *users_sql;     /* every actor and member */
    char         *members_sql;   /* "(user, org, role),…" as built */
    char         *pairs_sql;     /* "(user, org),…" */
    char         *sessions_sql;  /* the actors' session rows */
    char         *roles_sql;     /* the custom roles' rows */
    char         *signature;     /* tree shape and system roles as built */
};

/* Makes the tree, the members and the actors' sessions. */
void world_build(struct world *w);
/*
 * Puts back what an unsafe request may have changed: organisations active
 * with consent, users active, exactly the memberships built, the custom
 * roles, the actors' sessions.  false (with *why, malloc'd) when the tree
 * itself or a system role's permissions changed: that cannot be undone here.
 */
bool world_restore(struct world *w, char **why);
void world_free(struct world *w);

#endif
