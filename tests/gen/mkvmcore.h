/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file mkvmcore.h
 * Internal interfaces of the synthetic vmcore generator (tests/gen/).
 *
 * The generator turns a text description (README.md) into an ELF64 vmcore
 * laid out as the capture kernel's /proc/vmcore presents it, plus an oracle
 * listing what makedumpfile must keep at each dump level. It is a test tool:
 * errors end the process through main(), but every module still returns
 * struct kx_error * so the messages name the SPEC line at fault.
 *
 * Module map:
 *  - spec.c       the description language (struct mkv_spec)
 *  - kernels.c    one row per kernel generation: struct page layout, flag
 *                 numbers, page types, which VMCOREINFO keys exist
 *  - arch_x86_64.c, arch_loongarch64.c
 *                 the per-arch tables (struct mkv_arch): address layout,
 *                 page-table entry format, PRSTATUS, VMCOREINFO arch tail
 *  - layout.c     physical placement (memblock-like allocator), page tables,
 *                 mem_section, kernel data ("blobs"), page contents
 *  - printk.c     the kernel log: `printk =`, `log` lines, the ring the
 *                 kernel would have built, its VMCOREINFO lines
 *  - mkvmcore.c   main(): ELF header, notes, streaming page writer, oracle
 */
#ifndef KX_MKVMCORE_H
#define KX_MKVMCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

/** Largest counts the description may ask for (keeps every array small). */
enum {
	MKV_MAX_RAM = 64,
	MKV_MAX_CPUS = 64,
	MKV_UTS_LEN = 65,   /**< one field of struct new_utsname */
	MKV_MAX_ORDER = 18, /**< largest compound order (1 GiB hugetlb at 4 KiB) */
};

/** Half-open range [start, end) of bytes or pfns. */
struct mkv_range {
	uint64_t start, end;
};

/** What a page is, as the description says; decides its struct page. */
enum mkv_class {
	MKV_KERNEL = 0,     /**< ordinary allocated kernel page (the default) */
	MKV_RESERVED,       /**< PG_reserved, like memblock and image pages */
	MKV_CACHE,          /**< page cache, no private data */
	MKV_CACHE_PRIVATE,  /**< page cache with PG_private (buffer heads) */
	MKV_ANON,           /**< anonymous user memory (THP with order=) */
	MKV_HUGETLB,        /**< hugetlbfs page (compound, order= required) */
	MKV_FREE,           /**< buddy free block (order= is the block order) */
	MKV_SLAB,           /**< slab page */
	MKV_HWPOISON,       /**< PG_hwpoison */
	MKV_OFFLINE,        /**< logically offline (balloon) page type */
	MKV_NR_CLASSES,
};

/** How a page's bytes are produced. */
enum mkv_fill {
	MKV_FILL_PATTERN = 0, /**< per-pfn non-zero pattern (the default) */
	MKV_FILL_ZERO,        /**< all zero (left as a hole in the file) */
	MKV_FILL_RANDOM,      /**< deterministic pseudo-random, seed given */
	MKV_FILL_BYTE,        /**< every byte the given value */
};

/** A `page` line: pfns [start, end) of one class. */
struct mkv_page_rule {
	uint64_t start, end;
	enum mkv_class cls;
	unsigned int order;  /**< compound / buddy order; 0 = single pages */
	int line;
};

/** A `fill` line (or the content part of a `page ... zero` line). */
struct mkv_fill_rule {
	uint64_t start, end;
	enum mkv_fill fill;
	uint64_t arg;  /**< seed or byte */
	int line;
};

struct mkv_arch;
struct mkv_kernel;

/** `printk =`: which kernel log layout to synthesize (printk.c). */
enum mkv_printk_format {
	MKV_PRINTK_NONE = 0,    /**< no log, no printk VMCOREINFO lines (the default) */
	MKV_PRINTK_LOCKLESS,    /**< printk_ringbuffer (5.10+) */
	MKV_PRINTK_STRUCTURED,  /**< struct printk_log records in log_buf (3.5-5.9) */
	MKV_PRINTK_LEGACY,      /**< plain circular text, log_end (before 3.5) */
};

/** `printk_buf =`: where the log buffers live. */
enum mkv_printk_place {
	MKV_PRINTK_IMAGE = 0,   /**< static arrays in the kernel image (the default) */
	MKV_PRINTK_MEMBLOCK,    /**< memblock, reached through the direct map (log_buf_len=) */
	MKV_PRINTK_VMALLOC,     /**< mapped at VMALLOC_START only (no PT_LOAD covers it) */
};

