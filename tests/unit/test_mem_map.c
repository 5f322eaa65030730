// SPDX-License-Identifier: GPL-2.0-only
// Decoding mem_section as a LoongArch kernel lays it out (16 KiB pages,
// 512 MiB sections, SPARSEMEM_EXTREME). LoongArch's DMW window maps the
// kernel's own data without page tables, so the fake memory here needs none.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "arch.h"
#include "byteorder.h"
#include "mem_map.h"
#include "test_util.h"
#include "vmcoreinfo.h"
#include "vtop.h"

// Physical [MEM_BASE, MEM_BASE + MEM_SIZE) exists; everything else faults.
enum { MEM_SIZE = 1 << 20 };
static const uint64_t MEM_BASE = 0x10000000, DMW = 0x9000000000000000;

struct fake {
	uint8_t *mem;
	struct kx_phys_reader reader;
	struct kx_vtop *vt;
	struct kx_vmcoreinfo *vi;
};

static struct kx_error *mem_read(void *arg, uint64_t paddr, void *buf, size_t size)
{
	struct fake *f = arg;
	if (paddr < MEM_BASE || paddr - MEM_BASE > MEM_SIZE || size > MEM_SIZE - (paddr - MEM_BASE))
		return kx_error_fault(paddr, "physical %#" PRIx64 " is not in the dump", paddr);
	memcpy(buf, f->mem + (paddr - MEM_BASE), size);
	return NULL;
}

static void put64(struct fake *f, uint64_t paddr, uint64_t v)
{
	kx_put_le64(f->mem + (paddr - MEM_BASE), v);
}

static void fake_init(struct fake *f, uint64_t length)
{
	f->mem = test_calloc(1, MEM_SIZE);
	f->reader = (struct kx_phys_reader){ .read = mem_read, .arg = f };
	struct kx_vtop_params p = { .page_size = 16384, .pgd_vaddr = DMW + MEM_BASE + 0xf0000 };
	assert_kx_ok(kx_vtop_create(&kx_arch_loongarch64, &p, &f->reader, &f->vt));
	char text[512];
	snprintf(text, sizeof(text),
		 "OSRELEASE=6.6.0\nPAGESIZE=16384\nSYMBOL(mem_section)=%" PRIx64 "\n"
		 "LENGTH(mem_section)=%" PRIu64 "\nSIZE(mem_section)=16\n"
		 "OFFSET(mem_section.section_mem_map)=0\nSIZE(page)=64\n"
		 "NUMBER(SECTION_SIZE_BITS)=29\nNUMBER(MAX_PHYSMEM_BITS)=48\n",
		 DMW + MEM_BASE, length);
	assert_kx_ok(kx_vmcoreinfo_create(text, strlen(text), &f->vi));
}

static void fake_fini(struct fake *f)
{
	kx_vmcoreinfo_destroy(f->vi);
	kx_vtop_destroy(f->vt);
	test_free(f->mem);
}

// The kernel's encoding: mem_map minus the section's first pfn's offset.
static uint64_t encode(uint64_t nr, uint64_t mem_map, uint64_t flags)
{
	return (mem_map - (nr << 15) * 64) | flags;
}

static void test_extreme(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f, 512); // 2^(48-29) sections / 1024 per root
	uint64_t root0 = MEM_BASE + 0x4000;
	put64(&f, MEM_BASE, DMW + root0);        // root 0; roots 1.. are NULL
	uint64_t vmemmap = 0xffffff0000000000;   // LoongArch vmemmap (XKVRANGE)
	put64(&f, root0 + 0 * 16, encode(0, vmemmap, 0x3));
	put64(&f, root0 + 1 * 16, 0);                                   // no memory
	put64(&f, root0 + 2 * 16, encode(2, vmemmap + 2 * (64 << 15), 0x1)); // no mem_map bit
	put64(&f, root0 + 3 * 16, encode(3, vmemmap + 3 * (64 << 15), 0x7 | 0x20)); // online, more flags
	put64(&f, root0 + 4 * 16, encode(4, 0x0000000012340000, 0x3));   // user address: bad
	struct kx_mem_map *mm = NULL;
	assert_kx_ok(kx_mem_map_create(f.vi, &kx_arch_loongarch64, f.vt, 16384, 5 << 15, &mm));
	assert_true(mm->extreme);
	assert_int_equal(mm->nr_sections, 5);
	assert_int_equal(mm->pfn_section_shift, 15);
	assert_int_equal(kx_mem_map_page_vaddr(mm, 0), vmemmap);
	assert_int_equal(kx_mem_map_page_vaddr(mm, 7), vmemmap + 7 * 64);
	assert_int_equal(kx_mem_map_page_vaddr(mm, (1 << 15) + 1), 0);
	assert_int_equal(kx_mem_map_page_vaddr(mm, 2 << 15), 0);
	assert_int_equal(kx_mem_map_page_vaddr(mm, (3 << 15) + 9), vmemmap + ((3 << 15) + 9) * 64);
	assert_int_equal(kx_mem_map_page_vaddr(mm, 4 << 15), 0);
	assert_int_equal(kx_mem_map_page_vaddr(mm, 5 << 15), 0); // beyond max_mapnr
	assert_int_equal(mm->nr_bad_sections, 1);
	assert_int_equal(kx_mem_map_section_end(mm, 3), 1 << 15);
	kx_mem_map_destroy(mm);
	fake_fini(&f);
}

