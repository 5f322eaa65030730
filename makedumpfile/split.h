/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file split.h
 * Planning --split: which pfn range each of N dump files holds.
 *
 * Memory is cut into splitblocks of --splitblock-size bytes (1 GiB by
 * default). Pass 1 counts the dumpable pages of each splitblock (one
 * counter per splitblock, so memory stays small whatever the dump level);
 * then, as upstream makedumpfile does, file i takes whole splitblocks from
 * where file i-1 ended until it holds at least num_dumpable / N pages, and
 * the last file runs to max_mapnr. Files past the last splitblock get an
 * empty range at max_mapnr.
 */
#ifndef KX_SPLIT_H
#define KX_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_bitmap;

/** Upstream's default --splitblock-size: 1 GiB. */
#define KX_SPLIT_DEFAULT_BLOCK_BYTES (UINT64_C(1) << 30)

struct kx_split_plan {
	uint64_t max_mapnr;
	/** Pfns per splitblock. */
	uint64_t block_pfns;
	size_t nr_blocks;
	/** Dumpable pages per splitblock (at most block_pfns <= 2^32 each). */
	uint64_t *counts;
};

/** The pfns one split file holds: [start, end), @p pages of them dumpable. */
struct kx_split_range {
	uint64_t start, end;
	uint64_t pages;
};

/**
 * Prepare counters for splitblocks of @p block_bytes (0: the default) over
 * @p max_mapnr pfns of @p page_size bytes.
 * @return KX_ERROR_INVALID_ARG (upstream's wording) when @p block_bytes is
 *   not a multiple of the page size; &kx_enomem.
 */
struct kx_error *kx_split_plan_init(struct kx_split_plan *plan, uint64_t max_mapnr,
				    uint64_t block_bytes, uint64_t page_size);
void kx_split_plan_deinit(struct kx_split_plan *plan);

/** Add the set bits of @p dumpable (a window of the 2nd bitmap) to the counters. */
void kx_split_plan_count(struct kx_split_plan *plan, const struct kx_bitmap *dumpable);

/**
 * Cut memory into @p nr_files ranges (see the file comment), given
 * @p num_dumpable, the total of the counters.
 * @param ret array of @p nr_files ranges.
 */
void kx_split_plan_ranges(const struct kx_split_plan *plan, uint64_t num_dumpable,
			  size_t nr_files, struct kx_split_range *ret);

#endif /* KX_SPLIT_H */
