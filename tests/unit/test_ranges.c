// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ranges.h"
#include "test_util.h"

static const uint64_t MAX = UINT64_MAX;

// Compare @set against @n expected [start, end) pairs, printing both on mismatch.
#include "ranges_check.h"


static void test_add_sorts_and_merges(void **state)
{
	(void)state;
	struct kx_ranges s;
	kx_ranges_init(&s);
	assert_int_equal(kx_ranges_count(&s), 0);
	assert_kx_ok(kx_ranges_add(&s, 0x5000, 0x6000));
	assert_kx_ok(kx_ranges_add(&s, 0x1000, 0x2000));
	assert_kx_ok(kx_ranges_add(&s, 0x9000, 0xa000));
	CHECK_SET(&s, R(0x1000, 0x2000), R(0x5000, 0x6000), R(0x9000, 0xa000));
	// Overlapping two existing ranges and the gap between them.
	assert_kx_ok(kx_ranges_add(&s, 0x1800, 0x5800));
	CHECK_SET(&s, R(0x1000, 0x6000), R(0x9000, 0xa000));
	// Contained: no change.
	assert_kx_ok(kx_ranges_add(&s, 0x2000, 0x3000));
	CHECK_SET(&s, R(0x1000, 0x6000), R(0x9000, 0xa000));
	// Swallows everything.
	assert_kx_ok(kx_ranges_add(&s, 0, 0x10000));
	CHECK_SET(&s, R(0, 0x10000));
	assert_int_equal(kx_ranges_total_size(&s), 0x10000);
	kx_ranges_deinit(&s);
	assert_null(s.ranges);
}

static void test_add_merges_adjacent(void **state)
{
	(void)state;
	struct kx_ranges s;
	kx_ranges_init(&s);
	assert_kx_ok(kx_ranges_add(&s, 0x1000, 0x2000));
	assert_kx_ok(kx_ranges_add(&s, 0x3000, 0x4000));
	// Touches both neighbours exactly: one range results.
	assert_kx_ok(kx_ranges_add(&s, 0x2000, 0x3000));
	CHECK_SET(&s, R(0x1000, 0x4000));
	assert_kx_ok(kx_ranges_add(&s, 0x4000, 0x4001));
	assert_kx_ok(kx_ranges_add(&s, 0xfff, 0x1000));
	CHECK_SET(&s, R(0xfff, 0x4001));
	// One byte apart: stays separate.
	assert_kx_ok(kx_ranges_add(&s, 0x4002, 0x5000));
	CHECK_SET(&s, R(0xfff, 0x4001), R(0x4002, 0x5000));
	// Empty ranges are no-ops.
	assert_kx_ok(kx_ranges_add(&s, 0x8000, 0x8000));
	CHECK_SET(&s, R(0xfff, 0x4001), R(0x4002, 0x5000));
	kx_ranges_deinit(&s);
}

static void test_add_many_grows(void **state)
{
	(void)state;
	struct kx_ranges s;
	kx_ranges_init(&s);
	// Descending inserts exercise insertion at index 0 and the growth path.
	for (uint64_t i = 100; i > 0; i--)
		assert_kx_ok(kx_ranges_add(&s, i * 0x10000, i * 0x10000 + 0x1000));
	assert_int_equal(kx_ranges_count(&s), 100);
	assert_int_equal(kx_ranges_at(&s, 0)->start, 0x10000);
	assert_int_equal(kx_ranges_at(&s, 99)->end, 100 * 0x10000 + 0x1000);
	assert_null(kx_ranges_at(&s, 100));
	assert_int_equal(kx_ranges_total_size(&s), 100 * 0x1000);
	kx_ranges_clear(&s);
	assert_int_equal(kx_ranges_count(&s), 0);
	kx_ranges_deinit(&s);
}

