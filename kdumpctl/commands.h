/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file commands.h
 * kdumpctl's subcommands, with upstream's messages and exit codes.
 *
 * Messages go to @ref kx_kdumpctl.err as `kdump: <msg>` (warnings
 * `kdump: WARNING: <msg>`); get-default-crashkernel and estimate write to
 * @ref kx_kdumpctl.out. Every read goes through the root prefix; kexec is
 * run through @ref kx_kdumpctl.runner as `<kexec...> [KEXEC_ARGS] [-s] -p
 * --command-line=<...> --initrd=<initrd> <kernel>` (the paths joined with the
 * root prefix, since kexec reads them as given).
 *
 * | command | exit |
 * |---------|------|
 * | start | 0, or 1 after `Starting kdump: [FAILED]` |
 * | stop | 0, or 1 after `Stopping kdump: [FAILED]` |
 * | status | 0 `Kdump is operational`, 3 `Kdump is not operational` |
 * | restart | stop then start; 1 when either fails |
 * | reload | like start without parsing kdump.conf or rebuilding |
 * | showmem, get-default-crashkernel, estimate | 0, 1 on errors |
 * | anything else | 1 after the usage line |
 *
 * | rebuild | 0, or 1 when the configuration or the build fails |
 * | test [--force] | 1 when kdump is not loaded; 0 when cancelled at the prompt |
 * | propagate | 0, or 1 without an ssh target or when ssh-copy-id fails |
 *
 * start builds the kdump initramfs (initramfs.h) when rebuild.h says so;
 * rebuild always does, and a build removes the pending test record
 * (vmcore_test.h). start and status end with the vmcore creation test's
 * notice when VMCORE_CREATION_NOTIFICATION is yes.
 *
 * test asks `DANGER!!! ... (y/N): ` on ctx->err and reads the answer from
 * ctx->in (unless --force), records the test id, reloads with
 * `kdump_test_id=<id>` appended to the capture command line and writes `c`
 * to /proc/sysrq-trigger under the root. That file is written only when it
 * is not on procfs, or when the root is the real one **and**
 * ctx->sysrq_allowed is set: anything else is refused, so a fake root can
 * never crash the machine.
 *
 * propagate runs `ssh-keygen` and `ssh-copy-id` through ctx->runner (found
 * in PATH), so tests substitute them. Not implemented yet (they fail
 * saying so): reset-crashkernel, setup-crypttab.
 */
#ifndef KX_KDUMPCTL_COMMANDS_H
#define KX_KDUMPCTL_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "compiler.h"

struct kx_arch;
struct kx_root;
struct kx_runner;
struct kx_sysconfig;

/** Exit codes. */
enum {
	KX_KDUMPCTL_OK = 0,
	KX_KDUMPCTL_FAILED = 1,
	KX_KDUMPCTL_NOT_OPERATIONAL = 3, /**< status: LSB "not running" */
};

/** What a command runs with. All pointers are borrowed. */
struct kx_kdumpctl {
	const struct kx_root *root;     /**< the system, through its prefix */
	const struct kx_arch *arch;     /**< for the crashkernel table */
	const struct kx_sysconfig *sc;  /**< /etc/sysconfig/kdump, already read */
	const struct kx_runner *runner; /**< how kexec is run */
	/** kexec's program and leading arguments, NULL-terminated. */
	char *const *kexec;
	/** Our programs for the initramfs (kdumpctl first), NULL-terminated. */
	const char *const *programs;
	/** Where @ref programs and their libraries are read (normally the real root). */
	const struct kx_root *host;
	/** Upstream's program name for the usage line. */
	const char *prog;
	FILE *out; /**< stdout */
	FILE *err; /**< stderr: every `kdump: ` message */
	FILE *in;  /**< test's answer to its prompt; NULL reads as "no" */
	/**
	 * Set by main() only for a real (not --dry-run) `kdumpctl test` on the
	 * real root: the one case where the real /proc/sysrq-trigger may be
	 * written.
	 */
	bool sysrq_allowed;
};

/**
 * Run the subcommand @p argv[0] with its arguments.
 * @return the exit code (see the table above).
 */
int kx_commands_run(const struct kx_kdumpctl *ctx, int argc, char **argv);

/** Print one `kdump: <msg>` line to ctx->err (for the commands' own files). */
void kx_commands_say(const struct kx_kdumpctl *ctx, const char *fmt, ...) KX_PRINTF(2, 3);

/** Print upstream's usage line (`kdump: Usage: PROG {...}`) to ctx->err. */
void kx_commands_usage(const struct kx_kdumpctl *ctx);

#endif /* KX_KDUMPCTL_COMMANDS_H */
