// SPDX-License-Identifier: GPL-2.0-only
// Kernel generations: the struct page contents and VMCOREINFO lines that
// differ between the kernels makedumpfile must filter. Values come from the
// real notes in ../shared/reference/samples (4.16, 5.4, 5.11, 6.1, 6.2, 6.12)
// and from the kernel history summarised in makedumpfile.md section 4.4;
// where no sample exists (flag numbering of 6.6+ and 6.12) the values are a
// reconstruction, marked below. Readers must take them from VMCOREINFO,
// which the generator always writes consistently with the struct pages.
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "mkvmcore.h"

// Page flags before 4.20 (PG_error at 1, no PG_workingset).
static const struct mkv_pageflags pg_4_19 = {
	.referenced = 2, .uptodate = 3, .dirty = 4, .lru = 5, .active = 6,
	.slab = 8, .owner_priv_1 = 9, .reserved = 11, .private_ = 12, .head = 15,
	.swapbacked = 18, .hwpoison = 22, .hugetlb = -1,
};

// 4.20 .. 6.5: PG_workingset added, PG_waiters pinned at bit 7. Matches the
// NUMBER(PG_*) lines of the 4.16 (backport) and 6.1 samples.
static const struct mkv_pageflags pg_4_20 = {
	.referenced = 1, .uptodate = 2, .dirty = 3, .lru = 4, .active = 5,
	.slab = 9, .owner_priv_1 = 10, .reserved = 12, .private_ = 13, .head = 16,
	.swapbacked = 19, .hwpoison = 23, .hugetlb = -1,
};

// 6.6 .. 6.9: PG_writeback at 1 and PG_head at 6 so the low byte of the
// first tail's flags can hold the folio order; PG_hugetlb = PG_active.
// Reconstructed (no complete sample).
static const struct mkv_pageflags pg_6_6 = {
	.referenced = 2, .uptodate = 3, .dirty = 4, .lru = 5, .head = 6,
	.active = 8, .slab = 11, .owner_priv_1 = 12, .reserved = 14,
	.private_ = 15, .swapbacked = 19, .hwpoison = 23, .hugetlb = 8,
};

// 6.12: PG_slab (6.10) and PG_error (6.12) are gone. PG_lru = 5 as in the
// Debian 6.12 note quoted in makedumpfile issue #18; the rest reconstructed.
static const struct mkv_pageflags pg_6_12 = {
	.referenced = 2, .uptodate = 3, .dirty = 4, .lru = 5, .head = 6,
	.active = 8, .slab = -1, .owner_priv_1 = 10, .reserved = 13,
	.private_ = 14, .swapbacked = 17, .hwpoison = 21, .hugetlb = -1,
};

// pglist_data/zone numbers of the 4.16, 6.1 and 6.2 samples.
static const struct mkv_misc_layout misc_4_16 = {
	10304, 1664, 104, 8, 9632, 9640, 9656, 9664, 192, 1472, 112, 6, 48,
};
static const struct mkv_misc_layout misc_6_1 = {
	174208, 1536, 88, 128, 171552, 171560, 171576, 171584, 256, 1344, 144, 5, 40,
};
static const struct mkv_misc_layout misc_6_2 = {
	175168, 1728, 104, 128, 172512, 172520, 172536, 172544, 256, 1536, 144, 6, 40,
};

// ~PG_buddy / ~PG_offline / ~PG_hugetlb as _mapcount values (4.18 .. 6.11).
static const uint32_t TYPE_BUDDY = ~UINT32_C(0x80), TYPE_OFFLINE = ~UINT32_C(0x100);
static const uint32_t TYPE_HUGETLB = ~UINT32_C(0x800);
// 6.12: one type per page in the top byte (PGTY_buddy 0xf0 ...).
static const uint32_t PGTY_BUDDY = 0xf0u << 24, PGTY_OFFLINE = 0xf1u << 24;
static const uint32_t PGTY_HUGETLB = 0xf4u << 24, PGTY_SLAB = 0xf5u << 24;

