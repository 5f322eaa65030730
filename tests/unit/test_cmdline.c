// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmdline.h"
#include "test_util.h"

// From /work/shared/reference/samples/cmdline-loongarch64-examples.txt.
// [6] openEuler 24.03-SP2 first kernel, /proc/cmdline form (the author's
// line wrapping kept, trailing spaces included, plus /proc's final "\n").
static const char oe_proc_cmdline[] =
	"BOOT_IMAGE=/vmlinuz-6.6.0-97.0.0.102.oe2403sp2.loongarch64 \n"
	"root=UUID=03d031db-430b-446b-af4e-5090765d85c7 \n"
	"ro resume=UUID=f578fdc3-d268-4440-b9bb-1f5d6704633b \n"
	"video=efifb:off cgroup_disable=files apparmor=0 \n"
	"console=tty0 hugepagesz=32M hugepages=2048 \n"
	"vfio_iommu_type1.allow_unsafe_interrupts=1 nokaslr\n";

// [5] the exact cmdline segment kexec-tools passed to kexec_load (621 chars).
#define AAA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define JD_BASE                                                                   \
	"ro loongarch_iommu=on iommu=pt isolcpus=40,52,51,43 spectre_v2=off nopti " \
	"rdt=l3cat selinux=0 rd.lvm.lv=openeuler/root video=efifb:off "             \
	"cgroup_disable=files apparmor=0 console=tty0 "                             \
	"console=ttyS0,115200.allow_unsafe_interrupts=1 "                           \
	"nokaslr.allow_unsafe_interrupts=1 nokaslr init 3 irqpoll reset_devices "   \
	"cgroup_disable=memory udev.children-max=2 panic=10 novmcoredd nokaslr"
#define JD_BOOT_IMAGE "BOOT_IMAGE=/vmlinuz-6.6.0-jdcloud8.0.0cf662f0e6.loongarch64"
#define JD_EXTRAS "initrd=2973040640,48938496 elfcorehdr=8K@3882992K mem=1048576K@2834432K"
static const char jd_segment[] =
	"kexec " JD_BOOT_IMAGE " " JD_BASE " " AAA " " JD_EXTRAS;

// [1] the capture kernel's 'Kernel command line:', cut by COMMAND_LINE_SIZE 512.
static const char jd_capture_truncated[] =
	"kexec " JD_BOOT_IMAGE " " JD_BASE " " JD_EXTRAS " vfio_i";

static struct kx_cmdline parse(const char *text, enum kx_cmdline_quoting q)
{
	struct kx_cmdline cl;
	assert_kx_ok(kx_cmdline_parse(text, q, &cl));
	return cl;
}

static void assert_renders(const struct kx_cmdline *cl, const char *expected)
{
	char *s = NULL;
	assert_kx_ok(kx_cmdline_render(cl, &s));
	assert_string_equal(s, expected);
	assert_int_equal(kx_cmdline_length(cl), strlen(expected));
	free(s);
}

static void test_loongarch_first_kernel(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse(oe_proc_cmdline, KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 12);
	assert_string_equal(cl.params[0].name, "BOOT_IMAGE");
	assert_string_equal(cl.params[0].value, "/vmlinuz-6.6.0-97.0.0.102.oe2403sp2.loongarch64");
	assert_string_equal(cl.params[1].name, "root");
	assert_string_equal(cl.params[1].value, "UUID=03d031db-430b-446b-af4e-5090765d85c7");
	assert_string_equal(cl.params[2].name, "ro");
	assert_null(cl.params[2].value);
	assert_string_equal(cl.params[11].text, "nokaslr");
	assert_renders(&cl, "BOOT_IMAGE=/vmlinuz-6.6.0-97.0.0.102.oe2403sp2.loongarch64 "
			    "root=UUID=03d031db-430b-446b-af4e-5090765d85c7 ro "
			    "resume=UUID=f578fdc3-d268-4440-b9bb-1f5d6704633b video=efifb:off "
			    "cgroup_disable=files apparmor=0 console=tty0 hugepagesz=32M "
			    "hugepages=2048 vfio_iommu_type1.allow_unsafe_interrupts=1 nokaslr");

	// kexec --reuse-cmdline -p: drop BOOT_IMAGE, crashkernel, kexec, kexec_file, initrd.
	assert_kx_ok(kx_cmdline_append(&cl, "crashkernel=1024M,high crashkernel=256M,low\n"));
	static const char *const reuse[] = { "BOOT_IMAGE", "crashkernel", "kexec",
					     "kexec_file", "initrd", NULL };
	assert_int_equal(kx_cmdline_remove_names(&cl, reuse), 3);
	assert_false(kx_cmdline_has(&cl, "crashkernel"));
	assert_renders(&cl, "root=UUID=03d031db-430b-446b-af4e-5090765d85c7 ro "
			    "resume=UUID=f578fdc3-d268-4440-b9bb-1f5d6704633b video=efifb:off "
			    "cgroup_disable=files apparmor=0 console=tty0 hugepagesz=32M "
			    "hugepages=2048 vfio_iommu_type1.allow_unsafe_interrupts=1 nokaslr");
	kx_cmdline_deinit(&cl);
}

