// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "root.h"
#include "sysinfo.h"
#include "test_util.h"

static void open_root(struct kx_root *root, const char *name)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "roots/%s", name);
	assert_kx_ok(kx_root_init(root, kx_test_data(rel)));
}

static void assert_range(const struct kx_ranges *set, size_t i, uint64_t start, uint64_t end)
{
	const struct kx_range *r = kx_ranges_at(set, i);
	assert_non_null(r);
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
}

static void test_x86_64_16g(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	open_root(&root, "x86_64-16g");
	assert_kx_ok(kx_sysinfo_read(&root, &kx_arch_x86_64, &si));
	assert_int_equal(si->page_size, 4096);
	assert_int_equal(kx_ranges_count(&si->system_ram), 3);
	assert_range(&si->system_ram, 0, 0x1000, 0x9fc00);
	assert_range(&si->system_ram, 1, 0x100000, 0xbfed0000);
	assert_range(&si->system_ram, 2, 0x100000000, 0x440000000);
	assert_int_equal(kx_ranges_count(&si->usable_ram), 3);
	assert_int_equal(kx_ranges_count(&si->crash_regions), 1);
	assert_range(&si->crash_regions, 0, 0xaf000000, 0xbf000000);
	assert_int_equal(si->crash_load.start, 0xaf000000);
	assert_int_equal(si->crash_load.end, 0xbf000000);
	// The firmware map: 10 entries, RAM from 0, inclusive ends converted.
	assert_int_equal(si->memmap.count, 10);
	assert_int_equal(si->memmap.entries[0].start, 0);
	assert_int_equal(si->memmap.entries[0].end, 0x9fc00);
	assert_int_equal(si->memmap.entries[0].type, KX_MEM_RAM);
	assert_int_equal(si->memmap.entries[4].start, 0xbfed0000);
	assert_int_equal(si->memmap.entries[4].type, KX_MEM_ACPI);
	assert_int_equal(si->memmap.entries[5].type, KX_MEM_ACPI_NVS);
	assert_int_equal(si->memmap.entries[6].type, KX_MEM_RESERVED);
	assert_int_equal(si->memmap.entries[9].end, 0x440000000);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

static void test_loongarch64_16g(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	open_root(&root, "loongarch64-16g");
	assert_kx_ok(kx_sysinfo_read(&root, &kx_arch_loongarch64, &si));
	assert_int_equal(si->page_size, 16384);
	assert_int_equal(kx_ranges_count(&si->system_ram), 5);
	assert_range(&si->system_ram, 0, 0x200000, 0xf000000);
	assert_range(&si->system_ram, 4, 0xfe4e0000, 0x480000000);
	// Nested Reserved entries are taken out of the placement set.
	assert_range(&si->usable_ram, 0, 0x200000, 0x1f8a600);
	assert_range(&si->usable_ram, 1, 0x6000000, 0xefff000);
	assert_false(kx_ranges_overlaps(&si->usable_ram, 0x43c000000, 0x442000000));
	assert_true(kx_ranges_contains(&si->usable_ram, 0x91000000, 0xb1000000));
	assert_int_equal(kx_ranges_count(&si->crash_regions), 1);
	assert_int_equal(si->crash_load.start, 0x91000000);
	assert_int_equal(si->crash_load.end, 0xb1000000);
	// No firmware memmap: the typed map comes from top-level iomem lines.
	assert_int_equal(si->memmap.count, 5);
	assert_int_equal(si->memmap.entries[1].start, 0x90400000);
	assert_int_equal(si->memmap.entries[1].type, KX_MEM_RAM);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

static void test_loongarch64_low_high(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si;
	uint64_t size;
	open_root(&root, "loongarch64-low-high");
	assert_kx_ok(kx_sysinfo_read(&root, &kx_arch_loongarch64, &si));
	assert_int_equal(kx_ranges_count(&si->crash_regions), 2);
	assert_range(&si->crash_regions, 0, 0xe6200000, 0xf6200000);
	assert_range(&si->crash_regions, 1, 0x3fc000000, 0x43c000000);
	// Placement uses the highest region: the kernel checks crashk_res.
	assert_int_equal(si->crash_load.start, 0x3fc000000);
	assert_int_equal(si->crash_load.end, 0x43c000000);
	assert_kx_ok(kx_sysinfo_crash_size(&root, &size));
	assert_int_equal(size, si->crash_load.end - si->crash_load.start);
	kx_sysinfo_destroy(si);
	kx_root_deinit(&root);
}

static void test_files(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_crash_note *notes;
	size_t n;
	uint64_t addr, size;
	bool loaded = true;
	char *cmdline;
	open_root(&root, "x86_64-16g");
	assert_kx_ok(kx_sysinfo_kexec_loaded(&root, false, &loaded));
	assert_false(loaded);
	assert_kx_ok(kx_sysinfo_kexec_loaded(&root, true, &loaded));
	assert_false(loaded);
	assert_kx_ok(kx_sysinfo_crash_size(&root, &size));
	assert_int_equal(size, 268435456);
	assert_kx_ok(kx_sysinfo_vmcoreinfo(&root, &addr, &size));
	assert_int_equal(addr, 0x436c0e000);
	assert_int_equal(size, 0x1024); // "%x": PAGE_SIZE + 36
	assert_kx_ok(kx_sysinfo_crash_notes(&root, &notes, &n));
	assert_int_equal(n, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(notes[i].cpu, i);
		assert_int_equal(notes[i].addr, 0x43fa1c5e8 + i * 0x40000);
		assert_int_equal(notes[i].size, 368);
	}
	free(notes);
	assert_kx_ok(kx_sysinfo_cmdline(&root, &cmdline));
	assert_string_equal(cmdline, "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 "
				     "root=UUID=6b1f0c7e-2f5a-4d8e-9a63-1c0f3e7b5d21 ro quiet "
				     "crashkernel=256M");
	free(cmdline);
	assert_kx_ok(kx_sysinfo_kallsyms(&root, "_text", &addr));
	assert_int_equal(addr, 0xffffffffae800000);
	assert_kx_err(kx_sysinfo_kallsyms(&root, "_tex", &addr), KX_ERROR_NOT_FOUND,
		      "symbol _tex not found");
	kx_root_deinit(&root);
	open_root(&root, "loongarch64-16g");
	assert_kx_ok(kx_sysinfo_vmcoreinfo(&root, &addr, &size));
	assert_int_equal(size, 0x4024);
	assert_kx_ok(kx_sysinfo_crash_notes(&root, &notes, &n));
	assert_int_equal(n, 4);
	assert_int_equal(notes[3].addr, 0x47fc1c258);
	assert_int_equal(notes[3].size, 512);
	free(notes);
	kx_root_deinit(&root);
}

static void test_cpulist(void **state)
{
	(void)state;
	unsigned int *cpus;
	size_t n;
	assert_kx_ok(kx_sysinfo_parse_cpulist("0-2,5,7-8\n", "x", &cpus, &n));
	assert_int_equal(n, 6);
	assert_int_equal(cpus[3], 5);
	assert_int_equal(cpus[5], 8);
	free(cpus);
	assert_kx_ok(kx_sysinfo_parse_cpulist("0\n", "x", &cpus, &n));
	assert_int_equal(n, 1);
	free(cpus);
	cpus = NULL;
	assert_kx_err(kx_sysinfo_parse_cpulist("3-1", "present", &cpus, &n), KX_ERROR_CORRUPT,
		      "present: CPU range 3-1 out of bounds");
	assert_kx_err(kx_sysinfo_parse_cpulist("0;1", "present", &cpus, &n), KX_ERROR_CORRUPT,
		      "unexpected ';'");
	assert_kx_err(kx_sysinfo_parse_cpulist("a", "present", &cpus, &n), KX_ERROR_CORRUPT,
		      "bad number");
	assert_kx_err(kx_sysinfo_parse_cpulist("0-99999", "p", &cpus, &n), KX_ERROR_CORRUPT,
		      "out of bounds");
	assert_null(cpus);
}

// A scratch root under /tmp with the files the test writes.
static void put(const char *dir, const char *path, const char *text)
{
	char full[512], cmd[600];
	snprintf(full, sizeof(full), "%s%s", dir, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", full);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_scratch_root(void **state)
{
	(void)state;
	char dir[] = "/tmp/kx-sysinfo-XXXXXX", cmd[64];
	struct kx_root root;
	struct kx_crash_note *notes;
	size_t n;
	uint64_t a, s;
	assert_non_null(mkdtemp(dir));
	assert_kx_ok(kx_root_init(&root, dir));
	// present missing: possible is used; cpu1 has no crash_notes (skipped);
	// cpu2 has no crash_notes_size (1024).
	put(dir, "/sys/devices/system/cpu/possible", "0-2\n");
	put(dir, "/sys/devices/system/cpu/cpu0/crash_notes", "1000\n");
	put(dir, "/sys/devices/system/cpu/cpu0/crash_notes_size", "368\n");
	put(dir, "/sys/devices/system/cpu/cpu2/crash_notes", "3000\n");
	assert_kx_ok(kx_sysinfo_crash_notes(&root, &notes, &n));
	assert_int_equal(n, 2);
	assert_int_equal(notes[1].cpu, 2);
	assert_int_equal(notes[1].addr, 0x3000);
	assert_int_equal(notes[1].size, 1024);
	free(notes);
	put(dir, "/sys/devices/system/cpu/cpu0/crash_notes", "1000 zz\n");
	assert_kx_err(kx_sysinfo_crash_notes(&root, &notes, &n), KX_ERROR_CORRUPT,
		      "cpu0/crash_notes: expected a hex number");
	put(dir, "/sys/kernel/vmcoreinfo", "436c0e000 1024\n");
	assert_kx_err(kx_sysinfo_vmcoreinfo(&root, &a, &s), KX_ERROR_CORRUPT,
		      "/sys/kernel/vmcoreinfo: expected \"0xADDRESS SIZE\"");
	// No smaps: the architecture's default; a bad one is an error.
	assert_kx_ok(kx_sysinfo_page_size(&root, &kx_arch_loongarch64, &s));
	assert_int_equal(s, 16384);
	put(dir, "/proc/self/smaps", "Size: 4 kB\nKernelPageSize:   3 kB\n");
	assert_kx_err(kx_sysinfo_page_size(&root, &kx_arch_x86_64, &s), KX_ERROR_CORRUPT,
		      "/proc/self/smaps: no valid \"KernelPageSize: N kB\" line");
	put(dir, "/proc/self/smaps", "KernelPageSize:   64 kB\n");
	assert_kx_ok(kx_sysinfo_page_size(&root, &kx_arch_x86_64, &s));
	assert_int_equal(s, 65536);
	assert_kx_err(kx_sysinfo_kexec_loaded(&root, false, (bool *)&n), KX_ERROR_OS,
		      "/sys/kernel/kexec_loaded: cannot open");
	put(dir, "/proc/kallsyms", "0000000000000000 T _text\n");
	assert_kx_err(kx_sysinfo_kallsyms(&root, "_text", &a), KX_ERROR_UNSUPPORTED,
		      "kptr_restrict");
	assert_kx_err(kx_sysinfo_firmware_memmap(&root, &(struct kx_mem_map){ 0 }),
		      KX_ERROR_NOT_FOUND, "no /sys/firmware/memmap");
	kx_root_deinit(&root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_real_root_page_size(void **state)
{
	(void)state;
	struct kx_root root;
	uint64_t ps;
	assert_kx_ok(kx_root_init(&root, NULL));
	assert_kx_ok(kx_sysinfo_page_size(&root, &kx_arch_loongarch64, &ps));
	assert_int_equal(ps, (uint64_t)sysconf(_SC_PAGESIZE));
	kx_root_deinit(&root);
}

static void test_unprivileged(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysinfo *si = NULL;
	open_root(&root, "x86_64-16g-unprivileged");
	assert_kx_err(kx_sysinfo_read(&root, &kx_arch_x86_64, &si), KX_ERROR_UNSUPPORTED, "");
	assert_null(si);
	kx_root_deinit(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64_16g),
		cmocka_unit_test(test_loongarch64_16g),
		cmocka_unit_test(test_loongarch64_low_high),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_scratch_root),
		cmocka_unit_test(test_real_root_page_size),
		cmocka_unit_test(test_unprivileged),
	};
	KX_RUN_TESTS(tests);
}
