// SPDX-License-Identifier: GPL-2.0-only
// The kdump-compressed writer: see dump_writer.h.
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dump_sink.h"
#include "dump_writer.h"

// A write-back buffer whose contents belong at file offset @file_off.
struct wbuf {
	unsigned char *buf;
	size_t size, cap;
	uint64_t file_off;
};

struct kx_dump_writer {
	struct kx_dump_sink *sink;
	struct kx_dump_sink own_sink; // kx_dump_writer_create(): a file sink on its fd
	char *path;
	struct kx_dump_writer_params p; // p.notes points at @notes
	unsigned char *notes;
	struct kx_diskdump_layout layout;
	struct kx_diskdump_header header;
	struct kx_compressor *comp;
	struct wbuf desc, data;
	// Page data held by the caller (add_stored_ref), due right after what
	// data.buf holds; only one of the two is ever non-empty.
	const unsigned char *ref;
	size_t ref_size;
	// Referenced data written since the descriptors were last flushed.
	uint64_t ref_unflushed;
	struct kx_diskdump_page_desc pd_zero;
	uint64_t added;
	/** Descriptors this file gets: num_dumpable, or split_pages. */
	uint64_t expected;
	/** Counted pages that were dropped instead (their bit cleared). */
	uint64_t dropped;
	bool headers_written;
	// After a failed write: the class of that error, repeated on later calls.
	enum kx_error_code fail_code;
	bool failed;
};

static const char *name(const struct kx_dump_writer *w)
{
	return w->path ? w->path : "dump file";
}

static struct kx_error *check_params(const struct kx_dump_writer_params *p)
{
	KX_CHECK(p->dump_level >= 0 && p->dump_level <= 31, KX_ERROR_INVALID_ARG,
		 "dump level %d is not between 0 and 31", p->dump_level);
	KX_CHECK(p->size_note == 0 || p->notes, KX_ERROR_INVALID_ARG,
		 "%zu bytes of notes but no notes buffer", p->size_note);
	KX_CHECK(p->size_note <= INT32_MAX, KX_ERROR_INVALID_ARG,
		 "%zu bytes of notes is too large", p->size_note);
	KX_CHECK(p->vmcoreinfo_size == 0 ||
			 (p->vmcoreinfo_offset <= p->size_note &&
			  p->vmcoreinfo_size <= p->size_note - p->vmcoreinfo_offset),
		 KX_ERROR_INVALID_ARG,
		 "VMCOREINFO at %llu, %llu bytes, is not inside the %zu bytes of notes",
		 (unsigned long long)p->vmcoreinfo_offset,
		 (unsigned long long)p->vmcoreinfo_size, p->size_note);
	KX_CHECK(p->nr_cpus >= 0, KX_ERROR_INVALID_ARG, "nr_cpus %d is negative", p->nr_cpus);
	KX_CHECK((p->status_extra & ~(uint32_t)KX_DISKDUMP_EXCLUDED_VMEMMAP) == 0,
		 KX_ERROR_INVALID_ARG, "status bits 0x%x cannot be requested",
		 p->status_extra);
	KX_CHECK(!p->split || (p->start_pfn <= p->end_pfn && p->end_pfn <= p->max_mapnr &&
			       p->split_pages <= p->num_dumpable &&
			       p->split_pages <= p->end_pfn - p->start_pfn),
		 KX_ERROR_INVALID_ARG, "split range %#llx-%#llx with %llu pages does not fit",
		 (unsigned long long)p->start_pfn, (unsigned long long)p->end_pfn,
		 (unsigned long long)p->split_pages);
	KX_CHECK(p->buffer_size <= KX_DUMP_WRITER_BUFFER_MAX, KX_ERROR_INVALID_ARG,
		 "write buffer of %zu bytes is larger than %d", p->buffer_size,
		 KX_DUMP_WRITER_BUFFER_MAX);
	return NULL;
}

