/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file layout_loongarch64.h
 * Which page-table layout a dead LoongArch kernel was built with, told from
 * where it put its struct pages. VMCOREINFO gives the page size but not the
 * level count (LoongArch has no arch_crash_save_vmcoreinfo()), and a walk
 * with the wrong count reads the wrong entries.
 *
 * The kernel facts this rests on:
 *  - arch/loongarch/Kconfig offers 4KB_3LEVEL, 4KB_4LEVEL, 16KB_2LEVEL,
 *    16KB_3LEVEL (the 64-bit default), 64KB_2LEVEL and 64KB_3LEVEL.
 *  - asm/pgtable.h: tables of PAGE_SIZE / 8 entries, so L levels of
 *    2^P-byte pages reach PTRS_PER_PGD * ... * PTRS_PER_PTE * PAGE_SIZE =
 *    2^(P + L * (P - 3)) bytes (VA_BITS: 39, 48, 36, 47, 42, 55).
 *  - kernel/cpu-probe.c: vm_map_base = 0 - 2^cpu_vabits, and cpu_vabits is
 *    CPUCFG1's VALEN field, which holds the width minus one: 47 on QEMU's
 *    la464 and the Loongson-3 CPUs (48-bit VA), so vm_map_base is
 *    0xffff800000000000.
 *  - asm/addrspace.h, asm/pgtable.h: PCI_IOBASE is vm_map_base + 2 pages
 *    (PCI_IOSIZE 32 MiB), MODULES_VADDR = vm_map_base + PCI_IOSIZE +
 *    2 pages, VMALLOC_START = MODULES_END = MODULES_VADDR + 256 MiB, and
 *    VMALLOC_END = vm_map_base + min(reach, 2^cpu_vabits) - PMD_SIZE -
 *    VMEMMAP_SIZE (- KFENCE_AREA_SIZE since 6.6; half the span with
 *    KASAN); vmemmap = (VMALLOC_END + PMD_SIZE) & PMD_MASK, with
 *    VMEMMAP_SIZE = sizeof(struct page) << (cpu_pabits + 1 - PAGE_SHIFT)
 *    (asm/sparsemem.h).
 *
 * So a kernel's struct pages lie in [vm_map_base, vm_map_base +
 * min(reach, 2^cpu_vabits)), near its top, and far above the reach of any
 * smaller layout of the same page size: 16KB_3LEVEL puts vmemmap at
 * 0xffffff0000000000 (2^47 - 2^40 above vm_map_base, a 2-level table
 * reaches 2^36), 4KB_4LEVEL at 0xfffffc0000000000 (3 levels reach 2^39),
 * 64KB_3LEVEL at 0xffffffc000000000 (2 levels reach 2^42). The smallest
 * layout whose reach holds every struct page is therefore the kernel's.
 */
#ifndef KX_LAYOUT_LOONGARCH64_H
#define KX_LAYOUT_LOONGARCH64_H

#include "error.h"
#include "vtop.h"

/** cpu_vabits when no NUMBER(VMALLOC_START) tells it: CPUs with 48-bit VA. */
enum { KX_LOONGARCH64_CPU_VABITS = 47 };

/**
 * The level count of the Kconfig layout with 2^@p page_shift-byte pages
 * whose tables reach every struct page address in @p hints.
 *
 * vm_map_base comes from hints->vmalloc_start when given (the nearest
 * 0 - 2^n at or below it: VMALLOC_START lies 288 MiB and two pages above),
 * else it is 0 - 2^KX_LOONGARCH64_CPU_VABITS. The addresses are
 * hints->vmemmap (when non-zero) and hints->struct_pages[]; all of them must
 * lie in [vm_map_base, vm_map_base + min(2^(P + L(P-3)), 2^cpu_vabits)) for
 * the layout with L levels, and the smallest such L wins.
 *
 * @param page_shift 12, 14 or 16
 * @param hints what the dump shows; only read
 * @param levels_ret receives 2, 3 or 4
 * @return NULL; KX_ERROR_UNSUPPORTED for another page size;
 *         KX_ERROR_INVALID_ARG when @p hints holds no struct page address;
 *         KX_ERROR_CORRUPT for a VMALLOC_START outside XKVRANGE, or an
 *         address no layout reaches (the message names it and vm_map_base).
 */
struct kx_error *kx_loongarch64_layout_levels(unsigned int page_shift,
					      const struct kx_vtop_hints *hints,
					      unsigned int *levels_ret);

#endif /* KX_LAYOUT_LOONGARCH64_H */
