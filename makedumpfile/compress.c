// SPDX-License-Identifier: GPL-2.0-only
// Per-page compressors configured like makedumpfile's: see compress.h.
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "compress.h"

struct kx_compressor {
	enum kx_compress_method method;
	uint32_t block_size;
	unsigned char *out;
	size_t out_cap;
	z_stream z;
	bool z_ready;
	void *lzo_wrkmem;
	ZSTD_CCtx *zstd;
};

// lzo1x_1_compress does not check its output room; this is the worst case
// the LZO documentation gives for incompressible input (as makedumpfile).
static size_t lzo_out_cap(uint32_t bs)
{
	return (size_t)bs + bs / 16 + 64 + 3;
}

static struct kx_error *setup(struct kx_compressor *c)
{
	uint32_t bs = c->block_size;
	switch (c->method) {
	case KX_COMPRESS_NONE:
		return NULL;
	case KX_COMPRESS_ZLIB:
		c->out_cap = compressBound(bs);
		if (deflateInit(&c->z, Z_BEST_SPEED) != Z_OK)
			return &kx_enomem;
		c->z_ready = true;
		break;
	case KX_COMPRESS_LZO:
		KX_CHECK(lzo_init() == LZO_E_OK, KX_ERROR_UNSUPPORTED,
			 "the LZO library failed its self-check");
		c->out_cap = lzo_out_cap(bs);
		if (!(c->lzo_wrkmem = malloc(LZO1X_1_MEM_COMPRESS)))
			return &kx_enomem;
		break;
	case KX_COMPRESS_ZSTD:
		c->out_cap = ZSTD_compressBound(bs);
		if (!(c->zstd = ZSTD_createCCtx()))
			return &kx_enomem;
		break;
	}
	if (!(c->out = malloc(c->out_cap)))
		return &kx_enomem;
	return NULL;
}

struct kx_error *kx_compressor_create(enum kx_compress_method method, uint32_t block_size,
				      struct kx_compressor **ret)
{
	KX_CHECK(method != (enum kx_compress_method)KX_DISKDUMP_SNAPPY, KX_ERROR_UNSUPPORTED,
		 "snappy compression (-p) is not supported");
	KX_CHECK(method == KX_COMPRESS_NONE || method == KX_COMPRESS_ZLIB ||
			 method == KX_COMPRESS_LZO || method == KX_COMPRESS_ZSTD,
		 KX_ERROR_INVALID_ARG, "unknown compression method 0x%x", (unsigned)method);
	KX_CHECK(kx_diskdump_block_size_valid(block_size), KX_ERROR_INVALID_ARG,
		 "block size %u is not a power of two between %d and %d", block_size,
		 KX_DISKDUMP_BLOCK_SIZE_MIN, KX_DISKDUMP_BLOCK_SIZE_MAX);
	struct kx_compressor *c = calloc(1, sizeof(*c));
	if (!c)
		return &kx_enomem;
	c->method = method;
	c->block_size = block_size;
	struct kx_error *err = setup(c);
	if (err) {
		kx_compressor_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

void kx_compressor_destroy(struct kx_compressor *c)
{
	if (!c)
		return;
	if (c->z_ready)
		deflateEnd(&c->z);
	ZSTD_freeCCtx(c->zstd);
	free(c->lzo_wrkmem);
	free(c->out);
	free(c);
}

enum kx_compress_method kx_compressor_method(const struct kx_compressor *c)
{
	return c->method;
}

// One deflate(Z_FINISH) over the page, then deflateReset so the stream is
// reused without reallocating (makedumpfile's compress_mdf, aa5ee50).
// Returns the compressed size, or 0 when the stream did not finish.
static struct kx_error *deflate_page(struct kx_compressor *c, const void *page,
				     unsigned char *out, size_t *ret_size)
{
	c->z.next_in = (unsigned char *)(uintptr_t)page; // zlib's API is not const
	c->z.avail_in = c->block_size;
	c->z.next_out = out;
	c->z.avail_out = (uInt)c->out_cap;
	int rc = deflate(&c->z, Z_FINISH);
	*ret_size = rc == Z_STREAM_END ? (size_t)c->z.total_out : 0;
	KX_CHECK(deflateReset(&c->z) == Z_OK, KX_ERROR_UNSUPPORTED,
		 "zlib: deflateReset failed");
	return NULL;
}

// Compressed size into @out (out_cap bytes of room), or 0 when the
// library reported failure.
static struct kx_error *run(struct kx_compressor *c, const void *page, unsigned char *out,
			    size_t *ret_size)
{
	*ret_size = 0;
	switch (c->method) {
	case KX_COMPRESS_NONE:
		return NULL;
	case KX_COMPRESS_ZLIB:
		return deflate_page(c, page, out, ret_size);
	case KX_COMPRESS_LZO: {
		lzo_uint n = c->out_cap;
		if (lzo1x_1_compress(page, c->block_size, out, &n, c->lzo_wrkmem) == LZO_E_OK)
			*ret_size = n;
		return NULL;
	}
	case KX_COMPRESS_ZSTD: {
		size_t n = ZSTD_compressCCtx(c->zstd, out, c->out_cap, page, c->block_size, 1);
		if (!ZSTD_isError(n))
			*ret_size = n;
		return NULL;
	}
	}
	return NULL;
}

// Compressed only if strictly smaller than a page (makedumpfile's rule;
// libkdumpfile reads flags 0 as "exactly one raw page").
static bool keep_compressed(const struct kx_compressor *c, size_t size)
{
	return size > 0 && size < c->block_size;
}

struct kx_error *kx_compressor_compress(struct kx_compressor *c, const void *page,
					const void **ret_data, uint32_t *ret_size,
					uint32_t *ret_flags)
{
	size_t size;
	KX_TRY(run(c, page, c->out, &size));
	if (keep_compressed(c, size)) {
		*ret_data = c->out;
		*ret_size = (uint32_t)size;
		*ret_flags = (uint32_t)c->method;
	} else {
		*ret_data = page;
		*ret_size = c->block_size;
		*ret_flags = 0;
	}
	return NULL;
}

size_t kx_compressor_room(const struct kx_compressor *c)
{
	return c->out_cap > c->block_size ? c->out_cap : c->block_size;
}

struct kx_error *kx_compressor_compress_into(struct kx_compressor *c, const void *page,
					     void *dst, uint32_t *ret_size, uint32_t *ret_flags)
{
	size_t size;
	KX_TRY(run(c, page, dst, &size));
	if (keep_compressed(c, size)) {
		*ret_size = (uint32_t)size;
		*ret_flags = (uint32_t)c->method;
	} else {
		memcpy(dst, page, c->block_size);
		*ret_size = c->block_size;
		*ret_flags = 0;
	}
	return NULL;
}

const char *kx_compress_method_name(enum kx_compress_method method)
{
	switch (method) {
	case KX_COMPRESS_NONE:
		return "none";
	case KX_COMPRESS_ZLIB:
		return "zlib";
	case KX_COMPRESS_LZO:
		return "lzo";
	case KX_COMPRESS_ZSTD:
		return "zstd";
	}
	return "unknown";
}
