/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file arch.h
 * Architecture descriptors: every fact about an architecture in one struct,
 * chosen at run time, so that an x86_64 machine can plan a LoongArch load or
 * read a LoongArch vmcore. Code never tests `#ifdef __x86_64__` or compares
 * descriptor pointers: a difference between architectures is a field here.
 *
 * Adding an architecture:
 *  - minimum: a new arch/<name>/arch_<name>.c defining one
 *    `const struct kx_arch kx_arch_<name>` with every field below filled in,
 *    its entry in kx_arches[] (arch/arch.c), and its case in configure.ac;
 *    tests/unit/test_arch.c then checks the fields for consistency;
 *  - kexec, crash loading, makedumpfile filtering and vmcore-dmesg each add
 *    their hooks here as they land (image probes and load-plan builders,
 *    crash-memory exclusions, page-table walk, PRSTATUS registers); a NULL
 *    hook will mean "not supported on this architecture" and callers test it.
 */
#ifndef KX_ARCH_H
#define KX_ARCH_H

#include <stddef.h>
#include <stdint.h>

struct kx_vtop_ops;
/* kexec's image-loader interface, defined in arch/loader.h. */
struct kx_image_loader;

struct kx_arch {
	/** Canonical name, as `uname -m` prints it and --arch= accepts it. */
	const char *name;
	/** Other spellings accepted by kx_arch_by_name(), NULL-terminated. */
	const char *const *aliases;
	/** ELF e_machine of its kernels and vmcores. */
	uint16_t elf_machine;
	/** KEXEC_ARCH_* value for kexec_load(2): e_machine << 16. */
	uint32_t kexec_arch;
	/** Size of a kernel pointer, in bytes. */
	unsigned int pointer_size;
	/** Page size when the running kernel cannot be asked (never assume it when it can). */
	uint32_t default_page_size;
	/** The kernel's COMMAND_LINE_SIZE, terminating NUL included. */
	uint32_t command_line_size;
	/**
	 * The kexec_load flag kexec --hotplug adds to a crash load (x86:
	 * KEXEC_UPDATE_ELFCOREHDR 0x4, because x86 kernels 6.5-6.9 reject the
	 * later KEXEC_CRASH_HOTPLUG_SUPPORT 0x8), when its loaders size the
	 * ELF core header from kx_load_input.elfcorehdr_size; 0: --hotplug is
	 * not supported on this architecture's kexec_load path.
	 */
	uint32_t kexec_hotplug_flag;
	/**
	 * Virtual base of the kernel text mapping when it is separate from the
	 * direct map (x86_64 __START_KERNEL_map), so phys_base can be derived
	 * from the kernel-text PT_LOAD; 0 when the text is in a linear window.
	 */
	uint64_t kernel_map_base;
	/** SPARSEMEM section size (log2 bytes) when VMCOREINFO lacks NUMBER(SECTION_SIZE_BITS). */
	unsigned int default_section_size_bits;
	/**
	 * Kernel virtual → physical translation of a dead kernel's page tables
	 * (arch/vtop.h; used by makedumpfile and vmcore-dmesg through
	 * kx_vtop_create()). Needs: the address-space layout (linear windows,
	 * canonical form), the level geometry per page size, and the entry
	 * format (present, huge, frame bits). NULL: translation unsupported,
	 * and kx_vtop_create() says so.
	 */
	const struct kx_vtop_ops *vtop;
	/**
	 * System call numbers of kexec_load(2), kexec_file_load(2) and
	 * reboot(2) on this architecture (asm/unistd.h); -1 when the kernel
	 * has none. Used only by kexec's real system-call layer, so a build
	 * for one architecture never passes its own numbers for another's
	 * plan (kexec refuses to execute a plan for a foreign architecture).
	 */
	long nr_kexec_load;
	long nr_kexec_file_load; /**< see nr_kexec_load */
	long nr_reboot;          /**< see nr_kexec_load */
	/**
	 * kexec image loaders (arch/loader.h), probed in this order; the first
	 * whose probe accepts the image is used. NULL-terminated. NULL (or an
	 * empty table) means kexec cannot build a kexec_load plan for this
	 * architecture yet: it then says "Cannot determine the file type".
	 */
	const struct kx_image_loader *const *loaders;
};

extern const struct kx_arch kx_arch_x86_64;
extern const struct kx_arch kx_arch_loongarch64;

/** Every architecture this build knows, NULL-terminated. */
extern const struct kx_arch *const kx_arches[];

/** Look up by canonical name or alias; NULL when unknown. */
const struct kx_arch *kx_arch_by_name(const char *name);

/** Look up by ELF e_machine; NULL when unknown. */
const struct kx_arch *kx_arch_by_elf_machine(uint16_t machine);

/** The architecture the tools were built to run on (configure's choice). */
const struct kx_arch *kx_arch_host(void);

#endif /* KX_ARCH_H */
