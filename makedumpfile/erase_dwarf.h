/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file erase_dwarf.h
 * Resolve a parsed filter config (erase_conf.h) against a vmlinux's DWARF
 * and the dead kernel's memory into an erase map (erase_map.h).
 *
 * Symbols come from the vmlinux given with -x and are moved by the KASLR
 * slide (VMCOREINFO KERNELOFFSET); pointers are read from the vmcore and
 * every virtual address goes through the dead kernel's page tables. The
 * '.' of an expression follows a pointer when the value left of it is one,
 * as makedumpfile.conf(5) says.
 *
 * What one erase command erases:
 *  - nullify: the pointer itself, set to NULL (zeros);
 *  - size N / size EXPR: N bytes of the target, or, when the target is a
 *    pointer, N bytes of what it points to;
 *  - no size: the target's type size; for a pointer, the pointee's type
 *    size, or for char * the string (strlen, at most 1024 bytes); a void *
 *    is left alone.
 * Loops walk arrays, NULL- or cycle-terminated lists (via), and list_head
 * lists (within), at most KX_ERASE_MAX_ITER elements.
 */
#ifndef KX_ERASE_DWARF_H
#define KX_ERASE_DWARF_H

#include <stddef.h>

#include "error.h"

struct kx_erase_conf;
struct kx_erase_map;
struct kx_vmcore;

enum {
	/** Most elements a loop visits: a corrupt list must not hang us. */
	KX_ERASE_MAX_ITER = 1024 * 1024,
	/** Most bytes one erase command may cover. */
	KX_ERASE_MAX_SIZE = 1024 * 1024 * 1024,
	/** Upper limit of a char * string's length (upstream's). */
	KX_ERASE_MAX_STRING = 1024,
};

/**
 * Build the frozen erase map of @p conf.
 * @param vmlinux      the kernel with debug information (-x)
 * @param vm           the vmcore; needs page tables (vm->vtop)
 * @param ret          receives the map, owned by the caller
 * @param skipped_ret  receives the number of statements in sections other
 *                     than [vmlinux], which need module debuginfo and are skipped
 * @return NULL; KX_ERROR_OS/CORRUPT for an unreadable vmlinux or one
 *         without DWARF; "PATH:LINE: ..." errors (KX_ERROR_NOT_FOUND for a
 *         missing symbol or member, KX_ERROR_INVALID_ARG for a type that
 *         does not fit the command, errors of reading the dump);
 *         KX_ERROR_UNSUPPORTED without page tables; &kx_enomem.
 */
struct kx_error *kx_erase_build(const struct kx_erase_conf *conf, const char *vmlinux,
				const struct kx_vmcore *vm, struct kx_erase_map **ret,
				size_t *skipped_ret);

#endif /* KX_ERASE_DWARF_H */
