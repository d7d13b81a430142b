/*
 * check_matrix — the authorization matrix of issue 5, generated from the
 * route table at run time (`portalctl routes`, the modules the stack
 * loaded): every route × every method × every system role × {own
 * organisation, a child, a grandchild, a sibling, the parent, an unrelated
 * branch} → the answer the guard promises, asserted through nginx against
 * the real portald and MariaDB.  A new route is covered without a word
 * here; a route without a catalogued permission, or naming an organisation
 * the guard cannot see, fails the first test.
 *
 * The promise (DESIGN §3.5, fcgi/guard.c), with every organisation
 * consenting to its parent's access:
 *   - the actor's role holds the permission and the target is its own
 *     organisation or below → the handler answers (any status but 401 and
 *     5xx, and no "Access Denied" event for the request);
 *   - below or at home without the permission → 403 and an event;
 *   - sibling, parent, unrelated branch → 404 and an event (no leak);
 *   - routes naming no organisation: allowed iff the role holds the
 *     permission anywhere (PUBLIC and AUTHENTICATED: always).
 * Routes whose permission needs consent (PT_PERM_CONSENT) get three more
 * cases: the actor's own organisation withdraws consent → as before (it is
 * asked below the membership only); the child withdraws it, or the
 * grandchild's parent does → 403 and an event, whatever the role.
 * The guard's denial is told from a handler's own 403/404 by the audit
 * event it writes under the response's X-Request-Id.
 *
 * PT_MATRIX_VERBOSE=1 prints every case (role, relation, method, path,
 * expectation, status, who answered) on stderr.
 *
 * Requests use the API (/api/v1, JSON): unsafe methods send "{}" with the
 * session's CSRF token, so handlers answer with a validation error instead
 * of acting.  Some act without input (sign-out, suspend, consent…): after
 * every unsafe request the world is put back (matrix_world.c), and each
 * actor's unsafe requests come after its safe ones.
 */
#include "auth_client.h"
#include "matrix_db.h"
#include "matrix_routes.h"
#include "matrix_world.h"
#include "portal.h"

#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MATRIX_SHOWN 30     /* mismatches in the failure message (all go to stderr) */

enum expect { EXP_ALLOW, EXP_403, EXP_404, EXP_N };
static const char *const expect_name[EXP_N] = { "allowed", "403", "404" };

struct outcome {
    long status;
    bool from_portald;      /* has an X-Request-Id */
    bool guard;             /* the guard's Access Denied event exists */
    char body[120];         /* the problem's detail (or the body's start), for
                               PT_MATRIX_VERBOSE */
};

struct matrix {
    struct world   w;
    struct mroutes rs;
    json_t        *catalogue;   /* {"users.view": true, …} */
    json_t        *grants;      /* {"msp_admin users.view": true, …} */
    json_t        *consent;     /* {"users.impersonate": true, …}: needs consent */
    long long      first_event; /* audit_events.id before the first request */
    char          *lines;       /* the first MATRIX_SHOWN mismatches */
    size_t         nbad, shown, cases, expected[EXP_N];
    bool           broken;      /* the tree changed under us: stop */
    bool           verbose;     /* PT_MATRIX_VERBOSE: every case on stderr */
};

/* ---- what the database says ----------------------------------------------------- */

static void put_key(char **row, unsigned ncols, void *arg)
{
    char key[300];

    snprintf(key, sizeof(key), "%s%s%s", row[0], ncols > 1 ? " " : "", ncols > 1 ? row[1] : "");
    json_object_set_new(arg, key, json_true());
}

static void matrix_load(struct matrix *m)
{
    memset(m, 0, sizeof(*m));
    mdb_open();
    mroutes_load(&m->rs);
    m->catalogue = json_object();
    m->grants = json_object();
    m->consent = json_object();
    m->verbose = getenv("PT_MATRIX_VERBOSE") != NULL;
    mdb_each(put_key, m->catalogue, "SELECT perm_key FROM permissions");
    mdb_each(put_key, m->grants, "SELECT r.system_key, rp.perm_key FROM role_permissions rp "
             "JOIN roles r ON r.id = rp.role_id WHERE r.system_key IS NOT NULL");
    mdb_each(put_key, m->consent, "SELECT perm_key FROM permissions WHERE needs_consent = 1");
}

