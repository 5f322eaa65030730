// SPDX-License-Identifier: GPL-2.0-only
// The two passes of a kdump-compressed dump: see dump.h.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "dump.h"
#include "dump_writer.h"
#include "erase_map.h"
#include "log.h"
#include "pipeline.h"
#include "split.h"
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
	// --split: pages per splitblock, counted in pass 1.
	struct kx_split_plan plan;
	bool splitting;
	// The pfns the file being written holds: all of them unless split.
	struct kx_split_range range;
	struct kx_dump_sink sink;
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
		if (d->splitting)
			kx_split_plan_count(&d->plan, &d->bm);
		kx_log_progress_update(&p, start + d->bm.nr_bits, d->vm->max_mapnr);
	}
	kx_log_progress_finish(&p);
	return NULL;
}

struct kx_error *kx_dump_window(const struct kx_dump_request *req, const struct kx_vmcore *vm,
				uint64_t *ret)
{
	uint64_t window = req->window_pfns ? req->window_pfns : KX_DUMP_DEFAULT_WINDOW_PFNS;
	KX_CHECK(window % 8 == 0, KX_ERROR_INVALID_ARG,
		 "bitmap window of %llu pfns is not a multiple of 8", (unsigned long long)window);
	*ret = window > vm->max_mapnr ? (vm->max_mapnr + 7) / 8 * 8 : window;
	return NULL;
}

void kx_dump_add_mark_failure(struct kx_error *err, struct kx_error *mark)
{
	if (mark)
		kx_error_prefix(err, "and marking the dump incomplete failed too (%s)",
				mark->message);
	kx_error_destroy(mark);
}

struct kx_error *kx_dump_check_stop(const struct kx_dump_request *req)
{
	if (req->stop && *req->stop)
		return kx_error_create(KX_ERROR_INTERRUPTED, "interrupted by a signal");
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
		// A re-filtered -e dump still lacks those frames: say so too.
		.status_extra = d->req->exclude_vmemmap || vm->input_excluded_vmemmap
					? KX_DISKDUMP_EXCLUDED_VMEMMAP : 0,
		.split = d->splitting,
		.start_pfn = d->range.start,
		.end_pfn = d->range.end,
		.split_pages = d->range.pages,
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
	KX_TRY(kx_dump_check_stop(d->req));
	kx_log_progress_update(&d->progress, ++d->done, d->range.pages);
	if (pg->unreadable)
		return drop_page(d, pg->pfn);
	if (pg->zero) {
		d->res->zero_pages++;
		return kx_dump_writer_add_zero_page(d->w);
	}
	return kx_dump_writer_add_stored_ref(d->w, pg->data, pg->size, pg->flags);
}

// A batch's pages are in: write their data from where the pipeline holds it.
static struct kx_error *batch_stored(void *arg)
{
	struct dump *d = arg;
	return kx_dump_writer_flush_refs(d->w);
}

static struct kx_error *start_pipeline(struct dump *d)
{
	struct kx_pipeline_params pp = {
		.vm = d->vm,
		.method = d->req->method,
		.detect_zero = d->req->level & KX_DL_ZERO,
		.threads = d->req->threads,
		.use_mmap = !d->req->no_mmap,
		.erase = d->req->erase,
		.batch_emitted = batch_stored,
	};
	return kx_pipeline_create(&pp, store_page, d, &d->pipe);
}

// What --config erased, after the page data (makedumpfile.md §1.6). An ELF
// input made with --config (an -E dump) has its ERASEINFO notes: that text
// comes first, as upstream carries it over.
static struct kx_error *write_eraseinfo(struct dump *d)
{
	const struct kx_erase_map *m = d->req->erase;
	char *text = NULL;
	size_t size = 0;
	if (d->vm->core)
		KX_TRY(kx_erase_map_elf_info(d->vm->core, &text, &size));
	if (m && m->info_size) {
		char *all = realloc(text, size + m->info_size + 1);
		if (!all) {
			free(text);
			return &kx_enomem;
		}
		memcpy(all + size, m->info, m->info_size + 1);
		text = all;
		size += m->info_size;
	}
	struct kx_error *err = kx_dump_writer_write_eraseinfo(d->w, text, size);
	free(text);
	return err;
}

// The pages of the window in @bm that belong to this file, in pfn order.
static struct kx_error *push_window(struct dump *d)
{
	uint64_t first = d->bm.start > d->range.start ? d->bm.start : d->range.start;
	uint64_t end = d->bm.start + d->bm.nr_bits;
	if (end > d->range.end)
		end = d->range.end;
	for (uint64_t pfn = kx_bitmap_next_set(&d->bm, first); pfn < end;
	     pfn = kx_bitmap_next_set(&d->bm, pfn + 1))
		KX_TRY(kx_pipeline_push(d->pipe, pfn));
	return kx_pipeline_flush(d->pipe);
}

