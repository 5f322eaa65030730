// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "iomem.h"
#include "ranges.h"
#include "root.h"
#include "test_util.h"

#include "ranges_check.h"


static struct kx_iomem *parse_ok(const char *text)
{
	struct kx_iomem *iomem = NULL;
	assert_kx_ok(kx_iomem_parse(text, strlen(text), "test", &iomem));
	assert_non_null(iomem);
	return iomem;
}

static void parse_bad(const char *text, enum kx_error_code code, const char *substr)
{
	struct kx_iomem *iomem = (struct kx_iomem *)0x1;
	assert_kx_err(kx_iomem_parse(text, strlen(text), "test", &iomem), code, substr);
	assert_ptr_equal(iomem, (struct kx_iomem *)0x1); // untouched on failure
}

static struct kx_iomem *read_root(const char *name)
{
	struct kx_root root;
	char rel[256];
	snprintf(rel, sizeof(rel), "roots/%s", name);
	assert_kx_ok(kx_root_init(&root, kx_test_data(rel)));
	struct kx_iomem *iomem = NULL;
	struct kx_error *err = kx_iomem_read(&root, &iomem);
	kx_root_deinit(&root);
	assert_kx_ok(err);
	return iomem;
}

// The LoongArch seed lines: crash kernel nested under System RAM.
static void test_loongarch_seed_lines(void **state)
{
	(void)state;
	struct kx_iomem *iomem = parse_ok("90400000-bfffffff : System RAM\n"
					  "  91000000-b0ffffff : Crash kernel\n");
	assert_int_equal(kx_iomem_count(iomem), 2);
	const struct kx_iomem_entry *ram = kx_iomem_first(iomem);
	assert_string_equal(ram->name, "System RAM");
	assert_int_equal(ram->start, 0x90400000);
	assert_int_equal(ram->end, 0xc0000000);
	assert_int_equal(ram->depth, 0);
	assert_int_equal(ram->line, 1);
	assert_null(ram->parent);
	assert_null(ram->next_sibling);
	const struct kx_iomem_entry *ck = ram->first_child;
	assert_ptr_equal(ck, kx_iomem_at(iomem, 1));
	assert_string_equal(ck->name, "Crash kernel");
	assert_int_equal(ck->start, 0x91000000);
	assert_int_equal(ck->end, 0xb1000000);
	assert_int_equal(ck->depth, 1);
	assert_int_equal(ck->line, 2);
	assert_ptr_equal(ck->parent, ram);
	assert_null(kx_iomem_at(iomem, 2));

	struct kx_ranges set;
	assert_kx_ok(kx_iomem_system_ram(iomem, &set));
	CHECK_SET(&set, R(0x90400000, 0xc0000000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	CHECK_SET(&set, R(0x91000000, 0xb1000000));
	assert_int_equal(kx_ranges_total_size(&set), 512u << 20);
	kx_ranges_deinit(&set);
	kx_iomem_destroy(iomem);
}

static void test_names_and_siblings(void **state)
{
	(void)state;
	// No trailing newline; names with spaces, colons, parentheses and
	// brackets; a 10-digit address; siblings at several levels.
	struct kx_iomem *iomem = parse_ok(
		"00000000-00000fff : Reserved\n"
		"c0000000-e7ffffff : PCI Bus 0000:00\n"
		"  e7f00000-e7f7ffff : 0000:00:02.0\n"
		"    e7f00000-e7f7ffff : virtio-pci-modern\n"
		"  e7f80000-e7ffffff : 0000:00:01.0\n"
		"e8000000-e80fffff : PCI MMCONFIG 0000 [bus 00-00]\n"
		"f0000000-f00fffff : Persistent Memory (legacy)\n"
		"fe00000000-fe1fffffff : 1a000000.pcie pcie@1a000000");
	assert_int_equal(kx_iomem_count(iomem), 8);
	const struct kx_iomem_entry *e = kx_iomem_first(iomem);
	const char *top[] = { "Reserved", "PCI Bus 0000:00", "PCI MMCONFIG 0000 [bus 00-00]",
			      "Persistent Memory (legacy)", "1a000000.pcie pcie@1a000000" };
	for (size_t i = 0; i < KX_ARRAY_SIZE(top); i++, e = e->next_sibling) {
		assert_non_null(e);
		assert_string_equal(e->name, top[i]);
		assert_int_equal(e->depth, 0);
	}
	assert_null(e);
	const struct kx_iomem_entry *bus = kx_iomem_at(iomem, 1);
	assert_string_equal(bus->first_child->name, "0000:00:02.0");
	assert_string_equal(bus->first_child->next_sibling->name, "0000:00:01.0");
	assert_null(bus->first_child->next_sibling->next_sibling);
	assert_null(bus->first_child->next_sibling->first_child);
	const struct kx_iomem_entry *leaf = bus->first_child->first_child;
	assert_string_equal(leaf->name, "virtio-pci-modern");
	assert_int_equal(leaf->depth, 2);
	assert_ptr_equal(leaf->parent->parent, bus);
	const struct kx_iomem_entry *last = kx_iomem_at(iomem, 7);
	assert_int_equal(last->start, 0xfe00000000ULL);
	assert_int_equal(last->end, 0xfe20000000ULL);
	assert_int_equal(last->line, 8);
	kx_iomem_destroy(iomem);
}

static void test_top_of_address_space(void **state)
{
	(void)state;
	struct kx_iomem *iomem = parse_ok("0000000000000000-ffffffffffffffff : PCI mem\n"
					  "  ffffffff00000000-ffffffffffffffff : top\n"
					  "  fffffffffffff000-fffffffffffffffe : below top\n");
	const struct kx_iomem_entry *all = kx_iomem_first(iomem);
	assert_int_equal(all->start, 0);
	assert_int_equal(all->end, UINT64_MAX); // clamped, not wrapped to 0
	assert_int_equal(all->first_child->start, 0xffffffff00000000ULL);
	assert_int_equal(all->first_child->end, UINT64_MAX);
	assert_int_equal(kx_iomem_at(iomem, 2)->end, UINT64_MAX);
	struct kx_ranges set;
	assert_kx_ok(kx_iomem_find_ranges(iomem, "PCI mem", &set));
	CHECK_SET(&set, R(0, UINT64_MAX));
	kx_ranges_deinit(&set);
	kx_iomem_destroy(iomem);
}

static void test_empty_and_not_found(void **state)
{
	(void)state;
	struct kx_iomem *iomem = parse_ok("");
	assert_int_equal(kx_iomem_count(iomem), 0);
	assert_null(kx_iomem_first(iomem));
	struct kx_ranges set = { (struct kx_range *)0x1, 5, 5 };
	assert_kx_err(kx_iomem_system_ram(iomem, &set), KX_ERROR_NOT_FOUND, "System RAM");
	assert_int_equal(set.count, 5); // untouched
	assert_kx_err(kx_iomem_kernel_image(iomem, &set), KX_ERROR_NOT_FOUND, "Kernel code");
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	assert_int_equal(kx_ranges_count(&set), 0);
	kx_ranges_deinit(&set);
	kx_iomem_destroy(iomem);
	kx_iomem_destroy(NULL);
}

static void test_hidden_addresses(void **state)
{
	(void)state;
	parse_bad("00000000-00000000 : Reserved\n"
		  "00000000-00000000 : System RAM\n"
		  "  00000000-00000000 : Kernel code\n"
		  "  00000000-00000000 : Crash kernel\n",
		  KX_ERROR_UNSUPPORTED, "test: all addresses read as zero");
	parse_bad("00000000-00000000 : System RAM\n", KX_ERROR_UNSUPPORTED, "run as root");
}

static void test_malformed_lines(void **state)
{
	(void)state;
	parse_bad("00000000-00000fff : Reserved\n"
		  "g0001000-0009ffff : System RAM\n",
		  KX_ERROR_CORRUPT,
		  "test: line 2: expected 'start-end : name' (start address is not hex): "
		  "\"g0001000-0009ffff : System RAM\"");
	parse_bad("0000g000-0009ffff : System RAM\n", KX_ERROR_CORRUPT,
		  "missing '-' after the start address");
	parse_bad("00001000-0009fffz : System RAM\n", KX_ERROR_CORRUPT,
		  "line 1: expected 'start-end : name' (missing ' : ' after the end address)");
	parse_bad("00001000-: System RAM\n", KX_ERROR_CORRUPT, "end address is not hex");
	parse_bad("00001000 0009ffff : System RAM\n", KX_ERROR_CORRUPT,
		  "missing '-' after the start address");
	parse_bad("00001000-0009ffff System RAM\n", KX_ERROR_CORRUPT, "missing ' : '");
	parse_bad("00001000-0009ffff: System RAM\n", KX_ERROR_CORRUPT, "missing ' : '");
	parse_bad("hello world\n", KX_ERROR_CORRUPT, "line 1: expected 'start-end : name'");
	parse_bad("-1000-2000 : x\n", KX_ERROR_CORRUPT, "start address is not hex");
	parse_bad("0x1000-0x2000 : x\n", KX_ERROR_CORRUPT, "missing '-'");
	parse_bad("00002000-00001fff : System RAM\n", KX_ERROR_CORRUPT,
		  "line 1: start 0x2000 is above end 0x1fff");
	parse_bad("10000000000000000-10000000000000001 : x\n", KX_ERROR_CORRUPT,
		  "start address has more than 16 hex digits");
	parse_bad("0-10000000000000000 : x\n", KX_ERROR_CORRUPT,
		  "end address has more than 16 hex digits");
	parse_bad("\t00001000-0009ffff : System RAM\n", KX_ERROR_CORRUPT, "not hex");
}

static void test_structure_errors(void **state)
{
	(void)state;
	parse_bad("00000000-0fffffff : System RAM\n"
		  "    00200000-00e5ffff : Kernel code\n",
		  KX_ERROR_CORRUPT,
		  "line 2: 'Kernel code' is indented 2 levels but the line before is at level 0");
	parse_bad("  00200000-00e5ffff : Kernel code\n", KX_ERROR_CORRUPT,
		  "line 1: 'Kernel code' is indented but has no parent");
	parse_bad("00000000-0fffffff : System RAM\n"
		  "   00200000-00e5ffff : Kernel code\n",
		  KX_ERROR_CORRUPT, "line 2: expected 'start-end : name' (indentation");
	parse_bad("90400000-bfffffff : System RAM\n"
		  "  91000000-c0000000 : Crash kernel\n",
		  KX_ERROR_CORRUPT,
		  "line 2: 'Crash kernel' lies outside its parent 'System RAM' (line 1)");
	parse_bad("90400000-bfffffff : System RAM\n"
		  "  90000000-90ffffff : Crash kernel\n",
		  KX_ERROR_CORRUPT, "lies outside its parent");
	// After climbing back out, the new parent is checked, not the old one.
	parse_bad("00000000-0fffffff : A\n"
		  "  00000000-00ffffff : B\n"
		  "    00000000-000fffff : C\n"
		  "  01000000-1fffffff : D\n",
		  KX_ERROR_CORRUPT, "line 4: 'D' lies outside its parent 'A' (line 1)");
	parse_bad("00000000-0fffffff : A\n"
		  "\n"
		  "10000000-1fffffff : B\n",
		  KX_ERROR_CORRUPT, "line 2: empty line");
	const char nul[] = "00000000-0fffffff : A\0\n";
	struct kx_iomem *iomem;
	assert_kx_err(kx_iomem_parse(nul, sizeof(nul) - 1, "/proc/iomem", &iomem),
		      KX_ERROR_CORRUPT, "/proc/iomem: NUL byte at offset 21");
}

// Listing 2 of iomem-loongarch64-crashkernel-huacai.txt (pre-6.8 LoongArch):
// "Crash kernel" at the top level, its System RAM parent gone.
static void test_huacai_top_level_crash_kernel(void **state)
{
	(void)state;
	struct kx_iomem *iomem = parse_ok(
		"100d0100-100d01ff : LOON0001:00\n"
		"  100d0100-100d01ff : LOON0001:00 LOON0001:00\n"
		"100e0000-100e0bff : LOON0002:00\n"
		"  100e0000-100e0bff : LOON0002:00 LOON0002:00\n"
		"1fe001e0-1fe001e7 : serial\n"
		"e6200000-f61fffff : Crash kernel\n"
		"fa190000-fe0bffff : System RAM\n"
		"  fa190000-fa1bffff : Reserved\n"
		"fe4e0000-47fffffff : System RAM\n"
		"  43c000000-441ffffff : Reserved\n"
		"  47ff98000-47ffa3fff : Reserved\n");
	struct kx_ranges set;
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	CHECK_SET(&set, R(0xe6200000, 0xf6200000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_system_ram(iomem, &set));
	CHECK_SET(&set, R(0xfa190000, 0xfe0c0000), R(0xfe4e0000, 0x480000000ULL));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_find_ranges(iomem, "Reserved", &set));
	CHECK_SET(&set, R(0xfa190000, 0xfa1c0000), R(0x43c000000ULL, 0x442000000ULL),
		  R(0x47ff98000ULL, 0x47ffa4000ULL));
	kx_ranges_deinit(&set);
	kx_iomem_destroy(iomem);
}

static void test_root_loongarch64_16g(void **state)
{
	(void)state;
	struct kx_iomem *iomem = read_root("loongarch64-16g");
	struct kx_ranges set;
	assert_kx_ok(kx_iomem_system_ram(iomem, &set));
	CHECK_SET(&set, R(0x200000, 0xf000000), R(0x90400000, 0xc0000000),
		  R(0xc0040000, 0xfa180000), R(0xfa190000, 0xfe0c0000),
		  R(0xfe4e0000, 0x480000000ULL));
	// 256 MiB low DIMM window (minus the first 2 MiB) + 15.75 GiB high,
	// minus firmware holes: just under 16 GiB.
	assert_int_equal(kx_ranges_total_size(&set), 0x3fe590000ULL);
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	CHECK_SET(&set, R(0x91000000, 0xb1000000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_kernel_image(iomem, &set));
	CHECK_SET(&set, R(0x200000, 0x1f8a600));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_find_ranges(iomem, "Kernel code", &set));
	CHECK_SET(&set, R(0x200000, 0x1480000));
	kx_ranges_deinit(&set);
	const struct kx_iomem_entry *nvme = kx_iomem_find_next(iomem, NULL, "nvme");
	assert_non_null(nvme);
	assert_int_equal(nvme->depth, 3);
	assert_string_equal(nvme->parent->parent->name, "PCI Bus 0000:02");
	assert_null(kx_iomem_find_next(iomem, nvme, "nvme"));
	kx_iomem_destroy(iomem);
}

static void test_root_loongarch64_low_high(void **state)
{
	(void)state;
	struct kx_iomem *iomem = read_root("loongarch64-low-high");
	struct kx_ranges set;
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	CHECK_SET(&set, R(0xe6200000, 0xf6200000), R(0x3fc000000ULL, 0x43c000000ULL));
	assert_int_equal(kx_ranges_total_size(&set), (256u << 20) + (1ULL << 30));
	kx_ranges_deinit(&set);
	// Individually, in file order: low first, then high.
	const struct kx_iomem_entry *low = kx_iomem_find_next(iomem, NULL, "Crash kernel");
	const struct kx_iomem_entry *high = kx_iomem_find_next(iomem, low, "Crash kernel");
	assert_non_null(low);
	assert_non_null(high);
	assert_null(kx_iomem_find_next(iomem, high, "Crash kernel"));
	assert_int_equal(low->start, 0xe6200000);
	assert_int_equal(high->end, 0x43c000000ULL);
	assert_int_equal(high->parent->start, 0xfe4e0000);
	assert_kx_ok(kx_iomem_system_ram(iomem, &set));
	CHECK_SET(&set, R(0x200000, 0xf000000), R(0x90400000, 0xfa180000),
		  R(0xfa190000, 0xfe0c0000), R(0xfe4e0000, 0x480000000ULL));
	kx_ranges_deinit(&set);
	kx_iomem_destroy(iomem);
}

static void test_root_loongarch64_3a6000(void **state)
{
	(void)state;
	struct kx_iomem *iomem = read_root("loongarch64-3a6000-hvisor");
	assert_int_equal(kx_iomem_count(iomem), 76);
	struct kx_ranges set;
	assert_kx_ok(kx_iomem_system_ram(iomem, &set));
	CHECK_SET(&set, R(0x200000, 0xf000000), R(0x90000000, 0xa0000000),
		  R(0xf0000000, 0x100000000ULL));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	assert_int_equal(kx_ranges_count(&set), 0);
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_kernel_image(iomem, &set));
	CHECK_SET(&set, R(0x200000, 0x4ecc4a0));
	kx_ranges_deinit(&set);
	// Top-level and nested Reserved merge into one set.
	assert_kx_ok(kx_iomem_find_ranges(iomem, "Reserved", &set));
	CHECK_SET(&set, R(0x4ecc4a0, 0x8f91000), R(0x8f92000, 0x911a000),
		  R(0xefff000, 0xf000000), R(0xc0000000, 0xf0000000),
		  R(0xfd800000, 0xff800000), R(0xfffed000, 0x100000000ULL));
	kx_ranges_deinit(&set);
	kx_iomem_destroy(iomem);
}

static void test_root_x86_64_16g(void **state)
{
	(void)state;
	struct kx_iomem *iomem = read_root("x86_64-16g");
	struct kx_ranges set;
	assert_kx_ok(kx_iomem_system_ram(iomem, &set));
	CHECK_SET(&set, R(0x1000, 0x9fc00), R(0x100000, 0xbfed0000),
		  R(0x100000000ULL, 0x440000000ULL));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	CHECK_SET(&set, R(0xaf000000, 0xbf000000));
	assert_int_equal(kx_ranges_total_size(&set), 256u << 20);
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_kernel_image(iomem, &set));
	CHECK_SET(&set, R(0x1d600000, 0x1e4025b8), R(0x1e600000, 0x1f0b6000),
		  R(0x1f200000, 0x1f6d3d00), R(0x1fa3a000, 0x1fc00000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_find_ranges(iomem, "ACPI Tables", &set));
	CHECK_SET(&set, R(0xbfed0000, 0xbfeff000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_find_ranges(iomem, "ACPI Non-volatile Storage", &set));
	CHECK_SET(&set, R(0xbfeff000, 0xbff00000));
	kx_ranges_deinit(&set);
	kx_iomem_destroy(iomem);
}

static void test_root_x86_64_cloudhypervisor(void **state)
{
	(void)state;
	struct kx_iomem *iomem = read_root("x86_64-2g-cloudhypervisor");
	struct kx_ranges set;
	assert_kx_ok(kx_iomem_system_ram(iomem, &set));
	CHECK_SET(&set, R(0x1000, 0xa0000), R(0x140000, 0x80000000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_crash_kernel(iomem, &set));
	CHECK_SET(&set, R(0x53000000, 0x5b000000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_kernel_image(iomem, &set));
	CHECK_SET(&set, R(0x28000000, 0x28e03137), R(0x29000000, 0x2951a000),
		  R(0x29600000, 0x29959f40), R(0x29bb8000, 0x29e00000));
	kx_ranges_deinit(&set);
	assert_kx_ok(kx_iomem_find_ranges(iomem, "Reserved", &set));
	CHECK_SET(&set, R(0x0, 0x1000), R(0x100000, 0x140000));
	kx_ranges_deinit(&set);
	const struct kx_iomem_entry *e = kx_iomem_find_next(iomem, NULL, "pnp 00:00");
	assert_non_null(e);
	assert_int_equal(e->depth, 2);
	assert_string_equal(e->parent->parent->name, "PCI MMCONFIG 0000 [bus 00-00]");
	kx_iomem_destroy(iomem);
}

static void test_root_unprivileged(void **state)
{
	(void)state;
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-16g-unprivileged")));
	struct kx_iomem *iomem = NULL;
	assert_kx_err(kx_iomem_read(&root, &iomem), KX_ERROR_UNSUPPORTED,
		      "x86_64-16g-unprivileged/proc/iomem: all addresses read as zero");
	assert_null(iomem);
	kx_root_deinit(&root);
}

static void test_read_missing_names_file(void **state)
{
	(void)state;
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/does-not-exist")));
	struct kx_iomem *iomem = NULL;
	assert_kx_err(kx_iomem_read(&root, &iomem), KX_ERROR_OS,
		      "roots/does-not-exist/proc/iomem");
	assert_null(iomem);
	kx_root_deinit(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loongarch_seed_lines),
		cmocka_unit_test(test_names_and_siblings),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_empty_and_not_found),
		cmocka_unit_test(test_hidden_addresses),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_huacai_top_level_crash_kernel),
		cmocka_unit_test(test_root_loongarch64_16g),
		cmocka_unit_test(test_root_loongarch64_low_high),
		cmocka_unit_test(test_root_loongarch64_3a6000),
		cmocka_unit_test(test_root_x86_64_16g),
		cmocka_unit_test(test_root_x86_64_cloudhypervisor),
		cmocka_unit_test(test_root_unprivileged),
		cmocka_unit_test(test_read_missing_names_file),
	};
	KX_RUN_TESTS(tests);
}
