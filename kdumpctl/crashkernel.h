/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file crashkernel.h
 * crashkernel= defaults and arithmetic: the per-architecture default table
 * (get-default-crashkernel), the size it gives for this machine's memory
 * (estimate's baseline), and the reserved size (showmem).
 *
 * A table is the kernel's `crashkernel=` range syntax without `@offset`:
 * `start-[end]:size[,start-[end]:size...]`, or a single size. Sizes take
 * the kernel's memparse suffixes K M G T P E (powers of 1024, upper or lower
 * case) or none (bytes). As in the kernel (kernel/crash_reserve.c), start is
 * inclusive, end exclusive, an empty end is open, and the memory compared
 * is System RAM rounded up to 128 MiB. Unlike upstream kdumpctl we compare
 * bytes, not whole GiB, so a "2 GiB" machine with a little firmware memory
 * still falls in `2G-`.
 *
 * Tables: x86_64 `2G-64G:256M,64G-:512M` (kdump-utils since fe18f93);
 * loongarch64 `2G-64G:512M,64G-:1G` (a project decision: upstream has none,
 * see kdumpctl.md §11).
 */
#ifndef KX_KDUMPCTL_CRASHKERNEL_H
#define KX_KDUMPCTL_CRASHKERNEL_H

#include <stdint.h>

#include "error.h"

struct kx_root;
struct kx_arch;

/** The granule the kernel rounds System RAM up to before using a table. */
#define KX_CRASHKERNEL_RAM_ALIGN (UINT64_C(128) << 20)

/**
 * The default table of @p arch.
 * @return a static string, or NULL for an architecture without one.
 */
const char *kx_crashkernel_default(const struct kx_arch *arch);

/**
 * Parse one memparse size ("256M", "1G", "4096").
 * @return KX_ERROR_INVALID_ARG for anything else, KX_ERROR_OVERFLOW past 2^64.
 */
struct kx_error *kx_crashkernel_parse_size(const char *text, uint64_t *ret);

/**
 * The size @p table reserves on a machine with @p ram bytes (already rounded
 * as the kernel does; see kx_crashkernel_system_ram()). 0 when no range
 * matches.
 * @return KX_ERROR_INVALID_ARG naming the table when it is malformed.
 */
struct kx_error *kx_crashkernel_recommend(const char *table, uint64_t ram, uint64_t *ret);

/**
 * This machine's memory as the kernel measures it for crashkernel=: the
 * sum of /proc/iomem's System RAM under @p root, rounded up to 128 MiB.
 */
struct kx_error *kx_crashkernel_system_ram(const struct kx_root *root, uint64_t *ret);

/**
 * The reserved size: /sys/kernel/kexec_crash_size under @p root (showmem
 * prints it divided by 1 MiB, truncated).
 */
struct kx_error *kx_crashkernel_reserved(const struct kx_root *root, uint64_t *ret);

#endif /* KX_KDUMPCTL_CRASHKERNEL_H */
