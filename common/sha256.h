/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file sha256.h
 * SHA-256 (FIPS 180-4), freestanding.
 *
 * The same source builds into the tools and into purgatory, which runs
 * between kernels without any C library. So this header and sha256.c use
 * nothing but the freestanding headers <stdint.h> and <stddef.h>: no libc
 * calls, no allocation, no globals that are written, and no config.h.
 * Purgatory builds it with `-ffreestanding -nostdlib -fno-builtin`.
 *
 * Bytes are loaded and stored big-endian one at a time, so the result does
 * not depend on the host's byte order or alignment rules.
 *
 * Usage: kx_sha256_init(), any number of kx_sha256_update() /
 * kx_sha256_update_zeros(), then kx_sha256_final(); or kx_sha256() for a
 * single buffer. A context holds no pointers and may be copied to hash a
 * common prefix once.
 */
#ifndef KX_SHA256_H
#define KX_SHA256_H

#include <stddef.h>
#include <stdint.h>

/** Size of a digest in bytes. */
enum { KX_SHA256_DIGEST_SIZE = 32, KX_SHA256_BLOCK_SIZE = 64 };

/**
 * Hashing state. Caller memory; the fields are private to sha256.c.
 */
struct kx_sha256 {
	/** Chaining value H0..H7. */
	uint32_t state[8];
	/** The partial block as big-endian words; valid bytes: total % 64. */
	uint32_t block[16];
	/** Bytes hashed so far. */
	uint64_t total;
};

/** Start a new hash in @p ctx (caller memory). Cannot fail. */
void kx_sha256_init(struct kx_sha256 *ctx);

/**
 * Add @p len bytes at @p data. @p data may be NULL when @p len is 0.
 * Messages of 2^61 bytes or more are outside FIPS 180-4 and not detected.
 */
void kx_sha256_update(struct kx_sha256 *ctx, const void *data, size_t len);

/**
 * Add @p len zero bytes without needing a buffer of zeros. kexec hashes
 * each segment as its bytes followed by (memsz - bufsz) zeros.
 */
void kx_sha256_update_zeros(struct kx_sha256 *ctx, uint64_t len);

/**
 * Pad, finish and write the digest to @p out. @p ctx is spent afterwards:
 * call kx_sha256_init() before reusing it.
 */
void kx_sha256_final(struct kx_sha256 *ctx,
		     uint8_t out[KX_SHA256_DIGEST_SIZE]);

/** One-shot: the digest of @p len bytes at @p data into @p out. */
void kx_sha256(const void *data, size_t len,
	       uint8_t out[KX_SHA256_DIGEST_SIZE]);

#endif /* KX_SHA256_H */
