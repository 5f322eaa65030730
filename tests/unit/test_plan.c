// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>

#include "arch.h"
#include "plan.h"
#include "test_util.h"

// x86_64-16g-like RAM: [0x1000, 0x9fc00) and [0x100000, 0x40000000).
static void ram_x86(struct kx_ranges *ram)
{
	kx_ranges_init(ram);
	assert_kx_ok(kx_ranges_add(ram, 0x1000, 0x9fc00));
	assert_kx_ok(kx_ranges_add(ram, 0x100000, 0x40000000));
}

static void plan_x86(struct kx_load_plan *plan, struct kx_ranges *ram, bool crash)
{
	ram_x86(ram);
	struct kx_plan_config c = {
		.arch = &kx_arch_x86_64, .page_size = 4096, .ram = ram, .crash = crash,
		.crash_load = { 0x30000000, 0x31000000 }, .mem_max = UINT64_MAX,
	};
	assert_kx_ok(kx_plan_init(plan, &c));
	kx_ranges_deinit(ram);
}

static void *bytes(const char *s, size_t n)
{
	char *b = calloc(1, n);
	assert_non_null(b);
	memcpy(b, s, strlen(s));
	return b;
}

static uint64_t place(struct kx_load_plan *p, size_t memsz, uint64_t align, uint64_t min,
		      uint64_t max, enum kx_hole_fit fit)
{
	uint64_t mem = 1;
	struct kx_buffer_spec s = { malloc(16), 16, memsz, align, min, max, fit, "buf" };
	assert_kx_ok(kx_plan_add_buffer(p, &s, &mem));
	return mem;
}

static void test_first_and_last_fit_4k(void **state)
{
	(void)state;
	struct kx_load_plan p;
	struct kx_ranges ram;
	plan_x86(&p, &ram, false);
	assert_int_equal(p.kexec_flags, 0x3e0000);
	assert_int_equal(place(&p, 0x2345, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT), 0x1000);
	assert_int_equal(p.segments[0].memsz, 0x3000); // rounded to the page
	assert_int_equal(place(&p, 0x1000, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT), 0x4000);
	// Too big for the low block: the first fit skips to 1 MiB.
	assert_int_equal(place(&p, 0x100000, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT), 0x100000);
	assert_int_equal(place(&p, 0x3000, 1, 0, UINT64_MAX, KX_HOLE_LAST_FIT), 0x3fffd000);
	assert_int_equal(place(&p, 0x1000, 0x200000, 0, 0x3fe00000, KX_HOLE_LAST_FIT),
			 0x3fc00000);
	assert_int_equal(place(&p, 0x1000, 0x100000, 0x150000, UINT64_MAX, KX_HOLE_FIRST_FIT),
			 0x200000);
	assert_int_equal(p.nr_segments, 6);
	kx_plan_set_entry(&p, 0x100000);
	kx_plan_sort(&p);
	assert_int_equal(p.segments[0].mem, 0x1000);
	assert_int_equal(p.segments[5].mem, 0x3fffd000);
	assert_kx_ok(kx_plan_validate(&p));
	kx_plan_deinit(&p);
}

static void test_page_size_16k(void **state)
{
	(void)state;
	struct kx_ranges ram;
	struct kx_load_plan p;
	kx_ranges_init(&ram);
	// Unaligned RAM ends shrink to whole 16 KiB pages.
	assert_kx_ok(kx_ranges_add(&ram, 0x200000, 0xeffffff));
	struct kx_plan_config c = { .arch = &kx_arch_loongarch64, .page_size = 16384, .ram = &ram,
				    .mem_max = UINT64_MAX };
	assert_kx_ok(kx_plan_init(&p, &c));
	kx_ranges_deinit(&ram);
	assert_int_equal(p.kexec_flags, 0x1020000);
	assert_int_equal(place(&p, 0x1001, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT), 0x200000);
	assert_int_equal(p.segments[0].memsz, 0x4000);
	assert_int_equal(place(&p, 0x10, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT), 0x204000);
	assert_int_equal(place(&p, 0x10, 1, 0, UINT64_MAX, KX_HOLE_LAST_FIT), 0xeff8000);
	assert_kx_err(kx_plan_add_segment(&p, NULL, 0, 0x301000, 0x1000, "x"),
		      KX_ERROR_INVALID_ARG, "Base address: 0x301000 is not page aligned");
	assert_kx_ok(kx_plan_add_segment(&p, NULL, 0, 0x300000, 0x1000, "x"));
	assert_int_equal(p.segments[3].memsz, 0x4000);
	kx_plan_deinit(&p);
}

