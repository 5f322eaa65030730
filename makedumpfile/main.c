// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile: filter and compress a vmcore into a dump file.
//
// main() only parses, dispatches and turns an error into one line and an
// exit code; the work lives in libkxmakedumpfile.a.
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "options.h"

// Exit codes as upstream: 0 success, 1 failure, 2 release mismatch (-i).
enum { EXIT_MISMATCH = 2 };

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: makedumpfile [OPTION]... VMCORE DUMPFILE\n"
		"       makedumpfile -F [OPTION]... VMCORE\n"
		"       makedumpfile -R DUMPFILE\n"
		"Filter out unneeded pages of a kernel crash dump and compress the rest.\n"
		"\n"
		" -c, -l, -z        compress each page with zlib, lzo or zstd\n"
		" -d LEVEL[,LEVEL]  exclude pages: 1 zero, 2 cache, 4 private cache, 8 user, 16 free\n"
		" -E                write an ELF dump instead of kdump-compressed\n"
		" -F                write a flattened stream to standard output\n"
		" -R                rebuild DUMPFILE from a flattened stream on standard input\n"
		" -f                overwrite an existing DUMPFILE\n"
		" -L SIZE           stop writing at SIZE bytes (the dump is marked incomplete)\n"
		" -D                debug messages\n"
		" --message-level N 1 progress, 2 common, 4 error, 8 debug, 16 report (default 7)\n"
		" --cyclic-buffer KiB, --num-threads N, --non-mmap, --dry-run, --show-stats\n"
		" --check-params    only check the command line\n"
		" -h, --help        print this help and exit\n"
		" -v                print the version and exit\n");
}

static void version(void)
{
	printf("makedumpfile: version %s (%s)\n", PACKAGE_VERSION, PACKAGE_NAME);
	printf("lzo\tenabled\nsnappy\tdisabled\nzstd\tenabled\n");
}

int main(int argc, char **argv)
{
	struct kx_mdf_opts opts;
	struct kx_error *err = kx_mdf_opts_parse(argc, argv, &opts);
	if (err) {
		fprintf(stderr, "makedumpfile: %s\n", err->message);
		fprintf(stderr, "Try 'makedumpfile --help' for more information.\n");
		kx_error_destroy(err);
		return EXIT_FAILURE;
	}
	if (opts.mode == KX_MDF_HELP) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (opts.mode == KX_MDF_VERSION) {
		version();
		return EXIT_SUCCESS;
	}
	if (opts.check_params)
		return EXIT_SUCCESS;
	fprintf(stderr, "makedumpfile: dumping is not implemented in this build yet\n");
	fprintf(stderr, "\nmakedumpfile Failed.\n");
	return EXIT_FAILURE;
}