// The two headers as makedumpfile fills them (diskdump.h lists the fields).
static void fill_headers(struct kx_dump_writer *w, struct kx_diskdump_sub_header *sub)
{
	const struct kx_dump_writer_params *p = &w->p;
	const struct kx_diskdump_layout *l = &w->layout;
	struct kx_diskdump_header *h = &w->header;
	memset(h, 0, sizeof(*h));
	memcpy(h->signature, KX_DISKDUMP_SIGNATURE, KX_DISKDUMP_SIGNATURE_LEN);
	h->header_version = KX_DISKDUMP_HEADER_VERSION;
	h->utsname = p->utsname;
	h->timestamp_sec = p->timestamp;
	h->status = (uint32_t)p->method | p->status_extra;
	h->block_size = (int32_t)l->block_size;
	h->sub_hdr_size = (int32_t)l->sub_hdr_size;
	h->bitmap_blocks = l->bitmap_blocks;
	h->max_mapnr = l->max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)l->max_mapnr;
	h->nr_cpus = p->nr_cpus;

	memset(sub, 0, sizeof(*sub));
	sub->phys_base = p->phys_base;
	sub->dump_level = p->dump_level;
	if (p->vmcoreinfo_size) {
		sub->offset_vmcoreinfo = l->offset_note + p->vmcoreinfo_offset;
		sub->size_vmcoreinfo = p->vmcoreinfo_size;
	}
	if (p->size_note) {
		sub->offset_note = l->offset_note;
		sub->size_note = p->size_note;
	}
	sub->max_mapnr_64 = l->max_mapnr;
	if (p->split) {
		sub->split = 1;
		sub->start_pfn = p->start_pfn > UINT32_MAX ? UINT32_MAX : p->start_pfn;
		sub->end_pfn = p->end_pfn > UINT32_MAX ? UINT32_MAX : p->end_pfn;
		sub->start_pfn_64 = p->start_pfn;
		sub->end_pfn_64 = p->end_pfn;
	}
}

static struct kx_error *alloc_buffers(struct kx_dump_writer *w)
{
	size_t cap = w->p.buffer_size ? w->p.buffer_size : KX_DUMP_WRITER_BUFFER_DEFAULT;
	if (cap < w->layout.block_size)
		cap = w->layout.block_size;
	w->data.cap = cap;
	w->desc.cap = cap - cap % KX_DISKDUMP_PAGE_DESC_SIZE;
	w->data.buf = malloc(w->data.cap);
	w->desc.buf = malloc(w->desc.cap);
	if (!w->data.buf || !w->desc.buf)
		return &kx_enomem;
	if (w->p.size_note) {
		if (!(w->notes = malloc(w->p.size_note)))
			return &kx_enomem;
		memcpy(w->notes, w->p.notes, w->p.size_note);
	}
	w->p.notes = w->notes;
	return NULL;
}

static struct kx_error *setup(struct kx_dump_writer *w)
{
	const struct kx_dump_writer_params *p = &w->p;
	KX_TRY(check_params(p));
	KX_TRY(kx_diskdump_layout_compute(p->block_size, p->max_mapnr, p->size_note,
					  p->num_dumpable, &w->layout));
	KX_TRY(kx_compressor_create(p->method, p->block_size, &w->comp));
	KX_TRY(alloc_buffers(w));
	// The shared zero block is the first thing in the data area.
	uint64_t first = w->layout.offset_data;
	if (p->dump_level & 1) {
		w->pd_zero = (struct kx_diskdump_page_desc){ .offset = first,
							     .size = p->block_size };
		first += p->block_size;
	}
	w->expected = p->split ? p->split_pages : p->num_dumpable;
	w->desc.file_off = w->layout.offset_desc;
	w->data.file_off = first;
	return NULL;
}

struct kx_error *kx_dump_writer_create_sink(struct kx_dump_sink *sink,
					    const struct kx_dump_writer_params *params,
					    struct kx_dump_writer **ret)
{
	struct kx_dump_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return &kx_enomem;
	w->sink = sink;
	w->p = *params; // setup() points p.notes at a private copy
	struct kx_error *err = NULL;
	if (sink->path && !(w->path = strdup(sink->path)))
		err = &kx_enomem;
	if (!err)
		err = setup(w);
	if (err) {
		kx_dump_writer_destroy(w);
		return err;
	}
	*ret = w;
	return NULL;
}

struct kx_error *kx_dump_writer_create(int fd, const char *path,
				       const struct kx_dump_writer_params *params,
				       struct kx_dump_writer **ret)
{
	struct kx_dump_sink sink;
	kx_dump_sink_init_file(&sink, fd, path);
	struct kx_dump_writer *w;
	KX_TRY(kx_dump_writer_create_sink(&sink, params, &w));
	// The writer's own copy of the sink, naming the file as given (or not).
	w->own_sink = sink;
	w->own_sink.path = w->path;
	w->sink = &w->own_sink;
	*ret = w;
	return NULL;
}

