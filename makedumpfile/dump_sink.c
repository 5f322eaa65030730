// SPDX-License-Identifier: GPL-2.0-only
// Where a dump's bytes go: see dump_sink.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_sink.h"
#include "flattened.h"
#include "io.h"

void kx_dump_sink_init_file(struct kx_dump_sink *s, int fd, const char *path)
{
	*s = (struct kx_dump_sink){ .fd = fd, .path = path };
}

struct kx_error *kx_dump_sink_open_file(struct kx_dump_sink *s, const char *path, bool force)
{
	int flags = O_RDWR | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0600);
	if (fd < 0)
		return kx_error_os(errno, path, "Can't open the dump file");
	kx_dump_sink_init_file(s, fd, path);
	s->owns_fd = true;
	return NULL;
}

struct kx_error *kx_dump_sink_open_flattened(struct kx_dump_sink *s, int fd, const char *name)
{
	*s = (struct kx_dump_sink){ .fd = fd, .path = name ? name : "STDOUT", .flattened = true };
	return kx_flattened_write_header(fd, s->path);
}

struct kx_error *kx_dump_sink_write(struct kx_dump_sink *s, const void *buf, size_t size,
				    uint64_t offset)
{
	if (size == 0)
		return NULL;
	KX_CHECK(offset <= UINT64_MAX - size, KX_ERROR_INVALID_ARG,
		 "%s: a write at %llu, %zu bytes, wraps", s->path ? s->path : "dump file",
		 (unsigned long long)offset, size);
	struct kx_error *err = s->flattened
		? kx_flattened_write_record(s->fd, offset, buf, size, s->path)
		: kx_io_pwrite_full(s->fd, buf, size, offset, s->path);
	// The file size limit (RLIMIT_FSIZE, how -L works) is a full disk too.
	if (err && err != &kx_enomem && err->code == KX_ERROR_OS && err->errnum == EFBIG)
		err->code = KX_ERROR_NOSPACE;
	KX_TRY(err);
	if (offset + size > s->end)
		s->end = offset + size;
	return NULL;
}

struct kx_error *kx_dump_sink_reserve(struct kx_dump_sink *s, uint64_t size)
{
	if (s->flattened)
		return NULL;
	struct stat st;
	if (fstat(s->fd, &st) < 0)
		return kx_error_os(errno, s->path, "fstat");
	if ((uint64_t)st.st_size >= size || !S_ISREG(st.st_mode))
		return NULL;
	if (ftruncate(s->fd, (off_t)size) == 0)
		return NULL;
	struct kx_error *err = kx_error_os(errno, s->path, "extending to %llu bytes",
					   (unsigned long long)size);
	if (err != &kx_enomem && (err->errnum == EFBIG || err->errnum == ENOSPC))
		err->code = KX_ERROR_NOSPACE;
	return err;
}

bool kx_dump_sink_can_rewrite(const struct kx_dump_sink *s)
{
	return !s->flattened;
}

struct kx_error *kx_dump_sink_finish(struct kx_dump_sink *s)
{
	return s->flattened ? kx_flattened_write_end(s->fd, s->path) : NULL;
}

uint64_t kx_dump_sink_size(const struct kx_dump_sink *s)
{
	struct stat st;
	if (!s->flattened && fstat(s->fd, &st) == 0)
		return (uint64_t)st.st_size;
	return s->end;
}

struct kx_error *kx_dump_sink_close(struct kx_dump_sink *s)
{
	if (!s->owns_fd)
		return NULL;
	s->owns_fd = false;
	int rc = close(s->fd);
	s->fd = -1;
	return rc < 0 ? kx_error_os(errno, s->path, "close") : NULL;
}
