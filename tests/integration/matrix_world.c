/* matrix_world.c — see matrix_world.h. */
#include "matrix_world.h"
#include "auth_client.h"
#include "matrix_db.h"
#include "portal.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const mrel_name[REL_N] = {
    "own", "child", "grandchild", "sibling", "parent", "unrelated",
    "own-without-consent", "child-without-consent", "grandchild-parent-without-consent",
};

static const struct {
    int         parent;
    const char *kind, *name;
} tree[O_N] = {
    [O_PLATFORM] = { -1, "platform", "platform" },
    [O_D1]   = { O_PLATFORM, "distributor", "Matrix D1" },
    [O_D2]   = { O_PLATFORM, "distributor", "Matrix D2" },
    [O_P1]   = { O_D1, "partner", "Matrix P1" },
    [O_P1A]  = { O_P1, "partner", "Matrix P1a" },
    [O_P1S]  = { O_D1, "partner", "Matrix P1s" },
    [O_P2]   = { O_D2, "partner", "Matrix P2" },
    [O_C1]   = { O_P1, "customer", "Matrix C1" },
    [O_C1X]  = { O_C1, "customer", "Matrix C1x" },
    [O_C1XX] = { O_C1X, "customer", "Matrix C1xx" },
    [O_C1S]  = { O_P1, "customer", "Matrix C1s" },
    [O_C2]   = { O_P2, "customer", "Matrix C2" },
};

/* Each system role, its home and what lies around it (own first). */
static const struct {
    const char *role;
    int         rel[REL_OWN_NC];
} actors[MATRIX_ROLES] = {
    /* The platform has no parent, sibling or unrelated branch. */
    { "platform_admin",    { O_PLATFORM, O_D1, O_P1, -1, -1, -1 } },
    { "distributor_admin", { O_D1, O_P1, O_C1, O_D2, O_PLATFORM, O_P2 } },
    { "msp_admin",         { O_P1, O_P1A, O_C1X, O_P1S, O_D1, O_P2 } },
    { "msp_user",          { O_P1, O_P1A, O_C1X, O_P1S, O_D1, O_P2 } },
    { "customer_admin",    { O_C1, O_C1X, O_C1XX, O_C1S, O_P1, O_C2 } },
    { "customer_user",     { O_C1, O_C1X, O_C1XX, O_C1S, O_P1, O_C2 } },
    { "project_admin",     { O_C1, O_C1X, O_C1XX, O_C1S, O_P1, O_C2 } },
    { "project_user",      { O_C1, O_C1X, O_C1XX, O_C1S, O_P1, O_C2 } },
};

/* Appends to a malloc'd string, a comma first unless it is empty. */
__attribute__((format(printf, 2, 3)))
static void list_add(char **s, const char *fmt, ...)
{
    char *item = NULL, *joined = NULL;
    va_list ap;

    va_start(ap, fmt);
    ck_assert_int_ge(vasprintf(&item, fmt, ap), 0);
    va_end(ap);
    ck_assert_int_ge(asprintf(&joined, "%s%s%s", *s ? *s : "", *s ? "," : "", item), 0);
    free(item);
    free(*s);
    *s = joined;
}

