// SPDX-License-Identifier: GPL-2.0-only
// The bzImage setup header checks, the zero page setters at boot.rst's
// offsets, the e820 pieces and the x86_64 crash helpers.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_params.h"
#include "byteorder.h"
#include "crash_x86_64.h"
#include "image_x86_64.h"
#include "linux_boot.h"
#include "mkbzimage.h"
#include "root.h"
#include "test_util.h"

static struct kx_error *parse_spec(const struct mkbz_spec *s, size_t cut,
				   struct kx_x86_64_setup_header *h)
{
	size_t size = 0;
	uint8_t *img = mkbz_build(s, &size);
	assert_non_null(img);
	struct kx_error *err = kx_x86_64_setup_header_parse(img, cut ? cut : size, h);
	assert_int_equal(kx_x86_64_bzimage_probe(img, cut ? cut : size), err == NULL);
	free(img);
	return err;
}

static void test_header_accept(void **state)
{
	(void)state;
	struct mkbz_spec s = mkbz_default();
	struct kx_x86_64_setup_header h;
	assert_kx_ok(parse_spec(&s, 0, &h));
	assert_int_equal(h.version, 0x020f);
	assert_int_equal(h.setup_size, 28 * 512);
	assert_int_equal(h.hdr_end, 0x26c);
	assert_int_equal(h.kernel_alignment, 0x200000);
	assert_int_equal(h.pref_address, 0x1000000);
	assert_int_equal(h.init_size, 0x10000);
	assert_int_equal(h.cmdline_size, 2047);
	assert_true(h.relocatable);
	// setup_sects 0 means 4.
	s.setup_sects = 0;
	assert_kx_ok(parse_spec(&s, 0, &h));
	assert_int_equal(h.setup_size, 5 * 512);
}

static void test_header_reject(void **state)
{
	(void)state;
	struct kx_x86_64_setup_header h;
	struct mkbz_spec s = mkbz_default();
	assert_kx_err(parse_spec(&s, 1000, &h), KX_ERROR_CORRUPT, "too short for a bzImage");
	assert_kx_err(parse_spec(&s, 28 * 512, &h), KX_ERROR_CORRUPT,
		      "setup_sects 27 puts the kernel at 0x3800, past the end");
	s.version = 0x020b;
	assert_kx_err(parse_spec(&s, 0, &h), KX_ERROR_UNSUPPORTED,
		      "boot protocol 2.11 is older than 2.12");
	s = mkbz_default();
	s.xloadflags = 0x2;
	assert_kx_err(parse_spec(&s, 0, &h), KX_ERROR_UNSUPPORTED,
		      "lacks XLF_KERNEL_64: a 32-bit kernel");
	s.xloadflags = 0x1;
	assert_kx_err(parse_spec(&s, 0, &h), KX_ERROR_UNSUPPORTED,
		      "lacks XLF_CAN_BE_LOADED_ABOVE_4G");
	s = mkbz_default();
	s.loadflags = 0;
	assert_kx_err(parse_spec(&s, 0, &h), KX_ERROR_UNSUPPORTED, "LOADED_HIGH");
	s = mkbz_default();
	s.setup_sects = 255; // 128 KiB of setup in a 17 KiB file
	assert_kx_err(parse_spec(&s, 17 * 1024, &h), KX_ERROR_CORRUPT, "setup_sects 255");
	s = mkbz_default();
	s.kernel_alignment = 0x180000;
	assert_kx_err(parse_spec(&s, 0, &h), KX_ERROR_CORRUPT, "not a power of two");
	s = mkbz_default();
	s.init_size = 0x1000;
	assert_kx_err(parse_spec(&s, 0, &h), KX_ERROR_CORRUPT, "init_size 0x1000 is smaller");
	// Wrong magic, wrong boot flag.
	size_t size;
	s = mkbz_default();
	uint8_t *img = mkbz_build(&s, &size);
	img[0x203] = 'X';
	assert_kx_err(kx_x86_64_setup_header_parse(img, size, &h), KX_ERROR_CORRUPT, "\"HdrS\"");
	img[0x203] = 'd';
	img[0x1fe] = 0;
	assert_kx_err(kx_x86_64_setup_header_parse(img, size, &h), KX_ERROR_CORRUPT, "boot_flag");
	assert_false(kx_x86_64_bzimage_probe(img, size));
	// An ELF is not a bzImage, and a bzImage is not an ELF.
	assert_false(kx_x86_64_elf_probe(img, size));
	assert_kx_err(kx_x86_64_elf_check(img, size, NULL), KX_ERROR_CORRUPT, "not an ELF file");
	free(img);
}

