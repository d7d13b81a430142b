/* check_schedule.c — recurring schedules and retry back-off (jobs.h). */
#include <check.h>
#include <stdlib.h>

#include "jobs.h"
#include "portal.h"

/* 2025-01-15 10:30:00 UTC */
#define T0 1736937000LL
#define DAY 86400LL

START_TEST(every_parses_seconds)
{
    struct pt_schedule_spec s;

    ck_assert_int_eq(pt_schedule_parse("every 60", &s), 0);
    ck_assert_int_eq(s.kind, PT_SCHEDULE_EVERY);
    ck_assert_uint_eq(s.seconds, 60);
    ck_assert_int_eq(pt_schedule_parse("every 1", &s), 0);
    ck_assert_int_eq(pt_schedule_parse("every 2592000", &s), 0);
}
END_TEST

START_TEST(daily_parses_utc_time)
{
    struct pt_schedule_spec s;

    ck_assert_int_eq(pt_schedule_parse("daily 02:00", &s), 0);
    ck_assert_int_eq(s.kind, PT_SCHEDULE_DAILY);
    ck_assert_uint_eq(s.seconds, 2 * 3600);
    ck_assert_int_eq(pt_schedule_parse("daily 23:59", &s), 0);
    ck_assert_uint_eq(s.seconds, 23 * 3600 + 59 * 60);
    ck_assert_int_eq(pt_schedule_parse("daily 00:00", &s), 0);
    ck_assert_uint_eq(s.seconds, 0);
}
END_TEST

START_TEST(malformed_schedules_are_refused)
{
    static const char *bad[] = {
        "", "every", "every ", "every 0", "every -5", "every 5s", "every 05", "every 2592001",
        "every  60", " every 60", "every 60 ", "daily", "daily 2:00", "daily 24:00",
        "daily 12:60", "daily 12:00:00", "daily 12-00", "hourly", "Daily 02:00",
        "every 99999999",
    };
    struct pt_schedule_spec s;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(pt_schedule_parse(bad[i], &s) == PT_EINVAL, "accepted '%s'", bad[i]);
    ck_assert_int_eq(pt_schedule_parse(NULL, &s), PT_EINVAL);
}
END_TEST

START_TEST(every_runs_interval_after_now)
{
    struct pt_schedule_spec s = { PT_SCHEDULE_EVERY, 300 };

    ck_assert_int_eq(pt_schedule_next(&s, T0), T0 + 300);
}
END_TEST

START_TEST(daily_later_today_or_tomorrow)
{
    struct pt_schedule_spec s;
    int64_t midnight = T0 - (10 * 3600 + 30 * 60);

    pt_schedule_parse("daily 02:00", &s);           /* 10:30 now: tomorrow 02:00 */
    ck_assert_int_eq(pt_schedule_next(&s, T0), midnight + DAY + 2 * 3600);
    pt_schedule_parse("daily 12:15", &s);           /* later today */
    ck_assert_int_eq(pt_schedule_next(&s, T0), midnight + 12 * 3600 + 15 * 60);
}
END_TEST

START_TEST(daily_at_the_exact_time_means_tomorrow)
{
    struct pt_schedule_spec s;

    pt_schedule_parse("daily 10:30", &s);
    ck_assert_int_eq(pt_schedule_next(&s, T0), T0 + DAY);
    ck_assert_int_eq(pt_schedule_next(&s, T0 - 1), T0);
}
END_TEST

START_TEST(daily_across_month_and_year_end)
{
    struct pt_schedule_spec s;
    int64_t nye = 1735689599LL;                      /* 2024-12-31 23:59:59 UTC */

    pt_schedule_parse("daily 00:00", &s);
    ck_assert_int_eq(pt_schedule_next(&s, nye), nye + 1);     /* 2025-01-01 00:00 */
    pt_schedule_parse("daily 23:59", &s);
    ck_assert_int_eq(pt_schedule_next(&s, nye), nye + DAY - 59);
}
END_TEST

START_TEST(backoff_doubles_and_caps)
{
    ck_assert_uint_eq(pt_jobs_backoff(30, 1, 3600), 30);
    ck_assert_uint_eq(pt_jobs_backoff(30, 2, 3600), 60);
    ck_assert_uint_eq(pt_jobs_backoff(30, 3, 3600), 120);
    ck_assert_uint_eq(pt_jobs_backoff(30, 7, 3600), 1920);
    ck_assert_uint_eq(pt_jobs_backoff(30, 8, 3600), 3600);
    ck_assert_uint_eq(pt_jobs_backoff(30, 1000, 3600), 3600);
    ck_assert_uint_eq(pt_jobs_backoff(30, 0, 3600), 30);
}
END_TEST

static Suite *schedule_suite(void)
{
    Suite *s = suite_create("schedule");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, every_parses_seconds);
    tcase_add_test(tc, daily_parses_utc_time);
    tcase_add_test(tc, malformed_schedules_are_refused);
    tcase_add_test(tc, every_runs_interval_after_now);
    tcase_add_test(tc, daily_later_today_or_tomorrow);
    tcase_add_test(tc, daily_at_the_exact_time_means_tomorrow);
    tcase_add_test(tc, daily_across_month_and_year_end);
    tcase_add_test(tc, backoff_doubles_and_caps);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(schedule_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
