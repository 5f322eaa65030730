// SPDX-License-Identifier: GPL-2.0-only
// kdump-compressed layout: byte encodings and offset arithmetic (diskdump.h).
#include "config.h"

#include <string.h>

#include "diskdump.h"
#include "byteorder.h"

// Byte offsets within struct disk_dump_header (LP64; see the header file).
enum {
	DH_SIGNATURE = 0,
	DH_HEADER_VERSION = 8,
	DH_UTSNAME = 12,
	DH_TIMESTAMP_SEC = 408, // 402..407: padding to align struct timeval
	DH_TIMESTAMP_USEC = 416,
	DH_STATUS = 424,
	DH_BLOCK_SIZE = 428,
	DH_SUB_HDR_SIZE = 432,
	DH_BITMAP_BLOCKS = 436,
	DH_MAX_MAPNR = 440,
	DH_TOTAL_RAM_BLOCKS = 444,
	DH_DEVICE_BLOCKS = 448,
	DH_WRITTEN_BLOCKS = 452,
	DH_CURRENT_CPU = 456,
	DH_NR_CPUS = 460,
};

// Byte offsets within struct kdump_sub_header.
enum {
	SH_PHYS_BASE = 0,
	SH_DUMP_LEVEL = 8,
	SH_SPLIT = 12,
	SH_START_PFN = 16,
	SH_END_PFN = 24,
	SH_OFFSET_VMCOREINFO = 32,
	SH_SIZE_VMCOREINFO = 40,
	SH_OFFSET_NOTE = 48,
	SH_SIZE_NOTE = 56,
	SH_OFFSET_ERASEINFO = 64,
	SH_SIZE_ERASEINFO = 72,
	SH_START_PFN_64 = 80,
	SH_END_PFN_64 = 88,
	SH_MAX_MAPNR_64 = 96,
};

// Byte offsets within struct page_desc.
enum {
	PD_OFFSET = 0,
	PD_SIZE = 8,
	PD_FLAGS = 12,
	PD_PAGE_FLAGS = 16,
};

static void put_uts(unsigned char *buf, const struct kx_diskdump_utsname *u)
{
	const char *fields[] = { u->sysname, u->nodename, u->release,
				 u->version, u->machine, u->domainname };
	for (size_t i = 0; i < KX_ARRAY_SIZE(fields); i++)
		memcpy(buf + DH_UTSNAME + i * KX_DISKDUMP_UTS_LEN, fields[i],
		       KX_DISKDUMP_UTS_LEN);
}

static void get_uts(const unsigned char *buf, struct kx_diskdump_utsname *u)
{
	char *fields[] = { u->sysname, u->nodename, u->release,
			   u->version, u->machine, u->domainname };
	for (size_t i = 0; i < KX_ARRAY_SIZE(fields); i++)
		memcpy(fields[i], buf + DH_UTSNAME + i * KX_DISKDUMP_UTS_LEN,
		       KX_DISKDUMP_UTS_LEN);
}

void kx_diskdump_header_encode(const struct kx_diskdump_header *h, unsigned char *buf)
{
	memset(buf, 0, KX_DISKDUMP_HEADER_SIZE);
	memcpy(buf + DH_SIGNATURE, h->signature, KX_DISKDUMP_SIGNATURE_LEN);
	kx_put_le32(buf + DH_HEADER_VERSION, (uint32_t)h->header_version);
	put_uts(buf, &h->utsname);
	kx_put_le64(buf + DH_TIMESTAMP_SEC, (uint64_t)h->timestamp_sec);
	kx_put_le64(buf + DH_TIMESTAMP_USEC, (uint64_t)h->timestamp_usec);
	kx_put_le32(buf + DH_STATUS, h->status);
	kx_put_le32(buf + DH_BLOCK_SIZE, (uint32_t)h->block_size);
	kx_put_le32(buf + DH_SUB_HDR_SIZE, (uint32_t)h->sub_hdr_size);
	kx_put_le32(buf + DH_BITMAP_BLOCKS, h->bitmap_blocks);
	kx_put_le32(buf + DH_MAX_MAPNR, h->max_mapnr);
	kx_put_le32(buf + DH_TOTAL_RAM_BLOCKS, h->total_ram_blocks);
	kx_put_le32(buf + DH_DEVICE_BLOCKS, h->device_blocks);
	kx_put_le32(buf + DH_WRITTEN_BLOCKS, h->written_blocks);
	kx_put_le32(buf + DH_CURRENT_CPU, h->current_cpu);
	kx_put_le32(buf + DH_NR_CPUS, (uint32_t)h->nr_cpus);
}

