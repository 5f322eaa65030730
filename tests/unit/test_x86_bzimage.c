// SPDX-License-Identifier: GPL-2.0-only
// The x86_64 loaders end to end: kexec --dry-run -c against the fake root
// tests/data/roots/x86_64-16g with a stand-in purgatory (the real one is
// another module; this one places a page and records what it is given), so
// the whole plan and the zero page can be checked byte for byte.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <unistd.h>

#include "boot_params.h"
#include "byteorder.h"
#include "image_x86_64.h"
#include "kexec.h"
#include "mkbzimage.h"
#include "plan.h"
#include "root.h"
#include "arch.h"
#include "test_util.h"
#include "kexec_test_run.h"
#include "x86_load_harness.h"

// --- harness ---------------------------------------------------------------

static char bz_path[] = "/tmp/kx-bz-XXXXXX";
static char initrd_path[] = "/tmp/kx-rd-XXXXXX";
static char elf_path[] = "/tmp/kx-elf-XXXXXX";

static int setup(void **state)
{
	(void)state;
	struct mkbz_spec s = mkbz_default();
	size_t size;
	uint8_t *img = mkbz_build(&s, &size);
	write_temp(bz_path, img, size);
	free(img);
	char rd[0x1800];
	memset(rd, 'R', sizeof(rd));
	write_temp(initrd_path, rd, sizeof(rd));
	img = make_vmlinux(0x1000000, &size);
	write_temp(elf_path, img, size);
	free(img);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(bz_path);
	unlink(initrd_path);
	unlink(elf_path);
	forget_segments();
	return 0;
}

static const char *const normal_segments =
	"segment 0: kernel     bufsz=0x6000 mem=0x000000043fe00000 memsz=0x10000\n"
	"segment 1: cmdline    bufsz=0xe mem=0x000000043fffb000 memsz=0x1000\n"
	"segment 2: initrd     bufsz=0x1800 mem=0x000000043fffc000 memsz=0x2000\n"
	"segment 3: bootparams bufsz=0x1000 mem=0x000000043fffe000 memsz=0x1000\n"
	"segment 4: purgatory  bufsz=0x0 mem=0x000000043ffff000 memsz=0x1000\n";

// The firmware memmap of x86_64-16g (sys/firmware/memmap/0..9), as e820.
static const uint64_t fw_e820[][3] = {
	{ 0x0, 0x9fc00, 1 },        { 0x9fc00, 0x400, 2 },         { 0xf0000, 0x10000, 2 },
	{ 0x100000, 0xbfdd0000, 1 }, { 0xbfed0000, 0x2f000, 3 },  { 0xbfeff000, 0x1000, 4 },
	{ 0xbff00000, 0x100000, 2 }, { 0xfeffc000, 0x4000, 2 },   { 0xfffc0000, 0x40000, 2 },
	{ 0x100000000, 0x340000000, 1 },
};

static void assert_e820(const uint8_t *zp, const uint64_t (*want)[3], size_t n)
{
	assert_int_equal(zp[KX_BP_E820_ENTRIES], n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(e820_field(zp, i, 0, 8), want[i][0]);
		assert_int_equal(e820_field(zp, i, 8, 8), want[i][1]);
		assert_int_equal(e820_field(zp, i, 16, 4), want[i][2]);
	}
	// Unused slots stay zero.
	assert_int_equal(e820_field(zp, n, 0, 8), 0);
}

// The setup header bytes 0x1f1..0x26c come from the image, as boot.rst
// asks of a boot loader, with type_of_loader and setup_data replaced.
static void assert_header_copied(const uint8_t *zp)
{
	struct mkbz_spec s = mkbz_default();
	size_t size;
	uint8_t *img = mkbz_build(&s, &size);
	img[KX_BP_TYPE_OF_LOADER] = 0xd0;
	assert_memory_equal(zp + 0x1f1, img + 0x1f1, 0x1f);  // up to ramdisk_image
	assert_memory_equal(zp + 0x22c, img + 0x22c, 0x250 - 0x22c);
	assert_memory_equal(zp + 0x258, img + 0x258, 0x26c - 0x258);
	assert_int_equal(zp[0x26c], 0); // nothing past the header's end
	assert_int_equal(kx_get_le64(zp + KX_BP_SETUP_DATA), 0);
	// The kernel segment is the payload past (27 + 1) * 512.
	assert_memory_equal(seen("kernel")->bytes, img + 28 * 512, 0x6000);
	free(img);
}

