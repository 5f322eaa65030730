// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_util.h"

static void test_create_formats_message(void **state)
{
	(void)state;
	struct kx_error *err = kx_error_create(KX_ERROR_CORRUPT, "bad %s at %d", "line", 7);
	assert_int_equal(err->code, KX_ERROR_CORRUPT);
	assert_string_equal(err->message, "bad line at 7");
	assert_null(err->path);
	kx_error_destroy(err);
}

static void test_os_error_names_file_and_errno(void **state)
{
	(void)state;
	struct kx_error *err = kx_error_os(ENOENT, "/proc/iomem", "cannot open");
	assert_int_equal(err->code, KX_ERROR_OS);
	assert_int_equal(err->errnum, ENOENT);
	assert_string_equal(err->path, "/proc/iomem");
	assert_string_equal(err->message,
			    "/proc/iomem: cannot open: No such file or directory");
	kx_error_destroy(err);

	err = kx_error_os(EIO, NULL, "read");
	assert_string_equal(err->message, "read: Input/output error");
	kx_error_destroy(err);
}

static void test_file_error(void **state)
{
	(void)state;
	struct kx_error *err = kx_error_file(KX_ERROR_CORRUPT, "/etc/kdump.conf",
					     "line %d: unknown directive", 3);
	assert_string_equal(err->message, "/etc/kdump.conf: line 3: unknown directive");
	assert_string_equal(err->path, "/etc/kdump.conf");
	kx_error_destroy(err);
}

static void test_prefix_reads_outermost_first(void **state)
{
	(void)state;
	struct kx_error *err = kx_error_create(KX_ERROR_CORRUPT, "short read");
	assert_ptr_equal(kx_error_prefix(err, "page descriptor at %d", 8192), err);
	kx_error_prefix(err, "vmcore");
	assert_string_equal(err->message, "vmcore: page descriptor at 8192: short read");
	kx_error_destroy(err);
}

/** Messages are formatted on the stack when they fit 255 bytes; longer ones too. */
static void test_message_lengths(void **state)
{
	(void)state;
	char want[2100];
	static const int lens[] = { 0, 254, 255, 256, 257, 1000 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct kx_error *err = kx_error_file(KX_ERROR_CORRUPT, "f", "%*s|", lens[i], "x");
		snprintf(want, sizeof(want), "f: %*s|", lens[i], "x");
		assert_string_equal(err->message, want);
		kx_error_prefix(err, "%*s", lens[i], "p");
		snprintf(want, sizeof(want), "%*s: f: %*s|", lens[i], "p", lens[i], "x");
		assert_string_equal(err->message, want);
		kx_error_destroy(err);
	}
}

static void test_enomem_is_static_and_safe(void **state)
{
	(void)state;
	assert_ptr_equal(kx_error_prefix(&kx_enomem, "x"), &kx_enomem);
	assert_string_equal(kx_enomem.message, "out of memory");
	kx_error_destroy(&kx_enomem);
	kx_error_destroy(NULL);
	assert_true(kx_error_is(&kx_enomem, KX_ERROR_NOMEM));
}

static void test_fault_and_catch(void **state)
{
	(void)state;
	struct kx_error *err = kx_error_fault(0xffff888000000000ULL, "not mapped");
	assert_int_equal(err->address, 0xffff888000000000ULL);
	assert_false(kx_error_catch(&err, KX_ERROR_NOT_FOUND));
	assert_non_null(err);
	assert_true(kx_error_catch(&err, KX_ERROR_FAULT));
	assert_null(err);
	assert_false(kx_error_is(NULL, KX_ERROR_FAULT));
}

static struct kx_error *checked(int v)
{
	KX_CHECK(v > 0, KX_ERROR_INVALID_ARG, "value %d is not positive", v);
	return NULL;
}

static struct kx_error *forwarded(int v)
{
	KX_TRY(checked(v));
	return NULL;
}

static void test_macros(void **state)
{
	(void)state;
	assert_kx_ok(forwarded(1));
	assert_kx_err(forwarded(-2), KX_ERROR_INVALID_ARG, "value -2 is not positive");
	assert_string_equal(kx_error_code_name(KX_ERROR_NOSPACE), "nospace");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_formats_message),
		cmocka_unit_test(test_os_error_names_file_and_errno),
		cmocka_unit_test(test_file_error),
		cmocka_unit_test(test_prefix_reads_outermost_first),
		cmocka_unit_test(test_message_lengths),
		cmocka_unit_test(test_enomem_is_static_and_safe),
		cmocka_unit_test(test_fault_and_catch),
		cmocka_unit_test(test_macros),
	};
	KX_RUN_TESTS(tests);
}
