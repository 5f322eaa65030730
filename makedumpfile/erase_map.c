// SPDX-License-Identifier: GPL-2.0-only
// Erased physical ranges and eraseinfo text: see erase_map.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diskdump.h"
#include "diskdump_reader.h"
#include "elf_core.h"
#include "erase_map.h"
#include "input_diskdump.h"
#include "io.h"

struct kx_error *kx_erase_map_create(struct kx_erase_map **ret)
{
	struct kx_erase_map *m = calloc(1, sizeof(*m));
	if (!m)
		return &kx_enomem;
	kx_ranges_init(&m->x);
	kx_ranges_init(&m->zero);
	*ret = m;
	return NULL;
}

void kx_erase_map_destroy(struct kx_erase_map *map)
{
	if (!map)
		return;
	kx_ranges_deinit(&map->x);
	kx_ranges_deinit(&map->zero);
	free(map->ranges);
	free(map->info);
	free(map);
}

struct kx_error *kx_erase_map_add(struct kx_erase_map *map, uint64_t start, uint64_t size,
				  uint8_t fill)
{
	KX_CHECK(!map->frozen, KX_ERROR_INVALID_ARG, "the erase map is already built");
	// Counting additions, not ranges, bounds the work a runaway walk causes.
	KX_CHECK(map->nranges < KX_ERASE_MAP_MAX_RANGES, KX_ERROR_NOSPACE,
		 "more than %d erase ranges", KX_ERASE_MAP_MAX_RANGES);
	map->nranges++;
	return kx_ranges_add_size(fill == KX_ERASE_FILL_NULL ? &map->zero : &map->x, start, size);
}

