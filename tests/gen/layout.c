// SPDX-License-Identifier: GPL-2.0-only
// Physical placement of everything the generator owns, the page tables,
// SPARSEMEM_EXTREME mem_section, the kernel variables VMCOREINFO points at,
// and the bytes of every page. Arch specifics come through struct mkv_arch.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "mkvmcore.h"

static const struct mkv_arch *const arches[] = { &mkv_arch_x86_64, &mkv_arch_loongarch64 };

const struct mkv_arch *mkv_arch_find(const char *name)
{
	for (size_t i = 0; i < KX_ARRAY_SIZE(arches); i++)
		if (!strcmp(arches[i]->name, name))
			return arches[i];
	return NULL;
}

// The image's data area starts in the middle of the image, page aligned:
// first the root table (init_top_pgt / swapper_pg_dir) and the tables of
// the kernel mapping (as level3/level2_kernel_pgt are), one page each, then
// the kernel variables at the IMG_* offsets from the end of those tables.
enum {
	IMG_NR_TABLES = 4,          // kernel-mapping tables after the root
	IMG_UTS = 0x0e80,           // init_uts_ns: utsname crosses a 4 KiB boundary
	IMG_NODE_ONLINE = 0x2000,   // node_online_map
	IMG_NODE_DATA = 0x3000,     // node_data[MAX_NUMNODES]
	IMG_MEM_SECTION = 0x5000,   // struct mem_section **mem_section
	IMG_VMAP_LIST = 0x5040,     // vmap_area_list (empty list_head)
	IMG_DATA_SIZE = 0x6000,
	NR_NODE_DATA = 1024,        // MAX_NUMNODES with NODES_SHIFT 10
};

// Where the variables start: after the root and the kernel-mapping tables.
static uint64_t image_vars_pa(const struct mkv_ctx *ctx)
{
	return ctx->image_data_pa + (1 + IMG_NR_TABLES) * ctx->page_size;
}

uint64_t mkv_image_free_pa(const struct mkv_ctx *ctx)
{
	return image_vars_pa(ctx) + IMG_DATA_SIZE;
}

uint64_t mkv_pa_to_va(const struct mkv_ctx *ctx, uint64_t pa)
{
	return ctx->page_offset + pa;
}

uint64_t mkv_pfn_to_page(const struct mkv_ctx *ctx, uint64_t pfn)
{
	return ctx->vmemmap_base + pfn * MKV_PAGE_SIZE;
}

uint64_t mkv_image_va_to_pa(const struct mkv_ctx *ctx, uint64_t va)
{
	return va - ctx->text_va + ctx->text_pa;
}

bool mkv_pfn_is_ram(const struct mkv_ctx *ctx, uint64_t pfn)
{
	const struct mkv_spec *s = ctx->spec;
	uint64_t pa = pfn << ctx->page_shift;
	for (size_t i = 0; i < s->nr_ram; i++)
		if (s->ram[i].start < pa + ctx->page_size && pa < s->ram[i].end)
			return true;
	return false;
}

static struct kx_error *grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return NULL;
	size_t ncap = *cap ? 2 * *cap : 32;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return &kx_enomem;
	*arr = p;
	*cap = ncap;
	return NULL;
}

static struct kx_error *region_add(struct mkv_ctx *ctx, uint64_t start, uint64_t end,
				   enum mkv_region_kind kind, uint64_t first_pfn)
{
	KX_TRY(grow((void **)&ctx->regions, &ctx->cap_regions, ctx->nr_regions,
		    sizeof(*ctx->regions)));
	ctx->regions[ctx->nr_regions++] = (struct mkv_region){ start, end, kind, first_pfn };
	return NULL;
}

struct kx_error *mkv_blob_add(struct mkv_ctx *ctx, uint64_t pa, size_t size, uint8_t **ret)
{
	KX_TRY(grow((void **)&ctx->blobs, &ctx->cap_blobs, ctx->nr_blobs, sizeof(*ctx->blobs)));
	uint8_t *data = calloc(1, size);
	if (!data)
		return &kx_enomem;
	ctx->blobs[ctx->nr_blobs++] = (struct mkv_blob){ pa, size, data };
	*ret = data;
	return NULL;
}

