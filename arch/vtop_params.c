// SPDX-License-Identifier: GPL-2.0-only
// VMCOREINFO → struct kx_vtop_params: see vtop_params.h and the table in
// vtop.h.
#include "config.h"

#include "arch.h"
#include "compiler.h"
#include "elf_core.h"
#include "vmcoreinfo.h"
#include "vtop_params.h"

static uint64_t number_or_zero(const struct kx_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;
	struct kx_error *err = kx_vmcoreinfo_number_u64(vi, name, &v);
	kx_error_destroy(err);
	return err ? 0 : v;
}

static uint64_t symbol_or_zero(const struct kx_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;
	struct kx_error *err = kx_vmcoreinfo_symbol(vi, name, &v);
	kx_error_destroy(err);
	return err ? 0 : v;
}

// x86_64 has exported its top-level table under three names over the years
// (init_level4_pgt before 4.13); swapper_pg_dir is the generic one.
static struct kx_error *pgd_symbol(const struct kx_vmcoreinfo *vi, uint64_t *ret)
{
	static const char *const names[] = { "init_top_pgt", "init_level4_pgt", "swapper_pg_dir" };
	for (size_t i = 0; i < KX_ARRAY_SIZE(names); i++) {
		struct kx_error *err = kx_vmcoreinfo_symbol(vi, names[i], ret);
		if (!kx_error_catch(&err, KX_ERROR_NOT_FOUND))
			return err;
	}
	return kx_error_create(KX_ERROR_NOT_FOUND,
			       "VMCOREINFO has no SYMBOL(init_top_pgt) or SYMBOL(swapper_pg_dir)");
}

uint64_t kx_vtop_phys_base(const struct kx_arch *arch, const struct kx_vmcoreinfo *vi,
			   const struct kx_elf_core *core)
{
	if (vi && vi->has_phys_base)
		return vi->phys_base;
	if (!arch->kernel_map_base)
		return 0;
	size_t n = 0;
	const struct kx_elf_core_load *loads = core ? kx_elf_core_loads(core, &n) : NULL;
	for (size_t i = 0; i < n; i++)
		if (loads[i].vaddr >= arch->kernel_map_base)
			return loads[i].paddr - (loads[i].vaddr - arch->kernel_map_base);
	return 0;
}

struct kx_error *kx_vtop_params_from_vmcoreinfo(const struct kx_arch *arch,
						const struct kx_vmcoreinfo *vi,
						const struct kx_elf_core *core,
						struct kx_vtop_params *ret)
{
	struct kx_vtop_params p = {
		.page_size = (uint32_t)vi->page_size,
		.pgtable_l5 = number_or_zero(vi, "pgtable_l5_enabled") != 0,
		.sme_mask = number_or_zero(vi, "sme_mask"),
		.max_physmem_bits = (unsigned int)number_or_zero(vi, "MAX_PHYSMEM_BITS"),
	};
	KX_TRY(pgd_symbol(vi, &p.pgd_vaddr));
	if (arch->kernel_map_base)
		p.phys_base = kx_vtop_phys_base(arch, vi, core);
	KX_TRY(kx_vtop_params_infer(arch, vi, NULL, 0, &p));
	*ret = p;
	return NULL;
}

struct kx_error *kx_vtop_params_infer(const struct kx_arch *arch, const struct kx_vmcoreinfo *vi,
				      const uint64_t *struct_pages, size_t nr_struct_pages,
				      struct kx_vtop_params *p)
{
	const struct kx_vtop_hints hints = {
		.vmalloc_start = number_or_zero(vi, "VMALLOC_START"),
		.vmemmap = symbol_or_zero(vi, "vmemmap"),
		.struct_pages = struct_pages,
		.nr_struct_pages = nr_struct_pages,
	};
	if (!arch->vtop || !arch->vtop->infer || (!hints.vmemmap && !nr_struct_pages))
		return NULL;
	struct kx_vtop_params q = *p;
	KX_TRY(arch->vtop->infer(&q, &hints));
	*p = q;
	return NULL;
}
