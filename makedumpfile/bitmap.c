// SPDX-License-Identifier: GPL-2.0-only
// pfn bitmap windows: see bitmap.h.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bitmap.h"

struct kx_error *kx_bitmap_init(struct kx_bitmap *bm, uint64_t max_bits)
{
	if (max_bits == 0 || max_bits % 8 || max_bits / 8 > SIZE_MAX)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "bitmap window of %llu bits is not a positive multiple of 8",
				       (unsigned long long)max_bits);
	bm->cap = (size_t)(max_bits / 8);
	bm->bits = calloc(bm->cap, 1);
	if (!bm->bits)
		return &kx_enomem;
	bm->start = 0;
	bm->nr_bits = max_bits;
	return NULL;
}

void kx_bitmap_deinit(struct kx_bitmap *bm)
{
	free(bm->bits);
	bm->bits = NULL;
	bm->cap = 0;
}

void kx_bitmap_reset(struct kx_bitmap *bm, uint64_t start, uint64_t nr_bits)
{
	bm->start = start;
	bm->nr_bits = nr_bits < (uint64_t)bm->cap * 8 ? nr_bits : (uint64_t)bm->cap * 8;
	memset(bm->bits, 0, bm->cap);
}

// Clip [first, end) to the window, as offsets from its start.
static bool clip(const struct kx_bitmap *bm, uint64_t *first, uint64_t *end)
{
	uint64_t lo = *first > bm->start ? *first - bm->start : 0;
	uint64_t hi = *end > bm->start ? *end - bm->start : 0;
	if (hi > bm->nr_bits)
		hi = bm->nr_bits;
	*first = lo;
	*end = hi;
	return lo < hi;
}

// Apply @set to bits [lo, hi): partial bytes bit by bit, whole bytes at once.
static void fill(uint8_t *bits, uint64_t lo, uint64_t hi, bool set)
{
	while (lo < hi && lo % 8) {
		if (set)
			bits[lo / 8] |= (uint8_t)(1u << (lo % 8));
		else
			bits[lo / 8] &= (uint8_t)~(1u << (lo % 8));
		lo++;
	}
	if (hi - lo >= 8) {
		memset(bits + lo / 8, set ? 0xff : 0, (size_t)((hi - lo) / 8));
		lo += (hi - lo) / 8 * 8;
	}
	for (; lo < hi; lo++) {
		if (set)
			bits[lo / 8] |= (uint8_t)(1u << (lo % 8));
		else
			bits[lo / 8] &= (uint8_t)~(1u << (lo % 8));
	}
}

void kx_bitmap_set_range(struct kx_bitmap *bm, uint64_t first, uint64_t end)
{
	if (clip(bm, &first, &end))
		fill(bm->bits, first, end, true);
}

void kx_bitmap_clear_range(struct kx_bitmap *bm, uint64_t first, uint64_t end)
{
	if (clip(bm, &first, &end))
		fill(bm->bits, first, end, false);
}

// Set bits in @n bytes, eight at a time: the filter counts every excluded
// buddy block and the dump every window, a bit at a time was 10% of the
// filtering pass.
static uint64_t count_bytes(const uint8_t *p, size_t n)
{
	uint64_t total = 0;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		x -= (x >> 1) & UINT64_C(0x5555555555555555);
		x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
		x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
		total += (x * UINT64_C(0x0101010101010101)) >> 56;
	}
	for (; n; p++, n--)
		for (unsigned int b = *p; b; b &= b - 1)
			total++;
	return total;
}

uint64_t kx_bitmap_count(const struct kx_bitmap *bm)
{
	size_t bytes = kx_bitmap_bytes(bm);
	if (!bytes)
		return 0;
	// The last byte may hold bits past the window: never set, by
	// construction, but mask them anyway.
	unsigned int last = bm->bits[bytes - 1];
	if (bm->nr_bits % 8)
		last &= (1u << (bm->nr_bits % 8)) - 1;
	return count_bytes(bm->bits, bytes - 1) + count_bytes(&(uint8_t){ (uint8_t)last }, 1);
}

uint64_t kx_bitmap_count_range(const struct kx_bitmap *bm, uint64_t first, uint64_t end)
{
	if (!clip(bm, &first, &end))
		return 0;
	uint64_t n = 0;
	// Single bits up to a byte boundary, whole bytes, then the tail.
	for (; first < end && first % 8; first++)
		n += (bm->bits[first / 8] >> (first % 8)) & 1;
	if (end - first >= 8) {
		n += count_bytes(bm->bits + first / 8, (size_t)((end - first) / 8));
		first += (end - first) / 8 * 8;
	}
	for (; first < end; first++)
		n += (bm->bits[first / 8] >> (first % 8)) & 1;
	return n;
}

uint64_t kx_bitmap_next_set(const struct kx_bitmap *bm, uint64_t pfn)
{
	uint64_t end = bm->start + bm->nr_bits;
	uint64_t i = pfn > bm->start ? pfn - bm->start : 0;
	while (i < bm->nr_bits) {
		uint8_t b = (uint8_t)(bm->bits[i / 8] >> (i % 8));
		if (b) {
			while (!(b & 1)) {
				b >>= 1;
				i++;
			}
			return i < bm->nr_bits ? bm->start + i : end;
		}
		i = (i / 8 + 1) * 8;
	}
	return end;
}
