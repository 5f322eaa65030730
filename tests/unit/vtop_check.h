/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vtop_check.h
 * check_va() and check_fault(): assert what kx_vtop_translate() makes of
 * an address, for the page-table walk tests of every architecture.
 * Include after cmocka.h, inttypes.h, test_util.h and vtop.h.
 */
#ifndef KX_VTOP_CHECK_H
#define KX_VTOP_CHECK_H

#include <stdio.h>
#include <string.h>

static void check_va(const struct kx_vtop *vt, uint64_t va, uint64_t want_pa, uint64_t want_size)
{
	uint64_t pa = 0, size = 0;
	assert_kx_ok(kx_vtop_translate(vt, va, NULL, &pa, &size));
	assert_int_equal(pa, want_pa);
	assert_int_equal(size, want_size);
}

// A fault naming the address and the level, with err->address = va.
static void check_fault(const struct kx_vtop *vt, uint64_t va, const char *what)
{
	uint64_t pa = 0xdead;
	struct kx_error *err = kx_vtop_translate(vt, va, NULL, &pa, NULL);
	assert_non_null(err);
	assert_int_equal(err->address, va);
	char hex[32];
	snprintf(hex, sizeof(hex), "%#" PRIx64, va);
	assert_non_null(strstr(err->message, hex));
	assert_int_equal(pa, 0xdead); // untouched on failure
	assert_kx_err(err, KX_ERROR_FAULT, what);
}

#endif /* KX_VTOP_CHECK_H */
