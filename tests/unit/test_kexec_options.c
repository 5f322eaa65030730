// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "options.h"
#include "plan.h"
#include "test_util.h"

// Parse a NULL-terminated argument list (argv[0] added).
static struct kx_error *parse(struct kx_kexec_opts *o, ...)
{
	char *argv[32] = { "kexec" };
	int argc = 1;
	va_list ap;
	va_start(ap, o);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return kx_kexec_opts_parse(argc, argv, o);
}

static void test_defaults(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	assert_kx_ok(parse(&o, "bzImage", NULL));
	assert_true(o.do_load && o.do_shutdown && o.do_sync);
	assert_false(o.do_exec || o.do_unload || o.status || o.dry_run);
	assert_int_equal(o.mode, KX_SYSCALL_AUTO);
	assert_int_equal(o.kexec_flags, 0);
	assert_int_equal(o.mem_min, 0);
	assert_true(o.mem_max == UINT64_MAX);
	assert_string_equal(o.kernel, "bzImage");
	kx_kexec_opts_deinit(&o);
}

static void test_load_and_panic(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	assert_kx_ok(parse(&o, "-l", "k", "--append=quiet", "--initrd=i", NULL));
	assert_true(o.do_load && o.has_opt_load);
	assert_false(o.do_shutdown || o.do_exec);
	assert_string_equal(o.append, "quiet");
	assert_string_equal(o.initrd, "i");
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "-p", "k", "--command-line", "a", "--append", "b",
			   "--ramdisk=r", NULL));
	assert_int_equal(o.kexec_flags, KX_KEXEC_ON_CRASH);
	assert_int_equal(o.file_flags, KX_KEXEC_FILE_ON_CRASH);
	assert_false(o.do_sync);
	assert_string_equal(o.append, "b"); // the last one wins
	assert_string_equal(o.initrd, "r");
	kx_kexec_opts_deinit(&o);
	// -p -l stays a panic load: -l does not touch the flags.
	assert_kx_ok(parse(&o, "-p", "-l", "k", NULL));
	assert_int_equal(o.kexec_flags, KX_KEXEC_ON_CRASH);
	kx_kexec_opts_deinit(&o);
}

static void test_unload_order(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	assert_kx_ok(parse(&o, "-p", "-u", NULL));
	assert_true(o.do_unload);
	assert_false(o.do_load);
	assert_int_equal(o.kexec_flags, KX_KEXEC_ON_CRASH);
	assert_int_equal(o.file_flags, KX_KEXEC_FILE_ON_CRASH | KX_KEXEC_FILE_UNLOAD);
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "-u", "-p", NULL));
	assert_true(o.do_unload && o.do_load);
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "--unload", NULL));
	assert_true(o.do_unload);
	assert_int_equal(o.kexec_flags, 0);
	kx_kexec_opts_deinit(&o);
}

static void test_exec_force(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	assert_kx_ok(parse(&o, "-e", NULL));
	assert_true(o.do_exec && o.do_sync && o.do_ifdown);
	assert_false(o.do_load || o.do_shutdown);
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "-f", "-x", "-y", "k", NULL));
	assert_true(o.do_exec && o.do_load);
	assert_false(o.do_shutdown || o.do_sync || o.do_ifdown);
	kx_kexec_opts_deinit(&o);
	// -x before -f still wins (applied at the end, as upstream).
	assert_kx_ok(parse(&o, "-x", "--force", "k", NULL));
	assert_false(o.do_ifdown);
	kx_kexec_opts_deinit(&o);
}

static void test_status(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	assert_kx_ok(parse(&o, "-S", NULL));
	assert_true(o.status);
	assert_int_equal(o.kexec_flags, KX_KEXEC_ON_CRASH); // crash by default
	assert_false(o.do_load || o.do_shutdown || o.do_sync);
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "-l", "--status", NULL));
	assert_int_equal(o.kexec_flags, 0);
	kx_kexec_opts_deinit(&o);
}

static void test_syscall_mode_and_values(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	assert_kx_ok(parse(&o, "-s", "-c", "-d", "-i", "-t", "bzImage64", "--mem-min=0x100000",
			   "--mem-max", "0x7fffffff", "--entry=4096", "--no-cma", "--force-dtb",
			   "--dry-run", "--arch=loongarch64", "--root=/r", "--reuse-cmdline", "k",
			   NULL));
	assert_int_equal(o.mode, KX_SYSCALL_LOAD);
	assert_true(o.debug && o.skip_checks && o.dry_run && o.reuse_cmdline && o.have_entry);
	assert_string_equal(o.type, "bzImage64");
	assert_int_equal(o.mem_min, 0x100000);
	assert_int_equal(o.mem_max, 0x7fffffff);
	assert_true(o.have_mem_max);
	assert_int_equal(o.entry, 4096);
	assert_int_equal(o.file_flags, KX_KEXEC_FILE_NO_CMA | KX_KEXEC_FILE_FORCE_DTB);
	assert_string_equal(o.arch, "loongarch64");
	assert_string_equal(o.root, "/r");
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "-a", "--kexec-file-syscall", NULL));
	assert_int_equal(o.mode, KX_SYSCALL_FILE);
	kx_kexec_opts_deinit(&o);
}

