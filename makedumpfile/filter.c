// SPDX-License-Identifier: GPL-2.0-only
// Per-window page filtering: see filter.h.
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "filter.h"
#include "mem_map.h"
#include "thread.h"
#include "vmcore.h"
#include "vmemmap.h"

// struct pages read at once (plus one, for a compound head's first tail):
// from MIN_BATCH, doubling up to BATCH while the pages come one after the
// other, back to MIN_BATCH after a free block or hole was skipped. Free
// memory is mostly buddy blocks of 2^10 pages whose head says how long they
// are: reading a whole 512 for them read 16 times the struct pages needed.
enum { MIN_BATCH = 64, BATCH = 512 };
// Windows filtered by threads: where they are cut, in how many parts at most.
// Parts per thread: the struct pages of used memory (kernel, caches) take
// several times longer to classify than those of free memory, skipped a
// buddy block at a time, and used memory gathers in a few places: on the
// 4 GiB capture one eighth of the pfns took 10-13 ms and each other eighth
// 1-2 ms, so with 4 parts per thread one thread ran alone for 10 ms. With
// 16, threads take parts of 128 MiB in turn and end within a part of each
// other (the pass went from 19-26 ms to 13-14 ms on two threads).
enum { SPLIT_ALIGN = 1 << 18, MIN_SPLIT_ALIGN = 1 << 14, MAX_PARTS = 64, PARTS_PER_THREAD = 16 };
_Static_assert(MIN_SPLIT_ALIGN % 8 == 0, "parts share no bitmap byte");

static bool needs_struct_pages(unsigned int level)
{
	return level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE | KX_DL_USER | KX_DL_FREE);
}

