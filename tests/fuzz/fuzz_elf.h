/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuzz_elf.h
 * Open the fuzz input as an ELF vmcore (a memfd, as /proc/vmcore is a
 * file) for the harnesses that read one.
 */
#ifndef KX_FUZZ_ELF_H
#define KX_FUZZ_ELF_H

#include "elf_core.h"
#include "fuzz_util.h"

/** Run @p use on the input opened with kx_elf_core_create(), if it opens. */
static inline void fuzz_elf_core_run(const uint8_t *data, size_t size,
				     void (*use)(const struct kx_elf_core *core))
{
	int fd = fuzz_memfd(FUZZ_MEMFD_IN, data, size);
	if (fd < 0)
		return;
	struct kx_elf_core *core;
	struct kx_error *err = kx_elf_core_create(fd, "fuzz-vmcore", &core);
	if (!err) {
		use(core);
		kx_elf_core_destroy(core);
	}
	fuzz_drop(err);
}

#endif /* KX_FUZZ_ELF_H */
