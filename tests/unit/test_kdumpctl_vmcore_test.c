// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl/vmcore_test.c: ids, the pending record, the result lookup and the
// sysrq-trigger guard, on scratch roots.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "root.h"
#include "test_util.h"
#include "vmcore_test.h"

static void test_ids(void **state)
{
	(void)state;
	char id[KX_VMCORE_TEST_ID_MAX];
	struct timespec ts = { .tv_sec = 1700000000, .tv_nsec = 42 };
	kx_vmcore_test_make_id(&ts, id);
	assert_string_equal(id, "1700000000-000000042");
	assert_true(kx_vmcore_test_id_valid(id));
	static const char *const bad[] = { "", "1700000000", "-1", "1-", "1-2-3", "../1-2",
					   "1-2/..", "1-1234567890", "a-1", "1-2 ", NULL };
	for (size_t i = 0; bad[i]; i++)
		assert_false(kx_vmcore_test_id_valid(bad[i]));
	// `date` in the C locale, TZ=UTC: "Tue Nov 14 22:13:20 UTC 2023".
	setenv("TZ", "UTC", 1);
	tzset();
	char date[64];
	assert_true(kx_vmcore_test_date(id, date, sizeof(date)));
	assert_string_equal(date, "Tue Nov 14 22:13:20 UTC 2023");
	ts.tv_sec = 3 * 86400;
	kx_vmcore_test_make_id(&ts, id);
	assert_true(kx_vmcore_test_date(id, date, sizeof(date)));
	assert_string_equal(date, "Sun Jan  4 00:00:00 UTC 1970"); // %e pads with a blank
	assert_false(kx_vmcore_test_date("x-1", date, sizeof(date)));
}

// A scratch root; the caller removes it with `rm -rf`.
static void scratch(struct kx_root *root, char dir[64])
{
	snprintf(dir, 64, "/tmp/kx-vmcore-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_kx_ok(kx_root_init(root, dir));
}

static void put(const char *dir, const char *path, const char *text)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s%s')\" && printf '%%s' '%s' >'%s%s'",
		 dir, path, text, dir, path);
	assert_int_equal(system(cmd), 0);
}

static void cleanup(struct kx_root *root, const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	kx_root_deinit(root);
}

static void test_pending(void **state)
{
	(void)state;
	struct kx_root root;
	char dir[64], id[KX_VMCORE_TEST_ID_MAX] = "", *text;
	bool found = true;
	scratch(&root, dir);
	assert_kx_ok(kx_vmcore_test_read_pending(&root, id, &found));
	assert_false(found);
	assert_kx_ok(kx_vmcore_test_write_pending(&root, "12-000000034"));
	assert_kx_ok(kx_root_read_file(&root, KX_VMCORE_TEST_PENDING, 100, &text, NULL));
	assert_string_equal(text, "pending kdump_test_id=12-000000034\n");
	free(text);
	assert_kx_ok(kx_vmcore_test_read_pending(&root, id, &found));
	assert_true(found);
	assert_string_equal(id, "12-000000034");
	put(dir, KX_VMCORE_TEST_PENDING, "pending kdump_test_id=../../etc\n");
	assert_kx_err(kx_vmcore_test_read_pending(&root, id, &found), KX_ERROR_CORRUPT,
		      "not \"pending kdump_test_id=<id>\"");
	assert_kx_ok(kx_vmcore_test_clear(&root));
	assert_false(kx_root_exists(&root, KX_VMCORE_TEST_PENDING));
	assert_kx_ok(kx_vmcore_test_clear(&root)); // already gone
	cleanup(&root, dir);
}

static enum kx_vmcore_test_result result(const struct kx_root *root,
					 enum kx_conf_target kind, const char *target)
{
	struct kx_conf_settings s = { .target_kind = kind, .target = target,
				      .path = "/var/crash" };
	enum kx_vmcore_test_result r = 99;
	assert_kx_ok(kx_vmcore_test_result(root, &s, "5-000000006", &r));
	return r;
}

