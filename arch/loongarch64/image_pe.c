// SPDX-License-Identifier: GPL-2.0-only
// The LoongArch vmlinux.efi loader: see image_pe.h.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "image_pe.h"

enum {
	HDR_ENTRY = 0x08,
	HDR_ASIZE = 0x10,
	HDR_TEXT_OFFSET = 0x18,
	HDR_PE_OFFSET = 0x3c,
	HDR_SIZE = 0x40,
	// upstream's get_pehdr_offset() limit
	PE_OFFSET_MAX = 4096,
	// "PE\0\0" + machine
	PE_SIG_SIZE = 6,
};

bool kx_loongarch64_pe_probe(const void *buf, size_t size)
{
	const unsigned char *b = buf;
	if (size < HDR_SIZE || b[0] != 'M' || b[1] != 'Z' || memcmp(b + 4, "zimg", 4) == 0)
		return false;
	uint32_t pe = kx_get_le32(b + HDR_PE_OFFSET);
	if (pe > PE_OFFSET_MAX || pe > size - PE_SIG_SIZE)
		return false;
	return memcmp(b + pe, "PE\0\0", 4) == 0 &&
	       kx_get_le16(b + pe + 4) == KX_LOONGARCH64_PE_MACHINE;
}

struct kx_error *kx_loongarch64_pe_kernel(const void *buf, size_t size, const char *path,
					  struct kx_loongarch64_kernel *ret)
{
	const unsigned char *b = buf;
	if (!kx_loongarch64_pe_probe(buf, size))
		return kx_error_file(KX_ERROR_CORRUPT, path, "not a LoongArch PE image");
	struct kx_loongarch64_kernel k = {
		.image_size = kx_get_le64(b + HDR_ASIZE),
		.text_offset = kx_get_le64(b + HDR_TEXT_OFFSET),
		// Kernels before the 2024 header change stored a DMW virtual address.
		.entry = kx_get_le64(b + HDR_ENTRY) & KX_LOONGARCH64_PHYS_MASK,
	};
	// A signed image may carry its certificate table past the memory image.
	k.bufsz = size < k.image_size ? size : (size_t)k.image_size;
	KX_TRY(kx_loongarch64_boot_check(&k, path));
	k.buf = malloc(k.bufsz ? k.bufsz : 1);
	if (!k.buf)
		return &kx_enomem;
	memcpy(k.buf, buf, k.bufsz);
	*ret = k;
	return NULL;
}

static struct kx_error *pe_load(const struct kx_load_input *in, struct kx_load_builder *b)
{
	struct kx_loongarch64_kernel k;
	KX_TRY(kx_loongarch64_pe_kernel(in->kernel, in->kernel_size, in->kernel_path, &k));
	return kx_loongarch64_boot_load(in, b, &k);
}

const struct kx_image_loader kx_loongarch64_pe_loader = {
	.name = "pei-loongarch",
	.probe = kx_loongarch64_pe_probe,
	.load = pe_load,
	.usage = NULL,
};