// Does [start, end) (bytes) collide with the image or a described pfn?
static bool alloc_conflict(const struct mkv_ctx *ctx, uint64_t start, uint64_t end)
{
	unsigned int shift = ctx->page_shift;
	if (start < ctx->text_pa + ctx->spec->kernel_size && ctx->text_pa < end)
		return true;
	return mkv_spec_claims(ctx->spec, start >> shift, (end + ctx->page_size - 1) >> shift);
}

struct kx_error *mkv_alloc(struct mkv_ctx *ctx, uint64_t size, uint64_t align,
			   enum mkv_region_kind kind, uint64_t first_pfn,
			   const char *what, uint64_t *ret_pa)
{
	const struct mkv_spec *s = ctx->spec;
	uint64_t pmask = ctx->page_size - 1;
	for (;;) {
		const struct mkv_range *r = &s->ram[ctx->alloc_range];
		uint64_t low = (r->start + pmask) & ~pmask;
		uint64_t top = ctx->alloc_top < (r->end & ~pmask) ? ctx->alloc_top : r->end & ~pmask;
		uint64_t start = top >= size ? (top - size) & ~(align - 1) : 0;
		if (top < size || start < low) {
			if (ctx->alloc_range == 0)
				return kx_error_create(KX_ERROR_NOSPACE,
						       "no room in RAM for %s (0x%" PRIx64 " bytes): "
						       "add RAM or free up described pfns", what, size);
			ctx->alloc_range--;
			ctx->alloc_top = UINT64_MAX;
			continue;
		}
		if (alloc_conflict(ctx, start, start + size)) {
			ctx->alloc_top = start + size - ctx->page_size;
			continue;
		}
		ctx->alloc_top = start;
		*ret_pa = start;
		return region_add(ctx, start, start + size, kind, first_pfn);
	}
}

static struct kx_error *table_new(struct mkv_ctx *ctx, uint64_t pa, size_t *ret)
{
	KX_TRY(grow((void **)&ctx->tables, &ctx->cap_tables, ctx->nr_tables, sizeof(*ctx->tables)));
	size_t entries = ctx->page_size / 8;
	size_t *child = calloc(entries, sizeof(*child));
	if (!child)
		return &kx_enomem;
	struct mkv_table *t = &ctx->tables[ctx->nr_tables];
	struct kx_error *err = mkv_blob_add(ctx, pa, ctx->page_size, &t->data);
	if (err) {
		free(child);
		return err;
	}
	t->pa = pa;
	t->child = child;
	*ret = ctx->nr_tables++;
	return NULL;
}

// A new intermediate table: from the image while mapping the kernel (as
// level3/level2_kernel_pgt are), from memblock otherwise.
static struct kx_error *table_alloc(struct mkv_ctx *ctx, size_t *ret)
{
	uint64_t pa;
	if (ctx->tables_in_image) {
		if (ctx->image_tables_used == IMG_NR_TABLES)
			return kx_error_create(KX_ERROR_NOSPACE, "kernel mapping needs too many tables");
		pa = ctx->image_data_pa + ++ctx->image_tables_used * ctx->page_size;
	} else {
		KX_TRY(mkv_alloc(ctx, ctx->page_size, ctx->page_size, MKV_REGION_MEMBLOCK, 0,
				 "a page table", &pa));
	}
	return table_new(ctx, pa, ret);
}

static unsigned int level_shift(const struct mkv_ctx *ctx, unsigned int level)
{
	return ctx->page_shift + level * (ctx->page_shift - 3);
}

