// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "diskdump.h"
#include "byteorder.h"
#include "test_util.h"

static void test_endian_helpers(void **state)
{
	(void)state;
	unsigned char b[9] = { 0 };
	kx_put_le64(b + 1, 0x0102030405060708ULL); // unaligned on purpose
	const unsigned char want[] = { 0, 8, 7, 6, 5, 4, 3, 2, 1 };
	assert_memory_equal(b, want, 9);
	assert_int_equal(kx_get_le64(b + 1), 0x0102030405060708ULL);
	assert_int_equal(kx_get_le32(b + 1), 0x05060708);
	assert_int_equal(kx_get_le16(b + 1), 0x0708);
	kx_put_le32(b, 0xdeadbeef);
	assert_int_equal(b[0], 0xef);
	assert_int_equal(b[3], 0xde);
	kx_put_le16(b, 0xabcd);
	assert_int_equal(b[0], 0xcd);
	assert_int_equal(b[1], 0xab);
	assert_int_equal(kx_get_le32(b), 0xdeadabcd);
}

// makedumpfile.md §1.1: x86_64, 4 KiB pages, RAM up to 17 GiB, 8 CPUs.
static void test_layout_worked_example(void **state)
{
	(void)state;
	struct kx_diskdump_layout l;
	assert_kx_ok(kx_diskdump_layout_compute(4096, 0x440000, 6072, 1000, &l));
	assert_int_equal(l.sub_hdr_size, 2);
	assert_int_equal(l.bitmap_blocks, 272);
	assert_true(l.two_bitmaps);
	assert_int_equal(l.bitmap_size, 136 * 4096);
	assert_int_equal(l.offset_sub_header, 4096);
	assert_int_equal(l.offset_note, 4200);
	assert_int_equal(l.offset_bitmap1, 12288);
	assert_int_equal(l.offset_bitmap2, 569344);
	assert_int_equal(l.offset_desc, 1126400);
	assert_int_equal(l.offset_data, 1126400 + 24 * 1000);
}

static void test_layout_rounding(void **state)
{
	(void)state;
	struct kx_diskdump_layout l;
	// Notes that exactly fill block 1 keep S at 1; one more byte makes 2.
	assert_kx_ok(kx_diskdump_layout_compute(4096, 1, 4096 - 104, 0, &l));
	assert_int_equal(l.sub_hdr_size, 1);
	assert_int_equal(l.bitmap_blocks, 2);
	assert_int_equal(l.offset_desc, 4 * 4096);
	assert_int_equal(l.offset_data, 4 * 4096);
	assert_kx_ok(kx_diskdump_layout_compute(4096, 1, 4096 - 103, 0, &l));
	assert_int_equal(l.sub_hdr_size, 2);
	// No notes at all still takes one block for the sub header.
	assert_kx_ok(kx_diskdump_layout_compute(16384, 16384 * 8, 0, 5, &l));
	assert_int_equal(l.sub_hdr_size, 1);
	assert_int_equal(l.bitmap_blocks, 2);
	assert_kx_ok(kx_diskdump_layout_compute(16384, 16384 * 8 + 1, 0, 5, &l));
	assert_int_equal(l.bitmap_blocks, 4);
	assert_int_equal(l.offset_bitmap2, 2 * 16384 + 2 * 16384);
	assert_int_equal(l.offset_desc, (1 + 1 + 4) * 16384);
}

static void test_layout_rejects(void **state)
{
	(void)state;
	struct kx_diskdump_layout l = { .block_size = 77 };
	assert_kx_err(kx_diskdump_layout_compute(2048, 10, 0, 0, &l), KX_ERROR_INVALID_ARG,
		      "block size 2048 is not a power of two between 4096 and 262144");
	assert_kx_err(kx_diskdump_layout_compute(12288, 10, 0, 0, &l), KX_ERROR_INVALID_ARG,
		      "block size 12288");
	assert_kx_err(kx_diskdump_layout_compute(524288, 10, 0, 0, &l), KX_ERROR_INVALID_ARG,
		      "block size 524288");
	assert_kx_err(kx_diskdump_layout_compute(4096, 0, 0, 0, &l), KX_ERROR_INVALID_ARG,
		      "max_mapnr is 0");
	assert_kx_err(kx_diskdump_layout_compute(4096, 10, 0, 11, &l), KX_ERROR_INVALID_ARG,
		      "11 dumpable pages but max_mapnr is only 10");
	assert_kx_err(kx_diskdump_layout_compute(4096, 10, UINT64_MAX - 50, 0, &l),
		      KX_ERROR_OVERFLOW, "bytes of notes do not fit the sub header area");
	assert_kx_err(kx_diskdump_layout_compute(4096, 10, (uint64_t)INT32_MAX * 4096, 0, &l),
		      KX_ERROR_OVERFLOW, "do not fit the sub header area");
	assert_kx_err(kx_diskdump_layout_compute(4096, UINT64_MAX, 0, 0, &l), KX_ERROR_OVERFLOW,
		      "needs more bitmap blocks than the header can count");
	// Untouched on failure.
	assert_int_equal(l.block_size, 77);
	// The largest bitmap the header can count works, with 2^40 pages.
	assert_kx_ok(kx_diskdump_layout_compute(262144, 1ULL << 40, 0, 1ULL << 40, &l));
	assert_int_equal(l.bitmap_blocks, 1u << 20); // 2 * 2^37 bytes / 2^18
	assert_int_equal(l.offset_data, l.offset_desc + 24 * (1ULL << 40));
}

