/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vtop_params.h
 * Fill struct kx_vtop_params from a dead kernel's VMCOREINFO and the
 * PT_LOADs of its ELF vmcore, following the table in vtop.h. Shared by the
 * tools that walk a vmcore's page tables (makedumpfile, vmcore-dmesg).
 */
#ifndef KX_VTOP_PARAMS_H
#define KX_VTOP_PARAMS_H

#include "error.h"
#include "vtop.h"

struct kx_arch;
struct kx_elf_core;
struct kx_vmcoreinfo;

/**
 * The translation parameters of the kernel that wrote @p vi.
 *
 * page_size ← PAGESIZE; pgd_vaddr ← SYMBOL(init_top_pgt), else
 * SYMBOL(init_level4_pgt), else SYMBOL(swapper_pg_dir); pgtable_l5,
 * sme_mask and max_physmem_bits ← their NUMBER()s (0 when absent); and, on
 * an arch with a separate kernel-text mapping (kx_arch::kernel_map_base),
 * phys_base ← NUMBER(phys_base), else derived from the first PT_LOAD of
 * @p core whose p_vaddr lies in that mapping, else 0; then what
 * kx_vtop_params_infer() can tell from @p vi alone.
 *
 * @param arch the vmcore's architecture.
 * @param vi its parsed VMCOREINFO.
 * @param core the vmcore, for phys_base without NUMBER(phys_base); may be NULL.
 * @param[out] ret the parameters, ready for kx_vtop_create().
 * @return NULL; KX_ERROR_NOT_FOUND naming the missing page-table symbol;
 *         the errors of kx_vtop_params_infer().
 */
struct kx_error *kx_vtop_params_from_vmcoreinfo(const struct kx_arch *arch,
						const struct kx_vmcoreinfo *vi,
						const struct kx_elf_core *core,
						struct kx_vtop_params *ret);

/**
 * Settle what VMCOREINFO does not state about the page tables (loongarch64's
 * level count, kx_vtop_ops::infer) from where the kernel put its struct
 * pages: SYMBOL(vmemmap) of @p vi (6.9+), the caller's @p struct_pages
 * (from mem_section), with NUMBER(VMALLOC_START) (6.9+) for the base of the
 * mapped range. Does nothing on an architecture without the hook, or
 * without any struct page address.
 *
 * @param arch the vmcore's architecture.
 * @param vi its parsed VMCOREINFO.
 * @param struct_pages addresses of struct pages the kernel maps; may be NULL.
 * @param nr_struct_pages how many.
 * @param[in,out] p parameters from kx_vtop_params_from_vmcoreinfo(),
 *        updated; untouched on failure.
 * @return NULL; KX_ERROR_CORRUPT when no layout of @p arch maps those
 *         addresses, or a malformed NUMBER(VMALLOC_START).
 */
struct kx_error *kx_vtop_params_infer(const struct kx_arch *arch, const struct kx_vmcoreinfo *vi,
				      const uint64_t *struct_pages, size_t nr_struct_pages,
				      struct kx_vtop_params *p);

/**
 * x86_64's phys_base: NUMBER(phys_base) when @p vi has it, else derived from
 * the kernel-text PT_LOAD of @p core (p_paddr − (p_vaddr − __START_KERNEL_map)),
 * else 0; always 0 on architectures whose text is in a linear window.
 * @p vi and @p core may be NULL.
 */
uint64_t kx_vtop_phys_base(const struct kx_arch *arch, const struct kx_vmcoreinfo *vi,
			   const struct kx_elf_core *core);

#endif /* KX_VTOP_PARAMS_H */
