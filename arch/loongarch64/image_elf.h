/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file image_elf.h
 * The "elf-loongarch" loader: a LoongArch vmlinux (ELF64, little-endian,
 * EM_LOONGARCH 258, ET_EXEC or ET_DYN, no PT_INTERP).
 *
 * A LoongArch vmlinux records DMW *virtual* addresses in p_paddr
 * (0x9000000000200000 for a kernel linked at 0x200000), so every p_paddr
 * and e_entry is masked to 48 bits. The PT_LOAD segments are laid out as
 * one kernel image: text_offset = the lowest physical p_paddr, image size
 * = up to the end of the highest p_paddr + p_memsz, the file bytes of each
 * PT_LOAD copied to its place, gaps and bss zero.
 *
 * kexec -p needs a relocatable kernel (CONFIG_RELOCATABLE, selected by
 * CRASH_DUMP since 6.3): one with a non-empty `.la_abs` section, the list
 * of la.abs sites relocate.c patches when the kernel runs away from its
 * link address. Without it the load fails with a clear error.
 */
#ifndef KX_LOONGARCH64_IMAGE_ELF_H
#define KX_LOONGARCH64_IMAGE_ELF_H

#include <stdbool.h>
#include <stddef.h>

#include "boot_loongarch64.h"
#include "error.h"
#include "loader.h"

/** The loader ("elf-loongarch"). */
extern const struct kx_image_loader kx_loongarch64_elf_loader;

/** ELF64 LSB, EM_LOONGARCH, ET_EXEC or ET_DYN. */
bool kx_loongarch64_elf_probe(const void *buf, size_t size);

/**
 * Lay out the PT_LOADs of a probed ELF image as one kernel image.
 * @param path for messages. @param[out] ret ret->buf malloc'd.
 * @return KX_ERROR_CORRUPT "PATH: ..." for headers or segments outside the
 *         file, no PT_LOAD, a PT_INTERP, bad values; KX_ERROR_NOMEM.
 */
struct kx_error *kx_loongarch64_elf_kernel(const void *buf, size_t size, const char *path,
					   struct kx_loongarch64_kernel *ret);

/**
 * Does the image have a non-empty ".la_abs" section (a relocatable kernel)?
 * @param[out] ret the answer; false also when there are no section headers.
 * @return KX_ERROR_CORRUPT for section headers or names outside the file.
 */
struct kx_error *kx_loongarch64_elf_relocatable(const void *buf, size_t size,
						const char *path, bool *ret);

#endif /* KX_LOONGARCH64_IMAGE_ELF_H */
