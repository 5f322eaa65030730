// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "module_debuginfo.h"
#include "root.h"
#include "test_util.h"

struct fake {
	char dir[64];
	struct kx_root root;
};

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/kx-test-moddi-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	// A stripped module under /lib/modules and its debug file under
	// /usr/lib/debug: the debug tree is searched first.
	kx_test_put(f->dir, "/lib/modules/6.1.0-kx/kernel/fs/ext4/ext4.ko", "");
	kx_test_put(f->dir, "/usr/lib/debug/lib/modules/6.1.0-kx/kernel/fs/ext4/ext4.ko", "");
	kx_test_put(f->dir, "/lib/modules/6.1.0-kx/kernel/drivers/usb/usb-storage.ko.xz", "");
	kx_test_put(f->dir, "/lib/modules/6.1.0-kx/extra/deep/er/snd_hda.ko.debug", "");
	kx_test_put(f->dir, "/lib/modules/6.1.0-kx/kernel/net/notako.kobj", "");
	kx_test_put(f->dir, "/lib/modules/6.1.0-other/kernel/xfs.ko", "");
	*state = f;
	return kx_root_init(&f->root, f->dir) ? -1 : 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	int rc = kx_test_rmtree(f->dir);
	kx_root_deinit(&f->root);
	free(f);
	return rc;
}

static void expect_found(struct fake *f, const char *name, const char *rel)
{
	char *path, want[256];
	assert_kx_ok(kx_module_debuginfo_find(&f->root, "6.1.0-kx", name, &path));
	snprintf(want, sizeof(want), "%s%s", f->dir, rel);
	assert_string_equal(path, want);
	free(path);
}

static void test_find(void **state)
{
	struct fake *f = *state;
	expect_found(f, "ext4", "/usr/lib/debug/lib/modules/6.1.0-kx/kernel/fs/ext4/ext4.ko");
	// The kernel names it usb_storage; the file usb-storage.
	expect_found(f, "usb_storage", "/lib/modules/6.1.0-kx/kernel/drivers/usb/usb-storage.ko.xz");
	expect_found(f, "snd-hda", "/lib/modules/6.1.0-kx/extra/deep/er/snd_hda.ko.debug");
}

static void test_not_found(void **state)
{
	struct fake *f = *state;
	char *path = NULL, msg[512];
	snprintf(msg, sizeof(msg), "no debuginfo for module xfs in %s/usr/lib/debug/lib/modules/6.1.0-kx, "
		 "%s/lib/modules/6.1.0-kx", f->dir, f->dir);
	// Another release's module and a name that only starts like one are no match.
	assert_kx_err(kx_module_debuginfo_find(&f->root, "6.1.0-kx", "xfs", &path),
		      KX_ERROR_NOT_FOUND, msg);
	static const char *const missing[][2] = { { "6.1.0-kx", "notako" }, { "6.1.0-nosuch", "ext4" } };
	for (size_t i = 0; i < 2; i++)
		assert_kx_err(kx_module_debuginfo_find(&f->root, missing[i][0], missing[i][1], &path),
			      KX_ERROR_NOT_FOUND, "no debuginfo for module");
	assert_null(path);
}

static void test_hostile_release(void **state)
{
	struct fake *f = *state;
	char *path = NULL;
	// OSRELEASE comes from the dump: it must not lead out of the tree.
	static const char *const bad[] = { "../../etc", "..", ".", "", "6.1/../../x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_kx_err(kx_module_debuginfo_find(&f->root, bad[i], "ext4", &path),
			      KX_ERROR_INVALID_ARG, "cannot name a modules directory");
	assert_null(path);
}

static void test_same_name(void **state)
{
	(void)state;
	assert_true(kx_module_debuginfo_same_name("usb_storage", "usb-storage"));
	assert_true(kx_module_debuginfo_same_name("ext4", "ext4"));
	assert_false(kx_module_debuginfo_same_name("ext4", "ext"));
	assert_false(kx_module_debuginfo_same_name("ext", "ext4"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_release, setup, teardown),
		cmocka_unit_test(test_same_name),
	};
	KX_RUN_TESTS(tests);
}
