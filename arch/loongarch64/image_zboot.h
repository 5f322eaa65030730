/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file image_zboot.h
 * The "pez-loongarch" loader: an EFI zboot vmlinuz.efi, a small EFI
 * decompressor whose payload is the compressed vmlinux.efi padded to its
 * memory size (drivers/firmware/efi/libstub/zboot-header.S, Makefile.zboot):
 *
 * | offset | field |
 * |--------|-------|
 * | 0x00 | "MZ\0\0" |
 * | 0x04 | "zimg" |
 * | 0x08 | payload offset (u32, from the start of the file) |
 * | 0x0c | payload size (u32) |
 * | 0x18 | compression name, NUL-terminated: "gzip", "zstd22", "xzkern", "lzma", "lzo", "lz4" |
 * | 0x3c | PE header offset (machine 0x6264 for LoongArch) |
 *
 * Every method but gzip appends the uncompressed size as a le32 after the
 * stream; the payload size excludes it (ZBOOT_SIZE_LEN). gzip and zstd
 * ("zstd22", or "zstd") are supported; the others are a clear error.
 *
 * kexec_load: the payload is decompressed in memory and loaded as the
 * vmlinux.efi it is (image_pe.h). kexec_file_load: the kernel does not
 * understand zboot (kexec.md §3.5), so the decompressed image is what it
 * must read: kx_loongarch64_zboot_file_image() gives those bytes, for the
 * core to put in a sealed memfd (never a file in /tmp).
 */
#ifndef KX_LOONGARCH64_IMAGE_ZBOOT_H
#define KX_LOONGARCH64_IMAGE_ZBOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "loader.h"

/** The loader ("pez-loongarch"). */
extern const struct kx_image_loader kx_loongarch64_zboot_loader;

/** "MZ", "zimg" at 4, a LoongArch PE header (machine 0x6264). */
bool kx_loongarch64_zboot_probe(const void *buf, size_t size);

/**
 * Decompress the payload of a probed zboot image and check that it is a
 * LoongArch PE image (kx_loongarch64_pe_probe()).
 * @param path for messages.
 * @param[out] ret_buf malloc'd inner image; @param[out] ret_size its size.
 * @return KX_ERROR_CORRUPT "PATH: ..." for a payload outside the file, a
 *         truncated or corrupt stream, or an inner image that is not a
 *         LoongArch PE; KX_ERROR_UNSUPPORTED for other compressions;
 *         KX_ERROR_OVERFLOW past KX_LOONGARCH64_IMAGE_MAX; KX_ERROR_NOMEM.
 */
struct kx_error *kx_loongarch64_zboot_file_image(const void *buf, size_t size,
						 const char *path, void **ret_buf,
						 size_t *ret_size);

#endif /* KX_LOONGARCH64_IMAGE_ZBOOT_H */
