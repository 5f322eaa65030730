// SPDX-License-Identifier: GPL-2.0-only
// Per-window page filtering: see filter.h.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include "bitmap.h"
#include "filter.h"
#include "mem_map.h"
#include "vmcore.h"
#include "vmemmap.h"

// struct pages read at once (plus one, for a compound head's first tail).
enum { BATCH = 512 };

static bool needs_struct_pages(unsigned int level)
{
	return level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE | KX_DL_USER | KX_DL_FREE);
}

struct kx_error *kx_filter_init(struct kx_filter *f, struct kx_vmcore *vm, unsigned int level)
{
	*f = (struct kx_filter){ .vm = vm, .level = level };
	struct kx_error *err = kx_vmcore_enable_filtering(vm);
	if (err && needs_struct_pages(level))
		return kx_error_prefix(err, "dump level %u needs the kernel's page descriptors", level);
	f->no_struct_pages = err;
	f->use_struct_pages = !err;
	if (f->use_struct_pages) {
		f->batch = malloc((size_t)(BATCH + 1) * vm->layout.page_size);
		if (!f->batch)
			return &kx_enomem;
	}
	return NULL;
}

void kx_filter_deinit(struct kx_filter *f)
{
	free(f->batch);
	f->batch = NULL;
	kx_vmemmap_destroy(f->vmemmap);
	f->vmemmap = NULL;
	kx_error_destroy(f->no_struct_pages);
	f->no_struct_pages = NULL;
}

void kx_filter_rewind(struct kx_filter *f)
{
	f->carry_end = 0;
	f->next_start = 0;
}

// Upstream marks a PT_LOAD's partial last page (the x86 BIOS range ending at
// 0x9fc00) in the 1st bitmap only when it builds both bitmaps in one go,
// which makedumpfile 1.7.2 does when its buffer, max_mapnr * 2 / 8 bytes
// rounded down, holds both whole bitmaps and is at most 4 MiB: that is, when
// max_mapnr is a multiple of 8 (checked against real 1 GiB and 4 GiB
// captures). The bit is never in the 2nd bitmap either way, so readers see
// the same pages; copying the rule keeps our dumps byte-identical.
static bool upstream_marks_partial_page(uint64_t max_mapnr)
{
	return max_mapnr % 8 == 0 && max_mapnr / 4 <= (UINT64_C(4) << 20);
}

struct kx_error *kx_filter_present(const struct kx_filter *f, struct kx_bitmap *present)
{
	bool partial = !f->cyclic_bitmaps && upstream_marks_partial_page(f->vm->max_mapnr);
	return kx_vmcore_mark_present(f->vm, partial, present);
}

// Clear [first, end) in the window, counting the pfns that were dumpable.
static void exclude(struct kx_filter *f, struct kx_bitmap *bm, uint64_t first, uint64_t end,
		    enum kx_page_class cls, bool count)
{
	uint64_t stop = end < bm->start + bm->nr_bits ? end : bm->start + bm->nr_bits;
	if (count)
		for (uint64_t p = first; p < stop; p++)
			f->stats.excluded[cls] += kx_bitmap_test(bm, p);
	kx_bitmap_clear_range(bm, first, end);
}

// Classify the struct pages of [pfn, end), all in one section.
static void classify_batch(struct kx_filter *f, struct kx_bitmap *bm, uint64_t pfn,
			   uint64_t end, bool has_next, bool count)
{
	const struct kx_page_layout *l = &f->vm->layout;
	for (uint64_t p = pfn; p < end; p++) {
		if (p < f->carry_end || !kx_bitmap_test(bm, p))
			continue;
		const uint8_t *page = f->batch + (p - pfn) * l->page_size;
		const uint8_t *next = p + 1 < end || has_next ? page + l->page_size : NULL;
		struct kx_page_verdict v = kx_page_classify(l, page, next, p, f->level);
		if (count && v.bad_buddy_order)
			f->stats.bad_buddy_order++;
		if (!kx_page_class_excluded(v.cls))
			continue;
		exclude(f, bm, p, p + v.nr_pages, v.cls, count);
		f->carry_end = p + v.nr_pages;
		f->carry_cls = v.cls;
	}
}

// The first pfn after @pfn whose struct page starts in another page frame
// than @pfn's, at most @end.
static uint64_t frame_end(const struct kx_vmcore *vm, uint64_t pfn, uint64_t end)
{
	uint64_t va = kx_mem_map_page_vaddr(vm->mem_map, pfn);
	uint64_t left = vm->page_size - (va & (vm->page_size - 1));
	uint64_t n = (left + vm->layout.page_size - 1) / vm->layout.page_size;
	return n < end - pfn ? pfn + n : end;
}

