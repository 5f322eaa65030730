/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file efi_x86_64.h
 * What an x86_64 kernel booted through EFI hands on to the kernel it
 * kexecs (kexec_load path), as kexec-tools' setup_efi_info() does (kexec.md
 * §4.3 step 7), so that the new kernel keeps EFI runtime services:
 *
 * - boot_params.efi_info (0x1c0, 32 bytes): copied from the running
 *   kernel's boot_params (/sys/kernel/boot_params/data), which holds the
 *   loader signature ("EL64") and the system table address; the memory
 *   map fields are then pointed at the runtime map below, with
 *   efi_memdesc_size 40;
 * - a SETUP_EFI setup_data node: struct efi_setup_data
 *   (arch/x86/include/asm/efi.h) = {fw_vendor, __unused (kexec-tools
 *   writes the runtime services address there; kernels since 5.x ignore
 *   it), tables, smbios, reserved[8]}, 96 bytes, from
 *   /sys/firmware/efi/{fw_vendor,runtime,config_table} and the "SMBIOS="
 *   line of /sys/firmware/efi/systab;
 * - the EFI runtime map: one 40-byte efi_memory_desc_t {u32 type, u32 pad,
 *   u64 phys_addr, u64 virt_addr, u64 num_pages, u64 attribute} per
 *   /sys/firmware/efi/runtime-map/N/ (Documentation/ABI/testing/
 *   sysfs-firmware-efi-runtime-map), in the order of N. kexec-tools takes
 *   readdir() order; the kernel numbers the directories in its memmap
 *   order, so numeric order is the same map without the randomness.
 *
 * Nothing is passed (found = false) when any of it is missing, exactly
 * where kexec-tools gives up: no boot_params file, an efi_info with
 * efi_memmap_size 0 (not an EFI boot), a memory descriptor version other
 * than 1 (upstream's "efi memory descriptor version %d is not supported!"),
 * no /sys/firmware/efi/systab, fw_vendor, runtime or config_table, or an
 * empty runtime map. Files that exist but hold no number are errors.
 */
#ifndef KX_X86_64_EFI_H
#define KX_X86_64_EFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_root;

enum {
	KX_EFI_INFO_SIZE = 32,        /**< struct efi_info */
	KX_EFI_MEMDESC_SIZE = 40,     /**< efi_memory_desc_t as passed */
	KX_EFI_SETUP_DATA_SIZE = 96,  /**< struct efi_setup_data */
	KX_SETUP_EFI = 4,             /**< setup_data type */
	/** Offsets in efi_info. */
	KX_EFI_INFO_MEMDESC_SIZE = 8,
	KX_EFI_INFO_MEMDESC_VERSION = 12,
	KX_EFI_INFO_MEMMAP = 16,
	KX_EFI_INFO_MEMMAP_SIZE = 20,
	KX_EFI_INFO_MEMMAP_HI = 28,
};

/** The EFI hand-over, read from the running system. kx_x86_64_efi_deinit(). */
struct kx_x86_64_efi {
	/** efi_info as the new kernel gets it, memmap fields still to be set. */
	uint8_t info[KX_EFI_INFO_SIZE];
	/** The efi_setup_data payload of the SETUP_EFI node. */
	uint8_t setup[KX_EFI_SETUP_DATA_SIZE];
	uint8_t *map;     /**< runtime map descriptors, malloc'd */
	size_t map_size;  /**< bytes at @c map (a multiple of 40) */
};

/**
 * Read everything under @p root (see the file comment).
 * @param[out] ret filled when @p *ret_found; then kx_x86_64_efi_deinit() it.
 * @param[out] ret_found false: pass no EFI information.
 * @return KX_ERROR_CORRUPT naming a file that exists but is malformed;
 *         KX_ERROR_NOMEM.
 */
struct kx_error *kx_x86_64_efi_read(const struct kx_root *root, struct kx_x86_64_efi *ret,
				    bool *ret_found);

/** Free the map. NULL-safe. */
void kx_x86_64_efi_deinit(struct kx_x86_64_efi *efi);

/**
 * Point the memory map fields of @p efi's efi_info at @p map_mem and
 * write the result into the zero page @p zp.
 */
void kx_x86_64_efi_put_info(const struct kx_x86_64_efi *efi, uint8_t *zp, uint64_t map_mem);

/**
 * The value of the line "KEY=0x..." of /sys/firmware/efi/systab under
 * @p root ("ACPI20", "ACPI", "SMBIOS"); 0 when there is no such file or line.
 */
uint64_t kx_x86_64_efi_systab(const struct kx_root *root, const char *key);

/** True when /sys/firmware/efi/runtime-map exists under @p root. */
bool kx_x86_64_efi_has_runtime_map(const struct kx_root *root);

#endif /* KX_X86_64_EFI_H */
