// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl/kernel.c, rebuild.c and lock.c on fake roots built per test.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "kernel.h"
#include "lock.h"
#include "rebuild.h"
#include "root.h"
#include "sysconfig.h"
#include "test_util.h"

struct fake {
	char dir[64];
	struct kx_root root;
};

// Create <root>/<path> with @p text, its directories, @p mode and mtime @p t.
static void put(struct fake *f, const char *path, const char *text, mode_t mode, time_t t)
{
	char full[512];
	snprintf(full, sizeof(full), "%s%s", f->dir, path);
	for (char *p = full + strlen(f->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	FILE *fp = fopen(full, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(full, mode);
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, full, ts, 0), 0);
}

static void fake_init(struct fake *f)
{
	strcpy(f->dir, "/tmp/kx-kdumpctl-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_kx_ok(kx_root_init(&f->root, f->dir));
	put(f, "/proc/sys/kernel/osrelease", "6.1.0-56-amd64\n", 0644, 1000);
	put(f, "/proc/cmdline", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.1.0-56-amd64 ro\n", 0644, 1000);
}

static void fake_deinit(struct fake *f)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	kx_root_deinit(&f->root);
}

static struct kx_sysconfig *sysconfig(const char *text)
{
	struct kx_sysconfig *sc;
	assert_kx_ok(kx_sysconfig_parse(text, strlen(text), "kdump", &sc));
	return sc;
}

static void find(struct fake *f, const char *sctext, const char *kernel, const char *initrd,
		 bool writable)
{
	struct kx_sysconfig *sc = sysconfig(sctext);
	struct kx_kernel_info k;
	assert_kx_ok(kx_kernel_find(&f->root, sc, &k));
	assert_string_equal(k.kernel, kernel);
	char *path;
	assert_kx_ok(kx_kernel_kdump_initrd(&k, writable, &path));
	assert_string_equal(path, initrd);
	free(path);
	kx_kernel_info_deinit(&k);
	kx_sysconfig_destroy(sc);
}

static void test_discovery(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct kx_sysconfig *sc = sysconfig("");
	struct kx_kernel_info k;
	assert_kx_err(kx_kernel_find(&f.root, sc, &k), KX_ERROR_NOT_FOUND,
		      "Failed to detect kdump kernel location");
	kx_sysconfig_destroy(sc);
	// BOOT_IMAGE (GRUB device prefix dropped) under "/", no default initrd.
	put(&f, "/vmlinuz-6.1.0-56-amd64", "k", 0644, 1000);
	find(&f, "", "/vmlinuz-6.1.0-56-amd64", "/initramfs-6.1.0-56-amd64kdump.img", true);
	// /boot comes first; a default initrd names the kdump one.
	put(&f, "/boot/vmlinuz-6.1.0-56-amd64", "k", 0644, 1000);
	put(&f, "/boot/initrd", "i", 0644, 1000);
	find(&f, "", "/boot/vmlinuz-6.1.0-56-amd64", "/boot/initrdkdump", true);
	put(&f, "/boot/initramfs-6.1.0-56-amd64.img", "i", 0644, 1000);
	find(&f, "", "/boot/vmlinuz-6.1.0-56-amd64", "/boot/initramfs-6.1.0-56-amd64kdump.img",
	     true);
	find(&f, "", "/boot/vmlinuz-6.1.0-56-amd64",
	     "/var/lib/kdump/initramfs-6.1.0-56-amd64kdump.img", false);
	// KDUMP_KERNELVER, KDUMP_IMG, KDUMP_IMG_EXT, KDUMP_BOOTDIR.
	put(&f, "/efi/vmlinux-6.9.0.gz", "k", 0644, 1000);
	find(&f, "KDUMP_KERNELVER=6.9.0\nKDUMP_IMG=vmlinux\nKDUMP_IMG_EXT=.gz\n",
	     "/efi/vmlinux-6.9.0.gz", "/efi/initramfs-6.9.0kdump.img", true);
	find(&f, "KDUMP_BOOTDIR=/\n", "/vmlinuz-6.1.0-56-amd64",
	     "/initramfs-6.1.0-56-amd64kdump.img", true);
	// machine-id layout (BLS) and the UKI, which keeps its initramfs in /var/lib/kdump.
	put(&f, "/etc/machine-id", "0123abcd\n", 0644, 1000);
	put(&f, "/boot/efi/0123abcd/6.2.0/vmlinuz", "k", 0644, 1000);
	find(&f, "KDUMP_KERNELVER=6.2.0\n", "/boot/efi/0123abcd/6.2.0/vmlinuz",
	     "/boot/efi/0123abcd/6.2.0/initramfs-6.2.0kdump.img", true);
	put(&f, "/efi/EFI/Linux/0123abcd-6.3.0.efi", "k", 0644, 1000);
	find(&f, "KDUMP_KERNELVER=6.3.0\n", "/efi/EFI/Linux/0123abcd-6.3.0.efi",
	     "/var/lib/kdump/initrdkdump", true); // /boot/initrd names it
	fake_deinit(&f);
}

static void test_debug_kernel(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	put(&f, "/proc/sys/kernel/osrelease", "6.5.0+debug\n", 0644, 1000);
	put(&f, "/boot/vmlinuz-6.5.0+debug", "k", 0644, 1000);
	put(&f, "/boot/vmlinuz-6.5.0", "k", 0644, 1000);
	struct kx_sysconfig *sc = sysconfig("");
	struct kx_kernel_info k;
	assert_kx_ok(kx_kernel_find(&f.root, sc, &k));
	assert_string_equal(k.kver, "6.5.0+debug");
	assert_true(k.debug);
	kx_kernel_info_deinit(&k);
	put(&f, "/usr/lib/modules/6.5.0/modules.dep", "", 0644, 1000);
	assert_kx_ok(kx_kernel_find(&f.root, sc, &k));
	assert_string_equal(k.kver, "6.5.0");
	assert_string_equal(k.kernel, "/boot/vmlinuz-6.5.0");
	assert_false(k.debug);
	kx_kernel_info_deinit(&k);
	kx_sysconfig_destroy(sc);
	fake_deinit(&f);
}

// Decide with kdump.conf @p conftext; returns whether to rebuild, notes in @p notes.
static struct kx_error *decide(struct fake *f, const char *conftext, struct kx_notes *notes,
			       bool *ret)
{
	struct kx_conf *conf;
	struct kx_conf_settings s;
	assert_kx_ok(kx_conf_parse(conftext, strlen(conftext), "kdump.conf", &conf));
	assert_kx_ok(kx_conf_validate(conf, &f->root, NULL, NULL, &s));
	struct kx_rebuild_input in = { .settings = &s, .conf_path = KX_CONF_PATH,
				       .kernel = "/boot/vmlinuz", .initrd = "/boot/kdump.img" };
	kx_notes_init(notes);
	struct kx_error *err = kx_rebuild_check(&f->root, &in, notes, ret);
	kx_conf_destroy(conf);
	return err;
}

static void test_rebuild(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct kx_notes n;
	bool need = false;
	put(&f, KX_CONF_PATH, "", 0644, 1000);
	put(&f, "/boot/vmlinuz", "k", 0644, 1000);
	put(&f, "/usr/sbin/makedumpfile", "#!", 0755, 1000);
	assert_kx_ok(decide(&f, "", &n, &need));
	assert_true(need);
	assert_int_equal(n.count, 1);
	assert_string_equal(n.lines[0], "No kdump initial ramdisk found.");
	kx_notes_deinit(&n);
	// Same second as everything: up to date (strictly newer is needed).
	put(&f, "/boot/kdump.img", "i", 0644, 1000);
	assert_kx_ok(decide(&f, "", &n, &need));
	assert_false(need);
	assert_int_equal(n.count, 0);
	// Newer files are listed, two spaces after the colon.
	put(&f, "/usr/sbin/makedumpfile", "#!", 0755, 1001);
	put(&f, "/etc/fstab", "", 0644, 1002);
	put(&f, "/bin/pre", "#!", 0755, 1003);
	put(&f, "/etc/kdump/post.d/hook", "#!", 0755, 1000);
	assert_kx_ok(decide(&f, "kdump_pre /bin/pre\n", &n, &need));
	assert_true(need);
	assert_string_equal(n.lines[0], "Detected change(s) in the following file(s):  /bin/pre "
					"/usr/sbin/makedumpfile /etc/fstab /etc/kdump/post.d");
	kx_notes_deinit(&n);
	// force_rebuild and force_no_rebuild.
	put(&f, "/usr/sbin/makedumpfile", "#!", 0755, 900);
	put(&f, "/etc/fstab", "", 0644, 900);
	put(&f, "/bin/pre", "#!", 0755, 900);
	put(&f, "/etc/kdump/post.d/hook", "#!", 0755, 900);
	struct timespec ts[2] = { { 900, 0 }, { 900, 0 } };
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/etc/kdump/post.d", f.dir);
	utimensat(AT_FDCWD, dir, ts, 0);
	assert_kx_ok(decide(&f, "force_rebuild 1\n", &n, &need));
	assert_true(need);
	assert_string_equal(n.lines[0], "Force rebuild /boot/kdump.img");
	kx_notes_deinit(&n);
	put(&f, "/boot/vmlinuz", "k", 0644, 2000);
	assert_kx_ok(decide(&f, "force_no_rebuild 1\n", &n, &need));
	assert_false(need);
	kx_notes_deinit(&n);
	// Missing and non-executable files are errors.
	assert_kx_err(decide(&f, "extra_bins /bin/nothere\n", &n, &need), KX_ERROR_INVALID_ARG,
		      "Error: /bin/nothere not found.");
	kx_notes_deinit(&n);
	put(&f, "/bin/noexec", "", 0644, 900);
	assert_kx_err(decide(&f, "kdump_post /bin/noexec\n", &n, &need), KX_ERROR_INVALID_ARG,
		      "Error: /bin/noexec is not executable.");
	kx_notes_deinit(&n);
	fake_deinit(&f);
}

static void waited(void *arg)
{
	(*(int *)arg)++;
}

static void test_lock(void **state)
{
	(void)state;
	struct fake f;
	fake_init(&f);
	struct kx_lock a, b;
	int waits = 0;
	// No /run/lock under the root: /tmp/kdump.lock.
	put(&f, "/tmp/.keep", "", 0644, 1000);
	assert_kx_ok(kx_lock_acquire(&f.root, 10, waited, &waits, &a));
	assert_non_null(strstr(a.path, "/tmp/kdump.lock"));
	kx_lock_release(&a);
	put(&f, "/run/lock/.keep", "", 0644, 1000);
	assert_kx_ok(kx_lock_acquire(&f.root, 10, waited, &waits, &a));
	assert_non_null(strstr(a.path, "/run/lock/kdump"));
	assert_int_equal(waits, 0);
	// A second holder waits: drop the first lock from a child after a while.
	int fd = open(a.path, O_WRONLY);
	assert_true(fd >= 0);
	kx_lock_release(&a);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(150 * 1000);
		_exit(0); // the child's copy of fd goes; ours is closed below
	}
	close(fd);
	// Now only the child holds it (shared open file description until exit).
	assert_kx_ok(kx_lock_acquire(&f.root, 50, waited, &waits, &b));
	assert_true(waits >= 1);
	kx_lock_release(&b);
	kx_lock_release(&b); // harmless
	int st;
	waitpid(pid, &st, 0);
	fake_deinit(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_debug_kernel),
		cmocka_unit_test(test_rebuild),
		cmocka_unit_test(test_lock),
	};
	KX_RUN_TESTS(tests);
}