void kx_diskdump_header_decode(const unsigned char *buf, struct kx_diskdump_header *ret)
{
	struct kx_diskdump_header h;
	memcpy(h.signature, buf + DH_SIGNATURE, KX_DISKDUMP_SIGNATURE_LEN);
	h.header_version = (int32_t)kx_get_le32(buf + DH_HEADER_VERSION);
	get_uts(buf, &h.utsname);
	h.timestamp_sec = (int64_t)kx_get_le64(buf + DH_TIMESTAMP_SEC);
	h.timestamp_usec = (int64_t)kx_get_le64(buf + DH_TIMESTAMP_USEC);
	h.status = kx_get_le32(buf + DH_STATUS);
	h.block_size = (int32_t)kx_get_le32(buf + DH_BLOCK_SIZE);
	h.sub_hdr_size = (int32_t)kx_get_le32(buf + DH_SUB_HDR_SIZE);
	h.bitmap_blocks = kx_get_le32(buf + DH_BITMAP_BLOCKS);
	h.max_mapnr = kx_get_le32(buf + DH_MAX_MAPNR);
	h.total_ram_blocks = kx_get_le32(buf + DH_TOTAL_RAM_BLOCKS);
	h.device_blocks = kx_get_le32(buf + DH_DEVICE_BLOCKS);
	h.written_blocks = kx_get_le32(buf + DH_WRITTEN_BLOCKS);
	h.current_cpu = kx_get_le32(buf + DH_CURRENT_CPU);
	h.nr_cpus = (int32_t)kx_get_le32(buf + DH_NR_CPUS);
	*ret = h;
}

void kx_diskdump_sub_header_encode(const struct kx_diskdump_sub_header *s,
				   unsigned char *buf)
{
	memset(buf, 0, KX_DISKDUMP_SUB_HEADER_SIZE);
	kx_put_le64(buf + SH_PHYS_BASE, s->phys_base);
	kx_put_le32(buf + SH_DUMP_LEVEL, (uint32_t)s->dump_level);
	kx_put_le32(buf + SH_SPLIT, (uint32_t)s->split);
	kx_put_le64(buf + SH_START_PFN, s->start_pfn);
	kx_put_le64(buf + SH_END_PFN, s->end_pfn);
	kx_put_le64(buf + SH_OFFSET_VMCOREINFO, s->offset_vmcoreinfo);
	kx_put_le64(buf + SH_SIZE_VMCOREINFO, s->size_vmcoreinfo);
	kx_put_le64(buf + SH_OFFSET_NOTE, s->offset_note);
	kx_put_le64(buf + SH_SIZE_NOTE, s->size_note);
	kx_put_le64(buf + SH_OFFSET_ERASEINFO, s->offset_eraseinfo);
	kx_put_le64(buf + SH_SIZE_ERASEINFO, s->size_eraseinfo);
	kx_put_le64(buf + SH_START_PFN_64, s->start_pfn_64);
	kx_put_le64(buf + SH_END_PFN_64, s->end_pfn_64);
	kx_put_le64(buf + SH_MAX_MAPNR_64, s->max_mapnr_64);
}

void kx_diskdump_sub_header_decode(const unsigned char *buf, size_t size,
				   struct kx_diskdump_sub_header *ret)
{
	// Copy into a zeroed full-size buffer so that fields beyond a short
	// input read as 0 instead of past its end.
	unsigned char full[KX_DISKDUMP_SUB_HEADER_SIZE] = { 0 };
	memcpy(full, buf, size < sizeof(full) ? size : sizeof(full));
	struct kx_diskdump_sub_header s;
	s.phys_base = kx_get_le64(full + SH_PHYS_BASE);
	s.dump_level = (int32_t)kx_get_le32(full + SH_DUMP_LEVEL);
	s.split = (int32_t)kx_get_le32(full + SH_SPLIT);
	s.start_pfn = kx_get_le64(full + SH_START_PFN);
	s.end_pfn = kx_get_le64(full + SH_END_PFN);
	s.offset_vmcoreinfo = kx_get_le64(full + SH_OFFSET_VMCOREINFO);
	s.size_vmcoreinfo = kx_get_le64(full + SH_SIZE_VMCOREINFO);
	s.offset_note = kx_get_le64(full + SH_OFFSET_NOTE);
	s.size_note = kx_get_le64(full + SH_SIZE_NOTE);
	s.offset_eraseinfo = kx_get_le64(full + SH_OFFSET_ERASEINFO);
	s.size_eraseinfo = kx_get_le64(full + SH_SIZE_ERASEINFO);
	s.start_pfn_64 = kx_get_le64(full + SH_START_PFN_64);
	s.end_pfn_64 = kx_get_le64(full + SH_END_PFN_64);
	s.max_mapnr_64 = kx_get_le64(full + SH_MAX_MAPNR_64);
	*ret = s;
}

