/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file image_x86_64.h
 * The x86_64 kexec_load image loaders (arch/loader.h), in upstream's probe
 * order: "elf-x86_64" (an uncompressed vmlinux, ET_EXEC) then "bzImage64"
 * (boot protocol 2.12+ with the 64-bit entry). Both enter the kernel
 * through the purgatory with %rsi = boot_params (linux_boot.h).
 *
 * The *_load_with() variants take the purgatory as a table, so unit tests
 * can run the whole layout with a stand-in purgatory; the loaders' load()
 * is the same call with kx_x86_64_purgatory_default.
 */
#ifndef KX_X86_64_IMAGE_H
#define KX_X86_64_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "linux_boot.h"
#include "loader.h"

/** "bzImage64". */
extern const struct kx_image_loader kx_x86_64_bzimage64_loader;
/** "elf-x86_64". */
extern const struct kx_image_loader kx_x86_64_elf_loader;
/** kx_x86_64_bzimage64_loader's probe: kx_x86_64_setup_header_parse() accepts it. */
bool kx_x86_64_bzimage_probe(const void *buf, size_t size);

/**
 * Load a bzImage: linux_boot.h's steps with the protected-mode kernel
 * (the file past (setup_sects + 1) * 512) placed top-down at a multiple of
 * kernel_alignment, at or above max(1 MiB, pref_address), memsz
 * max(payload, init_size); entry (through the purgatory) its startup_64 at
 * +0x200. A kernel that is not relocatable goes at pref_address exactly.
 * @return the setup header's error for an image probe would refuse
 *         (-t bzImage64 forces the loader), builder/purgatory errors.
 */
struct kx_error *kx_x86_64_bzimage_load_with(const struct kx_load_input *in,
					     struct kx_load_builder *b,
					     const struct kx_x86_64_purgatory_ops *pops);

/**
 * Check an x86_64 vmlinux: ELF64 little-endian, EM_X86_64, ET_EXEC, a
 * program header table inside the file with at least one PT_LOAD, each
 * PT_LOAD's file bytes inside the file and filesz <= memsz.
 * @param[out] ret_nloads may be NULL.
 * @return KX_ERROR_CORRUPT / KX_ERROR_UNSUPPORTED with the reason.
 */
struct kx_error *kx_x86_64_elf_check(const void *buf, size_t size, size_t *ret_nloads);

/** kx_x86_64_elf_loader's probe: kx_x86_64_elf_check() accepts it. */
bool kx_x86_64_elf_probe(const void *buf, size_t size);

/**
 * Load a vmlinux: every PT_LOAD at its p_paddr (page-aligned down, memsz
 * covering p_memsz), then linux_boot.h's steps with a minimal setup header;
 * entry e_entry, converted to physical through the PT_LOAD whose virtual
 * range holds it (vmlinux's e_entry is already physical on current
 * kernels). --args-elf (ELF boot notes) is refused; Linux boot_params are
 * always passed.
 */
struct kx_error *kx_x86_64_elf_load_with(const struct kx_load_input *in,
					 struct kx_load_builder *b,
					 const struct kx_x86_64_purgatory_ops *pops);

#endif /* KX_X86_64_IMAGE_H */
