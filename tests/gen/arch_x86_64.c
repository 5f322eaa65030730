// SPDX-License-Identifier: GPL-2.0-only
// x86_64: the virtual memory layout of Documentation/arch/x86/x86_64/mm.rst
// (4- and 5-level), the kernel's page-table entry bits, elf_prstatus and
// arch_crash_save_vmcoreinfo()'s lines.
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "byteorder.h"
#include "mkvmcore.h"

static const uint64_t START_KERNEL_MAP = UINT64_C(0xffffffff80000000);
static const uint64_t LOAD_PHYSICAL_ADDR = 0x1000000;
static const uint64_t KERNEL_IMAGE_SIZE = UINT64_C(1) << 30;  // with RANDOMIZE_BASE
static const uint64_t SZ_2M = UINT64_C(1) << 21;

// Entry bits (arch/x86/include/asm/pgtable_types.h).
enum {
	PAGE_PRESENT = 0x1, PAGE_RW = 0x2, PAGE_USER = 0x4, PAGE_ACCESSED = 0x20,
	PAGE_DIRTY = 0x40, PAGE_PSE = 0x80, PAGE_GLOBAL = 0x100,
};
static const uint64_t PAGE_NX = UINT64_C(1) << 63;

static struct kx_error *layout_x86_64(struct mkv_ctx *ctx)
{
	const struct mkv_spec *s = ctx->spec;
	if (s->levels)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path,
				     "levels does not apply to x86_64 (l5 = 1 selects 5 levels)");
	ctx->levels = s->l5 ? 5 : 4;
	ctx->max_physmem_bits = s->l5 ? 52 : 46;
	ctx->page_offset = s->l5 ? UINT64_C(0xff11000000000000) : UINT64_C(0xffff888000000000);
	ctx->vmemmap_base = s->l5 ? UINT64_C(0xffd4000000000000) : UINT64_C(0xffffea0000000000);
	ctx->vmalloc_start = s->l5 ? UINT64_C(0xffa0000000000000) : UINT64_C(0xffffc90000000000);
	// KASLR moves these in 1 GiB steps (page_offset_base, vmemmap_base).
	if (s->page_offset)
		ctx->page_offset = s->page_offset;
	if (s->vmemmap_base)
		ctx->vmemmap_base = s->vmemmap_base;
	if ((ctx->page_offset | ctx->vmemmap_base) & ((UINT64_C(1) << 30) - 1))
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path,
				     "page_offset and vmemmap_base must be 1 GiB aligned");
	if (s->kaslr_offset % SZ_2M || s->phys_base % SZ_2M || s->kernel_size % SZ_2M ||
	    s->kernel_size < 2 * SZ_2M || s->kaslr_offset + s->kernel_size > KERNEL_IMAGE_SIZE - LOAD_PHYSICAL_ADDR)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path,
				     "kaslr_offset, phys_base and kernel_size must be 2 MiB "
				     "multiples, kernel_size >= 4 MiB, image below 1 GiB");
	ctx->text_va = START_KERNEL_MAP + LOAD_PHYSICAL_ADDR + s->kaslr_offset;
	// __pa_symbol(x) = x - __START_KERNEL_map + phys_base
	ctx->text_pa = ctx->text_va - START_KERNEL_MAP + s->phys_base;
	ctx->kernel_image_size = KERNEL_IMAGE_SIZE;
	return NULL;
}

// Kernel mapping (2 MiB, from the image's own tables), the direct map of
// all RAM (1 GiB / 2 MiB where aligned, 4 KiB elsewhere), then vmemmap.
static struct kx_error *map_x86_64(struct mkv_ctx *ctx)
{
	const struct mkv_spec *s = ctx->spec;
	ctx->tables_in_image = true;
	KX_TRY(mkv_pgtable_map(ctx, ctx->text_va, ctx->text_pa, s->kernel_size, 1, true));
	ctx->tables_in_image = false;
	uint64_t pmask = ctx->page_size - 1;
	for (size_t i = 0; i < s->nr_ram; i++) {
		uint64_t start = s->ram[i].start & ~pmask;
		uint64_t end = (s->ram[i].end + pmask) & ~pmask;
		KX_TRY(mkv_pgtable_map(ctx, mkv_pa_to_va(ctx, start), start, end - start,
				       s->direct_1g ? 2 : 1, false));
	}
	return mkv_pgtable_map_vmemmap(ctx, s->vmemmap_4k ? 0 : 1);
}

static uint64_t table_entry_x86_64(const struct mkv_ctx *ctx, unsigned int level, uint64_t pa)
{
	// The top level carries _PAGE_USER (_PAGE_TABLE), lower ones
	// _KERNPG_TABLE, as in "PGD 1a0c067 P4D 1a0c067 PUD 1a0d063" oopses.
	uint64_t flags = PAGE_PRESENT | PAGE_RW | PAGE_ACCESSED | PAGE_DIRTY;
	if (level == ctx->levels - 1)
		flags |= PAGE_USER;
	return pa | flags;
}

