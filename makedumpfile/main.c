// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile: filter and compress a vmcore into a dump file.
//
// This build knows its command-line interface only; dumping lands with the
// makedumpfile issue, and until then it fails loudly instead of pretending.
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

struct makedumpfile_opts {
	int want_help;
	int want_version;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: makedumpfile [OPTION]... VMCORE DUMPFILE\n"
		"Filter out unneeded pages of a kernel crash dump and compress the rest.\n"
		"\n"
		" -h, --help     print this help and exit\n"
		" -v             print the version and exit\n");
}

static int parse_args(int argc, char **argv, struct makedumpfile_opts *opts)
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
	struct makedumpfile_opts opts = { 0 };
	if (parse_args(argc, argv, &opts) < 0) {
		fprintf(stderr, "Try 'makedumpfile --help' for more information.\n");
		return EXIT_FAILURE;
	}
	if (opts.want_help) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (opts.want_version) {
		printf("makedumpfile: version %s (%s)\n", PACKAGE_VERSION, PACKAGE_NAME);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "makedumpfile: dumping is not implemented in this build yet\n");
	return EXIT_FAILURE;
}
