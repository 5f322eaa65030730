// SPDX-License-Identifier: GPL-2.0-only
// loongarch64 translation against page tables built in a fake physical
// memory the way the kernel builds them: swapper_pg_dir in the kernel image,
// upper-level entries holding DMW1 (0x9000...) addresses of the next table,
// empty entries pointing at invalid_{pud,pmd,pte}_table, PTEs with the high
// NR/NX/RPLV flag bits, huge PMDs with _PAGE_HUGE and HGLOBAL.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "arch.h"
#include "byteorder.h"
#include "vtop.h"
#include "test_util.h"

// ---- fake physical memory: a sparse set of 64 KiB chunks ----

// 64 KiB so that any table of any page size sits in one chunk.
enum { MEM_PAGE = 65536, MEM_MAX_PAGES = 48 };

#include "fake_phys.h"
#include "vtop_check.h"

// ---- page tables as the kernel writes them ----

// pgtable-bits.h
static const uint64_t P_VALID = 1 << 0, P_DIRTY = 1 << 1, P_CC = 1 << 4;
static const uint64_t P_GLOBAL = 1 << 6, P_HUGE = 1 << 6, P_PRESENT = 1 << 7;
static const uint64_t P_WRITE = 1 << 8, P_MODIFIED = 1 << 9, P_PROTNONE = 1 << 10;
static const uint64_t P_HGLOBAL = 1 << 12;
static const uint64_t P_PRESENT_INVALID = 1ull << 60;
static const uint64_t P_NR = 1ull << 61, P_NX = 1ull << 62, P_RPLV = 1ull << 63;
static const uint64_t DMW1 = 0x9000000000000000;

static uint64_t page_kernel(void)
{
	return P_PRESENT | P_VALID | P_DIRTY | P_WRITE | P_MODIFIED | P_GLOBAL | P_CC;
}

struct lpt {
	struct fake_mem mem;
	struct kx_phys_reader reader;
	struct kx_vtop_params params;
	unsigned int levels, page_shift, shift[4], bits[4];
	uint64_t root, next_table;
	// invalid[l]: physical address of the kernel's empty table for level l
	// (invalid_pte_table for the PTE level, invalid_pmd_table, ...).
	uint64_t invalid[4];
};

// An empty entry in a table of @p level: 0 for PTEs, else the DMW address
// of the next level's invalid table (pgd_init/pud_init/pmd_init).
static uint64_t lpt_empty(const struct lpt *t, unsigned int level)
{
	return level + 1 == t->levels ? 0 : DMW1 | t->invalid[level + 1];
}

static uint64_t lpt_alloc(struct lpt *t, unsigned int level)
{
	uint64_t pa = t->next_table;
	t->next_table += MEM_PAGE; // one table per chunk, so one can be excluded
	for (uint64_t i = 0; i < ((uint64_t)1 << t->bits[level]); i++)
		mem_put64(&t->mem, pa + i * 8, lpt_empty(t, level));
	return pa;
}

// The geometry computed independently of the code under test.
static void lpt_init(struct lpt *t, uint32_t page_size, unsigned int levels,
		     unsigned int top_bits)
{
	memset(t, 0, sizeof(*t));
	t->reader = (struct kx_phys_reader){ .read = mem_read, .arg = &t->mem };
	t->page_shift = page_size == 4096 ? 12 : page_size == 16384 ? 14 : 16;
	t->levels = levels;
	for (unsigned int l = 0; l < levels; l++) {
		t->shift[l] = t->page_shift + (t->page_shift - 3) * (levels - 1 - l);
		t->bits[l] = l ? t->page_shift - 3 : top_bits;
	}
	t->next_table = 0x2000000;
	for (unsigned int l = levels - 1; l >= 1; l--)
		t->invalid[l] = lpt_alloc(t, l);
	t->root = 0x1a40000; // swapper_pg_dir, in the kernel image
	for (uint64_t i = 0; i < ((uint64_t)1 << t->bits[0]); i++)
		mem_put64(&t->mem, t->root + i * 8, lpt_empty(t, 0));
	t->params.page_size = page_size;
	t->params.pgd_vaddr = DMW1 | t->root;
	t->params.levels = levels;
	t->params.va_bits = t->shift[0] + top_bits;
}

