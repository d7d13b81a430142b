/* check_db_bind.c — the parameter binds and the column → JSON conversion of
 * db.c, driven with hand-made MYSQL_FIELD/MYSQL_BIND values (no server). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static MYSQL_FIELD field(enum enum_field_types type, unsigned flags, unsigned long max_length,
                         unsigned charsetnr)
{
    MYSQL_FIELD f;

    memset(&f, 0, sizeof(f));
    f.name = (char *)"c";
    f.type = type;
    f.flags = flags;
    f.max_length = max_length;
    f.charsetnr = charsetnr;
    return f;
}

START_TEST(args_count_until_end)
{
    ck_assert_uint_eq(pt_db_nargs(NULL), 0);
    ck_assert_uint_eq(pt_db_nargs(PT_NOARGS), 0);
    ck_assert_uint_eq(pt_db_nargs(PT_ARGS(PT_ARG_INT(1), PT_ARG_STR("a"), PT_ARG_NULL)), 3);
}
END_TEST

START_TEST(args_bind_with_their_types)
{
    const char *none = NULL;
    const struct pt_db_arg *a = PT_ARGS(PT_ARG_INT(-42), PT_ARG_DOUBLE(2.5),
                                        PT_ARG_STR("héllo"), PT_ARG_BLOB("a\0b", 3),
                                        PT_ARG_NULL, PT_ARG_STR(none));
    MYSQL_BIND b[6];

    memset(b, 0, sizeof(b));
    ck_assert_int_eq(pt_db_bind_args(a, b, 6), 0);
    ck_assert_int_eq(b[0].buffer_type, MYSQL_TYPE_LONGLONG);
    ck_assert_int_eq(*(int64_t *)b[0].buffer, -42);
    ck_assert_int_eq(b[1].buffer_type, MYSQL_TYPE_DOUBLE);
    ck_assert(*(double *)b[1].buffer == 2.5);
    ck_assert_int_eq(b[2].buffer_type, MYSQL_TYPE_STRING);
    ck_assert_uint_eq(b[2].buffer_length, strlen("héllo"));       /* bytes, not characters */
    ck_assert_int_eq(b[3].buffer_type, MYSQL_TYPE_BLOB);
    ck_assert_uint_eq(b[3].buffer_length, 3);                     /* NUL inside is data */
    ck_assert_int_eq(b[4].buffer_type, MYSQL_TYPE_NULL);
    ck_assert_int_eq(b[5].buffer_type, MYSQL_TYPE_NULL);          /* PT_ARG_STR(NULL) */
}
END_TEST

START_TEST(unknown_arg_type_is_refused)
{
    struct pt_db_arg a[2] = { { .type = (enum pt_db_type)99 }, { .type = PT_DB_END } };
    MYSQL_BIND b[1];

    memset(b, 0, sizeof(b));
    ck_assert_int_eq(pt_db_bind_args(a, b, 1), PT_EINVAL);
}
END_TEST

START_TEST(integers_become_json_integers)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_LONG, 0, 0, 63);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    ck_assert_int_eq(c.bind.buffer_type, MYSQL_TYPE_LONGLONG);
    ck_assert_ptr_eq(c.bind.buffer, &c.v.i);
    ck_assert_ptr_eq(c.bind.is_null, &c.is_null);                 /* every column */
    c.v.i = -7;
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert(json_is_integer(j) && json_integer_value(j) == -7);
    json_decref(j);
    pt_db_col_release(&c);
}
END_TEST

START_TEST(unsigned_beyond_int64_becomes_a_string)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_LONGLONG, UNSIGNED_FLAG, 0, 63);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    ck_assert(c.bind.is_unsigned);
    c.v.i = (long long)UINT64_MAX;
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert_str_eq(json_string_value(j), "18446744073709551615");
    json_decref(j);
    c.v.i = 5;
    j = pt_db_col_json(&f, &c);
    ck_assert_int_eq(json_integer_value(j), 5);
    json_decref(j);
}
END_TEST

START_TEST(doubles_become_reals)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_DOUBLE, 0, 0, 63);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    c.v.d = 0.25;
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert(json_is_real(j) && json_real_value(j) == 0.25);
    json_decref(j);
}
END_TEST

START_TEST(decimal_stays_an_exact_string)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_NEWDECIMAL, 0, 6, 63);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    ck_assert_int_eq(c.bind.buffer_type, MYSQL_TYPE_STRING);
    ck_assert_uint_eq(c.cap, 7);                                  /* max_length + 1 */
    memcpy(c.buf, "123.45", 6);
    c.length = 6;
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert_str_eq(json_string_value(j), "123.45");
    json_decref(j);
    pt_db_col_release(&c);
}
END_TEST

