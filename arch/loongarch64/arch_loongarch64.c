// SPDX-License-Identifier: GPL-2.0-only
// LoongArch64 facts. Loaders, purgatory and page-table walking join as hooks.
#include "config.h"

#include "arch.h"
#include "image_elf.h"
#include "image_pe.h"
#include "image_zboot.h"
#include "loader.h"
#include "vtop.h"

static const char *const loongarch64_aliases[] = { "loongarch", "loong64", NULL };

// Upstream's order: elf, pez, pei. A zboot vmlinuz.efi is also "MZ" with
// machine 0x6264, so it must be asked before the plain PE loader.
static const struct kx_image_loader *const loongarch64_loaders[] = {
	&kx_loongarch64_elf_loader,
	&kx_loongarch64_zboot_loader,
	&kx_loongarch64_pe_loader,
	NULL,
};

const struct kx_arch kx_arch_loongarch64 = {
	.name = "loongarch64",
	.aliases = loongarch64_aliases,
	.elf_machine = 258,              // EM_LOONGARCH
	.kexec_arch = 258u << 16,        // KEXEC_ARCH_LOONGARCH = 0x1020000
	.pointer_size = 8,
	// Debian and the distributions' LoongArch kernels use 16 KiB pages
	// (CONFIG_PAGE_SIZE_16KB is the arch default); 4 and 64 KiB exist too.
	.default_page_size = 16384,
	// arch/loongarch/include/uapi/asm/setup.h: COMMAND_LINE_SIZE 4096
	// arch/loongarch/include/asm/sparsemem.h
	.default_section_size_bits = 29,
	.command_line_size = 4096,
	.vtop = &kx_vtop_ops_loongarch64,
	// include/uapi/asm-generic/unistd.h
	.nr_kexec_load = 104,
	.nr_kexec_file_load = 294,
	.nr_reboot = 142,
	.loaders = loongarch64_loaders,
};
