/* SPDX-License-Identifier: GPL-2.0-only */
/* ISO C <inttypes.h> format macros for LP64 (int64_t is long), the part
 * `make cross-objects` uses (see README.md). */
#ifndef KX_CROSS_INTTYPES_H
#define KX_CROSS_INTTYPES_H
#include <stdint.h>
#define PRId32 "d"
#define PRIu32 "u"
#define PRIx32 "x"
#define PRIX32 "X"
#define PRId64 "ld"
#define PRIu64 "lu"
#define PRIx64 "lx"
#define PRIX64 "lX"
#endif
