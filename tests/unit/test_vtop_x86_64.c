// SPDX-License-Identifier: GPL-2.0-only
// x86_64 translation against page tables built in a fake physical memory
// the way the kernel builds them: table entries _PAGE_TABLE (0x63), kernel
// PTEs __PAGE_KERNEL with NX and GLOBAL, large pages with PSE, the SME C-bit
// in every entry when set, and a KASLR'd phys_base.
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

// ---- fake physical memory: a sparse set of 4 KiB pages ----

enum { MEM_PAGE = 4096, MEM_MAX_PAGES = 64 };

#include "fake_phys.h"
#include "vtop_check.h"

// ---- page tables as the kernel writes them ----

static const uint64_t PAGE_TABLE = 0x63;                 // P|RW|A|D
static const uint64_t PAGE_KERNEL = 0x8000000000000163;  // NX|G|D|A|RW|P
static const uint64_t PAGE_KERNEL_LARGE = 0x80000000000001e3; // ...|PSE
static const uint64_t PAT_LARGE = 0x1000;                // bit 12 of a large entry
static const uint64_t START_KERNEL_MAP = 0xffffffff80000000;

struct pt {
	struct fake_mem mem;
	struct kx_phys_reader reader;
	struct kx_vtop_params params;
	uint64_t root, next_table;
	unsigned int levels;
};

// A kernel with KASLR: text at a random physical address (phys_base) and
// init_top_pgt somewhere in its data.
static void pt_init(struct pt *pt, bool l5, uint64_t sme)
{
	memset(pt, 0, sizeof(*pt));
	pt->reader = (struct kx_phys_reader){ .read = mem_read, .arg = &pt->mem };
	pt->params.phys_base = 0x14e00000;
	pt->params.pgd_vaddr = 0xffffffff9d80a000;
	pt->params.pgtable_l5 = l5;
	pt->params.sme_mask = sme;
	pt->levels = l5 ? 5 : 4;
	pt->root = pt->params.pgd_vaddr - START_KERNEL_MAP + pt->params.phys_base;
	mem_page(&pt->mem, pt->root);
	pt->next_table = 0x7f000000; // page-table pages come from here
}

static unsigned int pt_shift(const struct pt *pt, unsigned int level)
{
	return 12 + 9 * (pt->levels - 1 - level);
}

// Map [va, va + size) to pa with one leaf of @p size (4 KiB, 2 MiB, 1 GiB).
static void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t extra)
{
	uint64_t table = pt->root, sme = pt->params.sme_mask;
	for (unsigned int level = 0;; level++) {
		unsigned int shift = pt_shift(pt, level);
		uint64_t at = table + ((va >> shift) & 511) * 8;
		if (((uint64_t)1 << shift) == size) {
			uint64_t flags = shift == 12 ? PAGE_KERNEL : PAGE_KERNEL_LARGE;
			mem_put64(&pt->mem, at, pa | sme | flags | extra);
			return;
		}
		uint64_t e = kx_get_le64(mem_page(&pt->mem, at) + (at & 4095));
		if (!(e & 1)) {
			e = pt->next_table | sme | PAGE_TABLE;
			mem_page(&pt->mem, pt->next_table);
			pt->next_table += MEM_PAGE;
			mem_put64(&pt->mem, at, e);
		}
		table = e & 0x000ffffffffff000 & ~sme;
	}
}

static struct kx_vtop *pt_vtop(struct pt *pt)
{
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(&kx_arch_x86_64, &pt->params, &pt->reader, &vt));
	return vt;
}

// ---- tests ----

