/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file mem_usage.h
 * --mem-usage: how the running system's pages would be classified by a
 * dump at -d 31, from /proc/kcore, to size the dump target beforehand.
 *
 * /proc/kcore is an ELF core of the running kernel whose RAM segments carry
 * their physical address (Linux 4.11+) and whose note segment holds
 * VMCOREINFO (4.19+); it opens as a vmcore (segments without a physical
 * address are skipped). Memory reserved for the crash kernel is not part of
 * the system the table describes, as upstream has it.
 */
#ifndef KX_MEM_USAGE_H
#define KX_MEM_USAGE_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct kx_ranges;
struct kx_root;
struct kx_vmcore;

/** The table upstream prints, in pages. */
struct kx_mem_usage {
	uint64_t page_size;
	/** Pages of memory present, crash kernel reservation excluded. */
	uint64_t total;
	uint64_t zero, cache, cache_private, user, free;
	/** What a -d 31 dump would still hold: the rest. */
	uint64_t kern_data;
};

/**
 * Classify every page of @p vm as -d 31 does, reading each page it keeps
 * to find the zero pages.
 * @param exclude physical ranges [start, end) left out (the crash kernel's);
 *        may be NULL.
 * @return NULL; errors of filtering (no VMCOREINFO, no mem_map) or reading.
 */
struct kx_error *kx_mem_usage_count(struct kx_vmcore *vm, const struct kx_ranges *exclude,
				    struct kx_mem_usage *ret);

/** Print @p u in upstream's layout. */
void kx_mem_usage_print(const struct kx_mem_usage *u, FILE *out);

/**
 * The whole of --mem-usage: open @p kcore, leave out the "Crash kernel"
 * ranges of /proc/iomem (read through @p root), count and print to @p out.
 * Unlike upstream 1.7.2, a system without a crash kernel reservation is
 * not an error: the table is as useful before crashkernel= is set.
 */
struct kx_error *kx_mem_usage_run(const char *kcore, const struct kx_root *root, FILE *out);

#endif /* KX_MEM_USAGE_H */
