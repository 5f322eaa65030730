// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl/commands.c with a recording runner on the fake roots.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch.h"
#include "commands.h"
#include "root.h"
#include "runner.h"
#include "sysconfig.h"
#include "test_util.h"

// A runner that appends each argv as one line to `log` and returns `status`.
struct recorder {
	struct kx_runner base; // first: the runner pointer is the recorder's
	char log[8192];
	int status;
};

static struct kx_error *record(const struct kx_runner *r, char *const argv[], const char *in,
			       int *ret)
{
	struct recorder *rec = (struct recorder *)(uintptr_t)r;
	size_t len = strlen(rec->log);
	for (size_t i = 0; argv[i]; i++)
		len += (size_t)snprintf(rec->log + len, sizeof(rec->log) - len, "%s%s",
					i ? "|" : "", argv[i]);
	snprintf(rec->log + len, sizeof(rec->log) - len, "%s%s\n", in ? "<" : "", in ? in : "");
	*ret = rec->status;
	return NULL;
}

struct run {
	struct kx_root root;
	struct kx_sysconfig *sc;
	struct recorder rec;
	char *out, *err;
	size_t out_size, err_size;
	int rc;
};

static void run(struct run *r, const char *root, const struct kx_arch *arch, int status,
		const char *cmd, const char *arg)
{
	static char *const kexec[] = { "kexec", NULL };
	memset(r, 0, sizeof(*r));
	assert_kx_ok(kx_root_init(&r->root, kx_test_data(root)));
	assert_kx_ok(kx_sysconfig_read(&r->root, KX_SYSCONFIG_PATH, &r->sc));
	r->rec.base.run = record;
	r->rec.status = status;
	FILE *out = open_memstream(&r->out, &r->out_size);
	FILE *err = open_memstream(&r->err, &r->err_size);
	struct kx_kdumpctl ctx = { .root = &r->root, .arch = arch, .sc = r->sc,
				   .runner = &r->rec.base, .kexec = kexec, .prog = "kdumpctl",
				   .out = out, .err = err };
	char *argv[] = { (char *)cmd, (char *)arg, NULL };
	r->rc = kx_commands_run(&ctx, arg ? 2 : 1, argv);
	fclose(out);
	fclose(err);
}

static void run_deinit(struct run *r)
{
	free(r->out);
	free(r->err);
	kx_sysconfig_destroy(r->sc);
	kx_root_deinit(&r->root);
}

static void test_status_showmem_default(void **state)
{
	(void)state;
	struct run r;
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "status", NULL);
	assert_int_equal(r.rc, 3);
	assert_string_equal(r.err, "kdump: Kdump is not operational\n"
				   "kdump: WARNING: No vmcore creation test performed!\n");
	run_deinit(&r);
	run(&r, "roots/x86_64-2g-cloudhypervisor", &kx_arch_x86_64, 0, "status", NULL);
	assert_int_equal(r.rc, 3);
	assert_string_equal(r.err, "kdump: kdump is not supported on this kernel\n"
				   "kdump: Kdump is not operational\n");
	run_deinit(&r);
	run(&r, "roots/loongarch64-16g-kdump", &kx_arch_loongarch64, 0, "showmem", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "kdump: Reserved 512MB memory for crash kernel\n");
	run_deinit(&r);
	run(&r, "roots/loongarch64-16g-kdump", &kx_arch_loongarch64, 0,
	    "get-default-crashkernel", "kdump");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "2G-64G:512M,64G-:1G"); // no newline
	run_deinit(&r);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "get-default-crashkernel", NULL);
	assert_string_equal(r.out, "2G-64G:256M,64G-:512M");
	run_deinit(&r);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "frobnicate", NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "kdump: Usage: kdumpctl {estimate|start|stop|status|restart|"
				   "reload|rebuild|reset-crashkernel|propagate|showmem|test|"
				   "setup-crypttab|get-default-crashkernel}\n");
	run_deinit(&r);
}

static void test_stop(void **state)
{
	(void)state;
	struct run r;
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "stop", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.rec.log, "kexec|-p|-u\n"); // KEXEC_ARGS are not used
	assert_string_equal(r.err, "kdump: kexec: unloaded kdump kernel\n"
				   "kdump: Stopping kdump: [OK]\n");
	run_deinit(&r);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 1, "stop", NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "kdump: kexec: failed to unload kdump kernel\n"
				   "kdump: Stopping kdump: [FAILED]\n");
	run_deinit(&r);
}

