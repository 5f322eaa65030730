// SPDX-License-Identifier: GPL-2.0-only
// vmcore-probe [--levels N] VMCORE [PFN...]: read a vmcore back the way a
// dump tool does
// (kx_elf_core + kx_vmcoreinfo, then an x86_64 or loongarch64 page-table
// walk written here, independently of the generator and of arch/vtop) and
// print what it finds: the utsname at init_uts_ns and, for each PFN, its
// struct page located through mem_section, and the physical address that
// struct page is at (page_pa). Used by test-mkvmcore.sh to prove the
// generated structures are consistent with each other, and by
// makedumpfile-vmemmap.sh to know where the vmemmap frames are.
// LoongArch's VMCOREINFO does not say how many levels its tables have:
// --levels gives it (3 without), as the description that made the vmcore does.
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "elf_core.h"
#include "vmcoreinfo.h"

static const uint64_t START_KERNEL_MAP = UINT64_C(0xffffffff80000000);
static const uint64_t ENTRY_ADDR_MASK = UINT64_C(0x000ffffffffff000);

// loongarch64: the direct mapping windows, and the frame bits of an entry.
static const uint64_t LA_DMW_START = UINT64_C(0x8000000000000000);
static const uint64_t LA_DMW_END = UINT64_C(0xc000000000000000);
static const uint64_t LA_PHYS_MASK = (UINT64_C(1) << 48) - 1;

struct probe {
	struct kx_elf_core *core;
	struct kx_vmcoreinfo *vi;
	bool loongarch;           // no SYMBOL(init_top_pgt): swapper_pg_dir in DMW
	uint64_t root_pa, sme_mask;
	unsigned int levels, page_shift;
};

static struct kx_error *read_u64(const struct probe *p, uint64_t pa, uint64_t *ret)
{
	uint8_t b[8];
	KX_TRY(kx_elf_core_read_paddr(p->core, pa, b, sizeof(b)));
	*ret = kx_get_le64(b);
	return NULL;
}

// x86_64 walk: 4 or 5 levels of 512 entries, PSE leaves at PUD and PMD.
static struct kx_error *vtop(const struct probe *p, uint64_t va, uint64_t *ret)
{
	uint64_t table = p->root_pa;
	for (unsigned int level = p->levels - 1;; level--) {
		unsigned int shift = 12 + 9 * level;
		uint64_t e;
		KX_TRY(read_u64(p, table + 8 * ((va >> shift) & 511), &e));
		if (!(e & 1))
			return kx_error_fault(va, "0x%" PRIx64 " not mapped at level %u", va, level);
		uint64_t addr = e & ENTRY_ADDR_MASK & ~p->sme_mask;
		uint64_t mask = (UINT64_C(1) << shift) - 1;
		if (level == 0 || ((level == 1 || level == 2) && (e & 0x80))) {
			*ret = (addr & ~mask) | (va & mask);
			return NULL;
		}
		table = addr;
	}
}

// loongarch64 walk: DMW addresses are linear; others go through levels of
// 2^(page_shift - 3) entries whose upper entries hold the DMW address of
// the next table; a PMD with _PAGE_HUGE (bit 6) maps a whole PMD; a PTE
// needs _PAGE_PRESENT (bit 7).
static struct kx_error *vtop_loongarch64(const struct probe *p, uint64_t va, uint64_t *ret)
{
	if (va >= LA_DMW_START && va < LA_DMW_END) {
		*ret = va & LA_PHYS_MASK;
		return NULL;
	}
	unsigned int bits = p->page_shift - 3;
	uint64_t table = p->root_pa;
	for (unsigned int level = p->levels - 1;; level--) {
		unsigned int shift = p->page_shift + bits * level;
		uint64_t e, mask = (UINT64_C(1) << shift) - 1;
		KX_TRY(read_u64(p, table + 8 * ((va >> shift) & ((UINT64_C(1) << bits) - 1)), &e));
		bool leaf = level == 0 || (level == 1 && (e & 0x40));
		if (leaf && !(e & 0x80))
			return kx_error_fault(va, "0x%" PRIx64 " not present at level %u", va, level);
		if (leaf) {
			*ret = (e & LA_PHYS_MASK & ~mask) | (va & mask);
			return NULL;
		}
		if (e < LA_DMW_START || e >= LA_DMW_END)
			return kx_error_fault(va, "0x%" PRIx64 ": level %u entry 0x%" PRIx64
					      " is not a DMW address", va, level, e);
		table = e & LA_PHYS_MASK;
	}
}

static struct kx_error *read_virt(const struct probe *p, uint64_t va, void *buf, size_t size)
{
	uint8_t *out = buf;
	while (size) {
		uint64_t pa = 0;  // vtop() sets it on success; -O2 cannot see that
		KX_TRY(p->loongarch ? vtop_loongarch64(p, va, &pa) : vtop(p, va, &pa));
		uint64_t page = UINT64_C(1) << p->page_shift;
		size_t n = (size_t)(page - (va & (page - 1)));
		n = n < size ? n : size;
		KX_TRY(kx_elf_core_read_paddr(p->core, pa, out, n));
		out += n;
		va += n;
		size -= n;
	}
	return NULL;
}

static uint64_t number_or(const struct probe *p, const char *name, uint64_t dflt)
{
	uint64_t v;
	struct kx_error *err = kx_vmcoreinfo_number_u64(p->vi, name, &v);
	if (err) {
		kx_error_destroy(err);
		return dflt;
	}
	return v;
}

