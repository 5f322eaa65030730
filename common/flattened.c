// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile's flattened format: see flattened.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flattened.h"
#include "io.h"

enum { SIGNATURE_LEN = 16 };

// The framing is big-endian whatever the host (the payload is not).
static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static const char *stream(const char *name)
{
	return name ? name : "flattened stream";
}

void kx_flattened_header_encode(uint8_t *buf)
{
	memset(buf, 0, KX_FLATTENED_HEADER_SIZE);
	memcpy(buf, KX_FLATTENED_SIGNATURE, sizeof(KX_FLATTENED_SIGNATURE) - 1);
	put_be64(buf + SIGNATURE_LEN, KX_FLATTENED_TYPE);
	put_be64(buf + SIGNATURE_LEN + 8, KX_FLATTENED_VERSION);
}

struct kx_error *kx_flattened_header_check(const uint8_t *buf, const char *name)
{
	uint8_t sig[SIGNATURE_LEN] = { 0 };
	memcpy(sig, KX_FLATTENED_SIGNATURE, sizeof(KX_FLATTENED_SIGNATURE) - 1);
	if (memcmp(buf, sig, SIGNATURE_LEN) != 0)
		return kx_error_file(KX_ERROR_CORRUPT, stream(name),
				     "not a flattened dump (no \"%s\" signature)",
				     KX_FLATTENED_SIGNATURE);
	uint64_t type = get_be64(buf + SIGNATURE_LEN);
	uint64_t version = get_be64(buf + SIGNATURE_LEN + 8);
	if (type != KX_FLATTENED_TYPE)
		return kx_error_file(KX_ERROR_CORRUPT, stream(name),
				     "flattened header type %" PRId64 " is not %d",
				     (int64_t)type, KX_FLATTENED_TYPE);
	if (version != KX_FLATTENED_VERSION)
		return kx_error_file(KX_ERROR_CORRUPT, stream(name),
				     "flattened header version %" PRId64 " is not %d",
				     (int64_t)version, KX_FLATTENED_VERSION);
	return NULL;
}

void kx_flattened_record_encode(uint64_t offset, uint64_t size, uint8_t *buf)
{
	put_be64(buf, offset);
	put_be64(buf + 8, size);
}

void kx_flattened_end_encode(uint8_t *buf)
{
	memset(buf, 0xff, KX_FLATTENED_RECORD_SIZE);
}

struct kx_error *kx_flattened_record_decode(const uint8_t *buf, const char *name,
					    struct kx_flattened_record *ret)
{
	int64_t off = (int64_t)get_be64(buf), size = (int64_t)get_be64(buf + 8);
	if (off == -1 && size == -1) {
		*ret = (struct kx_flattened_record){ .offset = -1, .size = -1, .end = true };
		return NULL;
	}
	if (off < 0 || size <= 0)
		return kx_error_file(KX_ERROR_CORRUPT, stream(name),
				     "bad record: offset %" PRId64 ", size %" PRId64
				     " (only -1/-1 may be negative, and sizes are never 0)",
				     off, size);
	if (size > INT64_MAX - off)
		return kx_error_file(KX_ERROR_CORRUPT, stream(name),
				     "bad record: offset %" PRId64 " + size %" PRId64
				     " passes the largest file offset", off, size);
	*ret = (struct kx_flattened_record){ .offset = off, .size = size };
	return NULL;
}

struct kx_error *kx_flattened_write_header(int fd, const char *name)
{
	uint8_t *buf = malloc(KX_FLATTENED_HEADER_SIZE);
	if (!buf)
		return &kx_enomem;
	kx_flattened_header_encode(buf);
	struct kx_error *err = kx_io_write_full(fd, buf, KX_FLATTENED_HEADER_SIZE, name);
	free(buf);
	return err;
}

struct kx_error *kx_flattened_write_record(int fd, uint64_t offset, const void *buf,
					   size_t size, const char *name)
{
	if (size == 0)
		return NULL;  // a zero-length record would end upstream's -R
	KX_CHECK(offset <= INT64_MAX && size <= INT64_MAX - offset, KX_ERROR_INVALID_ARG,
		 "%s: a record at %" PRIu64 ", %zu bytes, passes the largest file offset",
		 stream(name), offset, size);
	uint8_t hdr[KX_FLATTENED_RECORD_SIZE];
	kx_flattened_record_encode(offset, size, hdr);
	KX_TRY(kx_io_write_full(fd, hdr, sizeof(hdr), name));
	return kx_io_write_full(fd, buf, size, name);
}

