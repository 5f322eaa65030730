// SPDX-License-Identifier: GPL-2.0-only
//
// SHA-256 per FIPS 180-4.
//
// Deliberately does NOT include config.h, unlike every other .c file: this
// file is also compiled into purgatory with -ffreestanding -nostdlib for
// x86_64 and loongarch64, where no C library (and no configure result) is
// available. Only the freestanding headers <stdint.h> and <stddef.h> are
// used, and the code avoids shapes that compilers turn into memcpy/memset
// calls: block bytes are gathered into words with shifts rather than copied,
// and padding runs through the same byte path.

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

// FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the
// cube roots of the first 64 primes.
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// FIPS 180-4 section 5.3.3: the initial hash value H(0).
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t rotr(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

// Expand message-schedule word t (16 <= t < 64) in the 16-word ring @w.
static uint32_t schedule(uint32_t w[16], unsigned int t)
{
	uint32_t w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
	uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
	uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
	w[t & 15] += s0 + w[(t - 7) & 15] + s1;
	return w[t & 15];
}

// One block (section 6.2.2). The schedule lives in a 16-word ring that the
// first 16 rounds fill from @in one word at a time: interleaved with the
// rounds, so no compiler sees a block copy it could turn into memcpy.
// @in NULL is a block of zeros: every schedule word of it is zero (sigma0
// and sigma1 of zero are zero), so the rounds run without one. That takes
// about 40% off the CPU time kexec spends on the zero tails of its
// segments (gcc -O2), and a kernel's init_size beyond its file is tens of MiB.
static void compress(uint32_t state[8], const uint32_t in[16])
{
	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	uint32_t w[16];

	for (unsigned int t = 0; t < 64; t++) {
		uint32_t wt = !in ? 0 : t < 16 ? (w[t] = in[t]) : schedule(w, t);
		uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + S1 + ch + K[t] + wt;
		uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + S0 + maj;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

// Append one byte to the partial block, compressing it when full. The first
// byte of a word assigns it, so the block never needs zeroing.
static void push_byte(struct kx_sha256 *ctx, uint8_t byte)
{
	unsigned int idx = (unsigned int)(ctx->total & 63);
	unsigned int shift = (3 - (idx & 3)) * 8;

	if ((idx & 3) == 0)
		ctx->block[idx >> 2] = (uint32_t)byte << 24;
	else
		ctx->block[idx >> 2] |= (uint32_t)byte << shift;
	ctx->total++;
	if (idx == 63)
		compress(ctx->state, ctx->block);
}

void kx_sha256_init(struct kx_sha256 *ctx)
{
	for (unsigned int i = 0; i < 8; i++)
		ctx->state[i] = H0[i];
	ctx->total = 0;
}

void kx_sha256_update(struct kx_sha256 *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len && (ctx->total & 63); len--)
		push_byte(ctx, *p++);
	// Whole blocks go straight from the input, loaded big-endian.
	for (; len >= KX_SHA256_BLOCK_SIZE; len -= KX_SHA256_BLOCK_SIZE) {
		uint32_t w[16];
		for (unsigned int i = 0; i < 16; i++, p += 4)
			w[i] = load_be32(p);
		compress(ctx->state, w);
		ctx->total += KX_SHA256_BLOCK_SIZE;
	}
	for (; len; len--)
		push_byte(ctx, *p++);
}

void kx_sha256_update_zeros(struct kx_sha256 *ctx, uint64_t len)
{
	for (; len && (ctx->total & 63); len--)
		push_byte(ctx, 0);
	for (; len >= KX_SHA256_BLOCK_SIZE; len -= KX_SHA256_BLOCK_SIZE) {
		compress(ctx->state, NULL);
		ctx->total += KX_SHA256_BLOCK_SIZE;
	}
	for (; len; len--)
		push_byte(ctx, 0);
}

void kx_sha256_final(struct kx_sha256 *ctx, uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	uint64_t bits = ctx->total << 3;

	// Section 5.1.1: a 1 bit, zeros up to 56 mod 64, the 64-bit length.
	push_byte(ctx, 0x80);
	while ((ctx->total & 63) != 56)
		push_byte(ctx, 0);
	for (unsigned int i = 0; i < 8; i++)
		push_byte(ctx, (uint8_t)(bits >> (56 - 8 * i)));
	for (unsigned int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(ctx->state[i] >> 24);
		out[4 * i + 1] = (uint8_t)(ctx->state[i] >> 16);
		out[4 * i + 2] = (uint8_t)(ctx->state[i] >> 8);
		out[4 * i + 3] = (uint8_t)ctx->state[i];
	}
}

void kx_sha256(const void *data, size_t len, uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	struct kx_sha256 ctx;

	kx_sha256_init(&ctx);
	kx_sha256_update(&ctx, data, len);
	kx_sha256_final(&ctx, out);
}
