/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file byteorder.h
 * Explicit little-endian loads and stores on byte buffers.
 *
 * On-disk and in-memory formats are read and written through these helpers,
 * never by casting a buffer to a struct or an integer pointer: the helpers
 * need no alignment, do not depend on the host byte order and cannot trip
 * strict aliasing. Compilers turn them into single moves on little-endian
 * hosts.
 *
 * Not named endian.h: with -Icommon on the command line, glibc's own
 * `#include <endian.h>` (from <sys/types.h>) would find this file instead.
 */
#ifndef KX_BYTEORDER_H
#define KX_BYTEORDER_H

#include <stdint.h>

/** Load a little-endian 16-bit value from @p p (any alignment). */
static inline uint16_t kx_get_le16(const void *p)
{
	const unsigned char *b = p;
	return (uint16_t)(b[0] | (unsigned)b[1] << 8);
}

/** Load a little-endian 32-bit value from @p p (any alignment). */
static inline uint32_t kx_get_le32(const void *p)
{
	const unsigned char *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/** Load a little-endian 64-bit value from @p p (any alignment). */
static inline uint64_t kx_get_le64(const void *p)
{
	const unsigned char *b = p;
	return (uint64_t)kx_get_le32(b) | (uint64_t)kx_get_le32(b + 4) << 32;
}

/** Store @p v at @p p as 2 little-endian bytes. */
static inline void kx_put_le16(void *p, uint16_t v)
{
	unsigned char *b = p;
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
}

/** Store @p v at @p p as 4 little-endian bytes. */
static inline void kx_put_le32(void *p, uint32_t v)
{
	unsigned char *b = p;
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

/** Store @p v at @p p as 8 little-endian bytes. */
static inline void kx_put_le64(void *p, uint64_t v)
{
	unsigned char *b = p;
	kx_put_le32(b, (uint32_t)v);
	kx_put_le32(b + 4, (uint32_t)(v >> 32));
}

#endif /* KX_BYTEORDER_H */
