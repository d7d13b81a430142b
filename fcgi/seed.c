/*
 * seed.c — the platform organisation, system roles and the demo data set
 * (see seed.h).  Bulk rows go in 1,000 per multi-row INSERT: the statement
 * text is built from placeholders only ("(?, ?), (?, ?) …"), never from the
 * values, which are bound like everywhere else.
 */
#include "seed.h"

#include "arena.h"
#include "pt_config.h"
#include "db.h"
#include "portal.h"
#include "request.h"
#include "worker.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEED_BATCH 1000
#define SEED_KINDS 3           /* distributor, partner, customer */

/* The row of seed_roles' table for an organisation kind. */
static int seed_kind(const char *kind)
{
    return strcmp(kind, "distributor") == 0 ? 0 : strcmp(kind, "partner") == 0 ? 1 : 2;
}

int pt_seed_platform(struct pt_req *r, const char *name, int64_t *id)
{
    json_t *row;
    uint64_t new_id;
    int rc = pt_db_query_one(r, "SELECT id FROM orgs WHERE kind = 'platform' ORDER BY id "
                             "LIMIT 1", PT_NOARGS, &row);

    if (rc == 0) {
        *id = json_integer_value(json_object_get(row, "id"));
        return 0;
    }
    if (rc != PT_ENOTFOUND)
        return rc;
    rc = pt_db_exec(r, "INSERT INTO orgs (kind, name, slug) VALUES ('platform', ?, 'platform')",
                    PT_ARGS(PT_ARG_STR(name)), NULL, &new_id);
    if (rc != 0)
        return rc;
    *id = (int64_t)new_id;
    return pt_db_exec(r, "INSERT INTO org_closure (ancestor, descendant, depth) "
                      "VALUES (?, ?, 0)", PT_ARGS(PT_ARG_INT(*id), PT_ARG_INT(*id)), NULL, NULL);
}

int pt_seed_system_role(struct pt_req *r, const char *key, const char *name,
                        const char *description, int64_t *id)
{
    uint64_t v = 0;
    int rc = pt_db_exec(r, "INSERT INTO roles (system_key, name, description, is_system) "
                        "VALUES (?, ?, ?, 1) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
                        PT_ARGS(PT_ARG_STR(key), PT_ARG_STR(name), PT_ARG_STR(description)),
                        NULL, &v);

    *id = (int64_t)v;
    return rc;
}

/* ---- the plan: every demo organisation, parents before children -------- */

struct seed_org {
    char        name[80], slug[72];
    const char *kind;
    long        parent;           /* index of the parent; -1: the platform */
    int         users;
    int         allow_parent_access;
    int64_t     id;
};

struct seed_plan {
    struct seed_org *orgs;
    size_t           n, cap;
    int64_t          platform_id;
    int64_t          role[SEED_KINDS][2];     /* [kind][0: administrator, 1: staff] */
    uint64_t         added_orgs, added_users, added_members;
};

