// SPDX-License-Identifier: GPL-2.0-only
// A kdump-compressed dump as makedumpfile's input: see input_diskdump.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bitmap.h"
#include "diskdump.h"
#include "diskdump_reader.h"
#include "flattened.h"
#include "input_diskdump.h"
#include "io.h"

// Decoded pages kept: upstream's readmem cache has 8 ("4-level paging plus
// 4 data pages"), which is what a struct page read through vmemmap needs.
enum { CACHE_PAGES = 8 };

struct cached_page {
	uint64_t pfn;
	bool valid;
	uint8_t *data;
};

struct kx_input_diskdump {
	int fd;
	char *path;
	struct kx_diskdump_reader *reader;
	uint32_t block_size;
	pthread_mutex_t lock;
	bool lock_ready;
	struct cached_page cache[CACHE_PAGES];
	// The slot the next miss replaces: round robin is enough for 8 slots.
	size_t next_slot;
};

struct kx_error *kx_input_probe(int fd, const char *path, enum kx_input_kind *ret)
{
	// The stream's signature field: 16 bytes, NUL padded.
	static const char flat_sig[16] = KX_FLATTENED_SIGNATURE;
	uint8_t buf[sizeof(flat_sig)] = { 0 };
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return kx_error_os(errno, path, "reading the file type");
	enum kx_input_kind kind = KX_INPUT_ELF;
	if ((size_t)n >= KX_DISKDUMP_SIGNATURE_LEN &&
	    !memcmp(buf, KX_DISKDUMP_SIGNATURE, KX_DISKDUMP_SIGNATURE_LEN))
		kind = KX_INPUT_DISKDUMP;
	else if ((size_t)n == sizeof(buf) && !memcmp(buf, flat_sig, sizeof(buf)))
		kind = KX_INPUT_FLATTENED;
	*ret = kind;
	return NULL;
}

