/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file decompress.h
 * Reading kernel and initrd files, transparently decompressing gzip, zstd,
 * xz and legacy lzma (upstream's slurp_decompress_file()), with size caps.
 *
 * The format is recognised by its magic bytes, never by the file name:
 * gzip 1f 8b, zstd 28 b5 2f fd, xz fd 37 7a 58 5a 00, lzma-alone 5d 00 00
 * (properties byte 0x5d and a dictionary size ≤ 1 GiB). Anything else is
 * returned as it is. A truncated or corrupt stream is an error naming the
 * file, not a silent fallback to the raw bytes.
 *
 * For kexec_file_load(2) of a compressed kernel the decompressed bytes go in
 * an anonymous memory file (memfd_create(2), sealed), never in /tmp.
 */
#ifndef KX_DECOMPRESS_H
#define KX_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** Compression formats. */
enum kx_compression {
	KX_COMPRESSION_NONE = 0,
	KX_COMPRESSION_GZIP,
	KX_COMPRESSION_ZSTD,
	KX_COMPRESSION_XZ,
	KX_COMPRESSION_LZMA,
};

/** Caps: a kernel image and an initrd, after decompression. */
static const size_t KX_DECOMPRESS_KERNEL_MAX = (size_t)512 << 20;
static const size_t KX_DECOMPRESS_INITRD_MAX = (size_t)4 << 30;

/** A file's contents. kx_file_data_deinit() frees it. */
struct kx_file_data {
	void *buf;                     /**< malloc'd bytes (decompressed) */
	size_t size;                   /**< bytes at buf */
	size_t file_size;              /**< bytes in the file */
	enum kx_compression format;    /**< how it was stored */
};

/** The format of @p buf by its magic. */
enum kx_compression kx_decompress_detect(const void *buf, size_t size);

/** "gzip", "zstd", "xz", "lzma", "none". */
const char *kx_compression_name(enum kx_compression format);

/**
 * Decompress @p in (one stream of @p format; concatenated gzip/xz members
 * and zstd frames are accepted).
 * @param name for messages. @param max_size cap on the output.
 * @param[out] ret_buf malloc'd; @param[out] ret_size.
 * @return KX_ERROR_CORRUPT "NAME: truncated gzip data" / "corrupt ...",
 *         KX_ERROR_OVERFLOW above @p max_size, KX_ERROR_NOMEM.
 */
struct kx_error *kx_decompress(enum kx_compression format, const void *in, size_t in_size,
			       size_t max_size, const char *name, void **ret_buf,
			       size_t *ret_size);

/**
 * Read @p path (a user's file, not under the root prefix), decompressing
 * when it is compressed.
 * @param max_size cap on both the file and the decompressed size.
 */
struct kx_error *kx_file_data_read(const char *path, size_t max_size,
				   struct kx_file_data *ret);

/** Free @p data's buffer. */
void kx_file_data_deinit(struct kx_file_data *data);

/**
 * An anonymous, sealed memory file holding @p size bytes of @p buf, for
 * kexec_file_load(2).
 * @param name shown in /proc/PID/fd ("kernel"). @param[out] ret_fd.
 */
struct kx_error *kx_decompress_memfd(const void *buf, size_t size, const char *name,
				     int *ret_fd);

#endif /* KX_DECOMPRESS_H */