// Install one leaf at @p level for va -> pa, creating tables on the way.
static struct kx_error *set_leaf(struct mkv_ctx *ctx, uint64_t va, uint64_t pa,
				 unsigned int level, bool exec)
{
	uint64_t idx_mask = ctx->page_size / 8 - 1;
	size_t t = 0;
	for (unsigned int l = ctx->levels - 1; l > level; l--) {
		size_t idx = (size_t)((va >> level_shift(ctx, l)) & idx_mask);
		if (!ctx->tables[t].child[idx]) {
			if (kx_get_le64(ctx->tables[t].data + 8 * idx))
				return kx_error_create(KX_ERROR_INVALID_ARG,
						       "va 0x%" PRIx64 " already mapped by a large page", va);
			size_t n;
			KX_TRY(table_alloc(ctx, &n));
			ctx->tables[t].child[idx] = n + 1;
			kx_put_le64(ctx->tables[t].data + 8 * idx,
				    ctx->arch->table_entry(ctx, l, ctx->tables[n].pa));
		}
		t = ctx->tables[t].child[idx] - 1;
	}
	size_t idx = (size_t)((va >> level_shift(ctx, level)) & idx_mask);
	if (ctx->tables[t].child[idx] || kx_get_le64(ctx->tables[t].data + 8 * idx))
		return kx_error_create(KX_ERROR_INVALID_ARG, "va 0x%" PRIx64 " mapped twice", va);
	kx_put_le64(ctx->tables[t].data + 8 * idx, ctx->arch->leaf_entry(ctx, level, pa, exec));
	return NULL;
}

struct kx_error *mkv_pgtable_map(struct mkv_ctx *ctx, uint64_t va, uint64_t pa,
				 uint64_t size, unsigned int max_leaf_level, bool exec)
{
	while (size) {
		unsigned int l = max_leaf_level;
		for (;; l--) {
			uint64_t leaf = UINT64_C(1) << level_shift(ctx, l);
			if (l == 0 || (((va | pa) & (leaf - 1)) == 0 && size >= leaf))
				break;
		}
		uint64_t leaf = UINT64_C(1) << level_shift(ctx, l);
		KX_TRY(set_leaf(ctx, va, pa, l, exec));
		va += leaf;
		pa += leaf;
		size -= leaf;
	}
	return NULL;
}

struct kx_error *mkv_pgtable_map_vmemmap(struct mkv_ctx *ctx, unsigned int max_leaf_level)
{
	// Regions are appended while tables are allocated: iterate by index
	// over the count before mapping, vmemmap regions all exist by now.
	size_t n = ctx->nr_regions;
	for (size_t i = 0; i < n; i++) {
		const struct mkv_region r = ctx->regions[i];
		if (r.kind != MKV_REGION_VMEMMAP)
			continue;
		KX_TRY(mkv_pgtable_map(ctx, mkv_pfn_to_page(ctx, r.first_pfn), r.start,
				       r.end - r.start, max_leaf_level, false));
	}
	return NULL;
}

static bool section_present(const struct mkv_ctx *ctx, uint64_t nr)
{
	const struct mkv_spec *s = ctx->spec;
	unsigned int bits = ctx->arch->section_size_bits;
	for (size_t i = 0; i < s->nr_ram; i++)
		if (s->ram[i].start >> bits <= nr && nr <= (s->ram[i].end - 1) >> bits)
			return true;
	return false;
}

