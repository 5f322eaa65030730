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
 *
 * A [MODULE] section's symbols and types come from that module's
 * debuginfo (module_debuginfo.h), found for the dump's OSRELEASE and
 * relocated to where the dump's struct module says its sections are: the
 * module is looked up by name in the kernel's `modules` list, its core
 * range is core_layout.base/size (before 6.4) or the mem[MOD_TEXT ..
 * MOD_RO_AFTER_INIT] regions (6.4 on), its section addresses come from
 * sect_attrs (the table behind /sys/module/NAME/sections/), all laid out
 * by the vmlinux DWARF. As makedumpfile.conf(5) says, a section whose
 * module is not loaded is ignored, and one whose debuginfo cannot be found
 * is skipped; both are reported in the skip list.
 */
#ifndef KX_ERASE_DWARF_H
#define KX_ERASE_DWARF_H

#include <stddef.h>

#include "error.h"

struct kx_erase_conf;
struct kx_erase_map;
struct kx_root;
struct kx_vmcore;

/** Why the statements of a [MODULE] section were not run. */
enum kx_erase_skip_why {
	KX_ERASE_SKIP_NOT_LOADED,    /**< the dump has no module of that name */
	KX_ERASE_SKIP_NO_DEBUGINFO,  /**< no file, or one without DWARF */
};

/** One skipped section. */
struct kx_erase_skip {
	const char *module;          /**< the section name, owned by the conf */
	enum kx_erase_skip_why why;
	size_t nstmts;               /**< statements skipped */
	char *detail;                /**< KX_ERASE_SKIP_NO_DEBUGINFO: what failed */
};

/** The skipped sections of one kx_erase_build(), in file order. */
struct kx_erase_skips {
	struct kx_erase_skip *v;
	size_t n;
};

/** Free what @p skips holds (not @p skips). */
void kx_erase_skips_deinit(struct kx_erase_skips *skips);

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
 * @param root         where module debuginfo is searched (/lib/modules,
 *                     /usr/lib/debug)
 * @param ret          receives the map, owned by the caller
 * @param skips_ret    receives the skipped [MODULE] sections; the caller
 *                     calls kx_erase_skips_deinit() (also after an error)
 * @return NULL; KX_ERROR_OS/CORRUPT for an unreadable vmlinux or one
 *         without DWARF; "PATH:LINE: ..." errors (KX_ERROR_NOT_FOUND for a
 *         missing symbol or member, KX_ERROR_INVALID_ARG for a type that
 *         does not fit the command, errors of reading the dump, and for a
 *         [MODULE] section a module list or struct module that cannot be
 *         read: KX_ERROR_UNSUPPORTED for a layout not known, e.g. no
 *         sect_attrs); KX_ERROR_UNSUPPORTED without page tables; &kx_enomem.
 */
struct kx_error *kx_erase_build(const struct kx_erase_conf *conf, const char *vmlinux,
				const struct kx_vmcore *vm, const struct kx_root *root,
				struct kx_erase_map **ret, struct kx_erase_skips *skips_ret);

#endif /* KX_ERASE_DWARF_H */
