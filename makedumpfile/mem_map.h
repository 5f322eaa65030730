/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file mem_map.h
 * Where the dead kernel keeps the struct page of each page frame.
 *
 * x86_64 and loongarch64 kernels use SPARSEMEM: physical memory is cut into
 * sections of 2^SECTION_SIZE_BITS bytes, and each present section records
 * its struct page array in mem_section[nr].section_mem_map, encoded as
 * (address of the struct page of pfn 0 of the section) minus
 * (first pfn of the section) * sizeof(struct page), with flag bits below bit
 * 6. With SPARSEMEM_EXTREME (every distribution kernel) mem_section is an
 * array of pointers to per-root arrays of struct mem_section, and
 * SYMBOL(mem_section) is the address of that pointer array.
 *
 * This module decodes the table once, for the sections below max_mapnr, so
 * the memory it keeps is 8 bytes per section (4 MiB for 64 TiB at 128 MiB
 * sections). A section whose entry cannot be read or makes no sense is
 * treated as having no mem_map: its pages are then kept, never dropped.
 */
#ifndef KX_MEM_MAP_H
#define KX_MEM_MAP_H

#include <stdint.h>

#include "error.h"

struct kx_arch;
struct kx_vmcoreinfo;
struct kx_vtop;

struct kx_mem_map {
	/** SIZE(page). */
	uint32_t page_struct_size;
	/** log2 of page frames per section. */
	unsigned int pfn_section_shift;
	uint64_t nr_sections;
	/** Per section: kernel virtual address of its first pfn's struct page; 0 = none. */
	uint64_t *section_map;
	/** Sections that were marked present but could not be used (read errors, bad addresses). */
	uint64_t nr_bad_sections;
	/** SPARSEMEM_EXTREME was detected. */
	bool extreme;
};

/**
 * Decode mem_section for the sections covering pfns [0, @p max_mapnr).
 * @param vi    the dead kernel's VMCOREINFO
 * @param arch  for defaults (SECTION_SIZE_BITS)
 * @param vt    translation of the dead kernel's addresses (also gives
 *              MAX_PHYSMEM_BITS with its default resolved)
 * @param page_size the kernel's page size
 * @return NULL; KX_ERROR_NOT_FOUND naming the missing VMCOREINFO key;
 *         KX_ERROR_UNSUPPORTED for a kernel without SPARSEMEM (no
 *         SYMBOL(mem_section)); KX_ERROR_CORRUPT for impossible sizes;
 *         KX_ERROR_NOMEM.
 */
struct kx_error *kx_mem_map_create(const struct kx_vmcoreinfo *vi, const struct kx_arch *arch,
				   const struct kx_vtop *vt, uint64_t page_size,
				   uint64_t max_mapnr, struct kx_mem_map **ret);

/** Free @p mm. NULL is accepted. */
void kx_mem_map_destroy(struct kx_mem_map *mm);

/** Kernel virtual address of the struct page of @p pfn, or 0 when its section has none. */
uint64_t kx_mem_map_page_vaddr(const struct kx_mem_map *mm, uint64_t pfn);

/** First pfn after the section holding @p pfn. */
static inline uint64_t kx_mem_map_section_end(const struct kx_mem_map *mm, uint64_t pfn)
{
	return ((pfn >> mm->pfn_section_shift) + 1) << mm->pfn_section_shift;
}

#endif /* KX_MEM_MAP_H */
