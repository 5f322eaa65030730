// SPDX-License-Identifier: GPL-2.0-only
//
// LoongArch64 purgatory: the C half (entry.S calls purgatory_main()).
//
// Freestanding: no config.h and no C library, because this runs between two
// kernels on bare memory. Built with clang --target=loongarch64 (or the
// native compiler on LoongArch) -ffreestanding -fno-builtin
// -fno-zero-initialized-in-bss, and linked with `ld -r` into the
// relocatable object that arch/purgatory.c lays out.
//
// The globals are the purgatory's interface, patched by name with exact
// size checks (arch/loongarch64/purgatory_loongarch64.c); they are
// explicitly initialized so that they land in .data, where they can be
// patched (uninitialized ones would go to .bss, which has no bytes).

#include <stddef.h>
#include <stdint.h>

#include "purgatory_verify.h"

int purgatory_main(void);

// --- patched by kexec --------------------------------------------------------
/** 1: enter the kernel without checking (kexec -i). */
uint8_t skip_checks = 0;
/** Where to jump, as a virtual address: dmw_base | the kernel's paddr. */
uint64_t kernel_entry = 0;
/**
 * What is OR-ed into a physical address to read it: the cached DMW the
 * kernel left us in. A variable rather than a constant so that the test
 * harness (tests/purgatory/), which runs this code in user mode under
 * qemu-loongarch64-static where the window cannot be mapped, sets it to 0
 * and places its fake segments at their "physical" addresses.
 */
uint64_t dmw_base = UINT64_C(0x9000000000000000);
struct kx_purgatory_region sha256_regions[KX_PURGATORY_REGIONS] = { { 0, 0 } };
uint8_t sha256_digest[32] = { 0 };

// Returns nonzero when the kernel may be entered.
int purgatory_main(void)
{
	if (skip_checks)
		return 1;
	return kx_purgatory_verify(sha256_regions, KX_PURGATORY_REGIONS, sha256_digest,
				   dmw_base);
}
