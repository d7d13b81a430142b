/*
 * check_arena.c — the per-request arena: strndup semantics (never read
 * past the string: ASan flags the over-read this once had), alignment of
 * allocations and growth past a chunk.
 */
#include "arena.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_strndup_stops_at_the_string_end)
{
    struct pt_arena *a = pt_arena_new(256);
    char *src = malloc(3);              /* exactly "ab" and its NUL: nothing to read past */

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(src);
    memcpy(src, "ab", 3);
    char *copy = pt_arena_strndup(a, src, 100);
    ck_assert_str_eq(copy, "ab");
    ck_assert_str_eq(pt_arena_strndup(a, "abcdef", 3), "abc");
    ck_assert_str_eq(pt_arena_strndup(a, "", 10), "");
    free(src);
    pt_arena_free(a);
}
END_TEST

START_TEST(test_allocations_are_aligned_and_outgrow_a_chunk)
{
    struct pt_arena *a = pt_arena_new(64);

    ck_assert_ptr_nonnull(a);
    for (size_t i = 1; i < 200; i += 7) {
        unsigned char *p = pt_arena_alloc(a, i);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % sizeof(void *), 0);
        memset(p, 0xA5, i);
    }
    char *big = pt_arena_alloc(a, 10000);
    ck_assert_ptr_nonnull(big);
    memset(big, 1, 10000);
    pt_arena_reset(a);
    ck_assert_ptr_nonnull(pt_arena_alloc(a, 32));
    pt_arena_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_strndup_stops_at_the_string_end);
    tcase_add_test(tc, test_allocations_are_aligned_and_outgrow_a_chunk);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