void kx_diskdump_page_desc_encode(const struct kx_diskdump_page_desc *d, unsigned char *buf)
{
	kx_put_le64(buf + PD_OFFSET, d->offset);
	kx_put_le32(buf + PD_SIZE, d->size);
	kx_put_le32(buf + PD_FLAGS, d->flags);
	kx_put_le64(buf + PD_PAGE_FLAGS, d->page_flags);
}

void kx_diskdump_page_desc_decode(const unsigned char *buf, struct kx_diskdump_page_desc *ret)
{
	ret->offset = kx_get_le64(buf + PD_OFFSET);
	ret->size = kx_get_le32(buf + PD_SIZE);
	ret->flags = kx_get_le32(buf + PD_FLAGS);
	ret->page_flags = kx_get_le64(buf + PD_PAGE_FLAGS);
}

bool kx_diskdump_block_size_valid(int64_t block_size)
{
	return block_size >= KX_DISKDUMP_BLOCK_SIZE_MIN &&
	       block_size <= KX_DISKDUMP_BLOCK_SIZE_MAX &&
	       (block_size & (block_size - 1)) == 0;
}

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

// Fill in the offsets that follow from bs, S, B and num_dumpable. The
// callers have bounded S by INT32_MAX and B by UINT32_MAX, so (1+S+B)*bs is
// below 2^52; only the descriptor area can still reach past INT64_MAX.
static struct kx_error *fill_offsets(struct kx_diskdump_layout *l)
{
	uint64_t bs = l->block_size;
	l->offset_sub_header = bs;
	l->offset_note = bs + KX_DISKDUMP_SUB_HEADER_SIZE;
	l->offset_bitmap1 = (1 + (uint64_t)l->sub_hdr_size) * bs;
	l->offset_bitmap2 = l->offset_bitmap1 + (l->two_bitmaps ? l->bitmap_size : 0);
	l->offset_desc = (1 + (uint64_t)l->sub_hdr_size + l->bitmap_blocks) * bs;
	uint64_t room = ((uint64_t)INT64_MAX - l->offset_desc) / KX_DISKDUMP_PAGE_DESC_SIZE;
	if (l->num_dumpable > room)
		return kx_error_create(KX_ERROR_OVERFLOW,
				       "%llu page descriptors reach past the largest file offset",
				       (unsigned long long)l->num_dumpable);
	l->offset_data = l->offset_desc + l->num_dumpable * KX_DISKDUMP_PAGE_DESC_SIZE;
	return NULL;
}

struct kx_error *kx_diskdump_layout_compute(uint32_t block_size, uint64_t max_mapnr,
					    uint64_t size_note, uint64_t num_dumpable,
					    struct kx_diskdump_layout *ret)
{
	KX_CHECK(kx_diskdump_block_size_valid(block_size), KX_ERROR_INVALID_ARG,
		 "block size %u is not a power of two between %d and %d", block_size,
		 KX_DISKDUMP_BLOCK_SIZE_MIN, KX_DISKDUMP_BLOCK_SIZE_MAX);
	KX_CHECK(max_mapnr > 0, KX_ERROR_INVALID_ARG, "max_mapnr is 0");
	KX_CHECK(num_dumpable <= max_mapnr, KX_ERROR_INVALID_ARG,
		 "%llu dumpable pages but max_mapnr is only %llu",
		 (unsigned long long)num_dumpable, (unsigned long long)max_mapnr);
	uint64_t s = size_note <= UINT64_MAX - KX_DISKDUMP_SUB_HEADER_SIZE
			     ? div_round_up(KX_DISKDUMP_SUB_HEADER_SIZE + size_note, block_size)
			     : UINT64_MAX;
	KX_CHECK(s <= INT32_MAX, KX_ERROR_OVERFLOW,
		 "%llu bytes of notes do not fit the sub header area",
		 (unsigned long long)size_note);
	uint64_t half = div_round_up(div_round_up(max_mapnr, 8), block_size);
	KX_CHECK(half <= UINT32_MAX / 2, KX_ERROR_OVERFLOW,
		 "max_mapnr %llu needs more bitmap blocks than the header can count",
		 (unsigned long long)max_mapnr);
	struct kx_diskdump_layout l = {
		.block_size = block_size,
		.max_mapnr = max_mapnr,
		.size_note = size_note,
		.num_dumpable = num_dumpable,
		.sub_hdr_size = (uint32_t)s,
		.bitmap_blocks = (uint32_t)(2 * half),
		.two_bitmaps = true,
		.bitmap_size = half * block_size,
	};
	KX_TRY(fill_offsets(&l));
	*ret = l;
	return NULL;
}

