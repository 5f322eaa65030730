// SPDX-License-Identifier: GPL-2.0-only
// The dead kernel behind an ELF vmcore: see vmcore.h.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "elf_core.h"
#include "io.h"
#include "mem_map.h"
#include "page_layout.h"
#include "vmcore.h"
#include "vmcoreinfo.h"
#include "vtop.h"
#include "vtop_params.h"

// Physical memory for the page-table walker: file data where a PT_LOAD has
// it, zeros in p_memsz tails, a fault elsewhere.
static struct kx_error *phys_read(void *arg, uint64_t paddr, void *buf, size_t size)
{
	const struct kx_elf_core *core = arg;
	uint8_t *out = buf;
	while (size) {
		struct kx_elf_core_extent ext;
		KX_TRY(kx_elf_core_paddr_extent(core, paddr, &ext));
		size_t n = ext.size < size ? (size_t)ext.size : size;
		if (ext.has_data)
			KX_TRY(kx_io_pread_full(kx_elf_core_fd(core), out, n, ext.offset,
						kx_elf_core_path(core)));
		else
			memset(out, 0, n);
		out += n;
		paddr += n;
		size -= n;
	}
	return NULL;
}

// The note segment goes into dumps verbatim; with several (QEMU writes one
// per CPU) the last is the one the kernel's own layout puts VMCOREINFO in,
// and the one upstream keeps.
static void pick_notes(struct kx_vmcore *vm)
{
	size_t nseg, nnotes;
	const struct kx_elf_core_note_segment *seg = kx_elf_core_note_segments(vm->core, &nseg);
	const struct kx_elf_core_note *notes = kx_elf_core_notes(vm->core, &nnotes);
	if (!nseg)
		return;
	vm->notes = seg[nseg - 1].data;
	vm->notes_size = (size_t)seg[nseg - 1].filesz;
	for (size_t i = 0; i < nnotes; i++) {
		if (notes[i].segment == nseg - 1 && notes[i].type == 0 &&
		    kx_elf_core_note_name_is(&notes[i], "VMCOREINFO")) {
			vm->vmcoreinfo_offset = notes[i].desc_offset - seg[nseg - 1].offset;
			vm->vmcoreinfo_size = notes[i].descsz;
			break;
		}
	}
	vm->nr_cpus = (uint32_t)kx_elf_core_num_prstatus(vm->core);
}

static void compute_max_mapnr(struct kx_vmcore *vm)
{
	size_t n;
	const struct kx_elf_core_load *loads = kx_elf_core_loads(vm->core, &n);
	uint64_t end = 0;
	for (size_t i = 0; i < n; i++)
		if (loads[i].paddr + loads[i].memsz > end)
			end = loads[i].paddr + loads[i].memsz;
	vm->max_mapnr = (end + vm->page_size - 1) >> vm->page_shift;
}

static struct kx_error *parse_vmcoreinfo(struct kx_vmcore *vm)
{
	const char *text;
	size_t size;
	struct kx_error *err = kx_elf_core_vmcoreinfo(vm->core, &text, &size);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		return NULL;
	KX_TRY(err);
	err = kx_vmcoreinfo_create(text, size, &vm->vi);
	return kx_error_prefix(err, "%s: VMCOREINFO", kx_elf_core_path(vm->core));
}

static struct kx_error *setup_vtop(struct kx_vmcore *vm)
{
	KX_CHECK(vm->vi, KX_ERROR_NOT_FOUND, "the vmcore has no VMCOREINFO note");
	struct kx_vtop_params p;
	KX_TRY(kx_vtop_params_from_vmcoreinfo(vm->arch, vm->vi, vm->core, &p));
	struct kx_phys_reader reader = { .read = phys_read, .arg = vm->core };
	return kx_vtop_create(vm->arch, &p, &reader, &vm->vtop);
}

// utsname goes into the dump header, where crash checks the machine name.
static void read_utsname(struct kx_vmcore *vm)
{
	uint64_t addr, off = 4; // before OFFSET() was exported: after the kref
	struct kx_error *err = kx_vmcoreinfo_symbol(vm->vi, "init_uts_ns", &addr);
	if (!err) {
		struct kx_error *e2 = kx_vmcoreinfo_offset(vm->vi, "uts_namespace.name", &off);
		kx_error_destroy(e2);
		err = kx_vtop_read(vm->vtop, addr + off, vm->utsname, sizeof(vm->utsname));
	}
	if (err)
		memset(vm->utsname, 0, sizeof(vm->utsname));
	kx_error_destroy(err);
}

