// SPDX-License-Identifier: GPL-2.0-only
// Reassembling the files of --split: see reassemble.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitmap.h"
#include "compress.h"
#include "diskdump_reader.h"
#include "dump_sink.h"
#include "dump_writer.h"
#include "io.h"
#include "reassemble.h"

enum {
	// Bitmap bytes per window (8 Mi pfns).
	WINDOW_BYTES = 1 << 20,
	// Bytes of descriptors or page data read at once; more than a page.
	CHUNK_BYTES = 1 << 20,
};

// A region of an input read front to back through a fixed buffer.
struct chunk {
	uint8_t *buf;
	uint64_t off;
	size_t len;
};

struct part {
	const char *path;
	int fd;
	uint64_t file_size;
	struct kx_diskdump_reader *r;
	const struct kx_diskdump_header *h;
	const struct kx_diskdump_sub_header *s;
	// The pfns it holds, [start, end), and its own descriptors.
	uint64_t start, end, pages;
};

struct reasm {
	struct part *parts;
	size_t n;
	// The layout every part shares (their headers are checked equal).
	const struct kx_diskdump_layout *l;
	uint64_t map_bytes;
	// Bits set in any part's 2nd bitmap: every page the split counted,
	// also those a part dropped; the descriptor area is sized for them.
	uint64_t num_dumpable;
	uint8_t *win_a, *win_b, *win_c;
	struct chunk desc, data;
	struct kx_dump_sink sink;
	bool opened;
	struct kx_dump_writer *w;
};

// The split range, from the 64-bit fields when the header has them (v6).
static void split_range(struct part *p)
{
	bool v6 = p->h->header_version >= 6;
	p->start = v6 ? p->s->start_pfn_64 : p->s->start_pfn;
	p->end = v6 ? p->s->end_pfn_64 : p->s->end_pfn;
}

static struct kx_error *open_part(struct part *p, const char *path)
{
	p->path = path;
	p->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0)
		return kx_error_os(errno, path, "Can't open the dump file");
	struct stat st;
	if (fstat(p->fd, &st) < 0)
		return kx_error_os(errno, path, "fstat");
	p->file_size = (uint64_t)st.st_size;
	KX_TRY(kx_diskdump_reader_create(p->fd, path, &p->r));
	p->h = kx_diskdump_reader_header(p->r);
	p->s = kx_diskdump_reader_sub_header(p->r);
	if (p->h->header_version < 2 || p->s->split != 1)
		return kx_error_file(KX_ERROR_INVALID_ARG, path,
				     "not a split dump file (its sub header says split = 0)");
	if (kx_diskdump_reader_incomplete(p->r))
		return kx_error_file(KX_ERROR_INVALID_ARG, path, "an incomplete dump file");
	if (p->s->size_eraseinfo)
		return kx_error_file(KX_ERROR_UNSUPPORTED, path,
				     "split files with eraseinfo cannot be reassembled");
	split_range(p);
	uint64_t max_mapnr = kx_diskdump_reader_layout(p->r)->max_mapnr;
	if (p->start > p->end || p->end > max_mapnr)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "split range %#llx-%#llx does not fit max_mapnr %#llx",
				     (unsigned long long)p->start, (unsigned long long)p->end,
				     (unsigned long long)max_mapnr);
	return NULL;
}

