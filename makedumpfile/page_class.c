// SPDX-License-Identifier: GPL-2.0-only
// Classifying one struct page: see page_class.h for the kernel history.
#include "config.h"

#include "byteorder.h"
#include "page_class.h"

// The fields of one struct page that classification looks at, decoded once.
struct page_fields {
	uint64_t flags, mapping, private_, compound_head;
	uint32_t mapcount;
};

static struct page_fields decode(const struct kx_page_layout *l, const uint8_t *p)
{
	return (struct page_fields){
		.flags = kx_get_le64(p + l->off_flags),
		.mapping = kx_get_le64(p + l->off_mapping),
		.private_ = kx_get_le64(p + l->off_private),
		.compound_head = l->has_compound_head ? kx_get_le64(p + l->off_compound_head) : 0,
		.mapcount = kx_get_le32(p + l->off_mapcount),
	};
}

static bool has_bit(uint64_t flags, int nr)
{
	return nr >= 0 && nr < 64 && (flags >> nr) & 1;
}

static bool is_slab(const struct kx_page_layout *l, const struct page_fields *f)
{
	if (l->has_slab_type && f->mapcount == l->slab_type)
		return true;
	return has_bit(f->flags, l->pg_slab);
}

// The low bit of page->mapping marks an anon_vma. Slab pages reuse that word
// (6.2 made slab.slabs alias it), so a slab page is never anonymous.
static bool is_anon(const struct kx_page_layout *l, const struct page_fields *f)
{
	return (f->mapping & 1) && !is_slab(l, f);
}

static bool is_cache(const struct kx_page_layout *l, const struct page_fields *f)
{
	if (has_bit(f->flags, l->pg_lru))
		return true;
	bool swapbacked = l->pg_swapbacked == KX_PG_UNKNOWN ||
			  has_bit(f->flags, l->pg_swapbacked);
	return swapbacked && has_bit(f->flags, l->pg_swapcache);
}

static bool is_buddy(const struct kx_page_layout *l, const struct page_fields *f)
{
	if (l->has_buddy_type)
		return !is_slab(l, f) && f->mapcount == l->buddy_type;
	return has_bit(f->flags, l->pg_buddy);
}

struct compound {
	unsigned int order;
	bool hugetlb;
};

static uint64_t read_width(const uint8_t *p, uint32_t width)
{
	return width == 2 ? kx_get_le16(p) : p[0];
}

// Order and hugetlb-ness of a head page, from its first tail page.
static struct compound compound_info(const struct kx_page_layout *l,
				     const struct page_fields *head,
				     const uint8_t *tail, uint64_t pfn)
{
	struct compound c = { 0, false };
	if (!(head->flags & l->pg_head_mask) || !tail || l->huge_model == KX_HUGE_NONE)
		return c;
	uint64_t tail_flags = kx_get_le64(tail + l->off_flags);
	uint64_t order;
	switch (l->huge_model) {
	case KX_HUGE_PAGE_TYPE:
		order = tail_flags & 0xff;
		c.hugetlb = l->has_hugetlb_type && head->mapcount == l->hugetlb_type;
		break;
	case KX_HUGE_PG_HUGETLB:
		order = tail_flags & 0xff;
		c.hugetlb = has_bit(tail_flags, l->pg_hugetlb);
		break;
	default:
		order = read_width(tail + l->off_tail_order, l->dtor_width);
		c.hugetlb = l->hugetlb_dtor >= 0 &&
			    read_width(tail + l->off_tail_dtor, l->dtor_width) ==
				    (uint64_t)l->hugetlb_dtor;
		break;
	}
	// A garbage order must not exclude pages that do not belong to the
	// compound page: fall back to judging the head alone.
	if (order >= 64 || (pfn & ((UINT64_C(1) << order) - 1)))
		order = 0;
	c.order = (unsigned int)order;
	return c;
}

static struct kx_page_verdict verdict(enum kx_page_class cls, uint64_t nr)
{
	return (struct kx_page_verdict){ .cls = cls, .nr_pages = nr };
}

// The rules that depend on the dump level, in upstream's order: the first
// that matches decides.
static struct kx_page_verdict by_level(const struct kx_page_layout *l,
				       const struct page_fields *f,
				       struct compound c, unsigned int level)
{
	uint64_t nr = UINT64_C(1) << c.order;
	if ((level & KX_DL_FREE) && is_buddy(l, f)) {
		if (f->private_ < l->nr_page_orders)
			return verdict(KX_PAGE_FREE, UINT64_C(1) << f->private_);
		struct kx_page_verdict v = verdict(KX_PAGE_KEEP, 1);
		v.bad_buddy_order = true;
		return v;
	}
	if ((level & KX_DL_FREE) && l->has_unaccepted_type &&
	    f->mapcount == l->unaccepted_type && l->nr_page_orders > 0)
		return verdict(KX_PAGE_UNACCEPTED, UINT64_C(1) << (l->nr_page_orders - 1));
	bool anon = is_anon(l, f);
	bool cache = is_cache(l, f) && !anon;
	bool priv = has_bit(f->flags, l->pg_private);
	if ((level & KX_DL_CACHE) && cache && !priv)
		return verdict(KX_PAGE_CACHE, nr);
	if ((level & KX_DL_CACHE_PRIVATE) && cache)
		return verdict(priv ? KX_PAGE_CACHE_PRIVATE : KX_PAGE_CACHE, nr);
	if ((level & KX_DL_USER) && (anon || c.hugetlb))
		return verdict(KX_PAGE_USER, nr);
	return verdict(KX_PAGE_KEEP, 1);
}

struct kx_page_verdict kx_page_classify(const struct kx_page_layout *layout,
					const uint8_t *page, const uint8_t *next,
					uint64_t pfn, unsigned int dump_level)
{
	struct page_fields f = decode(layout, page);
	if (f.compound_head & 1)
		return verdict(KX_PAGE_KEEP, 1);
	struct compound c = compound_info(layout, &f, next, pfn);
	struct kx_page_verdict v = by_level(layout, &f, c, dump_level);
	if (v.cls != KX_PAGE_KEEP)
		return v;
	// Bad and offlined memory is never worth reading, whatever the level.
	if (has_bit(f.flags, layout->pg_hwpoison))
		v.cls = KX_PAGE_HWPOISON;
	else if (layout->has_offline_type && !is_slab(layout, &f) &&
		 f.mapcount == layout->offline_type)
		v.cls = KX_PAGE_OFFLINE;
	return v;
}

const char *kx_page_class_name(enum kx_page_class cls)
{
	switch (cls) {
	case KX_PAGE_KEEP: return "kept";
	case KX_PAGE_CACHE: return "cache";
	case KX_PAGE_CACHE_PRIVATE: return "cache_private";
	case KX_PAGE_USER: return "user";
	case KX_PAGE_FREE: return "free";
	case KX_PAGE_UNACCEPTED: return "unaccepted";
	case KX_PAGE_HWPOISON: return "hwpoison";
	case KX_PAGE_OFFLINE: return "offline";
	}
	return "unknown";
}