// The last `kdump: ` lines of a start, whatever the rebuild check said
// before them (the checkout sets the fake files' mtimes).
static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && strcmp(s + a - b, tail) == 0;
}

static void test_start(void **state)
{
	(void)state;
	struct run r;
	char want[16384], dir[4096];
	snprintf(dir, sizeof(dir), "%s", kx_test_data("roots/x86_64-16g-kdump"));
	snprintf(want, sizeof(want),
		 "kexec|-s|-p|--command-line=BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 ro irqpoll "
		 "nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off "
		 "udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never "
		 "nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0 disable_cpu_apicid=0 "
		 "rd.systemd.gpt_auto=no|--initrd=%s/boot/initramfs-6.1.0-56-amd64kdump.img|"
		 "%s/boot/vmlinuz-6.1.0-56-amd64\n", dir, dir);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "start", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.rec.log, want);
	assert_true(ends_with(r.err, "kdump: kexec: loaded kdump kernel\n"
				     "kdump: Starting kdump: [OK]\n"
				     "kdump: WARNING: No vmcore creation test performed!\n"));
	run_deinit(&r);

	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 1, "start", NULL);
	assert_int_equal(r.rc, 1);
	assert_true(ends_with(r.err, "kdump: kexec: failed to load kdump kernel\n"
				     "kdump: Starting kdump: [FAILED]\n"));
	run_deinit(&r);

	// LoongArch: no KEXEC_ARGS, the firmware's initrd= is dropped.
	snprintf(want, sizeof(want), "kexec|-p|--command-line=");
	run(&r, "roots/loongarch64-16g-kdump", &kx_arch_loongarch64, 0, "start", NULL);
	assert_int_equal(r.rc, 0);
	assert_true(strncmp(r.rec.log, want, strlen(want)) == 0);
	assert_non_null(strstr(r.rec.log, "/boot/vmlinuz-6.6.0-97.0.0.102.oe2403sp2.loongarch64\n"));
	run_deinit(&r);

	run(&r, "roots/x86_64-2g-cloudhypervisor", &kx_arch_x86_64, 0, "start", NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "kdump: Kdump is not supported on this kernel\n"
				   "kdump: Starting kdump: [FAILED]\n");
	assert_string_equal(r.rec.log, "");
	run_deinit(&r);
}

static void test_reload_restart_estimate(void **state)
{
	(void)state;
	struct run r;
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "reload", NULL);
	assert_int_equal(r.rc, 0);
	assert_true(strncmp(r.rec.log, "kexec|-p|-u\nkexec|-s|-p|--command-line=", 39) == 0);
	assert_string_equal(r.err, "kdump: WARNING: Kdump was not running: [WARNING]\n"
				   "kdump: kexec: unloaded kdump kernel\n"
				   "kdump: Stopping kdump: [OK]\n"
				   "kdump: kexec: loaded kdump kernel\n"
				   "kdump: Starting kdump: [OK]\n");
	run_deinit(&r);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 1, "restart", NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.rec.log, "kexec|-p|-u\n"); // start is not tried
	run_deinit(&r);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "estimate", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Reserved crashkernel:    256M\n"
				      "Recommended crashkernel: 256M\n\n"
				      "Kernel image size:   "));
	assert_non_null(strstr(r.out, "Runtime reservation: 16M\n"));
	run_deinit(&r);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "propagate", NULL);
	assert_int_equal(r.rc, 1);
	// The fake root's dump target is local: nothing to propagate, nothing run.
	assert_string_equal(r.err, "kdump: No ssh destination defined in /etc/kdump.conf.\n"
				   "kdump: Please verify that /etc/kdump.conf contains "
				   "'ssh <user>@<host>' and that it is properly formatted.\n");
	assert_string_equal(r.rec.log, "");
	run_deinit(&r);
	run(&r, "roots/x86_64-16g-kdump", &kx_arch_x86_64, 0, "test", NULL);
	assert_int_equal(r.rc, 1); // the fake root's crash kernel is not loaded
	assert_string_equal(r.err, "kdump: Kdump needs be operational before test.\n");
	assert_string_equal(r.rec.log, "");
	run_deinit(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_showmem_default),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_reload_restart_estimate),
	};
	KX_RUN_TESTS(tests);
}