// SECTION_MARKED_PRESENT | HAS_MEM_MAP | IS_ONLINE (| IS_EARLY since 5.3).
static const uint64_t SECTION_FLAGS_4 = 0x7, SECTION_FLAGS_5 = 0xf;

static const struct mkv_kernel kernels[] = {
	{ .name = "4.19", .osrelease = "4.19.0-27",
	  .version = "#1 SMP Debian 4.19.316-1 (2024-06-25)", .pg = pg_4_19,
	  .compound = MKV_COMPOUND_PAGE_FIELDS, .hugetlb = MKV_HUGETLB_DTOR,
	  .buddy_type = TYPE_BUDDY, .uts_name_offset = 4, .mem_section_size = 16,
	  .section_flags = SECTION_FLAGS_4, .misc = &misc_4_16 },
	{ .name = "5.10", .osrelease = "5.10.0-30",
	  .version = "#1 SMP Debian 5.10.218-1 (2024-06-01)", .pg = pg_4_20,
	  .compound = MKV_COMPOUND_PAGE_FIELDS, .hugetlb = MKV_HUGETLB_DTOR,
	  .buddy_type = TYPE_BUDDY, .offline_type = TYPE_OFFLINE, .has_offline_type = true,
	  .mem_section_size = 16, .section_flags = SECTION_FLAGS_5,
	  .vi_build_id = true, .vi_uts_offset = true, .vi_max_physmem_bits = true,
	  .vi_pg_swapbacked = true, .vi_sme_mask = true, .misc = &misc_6_1 },
	{ .name = "6.1", .osrelease = "6.1.0-18",
	  .version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", .pg = pg_4_20,
	  .compound = MKV_COMPOUND_PAGE_FIELDS, .hugetlb = MKV_HUGETLB_DTOR,
	  .buddy_type = TYPE_BUDDY, .offline_type = TYPE_OFFLINE, .has_offline_type = true,
	  .mem_section_size = 32, .section_flags = SECTION_FLAGS_5,
	  .vi_build_id = true, .vi_uts_offset = true, .vi_max_physmem_bits = true,
	  .vi_section_size_bits = true, .vi_pg_swapbacked = true, .vi_sme_mask = true,
	  .misc = &misc_6_1 },
	{ .name = "6.3", .osrelease = "6.3.0-2",
	  .version = "#1 SMP PREEMPT_DYNAMIC Debian 6.3.11-1 (2023-07-01)", .pg = pg_4_20,
	  .compound = MKV_COMPOUND_FOLIO_FIELDS, .hugetlb = MKV_HUGETLB_DTOR,
	  .buddy_type = TYPE_BUDDY, .offline_type = TYPE_OFFLINE, .has_offline_type = true,
	  .slab_cache_at_8 = true, .mem_section_size = 32, .section_flags = SECTION_FLAGS_5,
	  .vi_build_id = true, .vi_uts_offset = true, .vi_max_physmem_bits = true,
	  .vi_section_size_bits = true, .vi_pg_swapbacked = true, .vi_sme_mask = true,
	  .misc = &misc_6_2 },
	{ .name = "6.6", .osrelease = "6.6.15",
	  .version = "#1 SMP PREEMPT_DYNAMIC Debian 6.6.15-2 (2024-02-04)", .pg = pg_6_6,
	  .compound = MKV_COMPOUND_TAIL_FLAGS, .hugetlb = MKV_HUGETLB_TAIL_FLAG,
	  .buddy_type = TYPE_BUDDY, .offline_type = TYPE_OFFLINE, .has_offline_type = true,
	  .slab_cache_at_8 = true, .mem_section_size = 32, .section_flags = SECTION_FLAGS_5,
	  .vi_build_id = true, .vi_uts_offset = true, .vi_max_physmem_bits = true,
	  .vi_section_size_bits = true, .vi_pg_swapbacked = true, .vi_sme_mask = true,
	  .misc = &misc_6_2 },
	{ .name = "6.9", .osrelease = "6.9.7",
	  .version = "#1 SMP PREEMPT_DYNAMIC Debian 6.9.7-1 (2024-06-27)", .pg = pg_6_6,
	  .compound = MKV_COMPOUND_TAIL_FLAGS, .hugetlb = MKV_HUGETLB_TYPE,
	  .buddy_type = TYPE_BUDDY, .offline_type = TYPE_OFFLINE, .has_offline_type = true,
	  .hugetlb_type = TYPE_HUGETLB, .has_hugetlb_type = true,
	  .slab_cache_at_8 = true, .mem_section_size = 32, .section_flags = SECTION_FLAGS_5,
	  .vi_build_id = true, .vi_uts_offset = true, .vi_max_physmem_bits = true,
	  .vi_section_size_bits = true, .vi_pg_swapbacked = true, .vi_vmalloc_start = true,
	  .vi_sme_mask = true, .misc = &misc_6_2 },
	{ .name = "6.12", .osrelease = "6.12.12",
	  .version = "#1 SMP PREEMPT_DYNAMIC Debian 6.12.12-1 (2025-02-02)", .pg = pg_6_12,
	  .compound = MKV_COMPOUND_TAIL_FLAGS, .hugetlb = MKV_HUGETLB_TYPE,
	  .buddy_type = PGTY_BUDDY, .offline_type = PGTY_OFFLINE, .has_offline_type = true,
	  .hugetlb_type = PGTY_HUGETLB, .has_hugetlb_type = true,
	  .slab_type = PGTY_SLAB, .has_slab_type = true,
	  .slab_cache_at_8 = true, .mem_section_size = 32, .section_flags = SECTION_FLAGS_5,
	  .vi_build_id = true, .vi_uts_offset = true, .vi_max_physmem_bits = true,
	  .vi_section_size_bits = true, .vi_pg_swapbacked = true, .vi_vmalloc_start = true,
	  .vi_sme_mask = true, .misc = &misc_6_2 },
};

