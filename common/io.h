/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file io.h
 * Whole-buffer I/O: loops that survive EINTR and short transfers, at 64-bit
 * offsets, with errors that carry the file name.
 *
 * Every function takes the @p path the descriptor was opened from, used only
 * for error messages (it may be NULL).
 */
#ifndef KX_IO_H
#define KX_IO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/**
 * Read up to @p size bytes, stopping early only at end of file.
 * @param[out] ret_done bytes actually read (less than @p size only at EOF).
 */
struct kx_error *kx_io_read(int fd, void *buf, size_t size, const char *path,
			    size_t *ret_done);

/** Read exactly @p size bytes; end of file first is a KX_ERROR_CORRUPT "short read". */
struct kx_error *kx_io_read_full(int fd, void *buf, size_t size, const char *path);

/** Write all of @p size bytes. ENOSPC is reported as KX_ERROR_NOSPACE. */
struct kx_error *kx_io_write_full(int fd, const void *buf, size_t size, const char *path);

/** pread() exactly @p size bytes at @p offset; EOF first is KX_ERROR_CORRUPT. */
struct kx_error *kx_io_pread_full(int fd, void *buf, size_t size, uint64_t offset,
				  const char *path);

/** pwrite() all of @p size bytes at @p offset. ENOSPC is KX_ERROR_NOSPACE. */
struct kx_error *kx_io_pwrite_full(int fd, const void *buf, size_t size,
				   uint64_t offset, const char *path);

/**
 * Read from @p fd until end of file into a new NUL-terminated buffer. Files
 * in /proc and /sys report size 0, so this never trusts st_size.
 * @param max_size files larger than this are a KX_ERROR_OVERFLOW error.
 * @param[out] ret_buf malloc'd contents plus a terminating NUL; caller frees.
 * @param[out] ret_size bytes read, not counting the NUL.
 */
struct kx_error *kx_io_slurp(int fd, size_t max_size, const char *path,
			     char **ret_buf, size_t *ret_size);

/**
 * mkdir -p: create @p path (absolute) and its missing parents, mode 0755
 * like mkdir(1). @p path is modified while working and restored.
 * @return NULL, or KX_ERROR_OS naming the directory that could not be made.
 */
struct kx_error *kx_io_mkdirs(char *path);

#endif /* KX_IO_H */
