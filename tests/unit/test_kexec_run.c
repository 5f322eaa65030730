// SPDX-License-Identifier: GPL-2.0-only
// kexec end to end through the dry-run system-call layer, with a loader
// that exists only here: "kxtest" images are "KXTEST01", a little-endian
// u64 entry offset, then payload. It places what a real loader places
// (kernel, command line, initrd, and for -p the ELF core header).
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>
#include <zlib.h>

#include "byteorder.h"
#include "kexec.h"
#include "plan.h"
#include "test_util.h"
#include "kexec_test_run.h"

static bool kxtest_probe(const void *buf, size_t size)
{
	return size >= 16 && memcmp(buf, "KXTEST01", 8) == 0;
}

static void *dup_bytes(const void *src, size_t n)
{
	void *b = malloc(n ? n : 1);
	if (b && n)
		memcpy(b, src, n);
	return b;
}

static struct kx_error *kxtest_load(const struct kx_load_input *in, struct kx_load_builder *out)
{
	const struct kx_load_builder_ops *ops = out->ops;
	uint64_t kbase, mem;
	char cmdline[512];
	int n = snprintf(cmdline, sizeof(cmdline), "%s", in->cmdline);
	struct kx_buffer_spec k = { dup_bytes(in->kernel, in->kernel_size), in->kernel_size,
				    in->kernel_size, 0x200000, 0x1000000, UINT64_MAX,
				    KX_HOLE_FIRST_FIT, "kernel" };
	KX_TRY(ops->add_buffer(out, &k, &kbase));
	ops->set_entry(out, kbase + kx_get_le64((const char *)in->kernel + 8));
	if (in->crash) {
		static const struct kx_crash_header_params p = { 0xffff888000000000, "_text", NULL, NULL };
		void *hdr;
		size_t size;
		KX_TRY(ops->crash_header(out, &p, &hdr, &size));
		struct kx_buffer_spec h = { hdr, size, size, 1024, 0, UINT64_MAX, KX_HOLE_LAST_FIT,
					    "elfcorehdr" };
		KX_TRY(ops->add_buffer(out, &h, &mem));
		n += snprintf(cmdline + n, sizeof(cmdline) - (size_t)n, " elfcorehdr=%" PRIu64 "K",
			      mem >> 10);
	}
	if (in->initrd) {
		struct kx_buffer_spec i = { dup_bytes(in->initrd, in->initrd_size), in->initrd_size,
					    in->initrd_size, 1, 0, UINT64_MAX, KX_HOLE_LAST_FIT,
					    "initrd" };
		KX_TRY(ops->add_buffer(out, &i, &mem));
	}
	struct kx_buffer_spec c = { dup_bytes(cmdline, (size_t)n + 1), (size_t)n + 1,
				    (size_t)n + 1, 1, kbase, UINT64_MAX, KX_HOLE_FIRST_FIT,
				    "cmdline" };
	return ops->add_buffer(out, &c, &mem);
}

static const struct kx_image_loader kxtest = {
	.name = "kxtest", .probe = kxtest_probe, .load = kxtest_load,
};
static const struct kx_image_loader *const test_loaders[] = { &kxtest, NULL };

// --- harness ---------------------------------------------------------------


static char image_path[] = "/tmp/kx-run-XXXXXX";
static char gz_path[64];

static int setup(void **state)
{
	(void)state;
	unsigned char img[0x1800] = "KXTEST01";
	kx_put_le64(img + 8, 0x40);
	for (size_t i = 16; i < sizeof(img); i++)
		img[i] = (unsigned char)i;
	int fd = mkstemp(image_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, sizeof(img)), sizeof(img));
	close(fd);
	snprintf(gz_path, sizeof(gz_path), "%s.gz", image_path);
	gzFile gz = gzopen(gz_path, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, img, sizeof(img)), sizeof(img));
	gzclose(gz);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(image_path);
	unlink(gz_path);
	return 0;
}

// Run kexec with @p sys (a dry-run layer the test configured) and argv.
static struct kx_test_run run(struct kx_sys *sys, const char *root, ...)
{
	va_list ap;
	va_start(ap, root);
	struct kx_test_run r = kx_test_run_kexec(sys, test_loaders, root, ap);
	va_end(ap);
	return r;
}