const struct mkv_kernel *mkv_kernel_find(const char *name)
{
	for (size_t i = 0; i < KX_ARRAY_SIZE(kernels); i++)
		if (!strcmp(kernels[i].name, name))
			return &kernels[i];
	return NULL;
}

const char *mkv_kernel_names(void)
{
	return "4.19 5.10 6.1 6.3 6.6 6.9 6.12";
}

// Compound destructors (enum compound_dtor_id, <= 6.5).
enum { COMPOUND_PAGE_DTOR = 1, HUGETLB_PAGE_DTOR = 2, TRANSHUGE_PAGE_DTOR = 3 };
// What tail pages of a compound page carry in ->mapping (TAIL_MAPPING).
static const uint64_t TAIL_MAPPING = UINT64_C(0xdead000000000400);
static const uint64_t PAGE_MAPPING_ANON = 1;
// Zone in the top of page->flags: NODES_SHIFT 10, ZONES_SHIFT 3 as on
// Debian's config (ZONES_PGSHIFT = 64 - 10 - 3).
static const unsigned int ZONES_PGSHIFT = 51;

static uint64_t bit(int nr)
{
	return nr < 0 ? 0 : UINT64_C(1) << nr;
}

// Plausible kernel pointers for the objects a page refers to; they only
// need to look like direct-map addresses, aligned as the kernel's are.
static uint64_t fake_object(const struct mkv_ctx *ctx, uint64_t tag, int line)
{
	return ctx->page_offset + 0x7000000 + tag * 0x100000 + (uint64_t)line * 0x140;
}

static uint64_t zone_bits(uint64_t pfn)
{
	uint64_t zone = pfn < 0x1000 ? 0 : pfn < 0x100000 ? 1 : 2;  // DMA, DMA32, Normal
	return zone << ZONES_PGSHIFT;
}

