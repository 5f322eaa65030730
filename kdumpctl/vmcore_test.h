/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vmcore_test.h
 * `kdumpctl test`'s bookkeeping: the test id, the pending record on the
 * running system, the status file the capture side leaves next to the dump,
 * and the result reported at the next start/status.
 *
 * - The id is `<epoch seconds>-<nanoseconds, 9 digits>` (upstream's
 *   `date +%s-%N`), taken when the test starts.
 * - The running system keeps `pending kdump_test_id=<id>` in
 *   KX_VMCORE_TEST_PENDING; any initramfs rebuild removes it.
 * - The capture kernel gets `kdump_test_id=<id>` on its command line, dumps
 *   into `<path>/kdump-test-<id>/` and writes KX_VMCORE_TEST_FILE there:
 *   `fail` before the dump, `success` once everything was saved.
 * - The report looks for that file where the target is mounted now: a
 *   local target (no target line) at `path` itself, a file-system target at
 *   its mount point from /proc/mounts. Unmounted, raw, nfs, ssh and
 *   dracut_args --mount targets need a manual check.
 */
#ifndef KX_KDUMPCTL_VMCORE_TEST_H
#define KX_KDUMPCTL_VMCORE_TEST_H

#include <stdbool.h>
#include <time.h>

#include "error.h"

struct kx_conf_settings;
struct kx_root;

/** The pending record on the running system. */
#define KX_VMCORE_TEST_PENDING "/var/lib/kdump/vmcore-creation.status"
/** The status file in the test's dump directory. */
#define KX_VMCORE_TEST_FILE "vmcore-creation.status"

/** Room for an id and its NUL (20 digits, '-', 9 digits, slack). */
enum { KX_VMCORE_TEST_ID_MAX = 40 };

/** The test's outcome as seen from the running system. */
enum kx_vmcore_test_result {
	KX_VMCORE_TEST_SUCCESS, /**< the status file says `success` */
	KX_VMCORE_TEST_FAILED,  /**< anything else, or no status file */
	KX_VMCORE_TEST_MANUAL,  /**< the target cannot be read from here */
};

/** Write the id for @p now into @p buf. */
void kx_vmcore_test_make_id(const struct timespec *now, char buf[KX_VMCORE_TEST_ID_MAX]);

/**
 * Whether @p id looks like one of ours: digits, '-', digits, shorter than
 * KX_VMCORE_TEST_ID_MAX. Ids end up in directory names, so nothing else
 * (no '/', no "..") is accepted.
 */
bool kx_vmcore_test_id_valid(const char *id);

/**
 * Format the id's start time as `date` prints it by default in the C
 * locale (`%a %b %e %H:%M:%S %Z %Y`), in local time (TZ applies).
 * @return false when @p id is not valid.
 */
bool kx_vmcore_test_date(const char *id, char *buf, size_t size);

/**
 * Write `pending kdump_test_id=<id>` to KX_VMCORE_TEST_PENDING under @p root
 * (creating /var/lib/kdump), synced: the crash that follows must not lose it.
 */
struct kx_error *kx_vmcore_test_write_pending(const struct kx_root *root, const char *id);

/**
 * Read the pending id. A missing file gives @p found false; a file that is
 * not `<word> kdump_test_id=<valid id>` is KX_ERROR_CORRUPT naming it.
 * @param[out] id filled when @p found.
 */
struct kx_error *kx_vmcore_test_read_pending(const struct kx_root *root,
					     char id[KX_VMCORE_TEST_ID_MAX], bool *found);

/** Remove KX_VMCORE_TEST_PENDING under @p root; a missing file is fine. */
struct kx_error *kx_vmcore_test_clear(const struct kx_root *root);

/**
 * Look for the test @p id's status file on the target of @p s, under
 * @p root (see the file comment).
 */
struct kx_error *kx_vmcore_test_result(const struct kx_root *root,
				       const struct kx_conf_settings *s, const char *id,
				       enum kx_vmcore_test_result *ret);

/**
 * The capture side: `kdump_test_id=` of /proc/cmdline under @p root.
 * @p found is false without one (or without /proc/cmdline); an invalid
 * value is KX_ERROR_CORRUPT.
 */
struct kx_error *kx_vmcore_test_cmdline_id(const struct kx_root *root,
					   char id[KX_VMCORE_TEST_ID_MAX], bool *found);

/**
 * The capture side: (re)write KX_VMCORE_TEST_FILE in the directory @p dir
 * (a full path) as `<status>\n`, mode 0600, synced.
 */
struct kx_error *kx_vmcore_test_set_status(const char *dir, const char *status);

/**
 * May the open file @p fd (named @p path) be given the crash? Only when it
 * is off procfs and the root is a fake one (a test's plain file), or it is
 * on procfs, the root is the real one (@p real_root) **and** @p allowed
 * (a real `kdumpctl test`). Writes nothing.
 * @param[out] ret_proc whether it is procfs's file.
 * @return KX_ERROR_INVALID_ARG `refusing to write <path>: ...` otherwise.
 */
struct kx_error *kx_vmcore_test_sysrq_check(int fd, const char *path, bool real_root,
					    bool allowed, bool *ret_proc);

#endif /* KX_KDUMPCTL_VMCORE_TEST_H */
