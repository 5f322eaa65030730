// SPDX-License-Identifier: GPL-2.0-only
// Message lines handed back to the command layer: see notes.h.
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notes.h"

void kx_notes_init(struct kx_notes *notes)
{
	notes->lines = NULL;
	notes->count = 0;
	notes->cap = 0;
}

void kx_notes_deinit(struct kx_notes *notes)
{
	for (size_t i = 0; i < notes->count; i++)
		free(notes->lines[i]);
	free(notes->lines);
	kx_notes_init(notes);
}

struct kx_error *kx_notes_add(struct kx_notes *notes, const char *fmt, ...)
{
	if (!notes)
		return NULL;
	if (notes->count == notes->cap) {
		size_t cap = notes->cap ? notes->cap * 2 : 4;
		char **lines = realloc(notes->lines, cap * sizeof(*lines));
		if (!lines)
			return &kx_enomem;
		notes->lines = lines;
		notes->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	char *line = NULL;
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &kx_enomem;
	notes->lines[notes->count++] = line;
	return NULL;
}

bool kx_notes_contains(const struct kx_notes *notes, const char *line)
{
	for (size_t i = 0; i < notes->count; i++)
		if (strcmp(notes->lines[i], line) == 0)
			return true;
	return false;
}
