/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file kexec_test_run.h
 * Running kexec's program body (kx_kexec_run) inside a unit test: an argv
 * built from arguments, a fake root under tests/data, a dry-run syscall
 * layer, a loader table of the test's choosing, and stdout/stderr captured.
 *
 * Include after cmocka.h, test_util.h and kexec.h.
 */
#ifndef KX_KEXEC_TEST_RUN_H
#define KX_KEXEC_TEST_RUN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "syscall.h"

/** What one run printed and returned. Free with kx_test_run_free(). */
struct kx_test_run {
	int status;
	char *out, *err;
};

/**
 * Run `kexec --root=<tests/data/ROOT> ARGS...` (NULL-terminated @p ap).
 * @param sys a dry-run layer the test configured, or NULL for a fresh one.
 */
static inline struct kx_test_run kx_test_run_kexec(struct kx_sys *sys,
						   const struct kx_image_loader *const *loaders,
						   const char *root, va_list ap)
{
	char *argv[32] = { "kexec" }, rootopt[4200];
	int argc = 1;
	snprintf(rootopt, sizeof(rootopt), "--root=%s", kx_test_data(root));
	argv[argc++] = rootopt;
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	struct kx_kexec_opts o;
	assert_kx_ok(kx_kexec_opts_parse(argc, argv, &o));
	struct kx_test_run r = { 0 };
	size_t n1, n2;
	FILE *out = open_memstream(&r.out, &n1), *err = open_memstream(&r.err, &n2);
	struct kx_sys own;
	if (!sys) {
		kx_sys_init_dry_run(&own, out);
		sys = &own;
	}
	sys->out = out;
	struct kx_kexec_ctx ctx = { out, err, sys, loaders };
	r.status = kx_kexec_run(&o, &ctx);
	fclose(out);
	fclose(err);
	kx_kexec_opts_deinit(&o);
	return r;
}

static inline void kx_test_run_free(struct kx_test_run *r)
{
	free(r->out);
	free(r->err);
}

#endif /* KX_KEXEC_TEST_RUN_H */
