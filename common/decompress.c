// SPDX-License-Identifier: GPL-2.0-only
// Kernel and initrd files, decompressed: see decompress.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"
#include "io.h"

enum { FIRST_GUESS_MIN = 64 << 10 };

enum kx_compression kx_decompress_detect(const void *buf, size_t size)
{
	const unsigned char *b = buf;
	if (size >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return KX_COMPRESSION_GZIP;
	if (size >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return KX_COMPRESSION_ZSTD;
	if (size >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0)
		return KX_COMPRESSION_XZ;
	// lzma-alone: properties 0x5d, dictionary size (LE32) a sane power of two.
	if (size >= 13 && b[0] == 0x5d && b[4] <= 0x40 && b[1] == 0 && b[2] == 0)
		return KX_COMPRESSION_LZMA;
	return KX_COMPRESSION_NONE;
}

const char *kx_compression_name(enum kx_compression format)
{
	static const char *const names[] = { "none", "gzip", "zstd", "xz", "lzma" };
	return (size_t)format < KX_ARRAY_SIZE(names) ? names[format] : "?";
}

/** An output buffer that grows by doubling up to a cap. */
struct outbuf {
	unsigned char *buf;
	size_t size, cap, max;
};

static struct kx_error *outbuf_grow(struct outbuf *o, const char *name)
{
	if (o->cap >= o->max)
		return kx_error_file(KX_ERROR_OVERFLOW, name,
				     "decompressed data exceeds the limit of %zu bytes", o->max - 1);
	size_t cap = o->cap ? o->cap * 2 : FIRST_GUESS_MIN;
	if (cap > o->max || cap < o->cap)
		cap = o->max;
	unsigned char *n = realloc(o->buf, cap ? cap : 1);
	if (!n)
		return &kx_enomem;
	o->buf = n;
	o->cap = cap;
	return NULL;
}

static struct kx_error *inflate_all(const void *in, size_t in_size, struct outbuf *o,
				    const char *name)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK) // 32: accept the gzip wrapper
		return &kx_enomem;
	const unsigned char *p = in, *end = p + in_size;
	struct kx_error *err = NULL;
	bool done = false;
	while (!err && !done) {
		if (o->size == o->cap && (err = outbuf_grow(o, name)))
			break;
		size_t avail_in = (size_t)(end - p) > UINT32_MAX ? UINT32_MAX : (size_t)(end - p);
		size_t room = o->cap - o->size > UINT32_MAX ? UINT32_MAX : o->cap - o->size;
		z.next_in = (unsigned char *)p, z.avail_in = (uInt)avail_in;
		z.next_out = o->buf + o->size, z.avail_out = (uInt)room;
		int r = inflate(&z, Z_NO_FLUSH);
		p += avail_in - z.avail_in;
		o->size += room - z.avail_out;
		if (r == Z_STREAM_END) {
			// Another gzip member may follow; trailing zeros end the file.
			while (p < end && *p == 0)
				p++;
			done = p == end;
			if (!done && inflateReset(&z) != Z_OK)
				err = &kx_enomem;
		} else if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_MEM_ERROR ||
			   r == Z_STREAM_ERROR) {
			err = kx_error_file(KX_ERROR_CORRUPT, name, "corrupt gzip data: %s",
					    z.msg ? z.msg : "bad stream");
		} else if (p == end && z.avail_out > 0) {
			// All input given, room left, and the stream has not ended.
			err = kx_error_file(KX_ERROR_CORRUPT, name, "truncated gzip data");
		}
	}
	inflateEnd(&z);
	return err;
}

static struct kx_error *unzstd_all(const void *in, size_t in_size, struct outbuf *o,
				   const char *name)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (!ds)
		return &kx_enomem;
	ZSTD_inBuffer ib = { in, in_size, 0 };
	struct kx_error *err = NULL;
	size_t r = 1;
	while (!err && (ib.pos < ib.size || r != 0)) {
		if (o->size == o->cap && (err = outbuf_grow(o, name)))
			break;
		ZSTD_outBuffer ob = { o->buf, o->cap, o->size };
		size_t before = ib.pos;
		r = ZSTD_decompressStream(ds, &ob, &ib);
		o->size = ob.pos;
		if (ZSTD_isError(r))
			err = kx_error_file(KX_ERROR_CORRUPT, name, "corrupt zstd data: %s",
					    ZSTD_getErrorName(r));
		else if (r != 0 && ib.pos == ib.size && ob.pos < ob.size && before == ib.pos)
			err = kx_error_file(KX_ERROR_CORRUPT, name, "truncated zstd data");
	}
	ZSTD_freeDStream(ds);
	return err;
}