static void test_invalid_and_wrap(void **state)
{
	(void)state;
	struct kx_ranges s;
	kx_ranges_init(&s);
	assert_kx_err(kx_ranges_add(&s, 0x2000, 0x1000), KX_ERROR_INVALID_ARG,
		      "start 0x2000 is above its end 0x1000");
	assert_kx_err(kx_ranges_exclude(&s, 2, 1), KX_ERROR_INVALID_ARG, "above its end");
	assert_kx_err(kx_ranges_intersect_range(&s, 2, 1), KX_ERROR_INVALID_ARG, "above");
	assert_kx_err(kx_ranges_add_size(&s, MAX - 0xfff, 0x1001), KX_ERROR_OVERFLOW,
		      "wraps around");
	assert_kx_err(kx_ranges_add_size(&s, 1, MAX), KX_ERROR_OVERFLOW, "wraps");
	assert_int_equal(kx_ranges_count(&s), 0);
	// Exactly reaching UINT64_MAX is fine.
	assert_kx_ok(kx_ranges_add_size(&s, MAX - 0x1000, 0x1000));
	CHECK_SET(&s, R(MAX - 0x1000, MAX));
	struct kx_range r = { 7, 7 };
	assert_kx_err(kx_range_from_size(MAX, 1, &r), KX_ERROR_OVERFLOW, "wraps");
	assert_int_equal(r.start, 7); // untouched on failure
	assert_kx_ok(kx_range_from_size(0x1000, 0x2000, &r));
	assert_int_equal(r.start, 0x1000);
	assert_int_equal(r.end, 0x3000);
	kx_ranges_deinit(&s);
}

static void test_exclude_splits_and_trims(void **state)
{
	(void)state;
	struct kx_ranges s;
	kx_ranges_init(&s);
	assert_kx_ok(kx_ranges_add(&s, 0x1000, 0x9000));
	// Middle: split in two.
	assert_kx_ok(kx_ranges_exclude(&s, 0x3000, 0x4000));
	CHECK_SET(&s, R(0x1000, 0x3000), R(0x4000, 0x9000));
	// Trim both ends; boundaries touching from outside do nothing.
	assert_kx_ok(kx_ranges_exclude(&s, 0x0, 0x1000));
	assert_kx_ok(kx_ranges_exclude(&s, 0x9000, 0xa000));
	CHECK_SET(&s, R(0x1000, 0x3000), R(0x4000, 0x9000));
	assert_kx_ok(kx_ranges_exclude(&s, 0x800, 0x1800));
	assert_kx_ok(kx_ranges_exclude(&s, 0x8800, 0xa000));
	CHECK_SET(&s, R(0x1800, 0x3000), R(0x4000, 0x8800));
	// Spanning the gap: trims the end of one, the start of the next.
	assert_kx_ok(kx_ranges_exclude(&s, 0x2000, 0x5000));
	CHECK_SET(&s, R(0x1800, 0x2000), R(0x5000, 0x8800));
	// Exact range removed; empty exclude is a no-op.
	assert_kx_ok(kx_ranges_exclude(&s, 0x1800, 0x2000));
	assert_kx_ok(kx_ranges_exclude(&s, 0x6000, 0x6000));
	CHECK_SET(&s, R(0x5000, 0x8800));
	// Everything.
	assert_kx_ok(kx_ranges_exclude(&s, 0, MAX));
	assert_int_equal(kx_ranges_count(&s), 0);
	kx_ranges_deinit(&s);
}

static void test_exclude_set_and_union(void **state)
{
	(void)state;
	struct kx_ranges ram, used, copy;
	kx_ranges_init(&ram);
	kx_ranges_init(&used);
	assert_kx_ok(kx_ranges_add(&ram, 0x100000, 0x1000000));
	assert_kx_ok(kx_ranges_add(&ram, 0x2000000, 0x3000000));
	assert_kx_ok(kx_ranges_add(&used, 0x200000, 0x300000));
	assert_kx_ok(kx_ranges_add(&used, 0xf00000, 0x2100000));
	assert_kx_ok(kx_ranges_copy(&ram, &copy));
	assert_kx_ok(kx_ranges_exclude_set(&ram, &used));
	CHECK_SET(&ram, R(0x100000, 0x200000), R(0x300000, 0xf00000),
		  R(0x2100000, 0x3000000));
	// The copy is independent.
	CHECK_SET(&copy, R(0x100000, 0x1000000), R(0x2000000, 0x3000000));
	assert_kx_ok(kx_ranges_add_set(&ram, &used));
	CHECK_SET(&ram, R(0x100000, 0x3000000));
	kx_ranges_deinit(&ram);
	kx_ranges_deinit(&used);
	kx_ranges_deinit(&copy);
}

