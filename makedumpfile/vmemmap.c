// SPDX-License-Identifier: GPL-2.0-only
// -e, the vmemmap frames a dump can do without: see vmemmap.h.
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "mem_map.h"
#include "vmcore.h"
#include "vmemmap.h"
#include "vtop.h"

// A run of physically contiguous frames, dropped or kept.
struct run {
	uint64_t start, end;  // physical bytes
	bool drop;
};

struct runs {
	struct run *v;
	size_t n, cap;
};

// The struct pages of all present sections must be one array: the kernel's
// SPARSEMEM_VMEMMAP. *@ret: the address pfn 0's struct page would have.
static struct kx_error *find_base(const struct kx_mem_map *mm, uint64_t *ret)
{
	bool found = false;
	uint64_t base = 0;
	for (uint64_t nr = 0; nr < mm->nr_sections; nr++) {
		uint64_t va = mm->section_map[nr];
		if (!va)
			continue;
		// Modular arithmetic on purpose: addresses, compared for equality.
		uint64_t b = va - (nr << mm->pfn_section_shift) * mm->page_struct_size;
		if (!found)
			base = b;
		KX_CHECK(b == base, KX_ERROR_UNSUPPORTED,
			 "-e: the struct pages of section %" PRIu64 " (at %#" PRIx64 ") are not "
			 "in the same virtual array as the others (no SPARSEMEM_VMEMMAP)", nr, va);
		found = true;
	}
	KX_CHECK(found, KX_ERROR_UNSUPPORTED, "-e: no section has struct pages");
	*ret = base;
	return NULL;
}

struct kx_error *kx_vmemmap_create(const struct kx_vmcore *vm, struct kx_vmemmap **ret)
{
	KX_CHECK(strcmp(vm->arch->name, "x86_64") == 0, KX_ERROR_UNSUPPORTED,
		 "-e (leaving out unused vmemmap pages) is only supported for x86_64 dumps, "
		 "as upstream's; this is a %s vmcore", vm->arch->name);
	KX_CHECK(vm->filtering, KX_ERROR_INVALID_ARG, "-e needs the page descriptors set up");
	const struct kx_mem_map *mm = vm->mem_map;
	uint64_t base;
	KX_TRY(find_base(mm, &base));
	uint64_t sz = mm->page_struct_size, ps = vm->page_size;
	uint64_t first_va = base & ~(ps - 1), offset = base - first_va;
	KX_CHECK(sz && vm->max_mapnr <= (UINT64_MAX - offset - ps) / sz, KX_ERROR_OVERFLOW,
		 "-e: %" PRIu64 " struct pages of %" PRIu64 " bytes do not fit the address space",
		 vm->max_mapnr, sz);
	uint64_t frames = (offset + vm->max_mapnr * sz + ps - 1) >> vm->page_shift;
	struct kx_vmemmap *v = calloc(1, sizeof(*v));
	if (!v)
		return &kx_enomem;
	*v = (struct kx_vmemmap){ .vm = vm, .first_va = first_va, .offset = offset,
				  .struct_size = (uint32_t)sz };
	kx_ranges_init(&v->drop);
	struct kx_error *err = kx_bitmap_init(&v->candidates, (frames + 8) / 8 * 8);
	if (err) {
		free(v);
		return err;
	}
	kx_bitmap_reset(&v->candidates, 0, frames);
	kx_bitmap_set_range(&v->candidates, 0, frames);
	// A first frame that begins before pfn 0's struct page, and a last one
	// that goes on past max_mapnr's, describe more than the windows show.
	if (offset)
		kx_bitmap_clear_range(&v->candidates, 0, 1);
	if ((offset + vm->max_mapnr * sz) & (ps - 1))
		kx_bitmap_clear_range(&v->candidates, frames - 1, frames);
	*ret = v;
	return NULL;
}

void kx_vmemmap_destroy(struct kx_vmemmap *v)
{
	if (!v)
		return;
	kx_bitmap_deinit(&v->candidates);
	kx_ranges_deinit(&v->drop);
	free(v);
}

// The frames holding a byte of the struct pages of pfns [first, end) stay.
static void keep_frames(struct kx_vmemmap *v, uint64_t first, uint64_t end)
{
	unsigned int shift = v->vm->page_shift;
	uint64_t lo = v->offset + first * v->struct_size;
	uint64_t hi = v->offset + end * v->struct_size;
	kx_bitmap_clear_range(&v->candidates, lo >> shift, ((hi - 1) >> shift) + 1);
}

void kx_vmemmap_note(struct kx_vmemmap *v, const struct kx_bitmap *present,
		     const struct kx_bitmap *kept)
{
	const uint64_t none = UINT64_MAX;
	uint64_t end = present->start + present->nr_bits;
	uint64_t run = none;  // first pfn of a run whose frames stay
	size_t bytes = kx_bitmap_bytes(present);
	for (size_t i = 0; i < bytes; i++) {
		uint8_t out = present->bits[i] & (uint8_t)~kept->bits[i];
		if ((out == 0xff && run == none) || (out == 0 && run != none))
			continue;  // nothing changes in these eight pfns
		for (unsigned int b = 0; b < 8; b++) {
			uint64_t pfn = present->start + i * 8 + b;
			if (pfn >= end)
				break;
			bool excluded = (out >> b) & 1;
			if (!excluded && run == none) {
				run = pfn;
			} else if (excluded && run != none) {
				keep_frames(v, run, pfn);
				run = none;
			}
		}
	}
	if (run != none && run < end)
		keep_frames(v, run, end);
}

