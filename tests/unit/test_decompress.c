// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"
#include "test_util.h"

enum { N = 300000 };

// Compressible, not trivial: a text-like pattern.
static unsigned char *sample(void)
{
	unsigned char *b = malloc(N);
	assert_non_null(b);
	for (size_t i = 0; i < N; i++)
		b[i] = (unsigned char)("kexec loads kernels "[i % 20] + (i / 4096) % 3);
	return b;
}

static size_t gzip(const void *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in, z.avail_in = (uInt)n;
	z.next_out = out, z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t size = cap - z.avail_out;
	deflateEnd(&z);
	return size;
}

static size_t xz(const void *in, size_t n, unsigned char *out, size_t cap)
{
	size_t pos = 0;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, n, out, &pos, cap),
			 LZMA_OK);
	return pos;
}

static void round_trip(enum kx_compression f, const unsigned char *packed, size_t size,
		       const unsigned char *orig)
{
	void *out;
	size_t out_size;
	assert_int_equal(kx_decompress_detect(packed, size), f);
	assert_kx_ok(kx_decompress(f, packed, size, N, "t", &out, &out_size));
	assert_int_equal(out_size, N);
	assert_memory_equal(out, orig, N);
	free(out);
	// One byte less than needed: over the cap.
	assert_kx_err(kx_decompress(f, packed, size, N - 1, "t", &out, &out_size),
		      KX_ERROR_OVERFLOW, "t: decompressed data exceeds the limit");
}

static void test_round_trips(void **state)
{
	(void)state;
	unsigned char *orig = sample(), *packed = malloc(N);
	size_t size = gzip(orig, N, packed, N);
	round_trip(KX_COMPRESSION_GZIP, packed, size, orig);
	size = ZSTD_compress(packed, N, orig, N, 3);
	assert_false(ZSTD_isError(size));
	round_trip(KX_COMPRESSION_ZSTD, packed, size, orig);
	size = xz(orig, N, packed, N);
	round_trip(KX_COMPRESSION_XZ, packed, size, orig);
	free(orig);
	free(packed);
}

static void test_truncated_and_corrupt(void **state)
{
	(void)state;
	unsigned char *orig = sample(), *packed = malloc(N);
	void *out = NULL;
	size_t out_size, size = gzip(orig, N, packed, N);
	assert_kx_err(kx_decompress(KX_COMPRESSION_GZIP, packed, size / 2, N, "k.gz", &out,
				    &out_size), KX_ERROR_CORRUPT, "k.gz: truncated gzip data");
	packed[size / 2] ^= 0xff;
	packed[size / 2 + 1] ^= 0x55;
	assert_kx_err(kx_decompress(KX_COMPRESSION_GZIP, packed, size, N, "k.gz", &out, &out_size),
		      KX_ERROR_CORRUPT, "k.gz: ");
	size = ZSTD_compress(packed, N, orig, N, 3);
	assert_kx_err(kx_decompress(KX_COMPRESSION_ZSTD, packed, size - 7, N, "k.zst", &out,
				    &out_size), KX_ERROR_CORRUPT, "k.zst: truncated zstd data");
	packed[size / 2] ^= 0xff;
	assert_kx_err(kx_decompress(KX_COMPRESSION_ZSTD, packed, size, N, "k.zst", &out, &out_size),
		      KX_ERROR_CORRUPT, "k.zst: corrupt zstd data");
	size = xz(orig, N, packed, N);
	assert_kx_err(kx_decompress(KX_COMPRESSION_XZ, packed, size - 9, N, "k.xz", &out,
				    &out_size), KX_ERROR_CORRUPT, "k.xz: truncated xz data");
	packed[size / 2] ^= 0xff;
	assert_kx_err(kx_decompress(KX_COMPRESSION_XZ, packed, size, N, "k.xz", &out, &out_size),
		      KX_ERROR_CORRUPT, "k.xz: corrupt xz data");
	assert_null(out);
	free(orig);
	free(packed);
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(kx_decompress_detect("MZ\0\0", 4), KX_COMPRESSION_NONE);
	assert_int_equal(kx_decompress_detect("\x1f", 1), KX_COMPRESSION_NONE);
	assert_int_equal(kx_decompress_detect("\x5d\0\0\x80\0\xff\xff\xff\xff\xff\xff\xff\xff", 13),
			 KX_COMPRESSION_LZMA);
	assert_string_equal(kx_compression_name(KX_COMPRESSION_ZSTD), "zstd");
}

static void test_file_and_memfd(void **state)
{
	(void)state;
	char path[] = "/tmp/kx-decompress-XXXXXX";
	unsigned char *orig = sample(), *packed = malloc(N);
	size_t size = gzip(orig, N, packed, N);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, packed, size), (ssize_t)size);
	close(fd);
	struct kx_file_data d;
	assert_kx_ok(kx_file_data_read(path, N, &d));
	assert_int_equal(d.format, KX_COMPRESSION_GZIP);
	assert_int_equal(d.file_size, size);
	assert_int_equal(d.size, N);
	assert_kx_ok(kx_decompress_memfd(d.buf, d.size, "kernel", &fd));
	unsigned char *back = malloc(N);
	assert_int_equal(read(fd, back, N), N);
	assert_memory_equal(back, orig, N);
	// Sealed: nobody changes what the kernel will read.
	assert_int_equal(write(fd, "x", 1), -1);
	close(fd);
	kx_file_data_deinit(&d);
	assert_kx_err(kx_file_data_read(path, size - 1, &d), KX_ERROR_OVERFLOW, path);
	unlink(path);
	assert_kx_err(kx_file_data_read(path, N, &d), KX_ERROR_OS, "cannot open");
	free(back);
	free(orig);
	free(packed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_file_and_memfd),
	};
	KX_RUN_TESTS(tests);
}
