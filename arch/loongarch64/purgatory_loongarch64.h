/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file purgatory_loongarch64.h
 * What the LoongArch kexec_load(2) loaders (arch/loongarch64/image_*.c)
 * need from the LoongArch purgatory (arch/loongarch64/purgatory/, relocated
 * by arch/purgatory.c).
 *
 * **Why a purgatory on LoongArch.** Upstream kexec-tools loads none: the
 * kernel's relocate_new_kernel jumps straight to the image, so a capture
 * kernel corrupted after `kexec -p` boots blind. Ours sits between the two:
 * relocate_new_kernel enters it at phys_to_virt(entry), i.e. in the cached
 * direct-map window 0x9000000000000000 | paddr, with a0 = EFI boot flag,
 * a1 = command line (0x9000000000108000), a2 = EFI system table. It hashes
 * every other segment through that window, and on a match jumps to the
 * kernel entry (also through the window, as relocate_new_kernel would) with
 * a0–a2 unchanged. On a mismatch it spins forever.
 *
 * **Two phases**, like x86_64 (arch/x86_64/purgatory.h):
 *
 *  1. kx_loongarch64_purgatory_place(): lay the purgatory out, place it with
 *     add_buffer() (min 0x200000 so it never lands in the kernel's fixed
 *     [0x100000, 0x200000) area, no max, top-down, role "purgatory"; for
 *     crash loads the builder confines it to the crash region) and apply
 *     its relocations for its run address 0x9000000000000000 | paddr.
 *     May be called at any point of load().
 *  2. kx_loongarch64_purgatory_finish(): after every other segment is
 *     placed and final (command line segment included): patches the
 *     kernel entry, computes the SHA-256 of all other segments (buf, then
 *     zeros up to memsz; {mem, memsz} in sha256_regions[16]), writes it,
 *     and calls set_entry() with the purgatory's physical entry. The
 *     loader must NOT call set_entry() itself afterwards.
 *
 * **When the purgatory is not built in.** On an x86_64 build host without
 * clang-19/lld-19 the LoongArch purgatory cannot be compiled; the embedded
 * blob is then empty, kx_loongarch64_purgatory_available() returns false
 * and phase 1 fails with KX_ERROR_UNSUPPORTED "this kexec was built without
 * the LoongArch purgatory (...)". A loader should hand that error back
 * (so `kexec -p` on such a build says why it cannot verify the capture
 * kernel) rather than silently falling back to an unverified direct entry.
 */
#ifndef KX_LOONGARCH64_PURGATORY_H
#define KX_LOONGARCH64_PURGATORY_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"

/** The cached direct-map window (DMW) the kernel runs the purgatory in. */
static const uint64_t kx_loongarch64_dmw_cached = UINT64_C(0x9000000000000000);

/** Everything the loaders patch into the purgatory (phase 2). */
struct kx_loongarch64_purgatory_params {
	/**
	 * Physical address of the new kernel's entry (what the loader would
	 * otherwise pass to set_entry(), masked to 48 bits). The purgatory
	 * jumps to 0x9000000000000000 | kernel_entry.
	 */
	uint64_t kernel_entry;
	/** -i/--no-checks: jump without verifying the digest. */
	bool skip_checks;
};

/** A placed purgatory between phase 1 and phase 2; opaque. */
struct kx_loongarch64_purgatory;

/** True when this kexec embeds a LoongArch purgatory (see above). */
bool kx_loongarch64_purgatory_available(void);

/**
 * Phase 1: relocate and place the purgatory through @p b.
 * @param[out] ret the handle; untouched on failure.
 * @return NULL, KX_ERROR_NOSPACE from the builder, KX_ERROR_UNSUPPORTED when
 *         the purgatory is not built in, KX_ERROR_CORRUPT when the embedded
 *         object fails to relocate.
 */
struct kx_error *kx_loongarch64_purgatory_place(struct kx_load_builder *b,
						struct kx_loongarch64_purgatory **ret);

/**
 * Phase 2: patch @p params and the digest of every other segment of @p b
 * into the placed purgatory and set the plan's entry point to it. Call it
 * last: a segment added or changed afterwards breaks the digest.
 * @return NULL, or KX_ERROR_NOSPACE when more than 16 segments are to be
 *         hashed, KX_ERROR_INVALID_ARG when kernel_entry is not a 48-bit
 *         physical address.
 */
struct kx_error *kx_loongarch64_purgatory_finish(struct kx_loongarch64_purgatory *p,
						 struct kx_load_builder *b,
						 const struct kx_loongarch64_purgatory_params *params);

/** Free the handle (not the placed buffer). NULL is a no-op. */
void kx_loongarch64_purgatory_destroy(struct kx_loongarch64_purgatory *p);

#endif /* KX_LOONGARCH64_PURGATORY_H */
