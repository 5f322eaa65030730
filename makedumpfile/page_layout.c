// SPDX-License-Identifier: GPL-2.0-only
// struct kx_page_layout from VMCOREINFO: see page_layout.h.
#include "config.h"

#include <stddef.h>

#include "kver.h"
#include "page_layout.h"
#include "vmcoreinfo.h"

// A NUMBER() that may be absent: @fallback when it is.
static struct kx_error *number_or(const struct kx_vmcoreinfo *vi, const char *name,
				  int64_t fallback, int64_t *ret)
{
	struct kx_error *err = kx_vmcoreinfo_number(vi, name, ret);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		*ret = fallback;
	return err;
}

static struct kx_error *flag_bit(const struct kx_vmcoreinfo *vi, const char *name,
				 int fallback, int *ret)
{
	int64_t v;
	KX_TRY(number_or(vi, name, fallback, &v));
	if (v < KX_PG_UNKNOWN || v > 63)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO NUMBER(%s)=%lld is not a page flag bit",
				       name, (long long)v);
	*ret = (int)v;
	return NULL;
}

// A 32-bit page-type value; @has_ret says whether the kernel exports it.
static struct kx_error *page_type(const struct kx_vmcoreinfo *vi, const char *name,
				  bool *has_ret, uint32_t *ret)
{
	int64_t v;
	struct kx_error *err = kx_vmcoreinfo_number(vi, name, &v);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND)) {
		*has_ret = false;
		return NULL;
	}
	KX_TRY(err);
	if (v < INT32_MIN || v > UINT32_MAX)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO NUMBER(%s)=%lld is not a 32-bit page type",
				       name, (long long)v);
	*has_ret = true;
	*ret = (uint32_t)v;
	return NULL;
}

// OFFSET(page.x) of a field of @width bytes, checked to lie inside struct page.
static struct kx_error *field(const struct kx_vmcoreinfo *vi, const char *name,
			      uint32_t page_size, uint32_t width, uint32_t *ret)
{
	uint64_t off;
	KX_TRY(kx_vmcoreinfo_offset(vi, name, &off));
	if (off > page_size || width > page_size - off)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO OFFSET(%s)=%llu lies outside struct page (%u bytes)",
				       name, (unsigned long long)off, page_size);
	*ret = (uint32_t)off;
	return NULL;
}

static struct kx_error *optional_field(const struct kx_vmcoreinfo *vi, const char *name,
				       uint32_t page_size, uint32_t width, bool *has_ret,
				       uint32_t *ret)
{
	struct kx_error *err = field(vi, name, page_size, width, ret);
	*has_ret = !kx_error_catch(&err, KX_ERROR_NOT_FOUND);
	if (err)
		*has_ret = false;
	return err;
}

static struct kx_error *basic_fields(const struct kx_vmcoreinfo *vi,
				     struct kx_page_layout *l)
{
	uint64_t size;
	KX_TRY(kx_vmcoreinfo_size(vi, "page", &size));
	KX_CHECK(size >= 32 && size <= 4096, KX_ERROR_CORRUPT,
		 "VMCOREINFO SIZE(page)=%llu is not a plausible struct page size",
		 (unsigned long long)size);
	l->page_size = (uint32_t)size;
	KX_TRY(field(vi, "page.flags", l->page_size, 8, &l->off_flags));
	KX_TRY(field(vi, "page._mapcount", l->page_size, 4, &l->off_mapcount));
	KX_TRY(field(vi, "page.mapping", l->page_size, 8, &l->off_mapping));
	KX_TRY(field(vi, "page.private", l->page_size, 8, &l->off_private));
	// Linux 7.1 renamed the tail-page link in VMCOREINFO; the meaning is
	// unchanged. Without either, no page is ever taken for a tail.
	KX_TRY(optional_field(vi, "page.compound_head", l->page_size, 8,
			      &l->has_compound_head, &l->off_compound_head));
	if (!l->has_compound_head)
		KX_TRY(optional_field(vi, "page.compound_info", l->page_size, 8,
				      &l->has_compound_head, &l->off_compound_head));
	return NULL;
}

static bool has_number(const struct kx_vmcoreinfo *vi, const char *name)
{
	return kx_vmcoreinfo_find(vi, KX_VMCOREINFO_NUMBER, name) != NULL;
}

static bool has_offset(const struct kx_vmcoreinfo *vi, const char *name)
{
	return kx_vmcoreinfo_find(vi, KX_VMCOREINFO_OFFSET, name) != NULL;
}

// OFFSET(folio.x) points into the first tail page: folio fields past
// SIZE(page) overlay it (6.3-6.5).
static struct kx_error *folio_tail_field(const struct kx_vmcoreinfo *vi, const char *name,
					 uint32_t page_size, uint32_t *ret)
{
	uint64_t off;
	KX_TRY(kx_vmcoreinfo_offset(vi, name, &off));
	KX_CHECK(off >= page_size && off < 2 * (uint64_t)page_size, KX_ERROR_CORRUPT,
		 "VMCOREINFO OFFSET(%s)=%llu is not in the first tail page",
		 name, (unsigned long long)off);
	*ret = (uint32_t)(off - page_size);
	return NULL;
}

