// SPDX-License-Identifier: GPL-2.0-only
// Split planning: see split.h.
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>

#include "bitmap.h"
#include "split.h"

struct kx_error *kx_split_plan_init(struct kx_split_plan *plan, uint64_t max_mapnr,
				    uint64_t block_bytes, uint64_t page_size)
{
	if (!block_bytes)
		block_bytes = KX_SPLIT_DEFAULT_BLOCK_BYTES;
	KX_CHECK(page_size && block_bytes % page_size == 0, KX_ERROR_INVALID_ARG,
		 "The splitblock size must be align to page_size.");
	uint64_t block_pfns = block_bytes / page_size;
	uint64_t nr_blocks = max_mapnr / block_pfns + (max_mapnr % block_pfns != 0);
	uint64_t *counts = calloc(nr_blocks ? (size_t)nr_blocks : 1, sizeof(*counts));
	if (!counts)
		return &kx_enomem;
	*plan = (struct kx_split_plan){ .max_mapnr = max_mapnr, .block_pfns = block_pfns,
					.nr_blocks = (size_t)nr_blocks, .counts = counts };
	return NULL;
}

void kx_split_plan_deinit(struct kx_split_plan *plan)
{
	free(plan->counts);
	plan->counts = NULL;
}

void kx_split_plan_count(struct kx_split_plan *plan, const struct kx_bitmap *dumpable)
{
	uint64_t end = dumpable->start + dumpable->nr_bits;
	// A window may start or end inside a splitblock: count each overlap.
	for (uint64_t pfn = dumpable->start; pfn < end;) {
		uint64_t block = pfn / plan->block_pfns;
		uint64_t stop = (block + 1) * plan->block_pfns;
		if (stop > end)
			stop = end;
		if (block < plan->nr_blocks)
			plan->counts[block] += kx_bitmap_count_range(dumpable, pfn, stop);
		pfn = stop;
	}
}

void kx_split_plan_ranges(const struct kx_split_plan *plan, uint64_t num_dumpable,
			  size_t nr_files, struct kx_split_range *ret)
{
	uint64_t per_file = num_dumpable / nr_files;
	size_t block = 0;
	uint64_t start = 0;
	for (size_t i = 0; i < nr_files; i++) {
		uint64_t end = start, pages = 0;
		bool last = i + 1 == nr_files;
		while (block < plan->nr_blocks && (last || pages < per_file)) {
			end += plan->block_pfns;
			pages += plan->counts[block++];
		}
		if (last || end > plan->max_mapnr)
			end = plan->max_mapnr;
		ret[i] = (struct kx_split_range){ .start = start, .end = end, .pages = pages };
		start = end;
	}
}
