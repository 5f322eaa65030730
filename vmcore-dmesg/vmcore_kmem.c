// SPDX-License-Identifier: GPL-2.0-only
// Kernel virtual memory of an ELF vmcore: see vmcore_kmem.h.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "elf_core.h"
#include "io.h"
#include "vmcore_kmem.h"
#include "vmcoreinfo.h"
#include "vtop.h"
#include "vtop_params.h"

struct kx_vmcore_kmem {
	const struct kx_elf_core *core;
	const struct kx_vmcoreinfo *vi;
	/** Page tables, once a read needed them; vtop_err says why not. */
	struct kx_vtop *vtop;
	struct kx_error *vtop_err;
	bool vtop_tried;
};

struct kx_error *kx_vmcore_kmem_create(const struct kx_elf_core *core,
				       const struct kx_vmcoreinfo *vi,
				       struct kx_vmcore_kmem **ret)
{
	struct kx_vmcore_kmem *km = calloc(1, sizeof(*km));
	if (!km)
		return &kx_enomem;
	km->core = core;
	km->vi = vi;
	*ret = km;
	return NULL;
}

void kx_vmcore_kmem_destroy(struct kx_vmcore_kmem *km)
{
	if (!km)
		return;
	kx_vtop_destroy(km->vtop);
	kx_error_destroy(km->vtop_err);
	free(km);
}

static struct kx_error *pread_core(const struct kx_elf_core *core, void *buf, size_t size,
				   uint64_t offset)
{
	return kx_io_pread_full(kx_elf_core_fd(core), buf, size, offset, kx_elf_core_path(core));
}

// Physical memory for the page-table walk: file data, zeros in p_memsz tails.
static struct kx_error *phys_read(void *arg, uint64_t paddr, void *buf, size_t size)
{
	const struct kx_elf_core *core = arg;
	uint8_t *out = buf;
	while (size) {
		struct kx_elf_core_extent ext;
		KX_TRY(kx_elf_core_paddr_extent(core, paddr, &ext));
		size_t n = ext.size < size ? (size_t)ext.size : size;
		if (ext.has_data)
			KX_TRY(pread_core(core, out, n, ext.offset));
		else
			memset(out, 0, n);
		out += n;
		paddr += n;
		size -= n;
	}
	return NULL;
}

static struct kx_error *setup_vtop(struct kx_vmcore_kmem *km)
{
	uint16_t machine = kx_elf_core_machine(km->core);
	const struct kx_arch *arch = kx_arch_by_elf_machine(machine);
	KX_CHECK(arch, KX_ERROR_UNSUPPORTED, "e_machine %u is not a supported architecture",
		 machine);
	struct kx_vtop_params p;
	KX_TRY(kx_vtop_params_from_vmcoreinfo(arch, km->vi, km->core, &p));
	struct kx_phys_reader reader = { .read = phys_read, .arg = (void *)km->core };
	return kx_vtop_create(arch, &p, &reader, &km->vtop);
}

// The first PT_LOAD (file order) whose virtual range covers @p vaddr.
static const struct kx_elf_core_load *find_load(const struct kx_elf_core *core, uint64_t vaddr)
{
	size_t n;
	const struct kx_elf_core_load *loads = kx_elf_core_loads(core, &n);
	for (size_t i = 0; i < n; i++)
		if (vaddr >= loads[i].vaddr && vaddr - loads[i].vaddr < loads[i].memsz)
			return &loads[i];
	return NULL;
}

// Read what one PT_LOAD holds from @p vaddr on; *ret_done bytes.
static struct kx_error *read_load(const struct kx_elf_core *core,
				  const struct kx_elf_core_load *ld, uint64_t vaddr,
				  uint8_t *out, size_t size, size_t *ret_done)
{
	uint64_t off = vaddr - ld->vaddr;
	size_t n = ld->memsz - off < size ? (size_t)(ld->memsz - off) : size;
	size_t in_file = off < ld->filesz ? (ld->filesz - off < n ? (size_t)(ld->filesz - off) : n)
					  : 0;
	if (in_file)
		KX_TRY(pread_core(core, out, in_file, ld->offset + off));
	memset(out + in_file, 0, n - in_file);
	*ret_done = n;
	return NULL;
}

// No PT_LOAD covers @p vaddr: translate through the page tables, one page
// at a time (the next page may be covered by a PT_LOAD again).
static struct kx_error *read_walk(struct kx_vmcore_kmem *km, uint64_t vaddr, uint8_t *out,
				  size_t size, size_t *ret_done)
{
	if (!km->vtop_tried) {
		km->vtop_tried = true;
		km->vtop_err = setup_vtop(km);
	}
	if (km->vtop_err)
		return kx_error_fault(vaddr, "no PT_LOAD covers vaddr %#" PRIx64 ", and the page "
				      "tables cannot be used: %s", vaddr, km->vtop_err->message);
	uint64_t page = km->vi->page_size ? km->vi->page_size : 4096;
	uint64_t left = page - vaddr % page;
	size_t n = left < size ? (size_t)left : size;
	KX_TRY(kx_vtop_read(km->vtop, vaddr, out, n));
	*ret_done = n;
	return NULL;
}

struct kx_error *kx_vmcore_kmem_read(void *arg, uint64_t vaddr, void *buf, size_t size)
{
	struct kx_vmcore_kmem *km = arg;
	uint8_t *out = buf;
	while (size) {
		const struct kx_elf_core_load *ld = find_load(km->core, vaddr);
		size_t n;
		if (ld)
			KX_TRY(read_load(km->core, ld, vaddr, out, size, &n));
		else
			KX_TRY(read_walk(km, vaddr, out, size, &n));
		KX_CHECK(vaddr <= UINT64_MAX - n || n == size, KX_ERROR_FAULT,
			 "read at %#" PRIx64 " wraps the address space", vaddr);
		out += n;
		vaddr += n;
		size -= n;
	}
	return NULL;
}
