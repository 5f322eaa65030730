// SPDX-License-Identifier: GPL-2.0-only
// mkimage_loongarch64 OUT KERNEL_ENTRY MODE: the host half of the LoongArch
// purgatory test (run.sh). Relocates the embedded LoongArch purgatory for
// 0x40000000 with window 0 (user mode cannot map the 0x9000... direct-map
// window, so dmw_base is patched to 0 and the fake segments sit at their
// "physical" addresses in the harness's address space), patches
// kernel_entry = KERNEL_ENTRY (the harness's check function), sets the
// digest over three fake segments, then applies MODE:
//   ok          nothing
//   flip-data   flip one byte of a segment's buffer
//   flip-pad    set a byte in a segment's zero padding
//   flip-last   flip the last byte of the last segment
//   skip-flip   skip_checks = 1, then flip-data
// and writes an image file harness_loongarch64 maps: "KXPIMG01", u64 entry,
// u64 count, then count × {u64 addr, u64 memsz, u64 datasz, data}.
// Exit 77 when this build has no LoongArch purgatory.
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "purgatory.h"
#include "mock_builder.h"

static const uint64_t purgatory_base = 0x40000000;

static void die(struct kx_error *err)
{
	if (!err)
		return;
	fprintf(stderr, "mkimage_loongarch64: %s\n", err->message);
	exit(1);
}

static void put64(FILE *f, uint64_t v)
{
	unsigned char b[8];
	kx_put_le64(b, v);
	fwrite(b, 1, 8, f);
}

int main(int argc, char **argv)
{
	struct mock_builder m;
	struct kx_purgatory *p;
	uint64_t entry;

	if (argc != 4) {
		fprintf(stderr, "usage: mkimage_loongarch64 OUT KERNEL_ENTRY MODE\n");
		return 2;
	}
	if (kx_purgatory_loongarch64_blob_size == 0) {
		fprintf(stderr, "this build has no LoongArch purgatory\n");
		return 77;
	}
	const char *mode = argv[3];
	uint64_t kentry = strtoull(argv[2], NULL, 16);

	mock_builder_init(&m, purgatory_base);
	die(kx_purgatory_create(kx_purgatory_loongarch64_blob, kx_purgatory_loongarch64_blob_size,
				"LoongArch purgatory", 258, &p));
	die(kx_purgatory_place(p, &m.b, 0, UINT64_MAX, KX_HOLE_FIRST_FIT, 0));
	// Segment 1: a "kernel": 0x5000 bytes of data in 0x10000.
	unsigned char *k = malloc(0x5000);
	for (size_t i = 0; i < 0x5000; i++)
		k[i] = (unsigned char)(i * 7 + (i >> 9));
	die(m.b.ops->add_segment(&m.b, k, 0x5000, 0x41000000, 0x10000, "kernel"));
	// Segment 2: all zero, no buffer.
	die(m.b.ops->add_segment(&m.b, NULL, 0, 0x42000000, 0x10000, "zero"));
	// Segment 3: the LoongArch command line segment.
	char *cl = calloc(1, 4096);
	strcpy(cl, "kexec console=ttyS0,115200 root=/dev/vda");
	die(m.b.ops->add_segment(&m.b, cl, 4096, 0x43000000, 0x10000, "cmdline"));

	die(kx_purgatory_set_uint(p, "kernel_entry", kentry, 8));
	die(kx_purgatory_set_uint(p, "dmw_base", 0, 8));
	die(kx_purgatory_set_uint(p, "skip_checks", strcmp(mode, "skip-flip") == 0, 1));
	die(kx_purgatory_set_digest(p, &m.b, NULL, 0));
	die(kx_purgatory_entry(p, &entry));

	// After the digest: corrupt what the kernel would have copied.
	size_t kdata = 0x5000;
	unsigned char *kfull = calloc(1, 0x10000);
	memcpy(kfull, k, 0x5000);
	if (strcmp(mode, "flip-data") == 0 || strcmp(mode, "skip-flip") == 0) {
		kfull[0x1234] ^= 0x20;
	} else if (strcmp(mode, "flip-pad") == 0) {
		kfull[0x8000] = 1;
		kdata = 0x10000;
	} else if (strcmp(mode, "flip-last") == 0) {
		cl[4095] ^= 1;
	} else if (strcmp(mode, "ok") != 0) {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}

	FILE *f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fwrite("KXPIMG01", 1, 8, f);
	put64(f, entry);
	put64(f, 4);
	put64(f, kx_purgatory_mem(p));
	put64(f, kx_purgatory_memsz(p));
	put64(f, kx_purgatory_bufsz(p));
	fwrite(kx_purgatory_image(p), 1, kx_purgatory_bufsz(p), f);
	put64(f, 0x41000000);
	put64(f, 0x10000);
	put64(f, kdata);
	fwrite(kfull, 1, kdata, f);
	put64(f, 0x43000000);
	put64(f, 0x10000);
	put64(f, 4096);
	fwrite(cl, 1, 4096, f);
	put64(f, 0x42000000); // all zero: mapped, nothing to copy
	put64(f, 0x10000);
	put64(f, 0);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(kfull);
	kx_purgatory_destroy(p);
	mock_builder_deinit(&m);
	return 0;
}
