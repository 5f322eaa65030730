/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file compress.h
 * Per-page compression for the kdump-compressed writer, configured exactly
 * as makedumpfile does so that readers (and byte comparisons against
 * upstream output made with the same library versions) agree:
 *
 * | method | page flag | call                                               |
 * |--------|-----------|----------------------------------------------------|
 * | zlib   | 0x1       | deflateInit(level 1) once; per page deflate(Z_FINISH) then deflateReset; zlib wrapper (0x78 0x01) |
 * | lzo    | 0x2       | lzo1x_1_compress, LZO1X_1_MEM_COMPRESS work memory, output room bs + bs/16 + 64 + 3 |
 * | zstd   | 0x20      | ZSTD_compressCCtx(level 1) on one reused context   |
 *
 * A page is stored compressed only when compression succeeded and the
 * result is strictly smaller than the block size; otherwise the raw page is
 * stored with flags 0. Snappy (0x4) is not offered.
 */
#ifndef KX_COMPRESS_H
#define KX_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "diskdump.h"
#include "error.h"

/**
 * Compression methods. The values are the page_desc.flags / header status
 * bits of the method, so a method converts to its flag by a cast.
 */
enum kx_compress_method {
	KX_COMPRESS_NONE = 0,
	KX_COMPRESS_ZLIB = KX_DISKDUMP_ZLIB,
	KX_COMPRESS_LZO = KX_DISKDUMP_LZO,
	KX_COMPRESS_ZSTD = KX_DISKDUMP_ZSTD,
};

struct kx_compressor;

/**
 * Create a compressor for pages of @p block_size bytes (a valid diskdump
 * block size). All buffers and library contexts are allocated here, once.
 * @p method may also be a page flag value such as KX_DISKDUMP_SNAPPY (0x4),
 * which is refused as unsupported.
 * @return KX_ERROR_INVALID_ARG for an unknown method or bad block size,
 * KX_ERROR_UNSUPPORTED for snappy or a library failing its initialisation,
 * &kx_enomem.
 */
struct kx_error *kx_compressor_create(enum kx_compress_method method, uint32_t block_size,
				      struct kx_compressor **ret);

/** Free @p c and its contexts. NULL is a no-op. */
void kx_compressor_destroy(struct kx_compressor *c);

/** The method @p c was created with. */
enum kx_compress_method kx_compressor_method(const struct kx_compressor *c);

/**
 * Compress one page of block_size bytes.
 * @param[out] ret_data either @p page itself (stored raw) or the
 *   compressor's output buffer, valid until the next call or destroy.
 * @param[out] ret_size bytes at *@p ret_data: block_size when raw.
 * @param[out] ret_flags 0 when raw, else the method's page flag.
 * @return NULL; an error only when a library context is broken beyond
 *   reuse (deflateReset failing), never for incompressible data.
 */
struct kx_error *kx_compressor_compress(struct kx_compressor *c, const void *page,
					const void **ret_data, uint32_t *ret_size,
					uint32_t *ret_flags);

/**
 * Bytes of room kx_compressor_compress_into() needs at its destination:
 * the method's worst case for one page, at least block_size.
 */
size_t kx_compressor_room(const struct kx_compressor *c);

/**
 * kx_compressor_compress(), but the result is written to @p dst (which has
 * kx_compressor_room() bytes) rather than left in the compressor: a
 * threaded caller keeps each page's result without copying it again.
 * The raw page is copied to @p dst when it is stored raw.
 */
struct kx_error *kx_compressor_compress_into(struct kx_compressor *c, const void *page,
					     void *dst, uint32_t *ret_size, uint32_t *ret_flags);

/** "none", "zlib", "lzo" or "zstd"; "unknown" otherwise. */
const char *kx_compress_method_name(enum kx_compress_method method);

#endif /* KX_COMPRESS_H */
