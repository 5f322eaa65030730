// SPDX-License-Identifier: GPL-2.0-only
// Whole-buffer I/O loops: see io.h.
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "io.h"

// A single read(2)/write(2) may transfer at most SSIZE_MAX bytes, and Linux
// caps it near 2 GiB anyway; chunking keeps every call well-defined.
static const size_t io_chunk = (size_t)1 << 30;

static size_t chunk(size_t left)
{
	return left < io_chunk ? left : io_chunk;
}

static struct kx_error *write_error(int errnum, const char *path, const char *what)
{
	if (errnum == ENOSPC || errnum == EDQUOT) {
		struct kx_error *err = kx_error_os(errnum, path, "%s", what);
		if (err != &kx_enomem)
			err->code = KX_ERROR_NOSPACE;
		return err;
	}
	return kx_error_os(errnum, path, "%s", what);
}

struct kx_error *kx_io_read(int fd, void *buf, size_t size, const char *path,
			    size_t *ret_done)
{
	size_t done = 0;
	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, chunk(size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kx_error_os(errno, path, "read");
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*ret_done = done;
	return NULL;
}

struct kx_error *kx_io_read_full(int fd, void *buf, size_t size, const char *path)
{
	size_t done;
	KX_TRY(kx_io_read(fd, buf, size, path, &done));
	if (done < size)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "short read: got %zu of %zu bytes", done, size);
	return NULL;
}

struct kx_error *kx_io_write_full(int fd, const void *buf, size_t size, const char *path)
{
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, (const char *)buf + done, chunk(size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return write_error(errno, path, "write");
		// write(2) returning 0 for a non-zero count means no progress is
		// possible; treat it like a full device rather than spin.
		if (n == 0)
			return write_error(ENOSPC, path, "write");
		done += (size_t)n;
	}
	return NULL;
}

static struct kx_error *check_offset(uint64_t offset, size_t size, const char *path)
{
	if (offset > (uint64_t)INT64_MAX || size > (uint64_t)INT64_MAX - offset)
		return kx_error_file(KX_ERROR_OVERFLOW, path,
				     "offset 0x%llx + 0x%zx is beyond the largest file offset",
				     (unsigned long long)offset, size);
	return NULL;
}

struct kx_error *kx_io_pread_full(int fd, void *buf, size_t size, uint64_t offset,
				  const char *path)
{
	KX_TRY(check_offset(offset, size, path));
	size_t done = 0;
	while (done < size) {
		ssize_t n = pread(fd, (char *)buf + done, chunk(size - done),
				  (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kx_error_os(errno, path, "read at offset 0x%llx",
					   (unsigned long long)(offset + done));
		if (n == 0)
			return kx_error_file(KX_ERROR_CORRUPT, path,
					     "short read at offset 0x%llx: file ends %zu bytes early",
					     (unsigned long long)(offset + done), size - done);
		done += (size_t)n;
	}
	return NULL;
}

struct kx_error *kx_io_pwrite_full(int fd, const void *buf, size_t size,
				   uint64_t offset, const char *path)
{
	KX_TRY(check_offset(offset, size, path));
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(fd, (const char *)buf + done, chunk(size - done),
				   (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return write_error(errno, path, "write");
		if (n == 0)
			return write_error(ENOSPC, path, "write");
		done += (size_t)n;
	}
	return NULL;
}

static struct kx_error *grow(char **buf, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 4096;
	while (ncap < need)
		ncap *= 2;
	char *nbuf = realloc(*buf, ncap);
	if (!nbuf)
		return &kx_enomem;
	*buf = nbuf;
	*cap = ncap;
	return NULL;
}

struct kx_error *kx_io_slurp(int fd, size_t max_size, const char *path,
			     char **ret_buf, size_t *ret_size)
{
	char *buf = NULL;
	size_t cap = 0, size = 0;
	struct kx_error *err;
	if (max_size > SIZE_MAX / 2)
		max_size = SIZE_MAX / 2; // keeps max_size + 2 from wrapping
	for (;;) {
		// Always keep room for one byte past max_size, to tell "exactly
		// max_size" from "larger", and for the terminating NUL.
		if ((err = grow(&buf, &cap, size + 2)))
			goto fail;
		size_t want = cap - size - 1;
		if (want > max_size + 1 - size)
			want = max_size + 1 - size;
		size_t got;
		if ((err = kx_io_read(fd, buf + size, want, path, &got)))
			goto fail;
		size += got;
		if (size > max_size) {
			err = kx_error_file(KX_ERROR_OVERFLOW, path,
					    "file is larger than %zu bytes", max_size);
			goto fail;
		}
		if (got < want)
			break;
	}
	buf[size] = '\0';
	*ret_buf = buf;
	*ret_size = size;
	return NULL;
fail:
	free(buf);
	return err;
}

struct kx_error *kx_io_mkdirs(char *path)
{
	for (char *p = strchr(path + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		int rc = mkdir(path, 0755);
		int e = errno;
		if (p)
			*p = '/';
		if (rc != 0 && e != EEXIST)
			return kx_error_os(e, path, "cannot create %s", path);
		if (!p)
			return NULL;
	}
}
