// SPDX-License-Identifier: GPL-2.0-only
// x86_64 facts. Loaders, purgatory and page-table walking join as hooks.
#include "config.h"

#include "arch.h"
#include "image_x86_64.h"
#include "vtop.h"

// Upstream's probe order among the loaders we have (kexec.md §4.1).
static const struct kx_image_loader *const x86_64_loaders[] = {
	&kx_x86_64_elf_loader,
	&kx_x86_64_bzimage64_loader,
	NULL,
};

static const char *const x86_64_aliases[] = { "amd64", "x86-64", NULL };

const struct kx_arch kx_arch_x86_64 = {
	.name = "x86_64",
	.aliases = x86_64_aliases,
	.elf_machine = 62,               // EM_X86_64
	.kexec_arch = 62u << 16,         // KEXEC_ARCH_X86_64
	.pointer_size = 8,
	.default_page_size = 4096,
	// arch/x86/include/asm/setup.h: COMMAND_LINE_SIZE 2048
	.kernel_map_base = 0xffffffff80000000, // __START_KERNEL_map
	// arch/x86/include/asm/sparsemem.h (64-bit)
	.default_section_size_bits = 27,
	.command_line_size = 2048,
	.kexec_hotplug_flag = 0x4,       // KEXEC_UPDATE_ELFCOREHDR
	.vtop = &kx_vtop_ops_x86_64,
	// arch/x86/entry/syscalls/syscall_64.tbl
	.nr_kexec_load = 246,
	.nr_kexec_file_load = 320,
	.nr_reboot = 169,
	.loaders = x86_64_loaders,
};
