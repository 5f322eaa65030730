// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kver.h"
#include "test_util.h"

static void test_real_releases(void **state)
{
	(void)state;
	static const struct {
		const char *release;
		uint32_t want;
	} cases[] = {
		{ "6.1.0-18-amd64", 0x060100 },
		{ "4.16.18-197", 0x041012 },
		{ "6.12.8-100.fc40.x86_64", 0x060c08 },
		{ "6.6.0-97.0.0.102.oe2403sp2.loongarch64", 0x060600 },
		{ "4.19.90-52.22.v2207.ky10.loongarch64", 0x04135a },
		{ "5.4.0-rc8", 0x050400 },
		{ "6.3.0-rc3+", 0x060300 },
		{ "2.6.32-754.el6.x86_64", 0x020620 },
		{ "5.10.300", 0x050aff }, // the patch level saturates like the kernel's
		{ "7.1", 0x070100 },
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(cases); i++) {
		uint32_t v = 0;
		assert_kx_ok(kx_kver_parse(cases[i].release, &v));
		assert_int_equal(v, cases[i].want);
	}
	assert_true(kx_kver(6, 9, 0) < kx_kver(6, 10, 0));
	assert_true(kx_kver(4, 15, 255) < kx_kver(4, 16, 0));
}

static void test_malformed(void **state)
{
	(void)state;
	uint32_t v = 42;
	assert_kx_err(kx_kver_parse("", &v), KX_ERROR_CORRUPT, "does not start with MAJOR.MINOR");
	assert_kx_err(kx_kver_parse("linux-6.1", &v), KX_ERROR_CORRUPT, "\"linux-6.1\"");
	assert_kx_err(kx_kver_parse("6", &v), KX_ERROR_CORRUPT, "MAJOR.MINOR");
	assert_kx_err(kx_kver_parse("6.", &v), KX_ERROR_CORRUPT, "MAJOR.MINOR");
	assert_kx_err(kx_kver_parse("6.1.", &v), KX_ERROR_CORRUPT, "MAJOR.MINOR");
	assert_kx_err(kx_kver_parse("256.1", &v), KX_ERROR_CORRUPT, "MAJOR.MINOR");
	assert_kx_err(kx_kver_parse("1234567890.1", &v), KX_ERROR_CORRUPT, "MAJOR.MINOR");
	assert_int_equal(v, 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_releases),
		cmocka_unit_test(test_malformed),
	};
	KX_RUN_TESTS(tests);
}
