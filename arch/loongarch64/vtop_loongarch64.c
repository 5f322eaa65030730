// SPDX-License-Identifier: GPL-2.0-only
// LoongArch64 translation (arch/loongarch/include/asm/{addrspace,pgtable,
// pgtable-bits}.h). The kernel image and the linear map live in the direct
// mapping windows (DMW), which need no tables; vmalloc, modules and vmemmap
// (XKVRANGE) go through swapper_pg_dir. Unlike x86, upper-level entries hold
// the *DMW virtual address* of the next table, and an empty entry points at
// one of the kernel's invalid_{pud,pmd,pte}_table rather than being zero.
#include "config.h"

#include <inttypes.h>

#include "layout_loongarch64.h"
#include "vtop.h"

enum {
	LA_PHYS_BITS_DEFAULT = 48,
	// _PAGE_PFN_END_SHIFT: the frame field of an entry ends at bit 47.
	LA_PHYS_BITS_MAX = 48,
	LA_LEVELS_DEFAULT = 3,     // CONFIG_16KB_3LEVEL, the 64-bit default
};

// XKPRANGE: DMW0 (uncached, 0x8000...) and DMW1 (cached, 0x9000...) as the
// kernel configures them; crash and makedumpfile treat the whole quarter as
// linear.
static const uint64_t LA_DMW_START = 0x8000000000000000ull;
static const uint64_t LA_DMW_END = 0xc000000000000000ull;

// pgtable-bits.h. _PAGE_HUGE shares bit 6 with _PAGE_GLOBAL: it means HUGE
// only in a PMD-level entry.
static const uint64_t LA_PAGE_HUGE = 1ull << 6;
static const uint64_t LA_PAGE_PRESENT = 1ull << 7;
static const uint64_t LA_PAGE_PROTNONE = 1ull << 10;
// Set on a huge PMD while THP splits it (added in 2024, backported to
// stable): the frame stays valid.
static const uint64_t LA_PAGE_PRESENT_INVALID = 1ull << 60;

static const char *const names_2l[] = { "PGD", "PTE" };
static const char *const names_3l[] = { "PGD", "PMD", "PTE" };
static const char *const names_4l[] = { "PGD", "PUD", "PMD", "PTE" };

static bool la_in_dmw(uint64_t vaddr)
{
	return vaddr >= LA_DMW_START && vaddr < LA_DMW_END;
}

static struct kx_error *la_page_shift(uint32_t page_size, unsigned int *ret)
{
	// Kconfig offers 4, 16 and 64 KiB pages.
	switch (page_size) {
	case 4096: *ret = 12; return NULL;
	case 16384: *ret = 14; return NULL;
	case 65536: *ret = 16; return NULL;
	}
	return kx_error_create(KX_ERROR_UNSUPPORTED,
			       "page size %" PRIu32 " (LoongArch kernels use 4, 16 or 64 KiB)",
			       page_size);
}

// Levels and the width of the top index. Kconfig's layouts
// (4KB_3LEVEL 39 bits, 4KB_4LEVEL 48, 16KB_2LEVEL 36, 16KB_3LEVEL 47,
// 64KB_2LEVEL 42, 64KB_3LEVEL 55) all have full tables; 5.10-era vendor
// kernels with VA_BITS_48 and 16 KiB pages had a two-page PGD (PGD_ORDER 1),
// so the top index may be one bit wider than the others.
static struct kx_error *la_geometry(struct kx_vtop_params *p, unsigned int page_shift,
				    unsigned int *top_bits_ret)
{
	unsigned int bits = page_shift - 3; // index bits of one-page tables
	if (!p->levels && !p->va_bits)
		p->levels = LA_LEVELS_DEFAULT;
	if (!p->levels && p->va_bits > page_shift)
		p->levels = (p->va_bits - page_shift) / bits;
	KX_CHECK(p->levels >= 2 && p->levels <= 4, KX_ERROR_UNSUPPORTED,
		 "%u page-table levels with %u-bit addresses (LoongArch uses 2 to 4)",
		 p->levels, p->va_bits);
	unsigned int lower = page_shift + (p->levels - 1) * bits;
	if (!p->va_bits)
		p->va_bits = lower + bits;
	KX_CHECK(p->va_bits > lower && p->va_bits <= lower + bits + 1,
		 KX_ERROR_UNSUPPORTED,
		 "%u-bit addresses with %u levels of %u KiB pages", p->va_bits,
		 p->levels, 1u << (page_shift - 10));
	*top_bits_ret = p->va_bits - lower;
	return NULL;
}

