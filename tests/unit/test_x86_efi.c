// SPDX-License-Identifier: GPL-2.0-only
// EFI boot information carried over by the x86_64 kexec_load loaders
// (arch/x86_64/efi_x86_64.h) against the fake root tests/data/roots/
// x86_64-efi: the SETUP_EFI node, the runtime map and efi_info byte for
// byte, the crash command line without acpi_rsdp=, --noefi, and malformed
// sysfs files.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_params.h"
#include "byteorder.h"
#include "efi_x86_64.h"
#include "image_x86_64.h"
#include "kexec.h"
#include "mkbzimage.h"
#include "root.h"
#include "test_util.h"
#include "kexec_test_run.h"
#include "x86_load_harness.h"

static char bz_path[] = "/tmp/kx-efi-bz-XXXXXX";

static int setup(void **state)
{
	(void)state;
	struct mkbz_spec s = mkbz_default(); // xloadflags 0x1b: XLF_EFI_KEXEC set
	size_t size;
	uint8_t *img = mkbz_build(&s, &size);
	write_temp(bz_path, img, size);
	free(img);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(bz_path);
	forget_segments();
	return 0;
}

// tests/data/roots/x86_64-efi/sys/firmware/efi/runtime-map/0..4, as
// {type, phys_addr, virt_addr, num_pages, attribute}.
static const uint64_t runtime_map[5][5] = {
	{ 5, 0xbff00000, 0xfffffffeffc00000, 0x40, 0x800000000000000f },
	{ 6, 0xbff40000, 0xfffffffeffb80000, 0x80, 0x800000000000000f },
	{ 6, 0xbffc0000, 0xfffffffeffb40000, 0x40, 0x800000000000000f },
	{ 11, 0xfeffc000, 0xfffffffeffb3c000, 0x4, 0x8000000000000001 },
	{ 11, 0xfffc0000, 0xfffffffeffa00000, 0x40, 0x8000000000000001 },
};

static void assert_efi_passed(const uint8_t *zp, uint64_t node_mem, uint64_t map_mem)
{
	// SETUP_EFI: {next 0, type 4, len 96} + efi_setup_data.
	const uint8_t *n = seen_at(node_mem)->bytes;
	assert_int_equal(seen_at(node_mem)->bufsz, 16 + 96);
	assert_int_equal(kx_get_le64(n), 0);
	assert_int_equal(kx_get_le32(n + 8), 4);
	assert_int_equal(kx_get_le32(n + 12), 96);
	assert_int_equal(kx_get_le64(n + 16), 0xbff49098);      // fw_vendor
	assert_int_equal(kx_get_le64(n + 24), 0xbff4bb98);      // runtime (__unused)
	assert_int_equal(kx_get_le64(n + 32), 0xbff49118);      // config_table
	assert_int_equal(kx_get_le64(n + 40), 0xbff5f000);      // SMBIOS=, not SMBIOS3=
	for (size_t i = 48; i < 112; i++)
		assert_int_equal(n[i], 0);                       // reserved[8]
	const struct seen_segment *m = seen_at(map_mem);
	assert_string_equal(m->role, "efimap");
	assert_int_equal(m->bufsz, 5 * 40);
	for (size_t i = 0; i < 5; i++) {
		const uint8_t *d = m->bytes + 40 * i;
		assert_int_equal(kx_get_le32(d), runtime_map[i][0]);
		assert_int_equal(kx_get_le32(d + 4), 0);
		for (size_t k = 1; k < 5; k++)
			assert_int_equal(kx_get_le64(d + 8 * k), runtime_map[i][k]);
	}
	// efi_info: the running kernel's, memmap fields pointing at the map.
	const uint8_t *ei = zp + KX_BP_EFI_INFO;
	assert_memory_equal(ei, "EL64", 4);
	assert_int_equal(kx_get_le32(ei + 4), 0xbff49018);       // efi_systab
	assert_int_equal(kx_get_le32(ei + 8), 40);               // efi_memdesc_size
	assert_int_equal(kx_get_le32(ei + 12), 1);               // efi_memdesc_version
	assert_int_equal(kx_get_le32(ei + 16), (uint32_t)map_mem);
	assert_int_equal(kx_get_le32(ei + 20), 200);             // efi_memmap_size
	assert_int_equal(kx_get_le32(ei + 24), 0);               // efi_systab_hi
	assert_int_equal(kx_get_le32(ei + 28), map_mem >> 32);   // efi_memmap_hi
}

