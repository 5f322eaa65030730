// SPDX-License-Identifier: GPL-2.0-only
// --split planning: splitblock counts from bitmap windows that do not line
// up with splitblocks, and the ranges upstream makedumpfile 1.7.2 chooses
// (the first case is a real run of Debian's makedumpfile on the synthetic
// x86_64-6.1 vmcore with --splitblock-size 4096).
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bitmap.h"
#include "split.h"
#include "test_util.h"

// Count a 2nd bitmap whose splitblock b has counts[b] pages set (from the
// start of the block), through windows of @window pfns.
static void count_blocks(struct kx_split_plan *plan, const uint64_t *counts, size_t nr,
			 uint64_t window)
{
	struct kx_bitmap bm;
	assert_kx_ok(kx_bitmap_init(&bm, window));
	for (uint64_t start = 0; start < plan->max_mapnr; start += window) {
		uint64_t len = plan->max_mapnr - start < window ? plan->max_mapnr - start : window;
		kx_bitmap_reset(&bm, start, len);
		for (size_t b = 0; b < nr; b++) {
			uint64_t first = b * plan->block_pfns;
			kx_bitmap_set_range(&bm, first, first + counts[b]);
		}
		kx_split_plan_count(plan, &bm);
	}
	kx_bitmap_deinit(&bm);
}

static void test_upstream_boundaries(void **state)
{
	(void)state;
	static const uint64_t counts[16] = { 926, 1024, 1024, 1024, 1024, 1024, 1024, 1024,
					     472, 505, 752, 0, 1024, 1024, 1024, 1024 };
	struct kx_split_plan plan;
	assert_kx_ok(kx_split_plan_init(&plan, 0x4000, 4096 * 1024, 4096));
	assert_int_equal(plan.block_pfns, 1024);
	assert_int_equal(plan.nr_blocks, 16);
	count_blocks(&plan, counts, 16, 1000); // windows straddle splitblocks
	for (size_t b = 0; b < 16; b++)
		assert_int_equal(plan.counts[b], counts[b]);
	struct kx_split_range r[3];
	kx_split_plan_ranges(&plan, 13919, 3, r);
	// 13919 / 3 = 4639: 926 + 3*1024 < 4639 <= + 1024, and so on.
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 0x1400);
	assert_int_equal(r[0].pages, 5022);
	assert_int_equal(r[1].start, 0x1400);
	assert_int_equal(r[1].end, 0x2c00);
	assert_int_equal(r[1].pages, 4801);
	assert_int_equal(r[2].start, 0x2c00);
	assert_int_equal(r[2].end, 0x4000);
	assert_int_equal(r[2].pages, 4096);
	kx_split_plan_deinit(&plan);
}

// One splitblock larger than memory: the first file takes everything, the
// others are empty at max_mapnr (as upstream's files are); a last block
// shorter than the others ends at max_mapnr.
static void test_few_blocks(void **state)
{
	(void)state;
	struct kx_split_plan plan;
	assert_kx_ok(kx_split_plan_init(&plan, 1000, 0, 4096));
	assert_int_equal(plan.nr_blocks, 1);
	static const uint64_t all[1] = { 600 };
	count_blocks(&plan, all, 1, 1000);
	struct kx_split_range r[3];
	kx_split_plan_ranges(&plan, 600, 3, r);
	assert_int_equal(r[0].end, 1000);
	assert_int_equal(r[0].pages, 600);
	assert_int_equal(r[1].start, 1000);
	assert_int_equal(r[1].end, 1000);
	assert_int_equal(r[2].start, 1000);
	assert_int_equal(r[2].pages, 0);
	kx_split_plan_deinit(&plan);

	assert_kx_ok(kx_split_plan_init(&plan, 1000, 16384 * 100, 16384));
	assert_int_equal(plan.nr_blocks, 10);
	static const uint64_t each[10] = { 100, 100, 100, 100, 100, 100, 100, 100, 100, 100 };
	count_blocks(&plan, each, 10, 64);
	kx_split_plan_ranges(&plan, 1000, 2, r);
	assert_int_equal(r[0].end, 500);
	assert_int_equal(r[1].start, 500);
	assert_int_equal(r[1].end, 1000);
	assert_int_equal(r[1].pages, 500);
	kx_split_plan_deinit(&plan);
}

static void test_block_size_must_hold_pages(void **state)
{
	(void)state;
	struct kx_split_plan plan;
	assert_kx_err(kx_split_plan_init(&plan, 1000, 6 * 1024, 4096), KX_ERROR_INVALID_ARG,
		      "The splitblock size must be align to page_size.");
	assert_kx_err(kx_split_plan_init(&plan, 1000, 4096, 16384), KX_ERROR_INVALID_ARG,
		      "align to page_size");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upstream_boundaries),
		cmocka_unit_test(test_few_blocks),
		cmocka_unit_test(test_block_size_must_hold_pages),
	};
	KX_RUN_TESTS(tests);
}