static void test_load_exact(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-16g", "--dry-run", "-c", "-l", bz_path, "--initrd",
			      initrd_path, "--append=console=ttyS0", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "entry: 0x000000043ffff000\nflags: 0x003e0000\nsegments: 5\n"));
	char *lines = segment_lines(r.out);
	assert_string_equal(lines, normal_segments);
	free(lines);
	// Registers for the kernel: startup_64 = load + 0x200, %rsi = zero page.
	assert_true(fake.finished);
	assert_int_equal(fake.params.regs.rip, 0x43fe00200);
	assert_int_equal(fake.params.regs.rsi, 0x43fffe000);
	assert_int_equal(fake.params.regs.rbx, 0);
	assert_int_equal(fake.params.regs.rsp, 0);
	assert_int_equal(fake.params.cmdline_end, 0x43fffb000 + 13);
	assert_false(fake.params.panic_kernel);
	assert_string_equal((char *)seen("cmdline")->bytes, "console=ttyS0");
	const uint8_t *zp = seen("bootparams")->bytes;
	assert_int_equal(zp[0x210], 0xd0);
	assert_int_equal(kx_get_le32(zp + 0x228), 0x3fffb000);  // cmd_line_ptr
	assert_int_equal(kx_get_le32(zp + 0x0c8), 0x4);         // ext_cmd_line_ptr
	assert_int_equal(kx_get_le32(zp + 0x218), 0x3fffc000);  // ramdisk_image
	assert_int_equal(kx_get_le32(zp + 0x0c0), 0x4);         // ext_ramdisk_image
	assert_int_equal(kx_get_le32(zp + 0x21c), 0x1800);      // ramdisk_size
	assert_int_equal(kx_get_le32(zp + 0x0c4), 0);           // ext_ramdisk_size
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_int_equal(kx_get_le64(zp + 0x070), 0);           // no RSDP known
	assert_e820(zp, fw_e820, 10);
	assert_header_copied(zp);
	kx_test_run_free(&r);
}

static const char *const crash_segments =
	"segment 0: kernel     bufsz=0x6000 mem=0x00000000bee00000 memsz=0x10000\n"
	"segment 1: cmdline    bufsz=0xf3 mem=0x00000000beff6000 memsz=0x1000\n"
	"segment 2: initrd     bufsz=0x1800 mem=0x00000000beff7000 memsz=0x2000\n"
	"segment 3: bootparams bufsz=0x1000 mem=0x00000000beff9000 memsz=0x1000\n"
	"segment 4: purgatory  bufsz=0x0 mem=0x00000000beffa000 memsz=0x1000\n"
	"segment 5: elfcorehdr bufsz=0x400 mem=0x00000000beffb000 memsz=0x4000\n";

// Capture kernel: low RAM (the first page and the EBDA stay out), the
// crash region around the 16 KiB header, which is reserved, and the
// firmware's non-RAM entries.
static const uint64_t crash_e820[][3] = {
	{ 0x1000, 0x9ec00, 1 },      { 0x9fc00, 0x400, 2 },       { 0xf0000, 0x10000, 2 },
	{ 0xaf000000, 0xfffb000, 1 }, { 0xbeffb000, 0x4000, 2 },  { 0xbefff000, 0x1000, 1 },
	{ 0xbfed0000, 0x2f000, 3 },  { 0xbfeff000, 0x1000, 4 },   { 0xbff00000, 0x100000, 2 },
	{ 0xfeffc000, 0x4000, 2 },   { 0xfffc0000, 0x40000, 2 },
};

