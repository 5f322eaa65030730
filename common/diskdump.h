/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file diskdump.h
 * On-disk layout of the kdump-compressed ("diskdump", signature "KDUMP   ")
 * format that makedumpfile writes and crash, libkdumpfile and makedumpfile
 * read.
 *
 * The structures below are host forms. The file holds the LP64 C layout of
 * the machine that wrote it; both architectures we target are little-endian,
 * so every field is converted with kx_get_le*() / kx_put_le*() at the byte
 * offsets listed next to it, never by casting a buffer.
 *
 * File layout (bs = block_size = page size of the dumped kernel, S =
 * sub_hdr_size, B = bitmap_blocks):
 *
 * | offset                  | contents                                         |
 * |-------------------------|--------------------------------------------------|
 * | 0                       | disk_dump_header (464 bytes; rest of block zero) |
 * | bs                      | kdump_sub_header (104 bytes)                     |
 * | bs + 104                | verbatim copy of the input PT_NOTE (size_note)   |
 * | (1+S)*bs                | 1st bitmap, "present" (B/2 blocks)               |
 * | (1+S)*bs + B/2*bs       | 2nd bitmap, "dumpable" (B/2 blocks)              |
 * | (1+S+B)*bs              | page_desc[num_dumpable], 24 bytes each, pfn order|
 * | (1+S+B)*bs + 24*n       | page data, unaligned, in pfn order               |
 *
 * with S = ceil((104 + size_note) / bs) and each bitmap ceil(max_mapnr/8)
 * bytes rounded up to whole blocks. Bit p of a bitmap is byte p/8, bit p%8
 * (LSB first). Every set bit of the 2nd bitmap has exactly one descriptor;
 * a descriptor's index is the number of set bits below its pfn.
 */
#ifndef KX_DISKDUMP_H
#define KX_DISKDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** The 8 signature bytes (no NUL on disk): "KDUMP" and three spaces. */
#define KX_DISKDUMP_SIGNATURE "KDUMP   "

/** Sizes and fixed values of the format. */
enum {
	KX_DISKDUMP_SIGNATURE_LEN = 8,
	/** sizeof(struct disk_dump_header) on LP64, up to tasks[]. */
	KX_DISKDUMP_HEADER_SIZE = 464,
	/** sizeof(struct kdump_sub_header) on LP64 (version 6). */
	KX_DISKDUMP_SUB_HEADER_SIZE = 104,
	/** sizeof(struct page_desc). */
	KX_DISKDUMP_PAGE_DESC_SIZE = 24,
	/** The header_version makedumpfile writes (and we write). */
	KX_DISKDUMP_HEADER_VERSION = 6,
	/** Length of each utsname field, NUL included (__NEW_UTS_LEN + 1). */
	KX_DISKDUMP_UTS_LEN = 65,
	/** Smallest and largest block_size readers accept (libkdumpfile's bounds). */
	KX_DISKDUMP_BLOCK_SIZE_MIN = 4096,
	KX_DISKDUMP_BLOCK_SIZE_MAX = 262144,
	/** Pfns per prefix-count section (crash's BITMAP_SECT_LEN). */
	KX_DISKDUMP_SECTION_PFNS = 4096,
};

/**
 * disk_dump_header.status bits, and page_desc.flags bits (the four
 * compression bits only; a descriptor has at most one of them, 0 = raw).
 */
enum kx_diskdump_flag {
	KX_DISKDUMP_ZLIB = 0x1,             /**< DUMP_DH_COMPRESSED_ZLIB (-c) */
	KX_DISKDUMP_LZO = 0x2,              /**< DUMP_DH_COMPRESSED_LZO (-l) */
	KX_DISKDUMP_SNAPPY = 0x4,           /**< DUMP_DH_COMPRESSED_SNAPPY (-p) */
	KX_DISKDUMP_INCOMPLETE = 0x8,       /**< status only: writing stopped early */
	KX_DISKDUMP_EXCLUDED_VMEMMAP = 0x10, /**< status only: -e was used */
	KX_DISKDUMP_ZSTD = 0x20,            /**< DUMP_DH_COMPRESSED_ZSTD (-z) */
	/** All four compression bits. */
	KX_DISKDUMP_COMPRESSION_MASK = 0x27,
};


