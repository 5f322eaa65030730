// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl/sysconfig.c: shell-style assignments without a shell.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "root.h"
#include "sysconfig.h"
#include "test_util.h"

static struct kx_sysconfig *parse(const char *text)
{
	struct kx_sysconfig *sc = NULL;
	assert_kx_ok(kx_sysconfig_parse(text, strlen(text), "kdump", &sc));
	return sc;
}

static void test_quoting(void **state)
{
	(void)state;
	struct kx_sysconfig *sc = parse(
		"# comment\n"
		"KDUMP_KERNELVER=\"\"\n"
		"  KDUMP_COMMANDLINE='a b=\"x y\" c'  # trailing comment\n"
		"KDUMP_COMMANDLINE_REMOVE=\"hugepages \\\"q\\\" \\$x \\\\ \\a\"\n"
		"export KEXEC_ARGS=-s\n"
		"KDUMP_IMG=vm'lin'\"uz\"\n"
		"KDUMP_IMG_EXT=a\\ b#notacomment\n"
		"MULTI=\"one\ntwo\"\n"
		"CONT=\"x\\\ny\"\n"
		"A=1 B=2\n"
		"KEXEC_ARGS=\"-s -d\"\n");
	assert_string_equal(kx_sysconfig_get(sc, "KDUMP_KERNELVER"), "");
	assert_string_equal(kx_sysconfig_get(sc, "KDUMP_COMMANDLINE"), "a b=\"x y\" c");
	assert_string_equal(kx_sysconfig_get(sc, "KDUMP_COMMANDLINE_REMOVE"),
			    "hugepages \"q\" $x \\ \\a");
	assert_string_equal(kx_sysconfig_get(sc, "KEXEC_ARGS"), "-s -d"); // later wins
	assert_string_equal(kx_sysconfig_get(sc, "KDUMP_IMG"), "vmlinuz");
	assert_string_equal(kx_sysconfig_get(sc, "KDUMP_IMG_EXT"), "a b#notacomment");
	assert_string_equal(kx_sysconfig_get(sc, "MULTI"), "one\ntwo");
	assert_string_equal(kx_sysconfig_get(sc, "CONT"), "xy");
	assert_string_equal(kx_sysconfig_get(sc, "A"), "1");
	assert_string_equal(kx_sysconfig_get(sc, "B"), "2");
	assert_null(kx_sysconfig_get(sc, "KDUMP_BOOTDIR"));
	kx_sysconfig_destroy(sc);
}

static void test_defaults(void **state)
{
	(void)state;
	struct kx_sysconfig *sc = parse("KDUMP_COMMANDLINE_REMOVE=\"\"\n");
	// Set to empty is empty; unset takes kdumpctl's default.
	assert_string_equal(kx_sysconfig_value(sc, "KDUMP_COMMANDLINE_REMOVE"), "");
	assert_string_equal(kx_sysconfig_value(sc, "KDUMP_IMG"), "vmlinuz");
	assert_string_equal(kx_sysconfig_value(sc, "KEXEC_ARGS"), "");
	kx_sysconfig_destroy(sc);
	sc = parse("");
	assert_string_equal(kx_sysconfig_value(sc, "KDUMP_COMMANDLINE_REMOVE"),
			    "hugepages hugepagesz slub_debug");
	kx_sysconfig_destroy(sc);
}

static void bad(const char *text, const char *want)
{
	struct kx_sysconfig *sc = NULL;
	assert_kx_err(kx_sysconfig_parse(text, strlen(text), "kdump", &sc), KX_ERROR_UNSUPPORTED,
		      want);
}

static void test_refused(void **state)
{
	(void)state;
	bad("A=$(reboot)\n", "kdump: line 1: shell syntax");
	bad("\nA=\"$HOME\"\n", "kdump: line 2: shell expansion is not supported");
	bad("A=\"`id`\"\n", "line 1: shell expansion");
	bad("A=1; B=2\n", "line 1: shell syntax");
	bad("A=1 reboot\n", "line 1: not a variable assignment");
	bad("echo hi\n", "line 1: not a variable assignment");
	bad("1A=2\n", "line 1: not a variable assignment");
	bad("A='open\n", "unterminated single quote");
	bad("A=\"open\n", "unterminated double quote");
	bad("A=x|y\n", "shell syntax");
	struct kx_sysconfig *sc = NULL;
	assert_kx_err(kx_sysconfig_parse("A=1\0", 4, "kdump", &sc), KX_ERROR_CORRUPT, "NUL byte");
}

static void test_shipped(void **state)
{
	(void)state;
	struct kx_root root;
	struct kx_sysconfig *sc;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-16g-kdump")));
	assert_kx_ok(kx_sysconfig_read(&root, KX_SYSCONFIG_PATH, &sc));
	assert_string_equal(kx_sysconfig_value(sc, "KEXEC_ARGS"), "-s");
	assert_string_equal(kx_sysconfig_value(sc, "KDUMP_COMMANDLINE_APPEND"),
			    "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off "
			    "udev.children-max=2 panic=10 acpi_no_memhotplug "
			    "transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0 "
			    "hugetlb_cma=0");
	assert_null(kx_sysconfig_get(sc, "KDUMP_BOOTDIR")); // commented out
	kx_sysconfig_destroy(sc);
	kx_root_deinit(&root);
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/loongarch64-16g-kdump")));
	assert_kx_ok(kx_sysconfig_read(&root, KX_SYSCONFIG_PATH, &sc));
	assert_string_equal(kx_sysconfig_value(sc, "KEXEC_ARGS"), "");
	assert_string_equal(kx_sysconfig_value(sc, "KDUMP_COMMANDLINE_REMOVE"),
			    "hugepages hugepagesz slub_debug quiet log_buf_len swiotlb rd_start "
			    "rd_size initrd cma");
	assert_string_equal(kx_sysconfig_value(sc, "KDUMP_COMMANDLINE_APPEND"),
			    "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory "
			    "udev.children-max=2 panic=10 novmcoredd cma=0 nokaslr");
	kx_sysconfig_destroy(sc);
	kx_root_deinit(&root);
	// A root without the file: an empty set, not an error.
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-16g")));
	assert_kx_ok(kx_sysconfig_read(&root, KX_SYSCONFIG_PATH, &sc));
	assert_int_equal(sc->count, 0);
	assert_string_equal(kx_sysconfig_value(sc, "KDUMP_IMG"), "vmlinuz");
	kx_sysconfig_destroy(sc);
	kx_root_deinit(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_shipped),
	};
	KX_RUN_TESTS(tests);
}