static uint64_t leaf_entry_x86_64(const struct mkv_ctx *ctx, unsigned int level, uint64_t pa,
				  bool exec)
{
	(void)ctx;
	uint64_t e = pa | PAGE_PRESENT | PAGE_RW | PAGE_ACCESSED | PAGE_DIRTY | PAGE_GLOBAL;
	if (level > 0)
		e |= PAGE_PSE;
	if (!exec)
		e |= PAGE_NX;
	return e;
}

// struct elf_prstatus (336 bytes): siginfo 12, cursig 2 (+2), sigpend 8,
// sighold 8, pid/ppid/pgrp/sid 4 each, four timevals (16 each), then
// pr_reg (27 words of user_regs_struct) at 112 and pr_fpvalid at 328.
enum { PRSTATUS_SIZE = 336, PR_PID = 32, PR_REG = 112, PR_FPVALID = 328 };
enum { R_RBP = 4, R_RAX = 10, R_ORIG_RAX = 15, R_RIP = 16, R_CS = 17, R_EFLAGS = 18,
       R_RSP = 19, R_SS = 20, R_GS_BASE = 22, NR_REGS = 27 };

static void prstatus_x86_64(const struct mkv_ctx *ctx, unsigned int cpu, uint8_t *d)
{
	memset(d, 0, PRSTATUS_SIZE);
	// CPU 0 panicked in a task (pid 1234); the others were stopped by NMI
	// in their idle tasks (pid 0).
	kx_put_le32(d + PR_PID, cpu == 0 ? 1234 : 0);
	uint64_t regs[NR_REGS] = { 0 };
	for (int i = 0; i < NR_REGS; i++)
		regs[i] = mkv_mix64(cpu * 64 + (unsigned int)i) & 0xffff;
	uint64_t stack = ctx->vmalloc_start + 0x10000000 + cpu * 0x8000 + 0x3e58;
	regs[R_RIP] = ctx->text_va + 0x12345 + cpu * 0x40;
	regs[R_RSP] = stack;
	regs[R_RBP] = stack + 0x78;
	regs[R_RAX] = 0;
	regs[R_ORIG_RAX] = UINT64_MAX;
	regs[R_CS] = 0x10;
	regs[R_SS] = 0x18;
	regs[R_EFLAGS] = 0x246;
	regs[R_GS_BASE] = mkv_pa_to_va(ctx, 0x7fc00000) + cpu * 0x40000;
	for (int i = 0; i < NR_REGS; i++)
		kx_put_le64(d + PR_REG + 8 * i, regs[i]);
	kx_put_le32(d + PR_FPVALID, 0);
}

static void vmcoreinfo_tail_x86_64(const struct mkv_ctx *ctx, FILE *out)
{
	fprintf(out, "NUMBER(phys_base)=%" PRId64 "\n", (int64_t)ctx->spec->phys_base);
	fprintf(out, "SYMBOL(init_top_pgt)=%" PRIx64 "\n", ctx->sym_init_top_pgt);
	fprintf(out, "NUMBER(pgtable_l5_enabled)=%d\n", ctx->levels == 5);
	fprintf(out, "SYMBOL(node_data)=%" PRIx64 "\nLENGTH(node_data)=1024\n", ctx->sym_node_data);
	fprintf(out, "KERNELOFFSET=%" PRIx64 "\n", ctx->spec->kaslr_offset);
	fprintf(out, "NUMBER(KERNEL_IMAGE_SIZE)=%" PRIu64 "\n", ctx->kernel_image_size);
	if (ctx->kernel->vi_sme_mask)
		fprintf(out, "NUMBER(sme_mask)=0\n");
}

static unsigned int free_area_len_x86_64(unsigned int page_shift)
{
	(void)page_shift;
	return 11;  // MAX_ORDER 11 (< 6.4), NR_PAGE_ORDERS since
}

const struct mkv_arch mkv_arch_x86_64 = {
	.name = "x86_64",
	.flavour = "amd64",
	.e_machine = 62,  // EM_X86_64
	.default_page_shift = 12,
	.page_shifts = UINT32_C(1) << 12,
	.section_size_bits = 27,
	.free_area_len = free_area_len_x86_64,
	.layout = layout_x86_64,
	.map = map_x86_64,
	.table_entry = table_entry_x86_64,
	.leaf_entry = leaf_entry_x86_64,
	.prstatus_size = PRSTATUS_SIZE,
	.prstatus = prstatus_x86_64,
	.vmcoreinfo_tail = vmcoreinfo_tail_x86_64,
};
