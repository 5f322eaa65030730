// SPDX-License-Identifier: GPL-2.0-only
// Reading kdump-compressed files: see diskdump_reader.h.
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "diskdump_reader.h"
#include "byteorder.h"
#include "io.h"

// Bytes of bitmap per prefix-count section.
enum { SECTION_BYTES = KX_DISKDUMP_SECTION_PFNS / 8 };
// Sections read per pread() while counting at open: 64 KiB.
enum { COUNT_CHUNK_SECTIONS = 128 };

struct bitmap_cache {
	uint64_t section; // valid only when loaded
	bool loaded;
	unsigned char bits[SECTION_BYTES];
};

struct kx_diskdump_reader {
	int fd;
	char *path;
	uint64_t file_size;
	struct kx_diskdump_header header;
	struct kx_diskdump_sub_header sub;
	struct kx_diskdump_layout layout;
	unsigned char *notes;
	size_t notes_size;
	char *vmcoreinfo;
	size_t vmcoreinfo_size;
	uint64_t nsections;
	// section_base[i]: descriptor index of the first dumpable pfn at or
	// after pfn i*4096; nsections + 1 entries, the last being the total.
	uint64_t *section_base;
	struct bitmap_cache present, dumpable;
	unsigned char *cbuf; // compressed data of one page
	unsigned char *pbuf; // one decoded page
	z_stream z;
	bool z_ready;
	ZSTD_DCtx *zstd;
};

static const char *name(const struct kx_diskdump_reader *r)
{
	return r->path ? r->path : "kdump-compressed file";
}