static void test_intersect(void **state)
{
	(void)state;
	struct kx_ranges a, b;
	kx_ranges_init(&a);
	kx_ranges_init(&b);
	assert_kx_ok(kx_ranges_add(&a, 0x0, 0x1000));
	assert_kx_ok(kx_ranges_add(&a, 0x2000, 0x5000));
	assert_kx_ok(kx_ranges_add(&a, 0x8000, 0x9000));
	assert_kx_ok(kx_ranges_add(&b, 0x800, 0x2800));
	assert_kx_ok(kx_ranges_add(&b, 0x3000, 0x3100));
	assert_kx_ok(kx_ranges_add(&b, 0x4fff, 0x8001));
	assert_kx_ok(kx_ranges_intersect(&a, &b));
	CHECK_SET(&a, R(0x800, 0x1000), R(0x2000, 0x2800), R(0x3000, 0x3100),
		  R(0x4fff, 0x5000), R(0x8000, 0x8001));
	// With a single range; a disjoint window empties the set.
	assert_kx_ok(kx_ranges_intersect_range(&a, 0x900, 0x3080));
	CHECK_SET(&a, R(0x900, 0x1000), R(0x2000, 0x2800), R(0x3000, 0x3080));
	assert_kx_ok(kx_ranges_intersect_range(&a, 0x1000, 0x2000));
	assert_int_equal(kx_ranges_count(&a), 0);
	// With an empty set.
	assert_kx_ok(kx_ranges_add(&a, 0x0, 0x1000));
	kx_ranges_clear(&b);
	assert_kx_ok(kx_ranges_intersect(&a, &b));
	assert_int_equal(kx_ranges_count(&a), 0);
	kx_ranges_deinit(&a);
	kx_ranges_deinit(&b);
}

static void test_contains_overlaps(void **state)
{
	(void)state;
	struct kx_ranges s;
	kx_ranges_init(&s);
	assert_kx_ok(kx_ranges_add(&s, 0x1000, 0x2000));
	assert_kx_ok(kx_ranges_add(&s, 0x3000, 0x4000));
	assert_true(kx_ranges_contains(&s, 0x1000, 0x2000));
	assert_true(kx_ranges_contains(&s, 0x1800, 0x1900));
	assert_false(kx_ranges_contains(&s, 0x1800, 0x3800));
	assert_false(kx_ranges_contains(&s, 0xfff, 0x1001));
	assert_true(kx_ranges_contains(&s, 0x9000, 0x9000));
	assert_true(kx_ranges_overlaps(&s, 0x1fff, 0x3000));
	assert_false(kx_ranges_overlaps(&s, 0x2000, 0x3000));
	assert_false(kx_ranges_overlaps(&s, 0x4000, MAX));
	assert_true(kx_ranges_overlaps(&s, 0, MAX));
	kx_ranges_deinit(&s);
}

static void test_align_inward_outward(void **state)
{
	(void)state;
	struct kx_ranges s;
	kx_ranges_init(&s);
	assert_kx_ok(kx_ranges_add(&s, 0x1001, 0x4fff)); // -> [0x2000, 0x4000)
	assert_kx_ok(kx_ranges_add(&s, 0x5001, 0x5fff)); // no whole page: dropped
	assert_kx_ok(kx_ranges_add(&s, 0x8000, 0x9000)); // already aligned
	assert_kx_ok(kx_ranges_add(&s, MAX - 0x800, MAX)); // start cannot round up
	struct kx_ranges out;
	assert_kx_ok(kx_ranges_copy(&s, &out));
	assert_kx_ok(kx_ranges_align_inward(&s, 0x1000));
	CHECK_SET(&s, R(0x2000, 0x4000), R(0x8000, 0x9000));
	// Outward: [0x1000,0x5000) and [0x5000,0x6000) touch and merge; top clamps.
	assert_kx_ok(kx_ranges_align_outward(&out, 0x1000));
	CHECK_SET(&out, R(0x1000, 0x6000), R(0x8000, 0x9000), R(MAX - 0xfff, MAX));
	assert_kx_err(kx_ranges_align_inward(&s, 0x1800), KX_ERROR_INVALID_ARG,
		      "alignment 0x1800 is not a power of two");
	assert_kx_err(kx_ranges_align_outward(&s, 0), KX_ERROR_INVALID_ARG, "power of two");
	assert_kx_ok(kx_ranges_align_inward(&s, 1));
	CHECK_SET(&s, R(0x2000, 0x4000), R(0x8000, 0x9000));
	kx_ranges_deinit(&s);
	kx_ranges_deinit(&out);
}

static uint64_t hole(const struct kx_ranges *free, uint64_t size, uint64_t align,
		     uint64_t min, uint64_t max, enum kx_hole_fit fit)
{
	struct kx_hole_request req = { size, align, min, max, fit };
	uint64_t base = 0xdeadbeef;
	assert_kx_ok(kx_ranges_find_hole(free, &req, &base));
	return base;
}

