// SPDX-License-Identifier: GPL-2.0-only
// Batches of pages through worker threads, emitted in order: see pipeline.h.
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dump_writer.h"
#include "erase_map.h"
#include "page_reader.h"
#include "pipeline.h"
#include "thread.h"
#include "vmcore.h"

// A batch goes FREE -> (filled by the caller) QUEUED -> BUSY (a worker)
// -> DONE -> emitted by the caller -> FREE.
enum batch_state { BATCH_FREE, BATCH_QUEUED, BATCH_BUSY, BATCH_DONE };

struct batch {
	enum batch_state state;
	unsigned int n;       // pfns pushed
	unsigned int n_done;  // pages processed: n, or fewer after an error
	size_t used;          // bytes of data filled, the pages' one after the other
	uint64_t *pfns;
	struct kx_page_ref *refs;  // where each pfn is, located by the pusher
	struct kx_pipeline_page *pages;
	uint8_t *data;        // p->slot bytes of room per page, filled from the start
	struct kx_error *err;
};

struct worker {
	struct kx_pipeline *p;
	struct kx_compressor *comp;
	uint8_t *read_buf;   // a page that could not be mapped
	uint8_t *erase_buf;  // a page with erased bytes: the vmcore's stays intact
	pthread_t thread;
	bool started;
};

struct kx_pipeline {
	struct kx_pipeline_params params;
	kx_pipeline_emit_fn *emit;
	void *arg;
	uint64_t page_size;
	size_t slot;  // room for one page's compressed result, at least a page
	unsigned int batch_pages, nbatches, nworkers;
	// workers[0] is the caller's own: it does all the work without
	// threads, and with two or more it takes a batch whenever it would
	// otherwise wait, so that N threads in all (the caller being one)
	// keep N cores busy, not N + 1 threads time-sharing them.
	bool caller_helps;
	// Shared by all threads: windows are mapped and released by the
	// caller's thread only, pages read from them by any.
	struct kx_page_reader *reader;
	struct batch *batches;
	uint8_t *ring;  // the batches' data, one after the other
	struct worker *workers;
	// Batch sequence numbers: being filled, next for a worker, next to emit.
	uint64_t fill, take, out;
	pthread_mutex_t lock;
	pthread_cond_t work_cv, done_cv;
	bool stop, failed;
};

static struct batch *slot(struct kx_pipeline *p, uint64_t seq)
{
	return &p->batches[seq % p->nbatches];
}

// The page as it goes into the dump: a copy with the --config data erased
// when it holds any, else the vmcore's own bytes.
static const void *erase_page(struct worker *w, uint64_t pfn, const void *src)
{
	const struct kx_erase_map *m = w->p->params.erase;
	if (!m || !kx_erase_map_touches(m, pfn, w->p->page_size))
		return src;
	memcpy(w->erase_buf, src, w->p->page_size);
	kx_erase_map_apply(m, pfn, w->p->page_size, w->erase_buf);
	return w->erase_buf;
}

static struct kx_error *process_page(struct worker *w, struct batch *b, unsigned int i)
{
	const struct kx_pipeline *p = w->p;
	struct kx_pipeline_page *pg = &b->pages[i];
	*pg = (struct kx_pipeline_page){ .pfn = b->pfns[i] };
	const void *src;
	struct kx_error *err = kx_page_reader_get(p->reader, &b->refs[i], pg->pfn,
						  w->read_buf, &src);
	if (kx_error_catch(&err, KX_ERROR_OS)) {
		// /proc/vmcore can fail single pages (EIO on poisoned or
		// unreachable memory): the writer decides, the dump goes on.
		pg->unreadable = true;
		return NULL;
	}
	KX_TRY(err);
	src = erase_page(w, pg->pfn, src);
	if (p->params.detect_zero && kx_dump_writer_page_is_zero(src, p->page_size)) {
		pg->zero = true;
		return NULL;
	}
	// Page i starts at most i slots in: a slot of room is left.
	uint8_t *dst = b->data + b->used;
	KX_TRY(kx_compressor_compress_into(w->comp, src, dst, &pg->size, &pg->flags));
	pg->data = dst;
	b->used += pg->size;
	return NULL;
}

