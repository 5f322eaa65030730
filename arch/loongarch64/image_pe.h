/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file image_pe.h
 * The "pei-loongarch" loader: a LoongArch EFI kernel, vmlinux.efi.
 *
 * Layout (kernel: arch/loongarch/include/asm/image.h, kernel/efi-header.S;
 * all little-endian):
 *
 * | offset | field |
 * |--------|-------|
 * | 0x00 | "MZ" |
 * | 0x08 | kernel_entry (u64): physical since 6.8-era kernels, a DMW virtual address before: masked to 48 bits |
 * | 0x10 | kernel_asize (u64): _end - _text, the image in memory |
 * | 0x18 | text_offset (u64): the physical link address (PHYS_LINK_KADDR, 0x200000) |
 * | 0x38 | LINUX_PE_MAGIC 0x818223cd (not checked, as upstream) |
 * | 0x3c | pe_header (u32): offset of "PE\0\0", then the COFF machine (u16) 0x6264 |
 *
 * The whole file goes at the load address (efi-header.S makes the file
 * image the memory image from _text), bss zero-filled up to kernel_asize.
 * A zboot vmlinuz.efi also has "MZ" and machine 0x6264: this probe refuses
 * images with "zimg" at offset 4 (image_zboot.h), and the loader table
 * lists zboot first anyway.
 */
#ifndef KX_LOONGARCH64_IMAGE_PE_H
#define KX_LOONGARCH64_IMAGE_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot_loongarch64.h"
#include "error.h"
#include "loader.h"

/** IMAGE_FILE_MACHINE_LOONGARCH64. */
static const uint16_t KX_LOONGARCH64_PE_MACHINE = 0x6264;

/** The loader ("pei-loongarch"). */
extern const struct kx_image_loader kx_loongarch64_pe_loader;

/**
 * Is @p buf a LoongArch PE image (and not a zboot one)? "MZ", a PE header
 * offset within the first 4 KiB and the file, "PE\0\0", machine 0x6264.
 */
bool kx_loongarch64_pe_probe(const void *buf, size_t size);

/**
 * Read the image header of a probed PE image into @p ret, copying the file
 * into ret->buf (at most kernel_asize bytes of it).
 * @param path for messages.
 * @return KX_ERROR_CORRUPT "PATH: ..." for a truncated header or bad values
 *         (kx_loongarch64_boot_check()), KX_ERROR_NOMEM.
 */
struct kx_error *kx_loongarch64_pe_kernel(const void *buf, size_t size, const char *path,
					  struct kx_loongarch64_kernel *ret);

#endif /* KX_LOONGARCH64_IMAGE_PE_H */
