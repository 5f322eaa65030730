/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vmcore.h
 * The dead kernel as makedumpfile sees it: an ELF vmcore, its VMCOREINFO,
 * and, when the note allows, its page tables, mem_map and struct page layout.
 *
 * The vmcore may also be a kdump-compressed dump (or a flattened stream of
 * one) being re-filtered: then its memory is the pages the dump holds (see
 * input_diskdump.h), which pages exist comes from its bitmaps, and notes,
 * VMCOREINFO, phys_base and max_mapnr from its headers.
 *
 * Opening needs only a well-formed ELF core: without VMCOREINFO the page
 * size is the architecture's and only -d 0/1 can be honoured. Everything
 * filtering needs beyond that is set up by kx_vmcore_enable_filtering(),
 * which says exactly which key is missing when it cannot.
 */
#ifndef KX_VMCORE_H
#define KX_VMCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "page_class.h"

struct kx_arch;
struct kx_bitmap;
struct kx_elf_core;
struct kx_input_diskdump;
struct kx_mem_map;
struct kx_vmcoreinfo;
struct kx_vtop;
struct kx_vtop_hint;

/** sizeof(struct new_utsname): six 65-byte strings. */
enum { KX_UTSNAME_SIZE = 6 * 65 };

struct kx_vmcore {
	/** The ELF vmcore; NULL when re-filtering a dump (then dd is set). */
	struct kx_elf_core *core;
	/** The kdump-compressed input being re-filtered; NULL for an ELF vmcore. */
	struct kx_input_diskdump *dd;
	/** The dump level the input dump was made with; 0 for an ELF vmcore. */
	unsigned int input_level;
	/** The input dump was made with -e (DUMP_DH_EXCLUDED_VMEMMAP). */
	bool input_excluded_vmemmap;
	const struct kx_arch *arch;
	/** NULL when the vmcore has no VMCOREINFO note. */
	struct kx_vmcoreinfo *vi;
	uint64_t page_size;
	unsigned int page_shift;
	/** One past the highest pfn any PT_LOAD covers. */
	uint64_t max_mapnr;
	/** x86_64 phys_base (NUMBER(phys_base) or derived from the text PT_LOAD). */
	uint64_t phys_base;
	/** The dead kernel's utsname; zeros when it could not be read. */
	uint8_t utsname[KX_UTSNAME_SIZE];
	/** The PT_NOTE contents, copied verbatim into dumps. */
	const uint8_t *notes;
	size_t notes_size;
	/** Offset and size of the VMCOREINFO text within notes; 0/0 without. */
	uint64_t vmcoreinfo_offset, vmcoreinfo_size;
	/** NT_PRSTATUS notes: one per CPU that was online. */
	uint32_t nr_cpus;
	/** Page tables of the dead kernel; NULL until translation is possible. */
	struct kx_vtop *vtop;
	/**
	 * Set by kx_vmcore_enable_filtering(), or at open on an architecture
	 * whose page-table geometry is told from the struct pages' addresses.
	 */
	struct kx_mem_map *mem_map;
	struct kx_page_layout layout;
	bool filtering;
};

/**
 * Open the ELF vmcore @p path and read what every dump needs.
 * @return NULL; errors of kx_elf_core_open(); KX_ERROR_UNSUPPORTED for an
 *         architecture this build does not know; KX_ERROR_CORRUPT for a
 *         VMCOREINFO note that does not parse or a core without memory.
 */
struct kx_error *kx_vmcore_open(const char *path, struct kx_vmcore **ret);

/**
 * Open @p path, an ELF vmcore or a kdump-compressed dump or flattened
 * stream to re-filter (told apart by their signatures).
 * @param work_dir where a flattened stream is rebuilt; NULL: $TMPDIR or /tmp.
 * @return as kx_vmcore_open(); errors of kx_input_diskdump_open(); a dump
 *         without VMCOREINFO or of an unknown machine is KX_ERROR_UNSUPPORTED.
 */
struct kx_error *kx_vmcore_open_any(const char *path, const char *work_dir,
				    struct kx_vmcore **ret);

/** Close @p vm. NULL is accepted. */
void kx_vmcore_destroy(struct kx_vmcore *vm);

/**
 * Set up page-table translation, mem_map and the struct page layout.
 * @return NULL, or why filtering by page type is impossible (the missing
 *         VMCOREINFO key, an unsupported memory model, ...).
 */
struct kx_error *kx_vmcore_enable_filtering(struct kx_vmcore *vm);

/**
 * Set in @p bm (reset to its window) the pfns whose memory exists: the
 * PT_LOADs (a partial last page only with @p partial_last), or a dump's 1st
 * bitmap, copied as it is. @return NULL or an error reading the dump.
 */
struct kx_error *kx_vmcore_mark_present(const struct kx_vmcore *vm, bool partial_last,
					struct kx_bitmap *bm);

/**
 * Set in @p bm (reset to its window) the pfns whose contents the vmcore
 * holds: the PT_LOADs' whole pages, or a dump's 2nd bitmap (pages it
 * excluded stay excluded). @return NULL or an error reading the dump.
 */
struct kx_error *kx_vmcore_mark_data(const struct kx_vmcore *vm, struct kx_bitmap *bm);

/**
 * Only for an ELF vmcore: call @p fn for each pfn range [first, end) that some PT_LOAD covers, in
 * program-header order (ranges may repeat or overlap). A partial first page
 * always counts; a partial last page (the x86 BIOS range ending at 0x9fc00)
 * counts only when @p partial_last is set. Upstream marks it present in the
 * 1st bitmap but never dumps it, and so do we.
 */
void kx_vmcore_for_each_ram(const struct kx_vmcore *vm, bool partial_last,
			    void (*fn)(void *arg, uint64_t first, uint64_t end), void *arg);

/**
 * Read the page frame @p pfn into @p buf (page_size bytes). Bytes no
 * PT_LOAD provides (the rest of a partial page, p_memsz beyond p_filesz)
 * read as zeros.
 * @return NULL; KX_ERROR_FAULT when no byte of the page is in the vmcore;
 *         KX_ERROR_OS (EIO from /proc/vmcore) naming the file and offset;
 *         for a dump, the errors of kx_input_diskdump_read_page().
 */
struct kx_error *kx_vmcore_read_page(const struct kx_vmcore *vm, uint64_t pfn, void *buf);

/**
 * Read the struct pages of pfns [@p pfn, @p pfn + @p count), which must lie
 * in one section, into @p buf (count * layout.page_size bytes), translating
 * through the caller's @p hint (see kx_vtop_read_hinted()).
 * @return NULL; KX_ERROR_NODATA when the section has no mem_map; errors of
 *         the translation or the read.
 */
struct kx_error *kx_vmcore_read_struct_pages(const struct kx_vmcore *vm,
					     struct kx_vtop_hint *hint, uint64_t pfn,
					     uint64_t count, void *buf);

#endif /* KX_VMCORE_H */
