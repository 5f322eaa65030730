// SPDX-License-Identifier: GPL-2.0-only
// The page-table layout of a dead LoongArch kernel: see layout_loongarch64.h.
#include "config.h"

#include <inttypes.h>

#include "compiler.h"
#include "layout_loongarch64.h"

// arch/loongarch/Kconfig's "Page Table Layout" choice: the level counts
// offered with each page size, smallest first.
static const struct {
	unsigned int page_shift;
	unsigned int levels[2];
} kconfig_layouts[] = {
	{ 12, { 3, 4 } },  // 4KB_3LEVEL, 4KB_4LEVEL
	{ 14, { 2, 3 } },  // 16KB_2LEVEL, 16KB_3LEVEL
	{ 16, { 2, 3 } },  // 64KB_2LEVEL, 64KB_3LEVEL
};

// XKVRANGE: the mapped quarter of the kernel's address space.
static const uint64_t LA_XKVRANGE = UINT64_C(0xc000000000000000);

// Bytes the tables of a layout reach above vm_map_base: VMALLOC_END's
// min(PTRS_PER_PGD * ... * PAGE_SIZE, 1 << cpu_vabits).
static uint64_t layout_reach(unsigned int page_shift, unsigned int levels,
			     unsigned int cpu_vabits)
{
	unsigned int bits = page_shift + levels * (page_shift - 3);
	return UINT64_C(1) << (bits < cpu_vabits ? bits : cpu_vabits);
}

static bool layout_holds(uint64_t vm_map_base, uint64_t reach, uint64_t addr)
{
	return addr >= vm_map_base && addr - vm_map_base < reach;
}

// cpu_vabits from VMALLOC_START: the smallest n with 0 - 2^n at or below
// it, i.e. the bit length of its complement (VMALLOC_START is 288 MiB and
// two pages above vm_map_base, far less than half of any VA width).
static struct kx_error *cpu_vabits_from(uint64_t vmalloc_start, unsigned int *ret)
{
	if (!vmalloc_start) {
		*ret = KX_LOONGARCH64_CPU_VABITS;
		return NULL;
	}
	KX_CHECK(vmalloc_start >= LA_XKVRANGE, KX_ERROR_CORRUPT,
		 "NUMBER(VMALLOC_START)=%#" PRIx64 " is not in XKVRANGE (0xc000000000000000 and up)",
		 vmalloc_start);
	unsigned int n = 0;
	for (uint64_t rest = ~vmalloc_start; rest; rest >>= 1)
		n++;
	*ret = n;
	return NULL;
}

struct kx_error *kx_loongarch64_layout_levels(unsigned int page_shift,
					      const struct kx_vtop_hints *hints,
					      unsigned int *levels_ret)
{
	size_t row = 0;
	while (row < KX_ARRAY_SIZE(kconfig_layouts) && kconfig_layouts[row].page_shift != page_shift)
		row++;
	KX_CHECK(row < KX_ARRAY_SIZE(kconfig_layouts), KX_ERROR_UNSUPPORTED,
		 "2^%u-byte pages (LoongArch kernels use 4, 16 or 64 KiB)", page_shift);
	KX_CHECK(hints->vmemmap || hints->nr_struct_pages, KX_ERROR_INVALID_ARG,
		 "no struct page address to tell the page-table layout from");
	unsigned int cpu_vabits = 0;
	KX_TRY(cpu_vabits_from(hints->vmalloc_start, &cpu_vabits));
	uint64_t vm_map_base = 0 - (UINT64_C(1) << cpu_vabits);
	const unsigned int *levels = kconfig_layouts[row].levels;
	uint64_t outside = 0;
	for (size_t i = 0; i < KX_ARRAY_SIZE(kconfig_layouts[row].levels); i++) {
		uint64_t reach = layout_reach(page_shift, levels[i], cpu_vabits);
		bool all = !hints->vmemmap || layout_holds(vm_map_base, reach, hints->vmemmap);
		outside = all ? 0 : hints->vmemmap;
		for (size_t j = 0; all && j < hints->nr_struct_pages; j++) {
			all = layout_holds(vm_map_base, reach, hints->struct_pages[j]);
			outside = all ? 0 : hints->struct_pages[j];
		}
		if (all) {
			*levels_ret = levels[i];
			return NULL;
		}
	}
	return kx_error_create(KX_ERROR_CORRUPT,
			       "struct page at %#" PRIx64 " is outside every LoongArch page-table "
			       "layout with %u KiB pages (vm_map_base %#" PRIx64 ")",
			       outside, 1u << (page_shift - 10), vm_map_base);
}
