/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file notes.h
 * A list of message lines that kdumpctl's modules hand back to the command
 * layer instead of printing them (warnings from the kdump.conf reader, the
 * reasons the rebuild check found). Each line is one message without the
 * "kdump: " prefix; warnings already carry their "WARNING: " where upstream
 * prints one.
 */
#ifndef KX_KDUMPCTL_NOTES_H
#define KX_KDUMPCTL_NOTES_H

#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"
#include "error.h"

/** Owned lines, in the order they were added. Caller memory. */
struct kx_notes {
	char **lines; /**< @ref count malloc'd strings */
	size_t count; /**< lines in use */
	size_t cap;   /**< allocated slots */
};

/** Initialise an empty list. Never fails. */
void kx_notes_init(struct kx_notes *notes);

/** Free every line; the list is then empty and reusable. */
void kx_notes_deinit(struct kx_notes *notes);

/**
 * Append a printf-formatted line. @p notes may be NULL (the line is dropped).
 * @return NULL or &kx_enomem (the list is then unchanged).
 */
struct kx_error *kx_notes_add(struct kx_notes *notes, const char *fmt, ...) KX_PRINTF(2, 3);

/** Whether one of the lines of @p notes is @p line. */
bool kx_notes_contains(const struct kx_notes *notes, const char *line);

#endif /* KX_KDUMPCTL_NOTES_H */
