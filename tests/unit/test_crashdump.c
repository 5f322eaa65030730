// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch.h"
#include "byteorder.h"
#include "crash_x86_64.h"
#include "crashdump.h"
#include "root.h"
#include "sysinfo.h"
#include "test_util.h"

enum { PT_LOAD_ = 1, PT_NOTE_ = 4, EHDR = 64, PHDR = 56 };

struct want {
	uint32_t type;
	uint64_t paddr, vaddr, size;
};

static void check_phdr(const uint8_t *buf, size_t i, const struct want *w)
{
	const uint8_t *p = buf + EHDR + i * PHDR;
	assert_int_equal(kx_get_le32(p), w->type);
	assert_int_equal(kx_get_le32(p + 4), w->type == PT_LOAD_ ? 7 : 0); // RWX / none
	assert_int_equal(kx_get_le64(p + 8), w->paddr);   // p_offset: old paddr
	assert_int_equal(kx_get_le64(p + 16), w->vaddr);
	assert_int_equal(kx_get_le64(p + 24), w->paddr);
	assert_int_equal(kx_get_le64(p + 32), w->size);
	assert_int_equal(kx_get_le64(p + 40), w->size);
	assert_int_equal(kx_get_le64(p + 48), 0);
}

static void load_root(const char *name, const struct kx_arch *arch, struct kx_root *root,
		      struct kx_sysinfo **si)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "roots/%s", name);
	assert_kx_ok(kx_root_init(root, kx_test_data(rel)));
	assert_kx_ok(kx_sysinfo_read(root, arch, si));
}

static const struct want x86_want[] = {
	{ PT_NOTE_, 0x43fa1c5e8, 0, 368 },
	{ PT_NOTE_, 0x43fa5c5e8, 0, 368 },
	{ PT_NOTE_, 0x43fa9c5e8, 0, 368 },
	{ PT_NOTE_, 0x43fadc5e8, 0, 368 },
	{ PT_NOTE_, 0x436c0e000, 0, 0x1024 },
	// Kernel image: "Kernel code" start .. end of "Kernel bss"; _text.
	{ PT_LOAD_, 0x1d600000, 0xffffffffae800000, 0x2600000 },
	// System RAM minus the crash kernel [0xaf000000, 0xbf000000).
	{ PT_LOAD_, 0x1000, 0xffff888000001000, 0x9ec00 },
	{ PT_LOAD_, 0x100000, 0xffff888000100000, 0xaef00000 },
	{ PT_LOAD_, 0xbf000000, 0xffff8880bf000000, 0xed0000 },
	{ PT_LOAD_, 0x100000000, 0xffff888100000000, 0x340000000 },
};

