// SPDX-License-Identifier: GPL-2.0-only
// The single-core bound for makedumpfile -l: read every PT_LOAD page of an
// ELF vmcore and LZO1X-1-compress it, nothing else, and report the CPU time
// of each half. makedumpfile -l -d 0 cannot be faster than their sum on
// one core. Build: cc -O2 -o lzo_bound bench/lzo_bound.c -llzo2 -lelf
#include <fcntl.h>
#include <gelf.h>
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// One pass over every RAM PT_LOAD page: read it, and compress it when asked.
static unsigned long long pass(Elf *e, int fd, size_t n, int compress,
			       unsigned long long *bytes_out)
{
	static unsigned char page[4096], out[4096 + 4096 / 16 + 64 + 3];
	static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
	unsigned long long pages = 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    ph.p_vaddr >= 0xffffffff80000000)
			continue;
		for (uint64_t off = 0; off + 4096 <= ph.p_filesz; off += 4096) {
			if (pread(fd, page, 4096, (off_t)(ph.p_offset + off)) != 4096)
				exit((perror("pread"), 1));
			pages++;
			if (!compress)
				continue;
			lzo_uint len = sizeof(out);
			lzo1x_1_compress(page, 4096, out, &len, wrk);
			*bytes_out += len < 4096 ? len : 4096;
		}
	}
	return pages;
}

int main(int argc, char **argv)
{
	if (argc != 2 || lzo_init() != LZO_E_OK)
		return fprintf(stderr, "usage: lzo_bound VMCORE\n"), 2;
	int fd = open(argv[1], O_RDONLY);
	elf_version(EV_CURRENT);
	Elf *e = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);
	size_t n;
	if (!e || elf_getphdrnum(e, &n))
		return fprintf(stderr, "%s: not an ELF vmcore\n", argv[1]), 1;
	unsigned long long out = 0;
	double t0 = cpu_now();
	unsigned long long pages = pass(e, fd, n, 0, &out);
	double t1 = cpu_now();
	pass(e, fd, n, 1, &out);
	double t2 = cpu_now();
	double lzo = (t2 - t1) - (t1 - t0);
	printf("pages %llu  read %.2f s CPU  lzo1x_1 %.2f s CPU (%.0f MiB/s)  compressed to %llu bytes\n",
	       pages, t1 - t0, lzo, pages * 4096.0 / 1048576 / lzo, out);
	return 0;
}
