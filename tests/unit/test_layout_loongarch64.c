// SPDX-License-Identifier: GPL-2.0-only
// The LoongArch page-table layout told from where the struct pages are.
// The addresses are the kernel's own formulas (asm/pgtable.h) worked out by
// hand for a CPU with 48-bit VA and PA (cpu_vabits = cpu_pabits = 47,
// vm_map_base 0xffff800000000000): vmemmap = vm_map_base + min(reach,
// 2^47) - VMEMMAP_SIZE, VMEMMAP_SIZE = 64 << (48 - PAGE_SHIFT).
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <string.h>

#include "arch.h"
#include "layout_loongarch64.h"
#include "vmcoreinfo.h"
#include "vtop_params.h"
#include "test_util.h"

// VMALLOC_START = vm_map_base + 32 MiB (PCI I/O) + 2 pages + 256 MiB.
static uint64_t vmalloc_start(unsigned int cpu_vabits, unsigned int page_shift)
{
	return 0 - (UINT64_C(1) << cpu_vabits) + (UINT64_C(288) << 20) +
	       (UINT64_C(2) << page_shift);
}

static unsigned int levels_of(unsigned int page_shift, uint64_t vmalloc, const uint64_t *pages,
			      size_t n)
{
	const struct kx_vtop_hints h = { .vmalloc_start = vmalloc, .struct_pages = pages,
					 .nr_struct_pages = n };
	unsigned int levels = 0;
	assert_kx_ok(kx_loongarch64_layout_levels(page_shift, &h, &levels));
	return levels;
}

static unsigned int levels_at(unsigned int page_shift, uint64_t addr)
{
	return levels_of(page_shift, 0, &addr, 1);
}

// Each Kconfig layout's vmemmap, the last struct page of 256 TiB of RAM,
// and the first address beyond a smaller layout's reach.
static void test_layouts(void **state)
{
	(void)state;
	static const struct {
		unsigned int page_shift;
		uint64_t addr;
		unsigned int levels;
	} cases[] = {
		// 16KB_3LEVEL, the default: vmemmap = 0 - 2^40; two levels
		// reach 2^36. With KFENCE (6.6+) vmemmap moves down by
		// KFENCE_AREA_SIZE, rounded to PMD_SIZE (32 MiB).
		{ 14, 0xffffff0000000000, 3 },
		{ 14, 0xfffffefffe000000, 3 },
		{ 14, 0xffffffffffffffc0, 3 },
		// 16KB_2LEVEL (synthetic placement: VMEMMAP_SIZE exceeds 64 GiB).
		{ 14, 0xffff800800000000, 2 },
		{ 14, 0xffff800fffffffc0, 2 },
		{ 14, 0xffff801000000000, 3 },
		// 4KB_4LEVEL: vmemmap = 0 - 2^42, three levels reach only 2^39.
		{ 12, 0xfffffc0000000000, 4 },
		{ 12, 0xfffffc0000900000, 4 },
		// 4KB_3LEVEL as the generator places it (upper half of 512 GiB).
		{ 12, 0xffff804000000000, 3 },
		{ 12, 0xffff807fffffffc0, 3 },
		{ 12, 0xffff808000000000, 4 },
		// 64KB_3LEVEL reaches 2^55, capped at 2^47: vmemmap = 0 - 2^38;
		// 64KB_2LEVEL: vm_map_base + 2^42 - 2^38.
		{ 16, 0xffffffc000000000, 3 },
		{ 16, 0xffff83c000000000, 2 },
		{ 16, 0xffff840000000000, 3 },
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(cases); i++) {
		print_message("# %u-bit pages, %#" PRIx64 "\n", cases[i].page_shift, cases[i].addr);
		assert_int_equal(levels_at(cases[i].page_shift, cases[i].addr), cases[i].levels);
	}
}

// Every address must fit: the largest one decides.
static void test_several(void **state)
{
	(void)state;
	const uint64_t pages[] = { 0xffff804000000000, 0xfffffc0000001000 };
	assert_int_equal(levels_of(12, 0, pages, 2), 4);
	assert_int_equal(levels_of(12, 0, pages, 1), 3);
	// SYMBOL(vmemmap) counts as one more.
	const struct kx_vtop_hints h = { .vmemmap = 0xfffffc0000000000, .struct_pages = pages,
					 .nr_struct_pages = 1 };
	unsigned int levels = 0;
	assert_kx_ok(kx_loongarch64_layout_levels(12, &h, &levels));
	assert_int_equal(levels, 4);
}