static void test_crash_exact(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-16g", "--dry-run", "-c", "-p", bz_path, "--initrd",
			      initrd_path, "--append=console=ttyS0", "--pass-memmap-cmdline", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "entry: 0x00000000beffa000\nflags: 0x003e0001\nsegments: 6\n"));
	char *lines = segment_lines(r.out);
	assert_string_equal(lines, crash_segments);
	free(lines);
	// 0xbeffb000 / 1024 = 3129324.
	assert_string_equal((char *)seen("cmdline")->bytes,
			    "console=ttyS0 elfcorehdr=3129324K memmap=exactmap memmap=635K@4K "
			    "memmap=1K$639K memmap=64K$960K memmap=262124K@2867200K "
			    "memmap=16K$3129324K memmap=188K#3144512K memmap=4K#3144700K "
			    "memmap=1024K$3144704K memmap=16K$4177904K memmap=256K$4194048K");
	assert_true(fake.params.panic_kernel);
	assert_int_equal(fake.params.regs.rip, 0xbee00200);
	assert_int_equal(fake.params.regs.rsi, 0xbeff9000);
	const uint8_t *zp = seen("bootparams")->bytes;
	assert_e820(zp, crash_e820, KX_ARRAY_SIZE(crash_e820));
	assert_int_equal(kx_get_le32(zp + 0x218), 0xbeff7000);
	assert_int_equal(kx_get_le32(zp + 0x0c0), 0);
	// The header is an ELF core file for x86_64.
	const uint8_t *h = seen("elfcorehdr")->bytes;
	assert_memory_equal(h, "\177ELF\2\1", 6);
	assert_int_equal(kx_get_le16(h + 16), 4);
	assert_int_equal(kx_get_le16(h + 18), 62);
	kx_test_run_free(&r);
	// Without --pass-memmap-cmdline only elfcorehdr= is added, and with an
	// empty command line without a leading space.
	r = run("roots/x86_64-16g", "--dry-run", "-c", "-p", bz_path, NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal((char *)seen("cmdline")->bytes, "elfcorehdr=3129324K");
	kx_test_run_free(&r);
}

static void test_elf_exact(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-16g", "--dry-run", "-c", "-l", elf_path,
			      "--append=ro", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	char *lines = segment_lines(r.out);
	assert_string_equal(lines,
		"segment 0: kernel     bufsz=0x1000 mem=0x0000000001000000 memsz=0x1000\n"
		"segment 1: kernel     bufsz=0x1000 mem=0x0000000001200000 memsz=0x5000\n"
		"segment 2: cmdline    bufsz=0x3 mem=0x000000043fffd000 memsz=0x1000\n"
		"segment 3: bootparams bufsz=0x1000 mem=0x000000043fffe000 memsz=0x1000\n"
		"segment 4: purgatory  bufsz=0x0 mem=0x000000043ffff000 memsz=0x1000\n");
	free(lines);
	assert_int_equal(fake.params.regs.rip, 0x1000000);
	assert_int_equal(fake.params.regs.rsi, 0x43fffe000);
	const uint8_t *zp = seen("bootparams")->bytes;
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_int_equal(kx_get_le16(zp + 0x206), 0x020c);
	assert_int_equal(kx_get_le16(zp + 0x1fe), 0xaa55);
	assert_int_equal(kx_get_le32(zp + 0x238), 2047);
	assert_int_equal(kx_get_le32(zp + 0x228), 0x3fffd000);
	assert_e820(zp, fw_e820, 10);
	kx_test_run_free(&r);
}

static void test_errors(void **state)
{
	(void)state;
	// An over-long command line is refused with the kernel's limit.
	char append[2100 + 10] = "--append=";
	memset(append + 9, 'x', 2100);
	append[2109] = 0;
	struct kx_test_run r = run("roots/x86_64-16g", "--dry-run", "-c", "-l", bz_path, append, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "Command line overflow: 2100 bytes, the kernel takes at most "
				      "2047"));
	kx_test_run_free(&r);
	// -t forces the loader onto an image it would not probe: the reason shows.
	r = run("roots/x86_64-16g", "--dry-run", "-c", "-t", "bzImage64", "-l", elf_path, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "Wrong file type bzImage64"));
	kx_test_run_free(&r);
	// A vmlinux has fixed addresses: outside the crash region it cannot go.
	r = run("roots/x86_64-16g", "--dry-run", "-c", "-p", elf_path, NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "PT_LOAD 0 at 0x1000000"));
	kx_test_run_free(&r);
	// Options the 64-bit loaders do not have.
	r = run("roots/x86_64-16g", "--dry-run", "-c", "-l", bz_path, "--real-mode", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "--real-mode is not supported"));
	kx_test_run_free(&r);
}

