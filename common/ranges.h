/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file ranges.h
 * A sorted set of physical address ranges.
 *
 * **Every range in the suite is half-open: [start, end).** `start` is the
 * first byte that belongs to the range and `end` is the first byte that does
 * not; the size is `end - start`. /proc/iomem prints inclusive ends, and the
 * iomem parser (iomem.h) converts them once; nowhere else may an end be
 * inclusive.
 *
 * The top of the 64-bit address space: an exclusive end cannot express
 * 2^64, so `end == UINT64_MAX` means "up to the top of the address space" and
 * the single byte at 0xffffffffffffffff is never a member of any set. Sources
 * that describe a range reaching that byte (an iomem line ending in
 * ffffffffffffffff) clamp its end to UINT64_MAX.
 *
 * Arithmetic is guarded: a `start + size` that would wrap is rejected with
 * KX_ERROR_OVERFLOW, never silently truncated.
 *
 * A set is pure: ranges carry no type. The array is kept sorted by start,
 * with no two ranges overlapping or touching (adjacent ranges are merged),
 * and no empty ranges. The struct lives in caller memory: kx_ranges_init()
 * / kx_ranges_deinit().
 */
#ifndef KX_RANGES_H
#define KX_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** One half-open range [start, end). */
struct kx_range {
	uint64_t start; /**< first byte in the range */
	uint64_t end;   /**< first byte after the range (exclusive) */
};

/**
 * A set of ranges. Read `ranges[0..count)` directly or through
 * kx_ranges_count() / kx_ranges_at(); modify only through kx_ranges_*().
 */
struct kx_ranges {
	struct kx_range *ranges; /**< sorted, disjoint, non-adjacent, non-empty */
	size_t count;            /**< number of ranges in use */
	size_t cap;              /**< allocated elements */
};

/** Whether a hole is searched from the bottom or from the top. */
enum kx_hole_fit {
	KX_HOLE_FIRST_FIT = 0, /**< lowest suitable address (upstream end > 0) */
	KX_HOLE_LAST_FIT = 1,  /**< highest suitable address (upstream end < 0) */
};

/**
 * What kx_ranges_find_hole() looks for: a block [base, base + size) with
 * base a multiple of @c align, lying inside one free range and inside
 * [min, max). Use min = 0 and max = UINT64_MAX for "no bound".
 *
 * Mapping upstream's locate_hole(size, align, min, max, end) with
 * --mem-min/--mem-max: min = MAX(mem_min, hole_min),
 * max = MIN(mem_max, hole_max) + 1 saturating at UINT64_MAX (upstream
 * bounds are inclusive),
 * align = MAX(align, page size), size already rounded up to the page size,
 * fit = end > 0 ? FIRST : LAST.
 */
struct kx_hole_request {
	uint64_t size;         /**< bytes needed; must be > 0 */
	uint64_t align;        /**< power of two (1 = no alignment) */
	uint64_t min;          /**< lowest allowed address of the block */
	uint64_t max;          /**< block must end at or below this (exclusive bound) */
	enum kx_hole_fit fit;  /**< lowest or highest placement */
};

/** Initialize an empty set in caller memory. Never fails; allocates nothing. */
void kx_ranges_init(struct kx_ranges *set);

/** Free the array of @p set and leave it empty (re-usable without init). */
void kx_ranges_deinit(struct kx_ranges *set);

/** Remove every range but keep the allocation. */
void kx_ranges_clear(struct kx_ranges *set);

/**
 * Make @p ret an independent copy of @p src.
 * @param[out] ret treated as uninitialized; on success the caller owns it and
 *             must kx_ranges_deinit() it. Untouched on failure.
 */
struct kx_error *kx_ranges_copy(const struct kx_ranges *src, struct kx_ranges *ret);

/**
 * Build the range [start, start + size), rejecting wrap-around.
 * @return KX_ERROR_OVERFLOW when start + size exceeds UINT64_MAX.
 */
struct kx_error *kx_range_from_size(uint64_t start, uint64_t size, struct kx_range *ret);

