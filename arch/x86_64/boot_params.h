/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file boot_params.h
 * The x86 boot protocol's data: the bzImage setup header and the
 * boot_params "zero page" handed to the kernel's 64-bit entry in %rsi.
 *
 * Layouts are Documentation/arch/x86/boot.rst ("The Real-Mode Kernel
 * Header", "Details of Header Fields", "64-bit Boot Protocol") and
 * arch/x86/include/uapi/asm/bootparam.h (struct boot_params, struct
 * setup_header, struct boot_e820_entry, struct setup_data). The zero page
 * is built as bytes with the little-endian helpers, never as a packed
 * struct, so every offset below is spelled out once, here.
 */
#ifndef KX_X86_64_BOOT_PARAMS_H
#define KX_X86_64_BOOT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"

/** Offsets in boot_params (and, from 0x1f1, in a bzImage file). */
enum kx_x86_64_bp_offset {
	KX_BP_EXT_MEM_K = 0x002,         /**< u16, screen_info.ext_mem_k */
	KX_BP_ACPI_RSDP_ADDR = 0x070,    /**< u64 (protocol 2.14) */
	KX_BP_EXT_RAMDISK_IMAGE = 0x0c0, /**< u32: high half of ramdisk_image */
	KX_BP_EXT_RAMDISK_SIZE = 0x0c4,  /**< u32: high half of ramdisk_size */
	KX_BP_EXT_CMD_LINE_PTR = 0x0c8,  /**< u32: high half of cmd_line_ptr */
	KX_BP_EFI_INFO = 0x1c0,          /**< struct efi_info, 32 bytes */
	KX_BP_ALT_MEM_K = 0x1e0,         /**< u32 */
	KX_BP_E820_ENTRIES = 0x1e8,      /**< u8 */
	KX_BP_HDR = 0x1f1,               /**< struct setup_header starts */
	KX_BP_SETUP_SECTS = 0x1f1,       /**< u8; 0 means 4 */
	KX_BP_BOOT_FLAG = 0x1fe,         /**< u16 0xAA55 */
	KX_BP_JUMP = 0x200,              /**< u16: 0xEB, offset of start_of_setup - 0x202 */
	KX_BP_HEADER = 0x202,            /**< "HdrS" */
	KX_BP_VERSION = 0x206,           /**< u16 protocol version */
	KX_BP_TYPE_OF_LOADER = 0x210,    /**< u8 */
	KX_BP_LOADFLAGS = 0x211,         /**< u8 */
	KX_BP_RAMDISK_IMAGE = 0x218,     /**< u32 */
	KX_BP_RAMDISK_SIZE = 0x21c,      /**< u32 */
	KX_BP_HEAP_END_PTR = 0x224,      /**< u16 */
	KX_BP_CMD_LINE_PTR = 0x228,      /**< u32 (2.02) */
	KX_BP_INITRD_ADDR_MAX = 0x22c,   /**< u32 (2.03), inclusive */
	KX_BP_KERNEL_ALIGNMENT = 0x230,  /**< u32 (2.05) */
	KX_BP_RELOCATABLE = 0x234,       /**< u8 (2.05) */
	KX_BP_MIN_ALIGNMENT = 0x235,     /**< u8 log2 (2.10) */
	KX_BP_XLOADFLAGS = 0x236,        /**< u16 (2.12) */
	KX_BP_CMDLINE_SIZE = 0x238,      /**< u32 (2.06), without the NUL */
	KX_BP_HARDWARE_SUBARCH = 0x23c,  /**< u32 (2.07) */
	KX_BP_HARDWARE_SUBARCH_DATA = 0x240, /**< u64 (2.07) */
	KX_BP_SETUP_DATA = 0x250,        /**< u64 list head (2.09) */
	KX_BP_PREF_ADDRESS = 0x258,      /**< u64 (2.10) */
	KX_BP_INIT_SIZE = 0x260,         /**< u32 (2.10) */
	KX_BP_HDR_LIMIT = 0x290,         /**< edd_mbr_sig_buffer: the header cannot reach past */
	KX_BP_E820_TABLE = 0x2d0,        /**< struct boot_e820_entry[128] */
	KX_BP_SIZE = 0x1000,             /**< the zero page */
};

enum {
	KX_BP_E820_MAX = 128,          /**< E820_MAX_ENTRIES_ZEROPAGE */
	KX_BP_E820_ENTRY_SIZE = 20,    /**< packed {u64 addr, u64 size, u32 type} */
	KX_BP_MIN_VERSION = 0x020c,    /**< 2.12: xloadflags, the 64-bit entry */
	KX_BP_LOADED_HIGH = 0x01,      /**< loadflags bit 0 */
	KX_BP_XLF_KERNEL_64 = 0x01,    /**< has the 64-bit entry at +0x200 */
	KX_BP_XLF_ABOVE_4G = 0x02,     /**< XLF_CAN_BE_LOADED_ABOVE_4G */
	KX_BP_XLF_EFI_KEXEC = 0x10,    /**< kexec may pass EFI info */
	KX_BP_STARTUP_64 = 0x200,      /**< the 64-bit entry's offset in the loaded kernel */
	/** LOADER_TYPE_KEXEC: boot.rst assigns ID 0xD to kexec-tools, version 0. */
	KX_BP_LOADER_KEXEC = 0xd0,
	KX_SETUP_E820_EXT = 1,         /**< setup_data type */
	KX_SETUP_DATA_HDR = 16,        /**< {u64 next; u32 type; u32 len} */
};

/** E820 types (arch/x86/include/asm/e820/types.h). */
enum kx_x86_64_e820_type {
	KX_E820_RAM = 1,
	KX_E820_RESERVED = 2,
	KX_E820_ACPI = 3,
	KX_E820_NVS = 4,
	KX_E820_UNUSABLE = 5,
	KX_E820_PMEM = 7,
	KX_E820_PRAM = 12,
};

/** One boot_e820_entry, host form. */
struct kx_x86_64_e820_entry {
	uint64_t addr; /**< start */
	uint64_t size; /**< bytes */
	uint32_t type; /**< enum kx_x86_64_e820_type */
};

/** An e820 table under construction. Heap array; kx_x86_64_e820_deinit(). */
struct kx_x86_64_e820 {
	struct kx_x86_64_e820_entry *entries; /**< @c count used, sorted by addr once built */
	size_t count;                         /**< entries used */
	size_t cap;                           /**< room */
};

/** The fields of a bzImage setup header a loader needs, checked. */
struct kx_x86_64_setup_header {
	uint16_t version;          /**< protocol version, >= 0x020c */
	uint8_t loadflags;         /**< LOADED_HIGH set */
	uint16_t xloadflags;       /**< XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G set */
	bool relocatable;          /**< relocatable_kernel */
	uint32_t initrd_addr_max;  /**< inclusive */
	uint32_t kernel_alignment; /**< a power of two */
	uint32_t cmdline_size;     /**< without the NUL */
	uint64_t pref_address;     /**< preferred (link-time) load address */
	uint32_t init_size;        /**< memory the kernel needs from its load address */
	size_t setup_size;         /**< (setup_sects + 1) * 512: where the 64-bit kernel starts in the file */
	size_t hdr_end;            /**< end of the header bytes (0x202 + jump offset), <= 0x290 */
};

/**
 * Parse and check the setup header of a bzImage (boot.rst): at least 1024
 * bytes, boot_flag 0xAA55, "HdrS", version >= 2.12, LOADED_HIGH,
 * XLF_KERNEL_64 and XLF_CAN_BE_LOADED_ABOVE_4G, a setup size inside the
 * file with a payload after it, a power-of-two kernel_alignment, an
 * init_size covering the payload. Every offset is checked against @p size.
 * @param[out] ret filled on success.
 * @return KX_ERROR_CORRUPT or KX_ERROR_UNSUPPORTED with the reason (no file
 *         name: the caller adds it).
 */
struct kx_error *kx_x86_64_setup_header_parse(const void *buf, size_t size,
					      struct kx_x86_64_setup_header *ret);

/** Free the entries. NULL-safe; the table is empty afterwards. */
void kx_x86_64_e820_deinit(struct kx_x86_64_e820 *t);

/** Append one entry (size 0 is ignored). */
struct kx_error *kx_x86_64_e820_add(struct kx_x86_64_e820 *t, uint64_t addr, uint64_t size,
				    uint32_t type);

/** Sort by address (stable). */
void kx_x86_64_e820_sort(struct kx_x86_64_e820 *t);

/** The e820 type of a memory-map type. */
uint32_t kx_x86_64_e820_type_of(enum kx_mem_type type);

/**
 * The e820 table of a typed memory map (the firmware map), or of @p ram as
 * all-RAM when @p map is empty.
 * @param[out] ret caller kx_x86_64_e820_deinit()s it.
 */
struct kx_error *kx_x86_64_e820_from_map(const struct kx_mem_map *map,
					 const struct kx_ranges *ram,
					 struct kx_x86_64_e820 *ret);

/**
 * Copy the setup header bytes [0x1f1, hdr->hdr_end) of @p image into the
 * zero page @p zp (KX_BP_SIZE bytes, zeroed by the caller) and set what a
 * boot loader sets: type_of_loader, no setup_data of the image's.
 */
void kx_x86_64_bp_copy_header(uint8_t *zp, const void *image,
			      const struct kx_x86_64_setup_header *hdr);

/** cmd_line_ptr and ext_cmd_line_ptr. */
void kx_x86_64_bp_set_cmdline(uint8_t *zp, uint64_t addr);

/** ramdisk_image/size and their ext_ halves (0, 0 for none). */
void kx_x86_64_bp_set_ramdisk(uint8_t *zp, uint64_t addr, uint64_t size);

/**
 * Write the first 128 entries of @p t into e820_table and e820_entries.
 * @return how many were written; the rest need kx_x86_64_bp_e820_ext().
 */
size_t kx_x86_64_bp_set_e820(uint8_t *zp, const struct kx_x86_64_e820 *t);

/**
 * A SETUP_E820_EXT setup_data node holding entries [@p first, count) of
 * @p t (next = 0).
 * @param[out] ret_buf malloc'd node. @param[out] ret_size its size.
 */
struct kx_error *kx_x86_64_bp_e820_ext(const struct kx_x86_64_e820 *t, size_t first,
				       void **ret_buf, size_t *ret_size);

#endif /* KX_X86_64_BOOT_PARAMS_H */
