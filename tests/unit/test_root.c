// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "root.h"
#include "test_util.h"

struct fake {
	char dir[64];
	struct kx_root root;
};

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/kx-test-root-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	kx_test_put(f->dir, "/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 crashkernel=512M\n");
	kx_test_put(f->dir, "/sys/kernel/kexec_crash_size", "536870912\n");
	kx_test_put(f->dir, "/sys/kernel/kexec_crash_loaded", "0\n");
	kx_test_put(f->dir, "/sys/kernel/hexval", "0x2000\n");
	kx_test_put(f->dir, "/sys/kernel/junk", "12 34\n");
	kx_test_put(f->dir, "/sys/kernel/negative", "-1\n");
	kx_test_put(f->dir, "/sys/kernel/huge", "99999999999999999999999\n");
	kx_test_put(f->dir, "/sys/kernel/empty", "");
	// A trailing slash on the prefix must not matter.
	char prefix[80];
	snprintf(prefix, sizeof(prefix), "%s//", f->dir);
	if (kx_root_init(&f->root, prefix))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	int rc = kx_test_rmtree(f->dir);
	kx_root_deinit(&f->root);
	free(f);
	return rc == 0 ? 0 : -1;
}

static void test_path_joins_prefix(void **state)
{
	struct fake *f = *state;
	char *p;
	assert_kx_ok(kx_root_path(&f->root, "/proc/iomem", &p));
	char want[128];
	snprintf(want, sizeof(want), "%s/proc/iomem", f->dir);
	assert_string_equal(p, want);
	free(p);
	assert_kx_err(kx_root_path(&f->root, "proc/iomem", &p), KX_ERROR_INVALID_ARG,
		      "proc/iomem: system path is not absolute");
}

static void test_real_root(void **state)
{
	(void)state;
	struct kx_root root;
	char *p;
	assert_kx_ok(kx_root_init(&root, NULL));
	assert_kx_ok(kx_root_path(&root, "/proc/self/stat", &p));
	assert_string_equal(p, "/proc/self/stat");
	free(p);
	kx_root_deinit(&root);
	assert_kx_ok(kx_root_init(&root, "/"));
	assert_null(root.prefix);
	assert_true(kx_root_exists(&root, "/proc/self"));
	kx_root_deinit(&root);
}

static void test_read_file(void **state)
{
	struct fake *f = *state;
	char *buf;
	size_t size;
	assert_kx_ok(kx_root_read_file(&f->root, "/proc/cmdline", 4096, &buf, &size));
	assert_string_equal(buf, "BOOT_IMAGE=/vmlinuz root=/dev/vda1 crashkernel=512M\n");
	assert_int_equal(size, 52);
	free(buf);
	assert_kx_err(kx_root_read_file(&f->root, "/proc/cmdline", 10, &buf, &size),
		      KX_ERROR_OVERFLOW, "/proc/cmdline: file is larger than 10 bytes");
	assert_kx_err(kx_root_read_file(&f->root, "/proc/iomem", 4096, &buf, NULL),
		      KX_ERROR_OS, "/proc/iomem: cannot open: No such file or directory");
}

static void test_missing_file_error_names_full_path(void **state)
{
	struct fake *f = *state;
	int fd;
	struct kx_error *err = kx_root_open(&f->root, "/boot/vmlinuz", O_RDONLY, &fd);
	assert_non_null(err);
	assert_non_null(strstr(err->path, f->dir));
	assert_kx_err(err, KX_ERROR_OS, "/boot/vmlinuz: cannot open");
}

static void test_read_u64(void **state)
{
	struct fake *f = *state;
	uint64_t v = 1;
	assert_kx_ok(kx_root_read_u64(&f->root, "/sys/kernel/kexec_crash_size", &v));
	assert_int_equal(v, 536870912);
	assert_kx_ok(kx_root_read_u64(&f->root, "/sys/kernel/kexec_crash_loaded", &v));
	assert_int_equal(v, 0);
	assert_kx_ok(kx_root_read_u64(&f->root, "/sys/kernel/hexval", &v));
	assert_int_equal(v, 0x2000);
	v = 7;
	assert_kx_err(kx_root_read_u64(&f->root, "/sys/kernel/junk", &v), KX_ERROR_CORRUPT,
		      "/sys/kernel/junk: expected one unsigned number, found \"12 34\n\"");
	assert_kx_err(kx_root_read_u64(&f->root, "/sys/kernel/negative", &v),
		      KX_ERROR_CORRUPT, "expected one unsigned number");
	assert_kx_err(kx_root_read_u64(&f->root, "/sys/kernel/empty", &v),
		      KX_ERROR_CORRUPT, "expected one unsigned number");
	assert_kx_err(kx_root_read_u64(&f->root, "/sys/kernel/huge", &v),
		      KX_ERROR_OVERFLOW, "/sys/kernel/huge: number does not fit in 64 bits");
	assert_int_equal(v, 7); // untouched on failure
}

static void test_exists(void **state)
{
	struct fake *f = *state;
	assert_true(kx_root_exists(&f->root, "/sys/kernel/kexec_crash_loaded"));
	assert_true(kx_root_exists(&f->root, "/sys/kernel"));
	assert_false(kx_root_exists(&f->root, "/sys/kernel/kexec_loaded"));
	assert_false(kx_root_exists(&f->root, "relative"));
}

// The shipped fake roots are read through the same code the tools use.
static void test_shipped_fake_root(void **state)
{
	(void)state;
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/loongarch64-16g")));
	uint64_t size;
	assert_kx_ok(kx_root_read_u64(&root, "/sys/kernel/kexec_crash_size", &size));
	assert_int_equal(size, 512u << 20);
	kx_root_deinit(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_path_joins_prefix, setup, teardown),
		cmocka_unit_test(test_real_root),
		cmocka_unit_test_setup_teardown(test_read_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_error_names_full_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_u64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exists, setup, teardown),
		cmocka_unit_test(test_shipped_fake_root),
	};
	KX_RUN_TESTS(tests);
}