static void no_hole(const struct kx_ranges *free, uint64_t size, uint64_t align,
		    uint64_t min, uint64_t max, enum kx_hole_fit fit)
{
	struct kx_hole_request req = { size, align, min, max, fit };
	uint64_t base = 0xdeadbeef;
	assert_kx_err(kx_ranges_find_hole(free, &req, &base), KX_ERROR_NOSPACE,
		      "no free area");
	assert_int_equal(base, 0xdeadbeef);
}

static const enum kx_hole_fit FIRST = KX_HOLE_FIRST_FIT, LAST = KX_HOLE_LAST_FIT;

static void test_hole_first_and_last_fit(void **state)
{
	(void)state;
	struct kx_ranges f;
	kx_ranges_init(&f);
	assert_kx_ok(kx_ranges_add(&f, 0x1000, 0x3000));
	assert_kx_ok(kx_ranges_add(&f, 0x10000, 0x20000));
	assert_kx_ok(kx_ranges_add(&f, 0x40000, 0x48000));
	assert_int_equal(hole(&f, 0x2000, 0x1000, 0, MAX, FIRST), 0x1000);
	assert_int_equal(hole(&f, 0x2000, 0x1000, 0, MAX, LAST), 0x46000);
	// Too big for the first range: skips to the next.
	assert_int_equal(hole(&f, 0x3000, 0x1000, 0, MAX, FIRST), 0x10000);
	// Exactly fits the largest range, both directions.
	assert_int_equal(hole(&f, 0x10000, 0x1000, 0, MAX, FIRST), 0x10000);
	assert_int_equal(hole(&f, 0x10000, 0x1000, 0, MAX, LAST), 0x10000);
	no_hole(&f, 0x10001, 1, 0, MAX, FIRST);
	no_hole(&f, 0x10001, 1, 0, MAX, LAST);
	kx_ranges_deinit(&f);
}

static void test_hole_alignment(void **state)
{
	(void)state;
	struct kx_ranges f;
	kx_ranges_init(&f);
	assert_kx_ok(kx_ranges_add(&f, 0x1000, 0x201000));
	// Aligning the start up leaves 0x1ff000 < 0x200000: pushed past the end.
	no_hole(&f, 0x200000, 0x200000, 0, MAX, FIRST);
	no_hole(&f, 0x200000, 0x200000, 0, MAX, LAST);
	assert_int_equal(hole(&f, 0x1000, 0x200000, 0, MAX, FIRST), 0x200000);
	no_hole(&f, 0x1001, 0x200000, 0, MAX, FIRST);
	// Last fit aligns down from the end.
	assert_int_equal(hole(&f, 0x1000, 0x10000, 0, MAX, LAST), 0x200000);
	assert_int_equal(hole(&f, 0x1001, 0x10000, 0, MAX, LAST), 0x1f0000);
	kx_ranges_deinit(&f);
}

static void test_hole_bounds_clip(void **state)
{
	(void)state;
	struct kx_ranges f;
	kx_ranges_init(&f);
	assert_kx_ok(kx_ranges_add(&f, 0x100000, 0x1000000));
	assert_kx_ok(kx_ranges_add(&f, 0x2000000, 0x4000000));
	// min inside a range.
	assert_int_equal(hole(&f, 0x1000, 0x1000, 0x500800, MAX, FIRST), 0x501000);
	// max inside a range: last fit ends exactly at max.
	assert_int_equal(hole(&f, 0x1000, 0x1000, 0, 0x2800000, LAST), 0x27ff000);
	// Window [min, max) exactly the block.
	assert_int_equal(hole(&f, 0x1000, 0x1000, 0x3000000, 0x3001000, FIRST), 0x3000000);
	assert_int_equal(hole(&f, 0x1000, 0x1000, 0x3000000, 0x3001000, LAST), 0x3000000);
	// Window in the gap between ranges, or too small.
	no_hole(&f, 0x1000, 0x1000, 0x1000000, 0x2000000, FIRST);
	no_hole(&f, 0x1000, 0x1000, 0x3000000, 0x3000fff, LAST);
	no_hole(&f, 0x1000, 0x1000, 0x3000000, 0x3000000, LAST);
	// Crash-kernel-style: a window equal to one range.
	assert_int_equal(hole(&f, 0x1000000, 0x100000, 0x2000000, 0x4000000, LAST),
			 0x3000000);
	kx_ranges_deinit(&f);
}

