/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dump_sink.h
 * Where a dump's bytes go: a file written at offsets, or a flattened
 * stream (common/flattened.h) on a descriptor that cannot seek (-F).
 *
 * The dump writers address every write by its file offset; a file sink
 * pwrite()s it, a flattened sink turns it into one record. So a dump
 * written through either sink rebuilds (-R) to the same bytes, except that
 * a flattened sink cannot rewrite what it already sent (no INCOMPLETE mark)
 * and does not extend the file with holes (kx_dump_sink_reserve()).
 *
 * The struct is public so callers can keep it on the stack; its fields are
 * read-only outside dump_sink.c.
 */
#ifndef KX_DUMP_SINK_H
#define KX_DUMP_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_dump_sink {
	int fd;
	/** For messages; not owned, must outlive the sink; may be NULL. */
	const char *path;
	/** Records instead of pwrite(). */
	bool flattened;
	/** The descriptor was opened by kx_dump_sink_open_file() and is closed by close. */
	bool owns_fd;
	/** Highest offset + size written so far. */
	uint64_t end;
};

/** Write to the file already open on @p fd (not owned) at offsets. */
void kx_dump_sink_init_file(struct kx_dump_sink *s, int fd, const char *path);

/**
 * Create the dump file @p path (O_RDWR, mode 0600, O_EXCL unless @p force,
 * truncated otherwise) and write to it at offsets.
 * @return KX_ERROR_OS "Can't open the dump file" naming @p path.
 */
struct kx_error *kx_dump_sink_open_file(struct kx_dump_sink *s, const char *path, bool force);

/**
 * Start a flattened stream on @p fd (not owned): writes the 4096-byte
 * header at once.
 * @param name for messages ("STDOUT").
 */
struct kx_error *kx_dump_sink_open_flattened(struct kx_dump_sink *s, int fd, const char *name);

/**
 * Write @p size bytes at file offset @p offset (one record when
 * flattened; nothing at all when @p size is 0).
 * @return errors of kx_io_pwrite_full() / kx_io_write_full(); ENOSPC,
 *         EDQUOT and EFBIG (the file size limit) are KX_ERROR_NOSPACE.
 */
struct kx_error *kx_dump_sink_write(struct kx_dump_sink *s, const void *buf, size_t size,
				    uint64_t offset);

/**
 * Make a regular output file at least @p size bytes long, as a hole, so a
 * dump that stops early still holds every byte before @p size. Does nothing
 * for a flattened stream or a file that is not regular.
 * @return KX_ERROR_NOSPACE when the file cannot grow (EFBIG, ENOSPC).
 */
struct kx_error *kx_dump_sink_reserve(struct kx_dump_sink *s, uint64_t size);

/** True when bytes already written can be rewritten (a file, not a stream). */
bool kx_dump_sink_can_rewrite(const struct kx_dump_sink *s);

/** End a flattened stream with its terminator; nothing for a file. Call only on success. */
struct kx_error *kx_dump_sink_finish(struct kx_dump_sink *s);

/** Size of the output: the file's size, or the end of the highest record. */
uint64_t kx_dump_sink_size(const struct kx_dump_sink *s);

/** Close a file opened by kx_dump_sink_open_file(); nothing otherwise. */
struct kx_error *kx_dump_sink_close(struct kx_dump_sink *s);

#endif /* KX_DUMP_SINK_H */