static uint64_t lpt_entry_addr(const struct lpt *t, uint64_t table, unsigned int level,
			       uint64_t va)
{
	uint64_t mask = ((uint64_t)1 << t->bits[level]) - 1;
	return table + ((va >> t->shift[level]) & mask) * 8;
}

// Map @p va with a leaf at @p leaf_level whose entry is @p entry.
static void lpt_map(struct lpt *t, uint64_t va, unsigned int leaf_level, uint64_t entry)
{
	uint64_t table = t->root;
	for (unsigned int l = 0; l < leaf_level; l++) {
		uint64_t at = lpt_entry_addr(t, table, l, va);
		uint64_t e = kx_get_le64(mem_page(&t->mem, at) + (at & (MEM_PAGE - 1)));
		if (e == lpt_empty(t, l)) {
			e = DMW1 | lpt_alloc(t, l + 1);
			mem_put64(&t->mem, at, e);
		}
		table = e & ~DMW1;
	}
	mem_put64(&t->mem, lpt_entry_addr(t, table, leaf_level, va), entry);
}

static struct kx_vtop *lpt_vtop(struct lpt *t)
{
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(&kx_arch_loongarch64, &t->params, &t->reader, &vt));
	return vt;
}

struct trace_log {
	struct kx_vtop_step steps[KX_VTOP_MAX_LEVELS];
	unsigned int n;
};

static void trace_step(void *arg, const struct kx_vtop_step *step)
{
	struct trace_log *log = arg;
	assert_true(log->n < KX_VTOP_MAX_LEVELS);
	log->steps[log->n++] = *step;
}

// Translate @p va, recording each entry read in @p log.
static uint64_t traced_va(const struct kx_vtop *vt, uint64_t va, struct trace_log *log)
{
	struct kx_vtop_trace trace = { .step = trace_step, .arg = log };
	uint64_t pa = 0;
	log->n = 0;
	assert_kx_ok(kx_vtop_translate(vt, va, &trace, &pa, NULL));
	return pa;
}

static const char *const names_4l[] = { "PGD", "PUD", "PMD", "PTE" };

// ---- tests ----

// The DMW windows are linear: no table is read.
static void test_dmw(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	struct kx_vtop *vt = lpt_vtop(&t);
	check_va(vt, 0x9000000012345678, 0x12345678, 16384);
	check_va(vt, 0x8000000000001000, 0x1000, 16384);
	check_va(vt, 0xbfffffffffffffff, 0xffffffffffff, 16384);
	check_va(vt, 0x9000f00012345678, 0xf00012345678, 16384);
	assert_int_equal(t.mem.reads, 0);
	kx_vtop_destroy(vt);
	t.params.max_physmem_bits = 40;
	vt = lpt_vtop(&t);
	check_va(vt, 0x9000f00012345678, 0x12345678, 16384);
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

// crash's "vtop fffb8bf772" on a 5.10 openEuler kernel, 16 KiB pages,
// 3 levels (crash commit 7b8db357): the same entries at the same places,
// the same answer once the NX/high flag bits are masked off the PTE.
static void test_crash_sample(void **state)
{
	(void)state;
	struct fake_mem mem = { .n = 0 };
	mem_put64(&mem, 0x96d10078, 0x900000009665c000);
	mem_put64(&mem, 0x9665ffe8, 0x9000000098894000);
	mem_put64(&mem, 0x98897178, 0x40000001231bc39f);
	struct kx_phys_reader reader = { .read = mem_read, .arg = &mem };
	struct kx_vtop_params p = { .page_size = 16384, .pgd_vaddr = 0x9000000096d10000 };
	const struct kx_arch *arch = kx_arch_by_name("loongarch64");
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(arch, &p, &reader, &vt));
	assert_int_equal(kx_vtop_root(vt), 0x96d10000);
	struct trace_log log = { .n = 0 };
	struct kx_vtop_trace trace = { .step = trace_step, .arg = &log };
	uint64_t pa = 0, size = 0;
	assert_kx_ok(kx_vtop_translate(vt, 0xfffb8bf772, &trace, &pa, &size));
	assert_int_equal(pa, 0x1231bf772);
	assert_int_equal(size, 16384);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.steps[0].level, "PGD");
	assert_int_equal(log.steps[0].entry_paddr, 0x96d10078);
	assert_int_equal(log.steps[0].entry, 0x900000009665c000);
	assert_string_equal(log.steps[1].level, "PMD");
	assert_int_equal(log.steps[1].table, 0x9665c000);
	assert_int_equal(log.steps[1].entry_paddr, 0x9665ffe8);
	assert_int_equal(log.steps[1].index, 2045);
	assert_string_equal(log.steps[2].level, "PTE");
	assert_int_equal(log.steps[2].entry_paddr, 0x98897178);
	assert_int_equal(log.steps[2].entry, 0x40000001231bc39f);
	kx_vtop_destroy(vt);
	mem_free(&mem);
}

