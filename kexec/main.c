// SPDX-License-Identifier: GPL-2.0-only
// kexec: load a kernel to be booted later by kexec -e or by a panic.
// Thin: parse the command line, run (kexec.c), exit with its status.
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "arch.h"
#include "kexec.h"
#include "options.h"

int main(int argc, char **argv)
{
	struct kx_kexec_opts opts;
	struct kx_sys sys;
	struct kx_error *err = kx_kexec_opts_parse(argc, argv, &opts);
	if (err) {
		fprintf(stderr, "kexec: %s\nTry 'kexec --help' for more information.\n",
			err->message);
		kx_error_destroy(err);
		return EXIT_FAILURE;
	}
	// KX_ROOT stands in for --root (read-only uses; see options.h).
	if (!opts.root)
		opts.root = getenv("KX_ROOT");
	if (opts.dry_run)
		kx_sys_init_dry_run(&sys, stdout);
	else
		kx_sys_init_real(&sys, kx_arch_host());
	struct kx_kexec_ctx ctx = { .out = stdout, .err = stderr, .sys = &sys };
	int status = kx_kexec_run(&opts, &ctx);
	kx_kexec_opts_deinit(&opts);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kexec: write error on standard output\n");
		return status ? status : EXIT_FAILURE;
	}
	return status;
}