static unsigned popcount64(uint64_t v)
{
	v = v - ((v >> 1) & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((v * 0x0101010101010101ULL) >> 56);
}

// Set bits among the first @nbits bits (LSB-first) of @bm.
static uint64_t count_bits(const unsigned char *bm, uint64_t nbits)
{
	uint64_t n = 0, i = 0;
	for (; i + 64 <= nbits; i += 64)
		n += popcount64(kx_get_le64(bm + i / 8));
	for (; i < nbits; i++)
		n += (bm[i / 8] >> (i % 8)) & 1;
	return n;
}

static struct kx_error *read_headers(struct kx_diskdump_reader *r)
{
	unsigned char buf[KX_DISKDUMP_HEADER_SIZE];
	KX_CHECK(r->file_size >= sizeof(buf), KX_ERROR_CORRUPT,
		 "file of %llu bytes is too small for a kdump header",
		 (unsigned long long)r->file_size);
	KX_TRY(kx_io_pread_full(r->fd, buf, sizeof(buf), 0, r->path));
	kx_diskdump_header_decode(buf, &r->header);
	KX_TRY(kx_diskdump_header_check(&r->header));
	// block_size is checked now, so the sub header offset is sane.
	uint64_t off = (uint64_t)r->header.block_size;
	KX_CHECK(r->file_size >= off + KX_DISKDUMP_SUB_HEADER_SIZE, KX_ERROR_CORRUPT,
		 "file ends at %llu, before the end of the sub header at %llu",
		 (unsigned long long)r->file_size,
		 (unsigned long long)(off + KX_DISKDUMP_SUB_HEADER_SIZE));
	unsigned char sbuf[KX_DISKDUMP_SUB_HEADER_SIZE];
	KX_TRY(kx_io_pread_full(r->fd, sbuf, sizeof(sbuf), off, r->path));
	kx_diskdump_sub_header_decode(sbuf, sizeof(sbuf), &r->sub);
	// Ignore fields the file's version does not define.
	int v = r->header.header_version;
	if (v < 2)
		r->sub.split = 0, r->sub.start_pfn = r->sub.end_pfn = 0;
	if (v < 3)
		r->sub.offset_vmcoreinfo = r->sub.size_vmcoreinfo = 0;
	if (v < 4)
		r->sub.offset_note = r->sub.size_note = 0;
	if (v < 5)
		r->sub.offset_eraseinfo = r->sub.size_eraseinfo = 0;
	if (v < 6)
		r->sub.start_pfn_64 = r->sub.end_pfn_64 = r->sub.max_mapnr_64 = 0;
	return kx_diskdump_layout_from_header(&r->header, &r->sub, &r->layout);
}

// Check that [off, off + size) lies within the file.
static struct kx_error *check_extent(const struct kx_diskdump_reader *r, const char *what,
				     uint64_t off, uint64_t size)
{
	KX_CHECK(off <= r->file_size && size <= r->file_size - off, KX_ERROR_CORRUPT,
		 "%s at offset %llu, %llu bytes, extends beyond the end of the file (%llu bytes)",
		 what, (unsigned long long)off, (unsigned long long)size,
		 (unsigned long long)r->file_size);
	return NULL;
}

static struct kx_error *read_blob(struct kx_diskdump_reader *r, const char *what,
				  uint64_t off, uint64_t size, uint64_t max,
				  unsigned char **ret)
{
	KX_CHECK(size <= max, KX_ERROR_CORRUPT, "%s of %llu bytes is larger than %llu bytes",
		 what, (unsigned long long)size, (unsigned long long)max);
	KX_TRY(check_extent(r, what, off, size));
	unsigned char *buf = malloc((size_t)size + 1);
	if (!buf)
		return &kx_enomem;
	struct kx_error *err = kx_io_pread_full(r->fd, buf, (size_t)size, off, r->path);
	if (err) {
		free(buf);
		return err;
	}
	buf[size] = '\0';
	*ret = buf;
	return NULL;
}

static struct kx_error *read_notes(struct kx_diskdump_reader *r)
{
	const struct kx_diskdump_sub_header *s = &r->sub;
	if (s->offset_note && s->size_note) {
		KX_TRY(read_blob(r, "notes", s->offset_note, s->size_note,
				 KX_DISKDUMP_NOTES_MAX, &r->notes));
		r->notes_size = (size_t)s->size_note;
	}
	if (s->offset_vmcoreinfo && s->size_vmcoreinfo) {
		unsigned char *text;
		KX_TRY(read_blob(r, "VMCOREINFO", s->offset_vmcoreinfo, s->size_vmcoreinfo,
				 KX_DISKDUMP_VMCOREINFO_MAX, &text));
		r->vmcoreinfo = (char *)text;
		r->vmcoreinfo_size = (size_t)s->size_vmcoreinfo;
	}
	return NULL;
}

// Count the 2nd bitmap's bits per section into section_base, reading at
// most COUNT_CHUNK_SECTIONS sections at a time.
static struct kx_error *build_prefix(struct kx_diskdump_reader *r)
{
	const struct kx_diskdump_layout *l = &r->layout;
	r->nsections = l->max_mapnr / KX_DISKDUMP_SECTION_PFNS +
		       (l->max_mapnr % KX_DISKDUMP_SECTION_PFNS != 0);
	// nsections * 512 <= bitmap_size <= file_size, so this cannot wrap.
	r->section_base = malloc((size_t)(r->nsections + 1) * sizeof(uint64_t));
	unsigned char *chunk = malloc(COUNT_CHUNK_SECTIONS * SECTION_BYTES);
	struct kx_error *err = NULL;
	if (!r->section_base || !chunk) {
		err = &kx_enomem;
		goto out;
	}
	uint64_t total = 0;
	for (uint64_t sec = 0; sec < r->nsections; sec += COUNT_CHUNK_SECTIONS) {
		uint64_t n = r->nsections - sec;
		if (n > COUNT_CHUNK_SECTIONS)
			n = COUNT_CHUNK_SECTIONS;
		err = kx_io_pread_full(r->fd, chunk, (size_t)n * SECTION_BYTES,
				       l->offset_bitmap2 + sec * SECTION_BYTES, r->path);
		if (err)
			goto out;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t first = (sec + i) * KX_DISKDUMP_SECTION_PFNS;
			uint64_t nbits = l->max_mapnr - first;
			if (nbits > KX_DISKDUMP_SECTION_PFNS)
				nbits = KX_DISKDUMP_SECTION_PFNS;
			r->section_base[sec + i] = total;
			total += count_bits(chunk + i * SECTION_BYTES, nbits);
		}
	}
	r->section_base[r->nsections] = total;
	r->layout.num_dumpable = total;
	r->layout.offset_data = l->offset_desc + total * KX_DISKDUMP_PAGE_DESC_SIZE;
out:
	free(chunk);
	return err;
}

