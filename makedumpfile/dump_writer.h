/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dump_writer.h
 * Writing a kdump-compressed file in bounded memory.
 *
 * The caller knows num_dumpable (the 2nd bitmap's bit count) from a first
 * pass, which fixes where the descriptor and data areas start (see
 * diskdump.h). Then:
 *
 * 1. kx_dump_writer_create() checks the parameters and computes the layout;
 * 2. kx_dump_writer_write_headers() writes disk_dump_header @0, the notes
 *    @bs+104, the sub header @bs, extends a regular file with a hole up to
 *    the data area (so bitmaps and descriptors never lie past its end) and,
 *    when dump_level has bit 0 (exclude zero pages), writes the shared zero
 *    block at the start of the data area;
 * 3. kx_dump_writer_write_bitmap() writes either bitmap piece by piece at
 *    any byte offset within it, so bitmaps can be built in cycles;
 * 4. for every set bit of the 2nd bitmap in ascending pfn order, exactly
 *    one of kx_dump_writer_add_zero_page(), kx_dump_writer_add_page(),
 *    kx_dump_writer_add_stored(), kx_dump_writer_add_stored_ref() or
 *    kx_dump_writer_drop_page();
 * 5. kx_dump_writer_finish() flushes and checks the descriptor count
 *    (num_dumpable, or split_pages in a --split file).
 *
 * Descriptors and page data go through two write-back buffers of
 * buffer_size bytes each. A flush writes the data before the descriptors,
 * so a descriptor on disk always points at completely written data.
 *
 * Running out of space: ENOSPC, EDQUOT and EFBIG (file size limit) are
 * reported as KX_ERROR_NOSPACE. After any write error the writer refuses
 * further pages; what was written stays readable (descriptors never
 * written read as offset 0), and the caller should call
 * kx_dump_writer_mark_incomplete() to set DUMP_DH_COMPRESSED_INCOMPLETE.
 */
#ifndef KX_DUMP_WRITER_H
#define KX_DUMP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compress.h"
#include "diskdump.h"
#include "error.h"

/** Write-back buffer sizes. */
enum {
	KX_DUMP_WRITER_BUFFER_DEFAULT = 256 * 1024,
	KX_DUMP_WRITER_BUFFER_MAX = 64 * 1024 * 1024,
};

/** What the writer needs to know up front. */
struct kx_dump_writer_params {
	/** Page size of the dumped kernel. */
	uint32_t block_size;
	/** Pfns covered by the bitmaps (end of the highest PT_LOAD / bs). */
	uint64_t max_mapnr;
	/** The input PT_NOTE contents, copied verbatim; NULL when size_note is 0. */
	const void *notes;
	size_t size_note;
	/** Offset of the VMCOREINFO note's desc text within @p notes. */
	uint64_t vmcoreinfo_offset;
	/** n_descsz of the VMCOREINFO note; 0 when there is none. */
	uint64_t vmcoreinfo_size;
	/** The kernel's utsname (zeros when unknown). */
	struct kx_diskdump_utsname utsname;
	/** CRASHTIME seconds (tv_usec is always written as 0). */
	int64_t timestamp;
	/** Sub header phys_base. */
	uint64_t phys_base;
	/** Dump level actually used, 0..31; bit 0 shares one zero page. */
	int32_t dump_level;
	enum kx_compress_method method;
	/** Number of set bits the 2nd bitmap will have. */
	uint64_t num_dumpable;
	/** Number of NT_PRSTATUS notes named "CORE" in @p notes. */
	int32_t nr_cpus;
	/** Extra status bits: 0 or KX_DISKDUMP_EXCLUDED_VMEMMAP. */
	uint32_t status_extra;
	/** Bytes of each write-back buffer; 0 = the default. Raised to one page. */
	size_t buffer_size;
	/**
	 * A --split file: the sub header says split = 1 and [start_pfn,
	 * end_pfn). The layout still counts all num_dumpable pages, so the data
	 * area and the shared zero page sit at the same offset in every file
	 * of the set, but only split_pages descriptors (this file's pages) are
	 * added, from index 0.
	 */
	bool split;
	uint64_t start_pfn, end_pfn, split_pages;
};

struct kx_dump_sink;
struct kx_dump_writer;

/**
 * Check @p params, compute the layout and allocate the buffers and the
 * compressor. No I/O happens. Every write then goes to @p sink (a file
 * written at offsets or a flattened stream, see dump_sink.h), which the
 * writer borrows: it must outlive the writer. The notes are copied.
 * @return KX_ERROR_INVALID_ARG naming the bad parameter, KX_ERROR_OVERFLOW
 * for impossible sizes, &kx_enomem.
 */
struct kx_error *kx_dump_writer_create_sink(struct kx_dump_sink *sink,
					    const struct kx_dump_writer_params *params,
					    struct kx_dump_writer **ret);

/**
 * kx_dump_writer_create_sink() on a file sink for @p fd, which the writer
 * does not own (opened for writing, ideally O_RDWR|O_CREAT|O_TRUNC, mode
 * 0600).
 * @param path for error messages; copied; may be NULL.
 */
struct kx_error *kx_dump_writer_create(int fd, const char *path,
				       const struct kx_dump_writer_params *params,
				       struct kx_dump_writer **ret);

/** Free @p w without writing anything. NULL is a no-op. */
void kx_dump_writer_destroy(struct kx_dump_writer *w);

/** The layout of the file being written. */
const struct kx_diskdump_layout *kx_dump_writer_layout(const struct kx_dump_writer *w);

/** Write both headers, the notes and the zero block (see the file comment). */
struct kx_error *kx_dump_writer_write_headers(struct kx_dump_writer *w);

/**
 * Write @p size bytes of bitmap @p which (1 = present, 2 = dumpable) at
 * byte @p offset within that bitmap. Bytes never written read as zero.
 * @return KX_ERROR_INVALID_ARG when the piece does not fit the bitmap.
 */
struct kx_error *kx_dump_writer_write_bitmap(struct kx_dump_writer *w, int which,
					     uint64_t offset, const void *buf, size_t size);

/**
 * Add the next dumpable page as a zero page: its descriptor is the shared
 * one pointing at the zero block. Only valid when dump_level has bit 0.
 */
struct kx_error *kx_dump_writer_add_zero_page(struct kx_dump_writer *w);

/**
 * Add the next dumpable page: compress @p page (block_size bytes) and
 * buffer its descriptor and data.
 * @return KX_ERROR_INVALID_ARG beyond num_dumpable pages or before
 * write_headers; KX_ERROR_NOSPACE / KX_ERROR_OS from a flush.
 */
struct kx_error *kx_dump_writer_add_page(struct kx_dump_writer *w, const void *page);

/**
 * Add the next dumpable page as already stored: @p size bytes (at most
 * block_size) of @p data, compressed as page flags @p flags say (0: raw).
 * This is how pages compressed on other threads come in.
 * @return as kx_dump_writer_add_page().
 */
struct kx_error *kx_dump_writer_add_stored(struct kx_dump_writer *w, const void *data,
					   uint32_t size, uint32_t flags);

/**
 * As kx_dump_writer_add_stored(), without copying @p data: it must stay
 * unchanged until kx_dump_writer_flush_refs() (or finish) returns. Pages
 * whose data follow each other in memory are written in one go; this is
 * how a batch compressed on another thread goes out without passing
 * through this thread's cache.
 * @return as kx_dump_writer_add_page().
 */
struct kx_error *kx_dump_writer_add_stored_ref(struct kx_dump_writer *w, const void *data,
					       uint32_t size, uint32_t flags);

/**
 * Write the data kx_dump_writer_add_stored_ref() holds references to, and
 * the descriptors buffered so far once a write-back buffer's worth of such
 * data went out since they last were.
 */
struct kx_error *kx_dump_writer_flush_refs(struct kx_dump_writer *w);

/**
 * Leave the next dumpable page, @p pfn, out after all: it could not be read.
 * Rewrites its byte of the 2nd bitmap as @p bitmap_byte (the caller's
 * window byte with the page's bit cleared), so readers see it as excluded
 * rather than as data, and writes no descriptor for it. The descriptor area
 * keeps the room counted for it, unused.
 */
struct kx_error *kx_dump_writer_drop_page(struct kx_dump_writer *w, uint64_t pfn,
					  uint8_t bitmap_byte);

/**
 * Flush both buffers and check that exactly num_dumpable pages were added
 * (KX_ERROR_INVALID_ARG otherwise).
 */
struct kx_error *kx_dump_writer_finish(struct kx_dump_writer *w);

/**
 * After kx_dump_writer_finish(): append @p size bytes of eraseinfo text
 * after the page data and write the sub header again with
 * offset_eraseinfo/size_eraseinfo, as upstream does. Nothing when @p size
 * is 0.
 */
struct kx_error *kx_dump_writer_write_eraseinfo(struct kx_dump_writer *w, const void *text,
						size_t size);

/**
 * Rewrite the header with DUMP_DH_COMPRESSED_INCOMPLETE set. Works after
 * a write error: it only overwrites bytes already written. Does nothing on
 * a flattened stream, which cannot rewrite its header.
 */
struct kx_error *kx_dump_writer_mark_incomplete(struct kx_dump_writer *w);

/** Pages (descriptors) added so far, written or still buffered. */
uint64_t kx_dump_writer_pages_added(const struct kx_dump_writer *w);

/** True when every byte of @p page (@p size bytes) is zero. */
bool kx_dump_writer_page_is_zero(const void *page, size_t size);

#endif /* KX_DUMP_WRITER_H */
