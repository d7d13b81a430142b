/* catalogue.h — the permission catalogue the modules declare, kept in the
 * database so roles can reference it. */
#ifndef PT_CATALOGUE_H
#define PT_CATALOGUE_H

struct pt_config;
struct pt_modules;

/* Upserts every module's permissions and grants them all to the Platform
 * Administrator system role.  Runs in the master at start and on reload,
 * before any worker exists.  0 or a negative PT_E…. */
int pt_catalogue_sync(const struct pt_config *cfg, const struct pt_modules *mods);

#endif
