/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file page_layout.h
 * Building the classifier's struct kx_page_layout from a VMCOREINFO note.
 *
 * Keys a kernel does not export fall back to the values old kernels used,
 * as upstream makedumpfile does (PG_lru 5, PG_private 11, PG_swapcache 15,
 * PG_head_mask 1 << 14, PAGE_BUDDY_MAPCOUNT_VALUE -128), with one deliberate
 * difference: the PG_slab = 7 fallback is applied only to kernels older than
 * 6.10. From 6.10 on slab is a page type and bit 7 is PG_waiters, so the
 * fallback would mistake anonymous pages for slab and keep them.
 */
#ifndef KX_PAGE_LAYOUT_H
#define KX_PAGE_LAYOUT_H

#include "error.h"
#include "page_class.h"

struct kx_vmcoreinfo;

/**
 * Fill @p ret from @p vi.
 * @return NULL; KX_ERROR_NOT_FOUND naming the first missing key among those
 *         filtering cannot do without (SIZE(page), OFFSET(page.flags),
 *         OFFSET(page._mapcount), OFFSET(page.mapping), OFFSET(page.private),
 *         OSRELEASE); KX_ERROR_CORRUPT when an offset lies outside struct
 *         page or a number is impossible.
 */
struct kx_error *kx_page_layout_from_vmcoreinfo(const struct kx_vmcoreinfo *vi,
						struct kx_page_layout *ret);

#endif /* KX_PAGE_LAYOUT_H */
