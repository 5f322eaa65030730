/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file linux_boot.h
 * The part of an x86_64 kexec_load shared by the bzImage64 and elf-x86_64
 * loaders: everything around the kernel itself, in upstream's order
 * (do_bzImage64_load(), kexec.md §4.3):
 *
 *  kx_x86_64_boot_begin():
 *   1. crash loads: the ELF core header (builder crash_header op), placed
 *      top-down with 1 KiB alignment and at least 16 KiB, role
 *      "elfcorehdr"; the capture e820 and " elfcorehdr=..." follow from it;
 *   2. the purgatory, phase 1 (purgatory_x86_64.h);
 *   3. the zero page, 4096 bytes, top-down above 0x3000, role "bootparams";
 *      its bytes are filled in at the end;
 *  the loader places the kernel (role "kernel") and knows its 64-bit entry;
 *  kx_x86_64_boot_finish():
 *   4. the initrd: page-aligned, top-down, at or above 16 MiB (below
 *      initrd_addr_max unless the kernel takes it above 4 GiB), role
 *      "initrd";
 *   5. the command line in its own segment (NUL plus 64 spare bytes for the
 *      purgatory's " kexec_jump_back_entry=..."), top-down, role "cmdline";
 *   6. EFI (bzImages with XLF_EFI_KEXEC, without --noefi, when the running
 *      system booted through EFI: efi_x86_64.h): a SETUP_EFI node, role
 *      "setup_data", then the runtime map, role "efimap", both bottom-up
 *      above 1 MiB; efi_info points at the map;
 *   7. e820 entries past the zero page's 128 in a SETUP_E820_EXT node,
 *      bottom-up above 1 MiB, role "setup_data". Each node goes to the head
 *      of the setup_data list (upstream add_setup_data()), so the list
 *      reads E820_EXT -> EFI;
 *   8. the zero page's fields: header copied from the image (or a minimal
 *      one for ELF kernels), type_of_loader, cmd_line_ptr, ramdisk, e820,
 *      setup_data, and from /sys/kernel/boot_params/data when readable the
 *      hardware_subarch(_data) and acpi_rsdp_addr of the running kernel;
 *   9. the purgatory, phase 2: rip = entry, rsi = zero page, rbx = 0; under
 *      --hotplug (in->elfcorehdr_size) the elfcorehdr is left out of the
 *      digest, because the kernel rewrites it on CPU/memory hotplug.
 *
 * **Crash command line.** " acpi_rsdp=0x..." is added unless the capture
 * kernel can find ACPI through EFI: upstream adds it for images without
 * XLF_EFI_KEXEC, with --noefi, or without /sys/firmware/efi/runtime-map.
 *
 * FIXME: SETUP_RNG_SEED, EDD and screen_info are not carried.
 */
#ifndef KX_X86_64_LINUX_BOOT_H
#define KX_X86_64_LINUX_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_params.h"
#include "error.h"
#include "loader.h"
#include "purgatory_x86_64.h"

/**
 * The purgatory entry points as a table, so tests can stand in for the
 * blob (tests/unit/test_x86_bzimage.c); loaders use
 * kx_x86_64_purgatory_default.
 */
struct kx_x86_64_purgatory_ops {
	/** kx_x86_64_purgatory_place() */
	struct kx_error *(*place)(struct kx_load_builder *b, struct kx_x86_64_purgatory **ret);
	/** kx_x86_64_purgatory_finish() */
	struct kx_error *(*finish)(struct kx_x86_64_purgatory *p, struct kx_load_builder *b,
				   const struct kx_x86_64_purgatory_params *params);
	/** kx_x86_64_purgatory_destroy() */
	void (*destroy)(struct kx_x86_64_purgatory *p);
};

/** The real purgatory (purgatory_x86_64.h). */
extern const struct kx_x86_64_purgatory_ops kx_x86_64_purgatory_default;

/** One load in progress. Caller memory; kx_x86_64_boot_deinit(). */
struct kx_x86_64_boot {
	const struct kx_load_input *in;           /**< borrowed */
	struct kx_load_builder *b;                /**< borrowed */
	const struct kx_x86_64_purgatory_ops *pops; /**< borrowed */
	struct kx_x86_64_purgatory *purgatory;    /**< from phase 1 */
	uint8_t *zp;                              /**< the placed zero page (builder-owned) */
	uint64_t zp_mem;                          /**< its address */
	uint64_t hdr_mem, hdr_memsz;              /**< crash: the elfcorehdr segment */
	uint32_t cmdline_max;                     /**< the kernel's limit, without NUL */
	uint32_t initrd_max;                      /**< inclusive; UINT32_MAX + above_4g */
	bool above_4g;                            /**< initrd/cmdline may go anywhere */
	bool efi_kexec;                           /**< the image has XLF_EFI_KEXEC */
};

/**
 * Steps 1–3. @p image/@p hdr give the setup header to copy (bzImage), or
 * NULL for a minimal protocol-2.12 header (ELF vmlinux).
 * @return errors of the builder, the purgatory, or KX_ERROR_INVALID_ARG
 *         for a crash load without a crash region.
 */
struct kx_error *kx_x86_64_boot_begin(struct kx_x86_64_boot *st, const struct kx_load_input *in,
				      struct kx_load_builder *b,
				      const struct kx_x86_64_purgatory_ops *pops,
				      const void *image, const struct kx_x86_64_setup_header *hdr);

/**
 * Steps 4–8, with @p entry the kernel's 64-bit entry point (physical).
 * @return KX_ERROR_INVALID_ARG "Command line overflow..." when the command
 *         line exceeds the kernel's cmdline_size; builder and purgatory
 *         errors.
 */
struct kx_error *kx_x86_64_boot_finish(struct kx_x86_64_boot *st, uint64_t entry);

/** Free the purgatory handle. NULL-safe. */
void kx_x86_64_boot_deinit(struct kx_x86_64_boot *st);

/**
 * Upstream's --serial: "ttyS0".."ttyS3" are the legacy ports
 * 0x3f8, 0x2f8, 0x3e8, 0x2e8; otherwise a number (0x... or decimal).
 * @return KX_ERROR_INVALID_ARG for anything else.
 */
struct kx_error *kx_x86_64_parse_serial(const char *text, uint16_t *ret);

#endif /* KX_X86_64_LINUX_BOOT_H */