static const char *const seed_first[] = {
    "Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kara", "Liam", "Maya", "Noah", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wen", "Yusuf",
};
static const char *const seed_last[] = {
    "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen",
    "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Silva", "Tanaka",
    "Weber", "Young",
};
static const char *const seed_customers[] = {
    "Contoso Dental", "Fabrikam Logistics", "Litware Legal", "Tailspin Travel",
    "Wingtip Toys", "Adatum Clinics", "Proseware Media", "Lamna Healthcare",
    "Woodgrove Bakery", "Coho Winery", "Alpine Ski House", "Fourth Coffee",
};
static const char *const seed_words[] = {
    "Alpine", "Harbor", "Summit", "Cedar", "Granite", "Meadow", "Silver", "Northern",
    "Coastal", "Maple", "Iron", "Crystal", "Sunrise", "Valley", "Willow", "Copper",
};
static const char *const seed_trades[] = {
    "Dental", "Logistics", "Legal", "Travel", "Bakery", "Clinics", "Media", "Motors",
    "Farms", "Studios", "Builders", "Pharmacy", "Hotels", "Accounting", "Robotics",
    "Brewing", "Insurance", "Schools", "Printing", "Energy",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void seed_slugify(const char *name, char *slug, size_t len)
{
    size_t o = snprintf(slug, len, "demo-");

    for (const char *p = name; *p && o + 1 < len; p++) {
        if (isalnum((unsigned char)*p))
            slug[o++] = (char)tolower((unsigned char)*p);
        else if (o > 0 && slug[o - 1] != '-')
            slug[o++] = '-';
    }
    while (o > 0 && slug[o - 1] == '-')
        o--;
    slug[o] = '\0';
}

static struct seed_org *seed_add(struct seed_plan *p, const char *kind, long parent,
                                 int users, const char *name)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        struct seed_org *o = realloc(p->orgs, cap * sizeof(*o));
        if (o == NULL)
            return NULL;
        p->orgs = o;
        p->cap = cap;
    }
    struct seed_org *o = &p->orgs[p->n++];
    memset(o, 0, sizeof(*o));
    o->kind = kind;
    o->parent = parent;
    o->users = users;
    o->allow_parent_access = p->n % 5 != 0;     /* one in five withdrew consent */
    snprintf(o->name, sizeof(o->name), "%s", name);
    seed_slugify(name, o->slug, sizeof(o->slug));
    return o;
}

/* Distributors, then partners, then customers: each level after its parents. */
static int seed_plan_build(struct seed_plan *p, bool large)
{
    static const char *const partners[] = { "Acme IT Services", "Blue Harbor MSP" };
    char name[80];
    size_t nd = large ? 2 : 1, np = large ? 20 : 2, nc = large ? 1000 : 12;

    for (size_t i = 0; i < nd; i++) {
        snprintf(name, sizeof(name), "%s", i == 0 ? "Northwind Distribution"
                                                  : "Southridge Channel");
        if (!seed_add(p, "distributor", -1, large ? 3 : 2, name))
            return PT_ENOMEM;
    }
    for (size_t i = 0; i < np; i++) {
        if (large)
            snprintf(name, sizeof(name), "%s %s Partners %02zu", seed_words[i % NELEM(seed_words)],
                     seed_trades[(i * 3) % NELEM(seed_trades)], i + 1);
        else
            snprintf(name, sizeof(name), "%s", partners[i]);
        if (!seed_add(p, "partner", (long)(i * nd / np), large ? 5 : 3, name))
            return PT_ENOMEM;
    }
    for (size_t i = 0; i < nc; i++) {
        if (large)
            snprintf(name, sizeof(name), "%s %s %04zu", seed_words[i % NELEM(seed_words)],
                     seed_trades[(i / NELEM(seed_words)) % NELEM(seed_trades)], i + 1);
        else
            snprintf(name, sizeof(name), "%s", seed_customers[i]);
        if (!seed_add(p, "customer", (long)(nd + i * np / nc), large ? 20 : 2 + (int)(i % 3),
                      name))
            return PT_ENOMEM;
    }
    return 0;
}

/* ---- bulk statements ---------------------------------------------------- */

/* head + n × tuple (comma separated) + tail, in the arena. */
static char *seed_sql(struct pt_req *r, const char *head, const char *tuple, size_t n,
                      const char *tail)
{
    size_t hl = strlen(head), tl = strlen(tuple), len = hl + n * (tl + 2) + strlen(tail) + 1;
    char *s = pt_alloc(r, len), *p;

    if (s == NULL)
        return NULL;
    memcpy(s, head, hl);
    p = s + hl;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
            *p++ = ' ';
        }
        memcpy(p, tuple, tl);
        p += tl;
    }
    strcpy(p, tail);
    return s;
}

static struct pt_db_arg *seed_args(struct pt_req *r, size_t n)
{
    struct pt_db_arg *a = pt_alloc(r, (n + 1) * sizeof(*a));

    if (a)
        a[n] = (struct pt_db_arg){ .type = PT_DB_END };
    return a;
}

