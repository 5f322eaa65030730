/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file elf_core_header.h
 * Building ELF64 core headers in memory: pure functions, no I/O.
 *
 * Two users:
 * - kexec -p builds the crash "elfcorehdr" that the capture kernel turns into
 *   /proc/vmcore. There, p_offset holds the *old physical address* of the
 *   data (the kernel rewrites offsets when it builds /proc/vmcore), there is
 *   one PT_NOTE per CPU (at /sys/devices/system/cpu/cpuN/crash_notes) plus
 *   one for VMCOREINFO, and the buffer is padded to a multiple of 1 KiB.
 *   Use kx_elf_core_header_build_crash().
 * - makedumpfile -E writes a real core file: Ehdr, then a PT_NOTE followed by
 *   PT_LOADs with real file offsets. Use kx_elf_core_header_build() with
 *   explicit program headers; the notes and page data follow the header in
 *   the file at offsets the caller chose.
 *
 * The layout is always: Ehdr at 0, program headers at e_phoff 64, and, only
 * when there are 0xffff or more program headers (PN_XNUM), a single
 * section header 0 right after them carrying the real count in sh_info (as
 * the kernel's ELF core dumper does). Fields are stored little-endian byte
 * by byte, so the result does not depend on the host.
 */
#ifndef KX_ELF_CORE_HEADER_H
#define KX_ELF_CORE_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum {
	/** Alignment (and size granularity) of the kexec crash elfcorehdr buffer. */
	KX_ELF_CORE_HEADER_CRASH_ALIGN = 1024,
	/** Largest alignment kx_elf_core_header_build() accepts (1 MiB). */
	KX_ELF_CORE_HEADER_MAX_ALIGN = 1 << 20,
};

/** One ELF64 program header, field for field. Types and flags as in <elf.h>. */
struct kx_elf_core_header_phdr {
	uint32_t type;    /**< p_type: PT_NOTE, PT_LOAD, ... */
	uint32_t flags;   /**< p_flags: PF_R | PF_W | PF_X */
	uint64_t offset;  /**< p_offset */
	uint64_t vaddr;   /**< p_vaddr */
	uint64_t paddr;   /**< p_paddr */
	uint64_t filesz;  /**< p_filesz */
	uint64_t memsz;   /**< p_memsz */
	uint64_t align;   /**< p_align */
};

/** A note buffer in the crashed kernel's memory (crash_notes, vmcoreinfo). */
struct kx_elf_core_header_note {
	uint64_t paddr;  /**< physical address of the note buffer */
	uint64_t size;   /**< its size in bytes */
};

/** A range of the crashed kernel's memory to dump. */
struct kx_elf_core_header_load {
	uint64_t paddr;  /**< physical start */
	uint64_t vaddr;  /**< virtual start (paddr + page_offset for RAM) */
	uint64_t size;   /**< bytes */
};

/**
 * Bytes taken by the Ehdr, @p nphdrs program headers and (with PN_XNUM) the
 * section header, before any padding: where the first byte after the header
 * goes in a file written with kx_elf_core_header_build().
 * @param[out] ret the size.
 * @return KX_ERROR_OVERFLOW when @p nphdrs is too large (more than UINT32_MAX).
 */
struct kx_error *kx_elf_core_header_size(size_t nphdrs, size_t *ret);

/**
 * Build Ehdr + program headers: ET_CORE, EV_CURRENT, ELFCLASS64, ELFDATA2LSB,
 * ELFOSABI_NONE, e_entry 0, e_phoff 64, no sections (unless PN_XNUM needs
 * section header 0).
 * @param machine e_machine: KX_ELF_MACHINE_X86_64 or KX_ELF_MACHINE_LOONGARCH.
 * @param e_flags e_flags (makedumpfile sets 0x1 for an incomplete dump).
 * @param phdrs the program headers, written in this order.
 * @param align the size is rounded up to a multiple of this, the padding
 *        zeroed: a power of two up to KX_ELF_CORE_HEADER_MAX_ALIGN (1 for
 *        no padding).
 * @param[out] ret_buf malloc'd header; caller frees with free().
 * @param[out] ret_size its size (a multiple of @p align).
 * @return KX_ERROR_INVALID_ARG for another machine or a bad @p align,
 * KX_ERROR_OVERFLOW when the size does not fit, KX_ERROR_NOMEM.
 */
struct kx_error *kx_elf_core_header_build(uint16_t machine, uint32_t e_flags,
					  const struct kx_elf_core_header_phdr *phdrs,
					  size_t nphdrs, size_t align,
					  void **ret_buf, size_t *ret_size);

/**
 * The crash-header PT_NOTE for a note buffer, as kexec-tools writes it:
 * p_offset = p_paddr = @p paddr, p_vaddr 0, p_filesz = p_memsz = @p size,
 * p_flags 0, p_align 0.
 */
struct kx_elf_core_header_phdr kx_elf_core_header_crash_note(uint64_t paddr,
							     uint64_t size);

/**
 * The crash-header PT_LOAD for a memory range: p_offset = p_paddr = @p paddr,
 * p_vaddr = @p vaddr, p_filesz = p_memsz = @p size, p_flags RWX, p_align 0.
 * (x86_64's backup region is the one case where the caller then sets
 * p_offset to the backup copy's address.)
 */
struct kx_elf_core_header_phdr kx_elf_core_header_crash_load(uint64_t paddr,
							     uint64_t vaddr,
							     uint64_t size);

/**
 * Build the kexec crash elfcorehdr: one PT_NOTE per entry of @p notes (the
 * per-CPU crash_notes first, VMCOREINFO last, in the order given), then one
 * PT_LOAD per entry of @p loads (the kernel-text range first, if any, then
 * RAM), padded with zeros to a multiple of KX_ELF_CORE_HEADER_CRASH_ALIGN.
 * @param[out] ret_buf malloc'd buffer; caller frees with free().
 * @param[out] ret_size its size, a multiple of 1024.
 * @return as kx_elf_core_header_build(); KX_ERROR_INVALID_ARG also for an
 * empty or wrapping range.
 */
struct kx_error *kx_elf_core_header_build_crash(uint16_t machine,
						const struct kx_elf_core_header_note *notes,
						size_t nnotes,
						const struct kx_elf_core_header_load *loads,
						size_t nloads, void **ret_buf,
						size_t *ret_size);

#endif /* KX_ELF_CORE_HEADER_H */
