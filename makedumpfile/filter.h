/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file filter.h
 * Deciding, one window of pfns at a time, which page frames exist (the 1st
 * bitmap) and which go into the dump (the 2nd bitmap).
 *
 * The same window classified twice gives the same answer: the counting pass
 * and the writing pass of makedumpfile depend on that. Exclusion ranges
 * (a free block, a compound page) that run past a window's end are carried
 * into the next window, so windows must be visited in ascending order.
 */
#ifndef KX_FILTER_H
#define KX_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "page_class.h"
#include "vtop.h"

struct kx_bitmap;
struct kx_vmcore;
struct kx_vmemmap;

/** What filtering removed, in pages, as --show-stats reports it. */
struct kx_filter_stats {
	uint64_t excluded[KX_PAGE_OFFLINE + 1];
	/** Buddy pages with an impossible order (kept). */
	uint64_t bad_buddy_order;
	/** Present pages whose struct page could not be read (kept). */
	uint64_t unreadable_struct_pages;
	/** Vmemmap frames -e left out (vmemmap.h). */
	uint64_t vmemmap;
};

struct kx_filter {
	const struct kx_vmcore *vm;
	unsigned int level;
	/** Whether struct pages are consulted (false: only -d 0/1 without mem_map). */
	bool use_struct_pages;
	/** Why they are not, when they are not; owned. */
	struct kx_error *no_struct_pages;
	/**
	 * Build the 1st bitmap as upstream's cyclic path does, without a
	 * PT_LOAD's partial last page. Upstream always takes that path with
	 * --split (it divides its bitmap buffer among the files); set it after
	 * kx_filter_init().
	 */
	bool cyclic_bitmaps;
	/**
	 * Threads to classify a window with (ELF input only; 0 or 1: this
	 * thread). The result does not depend on it. Set after kx_filter_init().
	 */
	unsigned int threads;
	/** Where windows are cut for threads: a multiple of 8 (see filter.c). */
	uint64_t split_align;
	/** An exclusion running on past the previous window: [.., carry_end). */
	uint64_t carry_end;
	enum kx_page_class carry_cls;
	/** Window start expected next, to enforce ascending order. */
	uint64_t next_start;
	uint8_t *batch;
	/** struct pages to read next (0: the fewest; see filter.c). */
	unsigned int batch_len;
	/** The vmemmap mapping the last batch was read from. */
	struct kx_vtop_hint hint;
	/** -e: the vmemmap frames every window leaves out too; NULL without -e. */
	struct kx_vmemmap *vmemmap;
	struct kx_filter_stats stats;
};

/**
 * Prepare to filter @p vm at dump level @p level. Levels that exclude by
 * page type (2, 4, 8, 16) need the struct pages: then their absence is an
 * error saying why. At -d 0 and 1 struct pages are used when available (to
 * drop hwpoisoned and offline pages, as upstream does) and skipped when not.
 */
struct kx_error *kx_filter_init(struct kx_filter *f, struct kx_vmcore *vm, unsigned int level);
void kx_filter_deinit(struct kx_filter *f);

/**
 * -e: find the vmemmap frames that hold only struct pages of pfns this
 * filter excludes (see vmemmap.h), by filtering every window of @p window
 * pfns once now, and leave them out of every window filtered from then on.
 * Call before the first kx_filter_window().
 * @return NULL; KX_ERROR_UNSUPPORTED when the vmcore has no usable struct
 *         pages, is not x86_64 or has no virtual mem_map; errors filtering
 *         or walking the page tables.
 */
struct kx_error *kx_filter_exclude_vmemmap(struct kx_filter *f, uint64_t window);

/** Start again from pfn 0 (a second pass), clearing the carry, not the stats. */
void kx_filter_rewind(struct kx_filter *f);

/**
 * Fill @p present (already reset to its window) with the pfns some PT_LOAD
 * covers: the 1st bitmap. A partial last page counts as upstream's choice
 * of bitmap path has it (see filter.c). A re-filtered dump's 1st bitmap is
 * copied. @return NULL or an error reading the dump.
 */
struct kx_error *kx_filter_present(const struct kx_filter *f, struct kx_bitmap *present);

/**
 * Fill @p dumpable (already reset to the window of the next call) with the
 * present pfns that the dump level keeps; a partial last page of a PT_LOAD
 * is never dumped, nor a page a re-filtered dump does not hold, nor (with
 * -e) a vmemmap frame kx_filter_exclude_vmemmap() chose. Zero pages are
 * kept: the kdump-compressed writer shares one zero page among them.
 * @param count_stats add what is excluded to the statistics (do it in one
 *        pass only).
 */
struct kx_error *kx_filter_window(struct kx_filter *f, struct kx_bitmap *dumpable,
				  bool count_stats);

#endif /* KX_FILTER_H */