/** One message: a `log` line or a line of the `dmesg =` file. */
struct mkv_log {
	uint64_t ts_nsec;
	uint32_t caller_id;     /**< task id, or 0x80000000 | cpu */
	int state;              /**< lockless descriptor state to leave (-1: finalized) */
	bool dataless;          /**< lockless: no data block (NO_LPOS) */
	uint8_t *text;
	size_t size;
	int line;
};

/** The printk part of a description. */
struct mkv_printk_spec {
	enum mkv_printk_format format;
	enum mkv_printk_place place;
	unsigned int size_bits;   /**< text ring / log_buf is 2^size_bits bytes */
	unsigned int count_bits;  /**< lockless descriptors: 2^count_bits; 0 = size_bits - 5 */
	bool caller;              /**< structured: CONFIG_PRINTK_CALLER (caller_id field) */
	/** `printk_clear`: the log was cleared (`dmesg -c`) after this many messages. */
	unsigned int clear;
	struct mkv_log *logs;
	size_t nr_logs, cap_logs;
};

/** The parsed description. */
struct mkv_spec {
	const char *path;
	const struct mkv_arch *arch;
	const struct mkv_kernel *kernel;
	unsigned int page_shift;  /**< `page_size =`; 0 until validated: the arch default */
	struct mkv_range ram[MKV_MAX_RAM];  /**< bytes, sorted, disjoint */
	size_t nr_ram;
	unsigned int cpus;
	bool l5;
	unsigned int levels;      /**< loongarch64 `levels =`: 2, 3 or 4; 0 = 3 */
	uint64_t phys_base;
	uint64_t kaslr_offset;
	uint64_t kernel_size;
	uint64_t page_offset;   /**< 0: the arch default */
	uint64_t vmemmap_base;  /**< 0: the arch default */
	bool vmemmap_4k;        /**< back vmemmap with 4 KiB PTEs, not 2 MiB */
	bool direct_1g;         /**< allow 1 GiB direct-map pages */
	unsigned int mem_section_size; /**< 0: the generation's default */
	int64_t crashtime;
	enum mkv_fill default_fill;
	char osrelease[MKV_UTS_LEN];
	char version[MKV_UTS_LEN];
	char nodename[MKV_UTS_LEN];
	struct mkv_page_rule *rules;  /**< sorted by start, disjoint */
	size_t nr_rules;
	struct mkv_fill_rule *fills;  /**< sorted by start, disjoint */
	size_t nr_fills;
	struct mkv_printk_spec printk;
};

/** Parse the description file @p path into a new spec (mkv_spec_destroy()). */
struct kx_error *mkv_spec_parse(const char *path, struct mkv_spec **ret);
void mkv_spec_destroy(struct mkv_spec *spec);
/**
 * printk.c's part of the parser: `printk*` and `dmesg` keys. Sets *@p found
 * when the key is one of them. @p path is the spec file (a relative dmesg
 * file is found beside it).
 */
struct kx_error *mkv_printk_parse_key(struct mkv_spec *spec, int line, const char *key,
				      const char *value, bool *found);
/** A `log [TS] [caller=Tn|Cn] [state=S] [dataless] "text"` line; @p rest follows "log". */
struct kx_error *mkv_printk_parse_log(struct mkv_spec *spec, int line, const char *rest);
/** Free what the printk parser allocated. */
void mkv_printk_spec_free(struct mkv_spec *spec);
/** The rule covering @p pfn, or NULL. */
const struct mkv_page_rule *mkv_spec_rule(const struct mkv_spec *spec, uint64_t pfn);
/** The fill rule covering @p pfn, or NULL. */
const struct mkv_fill_rule *mkv_spec_fill(const struct mkv_spec *spec, uint64_t pfn);
/** True when some page or fill line names a pfn in [start, end). */
bool mkv_spec_claims(const struct mkv_spec *spec, uint64_t start, uint64_t end);
/** Name of a class as the description spells it. */
const char *mkv_class_name(enum mkv_class cls);