static void test_hole_top_of_address_space(void **state)
{
	(void)state;
	struct kx_ranges f;
	kx_ranges_init(&f);
	assert_kx_ok(kx_ranges_add(&f, MAX - 0x2fff, MAX));
	// Last fit: hi - size, aligned down, stays inside.
	assert_int_equal(hole(&f, 0x1000, 0x1000, 0, MAX, LAST), MAX - 0x1fff);
	assert_int_equal(hole(&f, 0x1000, 0x1000, 0, MAX, FIRST), MAX - 0x2fff);
	// Alignment would have to round a start past 2^64: no wrap to 0.
	no_hole(&f, 0x1000, 0x10000, 0, MAX, FIRST);
	no_hole(&f, 0x1000, 0x10000, 0, MAX, LAST);
	no_hole(&f, 1, 1ULL << 63, MAX - 10, MAX, FIRST);
	// A block as large as the whole space minus one byte, from 0.
	kx_ranges_clear(&f);
	assert_kx_ok(kx_ranges_add(&f, 0, MAX));
	assert_int_equal(hole(&f, MAX, 1, 0, MAX, FIRST), 0);
	assert_int_equal(hole(&f, MAX, 1, 0, MAX, LAST), 0);
	assert_int_equal(hole(&f, 1ULL << 63, 1ULL << 63, 0, MAX, LAST), 0);
	assert_int_equal(hole(&f, 1ULL << 62, 1ULL << 62, 0, MAX, LAST), 1ULL << 63);
	kx_ranges_deinit(&f);
}

static void test_hole_invalid_args(void **state)
{
	(void)state;
	struct kx_ranges f;
	kx_ranges_init(&f);
	assert_kx_ok(kx_ranges_add(&f, 0, 0x100000));
	uint64_t base = 42;
	struct kx_hole_request req = { 0, 0x1000, 0, MAX, FIRST };
	assert_kx_err(kx_ranges_find_hole(&f, &req, &base), KX_ERROR_INVALID_ARG, "size 0");
	req = (struct kx_hole_request){ 0x1000, 0x3000, 0, MAX, FIRST };
	assert_kx_err(kx_ranges_find_hole(&f, &req, &base), KX_ERROR_INVALID_ARG,
		      "power of two");
	req = (struct kx_hole_request){ 0x1000, 0, 0, MAX, FIRST };
	assert_kx_err(kx_ranges_find_hole(&f, &req, &base), KX_ERROR_INVALID_ARG,
		      "power of two");
	req = (struct kx_hole_request){ 0x1000, 0x1000, 0x2000, 0x1000, LAST };
	assert_kx_err(kx_ranges_find_hole(&f, &req, &base), KX_ERROR_INVALID_ARG,
		      "min 0x2000 > max 0x1000");
	assert_int_equal(base, 42);
	// Empty free set.
	kx_ranges_clear(&f);
	no_hole(&f, 1, 1, 0, MAX, FIRST);
	kx_ranges_deinit(&f);
}

static void test_hole_message(void **state)
{
	(void)state;
	struct kx_ranges f;
	kx_ranges_init(&f);
	struct kx_hole_request req = { 0x2000, 0x1000, 0x1000, 0x9000, FIRST };
	uint64_t base;
	assert_kx_err(kx_ranges_find_hole(&f, &req, &base), KX_ERROR_NOSPACE,
		      "no free area of 0x2000 bytes aligned to 0x1000 in [0x1000, 0x9000)");
	kx_ranges_deinit(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_sorts_and_merges),
		cmocka_unit_test(test_add_merges_adjacent),
		cmocka_unit_test(test_add_many_grows),
		cmocka_unit_test(test_invalid_and_wrap),
		cmocka_unit_test(test_exclude_splits_and_trims),
		cmocka_unit_test(test_exclude_set_and_union),
		cmocka_unit_test(test_intersect),
		cmocka_unit_test(test_contains_overlaps),
		cmocka_unit_test(test_align_inward_outward),
		cmocka_unit_test(test_hole_first_and_last_fit),
		cmocka_unit_test(test_hole_alignment),
		cmocka_unit_test(test_hole_bounds_clip),
		cmocka_unit_test(test_hole_top_of_address_space),
		cmocka_unit_test(test_hole_invalid_args),
		cmocka_unit_test(test_hole_message),
	};
	KX_RUN_TESTS(tests);
}
