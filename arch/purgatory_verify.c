// SPDX-License-Identifier: GPL-2.0-only
//
// The purgatory's digest check (purgatory_verify.h).
//
// Deliberately does NOT include config.h, unlike every other .c file: it is
// compiled -ffreestanding -nostdlib into the x86_64 and LoongArch
// purgatories, which run between two kernels with no C library and no
// configure result, and it is also linked into a host test so that the test
// exercises the exact code the purgatory runs.

#include <stddef.h>
#include <stdint.h>

#include "purgatory_verify.h"
#include "sha256.h"

int kx_purgatory_verify(const struct kx_purgatory_region *regions, size_t count,
			const uint8_t digest[32], uint64_t window)
{
	struct kx_sha256 ctx;
	uint8_t got[KX_SHA256_DIGEST_SIZE];
	unsigned int diff = 0;

	kx_sha256_init(&ctx);
	for (size_t i = 0; i < count; i++) {
		if (regions[i].len == 0)
			continue;
		// The address is physical; the window turns it into a pointer
		// the purgatory may dereference (see the header).
		const void *p = (const void *)(uintptr_t)(window | regions[i].start);
		kx_sha256_update(&ctx, p, (size_t)regions[i].len);
	}
	kx_sha256_final(&ctx, got);
	// Accumulate instead of returning early: no memcmp here, and the
	// comparison should not depend on where the first difference is.
	for (size_t i = 0; i < KX_SHA256_DIGEST_SIZE; i++)
		diff |= (unsigned int)(got[i] ^ digest[i]);
	return diff == 0;
}
