// SPDX-License-Identifier: GPL-2.0-only
// ELF dumps (-E): see dump_elf.h.
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "byteorder.h"
#include "dump_elf.h"
#include "dump_writer.h"
#include "erase_map.h"
#include "elf_core.h"
#include "elf_core_header.h"
#include "io.h"
#include "log.h"
#include "vmcore.h"

enum {
	EHDR_SIZE = 64,
	PHDR_SIZE = 56,
	// Bytes of segment data gathered per write (one record with -F).
	OUT_BUFFER = 1 << 20,
};

// One input PT_LOAD being walked, and its segment still open.
struct load {
	uint64_t start, end;      // bytes [p_paddr, p_paddr + p_memsz)
	uint64_t vaddr;
	uint32_t flags;
	uint64_t end_pfn;         // one past its last (maybe partial) page
	uint64_t next_pfn;        // first page not walked yet
	uint64_t seg_start, filesz, memsz;
	uint64_t excluded;        // excluded pages since the last kept one
};

struct segment {
	size_t load;
	struct kx_elf_core_header_phdr ph;
	// A load's last segment gets the current file offset even without data
	// (a whole PT_LOAD excluded); one closed by a long run gets 0 then.
	bool last;
};

struct elf_dump {
	struct kx_vmcore *vm;
	const struct kx_dump_request *req;
	struct kx_dump_result *res;
	struct kx_filter filter;
	struct kx_bitmap bm;
	uint64_t window;
	struct load *loads;
	size_t nloads;
	struct segment *segs;
	size_t nsegs, cap_segs;
	uint8_t *page;
	// The PT_NOTE segment: the first notes_kept bytes of the input's,
	// then the ERASEINFO note (none: NULL, 0).
	size_t notes_kept;
	uint8_t *eraseinfo_note;
	size_t eraseinfo_note_size;
	struct kx_dump_sink sink;
	bool opened;
	// The headers as written, to rewrite when the dump ends early; and
	// how many segments had started to be written then.
	uint8_t *headers;
	size_t headers_size;
	bool notes_written;
	size_t started;
};

static uint64_t window_len(const struct elf_dump *d, uint64_t start)
{
	uint64_t left = d->vm->max_mapnr - start;
	return left < d->window ? left : d->window;
}

static struct kx_error *init_loads(struct elf_dump *d)
{
	size_t n;
	const struct kx_elf_core_load *in = kx_elf_core_loads(d->vm->core, &n);
	d->loads = calloc(n ? n : 1, sizeof(*d->loads));
	if (!d->loads)
		return &kx_enomem;
	for (size_t i = 0; i < n; i++) {
		if (!in[i].memsz)
			continue;  // nothing to dump, nothing to describe
		KX_CHECK(in[i].paddr <= UINT64_MAX - d->vm->page_size &&
			 in[i].memsz <= UINT64_MAX - d->vm->page_size - in[i].paddr,
			 KX_ERROR_CORRUPT, "%s: PT_LOAD %zu wraps", kx_elf_core_path(d->vm->core),
			 in[i].phdr_index);
		struct load *l = &d->loads[d->nloads++];
		*l = (struct load){
			.start = in[i].paddr, .end = in[i].paddr + in[i].memsz,
			.vaddr = in[i].vaddr, .flags = in[i].flags,
			.next_pfn = in[i].paddr >> d->vm->page_shift,
			.seg_start = in[i].paddr,
		};
		l->end_pfn = (l->end + d->vm->page_size - 1) >> d->vm->page_shift;
	}
	return NULL;
}

// Bytes of pages [first, end) that load @l holds (partial pages count partly).
static uint64_t load_bytes(const struct elf_dump *d, const struct load *l,
			   uint64_t first, uint64_t end)
{
	uint64_t a = first << d->vm->page_shift, b = end << d->vm->page_shift;
	if (a < l->start)
		a = l->start;
	if (b > l->end)
		b = l->end;
	return b - a;
}

