/*
 * migrate.c — finds, checks and applies sql/NNN_name.sql (see migrate.h).
 * The files are the only SQL that runs unprepared (pt_db_script, on the
 * migrator's connection); the bookkeeping is prepared statements.
 */
#include "migrate.h"

#include "pt_config.h"
#include "db.h"
#include "portal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MIGRATE_FILE_MAX (16u << 20)

const char *pt_migrate_dir(const struct pt_config *cfg)
{
    const char *d = pt_config_value(cfg, "database", "migrations_dir");

    return d && *d ? d : PT_PKGDATADIR "/sql";
}

bool pt_migrate_name_ok(const char *filename, unsigned *version)
{
    size_t len = strlen(filename);
    const char *p = filename + 4;

    if (len < 9 || len > PT_MIGRATE_NAME_MAX + 4 || strcmp(filename + len - 4, ".sql") != 0)
        return false;
    for (int i = 0; i < 3; i++)
        if (!isdigit((unsigned char)filename[i]))
            return false;
    if (filename[3] != '_')
        return false;
    for (; p < filename + len - 4; p++)
        if (!((*p >= 'a' && *p <= 'z') || isdigit((unsigned char)*p) || *p == '_'))
            return false;
    unsigned v = (unsigned)((filename[0] - '0') * 100 + (filename[1] - '0') * 10 +
                            (filename[2] - '0'));
    if (v == 0)
        return false;
    *version = v;
    return true;
}

/* The whole file (migrations are small), NUL-terminated. */
static char *migrate_read(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    struct stat sb;
    char *buf = NULL;

    if (f == NULL || fstat(fileno(f), &sb) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(sb.st_mode) || (size_t)sb.st_size > MIGRATE_FILE_MAX) {
        snprintf(err, errlen, "%s: not a regular file of at most %u bytes", path,
                 MIGRATE_FILE_MAX);
        goto out;
    }
    if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    *len = fread(buf, 1, (size_t)sb.st_size, f);
    if (ferror(f) || *len != (size_t)sb.st_size) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[*len] = '\0';
out:
    if (f)
        fclose(f);
    return buf;
}

