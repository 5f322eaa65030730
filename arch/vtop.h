/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vtop.h
 * Kernel virtual → physical translation for a *dead* kernel: walk the page
 * tables it left in a vmcore, reading "physical memory" through a callback.
 *
 * The walk is pure: a struct kx_vtop is made from explicit parameters
 * (struct kx_vtop_params) and a struct kx_phys_reader; nothing is read from
 * the running system. Each architecture supplies a struct kx_vtop_ops
 * (reached through kx_arch::vtop) that knows its address space and entry
 * format; the loop, the tracing and the error messages live here, once.
 *
 * A walk reads exactly one 8-byte entry per level and has at most
 * KX_VTOP_MAX_LEVELS levels, so a corrupt table (a loop, a pointer outside
 * memory) costs a bounded number of reads and ends in an error, never a hang.
 *
 * @par Where the parameters come from (VMCOREINFO → struct kx_vtop_params)
 * The glue that fills the params from a parsed VMCOREINFO lives elsewhere;
 * this is its specification.
 *
 * x86_64 (param ← key, default when absent):
 *  - page_size ← PAGESIZE=; 4096, the only size accepted.
 *  - pgd_vaddr ← SYMBOL(init_top_pgt) (4.13+), else SYMBOL(init_level4_pgt);
 *    required.
 *  - phys_base ← NUMBER(phys_base) (4.10+); else derived from the
 *    kernel-text PT_LOAD (p_vaddr ≥ 0xffffffff80000000) as
 *    p_paddr − (p_vaddr − 0xffffffff80000000); else 0.
 *  - pgtable_l5 ← NUMBER(pgtable_l5_enabled) != 0 (4.14+); false (4-level).
 *  - sme_mask ← NUMBER(sme_mask) (4.14+, the AMD SME C-bit); 0.
 *  - max_physmem_bits ← NUMBER(MAX_PHYSMEM_BITS) (4.19+); 0 selects 46, or
 *    52 with 5-level paging.
 *  - page_offset ← no key: only a caller that *knows* the direct-map base
 *    (read page_offset_base, or a kernel without KASLR) passes it; 0 walks
 *    every address, which is always right.
 *  - levels, va_bits, invalid_tables: must be 0.
 *  Not used by translation: KERNELOFFSET= (VMCOREINFO SYMBOL()s are already
 *  run-time addresses; it only relocates symbols taken from a vmlinux) and
 *  NUMBER(SECTION_SIZE_BITS) (default 27; it is for mem_section lookups).
 *  Default direct-map bases, for reference only since KASLR moves them:
 *  0xffff888000000000 (4-level, 4.20+; 0xffff880000000000 before) and
 *  0xff11000000000000 (5-level, 4.20+; 0xff10000000000000 before).
 *
 * loongarch64 (the kernel has no arch_crash_save_vmcoreinfo(): no
 * phys_base, no KERNELOFFSET, no level count):
 *  - page_size ← PAGESIZE=; 0 selects 16384. 4, 16 and 64 KiB are accepted.
 *  - pgd_vaddr ← SYMBOL(swapper_pg_dir), a DMW address; required.
 *  - max_physmem_bits ← NUMBER(MAX_PHYSMEM_BITS); 0 selects 48.
 *  - levels ← no key: inferred (kx_vtop_ops::infer, see
 *    loongarch64/layout_loongarch64.h) from where the kernel put its struct
 *    pages: SYMBOL(vmemmap) and NUMBER(VMALLOC_START) (6.9+), or the
 *    mem_map addresses in mem_section. 0 with va_bits 0 selects 3 levels
 *    (CONFIG_16KB_3LEVEL, the 64-bit default: 47-bit VA with 16 KiB pages).
 *  - va_bits ← no key; 0 = from levels. A caller that knows the kernel's
 *    config may pass it instead (5.10-era vendor kernels: 48 bits, 3 levels
 *    of 16 KiB pages, a two-page PGD).
 *  - invalid_tables ← no key; the addresses of invalid_{pte,pmd,pud}_table
 *    from a vmlinux if one is given, else 0.
 *  - phys_base, pgtable_l5, sme_mask, page_offset: must be 0.
 *  NUMBER(SECTION_SIZE_BITS) (default 29) is not used by translation.
 */
#ifndef KX_VTOP_H
#define KX_VTOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_arch;

/** Most page-table levels any architecture walks (x86_64 5-level). */
enum { KX_VTOP_MAX_LEVELS = 5 };

/**
 * A source of physical memory, usually the vmcore.
 *
 * read() copies @p size bytes at physical address @p paddr into @p buf and
 * returns NULL, or returns an error and leaves @p buf unspecified. An address
 * outside the dump should be KX_ERROR_FAULT, an excluded page
 * KX_ERROR_NODATA; the walker forwards either, prefixed with the level and
 * the virtual address being translated.
 */
struct kx_phys_reader {
	struct kx_error *(*read)(void *arg, uint64_t paddr, void *buf, size_t size);
	void *arg;
};