static void test_elf_reject(void **state)
{
	(void)state;
	uint8_t e[128] = "\177ELF\2\1\1";
	kx_put_le16(e + 16, 2);
	kx_put_le16(e + 18, 258); // LoongArch
	assert_kx_err(kx_x86_64_elf_check(e, sizeof(e), NULL), KX_ERROR_UNSUPPORTED,
		      "ELF machine 258 is not x86_64");
	kx_put_le16(e + 18, 62);
	kx_put_le16(e + 16, 3);
	assert_kx_err(kx_x86_64_elf_check(e, sizeof(e), NULL), KX_ERROR_UNSUPPORTED, "ET_EXEC");
	kx_put_le16(e + 16, 2);
	kx_put_le64(e + 32, 64);
	kx_put_le16(e + 54, 56);
	kx_put_le16(e + 56, 2); // two headers, room for one
	assert_kx_err(kx_x86_64_elf_check(e, sizeof(e), NULL), KX_ERROR_CORRUPT,
		      "program headers (2 at 0x40) do not fit");
	kx_put_le16(e + 56, 1);
	kx_put_le32(e + 64, 1);
	kx_put_le64(e + 64 + 8, 0x40);
	kx_put_le64(e + 64 + 32, 0x100); // past the end
	kx_put_le64(e + 64 + 40, 0x100);
	assert_kx_err(kx_x86_64_elf_check(e, sizeof(e), NULL), KX_ERROR_CORRUPT,
		      "PT_LOAD 0 (0x100 bytes at 0x40) runs past the end");
	kx_put_le64(e + 64 + 32, 0x10);
	kx_put_le64(e + 64 + 40, 0x8);
	assert_kx_err(kx_x86_64_elf_check(e, sizeof(e), NULL), KX_ERROR_CORRUPT, "filesz 0x10 > memsz");
	kx_put_le64(e + 64 + 40, 0x10);
	size_t n;
	assert_kx_ok(kx_x86_64_elf_check(e, sizeof(e), &n));
	assert_int_equal(n, 1);
}

static void test_zero_page_setters(void **state)
{
	(void)state;
	uint8_t zp[KX_BP_SIZE] = { 0 };
	kx_x86_64_bp_set_cmdline(zp, 0x123456789a);
	assert_int_equal(kx_get_le32(zp + 0x228), 0x3456789a);
	assert_int_equal(kx_get_le32(zp + 0x0c8), 0x12);
	kx_x86_64_bp_set_ramdisk(zp, 0x2bcdef000, 0x100001000);
	assert_int_equal(kx_get_le32(zp + 0x218), 0xbcdef000);
	assert_int_equal(kx_get_le32(zp + 0x0c0), 0x2);
	assert_int_equal(kx_get_le32(zp + 0x21c), 0x1000);
	assert_int_equal(kx_get_le32(zp + 0x0c4), 0x1);
	struct kx_x86_64_e820 t = { 0 };
	assert_kx_ok(kx_x86_64_e820_add(&t, 0x100000, 0x1000, KX_E820_ACPI));
	assert_kx_ok(kx_x86_64_e820_add(&t, 0, 0x9fc00, KX_E820_RAM));
	assert_kx_ok(kx_x86_64_e820_add(&t, 5, 0, KX_E820_RAM)); // empty: ignored
	kx_x86_64_e820_sort(&t);
	assert_int_equal(kx_x86_64_bp_set_e820(zp, &t), 2);
	assert_int_equal(zp[0x1e8], 2);
	static const uint8_t want[40] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xfc, 0x09, 0, 0, 0, 0, 0, 1, 0, 0, 0,
		0, 0, 0x10, 0, 0, 0, 0, 0, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
	};
	assert_memory_equal(zp + 0x2d0, want, sizeof(want));
	assert_kx_err(kx_x86_64_bp_e820_ext(&t, 2, NULL, NULL), KX_ERROR_INVALID_ARG, "no e820");
	void *node;
	size_t size;
	assert_kx_ok(kx_x86_64_bp_e820_ext(&t, 1, &node, &size));
	assert_int_equal(size, 36);
	assert_int_equal(kx_get_le32((uint8_t *)node + 8), 1);
	assert_int_equal(kx_get_le32((uint8_t *)node + 12), 20);
	assert_memory_equal((uint8_t *)node + 16, want + 20, 20);
	free(node);
	kx_x86_64_e820_deinit(&t);
	assert_int_equal(kx_x86_64_e820_type_of(KX_MEM_PRAM), 12);
	assert_int_equal(kx_x86_64_e820_type_of(KX_MEM_PMEM), 7);
	assert_int_equal(kx_x86_64_e820_type_of(KX_MEM_ACPI_NVS), 4);
	assert_int_equal(kx_x86_64_e820_type_of(KX_MEM_UNCACHED), 2);
}

