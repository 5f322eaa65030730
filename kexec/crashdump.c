// SPDX-License-Identifier: GPL-2.0-only
// The crash ELF core header and the capture kernel's memory: see crashdump.h.
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "crashdump.h"
#include "sysinfo.h"

struct kx_error *kx_crashdump_memory(const struct kx_sysinfo *si,
				     const char *const *extra_names, struct kx_ranges *ret)
{
	struct kx_ranges mem, extra;
	KX_TRY(kx_ranges_copy(&si->system_ram, &mem));
	struct kx_error *err = NULL;
	for (size_t i = 0; !err && extra_names && extra_names[i]; i++) {
		err = kx_iomem_find_ranges(si->iomem, extra_names[i], &extra);
		if (!err) {
			err = kx_ranges_add_set(&mem, &extra);
			kx_ranges_deinit(&extra);
		}
	}
	if (!err)
		err = kx_ranges_exclude_set(&mem, &si->crash_regions);
	if (err) {
		kx_ranges_deinit(&mem);
		return err;
	}
	*ret = mem;
	return NULL;
}

struct kx_error *kx_crashdump_kernel_text(const struct kx_root *root,
					  const struct kx_sysinfo *si, const char *symbol,
					  const char *end_symbol,
					  struct kx_elf_core_header_load *ret)
{
	const struct kx_iomem_entry *code = kx_iomem_find_next(si->iomem, NULL, "Kernel code");
	struct kx_ranges image;
	uint64_t vaddr, end;
	KX_CHECK(code, KX_ERROR_NOT_FOUND, "no \"Kernel code\" in /proc/iomem");
	KX_TRY(kx_sysinfo_kallsyms(root, symbol, &vaddr));
	KX_TRY(kx_iomem_kernel_image(si->iomem, &image));
	end = image.ranges[image.count - 1].end;
	kx_ranges_deinit(&image);
	// The image runs to _end, past "Kernel bss": x86's .brk area follows
	// __bss_stop (upstream sizes the text PT_LOAD by /proc/kcore's text
	// segment, _text.._end; the kernel's kexec_file_load by _end - _text).
	uint64_t end_sym;
	struct kx_error *e = end_symbol ? kx_sysinfo_kallsyms(root, end_symbol, &end_sym)
					: kx_error_create(KX_ERROR_NOT_FOUND, "no end symbol");
	if (!e && end_sym > vaddr && code->start + (end_sym - vaddr) > end)
		end = code->start + (end_sym - vaddr);
	kx_error_catch(&e, KX_ERROR_NOT_FOUND);
	KX_TRY(e);
	KX_CHECK(end > code->start, KX_ERROR_CORRUPT, "kernel image ends before its code");
	end = end + (si->page_size - 1) < end ? end : (end + si->page_size - 1) & ~(si->page_size - 1);
	*ret = (struct kx_elf_core_header_load){ code->start, vaddr, end - code->start };
	return NULL;
}

static struct kx_error *collect_notes(const struct kx_root *root, struct kx_crashdump *cd)
{
	struct kx_crash_note *cpus;
	size_t n;
	uint64_t addr, size;
	KX_TRY(kx_sysinfo_crash_notes(root, &cpus, &n));
	struct kx_error *err = kx_sysinfo_vmcoreinfo(root, &addr, &size);
	bool vmcoreinfo = !err;
	if (err && err->code == KX_ERROR_OS && err->errnum == ENOENT)
		kx_error_destroy(err), err = NULL;
	cd->notes = err ? NULL : calloc(n + 1, sizeof(*cd->notes));
	if (!err && !cd->notes)
		err = &kx_enomem;
	for (size_t i = 0; !err && i < n; i++)
		cd->notes[cd->nnotes++] = (struct kx_elf_core_header_note){ cpus[i].addr, cpus[i].size };
	if (!err && vmcoreinfo)
		cd->notes[cd->nnotes++] = (struct kx_elf_core_header_note){ addr, size };
	free(cpus);
	return err;
}

static struct kx_error *collect_loads(const struct kx_root *root, const struct kx_sysinfo *si,
				      const struct kx_crash_header_params *params,
				      struct kx_crashdump *cd)
{
	struct kx_ranges mem;
	struct kx_elf_core_header_load text = { 0, 0, 0 };
	if (params->text_symbol) {
		struct kx_error *err = kx_crashdump_kernel_text(root, si, params->text_symbol, params->end_symbol, &text);
		// Hidden addresses: no text PT_LOAD rather than a wrong one.
		if (kx_error_catch(&err, KX_ERROR_UNSUPPORTED))
			text.size = 0;
		KX_TRY(err);
	}
	KX_TRY(kx_crashdump_memory(si, params->extra_ranges, &mem));
	cd->loads = calloc(mem.count + 1, sizeof(*cd->loads));
	if (!cd->loads) {
		kx_ranges_deinit(&mem);
		return &kx_enomem;
	}
	if (text.size)
		cd->loads[cd->nloads++] = text;
	for (size_t i = 0; i < mem.count; i++) {
		const struct kx_range *r = &mem.ranges[i];
		cd->loads[cd->nloads++] = (struct kx_elf_core_header_load){
			r->start, r->start + params->page_offset, r->end - r->start };
	}
	kx_ranges_deinit(&mem);
	return NULL;
}

struct kx_error *kx_crashdump_collect(const struct kx_root *root, const struct kx_sysinfo *si,
				      const struct kx_crash_header_params *params,
				      struct kx_crashdump *ret)
{
	struct kx_crashdump cd = { 0 };
	struct kx_error *err = collect_notes(root, &cd);
	if (!err)
		err = collect_loads(root, si, params, &cd);
	if (err) {
		kx_crashdump_deinit(&cd);
		return err;
	}
	*ret = cd;
	return NULL;
}

void kx_crashdump_deinit(struct kx_crashdump *cd)
{
	free(cd->notes);
	free(cd->loads);
	*cd = (struct kx_crashdump){ 0 };
}

struct kx_error *kx_crashdump_header(const struct kx_root *root, const struct kx_arch *arch,
				     const struct kx_sysinfo *si,
				     const struct kx_crash_header_params *params,
				     void **ret_buf, size_t *ret_size)
{
	struct kx_crashdump cd;
	KX_TRY(kx_crashdump_collect(root, si, params, &cd));
	struct kx_error *err = kx_elf_core_header_build_crash(arch->elf_machine, cd.notes,
							      cd.nnotes, cd.loads, cd.nloads,
							      ret_buf, ret_size);
	kx_crashdump_deinit(&cd);
	return err;
}

struct kx_error *kx_crashdump_capture_memory(const struct kx_sysinfo *si,
					     struct kx_ranges *ret)
{
	KX_CHECK(kx_ranges_count(&si->crash_regions) > 0, KX_ERROR_NOT_FOUND,
		 "Memory for crashkernel is not reserved");
	return kx_ranges_copy(&si->crash_regions, ret);
}
