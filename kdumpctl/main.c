// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl: the kdump service (start, stop, status, ...).
//
// This build knows its command-line interface only; the commands land with
// the kdumpctl issue, and until then they fail loudly instead of pretending.
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kdumpctl {start|stop|status|restart|reload|rebuild|propagate|showmem|"
		"estimate|get-default-crashkernel|test}\n"
		"       kdumpctl --help | --version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("kdumpctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "kdump: %s: not implemented in this build yet\n", argv[1]);
	return EXIT_FAILURE;
}