static void put_page_fields(uint8_t *p, uint64_t flags, uint64_t mapping,
			    uint32_t mapcount, uint32_t refcount)
{
	kx_put_le64(p + MKV_OFF_FLAGS, flags);
	kx_put_le64(p + MKV_OFF_MAPPING, mapping);
	kx_put_le32(p + MKV_OFF_MAPCOUNT, mapcount);
	kx_put_le32(p + MKV_OFF_REFCOUNT, refcount);
}

// The first tail page carries the order (and, in old kernels, the hugetlb
// destructor); see mkv_compound_model.
static void put_first_tail(const struct mkv_kernel *k, uint8_t *p, enum mkv_class cls,
			   unsigned int order)
{
	bool huge = cls == MKV_HUGETLB;
	uint8_t dtor = huge ? HUGETLB_PAGE_DTOR
			    : cls == MKV_ANON ? TRANSHUGE_PAGE_DTOR : COMPOUND_PAGE_DTOR;
	switch (k->compound) {
	case MKV_COMPOUND_PAGE_FIELDS:
		p[MKV_OFF_TAIL_DTOR] = dtor;
		p[MKV_OFF_TAIL_ORDER] = (uint8_t)order;
		kx_put_le32(p + 20, UINT32_MAX);        // compound_mapcount
		break;
	case MKV_COMPOUND_FOLIO_FIELDS:
		p[MKV_OFF_TAIL_DTOR] = dtor;
		p[MKV_OFF_TAIL_ORDER] = (uint8_t)order;
		kx_put_le32(p + 20, UINT32_MAX);        // _entire_mapcount
		kx_put_le64(p + MKV_OFF_MAPPING, 0);    // _nr_pages_mapped, _pincount
		kx_put_le32(p + 32, 1u << order);       // _folio_nr_pages
		break;
	case MKV_COMPOUND_TAIL_FLAGS: {
		uint64_t flags = kx_get_le64(p) | order;
		if (huge && k->hugetlb == MKV_HUGETLB_TAIL_FLAG)
			flags |= bit(k->pg.hugetlb);
		kx_put_le64(p, flags);
		kx_put_le64(p + MKV_OFF_MAPPING, UINT32_MAX);  // _entire_mapcount -1, _nr_pages_mapped 0
		kx_put_le32(p + 36, 1u << order);              // _folio_nr_pages
		break;
	}
	}
}

static void put_tail(const struct mkv_ctx *ctx, uint8_t *p, const struct mkv_page_rule *r,
		     uint64_t head, uint64_t idx)
{
	kx_put_le64(p + MKV_OFF_LRU, mkv_pfn_to_page(ctx, head) | 1);  // compound_head
	kx_put_le64(p + MKV_OFF_MAPPING, TAIL_MAPPING);
	kx_put_le32(p + MKV_OFF_REFCOUNT, 0);
	if (idx == 1)
		put_first_tail(ctx->kernel, p, r->cls, r->order);
}

static void put_slab(const struct mkv_ctx *ctx, uint8_t *p, const struct mkv_page_rule *r,
		     uint64_t flags)
{
	const struct mkv_kernel *k = ctx->kernel;
	uint64_t cache = fake_object(ctx, 3, r->line);
	uint32_t type = k->has_slab_type ? k->slab_type : UINT32_MAX;
	put_page_fields(p, flags | bit(k->pg.slab), 0, type, 1);
	if (k->slab_cache_at_8) {
		// struct slab since 6.2: slab_cache aliases lru.next; the int
		// `slabs` aliases ->mapping and is often odd (makedumpfile 5f17bdd).
		kx_put_le64(p + 8, cache);
		kx_put_le64(p + MKV_OFF_MAPPING, 3);
	} else {
		kx_put_le64(p + MKV_OFF_MAPPING, cache);  // slab_cache
	}
	kx_put_le64(p + MKV_OFF_INDEX, ctx->page_offset + 0x6000000);  // freelist
}