// Rebuild the exact segment kexec-tools made, from the line minus its extras.
static void test_loongarch_kexec_segment(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse(jd_segment, KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(kx_cmdline_length(&cl), 621);
	assert_kx_ok(kx_cmdline_check_size(&cl, 4096));
	assert_kx_err(kx_cmdline_check_size(&cl, 512), KX_ERROR_OVERFLOW,
		      "command line is 622 bytes, limit 512: 110 too many");

	static const char *const reuse[] = { "kexec", "kexec_file", "initrd", NULL };
	assert_int_equal(kx_cmdline_remove_names(&cl, reuse), 2);
	assert_int_equal(kx_cmdline_remove(&cl, "elfcorehdr"), 1);
	assert_int_equal(kx_cmdline_remove(&cl, "mem"), 1);
	assert_renders(&cl, JD_BOOT_IMAGE " " JD_BASE " " AAA);

	assert_kx_ok(kx_cmdline_prepend(&cl, "kexec"));
	assert_kx_ok(kx_cmdline_append_param(&cl, "initrd", "2973040640,48938496"));
	assert_kx_ok(kx_cmdline_append(&cl, "elfcorehdr=8K@3882992K"));
	assert_kx_ok(kx_cmdline_append_param(&cl, "mem", "1048576K@2834432K"));
	assert_renders(&cl, jd_segment);
	kx_cmdline_deinit(&cl);
}

// The 512-byte kernel kept 511 characters and its NUL: the limit counts the NUL.
static void test_loongarch_capture_truncated(void **state)
{
	(void)state;
	assert_int_equal(strlen(jd_capture_truncated), 511);
	struct kx_cmdline cl = parse(jd_capture_truncated, KX_CMDLINE_QUOTE_KERNEL);
	assert_kx_ok(kx_cmdline_check_size(&cl, 512));
	assert_kx_err(kx_cmdline_check_size(&cl, 511), KX_ERROR_OVERFLOW,
		      "command line is 512 bytes, limit 511: 1 too many");

	// --reuse-cmdline in the capture kernel keeps the elfcorehdr/mem it got.
	static const char *const reuse[] = { "BOOT_IMAGE", "kexec", "kexec_file", "initrd", NULL };
	assert_int_equal(kx_cmdline_remove_names(&cl, reuse), 3);
	assert_renders(&cl, JD_BASE " elfcorehdr=8K@3882992K mem=1048576K@2834432K vfio_i");
	const struct kx_cmdline_param *p = kx_cmdline_find_last(&cl, "cgroup_disable");
	assert_non_null(p);
	assert_string_equal(p->value, "memory");
	kx_cmdline_deinit(&cl);
}

// x86_64 (illustrative Debian-style line; COMMAND_LINE_SIZE 2048).
static void test_x86_64_boundary(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse("BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 "
				     "root=UUID=6d5f1e7a-8c1b-4f0e-9f3e-2a4b5c6d7e8f ro quiet "
				     "crashkernel=384M-:128M\n",
				     KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(kx_cmdline_remove(&cl, "crashkernel"), 1);
	assert_int_equal(kx_cmdline_remove(&cl, "BOOT_IMAGE"), 1);
	assert_renders(&cl, "root=UUID=6d5f1e7a-8c1b-4f0e-9f3e-2a4b5c6d7e8f ro quiet");
	kx_cmdline_deinit(&cl);

	// A 2047-character line plus its NUL fills 2048 exactly.
	char *big = malloc(2048 + 1);
	assert_non_null(big);
	memset(big, 'x', 2048);
	big[0] = 'a';
	big[1] = '=';
	big[2047] = '\0';
	cl = parse(big, KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(kx_cmdline_length(&cl), 2047);
	assert_kx_ok(kx_cmdline_check_size(&cl, 2048));
	assert_kx_err(kx_cmdline_check_size(&cl, 2047), KX_ERROR_OVERFLOW,
		      "command line is 2048 bytes, limit 2047: 1 too many");
	assert_kx_ok(kx_cmdline_append(&cl, "b"));
	assert_int_equal(kx_cmdline_length(&cl), 2049);
	assert_kx_err(kx_cmdline_check_size(&cl, 2048), KX_ERROR_OVERFLOW,
		      "command line is 2050 bytes, limit 2048: 2 too many");
	assert_kx_ok(kx_cmdline_check_size(&cl, 4096));
	kx_cmdline_deinit(&cl);
	free(big);
}

static void test_empty_and_spaces(void **state)
{
	(void)state;
	static const char *const empties[] = { "", " ", "\n", "   \t  \n", "\t\v\f\r" };
	for (size_t i = 0; i < KX_ARRAY_SIZE(empties); i++) {
		struct kx_cmdline cl = parse(empties[i], KX_CMDLINE_QUOTE_KERNEL);
		assert_int_equal(cl.count, 0);
		assert_renders(&cl, "");
		assert_kx_ok(kx_cmdline_check_size(&cl, 1));
		assert_kx_err(kx_cmdline_check_size(&cl, 0), KX_ERROR_OVERFLOW,
			      "command line is 1 bytes, limit 0");
		kx_cmdline_deinit(&cl);
	}
	struct kx_cmdline cl = parse("  a \t b\n\nc   ", KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 3);
	assert_renders(&cl, "a b c");
	assert_int_equal(kx_cmdline_remove(&cl, "zzz"), 0);
	kx_cmdline_deinit(&cl);
	kx_cmdline_deinit(&cl); // deinit leaves an empty, reusable list
	assert_kx_ok(kx_cmdline_append(&cl, "x"));
	assert_renders(&cl, "x");
	kx_cmdline_deinit(&cl);
}

static void test_quoted_values(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse("quiet dyndbg=\"file x.c +p\" \"a b\" \"c=d e\" loglevel=7",
				     KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 5);
	assert_string_equal(cl.params[1].text, "dyndbg=\"file x.c +p\"");
	assert_string_equal(cl.params[1].name, "dyndbg");
	assert_string_equal(cl.params[1].value, "file x.c +p");
	assert_string_equal(cl.params[2].name, "a b");
	assert_null(cl.params[2].value);
	assert_string_equal(cl.params[3].name, "c");
	assert_string_equal(cl.params[3].value, "d e");
	assert_int_equal(kx_cmdline_remove(&cl, "quiet"), 1);
	assert_int_equal(kx_cmdline_remove(&cl, "a b"), 1);
	assert_renders(&cl, "dyndbg=\"file x.c +p\" \"c=d e\" loglevel=7");
	kx_cmdline_deinit(&cl);
}

// next_arg() corner cases, each as the kernel reads it.
static void test_kernel_quirks(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse("=x a= b d=x\"y z\"w e==f \"g\" \"\"",
				     KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 7);
	assert_string_equal(cl.params[0].name, "=x"); // '=' at the start does not count
	assert_null(cl.params[0].value);
	assert_string_equal(cl.params[1].name, "a");
	assert_string_equal(cl.params[1].value, "");
	assert_null(cl.params[2].value);
	assert_string_equal(cl.params[3].name, "d"); // quotes inside a value stay
	assert_string_equal(cl.params[3].value, "x\"y z\"w");
	assert_string_equal(cl.params[4].name, "e");
	assert_string_equal(cl.params[4].value, "=f");
	assert_string_equal(cl.params[5].name, "g");
	assert_null(cl.params[5].value);
	assert_string_equal(cl.params[6].name, "");
	assert_renders(&cl, "=x a= b d=x\"y z\"w e==f \"g\" \"\"");
	kx_cmdline_deinit(&cl);

	// A lone opening quote: empty value; the quote is closed when stored.
	cl = parse("c=\"", KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 1);
	assert_string_equal(cl.params[0].name, "c");
	assert_string_equal(cl.params[0].value, "");
	assert_renders(&cl, "c=\"\"");
	kx_cmdline_deinit(&cl);

	// Every '"' toggles, even mid-parameter: this is one parameter.
	cl = parse("a\"b c\"=d e", KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 2);
	assert_string_equal(cl.params[0].name, "a\"b c\"");
	assert_string_equal(cl.params[0].value, "d");
	kx_cmdline_deinit(&cl);
}

static void test_unbalanced_quote(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse("a b=\"x y  z\n", KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 2);
	assert_string_equal(cl.params[1].value, "x y  z"); // runs to the end, "\n" dropped
	assert_string_equal(cl.params[1].text, "b=\"x y  z\"");
	assert_kx_ok(kx_cmdline_append(&cl, "c=1"));
	assert_renders(&cl, "a b=\"x y  z\" c=1");
	kx_cmdline_deinit(&cl);

	cl = parse("\"whole param", KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 1);
	assert_string_equal(cl.params[0].name, "whole param");
	assert_renders(&cl, "\"whole param\"");
	kx_cmdline_deinit(&cl);

	cl = parse("a='x y", KX_CMDLINE_QUOTE_SHELL);
	assert_string_equal(cl.params[0].value, "x y");
	assert_renders(&cl, "a='x y'");
	kx_cmdline_deinit(&cl);
}

// kdumpctl's shellspec case, and the same text as the kernel would split it.
static void test_shell_dialect(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse("a b='x y' c", KX_CMDLINE_QUOTE_SHELL);
	assert_int_equal(cl.count, 3);
	assert_string_equal(cl.params[1].value, "x y");
	assert_int_equal(kx_cmdline_remove(&cl, "b"), 1);
	assert_renders(&cl, "a c");
	kx_cmdline_deinit(&cl);

	cl = parse("a b='x y' c", KX_CMDLINE_QUOTE_KERNEL);
	assert_int_equal(cl.count, 4);
	assert_int_equal(kx_cmdline_remove(&cl, "b"), 1);
	assert_renders(&cl, "a y' c");
	kx_cmdline_deinit(&cl);

	cl = parse("msg=\"it's\" 'q=a \"b\"' d=\"e f\"", KX_CMDLINE_QUOTE_SHELL);
	assert_int_equal(cl.count, 3);
	assert_string_equal(cl.params[0].value, "it's");
	assert_string_equal(cl.params[1].name, "q");
	assert_string_equal(cl.params[1].value, "a \"b\"");
	assert_string_equal(cl.params[2].value, "e f");
	kx_cmdline_deinit(&cl);
}

static bool empty_value(const struct kx_cmdline_param *p, void *arg)
{
	(void)arg;
	return p->value && !*p->value;
}

static void test_remove(void **state)
{
	(void)state;
	// kdumpctl drops `foo=` tokens; its fixed removal list follows.
	struct kx_cmdline cl = parse("a foo= root=/dev/sda1 b=1 c= rd.lvm.lv=vg/root "
				     "crashkernel=1G,high crashkernel=256M,low quiet",
				     KX_CMDLINE_QUOTE_SHELL);
	assert_int_equal(kx_cmdline_remove_if(&cl, empty_value, NULL), 2);
	static const char *const always[] = { "crashkernel", "panic_on_warn", "root",
					      "rd.lvm.lv", "rd.luks.uuid", NULL };
	assert_int_equal(kx_cmdline_remove_names(&cl, always), 4);
	assert_renders(&cl, "a b=1 quiet");
	kx_cmdline_deinit(&cl);

	// Whole names only: unlike kexec-tools' prefix match, these survive.
	cl = parse("kexec initrd=0x1,0x2 initrdmem=5 kexec_jump_back_entry=0x10 kexec_file",
		   KX_CMDLINE_QUOTE_KERNEL);
	static const char *const reuse[] = { "kexec", "initrd", NULL };
	assert_int_equal(kx_cmdline_remove_names(&cl, reuse), 2);
	assert_renders(&cl, "initrdmem=5 kexec_jump_back_entry=0x10 kexec_file");
	static const char *const none[] = { NULL };
	assert_int_equal(kx_cmdline_remove_names(&cl, none), 0);
	// No '-'/'_' equivalence.
	assert_int_equal(kx_cmdline_remove(&cl, "kexec-file"), 0);
	kx_cmdline_deinit(&cl);
}

static void test_find(void **state)
{
	(void)state;
	struct kx_cmdline cl = parse("console=tty0 quiet console=ttyS0,115200", KX_CMDLINE_QUOTE_KERNEL);
	const struct kx_cmdline_param *p = kx_cmdline_find_last(&cl, "console");
	assert_non_null(p);
	assert_string_equal(p->value, "ttyS0,115200");
	assert_true(kx_cmdline_has(&cl, "quiet"));
	assert_false(kx_cmdline_has(&cl, "consol"));
	assert_null(kx_cmdline_find_last(&cl, "nokaslr"));
	kx_cmdline_deinit(&cl);
}

static void test_append_param(void **state)
{
	(void)state;
	struct kx_cmdline cl;
	kx_cmdline_init(&cl, KX_CMDLINE_QUOTE_KERNEL);
	assert_kx_ok(kx_cmdline_append_param(&cl, "nokaslr", NULL));
	assert_kx_ok(kx_cmdline_append_param(&cl, "dyndbg", "file x.c +p"));
	assert_kx_ok(kx_cmdline_append_param(&cl, "foo", ""));
	assert_kx_ok(kx_cmdline_append_param(&cl, "elfcorehdr", "8K@3882992K"));
	assert_renders(&cl, "nokaslr dyndbg=\"file x.c +p\" foo= elfcorehdr=8K@3882992K");
	assert_string_equal(cl.params[1].value, "file x.c +p");
	assert_kx_err(kx_cmdline_append_param(&cl, "", "x"), KX_ERROR_INVALID_ARG,
		      "invalid kernel parameter name \"\"");
	assert_kx_err(kx_cmdline_append_param(&cl, "a b", NULL), KX_ERROR_INVALID_ARG,
		      "invalid kernel parameter name");
	assert_kx_err(kx_cmdline_append_param(&cl, "a=b", "c"), KX_ERROR_INVALID_ARG,
		      "invalid kernel parameter name");
	assert_kx_err(kx_cmdline_append_param(&cl, "a", "say \"hi\""), KX_ERROR_INVALID_ARG,
		      "value of kernel parameter a cannot contain quotes");
	assert_kx_err(kx_cmdline_append_param(&cl, "a", "x\ny"), KX_ERROR_INVALID_ARG,
		      "newlines");
	assert_int_equal(cl.count, 4);
	assert_kx_ok(kx_cmdline_prepend(&cl, "  "));
	assert_kx_ok(kx_cmdline_prepend(&cl, "kexec  first"));
	assert_renders(&cl, "kexec first nokaslr dyndbg=\"file x.c +p\" foo= elfcorehdr=8K@3882992K");
	kx_cmdline_deinit(&cl);
}

// Enough parameters to make the array grow several times.
static void test_many_params(void **state)
{
	(void)state;
	struct kx_cmdline cl;
	kx_cmdline_init(&cl, KX_CMDLINE_QUOTE_KERNEL);
	for (int i = 0; i < 100; i++) {
		char buf[16];
		snprintf(buf, sizeof(buf), "p%d=%d", i % 10, i);
		assert_kx_ok(kx_cmdline_append(&cl, buf));
	}
	assert_int_equal(cl.count, 100);
	assert_string_equal(kx_cmdline_find_last(&cl, "p3")->value, "93");
	assert_int_equal(kx_cmdline_remove(&cl, "p3"), 10);
	assert_int_equal(cl.count, 90);
	assert_string_equal(cl.params[3].text, "p4=4");
	kx_cmdline_deinit(&cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loongarch_first_kernel),
		cmocka_unit_test(test_loongarch_kexec_segment),
		cmocka_unit_test(test_loongarch_capture_truncated),
		cmocka_unit_test(test_x86_64_boundary),
		cmocka_unit_test(test_empty_and_spaces),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_kernel_quirks),
		cmocka_unit_test(test_unbalanced_quote),
		cmocka_unit_test(test_shell_dialect),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_append_param),
		cmocka_unit_test(test_many_params),
	};
	KX_RUN_TESTS(tests);
}