// Rebuild the flattened stream on @in into an anonymous file in @dir.
static struct kx_error *rebuild_flattened(int in, const char *path, const char *dir,
					  int *ret_fd)
{
	if (!dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char *tmpl = malloc(strlen(dir) + sizeof("/kdump_refilterXXXXXX"));
	if (!tmpl)
		return &kx_enomem;
	sprintf(tmpl, "%s/kdump_refilterXXXXXX", dir);
	int fd = mkstemp(tmpl);
	struct kx_error *err = fd < 0 ? kx_error_os(errno, tmpl, "creating a temporary file") : NULL;
	if (fd >= 0)
		unlink(tmpl); // gone when closed, even if we are killed
	if (!err)
		err = kx_flattened_rearrange(in, path, fd, tmpl, NULL);
	free(tmpl);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	*ret_fd = fd;
	return NULL;
}

// Upstream refuses the same inputs: a split part holds only some pages, and
// eraseinfo would have to be carried into the new dump (not done yet).
static struct kx_error *check_supported(const struct kx_input_diskdump *in)
{
	const struct kx_diskdump_sub_header *s = kx_diskdump_reader_sub_header(in->reader);
	if (s->split)
		return kx_error_file(KX_ERROR_UNSUPPORTED, in->path,
				     "is one part of a --split dump: --reassemble the parts first");
	if (s->size_eraseinfo)
		return kx_error_file(KX_ERROR_UNSUPPORTED, in->path,
				     "has eraseinfo, which re-filtering cannot carry over yet");
	return NULL;
}

static struct kx_error *open_steps(struct kx_input_diskdump *in, enum kx_input_kind kind,
				   const char *work_dir)
{
	int fd = open(in->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, in->path, "open");
	if (kind == KX_INPUT_FLATTENED) {
		int flat = fd;
		struct kx_error *err = rebuild_flattened(flat, in->path, work_dir, &fd);
		close(flat);
		KX_TRY(err);
	}
	in->fd = fd;
	KX_TRY(kx_diskdump_reader_create(fd, in->path, &in->reader));
	KX_TRY(check_supported(in));
	in->block_size = kx_diskdump_reader_layout(in->reader)->block_size;
	for (size_t i = 0; i < CACHE_PAGES; i++)
		if (!(in->cache[i].data = malloc(in->block_size)))
			return &kx_enomem;
	KX_CHECK(pthread_mutex_init(&in->lock, NULL) == 0, KX_ERROR_NOMEM,
		 "cannot create a mutex");
	in->lock_ready = true;
	return NULL;
}

struct kx_error *kx_input_diskdump_open(const char *path, enum kx_input_kind kind,
					const char *work_dir, struct kx_input_diskdump **ret)
{
	struct kx_input_diskdump *in = calloc(1, sizeof(*in));
	if (!in)
		return &kx_enomem;
	in->fd = -1;
	struct kx_error *err = (in->path = strdup(path)) ? open_steps(in, kind, work_dir)
							 : &kx_enomem;
	if (err) {
		kx_input_diskdump_destroy(in);
		return err;
	}
	*ret = in;
	return NULL;
}

void kx_input_diskdump_destroy(struct kx_input_diskdump *in)
{
	if (!in)
		return;
	if (in->lock_ready)
		pthread_mutex_destroy(&in->lock);
	for (size_t i = 0; i < CACHE_PAGES; i++)
		free(in->cache[i].data);
	kx_diskdump_reader_destroy(in->reader);
	if (in->fd >= 0)
		close(in->fd);
	free(in->path);
	free(in);
}

const char *kx_input_diskdump_path(const struct kx_input_diskdump *in)
{
	return in->path;
}

const struct kx_diskdump_reader *kx_input_diskdump_reader(const struct kx_input_diskdump *in)
{
	return in->reader;
}

// The decoded page @pfn, from the cache or the dump; the lock is held.
// Excluded pages become faults: to the reader of memory, both mean the
// bytes are not in the dump, and a fault names the address.
static struct kx_error *cached_page(struct kx_input_diskdump *in, uint64_t pfn,
				    const uint8_t **ret)
{
	for (size_t i = 0; i < CACHE_PAGES; i++) {
		if (in->cache[i].valid && in->cache[i].pfn == pfn) {
			*ret = in->cache[i].data;
			return NULL;
		}
	}
	struct cached_page *c = &in->cache[in->next_slot];
	c->valid = false;
	struct kx_error *err = kx_diskdump_reader_read_page(in->reader, pfn, c->data);
	if (kx_error_is(err, KX_ERROR_NODATA)) {
		struct kx_error *fault = kx_error_fault(pfn * in->block_size, "%s", err->message);
		kx_error_destroy(err);
		return fault;
	}
	KX_TRY(err);
	c->pfn = pfn;
	c->valid = true;
	in->next_slot = (in->next_slot + 1) % CACHE_PAGES;
	*ret = c->data;
	return NULL;
}

struct kx_error *kx_input_diskdump_read_page(struct kx_input_diskdump *in, uint64_t pfn,
					     void *buf)
{
	return kx_input_diskdump_read_phys(in, pfn * in->block_size, buf, in->block_size);
}

struct kx_error *kx_input_diskdump_read_phys(struct kx_input_diskdump *in, uint64_t paddr,
					     void *buf, size_t size)
{
	uint8_t *out = buf;
	struct kx_error *err = NULL;
	pthread_mutex_lock(&in->lock);
	while (size && !err) {
		uint64_t off = paddr % in->block_size;
		size_t n = in->block_size - off < size ? (size_t)(in->block_size - off) : size;
		const uint8_t *page;
		err = cached_page(in, paddr / in->block_size, &page);
		if (!err)
			memcpy(out, page + off, n);
		out += n;
		paddr += n;
		size -= n;
	}
	pthread_mutex_unlock(&in->lock);
	return err;
}

struct kx_error *kx_input_diskdump_mark(struct kx_input_diskdump *in, int which,
					struct kx_bitmap *bm)
{
	const struct kx_diskdump_layout *l = kx_diskdump_reader_layout(in->reader);
	uint64_t end = bm->start + bm->nr_bits;
	if (end > l->max_mapnr)
		end = l->max_mapnr;
	if (end <= bm->start)
		return NULL;
	// Windows start on a byte; the copy covers whole bytes up to end.
	uint64_t base = which == 1 ? l->offset_bitmap1 : l->offset_bitmap2;
	size_t bytes = (size_t)((end - bm->start + 7) / 8);
	KX_TRY(kx_io_pread_full(in->fd, bm->bits, bytes, base + bm->start / 8, in->path));
	// A tail beyond max_mapnr in the last byte is not memory.
	if (end % 8)
		bm->bits[bytes - 1] &= (uint8_t)((1u << (end % 8)) - 1);
	return NULL;
}
