/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dmesg.h
 * makedumpfile --dump-dmesg: the dead kernel's log, from a vmcore, in
 * makedumpfile's own line format (common/printk.h renders it).
 */
#ifndef KX_MDF_DMESG_H
#define KX_MDF_DMESG_H

#include <stdbool.h>

#include "error.h"

struct kx_vmcore;

/**
 * Write the log of @p vm to the new file @p path (O_EXCL unless @p force).
 * @param partial --partial-dmesg: only the records logged since the log
 *        was last cleared (kx_printk_read_since_clear()).
 * @param[out] ret_cleared with @p partial: whether the dump had a clear
 *             mark (false: the whole log was written). May be NULL.
 * @return NULL; KX_ERROR_NOT_FOUND when VMCOREINFO has no printk buffer;
 *         errors reading the log or writing the file.
 */
struct kx_error *kx_mdf_dump_dmesg(struct kx_vmcore *vm, const char *path, bool force,
				   bool partial, bool *ret_cleared);

#endif /* KX_MDF_DMESG_H */