/** struct new_utsname as copied from the kernel: 6 NUL-padded fields. */
struct kx_diskdump_utsname {
	char sysname[KX_DISKDUMP_UTS_LEN];    /**< @ 12 in the header */
	char nodename[KX_DISKDUMP_UTS_LEN];   /**< @ 77 */
	char release[KX_DISKDUMP_UTS_LEN];    /**< @ 142 */
	char version[KX_DISKDUMP_UTS_LEN];    /**< @ 207 */
	char machine[KX_DISKDUMP_UTS_LEN];    /**< @ 272 */
	char domainname[KX_DISKDUMP_UTS_LEN]; /**< @ 337 */
};

/**
 * struct disk_dump_header, file offset 0. Offsets are within the header;
 * every field exists since the first version of the format (v0), which is
 * why this header has no version annotations; bytes 402..407 are padding.
 */
struct kx_diskdump_header {
	char signature[KX_DISKDUMP_SIGNATURE_LEN]; /**< @ 0: "KDUMP   " */
	int32_t header_version;                  /**< @ 8: 6 */
	struct kx_diskdump_utsname utsname;      /**< @ 12, 390 bytes */
	int64_t timestamp_sec;                   /**< @ 408: tv_sec = CRASHTIME */
	int64_t timestamp_usec;                  /**< @ 416: tv_usec, always 0 */
	uint32_t status;                         /**< @ 424: kx_diskdump_flag bits */
	int32_t block_size;                      /**< @ 428: page size */
	int32_t sub_hdr_size;                    /**< @ 432: S, in blocks */
	uint32_t bitmap_blocks;                  /**< @ 436: B, both bitmaps */
	uint32_t max_mapnr;                      /**< @ 440: MIN(max_mapnr, UINT_MAX) */
	uint32_t total_ram_blocks;               /**< @ 444: 0 */
	uint32_t device_blocks;                  /**< @ 448: 0 */
	uint32_t written_blocks;                 /**< @ 452: 0 */
	uint32_t current_cpu;                    /**< @ 456: 0 */
	int32_t nr_cpus;                         /**< @ 460: NT_PRSTATUS notes */
};

/**
 * struct kdump_sub_header, file offset block_size. The trailing comment of
 * each field names the header_version that added it; a reader must ignore
 * fields newer than the file's version.
 */
struct kx_diskdump_sub_header {
	uint64_t phys_base;         /**< @ 0, v1 (written with dump_level) */
	int32_t dump_level;         /**< @ 8, v1 */
	int32_t split;              /**< @ 12, v2: 1 in --split files */
	uint64_t start_pfn;         /**< @ 16, v2: 32-bit-clamped split start */
	uint64_t end_pfn;           /**< @ 24, v2: 32-bit-clamped split end */
	uint64_t offset_vmcoreinfo; /**< @ 32, v3: VMCOREINFO desc text */
	uint64_t size_vmcoreinfo;   /**< @ 40, v3 */
	uint64_t offset_note;       /**< @ 48, v4: bs + 104 */
	uint64_t size_note;         /**< @ 56, v4 */
	uint64_t offset_eraseinfo;  /**< @ 64, v5 */
	uint64_t size_eraseinfo;    /**< @ 72, v5 */
	uint64_t start_pfn_64;      /**< @ 80, v6 */
	uint64_t end_pfn_64;        /**< @ 88, v6: exclusive */
	uint64_t max_mapnr_64;      /**< @ 96, v6: the real max_mapnr */
};

/** struct page_desc: one per dumpable pfn, in the descriptor area. */
struct kx_diskdump_page_desc {
	uint64_t offset;     /**< @ 0: file offset of the data; 0 = never written */
	uint32_t size;       /**< @ 8: bytes stored, at most block_size */
	uint32_t flags;      /**< @ 12: 0 (raw) or one compression bit */
	uint64_t page_flags; /**< @ 16: always 0 */
};

/** Encode @p h into exactly KX_DISKDUMP_HEADER_SIZE bytes at @p buf (padding zeroed). */
void kx_diskdump_header_encode(const struct kx_diskdump_header *h, unsigned char *buf);

/** Decode KX_DISKDUMP_HEADER_SIZE bytes at @p buf. Cannot fail; validate afterwards. */
void kx_diskdump_header_decode(const unsigned char *buf, struct kx_diskdump_header *ret);

/** Encode @p s into exactly KX_DISKDUMP_SUB_HEADER_SIZE bytes at @p buf. */
void kx_diskdump_sub_header_encode(const struct kx_diskdump_sub_header *s,
				   unsigned char *buf);

