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
#include "loader.h"
#include "plan.h"
#include "ranges.h"

/**
 * The RAM the harnesses place into: [1 MiB, 4 MiB) and [16 MiB, 20 MiB),
 * a hole between. Small on purpose: the x86_64 and LoongArch purgatories
 * hash every segment up to its memsz (zeros included, as kexec-tools
 * does), and an image may ask for as much as fits (a hostile bzImage
 * init_size or ELF p_memsz, or a real one: kernels ask for tens of MiB).
 * The hashing is the same code for any size; its cost is not: with
 * 255 MiB of RAM the zeros took over 90% of the image harness's time (a
 * corpus image whose init_size is 16 MiB hashed 16 MiB on every mutation),
 * and 1 GiB exceeded the 10 s timeout under ASan. The two ranges still take
 * every seed (tests/fuzz/seeds.sh): the bzImage's preferred address is
 * 16 MiB, the LoongArch kernels link at 2 MiB, and the rest goes on top.
 */
static const struct kx_mem_entry fuzz_ram[] = {
	{ 0x100000, 0x400000, KX_MEM_RAM },
	{ 0x1000000, 0x1400000, KX_MEM_RAM },
};
enum { FUZZ_NR_RAM = sizeof(fuzz_ram) / sizeof(fuzz_ram[0]) };

/** A plan, the RAM it places into, and the same RAM as a memory map. */
struct fuzz_plan {
	struct kx_ranges ram;
	struct kx_mem_entry map_entries[FUZZ_NR_RAM];
	struct kx_mem_map map;
	struct kx_load_plan plan;
	struct kx_load_builder b;
};

/**
 * Set up an empty kexec_load plan for @p arch over fuzz_ram[].
 * @return NULL or the error (the caller skips the input).
 */
static inline struct kx_error *fuzz_plan_init(struct fuzz_plan *fp, const struct kx_arch *arch)
{
	struct kx_error *err = NULL;
	kx_ranges_init(&fp->ram);
	for (size_t i = 0; i < FUZZ_NR_RAM && !err; i++) {
		fp->map_entries[i] = fuzz_ram[i];
		err = kx_ranges_add(&fp->ram, fuzz_ram[i].start, fuzz_ram[i].end);
	}
	fp->map = (struct kx_mem_map){ fp->map_entries, FUZZ_NR_RAM };
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
