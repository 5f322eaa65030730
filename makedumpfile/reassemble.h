/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file reassemble.h
 * --reassemble: one kdump-compressed file from the files of --split.
 *
 * The inputs (in any order) must be complete split files of one dump: the
 * same headers and notes but for the split fields, split = 1, and ranges
 * that together cover pfns 0..max_mapnr exactly once. The output is the
 * dump --split was made from, with split = 0: the common 1st bitmap, the
 * AND of the 2nd bitmaps (a file may have dropped an unreadable page of its
 * range by clearing its bit), each file's descriptors in turn with their
 * data offsets rewritten, and the shared zero page recognised by its
 * offset, the start of the data area common to all split files.
 *
 * Memory is bounded: bitmaps are streamed a window at a time, descriptors
 * and page data through fixed buffers, whatever the size of the files.
 */
#ifndef KX_REASSEMBLE_H
#define KX_REASSEMBLE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/**
 * Reassemble the @p nr_inputs split files @p inputs into @p output
 * (created 0600, O_EXCL unless @p force).
 * @return NULL; KX_ERROR_INVALID_ARG or KX_ERROR_CORRUPT with a one-line
 *   message naming the file that does not fit (not a split file, a gap or
 *   overlap between ranges, another dump, an incomplete file, descriptors
 *   that do not follow the layout); KX_ERROR_UNSUPPORTED for split files
 *   with eraseinfo; KX_ERROR_OS / KX_ERROR_NOSPACE writing (the output is
 *   then marked INCOMPLETE).
 */
struct kx_error *kx_reassemble(const char *const *inputs, size_t nr_inputs,
			       const char *output, bool force);

#endif /* KX_REASSEMBLE_H */
