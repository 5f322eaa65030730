// SPDX-License-Identifier: GPL-2.0-only
// The dead kernel behind an ELF vmcore: see vmcore.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "bitmap.h"
#include "diskdump_reader.h"
#include "elf_core.h"
#include "input_diskdump.h"
#include "io.h"
#include "mem_map.h"
#include "page_layout.h"
#include "vmcore.h"
#include "vmcoreinfo.h"
#include "vtop.h"
#include "vtop_params.h"

// Physical memory for the page-table walker: file data where a PT_LOAD has
// it, zeros in p_memsz tails, a fault elsewhere; or a dump's pages.
static struct kx_error *phys_read(void *arg, uint64_t paddr, void *buf, size_t size)
{
	const struct kx_vmcore *vm = arg;
	if (vm->dd)
		return kx_input_diskdump_read_phys(vm->dd, paddr, buf, size);
	const struct kx_elf_core *core = vm->core;
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
	if (vm->dd) {
		text = kx_diskdump_reader_vmcoreinfo(kx_input_diskdump_reader(vm->dd), &size);
		KX_CHECK(text, KX_ERROR_UNSUPPORTED, "the dump has no VMCOREINFO to filter with");
		return kx_vmcoreinfo_create(text, size, &vm->vi);
	}
	struct kx_error *err = kx_elf_core_vmcoreinfo(vm->core, &text, &size);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		return NULL;
	KX_TRY(err);
	err = kx_vmcoreinfo_create(text, size, &vm->vi);
	return kx_error_prefix(err, "%s: VMCOREINFO", kx_elf_core_path(vm->core));
}

// utsname goes into the dump header, where crash checks the machine name.
static void read_utsname(struct kx_vmcore *vm)
{
	uint64_t addr, off = 4; // before OFFSET() was exported: after the kref
	uint8_t uts[KX_UTSNAME_SIZE];
	struct kx_error *err = kx_vmcoreinfo_symbol(vm->vi, "init_uts_ns", &addr);
	if (!err) {
		struct kx_error *e2 = kx_vmcoreinfo_offset(vm->vi, "uts_namespace.name", &off);
		kx_error_destroy(e2);
		err = kx_vtop_read(vm->vtop, addr + off, uts, sizeof(uts));
	}
	// Unreadable: keep what we had (zeros, or a re-filtered dump's header).
	if (!err)
		memcpy(vm->utsname, uts, sizeof(uts));
	kx_error_destroy(err);
}

static const char *vmcore_path(const struct kx_vmcore *vm)
{
	return vm->dd ? kx_input_diskdump_path(vm->dd) : kx_elf_core_path(vm->core);
}

// Translation as VMCOREINFO and @struct_pages (see kx_vtop_params_infer())
// describe it.
static struct kx_error *create_vtop(struct kx_vmcore *vm, const uint64_t *struct_pages,
				    size_t nr_struct_pages, struct kx_vtop **ret)
{
	KX_CHECK(vm->vi, KX_ERROR_NOT_FOUND, "the vmcore has no VMCOREINFO note");
	struct kx_vtop_params p;
	KX_TRY(kx_vtop_params_from_vmcoreinfo(vm->arch, vm->vi, vm->core, &p));
	// A dump's sub header carries phys_base; the ELF one is derived above.
	if (vm->dd && vm->arch->kernel_map_base)
		p.phys_base = vm->phys_base;
	KX_TRY(kx_vtop_params_infer(vm->arch, vm->vi, struct_pages, nr_struct_pages, &p));
	struct kx_phys_reader reader = { .read = phys_read, .arg = vm };
	return kx_vtop_create(vm->arch, &p, &reader, ret);
}

// The lowest and the highest struct page mem_section gives: the first of
// the first present section and the last of the last one.
static size_t struct_page_bounds(const struct kx_mem_map *mm, uint64_t bounds[2])
{
	size_t n = 0;
	uint64_t last = 0;
	for (uint64_t nr = 0; nr < mm->nr_sections; nr++) {
		if (!mm->section_map[nr])
			continue;
		if (!n)
			bounds[n++] = mm->section_map[nr];
		last = mm->section_map[nr] +
		       ((UINT64_C(1) << mm->pfn_section_shift) - 1) * mm->page_struct_size;
	}
	if (n)
		bounds[n++] = last;
	return n;
}

