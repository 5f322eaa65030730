/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file flattened.h
 * makedumpfile's flattened format (-F writes it, -R rebuilds a file from
 * it), both directions.
 *
 * A flattened stream is a dump file cut into the writes that made it, so it
 * can go through a pipe:
 *
 * - a 4096-byte header: the signature "makedumpfile" NUL-padded to 16
 *   bytes, then int64 type = 1 and int64 version = 1, both big-endian, then
 *   zeros;
 * - records: a 16-byte big-endian { int64 offset; int64 size; } followed by
 *   size payload bytes that belong at file offset @c offset. Records may
 *   come in any order and overlap (a later one wins when rebuilding);
 * - the terminator: offset = size = -1 (16 bytes of 0xff).
 *
 * A record of size 0 would read as the end of the stream to upstream's -R,
 * so the writer never emits one. Payloads are the dump's own bytes.
 *
 * The reader treats its input as hostile: a bad header, a negative or
 * wrapping record, and end of input anywhere before the terminator are
 * errors that say where the stream went wrong. It copies payloads in
 * fixed-size chunks, so memory stays bounded whatever a record claims.
 * Unlike upstream's -R, end of input is reported at once (upstream waits
 * up to 10 minutes for more data).
 */
#ifndef KX_FLATTENED_H
#define KX_FLATTENED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum {
	/** Bytes of the stream header. */
	KX_FLATTENED_HEADER_SIZE = 4096,
	/** Bytes of a record header. */
	KX_FLATTENED_RECORD_SIZE = 16,
	/** The header's type and version fields (TYPE_FLAT_HEADER, VERSION_FLAT_HEADER). */
	KX_FLATTENED_TYPE = 1,
	KX_FLATTENED_VERSION = 1,
	/** Bytes copied per read() when rebuilding. */
	KX_FLATTENED_CHUNK = 64 * 1024,
};

/** The signature, NUL-padded to 16 bytes in the header. */
#define KX_FLATTENED_SIGNATURE "makedumpfile"

/** A decoded record header. */
struct kx_flattened_record {
	/** File offset of the payload; >= 0. */
	int64_t offset;
	/** Payload bytes; > 0 (the terminator has @c end set instead). */
	int64_t size;
	/** This is the -1/-1 terminator. */
	bool end;
};

/** Fill @p buf (KX_FLATTENED_HEADER_SIZE bytes) with the stream header. */
void kx_flattened_header_encode(uint8_t *buf);

/**
 * Check a stream header: signature (all 16 bytes), type and version.
 * @param buf KX_FLATTENED_HEADER_SIZE bytes.
 * @param name the stream, for the message; may be NULL.
 * @return NULL, or KX_ERROR_CORRUPT saying which field is wrong.
 */
struct kx_error *kx_flattened_header_check(const uint8_t *buf, const char *name);

/**
 * Fill @p buf (KX_FLATTENED_RECORD_SIZE bytes) with a record header.
 * @p offset and @p size must be at most INT64_MAX.
 */
void kx_flattened_record_encode(uint64_t offset, uint64_t size, uint8_t *buf);

/** Fill @p buf (KX_FLATTENED_RECORD_SIZE bytes) with the terminator. */
void kx_flattened_end_encode(uint8_t *buf);

/**
 * Decode a record header.
 * @param ret filled on success: the terminator, or a record with offset
 *        >= 0, size > 0 and offset + size <= INT64_MAX.
 * @return NULL, or KX_ERROR_CORRUPT for anything else (negative values other
 *         than the terminator, size 0, an end past the largest file offset).
 */
struct kx_error *kx_flattened_record_decode(const uint8_t *buf, const char *name,
					    struct kx_flattened_record *ret);

/** Write the stream header to @p fd. Errors as kx_io_write_full(). */
struct kx_error *kx_flattened_write_header(int fd, const char *name);

/**
 * Write one record: header and @p size bytes of @p buf. Does nothing when
 * @p size is 0. @return KX_ERROR_INVALID_ARG when offset + size passes
 * INT64_MAX; errors as kx_io_write_full().
 */
struct kx_error *kx_flattened_write_record(int fd, uint64_t offset, const void *buf,
					   size_t size, const char *name);

/** Write the terminator. */
struct kx_error *kx_flattened_write_end(int fd, const char *name);

/**
 * Rebuild a file from the flattened stream on @p in_fd: check the header,
 * pwrite() every payload at its offset on @p out_fd, stop at the terminator
 * (anything after it is not read).
 * @param in_name, out_name for messages; may be NULL.
 * @param[out] ret_size highest offset + size written; may be NULL.
 * @return NULL; KX_ERROR_CORRUPT for a bad header or record, or for end of
 *         input before the terminator (saying in which part); errors of
 *         reading or writing.
 */
struct kx_error *kx_flattened_rearrange(int in_fd, const char *in_name, int out_fd,
					const char *out_name, uint64_t *ret_size);

/**
 * kx_flattened_rearrange() into a file created at @p path (mode 0600,
 * O_EXCL unless @p force, truncated otherwise).
 */
struct kx_error *kx_flattened_rearrange_to(int in_fd, const char *in_name, const char *path,
					   bool force, uint64_t *ret_size);

#endif /* KX_FLATTENED_H */
