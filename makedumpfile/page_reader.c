// SPDX-License-Identifier: GPL-2.0-only
// Mapped windows over the vmcore: see page_reader.h.
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
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

// A window's chunks (see populate()) as bits: set in claimed by the thread
// that populates the chunk, in populated once it is faulted in, in bad when
// the disk failed part of it.
struct kx_page_window {
	uint8_t *map;
	uint64_t off, len;
	atomic_uint_least32_t claimed, populated, bad;
	/** The newest batch that uses the window. */
	uint64_t last_seq;
};

struct kx_page_reader {
	const struct kx_vmcore *vm;
	bool use_mmap;
	uint64_t host_page;
	uint64_t file_size;
	/** The windows in mapping order, a ring: count of them from head. */
	struct kx_page_window win[KX_PAGE_READER_MAX_WINDOWS];
	unsigned int head, count;
};

struct kx_error *kx_page_reader_create(const struct kx_vmcore *vm, bool use_mmap,
				       struct kx_page_reader **ret)
{
	struct kx_page_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return &kx_enomem;
	long hp = sysconf(_SC_PAGESIZE);
	r->vm = vm;
	r->host_page = hp > 0 ? (uint64_t)hp : 4096;
	// A re-filtered dump's pages are compressed: nothing to map.
	r->use_mmap = use_mmap && vm->core && KX_PAGE_READER_WINDOW % r->host_page == 0;
	r->file_size = vm->core ? kx_elf_core_file_size(vm->core) : 0;
	*ret = r;
	return NULL;
}

static struct kx_page_window *nth(struct kx_page_reader *r, unsigned int i)
{
	return &r->win[(r->head + i) % KX_PAGE_READER_MAX_WINDOWS];
}

static void unmap_oldest(struct kx_page_reader *r)
{
	struct kx_page_window *w = nth(r, 0);
	munmap(w->map, w->len);
	w->map = NULL;
	r->head = (r->head + 1) % KX_PAGE_READER_MAX_WINDOWS;
	r->count--;
}

void kx_page_reader_destroy(struct kx_page_reader *r)
{
	if (!r)
		return;
	while (r->count)
		unmap_oldest(r);
	free(r);
}

void kx_page_reader_release(struct kx_page_reader *r, uint64_t done_seq)
{
	// Windows are used in mapping order, so their last_seq only grows.
	while (r->count > 1 && nth(r, 0)->last_seq <= done_seq)
		unmap_oldest(r);
}

// Chunks a window is populated in: at -d 31 the pages kept are a few
// percent of memory, so populating whole windows would fault in mostly
// pages never read.
enum { CHUNK = 256 * 1024 };
_Static_assert(KX_PAGE_READER_MAX_WINDOWS >= 2, "the newest window stays while others go");
_Static_assert(KX_PAGE_READER_WINDOW / CHUNK <= 32, "one bit per chunk in populated");

// Map a window holding [off, off + size), which lies within the file, as
// the newest. /proc/vmcore refuses mappings past its end, so the window
// stops there. False when the file cannot be mapped.
static bool map_window(struct kx_page_reader *r, uint64_t off, uint64_t size)
{
	uint64_t hp = r->host_page, start = off / KX_PAGE_READER_WINDOW * KX_PAGE_READER_WINDOW;
	if (off + size > start + KX_PAGE_READER_WINDOW)
		start = off / hp * hp;  // a page straddling two windows
	uint64_t end = start + KX_PAGE_READER_WINDOW;
	uint64_t file_end = (r->file_size + hp - 1) / hp * hp;
	if (end > file_end)
		end = file_end;
	void *p = mmap(NULL, end - start, PROT_READ, MAP_PRIVATE,
		       kx_elf_core_fd(r->vm->core), (off_t)start);
	if (p == MAP_FAILED) {
		r->use_mmap = false;  // not mappable (a pipe, an old kernel): read instead
		return false;
	}
	struct kx_page_window *w = nth(r, r->count++);
	w->map = p;
	w->off = start;
	w->len = end - start;
	atomic_init(&w->claimed, 0);
	atomic_init(&w->populated, 0);
	atomic_init(&w->bad, 0);
	return true;
}