static struct kx_diskdump_header sample_header(void)
{
	struct kx_diskdump_header h = {
		.signature = "KDUMP   ",
		.header_version = 6,
		.utsname = { "Linux", "host", "6.1.0", "#1 SMP", "x86_64", "(none)" },
		.timestamp_sec = 0x1122334455667788LL,
		.timestamp_usec = 0,
		.status = 0x21,
		.block_size = 4096,
		.sub_hdr_size = 2,
		.bitmap_blocks = 272,
		.max_mapnr = 0x440000,
		.total_ram_blocks = 0xa1,
		.device_blocks = 0xa2,
		.written_blocks = 0xa3,
		.current_cpu = 0xa4,
		.nr_cpus = 8,
	};
	return h;
}

// Offsets from makedumpfile.md §1.2 (LP64 struct disk_dump_header).
static void test_header_encoding(void **state)
{
	(void)state;
	struct kx_diskdump_header h = sample_header(), back;
	unsigned char b[KX_DISKDUMP_HEADER_SIZE + 1];
	memset(b, 0xee, sizeof(b));
	kx_diskdump_header_encode(&h, b);
	assert_int_equal(b[KX_DISKDUMP_HEADER_SIZE], 0xee); // no overrun
	assert_memory_equal(b, "KDUMP   ", 8);
	assert_int_equal(kx_get_le32(b + 8), 6);
	assert_string_equal((char *)b + 12, "Linux");
	assert_string_equal((char *)b + 12 + 65, "host");
	assert_string_equal((char *)b + 12 + 2 * 65, "6.1.0");
	assert_string_equal((char *)b + 12 + 3 * 65, "#1 SMP");
	assert_string_equal((char *)b + 12 + 4 * 65, "x86_64");
	assert_string_equal((char *)b + 12 + 5 * 65, "(none)");
	assert_memory_equal(b + 402, "\0\0\0\0\0\0", 6);
	assert_int_equal(kx_get_le64(b + 408), 0x1122334455667788ULL);
	assert_int_equal(kx_get_le64(b + 416), 0);
	assert_int_equal(kx_get_le32(b + 424), 0x21);
	assert_int_equal(kx_get_le32(b + 428), 4096);
	assert_int_equal(kx_get_le32(b + 432), 2);
	assert_int_equal(kx_get_le32(b + 436), 272);
	assert_int_equal(kx_get_le32(b + 440), 0x440000);
	assert_int_equal(kx_get_le32(b + 444), 0xa1);
	assert_int_equal(kx_get_le32(b + 448), 0xa2);
	assert_int_equal(kx_get_le32(b + 452), 0xa3);
	assert_int_equal(kx_get_le32(b + 456), 0xa4);
	assert_int_equal(kx_get_le32(b + 460), 8);
	kx_diskdump_header_decode(b, &back);
	assert_memory_equal(&back.utsname, &h.utsname, sizeof(h.utsname));
	assert_memory_equal(back.signature, h.signature, 8);
	assert_int_equal(back.timestamp_sec, h.timestamp_sec);
	assert_int_equal(back.status, h.status);
	assert_int_equal(back.bitmap_blocks, h.bitmap_blocks);
	assert_int_equal(back.current_cpu, h.current_cpu);
	assert_int_equal(back.nr_cpus, h.nr_cpus);
	// Negative ints survive the round trip.
	h.nr_cpus = -1;
	kx_diskdump_header_encode(&h, b);
	assert_int_equal(kx_get_le32(b + 460), 0xffffffffu);
	kx_diskdump_header_decode(b, &back);
	assert_int_equal(back.nr_cpus, -1);
}

