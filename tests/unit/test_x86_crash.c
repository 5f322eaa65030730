// SPDX-License-Identifier: GPL-2.0-only
// x86_64 crash loads and big memory maps, with the stand-in purgatory
// (x86_load_harness.h):
// - tests/data/roots/x86_64-200ranges (200 top-level /proc/iomem ranges,
//   191 firmware memmap entries): kexec -p's exact plan, the ELF core
//   header's RAM PT_LOADs against the iomem "System RAM" lines, the capture
//   e820 against the firmware map; kexec -l's e820 past 128 entries in a
//   SETUP_E820_EXT node;
// - an ELF vmlinux linked into the crash region of x86_64-16g-kdump
//   (CONFIG_PHYSICAL_START, the way a dedicated capture vmlinux is built),
//   loaded with -p at its physical addresses as upstream's elf-x86_64 does.
// Expected values are read from the fake roots' files by this test's own
// parsing, not through kexec's readers.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>

#include "boot_params.h"
#include "byteorder.h"
#include "image_x86_64.h"
#include "kexec.h"
#include "mkbzimage.h"
#include "test_util.h"
#include "kexec_test_run.h"
#include "x86_load_harness.h"

static char bz_path[] = "/tmp/kx-crash-bz-XXXXXX";
static char elf_path[] = "/tmp/kx-crash-elf-XXXXXX";

static const uint64_t CRASH_START = 0xaf000000, CRASH_END = 0xbf000000;
static const uint64_t PAGE_OFFSET = 0xffff888000000000;

static int setup(void **state)
{
	(void)state;
	struct mkbz_spec s = mkbz_default();
	size_t size = 0;
	uint8_t *img = mkbz_build(&s, &size);
	write_temp(bz_path, img, size);
	free(img);
	img = make_vmlinux(0xb0000000, &size);
	write_temp(elf_path, img, size);
	free(img);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(bz_path);
	unlink(elf_path);
	forget_segments();
	return 0;
}

struct entry {
	uint64_t start, end; // half-open
	uint32_t type;
};

// Top-level "System RAM" lines of a root's proc/iomem.
static size_t iomem_ram(const char *root, struct entry *out, size_t cap)
{
	char path[4200], line[256];
	snprintf(path, sizeof(path), "%s/proc/iomem", kx_test_data(root));
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = 0;
	unsigned long long s, e;
	while (fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, " : System RAM") &&
		    sscanf(line, "%llx-%llx", &s, &e) == 2 && n < cap)
			out[n++] = (struct entry){ s, e + 1, 1 };
	fclose(f);
	return n;
}

static uint64_t read_hex(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	unsigned long long v;
	assert_int_equal(fscanf(f, "%llx", &v), 1);
	fclose(f);
	return v;
}

// sys/firmware/memmap/N as e820 entries (inclusive ends there).
static size_t firmware_map(const char *root, struct entry *out, size_t cap)
{
	static const char *const types[] = { "", "System RAM", "Reserved", "ACPI Tables",
					     "ACPI Non-volatile Storage" };
	size_t n = 0;
	for (; n < cap; n++) {
		char dir[4200], path[4300], type[64] = "";
		snprintf(dir, sizeof(dir), "%s/sys/firmware/memmap/%zu", kx_test_data(root), n);
		snprintf(path, sizeof(path), "%s/type", dir);
		FILE *f = fopen(path, "r");
		if (!f)
			break;
		assert_non_null(fgets(type, sizeof(type), f));
		fclose(f);
		type[strcspn(type, "\n")] = 0;
		out[n].type = 0;
		for (uint32_t t = 1; t < 5; t++)
			if (strcmp(type, types[t]) == 0)
				out[n].type = t;
		assert_int_not_equal(out[n].type, 0);
		snprintf(path, sizeof(path), "%s/start", dir);
		out[n].start = read_hex(path);
		snprintf(path, sizeof(path), "%s/end", dir);
		out[n].end = read_hex(path) + 1;
	}
	return n;
}

static void assert_e820_entry(const uint8_t *e, const struct entry *want)
{
	assert_int_equal(kx_get_le64(e), want->start);
	assert_int_equal(kx_get_le64(e + 8), want->end - want->start);
	assert_int_equal(kx_get_le32(e + 16), want->type);
}

static const char *const crash_200_segments =
	"segment 0: kernel     bufsz=0x6000 mem=0x00000000bee00000 memsz=0x10000\n"
	"segment 1: cmdline    bufsz=0x22 mem=0x00000000beff8000 memsz=0x1000\n"
	"segment 2: bootparams bufsz=0x1000 mem=0x00000000beff9000 memsz=0x1000\n"
	"segment 3: purgatory  bufsz=0x0 mem=0x00000000beffa000 memsz=0x1000\n"
	"segment 4: elfcorehdr bufsz=0x1800 mem=0x00000000beffb000 memsz=0x4000\n";

