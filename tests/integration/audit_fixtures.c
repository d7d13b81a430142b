/* audit_fixtures.c — see audit_fixtures.h. */
#include "audit_fixtures.h"

#include <check.h>
#include "portal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* x as an SQL literal ('…' with quotes and backslashes doubled), malloc'd. */
static char *lit(const char *x)
{
    char *out = malloc(2 * strlen(x) + 3), *o = out;

    *o++ = '\'';
    for (const char *p = x; *p; p++) {
        if (*p == '\'' || *p == '\\')
            *o++ = *p;
        *o++ = *p;
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

static void id_or_null(char *buf, size_t n, long long v)
{
    if (v > 0)
        snprintf(buf, n, "%lld", v);
    else
        snprintf(buf, n, "NULL");
}

static char *when(const char *created)
{
    return created[0] == '(' ? strdup(created) : lit(created);
}

long long plant(long long org, long long actor, long long subject, long long imp,
                const char *category, const char *action, const char *status,
                const char *desc, const char *created)
{
    char o[24], a[24], s[24], i[24];
    char *d = lit(desc), *c = when(created);

    id_or_null(o, sizeof(o), org);
    id_or_null(a, sizeof(a), actor);
    id_or_null(s, sizeof(s), subject);
    id_or_null(i, sizeof(i), imp);
    char *v = sql("INSERT INTO audit_events (org_id, actor_user_id, subject_user_id, "
                  "impersonator_id, category, action, status, resource_type, resource_name, "
                  "description, ip, user_agent, request_id, metadata, created) VALUES (%s, %s, "
                  "%s, %s, '%s', '%s', '%s', 'Thing', 'thing', %s, '198.51.100.4', "
                  "'PlantAgent/1.0', NULL, '{\"k\":\"v\"}', %s); SELECT LAST_INSERT_ID()",
                  o, a, s, i, category, action, status, d, c);
    long long id = strtoll(v, NULL, 10);

    free(v);
    free(d);
    free(c);
    ck_assert_int_gt(id, 0);
    return id;
}

void plant_many(long long org, int n, const char *tag, const char *created)
{
    char o[24], *c = when(created), *t = lit(tag);

    id_or_null(o, sizeof(o), org);
    free(sql("INSERT INTO audit_events (org_id, category, action, status, description, "
             "created) SELECT %s, 'Users', 'Bulk', 'Success', CONCAT(%s, ' ', seq), %s "
             "FROM seq_1_to_%d ORDER BY seq", o, t, c, n));
    free(c);
    free(t);
}

void session_as(struct browser *b, long long user)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char rnd[86];
    char token[44], csrf[44];

    /* Not random(): every forked test starts from the same seed. */
    ck_assert_int_eq(pt_random_bytes(rnd, sizeof(rnd)), 0);
    for (int i = 0; i < 43; i++) {
        token[i] = abc[rnd[i] % 62];
        csrf[i] = abc[rnd[43 + i] % 62];
    }
    token[43] = csrf[43] = '\0';
    free(sql("INSERT INTO sessions (token_hash, user_id, csrf_token, expires) VALUES "
             "(SHA2('%s', 256), %lld, '%s', UTC_TIMESTAMP() + INTERVAL 1 HOUR)",
             token, user, csrf));
    cookie_set(b, "pt_session", strlen("pt_session"), token, strlen(token), false);
    snprintf(b->csrf, sizeof(b->csrf), "%s", csrf);
}

json_t *api(struct browser *b, const char *method, long want, const char *body,
            const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    json_t *v = api_json_v(b, method, want, body, true, fmt, ap);
    va_end(ap);
    return v;
}

char *ids_csv(json_t *array)
{
    size_t cap = 64 + 24 * json_array_size(array), i;
    char *out = calloc(1, cap);
    json_t *e;

    json_array_foreach(array, i, e)
        snprintf(out + strlen(out), cap - strlen(out), "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(e, "id")));
    return out;
}