static void test_immediate(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	assert_kx_ok(parse(&o, "-v", "-h", "--bogus", NULL)); // parsing stops at -v
	assert_int_equal(o.immediate, KX_IMMEDIATE_VERSION);
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "--print-ckr-size", "-v", NULL));
	assert_int_equal(o.immediate, KX_IMMEDIATE_PRINT_CKR_SIZE);
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "--help", NULL));
	assert_int_equal(o.immediate, KX_IMMEDIATE_HELP);
	kx_kexec_opts_deinit(&o);
}

static void test_arch_options(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	bool present;
	assert_kx_ok(parse(&o, "--reset-vga", "--serial=ttyS0", "--serial=ttyS1",
			   "--elf64-core-headers", "--args-linux", "-l", "k", NULL));
	assert_int_equal(o.narch_opts, 5);
	assert_string_equal(o.arch_opts[0].name, "reset-vga");
	assert_null(o.arch_opts[0].value);
	assert_string_equal(kx_kexec_opts_arch_value(&o, "serial", &present), "ttyS1");
	assert_true(present);
	assert_null(kx_kexec_opts_arch_value(&o, "console-vga", &present));
	assert_false(present);
	assert_kx_ok(kx_kexec_opts_check_arch(&o, "x86_64"));
	assert_kx_err(kx_kexec_opts_check_arch(&o, "loongarch64"), KX_ERROR_INVALID_ARG,
		      "option --reset-vga is not available on loongarch64");
	kx_kexec_opts_deinit(&o);
	// x86 loader options need a load; LoongArch's --append does not.
	assert_kx_ok(parse(&o, "-e", "--append=x", NULL));
	assert_kx_err(kx_kexec_opts_check_arch(&o, "x86_64"), KX_ERROR_INVALID_ARG,
		      "need a kernel to load");
	assert_kx_ok(kx_kexec_opts_check_arch(&o, "loongarch64"));
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "-e", "--args-linux", NULL));
	assert_kx_err(kx_kexec_opts_check_arch(&o, "x86_64"), KX_ERROR_INVALID_ARG,
		      "option --args-linux needs a kernel to load");
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "--load-jump-back-helper", "k", NULL));
	assert_string_equal(o.unsupported, "load-jump-back-helper");
	kx_kexec_opts_deinit(&o);
	// Implemented since: parsed into their fields, upstream's flag values.
	assert_kx_ok(parse(&o, "--reuseinitrd", "--hotplug", "-p", "k", NULL));
	assert_null(o.unsupported);
	assert_true(o.reuse_initrd);
	assert_true(o.hotplug);
	assert_int_equal(o.kexec_flags, 0x1);
	kx_kexec_opts_deinit(&o);
	assert_kx_ok(parse(&o, "--load-preserve-context", "--mem-max=0x3fffffff", "k", NULL));
	assert_int_equal(o.kexec_flags, 0x2);
	assert_true(o.have_mem_max);
	kx_kexec_opts_deinit(&o);
}

static void test_errors(void **state)
{
	(void)state;
	struct kx_kexec_opts o = { .kernel = "untouched" };
	assert_kx_err(parse(&o, "--bogus", NULL), KX_ERROR_INVALID_ARG,
		      "unrecognized option '--bogus'");
	assert_kx_err(parse(&o, "-Q", NULL), KX_ERROR_INVALID_ARG, "invalid option -- 'Q'");
	assert_kx_err(parse(&o, "-t", NULL), KX_ERROR_INVALID_ARG,
		      "option requires an argument -- 't'");
	assert_kx_err(parse(&o, "--mem-max", NULL), KX_ERROR_INVALID_ARG,
		      "option '--mem-max' requires an argument");
	assert_kx_err(parse(&o, "--mem-min=12k", NULL), KX_ERROR_INVALID_ARG,
		      "Bad option value in --mem-min=12k");
	assert_kx_err(parse(&o, "--entry=-1", NULL), KX_ERROR_INVALID_ARG,
		      "Bad option value in --entry=-1");
	assert_kx_err(parse(&o, "--load-p", NULL), KX_ERROR_INVALID_ARG,
		      "unrecognized option '--load-p'"); // ambiguous
	assert_kx_err(parse(&o, "--serial=a", "--mem-max=", NULL), KX_ERROR_INVALID_ARG,
		      "Bad option value in --mem-max=");
	assert_string_equal(o.kernel, "untouched");
}

static void test_abbreviation_and_permutation(void **state)
{
	(void)state;
	struct kx_kexec_opts o;
	// getopt_long: unique prefixes work and options may follow the kernel.
	assert_kx_ok(parse(&o, "k", "--load-pa", "--dry", NULL));
	assert_int_equal(o.kexec_flags, KX_KEXEC_ON_CRASH);
	assert_true(o.dry_run);
	assert_string_equal(o.kernel, "k");
	kx_kexec_opts_deinit(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_load_and_panic),
		cmocka_unit_test(test_unload_order),
		cmocka_unit_test(test_exec_force),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_syscall_mode_and_values),
		cmocka_unit_test(test_immediate),
		cmocka_unit_test(test_arch_options),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_abbreviation_and_permutation),
	};
	KX_RUN_TESTS(tests);
}
