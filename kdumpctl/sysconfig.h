/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file sysconfig.h
 * /etc/sysconfig/kdump: shell-style variable assignments, read without a
 * shell.
 *
 * Upstream sources the file with bash. We accept the subset such files use:
 *  - blank lines and comments (`#` at the start of a word);
 *  - `NAME=value` and `export NAME=value`, NAME matching [A-Za-z_][A-Za-z0-9_]*;
 *  - values made of unquoted text, '…' (literal) and "…" (where `\"`, `\\`,
 *    `\$`, `` \` `` and backslash-newline are the escapes, as in sh) pieces,
 *    concatenated; quoted values may span lines; an unquoted backslash
 *    quotes the next character;
 *  - after the value, only blanks and a comment.
 * Anything that would make a shell run or expand something (`$`, `` ` ``,
 * `;`, `|`, `&`, `<`, `>`, `(`, `)` outside single quotes, a command
 * after the assignment) is KX_ERROR_UNSUPPORTED naming the file and line, as
 * is an unterminated quote: we never guess what a shell would do.
 *
 * A later assignment replaces an earlier one, as in sh.
 */
#ifndef KX_KDUMPCTL_SYSCONFIG_H
#define KX_KDUMPCTL_SYSCONFIG_H

#include <stddef.h>

#include "error.h"

struct kx_root;

/** The shipped path. */
#define KX_SYSCONFIG_PATH "/etc/sysconfig/kdump"

/** One variable. */
struct kx_sysconfig_var {
	char *name;  /**< owned */
	char *value; /**< owned, after quote removal */
};

/** The variables set by the file. Heap: _parse/_read and _destroy. */
struct kx_sysconfig {
	struct kx_sysconfig_var *vars; /**< in order of first assignment */
	size_t count;                  /**< variables in use */
	size_t cap;                    /**< allocated */
};

/**
 * Parse @p text (need not be NUL-terminated). Pure.
 * @param name for messages ("NAME: line N: ...").
 */
struct kx_error *kx_sysconfig_parse(const char *text, size_t size, const char *name,
				    struct kx_sysconfig **ret);

/**
 * Read @p path under @p root. A missing file gives an empty set (upstream
 * runs with its defaults then), not an error.
 */
struct kx_error *kx_sysconfig_read(const struct kx_root *root, const char *path,
				   struct kx_sysconfig **ret);

/** Free; NULL is a no-op. */
void kx_sysconfig_destroy(struct kx_sysconfig *sc);

/** The value of @p name, or NULL when the file does not set it. */
const char *kx_sysconfig_get(const struct kx_sysconfig *sc, const char *name);

/**
 * The value of @p name, or @p def when unset. kdumpctl's built-in defaults
 * are KDUMP_COMMANDLINE_REMOVE "hugepages hugepagesz slub_debug" (upstream)
 * and KDUMP_IMG "vmlinuz" (upstream has none and fails to find kernels
 * without the file; the reference asks us to fix that); see
 * kx_sysconfig_default().
 */
const char *kx_sysconfig_get_or(const struct kx_sysconfig *sc, const char *name,
				const char *def);

/** kdumpctl's built-in default for @p name, or "" when it has none. */
const char *kx_sysconfig_default(const char *name);

/** kx_sysconfig_get_or(sc, name, kx_sysconfig_default(name)). Never NULL. */
const char *kx_sysconfig_value(const struct kx_sysconfig *sc, const char *name);

#endif /* KX_KDUMPCTL_SYSCONFIG_H */
