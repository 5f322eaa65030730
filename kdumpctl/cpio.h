/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file cpio.h
 * An in-memory writer of the "newc" cpio archive the kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst):
 * each member is a 110-byte ASCII header (magic "070701" and thirteen
 * 8-digit hexadecimal fields: ino, mode, uid, gid, nlink, mtime, filesize,
 * devmajor, devminor, rdevmajor, rdevminor, namesize, check), the name with
 * its NUL, padding to 4 bytes, the data, padding to 4 bytes; the archive
 * ends with a member named "TRAILER!!!".
 *
 * Every member is owned by root with mtime 0, so the same inputs give the
 * same bytes. Names are written without a leading '/', as the kernel and
 * cpio(1) expect. Then kx_cpio_compress() wraps the whole archive.
 */
#ifndef KX_KDUMPCTL_CPIO_H
#define KX_KDUMPCTL_CPIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** An archive being written. Caller memory: kx_cpio_init()/kx_cpio_deinit(). */
struct kx_cpio {
	char *buf;     /**< the archive so far */
	size_t size;   /**< bytes in use */
	size_t cap;    /**< bytes allocated */
	uint32_t ino;  /**< the last inode number handed out */
	int finished;  /**< the trailer is written; nothing more may be added */
};

/** How the archive is compressed. */
enum kx_cpio_compression {
	KX_CPIO_NONE = 0,
	KX_CPIO_GZIP = 1,
	KX_CPIO_ZSTD = 2,
};

void kx_cpio_init(struct kx_cpio *cpio);
void kx_cpio_deinit(struct kx_cpio *cpio);

/**
 * Append a member.
 * @param name the path inside the archive (a leading '/' is dropped).
 * @param mode file type and permission bits (S_IFREG, S_IFDIR, S_IFLNK,
 *        S_IFCHR, S_IFBLK), as in st_mode.
 * @param data the file's contents, or the link's target for S_IFLNK; may be
 *        NULL when @p size is 0. Copied.
 * @param rdev_major, rdev_minor for device nodes; 0 otherwise.
 * @return KX_ERROR_INVALID_ARG for an empty name, a name or file over 4 GiB,
 *         or after kx_cpio_finish(); KX_ERROR_NOMEM.
 */
struct kx_error *kx_cpio_add(struct kx_cpio *cpio, const char *name, uint32_t mode,
			     const void *data, size_t size, uint32_t rdev_major,
			     uint32_t rdev_minor);

/** Write the trailer. Idempotent. */
struct kx_error *kx_cpio_finish(struct kx_cpio *cpio);

/**
 * Compress the finished archive.
 * @param[out] ret_buf malloc'd; @param[out] ret_size its length.
 * @return KX_ERROR_INVALID_ARG when the archive is not finished or the method
 *         is unknown; KX_ERROR_NOMEM; KX_ERROR_UNSUPPORTED when the library
 *         reports a failure.
 */
struct kx_error *kx_cpio_compress(const struct kx_cpio *cpio, enum kx_cpio_compression method,
				  char **ret_buf, size_t *ret_size);

/** "gzip", "zstd" or "none". */
const char *kx_cpio_compression_name(enum kx_cpio_compression method);

#endif /* KX_KDUMPCTL_CPIO_H */