/* Orgs [from, to): insert, then read back their ids by slug. */
static int seed_orgs_batch(struct pt_req *r, struct seed_plan *p, size_t from, size_t to)
{
    size_t n = to - from;
    struct pt_db_arg *a = seed_args(r, n * 5), *s = seed_args(r, n);
    uint64_t added = 0;
    json_t *rows, *row;
    size_t i;

    if (a == NULL || s == NULL)
        return PT_ENOMEM;
    for (i = 0; i < n; i++) {
        struct seed_org *o = &p->orgs[from + i];
        int64_t parent = o->parent < 0 ? p->platform_id : p->orgs[o->parent].id;
        a[i * 5] = PT_ARG_INT(parent);
        a[i * 5 + 1] = PT_ARG_STR(o->kind);
        a[i * 5 + 2] = PT_ARG_STR(o->name);
        a[i * 5 + 3] = PT_ARG_STR(o->slug);
        a[i * 5 + 4] = PT_ARG_INT(o->allow_parent_access);
        s[i] = PT_ARG_STR(o->slug);
    }
    char *ins = seed_sql(r, "INSERT INTO orgs (parent_id, kind, name, slug, allow_parent_access) "
                         "VALUES ", "(?, ?, ?, ?, ?)", n, " ON DUPLICATE KEY UPDATE id = id");
    char *sel = seed_sql(r, "SELECT id, slug FROM orgs WHERE slug IN (", "?", n, ")");
    int rc = ins && sel ? pt_db_exec(r, ins, a, &added, NULL) : PT_ENOMEM;
    if (rc == 0)
        rc = pt_db_query(r, sel, s, &rows);
    if (rc != 0)
        return rc;
    p->added_orgs += added;
    json_array_foreach(rows, i, row) {
        const char *slug = json_string_value(json_object_get(row, "slug"));
        for (size_t j = from; slug && j < to; j++)
            if (strcmp(p->orgs[j].slug, slug) == 0)
                p->orgs[j].id = json_integer_value(json_object_get(row, "id"));
    }
    for (i = from; i < to; i++)
        if (p->orgs[i].id == 0) {
            pt_log_error("%s: slug %s is taken by an organisation of another kind", __func__,
                         p->orgs[i].slug);
            return PT_EEXIST;
        }
    return 0;
}

/* Closure rows of every child of parent: its own row at depth 0, and one
 * per ancestor of the parent (the parent's rows already exist). */
static int seed_closure(struct pt_req *r, int64_t parent)
{
    int rc = pt_db_exec(r, "INSERT INTO org_closure (ancestor, descendant, depth) "
                        "SELECT c.ancestor, o.id, c.depth + 1 FROM orgs o "
                        "JOIN org_closure c ON c.descendant = o.parent_id "
                        "WHERE o.parent_id = ? ON DUPLICATE KEY UPDATE depth = VALUES(depth)",
                        PT_ARGS(PT_ARG_INT(parent)), NULL, NULL);

    if (rc == 0)
        rc = pt_db_exec(r, "INSERT INTO org_closure (ancestor, descendant, depth) "
                        "SELECT id, id, 0 FROM orgs WHERE parent_id = ? "
                        "ON DUPLICATE KEY UPDATE depth = 0", PT_ARGS(PT_ARG_INT(parent)),
                        NULL, NULL);
    return rc;
}

static int seed_orgs(struct pt_worker *w, struct seed_plan *p)
{
    struct pt_req r;
    int rc = 0;

    for (size_t from = 0; from < p->n && rc == 0;) {
        /* A batch stays inside one level, so every parent id is known. */
        size_t to = from;
        while (to < p->n && to - from < SEED_BATCH && p->orgs[to].kind == p->orgs[from].kind)
            to++;
        pt_req_init_job(&r, w);
        rc = seed_orgs_batch(&r, p, from, to);
        for (size_t i = from; rc == 0 && i < to; i++)
            if (i == from || p->orgs[i].parent != p->orgs[i - 1].parent)
                rc = seed_closure(&r, p->orgs[i].parent < 0 ? p->platform_id
                                                            : p->orgs[p->orgs[i].parent].id);
        pt_arena_reset(w->arena);
        from = to;
    }
    return rc;
}