static void hex_random(char *out, size_t n)
{
    unsigned char raw[32];

    ck_assert_int_eq(pt_random_bytes(raw, sizeof(raw)), 0);
    for (size_t i = 0; i < n; i++)
        out[i] = "0123456789abcdef"[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[n] = '\0';
}

static void org_make(struct world *w, int i)
{
    struct morg *o = &w->org[i];

    o->id = i == O_PLATFORM ? platform_org() : make_org(w->org[tree[i].parent].id, tree[i].kind,
                                                        tree[i].name);
    mdb_exec("INSERT INTO roles (org_id, name, is_system) VALUES (%lld, 'Matrix %ld-%d', 0)",
             o->id, (long)getpid(), i);
    o->role = mdb_int("SELECT LAST_INSERT_ID()");
    ck_assert_int_gt(o->role, 0);
    o->user = make_member("matrix-member", o->id, o->role, NULL);
    list_add(&w->orgs_sql, "%lld", o->id);
    list_add(&w->users_sql, "%lld", o->user);
    list_add(&w->members_sql, "(%lld,%lld,%lld)", o->user, o->id, o->role);
    list_add(&w->pairs_sql, "(%lld,%lld)", o->user, o->id);
    list_add(&w->roles_sql, "(%lld,%lld,'Matrix %ld-%d',0)", o->role, o->id, (long)getpid(), i);
}

static void actor_make(struct world *w, int i)
{
    struct mactor *a = &w->actor[i];
    const struct morg *home = &w->org[actors[i].rel[REL_OWN]];
    long long role = system_role(actors[i].role);
    char hash[PT_SHA256_HEX_LEN + 1];

    a->role_key = actors[i].role;
    for (int r = 0; r < REL_N; r++)
        a->rel[r] = a->withdrawn[r] = -1;
    memcpy(a->rel, actors[i].rel, sizeof(actors[i].rel));
    a->rel[REL_OWN_NC] = a->withdrawn[REL_OWN_NC] = a->rel[REL_OWN];
    a->rel[REL_CHILD_NC] = a->withdrawn[REL_CHILD_NC] = a->rel[REL_CHILD];
    a->rel[REL_GRANDCHILD_NC] = a->rel[REL_GRANDCHILD];
    a->withdrawn[REL_GRANDCHILD_NC] = tree[a->rel[REL_GRANDCHILD]].parent;
    a->user = make_member("matrix-actor", home->id, role, NULL);
    hex_random(a->token, 64);
    hex_random(a->csrf, 43);
    pt_sha256_hex(a->token, strlen(a->token), hash);
    list_add(&w->users_sql, "%lld", a->user);
    list_add(&w->members_sql, "(%lld,%lld,%lld)", a->user, home->id, role);
    list_add(&w->pairs_sql, "(%lld,%lld)", a->user, home->id);
    list_add(&w->sessions_sql, "('%s',%lld,'%s',UTC_TIMESTAMP(),UTC_TIMESTAMP(),"
             "UTC_TIMESTAMP() + INTERVAL 1 DAY)", hash, a->user, a->csrf);
}

/* What an empty-bodied request must never change, and this test cannot
 * put back: who is whose parent, the closure, the system roles' grants. */
static char *signature(const struct world *w)
{
    return mdb_str(
        "SELECT CONCAT_WS('|', "
        "(SELECT MD5(GROUP_CONCAT(id, ':', IFNULL(parent_id, 0), ':', kind ORDER BY id)) "
        " FROM orgs WHERE id IN (%s)), "
        "(SELECT MD5(GROUP_CONCAT(ancestor, ':', descendant, ':', depth "
        " ORDER BY ancestor, descendant)) FROM org_closure WHERE descendant IN (%s)), "
        "(SELECT MD5(GROUP_CONCAT(r.system_key, ':', rp.perm_key "
        " ORDER BY r.system_key, rp.perm_key)) FROM role_permissions rp "
        " JOIN roles r ON r.id = rp.role_id WHERE r.system_key IS NOT NULL))",
        w->orgs_sql, w->orgs_sql);
}

void world_build(struct world *w)
{
    char *why = NULL;

    memset(w, 0, sizeof(*w));
    mdb_exec("SET SESSION group_concat_max_len = 4194304");
    for (int i = 0; i < O_N; i++)
        org_make(w, i);
    for (int i = 0; i < MATRIX_ROLES; i++)
        actor_make(w, i);
    w->signature = signature(w);
    ck_assert_msg(world_restore(w, &why), "%s", why ? why : "");
}

bool world_restore(struct world *w, char **why)
{
    mdb_exec("UPDATE orgs SET status = 'active', allow_parent_access = 1 WHERE id IN (%s) "
             "AND (status <> 'active' OR allow_parent_access <> 1)", w->orgs_sql);
    mdb_exec("UPDATE users SET status = 'active' WHERE id IN (%s) AND status <> 'active'",
             w->users_sql);
    mdb_exec("INSERT IGNORE INTO roles (id, org_id, name, is_system) VALUES %s", w->roles_sql);
    mdb_exec("DELETE FROM memberships WHERE user_id IN (%s) AND (user_id, org_id) NOT IN (%s)",
             w->users_sql, w->pairs_sql);
    mdb_exec("INSERT INTO memberships (user_id, org_id, role_id) VALUES %s "
             "ON DUPLICATE KEY UPDATE role_id = VALUES(role_id)", w->members_sql);
    mdb_exec("INSERT INTO sessions (token_hash, user_id, csrf_token, created, last_seen, expires) "
             "VALUES %s ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), "
             "csrf_token = VALUES(csrf_token), impersonator_id = NULL, mfa_required = 0, "
             "last_seen = VALUES(last_seen), expires = VALUES(expires)", w->sessions_sql);
    if (w->signature == NULL)
        return true;
    char *now = signature(w);
    bool same = strcmp(now, w->signature) == 0;
    free(now);
    if (!same && why)
        *why = strdup("the tree (parents, closure) or a system role's permissions changed");
    return same;
}

void world_free(struct world *w)
{
    free(w->orgs_sql);
    free(w->users_sql);
    free(w->members_sql);
    free(w->pairs_sql);
    free(w->sessions_sql);
    free(w->roles_sql);
    free(w->signature);
    memset(w, 0, sizeof(*w));
}
