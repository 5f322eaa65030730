/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file rebuild.h
 * Whether the kdump initramfs must be rebuilt (upstream's check_rebuild /
 * check_files_modified), by modification times: a file is "changed" when its
 * mtime, in whole seconds, is strictly greater than the initramfs's. A
 * symbolic link counts when either the link or its target is newer.
 *
 * Files watched: /etc/kdump.conf, the kernel, kdump_pre, kdump_post,
 * kdump_emergency and every extra_bins word, the core collector's program
 * (its first word, looked up in /usr/local/sbin /usr/local/bin /usr/sbin
 * /usr/bin /sbin /bin when it has no '/'; skipped when not found, like
 * upstream's `type -P`), /etc/fstab when it exists, /etc/kdump/{pre,post}.d
 * and the executables in them.
 *
 * Errors (upstream's return code 2, which fails start): `Error: <f> not
 * found.` when a watched file other than fstab and the hooks is missing;
 * `Error: <f> is not executable.` for kdump_pre/post/emergency and
 * extra_bins. Both KX_ERROR_INVALID_ARG.
 *
 * Notes, in upstream's words: `Detected change(s) in the following file(s):
 *  <list>` (note the two spaces), `No kdump initial ramdisk found.`,
 * `Force rebuild <initrd>`.
 *
 * FIXME: the file-system and driver checks (check_fs_modified,
 * check_drivers_modified) need a reader for the old initramfs; extra_modules'
 * module files; Pacemaker's files.
 */
#ifndef KX_KDUMPCTL_REBUILD_H
#define KX_KDUMPCTL_REBUILD_H

#include <stdbool.h>

#include "conf.h"
#include "error.h"
#include "notes.h"

struct kx_root;

/** What the decision looks at; all system paths. */
struct kx_rebuild_input {
	const struct kx_conf_settings *settings; /**< the validated kdump.conf */
	const char *conf_path;                   /**< normally KX_CONF_PATH */
	const char *kernel;                      /**< the capture kernel image */
	const char *initrd;                      /**< the kdump initramfs */
};

/**
 * Decide. force_no_rebuild answers "no" without looking at anything.
 * @param notes receives the reasons (may be NULL).
 * @param[out] ret true when the initramfs must be (re)built.
 */
struct kx_error *kx_rebuild_check(const struct kx_root *root, const struct kx_rebuild_input *in,
				  struct kx_notes *notes, bool *ret);

#endif /* KX_KDUMPCTL_REBUILD_H */
