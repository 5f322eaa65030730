// SPDX-License-Identifier: GPL-2.0-only
// The two passes of a kdump-compressed dump: see dump.h.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "dump.h"
#include "dump_writer.h"
#include "log.h"
#include "pipeline.h"
#include "vmcore.h"
#include "vmcoreinfo.h"

struct dump {
	struct kx_vmcore *vm;
	const struct kx_dump_request *req;
	struct kx_dump_result *res;
	struct kx_filter filter;
	// bm: the 2nd bitmap of a window; present: the 1st.
	struct kx_bitmap bm, present;
	uint64_t window;
	struct kx_dump_sink sink;
	bool opened;
	struct kx_dump_writer *w;
	struct kx_pipeline *pipe;
	struct kx_log_progress progress;
	uint64_t done;
};

// One window covers all memory: pass 1's 2nd bitmap is still in bm.
static bool single_window(const struct dump *d)
{
	return d->window >= d->vm->max_mapnr;
}

static uint64_t window_len(const struct dump *d, uint64_t start)
{
	uint64_t left = d->vm->max_mapnr - start;
	return left < d->window ? left : d->window;
}

// Pass 1: how many pages each window keeps, and what was excluded.
static struct kx_error *count_pass(struct dump *d)
{
	struct kx_log_progress p;
	kx_log_progress_init(&p, d->req->log, "Excluding unnecessary pages");
	for (uint64_t start = 0; start < d->vm->max_mapnr; start += d->window) {
		kx_bitmap_reset(&d->present, start, window_len(d, start));
		KX_TRY(kx_filter_present(&d->filter, &d->present));
		d->res->present += kx_bitmap_count(&d->present);
		kx_bitmap_reset(&d->bm, start, window_len(d, start));
		KX_TRY(kx_filter_window(&d->filter, &d->bm, true));
		d->res->dumpable += kx_bitmap_count(&d->bm);
		kx_log_progress_update(&p, start + d->bm.nr_bits, d->vm->max_mapnr);
	}
	kx_log_progress_finish(&p);
	return NULL;
}

struct kx_error *kx_dump_open_output(const struct kx_dump_request *req,
				     struct kx_dump_sink *ret)
{
	if (req->flatten)
		return kx_dump_sink_open_flattened(ret, req->flat_fd, "STDOUT");
	return kx_dump_sink_open_file(ret, req->output, req->force);
}

static struct kx_error *create_writer(struct dump *d)
{
	const struct kx_vmcore *vm = d->vm;
	struct kx_dump_writer_params p = {
		.block_size = (uint32_t)vm->page_size,
		.max_mapnr = vm->max_mapnr,
		.notes = vm->notes,
		.size_note = vm->notes_size,
		.vmcoreinfo_offset = vm->vmcoreinfo_offset,
		.vmcoreinfo_size = vm->vmcoreinfo_size,
		.timestamp = vm->vi && vm->vi->has_crash_time ? vm->vi->crash_time : 0,
		.phys_base = vm->phys_base,
		.dump_level = (int32_t)d->req->level,
		.method = d->req->method,
		.num_dumpable = d->res->dumpable,
		.nr_cpus = (int32_t)vm->nr_cpus,
	};
	_Static_assert(sizeof(p.utsname) == KX_UTSNAME_SIZE, "utsname layout");
	memcpy(&p.utsname, vm->utsname, sizeof(p.utsname));
	KX_TRY(kx_dump_writer_create_sink(&d->sink, &p, &d->w));
	return kx_dump_writer_write_headers(d->w);
}

// The 1st bitmap: every pfn some PT_LOAD covers.
static struct kx_error *write_present(struct dump *d)
{
	for (uint64_t start = 0; start < d->vm->max_mapnr; start += d->window) {
		kx_bitmap_reset(&d->present, start, window_len(d, start));
		KX_TRY(kx_filter_present(&d->filter, &d->present));
		KX_TRY(kx_dump_writer_write_bitmap(d->w, 1, start / 8, d->present.bits,
						   kx_bitmap_bytes(&d->present)));
	}
	return NULL;
}

// An unreadable page leaves the dump: crash then says "page excluded"
// rather than showing zeros that were never in memory. Its window is the
// current one: write_pages() drains the pipeline before moving on.
static struct kx_error *drop_page(struct dump *d, uint64_t pfn)
{
	uint64_t i = pfn - d->bm.start;
	d->bm.bits[i / 8] &= (uint8_t)~(1u << (i % 8));
	d->res->unreadable_pages++;
	return kx_dump_writer_drop_page(d->w, pfn, d->bm.bits[i / 8]);
}