static struct kx_error *probe_open(struct probe *p, const char *path, unsigned int la_levels)
{
	const char *text;
	size_t size;
	uint64_t top;
	KX_TRY(kx_elf_core_open(path, &p->core));
	KX_TRY(kx_elf_core_vmcoreinfo(p->core, &text, &size));
	KX_TRY(kx_vmcoreinfo_create(text, size, &p->vi));
	p->page_shift = 12;
	while ((UINT64_C(1) << p->page_shift) < p->vi->page_size && p->page_shift < 16)
		p->page_shift++;
	struct kx_error *err = kx_vmcoreinfo_symbol(p->vi, "init_top_pgt", &top);
	if (!kx_error_catch(&err, KX_ERROR_NOT_FOUND)) {
		KX_TRY(err);
		p->root_pa = top - START_KERNEL_MAP + number_or(p, "phys_base", 0);
		p->levels = number_or(p, "pgtable_l5_enabled", 0) ? 5 : 4;
		p->sme_mask = number_or(p, "sme_mask", 0);
		return NULL;
	}
	// LoongArch exports no arch keys: the caller's level count, or three
	// (the 64-bit default).
	KX_TRY(kx_vmcoreinfo_symbol(p->vi, "swapper_pg_dir", &top));
	p->loongarch = true;
	p->root_pa = top & LA_PHYS_MASK;
	p->levels = la_levels ? la_levels : 3;
	return NULL;
}

// struct new_utsname: six 65-byte fields; print them as the header shows them.
static struct kx_error *print_uts(const struct probe *p)
{
	static const char *const names[6] = { "sysname", "nodename", "release",
					      "version", "machine", "domainname" };
	uint64_t uts, off = 4;  // before OFFSET(uts_namespace.name): after the kref
	char buf[6 * 65];
	KX_TRY(kx_vmcoreinfo_symbol(p->vi, "init_uts_ns", &uts));
	struct kx_error *err = kx_vmcoreinfo_offset(p->vi, "uts_namespace.name", &off);
	if (err && !kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		return err;
	KX_TRY(read_virt(p, uts + off, buf, sizeof(buf)));
	for (int i = 0; i < 6; i++)
		printf("%s: %.65s\n", names[i], buf + 65 * i);
	return NULL;
}

// mem_section (SPARSEMEM_EXTREME) -> mem_map -> struct page of @p pfn.
static struct kx_error *print_page(const struct probe *p, uint64_t pfn)
{
	uint64_t root, ms_size, page_size, page_shift = p->page_shift;
	KX_TRY(kx_vmcoreinfo_symbol(p->vi, "mem_section", &root));
	KX_TRY(kx_vmcoreinfo_size(p->vi, "mem_section", &ms_size));
	KX_TRY(kx_vmcoreinfo_size(p->vi, "page", &page_size));
	uint64_t sbits = number_or(p, "SECTION_SIZE_BITS", p->loongarch ? 29 : 27);
	uint64_t per_root = (UINT64_C(1) << page_shift) / ms_size, nr = pfn >> (sbits - page_shift);
	uint8_t w[8], page[64];
	KX_TRY(read_virt(p, root + 8 * (nr / per_root), w, 8));
	uint64_t array = kx_get_le64(w);
	if (!array)
		return kx_error_create(KX_ERROR_NOT_FOUND, "pfn 0x%" PRIx64 ": no section root", pfn);
	KX_TRY(read_virt(p, array + (nr % per_root) * ms_size, w, 8));
	uint64_t smm = kx_get_le64(w);
	if (!(smm & 1))
		return kx_error_create(KX_ERROR_NOT_FOUND, "pfn 0x%" PRIx64 ": section absent", pfn);
	uint64_t mem_map = (smm & ~UINT64_C(0x1f)) + (nr << (sbits - page_shift)) * page_size;
	uint64_t va = mem_map + (pfn - (nr << (sbits - page_shift))) * page_size;
	KX_TRY(read_virt(p, va, page, sizeof(page)));
	uint64_t pa = 0;
	KX_TRY(p->loongarch ? vtop_loongarch64(p, va, &pa) : vtop(p, va, &pa));
	printf("pfn 0x%" PRIx64 " page 0x%" PRIx64 " flags 0x%" PRIx64 " head 0x%" PRIx64
	       " mapping 0x%" PRIx64 " private 0x%" PRIx64 " mapcount 0x%08" PRIx32
	       " refcount %" PRIu32 " tail1 0x%016" PRIx64 " page_pa 0x%" PRIx64 "\n", pfn, va,
	       kx_get_le64(page), kx_get_le64(page + 8), kx_get_le64(page + 24),
	       kx_get_le64(page + 40), kx_get_le32(page + 48), kx_get_le32(page + 52),
	       kx_get_le64(page + 16), pa);
	return NULL;
}

static struct kx_error *run(int argc, char **argv, unsigned int la_levels)
{
	struct probe p = { 0 };
	struct kx_error *err = probe_open(&p, argv[1], la_levels);
	if (!err)
		printf("levels: %u\n", p.levels);
	if (!err)
		err = print_uts(&p);
	for (int i = 2; i < argc && !err; i++)
		err = print_page(&p, strtoull(argv[i], NULL, 0));
	kx_vmcoreinfo_destroy(p.vi);
	kx_elf_core_destroy(p.core);
	return err;
}

int main(int argc, char **argv)
{
	unsigned int la_levels = 0;
	if (argc > 2 && !strcmp(argv[1], "--levels")) {
		la_levels = (unsigned int)strtoul(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || la_levels == 1 || la_levels > 4) {
		fprintf(stderr, "usage: vmcore-probe [--levels 2|3|4] VMCORE [PFN...]\n");
		return 2;
	}
	struct kx_error *err = run(argc, argv, la_levels);
	if (err) {
		fprintf(stderr, "vmcore-probe: %s\n", err->message);
		kx_error_destroy(err);
		return 1;
	}
	return 0;
}
