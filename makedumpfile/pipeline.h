/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file pipeline.h
 * Reading, zero-checking and compressing the dump's pages on several
 * threads, handed back in the order they were pushed.
 *
 * The caller (the single, ordered writer) pushes page frame numbers; they
 * are grouped into batches of about KX_PIPELINE_BATCH_BYTES, which worker
 * threads take in turn, each with its own compressor. The vmcore's mapped
 * windows are shared (page_reader.h): the caller's thread maps them as it
 * pushes and unmaps them as batches are emitted. Done
 * batches are emitted strictly in push order, so the output does not depend
 * on the number of threads or on scheduling. The batches form a ring of
 * 2 × threads + 6 slots, which bounds memory whatever the vmcore size:
 * pushing waits when every slot is in flight.
 *
 * With 0 threads the caller's thread does the work itself, batch by batch:
 * the same code path, so single- and multi-threaded dumps are identical.
 * With N >= 2 the caller is one of the N: it starts N - 1 workers and,
 * whenever it would wait for a batch, processes the next queued one
 * itself. N threads then keep N cores busy, where N workers beside a mostly
 * idle caller made N + 1 threads share N cores (measured: context switches
 * and cache misses cost 10-20% more CPU). With 1 one worker compresses
 * while the caller writes.
 */
#ifndef KX_PIPELINE_H
#define KX_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "compress.h"
#include "error.h"

struct kx_erase_map;
struct kx_vmcore;
struct kx_pipeline;
struct kx_pipeline_page;

enum {
	/** Page data per batch: enough to amortise the hand-over between threads. */
	KX_PIPELINE_BATCH_BYTES = 512 * 1024,
	/** Most worker threads (upstream's --num-threads has no limit; 256 is plenty). */
	KX_PIPELINE_MAX_THREADS = 256,
};

/**
 * Receives each page in push order; @p page is valid during the call only,
 * its data until the batch's kx_pipeline_batch_fn returns. An error stops
 * the pipeline and is returned by the push or flush that emitted the page.
 */
typedef struct kx_error *kx_pipeline_emit_fn(void *arg, const struct kx_pipeline_page *page);

/**
 * Called after the last page of a batch was emitted, before the batch's
 * memory is used again. The data of a batch's pages lie one after the
 * other in memory, so a writer can keep references and write them here in
 * one go. Errors as kx_pipeline_emit_fn.
 */
typedef struct kx_error *kx_pipeline_batch_fn(void *arg);

struct kx_pipeline_params {
	/** The vmcore; it must outlive the pipeline and is only read. */
	const struct kx_vmcore *vm;
	enum kx_compress_method method;
	/** Report all-zero pages as such instead of compressing them (-d bit 1). */
	bool detect_zero;
	/** Threads that compress, the caller's included when >= 2; 0 = the caller alone. */
	unsigned int threads;
	/** Map the vmcore (see page_reader.h); false reads it (--non-mmap). */
	bool use_mmap;
	/** Data to erase (--config) before the zero check, frozen; NULL = none. */
	const struct kx_erase_map *erase;
	/** Optional: see kx_pipeline_batch_fn; gets the emit function's arg. */
	kx_pipeline_batch_fn *batch_emitted;
};

/** One page as it goes into the dump. */
struct kx_pipeline_page {
	uint64_t pfn;
	/** All zero and detect_zero: share the zero page; data is unset. */
	bool zero;
	/** The vmcore failed to read it (EIO): nothing else is set. */
	bool unreadable;
	/** What to store: size bytes, compressed with flags (0 = raw page). */
	const void *data;
	uint32_t size;
	uint32_t flags;
};

/**
 * Create the batches, readers and compressors, and start the threads.
 * @return NULL; KX_ERROR_INVALID_ARG for too many threads; errors of
 *   kx_compressor_create(); KX_ERROR_OS when a thread cannot start;
 *   &kx_enomem.
 */
struct kx_error *kx_pipeline_create(const struct kx_pipeline_params *params,
				    kx_pipeline_emit_fn *emit, void *arg,
				    struct kx_pipeline **ret);

/** Stop the threads and free everything; pages not yet emitted are dropped. */
void kx_pipeline_destroy(struct kx_pipeline *p);

/**
 * Queue page frame @p pfn. May emit earlier pages, and waits while all
 * batches are in flight.
 * @return NULL; the first error of reading (other than EIO), compressing
 *   or emitting; after an error the pipeline refuses everything.
 */
struct kx_error *kx_pipeline_push(struct kx_pipeline *p, uint64_t pfn);

/** Process and emit every page pushed so far. Errors as kx_pipeline_push(). */
struct kx_error *kx_pipeline_flush(struct kx_pipeline *p);

#endif /* KX_PIPELINE_H */