void kx_dump_writer_destroy(struct kx_dump_writer *w)
{
	if (!w)
		return;
	kx_compressor_destroy(w->comp);
	free(w->desc.buf);
	free(w->data.buf);
	free(w->notes);
	free(w->path);
	free(w);
}

const struct kx_diskdump_layout *kx_dump_writer_layout(const struct kx_dump_writer *w)
{
	return &w->layout;
}

uint64_t kx_dump_writer_pages_added(const struct kx_dump_writer *w)
{
	return w->added;
}

// Every write goes through here: a failure stops the writer, and a file
// size limit (EFBIG, RLIMIT_FSIZE or -L style) counts as running out of space.
static struct kx_error *write_at(struct kx_dump_writer *w, const void *buf, size_t size,
				 uint64_t off)
{
	struct kx_error *err = kx_dump_sink_write(w->sink, buf, size, off);
	if (!err)
		return NULL;
	if (err != &kx_enomem && err->code == KX_ERROR_OS && err->errnum == EFBIG)
		err->code = KX_ERROR_NOSPACE;
	w->failed = true;
	w->fail_code = err->code;
	return err;
}

static struct kx_error *check_usable(const struct kx_dump_writer *w)
{
	if (w->failed)
		return kx_error_file(w->fail_code, name(w),
				     "cannot continue after an earlier write error");
	KX_CHECK(w->headers_written, KX_ERROR_INVALID_ARG,
		 "%s: headers must be written first", name(w));
	return NULL;
}

static struct kx_error *write_zero_block(struct kx_dump_writer *w)
{
	// The data buffer is empty now and at least a page long.
	memset(w->data.buf, 0, w->p.block_size);
	return write_at(w, w->data.buf, w->p.block_size, w->pd_zero.offset);
}

// Make the file reach the start of the data area at once, as holes: the
// bitmap tails and all descriptors then exist even if writing stops early
// (a descriptor never written reads as offset 0, "incomplete"), and a dump
// without page data still holds its whole bitmap area.
// (A flattened stream has no holes: there the bytes come as they are written.)
static struct kx_error *extend_to_data(struct kx_dump_writer *w)
{
	struct kx_error *err = kx_dump_sink_reserve(w->sink, w->layout.offset_data);
	if (err) {
		w->failed = true;
		w->fail_code = err->code;
	}
	return err;
}

struct kx_error *kx_dump_writer_write_headers(struct kx_dump_writer *w)
{
	KX_CHECK(!w->headers_written, KX_ERROR_INVALID_ARG,
		 "%s: headers written twice", name(w));
	if (w->failed)
		return check_usable(w);
	struct kx_diskdump_sub_header sub;
	fill_headers(w, &sub);
	unsigned char hbuf[KX_DISKDUMP_HEADER_SIZE], sbuf[KX_DISKDUMP_SUB_HEADER_SIZE];
	kx_diskdump_header_encode(&w->header, hbuf);
	kx_diskdump_sub_header_encode(&sub, sbuf);
	KX_TRY(write_at(w, hbuf, sizeof(hbuf), 0));
	if (w->p.size_note)
		KX_TRY(write_at(w, w->notes, w->p.size_note, w->layout.offset_note));
	KX_TRY(write_at(w, sbuf, sizeof(sbuf), w->layout.offset_sub_header));
	KX_TRY(extend_to_data(w));
	if (w->p.dump_level & 1)
		KX_TRY(write_zero_block(w));
	free(w->notes);
	w->notes = NULL;
	w->p.notes = NULL;
	w->headers_written = true;
	return NULL;
}

struct kx_error *kx_dump_writer_write_bitmap(struct kx_dump_writer *w, int which,
					     uint64_t offset, const void *buf, size_t size)
{
	KX_TRY(check_usable(w));
	KX_CHECK(which == 1 || which == 2, KX_ERROR_INVALID_ARG,
		 "bitmap %d does not exist (1 or 2)", which);
	uint64_t bsize = w->layout.bitmap_size;
	KX_CHECK(offset <= bsize && size <= bsize - offset, KX_ERROR_INVALID_ARG,
		 "bitmap piece at %llu, %zu bytes, does not fit the %llu-byte bitmap",
		 (unsigned long long)offset, size, (unsigned long long)bsize);
	uint64_t base = which == 1 ? w->layout.offset_bitmap1 : w->layout.offset_bitmap2;
	return write_at(w, buf, size, base + offset);
}