static void test_x86_64_header(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	void *buf;
	size_t size;
	const struct kx_crash_header_params params = { 0xffff888000000000, "_text", NULL, NULL };
	load_root("x86_64-16g", &kx_arch_x86_64, &root, &si);
	assert_kx_ok(kx_crashdump_header(&root, &kx_arch_x86_64, si, &params, &buf, &size));
	const uint8_t *b = buf;
	assert_int_equal(size, 1024);
	assert_memory_equal(b, "\x7f" "ELF\2\1\1\0", 8);
	assert_int_equal(kx_get_le16(b + 16), 4);   // ET_CORE
	assert_int_equal(kx_get_le16(b + 18), 62);  // EM_X86_64
	assert_int_equal(kx_get_le64(b + 32), 64);  // e_phoff
	assert_int_equal(kx_get_le16(b + 54), PHDR);
	assert_int_equal(kx_get_le16(b + 56), KX_ARRAY_SIZE(x86_want));
	for (size_t i = 0; i < KX_ARRAY_SIZE(x86_want); i++)
		check_phdr(b, i, &x86_want[i]);
	for (size_t i = EHDR + KX_ARRAY_SIZE(x86_want) * PHDR; i < size; i++)
		assert_int_equal(b[i], 0);
	// Phys_base as makedumpfile derives it: paddr - (vaddr - __START_KERNEL_map).
	assert_int_equal((int64_t)(0x1d600000 - (0xffffffffae800000 - kx_arch_x86_64.kernel_map_base)),
			 -0x11200000);
	free(buf);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

// The x86_64 loader's parameters: only System RAM becomes PT_LOADs (a
// reserved window once made a 1 GiB guest's /proc/vmcore 13 GiB), and the
// kernel image runs to _end when kallsyms has it.
static void test_x86_64_loader_params(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	void *buf;
	size_t size;
	load_root("x86_64-16g", &kx_arch_x86_64, &root, &si);
	struct kx_crash_header_params p = kx_x86_64_crash_header_params(&root);
	assert_null(p.extra_ranges);
	assert_string_equal(p.end_symbol, "_end");
	assert_kx_ok(kx_crashdump_header(&root, &kx_arch_x86_64, si, &p, &buf, &size));
	assert_int_equal(kx_get_le16((const uint8_t *)buf + 56), KX_ARRAY_SIZE(x86_want));
	// The RAM PT_LOADs are exactly those of the RAM-only header.
	for (size_t i = 6; i < KX_ARRAY_SIZE(x86_want); i++)
		check_phdr(buf, i, &x86_want[i]);
	free(buf);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

static void test_x86_64_extra_ranges(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	struct kx_ranges mem;
	static const char *const extra[] = { "ACPI Tables", "ACPI Non-volatile Storage", NULL };
	load_root("x86_64-16g", &kx_arch_x86_64, &root, &si);
	assert_kx_ok(kx_crashdump_memory(si, extra, &mem));
	// The ACPI ranges join the RAM below 4 GiB after the crash region.
	assert_int_equal(kx_ranges_count(&mem), 4);
	assert_int_equal(mem.ranges[2].start, 0xbf000000);
	assert_int_equal(mem.ranges[2].end, 0xbff00000);
	kx_ranges_deinit(&mem);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

static void test_loongarch64_low_high(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	struct kx_crashdump cd;
	struct kx_ranges cap;
	const struct kx_crash_header_params params = { 0x9000000000000000, "_text", NULL, NULL };
	load_root("loongarch64-low-high", &kx_arch_loongarch64, &root, &si);
	assert_kx_ok(kx_crashdump_collect(&root, si, &params, &cd));
	assert_int_equal(cd.nnotes, 5);
	assert_int_equal(cd.notes[0].paddr, 0x47fb5c258);
	assert_int_equal(cd.notes[0].size, 512);
	assert_int_equal(cd.notes[4].paddr, 0x46cb4c000);
	assert_int_equal(cd.notes[4].size, 0x4024);
	// Text: 0x200000 .. bss end 0x1f8a600 rounded to 16 KiB.
	assert_int_equal(cd.loads[0].paddr, 0x200000);
	assert_int_equal(cd.loads[0].vaddr, 0x9000000000200000);
	assert_int_equal(cd.loads[0].size, 0x1d8c000);
	// RAM minus both crash regions: 0x90400000.. splits around the low one.
	assert_int_equal(cd.loads[2].paddr, 0x90400000);
	assert_int_equal(cd.loads[2].size, 0xe6200000 - 0x90400000);
	assert_int_equal(cd.loads[3].paddr, 0xf6200000);
	assert_int_equal(cd.loads[3].vaddr, 0x90000000f6200000);
	const struct kx_elf_core_header_load *last = &cd.loads[cd.nloads - 1];
	assert_int_equal(last->paddr, 0x43c000000);
	assert_int_equal(last->paddr + last->size, 0x480000000);
	assert_int_equal(cd.nloads, 7);
	kx_crashdump_deinit(&cd);
	assert_kx_ok(kx_crashdump_capture_memory(si, &cap));
	assert_int_equal(kx_ranges_count(&cap), 2);
	kx_ranges_deinit(&cap);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

static void test_no_text_no_crash(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	struct kx_crashdump cd;
	struct kx_ranges cap;
	const struct kx_crash_header_params params = { 0x9000000000000000, NULL, NULL, NULL };
	load_root("loongarch64-3a6000-hvisor", &kx_arch_loongarch64, &root, &si);
	assert_kx_err(kx_crashdump_capture_memory(si, &cap), KX_ERROR_NOT_FOUND,
		      "Memory for crashkernel is not reserved");
	// That root has no /sys: the notes cannot be read.
	assert_kx_err(kx_crashdump_collect(&root, si, &params, &cd), KX_ERROR_OS,
		      "Sysfs does not seem to be mounted");
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
	load_root("loongarch64-16g", &kx_arch_loongarch64, &root, &si);
	assert_kx_ok(kx_crashdump_collect(&root, si, &params, &cd));
	assert_int_equal(cd.loads[0].paddr, 0x200000); // RAM first: no text PT_LOAD
	assert_int_equal(cd.loads[0].vaddr, 0x9000000000200000);
	assert_int_equal(cd.loads[0].size, 0xee00000);
	kx_crashdump_deinit(&cd);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64_header),
		cmocka_unit_test(test_x86_64_loader_params),
		cmocka_unit_test(test_x86_64_extra_ranges),
		cmocka_unit_test(test_loongarch64_low_high),
		cmocka_unit_test(test_no_text_no_crash),
	};
	KX_RUN_TESTS(tests);
}
