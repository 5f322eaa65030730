/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file capture.h
 * The capture side: kdumpctl run as /init of the kdump initramfs (upstream's
 * kdump.sh and its error handler, without a shell).
 *
 * 1. mount proc, sysfs and devtmpfs; read /etc/kdump.conf and
 *    /etc/kdump/targets (initramfs.h); load /etc/kdump/modules in order;
 * 2. kdump_pre, then the executables of /etc/kdump/pre.d (their failures are
 *    only logged); a failing kdump_pre skips the dump and goes to
 *    final_action;
 * 3. the dump (the date taken once, local time):
 *    - `dump` targets: wait up to 90 s for the device (a path, or
 *      UUID=/LABEL= matched by reading superblocks, blkid.h), mount it on
 *      /kdumproot, and in `<dir>/127.0.0.1-<YYYY-MM-DD-HH:MM:SS>/` write
 *      vmcore-dmesg-incomplete.txt (`vmcore-dmesg /proc/vmcore`) renamed to
 *      vmcore-dmesg.txt, then vmcore-incomplete (core_collector, `-F`
 *      removed, with /proc/vmcore and the file appended) renamed to vmcore;
 *      files mode 0600, synced before each rename; a failed vmcore-dmesg
 *      does not stop the dump; a failed collector leaves vmcore-incomplete;
 *    - `raw` targets: the collector with `-F` and /proc/vmcore, its output
 *      written to the device;
 * 4. the executables of /etc/kdump/post.d, then kdump_post, each given the
 *    dump's status (0 or 1) as $1;
 * 5. kexec-dmesg.log in the dump directory (not for raw): the capture
 *    kernel's /dev/kmsg and this program's own messages, mode 0600;
 * 6. on failure: /etc/kdump/emergency.d, kdump_emergency, then
 *    failure_action: reboot/halt/poweroff end here; `shell` runs a shell;
 *    `dump_to_rootfs` mounts the `rootfs` target on /sysroot and dumps to
 *    `path` there;
 * 7. final_action.
 * With `kdump_test_id=<id>` on the command line (`kdumpctl test`, see
 * vmcore_test.h) the dump directory is `<dir>/kdump-test-<id>/` and its
 * vmcore-creation.status says `fail` from its creation until, after step 5,
 * the vmcore and vmcore-dmesg.txt are both saved: then `success`.
 * Programs are found through PATH. Messages go to the console as `kdump:
 * <msg>`. Every path goes through the root prefix.
 */
#ifndef KX_KDUMPCTL_CAPTURE_H
#define KX_KDUMPCTL_CAPTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "notes.h"
#include "vmcore_test.h"

struct kx_root;
struct kx_capture_sys;

/** What the capture runs with. */
struct kx_capture {
	const struct kx_root *root;
	const struct kx_capture_sys *sys;
	FILE *console;          /**< messages */
	time_t now;             /**< the dump directory's date */
	unsigned wait_seconds;  /**< how long to wait for the dump device */
	struct kx_notes log;    /**< our messages, for kexec-dmesg.log */
	/** Set by kx_capture_run(): `kdump_test_id=` of /proc/cmdline, or "". */
	char test_id[KX_VMCORE_TEST_ID_MAX];
	/** Set by the dump: vmcore-dmesg.txt was saved. */
	bool dmesg_saved;
};

/**
 * Run the whole capture (steps 1-7).
 * @return 0 when the dump was saved, 1 otherwise.
 */
int kx_capture_run(struct kx_capture *cap);

#endif /* KX_KDUMPCTL_CAPTURE_H */