static struct kx_error *push_run(struct runs *r, uint64_t start, uint64_t end, bool drop)
{
	if (r->n && r->v[r->n - 1].end == start && r->v[r->n - 1].drop == drop) {
		r->v[r->n - 1].end = end;
		return NULL;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct run *p = realloc(r->v, cap * sizeof(*p));
		if (!p)
			return &kx_enomem;
		r->v = p;
		r->cap = cap;
	}
	r->v[r->n++] = (struct run){ start, end, drop };
	return NULL;
}

// Frames [f, f + n) are mapped at physical @pa onwards: record them as runs
// of dropped and kept frames.
static struct kx_error *record_chunk(const struct kx_vmemmap *v, struct runs *r, uint64_t f,
				     uint64_t n, uint64_t pa)
{
	const uint64_t ps = v->vm->page_size;
	for (uint64_t j = 0; j < n;) {
		bool drop = kx_bitmap_test(&v->candidates, f + j);
		uint64_t k = j + 1;
		while (k < n && kx_bitmap_test(&v->candidates, f + k) == drop)
			k++;
		KX_TRY(push_run(r, pa + j * ps, pa + k * ps, drop));
		j = k;
	}
	return NULL;
}

// Translate the frames [f, end), one mapping (4 KiB, 2 MiB or 1 GiB) at a
// time.
static struct kx_error *walk_frames(const struct kx_vmemmap *v, struct runs *r, uint64_t f,
				    uint64_t end)
{
	const struct kx_vmcore *vm = v->vm;
	while (f < end) {
		uint64_t va = v->first_va + (f << vm->page_shift), pa = 0, size = 0;
		struct kx_error *err = kx_vtop_translate(vm->vtop, va, NULL, &pa, &size);
		if (kx_error_catch(&err, KX_ERROR_FAULT) || kx_error_catch(&err, KX_ERROR_NODATA)) {
			f++;  // not mapped (or its table not in the dump): nothing to drop
			continue;
		}
		if (err)
			return kx_error_prefix(err, "-e: translating the vmemmap at %#" PRIx64, va);
		if (size < vm->page_size)
			size = vm->page_size;
		uint64_t n = (size - (va & (size - 1))) >> vm->page_shift;
		if (n > end - f)
			n = end - f;
		KX_TRY(record_chunk(v, r, f, n, pa & ~(vm->page_size - 1)));
		f += n;
	}
	return NULL;
}

// The frames of each stretch of present sections below max_mapnr.
static struct kx_error *walk_sections(const struct kx_vmemmap *v, struct runs *r)
{
	const struct kx_vmcore *vm = v->vm;
	const struct kx_mem_map *mm = vm->mem_map;
	for (uint64_t nr = 0; nr < mm->nr_sections;) {
		if (!mm->section_map[nr]) {
			nr++;
			continue;
		}
		uint64_t last = nr;
		while (last < mm->nr_sections && mm->section_map[last])
			last++;
		uint64_t first_pfn = nr << mm->pfn_section_shift;
		uint64_t end_pfn = last << mm->pfn_section_shift;
		if (end_pfn > vm->max_mapnr)
			end_pfn = vm->max_mapnr;
		nr = last;
		if (first_pfn >= end_pfn)
			continue;
		uint64_t lo = v->offset + first_pfn * v->struct_size;
		uint64_t hi = v->offset + end_pfn * v->struct_size;
		KX_TRY(walk_frames(v, r, lo >> vm->page_shift, ((hi - 1) >> vm->page_shift) + 1));
	}
	return NULL;
}

static int run_order(const void *a, const void *b)
{
	const struct run *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

// drop = the dropped runs minus every kept one (a physical frame mapped at
// several virtual frames stays if one of them must).
static struct kx_error *build_drop(struct kx_vmemmap *v, struct runs *r)
{
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), run_order);
	struct kx_ranges keep;
	kx_ranges_init(&keep);
	struct kx_error *err = NULL;
	for (size_t i = 0; i < r->n && !err; i++)
		err = kx_ranges_add(r->v[i].drop ? &v->drop : &keep, r->v[i].start, r->v[i].end);
	if (!err)
		err = kx_ranges_exclude_set(&v->drop, &keep);
	kx_ranges_deinit(&keep);
	return err;
}

struct kx_error *kx_vmemmap_resolve(struct kx_vmemmap *v)
{
	struct runs r = { 0 };
	struct kx_error *err = walk_sections(v, &r);
	if (!err)
		err = build_drop(v, &r);
	free(r.v);
	kx_bitmap_deinit(&v->candidates);
	return err;
}

uint64_t kx_vmemmap_apply(const struct kx_vmemmap *v, struct kx_bitmap *bm)
{
	unsigned int shift = v->vm->page_shift;
	uint64_t first = bm->start, end = bm->start + bm->nr_bits, n = 0;
	// The first range ending after the window's start.
	size_t lo = 0, hi = v->drop.count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->drop.ranges[mid].end >> shift <= first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < v->drop.count; i++) {
		const struct kx_range *r = &v->drop.ranges[i];
		uint64_t a = r->start >> shift, b = r->end >> shift;
		if (a >= end)
			break;
		n += kx_bitmap_count_range(bm, a, b);
		kx_bitmap_clear_range(bm, a, b);
	}
	return n;
}
