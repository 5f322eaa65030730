/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file boot_loongarch64.h
 * The LoongArch kexec_load(2) boot protocol, shared by the three image
 * loaders (image_elf.c, image_pe.c, image_zboot.c): each turns its image
 * into a struct kx_loongarch64_kernel, and kx_loongarch64_boot_load()
 * places it with the command line, the initrd and, for kexec -p, the ELF
 * core header (kexec.md §3.2, §3.3).
 *
 * **What the kernel does with the segments** (arch/loongarch/kernel/
 * machine_kexec.c, 6.1+): machine_kexec_prepare() takes the first segment
 * (in address order) whose bytes start with "kexec" and copies
 * COMMAND_LINE_SIZE bytes of it to physical 0x108000; relocate_kernel.S is
 * copied to 0x100000. The new kernel is entered at the physical entry with
 * a0 = EFI boot flag, a1 = the command line's address, a2 = the EFI system
 * table, all inherited from the running kernel. So:
 *
 * | segment | where | size |
 * |---------|-------|------|
 * | kernel | normal: its link address text_offset; crash: ALIGN_UP(crash start + text_offset, 1 MiB) | image_size |
 * | elfcorehdr (-p) | top-down in the crash region | the header, 1 KiB multiple |
 * | initrd | top-down above the kernel and, unless "nokaslr", its KASLR window | the file |
 * | cmdline | bottom-up right after the kernel | COMMAND_LINE_SIZE (4096) |
 * | purgatory | last, where purgatory.h puts it (top-down) | its image |
 *
 * and nothing is ever placed in physical [0x100000, 0x200000). Sizes are
 * rounded to the running kernel's page size (16 KiB by default).
 *
 * **Command line**: "kexec " + the user's line, then (-p) " nokaslr" unless
 * the user gave nokaslr or kaslr, " initrd=START,SIZE" (decimal bytes,
 * init/do_mounts_initrd.c), (-p) " elfcorehdr=SIZEK@ADDRK" and one
 * " mem=SIZEK@STARTK" per crash region in address order
 * (arch/loongarch/kernel/setup.c early_parse_mem(): the first mem= drops
 * all memory, each adds one region back). The whole text with its NUL must
 * fit COMMAND_LINE_SIZE; upstream's check forgets the six-byte prefix.
 */
#ifndef KX_LOONGARCH64_BOOT_H
#define KX_LOONGARCH64_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"
#include "ranges.h"

/** Physical [start, end) the kernel keeps for its kexec code and command line. */
static const uint64_t KX_LOONGARCH64_KEXEC_AREA_START = 0x100000;
static const uint64_t KX_LOONGARCH64_KEXEC_AREA_END = 0x200000;
/** Mask of a DMW (direct-mapped window) virtual address to its physical one. */
static const uint64_t KX_LOONGARCH64_PHYS_MASK = 0xffffffffffffull;
/** The cached direct-map window: the core header's PT_LOAD p_vaddr base. */
static const uint64_t KX_LOONGARCH64_PAGE_OFFSET = 0x9000000000000000ull;
/** Crash kernels go at crash start + text_offset rounded up to this. */
static const uint64_t KX_LOONGARCH64_CRASH_KERNEL_ALIGN = 0x100000;
/**
 * CONFIG_RANDOMIZE_BASE_MAX_OFFSET's default: a KASLR kernel moves itself
 * by up to this much past its own end (arch/loongarch/kernel/relocate.c).
 */
static const uint64_t KX_LOONGARCH64_KASLR_MAX_OFFSET = 0x1000000;
/** Largest kernel image (in memory) a loader accepts. */
static const uint64_t KX_LOONGARCH64_IMAGE_MAX = (uint64_t)512 << 20;

/**
 * A kernel image ready to place: what each loader extracts from its format.
 * The loader fills it; kx_loongarch64_boot_load() consumes it.
 */
struct kx_loongarch64_kernel {
	/** Bytes that go at the load address (malloc'd; boot_load takes them). */
	void *buf;
	size_t bufsz;          /**< bytes at @c buf, at most @c image_size */
	uint64_t image_size;   /**< memory the kernel occupies (_end - _text) */
	uint64_t text_offset;  /**< physical link address (PHYS_LINK_KADDR) */
	/** Physical entry point when loaded at @c text_offset. */
	uint64_t entry;
};

/**
 * Check a kernel's numbers: image_size non-zero and at most
 * KX_LOONGARCH64_IMAGE_MAX, text_offset + image_size without wrap, the entry
 * inside the image, bufsz at most image_size.
 * @param path for messages.
 * @return KX_ERROR_CORRUPT "PATH: ..." naming the bad field.
 */
struct kx_error *kx_loongarch64_boot_check(const struct kx_loongarch64_kernel *k,
					   const char *path);

/** What goes after the user's command line (see the file comment). */
struct kx_loongarch64_cmdline_extras {
	bool crash;              /**< add nokaslr (unless given), elfcorehdr= and mem= */
	uint64_t initrd_start;   /**< physical address */
	uint64_t initrd_size;    /**< 0: no initrd= */
	uint64_t elfcorehdr;     /**< crash: header address (1 KiB aligned) */
	uint64_t elfcorehdr_size; /**< crash: its size in bytes */
	/** crash: every Crash kernel region, one mem= each; NULL or empty: none. */
	const struct kx_ranges *mem;
};

/**
 * Build the command-line segment's bytes.
 * @param user the user's command line (never NULL).
 * @param cap COMMAND_LINE_SIZE: the size of the buffer built.
 * @param[out] ret_buf malloc'd, @p cap bytes: the text, then zeros.
 * @return KX_ERROR_OVERFLOW "Command line overflow: ..." when the text and
 *         its NUL exceed @p cap; KX_ERROR_NOMEM.
 */
struct kx_error *kx_loongarch64_boot_cmdline(const char *user,
					     const struct kx_loongarch64_cmdline_extras *x,
					     size_t cap, char **ret_buf);

/**
 * Place @p k and everything else but the purgatory through @p b (the table
 * in the file comment), checking @p k first (kx_loongarch64_boot_check()).
 * Does not set the entry point.
 * @param k consumed: k->buf belongs to the builder (or is freed) on return.
 * @param[out] ret_entry the kernel's physical entry where it landed
 *             (load address + entry - text_offset).
 * @return KX_ERROR_CORRUPT from the check, KX_ERROR_INVALID_ARG for a kernel
 *         that overlaps the kexec area or does not fit where it must go,
 *         KX_ERROR_NOSPACE from placement, KX_ERROR_OVERFLOW for a too long
 *         command line, KX_ERROR_UNSUPPORTED when /proc/kallsyms hides
 *         addresses (-p), errors of the builder.
 */
struct kx_error *kx_loongarch64_boot_place(const struct kx_load_input *in,
					   struct kx_load_builder *b,
					   struct kx_loongarch64_kernel *k, uint64_t *ret_entry);

/**
 * What a loader's load() ends with: kx_loongarch64_boot_place(), then the
 * purgatory (purgatory.h), which checks the segments' SHA-256 and jumps to
 * the kernel entry; its start becomes the plan's entry point.
 * @param k consumed, as for kx_loongarch64_boot_place().
 * @return its errors, and the purgatory's (KX_ERROR_UNSUPPORTED when this
 *         kexec was built without it).
 */
struct kx_error *kx_loongarch64_boot_load(const struct kx_load_input *in,
					  struct kx_load_builder *b,
					  struct kx_loongarch64_kernel *k);

#endif /* KX_LOONGARCH64_BOOT_H */