static void sha_hex(const void *buf, size_t n, size_t memsz, char hex[65])
{
	struct kx_sha256 c;
	uint8_t d[32];
	kx_sha256_init(&c);
	kx_sha256_update(&c, buf, n);
	kx_sha256_update_zeros(&c, memsz - n);
	kx_sha256_final(&c, d);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void test_kexec_load_exact(void **state)
{
	(void)state;
	struct kx_sys sys;
	kx_sys_init_dry_run(&sys, NULL);
	struct kx_test_run r = run(&sys, "roots/x86_64-16g", "--dry-run", "-c", "-l", image_path,
			      "--append=console=ttyS0 quiet", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	char kimg[0x1800], ksha[65], csha[65], want[2048];
	FILE *f = fopen(image_path, "rb");
	assert_int_equal(fread(kimg, 1, sizeof(kimg), f), sizeof(kimg));
	fclose(f);
	sha_hex(kimg, sizeof(kimg), 0x2000, ksha);
	sha_hex("console=ttyS0 quiet", 20, 0x1000, csha);
	snprintf(want, sizeof(want),
		 "dry-run: kexec_load flags=0x003e0000 -> ok\n"
		 "syscall: kexec_load\narch: x86_64\npage-size: 4096\n"
		 "entry: 0x0000000001000040\nflags: 0x003e0000\nsegments: 2\n"
		 "segment 0: kernel     bufsz=0x1800 mem=0x0000000001000000 memsz=0x2000 sha256=%s\n"
		 "segment 1: cmdline    bufsz=0x14 mem=0x0000000001002000 memsz=0x1000 sha256=%s\n",
		 ksha, csha);
	assert_string_equal(r.out, want);
	assert_int_equal(sys.nrecords, 1);
	assert_int_equal(sys.records[0].call, KX_SYS_KEXEC_LOAD);
	kx_test_run_free(&r);
}

static void test_crash_load(void **state)
{
	(void)state;
	struct kx_sys sys;
	kx_sys_init_dry_run(&sys, NULL);
	struct kx_test_run r = run(&sys, "roots/x86_64-16g", "--dry-run", "-c", "-p", image_path,
			      "--initrd", image_path, NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	// Kernel at the first 2 MiB boundary past 16 MiB inside the crash region,
	// the header and initrd top-down below its last page.
	assert_non_null(strstr(r.out, "flags: 0x003e0001\n"));
	assert_non_null(strstr(r.out, "entry: 0x00000000af000040\n"));
	assert_non_null(strstr(r.out, "kernel     bufsz=0x1800 mem=0x00000000af000000 memsz=0x2000"));
	assert_non_null(strstr(r.out, "elfcorehdr bufsz=0x400 mem=0x00000000beffe000 memsz=0x1000"));
	assert_non_null(strstr(r.out, "initrd     bufsz=0x1800 mem=0x00000000beffc000 memsz=0x2000"));
	assert_non_null(strstr(r.out, "segments: 4\n"));
	kx_test_run_free(&r);
}

static void test_file_load_and_fallback(void **state)
{
	(void)state;
	struct kx_sys sys;
	kx_sys_init_dry_run(&sys, NULL);
	struct kx_test_run r = run(&sys, "roots/x86_64-16g", "--dry-run", "-p", "--reuse-cmdline",
			      "--append=nr_cpus=1", gz_path, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(sys.nrecords, 1);
	assert_int_equal(sys.records[0].call, KX_SYS_KEXEC_FILE_LOAD);
	assert_int_equal(sys.records[0].flags, KX_KEXEC_FILE_ON_CRASH | KX_KEXEC_FILE_NO_INITRAMFS);
	assert_non_null(strstr(r.out, "cmdline: \"root=UUID=6b1f0c7e-2f5a-4d8e-9a63-1c0f3e7b5d21 "
				      "ro quiet nr_cpus=1\"\n"));
	kx_test_run_free(&r);
	// ENOSYS: -a falls back to kexec_load.
	kx_sys_init_dry_run(&sys, NULL);
	sys.result[KX_SYS_KEXEC_FILE_LOAD] = ENOSYS;
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "-l", image_path, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(sys.nrecords, 2);
	assert_int_equal(sys.records[1].call, KX_SYS_KEXEC_LOAD);
	kx_test_run_free(&r);
	// -s: no fallback, 253.
	kx_sys_init_dry_run(&sys, NULL);
	sys.result[KX_SYS_KEXEC_FILE_LOAD] = ENOSYS;
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "-s", "-l", image_path, NULL);
	assert_int_equal(r.status, 253);
	assert_string_equal(r.err, "syscall kexec_file_load not available.\n");
	kx_test_run_free(&r);
	// EPERM is not a fallback errno: 255.
	kx_sys_init_dry_run(&sys, NULL);
	sys.result[KX_SYS_KEXEC_FILE_LOAD] = EPERM;
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "-l", image_path, NULL);
	assert_int_equal(r.status, 255);
	assert_string_equal(r.err, "kexec_file_load failed: Operation not permitted\n");
	assert_int_equal(sys.nrecords, 1);
	kx_test_run_free(&r);
	// Both fail: the first errno is reported too, then the segment dump.
	kx_sys_init_dry_run(&sys, NULL);
	sys.result[KX_SYS_KEXEC_FILE_LOAD] = EINVAL;
	sys.result[KX_SYS_KEXEC_LOAD] = EPERM;
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "-l", image_path, NULL);
	assert_int_equal(r.status, 255);
	assert_non_null(strstr(r.err, "kexec_file_load failed: Invalid argument, then: "
				      "kexec_load failed: Operation not permitted\n"
				      "entry       = 0x1000040 flags = 0x3e0000\n  nr_segments = 2\n"));
	kx_test_run_free(&r);
}

static void test_debug_retry(void **state)
{
	(void)state;
	struct kx_sys sys;
	kx_sys_init_dry_run(&sys, NULL);
	sys.reject_debug = true;
	struct kx_test_run r = run(&sys, "roots/x86_64-16g", "--dry-run", "-d", "-c", "-l", image_path,
			      NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(sys.nrecords, 2);
	assert_int_equal(sys.records[0].flags, 0x3e0010);
	assert_int_equal(sys.records[0].result, EINVAL);
	assert_int_equal(sys.records[1].flags, 0x3e0000);
	assert_non_null(strstr(r.err, "  nr_segments = 2\n")); // -d prints the dump
	kx_test_run_free(&r);
}

static void test_actions(void **state)
{
	(void)state;
	struct kx_sys sys;
	kx_sys_init_dry_run(&sys, NULL);
	struct kx_test_run r = run(&sys, "roots/x86_64-16g", "--dry-run", "-c", image_path, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(sys.nrecords, 2); // load, then shutdown(8)
	assert_int_equal(sys.records[1].call, KX_SYS_SHUTDOWN);
	kx_test_run_free(&r);
	kx_sys_init_dry_run(&sys, NULL);
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "-c", "-f", "-x", image_path, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(sys.nrecords, 3); // load, sync, reboot
	assert_int_equal(sys.records[1].call, KX_SYS_SYNC);
	assert_int_equal(sys.records[2].call, KX_SYS_REBOOT);
	kx_test_run_free(&r);
	kx_sys_init_dry_run(&sys, NULL);
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "-e", NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Nothing has been loaded!\n");
	assert_int_equal(sys.nrecords, 0);
	kx_test_run_free(&r);
}

static void test_errors(void **state)
{
	(void)state;
	struct kx_sys sys;
	kx_sys_init_dry_run(&sys, NULL);
	struct kx_test_run r = run(&sys, "roots/x86_64-16g", "--dry-run", "-l", "/dev/null", NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Cannot determine the file type of /dev/null\n");
	kx_test_run_free(&r);
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "-c", "-t", "bzImage", "-l", image_path, NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Invalid kernel type bzImage\n");
	kx_test_run_free(&r);
	// A fake root without --dry-run never reaches the syscall layer.
	r = run(&sys, "roots/x86_64-16g", "-c", "-l", image_path, NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "--root and --arch plan for another machine: add --dry-run\n");
	kx_test_run_free(&r);
	r = run(&sys, "roots/x86_64-16g", "--dry-run", "--mem-max=0xffffff", "-c", "-l", image_path,
		NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "Could not find a free area of memory of 0x2000 bytes...\n");
	kx_test_run_free(&r);
	assert_int_equal(sys.nrecords, 0);
	// LoongArch: 16 KiB pages from the fake root's smaps.
	r = run(&sys, "roots/loongarch64-16g", "--dry-run", "--arch=loongarch64", "-c", "-p",
		image_path, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "page-size: 16384\n"));
	assert_non_null(strstr(r.out, "kernel     bufsz=0x1800 mem=0x0000000091000000 memsz=0x4000"));
	kx_test_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kexec_load_exact),
		cmocka_unit_test(test_crash_load),
		cmocka_unit_test(test_file_load_and_fallback),
		cmocka_unit_test(test_debug_retry),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_errors),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
