// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl/crashkernel.c: default tables, the range syntax, showmem's size.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch.h"
#include "crashkernel.h"
#include "root.h"
#include "test_util.h"

#define MIB(x) ((uint64_t)(x) << 20)
#define GIB(x) ((uint64_t)(x) << 30)

static uint64_t rec(const char *table, uint64_t ram)
{
	uint64_t v = 12345;
	assert_kx_ok(kx_crashkernel_recommend(table, ram, &v));
	return v;
}

static void test_tables(void **state)
{
	(void)state;
	assert_string_equal(kx_crashkernel_default(&kx_arch_x86_64), "2G-64G:256M,64G-:512M");
	assert_string_equal(kx_crashkernel_default(&kx_arch_loongarch64), "2G-64G:512M,64G-:1G");
	const char *x = kx_crashkernel_default(&kx_arch_x86_64);
	assert_int_equal(rec(x, GIB(2) - MIB(128)), 0); // below 2G: nothing
	assert_int_equal(rec(x, GIB(2)), MIB(256));     // start inclusive
	assert_int_equal(rec(x, GIB(64) - 1), MIB(256));
	assert_int_equal(rec(x, GIB(64)), MIB(512));    // end exclusive
	assert_int_equal(rec(x, GIB(4096)), MIB(512));  // open end
	const char *l = kx_crashkernel_default(&kx_arch_loongarch64);
	assert_int_equal(rec(l, GIB(16)), MIB(512));
	assert_int_equal(rec(l, GIB(128)), GIB(1));
	// Unsorted, lower-case units, a flat size, an @offset.
	assert_int_equal(rec("4G-:1g,1G-4G:64m", GIB(2)), MIB(64));
	assert_int_equal(rec("512M", 0), MIB(512));
	assert_int_equal(rec("1G-:256M@16M", GIB(8)), MIB(256));
	assert_int_equal(rec("1T-:4G", GIB(8)), 0);
}

static void test_bad_tables(void **state)
{
	(void)state;
	uint64_t v;
	static const char *const bad[] = { "", "abc", "2G:256M", "2G-64G", "2G-64G:", "2G-1G:1M",
					   "2G-:1M,", "2X-:1M", "-:1M", "1G-:1M junk" };
	for (size_t i = 0; i < KX_ARRAY_SIZE(bad); i++)
		assert_kx_err(kx_crashkernel_recommend(bad[i], GIB(4), &v), KX_ERROR_INVALID_ARG,
			      "crashkernel table");
	assert_kx_err(kx_crashkernel_parse_size("16E", &v), KX_ERROR_OVERFLOW, "too large");
	assert_kx_err(kx_crashkernel_parse_size("99999999999999999999", &v), KX_ERROR_OVERFLOW,
		      "too large");
	assert_kx_err(kx_crashkernel_parse_size("12Q", &v), KX_ERROR_INVALID_ARG, "invalid size");
	assert_kx_ok(kx_crashkernel_parse_size("1k", &v));
	assert_int_equal(v, 1024);
	assert_kx_ok(kx_crashkernel_parse_size("4096", &v));
	assert_int_equal(v, 4096);
}

static void test_roots(void **state)
{
	(void)state;
	struct kx_root root;
	uint64_t ram, reserved;
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-16g")));
	assert_kx_ok(kx_crashkernel_system_ram(&root, &ram));
	// 16 GiB less the holes, rounded up to 128 MiB.
	assert_int_equal(ram % KX_CRASHKERNEL_RAM_ALIGN, 0);
	assert_true(ram > GIB(15) && ram <= GIB(16));
	assert_int_equal(rec(kx_crashkernel_default(&kx_arch_x86_64), ram), MIB(256));
	assert_kx_ok(kx_crashkernel_reserved(&root, &reserved));
	assert_int_equal(reserved >> 20, 256);
	kx_root_deinit(&root);
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/loongarch64-16g")));
	assert_kx_ok(kx_crashkernel_system_ram(&root, &ram));
	assert_int_equal(rec(kx_crashkernel_default(&kx_arch_loongarch64), ram), MIB(512));
	assert_kx_ok(kx_crashkernel_reserved(&root, &reserved));
	assert_int_equal(reserved >> 20, 512);
	kx_root_deinit(&root);
	// The 2 GiB cloud-hypervisor VM: 2 GiB of RAM less firmware bits still
	// rounds into 2G- (upstream's GiB floor would give nothing).
	assert_kx_ok(kx_root_init(&root, kx_test_data("roots/x86_64-2g-cloudhypervisor")));
	assert_kx_ok(kx_crashkernel_system_ram(&root, &ram));
	assert_int_equal(ram, GIB(2));
	assert_kx_err(kx_crashkernel_reserved(&root, &reserved), KX_ERROR_OS, "kexec_crash_size");
	kx_root_deinit(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_roots),
	};
	KX_RUN_TESTS(tests);
}
