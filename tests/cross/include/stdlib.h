/* SPDX-License-Identifier: GPL-2.0-only */
/* ISO C <stdlib.h>, the part `make cross-objects` uses (see README.md). */
#ifndef KX_CROSS_STDLIB_H
#define KX_CROSS_STDLIB_H
#include <stddef.h>
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
_Noreturn void abort(void);
#endif