// NUMBER(VMALLOC_START) gives vm_map_base: on a CPU with 40-bit VA
// (cpu_vabits 39) a 4KB_3LEVEL kernel reaches all of it, and its vmemmap
// (0 - 2^34 with 40-bit PA) is 3 levels, not the 4 that vm_map_base
// 0xffff800000000000 would imply.
static void test_vmalloc_start(void **state)
{
	(void)state;
	uint64_t vmemmap = 0xfffffffc00000000;
	assert_int_equal(levels_at(12, vmemmap), 4);
	assert_int_equal(levels_of(12, vmalloc_start(39, 12), &vmemmap, 1), 3);
	// The usual CPUs: the same answers as without the hint.
	vmemmap = 0xffffff0000000000;
	assert_int_equal(levels_of(14, vmalloc_start(47, 14), &vmemmap, 1), 3);
	vmemmap = 0xfffffc0000000000;
	assert_int_equal(levels_of(12, vmalloc_start(47, 12), &vmemmap, 1), 4);
	vmemmap = 0xffff83c000000000;
	assert_int_equal(levels_of(16, 0xffff800012020000, &vmemmap, 1), 2);
	// The smaller vm_map_base leaves 0xffff83c000000000 out of reach.
	assert_kx_err(kx_loongarch64_layout_levels(16,
			&(struct kx_vtop_hints){ .vmalloc_start = vmalloc_start(39, 16),
						 .vmemmap = vmemmap }, &(unsigned int){ 0 }),
		      KX_ERROR_CORRUPT, "vm_map_base 0xffffff8000000000");
}

static void check_outside(unsigned int page_shift, uint64_t vmalloc, const uint64_t *pages,
			  size_t n, const char *msg)
{
	const struct kx_vtop_hints h = { .vmalloc_start = vmalloc, .struct_pages = pages,
					 .nr_struct_pages = n };
	unsigned int levels = 99;
	assert_kx_err(kx_loongarch64_layout_levels(page_shift, &h, &levels), KX_ERROR_CORRUPT, msg);
	assert_int_equal(levels, 99);
}

static void test_hostile(void **state)
{
	(void)state;
	const uint64_t user = 0x1234, dmw = 0x9000000001000000, low = 0xffff7f0000000000;
	check_outside(14, 0, &user, 1, "struct page at 0x1234 is outside every LoongArch "
		      "page-table layout with 16 KiB pages (vm_map_base 0xffff800000000000)");
	check_outside(14, 0, &dmw, 1, "struct page at 0x9000000001000000 is outside");
	// Below vm_map_base: where the 48-bit vm_map_base of a wrong guess
	// would have put the 16 KiB vmemmap.
	check_outside(4 * 3, 0, &low, 1, "struct page at 0xffff7f0000000000 is outside every "
		      "LoongArch page-table layout with 4 KiB pages");
	// One bad address among good ones is named.
	const uint64_t mixed[] = { 0xffffff0000000000, 0x42, 0xffffff0000004000 };
	check_outside(14, 0, mixed, 3, "struct page at 0x42 ");
	check_outside(14, 0x9000000012020000, mixed, 1,
		      "NUMBER(VMALLOC_START)=0x9000000012020000 is not in XKVRANGE");
	unsigned int levels = 99;
	const struct kx_vtop_hints none = { .vmalloc_start = vmalloc_start(47, 14) };
	assert_kx_err(kx_loongarch64_layout_levels(14, &none, &levels), KX_ERROR_INVALID_ARG,
		      "no struct page address");
	const struct kx_vtop_hints one = { .vmemmap = 0xffffff0000000000 };
	assert_kx_err(kx_loongarch64_layout_levels(13, &one, &levels), KX_ERROR_UNSUPPORTED,
		      "2^13-byte pages");
	assert_kx_err(kx_loongarch64_layout_levels(63, &one, &levels), KX_ERROR_UNSUPPORTED,
		      "2^63-byte pages");
	assert_int_equal(levels, 99);
}

// Through the arch hook and the VMCOREINFO glue, as makedumpfile and
// vmcore-dmesg use it.
static struct kx_vmcoreinfo *parse(const char *text)
{
	struct kx_vmcoreinfo *vi = NULL;
	assert_kx_ok(kx_vmcoreinfo_create(text, strlen(text), &vi));
	return vi;
}

static struct kx_error *no_memory(void *arg, uint64_t paddr, void *buf, size_t size)
{
	(void)arg, (void)buf, (void)size;
	return kx_error_fault(paddr, "no memory in this test");
}