/* ---- users and memberships ---------------------------------------------- */

/* The j-th demo user of organisation i: first names differ for j < 24, so
 * the addresses of one organisation never collide. */
static void seed_user(const struct seed_org *o, size_t i, size_t j, char *email, size_t elen,
                      char *name, size_t nlen)
{
    const char *first = seed_first[(i + j) % NELEM(seed_first)];
    const char *last = seed_last[(i * 7 + j * 3) % NELEM(seed_last)];
    size_t n;

    snprintf(name, nlen, "%s %s", first, last);
    n = (size_t)snprintf(email, elen, "%s.%s@%s.example", first, last, o->slug + 5);
    for (size_t k = 0; k < n && k < elen; k++)
        email[k] = (char)tolower((unsigned char)email[k]);
}

struct seed_batch {
    size_t n;
    char   email[SEED_BATCH][96], name[SEED_BATCH][48];
    size_t org[SEED_BATCH];
    bool   admin[SEED_BATCH];
};

static int seed_members(struct pt_req *r, struct seed_plan *p, const struct seed_batch *b,
                        json_t *ids)
{
    struct pt_db_arg *a = seed_args(r, b->n * 3);
    size_t n = 0;
    uint64_t added = 0;
    json_t *row;
    size_t i;

    if (a == NULL)
        return PT_ENOMEM;
    json_array_foreach(ids, i, row) {
        const char *email = json_string_value(json_object_get(row, "email"));
        for (size_t k = 0; email && k < b->n; k++)
            if (strcmp(b->email[k], email) == 0) {
                a[n * 3] = PT_ARG_INT(json_integer_value(json_object_get(row, "id")));
                a[n * 3 + 1] = PT_ARG_INT(p->orgs[b->org[k]].id);
                a[n * 3 + 2] = PT_ARG_INT(p->role[seed_kind(p->orgs[b->org[k]].kind)]
                                                 [b->admin[k] ? 0 : 1]);
                n++;
                break;
            }
    }
    a[n * 3] = (struct pt_db_arg){ .type = PT_DB_END };
    char *ins = seed_sql(r, "INSERT INTO memberships (user_id, org_id, role_id) VALUES ",
                         "(?, ?, ?)", n, " ON DUPLICATE KEY UPDATE role_id = role_id");
    int rc = ins == NULL ? PT_ENOMEM : n == 0 ? 0 : pt_db_exec(r, ins, a, &added, NULL);
    p->added_members += added;
    return rc;
}

static int seed_users_batch(struct pt_req *r, struct seed_plan *p, const struct seed_batch *b)
{
    struct pt_db_arg *a = seed_args(r, b->n * 2), *e = seed_args(r, b->n);
    uint64_t added = 0;
    json_t *ids;

    if (a == NULL || e == NULL)
        return PT_ENOMEM;
    for (size_t i = 0; i < b->n; i++) {
        a[i * 2] = PT_ARG_STR(b->email[i]);
        a[i * 2 + 1] = PT_ARG_STR(b->name[i]);
        e[i] = PT_ARG_STR(b->email[i]);
    }
    /* Demo users get no password: they would use "forgot password". */
    char *ins = seed_sql(r, "INSERT INTO users (email, full_name) VALUES ", "(?, ?)", b->n,
                         " ON DUPLICATE KEY UPDATE id = id");
    char *sel = seed_sql(r, "SELECT id, email FROM users WHERE email IN (", "?", b->n, ")");
    int rc = ins && sel ? pt_db_exec(r, ins, a, &added, NULL) : PT_ENOMEM;
    if (rc == 0)
        rc = pt_db_query(r, sel, e, &ids);
    if (rc == 0)
        rc = seed_members(r, p, b, ids);
    p->added_users += added;
    return rc;
}