// A root pointing outside the dump costs its sections, not the dump.
static void test_unreadable_root(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f, 512);
	put64(&f, MEM_BASE, DMW + 0x7000000000);
	struct kx_mem_map *mm = NULL;
	assert_kx_ok(kx_mem_map_create(f.vi, &kx_arch_loongarch64, f.vt, 16384, 2 << 15, &mm));
	assert_int_equal(kx_mem_map_page_vaddr(mm, 0), 0);
	assert_int_equal(mm->nr_bad_sections, 1024);
	kx_mem_map_destroy(mm);
	fake_fini(&f);
}

// Without SPARSEMEM_EXTREME mem_section is one static array of entries.
static void test_flat_array(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f, UINT64_C(1) << 19);
	uint64_t mem_map = DMW + 0x20000000;
	put64(&f, MEM_BASE + 16, encode(1, mem_map, 0x3));
	struct kx_mem_map *mm = NULL;
	assert_kx_ok(kx_mem_map_create(f.vi, &kx_arch_loongarch64, f.vt, 16384, 3 << 15, &mm));
	assert_false(mm->extreme);
	assert_int_equal(kx_mem_map_page_vaddr(mm, 0), 0);
	assert_int_equal(kx_mem_map_page_vaddr(mm, (1 << 15) + 2), mem_map + 2 * 64);
	kx_mem_map_destroy(mm);
	fake_fini(&f);
}

static void test_bad_vmcoreinfo(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f, 512);
	struct kx_mem_map *mm = NULL;
	// The root array itself unreadable is an error: the dump can't be filtered.
	struct kx_vmcoreinfo *vi;
	static const char no_sparse[] = "OSRELEASE=4.19.0\nSIZE(page)=64\nSYMBOL(mem_map)=9000000001000000\n";
	assert_kx_ok(kx_vmcoreinfo_create(no_sparse, sizeof(no_sparse) - 1, &vi));
	assert_kx_err(kx_mem_map_create(vi, &kx_arch_loongarch64, f.vt, 16384, 10, &mm),
		      KX_ERROR_NOT_FOUND, "only SPARSEMEM kernels are supported: VMCOREINFO has no SYMBOL(mem_section)");
	kx_vmcoreinfo_destroy(vi);
	static const char bad_size[] = "OSRELEASE=6.6.0\nSIZE(page)=64\nSYMBOL(mem_section)=9000000010000000\n"
				       "SIZE(mem_section)=4\nOFFSET(mem_section.section_mem_map)=0\n";
	assert_kx_ok(kx_vmcoreinfo_create(bad_size, sizeof(bad_size) - 1, &vi));
	assert_kx_err(kx_mem_map_create(vi, &kx_arch_loongarch64, f.vt, 16384, 10, &mm),
		      KX_ERROR_CORRUPT, "SIZE(mem_section)=4");
	kx_vmcoreinfo_destroy(vi);
	static const char bad_bits[] = "OSRELEASE=6.6.0\nSIZE(page)=64\nNUMBER(SECTION_SIZE_BITS)=12\n";
	assert_kx_ok(kx_vmcoreinfo_create(bad_bits, sizeof(bad_bits) - 1, &vi));
	assert_kx_err(kx_mem_map_create(vi, &kx_arch_loongarch64, f.vt, 16384, 10, &mm),
		      KX_ERROR_CORRUPT, "NUMBER(SECTION_SIZE_BITS)=12 is impossible");
	kx_vmcoreinfo_destroy(vi);
	fake_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extreme),
		cmocka_unit_test(test_unreadable_root),
		cmocka_unit_test(test_flat_array),
		cmocka_unit_test(test_bad_vmcoreinfo),
	};
	KX_RUN_TESTS(tests);
}
