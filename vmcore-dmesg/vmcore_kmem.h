/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vmcore_kmem.h
 * Kernel virtual memory of an ELF vmcore, as vmcore-dmesg reads it.
 *
 * An address is first looked up, like upstream vmcore-dmesg, in the PT_LOAD
 * whose [p_vaddr, p_vaddr + p_memsz) covers it (the kernel text and the
 * direct map of /proc/vmcore); bytes past p_filesz read as zeros. Only when
 * no PT_LOAD covers it (a vmalloc'd buffer, or a core whose p_vaddr are 0,
 * as QEMU writes them) are the dead kernel's page tables walked
 * (arch/vtop.h), set up from VMCOREINFO on first use.
 */
#ifndef KX_VMCORE_KMEM_H
#define KX_VMCORE_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct kx_elf_core;
struct kx_vmcoreinfo;
struct kx_vmcore_kmem;

/**
 * Create a reader of @p core's kernel memory. Both arguments are borrowed
 * and must outlive the reader.
 * @param[out] ret the new reader.
 * @return NULL or KX_ERROR_NOMEM.
 */
struct kx_error *kx_vmcore_kmem_create(const struct kx_elf_core *core,
				       const struct kx_vmcoreinfo *vi,
				       struct kx_vmcore_kmem **ret);

/** Free @p km. NULL is accepted. */
void kx_vmcore_kmem_destroy(struct kx_vmcore_kmem *km);

/**
 * Read @p size bytes at kernel virtual address @p vaddr: the read callback
 * of a struct kx_kmem, with @p arg a struct kx_vmcore_kmem.
 * @return NULL; KX_ERROR_FAULT when neither a PT_LOAD nor the page tables
 *         map an address (or the tables cannot be used, the message says
 *         why); KX_ERROR_OS or KX_ERROR_CORRUPT from reading the file.
 */
struct kx_error *kx_vmcore_kmem_read(void *arg, uint64_t vaddr, void *buf, size_t size);

#endif /* KX_VMCORE_KMEM_H */