static struct kx_error *check_areas(struct kx_diskdump_reader *r)
{
	const struct kx_diskdump_layout *l = &r->layout;
	KX_TRY(check_extent(r, "bitmaps", l->offset_bitmap1,
			    (uint64_t)l->bitmap_blocks * l->block_size));
	KX_TRY(build_prefix(r));
	// An incomplete dump may end anywhere after its bitmaps.
	if (!kx_diskdump_reader_incomplete(r))
		KX_TRY(check_extent(r, "page descriptor area", l->offset_desc,
				    l->num_dumpable * KX_DISKDUMP_PAGE_DESC_SIZE));
	return NULL;
}

static struct kx_error *init_codecs(struct kx_diskdump_reader *r)
{
	r->cbuf = malloc(r->layout.block_size);
	r->pbuf = malloc(r->layout.block_size);
	if (!r->cbuf || !r->pbuf)
		return &kx_enomem;
	if (inflateInit(&r->z) != Z_OK)
		return &kx_enomem;
	r->z_ready = true;
	r->zstd = ZSTD_createDCtx();
	if (!r->zstd)
		return &kx_enomem;
	KX_CHECK(lzo_init() == LZO_E_OK, KX_ERROR_UNSUPPORTED,
		 "the LZO library failed its self-check");
	return NULL;
}

static struct kx_error *open_steps(struct kx_diskdump_reader *r)
{
	struct stat st;
	if (fstat(r->fd, &st) < 0)
		return kx_error_os(errno, r->path, "fstat");
	r->file_size = (uint64_t)st.st_size;
	KX_TRY(read_headers(r));
	KX_TRY(read_notes(r));
	KX_TRY(check_areas(r));
	return init_codecs(r);
}

struct kx_error *kx_diskdump_reader_create(int fd, const char *path,
					   struct kx_diskdump_reader **ret)
{
	struct kx_diskdump_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return &kx_enomem;
	r->fd = fd;
	if (path && !(r->path = strdup(path))) {
		free(r);
		return &kx_enomem;
	}
	struct kx_error *err = open_steps(r);
	if (err) {
		// Messages from kx_io_* already start with the path.
		if (!err->path)
			err = kx_error_prefix(err, "%s", name(r));
		kx_diskdump_reader_destroy(r);
		return err;
	}
	*ret = r;
	return NULL;
}

void kx_diskdump_reader_destroy(struct kx_diskdump_reader *r)
{
	if (!r)
		return;
	if (r->z_ready)
		inflateEnd(&r->z);
	ZSTD_freeDCtx(r->zstd);
	free(r->cbuf);
	free(r->pbuf);
	free(r->section_base);
	free(r->notes);
	free(r->vmcoreinfo);
	free(r->path);
	free(r);
}

const struct kx_diskdump_header *kx_diskdump_reader_header(const struct kx_diskdump_reader *r)
{
	return &r->header;
}

const struct kx_diskdump_sub_header *
kx_diskdump_reader_sub_header(const struct kx_diskdump_reader *r)
{
	return &r->sub;
}

const struct kx_diskdump_layout *kx_diskdump_reader_layout(const struct kx_diskdump_reader *r)
{
	return &r->layout;
}

bool kx_diskdump_reader_incomplete(const struct kx_diskdump_reader *r)
{
	return (r->header.status & KX_DISKDUMP_INCOMPLETE) != 0;
}

const unsigned char *kx_diskdump_reader_notes(const struct kx_diskdump_reader *r,
					      size_t *ret_size)
{
	*ret_size = r->notes_size;
	return r->notes;
}

const char *kx_diskdump_reader_vmcoreinfo(const struct kx_diskdump_reader *r,
					  size_t *ret_size)
{
	*ret_size = r->vmcoreinfo_size;
	return r->vmcoreinfo;
}

// Make the section of @pfn current in @c, reading it from @bitmap_off.
static struct kx_error *load_section(struct kx_diskdump_reader *r, struct bitmap_cache *c,
				     uint64_t bitmap_off, uint64_t pfn)
{
	uint64_t sec = pfn / KX_DISKDUMP_SECTION_PFNS;
	if (c->loaded && c->section == sec)
		return NULL;
	c->loaded = false;
	KX_TRY(kx_io_pread_full(r->fd, c->bits, SECTION_BYTES,
				bitmap_off + sec * SECTION_BYTES, r->path));
	c->section = sec;
	c->loaded = true;
	return NULL;
}

