// SPDX-License-Identifier: GPL-2.0-only
// The newc cpio writer: see cpio.h.
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "cpio.h"

enum {
	HEADER_SIZE = 110,
	ALIGN = 4,
	GZIP_LEVEL = 6,
	ZSTD_LEVEL = 3,
	// zlib's windowBits: 15 plus 16 asks for a gzip wrapper, not zlib's.
	GZIP_WINDOW_BITS = 15 + 16,
	GZIP_MEM_LEVEL = 8,
};

static const char TRAILER[] = "TRAILER!!!";

void kx_cpio_init(struct kx_cpio *cpio)
{
	memset(cpio, 0, sizeof(*cpio));
}

void kx_cpio_deinit(struct kx_cpio *cpio)
{
	free(cpio->buf);
	kx_cpio_init(cpio);
}

static struct kx_error *reserve(struct kx_cpio *cpio, size_t more)
{
	KX_CHECK(more <= SIZE_MAX - cpio->size, KX_ERROR_OVERFLOW, "cpio archive too large");
	if (cpio->size + more <= cpio->cap)
		return NULL;
	size_t cap = cpio->cap ? cpio->cap : 1 << 16;
	while (cap < cpio->size + more)
		cap = cap > SIZE_MAX / 2 ? cpio->size + more : cap * 2;
	char *buf = realloc(cpio->buf, cap);
	if (!buf)
		return &kx_enomem;
	cpio->buf = buf;
	cpio->cap = cap;
	return NULL;
}

// Bytes of padding after @p size bytes to reach the next multiple of 4.
static size_t pad(size_t size)
{
	return (ALIGN - size % ALIGN) % ALIGN;
}

static void put(struct kx_cpio *cpio, const void *data, size_t size)
{
	if (size)
		memcpy(cpio->buf + cpio->size, data, size);
	cpio->size += size;
	memset(cpio->buf + cpio->size, 0, pad(cpio->size));
	cpio->size += pad(cpio->size);
}

struct kx_error *kx_cpio_add(struct kx_cpio *cpio, const char *name, uint32_t mode,
			     const void *data, size_t size, uint32_t rdev_major,
			     uint32_t rdev_minor)
{
	KX_CHECK(!cpio->finished, KX_ERROR_INVALID_ARG, "cpio: %s added after the trailer", name);
	while (*name == '/')
		name++;
	size_t namesize = strlen(name) + 1;
	KX_CHECK(namesize > 1, KX_ERROR_INVALID_ARG, "cpio: empty member name");
	KX_CHECK(namesize <= UINT32_MAX && size <= UINT32_MAX, KX_ERROR_INVALID_ARG,
		 "cpio: %s is too large for a newc archive", name);
	// Header, name and data, each padded by at most 3 bytes.
	KX_CHECK(size <= SIZE_MAX - namesize - HEADER_SIZE - 2 * ALIGN, KX_ERROR_OVERFLOW,
		 "cpio: %s is too large", name);
	KX_TRY(reserve(cpio, HEADER_SIZE + namesize + size + 2 * ALIGN));
	uint32_t nlink = S_ISDIR(mode) ? 2 : 1;
	char header[HEADER_SIZE + 1];
	snprintf(header, sizeof(header),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++cpio->ino, mode, 0u, 0u, nlink, 0u, (unsigned)size, 0u, 0u, rdev_major,
		 rdev_minor, (unsigned)namesize, 0u);
	// The name's padding counts from the start of the header.
	memcpy(cpio->buf + cpio->size, header, HEADER_SIZE);
	cpio->size += HEADER_SIZE;
	put(cpio, name, namesize);
	put(cpio, data, size);
	return NULL;
}

struct kx_error *kx_cpio_finish(struct kx_cpio *cpio)
{
	if (cpio->finished)
		return NULL;
	// The trailer gets inode 0 (the counter wraps to it), like GNU cpio's.
	uint32_t ino = cpio->ino;
	cpio->ino = UINT32_MAX;
	KX_TRY(kx_cpio_add(cpio, TRAILER, 0, NULL, 0, 0, 0));
	cpio->ino = ino;
	cpio->finished = 1;
	return NULL;
}

static struct kx_error *gzip(const char *in, size_t size, char **ret_buf, size_t *ret_size)
{
	// zlib counts in uLong/uInt; a newc archive of ours stays far below that.
	KX_CHECK(size <= UINT32_MAX, KX_ERROR_OVERFLOW, "gzip: archive over 4 GiB");
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, GZIP_LEVEL, Z_DEFLATED, GZIP_WINDOW_BITS, GZIP_MEM_LEVEL,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return kx_error_create(KX_ERROR_UNSUPPORTED, "gzip: cannot initialize zlib");
	uLong cap = deflateBound(&zs, (uLong)size);
	char *out = malloc(cap);
	if (!out) {
		deflateEnd(&zs);
		return &kx_enomem;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)size;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	size_t done = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(out);
		return kx_error_create(KX_ERROR_UNSUPPORTED, "gzip: deflate failed (%d)", rc);
	}
	*ret_buf = out;
	*ret_size = done;
	return NULL;
}

static struct kx_error *zstd(const char *in, size_t size, char **ret_buf, size_t *ret_size)
{
	size_t cap = ZSTD_compressBound(size);
	KX_CHECK(!ZSTD_isError(cap), KX_ERROR_OVERFLOW, "zstd: archive too large");
	char *out = malloc(cap);
	if (!out)
		return &kx_enomem;
	size_t n = ZSTD_compress(out, cap, in, size, ZSTD_LEVEL);
	if (ZSTD_isError(n)) {
		free(out);
		return kx_error_create(KX_ERROR_UNSUPPORTED, "zstd: %s", ZSTD_getErrorName(n));
	}
	*ret_buf = out;
	*ret_size = n;
	return NULL;
}

struct kx_error *kx_cpio_compress(const struct kx_cpio *cpio, enum kx_cpio_compression method,
				  char **ret_buf, size_t *ret_size)
{
	KX_CHECK(cpio->finished, KX_ERROR_INVALID_ARG, "cpio: compressing an unfinished archive");
	switch (method) {
	case KX_CPIO_GZIP:
		return gzip(cpio->buf, cpio->size, ret_buf, ret_size);
	case KX_CPIO_ZSTD:
		return zstd(cpio->buf, cpio->size, ret_buf, ret_size);
	case KX_CPIO_NONE: {
		char *out = malloc(cpio->size ? cpio->size : 1);
		if (!out)
			return &kx_enomem;
		memcpy(out, cpio->buf, cpio->size);
		*ret_buf = out;
		*ret_size = cpio->size;
		return NULL;
	}
	}
	return kx_error_create(KX_ERROR_INVALID_ARG, "cpio: unknown compression %d", (int)method);
}

const char *kx_cpio_compression_name(enum kx_cpio_compression method)
{
	switch (method) {
	case KX_CPIO_GZIP:
		return "gzip";
	case KX_CPIO_ZSTD:
		return "zstd";
	case KX_CPIO_NONE:
		break;
	}
	return "none";
}