static struct kx_error *flush_one(struct kx_dump_writer *w, struct wbuf *b)
{
	if (!b->size)
		return NULL;
	KX_TRY(write_at(w, b->buf, b->size, b->file_off));
	b->file_off += b->size;
	b->size = 0;
	return NULL;
}

static struct kx_error *flush_ref(struct kx_dump_writer *w)
{
	if (!w->ref_size)
		return NULL;
	KX_TRY(write_at(w, w->ref, w->ref_size, w->data.file_off));
	w->data.file_off += w->ref_size;
	w->ref_unflushed += w->ref_size;
	w->ref_size = 0;
	return NULL;
}

// Data first, so that no descriptor on disk points at unwritten data.
static struct kx_error *flush(struct kx_dump_writer *w)
{
	KX_TRY(flush_one(w, &w->data));
	KX_TRY(flush_ref(w));
	w->ref_unflushed = 0;
	return flush_one(w, &w->desc);
}

// Room for one more descriptor and @size bytes of data, flushing if needed.
static struct kx_error *make_room(struct kx_dump_writer *w, size_t size)
{
	KX_TRY(check_usable(w));
	KX_CHECK(w->added + w->dropped < w->expected, KX_ERROR_INVALID_ARG,
		 "%s: more pages than the %llu counted as dumpable", name(w),
		 (unsigned long long)w->expected);
	if (w->desc.size + KX_DISKDUMP_PAGE_DESC_SIZE > w->desc.cap ||
	    w->data.size + size > w->data.cap)
		KX_TRY(flush(w));
	return NULL;
}

static void push_desc(struct kx_dump_writer *w, const struct kx_diskdump_page_desc *pd)
{
	kx_diskdump_page_desc_encode(pd, w->desc.buf + w->desc.size);
	w->desc.size += KX_DISKDUMP_PAGE_DESC_SIZE;
	w->added++;
}

struct kx_error *kx_dump_writer_add_zero_page(struct kx_dump_writer *w)
{
	KX_CHECK(w->p.dump_level & 1, KX_ERROR_INVALID_ARG,
		 "%s: zero pages are shared only with dump level bit 1", name(w));
	KX_TRY(make_room(w, 0));
	push_desc(w, &w->pd_zero);
	return NULL;
}

// The descriptor of the next page's @size bytes of data, which go right
// after the data added so far.
static struct kx_error *data_desc(const struct kx_dump_writer *w, uint32_t size, uint32_t flags,
				  struct kx_diskdump_page_desc *pd)
{
	KX_TRY(check_usable(w));
	KX_CHECK(size && size <= w->p.block_size, KX_ERROR_INVALID_ARG,
		 "%s: a stored page of %" PRIu32 " bytes", name(w), size);
	uint64_t off = w->data.file_off + w->data.size + w->ref_size;
	KX_CHECK(off <= (uint64_t)INT64_MAX - size, KX_ERROR_OVERFLOW,
		 "%s: page data beyond the largest file offset", name(w));
	*pd = (struct kx_diskdump_page_desc){ .offset = off, .size = size, .flags = flags };
	return NULL;
}

struct kx_error *kx_dump_writer_add_stored(struct kx_dump_writer *w, const void *data,
					   uint32_t size, uint32_t flags)
{
	struct kx_diskdump_page_desc pd;
	KX_TRY(data_desc(w, size, flags, &pd));
	KX_TRY(flush_ref(w));
	KX_TRY(make_room(w, size));
	memcpy(w->data.buf + w->data.size, data, size);
	w->data.size += size;
	push_desc(w, &pd);
	return NULL;
}

