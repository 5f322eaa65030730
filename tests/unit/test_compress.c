// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "compress.h"
#include "byteorder.h"
#include "test_util.h"

enum { MAX_BS = 65536 };

static void fill_text(unsigned char *page, size_t bs)
{
	memset(page, 'A', bs);
}

static void fill_random(unsigned char *page, size_t bs, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (size_t i = 0; i < bs; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		kx_put_le64(page + i, x);
	}
}

// Decompress with the real library, as crash and libkdumpfile do, and
// require exactly one page out.
static void decompress(enum kx_compress_method m, const void *in, size_t size,
		       unsigned char *out, size_t bs)
{
	switch (m) {
	case KX_COMPRESS_ZLIB: {
		uLongf n = bs;
		assert_int_equal(uncompress(out, &n, in, size), Z_OK);
		assert_int_equal(n, bs);
		break;
	}
	case KX_COMPRESS_LZO: {
		lzo_uint n = bs;
		assert_int_equal(lzo1x_decompress_safe(in, size, out, &n, NULL), LZO_E_OK);
		assert_int_equal(n, bs);
		break;
	}
	case KX_COMPRESS_ZSTD: {
		size_t n = ZSTD_decompress(out, bs, in, size);
		assert_false(ZSTD_isError(n));
		assert_int_equal(n, bs);
		break;
	}
	default:
		fail();
	}
}

static void round_trip(enum kx_compress_method m, uint32_t bs)
{
	static unsigned char page[MAX_BS], out[MAX_BS];
	struct kx_compressor *c;
	assert_kx_ok(kx_compressor_create(m, bs, &c));
	assert_int_equal(kx_compressor_method(c), m);
	const void *data;
	uint32_t size, flags;
	// Several pages through one context: each must stand alone.
	for (int round = 0; round < 3; round++) {
		fill_text(page, bs);
		page[round * 100] = (unsigned char)round;
		assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
		assert_int_equal(flags, (uint32_t)m);
		assert_true(size < bs);
		assert_ptr_not_equal(data, page);
		decompress(m, data, size, out, bs);
		assert_memory_equal(out, page, bs);

		fill_random(page, bs, (uint64_t)round);
		assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
		assert_int_equal(flags, 0);
		assert_int_equal(size, bs);
		assert_ptr_equal(data, page);
	}
	kx_compressor_destroy(c);
}

// compress_into() writes what compress() returns, at the destination and
// within kx_compressor_room() bytes of it (a canary after them), also for
// random pages, whose LZO output is larger than the page.
static void into_matches(enum kx_compress_method m, uint32_t bs)
{
	static unsigned char page[MAX_BS], dst[2 * MAX_BS];
	struct kx_compressor *c;
	assert_kx_ok(kx_compressor_create(m, bs, &c));
	size_t room = kx_compressor_room(c);
	assert_true(room >= bs && room < sizeof(dst));
	for (int kind = 0; kind < 2; kind++) {
		if (kind)
			fill_random(page, bs, 7);
		else
			fill_text(page, bs);
		const void *data;
		uint32_t size, flags, size2, flags2;
		assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
		memset(dst, 0xa5, sizeof(dst));
		assert_kx_ok(kx_compressor_compress_into(c, page, dst, &size2, &flags2));
		assert_int_equal(size2, size);
		assert_int_equal(flags2, flags);
		assert_memory_equal(dst, data, size);
		for (size_t i = room; i < room + 64; i++)
			assert_int_equal(dst[i], 0xa5);
	}
	kx_compressor_destroy(c);
}

static void test_compress_into(void **state)
{
	(void)state;
	const enum kx_compress_method ms[] = { KX_COMPRESS_NONE, KX_COMPRESS_ZLIB,
					       KX_COMPRESS_LZO, KX_COMPRESS_ZSTD };
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		into_matches(ms[i], 4096);
		into_matches(ms[i], 65536);
	}
}

static void test_zlib(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_ZLIB, 4096);
	round_trip(KX_COMPRESS_ZLIB, 16384);
}

static void test_lzo(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_LZO, 4096);
	round_trip(KX_COMPRESS_LZO, 65536);
}

static void test_zstd(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_ZSTD, 4096);
	round_trip(KX_COMPRESS_ZSTD, 16384);
}

static void test_none_is_always_raw(void **state)
{
	(void)state;
	unsigned char page[4096];
	fill_text(page, sizeof(page));
	struct kx_compressor *c;
	assert_kx_ok(kx_compressor_create(KX_COMPRESS_NONE, 4096, &c));
	const void *data;
	uint32_t size, flags;
	assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
	assert_ptr_equal(data, page);
	assert_int_equal(size, 4096);
	assert_int_equal(flags, 0);
	kx_compressor_destroy(c);
	kx_compressor_destroy(NULL);
}