static void matrix_free(struct matrix *m)
{
    world_free(&m->w);
    mroutes_free(&m->rs);
    json_decref(m->catalogue);
    json_decref(m->grants);
    json_decref(m->consent);
    free(m->lines);
    mdb_close();
}

__attribute__((format(printf, 2, 3)))
static void report(struct matrix *m, const char *fmt, ...)
{
    char *line = NULL, *all = NULL;
    va_list ap;

    va_start(ap, fmt);
    ck_assert_int_ge(vasprintf(&line, fmt, ap), 0);
    va_end(ap);
    fprintf(stderr, "check_matrix: %s\n", line);
    if (m->shown++ < MATRIX_SHOWN) {
        ck_assert_int_ge(asprintf(&all, "%s\n  %s", m->lines ? m->lines : "", line), 0);
        free(m->lines);
        m->lines = all;
    }
    m->nbad++;
    free(line);
}

/* ---- the route table itself ---------------------------------------------------------- */

static void route_problems(struct matrix *m, const struct mroute *r)
{
    char *type = NULL;

    if (r->permission == NULL || r->permission[0] == '\0') {
        report(m, "route %s (%s) declares no permission", r->pattern, r->module);
        return;
    }
    if (!mroute_open(r) && json_object_get(m->catalogue, r->permission) == NULL)
        report(m, "route %s (%s): permission '%s' is in no module's catalogue", r->pattern,
               r->module, r->permission);
    if (r->org_param && !mroute_has_param(r, r->org_param, &type))
        report(m, "route %s (%s): org_param '%s' is not a parameter of the pattern",
               r->pattern, r->module, r->org_param);
    else if (r->org_param && strcmp(type, "int") != 0)
        report(m, "route %s (%s): org_param '%s' is {%s:%s}, not an id", r->pattern,
               r->module, r->org_param, r->org_param, type);
    free(type);
    /* An {org} the guard does not know about is unscoped: anyone holding the
     * permission somewhere would reach every organisation's page. */
    if (r->org_param == NULL && mroute_has_param(r, "org", NULL) &&
        strcmp(r->permission, PT_PERM_PUBLIC) != 0)
        report(m, "route %s (%s) takes {org} but declares no org_param", r->pattern, r->module);
}

START_TEST(test_every_route_declares_a_catalogued_permission_and_a_real_org_param)
{
    struct matrix m;
    size_t scoped = 0;

    matrix_load(&m);
    ck_assert_uint_gt(m.rs.n, 0);
    for (size_t i = 0; i < m.rs.n; i++) {
        route_problems(&m, &m.rs.r[i]);
        scoped += m.rs.r[i].org_param != NULL;
    }
    ck_assert_msg(m.nbad == 0, "%zu route(s) the guard cannot judge:%s", m.nbad, m.lines);
    /* tokens, audit, users … name organisations: none at all would mean the
     * dump lost org_param, and the matrix below would test no scope. */
    ck_assert_uint_gt(scoped, 0);
    matrix_free(&m);
}
END_TEST

/* ---- one case ------------------------------------------------------------------------ */