static void test_16k_3level(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	// XKVRANGE addresses; the walk ignores the bits above the tables' 47.
	uint64_t va = 0xffff000000008000;
	lpt_map(&t, va, 2, 0x234568000 | page_kernel() | P_NR | P_NX | P_RPLV);
	// A huge PMD (32 MiB) with HGLOBAL in bit 12 and NX.
	lpt_map(&t, 0xffff000002000000, 1,
		0x3e000000 | P_HUGE | P_HGLOBAL | P_PRESENT | P_VALID | P_DIRTY |
		P_WRITE | P_MODIFIED | P_CC | P_NX);
	struct kx_vtop *vt = lpt_vtop(&t);
	check_va(vt, va + 0x123, 0x234568123, 16384);
	check_va(vt, va + 0x3fff, 0x23456bfff, 16384);
	check_va(vt, 0xffff000002345678, 0x3e345678, 32 << 20);
	check_va(vt, 0xffff000003ffffff, 0x3fffffff, 32 << 20);
	t.mem.reads = 0;
	check_va(vt, va, 0x234568000, 16384);
	assert_int_equal(t.mem.reads, 3);
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

static void test_huge_pmd_present(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	uint64_t base = 0x3e000000 | P_HUGE | P_HGLOBAL | P_CC;
	lpt_map(&t, 0xffff000002000000, 1, base);                     // not present
	lpt_map(&t, 0xffff000004000000, 1, base | P_PRESENT_INVALID); // being split
	lpt_map(&t, 0xffff000006000000, 1, base | P_PROTNONE);
	struct kx_vtop *vt = lpt_vtop(&t);
	check_fault(vt, 0xffff000002000010, "PMD entry 0x3e001050");
	check_va(vt, 0xffff000004000010, 0x3e000010, 32 << 20);
	check_va(vt, 0xffff000006000010, 0x3e000010, 32 << 20);
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

static void test_pte_present(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	uint64_t va = 0xffff000000008000;
	lpt_map(&t, va, 2, P_GLOBAL);                  // pte_none() for the kernel
	lpt_map(&t, va + 0x4000, 2, 0x44440000 | P_PROTNONE | P_GLOBAL);
	lpt_map(&t, va + 0x8000, 2, 0x55550000 | (page_kernel() & ~P_PRESENT));
	struct kx_vtop *vt = lpt_vtop(&t);
	check_fault(vt, va, "is not mapped: PTE entry 0x40 at physical");
	check_va(vt, va + 0x4010, 0x44440010, 16384);
	check_fault(vt, va + 0x8000, "PTE entry 0x55550353");
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

// Empty entries point at the kernel's invalid tables: without their
// addresses the walk ends on invalid_pte_table's zero PTE, with them at once.
static void test_invalid_tables(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	lpt_map(&t, 0xffff000000008000, 2, 0x234568000 | page_kernel());
	struct kx_vtop *vt = lpt_vtop(&t);
	uint64_t vmemmap = 0xffff4000000a0000; // another PGD slot
	check_fault(vt, vmemmap, "PTE entry 0 at physical");
	assert_int_equal(t.mem.reads, 3);
	check_fault(vt, 0xffff000002000000, "PTE entry 0 at physical"); // empty PMD slot
	kx_vtop_destroy(vt);

	t.params.invalid_tables[0] = DMW1 | t.invalid[2]; // invalid_pte_table
	t.params.invalid_tables[1] = DMW1 | t.invalid[1]; // invalid_pmd_table
	vt = lpt_vtop(&t);
	t.mem.reads = 0;
	check_fault(vt, vmemmap, "PGD entry 0x9000000002010000 at physical");
	assert_int_equal(t.mem.reads, 1);
	check_fault(vt, 0xffff000002000000, "PMD entry 0x9000000002000000");
	check_va(vt, 0xffff000000008001, 0x234568001, 16384);
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

static void test_bad_entries(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	struct kx_vtop *vt = lpt_vtop(&t);
	uint64_t va = 0xffff4000000a0000, at = lpt_entry_addr(&t, t.root, 0, va);
	mem_put64(&t.mem, at, 0);
	check_fault(vt, va, "PGD entry 0 at physical 0x1a42000");
	// A physical address where a DMW address belongs.
	mem_put64(&t.mem, at, t.invalid[1]);
	uint64_t pa = 0;
	assert_kx_err(kx_vtop_translate(vt, va, NULL, &pa, NULL), KX_ERROR_CORRUPT,
		      "translating 0xffff4000000a0000: malformed PGD entry 0x2010000 at physical 0x1a42000");
	// Not page-aligned (nor huge: PGD is not the PMD level).
	mem_put64(&t.mem, at, DMW1 | t.invalid[1] | P_HUGE);
	assert_kx_err(kx_vtop_translate(vt, va, NULL, &pa, NULL), KX_ERROR_CORRUPT,
		      "malformed PGD entry 0x9000000002010040");
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

static void test_reader_errors(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	uint64_t va = 0xffff000000008000;
	lpt_map(&t, va, 2, 0x234568000 | page_kernel());
	struct kx_vtop *vt = lpt_vtop(&t);
	uint64_t pmd_table = t.next_table - 2 * MEM_PAGE;
	t.mem.excluded = pmd_table;
	uint64_t pa = 0;
	assert_kx_err(kx_vtop_translate(vt, va, NULL, &pa, NULL), KX_ERROR_NODATA,
		      "translating 0xffff000000008000: reading PMD entry at physical 0x2020000:"
		      " page 0x2020000 is excluded");
	t.mem.excluded = 0;
	// A table pointer into memory that is not in the dump.
	mem_put64(&t.mem, lpt_entry_addr(&t, t.root, 0, va), DMW1 | 0x7700000000);
	assert_kx_err(kx_vtop_translate(vt, va, NULL, &pa, NULL), KX_ERROR_FAULT,
		      "reading PMD entry at physical 0x7700000000: physical 0x7700000000 is not in the dump");
	assert_int_equal(pa, 0);
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

// CONFIG_4KB_4LEVEL: 48-bit VA, PGD/PUD/PMD/PTE, 2 MiB huge PMDs.
static void test_4k_4level(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 4096, 4, 9);
	t.params.levels = 0; // derived from va_bits 48
	assert_int_equal(t.params.va_bits, 48);
	uint64_t va = 0xffff800012345000;
	lpt_map(&t, va, 3, 0x87654000 | page_kernel() | P_NX);
	lpt_map(&t, 0xffff000000200000, 2, 0x40200000 | P_HUGE | P_PRESENT | P_HGLOBAL);
	struct kx_vtop *vt = lpt_vtop(&t);
	assert_int_equal(vt->levels, 4);
	struct trace_log log;
	assert_int_equal(traced_va(vt, va + 0xabc, &log), 0x87654abc);
	assert_int_equal(log.n, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_string_equal(log.steps[i].level, names_4l[i]);
	check_va(vt, 0xffff0000002fffff, 0x402fffff, 2 << 20);
	check_fault(vt, va + 0x1000, "PTE entry 0");
	check_fault(vt, va + ((uint64_t)1 << 30), "PTE entry 0");
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

// CONFIG_4KB_4LEVEL's vmemmap (0 - 2^42 on a CPU with 48-bit VA and PA):
// the level count told from the struct page addresses (the arch's infer
// hook), then a walk of PGD, PUD, PMD and PTE, with a 2 MiB huge PMD where
// a section's struct pages fill one (vmemmap_populate_hugepages()). Walked
// as the default three levels, the same tables give no translation.
static void test_4k_4level_vmemmap(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 4096, 4, 9);
	const uint64_t vmemmap = 0xfffffc0000000000;
	lpt_map(&t, vmemmap, 3, 0x3f000000 | page_kernel() | P_NX);
	lpt_map(&t, vmemmap + 0x1200000, 2,
		0x7e000000 | P_HUGE | P_HGLOBAL | P_PRESENT | P_VALID | P_DIRTY | P_WRITE |
		P_MODIFIED | P_CC | P_NX);
	const uint64_t pages[] = { vmemmap, vmemmap + 0x13fffc0 };
	const struct kx_vtop_hints hints = { .struct_pages = pages, .nr_struct_pages = 2 };
	struct kx_vtop_params p = { .page_size = 4096, .pgd_vaddr = t.params.pgd_vaddr };
	assert_kx_ok(kx_arch_loongarch64.vtop->infer(&p, &hints));
	assert_int_equal(p.levels, 4);
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(&kx_arch_loongarch64, &p, &t.reader, &vt));
	assert_int_equal(vt->params.va_bits, 48);
	struct trace_log log;
	assert_int_equal(traced_va(vt, vmemmap + 0x40, &log), 0x3f000040);
	assert_int_equal(log.n, 4);
	static const unsigned int index[] = { 504, 0, 0, 0 };
	for (unsigned int i = 0; i < 4; i++) {
		assert_string_equal(log.steps[i].level, names_4l[i]);
		assert_int_equal(log.steps[i].index, index[i]);
	}
	assert_int_equal(log.steps[0].entry_paddr, t.root + 504 * 8);
	check_va(vt, vmemmap + 0x1234567, 0x7e034567, 2 << 20);
	check_va(vt, pages[1], 0x7e1fffc0, 2 << 20);
	check_fault(vt, vmemmap + 0x1000, "PTE entry 0");
	kx_vtop_destroy(vt);
	p.levels = 3;
	assert_kx_ok(kx_vtop_create(&kx_arch_loongarch64, &p, &t.reader, &vt));
	check_fault(vt, vmemmap + 0x40, "is not mapped");
	check_fault(vt, pages[1], "is not mapped");
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

// CONFIG_64KB_2LEVEL: 42-bit VA; the PMD is folded into the PGD, so the
// PGD level carries the 512 MiB huge pages.
static void test_64k_2level(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 65536, 2, 13);
	assert_int_equal(t.params.va_bits, 42);
	lpt_map(&t, 0xffff000000010000, 1, 0x7770000 | page_kernel());
	lpt_map(&t, 0xffff000020000000, 0, 0x60000000 | P_HUGE | P_PRESENT | P_HGLOBAL);
	struct kx_vtop *vt = lpt_vtop(&t);
	check_va(vt, 0xffff00000001fffe, 0x777fffe, 65536);
	check_va(vt, 0xffff000023456789, 0x63456789, 512 << 20);
	check_fault(vt, 0xffff000000020000, "PTE entry 0");
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

// 5.10-era vendor kernels: VA_BITS_48 with 16 KiB pages and 3 levels, the
// PGD two pages long (PGD_ORDER 1), so its index has 12 bits.
static void test_16k_two_page_pgd(void **state)
{
	(void)state;
	struct lpt t;
	lpt_init(&t, 16384, 3, 12);
	t.params.levels = 0;
	assert_int_equal(t.params.va_bits, 48);
	uint64_t va = 0xffff800000004000; // PGD index 2048: the second page
	lpt_map(&t, va, 2, 0x11114000 | page_kernel());
	struct kx_vtop *vt = lpt_vtop(&t);
	assert_int_equal(vt->levels, 3);
	assert_int_equal(vt->index_bits[0], 12);
	struct trace_log log = { .n = 0 };
	struct kx_vtop_trace trace = { .step = trace_step, .arg = &log };
	uint64_t pa = 0;
	assert_kx_ok(kx_vtop_translate(vt, va + 8, &trace, &pa, NULL));
	assert_int_equal(pa, 0x11114008);
	assert_int_equal(log.steps[0].index, 2048);
	assert_int_equal(log.steps[0].entry_paddr, t.root + 0x4000);
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

struct geometry {
	uint32_t page_size;
	unsigned int levels, va_bits;
	unsigned int want_levels, want_va_bits, shift[4], bits[4];
};

static void test_geometry(void **state)
{
	(void)state;
	static const struct geometry g[] = {
		{ 4096, 3, 0, 3, 39, { 30, 21, 12 }, { 9, 9, 9 } },
		{ 4096, 0, 48, 4, 48, { 39, 30, 21, 12 }, { 9, 9, 9, 9 } },
		{ 16384, 2, 0, 2, 36, { 25, 14 }, { 11, 11 } },
		{ 16384, 0, 0, 3, 47, { 36, 25, 14 }, { 11, 11, 11 } },
		{ 16384, 0, 47, 3, 47, { 36, 25, 14 }, { 11, 11, 11 } },
		{ 16384, 0, 48, 3, 48, { 36, 25, 14 }, { 12, 11, 11 } },
		{ 65536, 2, 0, 2, 42, { 29, 16 }, { 13, 13 } },
		{ 65536, 3, 0, 3, 55, { 42, 29, 16 }, { 13, 13, 13 } },
		{ 65536, 0, 55, 3, 55, { 42, 29, 16 }, { 13, 13, 13 } },
	};
	struct kx_phys_reader reader = { .read = mem_read, .arg = NULL };
	for (size_t i = 0; i < KX_ARRAY_SIZE(g); i++) {
		struct kx_vtop_params p = { .page_size = g[i].page_size,
			.pgd_vaddr = 0x9000000001a40000, .levels = g[i].levels,
			.va_bits = g[i].va_bits };
		struct kx_vtop *vt = NULL;
		assert_kx_ok(kx_vtop_create(&kx_arch_loongarch64, &p, &reader, &vt));
		assert_int_equal(vt->levels, g[i].want_levels);
		assert_int_equal(vt->params.va_bits, g[i].want_va_bits);
		assert_int_equal(vt->params.max_physmem_bits, 48);
		for (unsigned int l = 0; l < vt->levels; l++) {
			assert_int_equal(vt->shift[l], g[i].shift[l]);
			assert_int_equal(vt->index_bits[l], g[i].bits[l]);
		}
		kx_vtop_destroy(vt);
	}
}

static void check_bad_params(const struct kx_vtop_params *p, enum kx_error_code code,
			     const char *msg)
{
	struct kx_phys_reader reader = { .read = mem_read, .arg = NULL };
	struct kx_vtop *vt = NULL;
	assert_kx_err(kx_vtop_create(&kx_arch_loongarch64, p, &reader, &vt), code, msg);
	assert_null(vt);
}

static void test_params(void **state)
{
	(void)state;
	const struct kx_vtop_params ok = { .pgd_vaddr = 0x9000000001a40000 };
	struct kx_vtop_params p = ok;
	p.page_size = 8192;
	check_bad_params(&p, KX_ERROR_UNSUPPORTED, "loongarch64 page tables: page size 8192");
	p = ok;
	p.levels = 5;
	check_bad_params(&p, KX_ERROR_UNSUPPORTED, "5 page-table levels");
	p.levels = 1;
	check_bad_params(&p, KX_ERROR_UNSUPPORTED, "1 page-table levels");
	p = ok;
	p.va_bits = 40;
	check_bad_params(&p, KX_ERROR_UNSUPPORTED, "40-bit addresses with 2 levels of 16 KiB pages");
	p = ok;
	p.levels = 2;
	p.va_bits = 47;
	check_bad_params(&p, KX_ERROR_UNSUPPORTED, "47-bit addresses with 2 levels");
	p = ok;
	p.pgd_vaddr = 0xffff000000000000;
	check_bad_params(&p, KX_ERROR_INVALID_ARG,
			 "swapper_pg_dir 0xffff000000000000 is not a page in a direct mapping window");
	p.pgd_vaddr = 0x9000000001a40008;
	check_bad_params(&p, KX_ERROR_INVALID_ARG, "swapper_pg_dir 0x9000000001a40008");
	p = ok;
	p.phys_base = 0x200000;
	check_bad_params(&p, KX_ERROR_INVALID_ARG, "do not apply to loongarch64");
	p = ok;
	p.page_offset = 0x9000000000000000;
	check_bad_params(&p, KX_ERROR_INVALID_ARG, "do not apply to loongarch64");
	p = ok;
	p.max_physmem_bits = 52;
	check_bad_params(&p, KX_ERROR_INVALID_ARG, "MAX_PHYSMEM_BITS 52");
	// Defaults: 16 KiB pages, 3 levels, 47 bits, 48-bit physical.
	struct kx_phys_reader reader = { .read = mem_read, .arg = NULL };
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(&kx_arch_loongarch64, &ok, &reader, &vt));
	assert_int_equal(vt->params.page_size, 16384);
	assert_int_equal(vt->levels, 3);
	assert_int_equal(vt->params.va_bits, 47);
	assert_int_equal(vt->params.max_physmem_bits, 48);
	assert_int_equal(kx_vtop_root(vt), 0x1a40000);
	kx_vtop_destroy(vt);
}

static void test_through_descriptor(void **state)
{
	(void)state;
	const struct kx_arch *arch = kx_arch_by_name("loong64");
	assert_non_null(arch);
	assert_ptr_equal(arch->vtop, &kx_vtop_ops_loongarch64);
	assert_ptr_equal(kx_arch_by_elf_machine(258)->vtop, &kx_vtop_ops_loongarch64);
	struct lpt t;
	lpt_init(&t, 16384, 3, 11);
	lpt_map(&t, 0xffff000000008000, 2, 0x234568000 | page_kernel());
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(arch, &t.params, &t.reader, &vt));
	check_va(vt, 0xffff000000008042, 0x234568042, 16384);
	check_va(vt, 0x90000000013e8000, 0x13e8000, 16384);
	kx_vtop_destroy(vt);
	mem_free(&t.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmw),
		cmocka_unit_test(test_crash_sample),
		cmocka_unit_test(test_16k_3level),
		cmocka_unit_test(test_huge_pmd_present),
		cmocka_unit_test(test_pte_present),
		cmocka_unit_test(test_invalid_tables),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_4k_4level),
		cmocka_unit_test(test_4k_4level_vmemmap),
		cmocka_unit_test(test_64k_2level),
		cmocka_unit_test(test_16k_two_page_pgd),
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_through_descriptor),
	};
	KX_RUN_TESTS(tests);
}