/**
 * Add [start, end) to the set, merging it with every range it overlaps or
 * touches. An empty range (start == end) is a no-op.
 * @return KX_ERROR_INVALID_ARG when start > end; KX_ERROR_NOMEM. On failure
 *         the set is unchanged.
 */
struct kx_error *kx_ranges_add(struct kx_ranges *set, uint64_t start, uint64_t end);

/** kx_ranges_add() of [start, start + size); KX_ERROR_OVERFLOW on wrap. */
struct kx_error *kx_ranges_add_size(struct kx_ranges *set, uint64_t start, uint64_t size);

/** Add every range of @p other to @p set (union). On failure @p set is unchanged. */
struct kx_error *kx_ranges_add_set(struct kx_ranges *set, const struct kx_ranges *other);

/**
 * Remove [start, end) from the set; a range straddling it is split in two.
 * @return KX_ERROR_INVALID_ARG when start > end; KX_ERROR_NOMEM (only when a
 *         split needs room). On failure the set is unchanged.
 */
struct kx_error *kx_ranges_exclude(struct kx_ranges *set, uint64_t start, uint64_t end);

/** Remove every range of @p other from @p set. On failure @p set is unchanged. */
struct kx_error *kx_ranges_exclude_set(struct kx_ranges *set, const struct kx_ranges *other);

/**
 * Keep only the parts of @p set that lie inside [start, end).
 * @return KX_ERROR_INVALID_ARG when start > end. Never allocates.
 */
struct kx_error *kx_ranges_intersect_range(struct kx_ranges *set, uint64_t start,
					   uint64_t end);

/**
 * Keep only the parts of @p set that are also in @p other.
 * @return KX_ERROR_NOMEM; on failure @p set is unchanged.
 */
struct kx_error *kx_ranges_intersect(struct kx_ranges *set, const struct kx_ranges *other);

/**
 * Shrink every range inward to multiples of @p align (start rounded up, end
 * rounded down) and drop ranges that become empty. Use this to keep only
 * whole pages.
 * @return KX_ERROR_INVALID_ARG when @p align is not a power of two.
 */
struct kx_error *kx_ranges_align_inward(struct kx_ranges *set, uint64_t align);

/**
 * Grow every range outward to multiples of @p align (start rounded down, end
 * rounded up) and merge what now touches. An end that would round past the
 * top of the address space is clamped to UINT64_MAX (see the file comment).
 * @return KX_ERROR_INVALID_ARG when @p align is not a power of two.
 */
struct kx_error *kx_ranges_align_outward(struct kx_ranges *set, uint64_t align);

/** Sum of the sizes of all ranges (cannot overflow: the ranges are disjoint). */
uint64_t kx_ranges_total_size(const struct kx_ranges *set);

/** Number of ranges. */
size_t kx_ranges_count(const struct kx_ranges *set);

/**
 * The range at @p index (0 = lowest), or NULL when out of bounds. The pointer
 * is valid until the set is next modified.
 */
const struct kx_range *kx_ranges_at(const struct kx_ranges *set, size_t index);

/** True when all of [start, end) lies inside the set (an empty range: true). */
bool kx_ranges_contains(const struct kx_ranges *set, uint64_t start, uint64_t end);

/** True when some byte of [start, end) lies inside the set. */
bool kx_ranges_overlaps(const struct kx_ranges *set, uint64_t start, uint64_t end);

/**
 * Find room for a block in a set of **free** ranges.
 *
 * @p free holds the memory that may be used, not what is occupied: build it
 * as "usable RAM" minus "occupied" with kx_ranges_exclude_set() first. This
 * keeps the finder a pure function of one set, and lets callers reuse the
 * free set for several placements (exclude each placed block as they go).
 *
 * @param[out] ret base address of the block (a multiple of req->align, with
 *             [base, base + size) inside one range of @p free and inside
 *             [req->min, req->max)).
 * @return KX_ERROR_INVALID_ARG when size is 0, align is not a power of two
 *         or min > max; KX_ERROR_NOSPACE when nothing fits.
 */
struct kx_error *kx_ranges_find_hole(const struct kx_ranges *free,
				     const struct kx_hole_request *req, uint64_t *ret);

#endif /* KX_RANGES_H */
