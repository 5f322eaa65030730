// SPDX-License-Identifier: GPL-2.0-only
// The classifier against struct pages laid out as each kernel generation
// lays them out. 4.16 and 6.1 use the offsets and numbers of the real
// VMCOREINFO samples in tests/data/vmcoreinfo; the others change exactly what
// their kernel changed (see page_class.h).
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "byteorder.h"
#include "page_class.h"
#include "test_util.h"

// 6.1.0-56-amd64 (tests/data/vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt).
static const struct kx_page_layout layout_6_1 = {
	.page_size = 64, .off_flags = 0, .off_mapping = 24, .off_mapcount = 48,
	.off_private = 40, .off_compound_head = 8, .has_compound_head = true,
	.huge_model = KX_HUGE_DTOR, .off_tail_dtor = 16, .off_tail_order = 17,
	.dtor_width = 1, .hugetlb_dtor = 2,
	.pg_lru = 4, .pg_private = 13, .pg_swapcache = 10, .pg_swapbacked = 19,
	.pg_slab = 9, .pg_hwpoison = 23, .pg_buddy = KX_PG_UNKNOWN,
	.pg_hugetlb = KX_PG_UNKNOWN, .pg_head_mask = 1u << 16,
	.has_buddy_type = true, .buddy_type = (uint32_t)-129,
	.has_offline_type = true, .offline_type = (uint32_t)-257,
	.nr_page_orders = 11,
};

// 4.16.18 (vmcoreinfo-x86_64-4.16.txt): no PG_swapbacked, buddy -128,
// no offline type.
static const struct kx_page_layout layout_4_16 = {
	.page_size = 64, .off_flags = 0, .off_mapping = 8, .off_mapcount = 24,
	.off_private = 48, .off_compound_head = 32, .has_compound_head = true,
	.huge_model = KX_HUGE_DTOR, .off_tail_dtor = 40, .off_tail_order = 41,
	.dtor_width = 1, .hugetlb_dtor = 2,
	.pg_lru = 4, .pg_private = 13, .pg_swapcache = 10,
	.pg_swapbacked = KX_PG_UNKNOWN, .pg_slab = 9, .pg_hwpoison = 23,
	.pg_buddy = KX_PG_UNKNOWN, .pg_hugetlb = KX_PG_UNKNOWN,
	.pg_head_mask = 1u << 16,
	.has_buddy_type = true, .buddy_type = (uint32_t)-128,
	.nr_page_orders = 11,
};

static struct kx_page_layout layout_6_6(void)
{
	struct kx_page_layout l = layout_6_1;
	l.huge_model = KX_HUGE_PG_HUGETLB;
	l.pg_hugetlb = 8; // conscripted flag of the first tail page
	return l;
}

static struct kx_page_layout layout_6_9(void)
{
	struct kx_page_layout l = layout_6_1;
	l.huge_model = KX_HUGE_PAGE_TYPE;
	l.has_hugetlb_type = true;
	l.hugetlb_type = (uint32_t)~0x800u;
	return l;
}

// 6.12: page types in the top byte, slab a page type, no PG_slab.
static struct kx_page_layout layout_6_12(void)
{
	struct kx_page_layout l = layout_6_9();
	l.pg_slab = KX_PG_UNKNOWN;
	l.buddy_type = 0xf0u << 24;
	l.offline_type = 0xf1u << 24;
	l.hugetlb_type = 0xf4u << 24;
	l.has_slab_type = true;
	l.slab_type = 0xf5u << 24;
	l.has_unaccepted_type = true;
	l.unaccepted_type = 0xf7u << 24;
	return l;
}

// A page frame's struct page in a small mem_map of 16 entries.
struct mem_map {
	uint8_t bytes[16][64];
};

static void set_page(struct mem_map *m, const struct kx_page_layout *l, int idx,
		     uint64_t flags, uint64_t mapping, uint32_t mapcount,
		     uint64_t private_)
{
	uint8_t *p = m->bytes[idx];
	kx_put_le64(p + l->off_flags, flags);
	kx_put_le64(p + l->off_mapping, mapping);
	kx_put_le32(p + l->off_mapcount, mapcount);
	kx_put_le64(p + l->off_private, private_);
}

static void init_map(struct mem_map *m, const struct kx_page_layout *l)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 16; i++)
		kx_put_le32(m->bytes[i] + l->off_mapcount, 0xffffffffu); // no type
}

static struct kx_page_verdict classify(const struct kx_page_layout *l,
				       struct mem_map *m, int idx, unsigned int level)
{
	return kx_page_classify(l, m->bytes[idx], idx < 15 ? m->bytes[idx + 1] : NULL,
				(uint64_t)idx, level);
}

static void assert_verdict(struct kx_page_verdict v, enum kx_page_class cls, uint64_t nr)
{
	if (v.cls != cls || v.nr_pages != nr) {
		print_error("got %s x%llu, expected %s x%llu\n", kx_page_class_name(v.cls),
			    (unsigned long long)v.nr_pages, kx_page_class_name(cls),
			    (unsigned long long)nr);
		fail();
	}
}

