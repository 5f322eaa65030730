// SPDX-License-Identifier: GPL-2.0-only
// x86_64 page tables (arch/x86/include/asm/pgtable_64_types.h,
// pgtable_types.h): 4 levels of 512 entries, or 5 with LA57 (4.14+);
// 1 GiB leaves at the PUD and 2 MiB leaves at the PMD.
#include "config.h"

#include <inttypes.h>

#include "vtop.h"

enum {
	X86_PAGE_SHIFT = 12,
	X86_INDEX_BITS = 9,        // 512 eight-byte entries per 4 KiB table
	X86_PUD_SHIFT = 30,
	X86_PMD_SHIFT = 21,
	X86_PHYS_BITS_4L = 46,     // MAX_PHYSMEM_BITS without LA57
	X86_PHYS_BITS_5L = 52,     // ... and with it
	X86_PHYS_BITS_MAX = 52,    // the architectural limit of an entry
};

static const uint64_t X86_PRESENT = 0x1;     // _PAGE_PRESENT
static const uint64_t X86_PSE = 0x80;        // _PAGE_PSE: leaf at PUD/PMD
// __START_KERNEL_map: the kernel text mapping, where SYMBOL()s live.
static const uint64_t X86_START_KERNEL_MAP = 0xffffffff80000000ull;
// Entry bits 12..51 hold the frame (PTE_PFN_MASK with __PHYSICAL_MASK_SHIFT
// 52); bit 63 is NX, 52..62 are software and protection-key bits.
static const uint64_t X86_FRAME_MASK = 0x000ffffffffff000ull;

static const char *const names_4l[] = { "PGD", "PUD", "PMD", "PTE" };
static const char *const names_5l[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };

static struct kx_error *x86_64_check(const struct kx_vtop_params *p)
{
	KX_CHECK(p->page_size == 4096, KX_ERROR_UNSUPPORTED,
		 "page size %" PRIu32 " (x86_64 kernels use 4096)", p->page_size);
	KX_CHECK(p->max_physmem_bits >= X86_PAGE_SHIFT &&
		 p->max_physmem_bits <= X86_PHYS_BITS_MAX, KX_ERROR_INVALID_ARG,
		 "MAX_PHYSMEM_BITS %u out of range", p->max_physmem_bits);
	KX_CHECK(p->pgd_vaddr >= X86_START_KERNEL_MAP && p->pgd_vaddr % 4096 == 0,
		 KX_ERROR_INVALID_ARG,
		 "top-level table %#" PRIx64 " is not a page in the kernel text mapping",
		 p->pgd_vaddr);
	KX_CHECK(p->levels == 0 && p->va_bits == 0 && !p->invalid_tables[0] &&
		 !p->invalid_tables[1] && !p->invalid_tables[2], KX_ERROR_INVALID_ARG,
		 "levels, va_bits and invalid_tables do not apply to x86_64");
	return NULL;
}

static struct kx_error *x86_64_init(struct kx_vtop *vt)
{
	struct kx_vtop_params *p = &vt->params;
	if (!p->page_size)
		p->page_size = 4096;
	if (!p->max_physmem_bits)
		p->max_physmem_bits = p->pgtable_l5 ? X86_PHYS_BITS_5L : X86_PHYS_BITS_4L;
	KX_TRY(x86_64_check(p));
	vt->page_shift = X86_PAGE_SHIFT;
	vt->levels = p->pgtable_l5 ? 5 : 4;
	const char *const *names = p->pgtable_l5 ? names_5l : names_4l;
	for (unsigned int i = 0; i < vt->levels; i++) {
		vt->level_name[i] = names[i];
		vt->index_bits[i] = X86_INDEX_BITS;
		vt->shift[i] = X86_PAGE_SHIFT + X86_INDEX_BITS * (vt->levels - 1 - i);
	}
	vt->phys_mask = ((uint64_t)1 << p->max_physmem_bits) - 1;
	// __pa_symbol(): text addresses are offset by phys_base, not PAGE_OFFSET.
	// The sum may carry a stray SME bit only if the caller passed one in
	// phys_base; strip it like every other physical address.
	vt->root = (p->pgd_vaddr - X86_START_KERNEL_MAP + p->phys_base) & ~p->sme_mask;
	return NULL;
}

static struct kx_error *x86_64_direct(const struct kx_vtop *vt, uint64_t vaddr,
				      bool *done, uint64_t *paddr_ret, uint64_t *size_ret)
{
	// Canonical: bits 63..(VA bits − 1) all equal (48 bits, 57 with LA57).
	unsigned int va_bits = vt->shift[0] + X86_INDEX_BITS;
	uint64_t top = vaddr >> (va_bits - 1);
	if (top != 0 && top != UINT64_MAX >> (va_bits - 1))
		return kx_error_fault(vaddr, "%#" PRIx64 " is not a canonical %u-bit address",
				      vaddr, va_bits);
	uint64_t po = vt->params.page_offset;
	uint64_t span = vt->phys_mask + 1;
	if (po && vaddr >= po && vaddr - po < span) {
		*paddr_ret = vaddr - po;
		*size_ret = vt->params.page_size;
		*done = true;
	}
	return NULL;
}

static enum kx_vtop_entry_kind x86_64_decode(const struct kx_vtop *vt, unsigned int level,
					     uint64_t entry, uint64_t *next_ret)
{
	if (!(entry & X86_PRESENT))
		return KX_VTOP_NONE;
	// The SME C-bit sits inside the frame field of every entry (trap 17).
	uint64_t frame = entry & X86_FRAME_MASK & ~vt->params.sme_mask;
	unsigned int shift = vt->shift[level];
	if (level + 1 == vt->levels) {
		*next_ret = frame;
		return KX_VTOP_LEAF;
	}
	if (entry & X86_PSE) {
		// PS is reserved in PGD and P4D entries: the CPU would fault.
		if (shift != X86_PUD_SHIFT && shift != X86_PMD_SHIFT)
			return KX_VTOP_BAD;
		// Bit 12 of a large entry is PAT, not address: align it away.
		*next_ret = frame & ~(((uint64_t)1 << shift) - 1);
		return KX_VTOP_LEAF;
	}
	*next_ret = frame;
	return KX_VTOP_TABLE;
}

const struct kx_vtop_ops kx_vtop_ops_x86_64 = {
	.init = x86_64_init,
	.direct = x86_64_direct,
	.decode = x86_64_decode,
};
