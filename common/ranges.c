// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ranges.h" // IWYU pragma: associated

static const size_t kx_ranges_min_cap = 8;

static bool is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static struct kx_error *check_align(uint64_t align)
{
	KX_CHECK(is_pow2(align), KX_ERROR_INVALID_ARG,
		 "alignment 0x%" PRIx64 " is not a power of two", align);
	return NULL;
}

static struct kx_error *check_order(uint64_t start, uint64_t end)
{
	KX_CHECK(start <= end, KX_ERROR_INVALID_ARG,
		 "range start 0x%" PRIx64 " is above its end 0x%" PRIx64, start, end);
	return NULL;
}

// Make room for at least @need elements. Doubling keeps adds amortized O(1).
static struct kx_error *reserve(struct kx_ranges *set, size_t need)
{
	if (need <= set->cap)
		return NULL;
	size_t cap = set->cap ? set->cap : kx_ranges_min_cap;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return &kx_enomem;
		cap *= 2;
	}
	if (cap > SIZE_MAX / sizeof(struct kx_range))
		return &kx_enomem;
	struct kx_range *r = realloc(set->ranges, cap * sizeof(*r));
	if (!r)
		return &kx_enomem;
	set->ranges = r;
	set->cap = cap;
	return NULL;
}

// Replace elements [i, j) with the @n ranges in @pieces (n <= 2).
static struct kx_error *splice(struct kx_ranges *set, size_t i, size_t j,
			       const struct kx_range *pieces, size_t n)
{
	size_t removed = j - i;
	if (n > removed)
		KX_TRY(reserve(set, set->count + (n - removed)));
	memmove(&set->ranges[i + n], &set->ranges[j],
		(set->count - j) * sizeof(struct kx_range));
	if (n)
		memcpy(&set->ranges[i], pieces, n * sizeof(struct kx_range));
	set->count = set->count - removed + n;
	return NULL;
}