// The pipeline hands pages back in pfn order: store each.
static struct kx_error *store_page(void *arg, const struct kx_pipeline_page *pg)
{
	struct dump *d = arg;
	kx_log_progress_update(&d->progress, ++d->done, d->res->dumpable);
	if (pg->unreadable)
		return drop_page(d, pg->pfn);
	if (pg->zero) {
		d->res->zero_pages++;
		return kx_dump_writer_add_zero_page(d->w);
	}
	return kx_dump_writer_add_stored(d->w, pg->data, pg->size, pg->flags);
}

static struct kx_error *start_pipeline(struct dump *d)
{
	struct kx_pipeline_params pp = {
		.vm = d->vm,
		.method = d->req->method,
		.detect_zero = d->req->level & KX_DL_ZERO,
		.threads = d->req->threads,
		.use_mmap = !d->req->no_mmap,
	};
	return kx_pipeline_create(&pp, store_page, d, &d->pipe);
}

// Pass 2: each window's 2nd bitmap, then its pages, in pfn order.
static struct kx_error *write_pages(struct dump *d)
{
	KX_TRY(start_pipeline(d));
	kx_log_progress_init(&d->progress, d->req->log, "Copying data");
	kx_filter_rewind(&d->filter);
	for (uint64_t start = 0; start < d->vm->max_mapnr; start += d->window) {
		if (!single_window(d)) {
			kx_bitmap_reset(&d->bm, start, window_len(d, start));
			KX_TRY(kx_filter_window(&d->filter, &d->bm, false));
		}
		KX_TRY(kx_dump_writer_write_bitmap(d->w, 2, start / 8, d->bm.bits,
						   kx_bitmap_bytes(&d->bm)));
		uint64_t end = start + d->bm.nr_bits;
		for (uint64_t pfn = kx_bitmap_next_set(&d->bm, start); pfn < end;
		     pfn = kx_bitmap_next_set(&d->bm, pfn + 1))
			KX_TRY(kx_pipeline_push(d->pipe, pfn));
		KX_TRY(kx_pipeline_flush(d->pipe));
	}
	kx_log_progress_finish(&d->progress);
	KX_TRY(kx_dump_writer_finish(d->w));
	return kx_dump_sink_finish(&d->sink);
}

static struct kx_error *dump_init(struct dump *d)
{
	d->window = d->req->window_pfns ? d->req->window_pfns : KX_DUMP_DEFAULT_WINDOW_PFNS;
	KX_CHECK(d->window % 8 == 0, KX_ERROR_INVALID_ARG,
		 "bitmap window of %llu pfns is not a multiple of 8",
		 (unsigned long long)d->window);
	if (d->window > d->vm->max_mapnr)
		d->window = (d->vm->max_mapnr + 7) / 8 * 8;
	KX_TRY(kx_bitmap_init(&d->bm, d->window));
	KX_TRY(kx_bitmap_init(&d->present, d->window));
	return kx_filter_init(&d->filter, d->vm, d->req->level);
}

// A write that found no room leaves a readable dump marked INCOMPLETE.
static struct kx_error *mark_incomplete(struct dump *d, struct kx_error *err)
{
	if (!kx_error_is(err, KX_ERROR_NOSPACE) || !d->w)
		return err;
	d->res->incomplete = true;
	struct kx_error *mark = kx_dump_writer_mark_incomplete(d->w);
	if (mark)
		kx_error_prefix(err, "and marking the dump incomplete failed too (%s)",
				mark->message);
	kx_error_destroy(mark);
	return err;
}

static struct kx_error *dump_run(struct dump *d)
{
	KX_TRY(dump_init(d));
	KX_TRY(count_pass(d));
	if (d->req->dry_run)
		return NULL;
	KX_TRY(kx_dump_open_output(d->req, &d->sink));
	d->opened = true;
	struct kx_error *err = create_writer(d);
	if (!err)
		err = write_present(d);
	if (!err)
		err = write_pages(d);
	err = mark_incomplete(d, err);
	d->res->bytes_written = kx_dump_sink_size(&d->sink);
	return err;
}

struct kx_error *kx_dump_kdump(struct kx_vmcore *vm, const struct kx_dump_request *req,
			       struct kx_dump_result *ret)
{
	*ret = (struct kx_dump_result){ .max_mapnr = vm->max_mapnr };
	struct dump d = { .vm = vm, .req = req, .res = ret };
	struct kx_error *err = dump_run(&d);
	ret->stats = d.filter.stats;
	kx_pipeline_destroy(d.pipe);
	kx_dump_writer_destroy(d.w);
	struct kx_error *cerr = d.opened ? kx_dump_sink_close(&d.sink) : NULL;
	if (err)
		kx_error_destroy(cerr);
	else
		err = cerr;
	kx_filter_deinit(&d.filter);
	kx_bitmap_deinit(&d.bm);
	kx_bitmap_deinit(&d.present);
	return err;
}
