// SPDX-License-Identifier: GPL-2.0-only
// loongarch64: the virtual memory layout of arch/loongarch/include/asm/
// {addrspace,pgtable,pgtable-bits,sparsemem}.h for the page-table layouts
// of arch/loongarch/Kconfig (4KB_3LEVEL, 4KB_4LEVEL, 16KB_2LEVEL,
// 16KB_3LEVEL — the 64-bit default and what Debian's loong64 and Loongnix
// 6.x kernels use —, 64KB_2LEVEL, 64KB_3LEVEL), the kernel's page-table
// entries, and elf_prstatus. LoongArch has no
// arch_crash_save_vmcoreinfo(): its VMCOREINFO is the generic part only
// (no KERNELOFFSET, no phys_base; ../shared/reference/samples/INDEX.md).
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "byteorder.h"
#include "mkvmcore.h"

// The cached direct mapping window (DMW1): the kernel image and all RAM
// are here, translated by the hardware without tables.
static const uint64_t CACHE_BASE = UINT64_C(0x9000000000000000);
// The kernel's link address above the window base (text_offset).
static const uint64_t TEXT_OFFSET = 0x200000;
// cpu_vabits and cpu_pabits: cpu_probe_addrbits() (kernel/cpu-probe.c)
// takes CPUCFG1's VALEN and PALEN fields, which hold the widths minus one;
// QEMU's la464 and the Loongson-3 CPUs have 48-bit VA and PA (0x2f), so
// both are 47 and vm_map_base = 0 - 2^47 = 0xffff800000000000.
static const unsigned int CPU_VABITS = 47, CPU_PABITS = 47;
static const uint64_t SZ_2M = UINT64_C(1) << 21, SZ_64K = UINT64_C(1) << 16;
static const uint64_t PCI_IOSIZE = UINT64_C(32) << 20, MODULES_SIZE = UINT64_C(256) << 20;

// pgtable-bits.h: V, D, PLV (0 for the kernel), MAT (CC = cached, 1 at
// bit 4), G, P, W, M; _PAGE_HUGE shares bit 6 with G in a PMD, which then
// carries _PAGE_HGLOBAL at bit 12 instead.
enum {
	PAGE_VALID = 1 << 0, PAGE_DIRTY = 1 << 1, CACHE_CC = 1 << 4, PAGE_GLOBAL = 1 << 6,
	PAGE_HUGE = 1 << 6, PAGE_PRESENT = 1 << 7, PAGE_WRITE = 1 << 8, PAGE_MODIFIED = 1 << 9,
	PAGE_HGLOBAL = 1 << 12,
};
static const uint64_t PAGE_NO_EXEC = UINT64_C(1) << 62;

static struct kx_error *check_spec_loongarch64(const struct mkv_spec *s)
{
	if (s->l5 || s->phys_base || s->page_offset)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "l5, phys_base and page_offset "
				     "do not apply to loongarch64 (DMW at 0x9000000000000000)");
	// Kconfig's layouts: 3 or 4 levels of 4 KiB pages, 2 or 3 of 16 or 64.
	unsigned int low = s->page_shift == 12 ? 3 : 2;
	if (s->levels && (s->levels < low || s->levels > low + 1))
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "no LoongArch kernel has %u "
				     "levels of %u KiB pages (Kconfig: %u or %u)", s->levels,
				     1u << (s->page_shift - 10), low, low + 1);
	if (s->kaslr_offset % SZ_64K || s->kernel_size % SZ_2M || s->kernel_size < 2 * SZ_2M)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path,
				     "kaslr_offset must be a 64 KiB multiple, kernel_size a "
				     "2 MiB multiple >= 4 MiB");
	return NULL;
}

// vmemmap sits at the top of the page tables' reach (pgtable.h):
// VMALLOC_END = vm_map_base + min(PTRS_PER_PGD * ... * PAGE_SIZE,
// 1 << cpu_vabits) - PMD_SIZE - VMEMMAP_SIZE, vmemmap =
// (VMALLOC_END + PMD_SIZE) & PMD_MASK, VMALLOC_START = MODULES_END.
// Without KFENCE_AREA_SIZE (6.6+ with CONFIG_KFENCE: a few MiB lower).
static void vm_layout_loongarch64(struct mkv_ctx *ctx)
{
	unsigned int shift = ctx->page_shift, bits = shift - 3;
	unsigned int va_bits = shift + ctx->levels * bits;
	uint64_t vm_map_base = 0 - (UINT64_C(1) << CPU_VABITS);
	uint64_t span = UINT64_C(1) << (va_bits < CPU_VABITS ? va_bits : CPU_VABITS);
	uint64_t vmemmap_size = (uint64_t)MKV_PAGE_SIZE << (CPU_PABITS + 1 - shift);
	// 4KB_3LEVEL (512 GiB) and 16KB_2LEVEL (64 GiB) reach less than
	// VMEMMAP_SIZE for 47-bit physical addresses, so the kernel's formula
	// puts vmemmap below vm_map_base and leaves no vmalloc space: such
	// kernels suit CPUs with a smaller PALEN. Synthetic: keep vmemmap in
	// the upper half of the tables' reach.
	if (vmemmap_size > span / 2)
		vmemmap_size = span / 2;
	uint64_t pmd_size = UINT64_C(1) << (shift + bits);
	ctx->vmemmap_base = (vm_map_base + span - vmemmap_size) & ~(pmd_size - 1);
	ctx->vmalloc_start = vm_map_base + PCI_IOSIZE + 2 * ctx->page_size + MODULES_SIZE;
}

