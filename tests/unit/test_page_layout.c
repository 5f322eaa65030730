// SPDX-License-Identifier: GPL-2.0-only
// The layout the classifier gets for real VMCOREINFO notes, and for notes of
// newer kernels changed exactly as those kernels changed them.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io.h"
#include "page_layout.h"
#include "test_util.h"
#include "vmcoreinfo.h"

// Parse tests/data/vmcoreinfo/@name with @extra lines appended and @drop
// lines (by key prefix, "|"-separated) removed.
static struct kx_error *layout_of(const char *name, const char *drop, const char *extra,
				  struct kx_page_layout *ret)
{
	FILE *f = fopen(kx_test_data(name), "r");
	assert_non_null(f);
	char *text = NULL;
	size_t cap = 0;
	FILE *out = open_memstream(&text, &cap);
	char line[1100];
	while (fgets(line, sizeof(line), f)) {
		int skip = 0;
		if (drop) {
			char keys[512];
			snprintf(keys, sizeof(keys), "%s", drop);
			for (char *k = strtok(keys, "|"); k; k = strtok(NULL, "|"))
				skip |= strncmp(line, k, strlen(k)) == 0;
		}
		if (!skip)
			fputs(line, out);
	}
	fputs(extra ? extra : "", out);
	fclose(out);
	fclose(f);
	struct kx_vmcoreinfo *vi;
	struct kx_error *err = kx_vmcoreinfo_create(text, strlen(text), &vi);
	free(text);
	if (err)
		return err;
	err = kx_page_layout_from_vmcoreinfo(vi, ret);
	kx_vmcoreinfo_destroy(vi);
	return err;
}

static void test_debian_6_1(void **state)
{
	(void)state;
	struct kx_page_layout l;
	assert_kx_ok(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", NULL, NULL, &l));
	assert_int_equal(l.page_size, 64);
	assert_int_equal(l.off_flags, 0);
	assert_int_equal(l.off_mapping, 24);
	assert_int_equal(l.off_mapcount, 48);
	assert_int_equal(l.off_private, 40);
	assert_true(l.has_compound_head);
	assert_int_equal(l.off_compound_head, 8);
	assert_int_equal(l.huge_model, KX_HUGE_DTOR);
	assert_int_equal(l.off_tail_dtor, 16);
	assert_int_equal(l.off_tail_order, 17);
	assert_int_equal(l.dtor_width, 1);
	assert_int_equal(l.hugetlb_dtor, 2);
	assert_int_equal(l.pg_lru, 4);
	assert_int_equal(l.pg_private, 13);
	assert_int_equal(l.pg_swapcache, 10);
	assert_int_equal(l.pg_swapbacked, 19);
	assert_int_equal(l.pg_slab, 9);
	assert_int_equal(l.pg_hwpoison, 23);
	assert_int_equal(l.pg_buddy, KX_PG_UNKNOWN);
	assert_int_equal(l.pg_head_mask, 65536);
	assert_true(l.has_buddy_type);
	assert_int_equal(l.buddy_type, (uint32_t)-129);
	assert_true(l.has_offline_type);
	assert_int_equal(l.offline_type, (uint32_t)-257);
	assert_false(l.has_slab_type);
	assert_false(l.has_hugetlb_type);
	assert_int_equal(l.nr_page_orders, 11);
}

// 4.16 exports no PG_swapbacked and PG_swapcache (10) < PG_private (13):
// the old kernels' rule puts PG_swapbacked at 19.
static void test_4_16_fallbacks(void **state)
{
	(void)state;
	struct kx_page_layout l;
	assert_kx_ok(layout_of("vmcoreinfo/vmcoreinfo-x86_64-4.16.txt", NULL, NULL, &l));
	assert_int_equal(l.off_compound_head, 32);
	assert_int_equal(l.off_tail_order, 41);
	assert_int_equal(l.dtor_width, 1);
	assert_int_equal(l.pg_swapbacked, 19);
	assert_int_equal(l.buddy_type, (uint32_t)-128);
	assert_false(l.has_offline_type);
}

// 4.15 and older: the same VMCOREINFO keys, but u16 dtor/order fields.
static void test_pre_4_16_width(void **state)
{
	(void)state;
	struct kx_page_layout l;
	assert_kx_ok(layout_of("vmcoreinfo/vmcoreinfo-x86_64-4.16.txt", "OSRELEASE=",
			       "OSRELEASE=4.15.0-213-generic\n", &l));
	assert_int_equal(l.dtor_width, 2);
}

// 6.3-6.5: order and dtor as folio fields past SIZE(page).
static void test_folio_fields(void **state)
{
	(void)state;
	struct kx_page_layout l;
	assert_kx_ok(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt",
			       "OFFSET(page.compound_|OSRELEASE=",
			       "OSRELEASE=6.4.0\nOFFSET(folio._folio_dtor)=80\n"
			       "OFFSET(folio._folio_order)=81\n", &l));
	assert_int_equal(l.huge_model, KX_HUGE_DTOR);
	assert_false(l.has_compound_head);
	assert_int_equal(l.off_tail_dtor, 16);
	assert_int_equal(l.off_tail_order, 17);
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "OFFSET(page.compound_",
				"OFFSET(folio._folio_dtor)=80\nOFFSET(folio._folio_order)=8\n", &l),
		      KX_ERROR_CORRUPT, "OFFSET(folio._folio_order)=8 is not in the first tail page");
}