/** Where a compound page's order and hugetlb marker live (kernels.c). */
enum mkv_compound_model {
	MKV_COMPOUND_PAGE_FIELDS, /**< page.compound_dtor/order, u8 at 16/17 (4.18-6.2) */
	MKV_COMPOUND_FOLIO_FIELDS,/**< folio._folio_dtor/_folio_order (6.3-6.5) */
	MKV_COMPOUND_TAIL_FLAGS,  /**< order in the first tail's flags low byte (>= 6.6) */
};

enum mkv_hugetlb_model {
	MKV_HUGETLB_DTOR,      /**< compound destructor HUGETLB_PAGE_DTOR (<= 6.5) */
	MKV_HUGETLB_TAIL_FLAG, /**< PG_hugetlb in the first tail's flags (6.6-6.8) */
	MKV_HUGETLB_TYPE,      /**< page type on the head (>= 6.9) */
};

/** Page-flag bit numbers of one generation; -1 = the flag does not exist. */
struct mkv_pageflags {
	int referenced, uptodate, dirty, lru, head, active, slab, owner_priv_1;
	int reserved, private_, swapbacked, hwpoison, hugetlb;
};

/**
 * One kernel generation: everything that differs between the kernels the
 * generator models. See kernels.c for the sources of each value.
 */
struct mkv_kernel {
	const char *name;             /**< as in `kernel =` ("6.1") */
	const char *osrelease;        /**< default OSRELEASE, without the "-<flavour>" */
	const char *version;          /**< default utsname.version */
	struct mkv_pageflags pg;
	enum mkv_compound_model compound;
	enum mkv_hugetlb_model hugetlb;
	/** _mapcount/page_type values; has_* false when the kernel has none. */
	uint32_t buddy_type, offline_type, hugetlb_type, slab_type;
	bool has_offline_type, has_hugetlb_type, has_slab_type;
	/** struct slab puts slab_cache at 8 and an odd `slabs` at 24 (6.2+). */
	bool slab_cache_at_8;
	unsigned int uts_name_offset;     /**< 4 before the kref went (<= 5.10 ns) */
	unsigned int mem_section_size;    /**< default SIZE(mem_section) */
	uint64_t section_flags;           /**< low bits of section_mem_map */
	/** Which VMCOREINFO lines the kernel writes. */
	bool vi_build_id, vi_uts_offset, vi_max_physmem_bits, vi_section_size_bits;
	bool vi_pg_swapbacked, vi_vmalloc_start, vi_sme_mask;
	/** pglist_data/zone sizes and offsets, copied from a real sample. */
	const struct mkv_misc_layout *misc;
};

/** pglist_data / zone / free_area numbers exported in VMCOREINFO. */
struct mkv_misc_layout {
	unsigned int size_pglist_data, size_zone, size_free_area, size_nodemask;
	unsigned int off_nr_zones, off_node_start_pfn, off_node_spanned_pages, off_node_id;
	unsigned int off_zone_free_area, off_zone_vm_stat, off_zone_spanned_pages;
	unsigned int free_list_len, vmap_area_list_off;
};

/** Look a generation up by name; NULL when unknown. */
const struct mkv_kernel *mkv_kernel_find(const char *name);
/** Space-separated list of known generations, for messages. */
const char *mkv_kernel_names(void);

/** struct page field offsets (shared by every modelled generation). */
enum {
	MKV_PAGE_SIZE = 64,
	MKV_OFF_FLAGS = 0,
	MKV_OFF_LRU = 8,          /**< also compound_head */
	MKV_OFF_MAPPING = 24,
	MKV_OFF_INDEX = 32,
	MKV_OFF_PRIVATE = 40,
	MKV_OFF_MAPCOUNT = 48,    /**< also page_type */
	MKV_OFF_REFCOUNT = 52,
	MKV_OFF_TAIL_DTOR = 16,   /**< compound_dtor / _folio_dtor in the first tail */
	MKV_OFF_TAIL_ORDER = 17,  /**< compound_order / _folio_order in the first tail */
};

struct mkv_ctx;

/**
 * Per-architecture facts and hooks. To add an arch: fill one of these in
 * arch_<name>.c and list it in mkv_arches[] (layout.c).
 */
