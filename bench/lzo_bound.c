// SPDX-License-Identifier: GPL-2.0-only
// The single-core bound for makedumpfile -l: LZO1X-1-compress the pages a
// dump holds, nothing else, and report the CPU time it takes.
//
//   lzo_bound VMCORE          every RAM page of the ELF vmcore (-d 0)
//   lzo_bound VMCORE DUMP     the non-zero pages set in the 2nd bitmap of
//                             DUMP, a kdump-compressed dump of VMCORE
//                             (what -d N compresses)
//
// Pages are read into memory in 64 MiB chunks first, so the compression
// time excludes I/O. No makedumpfile, however it reads, can compress those
// pages on one core in less time. Bench code: hostile input is not handled.
// Build: cc -O2 -o lzo_bound bench/lzo_bound.c -llzo2 -lelf
#include <fcntl.h>
#include <gelf.h>
#include <lzo/lzo1x.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { PS = 4096, CHUNK = 16384 };  // pages per chunk: 64 MiB

struct stats {
	unsigned long long pages, out;
	double read_s, lzo_s;
};

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void compress_chunk(const unsigned char *pages, size_t n, struct stats *st)
{
	static unsigned char out[PS + PS / 16 + 64 + 3];
	static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
	double t = cpu_now();
	for (size_t i = 0; i < n; i++) {
		lzo_uint len = sizeof(out);
		lzo1x_1_compress(pages + i * PS, PS, out, &len, wrk);
		st->out += len < PS ? len : PS;
	}
	st->lzo_s += cpu_now() - t;
	st->pages += n;
}

// Queue the page at file offset @off; compress the chunk when it is full.
static void add_page(int fd, uint64_t off, unsigned char *chunk, size_t *n, int skip_zero,
		     struct stats *st)
{
	static const unsigned char zero[PS];
	double t = cpu_now();
	if (pread(fd, chunk + *n * PS, PS, (off_t)off) != PS)
		exit((perror("pread"), 1));
	st->read_s += cpu_now() - t;
	if (skip_zero && !memcmp(chunk + *n * PS, zero, PS))
		return;  // makedumpfile stores zero pages without compressing them
	if (++*n == CHUNK) {
		compress_chunk(chunk, *n, st);
		*n = 0;
	}
}

// The file offset of physical page @pfn in a RAM PT_LOAD, or -1.
static int64_t pfn_offset(Elf *e, size_t nph, uint64_t pfn)
{
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		uint64_t pa = pfn * PS;
		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    ph.p_vaddr < 0xffffffff80000000 && pa >= ph.p_paddr &&
		    pa + PS <= ph.p_paddr + ph.p_filesz)
			return (int64_t)(ph.p_offset + pa - ph.p_paddr);
	}
	return -1;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

// The 2nd bitmap of a kdump-compressed file, and its size in bytes.
static unsigned char *dump_bitmap2(const char *path, size_t *size)
{
	unsigned char h[464];
	int fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, h, sizeof(h), 0) != sizeof(h) || memcmp(h, "KDUMP   ", 8))
		exit((fprintf(stderr, "%s: not a kdump-compressed file\n", path), 1));
	uint64_t bs = le32(h + 428), sub = le32(h + 432), blocks = le32(h + 436);
	*size = blocks * bs / 2;
	unsigned char *bm = malloc(*size);
	if (!bm || pread(fd, bm, *size, (off_t)((1 + sub) * bs + *size)) != (ssize_t)*size)
		exit((fprintf(stderr, "%s: cannot read the 2nd bitmap\n", path), 1));
	close(fd);
	return bm;
}

static void run(Elf *e, int fd, size_t nph, const char *dump, struct stats *st)
{
	unsigned char *chunk = malloc((size_t)CHUNK * PS);
	size_t n = 0, bm_size = 0;
	unsigned char *bm = dump ? dump_bitmap2(dump, &bm_size) : NULL;
	for (size_t i = 0; !dump && i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    ph.p_vaddr >= 0xffffffff80000000)
			continue;
		for (uint64_t off = 0; off + PS <= ph.p_filesz; off += PS)
			add_page(fd, ph.p_offset + off, chunk, &n, 0, st);
	}
	for (uint64_t pfn = 0; pfn < bm_size * 8; pfn++) {
		int64_t off = bm[pfn / 8] >> (pfn % 8) & 1 ? pfn_offset(e, nph, pfn) : -1;
		if (off >= 0)
			add_page(fd, (uint64_t)off, chunk, &n, 1, st);
	}
	compress_chunk(chunk, n, st);
	free(bm);
	free(chunk);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || lzo_init() != LZO_E_OK)
		return fprintf(stderr, "usage: lzo_bound VMCORE [DUMP]\n"), 2;
	int fd = open(argv[1], O_RDONLY);
	elf_version(EV_CURRENT);
	Elf *e = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);
	size_t nph;
	if (!e || elf_getphdrnum(e, &nph))
		return fprintf(stderr, "%s: not an ELF vmcore\n", argv[1]), 1;
	struct stats st = { 0 };
	run(e, fd, nph, argc == 3 ? argv[2] : NULL, &st);
	printf("pages %llu (%.0f MiB)  lzo1x_1 %.3f s CPU (%.0f MiB/s)  compressed to %llu bytes"
	       "  [reading them: %.3f s CPU]\n", st.pages, st.pages * PS / 1048576.0, st.lzo_s,
	       st.pages * PS / 1048576.0 / st.lzo_s, st.out, st.read_s);
	return 0;
}