// Where VMCOREINFO leaves the geometry open (LoongArch's level count before
// 6.9 exported SYMBOL(vmemmap)), the struct pages mem_section points at
// settle it: mem_section is read through the linear window, which needs no
// tables. The first struct page must then translate, or every page
// descriptor read would fail.
static struct kx_error *settle_vtop(struct kx_vmcore *vm)
{
	if (!vm->arch->vtop->infer)
		return NULL;
	if (!vm->mem_map) {
		struct kx_error *err = kx_mem_map_create(vm->vi, vm->arch, vm->vtop, vm->page_size,
							 vm->max_mapnr, &vm->mem_map);
		// Without mem_section there is nothing to settle; filtering
		// reports what is missing.
		if (err && !kx_error_is(err, KX_ERROR_NOMEM)) {
			kx_error_destroy(err);
			return NULL;
		}
		KX_TRY(err);
	}
	uint64_t bounds[2];
	size_t n = struct_page_bounds(vm->mem_map, bounds);
	if (!n)
		return NULL;
	struct kx_vtop *vt = NULL;
	KX_TRY(kx_error_prefix(create_vtop(vm, bounds, n, &vt), "%s", vmcore_path(vm)));
	uint64_t pa;
	struct kx_error *err = kx_vtop_translate(vt, bounds[0], NULL, &pa, NULL);
	if (err) {
		err = kx_error_prefix(err, "%s: the struct page at %#" PRIx64 " is not mapped by the "
				      "%u-level page tables its address implies", vmcore_path(vm),
				      bounds[0], vt->levels);
		kx_vtop_destroy(vt);
		return err;
	}
	kx_vtop_destroy(vm->vtop);
	vm->vtop = vt;
	return NULL;
}

// utsname is read before the geometry is settled: it lies in the kernel
// image, which needs no tables, so even a dump whose struct pages cannot be
// reached still names its kernel (and its machine, for re-filtering).
static struct kx_error *setup_vtop(struct kx_vmcore *vm)
{
	KX_TRY(create_vtop(vm, NULL, 0, &vm->vtop));
	read_utsname(vm);
	struct kx_error *err = settle_vtop(vm);
	if (err) {
		kx_vtop_destroy(vm->vtop);
		vm->vtop = NULL;
	}
	return err;
}

static void set_page_shift(struct kx_vmcore *vm)
{
	while ((UINT64_C(1) << vm->page_shift) < vm->page_size)
		vm->page_shift++;
}

// Translation and utsname, once the input's basics are known.
static void vmcore_finish(struct kx_vmcore *vm)
{
	// Without translation only -d 0/1 work; enable_filtering says why.
	kx_error_destroy(setup_vtop(vm));
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
	set_page_shift(vm);
	compute_max_mapnr(vm);
	if (!vm->max_mapnr)
		return kx_error_file(KX_ERROR_CORRUPT, kx_elf_core_path(vm->core),
				     "no PT_LOAD describes any memory");
	pick_notes(vm);
	vm->phys_base = kx_vtop_phys_base(vm->arch, vm->vi, vm->core);
	vmcore_finish(vm);
	return NULL;
}

// The notes the dump copied, and where VMCOREINFO lies among them.
static void dd_notes(struct kx_vmcore *vm, const struct kx_diskdump_reader *r)
{
	const struct kx_diskdump_sub_header *s = kx_diskdump_reader_sub_header(r);
	vm->notes = kx_diskdump_reader_notes(r, &vm->notes_size);
	if (vm->notes && s->offset_vmcoreinfo >= s->offset_note &&
	    s->size_vmcoreinfo <= vm->notes_size &&
	    s->offset_vmcoreinfo - s->offset_note <= vm->notes_size - s->size_vmcoreinfo) {
		vm->vmcoreinfo_offset = s->offset_vmcoreinfo - s->offset_note;
		vm->vmcoreinfo_size = s->size_vmcoreinfo;
	}
	int32_t cpus = kx_diskdump_reader_header(r)->nr_cpus;
	vm->nr_cpus = cpus > 0 ? (uint32_t)cpus : 0;
}