static void test_efi_load(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-efi", "--dry-run", "-c", "-l", bz_path,
				   "--append=ro", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	char *lines = segment_lines(r.out);
	assert_string_equal(lines,
		"segment 0: setup_data bufsz=0x70 mem=0x0000000000100000 memsz=0x1000\n"
		"segment 1: efimap     bufsz=0xc8 mem=0x0000000000101000 memsz=0x1000\n"
		"segment 2: kernel     bufsz=0x6000 mem=0x000000043fe00000 memsz=0x10000\n"
		"segment 3: cmdline    bufsz=0x3 mem=0x000000043fffd000 memsz=0x1000\n"
		"segment 4: bootparams bufsz=0x1000 mem=0x000000043fffe000 memsz=0x1000\n"
		"segment 5: purgatory  bufsz=0x0 mem=0x000000043ffff000 memsz=0x1000\n");
	free(lines);
	const uint8_t *zp = seen("bootparams")->bytes;
	assert_int_equal(kx_get_le64(zp + KX_BP_SETUP_DATA), 0x100000);
	assert_efi_passed(zp, 0x100000, 0x101000);
	// The running boot_params has no RSDP: the systab's ACPI20= is used.
	assert_int_equal(kx_get_le64(zp + KX_BP_ACPI_RSDP_ADDR), 0xbfefe014);
	kx_test_run_free(&r);
}

static void test_efi_crash(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-efi", "--dry-run", "-c", "-p", bz_path,
				   "--append=ro", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	// Everything in the crash region; the nodes bottom-up from its start.
	assert_efi_passed(seen("bootparams")->bytes, 0xaf000000, 0xaf001000);
	// EFI tables reach the capture kernel: no acpi_rsdp= (upstream).
	assert_string_equal((char *)seen("cmdline")->bytes, "ro elfcorehdr=3129324K");
	kx_test_run_free(&r);
	// --noefi: nothing EFI, and the RSDP on the command line instead.
	r = run("roots/x86_64-efi", "--dry-run", "-c", "-p", bz_path, "--append=ro", "--noefi",
		NULL);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.out, "setup_data"));
	assert_null(strstr(r.out, "efimap"));
	const uint8_t *zp = seen("bootparams")->bytes;
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(zp[KX_BP_EFI_INFO + i], 0);
	assert_int_equal(kx_get_le64(zp + KX_BP_SETUP_DATA), 0);
	assert_string_equal((char *)seen("cmdline")->bytes,
			    "ro elfcorehdr=3129324K acpi_rsdp=0xbfefe014");
	kx_test_run_free(&r);
}

// An image without XLF_EFI_KEXEC, and a BIOS root: no EFI information.
static void test_efi_not_passed(void **state)
{
	(void)state;
	struct mkbz_spec s = mkbz_default();
	s.xloadflags = 0x0b;
	size_t size;
	uint8_t *img = mkbz_build(&s, &size);
	char path[] = "/tmp/kx-efi-noxlf-XXXXXX";
	write_temp(path, img, size);
	free(img);
	struct kx_test_run r = run("roots/x86_64-efi", "--dry-run", "-c", "-p", path, NULL);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.out, "efimap"));
	assert_string_equal((char *)seen("cmdline")->bytes,
			    "elfcorehdr=3129324K acpi_rsdp=0xbfefe014");
	kx_test_run_free(&r);
	unlink(path);
	r = run("roots/x86_64-16g", "--dry-run", "-c", "-l", bz_path, NULL);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.out, "efimap"));
	const uint8_t *zp = seen("bootparams")->bytes;
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(zp[KX_BP_EFI_INFO + i], 0);
	kx_test_run_free(&r);
}

