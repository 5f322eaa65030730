/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dump_target.h
 * Where the capture kernel writes the dump, as worked out on the running
 * system and handed to the capture side in /etc/kdump/targets:
 *
 *     dump <fstype> <device> <dir>     a file system and a directory in it
 *     raw <device>                     a raw block device
 *     rootfs <fstype> <device>         the root file system (dump_to_rootfs)
 *
 * Fields are separated by one space; <dir> is the rest of the line. A
 * local target (no target line in kdump.conf) is the file system holding
 * `path`: the longest mount point of /proc/mounts that contains it, <dir>
 * being `path` below that mount point. A file-system target is the device
 * as written, with `path` inside it. /dev/ devices are written UUID=<uuid>
 * when a /dev/disk/by-uuid link names the same device.
 */
#ifndef KX_KDUMPCTL_DUMP_TARGET_H
#define KX_KDUMPCTL_DUMP_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "error.h"

struct kx_root;

/** Caller memory; strings malloc'd; kx_dump_target_deinit(). */
struct kx_dump_target {
	bool raw;           /**< a `raw` line, else `dump` */
	char *fstype;       /**< NULL for raw */
	char *device;       /**< UUID=, LABEL=, PARTUUID= or a path */
	char *dir;          /**< the dump directory inside the file system; NULL for raw */
	char *root_fstype;  /**< NULL unless failure_action is dump_to_rootfs */
	char *root_device;
};

void kx_dump_target_deinit(struct kx_dump_target *t);

/**
 * Work out the target of @p s on the system under @p root.
 * @return KX_ERROR_UNSUPPORTED for nfs, ssh and dracut_args --mount targets;
 *         KX_ERROR_NOT_FOUND `cannot find the file system holding P` when
 *         /proc/mounts has no mount for it.
 */
struct kx_error *kx_dump_target_resolve(const struct kx_root *root,
					const struct kx_conf_settings *s,
					struct kx_dump_target *ret);

/** The targets file's text. @param[out] ret malloc'd. */
struct kx_error *kx_dump_target_format(const struct kx_dump_target *t, char **ret);

/**
 * Read a targets file.
 * @return KX_ERROR_CORRUPT `targets: line N: ...` for a bad line or a file
 *         without a dump or raw line.
 */
struct kx_error *kx_dump_target_parse(const char *text, struct kx_dump_target *ret);

/**
 * The kernel's name (`vda1`) of the device @p spec names under @p root:
 * UUID=/LABEL=/PARTUUID= through /dev/disk/by-*, then symbolic links
 * followed (at most 8). Without the by-uuid/by-label link (no udev),
 * UUID=/LABEL= are looked up by superblock (kx_blkid_find). Pure text when
 * nothing exists: the base name.
 * @param[out] ret malloc'd.
 */
struct kx_error *kx_dump_target_devname(const struct kx_root *root, const char *spec,
					char **ret);

/**
 * Where the device @p spec (as kx_dump_target_devname() names it) is
 * mounted now, from /proc/mounts under @p root: the last such mount.
 * @param[out] ret malloc'd system path, or NULL when it is not mounted.
 */
struct kx_error *kx_dump_target_mount_point(const struct kx_root *root, const char *spec,
					    char **ret);

#endif /* KX_KDUMPCTL_DUMP_TARGET_H */