// The head (or only) page of a described range.
static void put_head(const struct mkv_ctx *ctx, uint8_t *p, const struct mkv_page_rule *r,
		     uint64_t pfn, uint64_t flags)
{
	const struct mkv_kernel *k = ctx->kernel;
	const struct mkv_pageflags *pg = &k->pg;
	if (r->order)
		flags |= bit(pg->head);
	switch (r->cls) {
	case MKV_CACHE:
	case MKV_CACHE_PRIVATE:
		flags |= bit(pg->lru) | bit(pg->uptodate) | bit(pg->referenced);
		if (r->cls == MKV_CACHE_PRIVATE) {
			flags |= bit(pg->private_);
			kx_put_le64(p + MKV_OFF_PRIVATE, fake_object(ctx, 2, r->line));
		}
		put_page_fields(p, flags, fake_object(ctx, 1, r->line), UINT32_MAX, 2);
		kx_put_le64(p + MKV_OFF_INDEX, pfn - r->start);
		break;
	case MKV_ANON:
		flags |= bit(pg->lru) | bit(pg->uptodate) | bit(pg->dirty) |
			 bit(pg->swapbacked) | bit(pg->active);
		put_page_fields(p, flags, fake_object(ctx, 4, r->line) | PAGE_MAPPING_ANON, 0, 1);
		kx_put_le64(p + MKV_OFF_INDEX, 0x7f0000000 + pfn - r->start);
		break;
	case MKV_HUGETLB:
		put_page_fields(p, flags | bit(pg->uptodate), fake_object(ctx, 5, r->line),
				k->has_hugetlb_type ? k->hugetlb_type : UINT32_MAX, 1);
		break;
	case MKV_FREE:
		put_page_fields(p, flags, 0, k->buddy_type, 0);
		kx_put_le64(p + MKV_OFF_PRIVATE, r->order);
		break;
	case MKV_SLAB:
		put_slab(ctx, p, r, flags);
		break;
	case MKV_HWPOISON:
		put_page_fields(p, flags | bit(pg->hwpoison), 0, UINT32_MAX, 1);
		break;
	case MKV_OFFLINE:
		put_page_fields(p, flags, 0, k->offline_type, 1);
		break;
	case MKV_RESERVED:
		put_page_fields(p, flags | bit(pg->reserved), 0, UINT32_MAX, 1);
		break;
	case MKV_KERNEL:
	case MKV_NR_CLASSES:
		break;
	}
}

void mkv_struct_page(const struct mkv_ctx *ctx, uint64_t pfn, uint8_t *p)
{
	uint64_t flags = zone_bits(pfn);
	memset(p, 0, MKV_PAGE_SIZE);
	put_page_fields(p, flags, 0, UINT32_MAX, 1);
	// Holes inside a present section and early allocations are reserved,
	// as memmap_init() / memblock leave them.
	if (!mkv_pfn_is_ram(ctx, pfn) ||
	    mkv_region_find(ctx, pfn << ctx->page_shift)) {
		kx_put_le64(p, flags | bit(ctx->kernel->pg.reserved));
		return;
	}
	const struct mkv_page_rule *r = mkv_spec_rule(ctx->spec, pfn);
	if (!r)
		return;
	uint64_t head = r->start + ((pfn - r->start) & ~((UINT64_C(1) << r->order) - 1));
	if (pfn == head)
		put_head(ctx, p, r, pfn, flags);
	else if (r->cls == MKV_FREE)
		put_page_fields(p, flags, 0, UINT32_MAX, 0);  // rest of a buddy block
	else
		put_tail(ctx, p, r, head, pfn - head);
}

// A stable fake BUILD-ID: 20 bytes derived from OSRELEASE.
static void put_build_id(const struct mkv_ctx *ctx, FILE *out)
{
	uint64_t h = 0;
	for (const char *s = ctx->spec->osrelease; *s; s++)
		h = mkv_mix64(h ^ (unsigned char)*s);
	fputs("BUILD-ID=", out);
	for (int i = 0; i < 20; i++) {
		h = mkv_mix64(h);
		fprintf(out, "%02x", (unsigned int)(h & 0xff));
	}
	fputc('\n', out);
}