// --- kx_x86_64_efi_read() on hand-made roots --------------------------------

static char tmp_root[] = "/tmp/kx-efi-root-XXXXXX";

static void put(const char *rel, const void *data, size_t size)
{
	char path[256], dir[256];
	snprintf(path, sizeof(path), "%s/%s", tmp_root, rel);
	for (char *s = path + strlen(tmp_root) + 1; (s = strchr(s, '/')); s++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(s - path), path);
		mkdir(dir, 0755);
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
}

static void put_text(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static void make_root(uint32_t memdesc_version)
{
	assert_non_null(mkdtemp(tmp_root));
	uint8_t bp[4096] = { 0 };
	memcpy(bp + 0x1c0, "EL64", 4);
	kx_put_le32(bp + 0x1c0 + 12, memdesc_version);
	kx_put_le32(bp + 0x1c0 + 20, 0x60);
	put("sys/kernel/boot_params/data", bp, sizeof(bp));
	put_text("sys/firmware/efi/systab", "ACPI20=0x1000\n");
	put_text("sys/firmware/efi/fw_vendor", "0x10\n");
	put_text("sys/firmware/efi/runtime", "0x20\n");
	put_text("sys/firmware/efi/config_table", "0x30\n");
	const char *fields[] = { "type", "phys_addr", "virt_addr", "num_pages", "attribute" };
	for (size_t i = 0; i < 5; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "sys/firmware/efi/runtime-map/0/%s", fields[i]);
		put_text(rel, "0x5\n");
	}
}

static void drop_root(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
	assert_int_equal(system(cmd), 0);
	strcpy(tmp_root, "/tmp/kx-efi-root-XXXXXX");
}

static void read_efi(struct kx_error **ret_err, bool *found, struct kx_x86_64_efi *e)
{
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, tmp_root));
	*ret_err = kx_x86_64_efi_read(&root, e, found);
	kx_root_deinit(&root);
}

static void test_efi_read_edges(void **state)
{
	(void)state;
	struct kx_x86_64_efi e;
	struct kx_error *err;
	bool found;
	make_root(1);
	read_efi(&err, &found, &e);
	assert_kx_ok(err);
	assert_true(found);
	assert_int_equal(e.map_size, 40);
	assert_int_equal(kx_get_le64(e.setup + 24), 0); // no SMBIOS= line
	kx_x86_64_efi_deinit(&e);
	// A value that is not a number: an error naming the file.
	put_text("sys/firmware/efi/runtime-map/0/num_pages", "lots\n");
	read_efi(&err, &found, &e);
	assert_kx_err(err, KX_ERROR_CORRUPT, "runtime-map/0/num_pages");
	put_text("sys/firmware/efi/runtime-map/0/num_pages", "0x5\n");
	put_text("sys/firmware/efi/runtime-map/0/type", "0x100000000\n");
	read_efi(&err, &found, &e);
	assert_kx_err(err, KX_ERROR_CORRUPT, "is not 32 bits");
	// A missing sysfs value: nothing passed, as upstream.
	put_text("sys/firmware/efi/runtime-map/0/type", "0x5\n");
	char path[300];
	snprintf(path, sizeof(path), "%s/sys/firmware/efi/config_table", tmp_root);
	unlink(path);
	read_efi(&err, &found, &e);
	assert_kx_ok(err);
	assert_false(found);
	drop_root();
	// Descriptor version 2 (never used by firmware): not passed.
	make_root(2);
	read_efi(&err, &found, &e);
	assert_kx_ok(err);
	assert_false(found);
	drop_root();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efi_load),
		cmocka_unit_test(test_efi_crash),
		cmocka_unit_test(test_efi_not_passed),
		cmocka_unit_test(test_efi_read_edges),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