// A fake root in a temporary directory with the given files.
static char tmp_root[] = "/tmp/kx-x86root-XXXXXX";

static void put_file(const char *rel, const void *buf, size_t size)
{
	char path[512], dir[512];
	snprintf(path, sizeof(path), "%s%s", tmp_root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + strlen(tmp_root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(dir, 0755);
		*p = '/';
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, size, f), size);
	fclose(f);
}

static void test_crash_page_offset_and_rsdp(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(tmp_root));
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, tmp_root));
	assert_int_equal(kx_x86_64_crash_page_offset(&root), 0xffff888000000000);
	assert_int_equal(kx_x86_64_acpi_rsdp(&root), 0);
	// kcore: text, then a KASLR'd direct map, then vmalloc.
	uint8_t k[64 + 3 * 56] = "\177ELF\2\1\1";
	kx_put_le64(k + 0x20, 64);
	kx_put_le16(k + 0x36, 56);
	kx_put_le16(k + 0x38, 3);
	static const uint64_t va[3] = { 0xffffffff81000000, 0xffff9a4bc0100000,
					0xffffb0a000000000 };
	for (int i = 0; i < 3; i++) {
		kx_put_le32(k + 64 + 56 * i, 1);
		kx_put_le64(k + 64 + 56 * i + 0x10, va[i]);
	}
	put_file("/proc/kcore", k, sizeof(k));
	assert_int_equal(kx_x86_64_crash_page_offset(&root), 0xffff9a4bc0000000);
	struct kx_crash_header_params p = kx_x86_64_crash_header_params(&root);
	assert_int_equal(p.page_offset, 0xffff9a4bc0000000);
	assert_string_equal(p.text_symbol, "_text");
	// A truncated kcore falls back to the default.
	put_file("/proc/kcore", k, 100);
	assert_int_equal(kx_x86_64_crash_page_offset(&root), 0xffff888000000000);
	static const char systab[] = "SMBIOS=0x7f8e4000\nACPI=0xf0000\nACPI20=0x7fb7e014\n";
	put_file("/sys/firmware/efi/systab", systab, sizeof(systab) - 1);
	assert_int_equal(kx_x86_64_acpi_rsdp(&root), 0x7fb7e014);
	static const char systab1[] = "ACPI=0xf0490\n";
	put_file("/sys/firmware/efi/systab", systab1, sizeof(systab1) - 1);
	assert_int_equal(kx_x86_64_acpi_rsdp(&root), 0xf0490);
	kx_root_deinit(&root);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
	assert_int_equal(system(cmd), 0);
}

static void test_crash_cmdline(void **state)
{
	(void)state;
	struct kx_x86_64_e820 t = { 0 };
	assert_kx_ok(kx_x86_64_e820_add(&t, 0x1000, 0x9ec00, KX_E820_RAM));
	assert_kx_ok(kx_x86_64_e820_add(&t, 0x9fc00, 0x400, KX_E820_RESERVED));
	assert_kx_ok(kx_x86_64_e820_add(&t, 0x100000, 0x10000, KX_E820_RAM)); // 64K: skipped
	assert_kx_ok(kx_x86_64_e820_add(&t, 0x200000, 0x1000, KX_E820_PRAM));
	assert_kx_ok(kx_x86_64_e820_add(&t, 0x300000, 0x1000, KX_E820_PMEM)); // not passed
	assert_kx_ok(kx_x86_64_e820_add(&t, 0x400000, 0x2000, KX_E820_NVS));
	char *s;
	assert_kx_ok(kx_x86_64_crash_cmdline(&t, 0xbeffb000, 0x7fb7e014, true, &s));
	assert_string_equal(s, " elfcorehdr=3129324K acpi_rsdp=0x7fb7e014 memmap=exactmap "
			       "memmap=635K@4K memmap=1K$639K memmap=4K!2048K memmap=8K#4096K");
	free(s);
	assert_kx_ok(kx_x86_64_crash_cmdline(&t, 0x1000000, 0, false, &s));
	assert_string_equal(s, " elfcorehdr=16384K");
	free(s);
	kx_x86_64_e820_deinit(&t);
}