/**
 * Decode the sub header from @p buf, of which only @p size bytes are valid
 * (a short final block): missing fields decode as 0.
 */
void kx_diskdump_sub_header_decode(const unsigned char *buf, size_t size,
				   struct kx_diskdump_sub_header *ret);

/** Encode @p d into exactly KX_DISKDUMP_PAGE_DESC_SIZE bytes at @p buf. */
void kx_diskdump_page_desc_encode(const struct kx_diskdump_page_desc *d, unsigned char *buf);

/** Decode KX_DISKDUMP_PAGE_DESC_SIZE bytes at @p buf. */
void kx_diskdump_page_desc_decode(const unsigned char *buf, struct kx_diskdump_page_desc *ret);

/** True for a power of two within [KX_DISKDUMP_BLOCK_SIZE_MIN, _MAX]. */
bool kx_diskdump_block_size_valid(int64_t block_size);

/**
 * Where everything lives in a kdump-compressed file. All offsets are
 * absolute file offsets in bytes and at most INT64_MAX.
 */
struct kx_diskdump_layout {
	uint32_t block_size;        /**< bs */
	uint64_t max_mapnr;         /**< pfns covered by each bitmap */
	uint64_t size_note;         /**< bytes of copied notes */
	uint64_t num_dumpable;      /**< descriptors (0 when read from a header) */
	uint32_t sub_hdr_size;      /**< S: blocks of sub header + notes */
	uint32_t bitmap_blocks;     /**< B: blocks of both bitmaps */
	bool two_bitmaps;           /**< false only for old single-bitmap dumps */
	uint64_t bitmap_size;       /**< bytes of each bitmap (B/2 blocks, or B for one) */
	uint64_t offset_sub_header; /**< bs */
	uint64_t offset_note;       /**< bs + 104 */
	uint64_t offset_bitmap1;    /**< (1+S)*bs: "present" bitmap */
	uint64_t offset_bitmap2;    /**< "dumpable" bitmap (== bitmap1 if !two_bitmaps) */
	uint64_t offset_desc;       /**< (1+S+B)*bs */
	uint64_t offset_data;       /**< offset_desc + 24*num_dumpable */
};

/**
 * Compute the layout makedumpfile uses for these parameters: S =
 * ceil((104 + size_note)/bs), each bitmap ceil(ceil(max_mapnr/8)/bs)
 * blocks, B = twice that.
 * @return KX_ERROR_INVALID_ARG for a bad block size, max_mapnr == 0 or
 * num_dumpable > max_mapnr; KX_ERROR_OVERFLOW when S does not fit the int
 * field, B the unsigned int field, or an offset INT64_MAX. *@p ret is
 * untouched on failure.
 */
struct kx_error *kx_diskdump_layout_compute(uint32_t block_size, uint64_t max_mapnr,
					    uint64_t size_note, uint64_t num_dumpable,
					    struct kx_diskdump_layout *ret);

/**
 * Validate a decoded header for reading: signature, header_version >= 1,
 * block_size, sub_hdr_size (>= 1 and room for the sub header),
 * bitmap_blocks. Messages name the field and its value.
 * @return NULL, or KX_ERROR_CORRUPT (KX_ERROR_UNSUPPORTED for the old
 * "DISKDUMP" signature).
 */
struct kx_error *kx_diskdump_header_check(const struct kx_diskdump_header *h);

/**
 * The real max_mapnr of a dump: max_mapnr_64 from v6 on, else the header's
 * 32-bit copy.
 */
uint64_t kx_diskdump_max_mapnr(const struct kx_diskdump_header *h,
			       const struct kx_diskdump_sub_header *s);

/**
 * Derive the layout of an existing file from its (checked, see
 * kx_diskdump_header_check()) headers. Both bitmaps are used when B blocks
 * hold 2*max_mapnr bits (libkdumpfile's rule), a single one when they hold
 * max_mapnr bits; fewer is KX_ERROR_CORRUPT. num_dumpable and offset_data
 * are left 0 (they need the bitmap). size_note is taken from a v4+ sub
 * header. Offsets past INT64_MAX are KX_ERROR_CORRUPT.
 */
struct kx_error *kx_diskdump_layout_from_header(const struct kx_diskdump_header *h,
						const struct kx_diskdump_sub_header *s,
						struct kx_diskdump_layout *ret);

#endif /* KX_DISKDUMP_H */
