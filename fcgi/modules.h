/* modules.h — the modules named in portal.conf, dlopen'ed by the master. */
#ifndef PT_MODULES_H
#define PT_MODULES_H

#include <stddef.h>

struct portal_module;
struct pt_job_kind;

struct pt_modules {
    const struct portal_module **mods;
    void                       **handles;   /* dlopen handles, NULL for built-ins */
    size_t                       n;
};

/* Loads dir/<name>.so for each name and checks its descriptor (<name>_module,
 * ABI version, every route with a permission and a handler).  0 or PT_EINVAL
 * with the reason in err. */
int  pt_modules_load(const char *dir, char *const *names, size_t n,
                     struct pt_modules **out, char *err, size_t errlen);
void pt_modules_free(struct pt_modules *m);

/* The job kind declared by some module, or NULL. */
const struct pt_job_kind *pt_modules_job_kind(const struct pt_modules *m, const char *kind);

#endif