// The file offset of the page when the whole page is file data of one PT_LOAD.
static bool page_offset(const struct kx_page_reader *r, uint64_t pfn, uint64_t *off)
{
	const struct kx_vmcore *vm = r->vm;
	struct kx_elf_core_extent ext;
	struct kx_error *err = kx_elf_core_paddr_extent(vm->core, pfn << vm->page_shift, &ext);
	if (err) {
		kx_error_destroy(err);
		return false;
	}
	if (!ext.has_data || ext.size < vm->page_size || ext.offset + vm->page_size > r->file_size)
		return false;
	*off = ext.offset;
	return true;
}

bool kx_page_reader_locate(struct kx_page_reader *r, uint64_t pfn, uint64_t seq,
			   struct kx_page_ref *ret)
{
	uint64_t off, size = r->vm->page_size;
	if (!r->use_mmap || !page_offset(r, pfn, &off)) {
		*ret = (struct kx_page_ref){ 0 };
		return true;
	}
	struct kx_page_window *w = r->count ? nth(r, r->count - 1) : NULL;
	if (!w || off < w->off || off + size > w->off + w->len) {
		if (r->count == KX_PAGE_READER_MAX_WINDOWS)
			return false;
		if (!map_window(r, off, size)) {
			*ret = (struct kx_page_ref){ 0 };
			return true;
		}
		w = nth(r, r->count - 1);
	}
	w->last_seq = seq;
	*ret = (struct kx_page_ref){ .win = w, .rel = (uint32_t)(off - w->off) };
	return true;
}

// A page the disk cannot deliver would raise SIGBUS when touched through a
// mapping. MADV_POPULATE_READ (Linux 5.14) faults a chunk in first and
// reports such a failure instead: the chunk's pages are then read one by one
// and an unreadable page is just counted. EINVAL: an older kernel, or a
// mapping that is already complete (/proc/vmcore maps old memory eagerly):
// nothing to populate then. One thread populates a chunk: another that
// needs a page of it meanwhile reads that page instead of faulting the
// chunk in a second time (adjacent batches, on two threads, share chunks).
static bool populate(struct kx_page_window *w, uint64_t rel, uint64_t size)
{
	for (uint64_t c = rel / CHUNK; c <= (rel + size - 1) / CHUNK; c++) {
		uint32_t bit = UINT32_C(1) << c;
		if (atomic_load_explicit(&w->populated, memory_order_acquire) & bit)
			continue;
		if (atomic_load_explicit(&w->bad, memory_order_relaxed) & bit)
			return false;
		if (atomic_fetch_or_explicit(&w->claimed, bit, memory_order_relaxed) & bit)
			return false;
		uint64_t start = c * CHUNK;
		uint64_t len = w->len - start < CHUNK ? w->len - start : CHUNK;
		if (madvise(w->map + start, len, KX_MADV_POPULATE_READ) == 0)
			atomic_fetch_or_explicit(&w->populated, bit, memory_order_release);
		else if (errno == EINVAL)
			atomic_store_explicit(&w->populated, UINT32_MAX, memory_order_release);
		else {
			atomic_fetch_or_explicit(&w->bad, bit, memory_order_relaxed);
			return false;
		}
	}
	return true;
}

struct kx_error *kx_page_reader_get(struct kx_page_reader *r, const struct kx_page_ref *ref,
				    uint64_t pfn, void *buf, const void **ret)
{
	if (ref->win && populate(ref->win, ref->rel, r->vm->page_size)) {
		*ret = ref->win->map + ref->rel;
		return NULL;
	}
	KX_TRY(kx_vmcore_read_page(r->vm, pfn, buf));
	*ret = buf;
	return NULL;
}