struct mkv_arch {
	const char *name;            /**< `arch =` value and utsname.machine */
	const char *flavour;         /**< Debian kernel flavour ending OSRELEASE ("amd64") */
	uint16_t e_machine;          /**< ELF e_machine */
	unsigned int default_page_shift;
	/** Page shifts the arch's kernels can be built with: bit N allows 2^N. */
	uint32_t page_shifts;
	unsigned int section_size_bits;
	/** LENGTH(zone.free_area) (MAX_ORDER) of a kernel with 2^@p page_shift pages. */
	unsigned int (*free_area_len)(unsigned int page_shift);
	/** Fill ctx->page_offset, vmemmap_base, text addresses, levels. */
	struct kx_error *(*layout)(struct mkv_ctx *ctx);
	/** Map the kernel image, direct map and vmemmap (pgtable_map()). */
	struct kx_error *(*map)(struct mkv_ctx *ctx);
	/** Entry pointing at the next-level table at @p pa. */
	uint64_t (*table_entry)(const struct mkv_ctx *ctx, unsigned int level, uint64_t pa);
	/** Leaf entry for @p pa at @p level (0 = PTE), @p exec for kernel text. */
	uint64_t (*leaf_entry)(const struct mkv_ctx *ctx, unsigned int level, uint64_t pa,
			       bool exec);
	/** Bytes of one NT_PRSTATUS descriptor and its writer. */
	size_t prstatus_size;
	void (*prstatus)(const struct mkv_ctx *ctx, unsigned int cpu, uint8_t *desc);
	/** Append the arch tail of VMCOREINFO (arch_crash_save_vmcoreinfo()); NULL: none. */
	void (*vmcoreinfo_tail)(const struct mkv_ctx *ctx, FILE *out);
};

extern const struct mkv_arch mkv_arch_x86_64;
extern const struct mkv_arch mkv_arch_loongarch64;
/** Look an arch up by name; NULL when unknown. */
const struct mkv_arch *mkv_arch_find(const char *name);

/** A piece of kernel memory the generator writes verbatim (tables, arrays, variables). */
struct mkv_blob {
	uint64_t pa;
	size_t size;
	uint8_t *data;
};

/** A page table under construction. */
struct mkv_table {
	uint64_t pa;
	uint8_t *data;    /**< one page; also registered as a blob */
	size_t *child;    /**< per entry: index + 1 of the next-level table, or 0 */
};

/** Owned physical regions other than blobs: their base content. */
enum mkv_region_kind {
	MKV_REGION_IMAGE,    /**< kernel image: text pattern under its blobs */
	MKV_REGION_MEMBLOCK, /**< early allocations: zero under their blobs */
	MKV_REGION_VMEMMAP,  /**< struct page array backing (generated) */
};

struct mkv_region {
	uint64_t start, end;  /**< bytes */
	enum mkv_region_kind kind;
	uint64_t first_pfn;   /**< VMEMMAP: pfn whose struct page is at start */
};

/** Kernel symbols of the synthesized log (virtual addresses; 0 = absent). */
struct mkv_printk_syms {
	uint64_t prb, rb_static, clear_seq;                  /**< lockless */
	uint64_t log_buf, log_buf_len, log_first_idx, clear_idx, log_next_idx; /**< structured */
	uint64_t log_end, logged_chars;                      /**< legacy (+ log_buf, log_buf_len) */
};

/** Everything the generator decided; built by layout.c, read by the writer. */
struct mkv_ctx {
	const struct mkv_spec *spec;
	const struct mkv_arch *arch;
	const struct mkv_kernel *kernel;
	unsigned int page_shift;
	uint64_t page_size;
	/* Virtual layout. */
	uint64_t page_offset, vmemmap_base, vmalloc_start;
	uint64_t text_va, text_pa;  /**< _text */
	unsigned int levels;        /**< page-table levels */
	uint64_t max_pfn;           /**< one past the last RAM page */
	uint64_t kernel_image_size; /**< NUMBER(KERNEL_IMAGE_SIZE) */
	/* Symbols (virtual addresses). */
	uint64_t sym_init_top_pgt, sym_init_uts_ns, sym_node_online_map, sym_node_data;
	uint64_t sym_mem_section_var, sym_vmap_area_list;
	uint64_t mem_section_root_va;
	unsigned int mem_section_size;
	uint64_t nr_section_roots, sections_per_root;
	unsigned int max_physmem_bits;
	uint64_t image_data_pa;      /**< start of the image's data pages */
	unsigned int image_tables_used;
	/* Physical allocator. */
	size_t alloc_range;          /**< index into spec->ram being carved */
	uint64_t alloc_top;          /**< next allocation ends at or below */
	bool tables_in_image;        /**< new tables come from the image */
	/* Owned memory. */
	struct mkv_region *regions;
	size_t nr_regions, cap_regions;
	struct mkv_blob *blobs;      /**< sorted by pa once the layout is built */
	size_t nr_blobs, cap_blobs;
	struct mkv_table *tables;    /**< tables[0] is the root (init_top_pgt) */
	size_t nr_tables, cap_tables;
	/* The kernel log (printk.c). */
	struct mkv_printk_syms printk;
};

