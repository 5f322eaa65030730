/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file root.h
 * The root prefix: the one way the suite reads the running system.
 *
 * Every read of /proc, /sys, /boot and /etc goes through a struct kx_root, so
 * that tests point the tools at a fake tree such as
 * tests/data/roots/loongarch64-16g/ and run on any machine. An empty prefix
 * (or NULL) means the real root. Paths passed in are always absolute
 * system paths ("/proc/iomem"); the prefix is joined in front of them here and
 * nowhere else.
 *
 * Errors name the path actually opened, prefix included, so a failing test
 * shows which fake file is missing.
 */
#ifndef KX_ROOT_H
#define KX_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_root {
	/** Directory standing in for "/", without a trailing slash; NULL or "" = real root. */
	char *prefix;
};

/**
 * Initialize @p root with a copy of @p prefix (NULL or "" for the real root).
 * Trailing slashes are dropped. A relative prefix is accepted as given.
 */
struct kx_error *kx_root_init(struct kx_root *root, const char *prefix);

/** Release what kx_root_init() allocated. */
void kx_root_deinit(struct kx_root *root);

/**
 * Join the prefix and the absolute @p path.
 * @param[out] ret malloc'd result; caller frees.
 * @return KX_ERROR_INVALID_ARG when @p path is not absolute.
 */
struct kx_error *kx_root_path(const struct kx_root *root, const char *path, char **ret);

/** open(2) @p path under the root. @param[out] ret_fd the descriptor. */
struct kx_error *kx_root_open(const struct kx_root *root, const char *path,
			      int flags, int *ret_fd);

/**
 * Read the whole file @p path under the root into a NUL-terminated buffer.
 * @param max_size larger files are a KX_ERROR_OVERFLOW error.
 * @param[out] ret_buf caller frees. @param[out] ret_size may be NULL.
 */
struct kx_error *kx_root_read_file(const struct kx_root *root, const char *path,
				   size_t max_size, char **ret_buf, size_t *ret_size);

/**
 * Read a file holding one unsigned number (decimal, or hex with 0x), such as
 * /sys/kernel/kexec_crash_size. Surrounding whitespace is allowed; anything
 * else is KX_ERROR_CORRUPT naming the file.
 */
struct kx_error *kx_root_read_u64(const struct kx_root *root, const char *path,
				  uint64_t *ret);

/** True when @p path exists under the root (any file type). */
bool kx_root_exists(const struct kx_root *root, const char *path);

#endif /* KX_ROOT_H */