static void test_result(void **state)
{
	(void)state;
	struct kx_root root;
	char dir[64];
	scratch(&root, dir);
	static const char status[] = "/var/crash/kdump-test-5-000000006/vmcore-creation.status";
	put(dir, "/proc/mounts", "proc /proc proc rw 0 0\n/dev/vda1 / ext4 rw 0 0\n");
	assert_int_equal(result(&root, KX_CONF_TARGET_LOCAL, NULL), KX_VMCORE_TEST_FAILED);
	put(dir, status, "fail\n");
	assert_int_equal(result(&root, KX_CONF_TARGET_LOCAL, NULL), KX_VMCORE_TEST_FAILED);
	put(dir, status, "success\n");
	assert_int_equal(result(&root, KX_CONF_TARGET_LOCAL, NULL), KX_VMCORE_TEST_SUCCESS);
	// A file-system target: found where /proc/mounts says it is mounted.
	assert_int_equal(result(&root, KX_CONF_TARGET_FS, "/dev/vdb1"), KX_VMCORE_TEST_MANUAL);
	put(dir, "/proc/mounts", "/dev/vda1 / ext4 rw 0 0\n/dev/vdb1 /mnt/dump\\040x ext4 rw 0 0\n");
	assert_int_equal(result(&root, KX_CONF_TARGET_FS, "/dev/vdb1"), KX_VMCORE_TEST_FAILED);
	put(dir, "/mnt/dump x/var/crash/kdump-test-5-000000006/vmcore-creation.status", "success");
	assert_int_equal(result(&root, KX_CONF_TARGET_FS, "/dev/vdb1"), KX_VMCORE_TEST_SUCCESS);
	assert_int_equal(result(&root, KX_CONF_TARGET_RAW, "/dev/vdc"), KX_VMCORE_TEST_MANUAL);
	assert_int_equal(result(&root, KX_CONF_TARGET_NFS, "h:/e"), KX_VMCORE_TEST_MANUAL);
	cleanup(&root, dir);
}

static void test_cmdline_id(void **state)
{
	(void)state;
	struct kx_root root;
	char dir[64], id[KX_VMCORE_TEST_ID_MAX] = "";
	bool found = true;
	scratch(&root, dir);
	assert_kx_ok(kx_vmcore_test_cmdline_id(&root, id, &found)); // no /proc/cmdline
	assert_false(found);
	put(dir, "/proc/cmdline", "ro irqpoll\n");
	assert_kx_ok(kx_vmcore_test_cmdline_id(&root, id, &found));
	assert_false(found);
	put(dir, "/proc/cmdline", "ro kdump_test_id=77-000000001 irqpoll\n");
	assert_kx_ok(kx_vmcore_test_cmdline_id(&root, id, &found));
	assert_true(found);
	assert_string_equal(id, "77-000000001");
	put(dir, "/proc/cmdline", "kdump_test_id=../x\n");
	assert_kx_err(kx_vmcore_test_cmdline_id(&root, id, &found), KX_ERROR_CORRUPT,
		      "/proc/cmdline: bad kdump_test_id=../x");
	cleanup(&root, dir);
}

// The guard never writes: /proc/self/comm stands for a procfs file (and
// is harmless anyway), a scratch file for a fake root's.
static void test_sysrq_guard(void **state)
{
	(void)state;
	bool proc = false;
	int fd = open("/proc/self/comm", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_kx_err(kx_vmcore_test_sysrq_check(fd, "p", false, true, &proc),
		      KX_ERROR_INVALID_ARG, "refusing to write p: a procfs file under --root");
	assert_kx_err(kx_vmcore_test_sysrq_check(fd, "p", true, false, &proc),
		      KX_ERROR_INVALID_ARG, "refusing to write p: not a real kdumpctl test");
	assert_kx_ok(kx_vmcore_test_sysrq_check(fd, "p", true, true, &proc));
	assert_true(proc);
	close(fd);
	char path[] = "/tmp/kx-sysrq-XXXXXX";
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_kx_ok(kx_vmcore_test_sysrq_check(fd, path, false, false, &proc));
	assert_false(proc);
	// On the real root only procfs's file will do, allowed or not.
	assert_kx_err(kx_vmcore_test_sysrq_check(fd, path, true, true, &proc),
		      KX_ERROR_INVALID_ARG, "not a real kdumpctl test on procfs");
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_cmdline_id),
		cmocka_unit_test(test_sysrq_guard),
	};
	KX_RUN_TESTS(tests);
}
