/* catalogue.c — see catalogue.h. */
#include "catalogue.h"
#include "arena.h"
#include "db.h"
#include "modules.h"
#include "request.h"
#include "worker.h"

static int catalogue_upsert(struct pt_req *r, void *arg)
{
    const struct pt_modules *mods = arg;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < mods->n; i++)
        for (const struct pt_permission *p = mods->mods[i]->permissions;
             rc == 0 && p && p->key; p++)
            rc = pt_db_exec(r,
                "INSERT INTO permissions (perm_key, category, label) VALUES (?, ?, ?) "
                "ON DUPLICATE KEY UPDATE category = VALUES(category), label = VALUES(label)",
                PT_ARGS(PT_ARG_STR(p->key), PT_ARG_STR(p->category), PT_ARG_STR(p->label)),
                NULL, NULL);
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
    pt_arena_free(w.arena);
    pt_db_free(w.db);
    return rc;
}