static struct kx_error *layout_loongarch64(struct mkv_ctx *ctx)
{
	const struct mkv_spec *s = ctx->spec;
	KX_TRY(check_spec_loongarch64(s));
	ctx->levels = s->levels ? s->levels : 3;
	ctx->max_physmem_bits = 48;  // MAX_PHYSMEM_BITS (sparsemem.h)
	ctx->page_offset = CACHE_BASE;
	vm_layout_loongarch64(ctx);
	if (s->vmemmap_base)
		ctx->vmemmap_base = s->vmemmap_base;
	// With RANDOMIZE_BASE the image moves inside the window, physically
	// and virtually by the same offset.
	ctx->text_pa = TEXT_OFFSET + s->kaslr_offset;
	ctx->text_va = CACHE_BASE + ctx->text_pa;
	return NULL;
}

// Only vmemmap needs tables: the image and RAM are in the window. PMD-sized
// leaves where the struct pages allow (vmemmap_populate_hugepages(); with
// two levels the PMD is folded into the PGD), base pages otherwise or with
// vmemmap_pages = 4k.
static struct kx_error *map_loongarch64(struct mkv_ctx *ctx)
{
	return mkv_pgtable_map_vmemmap(ctx, ctx->spec->vmemmap_4k ? 0 : 1);
}

// An upper-level entry is the DMW virtual address of the next table, with
// no flag bits (pgd_populate() / pmd_populate_kernel()).
static uint64_t table_entry_loongarch64(const struct mkv_ctx *ctx, unsigned int level,
					uint64_t pa)
{
	(void)level;
	return ctx->page_offset | pa;
}

static uint64_t leaf_entry_loongarch64(const struct mkv_ctx *ctx, unsigned int level,
				       uint64_t pa, bool exec)
{
	(void)ctx;
	uint64_t e = pa | PAGE_VALID | PAGE_DIRTY | CACHE_CC | PAGE_PRESENT | PAGE_WRITE |
		     PAGE_MODIFIED;
	e |= level > 0 ? PAGE_HUGE | PAGE_HGLOBAL : PAGE_GLOBAL;
	if (!exec)
		e |= PAGE_NO_EXEC;
	return e;
}

// struct elf_prstatus (480 bytes): the common 112-byte head, then pr_reg =
// struct user_pt_regs (regs[32], orig_a0, csr_era, csr_badv, reserved[10]:
// ELF_NGREG 45) and pr_fpvalid at 472.
enum { PRSTATUS_SIZE = 480, PR_PID = 32, PR_REG = 112, PR_FPVALID = 472 };
enum { R_RA = 1, R_TP = 2, R_SP = 3, R_A0 = 4, R_FP = 22, R_ORIG_A0 = 32, R_ERA = 33,
       R_BADV = 34, NR_REGS = 45 };

static void prstatus_loongarch64(const struct mkv_ctx *ctx, unsigned int cpu, uint8_t *d)
{
	memset(d, 0, PRSTATUS_SIZE);
	kx_put_le32(d + PR_PID, cpu == 0 ? 1234 : 0);
	uint64_t regs[NR_REGS] = { 0 };
	for (int i = 1; i < 32; i++)
		regs[i] = mkv_mix64(cpu * 64 + (unsigned int)i) & 0xffff;
	// Kernel stacks and task structs are in the direct map on LoongArch
	// (no VMAP_STACK), as in crash's "bt" output (900000009beffb60).
	uint64_t stack = mkv_pa_to_va(ctx, 0x1bef0000) + cpu * 0x8000 + 0x3b60;
	regs[R_ERA] = ctx->text_va + 0x12345 + cpu * 0x40;
	regs[R_RA] = ctx->text_va + 0x2e7660;
	regs[R_TP] = mkv_pa_to_va(ctx, 0x1a552100) + cpu * 0x4000;
	regs[R_SP] = stack;
	regs[R_FP] = stack + 0x170;
	regs[R_ORIG_A0] = regs[R_A0];
	regs[R_BADV] = 0;
	for (int i = 0; i < NR_REGS; i++)
		kx_put_le64(d + PR_REG + 8 * i, regs[i]);
	kx_put_le32(d + PR_FPVALID, 0);
}

// ARCH_FORCE_MAX_ORDER's defaults: MAX_ORDER 11/12/14 for 4/16/64 KiB
// pages before 6.4 (exclusive), 10/11/13 since (inclusive): the same
// number of free_area orders either way.
static unsigned int free_area_len_loongarch64(unsigned int page_shift)
{
	return page_shift == 16 ? 14 : page_shift == 14 ? 12 : 11;
}

const struct mkv_arch mkv_arch_loongarch64 = {
	.name = "loongarch64",
	.flavour = "loong64",
	.e_machine = 258,  // EM_LOONGARCH
	.default_page_shift = 14,
	.page_shifts = UINT32_C(1) << 12 | UINT32_C(1) << 14 | UINT32_C(1) << 16,
	.section_size_bits = 29,  // sparsemem.h: the largest huge page
	.free_area_len = free_area_len_loongarch64,
	.layout = layout_loongarch64,
	.map = map_loongarch64,
	.table_entry = table_entry_loongarch64,
	.leaf_entry = leaf_entry_loongarch64,
	.prstatus_size = PRSTATUS_SIZE,
	.prstatus = prstatus_loongarch64,
	.vmcoreinfo_tail = NULL,
};