// A dump being re-filtered: its headers say what the ELF program headers
// and notes would.
static struct kx_error *dd_init(struct kx_vmcore *vm)
{
	const struct kx_diskdump_reader *r = kx_input_diskdump_reader(vm->dd);
	const struct kx_diskdump_header *h = kx_diskdump_reader_header(r);
	const struct kx_diskdump_sub_header *s = kx_diskdump_reader_sub_header(r);
	const struct kx_diskdump_layout *l = kx_diskdump_reader_layout(r);
	char machine[KX_DISKDUMP_UTS_LEN + 1] = { 0 };
	memcpy(machine, h->utsname.machine, KX_DISKDUMP_UTS_LEN);
	vm->arch = kx_arch_by_name(machine);
	KX_CHECK(vm->arch, KX_ERROR_UNSUPPORTED, "machine \"%s\" is not a supported architecture",
		 machine);
	KX_TRY(parse_vmcoreinfo(vm));
	vm->page_size = l->block_size;
	KX_CHECK(!vm->vi->page_size || vm->vi->page_size == vm->page_size, KX_ERROR_CORRUPT,
		 "VMCOREINFO says PAGESIZE=%llu but the dump's block_size is %llu",
		 (unsigned long long)vm->vi->page_size, (unsigned long long)vm->page_size);
	KX_CHECK(s->dump_level >= 0 && s->dump_level <= 31, KX_ERROR_CORRUPT,
		 "the sub header's dump_level %d is not 0..31", (int)s->dump_level);
	set_page_shift(vm);
	vm->max_mapnr = l->max_mapnr;
	vm->phys_base = s->phys_base;
	vm->input_level = (unsigned int)s->dump_level;
	vm->input_excluded_vmemmap = h->status & KX_DISKDUMP_EXCLUDED_VMEMMAP;
	_Static_assert(sizeof(h->utsname) == KX_UTSNAME_SIZE, "utsname layout");
	memcpy(vm->utsname, &h->utsname, sizeof(vm->utsname));
	dd_notes(vm, r);
	vmcore_finish(vm);
	return NULL;
}

static struct kx_error *open_dd(const char *path, enum kx_input_kind kind,
				const char *work_dir, struct kx_vmcore **ret)
{
	struct kx_vmcore *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &kx_enomem;
	struct kx_error *err = kx_input_diskdump_open(path, kind, work_dir, &vm->dd);
	if (!err)
		err = kx_error_prefix(dd_init(vm), "%s", path);
	if (err) {
		kx_vmcore_destroy(vm);
		return err;
	}
	*ret = vm;
	return NULL;
}

struct kx_error *kx_vmcore_open_any(const char *path, const char *work_dir,
				    struct kx_vmcore **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, path, "open");
	enum kx_input_kind kind;
	struct kx_error *err = kx_input_probe(fd, path, &kind);
	close(fd);
	KX_TRY(err);
	if (kind == KX_INPUT_ELF)
		return kx_vmcore_open(path, ret);
	return open_dd(path, kind, work_dir, ret);
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
	kx_input_diskdump_destroy(vm->dd);
	free(vm);
}

struct kx_error *kx_vmcore_enable_filtering(struct kx_vmcore *vm)
{
	if (vm->filtering)
		return NULL;
	if (!vm->vtop)
		KX_TRY(setup_vtop(vm));
	KX_TRY(kx_page_layout_from_vmcoreinfo(vm->vi, &vm->layout));
	if (!vm->mem_map)
		KX_TRY(kx_mem_map_create(vm->vi, vm->arch, vm->vtop, vm->page_size,
					 vm->max_mapnr, &vm->mem_map));
	vm->filtering = true;
	return NULL;
}

static void set_range(void *arg, uint64_t first, uint64_t end)
{
	kx_bitmap_set_range(arg, first, end);
}

struct kx_error *kx_vmcore_mark_present(const struct kx_vmcore *vm, bool partial_last,
					struct kx_bitmap *bm)
{
	// Upstream copies a re-filtered dump's 1st bitmap as it is.
	if (vm->dd)
		return kx_input_diskdump_mark(vm->dd, 1, bm);
	kx_vmcore_for_each_ram(vm, partial_last, set_range, bm);
	return NULL;
}

struct kx_error *kx_vmcore_mark_data(const struct kx_vmcore *vm, struct kx_bitmap *bm)
{
	if (vm->dd)
		return kx_input_diskdump_mark(vm->dd, 2, bm);
	kx_vmcore_for_each_ram(vm, false, set_range, bm);
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
	if (vm->dd)
		return kx_input_diskdump_read_page(vm->dd, pfn, buf);
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

struct kx_error *kx_vmcore_read_struct_pages(const struct kx_vmcore *vm,
					     struct kx_vtop_hint *hint, uint64_t pfn,
					     uint64_t count, void *buf)
{
	uint64_t vaddr = kx_mem_map_page_vaddr(vm->mem_map, pfn);
	if (!vaddr)
		return kx_error_create(KX_ERROR_NODATA, "pfn %#" PRIx64 " has no struct page", pfn);
	return kx_vtop_read_hinted(vm->vtop, hint, vaddr, buf, count * vm->layout.page_size);
}