static int by_range(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

// Split files of one dump differ only in the split fields.
static struct kx_error *check_same(const struct part *first, const struct part *p)
{
	unsigned char x[KX_DISKDUMP_HEADER_SIZE], y[KX_DISKDUMP_HEADER_SIZE];
	kx_diskdump_header_encode(first->h, x);
	kx_diskdump_header_encode(p->h, y);
	struct kx_diskdump_sub_header s = *first->s;
	s.start_pfn = s.end_pfn = s.start_pfn_64 = s.end_pfn_64 = 0;
	unsigned char sx[KX_DISKDUMP_SUB_HEADER_SIZE], sy[KX_DISKDUMP_SUB_HEADER_SIZE];
	kx_diskdump_sub_header_encode(&s, sx);
	s = *p->s;
	s.start_pfn = s.end_pfn = s.start_pfn_64 = s.end_pfn_64 = 0;
	kx_diskdump_sub_header_encode(&s, sy);
	size_t nx, ny;
	const unsigned char *notes_x = kx_diskdump_reader_notes(first->r, &nx);
	const unsigned char *notes_y = kx_diskdump_reader_notes(p->r, &ny);
	const char *what = memcmp(x, y, sizeof(x)) ? "header"
			   : memcmp(sx, sy, sizeof(sx)) ? "sub header"
			   : nx != ny || (nx && memcmp(notes_x, notes_y, nx)) ? "notes" : NULL;
	if (what)
		return kx_error_file(KX_ERROR_INVALID_ARG, p->path,
				     "not split from the same dump as %s (the %s differs)",
				     first->path, what);
	return NULL;
}

// Sorted by start, the ranges must tile [0, max_mapnr).
static struct kx_error *check_ranges(const struct reasm *ra)
{
	uint64_t next = 0;
	for (size_t i = 0; i < ra->n; i++) {
		const struct part *p = &ra->parts[i];
		if (p->start > next)
			return kx_error_create(KX_ERROR_INVALID_ARG,
					       "no split file holds pfns %#llx-%#llx",
					       (unsigned long long)next, (unsigned long long)p->start);
		if (p->start < next)
			return kx_error_file(KX_ERROR_INVALID_ARG, p->path,
					     "its pfns %#llx-%#llx overlap those of %s",
					     (unsigned long long)p->start,
					     (unsigned long long)p->end, ra->parts[i - 1].path);
		next = p->end;
	}
	if (next != ra->l->max_mapnr)
		return kx_error_create(KX_ERROR_INVALID_ARG, "no split file holds pfns %#llx-%#llx",
				       (unsigned long long)next,
				       (unsigned long long)ra->l->max_mapnr);
	return NULL;
}

static struct kx_error *open_parts(struct reasm *ra, const char *const *inputs)
{
	for (size_t i = 0; i < ra->n; i++)
		KX_TRY(open_part(&ra->parts[i], inputs[i]));
	for (size_t i = 1; i < ra->n; i++)
		KX_TRY(check_same(&ra->parts[0], &ra->parts[i]));
	qsort(ra->parts, ra->n, sizeof(*ra->parts), by_range);
	ra->l = kx_diskdump_reader_layout(ra->parts[0].r);
	ra->map_bytes = (ra->l->max_mapnr + 7) / 8;
	return check_ranges(ra);
}

// @len bytes at @off of bitmap @which (1 or 2) of @p.
static struct kx_error *read_bitmap(const struct reasm *ra, const struct part *p, int which,
				    uint64_t off, size_t len, uint8_t *buf)
{
	uint64_t base = which == 1 ? ra->l->offset_bitmap1 : ra->l->offset_bitmap2;
	return kx_io_pread_full(p->fd, buf, len, base + off, p->path);
}

// Set bits of @len bitmap bytes at byte @off, for pfns [first, end).
static uint64_t count_bits(uint8_t *buf, uint64_t off, size_t len, uint64_t first, uint64_t end)
{
	struct kx_bitmap view = { .start = off * 8, .nr_bits = (uint64_t)len * 8, .bits = buf };
	return kx_bitmap_count_range(&view, first, end);
}

// One window of the first pass: the 1st bitmaps agree, and what each 2nd
// bitmap holds (win_c: their OR).
static struct kx_error *scan_window(struct reasm *ra, uint64_t off, size_t len)
{
	KX_TRY(read_bitmap(ra, &ra->parts[0], 1, off, len, ra->win_a));
	memset(ra->win_c, 0, len);
	for (size_t i = 0; i < ra->n; i++) {
		struct part *p = &ra->parts[i];
		KX_TRY(read_bitmap(ra, p, 1, off, len, ra->win_b));
		if (memcmp(ra->win_a, ra->win_b, len))
			return kx_error_file(KX_ERROR_INVALID_ARG, p->path,
					     "its 1st bitmap differs from that of %s",
					     ra->parts[0].path);
		KX_TRY(read_bitmap(ra, p, 2, off, len, ra->win_b));
		p->pages += count_bits(ra->win_b, off, len, p->start, p->end);
		for (size_t j = 0; j < len; j++)
			ra->win_c[j] |= ra->win_b[j];
	}
	ra->num_dumpable += count_bits(ra->win_c, off, len, 0, ra->l->max_mapnr);
	return NULL;
}

static struct kx_error *scan_bitmaps(struct reasm *ra)
{
	for (uint64_t off = 0; off < ra->map_bytes; off += WINDOW_BYTES) {
		uint64_t left = ra->map_bytes - off;
		KX_TRY(scan_window(ra, off, left < WINDOW_BYTES ? (size_t)left : WINDOW_BYTES));
	}
	return NULL;
}

// The writer, set up to reproduce the unsplit dump: the same header
// fields, and room for every counted page.
static struct kx_error *create_output(struct reasm *ra, const char *output, bool force)
{
	const struct part *p = &ra->parts[0];
	size_t size_note;
	const unsigned char *notes = kx_diskdump_reader_notes(p->r, &size_note);
	uint64_t vmcoreinfo_size = p->s->size_vmcoreinfo;
	if (vmcoreinfo_size && p->s->offset_vmcoreinfo < ra->l->offset_note)
		return kx_error_file(KX_ERROR_CORRUPT, p->path, "VMCOREINFO lies before the notes");
	struct kx_dump_writer_params params = {
		.block_size = ra->l->block_size,
		.max_mapnr = ra->l->max_mapnr,
		.notes = notes,
		.size_note = size_note,
		.vmcoreinfo_offset = vmcoreinfo_size ? p->s->offset_vmcoreinfo - ra->l->offset_note : 0,
		.vmcoreinfo_size = vmcoreinfo_size,
		.utsname = p->h->utsname,
		.timestamp = p->h->timestamp_sec,
		.phys_base = p->s->phys_base,
		.dump_level = p->s->dump_level,
		.method = (enum kx_compress_method)(p->h->status & KX_DISKDUMP_COMPRESSION_MASK),
		.num_dumpable = ra->num_dumpable,
		.nr_cpus = p->h->nr_cpus,
		.status_extra = p->h->status & KX_DISKDUMP_EXCLUDED_VMEMMAP,
	};
	KX_TRY(kx_dump_sink_open_file(&ra->sink, output, force));
	ra->opened = true;
	KX_TRY(kx_dump_writer_create_sink(&ra->sink, &params, &ra->w));
	return kx_dump_writer_write_headers(ra->w);
}

// The pages a part dropped (bit in win_c, the OR, but not in win_a, the
// AND) keep the room counted for them, as in the dump split would have made.
static struct kx_error *drop_pages(struct reasm *ra, uint64_t off, size_t len)
{
	for (size_t j = 0; j < len; j++) {
		unsigned int lost = ra->win_c[j] & (unsigned int)~ra->win_a[j];
		for (unsigned int bit = 0; lost; bit++, lost >>= 1)
			if (lost & 1)
				KX_TRY(kx_dump_writer_drop_page(ra->w, (off + j) * 8 + bit,
								ra->win_a[j]));
	}
	return NULL;
}

// The 1st bitmap (all equal) and the AND of the 2nd bitmaps, window by window.
static struct kx_error *write_bitmap_window(struct reasm *ra, uint64_t off, size_t len)
{
	KX_TRY(read_bitmap(ra, &ra->parts[0], 1, off, len, ra->win_a));
	KX_TRY(kx_dump_writer_write_bitmap(ra->w, 1, off, ra->win_a, len));
	memset(ra->win_a, 0xff, len);
	memset(ra->win_c, 0, len);
	for (size_t i = 0; i < ra->n; i++) {
		KX_TRY(read_bitmap(ra, &ra->parts[i], 2, off, len, ra->win_b));
		for (size_t j = 0; j < len; j++) {
			ra->win_a[j] &= ra->win_b[j];
			ra->win_c[j] |= ra->win_b[j];
		}
	}
	KX_TRY(kx_dump_writer_write_bitmap(ra->w, 2, off, ra->win_a, len));
	return drop_pages(ra, off, len);
}

static struct kx_error *write_bitmaps(struct reasm *ra)
{
	for (uint64_t off = 0; off < ra->map_bytes; off += WINDOW_BYTES) {
		uint64_t left = ra->map_bytes - off;
		KX_TRY(write_bitmap_window(ra, off,
					   left < WINDOW_BYTES ? (size_t)left : WINDOW_BYTES));
	}
	return NULL;
}

// Bytes [off, off + size) of @p through @c, refilled from @off when they
// are not in it (descriptors and data are both read in ascending order).
static struct kx_error *chunk_get(struct chunk *c, const struct part *p, uint64_t off,
				  size_t size, const uint8_t **ret)
{
	if (off < c->off || off - c->off > c->len || size > c->len - (off - c->off)) {
		if (off > p->file_size || size > p->file_size - off)
			return kx_error_file(KX_ERROR_CORRUPT, p->path,
					     "ends before byte %llu, which its descriptors need",
					     (unsigned long long)(off + size));
		uint64_t left = p->file_size - off;
		size_t len = left < CHUNK_BYTES ? (size_t)left : CHUNK_BYTES;
		KX_TRY(kx_io_pread_full(p->fd, c->buf, len, off, p->path));
		c->off = off;
		c->len = len;
	}
	*ret = c->buf + (off - c->off);
	return NULL;
}

// A descriptor of page data must point right after the previous page's
// data, hold at most a page and name one compression (raw: a whole page).
static struct kx_error *check_desc(const struct part *p, uint64_t index,
				   const struct kx_diskdump_page_desc *pd, uint64_t pos,
				   uint32_t block_size)
{
	uint32_t f = pd->flags;
	bool one_method = f && !(f & (f - 1)) && (f & KX_DISKDUMP_COMPRESSION_MASK);
	if (pd->offset != pos)
		return kx_error_file(KX_ERROR_CORRUPT, p->path,
				     "page descriptor %llu points at byte %llu, not at %llu "
				     "where its data belongs", (unsigned long long)index,
				     (unsigned long long)pd->offset, (unsigned long long)pos);
	if (!pd->size || pd->size > block_size || (f ? !one_method : pd->size != block_size))
		return kx_error_file(KX_ERROR_CORRUPT, p->path,
				     "page descriptor %llu has size %u and flags %#x",
				     (unsigned long long)index, pd->size, f);
	return NULL;
}

// A part's descriptors, each with its data; the zero page is shared.
static struct kx_error *copy_part(struct reasm *ra, const struct part *p)
{
	uint32_t bs = ra->l->block_size;
	uint64_t zero = kx_dump_writer_layout(ra->w)->offset_data;
	bool share_zero = p->s->dump_level & 1;
	uint64_t pos = zero + (share_zero ? bs : 0);
	ra->desc.len = ra->data.len = 0;
	for (uint64_t i = 0; i < p->pages; i++) {
		const uint8_t *raw, *data;
		KX_TRY(chunk_get(&ra->desc, p, ra->l->offset_desc + i * KX_DISKDUMP_PAGE_DESC_SIZE,
				 KX_DISKDUMP_PAGE_DESC_SIZE, &raw));
		struct kx_diskdump_page_desc pd;
		kx_diskdump_page_desc_decode(raw, &pd);
		if (share_zero && pd.offset == zero) {
			KX_TRY(kx_dump_writer_add_zero_page(ra->w));
			continue;
		}
		KX_TRY(check_desc(p, i, &pd, pos, bs));
		KX_TRY(chunk_get(&ra->data, p, pd.offset, pd.size, &data));
		KX_TRY(kx_dump_writer_add_stored(ra->w, data, pd.size, pd.flags));
		pos += pd.size;
	}
	return NULL;
}

static struct kx_error *alloc_buffers(struct reasm *ra)
{
	ra->parts = calloc(ra->n, sizeof(*ra->parts));
	ra->win_a = malloc(WINDOW_BYTES);
	ra->win_b = malloc(WINDOW_BYTES);
	ra->win_c = malloc(WINDOW_BYTES);
	ra->desc.buf = malloc(CHUNK_BYTES);
	ra->data.buf = malloc(CHUNK_BYTES);
	if (!ra->parts || !ra->win_a || !ra->win_b || !ra->win_c || !ra->desc.buf ||
	    !ra->data.buf)
		return &kx_enomem;
	for (size_t i = 0; i < ra->n; i++)
		ra->parts[i].fd = -1;
	return NULL;
}

static struct kx_error *run(struct reasm *ra, const char *const *inputs, const char *output,
			    bool force)
{
	KX_TRY(alloc_buffers(ra));
	KX_TRY(open_parts(ra, inputs));
	KX_TRY(scan_bitmaps(ra));
	KX_TRY(create_output(ra, output, force));
	KX_TRY(write_bitmaps(ra));
	for (size_t i = 0; i < ra->n; i++)
		KX_TRY(copy_part(ra, &ra->parts[i]));
	return kx_dump_writer_finish(ra->w);
}

// A full disk leaves a readable INCOMPLETE dump; anything else leaves no
// file, since what was written does not describe the dump.
static struct kx_error *finish_output(struct reasm *ra, const char *output,
				      struct kx_error *err)
{
	if (kx_error_is(err, KX_ERROR_NOSPACE) && ra->w) {
		kx_error_destroy(kx_dump_writer_mark_incomplete(ra->w));
		err = kx_error_prefix(err, "the dump file is incomplete");
	}
	struct kx_error *cerr = ra->opened ? kx_dump_sink_close(&ra->sink) : NULL;
	if (!err)
		return cerr;
	kx_error_destroy(cerr);
	if (ra->opened && !kx_error_is(err, KX_ERROR_NOSPACE))
		unlink(output);
	return err;
}

struct kx_error *kx_reassemble(const char *const *inputs, size_t nr_inputs,
			       const char *output, bool force)
{
	KX_CHECK(nr_inputs > 0, KX_ERROR_INVALID_ARG, "no split files to reassemble");
	struct reasm ra = { .n = nr_inputs };
	struct kx_error *err = run(&ra, inputs, output, force);
	err = finish_output(&ra, output, err);
	kx_dump_writer_destroy(ra.w);
	for (size_t i = 0; ra.parts && i < ra.n; i++) {
		kx_diskdump_reader_destroy(ra.parts[i].r);
		if (ra.parts[i].fd >= 0)
			close(ra.parts[i].fd);
	}
	free(ra.parts);
	free(ra.win_a);
	free(ra.win_b);
	free(ra.win_c);
	free(ra.desc.buf);
	free(ra.data.buf);
	return err;
}