// RFC 1950 wrapper with level 1 (FLEVEL 0): 0x78 0x01; and the stream is
// the one compress2(level 1) makes, i.e. deflateReset reuse changes nothing.
static void test_zlib_stream_format(void **state)
{
	(void)state;
	unsigned char page[4096], ref[8192];
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (unsigned char)("kdump "[i % 6] + i / 512);
	struct kx_compressor *c;
	assert_kx_ok(kx_compressor_create(KX_COMPRESS_ZLIB, 4096, &c));
	const void *data;
	uint32_t size, flags;
	for (int i = 0; i < 2; i++) {
		assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
		const unsigned char *d = data;
		assert_int_equal(d[0], 0x78);
		assert_int_equal(d[1], 0x01);
		uLongf n = sizeof(ref);
		assert_int_equal(compress2(ref, &n, page, sizeof(page), 1), Z_OK);
		assert_int_equal(n, size);
		assert_memory_equal(ref, data, size);
	}
	kx_compressor_destroy(c);
}

// zstd level 1 through the reused context equals a one-shot ZSTD_compress.
static void test_zstd_matches_one_shot(void **state)
{
	(void)state;
	unsigned char page[4096], ref[8192];
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (unsigned char)(i % 251 < 40 ? i : 0);
	struct kx_compressor *c;
	assert_kx_ok(kx_compressor_create(KX_COMPRESS_ZSTD, 4096, &c));
	const void *data;
	uint32_t size, flags;
	assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
	size_t n = ZSTD_compress(ref, sizeof(ref), page, sizeof(page), 1);
	assert_false(ZSTD_isError(n));
	assert_int_equal(n, size);
	assert_memory_equal(ref, data, size);
	// Frame magic 0xFD2FB528 and a content size in the header.
	assert_int_equal(kx_get_le32(data), 0xFD2FB528u);
	assert_int_equal(ZSTD_getFrameContentSize(data, size), 4096);
	kx_compressor_destroy(c);
}

// A page that compresses only a little (random but for a zero run): either
// way the rule holds: compressed means smaller than a page and decodable,
// raw means exactly one page with flags 0.
static void test_barely_compressible(void **state)
{
	(void)state;
	unsigned char page[4096], out[4096];
	fill_random(page, sizeof(page), 42);
	memset(page, 0, 200);
	const enum kx_compress_method ms[] = { KX_COMPRESS_ZLIB, KX_COMPRESS_LZO,
					       KX_COMPRESS_ZSTD };
	for (size_t i = 0; i < KX_ARRAY_SIZE(ms); i++) {
		struct kx_compressor *c;
		assert_kx_ok(kx_compressor_create(ms[i], 4096, &c));
		const void *data;
		uint32_t size, flags;
		assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
		if (flags) {
			assert_true(size < 4096);
			decompress(ms[i], data, size, out, 4096);
			assert_memory_equal(out, page, 4096);
		} else {
			assert_int_equal(size, 4096);
		}
		kx_compressor_destroy(c);
	}
}

static void test_create_rejects(void **state)
{
	(void)state;
	struct kx_compressor *c = NULL;
	assert_kx_err(kx_compressor_create((enum kx_compress_method)0x4, 4096, &c),
		      KX_ERROR_UNSUPPORTED, "snappy compression (-p) is not supported");
	assert_kx_err(kx_compressor_create((enum kx_compress_method)0x8, 4096, &c),
		      KX_ERROR_INVALID_ARG, "unknown compression method 0x8");
	assert_kx_err(kx_compressor_create(KX_COMPRESS_ZLIB, 1000, &c), KX_ERROR_INVALID_ARG,
		      "block size 1000");
	assert_null(c);
	assert_string_equal(kx_compress_method_name(KX_COMPRESS_LZO), "lzo");
	assert_string_equal(kx_compress_method_name(KX_COMPRESS_ZSTD), "zstd");
	assert_string_equal(kx_compress_method_name(KX_COMPRESS_ZLIB), "zlib");
	assert_string_equal(kx_compress_method_name(KX_COMPRESS_NONE), "none");
	assert_int_equal(KX_COMPRESS_ZSTD, 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zlib),
		cmocka_unit_test(test_lzo),
		cmocka_unit_test(test_zstd),
		cmocka_unit_test(test_none_is_always_raw),
		cmocka_unit_test(test_zlib_stream_format),
		cmocka_unit_test(test_zstd_matches_one_shot),
		cmocka_unit_test(test_barely_compressible),
		cmocka_unit_test(test_create_rejects),
		cmocka_unit_test(test_compress_into),
	};
	KX_RUN_TESTS(tests);
}