// 6.12 and 7.1: page types in the top byte, no PG_slab, compound_info.
static void test_6_12_and_7_1(void **state)
{
	(void)state;
	struct kx_page_layout l;
	assert_kx_ok(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt",
			       "OSRELEASE=|NUMBER(PG_slab)|NUMBER(PAGE_BUDDY|NUMBER(PAGE_OFFLINE"
			       "|NUMBER(HUGETLB_PAGE_DTOR)|OFFSET(page.compound_",
			       "OSRELEASE=7.1.0\nOFFSET(page.compound_info)=8\n"
			       "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
			       "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\n"
			       "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592\n"
			       "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\n"
			       "NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)=-150994944\n", &l));
	assert_true(l.has_compound_head);
	assert_int_equal(l.off_compound_head, 8);
	assert_int_equal(l.huge_model, KX_HUGE_PAGE_TYPE);
	assert_int_equal(l.pg_slab, KX_PG_UNKNOWN); // no bit-7 fallback on >= 6.10
	assert_int_equal(l.buddy_type, 0xf0000000u);
	assert_int_equal(l.offline_type, 0xf1000000u);
	assert_int_equal(l.hugetlb_type, 0xf4000000u);
	assert_int_equal(l.slab_type, 0xf5000000u);
	assert_int_equal(l.unaccepted_type, 0xf7000000u);
}

// Old kernel without PG_slab exported: upstream's bit-7 fallback applies.
static void test_pg_slab_fallback_only_before_6_10(void **state)
{
	(void)state;
	struct kx_page_layout l;
	assert_kx_ok(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "NUMBER(PG_slab)",
			       NULL, &l));
	assert_int_equal(l.pg_slab, 7);
	assert_kx_ok(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt",
			       "NUMBER(PG_slab)|OSRELEASE=", "OSRELEASE=6.10.2\n", &l));
	assert_int_equal(l.pg_slab, KX_PG_UNKNOWN);
}

static void test_missing_and_absurd(void **state)
{
	(void)state;
	struct kx_page_layout l;
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "OFFSET(page.flags)",
				NULL, &l), KX_ERROR_NOT_FOUND, "VMCOREINFO has no OFFSET(page.flags)");
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "SIZE(page)", NULL, &l),
		      KX_ERROR_NOT_FOUND, "SIZE(page)");
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "OSRELEASE=", NULL, &l),
		      KX_ERROR_NOT_FOUND, "VMCOREINFO has no OSRELEASE");
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "OFFSET(page.mapping)",
				"OFFSET(page.mapping)=60\n", &l),
		      KX_ERROR_CORRUPT, "OFFSET(page.mapping)=60 lies outside struct page (64 bytes)");
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "NUMBER(PG_lru)",
				"NUMBER(PG_lru)=64\n", &l),
		      KX_ERROR_CORRUPT, "NUMBER(PG_lru)=64 is not a page flag bit");
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt", "SIZE(page)",
				"SIZE(page)=100000\n", &l),
		      KX_ERROR_CORRUPT, "SIZE(page)=100000");
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt",
				"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)",
				"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=0x100000000\n", &l),
		      KX_ERROR_CORRUPT, "is not a 32-bit page type");
	assert_kx_err(layout_of("vmcoreinfo/vmcoreinfo-x86_64-6.1-debian.txt",
				"LENGTH(zone.free_area)", "LENGTH(zone.free_area)=0\n", &l),
		      KX_ERROR_CORRUPT, "LENGTH(zone.free_area)=0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_6_1),
		cmocka_unit_test(test_4_16_fallbacks),
		cmocka_unit_test(test_pre_4_16_width),
		cmocka_unit_test(test_folio_fields),
		cmocka_unit_test(test_6_12_and_7_1),
		cmocka_unit_test(test_pg_slab_fallback_only_before_6_10),
		cmocka_unit_test(test_missing_and_absurd),
	};
	KX_RUN_TESTS(tests);
}