// One struct mem_section per present section, in arrays of one page per
// root, and the root array itself (sparse_init() with SPARSEMEM_EXTREME).
static struct kx_error *build_mem_section(struct mkv_ctx *ctx)
{
	unsigned int sbits = ctx->arch->section_size_bits, pshift = ctx->page_shift;
	uint64_t nr_sections = UINT64_C(1) << (ctx->max_physmem_bits - sbits);
	ctx->mem_section_size = ctx->spec->mem_section_size;
	ctx->sections_per_root = ctx->page_size / ctx->mem_section_size;
	ctx->nr_section_roots = nr_sections / ctx->sections_per_root;
	uint64_t root_pa, last = ((ctx->max_pfn << pshift) - 1) >> sbits;
	uint8_t *root;
	KX_TRY(mkv_alloc(ctx, ctx->nr_section_roots * 8, ctx->page_size, MKV_REGION_MEMBLOCK,
			 0, "mem_section roots", &root_pa));
	KX_TRY(mkv_blob_add(ctx, root_pa, ctx->nr_section_roots * 8, &root));
	ctx->mem_section_root_va = mkv_pa_to_va(ctx, root_pa);
	uint8_t *array = NULL;
	for (uint64_t nr = 0; nr <= last; nr++) {
		if (!section_present(ctx, nr))
			continue;
		uint64_t r = nr / ctx->sections_per_root, pa;
		if (!kx_get_le64(root + 8 * r)) {
			KX_TRY(mkv_alloc(ctx, ctx->page_size, ctx->page_size, MKV_REGION_MEMBLOCK,
					 0, "a mem_section array", &pa));
			KX_TRY(mkv_blob_add(ctx, pa, ctx->page_size, &array));
			kx_put_le64(root + 8 * r, mkv_pa_to_va(ctx, pa));
		}
		// The struct pages of this section, 2 MiB at 4 KiB pages.
		uint64_t first_pfn = nr << (sbits - pshift);
		uint64_t map_size = (UINT64_C(1) << (sbits - pshift)) * MKV_PAGE_SIZE;
		KX_TRY(mkv_alloc(ctx, map_size, map_size, MKV_REGION_VMEMMAP, first_pfn,
				 "struct pages", &pa));
		// sparse_encode_mem_map(): mem_map minus the section's first pfn,
		// in struct pages, so that decode adds it back.
		uint64_t coded = mkv_pfn_to_page(ctx, first_pfn) - first_pfn * MKV_PAGE_SIZE;
		uint8_t *ms = array + (nr % ctx->sections_per_root) * ctx->mem_section_size;
		kx_put_le64(ms, coded | ctx->kernel->section_flags);
	}
	return NULL;
}

// node 0's pglist_data, pointed to by node_data[0].
static struct kx_error *build_pgdat(struct mkv_ctx *ctx, uint64_t *ret_va)
{
	const struct mkv_misc_layout *m = ctx->kernel->misc;
	uint64_t pa;
	uint8_t *p;
	KX_TRY(mkv_alloc(ctx, (m->size_pglist_data + ctx->page_size - 1) & ~(ctx->page_size - 1),
			 ctx->page_size, MKV_REGION_MEMBLOCK, 0, "pglist_data", &pa));
	KX_TRY(mkv_blob_add(ctx, pa, m->size_pglist_data, &p));
	kx_put_le32(p + m->off_nr_zones, ctx->max_pfn > 0x100000 ? 3 : 2);
	kx_put_le64(p + m->off_node_start_pfn, 0);
	kx_put_le64(p + m->off_node_spanned_pages, ctx->max_pfn);
	kx_put_le32(p + m->off_node_id, 0);
	*ret_va = mkv_pa_to_va(ctx, pa);
	return NULL;
}

static void put_uts(const struct mkv_ctx *ctx, uint8_t *p)
{
	const struct mkv_spec *s = ctx->spec;
	const char *fields[6] = { "Linux", s->nodename, s->osrelease, s->version,
				  ctx->arch->name, "(none)" };
	for (int i = 0; i < 6; i++)
		memcpy(p + i * MKV_UTS_LEN, fields[i], strlen(fields[i]));
}