/** Build the whole layout for @p spec into @p ctx (mkv_layout_deinit()). */
struct kx_error *mkv_layout_init(struct mkv_ctx *ctx, const struct mkv_spec *spec);
void mkv_layout_deinit(struct mkv_ctx *ctx);
/**
 * Physical address of the image data that layout.c does not use: the
 * kernel variables of other modules (printk.c) go from here.
 */
uint64_t mkv_image_free_pa(const struct mkv_ctx *ctx);
/** Physical address to direct-map virtual address. */
uint64_t mkv_pa_to_va(const struct mkv_ctx *ctx, uint64_t pa);
/** Virtual address of the struct page of @p pfn. */
uint64_t mkv_pfn_to_page(const struct mkv_ctx *ctx, uint64_t pfn);
/** Kernel-image virtual address to physical. */
uint64_t mkv_image_va_to_pa(const struct mkv_ctx *ctx, uint64_t va);
/**
 * Allocate @p size bytes aligned to @p align, top-down as memblock does,
 * avoiding the kernel image and every pfn the description names, and record
 * the result as an owned region of @p kind.
 */
struct kx_error *mkv_alloc(struct mkv_ctx *ctx, uint64_t size, uint64_t align,
			   enum mkv_region_kind kind, uint64_t first_pfn,
			   const char *what, uint64_t *ret_pa);
/** Map [va, va+size) to pa with leaves up to @p max_leaf_level. */
struct kx_error *mkv_pgtable_map(struct mkv_ctx *ctx, uint64_t va, uint64_t pa,
				 uint64_t size, unsigned int max_leaf_level, bool exec);
/** Map every vmemmap region's struct pages with leaves up to @p max_leaf_level. */
struct kx_error *mkv_pgtable_map_vmemmap(struct mkv_ctx *ctx, unsigned int max_leaf_level);
/** Register a blob of @p size zeroed bytes at @p pa; its data in *ret. */
struct kx_error *mkv_blob_add(struct mkv_ctx *ctx, uint64_t pa, size_t size, uint8_t **ret);

/** Which owned region (if any) covers physical address @p pa. */
const struct mkv_region *mkv_region_find(const struct mkv_ctx *ctx, uint64_t pa);
/**
 * Produce the page-size bytes of physical page @p pfn into @p buf.
 * @return true when the generator owns the page (kernel data, tables,
 * struct pages), false when its content comes from the description.
 */
bool mkv_page_content(const struct mkv_ctx *ctx, uint64_t pfn, uint8_t *buf);
/** Write the struct page of @p pfn (MKV_PAGE_SIZE bytes) into @p out (kernels.c). */
void mkv_struct_page(const struct mkv_ctx *ctx, uint64_t pfn, uint8_t *out);
/** True when @p pfn has at least one byte of RAM. */
bool mkv_pfn_is_ram(const struct mkv_ctx *ctx, uint64_t pfn);
/**
 * Lay out the kernel log the description asks for (nothing without
 * `printk =`): kernel variables, buffers and, for printk_buf = vmalloc,
 * their mapping. Runs after mkv_layout_init() and keeps its invariants
 * (blobs and regions sorted, blobs disjoint).
 */
struct kx_error *mkv_printk_build(struct mkv_ctx *ctx);
/** The printk lines of VMCOREINFO (log_buf_vmcoreinfo_setup()), if any. */
void mkv_printk_vmcoreinfo(const struct mkv_ctx *ctx, FILE *out);
/** Write the VMCOREINFO text (generic part + arch tail) to @p out. */
void mkv_vmcoreinfo_write(const struct mkv_ctx *ctx, FILE *out);

/** splitmix64 finalizer: the one mixing function behind every pattern. */
static inline uint64_t mkv_mix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

#endif /* KX_MKVMCORE_H */
