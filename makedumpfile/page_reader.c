// SPDX-License-Identifier: GPL-2.0-only
// Mapped windows over the vmcore: see page_reader.h.
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_core.h"
#include "page_reader.h"
#include "vmcore.h"

#ifdef MADV_POPULATE_READ
#define KX_MADV_POPULATE_READ MADV_POPULATE_READ
#else
#define KX_MADV_POPULATE_READ 22  // <linux/mman.h>; older C libraries lack it
#endif

struct kx_page_reader {
	const struct kx_vmcore *vm;
	bool use_mmap;
	uint64_t host_page;
	uint64_t file_size;
	/** The mapped window [map_off, map_off + map_len); map NULL when none. */
	uint8_t *map;
	uint64_t map_off, map_len;
	/** Chunks of the window populated so far (bit i: chunk i). */
	uint32_t populated;
	/** A chunk that failed to populate: its pages are read instead. */
	uint64_t bad_off, bad_len;
	uint8_t *buf;
};

struct kx_error *kx_page_reader_create(const struct kx_vmcore *vm, bool use_mmap,
				       struct kx_page_reader **ret)
{
	struct kx_page_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return &kx_enomem;
	r->buf = malloc(vm->page_size);
	if (!r->buf) {
		free(r);
		return &kx_enomem;
	}
	long hp = sysconf(_SC_PAGESIZE);
	r->vm = vm;
	r->host_page = hp > 0 ? (uint64_t)hp : 4096;
	// A re-filtered dump's pages are compressed: nothing to map.
	r->use_mmap = use_mmap && vm->core && KX_PAGE_READER_WINDOW % r->host_page == 0;
	r->file_size = vm->core ? kx_elf_core_file_size(vm->core) : 0;
	*ret = r;
	return NULL;
}

static void unmap(struct kx_page_reader *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
}

void kx_page_reader_destroy(struct kx_page_reader *r)
{
	if (!r)
		return;
	unmap(r);
	free(r->buf);
	free(r);
}

bool kx_page_reader_maps(const struct kx_page_reader *r)
{
	return r->use_mmap;
}

// Chunks a window is populated in: at -d 31 the pages kept are a few
// percent of memory, so populating whole windows would fault in mostly
// pages never read.
enum { CHUNK = 256 * 1024 };
_Static_assert(KX_PAGE_READER_WINDOW / CHUNK <= 32, "one bit per chunk in populated");

// A page the disk cannot deliver would raise SIGBUS when touched through a
// mapping. MADV_POPULATE_READ (Linux 5.14) faults a chunk in first and
// reports such a failure instead: the chunk's pages are then read one by one
// and an unreadable page is just counted. EINVAL: an older kernel, or a
// mapping that is already complete (/proc/vmcore maps old memory eagerly):
// nothing to populate then.
static bool populate(struct kx_page_reader *r, uint64_t rel, uint64_t size)
{
	for (uint64_t c = rel / CHUNK; c <= (rel + size - 1) / CHUNK; c++) {
		if (r->populated >> c & 1)
			continue;
		uint64_t start = c * CHUNK;
		uint64_t len = r->map_len - start < CHUNK ? r->map_len - start : CHUNK;
		if (madvise(r->map + start, len, KX_MADV_POPULATE_READ) == 0) {
			r->populated |= 1u << c;
		} else if (errno == EINVAL) {
			r->populated = ~0u;
		} else {
			r->bad_off = r->map_off + start;
			r->bad_len = len;
			return false;
		}
	}
	return true;
}

// Map the window holding [off, off + size), which lies within the file.
// /proc/vmcore refuses mappings past its end, so the window stops there.
static bool map_window(struct kx_page_reader *r, uint64_t off, uint64_t size)
{
	uint64_t hp = r->host_page, start = off / KX_PAGE_READER_WINDOW * KX_PAGE_READER_WINDOW;
	if (off + size > start + KX_PAGE_READER_WINDOW)
		start = off / hp * hp;  // a page straddling two windows
	uint64_t end = start + KX_PAGE_READER_WINDOW;
	uint64_t file_end = (r->file_size + hp - 1) / hp * hp;
	if (end > file_end)
		end = file_end;
	unmap(r);
	void *p = mmap(NULL, end - start, PROT_READ, MAP_PRIVATE,
		       kx_elf_core_fd(r->vm->core), (off_t)start);
	if (p == MAP_FAILED) {
		r->use_mmap = false;  // not mappable (a pipe, an old kernel): read instead
		return false;
	}
	r->map = p;
	r->populated = 0;
	r->map_off = start;
	r->map_len = end - start;
	return true;
}

// A pointer into the mapping when the whole page is file data of one PT_LOAD.
static const void *mapped_page(struct kx_page_reader *r, uint64_t pfn)
{
	const struct kx_vmcore *vm = r->vm;
	struct kx_elf_core_extent ext;
	struct kx_error *err = kx_elf_core_paddr_extent(vm->core, pfn << vm->page_shift, &ext);
	if (err) {
		kx_error_destroy(err);
		return NULL;
	}
	if (!ext.has_data || ext.size < vm->page_size || ext.offset + vm->page_size > r->file_size)
		return NULL;
	if (ext.offset - r->bad_off < r->bad_len)
		return NULL;
	bool inside = r->map && ext.offset >= r->map_off &&
		      ext.offset + vm->page_size <= r->map_off + r->map_len;
	if (!inside && !map_window(r, ext.offset, vm->page_size))
		return NULL;
	uint64_t rel = ext.offset - r->map_off;
	return populate(r, rel, vm->page_size) ? r->map + rel : NULL;
}

struct kx_error *kx_page_reader_get(struct kx_page_reader *r, uint64_t pfn,
				    const void **ret)
{
	const void *p = r->use_mmap ? mapped_page(r, pfn) : NULL;
	if (!p) {
		KX_TRY(kx_vmcore_read_page(r->vm, pfn, r->buf));
		p = r->buf;
	}
	*ret = p;
	return NULL;
}