static struct kx_error *la_check(const struct kx_vtop_params *p)
{
	KX_CHECK(!p->phys_base && !p->pgtable_l5 && !p->sme_mask && !p->page_offset,
		 KX_ERROR_INVALID_ARG,
		 "phys_base, pgtable_l5, sme_mask and page_offset do not apply to loongarch64");
	KX_CHECK(p->max_physmem_bits >= 32 && p->max_physmem_bits <= LA_PHYS_BITS_MAX,
		 KX_ERROR_INVALID_ARG, "MAX_PHYSMEM_BITS %u out of range",
		 p->max_physmem_bits);
	KX_CHECK(la_in_dmw(p->pgd_vaddr) && p->pgd_vaddr % p->page_size == 0,
		 KX_ERROR_INVALID_ARG,
		 "swapper_pg_dir %#" PRIx64 " is not a page in a direct mapping window",
		 p->pgd_vaddr);
	return NULL;
}

static struct kx_error *la_init(struct kx_vtop *vt)
{
	struct kx_vtop_params *p = &vt->params;
	if (!p->page_size)
		p->page_size = 16384;
	if (!p->max_physmem_bits)
		p->max_physmem_bits = LA_PHYS_BITS_DEFAULT;
	unsigned int shift = 0, top_bits = 0;
	KX_TRY(la_page_shift(p->page_size, &shift));
	KX_TRY(la_check(p));
	KX_TRY(la_geometry(p, shift, &top_bits));
	const char *const *names = p->levels == 2 ? names_2l :
				   p->levels == 3 ? names_3l : names_4l;
	vt->page_shift = shift;
	vt->levels = p->levels;
	for (unsigned int i = 0; i < vt->levels; i++) {
		vt->level_name[i] = names[i];
		vt->index_bits[i] = i == 0 ? top_bits : shift - 3;
		vt->shift[i] = shift + (shift - 3) * (vt->levels - 1 - i);
	}
	vt->phys_mask = ((uint64_t)1 << p->max_physmem_bits) - 1;
	vt->root = p->pgd_vaddr & vt->phys_mask;
	return NULL;
}

static struct kx_error *la_direct(const struct kx_vtop *vt, uint64_t vaddr,
				  bool *done, uint64_t *paddr_ret, uint64_t *size_ret)
{
	// FIXME: bits above va_bits are not checked outside the windows: the
	// hardware checks them against the CPU's VALEN, which VMCOREINFO does
	// not give, and the kernel's vmalloc base (0 − 2^VALEN) leaves them
	// neither all-ones nor sign-extended. makedumpfile ignores them too.
	if (la_in_dmw(vaddr)) {
		*paddr_ret = vaddr & vt->phys_mask;
		*size_ret = vt->params.page_size;
		*done = true;
	}
	return NULL;
}

static bool la_is_invalid_table(const struct kx_vtop *vt, uint64_t entry)
{
	for (size_t i = 0; i < KX_ARRAY_SIZE(vt->params.invalid_tables); i++)
		if (vt->params.invalid_tables[i] && entry == vt->params.invalid_tables[i])
			return true;
	return false;
}

static enum kx_vtop_entry_kind la_decode(const struct kx_vtop *vt, unsigned int level,
					 uint64_t entry, uint64_t *next_ret)
{
	uint64_t size_mask = ((uint64_t)1 << vt->shift[level]) - 1;
	if (level + 1 == vt->levels) {
		// pte_present(): PROT_NONE pages keep a valid frame.
		if (!(entry & (LA_PAGE_PRESENT | LA_PAGE_PROTNONE)))
			return KX_VTOP_NONE;
		// Frame bits only: NR (61), NX (62), RPLV (63) and the software
		// bits above _PAGE_PFN_END_SHIFT are flags (trap 16).
		*next_ret = entry & vt->phys_mask & ~size_mask;
		return KX_VTOP_LEAF;
	}
	if (entry == 0 || la_is_invalid_table(vt, entry))
		return KX_VTOP_NONE;
	if (level + 2 == vt->levels && (entry & LA_PAGE_HUGE)) {
		// pmd_present() of a huge PMD.
		if (!(entry & (LA_PAGE_PRESENT | LA_PAGE_PROTNONE | LA_PAGE_PRESENT_INVALID)))
			return KX_VTOP_NONE;
		*next_ret = entry & vt->phys_mask & ~size_mask;
		return KX_VTOP_LEAF;
	}
	// A table pointer is the DMW address of a page-aligned table.
	if (!la_in_dmw(entry) || (entry & (vt->params.page_size - 1)))
		return KX_VTOP_BAD;
	*next_ret = entry & vt->phys_mask;
	return KX_VTOP_TABLE;
}

// The level count VMCOREINFO does not give, from where the struct pages
// are (layout_loongarch64.h); va_bits then follows from it.
static struct kx_error *la_infer(struct kx_vtop_params *p, const struct kx_vtop_hints *hints)
{
	unsigned int shift = 0, levels = 0;
	KX_TRY(la_page_shift(p->page_size ? p->page_size : 16384, &shift));
	KX_TRY(kx_loongarch64_layout_levels(shift, hints, &levels));
	p->levels = levels;
	p->va_bits = 0;
	return NULL;
}

const struct kx_vtop_ops kx_vtop_ops_loongarch64 = {
	.init = la_init,
	.direct = la_direct,
	.decode = la_decode,
	.infer = la_infer,
};