// The common cases, for every generation: each class is excluded exactly at
// its own level bits and kept otherwise.
static void check_common(const struct kx_page_layout *l)
{
	struct mem_map m;
	init_map(&m, l);
	uint64_t lru = UINT64_C(1) << l->pg_lru;
	set_page(&m, l, 0, lru, 0xffff888012345000, 0, 0);              // file cache
	set_page(&m, l, 1, lru | (UINT64_C(1) << l->pg_private),
		 0xffff888012345000, 0, 0xffff888000001000);              // cache + buffers
	set_page(&m, l, 2, lru, 0xffff888099990001, 0, 0);              // anon
	set_page(&m, l, 3, 0, 0, l->buddy_type, 2);                     // free, order 2
	set_page(&m, l, 8, 0, 0, 0xffffffffu, 0);                       // kernel page

	for (unsigned int level = 0; level <= 31; level++) {
		assert_verdict(classify(l, &m, 0, level),
			       level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE) ? KX_PAGE_CACHE : KX_PAGE_KEEP,
			       1);
		assert_verdict(classify(l, &m, 1, level),
			       level & KX_DL_CACHE_PRIVATE ? KX_PAGE_CACHE_PRIVATE : KX_PAGE_KEEP, 1);
		assert_verdict(classify(l, &m, 2, level),
			       level & KX_DL_USER ? KX_PAGE_USER : KX_PAGE_KEEP, 1);
		if (level & KX_DL_FREE)
			assert_verdict(classify(l, &m, 3, level), KX_PAGE_FREE, 4);
		else
			assert_verdict(classify(l, &m, 3, level), KX_PAGE_KEEP, 1);
		assert_verdict(classify(l, &m, 8, level), KX_PAGE_KEEP, 1);
	}
}

static void test_4_16(void **state)
{
	(void)state;
	check_common(&layout_4_16);
}

static void test_6_1(void **state)
{
	(void)state;
	check_common(&layout_6_1);
}

static void test_6_6(void **state)
{
	(void)state;
	struct kx_page_layout l = layout_6_6();
	check_common(&l);
}

static void test_6_9(void **state)
{
	(void)state;
	struct kx_page_layout l = layout_6_9();
	check_common(&l);
}

static void test_6_12(void **state)
{
	(void)state;
	struct kx_page_layout l = layout_6_12();
	check_common(&l);
}

// A slab page's mapping word may have bit 0 set (slab.slabs aliasing it in
// 6.2+): it must not count as anonymous, by flag (6.1) or by type (6.12).
static void test_slab_is_not_anon(void **state)
{
	(void)state;
	struct mem_map m;
	init_map(&m, &layout_6_1);
	set_page(&m, &layout_6_1, 0, UINT64_C(1) << 9, 0xffff888000000003, 0xffffffffu, 0);
	assert_verdict(classify(&layout_6_1, &m, 0, 31), KX_PAGE_KEEP, 1);

	struct kx_page_layout l = layout_6_12();
	init_map(&m, &l);
	set_page(&m, &l, 0, 0, 0xffff888000000003, l.slab_type, 0);
	assert_verdict(classify(&l, &m, 0, 31), KX_PAGE_KEEP, 1);
	// The 6.12 buddy value is not mistaken for the pre-6.12 one.
	set_page(&m, &l, 1, 0, 0, (uint32_t)-129, 0);
	assert_verdict(classify(&l, &m, 1, 31), KX_PAGE_KEEP, 1);
}

// Compound pages: the head decides for the whole range, tails never decide.
static void test_compound_anon_and_tails(void **state)
{
	(void)state;
	const struct kx_page_layout *l = &layout_6_1;
	struct mem_map m;
	init_map(&m, l);
	uint64_t head = l->pg_head_mask | (UINT64_C(1) << l->pg_lru);
	set_page(&m, l, 4, head, 0xffff888077770001, 0xffffffffu, 0);
	m.bytes[5][l->off_tail_order] = 2; // order 2: pfns 4..7
	for (int t = 5; t < 8; t++)
		kx_put_le64(m.bytes[t] + l->off_compound_head, 0xffffea0000000100 | 1);
	assert_verdict(classify(l, &m, 4, 8), KX_PAGE_USER, 4);
	for (int t = 5; t < 8; t++)
		assert_verdict(classify(l, &m, t, 31), KX_PAGE_KEEP, 1);
	// Without the next struct page the order is unknown: judge the head alone.
	assert_verdict(kx_page_classify(l, m.bytes[4], NULL, 4, 8), KX_PAGE_USER, 1);
	// An order that does not fit the pfn's alignment is ignored.
	assert_verdict(kx_page_classify(l, m.bytes[4], m.bytes[5], 6, 8), KX_PAGE_USER, 1);
}

static void put_hugetlb_head(struct mem_map *m, const struct kx_page_layout *l,
			     uint32_t head_mapcount)
{
	init_map(m, l);
	set_page(m, l, 0, l->pg_head_mask, 0, head_mapcount, 0);
	kx_put_le64(m->bytes[1] + l->off_compound_head, 0xffffea0000000000 | 1);
}

