// SPDX-License-Identifier: GPL-2.0-only
// hog: a guest-side helper for the e2e harness, built on the host with
// `gcc -static` and put into the guest's initramfs (busybox has nothing that
// holds anonymous memory). Usage: hog MIB READY-FILE
//
// It allocates MIB MiB of anonymous memory and touches every page: the
// first three quarters get a non-zero pattern that differs per page (so
// the pages are user data, not zero pages, and compress like real data),
// the last quarter is written with zeros (anonymous pages that are
// resident but zero-filled, which -d 1 excludes by content). Then it
// creates READY-FILE and sleeps until it is killed (or the kernel
// crashes around it).
#define _DEFAULT_SOURCE // MAP_ANONYMOUS under -std=c11
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: hog MIB READY-FILE\n");
		return 2;
	}
	size_t mib = strtoul(argv[1], NULL, 10);
	size_t size = mib << 20;
	const size_t page = 4096;
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("hog: mmap");
		return 1;
	}
	size_t pattern_end = size / 4 * 3;
	for (size_t off = 0; off < size; off += page) {
		if (off < pattern_end) {
			uint64_t v = 0x6b78000000000000ull ^ (off / page);
			for (size_t i = 0; i < page; i += sizeof(v)) {
				v = v * 6364136223846793005ull + 1442695040888963407ull;
				memcpy(p + off + i, &v, sizeof(v));
			}
		} else {
			// Write, so the page is really allocated (not the
			// shared zero page a read fault would map).
			memset(p + off, 0, page);
		}
	}
	FILE *f = fopen(argv[2], "w");
	if (f == NULL) {
		perror("hog: ready file");
		return 1;
	}
	fprintf(f, "%zu\n", mib);
	fclose(f);
	printf("hog: %zu MiB touched (%zu MiB patterned, rest zero)\n", mib,
	       pattern_end >> 20);
	fflush(stdout);
	for (;;)
		pause();
}
