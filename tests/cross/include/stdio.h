/* SPDX-License-Identifier: GPL-2.0-only */
/* ISO C <stdio.h>, the part `make cross-objects` uses (see README.md). */
#ifndef KX_CROSS_STDIO_H
#define KX_CROSS_STDIO_H
#include <stdarg.h>
#include <stddef.h>
typedef struct kx_cross_file FILE;
int snprintf(char *restrict s, size_t n, const char *restrict fmt, ...);
int vsnprintf(char *restrict s, size_t n, const char *restrict fmt, va_list ap);
int fprintf(FILE *restrict f, const char *restrict fmt, ...);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int fputs(const char *restrict s, FILE *restrict f);
int fputc(int c, FILE *f);
#endif