// Offsets from makedumpfile.md §1.5 (struct kdump_sub_header).
static void test_sub_header_encoding(void **state)
{
	(void)state;
	struct kx_diskdump_sub_header s = {
		.phys_base = 0x101, .dump_level = 31, .split = 1,
		.start_pfn = 0x103, .end_pfn = 0x104,
		.offset_vmcoreinfo = 0x105, .size_vmcoreinfo = 0x106,
		.offset_note = 0x107, .size_note = 0x108,
		.offset_eraseinfo = 0x109, .size_eraseinfo = 0x10a,
		.start_pfn_64 = 0x10b, .end_pfn_64 = 0x10c,
		.max_mapnr_64 = 0x100000000ULL,
	}, back;
	unsigned char b[KX_DISKDUMP_SUB_HEADER_SIZE];
	kx_diskdump_sub_header_encode(&s, b);
	assert_int_equal(kx_get_le64(b + 0), 0x101);
	assert_int_equal(kx_get_le32(b + 8), 31);
	assert_int_equal(kx_get_le32(b + 12), 1);
	const uint64_t want[] = { 0x103, 0x104, 0x105, 0x106, 0x107, 0x108,
				  0x109, 0x10a, 0x10b, 0x10c, 0x100000000ULL };
	for (size_t i = 0; i < KX_ARRAY_SIZE(want); i++)
		assert_int_equal(kx_get_le64(b + 16 + 8 * i), want[i]);
	kx_diskdump_sub_header_decode(b, sizeof(b), &back);
	assert_memory_equal(&back, &s, sizeof(s));
	// A short buffer: missing fields read as 0.
	kx_diskdump_sub_header_decode(b, 40, &back);
	assert_int_equal(back.offset_vmcoreinfo, 0x105);
	assert_int_equal(back.size_vmcoreinfo, 0);
	assert_int_equal(back.max_mapnr_64, 0);
}

// makedumpfile.md §1.8 (struct page_desc).
static void test_page_desc_encoding(void **state)
{
	(void)state;
	struct kx_diskdump_page_desc d = { 0x123456789aULL, 4000, 0x20, 0 }, back;
	unsigned char b[KX_DISKDUMP_PAGE_DESC_SIZE];
	memset(b, 0xff, sizeof(b));
	kx_diskdump_page_desc_encode(&d, b);
	assert_int_equal(kx_get_le64(b), 0x123456789aULL);
	assert_int_equal(kx_get_le32(b + 8), 4000);
	assert_int_equal(kx_get_le32(b + 12), 0x20);
	assert_int_equal(kx_get_le64(b + 16), 0);
	kx_diskdump_page_desc_decode(b, &back);
	assert_memory_equal(&back, &d, sizeof(d));
}

static void test_flag_values(void **state)
{
	(void)state;
	assert_int_equal(KX_DISKDUMP_ZLIB, 0x1);
	assert_int_equal(KX_DISKDUMP_LZO, 0x2);
	assert_int_equal(KX_DISKDUMP_SNAPPY, 0x4);
	assert_int_equal(KX_DISKDUMP_INCOMPLETE, 0x8);
	assert_int_equal(KX_DISKDUMP_EXCLUDED_VMEMMAP, 0x10);
	assert_int_equal(KX_DISKDUMP_ZSTD, 0x20);
	assert_int_equal(KX_DISKDUMP_COMPRESSION_MASK, 0x27);
	assert_true(kx_diskdump_block_size_valid(4096));
	assert_true(kx_diskdump_block_size_valid(16384));
	assert_true(kx_diskdump_block_size_valid(262144));
	assert_false(kx_diskdump_block_size_valid(0));
	assert_false(kx_diskdump_block_size_valid(-4096));
	assert_false(kx_diskdump_block_size_valid(2048));
	assert_false(kx_diskdump_block_size_valid(4097));
	assert_false(kx_diskdump_block_size_valid(524288));
}