static struct kx_error *vmcore_init(struct kx_vmcore *vm)
{
	uint16_t machine = kx_elf_core_machine(vm->core);
	vm->arch = kx_arch_by_elf_machine(machine);
	if (!vm->arch)
		return kx_error_file(KX_ERROR_UNSUPPORTED, kx_elf_core_path(vm->core),
				     "e_machine %u is not a supported architecture", machine);
	KX_TRY(parse_vmcoreinfo(vm));
	vm->page_size = vm->vi && vm->vi->page_size ? vm->vi->page_size
						    : vm->arch->default_page_size;
	while ((UINT64_C(1) << vm->page_shift) < vm->page_size)
		vm->page_shift++;
	compute_max_mapnr(vm);
	if (!vm->max_mapnr)
		return kx_error_file(KX_ERROR_CORRUPT, kx_elf_core_path(vm->core),
				     "no PT_LOAD describes any memory");
	pick_notes(vm);
	vm->phys_base = kx_vtop_phys_base(vm->arch, vm->vi, vm->core);
	struct kx_error *err = setup_vtop(vm);
	if (!err)
		read_utsname(vm);
	// Without translation only -d 0/1 work; enable_filtering says why.
	kx_error_destroy(err);
	return NULL;
}

struct kx_error *kx_vmcore_open(const char *path, struct kx_vmcore **ret)
{
	struct kx_vmcore *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &kx_enomem;
	struct kx_error *err = kx_elf_core_open(path, &vm->core);
	if (!err)
		err = vmcore_init(vm);
	if (err) {
		kx_vmcore_destroy(vm);
		return err;
	}
	*ret = vm;
	return NULL;
}

void kx_vmcore_destroy(struct kx_vmcore *vm)
{
	if (!vm)
		return;
	kx_mem_map_destroy(vm->mem_map);
	kx_vtop_destroy(vm->vtop);
	kx_vmcoreinfo_destroy(vm->vi);
	kx_elf_core_destroy(vm->core);
	free(vm);
}

struct kx_error *kx_vmcore_enable_filtering(struct kx_vmcore *vm)
{
	if (vm->filtering)
		return NULL;
	if (!vm->vtop)
		KX_TRY(setup_vtop(vm));
	KX_TRY(kx_page_layout_from_vmcoreinfo(vm->vi, &vm->layout));
	KX_TRY(kx_mem_map_create(vm->vi, vm->arch, vm->vtop, vm->page_size, vm->max_mapnr,
				 &vm->mem_map));
	vm->filtering = true;
	return NULL;
}

void kx_vmcore_for_each_ram(const struct kx_vmcore *vm, bool partial_last,
			    void (*fn)(void *arg, uint64_t first, uint64_t end), void *arg)
{
	size_t n;
	const struct kx_elf_core_load *loads = kx_elf_core_loads(vm->core, &n);
	for (size_t i = 0; i < n; i++) {
		if (!loads[i].memsz)
			continue;
		uint64_t first = loads[i].paddr >> vm->page_shift;
		uint64_t end = loads[i].paddr + loads[i].memsz;
		end = (partial_last ? end + vm->page_size - 1 : end) >> vm->page_shift;
		if (end > first)
			fn(arg, first, end);
	}
}

struct kx_error *kx_vmcore_read_page(const struct kx_vmcore *vm, uint64_t pfn, void *buf)
{
	uint8_t *out = buf;
	uint64_t paddr = pfn << vm->page_shift, left = vm->page_size;
	bool any = false;
	while (left) {
		struct kx_elf_core_extent ext;
		struct kx_error *err = kx_elf_core_paddr_extent(vm->core, paddr, &ext);
		size_t n;
		if (kx_error_catch(&err, KX_ERROR_FAULT)) {
			// Outside every PT_LOAD: the rest of a partial page.
			n = 1;
			*out = 0;
		} else {
			KX_TRY(err);
			n = ext.size < left ? (size_t)ext.size : (size_t)left;
			any = true;
			if (ext.has_data)
				KX_TRY(kx_io_pread_full(kx_elf_core_fd(vm->core), out, n, ext.offset,
							kx_elf_core_path(vm->core)));
			else
				memset(out, 0, n);
		}
		out += n;
		paddr += n;
		left -= n;
	}
	return any ? NULL : kx_error_fault(pfn << vm->page_shift,
					   "page frame %#" PRIx64 " is not in the vmcore", pfn);
}

struct kx_error *kx_vmcore_read_struct_pages(const struct kx_vmcore *vm, uint64_t pfn,
					     uint64_t count, void *buf)
{
	uint64_t vaddr = kx_mem_map_page_vaddr(vm->mem_map, pfn);
	if (!vaddr)
		return kx_error_create(KX_ERROR_NODATA, "pfn %#" PRIx64 " has no struct page", pfn);
	return kx_vtop_read(vm->vtop, vaddr, buf, count * vm->layout.page_size);
}
