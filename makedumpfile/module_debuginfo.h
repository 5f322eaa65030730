/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file module_debuginfo.h
 * The debug information of one kernel module of a dead kernel, its
 * symbols placed where the dump says the module's sections were loaded.
 *
 * The file is searched for by name the way elfutils' offline kernel
 * search does (dwfl_linux_kernel_report_offline(3)'s layout): a file
 * NAME.ko (also NAME.ko.debug, NAME.ko.xz/.gz/.zst) anywhere below
 * /usr/lib/debug/lib/modules/RELEASE, then below /lib/modules/RELEASE,
 * with '-' and '_' in the name the same; a file found under /lib/modules
 * without DWARF has its separate debug file looked up by libdwfl
 * (build ID or .gnu_debuglink under /usr/lib/debug). Every path is read
 * under a struct kx_root, so tests point the search at a fake tree.
 *
 * A module is a relocatable object (ET_REL): libdwfl applies its
 * relocations, asking for each allocated section's address, which comes
 * from the caller's table (the dead kernel's struct module); a section
 * missing from it is taken as not loaded.
 */
#ifndef KX_MODULE_DEBUGINFO_H
#define KX_MODULE_DEBUGINFO_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_root;

/** Where one section of a module was loaded. */
struct kx_module_section {
	char *name;
	uint64_t addr;
};

enum {
	/** Deepest directory level searched below a modules directory. */
	KX_MODULE_SEARCH_DEPTH = 16,
	/** Most sections a module's table may have. */
	KX_MODULE_MAX_SECTIONS = 4096,
};

/**
 * Find the file holding module @p name's debug information for kernel
 * @p release under @p root.
 * @param[out] ret malloc'd path (prefix included); caller frees.
 * @return NULL; KX_ERROR_NOT_FOUND "no debuginfo for module NAME in DIR, DIR"
 *         when no file matches; KX_ERROR_INVALID_ARG for a release with '/';
 *         &kx_enomem.
 */
struct kx_error *kx_module_debuginfo_find(const struct kx_root *root, const char *release,
					  const char *name, char **ret);

/** True when module names @p a and @p b are the same, '-' matching '_'. */
bool kx_module_debuginfo_same_name(const char *a, const char *b);

struct kx_module_debuginfo;

/**
 * Open module @p name's file @p path (from kx_module_debuginfo_find()),
 * loaded at [@p start, @p end) with its sections at @p sections (copied).
 * @return NULL; KX_ERROR_NOT_FOUND "PATH: no DWARF ..." when neither the
 *         file nor a separate debug file has DWARF; &kx_enomem.
 */
struct kx_error *kx_module_debuginfo_open(const struct kx_root *root, const char *name,
					  const char *path, uint64_t start, uint64_t end,
					  const struct kx_module_section *sections,
					  size_t nsections, struct kx_module_debuginfo **ret);

/**
 * The relocated DWARF of @p di (owned by @p di); @p bias_ret receives what
 * to add to its addresses.
 */
Dwarf *kx_module_debuginfo_dwarf(const struct kx_module_debuginfo *di, uint64_t *bias_ret);

/** Free @p di. NULL is accepted. */
void kx_module_debuginfo_destroy(struct kx_module_debuginfo *di);

#endif /* KX_MODULE_DEBUGINFO_H */
