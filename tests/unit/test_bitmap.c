// SPDX-License-Identifier: GPL-2.0-only
// Bitmap windows against a one-byte-per-pfn model, and the file layout.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bitmap.h"
#include "test_util.h"

static void test_file_layout(void **state)
{
	(void)state;
	struct kx_bitmap bm;
	assert_kx_ok(kx_bitmap_init(&bm, 64));
	kx_bitmap_reset(&bm, 1024, 64);
	kx_bitmap_set_range(&bm, 1024, 1025);   // pfn 1024: byte 0 bit 0
	kx_bitmap_set_range(&bm, 1035, 1037);   // bits 11, 12: byte 1 = 0x18
	assert_int_equal(bm.bits[0], 0x01);
	assert_int_equal(bm.bits[1], 0x18);
	assert_int_equal(kx_bitmap_count(&bm), 3);
	assert_true(kx_bitmap_test(&bm, 1036));
	assert_false(kx_bitmap_test(&bm, 1037));
	assert_false(kx_bitmap_test(&bm, 5));       // before the window
	assert_false(kx_bitmap_test(&bm, 1024 + 64)); // after it
	// Ranges outside the window are clipped, not written.
	kx_bitmap_set_range(&bm, 0, 1024);
	kx_bitmap_set_range(&bm, 1088, 5000);
	assert_int_equal(kx_bitmap_count(&bm), 3);
	assert_int_equal(kx_bitmap_next_set(&bm, 0), 1024);
	assert_int_equal(kx_bitmap_next_set(&bm, 1025), 1035);
	assert_int_equal(kx_bitmap_next_set(&bm, 1037), 1088); // none: the window's end
	kx_bitmap_deinit(&bm);
	assert_kx_err(kx_bitmap_init(&bm, 12), KX_ERROR_INVALID_ARG, "multiple of 8");
}

static void test_random_ranges_match_model(void **state)
{
	(void)state;
	enum { N = 1000 };
	struct kx_bitmap bm;
	assert_kx_ok(kx_bitmap_init(&bm, 1024));
	kx_bitmap_reset(&bm, 8000, N); // a last, shorter window
	unsigned char model[N] = { 0 };
	uint32_t seed = 12345;
	for (int round = 0; round < 3000; round++) {
		seed = seed * 1103515245 + 12345;
		uint64_t a = 7990 + (seed >> 8) % (N + 20);
		seed = seed * 1103515245 + 12345;
		uint64_t b = a + (seed >> 8) % 90;
		bool set = (seed >> 20) & 1;
		if (set)
			kx_bitmap_set_range(&bm, a, b);
		else
			kx_bitmap_clear_range(&bm, a, b);
		for (uint64_t p = a; p < b; p++)
			if (p >= 8000 && p < 8000 + N)
				model[p - 8000] = set;
	}
	uint64_t count = 0, next = kx_bitmap_next_set(&bm, 8000);
	for (uint64_t p = 8000; p < 8000 + N; p++) {
		assert_int_equal(kx_bitmap_test(&bm, p), model[p - 8000]);
		count += model[p - 8000];
		if (model[p - 8000]) {
			assert_int_equal(next, p);
			next = kx_bitmap_next_set(&bm, p + 1);
		}
	}
	assert_int_equal(next, 8000 + N);
	assert_int_equal(kx_bitmap_count(&bm), count);
	// Counting a range agrees with the model, clipped to the window.
	for (int round = 0; round < 500; round++) {
		seed = seed * 1103515245 + 12345;
		uint64_t a = 7990 + (seed >> 8) % (N + 20);
		seed = seed * 1103515245 + 12345;
		uint64_t b = a + (seed >> 8) % 300, want = 0;
		for (uint64_t p = a; p < b; p++)
			want += p >= 8000 && p < 8000 + N && model[p - 8000];
		assert_int_equal(kx_bitmap_count_range(&bm, a, b), want);
	}
	assert_int_equal(kx_bitmap_count_range(&bm, 0, UINT64_MAX), count);
	assert_int_equal(kx_bitmap_bytes(&bm), 125);
	// Reset clears everything, including bytes past a shorter window.
	kx_bitmap_reset(&bm, 0, 1024);
	assert_int_equal(kx_bitmap_count(&bm), 0);
	kx_bitmap_deinit(&bm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_layout),
		cmocka_unit_test(test_random_ranges_match_model),
	};
	KX_RUN_TESTS(tests);
}