// The lines before the struct page block (crash_save_vmcoreinfo_init()).
static void vmcoreinfo_head(const struct mkv_ctx *ctx, FILE *out)
{
	const struct mkv_kernel *k = ctx->kernel;
	fprintf(out, "OSRELEASE=%s\n", ctx->spec->osrelease);
	if (k->vi_build_id)
		put_build_id(ctx, out);
	fprintf(out, "PAGESIZE=%" PRIu64 "\n", ctx->page_size);
	fprintf(out, "SYMBOL(init_uts_ns)=%" PRIx64 "\n", ctx->sym_init_uts_ns);
	if (k->vi_uts_offset)
		fprintf(out, "OFFSET(uts_namespace.name)=%u\n", k->uts_name_offset);
	fprintf(out, "SYMBOL(node_online_map)=%" PRIx64 "\n", ctx->sym_node_online_map);
	fprintf(out, "SYMBOL(swapper_pg_dir)=%" PRIx64 "\n", ctx->sym_init_top_pgt);
	fprintf(out, "SYMBOL(_stext)=%" PRIx64 "\n", ctx->text_va);
	if (k->vi_vmalloc_start) {
		fprintf(out, "NUMBER(VMALLOC_START)=0x%" PRIx64 "\n", ctx->vmalloc_start);
		fprintf(out, "SYMBOL(vmemmap)=%" PRIx64 "\n", ctx->vmemmap_base);
	} else {
		fprintf(out, "SYMBOL(vmap_area_list)=%" PRIx64 "\n", ctx->sym_vmap_area_list);
	}
	fprintf(out, "SYMBOL(mem_section)=%" PRIx64 "\n", ctx->mem_section_root_va);
	fprintf(out, "LENGTH(mem_section)=%" PRIu64 "\n", ctx->nr_section_roots);
	fprintf(out, "SIZE(mem_section)=%u\n", ctx->mem_section_size);
	fprintf(out, "OFFSET(mem_section.section_mem_map)=0\n");
	if (k->vi_section_size_bits)
		fprintf(out, "NUMBER(SECTION_SIZE_BITS)=%u\n", ctx->arch->section_size_bits);
	if (k->vi_max_physmem_bits)
		fprintf(out, "NUMBER(MAX_PHYSMEM_BITS)=%u\n", ctx->max_physmem_bits);
}

static void vmcoreinfo_struct_page(const struct mkv_ctx *ctx, FILE *out)
{
	const struct mkv_kernel *k = ctx->kernel;
	const struct mkv_misc_layout *m = k->misc;
	fprintf(out, "SIZE(page)=%d\nSIZE(pglist_data)=%u\nSIZE(zone)=%u\n"
		"SIZE(free_area)=%u\nSIZE(list_head)=16\nSIZE(nodemask_t)=%u\n",
		MKV_PAGE_SIZE, m->size_pglist_data, m->size_zone, m->size_free_area,
		m->size_nodemask);
	fprintf(out, "OFFSET(page.flags)=%d\nOFFSET(page._refcount)=%d\n"
		"OFFSET(page.mapping)=%d\nOFFSET(page.lru)=%d\nOFFSET(page._mapcount)=%d\n"
		"OFFSET(page.private)=%d\n", MKV_OFF_FLAGS, MKV_OFF_REFCOUNT,
		MKV_OFF_MAPPING, MKV_OFF_LRU, MKV_OFF_MAPCOUNT, MKV_OFF_PRIVATE);
	if (k->compound == MKV_COMPOUND_PAGE_FIELDS)
		fprintf(out, "OFFSET(page.compound_dtor)=%d\nOFFSET(page.compound_order)=%d\n",
			MKV_OFF_TAIL_DTOR, MKV_OFF_TAIL_ORDER);
	fprintf(out, "OFFSET(page.compound_head)=%d\n", MKV_OFF_LRU);
	if (k->compound == MKV_COMPOUND_FOLIO_FIELDS)
		fprintf(out, "OFFSET(folio._folio_dtor)=%d\nOFFSET(folio._folio_order)=%d\n",
			MKV_PAGE_SIZE + MKV_OFF_TAIL_DTOR, MKV_PAGE_SIZE + MKV_OFF_TAIL_ORDER);
	fprintf(out, "OFFSET(pglist_data.node_zones)=0\nOFFSET(pglist_data.nr_zones)=%u\n"
		"OFFSET(pglist_data.node_start_pfn)=%u\n"
		"OFFSET(pglist_data.node_spanned_pages)=%u\nOFFSET(pglist_data.node_id)=%u\n",
		m->off_nr_zones, m->off_node_start_pfn, m->off_node_spanned_pages, m->off_node_id);
	fprintf(out, "OFFSET(zone.free_area)=%u\nOFFSET(zone.vm_stat)=%u\n"
		"OFFSET(zone.spanned_pages)=%u\nOFFSET(free_area.free_list)=0\n"
		"OFFSET(list_head.next)=0\nOFFSET(list_head.prev)=8\n",
		m->off_zone_free_area, m->off_zone_vm_stat, m->off_zone_spanned_pages);
	if (!k->vi_vmalloc_start)
		fprintf(out, "OFFSET(vmap_area.va_start)=0\nOFFSET(vmap_area.list)=%u\n",
			m->vmap_area_list_off);
	fprintf(out, "LENGTH(zone.free_area)=%u\n", ctx->arch->free_area_len(ctx->page_shift));
}

