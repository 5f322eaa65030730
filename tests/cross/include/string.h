/* SPDX-License-Identifier: GPL-2.0-only */
/* ISO C <string.h>, the part `make cross-objects` uses (see README.md). */
#ifndef KX_CROSS_STRING_H
#define KX_CROSS_STRING_H
#include <stddef.h>
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strerror(int errnum);
/* POSIX.1-2008 */
size_t strnlen(const char *s, size_t maxlen);
char *strdup(const char *s);
#endif
