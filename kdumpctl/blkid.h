/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file blkid.h
 * The UUID and label of a file system, read from its superblock, so that
 * the capture side can find `UUID=`/`LABEL=` targets without udev's
 * /dev/disk links: ext2/3/4 (superblock at 1024, magic 0xEF53 at +0x38,
 * s_uuid at +0x68, s_volume_name[16] at +0x78), XFS ("XFSB" at 0, sb_uuid at
 * 32, sb_fname[12] at 108) and btrfs (superblock at 64 KiB, fsid at +0x20,
 * "_BHRfS_M" at +0x40, label[256] at +0x12b).
 */
#ifndef KX_KDUMPCTL_BLKID_H
#define KX_KDUMPCTL_BLKID_H

#include <stdbool.h>

#include "error.h"

/** What the probe found; strings NUL-terminated. */
struct kx_blkid {
	char type[8];    /**< "ext4" (any ext), "xfs", "btrfs" */
	char uuid[37];   /**< lower-case 8-4-4-4-12 */
	char label[257];
};

/**
 * Probe the open device or image @p fd.
 * @param[out] ret_found false (and @p ret untouched) when no known file
 *             system is there, including a device too short to hold one.
 * @return KX_ERROR_OS for read errors other than a short device.
 */
struct kx_error *kx_blkid_probe(int fd, const char *path, struct kx_blkid *ret,
				bool *ret_found);

struct kx_root;

/**
 * The block device holding the file system @p spec (`UUID=`/`LABEL=`), found
 * by probing /dev/<name> for each name in /sys/class/block under @p root:
 * for systems without udev's /dev/disk links (the capture initramfs, a
 * busybox system). Devices that cannot be read are passed over.
 * @param[out] ret_name its name ("vda"), malloc'd; NULL when none matches.
 */
struct kx_error *kx_blkid_find(const struct kx_root *root, const char *spec, char **ret_name);

/** Whether @p b matches @p spec: `UUID=<uuid>` (any case) or `LABEL=<label>`. */
bool kx_blkid_matches(const struct kx_blkid *b, const char *spec);

#endif /* KX_KDUMPCTL_BLKID_H */
