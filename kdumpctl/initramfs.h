/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file initramfs.h
 * The capture initramfs, built without dracut: a newc cpio (cpio.h) holding
 *  - our programs: the first of @ref kx_initramfs_input.programs (kdumpctl)
 *    as /usr/sbin/<name> with /init a symbolic link to it, and the others
 *    (makedumpfile, vmcore-dmesg) as /usr/sbin/<name>;
 *  - every program's ELF interpreter and DT_NEEDED libraries, recursively,
 *    at their own paths, with the symbolic links on the way (so a merged
 *    /usr's /lib -> usr/lib is kept);
 *  - /etc/kdump.conf, kdump_pre, kdump_post, kdump_emergency, the extra_bins
 *    and the executables of /etc/kdump/{pre,post,emergency}.d, with theirs;
 *    /etc/localtime when there is one (the dump directory is in local time);
 *  - kernel modules (modules.h): the block drivers of the dump device (and
 *    of the root device for `failure_action dump_to_rootfs`), the file
 *    system's module, extra_modules, and what they depend on; their load
 *    order, as system paths one a line, in /etc/kdump/modules;
 *  - /etc/kdump/targets: `dump <fstype> <device> <dir>` (the file system and
 *    the directory inside it; a local target is the file system holding
 *    `path`, found in /proc/mounts), or `raw <device>`; `rootfs <fstype>
 *    <device>` for dump_to_rootfs. Devices are UUID= when /dev/disk/by-uuid
 *    knows them;
 *  - /dev/console, /dev/kmsg, /dev/null, and the empty directories /proc
 *    /sys /dev /run /tmp /kdumproot /sysroot.
 * Files of the system come from the root prefix; @ref
 * kx_initramfs_input.programs and their libraries from @ref
 * kx_initramfs_input.host (normally the same root).
 *
 * Warnings (into notes): `Module <m> not found`, and missing sysfs or
 * modules.dep information, which leave modules out.
 */
#ifndef KX_KDUMPCTL_INITRAMFS_H
#define KX_KDUMPCTL_INITRAMFS_H

#include "conf.h"
#include "cpio.h"
#include "error.h"
#include "notes.h"

struct kx_root;

/** What goes in. All borrowed. */
struct kx_initramfs_input {
	const struct kx_conf_settings *settings; /**< the validated kdump.conf */
	const char *conf_path;                   /**< normally KX_CONF_PATH */
	const char *kver;                        /**< the capture kernel's release */
	const struct kx_root *host;              /**< where @ref programs are */
	const char *const *programs;             /**< NULL-terminated; kdumpctl first */
};

/** Where the capture side finds what the builder worked out. */
#define KX_INITRAMFS_TARGETS "/etc/kdump/targets"
#define KX_INITRAMFS_MODULES "/etc/kdump/modules"
/** Where the capture side mounts the dump file system, and the root's. */
#define KX_INITRAMFS_DUMP_MNT "/kdumproot"
#define KX_INITRAMFS_ROOT_MNT "/sysroot"

/**
 * Build the archive.
 * @param[out] ret a finished archive (kx_cpio_deinit() it).
 * @return KX_ERROR_UNSUPPORTED for nfs, ssh and dracut_args --mount
 *         targets; errors reading the files that must go in.
 */
struct kx_error *kx_initramfs_build(const struct kx_root *root,
				    const struct kx_initramfs_input *in, struct kx_notes *notes,
				    struct kx_cpio *ret);

/**
 * The compression the capture kernel can unpack, from /boot/config-<kver>
 * under @p root: zstd with CONFIG_RD_ZSTD=y, else gzip with CONFIG_RD_GZIP=y,
 * else none; gzip when there is no config file.
 */
enum kx_cpio_compression kx_initramfs_compression(const struct kx_root *root,
						  const char *kver);

/**
 * Build, compress and write the initramfs to @p initrd (a system path)
 * atomically: a temporary file beside it, mode 0600, renamed over it.
 */
struct kx_error *kx_initramfs_write(const struct kx_root *root,
				    const struct kx_initramfs_input *in, const char *initrd,
				    struct kx_notes *notes);

#endif /* KX_KDUMPCTL_INITRAMFS_H */