// NUMBER(PG_*) and the page-type values, in the kernel's order.
static void vmcoreinfo_numbers(const struct mkv_ctx *ctx, FILE *out)
{
	const struct mkv_kernel *k = ctx->kernel;
	const struct mkv_pageflags *pg = &k->pg;
	fprintf(out, "LENGTH(free_area.free_list)=%u\nNUMBER(NR_FREE_PAGES)=0\n",
		k->misc->free_list_len);
	fprintf(out, "NUMBER(PG_lru)=%d\nNUMBER(PG_private)=%d\nNUMBER(PG_swapcache)=%d\n",
		pg->lru, pg->private_, pg->owner_priv_1);
	if (k->vi_pg_swapbacked)
		fprintf(out, "NUMBER(PG_swapbacked)=%d\n", pg->swapbacked);
	if (pg->slab >= 0)
		fprintf(out, "NUMBER(PG_slab)=%d\n", pg->slab);
	else
		fprintf(out, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=%d\n", (int32_t)k->slab_type);
	fprintf(out, "NUMBER(PG_hwpoison)=%d\nNUMBER(PG_head_mask)=%" PRIu64 "\n",
		pg->hwpoison, UINT64_C(1) << pg->head);
	fprintf(out, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%d\n", (int32_t)k->buddy_type);
	if (k->hugetlb == MKV_HUGETLB_DTOR)
		fprintf(out, "NUMBER(HUGETLB_PAGE_DTOR)=%d\n", HUGETLB_PAGE_DTOR);
	else if (k->hugetlb == MKV_HUGETLB_TAIL_FLAG)
		fprintf(out, "NUMBER(PG_hugetlb)=%d\n", pg->hugetlb);
	else
		fprintf(out, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=%d\n", (int32_t)k->hugetlb_type);
	if (k->has_offline_type)
		fprintf(out, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%d\n", (int32_t)k->offline_type);
}

void mkv_vmcoreinfo_write(const struct mkv_ctx *ctx, FILE *out)
{
	vmcoreinfo_head(ctx, out);
	vmcoreinfo_struct_page(ctx, out);
	mkv_printk_vmcoreinfo(ctx, out);
	vmcoreinfo_numbers(ctx, out);
	if (ctx->arch->vmcoreinfo_tail)
		ctx->arch->vmcoreinfo_tail(ctx, out);
	fprintf(out, "CRASHTIME=%" PRId64 "\n", ctx->spec->crashtime);
}