// Pass 2: each window's 2nd bitmap (the whole of it, also in a split
// file), then the window's pages in this file's range.
static struct kx_error *write_pages(struct dump *d)
{
	KX_TRY(start_pipeline(d));
	d->done = 0;
	kx_log_progress_init(&d->progress, d->req->log, "Copying data");
	kx_filter_rewind(&d->filter);
	for (uint64_t start = 0; start < d->vm->max_mapnr; start += d->window) {
		if (!single_window(d)) {
			kx_bitmap_reset(&d->bm, start, window_len(d, start));
			KX_TRY(kx_filter_window(&d->filter, &d->bm, false));
		}
		KX_TRY(kx_dump_writer_write_bitmap(d->w, 2, start / 8, d->bm.bits,
						   kx_bitmap_bytes(&d->bm)));
		KX_TRY(push_window(d));
	}
	kx_log_progress_finish(&d->progress);
	KX_TRY(kx_dump_writer_finish(d->w));
	KX_TRY(write_eraseinfo(d));
	return kx_dump_sink_finish(&d->sink);
}

static struct kx_error *dump_init(struct dump *d)
{
	KX_TRY(kx_dump_window(d->req, d->vm, &d->window));
	KX_TRY(kx_bitmap_init(&d->bm, d->window));
	KX_TRY(kx_bitmap_init(&d->present, d->window));
	KX_TRY(kx_filter_init(&d->filter, d->vm, d->req->level));
	d->filter.cyclic_bitmaps = d->splitting;
	d->filter.threads = d->req->threads;
	if (d->req->filter_split_align)
		d->filter.split_align = d->req->filter_split_align;
	if (d->req->exclude_vmemmap)
		KX_TRY(kx_filter_exclude_vmemmap(&d->filter, d->window));
	if (d->splitting)
		KX_TRY(kx_split_plan_init(&d->plan, d->vm->max_mapnr, d->req->splitblock_bytes,
					  d->vm->page_size));
	return NULL;
}

// A write that found no room, or a signal, leaves a readable dump marked
// INCOMPLETE.
static struct kx_error *mark_incomplete(struct dump *d, struct kx_error *err)
{
	if (!kx_dump_error_is_incomplete(err) || !d->w)
		return err;
	d->res->incomplete = true;
	kx_dump_add_mark_failure(err, kx_dump_writer_mark_incomplete(d->w));
	return err;
}

// Keep the first error; @return whether to go on with the next file.
static bool merge_error(struct kx_error **first, struct kx_error *err)
{
	if (!err)
		return true;
	bool go_on = kx_error_is(err, KX_ERROR_NOSPACE);
	if (*first)
		kx_error_destroy(err);
	else
		*first = err;
	return go_on;
}

// One output file, from its creation to its closing: headers, 1st bitmap,
// then the 2nd bitmap and the pages of d->range. @path NULL: req's output.
static struct kx_error *write_file(struct dump *d, const char *path)
{
	struct kx_error *err = path ? kx_dump_sink_open_file(&d->sink, path, d->req->force)
				    : kx_dump_open_output(d->req, &d->sink);
	if (err)
		return err;
	err = create_writer(d);
	if (!err)
		err = write_present(d);
	if (!err)
		err = write_pages(d);
	err = mark_incomplete(d, err);
	d->res->bytes_written += kx_dump_sink_size(&d->sink);
	kx_pipeline_destroy(d->pipe);
	d->pipe = NULL;
	kx_dump_writer_destroy(d->w);
	d->w = NULL;
	merge_error(&err, kx_dump_sink_close(&d->sink));
	return err;
}

// --split: every file in turn. After running out of space in one, the
// others are still written: -L limits each file on its own.
static struct kx_error *write_split(struct dump *d)
{
	size_t n = d->req->nr_split;
	struct kx_split_range *ranges = calloc(n, sizeof(*ranges));
	if (!ranges)
		return &kx_enomem;
	kx_split_plan_ranges(&d->plan, d->res->dumpable, n, ranges);
	struct kx_error *first = NULL;
	for (size_t i = 0; i < n; i++) {
		d->range = ranges[i];
		if (!merge_error(&first, write_file(d, d->req->split_outputs[i])))
			break;
	}
	free(ranges);
	return first;
}

static struct kx_error *dump_run(struct dump *d)
{
	KX_TRY(dump_init(d));
	KX_TRY(count_pass(d));
	if (d->req->dry_run)
		return NULL;
	if (d->splitting)
		return write_split(d);
	d->range = (struct kx_split_range){ .end = d->vm->max_mapnr, .pages = d->res->dumpable };
	return write_file(d, NULL);
}

struct kx_error *kx_dump_kdump(struct kx_vmcore *vm, const struct kx_dump_request *req,
			       struct kx_dump_result *ret)
{
	*ret = (struct kx_dump_result){ .max_mapnr = vm->max_mapnr };
	KX_CHECK(!req->nr_split || (req->nr_split >= 2 && !req->flatten), KX_ERROR_INVALID_ARG,
		 "--split needs at least two files and no -F");
	struct dump d = { .vm = vm, .req = req, .res = ret, .splitting = req->nr_split > 0 };
	struct kx_error *err = dump_run(&d);
	ret->stats = d.filter.stats;
	kx_split_plan_deinit(&d.plan);
	kx_filter_deinit(&d.filter);
	kx_bitmap_deinit(&d.bm);
	kx_bitmap_deinit(&d.present);
	return err;
}
