/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuzz_plan.h
 * kexec's real plan builder (kexec/plan.c) over a fixed memory map, for the
 * harnesses that place segments (image loaders, purgatory). Using the real
 * builder rather than a mock keeps hostile alignments and sizes on the
 * path kexec takes.
 */
#ifndef KX_FUZZ_PLAN_H
#define KX_FUZZ_PLAN_H

#include "arch.h"
#include "plan.h"
#include "ranges.h"

/** A plan and the RAM it places into. */
struct fuzz_plan {
	struct kx_ranges ram;
	struct kx_load_plan plan;
	struct kx_load_builder b;
};

/**
 * Set up an empty kexec_load plan for @p arch with 255 MiB of RAM from 1 MiB.
 * Small on purpose: the x86_64 purgatory hashes every segment up to its
 * memsz (zeros included), and an image may ask for as much as fits (a
 * hostile init_size); 1 GiB took longer than the 10 s timeout under ASan.
 * @return NULL or the error (the caller skips the input).
 */
static inline struct kx_error *fuzz_plan_init(struct fuzz_plan *fp, const struct kx_arch *arch)
{
	kx_ranges_init(&fp->ram);
	struct kx_error *err = kx_ranges_add(&fp->ram, 0x100000, 0x10000000);
	struct kx_plan_config c = { .arch = arch, .page_size = arch->default_page_size,
				    .ram = &fp->ram, .mem_max = UINT64_MAX };
	if (!err)
		err = kx_plan_init(&fp->plan, &c);
	if (err) {
		kx_ranges_deinit(&fp->ram);
		return err;
	}
	kx_plan_builder(&fp->plan, &fp->b);
	return NULL;
}

static inline void fuzz_plan_deinit(struct fuzz_plan *fp)
{
	kx_plan_deinit(&fp->plan);
	kx_ranges_deinit(&fp->ram);
}

#endif /* KX_FUZZ_PLAN_H */