static int seed_users(struct pt_worker *w, struct seed_plan *p)
{
    struct seed_batch *b = calloc(1, sizeof(*b));
    struct pt_req r;
    int rc = 0;

    if (b == NULL)
        return PT_ENOMEM;
    for (size_t i = 0; i < p->n && rc == 0; i++)
        for (size_t j = 0; j < (size_t)p->orgs[i].users && rc == 0; j++) {
            seed_user(&p->orgs[i], i, j, b->email[b->n], sizeof(b->email[0]), b->name[b->n],
                      sizeof(b->name[0]));
            b->org[b->n] = i;
            b->admin[b->n] = j == 0;          /* the first user runs the organisation */
            bool last = i + 1 == p->n && j + 1 == (size_t)p->orgs[i].users;
            if (++b->n == SEED_BATCH || last) {
                pt_req_init_job(&r, w);
                rc = seed_users_batch(&r, p, b);
                pt_arena_reset(w->arena);
                b->n = 0;
            }
        }
    free(b);
    return rc;
}

/* ---- seed-demo ---------------------------------------------------------- */

/* The system roles come from sql/005_tenancy.sql: an organisation's first
 * user is its administrator, the others its staff, by its kind. */
static int seed_role_id(struct pt_req *r, const char *key, int64_t *id)
{
    json_t *row;
    int rc = pt_db_query_one(r, "SELECT id FROM roles WHERE system_key = ?",
                             PT_ARGS(PT_ARG_STR(key)), &row);

    if (rc == PT_ENOTFOUND)
        pt_log_error("%s: the system role %s is missing: run portalctl migrate", __func__, key);
    if (rc == 0)
        *id = json_integer_value(json_object_get(row, "id"));
    return rc;
}

static int seed_roles(struct pt_worker *w, struct seed_plan *p)
{
    static const char *const keys[SEED_KINDS][2] = {
        { PT_ROLE_DISTRIBUTOR_ADMIN, PT_ROLE_MSP_USER },
        { PT_ROLE_MSP_ADMIN, PT_ROLE_MSP_USER },
        { PT_ROLE_CUSTOMER_ADMIN, PT_ROLE_CUSTOMER_USER },
    };
    struct pt_req r;
    int rc;

    pt_req_init_job(&r, w);
    rc = pt_seed_platform(&r, w->cfg->platform_name, &p->platform_id);
    for (int k = 0; rc == 0 && k < SEED_KINDS; k++)
        for (int j = 0; rc == 0 && j < 2; j++)
            rc = seed_role_id(&r, keys[k][j], &p->role[k][j]);
    pt_arena_reset(w->arena);
    return rc;
}

/* A few of the demo users, to try the sign-in pages with. */
static void seed_print_logins(const struct seed_plan *p, FILE *out)
{
    char email[96], name[48];

    fprintf(out, "demo users have no password yet: use \"Forgot password\" with, e.g.:\n");
    for (size_t i = 0; i < p->n && i < 5; i++) {
        seed_user(&p->orgs[i], i, 0, email, sizeof(email), name, sizeof(name));
        fprintf(out, "  %-48s %s administrator\n", email, p->orgs[i].name);
    }
}

int pt_seed_demo(struct pt_worker *w, bool large, FILE *out)
{
    struct seed_plan p = { 0 };
    struct timespec t0, t1;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((rc = seed_plan_build(&p, large)) != 0 || (rc = seed_roles(w, &p)) != 0 ||
        (rc = seed_orgs(w, &p)) != 0 || (rc = seed_users(w, &p)) != 0) {
        fprintf(out, "seed-demo failed (%d): see the messages above\n", rc);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (p.added_orgs + p.added_users + p.added_members == 0)
        fprintf(out, "demo data (%s) already present: nothing added (%.1f s)\n",
                large ? "large" : "small", secs);
    else
        fprintf(out, "demo data (%s): added %llu organisations, %llu users, "
                "%llu memberships in %.1f s\n", large ? "large" : "small",
                (unsigned long long)p.added_orgs, (unsigned long long)p.added_users,
                (unsigned long long)p.added_members, secs);
    seed_print_logins(&p, out);
out:
    free(p.orgs);
    return rc;
}
