// SPDX-License-Identifier: GPL-2.0-only
// Decoding SPARSEMEM's mem_section table: see mem_map.h.
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "arch.h"
#include "byteorder.h"
#include "mem_map.h"
#include "vmcoreinfo.h"
#include "vtop.h"

// SECTION_MARKED_PRESENT and SECTION_HAS_MEM_MAP; the flag bits end below
// bit 6 in every kernel so far (SECTION_MAP_LAST_BIT is 5 or 6), and the
// kernel BUG()s if the encoded address has any of them set.
static const uint64_t section_present = 1, section_has_mem_map = 2;
static const uint64_t section_flag_mask = 0x3f;

struct geometry {
	uint64_t symbol;        // SYMBOL(mem_section)
	uint64_t entry_size;    // SIZE(mem_section)
	uint64_t map_offset;    // OFFSET(mem_section.section_mem_map)
	uint64_t per_root;      // sections per root array
	uint64_t nr_roots;      // roots the kernel has
};

static struct kx_error *section_bits(const struct kx_vmcoreinfo *vi, const struct kx_arch *arch,
				     unsigned int page_shift, unsigned int *ret)
{
	int64_t bits;
	struct kx_error *err = kx_vmcoreinfo_number(vi, "SECTION_SIZE_BITS", &bits);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		bits = arch->default_section_size_bits;
	KX_TRY(err);
	KX_CHECK(bits > page_shift && bits < 48, KX_ERROR_CORRUPT,
		 "VMCOREINFO NUMBER(SECTION_SIZE_BITS)=%lld is impossible with %u-byte pages",
		 (long long)bits, 1u << page_shift);
	*ret = (unsigned int)bits;
	return NULL;
}

// Reads the sizes and decides between SPARSEMEM and SPARSEMEM_EXTREME the
// way the kernel sizes its array: NR_SECTION_ROOTS is
// DIV_ROUND_UP(NR_MEM_SECTIONS, SECTIONS_PER_ROOT), and SECTIONS_PER_ROOT is
// PAGE_SIZE / sizeof(struct mem_section) only with EXTREME (1 without).
static struct kx_error *geometry(const struct kx_vmcoreinfo *vi, uint64_t page_size,
				 unsigned int section_bits, unsigned int physmem_bits,
				 struct geometry *g, bool *extreme)
{
	struct kx_error *err = kx_vmcoreinfo_symbol(vi, "mem_section", &g->symbol);
	if (kx_error_is(err, KX_ERROR_NOT_FOUND))
		return kx_error_prefix(err, "only SPARSEMEM kernels are supported");
	KX_TRY(err);
	KX_TRY(kx_vmcoreinfo_size(vi, "mem_section", &g->entry_size));
	KX_TRY(kx_vmcoreinfo_offset(vi, "mem_section.section_mem_map", &g->map_offset));
	KX_CHECK(g->entry_size >= 8 && g->entry_size <= page_size &&
		 g->map_offset <= g->entry_size - 8, KX_ERROR_CORRUPT,
		 "VMCOREINFO SIZE(mem_section)=%" PRIu64 " with OFFSET(mem_section.section_mem_map)=%"
		 PRIu64 " is impossible", g->entry_size, g->map_offset);
	KX_CHECK(physmem_bits > section_bits, KX_ERROR_CORRUPT,
		 "MAX_PHYSMEM_BITS %u is not above SECTION_SIZE_BITS %u", physmem_bits, section_bits);
	uint64_t nr_mem_sections = UINT64_C(1) << (physmem_bits - section_bits);
	uint64_t per_root = page_size / g->entry_size;
	uint64_t extreme_roots = (nr_mem_sections + per_root - 1) / per_root;
	uint64_t length;
	err = kx_vmcoreinfo_length(vi, "mem_section", &length);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		length = extreme_roots;
	KX_TRY(err);
	*extreme = length == extreme_roots;
	g->per_root = *extreme ? per_root : 1;
	g->nr_roots = *extreme ? extreme_roots : (length < nr_mem_sections ? length : nr_mem_sections);
	return NULL;
}

// The struct page address a section entry encodes, or 0 when the section
// has no usable mem_map.
static uint64_t decode_section(const struct kx_mem_map *mm, uint64_t nr, uint64_t value)
{
	if ((value & (section_present | section_has_mem_map)) !=
	    (section_present | section_has_mem_map))
		return 0;
	// The kernel stores the array address minus the section's first pfn
	// times sizeof(struct page); unsigned wrap-around undoes that.
	uint64_t first_pfn = nr << mm->pfn_section_shift;
	return (value & ~section_flag_mask) + first_pfn * mm->page_struct_size;
}

// Decode @count section entries read into @buf, for sections from @first.
static void decode_entries(struct kx_mem_map *mm, const struct geometry *g,
			   const uint8_t *buf, uint64_t first, uint64_t count)
{
	for (uint64_t i = 0; i < count && first + i < mm->nr_sections; i++) {
		uint64_t v = kx_get_le64(buf + i * g->entry_size + g->map_offset);
		uint64_t addr = decode_section(mm, first + i, v);
		// A struct page lives in the kernel half of the address space.
		if (addr && !(addr >> 63)) {
			mm->nr_bad_sections++;
			addr = 0;
		}
		mm->section_map[first + i] = addr;
	}
}

