/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file page_class.h
 * Classifying one struct page: which dump-level class it belongs to and how
 * many page frames the verdict covers.
 *
 * This is the heart of filtering and the part every kernel generation has
 * broken at least once, so it is a pure function of the struct page bytes
 * and a description of the kernel's layout (struct kx_page_layout, built from
 * VMCOREINFO elsewhere). It reads no memory and keeps no state.
 *
 * Kernel generations and what changed (the layout records which applies):
 *  - <= 6.2: compound order/dtor in the first tail page (u16 before 4.16,
 *    u8 since), hugetlb when dtor == NUMBER(HUGETLB_PAGE_DTOR); PG_slab flag;
 *    buddy is _mapcount == PAGE_BUDDY_MAPCOUNT_VALUE (~PG_buddy, e.g. -129).
 *  - 6.3..6.5: order/dtor moved to folio._folio_order/_folio_dtor, located
 *    in the first tail page at OFFSET(folio._folio_*) - SIZE(page).
 *  - 6.6..6.8: no dtor; hugetlb is PG_hugetlb in the first tail's flags and
 *    the order is the low byte of the first tail's flags.
 *  - 6.9: hugetlb became a page type (head _mapcount == PAGE_HUGETLB_...).
 *  - 6.10: slab became a page type (PAGE_SLAB_MAPCOUNT_VALUE), PG_slab gone.
 *  - 6.12: one page type per page in the top byte (values PGTY_x << 24).
 *  - 6.16: unaccepted memory page type.
 *  - 7.1: OFFSET(page.compound_head) renamed OFFSET(page.compound_info).
 */
#ifndef KX_PAGE_CLASS_H
#define KX_PAGE_CLASS_H

#include <stdbool.h>
#include <stdint.h>

/** Dump-level bits of makedumpfile's -d. */
enum kx_dump_level_bit {
	KX_DL_ZERO = 1,
	KX_DL_CACHE = 2,          /**< page cache without private data */
	KX_DL_CACHE_PRIVATE = 4,  /**< all page cache */
	KX_DL_USER = 8,           /**< anonymous and hugetlb pages */
	KX_DL_FREE = 16,
	KX_DL_MAX = 31,
};

/** Where a compound page's order and hugetlb marker live. */
enum kx_huge_model {
	/** order/dtor fields in the first tail page (<= 6.5; offsets given). */
	KX_HUGE_DTOR = 0,
	/** order in tail flags' low byte, hugetlb = PG_hugetlb in tail flags (6.6-6.8). */
	KX_HUGE_PG_HUGETLB = 1,
	/** order in tail flags' low byte, hugetlb = head page type (>= 6.9). */
	KX_HUGE_PAGE_TYPE = 2,
	/** the kernel exports no way to find the order: every page is order 0. */
	KX_HUGE_NONE = 3,
};

/** A flag bit number that the kernel may not export. */
#define KX_PG_UNKNOWN (-1)

/** Everything the classifier needs to know about one kernel's struct page. */
struct kx_page_layout {
	uint32_t page_size;        /**< SIZE(page), bytes of one struct page */
	uint32_t off_flags;        /**< OFFSET(page.flags), unsigned long */
	uint32_t off_mapping;      /**< OFFSET(page.mapping), pointer */
	uint32_t off_mapcount;     /**< OFFSET(page._mapcount), 32-bit (page_type) */
	uint32_t off_private;      /**< OFFSET(page.private), unsigned long */
	/** OFFSET(page.compound_head) (7.1: compound_info); bit 0 marks a tail page. */
	uint32_t off_compound_head;
	bool has_compound_head;

	enum kx_huge_model huge_model;
	/** KX_HUGE_DTOR: offsets inside the first tail page, and field width (1 or 2). */
	uint32_t off_tail_order, off_tail_dtor, dtor_width;
	/** KX_HUGE_DTOR: NUMBER(HUGETLB_PAGE_DTOR); negative = unknown. */
	int64_t hugetlb_dtor;

	int pg_lru, pg_private, pg_swapcache, pg_swapbacked;
	int pg_slab, pg_hwpoison, pg_buddy, pg_hugetlb;
	uint64_t pg_head_mask;

	/** Page-type values compared against the whole 32-bit _mapcount. */
	bool has_buddy_type, has_slab_type, has_hugetlb_type;
	bool has_offline_type, has_unaccepted_type;
	uint32_t buddy_type, slab_type, hugetlb_type, offline_type, unaccepted_type;

	/** LENGTH(zone.free_area) = number of buddy orders (11 or 12 typically). */
	uint32_t nr_page_orders;
};

/** Why a page is excluded (or not). */
enum kx_page_class {
	KX_PAGE_KEEP = 0,
	KX_PAGE_CACHE,         /**< -d 2: page cache, no private data */
	KX_PAGE_CACHE_PRIVATE, /**< -d 4: page cache with private data */
	KX_PAGE_USER,          /**< -d 8: anonymous or hugetlb */
	KX_PAGE_FREE,          /**< -d 16: buddy allocator free block */
	KX_PAGE_UNACCEPTED,    /**< -d 16: never-accepted memory (TDX/SNP) */
	KX_PAGE_HWPOISON,      /**< always: memory the hardware reported bad */
	KX_PAGE_OFFLINE,       /**< always: logically offlined (balloon, hotplug) */
};

struct kx_page_verdict {
	enum kx_page_class cls;
	/** Page frames covered, starting at the classified pfn (1 when kept). */
	uint64_t nr_pages;
	/** A buddy page whose order is impossible: kept, and worth a warning. */
	bool bad_buddy_order;
};

/**
 * Classify the struct page @p page (layout->page_size bytes) of frame @p pfn.
 * @param next the following struct page (the first tail of a compound page),
 *        or NULL when it is not available; then compound pages count as order 0.
 * @param dump_level -d value, 0..31.
 * @return the verdict; tail pages of compound pages are always KX_PAGE_KEEP
 *         with nr_pages 1: they are excluded only with their head's range.
 */
struct kx_page_verdict kx_page_classify(const struct kx_page_layout *layout,
					const uint8_t *page, const uint8_t *next,
					uint64_t pfn, unsigned int dump_level);

/** True when @p cls removes pages from the dump. */
static inline bool kx_page_class_excluded(enum kx_page_class cls)
{
	return cls != KX_PAGE_KEEP;
}

/** Short name of a class, as --show-stats and the tests print it. */
const char *kx_page_class_name(enum kx_page_class cls);

#endif /* KX_PAGE_CLASS_H */