struct kx_error *kx_flattened_write_end(int fd, const char *name)
{
	uint8_t end[KX_FLATTENED_RECORD_SIZE];
	kx_flattened_end_encode(end);
	return kx_io_write_full(fd, end, sizeof(end), name);
}

// Read exactly @size bytes or say which part of the stream ended early.
static struct kx_error *read_part(int fd, void *buf, size_t size, const char *name,
				  const char *what, uint64_t pos)
{
	size_t done;
	KX_TRY(kx_io_read(fd, buf, size, stream(name), &done));
	if (done < size)
		return kx_error_file(KX_ERROR_CORRUPT, stream(name),
				     "truncated flattened stream: end of input in %s at byte %"
				     PRIu64 " (%zu of %zu bytes)", what, pos + done, done, size);
	return NULL;
}

// Copy one record's payload to its place, a chunk at a time.
static struct kx_error *copy_payload(int in_fd, const char *in_name, int out_fd,
				     const char *out_name, const struct kx_flattened_record *r,
				     uint8_t *chunk, uint64_t *pos)
{
	uint64_t left = (uint64_t)r->size, off = (uint64_t)r->offset;
	while (left) {
		size_t want = left < KX_FLATTENED_CHUNK ? (size_t)left : KX_FLATTENED_CHUNK, got;
		KX_TRY(kx_io_read(in_fd, chunk, want, stream(in_name), &got));
		KX_TRY(kx_io_pwrite_full(out_fd, chunk, got, off, out_name));
		*pos += got;
		if (got < want)
			return kx_error_file(KX_ERROR_CORRUPT, stream(in_name),
					     "truncated flattened stream: end of input at byte %"
					     PRIu64 ", inside the data of the %" PRId64
					     "-byte record for offset %" PRId64 " (%" PRIu64
					     " bytes of it received)", *pos, r->size, r->offset,
					     (uint64_t)r->size - left + got);
		off += got;
		left -= got;
	}
	return NULL;
}

static struct kx_error *rearrange(int in_fd, const char *in_name, int out_fd,
				  const char *out_name, uint8_t *chunk, uint64_t *end)
{
	KX_TRY(read_part(in_fd, chunk, KX_FLATTENED_HEADER_SIZE, in_name, "the header", 0));
	KX_TRY(kx_flattened_header_check(chunk, in_name));
	uint64_t pos = KX_FLATTENED_HEADER_SIZE;
	for (;;) {
		uint8_t hdr[KX_FLATTENED_RECORD_SIZE];
		struct kx_flattened_record r;
		KX_TRY(read_part(in_fd, hdr, sizeof(hdr), in_name, "a record header", pos));
		struct kx_error *err = kx_flattened_record_decode(hdr, in_name, &r);
		if (err)
			return kx_error_prefix(err, "at byte %" PRIu64, pos);
		pos += sizeof(hdr);
		if (r.end)
			return NULL;
		KX_TRY(copy_payload(in_fd, in_name, out_fd, out_name, &r, chunk, &pos));
		if ((uint64_t)(r.offset + r.size) > *end)
			*end = (uint64_t)(r.offset + r.size);
	}
}

struct kx_error *kx_flattened_rearrange(int in_fd, const char *in_name, int out_fd,
					const char *out_name, uint64_t *ret_size)
{
	_Static_assert(KX_FLATTENED_CHUNK >= KX_FLATTENED_HEADER_SIZE, "header fits a chunk");
	uint8_t *chunk = malloc(KX_FLATTENED_CHUNK);
	if (!chunk)
		return &kx_enomem;
	uint64_t end = 0;
	struct kx_error *err = rearrange(in_fd, in_name, out_fd, out_name, chunk, &end);
	free(chunk);
	if (!err && ret_size)
		*ret_size = end;
	return err;
}

struct kx_error *kx_flattened_rearrange_to(int in_fd, const char *in_name, const char *path,
					   bool force, uint64_t *ret_size)
{
	int flags = O_RDWR | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0600);
	if (fd < 0)
		return kx_error_os(errno, path, "Can't open the dump file");
	struct kx_error *err = kx_flattened_rearrange(in_fd, in_name, fd, path, ret_size);
	if (close(fd) < 0 && !err)
		err = kx_error_os(errno, path, "close");
	return err;
}