// First index whose end is >= @x (ends are sorted because ranges are disjoint).
static size_t first_end_at_least(const struct kx_ranges *set, uint64_t x)
{
	size_t lo = 0, hi = set->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->ranges[mid].end < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

// First index whose start is > @x.
static size_t first_start_above(const struct kx_ranges *set, uint64_t x)
{
	size_t lo = 0, hi = set->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->ranges[mid].start <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void kx_ranges_init(struct kx_ranges *set)
{
	set->ranges = NULL;
	set->count = 0;
	set->cap = 0;
}

void kx_ranges_deinit(struct kx_ranges *set)
{
	free(set->ranges);
	kx_ranges_init(set);
}

void kx_ranges_clear(struct kx_ranges *set)
{
	set->count = 0;
}

struct kx_error *kx_ranges_copy(const struct kx_ranges *src, struct kx_ranges *ret)
{
	struct kx_ranges tmp;
	kx_ranges_init(&tmp);
	KX_TRY(reserve(&tmp, src->count));
	if (src->count)
		memcpy(tmp.ranges, src->ranges, src->count * sizeof(struct kx_range));
	tmp.count = src->count;
	*ret = tmp;
	return NULL;
}

struct kx_error *kx_range_from_size(uint64_t start, uint64_t size, struct kx_range *ret)
{
	KX_CHECK(size <= UINT64_MAX - start, KX_ERROR_OVERFLOW,
		 "range at 0x%" PRIx64 " of size 0x%" PRIx64 " wraps around the address space",
		 start, size);
	ret->start = start;
	ret->end = start + size;
	return NULL;
}

struct kx_error *kx_ranges_add(struct kx_ranges *set, uint64_t start, uint64_t end)
{
	KX_TRY(check_order(start, end));
	if (start == end)
		return NULL;
	// Ranges [i, j) overlap or touch the new one: ends >= start, starts <= end.
	size_t i = first_end_at_least(set, start);
	size_t j = first_start_above(set, end);
	struct kx_range merged = { start, end };
	if (i < j) {
		if (set->ranges[i].start < merged.start)
			merged.start = set->ranges[i].start;
		if (set->ranges[j - 1].end > merged.end)
			merged.end = set->ranges[j - 1].end;
	}
	return splice(set, i, j, &merged, 1);
}

struct kx_error *kx_ranges_add_size(struct kx_ranges *set, uint64_t start, uint64_t size)
{
	struct kx_range r = { 0, 0 };
	KX_TRY(kx_range_from_size(start, size, &r));
	return kx_ranges_add(set, r.start, r.end);
}

typedef struct kx_error *range_op_fn(struct kx_ranges *set, uint64_t start, uint64_t end);

// @op with every range of @other, on a copy so that a failed allocation
// half-way leaves @set unchanged.
static struct kx_error *apply_set(struct kx_ranges *set, const struct kx_ranges *other,
				  range_op_fn *op)
{
	struct kx_ranges tmp;
	KX_TRY(kx_ranges_copy(set, &tmp));
	for (size_t k = 0; k < other->count; k++) {
		struct kx_error *err = op(&tmp, other->ranges[k].start, other->ranges[k].end);
		if (err) {
			kx_ranges_deinit(&tmp);
			return err;
		}
	}
	kx_ranges_deinit(set);
	*set = tmp;
	return NULL;
}

struct kx_error *kx_ranges_add_set(struct kx_ranges *set, const struct kx_ranges *other)
{
	return apply_set(set, other, kx_ranges_add);
}

struct kx_error *kx_ranges_exclude(struct kx_ranges *set, uint64_t start, uint64_t end)
{
	KX_TRY(check_order(start, end));
	if (start == end)
		return NULL;
	// Ranges [i, j) share at least one byte with [start, end):
	// end > start (i.e. >= start + 1) and start < end (i.e. <= end - 1).
	size_t i = first_end_at_least(set, start + 1);
	size_t j = first_start_above(set, end - 1);
	if (i >= j)
		return NULL;
	struct kx_range pieces[2];
	size_t n = 0;
	if (set->ranges[i].start < start)
		pieces[n++] = (struct kx_range){ set->ranges[i].start, start };
	if (set->ranges[j - 1].end > end)
		pieces[n++] = (struct kx_range){ end, set->ranges[j - 1].end };
	return splice(set, i, j, pieces, n);
}

struct kx_error *kx_ranges_exclude_set(struct kx_ranges *set, const struct kx_ranges *other)
{
	return apply_set(set, other, kx_ranges_exclude);
}

struct kx_error *kx_ranges_intersect_range(struct kx_ranges *set, uint64_t start,
					   uint64_t end)
{
	KX_TRY(check_order(start, end));
	size_t out = 0;
	for (size_t k = 0; k < set->count; k++) {
		struct kx_range r = set->ranges[k];
		if (r.start < start)
			r.start = start;
		if (r.end > end)
			r.end = end;
		if (r.start < r.end)
			set->ranges[out++] = r;
	}
	set->count = out;
	return NULL;
}

struct kx_error *kx_ranges_intersect(struct kx_ranges *set, const struct kx_ranges *other)
{
	struct kx_ranges tmp;
	kx_ranges_init(&tmp);
	size_t a = 0, b = 0;
	// Classic merge walk: both inputs are sorted and disjoint, so so is the output.
	while (a < set->count && b < other->count) {
		const struct kx_range *x = &set->ranges[a], *y = &other->ranges[b];
		uint64_t lo = x->start > y->start ? x->start : y->start;
		uint64_t hi = x->end < y->end ? x->end : y->end;
		if (lo < hi) {
			struct kx_error *err = reserve(&tmp, tmp.count + 1);
			if (err) {
				kx_ranges_deinit(&tmp);
				return err;
			}
			tmp.ranges[tmp.count++] = (struct kx_range){ lo, hi };
		}
		if (x->end < y->end)
			a++;
		else
			b++;
	}
	kx_ranges_deinit(set);
	*set = tmp;
	return NULL;
}

struct kx_error *kx_ranges_align_inward(struct kx_ranges *set, uint64_t align)
{
	KX_TRY(check_align(align));
	uint64_t mask = align - 1;
	size_t out = 0;
	for (size_t k = 0; k < set->count; k++) {
		struct kx_range r = set->ranges[k];
		// A start that cannot be rounded up without wrapping holds no whole block.
		if (r.start > UINT64_MAX - mask)
			continue;
		r.start = (r.start + mask) & ~mask;
		r.end &= ~mask;
		if (r.start < r.end)
			set->ranges[out++] = r;
	}
	set->count = out;
	return NULL;
}

struct kx_error *kx_ranges_align_outward(struct kx_ranges *set, uint64_t align)
{
	KX_TRY(check_align(align));
	uint64_t mask = align - 1;
	size_t out = 0;
	for (size_t k = 0; k < set->count; k++) {
		struct kx_range r = set->ranges[k];
		r.start &= ~mask;
		r.end = r.end > UINT64_MAX - mask ? UINT64_MAX : (r.end + mask) & ~mask;
		// Rounding keeps starts sorted, so only the previous range can now touch.
		if (out && set->ranges[out - 1].end >= r.start) {
			if (r.end > set->ranges[out - 1].end)
				set->ranges[out - 1].end = r.end;
		} else {
			set->ranges[out++] = r;
		}
	}
	set->count = out;
	return NULL;
}

uint64_t kx_ranges_total_size(const struct kx_ranges *set)
{
	uint64_t total = 0;
	for (size_t k = 0; k < set->count; k++)
		total += set->ranges[k].end - set->ranges[k].start;
	return total;
}

size_t kx_ranges_count(const struct kx_ranges *set)
{
	return set->count;
}

const struct kx_range *kx_ranges_at(const struct kx_ranges *set, size_t index)
{
	return index < set->count ? &set->ranges[index] : NULL;
}

bool kx_ranges_contains(const struct kx_ranges *set, uint64_t start, uint64_t end)
{
	if (start >= end)
		return start == end;
	// Ranges never touch, so a covered interval lies inside a single range.
	size_t i = first_end_at_least(set, end);
	return i < set->count && set->ranges[i].start <= start;
}

bool kx_ranges_overlaps(const struct kx_ranges *set, uint64_t start, uint64_t end)
{
	if (start >= end)
		return false;
	size_t i = first_end_at_least(set, start + 1);
	return i < set->count && set->ranges[i].start < end;
}

// Lowest aligned base for @size bytes inside [lo, hi), or false.
static bool fit_low(uint64_t lo, uint64_t hi, uint64_t size, uint64_t mask,
		    uint64_t *base)
{
	if (lo > UINT64_MAX - mask)
		return false;
	uint64_t b = (lo + mask) & ~mask;
	if (b >= hi || hi - b < size)
		return false;
	*base = b;
	return true;
}

// Highest aligned base for @size bytes inside [lo, hi), or false.
static bool fit_high(uint64_t lo, uint64_t hi, uint64_t size, uint64_t mask,
		     uint64_t *base)
{
	if (hi - lo < size)
		return false;
	uint64_t b = (hi - size) & ~mask;
	if (b < lo)
		return false;
	*base = b;
	return true;
}

static struct kx_error *check_hole_request(const struct kx_hole_request *req)
{
	KX_CHECK(req->size != 0, KX_ERROR_INVALID_ARG, "cannot place a block of size 0");
	KX_TRY(check_align(req->align));
	KX_CHECK(req->min <= req->max, KX_ERROR_INVALID_ARG,
		 "placement bounds are inverted: min 0x%" PRIx64 " > max 0x%" PRIx64,
		 req->min, req->max);
	return NULL;
}

struct kx_error *kx_ranges_find_hole(const struct kx_ranges *free,
				     const struct kx_hole_request *req, uint64_t *ret)
{
	KX_TRY(check_hole_request(req));
	uint64_t mask = req->align - 1;
	bool last = req->fit == KX_HOLE_LAST_FIT;
	for (size_t n = 0; n < free->count; n++) {
		const struct kx_range *r = &free->ranges[last ? free->count - 1 - n : n];
		uint64_t lo = r->start > req->min ? r->start : req->min;
		uint64_t hi = r->end < req->max ? r->end : req->max;
		uint64_t base;
		if (lo >= hi)
			continue;
		if (last ? fit_high(lo, hi, req->size, mask, &base)
			 : fit_low(lo, hi, req->size, mask, &base)) {
			*ret = base;
			return NULL;
		}
	}
	return kx_error_create(KX_ERROR_NOSPACE,
			       "no free area of 0x%" PRIx64 " bytes aligned to 0x%" PRIx64
			       " in [0x%" PRIx64 ", 0x%" PRIx64 ")",
			       req->size, req->align, req->min, req->max);
}
