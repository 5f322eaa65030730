/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file elf_deps.h
 * What a program needs to run: its ELF interpreter (PT_INTERP) and the
 * shared libraries it names (DT_NEEDED), read with elfutils' libelf; or, for
 * a script, the interpreter of its `#!` line. Then where the dynamic linker
 * would find each library (kx_elf_deps_find()).
 */
#ifndef KX_KDUMPCTL_ELF_DEPS_H
#define KX_KDUMPCTL_ELF_DEPS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "notes.h"

struct kx_root;

/** One file's dependencies. Caller memory; kx_elf_deps_deinit(). */
struct kx_elf_deps {
	bool elf;             /**< an ELF file (else a script or data) */
	int elf_class;        /**< ELFCLASS32/64, for matching libraries */
	uint16_t machine;     /**< e_machine, likewise */
	char *interp;         /**< PT_INTERP or the `#!` program; NULL when none */
	struct kx_notes needed;  /**< DT_NEEDED names, in file order */
	struct kx_notes runpath; /**< DT_RUNPATH (else DT_RPATH) directories */
};

/**
 * Read the dependencies of @p path (a full file-system path: no root prefix
 * is added).
 * @return KX_ERROR_OS when the file cannot be read; KX_ERROR_CORRUPT when
 *         libelf rejects an ELF file's headers or dynamic section.
 */
struct kx_error *kx_elf_deps_read(const char *path, struct kx_elf_deps *ret);

void kx_elf_deps_deinit(struct kx_elf_deps *deps);

/**
 * Find library @p name for a program with @p deps as ld.so would: the
 * program's run path, then @p dirs (kx_ldpath_read()), taking the first
 * regular file (after symbolic links) that is an ELF file of the same class
 * and machine.
 * @param[out] ret the library's system path (below @p root), malloc'd.
 * @return KX_ERROR_NOT_FOUND `library NAME not found` when none is.
 */
struct kx_error *kx_elf_deps_find(const struct kx_root *root, const struct kx_elf_deps *deps,
				  const struct kx_notes *dirs, const char *name, char **ret);

#endif /* KX_KDUMPCTL_ELF_DEPS_H */