static struct kx_error *push_segment(struct elf_dump *d, size_t li, bool last)
{
	const struct load *l = &d->loads[li];
	if (d->nsegs == d->cap_segs) {
		size_t cap = d->cap_segs ? d->cap_segs * 2 : 64;
		struct segment *s = realloc(d->segs, cap * sizeof(*s));
		if (!s)
			return &kx_enomem;
		d->segs = s;
		d->cap_segs = cap;
	}
	d->segs[d->nsegs++] = (struct segment){
		.load = li,
		.last = last,
		.ph = { .type = PT_LOAD, .flags = l->flags, .paddr = l->seg_start,
			.vaddr = l->vaddr + (l->seg_start - l->start),
			.filesz = l->filesz, .memsz = l->memsz },
	};
	return NULL;
}

// The next page of load @li is kept: a long excluded run before it ends
// the open segment; a short one becomes data.
static struct kx_error *keep_page(struct elf_dump *d, size_t li, uint64_t pfn)
{
	struct load *l = &d->loads[li];
	if (l->excluded >= KX_DUMP_ELF_EXCLUDED_RUN) {
		KX_TRY(push_segment(d, li, false));
		l->seg_start += l->memsz;
		l->filesz = l->memsz = 0;
	}
	l->excluded = 0;
	l->memsz += load_bytes(d, l, pfn, pfn + 1);
	l->filesz = l->memsz;
	return NULL;
}

static void exclude_pages(struct elf_dump *d, struct load *l, uint64_t first, uint64_t end)
{
	l->excluded += end - first;
	l->memsz += load_bytes(d, l, first, end);
}

// Walk load @li's pages within the current window.
static struct kx_error *walk_load(struct elf_dump *d, size_t li)
{
	struct load *l = &d->loads[li];
	uint64_t wend = d->bm.start + d->bm.nr_bits;
	uint64_t pfn = l->next_pfn > d->bm.start ? l->next_pfn : d->bm.start;
	uint64_t last = l->end_pfn < wend ? l->end_pfn : wend;
	while (pfn < last) {
		uint64_t set = kx_bitmap_next_set(&d->bm, pfn);
		if (set > last)
			set = last;
		if (set > pfn) {
			exclude_pages(d, l, pfn, set);
			pfn = set;
		} else {
			KX_TRY(keep_page(d, li, pfn++));
		}
	}
	if (last > l->next_pfn)
		l->next_pfn = last;
	return NULL;
}

// --config: erase before anything looks at the page (zero check included).
static void erase_page(const struct elf_dump *d, uint64_t pfn)
{
	if (d->req->erase)
		kx_erase_map_apply(d->req->erase, pfn, d->vm->page_size, d->page);
}

// Drop the window's zero pages from the bitmap (dump level bit 0).
static struct kx_error *exclude_zero_pages(struct elf_dump *d)
{
	uint64_t end = d->bm.start + d->bm.nr_bits;
	for (uint64_t pfn = kx_bitmap_next_set(&d->bm, d->bm.start); pfn < end;
	     pfn = kx_bitmap_next_set(&d->bm, pfn + 1)) {
		struct kx_error *err = kx_vmcore_read_page(d->vm, pfn, d->page);
		if (kx_error_catch(&err, KX_ERROR_OS))
			continue;  // unreadable: kept, and written as zeros later
		KX_TRY(err);
		erase_page(d, pfn);
		if (kx_dump_writer_page_is_zero(d->page, d->vm->page_size)) {
			kx_bitmap_clear_range(&d->bm, pfn, pfn + 1);
			d->res->zero_pages++;
		}
	}
	return NULL;
}

static struct kx_error *plan_window(struct elf_dump *d, uint64_t start)
{
	kx_bitmap_reset(&d->bm, start, window_len(d, start));
	KX_TRY(kx_filter_present(&d->filter, &d->bm));
	d->res->present += kx_bitmap_count(&d->bm);
	kx_bitmap_reset(&d->bm, start, window_len(d, start));
	KX_TRY(kx_filter_window(&d->filter, &d->bm, true));
	d->res->dumpable += kx_bitmap_count(&d->bm);
	if (d->req->level & KX_DL_ZERO)
		KX_TRY(exclude_zero_pages(d));
	for (size_t i = 0; i < d->nloads; i++)
		KX_TRY(walk_load(d, i));
	return NULL;
}