struct kx_error *kx_filter_init(struct kx_filter *f, struct kx_vmcore *vm, unsigned int level)
{
	*f = (struct kx_filter){ .vm = vm, .level = level, .split_align = SPLIT_ALIGN };
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
	if (count)
		f->stats.excluded[cls] += kx_bitmap_count_range(bm, first, end);
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
	uint64_t end = pfn + (f->batch_len ? f->batch_len : MIN_BATCH);
	if (end > window_end)
		end = window_end;
	if (end > section_end)
		end = section_end;
	// The first tail of a compound head at the batch's end is read too,
	// when it is in the same section.
	bool has_next = end < section_end && end < vm->max_mapnr;
	struct kx_error *err = kx_vmcore_read_struct_pages(vm, &f->hint, pfn, end - pfn + has_next, f->batch);
	// A dump made with -e lacks the vmemmap frames of pages it excluded,
	// which a batch may reach: then only the frame of @pfn's struct page.
	if (kx_error_is(err, KX_ERROR_FAULT) && vm->dd) {
		kx_error_destroy(err);
		end = frame_end(vm, pfn, end);
		has_next = false;
		err = kx_vmcore_read_struct_pages(vm, &f->hint, pfn, end - pfn, f->batch);
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

// The pages of the window in @bm by their struct pages, in pfn order.
static struct kx_error *classify(struct kx_filter *f, struct kx_bitmap *bm, bool count)
{
	uint64_t end = bm->start + bm->nr_bits;
	for (uint64_t pfn = kx_bitmap_next_set(bm, bm->start), done; pfn < end;) {
		KX_TRY(filter_batch(f, bm, pfn, count, &done));
		pfn = kx_bitmap_next_set(bm, done);
		bool dense = pfn == done && f->batch_len < BATCH;
		f->batch_len = dense ? (f->batch_len ? 2 * f->batch_len : 2 * MIN_BATCH)
				     : pfn == done ? BATCH : MIN_BATCH;
	}
	return NULL;
}

// With threads, a window is classified in parts cut at pfns aligned to
// split_align (SPLIT_ALIGN but in tests). Free buddy blocks and compound
// pages are naturally aligned and at most 2^18 pages (an x86 1 GiB hugetlb
// page), so they never cross such a boundary and each part's answer is the
// one a single pass gives. A window too small to give every thread 2^18
// pfns (a machine of a few GiB) is cut finer, down to MIN_SPLIT_ALIGN: only
// its 1 GiB pages can cross those cuts (buddy blocks, THP and PMD hugetlb
// pages are at most 2^13 pages on every supported configuration, 64 KiB
// LoongArch pages being the largest). What crosses a cut (such a page, or
// a corrupt struct page) is noticed by its carry and the window is
// classified again in one go. Only ELF input:
// reading it is pread on a shared descriptor; a re-filtered dump's reader
// keeps state.

// Cut @bm into parts for f->threads threads; bounds[0..n] with n returned.
static unsigned int split_window(const struct kx_filter *f, const struct kx_bitmap *bm,
				 uint64_t *bounds)
{
	uint64_t end = bm->start + bm->nr_bits;
	unsigned int want = f->threads < 2 ? 1
			    : f->threads < MAX_PARTS / PARTS_PER_THREAD ? f->threads * PARTS_PER_THREAD
									: MAX_PARTS;
	unsigned int n = 0;
	uint64_t align = f->split_align;
	while (align > MIN_SPLIT_ALIGN && want && bm->nr_bits / want < align)
		align /= 2;
	bounds[0] = bm->start;
	if (f->vm->core && !f->vm->dd)
		for (unsigned int i = 1; i < want; i++) {
			// The nearest cut to an even share, not the one below it.
			uint64_t b = (bm->start + bm->nr_bits / want * i + align / 2) / align * align;
			if (b > bounds[n] && b < end)
				bounds[++n] = b;
		}
	bounds[++n] = end;
	return n;
}

struct part {
	struct kx_filter f;  // a copy with its own batch, stats and carry
	struct kx_bitmap bm; // a view of the window's bytes
	bool count;
	struct kx_error *err;
};

// The parts of a window, taken in turn by the threads.
struct part_queue {
	struct part *parts;
	unsigned int n;
	atomic_uint next;
};

static void *run_queue(void *arg)
{
	struct part_queue *q = arg;
	for (unsigned int i; (i = atomic_fetch_add(&q->next, 1)) < q->n;)
		q->parts[i].err = classify(&q->parts[i].f, &q->parts[i].bm, q->parts[i].count);
	return NULL;
}

static struct kx_error *init_part(const struct kx_filter *f, const struct kx_bitmap *bm,
				  uint64_t first, uint64_t end, bool count, struct part *pt)
{
	pt->f = *f;
	pt->f.stats = (struct kx_filter_stats){ 0 };
	pt->f.vmemmap = NULL;
	pt->f.no_struct_pages = NULL;
	if (first != bm->start)
		pt->f.carry_end = 0;
	pt->f.batch = malloc((size_t)(BATCH + 1) * f->vm->layout.page_size);
	// first - bm->start is a multiple of the alignment, so of 8: the parts
	// share no byte.
	pt->bm = (struct kx_bitmap){ .start = first, .nr_bits = end - first,
				     .bits = bm->bits + (first - bm->start) / 8 };
	pt->count = count;
	return pt->f.batch ? NULL : &kx_enomem;
}

static void add_stats(struct kx_filter_stats *to, const struct kx_filter_stats *from)
{
	for (size_t i = 0; i < sizeof(to->excluded) / sizeof(to->excluded[0]); i++)
		to->excluded[i] += from->excluded[i];
	to->bad_buddy_order += from->bad_buddy_order;
	to->unreadable_struct_pages += from->unreadable_struct_pages;
	to->vmemmap += from->vmemmap;
}

// Run the parts on up to @threads threads, this one included; the first
// error in pfn order. A thread that cannot be started only leaves more
// parts to the others.
static struct kx_error *run_parts(struct part *parts, unsigned int n, unsigned int threads)
{
	struct part_queue q = { .parts = parts, .n = n };
	atomic_init(&q.next, 0);
	pthread_t helpers[MAX_PARTS];
	unsigned int started = 0;
	while (started + 1 < threads && started + 1 < n &&
	       !kx_thread_create(&helpers[started], run_queue, &q))
		started++;
	run_queue(&q);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(helpers[i], NULL);
	struct kx_error *err = NULL;
	for (unsigned int i = 0; i < n; i++) {
		if (!err) {
			err = parts[i].err;
			parts[i].err = NULL;
		}
		kx_error_destroy(parts[i].err);
	}
	return err;
}

static struct kx_error *classify_parallel(struct kx_filter *f, struct kx_bitmap *bm, bool count,
					  const uint64_t *bounds, unsigned int n)
{
	struct part *parts = calloc(n, sizeof(*parts));
	size_t bytes = kx_bitmap_bytes(bm);
	uint8_t *saved = malloc(bytes);
	struct kx_error *err = saved && parts ? NULL : &kx_enomem;
	for (unsigned int i = 0; i < n && !err; i++)
		err = init_part(f, bm, bounds[i], bounds[i + 1], count, &parts[i]);
	if (!err) {
		memcpy(saved, bm->bits, bytes);
		err = run_parts(parts, n, f->threads);
	}
	bool crossed = false;
	for (unsigned int i = 0; !err && i + 1 < n; i++)
		crossed |= parts[i].f.carry_end > bounds[i + 1];
	if (!err && crossed) {
		memcpy(bm->bits, saved, bytes);
		err = classify(f, bm, count);
	} else if (!err) {
		for (unsigned int i = 0; i < n; i++)
			add_stats(&f->stats, &parts[i].f.stats);
		f->carry_end = parts[n - 1].f.carry_end;
		f->carry_cls = parts[n - 1].f.carry_cls;
	}
	for (unsigned int i = 0; parts && i < n; i++)
		free(parts[i].f.batch);
	free(parts);
	free(saved);
	return err;
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
		uint64_t bounds[MAX_PARTS + 1];
		unsigned int n = split_window(f, bm, bounds);
		KX_TRY(n > 1 ? classify_parallel(f, bm, count, bounds, n) : classify(f, bm, count));
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
