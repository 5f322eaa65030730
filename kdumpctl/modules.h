/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file modules.h
 * Kernel modules for the capture initramfs: /lib/modules/<kver>/modules.dep
 * (`kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz ...`, one module a
 * line, its dependencies after the colon), modules.builtin, the soft
 * dependencies of modules.softdep (`softdep ext4 pre: crypto-crc32c`, from
 * the modules' `softdep=` modinfo) with the names of modules.alias they
 * use (`alias crypto-crc32c crc32c_generic`), and the drivers a block
 * device needs, read from sysfs.
 *
 * Soft dependencies matter: ext4 and jbd2 ask the crypto API for crc32c at
 * mount time, which asks modprobe, which a small initramfs does not have.
 * Without crc32c_generic loaded first, mounting a metadata_csum file
 * system (mkfs.ext4's default) fails.
 *
 * A module's name is its file's base name without `.ko` and a compression
 * suffix (.xz, .zst, .gz), with '-' read as '_' (as modprobe does).
 * Module files are kept as they are: the capture side hands compressed ones
 * to finit_module(2) with MODULE_INIT_COMPRESSED_FILE.
 */
#ifndef KX_KDUMPCTL_MODULES_H
#define KX_KDUMPCTL_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "notes.h"

struct kx_root;

/** One line of modules.dep. */
struct kx_module {
	char *name;    /**< normalized name */
	char *path;    /**< relative to the modules directory */
	char **deps;   /**< relative paths, as listed */
	size_t ndeps;
	struct kx_notes soft_pre;  /**< modules.softdep names to load before */
	struct kx_notes soft_post; /**< and after */
	int state;     /**< scratch for kx_modules_resolve() */
};

/** A kernel's modules. Heap: kx_modules_read(), kx_modules_destroy(). */
struct kx_modules {
	char *dir;                  /**< system path, /lib/modules/<kver> or /usr/lib/modules/<kver> */
	struct kx_module *mods;     /**< sorted by name */
	size_t count;
	struct kx_notes builtin;    /**< normalized names of built-in modules */
	struct kx_notes alias_pat;  /**< modules.alias patterns ('-' read as '_') */
	struct kx_notes alias_mod;  /**< the module of each pattern, normalized */
};

/**
 * Read modules.dep (required), modules.builtin, modules.softdep and
 * modules.alias (optional) of @p kver under @p root, from /lib/modules,
 * else /usr/lib/modules.
 * @return KX_ERROR_OS when there is no modules.dep; KX_ERROR_CORRUPT
 *         (`modules.dep: line N: ...`) for a line without ':' or a
 *         path that leaves the directory.
 */
struct kx_error *kx_modules_read(const struct kx_root *root, const char *kver,
				 struct kx_modules **ret);

void kx_modules_destroy(struct kx_modules *mods);

/** Normalize a module name or file name into @p buf (cap @p cap). */
void kx_modules_name(const char *file, char *buf, size_t cap);

/**
 * Add module @p name and everything it depends on to @p order (paths
 * relative to the directory; dependencies before dependents; nothing twice).
 * Soft dependencies come along, `pre:` ones before the module and `post:`
 * ones after it, each name being a module or every module with that alias
 * (modprobe's reading); soft names that match nothing are skipped, and a
 * soft dependency back on a module being added is no cycle.
 * @param[out] ret_found false when the module is neither in modules.dep nor
 *             built in; true and nothing added for a built-in one.
 * @return KX_ERROR_CORRUPT for a dependency cycle or a dependency missing
 *         from modules.dep.
 */
struct kx_error *kx_modules_resolve(struct kx_modules *mods, const char *name,
				    struct kx_notes *order, bool *ret_found);

/**
 * The modules driving block device @p devname (`vda1`, `dm-0`): the
 * `driver/module` links of every directory from /sys/class/block/<devname>
 * up to /sys/devices, and recursively those of its `slaves/`.
 * @param[out] names appended to, no duplicates.
 * @return KX_ERROR_NOT_FOUND when sysfs has no such device.
 */
struct kx_error *kx_modules_block_drivers(const struct kx_root *root, const char *devname,
					  struct kx_notes *names);

#endif /* KX_KDUMPCTL_MODULES_H */
