// SPDX-License-Identifier: GPL-2.0-only
// --mem-usage: see mem_usage.h.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "iomem.h"
#include "dump.h"
#include "filter.h"
#include "mem_usage.h"
#include "ranges.h"
#include "vmcore.h"

struct count {
	struct kx_vmcore *vm;
	const struct kx_ranges *exclude;
	struct kx_filter filter;
	struct kx_bitmap bm;
	uint8_t *page;
	struct kx_mem_usage *u;
};

// Clear the excluded physical ranges from the window.
static void drop_excluded(struct count *c)
{
	if (!c->exclude)
		return;
	unsigned int shift = c->vm->page_shift;
	for (size_t i = 0; i < c->exclude->count; i++) {
		const struct kx_range *r = &c->exclude->ranges[i];
		// Any page the reservation touches is not the system's.
		uint64_t end = r->end >> shift;
		if (r->end & (c->vm->page_size - 1))
			end++;
		kx_bitmap_clear_range(&c->bm, r->start >> shift, end);
	}
}

static bool all_zero(const uint8_t *p, size_t size)
{
	return p[0] == 0 && !memcmp(p, p + 1, size - 1);
}

// The zero pages among those the filter kept, as -E and --mem-usage count
// them upstream: after the exclusion by page type.
static struct kx_error *count_zero(struct count *c)
{
	uint64_t end = c->bm.start + c->bm.nr_bits;
	for (uint64_t pfn = kx_bitmap_next_set(&c->bm, c->bm.start); pfn < end;
	     pfn = kx_bitmap_next_set(&c->bm, pfn + 1)) {
		KX_TRY(kx_vmcore_read_page(c->vm, pfn, c->page));
		c->u->zero += all_zero(c->page, c->vm->page_size);
	}
	return NULL;
}

static struct kx_error *count_window(struct count *c, uint64_t start, uint64_t len)
{
	kx_bitmap_reset(&c->bm, start, len);
	KX_TRY(kx_filter_present(&c->filter, &c->bm));
	drop_excluded(c);
	c->u->total += kx_bitmap_count(&c->bm);
	kx_bitmap_reset(&c->bm, start, len);
	KX_TRY(kx_filter_window(&c->filter, &c->bm, true));
	drop_excluded(c);
	return count_zero(c);
}

static struct kx_error *count_all(struct count *c)
{
	uint64_t window = KX_DUMP_DEFAULT_WINDOW_PFNS, max = c->vm->max_mapnr;
	KX_TRY(kx_bitmap_init(&c->bm, window));
	if (!(c->page = malloc(c->vm->page_size)))
		return &kx_enomem;
	KX_TRY(kx_filter_init(&c->filter, c->vm, KX_DL_MAX));
	for (uint64_t start = 0; start < max; start += window)
		KX_TRY(count_window(c, start, max - start < window ? max - start : window));
	const uint64_t *ex = c->filter.stats.excluded;
	struct kx_mem_usage *u = c->u;
	u->cache = ex[KX_PAGE_CACHE];
	u->cache_private = ex[KX_PAGE_CACHE_PRIVATE];
	u->user = ex[KX_PAGE_USER];
	u->free = ex[KX_PAGE_FREE] + ex[KX_PAGE_UNACCEPTED];
	// Hwpoisoned and offline pages leave every dump but have no row.
	uint64_t excludable = u->zero + u->cache + u->cache_private + u->user + u->free +
			      ex[KX_PAGE_HWPOISON] + ex[KX_PAGE_OFFLINE];
	u->kern_data = u->total > excludable ? u->total - excludable : 0;
	return NULL;
}

struct kx_error *kx_mem_usage_count(struct kx_vmcore *vm, const struct kx_ranges *exclude,
				    struct kx_mem_usage *ret)
{
	struct kx_mem_usage u = { .page_size = vm->page_size };
	struct count c = { .vm = vm, .exclude = exclude, .u = &u };
	struct kx_error *err = count_all(&c);
	kx_filter_deinit(&c.filter);
	kx_bitmap_deinit(&c.bm);
	free(c.page);
	if (!err)
		*ret = u;
	return err;
}

void kx_mem_usage_print(const struct kx_mem_usage *u, FILE *out)
{
	fprintf(out, "\n");
	fprintf(out, "TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n");
	fprintf(out, "----------------------------------------------------------------------\n");
	fprintf(out, "ZERO\t\t%-16llu\tyes\t\tPages filled with zero\n",
		(unsigned long long)u->zero);
	fprintf(out, "NON_PRI_CACHE\t%-16llu\tyes\t\tCache pages without private flag\n",
		(unsigned long long)u->cache);
	fprintf(out, "PRI_CACHE\t%-16llu\tyes\t\tCache pages with private flag\n",
		(unsigned long long)u->cache_private);
	fprintf(out, "USER\t\t%-16llu\tyes\t\tUser process pages\n",
		(unsigned long long)u->user);
	fprintf(out, "FREE\t\t%-16llu\tyes\t\tFree pages\n", (unsigned long long)u->free);
	fprintf(out, "KERN_DATA\t%-16llu\tno\t\tDumpable kernel data \n",
		(unsigned long long)u->kern_data);
	fprintf(out, "\n");
	fprintf(out, "page size:\t\t%-16llu\n", (unsigned long long)u->page_size);
	fprintf(out, "Total pages on system:\t%-16llu\n", (unsigned long long)u->total);
	fprintf(out, "Total size on system:\t%-16llu Byte\n",
		(unsigned long long)(u->total * u->page_size));
}

struct kx_error *kx_mem_usage_run(const char *kcore, const struct kx_root *root, FILE *out)
{
	struct kx_ranges crash;
	kx_ranges_init(&crash);
	struct kx_iomem *iomem = NULL;
	struct kx_vmcore *vm = NULL;
	struct kx_mem_usage u;
	struct kx_error *err = kx_iomem_read(root, &iomem);
	if (!err)
		err = kx_iomem_crash_kernel(iomem, &crash);
	if (!err)
		err = kx_vmcore_open(kcore, &vm);
	if (!err)
		err = kx_mem_usage_count(vm, &crash, &u);
	if (!err)
		kx_mem_usage_print(&u, out);
	kx_vmcore_destroy(vm);
	kx_iomem_destroy(iomem);
	kx_ranges_deinit(&crash);
	return err;
}
