/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file iomem.h
 * /proc/iomem parsed into a tree of named physical ranges.
 *
 * Input format, one resource per line, as the kernel prints it:
 *
 *     <indent><start>-<end> : <name>
 *
 * where the indent is two spaces per nesting level, start and end are hex
 * (no 0x, at most 16 digits) and **end is inclusive**. The name is the rest of
 * the line and may contain spaces, colons and parentheses.
 *
 * This parser is the one place where the inclusive end is converted: every
 * entry's `end` here is exclusive, as everywhere in the suite (ranges.h).
 * An inclusive end of ffffffffffffffff cannot become 2^64, so it is clamped
 * to UINT64_MAX, the "up to the top" convention of ranges.h.
 *
 * Checked and rejected as KX_ERROR_CORRUPT, with "line N:" in the message:
 * malformed lines, bad or over-long (17+ digit) hex, start > end, odd
 * indentation, a child more than one level deeper than its parent, a child
 * outside its parent's range, NUL bytes, and empty lines other than the final
 * newline. A listing whose addresses are all zero (what an unprivileged
 * reader sees) is KX_ERROR_UNSUPPORTED.
 */
#ifndef KX_IOMEM_H
#define KX_IOMEM_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ranges.h"

struct kx_root;

/** One resource line. All fields are read-only for users. */
struct kx_iomem_entry {
	uint64_t start;                     /**< first byte */
	uint64_t end;                       /**< exclusive end (clamped, see above) */
	const char *name;                   /**< NUL-terminated, owned by the tree */
	unsigned int depth;                 /**< 0 for top-level lines */
	unsigned int line;                  /**< 1-based line number in the input */
	struct kx_iomem_entry *parent;      /**< NULL at depth 0 */
	struct kx_iomem_entry *first_child; /**< NULL for leaves */
	struct kx_iomem_entry *next_sibling; /**< next entry with the same parent */
};

/**
 * A parsed listing. `entries[0..count)` are in input order, which is a
 * pre-order walk of the tree; entries[0] (if any) is the first top-level
 * entry, and top-level entries are chained by next_sibling.
 */
struct kx_iomem {
	struct kx_iomem_entry *entries; /**< count entries, input order */
	size_t count;                   /**< number of entries */
	char *text;                     /**< private copy holding the names */
};

/**
 * Parse /proc/iomem text. Pure: no I/O.
 * @param text  the listing; need not be NUL-terminated.
 * @param size  bytes in @p text.
 * @param name  what to call the input in error messages (e.g. the path).
 * @param[out] ret new tree; free with kx_iomem_destroy(). Untouched on failure.
 * @return KX_ERROR_CORRUPT for malformed input (message "NAME: line N: ..."),
 *         KX_ERROR_UNSUPPORTED when addresses are hidden, KX_ERROR_NOMEM.
 */
struct kx_error *kx_iomem_parse(const char *text, size_t size, const char *name,
				struct kx_iomem **ret);

/**
 * Read and parse /proc/iomem under @p root (kx_root_read_file()). Errors name
 * the file actually read, root prefix included.
 * @param[out] ret new tree; free with kx_iomem_destroy().
 */
struct kx_error *kx_iomem_read(const struct kx_root *root, struct kx_iomem **ret);

/** Free a tree. NULL is a no-op. */
void kx_iomem_destroy(struct kx_iomem *iomem);

/** Number of entries (all depths). */
size_t kx_iomem_count(const struct kx_iomem *iomem);

/** Entry @p index in input (pre-order) order, or NULL when out of bounds. */
const struct kx_iomem_entry *kx_iomem_at(const struct kx_iomem *iomem, size_t index);

/** First top-level entry, or NULL for an empty listing. Walk with next_sibling. */
const struct kx_iomem_entry *kx_iomem_first(const struct kx_iomem *iomem);

/**
 * Next entry named exactly @p name (case-sensitive) after @p prev in input
 * order, at any depth; @p prev NULL starts from the beginning. NULL when
 * there is none. Use this when individual entries matter, e.g. to tell a
 * low crash kernel region from a high one.
 */
const struct kx_iomem_entry *kx_iomem_find_next(const struct kx_iomem *iomem,
						const struct kx_iomem_entry *prev,
						const char *name);

/**
 * The union of all entries named exactly @p name (case-sensitive), at any
 * depth, as a set.
 * @param[out] ret treated as uninitialized; on success the caller owns it and
 *             must kx_ranges_deinit() it. It may be empty. Untouched on failure.
 */
struct kx_error *kx_iomem_find_ranges(const struct kx_iomem *iomem, const char *name,
				      struct kx_ranges *ret);

/**
 * All "System RAM" entries at any depth. The samples only show them at the
 * top level, but some platforms nest them (under a firmware or NUMA node
 * resource); taking every depth is harmless because the set merges overlaps.
 * "System RAM (kmem)" (hot-plugged dax memory) is a different name and is
 * not included. Empty result: KX_ERROR_NOT_FOUND.
 * @param[out] ret as for kx_iomem_find_ranges().
 */
struct kx_error *kx_iomem_system_ram(const struct kx_iomem *iomem, struct kx_ranges *ret);

/**
 * All "Crash kernel" entries at any depth: nested under System RAM on current
 * kernels, top-level on LoongArch 6.7 and older x86, and two of them with
 * crashkernel=X,high plus a low region. May be empty (no crashkernel=).
 * @param[out] ret as for kx_iomem_find_ranges().
 */
struct kx_error *kx_iomem_crash_kernel(const struct kx_iomem *iomem, struct kx_ranges *ret);

/**
 * The running kernel's image: the union of "Kernel code", "Kernel rodata",
 * "Kernel data" and "Kernel bss". Empty result: KX_ERROR_NOT_FOUND.
 * @param[out] ret as for kx_iomem_find_ranges().
 */
struct kx_error *kx_iomem_kernel_image(const struct kx_iomem *iomem, struct kx_ranges *ret);

#endif /* KX_IOMEM_H */
