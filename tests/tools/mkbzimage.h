/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file mkbzimage.h
 * A minimal but well-formed bzImage for tests (Documentation/arch/x86/
 * boot.rst): "MZ", the setup sectors with the real-mode header at 0x1f1,
 * then a protected-mode payload of a recognisable byte pattern. Used by
 * tests/tools/mkbzimage.c and the x86_64 unit tests.
 */
#ifndef KX_TESTS_MKBZIMAGE_H
#define KX_TESTS_MKBZIMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"

/** What goes into the header. mkbz_default() gives a Debian-12-like kernel. */
struct mkbz_spec {
	unsigned int setup_sects;  /**< 0 means 4, as the field */
	uint16_t version;          /**< protocol */
	uint8_t loadflags;         /**< LOADED_HIGH = 1 */
	uint16_t xloadflags;       /**< XLF_* */
	uint32_t kernel_alignment; /**< 2 MiB */
	uint8_t relocatable;       /**< relocatable_kernel */
	uint64_t pref_address;     /**< 16 MiB */
	uint32_t init_size;        /**< >= payload */
	uint32_t cmdline_size;     /**< 2047 */
	uint32_t initrd_addr_max;  /**< 0x7fffffff */
	size_t payload_size;       /**< protected-mode bytes */
};

/** A 6.1-like header with a small payload. */
static inline struct mkbz_spec mkbz_default(void)
{
	return (struct mkbz_spec){ 27, 0x020f, 0x01, 0x1b, 0x200000, 1, 0x1000000,
				   0x10000, 2047, 0x7fffffff, 0x6000 };
}

/** Build the image; NULL on allocation failure. @param[out] ret_size its size. */
static inline uint8_t *mkbz_build(const struct mkbz_spec *s, size_t *ret_size)
{
	size_t setup = ((size_t)(s->setup_sects ? s->setup_sects : 4) + 1) * 512;
	size_t size = setup + s->payload_size;
	uint8_t *p = calloc(1, size < 1024 ? 1024 : size);
	if (!p)
		return NULL;
	memcpy(p, "MZ", 2);
	p[0x1f1] = (uint8_t)s->setup_sects;
	kx_put_le16(p + 0x1fe, 0xaa55);
	p[0x200] = 0xeb; // jmp start_of_setup: the header ends at 0x26c
	p[0x201] = 0x6a;
	memcpy(p + 0x202, "HdrS", 4);
	kx_put_le16(p + 0x206, s->version);
	p[0x211] = s->loadflags;
	kx_put_le32(p + 0x22c, s->initrd_addr_max);
	kx_put_le32(p + 0x230, s->kernel_alignment);
	p[0x234] = s->relocatable;
	p[0x235] = 21;
	kx_put_le16(p + 0x236, s->xloadflags);
	kx_put_le32(p + 0x238, s->cmdline_size);
	kx_put_le64(p + 0x258, s->pref_address);
	kx_put_le32(p + 0x260, s->init_size);
	for (size_t i = setup; i < size; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	*ret_size = size < 1024 ? 1024 : size;
	return p;
}

#endif /* KX_TESTS_MKBZIMAGE_H */