struct kx_error *kx_dump_writer_add_stored_ref(struct kx_dump_writer *w, const void *data,
					       uint32_t size, uint32_t flags)
{
	struct kx_diskdump_page_desc pd;
	KX_TRY(data_desc(w, size, flags, &pd));
	KX_TRY(flush_one(w, &w->data));
	if (w->ref_size && (const unsigned char *)data != w->ref + w->ref_size)
		KX_TRY(flush_ref(w));
	KX_TRY(make_room(w, 0));
	if (!w->ref_size)
		w->ref = data;
	w->ref_size += size;
	push_desc(w, &pd);
	return NULL;
}

struct kx_error *kx_dump_writer_flush_refs(struct kx_dump_writer *w)
{
	KX_TRY(check_usable(w));
	KX_TRY(flush_ref(w));
	// The descriptors follow as often as after the data buffer's flushes,
	// so what was written stays readable if the dump stops: not after every
	// batch, whose few KiB of descriptors would double the writes.
	return w->ref_unflushed >= w->data.cap ? flush(w) : NULL;
}

struct kx_error *kx_dump_writer_drop_page(struct kx_dump_writer *w, uint64_t pfn,
					  uint8_t bitmap_byte)
{
	KX_TRY(check_usable(w));
	KX_CHECK(w->added + w->dropped < w->expected, KX_ERROR_INVALID_ARG,
		 "%s: more pages than the %llu counted as dumpable", name(w),
		 (unsigned long long)w->expected);
	KX_TRY(kx_dump_writer_write_bitmap(w, 2, pfn / 8, &bitmap_byte, 1));
	w->dropped++;
	return NULL;
}

struct kx_error *kx_dump_writer_add_page(struct kx_dump_writer *w, const void *page)
{
	const void *data;
	uint32_t size, flags;
	KX_TRY(check_usable(w));
	KX_TRY(kx_compressor_compress(w->comp, page, &data, &size, &flags));
	return kx_dump_writer_add_stored(w, data, size, flags);
}

struct kx_error *kx_dump_writer_finish(struct kx_dump_writer *w)
{
	KX_TRY(check_usable(w));
	KX_TRY(flush(w));
	KX_CHECK(w->added + w->dropped == w->expected, KX_ERROR_INVALID_ARG,
		 "%s: %llu pages written and %llu dropped but %llu were counted as dumpable",
		 name(w), (unsigned long long)w->added, (unsigned long long)w->dropped,
		 (unsigned long long)w->expected);
	return NULL;
}

struct kx_error *kx_dump_writer_write_eraseinfo(struct kx_dump_writer *w, const void *text,
						size_t size)
{
	KX_TRY(check_usable(w));
	if (!size)
		return NULL;
	KX_TRY(flush(w));
	uint64_t off = w->data.file_off;
	KX_CHECK(off <= (uint64_t)INT64_MAX - size, KX_ERROR_OVERFLOW,
		 "%s: eraseinfo beyond the largest file offset", name(w));
	KX_TRY(write_at(w, text, size, off));
	struct kx_diskdump_sub_header sub;
	fill_headers(w, &sub);
	sub.offset_eraseinfo = off;
	sub.size_eraseinfo = size;
	unsigned char sbuf[KX_DISKDUMP_SUB_HEADER_SIZE];
	kx_diskdump_sub_header_encode(&sub, sbuf);
	return write_at(w, sbuf, sizeof(sbuf), w->layout.offset_sub_header);
}

struct kx_error *kx_dump_writer_mark_incomplete(struct kx_dump_writer *w)
{
	// write_headers() fills w->header before its first write, so a writer
	// that failed has one too.
	KX_CHECK(w->headers_written || w->failed, KX_ERROR_INVALID_ARG,
		 "%s: no header to mark", name(w));
	// A stream cannot take back its header (nor does upstream's -F try).
	if (!kx_dump_sink_can_rewrite(w->sink))
		return NULL;
	w->header.status |= KX_DISKDUMP_INCOMPLETE;
	unsigned char hbuf[KX_DISKDUMP_HEADER_SIZE];
	kx_diskdump_header_encode(&w->header, hbuf);
	return kx_dump_sink_write(w->sink, hbuf, sizeof(hbuf), 0);
}

bool kx_dump_writer_page_is_zero(const void *page, size_t size)
{
	const unsigned char *b = page;
	// Compare the page with itself shifted by one byte: all equal and the
	// first byte zero means all zero, at memcmp speed.
	return size == 0 || (b[0] == 0 && memcmp(b, b + 1, size - 1) == 0);
}