START_TEST(datetimes_are_utc_strings)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_DATETIME, 0, 0, 63);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    c.v.t = (MYSQL_TIME){ .year = 2025, .month = 1, .day = 5, .hour = 7, .minute = 8,
                          .second = 9, .time_type = MYSQL_TIMESTAMP_DATETIME };
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert_str_eq(json_string_value(j), "2025-01-05 07:08:09");
    json_decref(j);
    c.v.t.second_part = 120;
    j = pt_db_col_json(&f, &c);
    ck_assert_str_eq(json_string_value(j), "2025-01-05 07:08:09.000120");
    json_decref(j);
    c.v.t = (MYSQL_TIME){ .year = 2025, .month = 12, .day = 31,
                          .time_type = MYSQL_TIMESTAMP_DATE };
    j = pt_db_col_json(&f, &c);
    ck_assert_str_eq(json_string_value(j), "2025-12-31");
    json_decref(j);
    c.v.t = (MYSQL_TIME){ .day = 1, .hour = 2, .minute = 3, .second = 4, .neg = 1,
                          .time_type = MYSQL_TIMESTAMP_TIME };
    j = pt_db_col_json(&f, &c);
    ck_assert_str_eq(json_string_value(j), "-26:03:04");
    json_decref(j);
}
END_TEST

START_TEST(null_is_json_null_whatever_the_type)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_VAR_STRING, 0, 0, 45);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    ck_assert_uint_eq(c.cap, 1);                  /* an empty column still has a buffer */
    c.is_null = 1;
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert(json_is_null(j));
    json_decref(j);
    pt_db_col_release(&c);
}
END_TEST

START_TEST(text_is_a_utf8_string)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_VAR_STRING, 0, 6, 45);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    memcpy(c.buf, "Zoë ☃", 6);
    c.length = 6;
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert_uint_eq(json_string_length(j), 6);
    json_decref(j);
    pt_db_col_release(&c);
}
END_TEST

START_TEST(binary_keeps_its_bytes)
{
    static const char bytes[4] = { '\xff', '\0', 'a', '\x80' };
    MYSQL_FIELD f = field(MYSQL_TYPE_BLOB, BINARY_FLAG, 4, 63);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    memcpy(c.buf, bytes, 4);
    c.length = 4;
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert_ptr_nonnull(j);
    ck_assert_uint_eq(json_string_length(j), 4);
    ck_assert_mem_eq(json_string_value(j), bytes, 4);
    json_decref(j);
    pt_db_col_release(&c);
}
END_TEST

START_TEST(a_truncated_length_never_reads_past_the_buffer)
{
    MYSQL_FIELD f = field(MYSQL_TYPE_VAR_STRING, 0, 3, 45);
    struct pt_db_col c = { 0 };

    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    memcpy(c.buf, "abc", 3);
    c.length = 1000;                   /* what the server had, beyond the buffer */
    json_t *j = pt_db_col_json(&f, &c);
    ck_assert_uint_eq(json_string_length(j), 3);
    json_decref(j);
    /* Binding again with the real length grows the buffer (the re-fetch path). */
    f.max_length = 1000;
    ck_assert_int_eq(pt_db_col_bind(&f, &c), 0);
    ck_assert_uint_ge(c.cap, 1001);
    ck_assert_ptr_eq(c.bind.buffer, c.buf);
    pt_db_col_release(&c);
}
END_TEST

static Suite *db_bind_suite(void)
{
    Suite *s = suite_create("db_bind");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, args_count_until_end);
    tcase_add_test(tc, args_bind_with_their_types);
    tcase_add_test(tc, unknown_arg_type_is_refused);
    tcase_add_test(tc, integers_become_json_integers);
    tcase_add_test(tc, unsigned_beyond_int64_becomes_a_string);
    tcase_add_test(tc, doubles_become_reals);
    tcase_add_test(tc, decimal_stays_an_exact_string);
    tcase_add_test(tc, datetimes_are_utc_strings);
    tcase_add_test(tc, null_is_json_null_whatever_the_type);
    tcase_add_test(tc, text_is_a_utf8_string);
    tcase_add_test(tc, binary_keeps_its_bytes);
    tcase_add_test(tc, a_truncated_length_never_reads_past_the_buffer);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(db_bind_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
