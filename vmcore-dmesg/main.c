// SPDX-License-Identifier: GPL-2.0-only
// vmcore-dmesg: print the kernel log of a crashed kernel from its vmcore.
//
// This build knows its command-line interface only; the printk reader lands
// with the kexec issue, and until then it fails loudly instead of pretending.
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

struct vmcore_dmesg_opts {
	int want_help;
	int want_version;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vmcore-dmesg [OPTION]... VMCORE\n"
		"Print the kernel log buffer of a crashed kernel.\n"
		"\n"
		" -h, --help     print this help and exit\n"
		" -v, --version  print the version and exit\n");
}

static int parse_args(int argc, char **argv, struct vmcore_dmesg_opts *opts)
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
	struct vmcore_dmesg_opts opts = { 0 };
	if (parse_args(argc, argv, &opts) < 0) {
		fprintf(stderr, "Try 'vmcore-dmesg --help' for more information.\n");
		return EXIT_FAILURE;
	}
	if (opts.want_help) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (opts.want_version) {
		printf("vmcore-dmesg (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "vmcore-dmesg: reading vmcores is not implemented in this build yet\n");
	return EXIT_FAILURE;
}
