/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file page_reader.h
 * Reading the dead kernel's pages for the dump: mapped windows shared by
 * the threads of the pipeline.
 *
 * read() of /proc/vmcore copies (and on many kernels remaps) every page:
 * upstream's known bottleneck. The reader maps the vmcore in windows of
 * KX_PAGE_READER_WINDOW bytes and hands out pointers into the mapping, so a
 * page is touched once, by the compressor. At most KX_PAGE_READER_MAX_WINDOWS
 * windows exist at a time, which bounds the address space (and
 * /proc/vmcore's eagerly built page tables) whatever the size of the vmcore.
 *
 * The windows are shared: one thread, the pusher, locates pages (mapping
 * windows in pfn order) and releases windows once the batches that used
 * them are done; any thread then gets the page. Mapping each window once
 * for all threads, rather than once per thread, halves the mmap, munmap and
 * populate calls with two threads, and those take the process's mmap lock
 * and shoot down the other threads' TLBs.
 *
 * Pages that straddle PT_LOADs or lie partly outside them, files that
 * cannot be mapped (pipes, --non-mmap), the compressed pages of a
 * re-filtered dump, and pages in a part of the mapping the disk failed to
 * deliver, go through kx_vmcore_read_page() into the caller's buffer.
 */
#ifndef KX_PAGE_READER_H
#define KX_PAGE_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct kx_vmcore;
struct kx_page_reader;
struct kx_page_window;

enum {
	/** Bytes mapped at a time: upstream's window, large enough to amortise mmap. */
	KX_PAGE_READER_WINDOW = 4 << 20,
	/** Windows mapped at once: 256 MiB of address space. */
	KX_PAGE_READER_MAX_WINDOWS = 64,
};

/** Where a located page is: in a mapped window, or to be read. */
struct kx_page_ref {
	/** The window; NULL: read the page with kx_vmcore_read_page(). */
	struct kx_page_window *win;
	/** Offset of the page in the window. */
	uint32_t rel;
};

/**
 * Create a reader of @p vm, which must outlive it. With @p use_mmap false,
 * or when mapping fails, every page is read.
 * @return NULL or &kx_enomem.
 */
struct kx_error *kx_page_reader_create(const struct kx_vmcore *vm, bool use_mmap,
				       struct kx_page_reader **ret);

/** Unmap and free @p r. NULL is a no-op. */
void kx_page_reader_destroy(struct kx_page_reader *r);

/**
 * Pusher only: where page frame @p pfn is, for a batch numbered @p seq
 * (numbers never decrease). Maps a window when the page lies past the
 * newest one.
 * @return false when that needs a window and all are in use: release some
 *   with kx_page_reader_release() and ask again. *ret is unset then.
 */
bool kx_page_reader_locate(struct kx_page_reader *r, uint64_t pfn, uint64_t seq,
			   struct kx_page_ref *ret);

/**
 * Pusher only: unmap the windows no batch numbered above @p done_seq uses,
 * except the newest (it is kept for the pages to come).
 */
void kx_page_reader_release(struct kx_page_reader *r, uint64_t done_seq);

/**
 * Any thread: the page_size bytes of page frame @p pfn, located at @p ref.
 * *ret points into the mapping, or at @p buf (page_size bytes of room)
 * when the page had to be read; valid until its window is released.
 * @return NULL; the errors of kx_vmcore_read_page().
 */
struct kx_error *kx_page_reader_get(struct kx_page_reader *r, const struct kx_page_ref *ref,
				    uint64_t pfn, void *buf, const void **ret);

#endif /* KX_PAGE_READER_H */
