/*
 * migrate.h — schema migrations: sql/NNN_name.sql applied in order by
 * `portalctl migrate`, each recorded in schema_migrations(version, name,
 * checksum, applied_at) with the SHA-256 of the file.  A file whose checksum
 * changed after it was applied is refused (by name), as is an applied
 * migration whose file has gone.  The directory is [database] migrations_dir,
 * default PT_PKGDATADIR "/sql".
 *
 * A migration file may hold several statements.  MariaDB commits DDL
 * implicitly, so a file that fails half way is not rolled back: write
 * migrations that can be run again (CREATE TABLE IF NOT EXISTS, …) and keep
 * one concern per file.
 */
#ifndef PT_MIGRATE_H
#define PT_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

struct pt_config;

#define PT_MIGRATE_NAME_MAX 100

struct pt_migration {
    unsigned version;                      /* 1 for 001_core.sql */
    char     name[PT_MIGRATE_NAME_MAX + 1]; /* "001_core" */
    char    *path;                         /* dir/001_core.sql (malloc'd) */
    char     checksum[65];                 /* SHA-256, lower-case hex */
};

/* The migrations directory of this config. */
const char *pt_migrate_dir(const struct pt_config *cfg);

/* Is this a migration file name ("NNN_[a-z0-9_]+.sql", NNN ≥ 001)?
 * Sets *version when it is. */
bool pt_migrate_name_ok(const char *filename, unsigned *version);

/* Every migration of dir, in version order, with checksums.  Names that end
 * in .sql without matching the pattern, and two files of one version, are
 * refused (PT_EINVAL, reason in err) rather than skipped. */
int  pt_migrate_scan(const char *dir, struct pt_migration **out, size_t *n,
                     char *err, size_t errlen);
void pt_migrate_list_free(struct pt_migration *m, size_t n);

/* Compares the files with the applied rows ([{version, name, checksum}]) and
 * lists the pending files (indexes into files, in order: pending must hold
 * n slots).  PT_EINVAL when an applied file changed or disappeared. */
int  pt_migrate_plan(const struct pt_migration *files, size_t n, const json_t *applied,
                     size_t *pending, size_t *n_pending, char *err, size_t errlen);

/* For portald's start-up: 0 when the schema is up to date; otherwise
 * PT_EINVAL with "pending migrations: 001_core, … (run portalctl migrate)"
 * (or the checksum refusal), or PT_ECONN/PT_EDB, in err.  Uses the
 * application user: it only reads. */
int  pt_migrate_check(const struct pt_config *cfg, char *err, size_t errlen);

/* Applies every pending migration on the admin connection, one line per
 * file on out (may be NULL).  0, or an error with the reason in err. */
int  pt_migrate_apply(const struct pt_config *cfg, FILE *out, char *err, size_t errlen);

#endif