// Purgatory options come from the x86 command-line options.
static void test_purgatory_options(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-16g", "--dry-run", "-c", "-l", bz_path, "--reset-vga",
			      "--console-serial", "--serial=ttyS1", "--serial-baud=115200", NULL);
	assert_string_equal(r.err, "");
	assert_true(fake.params.reset_vga);
	assert_true(fake.params.console_serial);
	assert_false(fake.params.console_vga);
	assert_int_equal(fake.params.serial_base, 0x2f8);
	assert_int_equal(fake.params.serial_baud, 115200);
	kx_test_run_free(&r);
	r = run("roots/x86_64-16g", "--dry-run", "-c", "-l", bz_path, "--serial=ttyS9", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "--serial=ttyS9: not ttyS0..ttyS3 or an I/O port"));
	kx_test_run_free(&r);
}

// More than 128 e820 entries: the rest go to a SETUP_E820_EXT node.
static void test_e820_ext(void **state)
{
	(void)state;
	struct kx_ranges ram;
	kx_ranges_init(&ram);
	assert_kx_ok(kx_ranges_add(&ram, 0x100000, 0x40000000));
	struct kx_mem_entry e[130];
	for (size_t i = 0; i < 130; i++)
		e[i] = (struct kx_mem_entry){ 0x100000 + i * 0x10000, 0x100000 + i * 0x10000 + 0x8000,
					      i % 2 ? KX_MEM_RESERVED : KX_MEM_RAM };
	struct kx_mem_map map = { e, 130 };
	struct kx_ranges none;
	kx_ranges_init(&none);
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-2g-cloudhypervisor")));
	struct kx_plan_config c = { .arch = &kx_arch_x86_64, .page_size = 4096, .ram = &ram,
				    .mem_max = UINT64_MAX };
	struct kx_load_plan plan;
	assert_kx_ok(kx_plan_init(&plan, &c));
	struct kx_load_builder b;
	kx_plan_builder(&plan, &b);
	struct mkbz_spec s = mkbz_default();
	size_t size;
	uint8_t *img = mkbz_build(&s, &size);
	struct kx_load_input in = {
		.arch = &kx_arch_x86_64, .root = &root, .kernel_path = "bz", .kernel = img,
		.kernel_size = size, .cmdline = "", .page_size = 4096, .ram = &ram, .memmap = &map,
		.crash_regions = &none,
	};
	assert_kx_ok(kx_x86_64_bzimage_load_with(&in, &b, &fake_ops));
	const struct seen_segment *sd = seen("setup_data");
	assert_int_equal(sd->mem, 0x100000); // bottom-up above 1 MiB
	assert_int_equal(sd->bufsz, 16 + 2 * 20);
	assert_int_equal(kx_get_le64(sd->bytes), 0);
	assert_int_equal(kx_get_le32(sd->bytes + 8), 1);
	assert_int_equal(kx_get_le32(sd->bytes + 12), 40);
	assert_int_equal(kx_get_le64(sd->bytes + 16), 0x100000 + 128 * 0x10000);
	assert_int_equal(kx_get_le64(sd->bytes + 24), 0x8000);
	assert_int_equal(kx_get_le32(sd->bytes + 32), 1);
	assert_int_equal(kx_get_le32(sd->bytes + 36 + 16), 2);
	const uint8_t *zp = seen("bootparams")->bytes;
	assert_int_equal(zp[KX_BP_E820_ENTRIES], 128);
	assert_int_equal(kx_get_le64(zp + KX_BP_SETUP_DATA), 0x100000);
	assert_int_equal(e820_field(zp, 127, 0, 8), 0x100000 + 127 * 0x10000);
	free(img);
	kx_plan_deinit(&plan);
	kx_root_deinit(&root);
	kx_ranges_deinit(&ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_exact),
		cmocka_unit_test(test_crash_exact),
		cmocka_unit_test(test_elf_exact),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_purgatory_options),
		cmocka_unit_test(test_e820_ext),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
