/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dump.h
 * Writing a kdump-compressed dump of a vmcore: the two passes over memory.
 *
 * Pass 1 filters every window of pfns to count the pages the dump will hold,
 * which fixes where page data begins. Pass 2 writes the 1st bitmap, then per
 * window the 2nd bitmap and that window's pages, read and compressed by the
 * page pipeline (pipeline.h) on req->threads threads. When one window covers
 * all memory (up to 32 GiB of 4 KiB pages by default) pass 2 reuses pass 1's
 * bitmap instead of filtering again. Memory stays bounded by the window size
 * and the pipeline's ring, whatever the size of the vmcore.
 */
#ifndef KX_DUMP_H
#define KX_DUMP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "compress.h"
#include "dump_sink.h"
#include "error.h"
#include "filter.h"

struct kx_erase_map;
struct kx_log;
struct kx_vmcore;

struct kx_dump_request {
	/** Output file; created 0600, O_EXCL unless @p force. Unused with @p flatten. */
	const char *output;
	bool force;
	/**
	 * Write a flattened stream (-F) to @p flat_fd instead, which is not
	 * closed; it ends with the terminator only when the dump succeeds.
	 */
	bool flatten;
	int flat_fd;
	/** Do everything but create and write the file. */
	bool dry_run;
	unsigned int level;
	enum kx_compress_method method;
	/** pfns per window, a multiple of 8; 0 = the default. */
	uint64_t window_pfns;
	/** Stop writing at this many bytes (-L) and mark the dump incomplete; 0 = none. */
	uint64_t size_limit;
	/** Compression threads (--num-threads); 0 = compress in the calling thread. */
	unsigned int threads;
	/** Where windows are cut for threads to filter (filter.h); 0 = the default. */
	uint64_t filter_split_align;
	/** Read the vmcore instead of mapping it (--non-mmap). */
	bool no_mmap;
	/**
	 * -e: also leave out the vmemmap frames that describe only pages the
	 * dump leaves out (vmemmap.h); a kdump-compressed dump then says
	 * DUMP_DH_EXCLUDED_VMEMMAP in its header.
	 */
	bool exclude_vmemmap;
	/** Data to erase (--config), frozen, and its eraseinfo; NULL = none. */
	const struct kx_erase_map *erase;
	/**
	 * Set asynchronously (by a signal handler) to stop: the dump then
	 * ends as on a full disk, a readable file marked INCOMPLETE, with
	 * KX_ERROR_INTERRUPTED. NULL: never.
	 */
	const volatile sig_atomic_t *stop;
	/** Progress and messages; may be NULL. */
	const struct kx_log *log;
	/**
	 * --split: write @p nr_split (at least 2) files named by
	 * @p split_outputs, each holding a range of pfns (split.h), instead
	 * of @p output. Not with @p flatten.
	 */
	char *const *split_outputs;
	size_t nr_split;
	/** --splitblock-size in bytes; 0 = 1 GiB. */
	uint64_t splitblock_bytes;
};

struct kx_dump_result {
	uint64_t max_mapnr;
	/** Pages present in the vmcore (set in the 1st bitmap). */
	uint64_t present;
	/** Pages the dump holds (set in the 2nd bitmap), zero pages included. */
	uint64_t dumpable;
	uint64_t zero_pages;
	/**
	 * Pages /proc/vmcore failed to read (EIO). A kdump-compressed dump
	 * leaves them out (their 2nd-bitmap bit cleared, so readers report
	 * them excluded); an ELF dump stores zeros.
	 */
	uint64_t unreadable_pages;
	/** Bytes of the output, all split files together. */
	uint64_t bytes_written;
	struct kx_filter_stats stats;
	/** The dump stopped early (ENOSPC, -L): the header says INCOMPLETE. */
	bool incomplete;
};

/** Default window: 8 Mi pfns, 1 MiB per bitmap (32 GiB of 4 KiB pages). */
enum { KX_DUMP_DEFAULT_WINDOW_PFNS = 8 << 20 };

/**
 * Write a kdump-compressed dump of @p vm as @p req asks.
 *
 * With --split the files are written one after the other, each by the same
 * pass 2 restricted to its pfn range; each has the same headers (but the
 * split fields), the full bitmaps and a descriptor area sized for every
 * file's pages. A file that runs out of space is marked INCOMPLETE and the
 * others are still written (as upstream's one child per file would).
 * @param ret filled as far as the dump got, also on failure.
 * @return NULL; KX_ERROR_NOSPACE when the output (or one split file)
 *         filled up or reached -L, KX_ERROR_INTERRUPTED when req->stop was
 *         set (the file is then a readable, INCOMPLETE dump, unless it is
 *         a flattened stream); any error opening, filtering or writing.
 */
struct kx_error *kx_dump_kdump(struct kx_vmcore *vm, const struct kx_dump_request *req,
			       struct kx_dump_result *ret);

/** Whether @p err stops a dump that is then kept, marked incomplete (no room, a signal). */
static inline bool kx_dump_error_is_incomplete(const struct kx_error *err)
{
	return kx_error_is(err, KX_ERROR_NOSPACE) || kx_error_is(err, KX_ERROR_INTERRUPTED);
}

/**
 * The bitmap window, in pfns, a dump of @p vm works in: @p req's or the
 * default, at most the vmcore's pfns rounded up to a byte of bitmap.
 * @return NULL; KX_ERROR_INVALID_ARG when @p req's is not a multiple of 8.
 */
struct kx_error *kx_dump_window(const struct kx_dump_request *req, const struct kx_vmcore *vm,
				uint64_t *ret);

/**
 * @p err stopped the dump and marking it incomplete failed with @p mark
 * (NULL: it did not): say so in @p err. Takes @p mark.
 */
void kx_dump_add_mark_failure(struct kx_error *err, struct kx_error *mark);

/** KX_ERROR_INTERRUPTED once @p req->stop is set, else NULL. */
struct kx_error *kx_dump_check_stop(const struct kx_dump_request *req);

/**
 * Open the output @p req names: the file (see kx_dump_sink_open_file()) or,
 * with @p req->flatten, a flattened stream on @p req->flat_fd ("STDOUT").
 */
struct kx_error *kx_dump_open_output(const struct kx_dump_request *req,
				     struct kx_dump_sink *ret);

#endif /* KX_DUMP_H */