static void test_hostile_headers(void **state)
{
	(void)state;
	struct kx_diskdump_header h = sample_header();
	assert_kx_ok(kx_diskdump_header_check(&h));
	memcpy(h.signature, "KDUMP\0\0\0", 8);
	assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_CORRUPT,
		      "no \"KDUMP   \" signature: not a kdump-compressed file");
	memcpy(h.signature, "DISKDUMP", 8);
	assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_UNSUPPORTED,
		      "old diskdump format");
	h = sample_header();
	h.header_version = -3;
	assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_CORRUPT,
		      "header_version -3 is negative");
	h.header_version = 0;
	assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_UNSUPPORTED,
		      "header_version 0 is not supported");
	const int32_t bad_bs[] = { 0, -4096, 1000, 2048, 4095, 6144, 524288, INT32_MIN };
	for (size_t i = 0; i < KX_ARRAY_SIZE(bad_bs); i++) {
		h = sample_header();
		h.block_size = bad_bs[i];
		assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_CORRUPT,
			      "is not a power of two between 4096 and 262144");
	}
	h = sample_header();
	h.sub_hdr_size = 0;
	assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_CORRUPT,
		      "sub_hdr_size 0 leaves no room for the sub header");
	h.sub_hdr_size = -1;
	assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_CORRUPT, "sub_hdr_size -1");
	h = sample_header();
	h.bitmap_blocks = 0;
	assert_kx_err(kx_diskdump_header_check(&h), KX_ERROR_CORRUPT, "bitmap_blocks is 0");
}

static void test_layout_from_header(void **state)
{
	(void)state;
	struct kx_diskdump_header h = sample_header();
	struct kx_diskdump_sub_header s = { .max_mapnr_64 = 0x440000, .size_note = 6072 };
	struct kx_diskdump_layout l;
	assert_kx_ok(kx_diskdump_layout_from_header(&h, &s, &l));
	assert_true(l.two_bitmaps);
	assert_int_equal(l.max_mapnr, 0x440000);
	assert_int_equal(l.size_note, 6072);
	assert_int_equal(l.offset_bitmap1, 12288);
	assert_int_equal(l.offset_bitmap2, 569344);
	assert_int_equal(l.offset_desc, 1126400);
	assert_int_equal(l.num_dumpable, 0);
	// v6 uses max_mapnr_64, even beyond 32 bits; older versions the header's.
	h.bitmap_blocks = 1u << 20;
	s.max_mapnr_64 = 1ULL << 33;
	assert_kx_ok(kx_diskdump_layout_from_header(&h, &s, &l));
	assert_int_equal(l.max_mapnr, 1ULL << 33);
	h.header_version = 5;
	assert_kx_ok(kx_diskdump_layout_from_header(&h, &s, &l));
	assert_int_equal(l.max_mapnr, 0x440000);
	h.header_version = 3; // no notes before v4
	assert_kx_ok(kx_diskdump_layout_from_header(&h, &s, &l));
	assert_int_equal(l.size_note, 0);
	// One bitmap when the blocks hold max_mapnr bits but not twice that.
	h = sample_header();
	h.bitmap_blocks = 136;
	s.max_mapnr_64 = 0x440000;
	assert_kx_ok(kx_diskdump_layout_from_header(&h, &s, &l));
	assert_false(l.two_bitmaps);
	assert_int_equal(l.offset_bitmap2, l.offset_bitmap1);
	assert_int_equal(l.bitmap_size, 136 * 4096);
	h.bitmap_blocks = 135;
	assert_kx_err(kx_diskdump_layout_from_header(&h, &s, &l), KX_ERROR_CORRUPT,
		      "bitmap_blocks 135 hold only 4423680 bits, less than max_mapnr 4456448");
	s.max_mapnr_64 = 0;
	assert_kx_err(kx_diskdump_layout_from_header(&h, &s, &l), KX_ERROR_CORRUPT,
		      "max_mapnr is 0");
	h.block_size = 100;
	assert_kx_err(kx_diskdump_layout_from_header(&h, &s, &l), KX_ERROR_CORRUPT,
		      "block_size 100");
	// Extremes do not overflow: S = INT32_MAX, B = UINT32_MAX, 256 KiB.
	h = sample_header();
	h.block_size = 262144;
	h.sub_hdr_size = INT32_MAX;
	h.bitmap_blocks = UINT32_MAX;
	s.max_mapnr_64 = UINT64_MAX;
	assert_kx_err(kx_diskdump_layout_from_header(&h, &s, &l), KX_ERROR_CORRUPT,
		      "less than max_mapnr 18446744073709551615");
	s.max_mapnr_64 = 1;
	assert_kx_ok(kx_diskdump_layout_from_header(&h, &s, &l));
	assert_int_equal(l.offset_desc, (1 + (uint64_t)INT32_MAX + UINT32_MAX) * 262144);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endian_helpers),
		cmocka_unit_test(test_layout_worked_example),
		cmocka_unit_test(test_layout_rounding),
		cmocka_unit_test(test_layout_rejects),
		cmocka_unit_test(test_header_encoding),
		cmocka_unit_test(test_sub_header_encoding),
		cmocka_unit_test(test_page_desc_encoding),
		cmocka_unit_test(test_flag_values),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_layout_from_header),
	};
	KX_RUN_TESTS(tests);
}
