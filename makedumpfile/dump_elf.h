/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dump_elf.h
 * Writing an ELF dump of a vmcore (-E), laid out as upstream makedumpfile
 * lays it out, in bounded memory.
 *
 * File layout: the input's Ehdr (e_ident, e_version, e_entry and e_flags
 * kept, e_phnum set, e_phoff 64), one PT_NOTE and then the PT_LOADs, the
 * notes right after the program headers, and the segments' data right
 * after the notes, segment after segment, without alignment. The notes are
 * the input's; when --config erased something, one more note follows them,
 * named "ERASEINFO", type 0, the eraseinfo text its descriptor (as the
 * kdump-compressed format stores it after the page data).
 *
 * Each input PT_LOAD, in program-header order, becomes one or more
 * segments: walking its pages, a run of fewer than KX_DUMP_ELF_EXCLUDED_RUN
 * excluded pages between kept ones is written as it is in memory; a longer
 * run ends the segment, whose p_memsz then covers the run while p_filesz
 * stops at the last kept page, and the next kept page starts a new segment.
 * Excluded pages at the end of a PT_LOAD are never written (p_memsz >
 * p_filesz). A segment without data that a long run closed has p_offset 0;
 * a PT_LOAD with no kept page at all is one segment without data at the
 * current file offset (upstream writes both so). Partial first and last
 * pages count with the bytes the PT_LOAD holds of them.
 *
 * With dump level bit 0 a zero page counts as excluded, so every kept page
 * is read twice: once in the planning pass (which fixes the program headers
 * before anything is written) and once to write it. Only the window bitmap
 * and the program headers are kept in memory.
 */
#ifndef KX_DUMP_ELF_H
#define KX_DUMP_ELF_H

#include "dump.h"
#include "error.h"

struct kx_vmcore;

/** Excluded pages in a row that split a segment (upstream's PFN_EXCLUDED). */
enum { KX_DUMP_ELF_EXCLUDED_RUN = 256 };

/**
 * Write an ELF dump of @p vm as @p req asks (req->method is ignored).
 * @param ret filled as far as the dump got, also on failure; zero_pages
 *        counts the zero pages excluded, dumpable includes them.
 * @return NULL; KX_ERROR_NOSPACE when the output filled up or reached -L,
 *         KX_ERROR_INTERRUPTED when req->stop was set (a file then has
 *         e_flags bit 0 set: incomplete); any error opening, filtering,
 *         reading or writing.
 */
struct kx_error *kx_dump_elf(struct kx_vmcore *vm, const struct kx_dump_request *req,
			     struct kx_dump_result *ret);

#endif /* KX_DUMP_ELF_H */