// The kernel variables in the image's data area.
static struct kx_error *build_variables(struct mkv_ctx *ctx, uint64_t pgdat_va)
{
	uint64_t vars_pa = image_vars_pa(ctx);
	uint64_t vars_va = ctx->text_va + (vars_pa - ctx->text_pa);
	const struct mkv_kernel *k = ctx->kernel;
	uint8_t *p;
	ctx->sym_init_uts_ns = vars_va + IMG_UTS;
	KX_TRY(mkv_blob_add(ctx, vars_pa + IMG_UTS, k->uts_name_offset + 6 * MKV_UTS_LEN, &p));
	if (k->uts_name_offset)
		kx_put_le32(p, 2);  // kref of init_uts_ns
	put_uts(ctx, p + k->uts_name_offset);
	ctx->sym_node_online_map = vars_va + IMG_NODE_ONLINE;
	KX_TRY(mkv_blob_add(ctx, vars_pa + IMG_NODE_ONLINE, k->misc->size_nodemask, &p));
	p[0] = 1;  // node 0 online
	ctx->sym_node_data = vars_va + IMG_NODE_DATA;
	KX_TRY(mkv_blob_add(ctx, vars_pa + IMG_NODE_DATA, 8 * NR_NODE_DATA, &p));
	kx_put_le64(p, pgdat_va);
	ctx->sym_mem_section_var = vars_va + IMG_MEM_SECTION;
	KX_TRY(mkv_blob_add(ctx, vars_pa + IMG_MEM_SECTION, 8, &p));
	kx_put_le64(p, ctx->mem_section_root_va);
	ctx->sym_vmap_area_list = vars_va + IMG_VMAP_LIST;
	KX_TRY(mkv_blob_add(ctx, vars_pa + IMG_VMAP_LIST, 16, &p));
	kx_put_le64(p, ctx->sym_vmap_area_list);
	kx_put_le64(p + 8, ctx->sym_vmap_area_list);
	return NULL;
}

static struct kx_error *place_image(struct mkv_ctx *ctx)
{
	const struct mkv_spec *s = ctx->spec;
	uint64_t end = ctx->text_pa + s->kernel_size;
	bool inside = false;
	for (size_t i = 0; i < s->nr_ram; i++)
		inside |= s->ram[i].start <= ctx->text_pa && end <= s->ram[i].end;
	if (!inside)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path,
				     "kernel image [0x%" PRIx64 ", 0x%" PRIx64 ") (phys_base + "
				     "0x1000000 + kaslr_offset) is not inside one RAM range",
				     ctx->text_pa, end);
	unsigned int shift = ctx->page_shift;
	if (mkv_spec_claims(s, ctx->text_pa >> shift, end >> shift))
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path,
				     "page/fill lines name pfns of the kernel image [0x%" PRIx64
				     ", 0x%" PRIx64 ")", ctx->text_pa >> shift, end >> shift);
	ctx->image_data_pa = (ctx->text_pa + s->kernel_size / 2) & ~(ctx->page_size - 1);
	if (mkv_image_free_pa(ctx) > end)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "kernel_size too small");
	size_t root;
	KX_TRY(table_new(ctx, ctx->image_data_pa, &root));
	ctx->sym_init_top_pgt = ctx->text_va + (ctx->image_data_pa - ctx->text_pa);
	return region_add(ctx, ctx->text_pa, end, MKV_REGION_IMAGE, 0);
}

static int cmp_blob(const void *a, const void *b)
{
	const struct mkv_blob *x = a, *y = b;
	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

static int cmp_region(const void *a, const void *b)
{
	const struct mkv_region *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static struct kx_error *check_blobs(const struct mkv_ctx *ctx)
{
	for (size_t i = 1; i < ctx->nr_blobs; i++)
		if (ctx->blobs[i].pa < ctx->blobs[i - 1].pa + ctx->blobs[i - 1].size)
			return kx_error_create(KX_ERROR_INVALID_ARG,
					       "internal: kernel data overlaps at 0x%" PRIx64,
					       ctx->blobs[i].pa);
	return NULL;
}

struct kx_error *mkv_layout_init(struct mkv_ctx *ctx, const struct mkv_spec *spec)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->spec = spec;
	ctx->arch = spec->arch;
	ctx->kernel = spec->kernel;
	ctx->page_shift = spec->page_shift;
	ctx->page_size = UINT64_C(1) << spec->page_shift;
	const struct mkv_range *last = &spec->ram[spec->nr_ram - 1];
	ctx->max_pfn = (last->end + ctx->page_size - 1) >> spec->page_shift;
	ctx->alloc_range = spec->nr_ram - 1;
	ctx->alloc_top = UINT64_MAX;
	KX_TRY(ctx->arch->layout(ctx));
	KX_TRY(place_image(ctx));
	KX_TRY(build_mem_section(ctx));
	uint64_t pgdat_va;
	KX_TRY(build_pgdat(ctx, &pgdat_va));
	KX_TRY(ctx->arch->map(ctx));
	KX_TRY(build_variables(ctx, pgdat_va));
	qsort(ctx->blobs, ctx->nr_blobs, sizeof(*ctx->blobs), cmp_blob);
	qsort(ctx->regions, ctx->nr_regions, sizeof(*ctx->regions), cmp_region);
	return check_blobs(ctx);
}

void mkv_layout_deinit(struct mkv_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nr_blobs; i++)
		free(ctx->blobs[i].data);
	for (size_t i = 0; i < ctx->nr_tables; i++)
		free(ctx->tables[i].child);
	free(ctx->blobs);
	free(ctx->tables);
	free(ctx->regions);
}