static bool unsafe_method(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool holds(const struct matrix *m, const struct mactor *a, const char *permission)
{
    char key[300];

    if (strcmp(permission, PT_PERM_AUTHENTICATED) == 0 ||
        strcmp(a->role_key, "platform_admin") == 0)
        return true;
    snprintf(key, sizeof(key), "%s %s", a->role_key, permission);
    return json_object_get(m->grants, key) != NULL;
}

/* rel < 0: the route names no organisation.  An AUTHENTICATED route that
 * names one is scoped like any other (DESIGN §3.5: the target must lie in
 * the subtree of a membership that grants it; any membership grants it). */
static enum expect expect_of(const struct matrix *m, const struct mactor *a,
                             const struct mroute *r, int rel)
{
    if (strcmp(r->permission, PT_PERM_PUBLIC) == 0)
        return EXP_ALLOW;
    if (rel == REL_CHILD_NC || rel == REL_GRANDCHILD_NC)
        return EXP_403;         /* in the tree, but not to be touched */
    if (rel >= REL_SIBLING && rel != REL_OWN_NC)
        return EXP_404;
    return holds(m, a, r->permission) ? EXP_ALLOW : EXP_403;
}

/* The request id is hex from portald; anything else is not put in SQL. */
static bool guard_denied(const struct matrix *m, const struct mactor *a, const char *id,
                         const char *permission)
{
    if (id[0] == '\0' || strspn(id, "0123456789abcdefABCDEF") != strlen(id))
        return false;
    /* One statement per case on the open connection (~0.2 ms): simpler than
     * batching, and audit_actor (actor_user_id, id) keeps it to the actor's
     * events since the matrix began. */
    char *perm = mdb_str("SELECT JSON_VALUE(metadata, '$.permission') FROM audit_events "
                         "WHERE actor_user_id = %lld AND id > %lld AND request_id = '%s' "
                         "AND category = 'Security' AND action = 'Access Denied' "
                         "AND status = 'Failed' LIMIT 1", a->user, m->first_event, id);
    bool ok = strcmp(perm, permission) == 0;
    free(perm);
    return ok;
}

static void request_case(const struct matrix *m, const struct mactor *a, const char *method,
                         const char *path, const char *permission, struct outcome *o)
{
    char url[2048], ck[128], csrf[128];
    const char *hdrs[5];
    bool unsafe = unsafe_method(method);
    struct http_resp resp;
    int h = 0;

    snprintf(url, sizeof(url), "/api/v1%s", path);
    snprintf(ck, sizeof(ck), "Cookie: pt_session=%s", a->token);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", a->csrf);
    hdrs[h++] = ck;
    hdrs[h++] = "Accept: application/json";
    if (unsafe) {
        hdrs[h++] = "Content-Type: application/json";
        hdrs[h++] = csrf;
    }
    hdrs[h] = NULL;
    ck_assert_int_eq(paced_request(method, url, hdrs, unsafe ? "{}" : NULL, unsafe ? 2 : 0,
                                   &resp), 0);
    char *id = http_header(&resp, "X-Request-Id");
    o->status = resp.status;
    o->from_portald = id != NULL;
    o->guard = id && guard_denied(m, a, id, permission);
    const char *detail = strstr(resp.body, "\"detail\":");
    snprintf(o->body, sizeof(o->body), "%s", detail ? detail : resp.body);
    o->body[strcspn(o->body, "\r\n")] = '\0';
    free(id);
    http_resp_free(&resp);
}

/* 401 is the guard's "sign in" (no event): the actor's session was not
 * recognised.  A PUBLIC route's handler may say 401 itself (/login/2fa
 * without a pending sign-in). */
static bool as_promised(enum expect want, const struct mroute *r, const struct outcome *o)
{
    if (!o->from_portald)
        return false;
    if (want == EXP_ALLOW)
        return !o->guard && o->status < 500 &&
               (o->status != 401 || strcmp(r->permission, PT_PERM_PUBLIC) == 0);
    return o->guard && o->status == (want == EXP_403 ? 403 : 404);
}

static void one_case(struct matrix *m, const struct mactor *a, const struct mroute *r,
                     const char *method, int rel)
{
    const struct morg *t = &m->w.org[a->rel[rel < 0 ? REL_OWN : rel]];
    enum expect want = expect_of(m, a, r, rel);
    char *path = mroute_path(r, t->id, t->user, t->role), *why = NULL;
    struct outcome o;

    if (rel >= 0 && a->withdrawn[rel] >= 0)
        mdb_exec("UPDATE orgs SET allow_parent_access = 0 WHERE id = %lld",
                 m->w.org[a->withdrawn[rel]].id);
    request_case(m, a, method, path, r->permission, &o);
    m->cases++;
    m->expected[want]++;
    if (m->verbose)
        fprintf(stderr, "case %s %s %s %s %s %ld %s %s\n", a->role_key,
                rel < 0 ? "-" : mrel_name[rel], method, path, expect_name[want], o.status,
                o.guard ? "guard" : "handler", o.body);
    if (!as_promised(want, r, &o))
        report(m, "%s %s [%s] %s @ %s: expected %s, got %ld (%s)", method, path,
               r->permission, a->role_key, rel < 0 ? "-" : mrel_name[rel], expect_name[want],
               o.status, !o.from_portald ? "not from portald" : o.guard ? "guard denial"
               : "handler");
    bool touched = unsafe_method(method) || (rel >= 0 && a->withdrawn[rel] >= 0);
    if (touched && !world_restore(&m->w, &why)) {
        report(m, "%s %s as %s: %s; the matrix stops here", method, path, a->role_key, why);
        m->broken = true;
    }
    free(why);
    free(path);
}

/* Every route and method of one kind (safe or unsafe) for one actor. */
static void actor_pass(struct matrix *m, const struct mactor *a, bool unsafe)
{
    for (size_t i = 0; i < m->rs.n && !m->broken; i++) {
        const struct mroute *r = &m->rs.r[i];
        bool needs_consent = json_object_get(m->consent, r->permission) != NULL;
        size_t k;
        json_t *mv;

        json_array_foreach(r->methods, k, mv) {
            const char *method = json_string_value(mv);
            if (m->broken || method == NULL || unsafe_method(method) != unsafe)
                continue;
            if (r->org_param == NULL)
                one_case(m, a, r, method, -1);
            for (int rel = 0; r->org_param && rel < REL_N && !m->broken; rel++)
                if (a->rel[rel] >= 0 && (rel < REL_OWN_NC || needs_consent))
                    one_case(m, a, r, method, rel);
        }
    }
}

START_TEST(test_every_route_answers_every_role_and_relation_as_the_guard_promises)
{
    struct matrix m;
    struct timespec t0, t1;

    matrix_load(&m);
    for (size_t i = 0; i < m.rs.n; i++)
        ck_assert_msg(m.rs.r[i].permission && m.rs.r[i].permission[0],
                      "route %s declares no permission", m.rs.r[i].pattern);
    world_build(&m.w);
    m.first_event = mdb_int("SELECT COALESCE(MAX(id), 0) FROM audit_events");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int a = 0; a < MATRIX_ROLES && !m.broken; a++) {
        actor_pass(&m, &m.w.actor[a], false);
        actor_pass(&m, &m.w.actor[a], true);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "check_matrix: %zu routes, %zu cases (%zu allowed, %zu 403, %zu 404) "
            "in %.1f s, %zu differ\n", m.rs.n, m.cases, m.expected[EXP_ALLOW],
            m.expected[EXP_403], m.expected[EXP_404],
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, m.nbad);
    ck_assert_msg(m.nbad == 0, "%zu of %zu cases differ from the guard's promise "
                  "(first %d; all on stderr):%s", m.nbad, m.cases, MATRIX_SHOWN, m.lines);
    /* A matrix that saw no denial of each kind would prove nothing. */
    for (int e = 0; e < EXP_N; e++)
        ck_assert_msg(m.expected[e] > 0, "no case expected %s", expect_name[e]);
    matrix_free(&m);
}
END_TEST

int main(void)
{
    if (getenv("PT_TEST_BUILDDIR") == NULL || suite_init("check_matrix") != 0)
        return 77;

    Suite *s = suite_create("matrix");
    TCase *tc = tcase_create("authorization matrix");
    tcase_add_test(tc, test_every_route_declares_a_catalogued_permission_and_a_real_org_param);
    tcase_add_test(tc, test_every_route_answers_every_role_and_relation_as_the_guard_promises);
    /* Empty sign-in forms count as failures from 127.0.0.1: leave none behind. */
    tcase_add_checked_fixture(tc, unlock_client_address, unlock_client_address);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