static struct kx_error *unxz_all(const void *in, size_t in_size, struct outbuf *o,
				 const char *name)
{
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_auto_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return &kx_enomem;
	s.next_in = in;
	s.avail_in = in_size;
	struct kx_error *err = NULL;
	lzma_ret r = LZMA_OK;
	while (!err && r == LZMA_OK) {
		if (o->size == o->cap && (err = outbuf_grow(o, name)))
			break;
		s.next_out = o->buf + o->size;
		s.avail_out = o->cap - o->size;
		r = lzma_code(&s, LZMA_FINISH);
		o->size = o->cap - s.avail_out;
		if (r == LZMA_BUF_ERROR && s.avail_in == 0)
			err = kx_error_file(KX_ERROR_CORRUPT, name, "truncated xz data");
		else if (r != LZMA_OK && r != LZMA_STREAM_END)
			err = kx_error_file(r == LZMA_MEM_ERROR ? KX_ERROR_NOMEM : KX_ERROR_CORRUPT,
					    name, "corrupt xz data (liblzma error %d)", (int)r);
	}
	lzma_end(&s);
	return err;
}

struct kx_error *kx_decompress(enum kx_compression format, const void *in, size_t in_size,
			       size_t max_size, const char *name, void **ret_buf,
			       size_t *ret_size)
{
	// One byte of room beyond the cap, so that a stream ending exactly at
	// the cap still gets the room to report truncation or its end.
	struct outbuf o = { NULL, 0, 0, max_size < SIZE_MAX ? max_size + 1 : max_size };
	struct kx_error *err;
	name = name ? name : "input";
	switch (format) {
	case KX_COMPRESSION_GZIP: err = inflate_all(in, in_size, &o, name); break;
	case KX_COMPRESSION_ZSTD: err = unzstd_all(in, in_size, &o, name); break;
	case KX_COMPRESSION_XZ:
	case KX_COMPRESSION_LZMA: err = unxz_all(in, in_size, &o, name); break;
	default:
		return kx_error_create(KX_ERROR_INVALID_ARG, "%s: not compressed", name);
	}
	if (!err && o.size > max_size)
		err = kx_error_file(KX_ERROR_OVERFLOW, name,
				    "decompressed data exceeds the limit of %zu bytes", max_size);
	if (err) {
		free(o.buf);
		return err;
	}
	if (!o.buf && !(o.buf = malloc(1)))
		return &kx_enomem;
	*ret_buf = o.buf;
	*ret_size = o.size;
	return NULL;
}

static struct kx_error *read_raw(const char *path, size_t max_size, char **ret, size_t *ret_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, path, "cannot open");
	struct kx_error *err = kx_io_slurp(fd, max_size, path, ret, ret_size);
	close(fd);
	return err;
}

struct kx_error *kx_file_data_read(const char *path, size_t max_size,
				   struct kx_file_data *ret)
{
	char *raw;
	size_t size;
	KX_TRY(read_raw(path, max_size, &raw, &size));
	enum kx_compression f = kx_decompress_detect(raw, size);
	if (f == KX_COMPRESSION_NONE) {
		*ret = (struct kx_file_data){ raw, size, size, f };
		return NULL;
	}
	void *out;
	size_t out_size;
	struct kx_error *err = kx_decompress(f, raw, size, max_size, path, &out, &out_size);
	free(raw);
	KX_TRY(err);
	*ret = (struct kx_file_data){ out, out_size, size, f };
	return NULL;
}

void kx_file_data_deinit(struct kx_file_data *data)
{
	free(data->buf);
	*data = (struct kx_file_data){ 0 };
}

struct kx_error *kx_decompress_memfd(const void *buf, size_t size, const char *name,
				     int *ret_fd)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return kx_error_os(errno, NULL, "memfd_create(%s)", name);
	struct kx_error *err = kx_io_write_full(fd, buf, size, name);
	// Seal it: the kernel reads what we wrote, nobody can change it after.
	if (!err && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		err = kx_error_os(errno, NULL, "sealing memfd %s", name);
	if (!err && lseek(fd, 0, SEEK_SET) < 0)
		err = kx_error_os(errno, NULL, "rewinding memfd %s", name);
	if (err) {
		close(fd);
		return err;
	}
	*ret_fd = fd;
	return NULL;
}