struct kx_error *kx_diskdump_header_check(const struct kx_diskdump_header *h)
{
	if (memcmp(h->signature, KX_DISKDUMP_SIGNATURE, KX_DISKDUMP_SIGNATURE_LEN)) {
		KX_CHECK(memcmp(h->signature, "DISKDUMP", KX_DISKDUMP_SIGNATURE_LEN),
			 KX_ERROR_UNSUPPORTED,
			 "old diskdump format (signature \"DISKDUMP\") is not supported");
		return kx_error_create(KX_ERROR_CORRUPT,
				       "no \"KDUMP   \" signature: not a kdump-compressed file");
	}
	KX_CHECK(h->header_version >= 0, KX_ERROR_CORRUPT,
		 "header_version %d is negative", h->header_version);
	KX_CHECK(h->header_version >= 1, KX_ERROR_UNSUPPORTED,
		 "header_version 0 is not supported (no sub header)");
	KX_CHECK(kx_diskdump_block_size_valid(h->block_size), KX_ERROR_CORRUPT,
		 "block_size %d is not a power of two between %d and %d", h->block_size,
		 KX_DISKDUMP_BLOCK_SIZE_MIN, KX_DISKDUMP_BLOCK_SIZE_MAX);
	KX_CHECK(h->sub_hdr_size >= 1, KX_ERROR_CORRUPT,
		 "sub_hdr_size %d leaves no room for the sub header", h->sub_hdr_size);
	KX_CHECK(h->bitmap_blocks >= 1, KX_ERROR_CORRUPT, "bitmap_blocks is 0");
	return NULL;
}

uint64_t kx_diskdump_max_mapnr(const struct kx_diskdump_header *h,
			       const struct kx_diskdump_sub_header *s)
{
	return h->header_version >= 6 ? s->max_mapnr_64 : h->max_mapnr;
}

struct kx_error *kx_diskdump_layout_from_header(const struct kx_diskdump_header *h,
						const struct kx_diskdump_sub_header *s,
						struct kx_diskdump_layout *ret)
{
	KX_TRY(kx_diskdump_header_check(h));
	uint64_t max_mapnr = kx_diskdump_max_mapnr(h, s);
	KX_CHECK(max_mapnr > 0, KX_ERROR_CORRUPT, "max_mapnr is 0");
	uint64_t bytes = (uint64_t)h->bitmap_blocks * (uint64_t)h->block_size;
	struct kx_diskdump_layout l = {
		.block_size = (uint32_t)h->block_size,
		.max_mapnr = max_mapnr,
		.size_note = h->header_version >= 4 ? s->size_note : 0,
		.sub_hdr_size = (uint32_t)h->sub_hdr_size,
		.bitmap_blocks = h->bitmap_blocks,
	};
	// bytes <= 2^32 * 2^18, so bytes * 8 cannot wrap.
	if (max_mapnr <= bytes / 2 * 8) {
		l.two_bitmaps = true;
		l.bitmap_size = bytes / 2;
	} else if (max_mapnr <= bytes * 8) {
		l.two_bitmaps = false;
		l.bitmap_size = bytes;
	} else {
		return kx_error_create(KX_ERROR_CORRUPT,
				       "bitmap_blocks %u hold only %llu bits, less than max_mapnr %llu",
				       h->bitmap_blocks, (unsigned long long)(bytes * 8),
				       (unsigned long long)max_mapnr);
	}
	KX_TRY(fill_offsets(&l));
	*ret = l;
	return NULL;
}
