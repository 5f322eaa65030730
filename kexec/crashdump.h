/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file crashdump.h
 * The capture kernel's view of the crashed one: the ELF core header kexec -p
 * hands over ("elfcorehdr", kexec.md §2.5) and the memory the capture kernel
 * may use.
 *
 * Header layout (built by common/elf_core_header.h,
 * kx_elf_core_header_build_crash(), 1 KiB padded):
 *
 * 1. one PT_NOTE per present CPU with a crash_notes file, in CPU order:
 *    p_offset = p_paddr = the note's physical address, size crash_notes_size;
 * 2. one PT_NOTE for VMCOREINFO (/sys/kernel/vmcoreinfo), when the file
 *    exists;
 * 3. one PT_LOAD for the kernel image when the architecture names a text
 *    symbol: p_paddr = start of "Kernel code", p_vaddr = the symbol's
 *    kallsyms address (x86_64 and LoongArch: _text), size up to the end of
 *    the kernel image (code, rodata, data, bss; the last of these entries)
 *    rounded up to the page size. On x86_64 the pair gives phys_base
 *    (p_paddr - (p_vaddr - __START_KERNEL_map)), as makedumpfile expects;
 * 4. one PT_LOAD per range of dumped memory ("System RAM" plus the
 *    architecture's extra iomem names, minus every "Crash kernel" region),
 *    p_vaddr = paddr + page_offset.
 *
 * Differences from upstream, on purpose: no x86 backup region (kernels
 * since 5.8 reserve the low 1 MiB and dropped it, kexec.md §0.7); the
 * kernel-text PT_LOAD is derived from /proc/iomem and /proc/kallsyms rather
 * than /proc/kcore, so it works from a fake root and ends at the kernel
 * image's end instead of the 1 GiB text window; a kallsyms that hides
 * addresses drops that PT_LOAD instead of writing a bogus address.
 */
#ifndef KX_KEXEC_CRASHDUMP_H
#define KX_KEXEC_CRASHDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "elf_core_header.h"
#include "error.h"
#include "loader.h"
#include "ranges.h"

struct kx_arch;
struct kx_root;
struct kx_sysinfo;

/** The parts of the header, before encoding. Heap arrays; kx_crashdump_deinit(). */
struct kx_crashdump {
	struct kx_elf_core_header_note *notes; /**< CPUs first, VMCOREINFO last */
	size_t nnotes;                          /**< entries in @c notes */
	struct kx_elf_core_header_load *loads;  /**< kernel text first, then memory */
	size_t nloads;                          /**< entries in @c loads */
};

/**
 * The memory that is dumped: "System RAM" plus every iomem entry named in
 * @p extra_names (NULL-terminated; may be NULL), minus the crash regions.
 * @param[out] ret caller kx_ranges_deinit()s it.
 */
struct kx_error *kx_crashdump_memory(const struct kx_sysinfo *si,
				     const char *const *extra_names, struct kx_ranges *ret);

/**
 * The kernel-image PT_LOAD (see the file comment, item 3).
 * @param symbol kallsyms name giving p_vaddr.
 * @return KX_ERROR_NOT_FOUND without "Kernel code" or the symbol,
 *         KX_ERROR_UNSUPPORTED when kallsyms hides addresses.
 */
struct kx_error *kx_crashdump_kernel_text(const struct kx_root *root,
					  const struct kx_sysinfo *si, const char *symbol,
					  const char *end_symbol,
					  struct kx_elf_core_header_load *ret);

/**
 * Collect notes and loads from the system.
 * @param[out] ret filled on success; kx_crashdump_deinit() it.
 */
struct kx_error *kx_crashdump_collect(const struct kx_root *root, const struct kx_sysinfo *si,
				      const struct kx_crash_header_params *params,
				      struct kx_crashdump *ret);

/** Free what kx_crashdump_collect() allocated. */
void kx_crashdump_deinit(struct kx_crashdump *cd);

/**
 * Collect and encode the header for @p arch's e_machine.
 * @param[out] ret_buf malloc'd, a multiple of 1024 bytes.
 * @param[out] ret_size its size.
 */
struct kx_error *kx_crashdump_header(const struct kx_root *root, const struct kx_arch *arch,
				     const struct kx_sysinfo *si,
				     const struct kx_crash_header_params *params,
				     void **ret_buf, size_t *ret_size);

/**
 * The memory the capture kernel may use as RAM: every crash region (x86:
 * e820 RAM entries; LoongArch: one mem=SIZE@START each).
 * @param[out] ret caller kx_ranges_deinit()s it.
 * @return KX_ERROR_NOT_FOUND when no crash kernel memory is reserved.
 */
struct kx_error *kx_crashdump_capture_memory(const struct kx_sysinfo *si,
					     struct kx_ranges *ret);

#endif /* KX_KEXEC_CRASHDUMP_H */