// Every System RAM range minus the crash region is one PT_LOAD of the
// direct map, in address order, file offset = physical address.
static void assert_ram_loads(const uint8_t *h, const struct entry *ram, size_t nram)
{
	struct entry want[256];
	size_t n = 0;
	for (size_t i = 0; i < nram; i++) {
		if (ram[i].end <= CRASH_START || ram[i].start >= CRASH_END) {
			want[n++] = ram[i];
			continue;
		}
		want[n++] = (struct entry){ ram[i].start, CRASH_START, 1 };
		want[n++] = (struct entry){ CRASH_END, ram[i].end, 1 };
	}
	size_t got = 0, notes = 0, text = 0;
	for (size_t i = 0; i < kx_get_le16(h + 56); i++) {
		const uint8_t *ph = h + kx_get_le64(h + 32) + 56 * i;
		uint64_t paddr = kx_get_le64(ph + 24), vaddr = kx_get_le64(ph + 16);
		notes += kx_get_le32(ph) == 4;
		if (kx_get_le32(ph) != 1)
			continue;
		if (vaddr != paddr + PAGE_OFFSET) {
			text++; // the kernel text, at its own mapping
			continue;
		}
		assert_true(got < n);
		assert_int_equal(paddr, want[got].start);
		assert_int_equal(kx_get_le64(ph + 8), want[got].start);              // p_offset
		assert_int_equal(kx_get_le64(ph + 32), want[got].end - want[got].start); // filesz
		assert_int_equal(kx_get_le64(ph + 40), want[got].end - want[got].start); // memsz
		got++;
	}
	assert_int_equal(got, n);
	assert_int_equal(notes, 5); // 4 CPUs + VMCOREINFO
	assert_int_equal(text, 1);
}

static void assert_capture_e820(const uint8_t *zp, const struct seen_segment *hdr);

static void test_200_crash(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-200ranges", "--dry-run", "-c", "-p", bz_path,
				   "--append=console=ttyS0", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	char *lines = segment_lines(r.out);
	assert_string_equal(lines, crash_200_segments);
	free(lines);
	// 0xbeffb000 / 1024 = 3129324.
	assert_string_equal((char *)seen("cmdline")->bytes, "console=ttyS0 elfcorehdr=3129324K");
	struct entry ram[256];
	size_t nram = iomem_ram("roots/x86_64-200ranges", ram, 256);
	assert_int_equal(nram, 93);
	assert_ram_loads(seen("elfcorehdr")->bytes, ram, nram);
	// The capture e820: low RAM, the crash region around the header (which
	// is reserved), and every non-RAM firmware entry, sorted: 102 <= 128.
	assert_capture_e820(seen("bootparams")->bytes, seen("elfcorehdr"));
	kx_test_run_free(&r);
}

// The capture e820: low RAM, the crash region around the header (which is
// reserved), and every non-RAM firmware entry, sorted: 102 entries.
static void assert_capture_e820(const uint8_t *zp, const struct seen_segment *hdr)
{
	struct entry fw[256], want[256];
	size_t nfw = firmware_map("roots/x86_64-200ranges", fw, 256), n = 0;
	assert_int_equal(nfw, 191);
	want[n++] = (struct entry){ 0x1000, 0x9fc00, 1 };
	for (size_t i = 0; i < nfw; i++) {
		if (fw[i].start == 0xbfed0000) { // the crash pieces sort in here
			want[n++] = (struct entry){ CRASH_START, hdr->mem, 1 };
			want[n++] = (struct entry){ hdr->mem, hdr->mem + hdr->memsz, 2 };
			if (hdr->mem + hdr->memsz < CRASH_END)
				want[n++] = (struct entry){ hdr->mem + hdr->memsz, CRASH_END, 1 };
		}
		if (fw[i].type != 1)
			want[n++] = fw[i];
	}
	assert_int_equal(n, 102);
	assert_int_equal(zp[KX_BP_E820_ENTRIES], n);
	for (size_t i = 0; i < n; i++)
		assert_e820_entry(zp + KX_BP_E820_TABLE + 20 * i, &want[i]);
	assert_int_equal(kx_get_le64(zp + KX_BP_SETUP_DATA), 0);
}