static void test_mem_min_max(void **state)
{
	(void)state;
	struct kx_ranges ram;
	struct kx_load_plan p;
	ram_x86(&ram);
	struct kx_plan_config c = { .arch = &kx_arch_x86_64, .page_size = 4096, .ram = &ram,
				    .mem_min = 0x1000000, .mem_max = 0x1ffffff };
	assert_kx_ok(kx_plan_init(&p, &c));
	kx_ranges_deinit(&ram);
	assert_int_equal(place(&p, 0x1000, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT), 0x1000000);
	assert_int_equal(place(&p, 0x1000, 1, 0, UINT64_MAX, KX_HOLE_LAST_FIT), 0x1fff000);
	assert_kx_err(kx_plan_add_segment(&p, NULL, 0, 0x2000000, 0x1000, "x"),
		      KX_ERROR_INVALID_ARG, "Invalid memory segment 0x2000000 - 0x2000fff");
	uint64_t mem = 7;
	assert_kx_err(kx_plan_locate_hole(&p, 0x1000001, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT,
					  &mem),
		      KX_ERROR_NOSPACE, "Could not find a free area of memory of 0x1001000 bytes...");
	assert_int_equal(mem, 7);
	kx_plan_deinit(&p);
}

static void test_crash_constraints(void **state)
{
	(void)state;
	struct kx_load_plan p;
	struct kx_ranges ram;
	plan_x86(&p, &ram, true);
	assert_int_equal(p.kexec_flags, 0x3e0001);
	// The last page of the crash region stays free for the control page.
	assert_int_equal(place(&p, 0x3000, 1, 0, UINT64_MAX, KX_HOLE_LAST_FIT), 0x30ffc000);
	assert_int_equal(place(&p, 0x3000, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT), 0x30000000);
	assert_kx_err(kx_plan_add_segment(&p, NULL, 0, 0x30fff000, 0x1000, "x"),
		      KX_ERROR_INVALID_ARG, "(outside the crash kernel region)");
	assert_kx_err(kx_plan_add_segment(&p, NULL, 0, 0x100000, 0x1000, "x"),
		      KX_ERROR_INVALID_ARG, "Invalid memory segment 0x100000 - 0x100fff");
	kx_plan_set_entry(&p, 0x1000);
	kx_plan_sort(&p);
	assert_kx_err(kx_plan_validate(&p), KX_ERROR_INVALID_ARG,
		      "entry point 0x1000 is outside the crash kernel region 0x30000000-0x30ffffff");
	kx_plan_set_entry(&p, 0x30000000);
	assert_kx_ok(kx_plan_validate(&p));
	uint64_t mem;
	assert_kx_err(kx_plan_locate_hole(&p, 0xffa000, 1, 0, UINT64_MAX, KX_HOLE_FIRST_FIT, &mem),
		      KX_ERROR_NOSPACE, "Could not find a free area of memory of 0xffa000 bytes");
	kx_plan_deinit(&p);
}

static void test_overlap_and_limits(void **state)
{
	(void)state;
	struct kx_load_plan p;
	struct kx_ranges ram;
	plan_x86(&p, &ram, false);
	assert_kx_err(kx_plan_validate(&p), KX_ERROR_INVALID_ARG, "the plan has no segments");
	assert_kx_ok(kx_plan_add_segment(&p, malloc(8), 8, 0x200000, 0x2000, "a"));
	assert_kx_ok(kx_plan_add_segment(&p, malloc(8), 8, 0x201000, 0x1000, "b"));
	kx_plan_sort(&p);
	assert_kx_err(kx_plan_validate(&p), KX_ERROR_INVALID_ARG,
		      "Overlapping memory segments at 0x201000");
	kx_plan_deinit(&p);
	plan_x86(&p, &ram, false);
	for (uint64_t i = 0; i < 17; i++)
		assert_kx_ok(kx_plan_add_segment(&p, NULL, 0, 0x200000 + i * 0x1000, 1, "z"));
	assert_kx_err(kx_plan_validate(&p), KX_ERROR_INVALID_ARG,
		      "17 segments: the kernel accepts at most 16");
	// memsz 0 adds nothing; bufsz is clamped to memsz.
	assert_kx_ok(kx_plan_add_segment(&p, malloc(4), 4, 0x300000, 0, "none"));
	assert_int_equal(p.nr_segments, 17);
	assert_kx_ok(kx_plan_add_segment(&p, calloc(1, 0x3000), 0x3000, 0x300000, 0x1000, "c"));
	assert_int_equal(p.segments[17].bufsz, 0x1000);
	assert_kx_err(kx_plan_add_segment(&p, NULL, 0, 0xfffffffffffff000, 0x2000, "w"),
		      KX_ERROR_OVERFLOW, "wraps");
	kx_plan_deinit(&p);
}

static const char expected_text[] =
	"syscall: kexec_load\n"
	"arch: loongarch64\n"
	"page-size: 16384\n"
	"entry: 0x0000000091200000\n"
	"flags: 0x01020001\n"
	"segments: 2\n"
	"segment 0: kernel     bufsz=0x13 mem=0x0000000091000000 memsz=0x4000 "
	"sha256=c3baf1543f3db22e14e0087230d1d0ea0b164850e5f2e7f860b769c60bc63753\n"
	"segment 1: zero       bufsz=0x0 mem=0x00000000b0fd8000 memsz=0x4000 "
	"sha256=";

