/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file bitmap.h
 * A window of the pfn bitmaps: one bit per page frame for pfns
 * [start, start + nr_bits), stored as the kdump-compressed file stores it
 * (bit for pfn p at byte p / 8, bit p % 8, least significant first), so a
 * window's bytes are written to the file as they are.
 *
 * makedumpfile works on one window (a "cycle") at a time, which is what
 * keeps its memory bounded whatever the size of the vmcore.
 */
#ifndef KX_BITMAP_H
#define KX_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_bitmap {
	/** First pfn of the window; a multiple of 8. */
	uint64_t start;
	/** Pfns in the window. */
	uint64_t nr_bits;
	uint8_t *bits;
	/** Bytes allocated (nr_bits may shrink for the last window). */
	size_t cap;
};

/** Allocate room for windows of @p max_bits pfns (a multiple of 8, > 0). */
struct kx_error *kx_bitmap_init(struct kx_bitmap *bm, uint64_t max_bits);
void kx_bitmap_deinit(struct kx_bitmap *bm);

/** Point the window at [@p start, @p start + @p nr_bits) and clear it. */
void kx_bitmap_reset(struct kx_bitmap *bm, uint64_t start, uint64_t nr_bits);

/** Bytes of the window as they go to the file: ceil(nr_bits / 8). */
static inline size_t kx_bitmap_bytes(const struct kx_bitmap *bm)
{
	return (size_t)((bm->nr_bits + 7) / 8);
}

static inline bool kx_bitmap_test(const struct kx_bitmap *bm, uint64_t pfn)
{
	uint64_t i = pfn - bm->start;
	return pfn >= bm->start && i < bm->nr_bits && (bm->bits[i / 8] >> (i % 8)) & 1;
}

/** Set the bits of pfns [@p first, @p end), clipped to the window. */
void kx_bitmap_set_range(struct kx_bitmap *bm, uint64_t first, uint64_t end);

/** Clear the bits of pfns [@p first, @p end), clipped to the window. */
void kx_bitmap_clear_range(struct kx_bitmap *bm, uint64_t first, uint64_t end);

/** Number of set bits in the window. */
uint64_t kx_bitmap_count(const struct kx_bitmap *bm);

/** Number of set bits for pfns [@p first, @p end), clipped to the window. */
uint64_t kx_bitmap_count_range(const struct kx_bitmap *bm, uint64_t first, uint64_t end);

/**
 * The first set pfn at or after @p pfn inside the window, or the window's
 * end when there is none. Skips clear bytes eight pfns at a time.
 */
uint64_t kx_bitmap_next_set(const struct kx_bitmap *bm, uint64_t pfn);

#endif /* KX_BITMAP_H */