static void test_4level_4k_kaslr(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	pt_map(&pt, 0xffffc90000a4d000, 0x7654321000, 4096, 0);
	// The text mapping, 2 MiB pages at phys_base, as head_64.S builds it:
	// walking to init_top_pgt must land on the root we computed.
	pt_map(&pt, 0xffffffff9d800000, 0x32600000, 2 << 20, 0);
	struct kx_vtop *vt = pt_vtop(&pt);
	assert_int_equal(kx_vtop_root(vt), 0x3260a000);
	check_va(vt, 0xffffc90000a4d123, 0x7654321123, 4096);
	check_va(vt, 0xffffc90000a4dfff, 0x7654321fff, 4096);
	check_va(vt, pt.params.pgd_vaddr, kx_vtop_root(vt), 2 << 20);
	pt.mem.reads = 0;
	check_va(vt, 0xffffc90000a4d000, 0x7654321000, 4096);
	assert_int_equal(pt.mem.reads, 4); // one per level
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

// A struct page array in vmemmap: consecutive virtual pages backed by
// scattered physical ones. kx_vtop_read() stitches them together and stops
// at the first unmapped byte.
static void test_read_across_mappings(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	uint64_t va = 0xffffea0000040000;
	pt_map(&pt, va, 0x5000, 4096, 0);
	pt_map(&pt, va + 4096, 0x3000, 4096, 0);
	for (int i = 0; i < 4096; i++) {
		mem_page(&pt.mem, 0x5000)[i] = (unsigned char)i;
		mem_page(&pt.mem, 0x3000)[i] = (unsigned char)(i ^ 0xa5);
	}
	struct kx_vtop *vt = pt_vtop(&pt);
	unsigned char buf[200];
	assert_kx_ok(kx_vtop_read(vt, va + 4000, buf, sizeof(buf)));
	for (int i = 0; i < 96; i++)
		assert_int_equal(buf[i], (unsigned char)(4000 + i));
	for (int i = 96; i < 200; i++)
		assert_int_equal(buf[i], (unsigned char)((i - 96) ^ 0xa5));
	assert_kx_err(kx_vtop_read(vt, va + 8000, buf, sizeof(buf)), KX_ERROR_FAULT,
		      "reading kernel memory at 0xffffea0000042000");
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

// With a hint, reads within the mapping translated last skip the walk:
// small reads along a 2 MiB vmemmap page cost one read each, the bytes are
// those an unhinted read gets, and leaving the mapping walks again.
static void test_read_hinted(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	uint64_t va = 0xffffea0000200000;
	pt_map(&pt, va, 0x40000000, 2 << 20, PAT_LARGE);
	pt_map(&pt, va + (2 << 20), 0x5000, 4096, 0);
	for (int i = 0; i < 4096; i++) {
		mem_page(&pt.mem, 0x40000000 + 0x1ff000)[i] = (unsigned char)i;
		mem_page(&pt.mem, 0x5000)[i] = (unsigned char)(i ^ 0x5a);
	}
	struct kx_vtop *vt = pt_vtop(&pt);
	struct kx_vtop_hint hint = { 0 };
	unsigned char got[64], want[64];
	assert_kx_ok(kx_vtop_read_hinted(vt, &hint, va + 0x1ff000, got, sizeof(got)));
	assert_int_equal(hint.vaddr, va);
	assert_int_equal(hint.paddr, 0x40000000);
	assert_int_equal(hint.size, 2 << 20);
	pt.mem.reads = 0;
	for (uint64_t off = 0x1ff000; off < 0x200000; off += sizeof(got))
		assert_kx_ok(kx_vtop_read_hinted(vt, &hint, va + off, got, sizeof(got)));
	assert_int_equal(pt.mem.reads, 4096 / sizeof(got));
	// Across the end of the 2 MiB page into a 4 KiB one, as kx_vtop_read().
	assert_kx_ok(kx_vtop_read_hinted(vt, &hint, va + 0x200000 - 32, got, sizeof(got)));
	assert_kx_ok(kx_vtop_read(vt, va + 0x200000 - 32, want, sizeof(want)));
	assert_memory_equal(got, want, sizeof(got));
	assert_int_equal(got[0], (unsigned char)(4096 - 32));
	assert_int_equal(got[32], 0x5a);
	assert_int_equal(hint.vaddr, va + (2 << 20));
	assert_int_equal(hint.size, 4096);
	// An address below the hint's mapping is not taken for one in it.
	assert_kx_ok(kx_vtop_read_hinted(vt, &hint, va + 0x1fffc0, got, 16));
	assert_int_equal(got[0], (unsigned char)0xc0);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_large_pages(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	// Direct map: a 2 MiB page with the large-page PAT bit (bit 12) set,
	// and a 1 GiB page.
	pt_map(&pt, 0xffff888100200000, 0x100200000, 2 << 20, PAT_LARGE);
	pt_map(&pt, 0xffff888140000000, 0x140000000, 1 << 30, PAT_LARGE);
	struct kx_vtop *vt = pt_vtop(&pt);
	check_va(vt, 0xffff888100212345, 0x100212345, 2 << 20);
	check_va(vt, 0xffff8881003fffff, 0x1003fffff, 2 << 20);
	check_va(vt, 0xffff888152345678, 0x152345678, 1 << 30);
	pt.mem.reads = 0;
	check_va(vt, 0xffff888140000000, 0x140000000, 1 << 30);
	assert_int_equal(pt.mem.reads, 2);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_sme_mask(void **state)
{
	(void)state;
	struct pt pt;
	// AMD SME with the C-bit at 47 (the usual EPYC position).
	pt_init(&pt, false, (uint64_t)1 << 47);
	pt_map(&pt, 0xffffc90000001000, 0x12345000, 4096, 0);
	pt_map(&pt, 0xffff888100200000, 0x100200000, 2 << 20, 0);
	pt_map(&pt, 0xffff888040000000, 0x40000000, 1 << 30, 0);
	struct kx_vtop *vt = pt_vtop(&pt);
	check_va(vt, 0xffffc90000001abc, 0x12345abc, 4096);
	check_va(vt, 0xffff888100300000, 0x100300000, 2 << 20);
	check_va(vt, 0xffff888040000010, 0x40000010, 1 << 30);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_5level(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, true, 0);
	// 5-level direct map (0xff11000000000000) and vmalloc (0xffa0...).
	pt_map(&pt, 0xff11000012200000, 0x12200000, 2 << 20, 0);
	pt_map(&pt, 0xffa0000000002000, 0xabcdef000, 4096, 0);
	// A physical address above 2^46, legal with 5-level paging.
	pt_map(&pt, 0xffa0000000003000, 0xf123456789000, 4096, 0);
	struct kx_vtop *vt = pt_vtop(&pt);
	assert_int_equal(vt->params.max_physmem_bits, 52);
	check_va(vt, 0xff11000012345678, 0x12345678, 2 << 20);
	check_va(vt, 0xffa0000000002fed, 0xabcdeffed, 4096);
	check_va(vt, 0xffa0000000003001, 0xf123456789001, 4096);
	// Different index at bits 48..56 only: its own PGD slot, empty.
	check_fault(vt, 0xff12000012345678, "PGD entry");
	check_fault(vt, 0xff11008012345678, "P4D entry");
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_noncanonical(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	struct kx_vtop *vt = pt_vtop(&pt);
	check_fault(vt, 0x0000800000000000, "not a canonical 48-bit address");
	check_fault(vt, 0xffff7fffffffffff, "not a canonical 48-bit address");
	// A 5-level direct-map address on a 4-level kernel.
	check_fault(vt, 0xff11000000000000, "not a canonical 48-bit address");
	assert_int_equal(pt.mem.reads, 0);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);

	pt_init(&pt, true, 0);
	vt = pt_vtop(&pt);
	check_fault(vt, 0x0100000000000000, "not a canonical 57-bit address");
	check_fault(vt, 0xfeffffffffffffff, "not a canonical 57-bit address");
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_not_present_each_level(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	uint64_t va = 0xffffc90000a4d000;
	pt_map(&pt, va, 0x7654321000, 4096, 0);
	struct kx_vtop *vt = pt_vtop(&pt);
	check_fault(vt, va + ((uint64_t)1 << 39), "PGD entry 0 at physical");
	check_fault(vt, va + ((uint64_t)1 << 30), "PUD entry 0 at physical");
	check_fault(vt, va + ((uint64_t)1 << 21), "PMD entry 0 at physical");
	check_fault(vt, va + 4096, "PTE entry 0 at physical");
	// A PTE with every bit but PRESENT (a swap-like entry) is not mapped.
	uint64_t pte_at = pt.next_table - MEM_PAGE + ((va >> 12) & 511) * 8;
	mem_put64(&pt.mem, pte_at, 0x7654321000 | (PAGE_KERNEL & ~(uint64_t)1));
	check_fault(vt, va, "is not mapped: PTE entry 0x8000007654321162");
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_reader_errors(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	uint64_t va = 0xffffc90000a4d000;
	pt_map(&pt, va, 0x7654321000, 4096, 0);
	struct kx_vtop *vt = pt_vtop(&pt);
	uint64_t pa = 0;
	// The PMD table's page was excluded from a filtered dump (tables are
	// allocated in order PUD, PMD, PTE).
	pt.mem.excluded = 0x7f001000;
	assert_kx_err(kx_vtop_translate(vt, va, NULL, &pa, NULL), KX_ERROR_NODATA,
		      "translating 0xffffc90000a4d000: reading PMD entry at physical 0x7f001028:"
		      " page 0x7f001000 is excluded");
	pt.mem.excluded = 0;
	// An entry pointing outside memory: the reader's fault, with context.
	uint64_t pud_at = 0x7f000000 + ((va >> 30) & 511) * 8;
	mem_put64(&pt.mem, pud_at, 0x5500000000 | PAGE_TABLE);
	assert_kx_err(kx_vtop_translate(vt, va, NULL, &pa, NULL), KX_ERROR_FAULT,
		      "reading PMD entry at physical 0x5500000028: physical 0x5500000028 is not in the dump");
	assert_int_equal(pa, 0);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_loop_is_bounded(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	// Every entry of the root points at the root itself: a cycle.
	for (unsigned int i = 0; i < 512; i++)
		mem_put64(&pt.mem, pt.root + i * 8, pt.root | PAGE_TABLE);
	struct kx_vtop *vt = pt_vtop(&pt);
	uint64_t pa = 0;
	assert_kx_ok(kx_vtop_translate(vt, 0xffffc90000a4d123, NULL, &pa, NULL));
	assert_int_equal(pa, pt.root + 0x123);
	assert_int_equal(pt.mem.reads, 4);
	// PSE in a PGD entry is reserved: malformed, not a 512 GiB page.
	mem_put64(&pt.mem, pt.root + 0x1d2 * 8, 0x80000000 | PAGE_KERNEL_LARGE);
	assert_kx_err(kx_vtop_translate(vt, 0xffffe90000000000, NULL, &pa, NULL),
		      KX_ERROR_CORRUPT, "malformed PGD entry 0x80000000800001e3");
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_direct_map_shortcut(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	pt.params.page_offset = 0xffff888000000000;
	struct kx_vtop *vt = pt_vtop(&pt);
	check_va(vt, 0xffff888123456789, 0x123456789, 4096);
	check_va(vt, 0xffff888000000000, 0, 4096);
	check_va(vt, 0xffffc87fffffffff, 0x3fffffffffff, 4096);
	assert_int_equal(pt.mem.reads, 0);
	// Past 2^MAX_PHYSMEM_BITS: the page tables decide.
	check_fault(vt, 0xffffc88000000000, "PGD entry");
	assert_int_equal(pt.mem.reads, 1);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
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

static void test_trace(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	uint64_t va = 0xffffc90000a4d000;
	pt_map(&pt, va, 0x7654321000, 4096, 0);
	struct kx_vtop *vt = pt_vtop(&pt);
	struct trace_log log = { .n = 0 };
	struct kx_vtop_trace trace = { .step = trace_step, .arg = &log };
	uint64_t pa = 0;
	assert_kx_ok(kx_vtop_translate(vt, va, &trace, &pa, NULL));
	assert_int_equal(log.n, 4);
	static const char *const names[] = { "PGD", "PUD", "PMD", "PTE" };
	static const unsigned int index[] = { 0x192, 0, 5, 0x4d };
	static const uint64_t table[] = { 0x3260a000, 0x7f000000, 0x7f001000, 0x7f002000 };
	for (unsigned int i = 0; i < 4; i++) {
		assert_string_equal(log.steps[i].level, names[i]);
		assert_int_equal(log.steps[i].index, index[i]);
		assert_int_equal(log.steps[i].table, table[i]);
		assert_int_equal(log.steps[i].entry_paddr, table[i] + index[i] * 8);
	}
	assert_int_equal(log.steps[0].entry, 0x7f000063);
	assert_int_equal(log.steps[3].entry, 0x8000007654321163);
	// A failing walk is traced up to where it stopped.
	log.n = 0;
	assert_kx_err(kx_vtop_translate(vt, va + (1 << 21), &trace, &pa, NULL),
		      KX_ERROR_FAULT, "PMD entry 0");
	assert_int_equal(log.n, 3);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

static void test_params(void **state)
{
	(void)state;
	struct pt pt;
	pt_init(&pt, false, 0);
	struct kx_vtop *vt = NULL;
	struct kx_vtop_params p = pt.params;
	p.page_size = 16384;
	assert_kx_err(kx_vtop_create(&kx_arch_x86_64, &p, &pt.reader, &vt),
		      KX_ERROR_UNSUPPORTED, "x86_64 page tables: page size 16384");
	p = pt.params;
	p.pgd_vaddr = 0xffff888000001000;
	assert_kx_err(kx_vtop_create(&kx_arch_x86_64, &p, &pt.reader, &vt),
		      KX_ERROR_INVALID_ARG, "0xffff888000001000 is not a page in the kernel text mapping");
	p = pt.params;
	p.max_physmem_bits = 53;
	assert_kx_err(kx_vtop_create(&kx_arch_x86_64, &p, &pt.reader, &vt),
		      KX_ERROR_INVALID_ARG, "MAX_PHYSMEM_BITS 53");
	p = pt.params;
	p.levels = 3;
	assert_kx_err(kx_vtop_create(&kx_arch_x86_64, &p, &pt.reader, &vt),
		      KX_ERROR_INVALID_ARG, "do not apply to x86_64");
	struct kx_phys_reader none = { .read = NULL, .arg = NULL };
	assert_kx_err(kx_vtop_create(&kx_arch_x86_64, &pt.params, &none, &vt),
		      KX_ERROR_INVALID_ARG, "missing");
	// An architecture without the hook says so.
	struct kx_arch bare = kx_arch_x86_64;
	bare.name = "bare";
	bare.vtop = NULL;
	assert_kx_err(kx_vtop_create(&bare, &pt.params, &pt.reader, &vt),
		      KX_ERROR_UNSUPPORTED, "bare: page-table translation is not supported");
	assert_null(vt);
	// Defaults.
	vt = pt_vtop(&pt);
	assert_int_equal(vt->params.page_size, 4096);
	assert_int_equal(vt->params.max_physmem_bits, 46);
	assert_int_equal(vt->levels, 4);
	kx_vtop_destroy(vt);
	kx_vtop_destroy(NULL);
	mem_free(&pt.mem);
}

// The way makedumpfile reaches it: through the descriptor, by name.
static void test_through_descriptor(void **state)
{
	(void)state;
	const struct kx_arch *arch = kx_arch_by_name("amd64");
	assert_non_null(arch);
	assert_ptr_equal(arch->vtop, &kx_vtop_ops_x86_64);
	struct pt pt;
	pt_init(&pt, false, 0);
	pt_map(&pt, 0xffffffffc0a00000, 0x9a000000, 4096, 0); // a module
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(arch, &pt.params, &pt.reader, &vt));
	assert_ptr_equal(vt->arch, arch);
	check_va(vt, 0xffffffffc0a00042, 0x9a000042, 4096);
	kx_vtop_destroy(vt);
	mem_free(&pt.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_4level_4k_kaslr),
		cmocka_unit_test(test_read_across_mappings),
		cmocka_unit_test(test_read_hinted),
		cmocka_unit_test(test_large_pages),
		cmocka_unit_test(test_sme_mask),
		cmocka_unit_test(test_5level),
		cmocka_unit_test(test_noncanonical),
		cmocka_unit_test(test_not_present_each_level),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_loop_is_bounded),
		cmocka_unit_test(test_direct_map_shortcut),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_through_descriptor),
	};
	KX_RUN_TESTS(tests);
}