static void test_crash_e820(void **state)
{
	(void)state;
	struct kx_ranges ram, crash;
	kx_ranges_init(&ram);
	kx_ranges_init(&crash);
	assert_kx_ok(kx_ranges_add(&ram, 0x1000, 0x9fc00));
	assert_kx_ok(kx_ranges_add(&ram, 0x100000, 0xc0000000));
	// Two regions (crashkernel=X,high + Y,low); a ragged end is cut to 1K.
	assert_kx_ok(kx_ranges_add(&crash, 0x10000000, 0x18000000));
	assert_kx_ok(kx_ranges_add(&crash, 0xa0000000, 0xb00003ff));
	struct kx_mem_entry me[] = {
		{ 0, 0x9fc00, KX_MEM_RAM }, { 0xbfed0000, 0xbfeff000, KX_MEM_ACPI },
	};
	struct kx_mem_map map = { me, 2 };
	struct kx_load_input in = { .ram = &ram, .crash_regions = &crash, .memmap = &map };
	struct kx_x86_64_e820 t;
	assert_kx_ok(kx_x86_64_crash_e820(&in, 0xafffc000, 0x4000, &t));
	static const uint64_t want[][3] = {
		{ 0x1000, 0x9ec00, 1 },     { 0x10000000, 0x8000000, 1 },
		{ 0xa0000000, 0xfffc000, 1 }, { 0xafffc000, 0x4000, 2 },
		{ 0xb0000000, 0x0, 1 },     { 0xbfed0000, 0x2f000, 3 },
	};
	// The 0x3ff tail is less than 1K: nothing of it is RAM.
	size_t w = 0;
	for (size_t i = 0; i < KX_ARRAY_SIZE(want); i++) {
		if (!want[i][1])
			continue;
		assert_true(w < t.count);
		assert_int_equal(t.entries[w].addr, want[i][0]);
		assert_int_equal(t.entries[w].size, want[i][1]);
		assert_int_equal(t.entries[w].type, want[i][2]);
		w++;
	}
	assert_int_equal(t.count, w);
	kx_x86_64_e820_deinit(&t);
	kx_ranges_clear(&crash);
	assert_kx_err(kx_x86_64_crash_e820(&in, 0, 0, &t), KX_ERROR_NOT_FOUND, "no crash kernel");
	kx_ranges_deinit(&ram);
	kx_ranges_deinit(&crash);
}

static void test_parse_serial(void **state)
{
	(void)state;
	uint16_t port = 0;
	assert_kx_ok(kx_x86_64_parse_serial("ttyS0", &port));
	assert_int_equal(port, 0x3f8);
	assert_kx_ok(kx_x86_64_parse_serial("ttyS3", &port));
	assert_int_equal(port, 0x2e8);
	assert_kx_ok(kx_x86_64_parse_serial("0x2f8", &port));
	assert_int_equal(port, 0x2f8);
	assert_kx_err(kx_x86_64_parse_serial("ttyS4", &port), KX_ERROR_INVALID_ARG, "ttyS4");
	assert_kx_err(kx_x86_64_parse_serial("0x10000", &port), KX_ERROR_INVALID_ARG, "0x10000");
	assert_kx_err(kx_x86_64_parse_serial(NULL, &port), KX_ERROR_INVALID_ARG, "needs a port");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_accept),
		cmocka_unit_test(test_header_reject),
		cmocka_unit_test(test_elf_reject),
		cmocka_unit_test(test_zero_page_setters),
		cmocka_unit_test(test_crash_page_offset_and_rsdp),
		cmocka_unit_test(test_crash_cmdline),
		cmocka_unit_test(test_crash_e820),
		cmocka_unit_test(test_parse_serial),
	};
	KX_RUN_TESTS(tests);
}
