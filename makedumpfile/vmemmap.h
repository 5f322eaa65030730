/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vmemmap.h
 * -e: the page frames of the virtual mem_map ("vmemmap", where x86_64
 * kernels map the struct page array) that hold nothing but struct pages of
 * pfns the dump leaves out, so that they can be left out too.
 *
 * A vmemmap frame is dropped when every struct page with a byte in it
 * describes a pfn that is present (in the 1st bitmap) and that filtering
 * excluded (clear in the 2nd bitmap before zero pages are looked at), and
 * when no frame that must stay is mapped at the same physical page (hugetlb
 * vmemmap optimisation maps several virtual frames onto one). A frame that
 * also describes a hole, a pfn past max_mapnr or a kept page stays.
 *
 * Upstream's -e (makedumpfile 1.7.2, observed on real captures) leaves out
 * a subset of these frames: only runs of at least two whole frames inside
 * one run of excluded pfns, and nothing of the last vmemmap block when the
 * input is an ELF vmcore; see makedumpfile(8).
 *
 * Use:
 * 1. kx_vmemmap_create() takes the geometry from the mem_map: the struct
 *    pages of all present sections must form one virtual array
 *    (SPARSEMEM_VMEMMAP), and the dump must be an x86_64 one.
 * 2. kx_vmemmap_note() once for every window of pfns, covering
 *    [0, max_mapnr): its 1st bitmap and its 2nd bitmap as filtering left it.
 * 3. kx_vmemmap_resolve() walks the page tables over the vmemmap and fixes
 *    the physical frames to drop.
 * 4. kx_vmemmap_apply() clears them in any window of the 2nd bitmap.
 *
 * Memory: one bit per vmemmap frame until resolved (1/512 byte per pfn with
 * 64-byte struct pages at 4 KiB pages: 2 MiB per TiB of memory), then the
 * dropped frames as a set of physical ranges.
 */
#ifndef KX_VMEMMAP_H
#define KX_VMEMMAP_H

#include <stdint.h>

#include "bitmap.h"
#include "error.h"
#include "ranges.h"

struct kx_vmcore;

struct kx_vmemmap {
	const struct kx_vmcore *vm;
	/** Kernel virtual address of the first frame: pfn 0's struct page, page aligned down. */
	uint64_t first_va;
	/** Bytes from first_va to pfn 0's struct page. */
	uint64_t offset;
	/** SIZE(page). */
	uint32_t struct_size;
	/**
	 * One bit per frame from first_va: set while every pfn the frame
	 * describes was found excluded. Freed by kx_vmemmap_resolve().
	 */
	struct kx_bitmap candidates;
	/** After kx_vmemmap_resolve(): physical byte ranges of the frames to drop. */
	struct kx_ranges drop;
};

/**
 * Prepare -e for @p vm, whose filtering must be enabled
 * (kx_vmcore_enable_filtering()).
 * @return NULL; KX_ERROR_UNSUPPORTED for a vmcore that is not x86_64 or
 *         whose struct pages are not one virtual array; KX_ERROR_OVERFLOW
 *         for impossible sizes; &kx_enomem.
 */
struct kx_error *kx_vmemmap_create(const struct kx_vmcore *vm, struct kx_vmemmap **ret);

/** Free @p v. NULL is accepted. */
void kx_vmemmap_destroy(struct kx_vmemmap *v);

/**
 * Take in one window: @p present (the 1st bitmap) and @p kept (the 2nd,
 * after filtering by page type), of the same start and length. Frames
 * describing a pfn of the window that is not both present and excluded
 * stop being candidates.
 */
void kx_vmemmap_note(struct kx_vmemmap *v, const struct kx_bitmap *present,
		     const struct kx_bitmap *kept);

/**
 * After every window was noted: translate the vmemmap frames of the present
 * sections and fix the physical frames to drop. Frames that are not mapped
 * are skipped.
 * @return NULL; errors reading the page tables (other than an unmapped
 *         address or an excluded page); &kx_enomem.
 */
struct kx_error *kx_vmemmap_resolve(struct kx_vmemmap *v);

/**
 * Clear the dropped frames in @p bm (a window of the 2nd bitmap).
 * @return how many bits were set before.
 */
uint64_t kx_vmemmap_apply(const struct kx_vmemmap *v, struct kx_bitmap *bm);

#endif /* KX_VMEMMAP_H */