static int segment_order(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;
	if (x->load != y->load)
		return x->load < y->load ? -1 : 1;
	return x->ph.paddr < y->ph.paddr ? -1 : x->ph.paddr > y->ph.paddr;
}

// Pass 1: every window in ascending order, then the loads' ends (pages past
// max_mapnr are excluded); segments sorted into program-header order.
static struct kx_error *plan(struct elf_dump *d)
{
	struct kx_log_progress p;
	kx_log_progress_init(&p, d->req->log, "Excluding unnecessary pages");
	for (uint64_t start = 0; start < d->vm->max_mapnr; start += d->window) {
		KX_TRY(plan_window(d, start));
		kx_log_progress_update(&p, start + d->bm.nr_bits, d->vm->max_mapnr);
	}
	kx_log_progress_finish(&p);
	for (size_t i = 0; i < d->nloads; i++) {
		struct load *l = &d->loads[i];
		if (l->next_pfn < l->end_pfn)
			exclude_pages(d, l, l->next_pfn, l->end_pfn);
		KX_TRY(push_segment(d, i, true));
	}
	if (d->nsegs)
		qsort(d->segs, d->nsegs, sizeof(*d->segs), segment_order);
	return NULL;
}

enum {
	NOTE_HEADER_SIZE = 12,
	// "ERASEINFO" with its NUL, padded to 4 bytes.
	ERASEINFO_NAME_SIZE = 10,
	ERASEINFO_NAME_ROOM = 12,
};

// --config erased something: as upstream, the eraseinfo text goes into the
// PT_NOTE segment as one more note, named "ERASEINFO", type 0, the text
// (no NUL) its descriptor. It follows the input's last note: trailing zero
// padding, which readers take for the end of the notes, is left out then.
static struct kx_error *prepare_notes(struct elf_dump *d)
{
	const struct kx_erase_map *m = d->req->erase;
	d->notes_kept = d->vm->notes_size;
	if (!m || !m->info_size)
		return NULL;
	size_t nseg;
	const struct kx_elf_core_note_segment *seg = kx_elf_core_note_segments(d->vm->core, &nseg);
	if (nseg && seg[nseg - 1].size < d->notes_kept)
		d->notes_kept = (size_t)seg[nseg - 1].size;
	KX_CHECK(m->info_size <= UINT32_MAX - 3, KX_ERROR_OVERFLOW,
		 "eraseinfo of %zu bytes does not fit an ELF note", m->info_size);
	size_t pad = (4 - d->notes_kept % 4) % 4;
	size_t desc = (m->info_size + 3) / 4 * 4;
	d->eraseinfo_note_size = pad + NOTE_HEADER_SIZE + ERASEINFO_NAME_ROOM + desc;
	uint8_t *n = calloc(1, d->eraseinfo_note_size);
	if (!n)
		return &kx_enomem;
	d->eraseinfo_note = n;
	n += pad;
	kx_put_le32(n, ERASEINFO_NAME_SIZE);
	kx_put_le32(n + 4, (uint32_t)m->info_size);
	kx_put_le32(n + 8, 0);
	memcpy(n + NOTE_HEADER_SIZE, "ERASEINFO", ERASEINFO_NAME_SIZE);
	memcpy(n + NOTE_HEADER_SIZE + ERASEINFO_NAME_ROOM, m->info, m->info_size);
	return NULL;
}

// Place the notes and the segments' data after @hsize bytes of headers.
static struct kx_error *place(struct elf_dump *d, size_t hsize,
			      struct kx_elf_core_header_phdr *ph)
{
	uint64_t off = hsize, notes = d->notes_kept + d->eraseinfo_note_size;
	ph[0] = (struct kx_elf_core_header_phdr){ .type = PT_NOTE, .offset = off,
						  .filesz = notes, .memsz = notes };
	off += notes;
	for (size_t i = 0; i < d->nsegs; i++) {
		ph[i + 1] = d->segs[i].ph;
		ph[i + 1].offset = ph[i + 1].filesz || d->segs[i].last ? off : 0;
		KX_CHECK(ph[i + 1].filesz <= (uint64_t)INT64_MAX - off, KX_ERROR_OVERFLOW,
			 "ELF dump: segment data passes the largest file offset");
		off += ph[i + 1].filesz;
	}
	return NULL;
}

