// SPDX-License-Identifier: GPL-2.0-only
// The LoongArch EFI zboot loader: see image_zboot.h.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "boot_loongarch64.h"
#include "byteorder.h"
#include "decompress.h"
#include "image_pe.h"
#include "image_zboot.h"

enum {
	ZB_PAYLOAD_OFFSET = 0x08,
	ZB_PAYLOAD_SIZE = 0x0c,
	ZB_COMP = 0x18,
	ZB_COMP_END = 0x38, // LINUX_PE_MAGIC follows the name's room
	ZB_PE_OFFSET = 0x3c,
	ZB_HDR_SIZE = 0x40,
	PE_OFFSET_MAX = 4096,
};

bool kx_loongarch64_zboot_probe(const void *buf, size_t size)
{
	const unsigned char *b = buf;
	if (size < ZB_HDR_SIZE || b[0] != 'M' || b[1] != 'Z' || memcmp(b + 4, "zimg", 4) != 0)
		return false;
	uint32_t pe = kx_get_le32(b + ZB_PE_OFFSET);
	if (pe > PE_OFFSET_MAX || pe > size - 6)
		return false;
	return memcmp(b + pe, "PE\0\0", 4) == 0 &&
	       kx_get_le16(b + pe + 4) == KX_LOONGARCH64_PE_MACHINE;
}

// The compression name at 0x18, NUL-terminated within its room. The
// kernel's Makefile names zstd "zstd22" (its level); xz is "xzkern".
static struct kx_error *comp_of(const unsigned char *b, const char *path,
				enum kx_compression *ret)
{
	const char *name = (const char *)b + ZB_COMP;
	size_t n = strnlen(name, ZB_COMP_END - ZB_COMP);
	if (n == ZB_COMP_END - ZB_COMP)
		return kx_error_file(KX_ERROR_CORRUPT, path, "zboot compression name is not "
				     "NUL-terminated");
	static const struct { const char *name; enum kx_compression format; } names[] = {
		{ "gzip", KX_COMPRESSION_GZIP }, { "zstd22", KX_COMPRESSION_ZSTD },
		{ "zstd", KX_COMPRESSION_ZSTD }, { "xzkern", KX_COMPRESSION_XZ },
		{ "xz", KX_COMPRESSION_XZ }, { "lzma", KX_COMPRESSION_LZMA },
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*ret = names[i].format;
			return NULL;
		}
	}
	return kx_error_file(KX_ERROR_UNSUPPORTED, path, "zboot payload compressed with "
			     "\"%.*s\": only gzip, zstd, xz and lzma are supported", (int)n, name);
}

static struct kx_error *unpack(const unsigned char *b, size_t size, const char *path,
			       void **ret_buf, size_t *ret_size)
{
	enum kx_compression comp;
	uint32_t off = kx_get_le32(b + ZB_PAYLOAD_OFFSET), len = kx_get_le32(b + ZB_PAYLOAD_SIZE);
	if (off < ZB_HDR_SIZE || off > size || len > size - off || len == 0)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "zboot payload (0x%" PRIx32 " bytes at 0x%" PRIx32
				     ") is not inside the file of 0x%zx bytes", len, off, size);
	KX_TRY(comp_of(b, path, &comp));
	struct kx_error *err = kx_decompress(comp, b + off, len, (size_t)KX_LOONGARCH64_IMAGE_MAX,
					     path, ret_buf, ret_size);
	return kx_error_prefix(err, "zboot payload");
}

struct kx_error *kx_loongarch64_zboot_file_image(const void *buf, size_t size,
						 const char *path, void **ret_buf,
						 size_t *ret_size)
{
	void *inner = NULL;
	size_t inner_size = 0;
	if (!kx_loongarch64_zboot_probe(buf, size))
		return kx_error_file(KX_ERROR_CORRUPT, path, "not a LoongArch zboot image");
	struct kx_error *err = unpack(buf, size, path, &inner, &inner_size);
	if (!err && !kx_loongarch64_pe_probe(inner, inner_size))
		err = kx_error_file(KX_ERROR_CORRUPT, path,
				    "the decompressed zboot payload is not a LoongArch PE image");
	if (err) {
		free(inner);
		return err;
	}
	*ret_buf = inner;
	*ret_size = inner_size;
	return NULL;
}

static struct kx_error *zboot_load(const struct kx_load_input *in, struct kx_load_builder *b)
{
	void *inner;
	size_t size;
	struct kx_loongarch64_kernel k;
	KX_TRY(kx_loongarch64_zboot_file_image(in->kernel, in->kernel_size, in->kernel_path,
					       &inner, &size));
	struct kx_error *err = kx_loongarch64_pe_kernel(inner, size, in->kernel_path, &k);
	free(inner);
	if (err)
		return kx_error_prefix(err, "zboot payload");
	return kx_loongarch64_boot_load(in, b, &k);
}

const struct kx_image_loader kx_loongarch64_zboot_loader = {
	.name = "pez-loongarch",
	.probe = kx_loongarch64_zboot_probe,
	.load = zboot_load,
	.file_image = kx_loongarch64_zboot_file_image,
	.usage = NULL,
};