/**
 * What translation needs to know about one kernel. Zero means "default" for
 * every field where the table in the file comment gives one. See that table
 * for the VMCOREINFO key feeding each field.
 */
struct kx_vtop_params {
	/** Base page size in bytes (PAGESIZE=); 0 = the arch's default. */
	uint32_t page_size;
	/** Kernel virtual address of the top-level table (init_top_pgt, swapper_pg_dir). */
	uint64_t pgd_vaddr;
	/** x86_64: physical address the kernel text was loaded at, minus its link address. */
	uint64_t phys_base;
	/** x86_64: 5-level paging (NUMBER(pgtable_l5_enabled) != 0). */
	bool pgtable_l5;
	/** x86_64: AMD SME encryption bit(s) (NUMBER(sme_mask)), cleared from every entry. */
	uint64_t sme_mask;
	/** Width of physical addresses (NUMBER(MAX_PHYSMEM_BITS)); 0 = the arch's default. */
	unsigned int max_physmem_bits;
	/** loongarch64: page-table levels (2, 3 or 4); 0 = from va_bits, else 3. */
	unsigned int levels;
	/** loongarch64: virtual address bits the tables cover; 0 = from levels. */
	unsigned int va_bits;
	/**
	 * x86_64: direct-map base (PAGE_OFFSET). Non-zero enables the shortcut
	 * pa = va − page_offset inside the direct map; 0 walks every address.
	 */
	uint64_t page_offset;
	/**
	 * loongarch64: kernel virtual addresses of invalid_pte_table,
	 * invalid_pmd_table and invalid_pud_table, 0 when unknown. An upper-level
	 * entry equal to one of them is "none" without further reads; without
	 * them the walk goes through the invalid tables and stops at their empty
	 * PTE, which gives the same KX_ERROR_FAULT one or two reads later.
	 */
	uint64_t invalid_tables[3];
};

/**
 * What a dump shows of the address-space layout its kernel chose, for
 * architectures whose VMCOREINFO does not state it all (kx_vtop_ops::infer).
 * Every address here is one the kernel maps through its page tables.
 */
struct kx_vtop_hints {
	/** NUMBER(VMALLOC_START) (6.9+); 0 when absent. */
	uint64_t vmalloc_start;
	/** SYMBOL(vmemmap), the struct page of pfn 0 (6.9+); 0 when absent. */
	uint64_t vmemmap;
	/** Addresses of struct pages of present sections (from mem_section). */
	const uint64_t *struct_pages;
	size_t nr_struct_pages;
};

/** One step of a walk, reported to a struct kx_vtop_trace. */
struct kx_vtop_step {
	/** The kernel's name of the level: "PGD", "P4D", "PUD", "PMD" or "PTE". */
	const char *level;
	/** Physical address of the table read at this level. */
	uint64_t table;
	/** Index of the entry in that table. */
	unsigned int index;
	/** Physical address of the entry. */
	uint64_t entry_paddr;
	/** The entry, as read (flags and all). */
	uint64_t entry;
};

/**
 * Receives each entry read during one translation, in order, before it is
 * interpreted, so a failing walk still shows where it stopped (makedumpfile's
 * --vtop prints these as "  PGD : <entry_paddr> => <entry>").
 */
struct kx_vtop_trace {
	void (*step)(void *arg, const struct kx_vtop_step *step);
	void *arg;
};

/** How an architecture back end classifies one page-table entry. */
enum kx_vtop_entry_kind {
	KX_VTOP_NONE,   /**< not present: the address is not mapped */
	KX_VTOP_TABLE,  /**< points at the next level's table */
	KX_VTOP_LEAF,   /**< maps a page (or huge page) */
	KX_VTOP_BAD,    /**< malformed: not something the kernel writes */
};

/**
 * A translation context. The fields are filled by kx_vtop_create() and the
 * arch's init hook; callers treat the struct as opaque.
 */
struct kx_vtop {
	const struct kx_arch *arch;
	const struct kx_vtop_ops *ops;
	struct kx_phys_reader mem;
	/** Parameters with every default resolved. */
	struct kx_vtop_params params;
	unsigned int page_shift;
	/** Number of levels walked, root first. */
	unsigned int levels;
	/** Per level: its name, the shift of its index, the width of its index. */
	const char *level_name[KX_VTOP_MAX_LEVELS];
	unsigned int shift[KX_VTOP_MAX_LEVELS];
	unsigned int index_bits[KX_VTOP_MAX_LEVELS];
	/** Physical address of the root table. */
	uint64_t root;
	/** (1 << max_physmem_bits) − 1. */
	uint64_t phys_mask;
};

/**
 * An architecture's translation back end (kx_arch::vtop).
 */
