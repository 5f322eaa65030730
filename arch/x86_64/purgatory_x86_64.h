/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file purgatory_x86_64.h
 * What the x86_64 kexec_load(2) loaders (bzImage64, elf-x86_64) need from
 * the x86_64 purgatory: the contract between arch/x86_64/image_*.c (the
 * callers) and the purgatory blob plus its ELF relocator (the implementer,
 * arch/x86_64/purgatory/ and arch/purgatory*).
 *
 * **Why a purgatory.** For kexec_load(2) the x86_64 kernel jumps to the
 * entry point in identity-mapped long mode with nothing else set up; the
 * 64-bit boot protocol (Documentation/arch/x86/boot.rst, "64-bit Boot
 * Protocol") needs %rsi = boot_params, a flat __BOOT_CS/__BOOT_DS GDT and
 * interrupts off. The purgatory does that, after checking the SHA-256 of
 * every other segment.
 *
 * **Two phases**, so that the layout matches upstream's do_bzImage64_load()
 * (crash segments, then the purgatory, then boot_params, kernel, initrd):
 *
 *  1. kx_x86_64_purgatory_place() — right after the crash segments: the
 *     relocatable purgatory is laid out and placed with add_buffer() at
 *     min 0x3000, no max, top-down (no max: the kernel's relocate_kernel
 *     runs with every segment identity-mapped); its relocations are applied
 *     for that address. Returns an opaque handle.
 *  2. kx_x86_64_purgatory_finish() — after every other segment is placed
 *     and its bytes are final: patches entry64_regs, the console/VGA
 *     options, the crash backup variables and cmdline_end into the placed
 *     buffer, computes the SHA-256 over all segments except the
 *     purgatory's own (each segment's buf padded with zeros to memsz,
 *     recording {mem, memsz} in sha256_regions[16]), writes sha256_digest,
 *     and calls set_entry() with the purgatory's relocated entry
 *     (purgatory_start).
 *
 * The handle is freed with kx_x86_64_purgatory_destroy(); the placed
 * buffer itself belongs to the builder.
 *
 * **Until the purgatory is built**, both phase functions return
 * KX_ERROR_UNSUPPORTED "x86_64 purgatory not built" (arch/x86_64/
 * purgatory_stub.c), so a kexec_load plan on x86_64 fails loudly instead of
 * jumping into the kernel with the wrong registers.
 */
#ifndef KX_X86_64_PURGATORY_H
#define KX_X86_64_PURGATORY_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"

/**
 * The registers purgatory's entry64 loads before `jmp *rip`, in the order of
 * the purgatory's `entry64_regs` symbol (17 × u64 = 136 bytes).
 */
struct kx_x86_64_purgatory_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi;
	/** 0: the implementer substitutes the purgatory's own stack_end. */
	uint64_t rsp;
	uint64_t rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip; /**< where to go: the kernel's 64-bit entry */
};

/** Everything the loaders patch into the purgatory (phase 2). */
struct kx_x86_64_purgatory_params {
	/** bzImage64: rip = kernel + 0x200, rsi = boot_params, rbx = 0. */
	struct kx_x86_64_purgatory_regs regs;
	/**
	 * Physical address just after the command line's NUL in its segment,
	 * where purgatory appends " kexec_jump_back_entry=0x..." (the command
	 * line segment must leave 64 spare bytes); 0 for none.
	 */
	uint64_t cmdline_end;
	bool panic_kernel;    /**< kexec -p */
	bool skip_checks;     /**< -i/--no-checks: no SHA-256 verification */
	bool reset_vga;       /**< --reset-vga */
	bool console_vga;     /**< --console-vga */
	bool console_serial;  /**< --console-serial */
	uint16_t serial_base; /**< --serial=ttySn port (0x3f8 ...) */
	uint32_t serial_baud; /**< --serial-baud */
	/**
	 * Crash backup of low memory: copy [backup_src_start, +size) to
	 * backup_start before entering the capture kernel. The loaders leave
	 * all three 0 (no backup: kernels >= 5.8 reserve the low 1 MiB, so
	 * nothing the capture kernel uses is there; see kexec.md §4.5).
	 */
	uint64_t backup_src_start, backup_src_size, backup_start;
	/**
	 * mem of a segment the digest leaves out (the elfcorehdr under
	 * --hotplug, which the kernel rewrites), 0 for none.
	 */
	uint64_t digest_exclude;
};

/** A placed purgatory between phase 1 and phase 2; opaque. */
struct kx_x86_64_purgatory;

/**
 * Phase 1: relocate and place the purgatory through @p b
 * (add_buffer min 0x3000, max UINT64_MAX, top-down, role "purgatory").
 * @param[out] ret the handle; untouched on failure.
 * @return NULL, KX_ERROR_NOSPACE from the builder, KX_ERROR_UNSUPPORTED
 *         when the purgatory is not built into this kexec, or
 *         KX_ERROR_CORRUPT when the embedded blob fails to relocate.
 */
struct kx_error *kx_x86_64_purgatory_place(struct kx_load_builder *b,
					   struct kx_x86_64_purgatory **ret);

/**
 * Phase 2: patch @p params and the digest of every other segment of @p b
 * into the placed purgatory, and set the plan's entry point to it. Call it
 * last: a segment added or changed afterwards breaks the digest.
 * @return NULL, or KX_ERROR_NOSPACE when there are more than 16 segments
 *         to hash, KX_ERROR_UNSUPPORTED as for phase 1.
 */
struct kx_error *kx_x86_64_purgatory_finish(struct kx_x86_64_purgatory *p,
					    struct kx_load_builder *b,
					    const struct kx_x86_64_purgatory_params *params);

/** Free the handle (not the placed buffer). NULL is a no-op. */
void kx_x86_64_purgatory_destroy(struct kx_x86_64_purgatory *p);

#endif /* KX_X86_64_PURGATORY_H */