static void test_dry_run_text(void **state)
{
	(void)state;
	struct kx_ranges ram;
	struct kx_load_plan p;
	char *text;
	kx_ranges_init(&ram);
	assert_kx_ok(kx_ranges_add(&ram, 0x90400000, 0xc0000000));
	struct kx_plan_config c = { .arch = &kx_arch_loongarch64, .page_size = 16384, .ram = &ram,
				    .crash = true, .crash_load = { 0x91000000, 0xb1000000 },
				    .mem_max = UINT64_MAX };
	assert_kx_ok(kx_plan_init(&p, &c));
	kx_ranges_deinit(&ram);
	uint64_t mem;
	struct kx_buffer_spec zero = { NULL, 0, 0x10, 1, 0, 0xb0fdc000, KX_HOLE_LAST_FIT, "zero" };
	assert_kx_ok(kx_plan_add_buffer(&p, &zero, &mem));
	assert_int_equal(mem, 0xb0fd8000);
	struct kx_buffer_spec k = { bytes("kexec console=ttyS0", 19), 19, 19, 0x1000, 0, UINT64_MAX,
				    KX_HOLE_FIRST_FIT, "kernel" };
	assert_kx_ok(kx_plan_add_buffer(&p, &k, &mem));
	kx_plan_set_entry(&p, 0x91200000);
	kx_plan_sort(&p);
	assert_kx_ok(kx_plan_validate(&p));
	assert_kx_ok(kx_plan_format(&p, &text));
	// The zero segment's digest is SHA-256 of 16 KiB of zeros.
	size_t n = strlen(expected_text);
	if (strncmp(text, expected_text, n) != 0)
		print_error("got:\n%s", text);
	assert_true(strncmp(text, expected_text, n) == 0);
	uint8_t d[KX_SHA256_DIGEST_SIZE];
	kx_plan_segment_sha256(&p.segments[1], d);
	char hex[65];
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(text + n, "4fe7b59af6de3b665b67788cc2f99892ab827efae3a467342b3bb4e3bc8e5bfe\n");
	assert_string_equal(hex, "4fe7b59af6de3b665b67788cc2f99892ab827efae3a467342b3bb4e3bc8e5bfe");
	free(text);
	assert_kx_ok(kx_plan_format_segments(&p, &text));
	assert_non_null(strstr(text, "entry       = 0x91200000 flags = 0x1020001\n"
				     "  nr_segments = 2\n  segment[0].buf   = 0x"));
	assert_non_null(strstr(text, "  segment[1].buf   = (nil)\n  segment[1].bufsz = 0x0\n"
				     "  segment[1].mem   = 0xb0fd8000\n  segment[1].memsz = 0x4000\n"));
	free(text);
	kx_plan_deinit(&p);
}

static void test_file_plan_text(void **state)
{
	(void)state;
	struct kx_ranges ram;
	struct kx_load_plan p;
	char *text;
	kx_ranges_init(&ram);
	struct kx_plan_config c = { .arch = &kx_arch_x86_64, .page_size = 4096, .ram = &ram,
				    .mem_max = UINT64_MAX };
	assert_kx_ok(kx_plan_init(&p, &c));
	assert_kx_err(kx_plan_validate(&p), KX_ERROR_INVALID_ARG, "no segments");
	assert_kx_ok(kx_plan_set_file(&p, dup(0), "/boot/vmlinuz", -1, NULL, "root=/dev/vda ro"));
	assert_kx_ok(kx_plan_validate(&p));
	assert_kx_ok(kx_plan_format(&p, &text));
	assert_string_equal(text, "syscall: kexec_file_load\narch: x86_64\nkernel: /boot/vmlinuz\n"
				  "initrd: none\ncmdline: \"root=/dev/vda ro\"\ncmdline-len: 17\n"
				  "flags: 0x00000004\n");
	free(text);
	kx_plan_deinit(&p);
}

static void test_bad_config(void **state)
{
	(void)state;
	struct kx_ranges ram;
	struct kx_load_plan p;
	kx_ranges_init(&ram);
	struct kx_plan_config c = { .arch = &kx_arch_x86_64, .page_size = 4095, .ram = &ram };
	assert_kx_err(kx_plan_init(&p, &c), KX_ERROR_INVALID_ARG, "not a power of two");
	c.page_size = 4096;
	c.crash = true;
	assert_kx_err(kx_plan_init(&p, &c), KX_ERROR_INVALID_ARG, "without a crash kernel region");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_and_last_fit_4k),
		cmocka_unit_test(test_page_size_16k),
		cmocka_unit_test(test_mem_min_max),
		cmocka_unit_test(test_crash_constraints),
		cmocka_unit_test(test_overlap_and_limits),
		cmocka_unit_test(test_dry_run_text),
		cmocka_unit_test(test_file_plan_text),
		cmocka_unit_test(test_bad_config),
	};
	KX_RUN_TESTS(tests);
}