// The input's Ehdr fields upstream carries over: e_ident, e_version,
// e_entry and e_flags; the builder's own layout fields stay.
static struct kx_error *patch_ehdr(struct elf_dump *d, uint8_t *ehdr)
{
	uint8_t in[EHDR_SIZE];
	KX_TRY(kx_io_pread_full(kx_elf_core_fd(d->vm->core), in, sizeof(in), 0,
				kx_elf_core_path(d->vm->core)));
	memcpy(ehdr, in, EI_NIDENT);
	memcpy(ehdr + 20, in + 20, 4);   // e_version
	memcpy(ehdr + 24, in + 24, 8);   // e_entry
	memcpy(ehdr + 48, in + 48, 4);   // e_flags
	return NULL;
}

static struct kx_error *build_headers(struct elf_dump *d, uint8_t **ret_buf,
				      size_t *ret_size)
{
	size_t n = d->nsegs + 1, hsize;
	KX_TRY(kx_elf_core_header_size(n, &hsize));
	struct kx_elf_core_header_phdr *ph = calloc(n, sizeof(*ph));
	if (!ph)
		return &kx_enomem;
	void *buf = NULL;
	struct kx_error *err = place(d, hsize, ph);
	if (!err)
		err = kx_elf_core_header_build(kx_elf_core_machine(d->vm->core), 0, ph, n, 1,
					       &buf, ret_size);
	free(ph);
	if (!err)
		err = patch_ehdr(d, buf);
	if (err) {
		free(buf);
		return err;
	}
	*ret_buf = buf;
	return NULL;
}

static struct kx_error *write_headers(struct elf_dump *d, uint64_t *ret_data)
{
	size_t size;
	KX_TRY(build_headers(d, &d->headers, &size));
	d->headers_size = size;
	KX_TRY(kx_dump_sink_write(&d->sink, d->headers, size, 0));
	KX_TRY(kx_dump_sink_write(&d->sink, d->vm->notes, d->notes_kept, size));
	if (d->eraseinfo_note_size)
		KX_TRY(kx_dump_sink_write(&d->sink, d->eraseinfo_note, d->eraseinfo_note_size,
					  size + d->notes_kept));
	d->notes_written = true;
	*ret_data = size + d->notes_kept + d->eraseinfo_note_size;
	return NULL;
}

// Segment data goes out through one buffer: the segments are back to back.
struct out {
	uint8_t *buf;
	size_t size;
	uint64_t off;  // file offset of buf[0]
};

static struct kx_error *out_flush(struct elf_dump *d, struct out *o)
{
	KX_TRY(kx_dump_sink_write(&d->sink, o->buf, o->size, o->off));
	o->off += o->size;
	o->size = 0;
	return NULL;
}

// Read page @pfn into d->page; a page /proc/vmcore cannot read is zeros.
static struct kx_error *read_page(struct elf_dump *d, uint64_t pfn)
{
	struct kx_error *err = kx_vmcore_read_page(d->vm, pfn, d->page);
	if (kx_error_catch(&err, KX_ERROR_OS)) {
		d->res->unreadable_pages++;
		memset(d->page, 0, d->vm->page_size);
	}
	if (!err)
		erase_page(d, pfn);
	return err;
}

// The bytes [paddr, paddr + size) of memory, page by page.
static struct kx_error *write_range(struct elf_dump *d, struct out *o, uint64_t paddr,
				    uint64_t size, struct kx_log_progress *p, uint64_t total)
{
	const uint64_t ps = d->vm->page_size;
	while (size) {
		uint64_t in_page = paddr & (ps - 1);
		size_t n = (size_t)(ps - in_page < size ? ps - in_page : size);
		KX_TRY(kx_dump_check_stop(d->req));
		KX_TRY(read_page(d, paddr >> d->vm->page_shift));
		if (o->size + n > OUT_BUFFER)
			KX_TRY(out_flush(d, o));
		memcpy(o->buf + o->size, d->page + in_page, n);
		o->size += n;
		paddr += n;
		size -= n;
		kx_log_progress_update(p, o->off + o->size, total);
	}
	return NULL;
}

