// SPDX-License-Identifier: GPL-2.0-only
// common/flattened: the -F stream written and rebuilt, and hostile streams.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flattened.h"
#include "io.h"
#include "test_util.h"

// An anonymous temporary file's descriptor (closed with the FILE at exit).
static int temp_fd(void)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	return fileno(f);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

// A stream of the header and raw bytes @tail (a record header, payload...).
static int stream_with(const uint8_t *header, const void *tail, size_t size)
{
	int fd = temp_fd();
	assert_kx_ok(kx_io_write_full(fd, header, KX_FLATTENED_HEADER_SIZE, NULL));
	assert_kx_ok(kx_io_write_full(fd, tail, size, NULL));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static struct kx_error *rebuild(int in_fd, int *ret_out, uint64_t *ret_size)
{
	*ret_out = temp_fd();
	return kx_flattened_rearrange(in_fd, "in", *ret_out, "out", ret_size);
}

static void test_header_bytes(void **state)
{
	(void)state;
	uint8_t h[KX_FLATTENED_HEADER_SIZE];
	kx_flattened_header_encode(h);
	static const uint8_t want[32] = {
		'm', 'a', 'k', 'e', 'd', 'u', 'm', 'p', 'f', 'i', 'l', 'e', 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	assert_memory_equal(h, want, sizeof(want));
	for (size_t i = sizeof(want); i < sizeof(h); i++)
		assert_int_equal(h[i], 0);
	assert_kx_ok(kx_flattened_header_check(h, NULL));
	uint8_t r[KX_FLATTENED_RECORD_SIZE];
	kx_flattened_record_encode(0x0102030405060708ull, 0x1000, r);
	static const uint8_t want_r[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0x10, 0 };
	assert_memory_equal(r, want_r, sizeof(r));
	kx_flattened_end_encode(r);
	struct kx_flattened_record rec;
	assert_kx_ok(kx_flattened_record_decode(r, NULL, &rec));
	assert_true(rec.end);
}

// Records out of order, overlapping (the later wins), larger than a chunk.
static void test_round_trip(void **state)
{
	(void)state;
	static uint8_t big[KX_FLATTENED_CHUNK * 2 + 123];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1);
	int in = temp_fd();
	assert_kx_ok(kx_flattened_write_header(in, NULL));
	assert_kx_ok(kx_flattened_write_record(in, 5000, big, sizeof(big), NULL));
	assert_kx_ok(kx_flattened_write_record(in, 0, "ABCDEFGH", 8, NULL));
	assert_kx_ok(kx_flattened_write_record(in, 4, "xy", 2, NULL));
	assert_kx_ok(kx_flattened_write_record(in, 100, "never", 0, NULL));
	assert_kx_ok(kx_flattened_write_end(in, NULL));
	struct stat st;
	assert_int_equal(fstat(in, &st), 0);
	assert_int_equal(st.st_size, KX_FLATTENED_HEADER_SIZE + 4 * 16 + sizeof(big) + 10);
	assert_kx_ok(kx_io_write_full(in, "trailing junk", 13, NULL));  // not read
	assert_int_equal(lseek(in, 0, SEEK_SET), 0);
	int out;
	uint64_t size = 0;
	assert_kx_ok(rebuild(in, &out, &size));
	assert_int_equal(size, 5000 + sizeof(big));
	uint8_t got[8];
	assert_kx_ok(kx_io_pread_full(out, got, 8, 0, NULL));
	assert_memory_equal(got, "ABCDxyGH", 8);
	static uint8_t back[sizeof(big)];
	assert_kx_ok(kx_io_pread_full(out, back, sizeof(back), 5000, NULL));
	assert_memory_equal(back, big, sizeof(big));
}

static void test_bad_header(void **state)
{
	(void)state;
	uint8_t h[KX_FLATTENED_HEADER_SIZE];
	uint8_t end[16];
	kx_flattened_end_encode(end);
	int out;
	kx_flattened_header_encode(h);
	h[12] = 'X';  // the NUL padding is part of the signature
	assert_kx_err(rebuild(stream_with(h, end, 16), &out, NULL), KX_ERROR_CORRUPT,
		      "in: not a flattened dump");
	kx_flattened_header_encode(h);
	memcpy(h, "KDUMP   ", 8);
	assert_kx_err(rebuild(stream_with(h, end, 16), &out, NULL), KX_ERROR_CORRUPT,
		      "signature");
	kx_flattened_header_encode(h);
	put_be64(h + 16, 2);
	assert_kx_err(rebuild(stream_with(h, end, 16), &out, NULL), KX_ERROR_CORRUPT,
		      "in: flattened header type 2 is not 1");
	kx_flattened_header_encode(h);
	put_be64(h + 24, 0x100000000000000ull);  // version 1 little-endian
	assert_kx_err(rebuild(stream_with(h, end, 16), &out, NULL), KX_ERROR_CORRUPT,
		      "version 72057594037927936 is not 1");
}

static void test_truncated(void **state)
{
	(void)state;
	uint8_t h[KX_FLATTENED_HEADER_SIZE];
	kx_flattened_header_encode(h);
	int out;
	int in = temp_fd();
	assert_kx_ok(kx_io_write_full(in, h, 100, NULL));
	assert_int_equal(lseek(in, 0, SEEK_SET), 0);
	assert_kx_err(rebuild(in, &out, NULL), KX_ERROR_CORRUPT,
		      "in: truncated flattened stream: end of input in the header at byte 100");
	assert_kx_err(rebuild(stream_with(h, "", 0), &out, NULL), KX_ERROR_CORRUPT,
		      "end of input in a record header at byte 4096 (0 of 16 bytes)");
	uint8_t rec[16 + 10];
	kx_flattened_record_encode(0, 8, rec);
	assert_kx_err(rebuild(stream_with(h, rec, 9), &out, NULL), KX_ERROR_CORRUPT,
		      "end of input in a record header at byte 4105 (9 of 16 bytes)");
	memcpy(rec + 16, "12345678", 8);
	assert_kx_err(rebuild(stream_with(h, rec, 20), &out, NULL), KX_ERROR_CORRUPT,
		      "end of input at byte 4116, inside the data of the 8-byte record "
		      "for offset 0 (4 bytes of it received)");
	assert_kx_err(rebuild(stream_with(h, rec, 24), &out, NULL), KX_ERROR_CORRUPT,
		      "end of input in a record header at byte 4120 (0 of 16 bytes)");
}

static void check_bad_record(int64_t off, int64_t size, const char *msg)
{
	uint8_t h[KX_FLATTENED_HEADER_SIZE];
	kx_flattened_header_encode(h);
	uint8_t rec[32];
	put_be64(rec, (uint64_t)off);
	put_be64(rec + 8, (uint64_t)size);
	memset(rec + 16, 0xff, 16);
	int out;
	assert_kx_err(rebuild(stream_with(h, rec, sizeof(rec)), &out, NULL), KX_ERROR_CORRUPT, msg);
}

static void test_bad_records(void **state)
{
	(void)state;
	check_bad_record(0, 0, "at byte 4096: in: bad record: offset 0, size 0");
	check_bad_record(-1, 5, "bad record: offset -1, size 5");
	check_bad_record(5, -1, "bad record: offset 5, size -1");
	check_bad_record(INT64_MIN, -1, "bad record");
	check_bad_record(-2, -2, "bad record: offset -2, size -2");
	check_bad_record(INT64_MAX, 1, "passes the largest file offset");
	check_bad_record(INT64_MAX - 10, 11, "passes the largest file offset");
	// Huge but legal: no allocation of that size, just end of input.
	check_bad_record(0, INT64_MAX, "inside the data of the 9223372036854775807-byte record");
	check_bad_record(1000, (int64_t)1 << 62, "(16 bytes of it received)");
}

static void test_write_limits(void **state)
{
	(void)state;
	int fd = temp_fd();
	assert_kx_err(kx_flattened_write_record(fd, (uint64_t)INT64_MAX + 1, "x", 1, "s"),
		      KX_ERROR_INVALID_ARG, "s: a record at 9223372036854775808");
	assert_kx_err(kx_flattened_write_record(fd, INT64_MAX, "x", 1, NULL),
		      KX_ERROR_INVALID_ARG, "passes the largest file offset");
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_bytes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_write_limits),
	};
	KX_RUN_TESTS(tests);
}