// kexec -l: the firmware map's 191 entries, 128 in the zero page and 63
// in a SETUP_E820_EXT node at the head of the setup_data list.
static void test_200_e820_ext(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-200ranges", "--dry-run", "-c", "-l", bz_path, NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	char *lines = segment_lines(r.out);
	assert_string_equal(lines,
		"segment 0: setup_data bufsz=0x4fc mem=0x0000000000100000 memsz=0x1000\n"
		"segment 1: kernel     bufsz=0x6000 mem=0x0000000987c00000 memsz=0x10000\n"
		"segment 2: cmdline    bufsz=0x1 mem=0x0000000987cfd000 memsz=0x1000\n"
		"segment 3: bootparams bufsz=0x1000 mem=0x0000000987cfe000 memsz=0x1000\n"
		"segment 4: purgatory  bufsz=0x0 mem=0x0000000987cff000 memsz=0x1000\n");
	free(lines);
	struct entry fw[256];
	size_t nfw = firmware_map("roots/x86_64-200ranges", fw, 256);
	const uint8_t *zp = seen("bootparams")->bytes;
	assert_int_equal(zp[KX_BP_E820_ENTRIES], 128);
	for (size_t i = 0; i < 128; i++)
		assert_e820_entry(zp + KX_BP_E820_TABLE + 20 * i, &fw[i]);
	assert_int_equal(kx_get_le64(zp + KX_BP_SETUP_DATA), 0x100000);
	const uint8_t *n = seen("setup_data")->bytes;
	assert_int_equal(kx_get_le64(n), 0);       // next: the end of the list
	assert_int_equal(kx_get_le32(n + 8), 1);   // SETUP_E820_EXT
	assert_int_equal(kx_get_le32(n + 12), (nfw - 128) * 20);
	for (size_t i = 128; i < nfw; i++)
		assert_e820_entry(n + 16 + 20 * (i - 128), &fw[i]);
	kx_test_run_free(&r);
}

// A capture vmlinux linked at 0xb0000000 (inside af000000-beffffff):
// its PT_LOADs at their physical addresses, the crash segments around
// them, the entry its e_entry, the crash command line.
static void test_elf_crash(void **state)
{
	(void)state;
	struct kx_test_run r = run("roots/x86_64-16g-kdump", "--dry-run", "-c", "-p", elf_path,
				   "--append=irqpoll nr_cpus=1", "--pass-memmap-cmdline", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "entry: 0x00000000beffa000\nflags: 0x003e0001\nsegments: 6\n"));
	char *lines = segment_lines(r.out);
	assert_string_equal(lines,
		"segment 0: kernel     bufsz=0x1000 mem=0x00000000b0000000 memsz=0x1000\n"
		"segment 1: kernel     bufsz=0x1000 mem=0x00000000b0200000 memsz=0x5000\n"
		"segment 2: cmdline    bufsz=0xf7 mem=0x00000000beff8000 memsz=0x1000\n"
		"segment 3: bootparams bufsz=0x1000 mem=0x00000000beff9000 memsz=0x1000\n"
		"segment 4: purgatory  bufsz=0x0 mem=0x00000000beffa000 memsz=0x1000\n"
		"segment 5: elfcorehdr bufsz=0x400 mem=0x00000000beffb000 memsz=0x4000\n");
	free(lines);
	assert_true(fake.params.panic_kernel);
	assert_int_equal(fake.params.regs.rip, 0xb0000000);
	assert_int_equal(fake.params.regs.rsi, 0xbeff9000);
	assert_string_equal((char *)seen("cmdline")->bytes,
			    "irqpoll nr_cpus=1 elfcorehdr=3129324K memmap=exactmap memmap=635K@4K "
			    "memmap=1K$639K memmap=64K$960K memmap=262124K@2867200K "
			    "memmap=16K$3129324K memmap=188K#3144512K memmap=4K#3144700K "
			    "memmap=1024K$3144704K memmap=16K$4177904K memmap=256K$4194048K");
	// The PT_LOAD bytes: the image's file contents (0x90 fill).
	const struct seen_segment *k = seen_at(0xb0200000);
	assert_int_equal(k->bytes[0], 0x90);
	assert_int_equal(k->bytes[0xfff], 0x90);
	// The minimal setup header of a vmlinux: protocol 2.12, our loader id.
	const uint8_t *zp = seen("bootparams")->bytes;
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_int_equal(zp[0x210], 0xd0);
	assert_int_equal(zp[KX_BP_E820_ENTRIES], 11);
	kx_test_run_free(&r);
	// The same vmlinux for a normal load goes where it is linked too.
	r = run("roots/x86_64-16g-kdump", "--dry-run", "-c", "-l", elf_path, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "segment 0: kernel     bufsz=0x1000 mem=0x00000000b0000000 "));
	kx_test_run_free(&r);
}

// Linked outside the crash region: the segment cannot go there.
static void test_elf_crash_outside(void **state)
{
	(void)state;
	size_t size = 0;
	uint8_t *img = make_vmlinux(0x1000000, &size);
	char path[] = "/tmp/kx-crash-elf16m-XXXXXX";
	write_temp(path, img, size);
	free(img);
	struct kx_test_run r = run("roots/x86_64-16g-kdump", "--dry-run", "-c", "-p", path, NULL);
	assert_int_equal(r.status, 1);
	char want[512];
	snprintf(want, sizeof(want), "Cannot load %s: PT_LOAD 0 at 0x1000000: ", path);
	assert_non_null(strstr(r.err, want));
	assert_non_null(strstr(r.err, "Invalid memory segment 0x1000000 - 0x1000fff "
				      "(outside the crash kernel region)"));
	assert_null(strchr(strchr(r.err, '\n') + 1, '\n')); // one line
	kx_test_run_free(&r);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_200_crash),
		cmocka_unit_test(test_200_e820_ext),
		cmocka_unit_test(test_elf_crash),
		cmocka_unit_test(test_elf_crash_outside),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