// Where the order and the hugetlb mark of compound pages live, newest first.
static struct kx_error *compound_model(const struct kx_vmcoreinfo *vi, uint32_t kver,
				       struct kx_page_layout *l)
{
	int64_t dtor;
	KX_TRY(number_or(vi, "HUGETLB_PAGE_DTOR", -1, &dtor));
	l->hugetlb_dtor = dtor;
	if (has_number(vi, "PAGE_HUGETLB_MAPCOUNT_VALUE")) {
		l->huge_model = KX_HUGE_PAGE_TYPE;
	} else if (has_number(vi, "PG_hugetlb")) {
		l->huge_model = KX_HUGE_PG_HUGETLB;
	} else if (has_offset(vi, "folio._folio_order")) {
		l->huge_model = KX_HUGE_DTOR;
		l->dtor_width = 1;
		KX_TRY(folio_tail_field(vi, "folio._folio_order", l->page_size, &l->off_tail_order));
		KX_TRY(folio_tail_field(vi, "folio._folio_dtor", l->page_size, &l->off_tail_dtor));
	} else if (has_offset(vi, "page.compound_order")) {
		l->huge_model = KX_HUGE_DTOR;
		// 4.16 shrank compound_dtor/compound_order from unsigned short
		// to unsigned char without changing what VMCOREINFO says.
		l->dtor_width = kver >= kx_kver(4, 16, 0) ? 1 : 2;
		KX_TRY(field(vi, "page.compound_order", l->page_size, l->dtor_width,
			     &l->off_tail_order));
		KX_TRY(field(vi, "page.compound_dtor", l->page_size, l->dtor_width,
			     &l->off_tail_dtor));
	} else {
		l->huge_model = KX_HUGE_NONE;
	}
	return NULL;
}

static struct kx_error *flag_bits(const struct kx_vmcoreinfo *vi, uint32_t kver,
				  struct kx_page_layout *l)
{
	KX_TRY(flag_bit(vi, "PG_lru", 5, &l->pg_lru));
	KX_TRY(flag_bit(vi, "PG_private", 11, &l->pg_private));
	KX_TRY(flag_bit(vi, "PG_swapcache", 15, &l->pg_swapcache));
	// Kernels that predate exporting PG_swapbacked had it six bits above
	// PG_private whenever PG_swapcache sat below PG_private.
	int swapbacked = l->pg_swapcache < l->pg_private ? l->pg_private + 6 : KX_PG_UNKNOWN;
	KX_TRY(flag_bit(vi, "PG_swapbacked", swapbacked, &l->pg_swapbacked));
	int slab = !has_number(vi, "PAGE_SLAB_MAPCOUNT_VALUE") && kver < kx_kver(6, 10, 0)
			   ? 7 : KX_PG_UNKNOWN;
	KX_TRY(flag_bit(vi, "PG_slab", slab, &l->pg_slab));
	KX_TRY(flag_bit(vi, "PG_hwpoison", KX_PG_UNKNOWN, &l->pg_hwpoison));
	KX_TRY(flag_bit(vi, "PG_buddy", KX_PG_UNKNOWN, &l->pg_buddy));
	KX_TRY(flag_bit(vi, "PG_hugetlb", KX_PG_UNKNOWN, &l->pg_hugetlb));
	int64_t head_mask;
	KX_TRY(number_or(vi, "PG_head_mask", INT64_C(1) << 14, &head_mask));
	KX_CHECK(head_mask > 0, KX_ERROR_CORRUPT,
		 "VMCOREINFO NUMBER(PG_head_mask)=%lld is not a flag mask", (long long)head_mask);
	l->pg_head_mask = (uint64_t)head_mask;
	return NULL;
}

static struct kx_error *page_types(const struct kx_vmcoreinfo *vi, struct kx_page_layout *l)
{
	KX_TRY(page_type(vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &l->has_buddy_type, &l->buddy_type));
	// Before the kernel exported it, buddy pages were marked -128 in
	// _mapcount (2.6.39 on), unless PG_buddy itself is known.
	if (!l->has_buddy_type && l->pg_buddy == KX_PG_UNKNOWN) {
		l->has_buddy_type = true;
		l->buddy_type = (uint32_t)-128;
	}
	KX_TRY(page_type(vi, "PAGE_SLAB_MAPCOUNT_VALUE", &l->has_slab_type, &l->slab_type));
	KX_TRY(page_type(vi, "PAGE_HUGETLB_MAPCOUNT_VALUE", &l->has_hugetlb_type, &l->hugetlb_type));
	KX_TRY(page_type(vi, "PAGE_OFFLINE_MAPCOUNT_VALUE", &l->has_offline_type, &l->offline_type));
	KX_TRY(page_type(vi, "PAGE_UNACCEPTED_MAPCOUNT_VALUE", &l->has_unaccepted_type,
			 &l->unaccepted_type));
	return NULL;
}

static struct kx_error *page_orders(const struct kx_vmcoreinfo *vi, struct kx_page_layout *l)
{
	uint64_t n;
	struct kx_error *err = kx_vmcoreinfo_length(vi, "zone.free_area", &n);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		n = 11; // MAX_ORDER 10 (NR_PAGE_ORDERS 11), the long-time x86 value
	KX_TRY(err);
	KX_CHECK(n >= 1 && n <= 64, KX_ERROR_CORRUPT,
		 "VMCOREINFO LENGTH(zone.free_area)=%llu is not a number of page orders",
		 (unsigned long long)n);
	l->nr_page_orders = (uint32_t)n;
	return NULL;
}

struct kx_error *kx_page_layout_from_vmcoreinfo(const struct kx_vmcoreinfo *vi,
						struct kx_page_layout *ret)
{
	if (!vi->osrelease)
		return kx_error_create(KX_ERROR_NOT_FOUND, "VMCOREINFO has no OSRELEASE");
	uint32_t kver;
	KX_TRY(kx_kver_parse(vi->osrelease, &kver));
	struct kx_page_layout l = { 0 };
	KX_TRY(basic_fields(vi, &l));
	KX_TRY(compound_model(vi, kver, &l));
	KX_TRY(flag_bits(vi, kver, &l));
	KX_TRY(page_types(vi, &l));
	KX_TRY(page_orders(vi, &l));
	*ret = l;
	return NULL;
}