static void process_batch(struct worker *w, struct batch *b)
{
	b->used = 0;
	for (b->n_done = 0; b->n_done < b->n; b->n_done++) {
		b->err = process_page(w, b, b->n_done);
		if (b->err)
			break;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct kx_pipeline *p = w->p;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->take == p->fill)
			pthread_cond_wait(&p->work_cv, &p->lock);
		if (p->stop)
			break;
		struct batch *b = slot(p, p->take++);
		b->state = BATCH_BUSY;
		pthread_mutex_unlock(&p->lock);
		process_batch(w, b);
		pthread_mutex_lock(&p->lock);
		b->state = BATCH_DONE;
		pthread_cond_signal(&p->done_cv);  // only the caller waits for it
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

// Hand the batch being filled to the workers, or process it right here.
static void submit(struct kx_pipeline *p)
{
	struct batch *b = slot(p, p->fill);
	if (!p->params.threads) {
		process_batch(&p->workers[0], b);
		b->state = BATCH_DONE;
		p->fill++;
		p->take++;
		return;
	}
	pthread_mutex_lock(&p->lock);
	b->state = BATCH_QUEUED;
	p->fill++;
	pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
}

// With the lock held, while the oldest batch is not done: process the next
// queued batch in the caller's thread, or wait for a worker.
static void help_or_wait(struct kx_pipeline *p)
{
	if (!p->caller_helps || p->take == p->fill) {
		pthread_cond_wait(&p->done_cv, &p->lock);
		return;
	}
	struct batch *b = slot(p, p->take++);
	b->state = BATCH_BUSY;
	pthread_mutex_unlock(&p->lock);
	process_batch(&p->workers[0], b);
	pthread_mutex_lock(&p->lock);
	b->state = BATCH_DONE;
}

// Emit the oldest submitted batch; when it is not done yet, wait for it if
// @wait, else return with *emitted false.
static struct kx_error *emit_oldest(struct kx_pipeline *p, bool wait, bool *emitted)
{
	struct batch *b = slot(p, p->out);
	*emitted = false;
	pthread_mutex_lock(&p->lock);
	while (b->state != BATCH_DONE && wait)
		help_or_wait(p);
	bool done = b->state == BATCH_DONE;
	pthread_mutex_unlock(&p->lock);
	if (!done)
		return NULL;
	struct kx_error *err = NULL;
	for (unsigned int i = 0; i < b->n_done && !err; i++)
		err = p->emit(p->arg, &b->pages[i]);
	if (!err && p->params.batch_emitted)
		err = p->params.batch_emitted(p->arg);
	if (!err) {
		err = b->err;
		b->err = NULL;
	}
	b->state = BATCH_FREE;
	b->n = b->n_done = 0;
	kx_page_reader_release(p->reader, p->out);
	p->out++;
	*emitted = true;
	return err;
}

// Emit the oldest batch if it is done, without waiting: one batch out per
// batch in. Emitting every done batch at once let the writer run for a
// millisecond or more while the workers' queue ran dry (measured: a worker
// idle 4-12 ms of a 120 ms dump, 0-3 ms since).
static struct kx_error *emit_ready(struct kx_pipeline *p)
{
	bool emitted;
	return p->out < p->fill ? emit_oldest(p, false, &emitted) : NULL;
}

static struct kx_error *stopped(struct kx_pipeline *p, struct kx_error *err)
{
	if (err)
		p->failed = true;
	return err;
}

// Wait until the slot to fill is free: the ring may be full.
static struct kx_error *wait_slot(struct kx_pipeline *p)
{
	bool emitted;
	while (p->fill - p->out >= p->nbatches)
		KX_TRY(emit_oldest(p, true, &emitted));
	return NULL;
}

// Locate @pfn for the batch being filled. When every window is in use,
// the batches using them (this one too) must be done and emitted first.
static struct kx_error *locate(struct kx_pipeline *p, uint64_t pfn, struct kx_page_ref *ref)
{
	bool emitted;
	while (!kx_page_reader_locate(p->reader, pfn, p->fill, ref)) {
		if (slot(p, p->fill)->n) {
			submit(p);
			KX_TRY(wait_slot(p));
		}
		if (p->out < p->fill)
			KX_TRY(emit_oldest(p, true, &emitted));
		else
			kx_page_reader_release(p->reader, p->fill);
	}
	return NULL;
}

struct kx_error *kx_pipeline_push(struct kx_pipeline *p, uint64_t pfn)
{
	KX_CHECK(!p->failed, KX_ERROR_INVALID_ARG, "the page pipeline stopped after an error");
	KX_TRY(stopped(p, wait_slot(p)));
	struct kx_page_ref ref;
	KX_TRY(stopped(p, locate(p, pfn, &ref)));
	struct batch *b = slot(p, p->fill);
	b->refs[b->n] = ref;
	b->pfns[b->n++] = pfn;
	if (b->n < p->batch_pages)
		return NULL;
	submit(p);
	return stopped(p, emit_ready(p));
}

struct kx_error *kx_pipeline_flush(struct kx_pipeline *p)
{
	KX_CHECK(!p->failed, KX_ERROR_INVALID_ARG, "the page pipeline stopped after an error");
	if (slot(p, p->fill)->n && p->fill - p->out < p->nbatches)
		submit(p);
	bool emitted;
	while (p->out < p->fill)
		KX_TRY(stopped(p, emit_oldest(p, true, &emitted)));
	return NULL;
}

// The ring is one allocation, in huge pages where the kernel grants them.
// In 4 KiB pages its first touch and its release (serial at the end: 1.1-1.6
// ms of a 110 ms dump) held two threads back: bench/ab.sh at -l -d 31 went
// from 1.73x to 1.82x (1 GiB capture) and 1.80x to 1.83x (4 GiB) with it.
// Rounding up to a huge page costs less than one.
enum { RING_ALIGN = 2 << 20 };

static struct kx_error *alloc_ring(struct kx_pipeline *p)
{
	size_t per_batch = (size_t)p->batch_pages * p->slot, bytes = p->nbatches * per_batch;
	if (bytes < RING_ALIGN) {  // one thread's single batch: not worth a huge page
		p->ring = malloc(bytes);
	} else {
		bytes = (bytes + RING_ALIGN - 1) / RING_ALIGN * RING_ALIGN;
		p->ring = aligned_alloc(RING_ALIGN, bytes);
#ifdef MADV_HUGEPAGE
		if (p->ring)
			(void)madvise(p->ring, bytes, MADV_HUGEPAGE);  // advice: 4 KiB pages do too
#endif
	}
	if (!p->ring)
		return &kx_enomem;
	for (unsigned int i = 0; i < p->nbatches; i++)
		p->batches[i].data = p->ring + i * per_batch;
	return NULL;
}

static struct kx_error *alloc_batches(struct kx_pipeline *p)
{
	p->batches = calloc(p->nbatches, sizeof(*p->batches));
	if (!p->batches)
		return &kx_enomem;
	for (unsigned int i = 0; i < p->nbatches; i++) {
		struct batch *b = &p->batches[i];
		b->pfns = calloc(p->batch_pages, sizeof(*b->pfns));
		b->refs = calloc(p->batch_pages, sizeof(*b->refs));
		b->pages = calloc(p->batch_pages, sizeof(*b->pages));
		if (!b->pfns || !b->refs || !b->pages)
			return &kx_enomem;
	}
	return alloc_ring(p);
}

static struct kx_error *init_workers(struct kx_pipeline *p)
{
	p->workers = calloc(p->nworkers, sizeof(*p->workers));
	if (!p->workers)
		return &kx_enomem;
	for (unsigned int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		w->p = p;
		KX_TRY(kx_compressor_create(p->params.method, (uint32_t)p->page_size, &w->comp));
		if (!(w->read_buf = malloc(p->page_size)))
			return &kx_enomem;
		if (p->params.erase && !(w->erase_buf = malloc(p->page_size)))
			return &kx_enomem;
	}
	p->slot = kx_compressor_room(p->workers[0].comp);
	return NULL;
}

static struct kx_error *start_workers(struct kx_pipeline *p)
{
	for (unsigned int i = 1; i < p->nworkers; i++) {
		int e = kx_thread_create(&p->workers[i].thread, worker_main, &p->workers[i]);
		if (e)
			return kx_error_os(e, NULL, "starting compression thread %u", i);
		p->workers[i].started = true;
	}
	return NULL;
}

struct kx_error *kx_pipeline_create(const struct kx_pipeline_params *params,
				    kx_pipeline_emit_fn *emit, void *arg,
				    struct kx_pipeline **ret)
{
	KX_CHECK(params->threads <= KX_PIPELINE_MAX_THREADS, KX_ERROR_INVALID_ARG,
		 "%u threads are more than the %d supported", params->threads,
		 KX_PIPELINE_MAX_THREADS);
	struct kx_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return &kx_enomem;
	p->params = *params;
	p->emit = emit;
	p->arg = arg;
	p->page_size = params->vm->page_size;
	p->batch_pages = p->page_size < KX_PIPELINE_BATCH_BYTES
				 ? (unsigned int)(KX_PIPELINE_BATCH_BYTES / p->page_size) : 1;
	p->caller_helps = params->threads >= 2;
	p->nworkers = 1 + params->threads - p->caller_helps;
	// Two batches per thread, and six to absorb the writer's pauses (a
	// write or an unmap of up to a millisecond, two batches' work); with
	// no threads one batch is all there is.
	p->nbatches = params->threads ? 2 * params->threads + 6 : 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	struct kx_error *err = kx_page_reader_create(params->vm, params->use_mmap, &p->reader);
	if (!err)
		err = init_workers(p);
	if (!err)
		err = alloc_batches(p);
	if (!err)
		err = start_workers(p);
	if (err) {
		kx_pipeline_destroy(p);
		return err;
	}
	*ret = p;
	return NULL;
}

void kx_pipeline_destroy(struct kx_pipeline *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; p->workers && i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		if (w->started)
			pthread_join(w->thread, NULL);
		kx_compressor_destroy(w->comp);
		free(w->read_buf);
		free(w->erase_buf);
	}
	for (unsigned int i = 0; p->batches && i < p->nbatches; i++) {
		kx_error_destroy(p->batches[i].err);
		free(p->batches[i].pfns);
		free(p->batches[i].refs);
		free(p->batches[i].pages);
	}
	free(p->ring);
	pthread_cond_destroy(&p->done_cv);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->lock);
	kx_page_reader_destroy(p->reader);
	free(p->workers);
	free(p->batches);
	free(p);
}