static bool section_bit(const struct bitmap_cache *c, uint64_t pfn)
{
	uint64_t i = pfn % KX_DISKDUMP_SECTION_PFNS;
	return (c->bits[i / 8] >> (i % 8)) & 1;
}

static struct kx_error *beyond(const struct kx_diskdump_reader *r, uint64_t pfn)
{
	struct kx_error *err = kx_error_fault(pfn * r->layout.block_size,
					      "pfn 0x%llx is beyond max_mapnr 0x%llx",
					      (unsigned long long)pfn,
					      (unsigned long long)r->layout.max_mapnr);
	return kx_error_prefix(err, "%s", name(r));
}

struct kx_error *kx_diskdump_reader_pfn_present(struct kx_diskdump_reader *r, uint64_t pfn,
						bool *ret)
{
	if (pfn >= r->layout.max_mapnr)
		return beyond(r, pfn);
	KX_TRY(load_section(r, &r->present, r->layout.offset_bitmap1, pfn));
	*ret = section_bit(&r->present, pfn);
	return NULL;
}

struct kx_error *kx_diskdump_reader_pfn_dumpable(struct kx_diskdump_reader *r, uint64_t pfn,
						 bool *ret)
{
	if (pfn >= r->layout.max_mapnr)
		return beyond(r, pfn);
	KX_TRY(load_section(r, &r->dumpable, r->layout.offset_bitmap2, pfn));
	*ret = section_bit(&r->dumpable, pfn);
	return NULL;
}

// Descriptor index of a pfn whose 2nd-bitmap bit is set and loaded.
static uint64_t desc_index(const struct kx_diskdump_reader *r, uint64_t pfn)
{
	uint64_t sec = pfn / KX_DISKDUMP_SECTION_PFNS;
	return r->section_base[sec] +
	       count_bits(r->dumpable.bits, pfn % KX_DISKDUMP_SECTION_PFNS);
}

static struct kx_error *incomplete(const struct kx_diskdump_reader *r, uint64_t pfn,
				   const char *what)
{
	return kx_error_file(KX_ERROR_NODATA, name(r), "pfn 0x%llx: %s was never written (incomplete dump)",
			     (unsigned long long)pfn, what);
}

struct kx_error *kx_diskdump_reader_page_desc(struct kx_diskdump_reader *r, uint64_t pfn,
					      struct kx_diskdump_page_desc *ret)
{
	bool present, dumpable;
	KX_TRY(kx_diskdump_reader_pfn_present(r, pfn, &present));
	if (!present)
		return kx_error_prefix(kx_error_fault(pfn * r->layout.block_size,
						      "pfn 0x%llx is not in the dump (memory hole)",
						      (unsigned long long)pfn),
				       "%s", name(r));
	KX_TRY(kx_diskdump_reader_pfn_dumpable(r, pfn, &dumpable));
	if (!dumpable)
		return kx_error_file(KX_ERROR_NODATA, name(r),
				     "pfn 0x%llx was excluded from the dump",
				     (unsigned long long)pfn);
	uint64_t off = r->layout.offset_desc + desc_index(r, pfn) * KX_DISKDUMP_PAGE_DESC_SIZE;
	if (off + KX_DISKDUMP_PAGE_DESC_SIZE > r->file_size && kx_diskdump_reader_incomplete(r))
		return incomplete(r, pfn, "the page descriptor");
	unsigned char buf[KX_DISKDUMP_PAGE_DESC_SIZE];
	KX_TRY(kx_io_pread_full(r->fd, buf, sizeof(buf), off, r->path));
	kx_diskdump_page_desc_decode(buf, ret);
	return NULL;
}

static struct kx_error *bad_desc(const struct kx_diskdump_reader *r, uint64_t pfn,
				 const char *what, unsigned long long value)
{
	return kx_error_file(KX_ERROR_CORRUPT, name(r),
			     "pfn 0x%llx: page descriptor has %s (0x%llx)",
			     (unsigned long long)pfn, what, value);
}

