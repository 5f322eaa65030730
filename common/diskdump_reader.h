/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file diskdump_reader.h
 * Reading a kdump-compressed file: validated headers, notes, VMCOREINFO,
 * the two bitmaps and pages by pfn.
 *
 * The file is hostile input. Opening checks the signature, header_version
 * (>= 1), block_size (a power of two, 4 KiB..256 KiB), sub_hdr_size,
 * bitmap_blocks against max_mapnr, and that the sub header, notes,
 * VMCOREINFO and both bitmaps lie within the file; it then counts the set
 * bits of the 2nd bitmap once, streaming it through a bounded buffer, into a
 * table with one 8-byte prefix count per 4096 pfns (1/64 of the bitmap's
 * size, so memory stays proportional to the file), and checks that the
 * descriptor area fits the file. A page read looks up the bitmaps one
 * 512-byte section at a time.
 *
 * Page errors:
 * - pfn >= max_mapnr, or not in the 1st bitmap: KX_ERROR_FAULT (address =
 *   pfn * block_size): the memory does not exist;
 * - in the 1st but not the 2nd bitmap: KX_ERROR_NODATA ("excluded");
 * - an INCOMPLETE dump whose descriptor or data for the pfn was never
 *   written (pd.offset == 0, or beyond the end of the file):
 *   KX_ERROR_NODATA with "incomplete" in the message;
 * - a bad descriptor (size 0 or > block_size, unknown or several flags, raw
 *   size != block_size, data outside the data area) or data that does not
 *   decompress to exactly block_size bytes: KX_ERROR_CORRUPT;
 * - snappy pages: KX_ERROR_UNSUPPORTED.
 */
#ifndef KX_DISKDUMP_READER_H
#define KX_DISKDUMP_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diskdump.h"
#include "error.h"

/** Limits on what the reader allocates for file-provided sizes. */
enum {
	/** Largest notes area read (8192 CPUs of NT_PRSTATUS need about 3 MiB). */
	KX_DISKDUMP_NOTES_MAX = 64 * 1024 * 1024,
	/** Largest VMCOREINFO text read (the kernel's is one page). */
	KX_DISKDUMP_VMCOREINFO_MAX = 1024 * 1024,
};

struct kx_diskdump_reader;

/**
 * Open the kdump-compressed file on @p fd and validate it (see the file
 * comment). The reader does not take ownership of @p fd, which must stay
 * open until kx_diskdump_reader_destroy().
 * @param path for error messages; copied; may be NULL.
 * @return KX_ERROR_CORRUPT/UNSUPPORTED naming the file and the bad field,
 * KX_ERROR_OS, or &kx_enomem.
 */
struct kx_error *kx_diskdump_reader_create(int fd, const char *path,
					   struct kx_diskdump_reader **ret);

/** Free @p r (NULL is a no-op). Does not close the descriptor. */
void kx_diskdump_reader_destroy(struct kx_diskdump_reader *r);

/** The decoded disk_dump_header. */
const struct kx_diskdump_header *kx_diskdump_reader_header(const struct kx_diskdump_reader *r);

/** The decoded sub header (fields newer than header_version are zero). */
const struct kx_diskdump_sub_header *
kx_diskdump_reader_sub_header(const struct kx_diskdump_reader *r);

/** The layout; num_dumpable is the 2nd bitmap's bit count. */
const struct kx_diskdump_layout *kx_diskdump_reader_layout(const struct kx_diskdump_reader *r);

/** True when status has DUMP_DH_COMPRESSED_INCOMPLETE. */
bool kx_diskdump_reader_incomplete(const struct kx_diskdump_reader *r);

/**
 * The copied PT_NOTE contents (v4+), owned by the reader; NULL with size 0
 * when the file has none.
 */
const unsigned char *kx_diskdump_reader_notes(const struct kx_diskdump_reader *r,
					      size_t *ret_size);

/**
 * The VMCOREINFO text (v3+), NUL-terminated, owned by the reader; NULL with
 * size 0 when the file has none.
 */
const char *kx_diskdump_reader_vmcoreinfo(const struct kx_diskdump_reader *r,
					  size_t *ret_size);

/** Set *@p ret to whether @p pfn is in the 1st ("present") bitmap. */
struct kx_error *kx_diskdump_reader_pfn_present(struct kx_diskdump_reader *r, uint64_t pfn,
						bool *ret);

/** Set *@p ret to whether @p pfn is in the 2nd ("dumpable") bitmap. */
struct kx_error *kx_diskdump_reader_pfn_dumpable(struct kx_diskdump_reader *r, uint64_t pfn,
						 bool *ret);

/**
 * Read the raw descriptor of @p pfn, without checking its contents.
 * Errors: FAULT, NODATA (excluded, or incomplete), I/O as described above.
 */
struct kx_error *kx_diskdump_reader_page_desc(struct kx_diskdump_reader *r, uint64_t pfn,
					      struct kx_diskdump_page_desc *ret);

/**
 * Read page @p pfn into @p buf (block_size bytes), decompressing it.
 * @p buf is untouched on failure. Errors as in the file comment.
 */
struct kx_error *kx_diskdump_reader_read_page(struct kx_diskdump_reader *r, uint64_t pfn,
					      void *buf);

#endif /* KX_DISKDUMP_READER_H */
