// SPDX-License-Identifier: GPL-2.0-only
// The erase map: merging, nullify over 'X', and applying to pages.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "erase_map.h"
#include "test_util.h"

static void check_range(const struct kx_erase_map *m, size_t i, uint64_t start, uint64_t end,
			uint8_t fill)
{
	assert_true(i < m->nranges);
	assert_int_equal(m->ranges[i].start, start);
	assert_int_equal(m->ranges[i].end, end);
	assert_int_equal(m->ranges[i].fill, fill);
}

static void test_merge(void **state)
{
	(void)state;
	struct kx_erase_map *m;
	assert_kx_ok(kx_erase_map_create(&m));
	assert_kx_ok(kx_erase_map_add(m, 0x2000, 0x10, 'X'));
	assert_kx_ok(kx_erase_map_add(m, 0x1000, 0x20, 'X'));
	assert_kx_ok(kx_erase_map_add(m, 0x1010, 0x20, 'X'));  // overlaps: one range
	assert_kx_ok(kx_erase_map_add(m, 0x1008, 8, 0));       // nullify inside it wins
	assert_kx_ok(kx_erase_map_add(m, 0x3000, 0, 'X'));     // empty: nothing
	assert_kx_err(kx_erase_map_add(m, UINT64_MAX - 4, 8, 'X'), KX_ERROR_OVERFLOW, "wraps");
	assert_kx_ok(kx_erase_map_finish(m));
	assert_int_equal(m->nranges, 4);
	check_range(m, 0, 0x1000, 0x1008, 'X');
	check_range(m, 1, 0x1008, 0x1010, 0);
	check_range(m, 2, 0x1010, 0x1030, 'X');
	check_range(m, 3, 0x2000, 0x2010, 'X');
	assert_kx_err(kx_erase_map_add(m, 0, 1, 'X'), KX_ERROR_INVALID_ARG, "already built");
	kx_erase_map_destroy(m);
}

static void test_apply(void **state)
{
	(void)state;
	struct kx_erase_map *m;
	assert_kx_ok(kx_erase_map_create(&m));
	// Crosses the boundary of pfns 1 and 2; a nullified pointer in pfn 3.
	assert_kx_ok(kx_erase_map_add(m, 0x1ff0, 0x20, 'X'));
	assert_kx_ok(kx_erase_map_add(m, 0x3008, 8, 0));
	assert_kx_ok(kx_erase_map_finish(m));
	uint8_t page[4096];
	assert_false(kx_erase_map_touches(m, 0, 4096));
	assert_true(kx_erase_map_touches(m, 1, 4096));
	assert_true(kx_erase_map_touches(m, 2, 4096));
	assert_true(kx_erase_map_touches(m, 3, 4096));
	assert_false(kx_erase_map_touches(m, 4, 4096));
	memset(page, 0xa5, sizeof(page));
	assert_false(kx_erase_map_apply(m, 0, 4096, page));
	assert_true(kx_erase_map_apply(m, 1, 4096, page));
	assert_int_equal(page[0xfef], 0xa5);
	for (int i = 0xff0; i < 0x1000; i++)
		assert_int_equal(page[i], 'X');
	memset(page, 0xa5, sizeof(page));
	assert_true(kx_erase_map_apply(m, 2, 4096, page));
	for (int i = 0; i < 0x10; i++)
		assert_int_equal(page[i], 'X');
	assert_int_equal(page[0x10], 0xa5);
	memset(page, 0xa5, sizeof(page));
	assert_true(kx_erase_map_apply(m, 3, 4096, page));
	assert_int_equal(page[7], 0xa5);
	for (int i = 8; i < 16; i++)
		assert_int_equal(page[i], 0);
	assert_int_equal(page[16], 0xa5);
	kx_erase_map_destroy(m);
}

static void test_info(void **state)
{
	(void)state;
	struct kx_erase_map *m;
	assert_kx_ok(kx_erase_map_create(&m));
	assert_kx_ok(kx_erase_map_add_info(m, "erase %s size %d", "a.b", 25));
	assert_kx_ok(kx_erase_map_add_info(m, "erase %s nullify", "c"));
	assert_int_equal(m->info_size, strlen("erase a.b size 25\nerase c nullify\n"));
	assert_string_equal(m->info, "erase a.b size 25\nerase c nullify\n");
	kx_erase_map_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_info),
	};
	KX_RUN_TESTS(tests);
}
