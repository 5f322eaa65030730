/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file page_reader.h
 * Reading the dead kernel's pages for the dump, one reader per thread.
 *
 * read() of /proc/vmcore copies (and on many kernels remaps) every page:
 * upstream's known bottleneck. A reader maps the vmcore in windows of
 * KX_PAGE_READER_WINDOW bytes and hands out pointers into the mapping, so a
 * page is touched once, by the compressor. The window bounds the address
 * space (and /proc/vmcore's eagerly built page tables) whatever the size of
 * the vmcore. Pages that straddle PT_LOADs or lie partly outside them, and
 * files that cannot be mapped (pipes, --non-mmap), and the compressed pages
 * of a re-filtered dump, go through
 * kx_vmcore_read_page() into the reader's own buffer instead.
 */
#ifndef KX_PAGE_READER_H
#define KX_PAGE_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct kx_vmcore;
struct kx_page_reader;

/** Bytes mapped at a time: upstream's window, large enough to amortise mmap. */
enum { KX_PAGE_READER_WINDOW = 4 << 20 };

/**
 * Create a reader of @p vm, which must outlive it. With @p use_mmap false,
 * or when mapping fails, every page is read with pread().
 * @return NULL or &kx_enomem.
 */
struct kx_error *kx_page_reader_create(const struct kx_vmcore *vm, bool use_mmap,
				       struct kx_page_reader **ret);

/** Unmap and free @p r. NULL is a no-op. */
void kx_page_reader_destroy(struct kx_page_reader *r);

/**
 * The page_size bytes of page frame @p pfn, valid until the next call on
 * @p r or its destruction.
 * @return NULL; the errors of kx_vmcore_read_page().
 */
struct kx_error *kx_page_reader_get(struct kx_page_reader *r, uint64_t pfn,
				    const void **ret);

/** Whether @p r still maps (false after a failed mmap or without use_mmap). */
bool kx_page_reader_maps(const struct kx_page_reader *r);

#endif /* KX_PAGE_READER_H */
