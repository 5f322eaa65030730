// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl/capture_cmdline.c: prepare_cmdline with upstream's examples.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "capture_cmdline.h"
#include "root.h"
#include "sysconfig.h"
#include "test_util.h"

static void build(const struct kx_capture_cmdline_input *in, const char *want)
{
	char *got = NULL;
	assert_kx_ok(kx_capture_cmdline_build(in, &got));
	assert_string_equal(got, want);
	free(got);
}

static void test_upstream_examples(void **state)
{
	(void)state;
	// kdump-utils spec: quotes group, removal is by name.
	build(&(struct kx_capture_cmdline_input){ .base = "a b='x y' c", .remove = "b" }, "a c");
	build(&(struct kx_capture_cmdline_input){ .base = "a b=\"x y\" c", .remove = "a c" },
	      "b=\"x y\"");
	// The append goes after the removals, so it may bring a removed name back.
	build(&(struct kx_capture_cmdline_input){ .base = "root=/dev/sda1 quiet x",
						  .remove = "quiet", .append = "quiet root=foo" },
	      "x quiet root=foo");
	// The mocked suffix of upstream's tests.
	build(&(struct kx_capture_cmdline_input){ .base = "a", .apicid = "1", .gpt_auto_off = true },
	      "a disable_cpu_apicid=1 rd.systemd.gpt_auto=no");
}

static void test_always_removed(void **state)
{
	(void)state;
	build(&(struct kx_capture_cmdline_input){
		      .base = "BOOT_IMAGE=/vmlinuz crashkernel=256M panic_on_warn=1 root=UUID=1 "
			      "rd.lvm.lv=vg/root rd.luks.uuid=luks-1 rd.dm.uuid=d rd.md.uuid=m "
			      "fcoe=eth0:nodcb netroot=iscsi:x rd.iscsi.initiator=iqn "
			      "iscsi_initiator=iqn ro\n" },
	      "BOOT_IMAGE=/vmlinuz ro");
	// Whole names only: crashkernel_foo stays; empty-valued foo= goes.
	build(&(struct kx_capture_cmdline_input){ .base = "crashkernel_x=1 foo= rootwait" },
	      "crashkernel_x=1 rootwait");
	// REMOVE entries with a value remove the name; whitespace collapses.
	build(&(struct kx_capture_cmdline_input){ .base = "  a=1   b=2\tc  ", .remove = " a=9  'c' " },
	      "b=2");
}

static void test_from_root(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysconfig *sc;
	char *got = NULL;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-16g-kdump")));
	assert_kx_ok(kx_sysconfig_read(&root, KX_SYSCONFIG_PATH, &sc));
	assert_kx_ok(kx_capture_cmdline_prepare(&root, sc, &got));
	assert_string_equal(got, "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 ro irqpoll nr_cpus=1 "
				 "reset_devices cgroup_disable=memory mce=off numa=off "
				 "udev.children-max=2 panic=10 acpi_no_memhotplug "
				 "transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0 "
				 "hugetlb_cma=0 disable_cpu_apicid=0 rd.systemd.gpt_auto=no");
	free(got);
	kx_sysconfig_destroy(sc);
	kx_root_deinit(&root);

	// LoongArch: no apicid in cpuinfo (no file at all here).
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/loongarch64-16g-kdump")));
	assert_kx_ok(kx_sysconfig_read(&root, KX_SYSCONFIG_PATH, &sc));
	assert_kx_ok(kx_capture_cmdline_prepare(&root, sc, &got));
	assert_string_equal(got, "BOOT_IMAGE=/vmlinuz-6.6.0-97.0.0.102.oe2403sp2.loongarch64 ro "
				 "resume=UUID=f578fdc3-d268-4440-b9bb-1f5d6704633b video=efifb:off "
				 "cgroup_disable=files apparmor=0 console=tty0 nokaslr irqpoll "
				 "nr_cpus=1 reset_devices cgroup_disable=memory udev.children-max=2 "
				 "panic=10 novmcoredd cma=0 nokaslr rd.systemd.gpt_auto=no");
	free(got);
	kx_sysconfig_destroy(sc);

	// KDUMP_COMMANDLINE replaces /proc/cmdline.
	const char *text = "KDUMP_COMMANDLINE=\"console=ttyS0 crashkernel=1G initrd=0x1,2\"\n"
			   "KDUMP_COMMANDLINE_REMOVE=initrd\nKDUMP_COMMANDLINE_APPEND='x=\"a b\"'\n";
	assert_kx_ok(kx_sysconfig_parse(text, strlen(text), "kdump", &sc));
	assert_kx_ok(kx_capture_cmdline_prepare(&root, sc, &got));
	assert_string_equal(got, "console=ttyS0 x=\"a b\" rd.systemd.gpt_auto=no");
	free(got);
	kx_sysconfig_destroy(sc);
	kx_root_deinit(&root);
}

static void test_apicid(void **state)
{
	(void)state;
	struct kx_root root;
	char *id = NULL;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-16g-kdump")));
	assert_kx_ok(kx_capture_cmdline_boot_apicid(&root, &id));
	assert_string_equal(id, "0");
	free(id);
	kx_root_deinit(&root);
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-16g")));
	id = (char *)"unset";
	assert_kx_ok(kx_capture_cmdline_boot_apicid(&root, &id));
	assert_null(id);
	kx_root_deinit(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upstream_examples),
		cmocka_unit_test(test_always_removed),
		cmocka_unit_test(test_from_root),
		cmocka_unit_test(test_apicid),
	};
	KX_RUN_TESTS(tests);
}
