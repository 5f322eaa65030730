/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file purgatory_verify.h
 * The digest check every purgatory runs before entering the next kernel,
 * and the layout of the table it reads. Freestanding: like common/sha256.h
 * this header and purgatory_verify.c use only <stdint.h>/<stddef.h>, no C
 * library and no config.h, because they are compiled three ways: into the
 * x86_64 purgatory, into the LoongArch purgatory, and into the host test
 * (tests/purgatory/) that runs the very same routine over a mock memory map.
 *
 * The host side (arch/purgatory.c) fills the table: one entry per segment
 * except the purgatory's own, {physical start, memsz}, in segment order,
 * unused entries all zero; and the digest: SHA-256 over each region's bytes
 * in table order (each segment's buffer followed by zeros up to memsz, which
 * is what the kernel leaves in memory).
 */
#ifndef KX_PURGATORY_VERIFY_H
#define KX_PURGATORY_VERIFY_H

#include <stddef.h>
#include <stdint.h>

/** Entries of the purgatory's `sha256_regions` table (kexec's SHA256_REGIONS). */
enum { KX_PURGATORY_REGIONS = 16 };

/**
 * One hashed region: 16 bytes, {u64 start, u64 len} in the target's byte
 * order (little-endian on both architectures). A len of 0 ends nothing; it
 * just hashes nothing (unused entries).
 */
struct kx_purgatory_region {
	uint64_t start; /**< physical address */
	uint64_t len;   /**< bytes: the segment's memsz */
};

/**
 * Recompute the digest of @p regions as they are in memory and compare it
 * with @p digest.
 * @param regions @p count entries.
 * @param window OR-ed into every physical address to form the pointer that
 *        is read: 0 under x86_64's identity map, 0x9000000000000000 (the
 *        cached DMW) on LoongArch, 0 in tests where "physical" addresses
 *        are the test's own.
 * @return 1 when the digest matches, 0 otherwise.
 */
int kx_purgatory_verify(const struct kx_purgatory_region *regions, size_t count,
			const uint8_t digest[32], uint64_t window);

#endif /* KX_PURGATORY_VERIFY_H */