static void test_params(void **state)
{
	(void)state;
	const struct kx_arch *la = &kx_arch_loongarch64;
	// A 6.6 kernel: no hint in VMCOREINFO, so the default stays until
	// mem_section shows the struct pages.
	struct kx_vmcoreinfo *vi = parse("OSRELEASE=6.6.0\nPAGESIZE=4096\n"
					 "SYMBOL(swapper_pg_dir)=90000000014f0000\n");
	struct kx_vtop_params p;
	assert_kx_ok(kx_vtop_params_from_vmcoreinfo(la, vi, NULL, &p));
	assert_int_equal(p.levels, 0);
	assert_int_equal(p.page_size, 4096);
	const uint64_t pages[] = { 0xfffffc0000000000, 0xfffffc0000247fc0 };
	assert_kx_ok(kx_vtop_params_infer(la, vi, pages, 2, &p));
	assert_int_equal(p.levels, 4);
	assert_int_equal(p.va_bits, 0);
	// Without addresses nothing changes.
	p.levels = 0;
	assert_kx_ok(kx_vtop_params_infer(la, vi, NULL, 0, &p));
	assert_int_equal(p.levels, 0);
	// A bad address leaves the params untouched.
	const uint64_t bad = 0x1000;
	p.levels = 3;
	assert_kx_err(kx_vtop_params_infer(la, vi, &bad, 1, &p), KX_ERROR_CORRUPT,
		      "struct page at 0x1000 is outside");
	assert_int_equal(p.levels, 3);
	kx_vmcoreinfo_destroy(vi);

	// 6.9+: NUMBER(VMALLOC_START) and SYMBOL(vmemmap) settle it at once.
	vi = parse("OSRELEASE=6.12.0\nPAGESIZE=65536\nSYMBOL(swapper_pg_dir)=9000000001a40000\n"
		   "NUMBER(VMALLOC_START)=0xffff800012020000\nSYMBOL(vmemmap)=ffff83c000000000\n");
	assert_kx_ok(kx_vtop_params_from_vmcoreinfo(la, vi, NULL, &p));
	assert_int_equal(p.levels, 2);
	struct kx_phys_reader reader = { .read = no_memory };
	struct kx_vtop *vt = NULL;
	assert_kx_ok(kx_vtop_create(la, &p, &reader, &vt));
	assert_int_equal(vt->levels, 2);
	assert_int_equal(vt->params.va_bits, 42);
	kx_vtop_destroy(vt);
	kx_vmcoreinfo_destroy(vi);

	// NUMBER(VMALLOC_START) is read: a 40-bit-VA CPU makes this 3 levels.
	vi = parse("OSRELEASE=6.12.0\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=9000000001a40000\n"
		   "NUMBER(VMALLOC_START)=0xffffff8012002000\nSYMBOL(vmemmap)=fffffffc00000000\n");
	assert_kx_ok(kx_vtop_params_from_vmcoreinfo(la, vi, NULL, &p));
	assert_int_equal(p.levels, 3);
	kx_vmcoreinfo_destroy(vi);

	vi = parse("OSRELEASE=6.12.0\nPAGESIZE=16384\nSYMBOL(swapper_pg_dir)=9000000001a40000\n"
		   "SYMBOL(vmemmap)=12345678\n");
	assert_kx_err(kx_vtop_params_from_vmcoreinfo(la, vi, NULL, &p), KX_ERROR_CORRUPT,
		      "struct page at 0x12345678");
	kx_vmcoreinfo_destroy(vi);

	// x86_64 states its geometry (pgtable_l5_enabled): no hook, no change.
	vi = parse("OSRELEASE=6.12.0\nPAGESIZE=4096\nSYMBOL(init_top_pgt)=ffffffff82a0a000\n"
		   "SYMBOL(vmemmap)=ffffea0000000000\n");
	assert_null(kx_arch_x86_64.vtop->infer);
	assert_kx_ok(kx_vtop_params_from_vmcoreinfo(&kx_arch_x86_64, vi, NULL, &p));
	assert_int_equal(p.levels, 0);
	assert_kx_ok(kx_vtop_params_infer(&kx_arch_x86_64, vi, &bad, 1, &p));
	assert_int_equal(p.levels, 0);
	kx_vmcoreinfo_destroy(vi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_several),
		cmocka_unit_test(test_vmalloc_start),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_params),
	};
	KX_RUN_TESTS(tests);
}
