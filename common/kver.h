/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file kver.h
 * Kernel release strings ("6.1.0-18-amd64", "4.19.90-52.22.v2207.ky10.loongarch64")
 * turned into comparable version numbers.
 *
 * Version checks are a last resort: prefer testing whether VMCOREINFO has a
 * key. They are needed where a layout changed without the kernel exporting
 * anything new (the width of compound_dtor in 4.16, PG_slab's removal in 6.10).
 */
#ifndef KX_KVER_H
#define KX_KVER_H

#include <stdint.h>

#include "error.h"

/** KERNEL_VERSION(a, b, c) as the kernel encodes it, with c saturated at 255. */
static inline uint32_t kx_kver(uint32_t major, uint32_t minor, uint32_t patch)
{
	return major << 16 | minor << 8 | (patch > 255 ? 255 : patch);
}

/**
 * Parse the leading "MAJOR.MINOR[.PATCH]" of @p release; anything after it
 * (a "-rc3", "-18-amd64", "+") is ignored.
 * @return NULL, or KX_ERROR_CORRUPT when @p release does not start that way
 *         or a component is out of range (major or minor above 255).
 */
struct kx_error *kx_kver_parse(const char *release, uint32_t *ret);

#endif /* KX_KVER_H */
