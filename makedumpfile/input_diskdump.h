/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file input_diskdump.h
 * A kdump-compressed dump (or a flattened stream of one) as the input of
 * makedumpfile: re-filtering an existing dump to a higher dump level or to
 * another compression.
 *
 * Physical memory is what the dump holds: a page read decompresses it
 * through common/diskdump_reader. A few decoded pages are cached, because
 * filtering reads struct pages and page tables a few bytes at a time and
 * would otherwise decompress the same page over and over. Reads are
 * serialised by a mutex, so the dump pipeline's threads may share one
 * input (they still compress in parallel).
 *
 * A flattened stream (-F output, "makedumpfile" signature) is first
 * rebuilt into an unlinked temporary file in the work directory: reading it
 * in place would need an index of every record, and the rebuilt file costs
 * disk, not memory.
 */
#ifndef KX_INPUT_DISKDUMP_H
#define KX_INPUT_DISKDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_bitmap;
struct kx_diskdump_reader;
struct kx_input_diskdump;

/** What the start of a file says it is. */
enum kx_input_kind {
	KX_INPUT_ELF = 0,
	KX_INPUT_DISKDUMP,  /**< "KDUMP   " */
	KX_INPUT_FLATTENED, /**< "makedumpfile" stream header */
};

/**
 * Look at the first bytes of @p fd (read with pread, the offset is kept).
 * Anything that is neither dump signature is taken for ELF and left to the
 * ELF reader to judge.
 * @return NULL or the read error.
 */
struct kx_error *kx_input_probe(int fd, const char *path, enum kx_input_kind *ret);

/**
 * Open the dump @p path, of @p kind (KX_INPUT_DISKDUMP or
 * KX_INPUT_FLATTENED, which is rebuilt into an unlinked temporary file in
 * @p work_dir, or $TMPDIR, or /tmp when NULL).
 * @return NULL; errors of kx_diskdump_reader_create() naming the file;
 *         KX_ERROR_UNSUPPORTED for --split parts and dumps with eraseinfo.
 */
struct kx_error *kx_input_diskdump_open(const char *path, enum kx_input_kind kind,
					const char *work_dir, struct kx_input_diskdump **ret);

/** Close @p in and its file. NULL is accepted. */
void kx_input_diskdump_destroy(struct kx_input_diskdump *in);

/** The path the dump was opened from, for messages; lives as long as @p in. */
const char *kx_input_diskdump_path(const struct kx_input_diskdump *in);

/** The validated reader, for the headers, notes and VMCOREINFO. */
const struct kx_diskdump_reader *kx_input_diskdump_reader(const struct kx_input_diskdump *in);

/**
 * Read page frame @p pfn (block_size bytes) into @p buf. Thread-safe.
 * @return NULL; KX_ERROR_FAULT (not in the dump's memory, or excluded from
 *         it: both mean the data is not there); KX_ERROR_CORRUPT for a bad
 *         descriptor or data; I/O errors.
 */
struct kx_error *kx_input_diskdump_read_page(struct kx_input_diskdump *in, uint64_t pfn,
					     void *buf);

/**
 * Read @p size bytes of physical memory at @p paddr, for the page-table
 * walker. Thread-safe. Errors as kx_input_diskdump_read_page().
 */
struct kx_error *kx_input_diskdump_read_phys(struct kx_input_diskdump *in, uint64_t paddr,
					     void *buf, size_t size);

/**
 * Set in @p bm (reset to its window) the pfns of the input's 1st bitmap
 * (@p which 1, memory present) or 2nd bitmap (@p which 2, pages the input
 * holds). @return NULL or the read error.
 */
struct kx_error *kx_input_diskdump_mark(struct kx_input_diskdump *in, int which,
					struct kx_bitmap *bm);

#endif /* KX_INPUT_DISKDUMP_H */