// hugetlb is user data (-d 8) whichever way the kernel marks it.
static void test_hugetlb_each_generation(void **state)
{
	(void)state;
	struct mem_map m;
	// <= 6.5: dtor byte in the first tail.
	put_hugetlb_head(&m, &layout_6_1, 0xffffffffu);
	m.bytes[1][16] = 2;  // HUGETLB_PAGE_DTOR
	m.bytes[1][17] = 3;  // order 3
	assert_verdict(classify(&layout_6_1, &m, 0, 8), KX_PAGE_USER, 8);
	assert_verdict(classify(&layout_6_1, &m, 0, 7), KX_PAGE_KEEP, 1);
	m.bytes[1][16] = 1;  // another destructor: a plain compound kernel page
	assert_verdict(classify(&layout_6_1, &m, 0, 31), KX_PAGE_KEEP, 1);

	// 6.6-6.8: PG_hugetlb in the first tail's flags, order in its low byte.
	struct kx_page_layout l = layout_6_6();
	put_hugetlb_head(&m, &l, 0xffffffffu);
	kx_put_le64(m.bytes[1] + l.off_flags, (UINT64_C(1) << l.pg_hugetlb) | 3);
	assert_verdict(classify(&l, &m, 0, 8), KX_PAGE_USER, 8);
	kx_put_le64(m.bytes[1] + l.off_flags, 3);
	assert_verdict(classify(&l, &m, 0, 31), KX_PAGE_KEEP, 1);

	// >= 6.9: a page type on the head.
	l = layout_6_12();
	put_hugetlb_head(&m, &l, l.hugetlb_type);
	kx_put_le64(m.bytes[1] + l.off_flags, 9);
	m.bytes[1][l.off_flags] = 3;
	assert_verdict(classify(&l, &m, 0, 8), KX_PAGE_USER, 8);
}

static void test_always_excluded(void **state)
{
	(void)state;
	struct kx_page_layout l = layout_6_12();
	struct mem_map m;
	init_map(&m, &l);
	set_page(&m, &l, 0, UINT64_C(1) << l.pg_hwpoison, 0, 0xffffffffu, 0);
	set_page(&m, &l, 1, 0, 0, l.offline_type, 0);
	set_page(&m, &l, 4, 0, 0, l.unaccepted_type, 0);
	for (unsigned int level = 0; level <= 31; level++) {
		assert_verdict(classify(&l, &m, 0, level), KX_PAGE_HWPOISON, 1);
		assert_verdict(classify(&l, &m, 1, level), KX_PAGE_OFFLINE, 1);
	}
	assert_verdict(classify(&l, &m, 4, 16), KX_PAGE_UNACCEPTED, 1u << 10);
	assert_verdict(classify(&l, &m, 4, 15), KX_PAGE_KEEP, 1);
}

static void test_bad_buddy_order_is_kept(void **state)
{
	(void)state;
	struct mem_map m;
	init_map(&m, &layout_6_1);
	set_page(&m, &layout_6_1, 0, 0, 0, layout_6_1.buddy_type, 11);
	struct kx_page_verdict v = classify(&layout_6_1, &m, 0, 31);
	assert_verdict(v, KX_PAGE_KEEP, 1);
	assert_true(v.bad_buddy_order);
	set_page(&m, &layout_6_1, 0, 0, 0, layout_6_1.buddy_type, 10);
	assert_verdict(classify(&layout_6_1, &m, 0, 31), KX_PAGE_FREE, 1024);
}

// Swap cache pages are cache only when swap-backed (when the kernel says).
static void test_swapcache(void **state)
{
	(void)state;
	const struct kx_page_layout *l = &layout_6_1;
	struct mem_map m;
	init_map(&m, l);
	set_page(&m, l, 0, (UINT64_C(1) << l->pg_swapcache) | (UINT64_C(1) << l->pg_swapbacked),
		 0, 0xffffffffu, 0);
	set_page(&m, l, 1, UINT64_C(1) << l->pg_swapcache, 0, 0xffffffffu, 0);
	assert_verdict(classify(l, &m, 0, 2), KX_PAGE_CACHE, 1);
	assert_verdict(classify(l, &m, 1, 2), KX_PAGE_KEEP, 1);
	// 4.16 exports no PG_swapbacked: the swapcache bit alone decides.
	init_map(&m, &layout_4_16);
	set_page(&m, &layout_4_16, 0, UINT64_C(1) << 10, 0, 0xffffffffu, 0);
	assert_verdict(classify(&layout_4_16, &m, 0, 2), KX_PAGE_CACHE, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_4_16),
		cmocka_unit_test(test_6_1),
		cmocka_unit_test(test_6_6),
		cmocka_unit_test(test_6_9),
		cmocka_unit_test(test_6_12),
		cmocka_unit_test(test_slab_is_not_anon),
		cmocka_unit_test(test_compound_anon_and_tails),
		cmocka_unit_test(test_hugetlb_each_generation),
		cmocka_unit_test(test_always_excluded),
		cmocka_unit_test(test_bad_buddy_order_is_kept),
		cmocka_unit_test(test_swapcache),
	};
	KX_RUN_TESTS(tests);
}