// Pass 2: the headers, the notes, then every segment's data in order.
static struct kx_error *write_dump(struct elf_dump *d)
{
	struct out o = { .buf = malloc(OUT_BUFFER) };
	if (!o.buf)
		return &kx_enomem;
	struct kx_error *err = write_headers(d, &o.off);
	struct kx_log_progress p;
	kx_log_progress_init(&p, d->req->log, "Copying data");
	uint64_t total = o.off;  // progress in bytes: the end of the last segment's data
	for (size_t i = 0; i < d->nsegs; i++)
		total += d->segs[i].ph.filesz;
	for (size_t i = 0; i < d->nsegs && !err; i++) {
		d->started = i + 1;
		err = write_range(d, &o, d->segs[i].ph.paddr, d->segs[i].ph.filesz, &p, total);
	}
	if (!err)
		err = out_flush(d, &o);
	free(o.buf);
	KX_TRY(err);
	kx_log_progress_finish(&p);
	return kx_dump_sink_finish(&d->sink);
}

// A write that found no room (or a signal) leaves a dump marked incomplete (e_flags bit
// 0) whose program headers stop at the segment being written, as upstream's
// (which writes each one as it starts that segment, the PT_NOTE one after
// the notes) do: the others are PT_NULL, all zeros. (d->segs[i] is program
// header i + 1.)
static struct kx_error *mark_incomplete(struct elf_dump *d, struct kx_error *err)
{
	if (!kx_dump_error_is_incomplete(err) || !d->headers)
		return err;
	d->res->incomplete = true;
	if (!kx_dump_sink_can_rewrite(&d->sink))
		return err;
	uint8_t *h = d->headers;
	kx_put_le32(h + 48, kx_get_le32(h + 48) | 1);
	size_t first_unwritten = d->notes_written ? d->started + 1 : 0;
	memset(h + EHDR_SIZE + first_unwritten * PHDR_SIZE, 0,
	       (d->nsegs + 1 - first_unwritten) * PHDR_SIZE);
	kx_dump_add_mark_failure(err, kx_dump_sink_write(&d->sink, h, d->headers_size, 0));
	return err;
}

static struct kx_error *elf_init(struct elf_dump *d)
{
	KX_TRY(kx_dump_window(d->req, d->vm, &d->window));
	KX_TRY(kx_bitmap_init(&d->bm, d->window));
	if (!(d->page = malloc(d->vm->page_size)))
		return &kx_enomem;
	KX_TRY(init_loads(d));
	KX_TRY(prepare_notes(d));
	KX_TRY(kx_filter_init(&d->filter, d->vm, d->req->level));
	return d->req->exclude_vmemmap ? kx_filter_exclude_vmemmap(&d->filter, d->window) : NULL;
}

static struct kx_error *elf_run(struct elf_dump *d)
{
	KX_TRY(elf_init(d));
	KX_TRY(plan(d));
	if (d->req->dry_run)
		return NULL;
	KX_TRY(kx_dump_open_output(d->req, &d->sink));
	d->opened = true;
	struct kx_error *err = mark_incomplete(d, write_dump(d));
	d->res->bytes_written = kx_dump_sink_size(&d->sink);
	return err;
}

struct kx_error *kx_dump_elf(struct kx_vmcore *vm, const struct kx_dump_request *req,
			     struct kx_dump_result *ret)
{
	*ret = (struct kx_dump_result){ .max_mapnr = vm->max_mapnr };
	KX_CHECK(vm->core, KX_ERROR_UNSUPPORTED, "ELF output needs an ELF vmcore");
	struct elf_dump d = { .vm = vm, .req = req, .res = ret };
	struct kx_error *err = elf_run(&d);
	ret->stats = d.filter.stats;
	struct kx_error *cerr = d.opened ? kx_dump_sink_close(&d.sink) : NULL;
	if (err)
		kx_error_destroy(cerr);
	else
		err = cerr;
	kx_filter_deinit(&d.filter);
	kx_bitmap_deinit(&d.bm);
	free(d.loads);
	free(d.segs);
	free(d.headers);
	free(d.eraseinfo_note);
	free(d.page);
	return err;
}