struct kx_vtop_ops {
	/**
	 * Resolve the defaults in @p vt->params (a copy of the caller's), validate
	 * them and fill page_shift, levels, level_name[], shift[], index_bits[],
	 * root and phys_mask.
	 * @return NULL, KX_ERROR_INVALID_ARG or KX_ERROR_UNSUPPORTED.
	 */
	struct kx_error *(*init)(struct kx_vtop *vt);
	/**
	 * Check @p vaddr and translate it without tables when the address space
	 * allows (loongarch DMW windows, the x86_64 direct map when page_offset
	 * is given). Sets *@p done; when true also *@p paddr_ret and
	 * *@p size_ret. @return NULL, or KX_ERROR_FAULT for an address that
	 * cannot be mapped (non-canonical).
	 */
	struct kx_error *(*direct)(const struct kx_vtop *vt, uint64_t vaddr, bool *done,
				   uint64_t *paddr_ret, uint64_t *size_ret);
	/**
	 * Classify @p entry read at @p level (0 = root). For TABLE, *@p next_ret
	 * is the physical address of the next table; for LEAF, the physical base
	 * of the mapping, whose size is 1 << shift[level]. Never TABLE at the
	 * last level.
	 */
	enum kx_vtop_entry_kind (*decode)(const struct kx_vtop *vt, unsigned int level,
					  uint64_t entry, uint64_t *next_ret);
	/**
	 * Optional; NULL when VMCOREINFO states the whole geometry. Settle what
	 * it leaves open (loongarch64: the level count) from @p hints, which
	 * hold at least one struct page address, and write it into @p p (a
	 * caller's params, defaults not yet resolved).
	 * @return NULL; KX_ERROR_CORRUPT when no layout of the arch maps the
	 *         addresses; KX_ERROR_UNSUPPORTED for a page size it never uses.
	 */
	struct kx_error *(*infer)(struct kx_vtop_params *p, const struct kx_vtop_hints *hints);
};

/** The back ends, referenced from the arch descriptors. */
extern const struct kx_vtop_ops kx_vtop_ops_x86_64;
extern const struct kx_vtop_ops kx_vtop_ops_loongarch64;

/**
 * Create a translation context for @p arch.
 * @param arch     an architecture whose vtop hook is non-NULL
 * @param params   copied; need not outlive the context
 * @param mem      copied; mem->arg must outlive the context
 * @param ret      receives the new context, owned by the caller
 * @return NULL; KX_ERROR_UNSUPPORTED when the arch has no vtop hook or the
 *         geometry (page size, levels) is not one its kernels use;
 *         KX_ERROR_INVALID_ARG for impossible parameters; KX_ERROR_NOMEM.
 */
struct kx_error *kx_vtop_create(const struct kx_arch *arch,
				const struct kx_vtop_params *params,
				const struct kx_phys_reader *mem, struct kx_vtop **ret);

/** Free a context. NULL is accepted. */
void kx_vtop_destroy(struct kx_vtop *vt);

/**
 * Translate one kernel virtual address.
 * @param vt         the context
 * @param vaddr      the address
 * @param trace      optional (NULL): receives every entry read
 * @param paddr_ret  receives the physical address
 * @param size_ret   optional (NULL): receives the size of the naturally
 *                   aligned mapping containing @p vaddr (4 KiB, 2 MiB, 1 GiB;
 *                   the base page size for linear windows)
 * @return NULL; KX_ERROR_FAULT (address = @p vaddr) when @p vaddr is not
 *         mapped or not canonical, the message naming the address and the
 *         level; KX_ERROR_CORRUPT for an entry no kernel writes; any error
 *         of the reader, prefixed with the level and @p vaddr.
 */
struct kx_error *kx_vtop_translate(const struct kx_vtop *vt, uint64_t vaddr,
				   const struct kx_vtop_trace *trace,
				   uint64_t *paddr_ret, uint64_t *size_ret);

/**
 * Read @p size bytes of kernel virtual memory at @p vaddr, translating each
 * mapping it crosses (a struct page array in vmemmap may be backed by
 * scattered physical pages).
 * @return NULL, or the first translation or reader error, prefixed with the
 *         virtual address being read.
 */
struct kx_error *kx_vtop_read(const struct kx_vtop *vt, uint64_t vaddr, void *buf,
			      size_t size);

/**
 * The mapping a reader translated last. A dump's page tables never change,
 * so a read within it needs no walk: reading a struct page array in small
 * pieces then costs one read each, not one per level more. Zero it before
 * first use; one per thread (the context itself is shared read-only).
 */
struct kx_vtop_hint {
	uint64_t vaddr, paddr, size;  // size 0: nothing cached
};

/** kx_vtop_read() through @p hint, which it updates. */
struct kx_error *kx_vtop_read_hinted(const struct kx_vtop *vt, struct kx_vtop_hint *hint,
				     uint64_t vaddr, void *buf, size_t size);

/** Physical address of the root table (for --vtop's "PAGE DIRECTORY" line). */
uint64_t kx_vtop_root(const struct kx_vtop *vt);

#endif /* KX_VTOP_H */
