/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file capture_sys.h
 * What the capture side does to the machine, behind one table so that the
 * test mode records it instead: mounting, loading modules, and ending with
 * reboot, halt, poweroff or a shell. Everything else the capture side does
 * (reading /proc/vmcore, running makedumpfile and the hooks, writing the dump
 * directory) goes through the root prefix and runs in both modes.
 *
 * The recording table writes one line per action to its FILE:
 * `mount <type> <source> <dir>`, `load <module>`, `action <name>`.
 */
#ifndef KX_KDUMPCTL_CAPTURE_SYS_H
#define KX_KDUMPCTL_CAPTURE_SYS_H

#include <stdio.h>

#include "error.h"

/** The system actions. */
struct kx_capture_sys {
	/** mount(2) @p source of @p fstype on @p dir (a full path). */
	struct kx_error *(*mount)(const struct kx_capture_sys *sys, const char *source,
				  const char *dir, const char *fstype);
	/** finit_module(2) the module file @p path (a full path). */
	struct kx_error *(*load)(const struct kx_capture_sys *sys, const char *path);
	/**
	 * End or interrupt the capture: "reboot", "halt" and "poweroff" do not
	 * return in the real table; "shell" runs an interactive /bin/sh.
	 */
	void (*action)(const struct kx_capture_sys *sys, const char *name);
	FILE *record; /**< the recording table's output */
};

/** The real table, for /init in the capture kernel only. */
void kx_capture_sys_init_real(struct kx_capture_sys *sys);

/** The recording table: changes nothing, writes to @p out. */
void kx_capture_sys_init_record(struct kx_capture_sys *sys, FILE *out);

#endif /* KX_KDUMPCTL_CAPTURE_SYS_H */
