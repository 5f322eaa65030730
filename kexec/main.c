// SPDX-License-Identifier: GPL-2.0-only
// kexec: load a kernel to be booted later by kexec -e or by a panic.
//
// This build knows its command-line interface only; the loaders land with
// the kexec issue, and until then every loading request fails loudly rather
// than pretending to work.
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch.h"

struct kexec_opts {
	int want_help;
	int want_version;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kexec [OPTION]... [kernel]\n"
		"Load a new kernel to be booted by kexec -e, or after a panic (-p).\n"
		"\n"
		" -h, --help     print this help and exit\n"
		" -v, --version  print the version and exit\n"
		"\n"
		"Supported architectures: x86_64, loongarch64 (this machine: %s).\n",
		kx_arch_host()->name);
}

static int parse_args(int argc, char **argv, struct kexec_opts *opts)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': opts->want_help = 1; break;
		case 'v': opts->want_version = 1; break;
		default: return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kexec_opts opts = { 0 };
	if (parse_args(argc, argv, &opts) < 0) {
		fprintf(stderr, "Try 'kexec --help' for more information.\n");
		return EXIT_FAILURE;
	}
	if (opts.want_help) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (opts.want_version) {
		printf("kexec (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "kexec: loading kernels is not implemented in this build yet\n");
	return EXIT_FAILURE;
}
