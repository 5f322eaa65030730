/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file syscall.h
 * The system-call layer: the only place kexec touches the kernel's kexec
 * state, behind a table of operations so tests and --dry-run replace it.
 *
 * Two implementations: kx_sys_init_real() calls kexec_load(2),
 * kexec_file_load(2) and reboot(2) with the numbers of the host's arch
 * descriptor, and refuses a plan for another architecture;
 * kx_sys_init_dry_run() changes nothing: it records each call, prints it
 * (for loads, the plan in the docs/kexec-dry-run.md format) to a stream and
 * returns a result the test chose (default: success).
 *
 * Callers go through kx_plan_execute() and kx_sys_unload(), which hold the
 * policy: -d retries without the debug flag when a kernel rejects it, and
 * the errno classes that allow upstream's -a fallback.
 */
#ifndef KX_KEXEC_SYSCALL_H
#define KX_KEXEC_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct kx_arch;
struct kx_load_plan;
struct kx_sys;

/** The kinds of call, for recording and result injection. */
enum kx_sys_call {
	KX_SYS_KEXEC_LOAD = 0,
	KX_SYS_KEXEC_FILE_LOAD,
	KX_SYS_UNLOAD_LOAD,      /**< kexec_load(NULL, 0, NULL, flags) */
	KX_SYS_UNLOAD_FILE,      /**< kexec_file_load(-1, -1, 0, NULL, flags|UNLOAD) */
	KX_SYS_REBOOT,           /**< reboot(LINUX_REBOOT_CMD_KEXEC) */
	KX_SYS_SHUTDOWN,         /**< /sbin/shutdown -r now */
	KX_SYS_SYNC,             /**< sync(2) */
	KX_SYS_IFDOWN,           /**< take every interface but lo down */
	KX_SYS_NCALLS,
};

/**
 * Operations. Each returns 0 or an errno value. Loads take the plan; the
 * implementation converts it to the kernel's arguments.
 */
struct kx_sys_ops {
	int (*kexec_load)(struct kx_sys *sys, const struct kx_load_plan *plan, uint32_t flags);
	int (*kexec_file_load)(struct kx_sys *sys, const struct kx_load_plan *plan,
			       uint32_t flags);
	/** @p file: the kexec_file_load form; @p flags: that call's flags. */
	int (*unload)(struct kx_sys *sys, bool file, uint32_t flags);
	int (*reboot_kexec)(struct kx_sys *sys);
	int (*shutdown)(struct kx_sys *sys);
	int (*sync)(struct kx_sys *sys);
	int (*ifdown)(struct kx_sys *sys);
};

/** One recorded call (dry run). */
struct kx_sys_record {
	enum kx_sys_call call; /**< what */
	uint32_t flags;        /**< its flags (0 for reboot, sync, ...) */
	int result;            /**< the errno returned, 0 for success */
};

enum { KX_SYS_MAX_RECORDS = 32 };

/** The layer's state. Caller memory; no cleanup needed. */
struct kx_sys {
	const struct kx_sys_ops *ops;  /**< the implementation */
	const struct kx_arch *arch;    /**< real: the host, for syscall numbers */
	FILE *out;                     /**< dry run: where calls are printed (may be NULL) */
	/** Dry run: errno each kind of call returns (0 = success). */
	int result[KX_SYS_NCALLS];
	/** Dry run: kexec_load/kexec_file_load fail EINVAL while the debug flag is set. */
	bool reject_debug;
	/** Dry run: the calls made, in order (the first KX_SYS_MAX_RECORDS). */
	struct kx_sys_record records[KX_SYS_MAX_RECORDS];
	size_t nrecords;               /**< calls made (may exceed the array) */
};

/** The real system calls for the host architecture @p host. */
void kx_sys_init_real(struct kx_sys *sys, const struct kx_arch *host);

/** Record-and-print; every call succeeds unless sys->result says otherwise. */
void kx_sys_init_dry_run(struct kx_sys *sys, FILE *out);

/** True for the errnos after which -a falls back from kexec_file_load to
 * kexec_load: ENOSYS, EINVAL, ENOEXEC, ENOTSUP (kexec.md §2.2). */
bool kx_sys_is_fallback_errno(int errnum);

/**
 * Execute @p plan: kexec_load or kexec_file_load. With the debug flag
 * (KEXEC_DEBUG / KEXEC_FILE_DEBUG) set and EINVAL back, the call is made
 * once more without it, so -d never makes a load fail on kernels that
 * predate the flag.
 * @param debug add the debug flag.
 * @return KX_ERROR_OS with the errno: "kexec_load failed: ..." or
 *         "kexec_file_load failed: ...".
 */
struct kx_error *kx_plan_execute(const struct kx_load_plan *plan, struct kx_sys *sys,
				 bool debug);

/**
 * Unload the normal (or, with @p crash, the crash) kernel. With @p file,
 * kexec_file_load first; on ENOSYS and @p fallback, kexec_load.
 * @param kexec_arch the KEXEC_ARCH_* bits for the kexec_load form.
 * @return KX_ERROR_OS; errnum ENOSYS without fallback means "kexec_file_load
 *         not available".
 */
struct kx_error *kx_sys_unload(struct kx_sys *sys, uint32_t kexec_arch, bool crash,
			       bool file, bool fallback);

/** The name of a call kind, as the dry run prints it. */
const char *kx_sys_call_name(enum kx_sys_call call);

#endif /* KX_KEXEC_SYSCALL_H */