static int migrate_sha256(const char *data, size_t len, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;

    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return PT_EIO;
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static int migrate_cmp(const void *a, const void *b)
{
    const struct pt_migration *x = a, *y = b;

    return (x->version > y->version) - (x->version < y->version);
}

/* Adds dir/name (a valid migration name) with its checksum to the list. */
static int migrate_add(const char *dir, const char *name, unsigned version,
                       struct pt_migration **list, size_t *n, char *err, size_t errlen)
{
    struct pt_migration *m = realloc(*list, (*n + 1) * sizeof(**list));
    size_t len = 0;
    char *text;

    if (m == NULL) {
        snprintf(err, errlen, "out of memory");
        return PT_ENOMEM;
    }
    *list = m;
    m = &m[*n];
    memset(m, 0, sizeof(*m));
    m->version = version;
    snprintf(m->name, sizeof(m->name), "%.*s", (int)(strlen(name) - 4), name);
    if (asprintf(&m->path, "%s/%s", dir, name) < 0) {
        m->path = NULL;
        snprintf(err, errlen, "out of memory");
        return PT_ENOMEM;
    }
    (*n)++;
    if ((text = migrate_read(m->path, &len, err, errlen)) == NULL)
        return PT_EIO;
    int rc = migrate_sha256(text, len, m->checksum);
    free(text);
    if (rc != 0)
        snprintf(err, errlen, "%s: SHA-256 failed", m->path);
    return rc;
}

int pt_migrate_scan(const char *dir, struct pt_migration **out, size_t *n,
                    char *err, size_t errlen)
{
    struct dirent **ents = NULL;
    int count = scandir(dir, &ents, NULL, alphasort), rc = 0;
    unsigned version;

    *out = NULL;
    *n = 0;
    if (count < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return PT_EIO;
    }
    for (int i = 0; i < count && rc == 0; i++) {
        const char *name = ents[i]->d_name;
        size_t len = strlen(name);

        if (name[0] == '.' || len < 4 || strcmp(name + len - 4, ".sql") != 0)
            continue;                   /* README, editor files: not ours */
        if (!pt_migrate_name_ok(name, &version)) {
            snprintf(err, errlen, "%s/%s: a migration is named NNN_name.sql "
                     "(NNN from 001, name of a-z, 0-9 and _)", dir, name);
            rc = PT_EINVAL;
        } else {
            rc = migrate_add(dir, name, version, out, n, err, errlen);
        }
    }
    for (int i = 0; i < count; i++)
        free(ents[i]);
    free(ents);
    if (rc == 0 && *n > 1) {
        qsort(*out, *n, sizeof(**out), migrate_cmp);
        for (size_t i = 1; i < *n && rc == 0; i++)
            if ((*out)[i].version == (*out)[i - 1].version) {
                snprintf(err, errlen, "%s and %s have the same version", (*out)[i - 1].name,
                         (*out)[i].name);
                rc = PT_EINVAL;
            }
    }
    if (rc != 0) {
        pt_migrate_list_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void pt_migrate_list_free(struct pt_migration *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++)
        free(m[i].path);
    free(m);
}

static const struct pt_migration *migrate_find(const struct pt_migration *files, size_t n,
                                               unsigned version)
{
    for (size_t i = 0; i < n; i++)
        if (files[i].version == version)
            return &files[i];
    return NULL;
}

int pt_migrate_plan(const struct pt_migration *files, size_t n, const json_t *applied,
                    size_t *pending, size_t *n_pending, char *err, size_t errlen)
{
    size_t i;
    json_t *row;

    *n_pending = 0;
    json_array_foreach(applied, i, row) {
        json_int_t v = json_integer_value(json_object_get(row, "version"));
        const char *name = json_string_value(json_object_get(row, "name"));
        const char *sum = json_string_value(json_object_get(row, "checksum"));
        const struct pt_migration *f = migrate_find(files, n, (unsigned)v);

        if (f == NULL) {
            snprintf(err, errlen, "migration %s was applied but its file is gone",
                     name ? name : "?");
            return PT_EINVAL;
        }
        if (sum == NULL || strcmp(sum, f->checksum) != 0) {
            snprintf(err, errlen, "%s.sql changed after it was applied (checksum %.12s…, "
                     "applied %.12s…): write a new migration instead", f->name,
                     f->checksum, sum ? sum : "?");
            return PT_EINVAL;
        }
    }
    for (i = 0; i < n; i++) {
        bool done = false;
        size_t j;
        json_array_foreach(applied, j, row)
            if (json_integer_value(json_object_get(row, "version")) == (json_int_t)files[i].version)
                done = true;
        if (!done)
            pending[(*n_pending)++] = i;
    }
    return 0;
}

/* The applied rows (an empty array before the first migration). */
static int migrate_applied(struct pt_db *db, json_t **rows)
{
    json_t *t;
    int rc = pt_db_select(db, "SELECT COUNT(*) AS n FROM information_schema.TABLES "
                          "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'",
                          PT_NOARGS, &t);

    *rows = NULL;
    if (rc != 0)
        return rc;
    bool exists = json_integer_value(json_object_get(json_array_get(t, 0), "n")) > 0;
    json_decref(t);
    if (!exists)
        return (*rows = json_array()) ? 0 : PT_ENOMEM;
    return pt_db_select(db, "SELECT version, name, checksum FROM schema_migrations "
                        "ORDER BY version", PT_NOARGS, rows);
}

/* files, applied rows and the plan, for check and apply alike. */
struct migrate_state {
    struct pt_migration *files;
    size_t               n, *pending, n_pending;
    json_t              *applied;
};

static void migrate_state_free(struct migrate_state *s)
{
    pt_migrate_list_free(s->files, s->n);
    free(s->pending);
    json_decref(s->applied);
}

static int migrate_load(const struct pt_config *cfg, struct pt_db *db,
                        struct migrate_state *s, char *err, size_t errlen)
{
    int rc = pt_migrate_scan(pt_migrate_dir(cfg), &s->files, &s->n, err, errlen);

    if (rc != 0)
        return rc;
    if ((rc = migrate_applied(db, &s->applied)) != 0) {
        snprintf(err, errlen, "cannot read schema_migrations (%u): see the log",
                 pt_db_last_errno(db));
        return rc;
    }
    if ((s->pending = calloc(s->n ? s->n : 1, sizeof(*s->pending))) == NULL) {
        snprintf(err, errlen, "out of memory");
        return PT_ENOMEM;
    }
    return pt_migrate_plan(s->files, s->n, s->applied, s->pending, &s->n_pending,
                           err, errlen);
}

int pt_migrate_check(const struct pt_config *cfg, char *err, size_t errlen)
{
    struct migrate_state s = { 0 };
    struct pt_db *db = pt_db_new(cfg);
    int rc = PT_EINVAL;

    if (db == NULL) {
        snprintf(err, errlen, "[database] settings are not usable: see the log");
        goto out;
    }
    if ((rc = migrate_load(cfg, db, &s, err, errlen)) != 0 || s.n_pending == 0)
        goto out;
    size_t used = (size_t)snprintf(err, errlen, "%zu pending migration%s:", s.n_pending,
                                   s.n_pending == 1 ? "" : "s");
    for (size_t i = 0; i < s.n_pending && used < errlen; i++)
        used += (size_t)snprintf(err + used, errlen - used, "%s %s", i ? "," : "",
                                 s.files[s.pending[i]].name);
    if (used < errlen)
        snprintf(err + used, errlen - used, " (run portalctl migrate)");
    rc = PT_EINVAL;
out:
    migrate_state_free(&s);
    pt_db_free(db);
    return rc;
}

static int migrate_one(struct pt_db *db, const struct pt_migration *m, FILE *out,
                       char *err, size_t errlen)
{
    char why[512];
    size_t len = 0;
    struct timespec t0, t1;
    char *text = migrate_read(m->path, &len, err, errlen);
    int rc;

    if (text == NULL)
        return PT_EIO;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = pt_db_script(db, text, len, why, sizeof(why));
    free(text);
    if (rc != 0) {
        snprintf(err, errlen, "%s.sql: %s", m->name, why);
        return rc;
    }
    rc = pt_db_run(db, "INSERT INTO schema_migrations (version, name, checksum) "
                   "VALUES (?, ?, ?)", PT_ARGS(PT_ARG_INT(m->version), PT_ARG_STR(m->name),
                   PT_ARG_STR(m->checksum)), NULL, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "%s: applied, but recording it failed: see the log", m->name);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (out)
        fprintf(out, "applied %s (%ld ms)\n", m->name,
                (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
    return 0;
}

int pt_migrate_apply(const struct pt_config *cfg, FILE *out, char *err, size_t errlen)
{
    struct migrate_state s = { 0 };
    struct pt_db *db = pt_db_new_admin(cfg);
    int rc = PT_EINVAL;

    if (db == NULL) {
        snprintf(err, errlen, "[database] admin settings are not usable: see the log");
        goto out;
    }
    rc = pt_db_run(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   " version INT UNSIGNED NOT NULL PRIMARY KEY,"
                   " name VARCHAR(100) NOT NULL,"
                   " checksum CHAR(64) CHARACTER SET ascii NOT NULL,"
                   " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
                   ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
                   PT_NOARGS, NULL, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "cannot create schema_migrations (%u): see the log",
                 pt_db_last_errno(db));
        goto out;
    }
    if ((rc = migrate_load(cfg, db, &s, err, errlen)) != 0)
        goto out;
    for (size_t i = 0; i < s.n_pending && rc == 0; i++)
        rc = migrate_one(db, &s.files[s.pending[i]], out, err, errlen);
    if (rc == 0 && out && s.n_pending == 0)
        fprintf(out, "schema is up to date (%zu migration%s)\n", s.n, s.n == 1 ? "" : "s");
out:
    migrate_state_free(&s);
    pt_db_free(db);
    return rc;
}
