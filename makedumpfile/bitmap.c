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

uint64_t kx_bitmap_count(const struct kx_bitmap *bm)
{
	uint64_t n = 0;
	size_t bytes = kx_bitmap_bytes(bm);
	for (size_t i = 0; i < bytes; i++) {
		unsigned int b = bm->bits[i];
		// The last byte may hold bits past the window: never set, by
		// construction, but mask them anyway.
		if (i == bytes - 1 && bm->nr_bits % 8)
			b &= (1u << (bm->nr_bits % 8)) - 1;
		for (; b; b &= b - 1)
			n++;
	}
	return n;
}

uint64_t kx_bitmap_count_range(const struct kx_bitmap *bm, uint64_t first, uint64_t end)
{
	if (!clip(bm, &first, &end))
		return 0;
	uint64_t n = 0;
	// Single bits up to a byte boundary, whole bytes, then the tail.
	for (; first < end && first % 8; first++)
		n += (bm->bits[first / 8] >> (first % 8)) & 1;
	for (; end - first >= 8; first += 8)
		for (unsigned int b = bm->bits[first / 8]; b; b &= b - 1)
			n++;
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
