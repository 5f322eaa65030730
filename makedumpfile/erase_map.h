/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file erase_map.h
 * What --config erases, as physical byte ranges with their fill, plus the
 * eraseinfo text that the dump records about it.
 *
 * A map is built (kx_erase_map_add(), kx_erase_map_add_info()), then
 * frozen by kx_erase_map_finish(), which sorts the ranges and makes them
 * disjoint. A frozen map is never modified again, so the pipeline's worker
 * threads share it without locks.
 */
#ifndef KX_ERASE_MAP_H
#define KX_ERASE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "error.h"
#include "ranges.h"

struct kx_elf_core;

enum {
	/** Fill of erased data: upstream poisons with 'X' (0x58). */
	KX_ERASE_FILL_X = 'X',
	/** Fill of a nullified pointer. */
	KX_ERASE_FILL_NULL = 0,
	/** Most ranges one map holds (a runaway list walk stops here). */
	KX_ERASE_MAP_MAX_RANGES = 4 * 1024 * 1024,
};

/** Physical bytes [start, end) that read as @p fill in the dump. */
struct kx_erase_range {
	uint64_t start, end;
	uint8_t fill;
};

struct kx_erase_map {
	/** While building: what reads as 'X' and what as zeros. */
	struct kx_ranges x, zero;
	/** Once frozen: both, disjoint and sorted by start. */
	struct kx_erase_range *ranges;
	size_t nranges;
	/** Eraseinfo text: lines "erase EXPR size N" or "erase EXPR nullify". */
	char *info;
	size_t info_size, info_cap;
	bool frozen;
};

/** Create an empty map. @return NULL or &kx_enomem. */
struct kx_error *kx_erase_map_create(struct kx_erase_map **ret);

/** Free @p map. NULL is accepted. */
void kx_erase_map_destroy(struct kx_erase_map *map);

/**
 * Record that @p size bytes at physical @p start read as @p fill. Where a
 * nullify (zero) range and an 'X' range overlap, the zero wins: a pointer
 * set to NULL must read as NULL.
 * @return NULL; KX_ERROR_OVERFLOW when the range wraps; KX_ERROR_NOSPACE
 *   beyond KX_ERASE_MAP_MAX_RANGES added; KX_ERROR_INVALID_ARG once frozen; &kx_enomem.
 */
struct kx_error *kx_erase_map_add(struct kx_erase_map *map, uint64_t start, uint64_t size,
				  uint8_t fill);

/** Append one line (without its newline) to the eraseinfo text. */
struct kx_error *kx_erase_map_add_info(struct kx_erase_map *map, const char *fmt, ...)
	KX_PRINTF(2, 3);

/** Sort and merge the ranges; the map is read-only afterwards. @return NULL or &kx_enomem. */
struct kx_error *kx_erase_map_finish(struct kx_erase_map *map);

/** Does page frame @p pfn (of @p page_size bytes) hold any erased byte? Frozen maps only. */
bool kx_erase_map_touches(const struct kx_erase_map *map, uint64_t pfn, uint64_t page_size);

/**
 * Overwrite the erased bytes of page frame @p pfn held in @p page
 * (@p page_size bytes). Frozen maps only; thread-safe.
 * @return whether any byte was overwritten.
 */
bool kx_erase_map_apply(const struct kx_erase_map *map, uint64_t pfn, uint64_t page_size,
			void *page);

/**
 * The eraseinfo an ELF core carries: the descriptors of its notes named
 * "ERASEINFO" with type 0, one after the other, in file order.
 * @param ret       a new NUL-terminated buffer, owned by the caller (empty
 *                  when there is no such note)
 * @param size_ret  its length
 * @return NULL or &kx_enomem.
 */
struct kx_error *kx_erase_map_elf_info(const struct kx_elf_core *core, char **ret,
				       size_t *size_ret);

/** Largest eraseinfo read back from a dump. */
enum { KX_ERASE_MAP_MAX_INFO = 64 * 1024 * 1024 };

/**
 * Read the eraseinfo text of the dump @p path (--eraseinfo): a
 * kdump-compressed file (the text the sub header points at) or an ELF dump
 * (the descriptors of its notes named "ERASEINFO", type 0, one after the
 * other).
 * @param ret       a new NUL-terminated buffer, owned by the caller (empty
 *                  when the dump erased nothing)
 * @param size_ret  its length
 * @return NULL; errors of opening or validating the dump; KX_ERROR_CORRUPT
 *         when the eraseinfo lies beyond the file or exceeds
 *         KX_ERASE_MAP_MAX_INFO; KX_ERROR_UNSUPPORTED for a flattened
 *         stream; &kx_enomem.
 */
struct kx_error *kx_erase_map_read_info(const char *path, char **ret, size_t *size_ret);

#endif /* KX_ERASE_MAP_H */