struct kx_error *kx_erase_map_add_info(struct kx_erase_map *map, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kx_error_create(KX_ERROR_INVALID_ARG, "bad eraseinfo format");
	size_t need = map->info_size + (size_t)n + 2;  // the newline and a NUL
	if (need > map->info_cap) {
		size_t cap = need * 2;
		char *p = realloc(map->info, cap);
		if (!p)
			return &kx_enomem;
		map->info = p;
		map->info_cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(map->info + map->info_size, (size_t)n + 1, fmt, ap);
	va_end(ap);
	map->info_size += (size_t)n;
	map->info[map->info_size++] = '\n';
	map->info[map->info_size] = '\0';
	return NULL;
}

// Interleave the 'X' ranges (minus the zeros) and the zero ranges by start.
static struct kx_error *combine(struct kx_erase_map *m)
{
	KX_TRY(kx_ranges_exclude_set(&m->x, &m->zero));
	size_t nx = m->x.count, nz = m->zero.count;
	m->ranges = malloc((nx + nz + 1) * sizeof(*m->ranges));
	if (!m->ranges)
		return &kx_enomem;
	size_t xi = 0, zi = 0;
	m->nranges = 0;
	while (xi < nx || zi < nz) {
		bool take_x = zi == nz || (xi < nx && m->x.ranges[xi].start < m->zero.ranges[zi].start);
		const struct kx_range *r = take_x ? &m->x.ranges[xi++] : &m->zero.ranges[zi++];
		m->ranges[m->nranges++] = (struct kx_erase_range){
			r->start, r->end, take_x ? KX_ERASE_FILL_X : KX_ERASE_FILL_NULL
		};
	}
	return NULL;
}

struct kx_error *kx_erase_map_finish(struct kx_erase_map *map)
{
	if (map->frozen)
		return NULL;
	KX_TRY(combine(map));
	kx_ranges_deinit(&map->x);
	kx_ranges_deinit(&map->zero);
	map->frozen = true;
	return NULL;
}

// Index of the first range ending after @addr.
static size_t first_after(const struct kx_erase_map *map, uint64_t addr)
{
	size_t lo = 0, hi = map->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (map->ranges[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool kx_erase_map_touches(const struct kx_erase_map *map, uint64_t pfn, uint64_t page_size)
{
	uint64_t start = pfn * page_size;
	size_t i = first_after(map, start);
	return i < map->nranges && map->ranges[i].start < start + page_size;
}

bool kx_erase_map_apply(const struct kx_erase_map *map, uint64_t pfn, uint64_t page_size,
			void *page)
{
	uint64_t start = pfn * page_size, end = start + page_size;
	bool changed = false;
	for (size_t i = first_after(map, start); i < map->nranges; i++) {
		const struct kx_erase_range *r = &map->ranges[i];
		if (r->start >= end)
			break;
		uint64_t s = r->start > start ? r->start : start;
		uint64_t e = r->end < end ? r->end : end;
		memset((uint8_t *)page + (s - start), r->fill, (size_t)(e - s));
		changed = true;
	}
	return changed;
}

// A kdump-compressed dump: the sub header says where the text is.
static struct kx_error *read_info_diskdump(int fd, const char *path, char **ret,
					   size_t *size_ret)
{
	struct kx_diskdump_reader *r;
	KX_TRY(kx_diskdump_reader_create(fd, path, &r));
	const struct kx_diskdump_sub_header *sub = kx_diskdump_reader_sub_header(r);
	uint64_t off = sub->offset_eraseinfo, size = sub->size_eraseinfo;
	kx_diskdump_reader_destroy(r);
	KX_CHECK(size <= KX_ERASE_MAP_MAX_INFO, KX_ERROR_CORRUPT,
		 "%s: eraseinfo of %llu bytes is more than %d", path, (unsigned long long)size,
		 KX_ERASE_MAP_MAX_INFO);
	char *text = malloc((size_t)size + 1);
	if (!text)
		return &kx_enomem;
	struct kx_error *err = size ? kx_io_pread_full(fd, text, (size_t)size, off, path) : NULL;
	if (err) {
		free(text);
		return kx_error_prefix(err, "reading the eraseinfo at %llu", (unsigned long long)off);
	}
	text[size] = '\0';
	*ret = text;
	*size_ret = (size_t)size;
	return NULL;
}

struct kx_error *kx_erase_map_elf_info(const struct kx_elf_core *core, char **ret,
				       size_t *size_ret)
{
	size_t n, size = 0;
	const struct kx_elf_core_note *notes = kx_elf_core_notes(core, &n);
	for (size_t i = 0; i < n; i++)
		if (notes[i].type == 0 && kx_elf_core_note_name_is(&notes[i], "ERASEINFO"))
			size += notes[i].descsz;  // the core caps notes at 64 MiB in all
	char *text = malloc(size + 1);
	if (!text)
		return &kx_enomem;
	size = 0;
	for (size_t i = 0; i < n; i++) {
		if (notes[i].type != 0 || !kx_elf_core_note_name_is(&notes[i], "ERASEINFO"))
			continue;
		memcpy(text + size, notes[i].desc, notes[i].descsz);
		size += notes[i].descsz;
	}
	text[size] = '\0';
	*ret = text;
	*size_ret = size;
	return NULL;
}

// An ELF dump (-E): the text is in ERASEINFO notes.
static struct kx_error *read_info_elf(int fd, const char *path, char **ret, size_t *size_ret)
{
	struct kx_elf_core *core;
	KX_TRY(kx_elf_core_create(fd, path, &core));
	struct kx_error *err = kx_erase_map_elf_info(core, ret, size_ret);
	kx_elf_core_destroy(core);
	return err;
}

static struct kx_error *read_info(int fd, const char *path, char **ret, size_t *size_ret)
{
	enum kx_input_kind kind;
	KX_TRY(kx_input_probe(fd, path, &kind));
	if (kind == KX_INPUT_ELF)
		return read_info_elf(fd, path, ret, size_ret);
	if (kind == KX_INPUT_FLATTENED)
		return kx_error_file(KX_ERROR_UNSUPPORTED, path, "is a flattened stream: "
				     "rebuild the dump with makedumpfile -R first");
	return read_info_diskdump(fd, path, ret, size_ret);
}

struct kx_error *kx_erase_map_read_info(const char *path, char **ret, size_t *size_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, path, "opening the dump");
	struct kx_error *err = read_info(fd, path, ret, size_ret);
	close(fd);
	return err;
}
