/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file capture_cmdline.h
 * The capture kernel's command line (upstream's prepare_cmdline).
 *
 * 1. Start from KDUMP_COMMANDLINE, or /proc/cmdline when it is empty,
 *    split xargs-style (KX_CMDLINE_QUOTE_SHELL: '"' and '\'' quote, quotes
 *    are kept in the output); `foo=` parameters with an empty value go.
 * 2. Remove, by whole name, `crashkernel panic_on_warn root rd.lvm.lv
 *    rd.luks.uuid rd.dm.uuid rd.md.uuid fcoe netroot rd.iscsi.initiator
 *    iscsi_initiator` and every name in KDUMP_COMMANDLINE_REMOVE (itself
 *    split xargs-style; an entry `b=x` removes every `b`).
 * 3. Append KDUMP_COMMANDLINE_APPEND as written, then
 *    `disable_cpu_apicid=<id>` when /proc/cpuinfo has an `apicid` line (the
 *    first one: the boot CPU; x86 only has them), then
 *    `rd.systemd.gpt_auto=no`.
 * 4. Render with single spaces.
 * So `a b='x y' c` with REMOVE `b` gives `a c` (upstream's shellspec case).
 *
 * `kdumpctl test` appends `kdump_test_id=<id>` after all this (commands.c;
 * upstream puts it with the APPEND list: the kernel does not care where).
 *
 * Not done yet (FIXME): `<wdt>.pretimeout=0` for active watchdogs (needs
 * modalias resolution), the AWS Graviton irqpoll removal.
 */
#ifndef KX_KDUMPCTL_CAPTURE_CMDLINE_H
#define KX_KDUMPCTL_CAPTURE_CMDLINE_H

#include <stdbool.h>

#include "error.h"

struct kx_root;
struct kx_sysconfig;

/** Everything the builder uses, as text. */
struct kx_capture_cmdline_input {
	const char *base;   /**< KDUMP_COMMANDLINE, else /proc/cmdline; never NULL */
	const char *remove; /**< KDUMP_COMMANDLINE_REMOVE; NULL = none */
	const char *append; /**< KDUMP_COMMANDLINE_APPEND; NULL = none */
	const char *apicid; /**< boot CPU's APIC id, or NULL */
	bool gpt_auto_off;  /**< add rd.systemd.gpt_auto=no */
};

/**
 * Build the command line from @p in. Pure.
 * @param[out] ret malloc'd; caller frees.
 * @return NULL or KX_ERROR_NOMEM.
 */
struct kx_error *kx_capture_cmdline_build(const struct kx_capture_cmdline_input *in,
					  char **ret);

/**
 * The APIC id of the boot CPU: the value of the first `apicid : N` line of
 * /proc/cpuinfo under @p root.
 * @param[out] ret malloc'd digits; NULL when the file is missing or has no
 *             such line (not x86).
 * @return KX_ERROR_CORRUPT naming the file when the value is not a number.
 */
struct kx_error *kx_capture_cmdline_boot_apicid(const struct kx_root *root, char **ret);

/**
 * Read what is needed under @p root and build: the sysconfig variables,
 * /proc/cmdline when KDUMP_COMMANDLINE is empty, /proc/cpuinfo.
 * @param[out] ret malloc'd.
 */
struct kx_error *kx_capture_cmdline_prepare(const struct kx_root *root,
					    const struct kx_sysconfig *sc, char **ret);

#endif /* KX_KDUMPCTL_CAPTURE_CMDLINE_H */
