/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file ranges_check.h
 * CHECK_SET(set, R(start, end), ...): assert a struct kx_ranges holds
 * exactly the given half-open ranges, printing both lists when not.
 * Include after cmocka.h, test_util.h and ranges.h.
 */
#ifndef KX_RANGES_CHECK_H
#define KX_RANGES_CHECK_H

static void check_set(const struct kx_ranges *set, const struct kx_range *want, size_t n)
{
	bool same = set->count == n;
	for (size_t i = 0; same && i < n; i++)
		same = set->ranges[i].start == want[i].start && set->ranges[i].end == want[i].end;
	if (same)
		return;
	print_error("set has %zu ranges:\n", set->count);
	for (size_t i = 0; i < set->count; i++)
		print_error("  [0x%llx, 0x%llx)\n", (unsigned long long)set->ranges[i].start,
			    (unsigned long long)set->ranges[i].end);
	print_error("expected %zu:\n", n);
	for (size_t i = 0; i < n; i++)
		print_error("  [0x%llx, 0x%llx)\n", (unsigned long long)want[i].start,
			    (unsigned long long)want[i].end);
	fail();
}

#define CHECK_SET(set, ...)                                                   \
	do {                                                                  \
		const struct kx_range want_[] = { __VA_ARGS__ };              \
		check_set((set), want_, KX_ARRAY_SIZE(want_));                \
	} while (0)
#define R(a, b) { (a), (b) }

#endif /* KX_RANGES_CHECK_H */