// One batch of struct pages starting at the present pfn @pfn; *@ret_end
// is the pfn after it.
static struct kx_error *filter_batch(struct kx_filter *f, struct kx_bitmap *bm, uint64_t pfn,
				     bool count, uint64_t *ret_end)
{
	const struct kx_vmcore *vm = f->vm;
	uint64_t window_end = bm->start + bm->nr_bits;
	uint64_t section_end = kx_mem_map_section_end(vm->mem_map, pfn);
	uint64_t end = pfn + BATCH;
	if (end > window_end)
		end = window_end;
	if (end > section_end)
		end = section_end;
	// The first tail of a compound head at the batch's end is read too,
	// when it is in the same section.
	bool has_next = end < section_end && end < vm->max_mapnr;
	struct kx_error *err = kx_vmcore_read_struct_pages(vm, pfn, end - pfn + has_next, f->batch);
	// A dump made with -e lacks the vmemmap frames of pages it excluded,
	// which a batch may reach: then only the frame of @pfn's struct page.
	if (kx_error_is(err, KX_ERROR_FAULT) && vm->dd) {
		kx_error_destroy(err);
		end = frame_end(vm, pfn, end);
		has_next = false;
		err = kx_vmcore_read_struct_pages(vm, pfn, end - pfn, f->batch);
	}
	*ret_end = end;
	// Re-filtering a dump, upstream fails when a struct page is not in it
	// ("Can't read the buffer of struct page."): guessing would be worse.
	if (err && vm->dd && !kx_error_is(err, KX_ERROR_NODATA))
		return kx_error_prefix(err, "reading the struct pages of pfn %#" PRIx64, pfn);
	if (err) {
		// No usable struct pages: the pages stay in the dump.
		if (count && !kx_error_is(err, KX_ERROR_NODATA))
			f->stats.unreadable_struct_pages += end - pfn;
		kx_error_destroy(err);
		return NULL;
	}
	classify_batch(f, bm, pfn, end, has_next, count);
	return NULL;
}

struct kx_error *kx_filter_window(struct kx_filter *f, struct kx_bitmap *bm, bool count)
{
	if (bm->start != f->next_start)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "filter windows out of order: %#" PRIx64 " after %#" PRIx64,
				       bm->start, f->next_start);
	f->next_start = bm->start + bm->nr_bits;
	KX_TRY(kx_vmcore_mark_data(f->vm, bm));
	if (f->carry_end > bm->start)
		exclude(f, bm, bm->start, f->carry_end, f->carry_cls, count);
	if (f->use_struct_pages) {
		uint64_t end = bm->start + bm->nr_bits;
		for (uint64_t pfn = kx_bitmap_next_set(bm, bm->start); pfn < end;
		     pfn = kx_bitmap_next_set(bm, pfn))
			KX_TRY(filter_batch(f, bm, pfn, count, &pfn));
	}
	if (f->vmemmap) {
		uint64_t n = kx_vmemmap_apply(f->vmemmap, bm);
		if (count)
			f->stats.vmemmap += n;
	}
	return NULL;
}

// The decision pass of -e: every window filtered as the dump will be, but
// without the vmemmap frames, which are decided from it.
static struct kx_error *scan_vmemmap(struct kx_filter *f, struct kx_vmemmap *v,
				     struct kx_bitmap *present, struct kx_bitmap *kept,
				     uint64_t window)
{
	uint64_t max = f->vm->max_mapnr;
	for (uint64_t start = 0; start < max; start += window) {
		uint64_t len = max - start < window ? max - start : window;
		kx_bitmap_reset(present, start, len);
		KX_TRY(kx_filter_present(f, present));
		kx_bitmap_reset(kept, start, len);
		KX_TRY(kx_filter_window(f, kept, false));
		kx_vmemmap_note(v, present, kept);
	}
	kx_filter_rewind(f);
	return kx_vmemmap_resolve(v);
}

struct kx_error *kx_filter_exclude_vmemmap(struct kx_filter *f, uint64_t window)
{
	KX_CHECK(!f->vmemmap && f->next_start == 0, KX_ERROR_INVALID_ARG,
		 "-e must be set up before filtering");
	// kx_filter_init() let their absence pass at this level: not -e.
	KX_CHECK(f->use_struct_pages, KX_ERROR_UNSUPPORTED, "-e needs the kernel's page "
		 "descriptors: %s", f->no_struct_pages ? f->no_struct_pages->message : "?");
	struct kx_vmemmap *v;
	KX_TRY(kx_vmemmap_create(f->vm, &v));
	struct kx_bitmap present = { 0 }, kept = { 0 };
	struct kx_error *err = kx_bitmap_init(&present, window);
	if (!err)
		err = kx_bitmap_init(&kept, window);
	if (!err)
		err = scan_vmemmap(f, v, &present, &kept, window);
	kx_bitmap_deinit(&present);
	kx_bitmap_deinit(&kept);
	if (err) {
		kx_vmemmap_destroy(v);
		return err;
	}
	f->vmemmap = v;
	return NULL;
}