// Read the entries of sections [first, first + count) at @vaddr.
static struct kx_error *read_entries(struct kx_mem_map *mm, const struct geometry *g,
				     const struct kx_vtop *vt, uint64_t vaddr,
				     uint64_t first, uint64_t count, uint8_t *buf)
{
	struct kx_error *err = kx_vtop_read(vt, vaddr, buf, count * g->entry_size);
	if (kx_error_is(err, KX_ERROR_FAULT) || kx_error_is(err, KX_ERROR_NODATA)) {
		// An unreadable root loses only its sections' filtering.
		kx_error_destroy(err);
		mm->nr_bad_sections += count;
		return NULL;
	}
	KX_TRY(err);
	decode_entries(mm, g, buf, first, count);
	return NULL;
}

static struct kx_error *read_extreme(struct kx_mem_map *mm, const struct geometry *g,
				     const struct kx_vtop *vt, uint8_t *buf)
{
	uint64_t roots = (mm->nr_sections + g->per_root - 1) / g->per_root;
	if (roots > g->nr_roots)
		roots = g->nr_roots;
	for (uint64_t r = 0; r < roots; r++) {
		uint8_t ptr[8];
		KX_TRY(kx_error_prefix(kx_vtop_read(vt, g->symbol + r * 8, ptr, 8),
				       "reading mem_section root %" PRIu64, r));
		uint64_t root = kx_get_le64(ptr);
		if (root)
			KX_TRY(read_entries(mm, g, vt, root, r * g->per_root, g->per_root, buf));
	}
	return NULL;
}

static struct kx_error *read_flat(struct kx_mem_map *mm, const struct geometry *g,
				  const struct kx_vtop *vt, uint8_t *buf, uint64_t per_read)
{
	uint64_t n = mm->nr_sections < g->nr_roots ? mm->nr_sections : g->nr_roots;
	for (uint64_t first = 0; first < n; first += per_read) {
		uint64_t count = n - first < per_read ? n - first : per_read;
		KX_TRY(read_entries(mm, g, vt, g->symbol + first * g->entry_size, first, count, buf));
	}
	return NULL;
}

static struct kx_error *mem_map_alloc(uint64_t nr_sections, struct kx_mem_map **ret)
{
	KX_CHECK(nr_sections <= (UINT64_C(1) << 32), KX_ERROR_CORRUPT,
		 "%" PRIu64 " memory sections is more than any machine has", nr_sections);
	struct kx_mem_map *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return &kx_enomem;
	mm->section_map = calloc(nr_sections ? nr_sections : 1, sizeof(*mm->section_map));
	if (!mm->section_map) {
		free(mm);
		return &kx_enomem;
	}
	mm->nr_sections = nr_sections;
	*ret = mm;
	return NULL;
}

struct kx_error *kx_mem_map_create(const struct kx_vmcoreinfo *vi, const struct kx_arch *arch,
				   const struct kx_vtop *vt, uint64_t page_size,
				   uint64_t max_mapnr, struct kx_mem_map **ret)
{
	unsigned int page_shift = 0;
	while ((UINT64_C(1) << page_shift) < page_size)
		page_shift++;
	uint64_t struct_size;
	unsigned int bits = 0;
	struct geometry g;
	bool extreme = false;
	KX_TRY(kx_vmcoreinfo_size(vi, "page", &struct_size));
	KX_CHECK(struct_size >= 32 && struct_size <= 4096, KX_ERROR_CORRUPT,
		 "VMCOREINFO SIZE(page)=%" PRIu64 " is not a plausible struct page size", struct_size);
	KX_TRY(section_bits(vi, arch, page_shift, &bits));
	KX_TRY(geometry(vi, page_size, bits, vt->params.max_physmem_bits, &g, &extreme));
	unsigned int shift = bits - page_shift;
	struct kx_mem_map *mm = NULL;
	KX_TRY(mem_map_alloc((max_mapnr + (UINT64_C(1) << shift) - 1) >> shift, &mm));
	mm->page_struct_size = (uint32_t)struct_size;
	mm->pfn_section_shift = shift;
	mm->extreme = extreme;
	uint64_t per_read = page_size / g.entry_size;
	uint8_t *buf = malloc(page_size);
	struct kx_error *err = buf ? NULL : &kx_enomem;
	if (!err)
		err = extreme ? read_extreme(mm, &g, vt, buf) : read_flat(mm, &g, vt, buf, per_read);
	free(buf);
	if (err) {
		kx_mem_map_destroy(mm);
		return err;
	}
	*ret = mm;
	return NULL;
}

void kx_mem_map_destroy(struct kx_mem_map *mm)
{
	if (!mm)
		return;
	free(mm->section_map);
	free(mm);
}

uint64_t kx_mem_map_page_vaddr(const struct kx_mem_map *mm, uint64_t pfn)
{
	uint64_t nr = pfn >> mm->pfn_section_shift;
	if (nr >= mm->nr_sections || !mm->section_map[nr])
		return 0;
	return mm->section_map[nr] + (pfn - (nr << mm->pfn_section_shift)) * mm->page_struct_size;
}