static struct kx_error *check_desc(const struct kx_diskdump_reader *r, uint64_t pfn,
				   const struct kx_diskdump_page_desc *pd)
{
	bool inc = kx_diskdump_reader_incomplete(r);
	uint32_t bs = r->layout.block_size;
	if (pd->offset == 0)
		return inc ? incomplete(r, pfn, "the page data")
			   : bad_desc(r, pfn, "offset 0 in a complete dump", 0);
	if (pd->size == 0 || pd->size > bs)
		return bad_desc(r, pfn, "a bad size", pd->size);
	if ((pd->flags & ~(uint32_t)KX_DISKDUMP_COMPRESSION_MASK) ||
	    popcount64(pd->flags) > 1)
		return bad_desc(r, pfn, "bad flags", pd->flags);
	if (pd->flags == 0 && pd->size != bs)
		return bad_desc(r, pfn, "a raw size other than block_size", pd->size);
	if (pd->offset < r->layout.offset_data)
		return bad_desc(r, pfn, "data before the data area", pd->offset);
	if (pd->offset > r->file_size || pd->size > r->file_size - pd->offset)
		return inc ? incomplete(r, pfn, "the page data")
			   : bad_desc(r, pfn, "data beyond the end of the file", pd->offset);
	return NULL;
}

static struct kx_error *inflate_page(struct kx_diskdump_reader *r, uint32_t size,
				     size_t *ret_out)
{
	KX_CHECK(inflateReset(&r->z) == Z_OK, KX_ERROR_UNSUPPORTED, "zlib: inflateReset failed");
	r->z.next_in = r->cbuf;
	r->z.avail_in = size;
	r->z.next_out = r->pbuf;
	r->z.avail_out = r->layout.block_size;
	int rc = inflate(&r->z, Z_FINISH);
	// A stream that has more to give than one block does not end here.
	*ret_out = rc == Z_STREAM_END ? r->z.total_out : SIZE_MAX;
	return NULL;
}

// Decode cbuf (@pd->size bytes) into pbuf; SIZE_MAX in *ret_out = failure.
static struct kx_error *decode(struct kx_diskdump_reader *r, uint64_t pfn,
			       const struct kx_diskdump_page_desc *pd, size_t *ret_out)
{
	size_t bs = r->layout.block_size;
	switch (pd->flags) {
	case KX_DISKDUMP_ZLIB:
		return inflate_page(r, pd->size, ret_out);
	case KX_DISKDUMP_LZO: {
		lzo_uint out = bs;
		int rc = lzo1x_decompress_safe(r->cbuf, pd->size, r->pbuf, &out, NULL);
		*ret_out = rc == LZO_E_OK ? out : SIZE_MAX;
		return NULL;
	}
	case KX_DISKDUMP_ZSTD: {
		size_t out = ZSTD_decompressDCtx(r->zstd, r->pbuf, bs, r->cbuf, pd->size);
		*ret_out = ZSTD_isError(out) ? SIZE_MAX : out;
		return NULL;
	}
	default:
		return kx_error_file(KX_ERROR_UNSUPPORTED, name(r),
				     "pfn 0x%llx: snappy-compressed pages are not supported",
				     (unsigned long long)pfn);
	}
}

struct kx_error *kx_diskdump_reader_read_page(struct kx_diskdump_reader *r, uint64_t pfn,
					      void *buf)
{
	struct kx_diskdump_page_desc pd;
	KX_TRY(kx_diskdump_reader_page_desc(r, pfn, &pd));
	KX_TRY(check_desc(r, pfn, &pd));
	size_t bs = r->layout.block_size;
	if (pd.flags == 0) {
		KX_TRY(kx_io_pread_full(r->fd, r->pbuf, bs, pd.offset, r->path));
		memcpy(buf, r->pbuf, bs);
		return NULL;
	}
	KX_TRY(kx_io_pread_full(r->fd, r->cbuf, pd.size, pd.offset, r->path));
	size_t out = SIZE_MAX;
	KX_TRY(decode(r, pfn, &pd, &out));
	if (out != bs)
		return kx_error_file(KX_ERROR_CORRUPT, name(r),
				     "pfn 0x%llx: %u bytes at offset %llu do not decompress "
				     "to one %zu-byte page",
				     (unsigned long long)pfn, pd.size,
				     (unsigned long long)pd.offset, bs);
	memcpy(buf, r->pbuf, bs);
	return NULL;
}