const struct mkv_region *mkv_region_find(const struct mkv_ctx *ctx, uint64_t pa)
{
	size_t lo = 0, hi = ctx->nr_regions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ctx->regions[mid].end <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ctx->nr_regions && ctx->regions[lo].start <= pa)
		return &ctx->regions[lo];
	return NULL;
}

// Copy the parts of blobs that fall into the page at @p pa.
static void overlay_blobs(const struct mkv_ctx *ctx, uint64_t pa, uint8_t *buf)
{
	size_t lo = 0, hi = ctx->nr_blobs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ctx->blobs[mid].pa + ctx->blobs[mid].size <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ctx->nr_blobs && ctx->blobs[i].pa < pa + ctx->page_size; i++) {
		const struct mkv_blob *b = &ctx->blobs[i];
		uint64_t from = b->pa > pa ? b->pa : pa;
		uint64_t to = b->pa + b->size < pa + ctx->page_size ? b->pa + b->size
								    : pa + ctx->page_size;
		memcpy(buf + (from - pa), b->data + (from - b->pa), to - from);
	}
}

// The default content: the 8-byte word at physical address A is
// mix64(A / 8), never zero. Random: mix64(A / 8 ^ mix64(seed)).
static void fill_page(const struct mkv_ctx *ctx, uint64_t pa, enum mkv_fill fill,
		      uint64_t arg, uint8_t *buf)
{
	size_t words = ctx->page_size / 8;
	uint64_t key = mkv_mix64(arg);
	switch (fill) {
	case MKV_FILL_ZERO:
		memset(buf, 0, ctx->page_size);
		break;
	case MKV_FILL_BYTE:
		memset(buf, (int)arg, ctx->page_size);
		break;
	case MKV_FILL_PATTERN:
		for (size_t i = 0; i < words; i++) {
			uint64_t w = mkv_mix64(pa / 8 + i);
			kx_put_le64(buf + 8 * i, w ? w : 1);
		}
		break;
	case MKV_FILL_RANDOM:
		for (size_t i = 0; i < words; i++)
			kx_put_le64(buf + 8 * i, mkv_mix64((pa / 8 + i) ^ key));
		break;
	}
}

bool mkv_page_content(const struct mkv_ctx *ctx, uint64_t pfn, uint8_t *buf)
{
	uint64_t pa = pfn << ctx->page_shift;
	const struct mkv_region *r = mkv_region_find(ctx, pa);
	if (!r) {
		const struct mkv_fill_rule *f = mkv_spec_fill(ctx->spec, pfn);
		if (f)
			fill_page(ctx, pa, f->fill, f->arg, buf);
		else
			fill_page(ctx, pa, ctx->spec->default_fill, 0, buf);
		return false;
	}
	switch (r->kind) {
	case MKV_REGION_IMAGE:
		fill_page(ctx, pa, MKV_FILL_PATTERN, 0, buf);
		break;
	case MKV_REGION_MEMBLOCK:
		memset(buf, 0, ctx->page_size);
		break;
	case MKV_REGION_VMEMMAP: {
		uint64_t first = r->first_pfn + (pa - r->start) / MKV_PAGE_SIZE;
		for (size_t i = 0; i < ctx->page_size / MKV_PAGE_SIZE; i++)
			mkv_struct_page(ctx, first + i, buf + i * MKV_PAGE_SIZE);
		break;
	}
	}
	overlay_blobs(ctx, pa, buf);
	return true;
}
