/* catalogue.c — see catalogue.h. */
#include "catalogue.h"
#include "arena.h"
#include "db.h"
#include "modules.h"
#include "request.h"
#include "worker.h"

#include <string.h>

/* Is key one of the space-separated words of list? */
static bool word_in(const char *list, const char *key)
{
    size_t n = strlen(key);

    for (const char *p = list; p && *p; ) {
        while (*p == ' ')
            p++;
        const char *end = p + strcspn(p, " ");
        if ((size_t)(end - p) == n && strncmp(p, key, n) == 0)
            return true;
        p = end;
    }
    return false;
}

static int permission_upsert(struct pt_req *r, const struct pt_permission *p)
{
    return pt_db_exec(r,
        "INSERT INTO permissions (perm_key, category, label, needs_consent) VALUES (?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE category = VALUES(category), label = VALUES(label), "
        "needs_consent = VALUES(needs_consent)",
        PT_ARGS(PT_ARG_STR(p->key), PT_ARG_STR(p->category), PT_ARG_STR(p->label),
                PT_ARG_INT((p->flags & PT_PERM_CONSENT) != 0)), NULL, NULL);
}

/* A system role holds exactly what the declarations give it: read-only for
 * everyone, so the declarations are the whole truth. */
static int system_role_sync(struct pt_req *r, const struct pt_modules *mods, const char *role)
{
    int rc = pt_db_exec(r, "DELETE rp FROM role_permissions rp JOIN roles ro ON ro.id = rp.role_id "
                        "WHERE ro.system_key = ?", PT_ARGS(PT_ARG_STR(role)), NULL, NULL);

    for (size_t i = 0; rc == 0 && i < mods->n; i++)
        for (const struct pt_permission *p = mods->mods[i]->permissions;
             rc == 0 && p && p->key; p++)
            if (word_in(p->roles, role))
                rc = pt_db_exec(r,
                    "INSERT IGNORE INTO role_permissions (role_id, perm_key) "
                    "SELECT id, ? FROM roles WHERE system_key = ?",
                    PT_ARGS(PT_ARG_STR(p->key), PT_ARG_STR(role)), NULL, NULL);
    return rc;
}

static int catalogue_upsert(struct pt_req *r, void *arg)
{
    static const char *const roles[] = {
        PT_ROLE_DISTRIBUTOR_ADMIN, PT_ROLE_MSP_ADMIN, PT_ROLE_MSP_USER, PT_ROLE_CUSTOMER_ADMIN,
        PT_ROLE_CUSTOMER_USER, PT_ROLE_PROJECT_ADMIN, PT_ROLE_PROJECT_USER, NULL,
    };
    const struct pt_modules *mods = arg;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < mods->n; i++)
        for (const struct pt_permission *p = mods->mods[i]->permissions;
             rc == 0 && p && p->key; p++)
            rc = permission_upsert(r, p);
    for (size_t i = 0; rc == 0 && roles[i]; i++)
        rc = system_role_sync(r, mods, roles[i]);
    if (rc == 0)
        rc = pt_db_exec(r,
            "INSERT IGNORE INTO role_permissions (role_id, perm_key) "
            "SELECT ro.id, p.perm_key FROM roles ro JOIN permissions p "
            "WHERE ro.system_key = 'platform_admin'", PT_NOARGS, NULL, NULL);
    return rc;
}

int pt_catalogue_sync(const struct pt_config *cfg, const struct pt_modules *mods)
{
    struct pt_worker w = { .kind = PT_WORKER_JOBS, .cfg = cfg, .mods = mods, .listen_fd = -1 };
    struct pt_req r;
    int rc = PT_ENOMEM;

    w.arena = pt_arena_new(16384);
    w.db = pt_db_new(cfg);
    if (w.arena && w.db) {
        pt_req_init_job(&r, &w);
        rc = pt_db_tx(&r, catalogue_upsert, (void *)mods);
        if (rc != 0)
            pt_log_error("%s: the permission catalogue could not be written (%d)", __func__, rc);
    }
    pt_worker_release(&w);
    return rc;
}
