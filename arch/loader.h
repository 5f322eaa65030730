/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file loader.h
 * The interface between kexec's architecture-neutral core (kexec/) and the
 * image loaders of each architecture (arch/<arch>/).
 *
 * **Why it lives in arch/.** The loaders are arch code, and arch/ may only
 * include common/ and arch/ (tests/check-deps.sh). So this header defines
 * everything a loader sees as plain data plus one table of function
 * pointers, and includes nothing from kexec/. The core implements the table
 * (kexec/plan.c, kx_plan_builder()); a loader never links against kexec/,
 * which keeps libkxarch.a usable by makedumpfile and vmcore-dmesg.
 *
 * **Flow.** For a kexec_load(2) load the core reads the kernel (decompressed)
 * and the initrd, the running system's memory map (kexec/sysinfo.c) and,
 * for -p, the crash regions; it then probes `arch->loaders[]` in order and
 * calls load() of the first loader whose probe() accepts the image (or the
 * one named by -t). load() places segments through the builder and sets the
 * entry point. The core then sorts and validates the plan and executes it
 * (or prints it under --dry-run). kexec_file_load(2) does not involve
 * load(): the kernel parses the image itself; only probe() is asked.
 *
 * **Adding a loader:** define a `const struct kx_image_loader` with a name
 * (what -t accepts), probe and load, and list it in the descriptor's
 * `loaders` table (arch.h). A loader reads only its inputs and the builder:
 * no globals, no printing, no syscalls; it may read further system files
 * through `in->root` (e.g. /sys/firmware/efi) and must then name them in
 * its errors.
 */
#ifndef KX_LOADER_H
#define KX_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ranges.h"

struct kx_arch;
struct kx_root;

/**
 * Memory types of a typed map (x86 e820 / firmware memmap). The numbers are
 * kexec-tools' RANGE_* values, kept so that debug output matches upstream.
 */
enum kx_mem_type {
	KX_MEM_RAM = 0,          /**< "System RAM" */
	KX_MEM_RESERVED = 1,     /**< "Reserved" / "reserved" */
	KX_MEM_ACPI = 2,         /**< "ACPI Tables" */
	KX_MEM_ACPI_NVS = 3,     /**< "ACPI Non-volatile Storage" */
	KX_MEM_UNCACHED = 4,     /**< "Uncached RAM" */
	KX_MEM_PMEM = 6,         /**< "Persistent Memory" */
	KX_MEM_PRAM = 11,        /**< "Persistent Memory (legacy)" */
};

/** One typed range, half-open [start, end). */
struct kx_mem_entry {
	uint64_t start;          /**< first byte */
	uint64_t end;            /**< first byte after (exclusive) */
	enum kx_mem_type type;   /**< what it is */
};

/** A typed memory map, sorted by start. Owner frees @c entries. */
struct kx_mem_map {
	struct kx_mem_entry *entries; /**< @c count entries */
	size_t count;                 /**< number of entries */
};

/**
 * One architecture option from the command line, e.g. `--serial=ttyS0` is
 * {"serial", "ttyS0"} and `--reset-vga` is {"reset-vga", NULL}. Repeated
 * options appear repeatedly, in command-line order (the last one usually
 * wins). Strings are borrowed from argv.
 */
struct kx_loader_opt {
	const char *name;  /**< long option name without the dashes */
	const char *value; /**< its argument, NULL for a flag */
};

/**
 * What a loader is given. Everything is borrowed from the core and valid for
 * the duration of load(); a loader must not modify it.
 */
struct kx_load_input {
	const struct kx_arch *arch;     /**< target architecture */
	const struct kx_root *root;     /**< the system being planned for */
	bool crash;                     /**< kexec -p: a capture kernel */
	const char *kernel_path;        /**< for messages */
	const void *kernel;             /**< image bytes, already decompressed */
	size_t kernel_size;             /**< bytes at @c kernel */
	const char *initrd_path;        /**< NULL when there is no initrd */
	const void *initrd;             /**< NULL when there is no initrd */
	size_t initrd_size;             /**< bytes at @c initrd */
	/**
	 * The user's command line: --reuse-cmdline (with BOOT_IMAGE, initrd,
	 * kexec, kexec_file and, for -p, crashkernel removed) followed by
	 * --append/--command-line. Never NULL; "" when empty. Arch additions
	 * (elfcorehdr=, mem=, the LoongArch "kexec " prefix) are the loader's.
	 */
	const char *cmdline;
	const struct kx_loader_opt *opts; /**< arch options, in order */
	size_t nopts;                   /**< entries in @c opts */
	/** -i: the purgatory skips its SHA-256 check of the segments. */
	bool skip_checks;
	/**
	 * Crash loads with --hotplug: /sys/kernel/crash_elfcorehdr_size, the
	 * room the kernel wants for the ELF core header it rewrites on CPU and
	 * memory hotplug (and which the purgatory must therefore not digest).
	 * 0 otherwise: the loader sizes the header itself.
	 */
	uint64_t elfcorehdr_size;
	/** The running kernel's page size: segment granularity. */
	uint64_t page_size;
	/**
	 * Usable RAM of the running system: "System RAM" minus the nested
	 * "Reserved" entries. Placement through the builder stays inside it.
	 */
	const struct kx_ranges *ram;
	/** Typed map (x86 firmware memmap or derived from /proc/iomem); may be empty. */
	const struct kx_mem_map *memmap;
	/** Every "Crash kernel" region (empty when none is reserved). */
	const struct kx_ranges *crash_regions;
	/**
	 * Crash loads: the highest "Crash kernel" region, which the kernel
	 * checks the entry and every segment against (crashk_res). Empty
	 * otherwise. The builder already confines placement to it.
	 */
	struct kx_range crash_load;
};

/** A segment as the builder holds it, for loaders that digest them (x86 purgatory). */
struct kx_segment_view {
	const void *buf;   /**< bytes; NULL for a zero-filled segment */
	size_t bufsz;      /**< bytes at @c buf */
	uint64_t mem;      /**< physical address */
	uint64_t memsz;    /**< size in memory, page-aligned */
	const char *role;  /**< "kernel", "initrd", ... */
};

/** A request to place a buffer (upstream add_buffer()). */
struct kx_buffer_spec {
	/**
	 * The bytes, malloc'd. The builder takes ownership whether or not the
	 * call succeeds. On success the loader may keep writing through its
	 * pointer until load() returns (purgatory symbols are patched after
	 * placement). NULL with bufsz 0 for an all-zero segment.
	 */
	void *buf;
	size_t bufsz;      /**< bytes at @c buf (clamped to @c memsz) */
	uint64_t memsz;    /**< room in memory (rounded up to the page size) */
	uint64_t align;    /**< power of two; raised to at least the page size */
	uint64_t min;      /**< lowest allowed base */
	uint64_t max;      /**< the block must end at or below this (exclusive); UINT64_MAX = none */
	enum kx_hole_fit fit; /**< bottom-up or top-down */
	/** What it is, for the dry-run print: static storage ("kernel", "initrd"). */
	const char *role;
};

/**
 * Parameters of the crash ELF core header that only the architecture knows.
 * See kx_load_builder_ops.crash_header.
 */
struct kx_crash_header_params {
	/**
	 * Virtual address of the direct map: each RAM PT_LOAD gets
	 * p_vaddr = paddr + page_offset (x86_64 0xffff888000000000 without
	 * KASLR, LoongArch 0x9000000000000000).
	 */
	uint64_t page_offset;
	/**
	 * kallsyms symbol whose address is the kernel-text PT_LOAD's p_vaddr
	 * ("_text" on both arches); NULL for no kernel-text PT_LOAD.
	 */
	const char *text_symbol;
	/** Extra /proc/iomem names dumped besides "System RAM" (x86: ACPI tables...); NULL-terminated or NULL. */
	const char *const *extra_ranges;
	/** kallsyms symbol ending the kernel-text PT_LOAD when it lies past "Kernel bss" (x86_64 "_end": the .brk area); NULL: the iomem image end. */
	const char *end_symbol;
};

struct kx_load_builder;

/**
 * Services the core offers a loader. Each returns NULL or an error the
 * loader should hand back from load().
 */
struct kx_load_builder_ops {
	/**
	 * Place a buffer (upstream add_buffer()/locate_hole()): find the first
	 * (or last) page-aligned hole in usable RAM, minus what is placed,
	 * within [spec->min, spec->max), --mem-min/--mem-max and, for crash
	 * loads, the crash region (never its last page).
	 * @param[out] ret_mem the chosen physical address.
	 * @return KX_ERROR_NOSPACE "Could not find a free area of memory of
	 *         0x... bytes..." when nothing fits.
	 */
	struct kx_error *(*add_buffer)(struct kx_load_builder *b,
				       const struct kx_buffer_spec *spec, uint64_t *ret_mem);
	/**
	 * Add a segment at a fixed address (upstream add_segment()). @p buf
	 * is taken over as in kx_buffer_spec. @p mem must be page-aligned and
	 * the segment must lie in usable RAM (and the crash region for -p).
	 */
	struct kx_error *(*add_segment)(struct kx_load_builder *b, void *buf, size_t bufsz,
					uint64_t mem, uint64_t memsz, const char *role);
	/** Set the physical entry point. */
	void (*set_entry)(struct kx_load_builder *b, uint64_t entry);
	/** Number of segments placed so far. */
	size_t (*count)(const struct kx_load_builder *b);
	/** Segment @p index (in placement order) into @p ret; index < count(). */
	void (*segment)(const struct kx_load_builder *b, size_t index,
			struct kx_segment_view *ret);
	/**
	 * Crash loads only: build the capture kernel's ELF core header from
	 * the running system (per-CPU crash notes, VMCOREINFO, kernel text,
	 * RAM minus the crash regions), 1 KiB aligned. The loader places it.
	 * @param[out] ret_buf malloc'd; the loader owns it (usually passes it
	 *             on to add_buffer()). @param[out] ret_size its size.
	 */
	struct kx_error *(*crash_header)(struct kx_load_builder *b,
					 const struct kx_crash_header_params *params,
					 void **ret_buf, size_t *ret_size);
};

/** The builder handle a loader receives. */
struct kx_load_builder {
	const struct kx_load_builder_ops *ops; /**< the services */
	void *impl;                            /**< the core's state; opaque */
};

/**
 * An image loader (upstream `struct file_type`).
 */
struct kx_image_loader {
	/** Name, as -t/--type accepts it ("bzImage64", "elf-loongarch", ...). */
	const char *name;
	/**
	 * Is this image mine? Pure function of the bytes (decompressed);
	 * must not fail: "not mine" is false, never an error.
	 */
	bool (*probe)(const void *buf, size_t size);
	/**
	 * Build the segments and entry point for @p in through @p out.
	 * Errors go back to the core, which prints "Cannot load KERNEL: ...".
	 */
	struct kx_error *(*load)(const struct kx_load_input *in, struct kx_load_builder *out);
	/** Extra lines for --help (the loader's options), or NULL. */
	const char *usage;
	/**
	 * kexec_file_load(2) only; NULL when the kernel reads the file as it
	 * is. Otherwise the bytes the kernel must read instead (EFI zboot:
	 * the decompressed PE), which the core puts in a sealed memfd.
	 * @param[out] ret_buf malloc'd; the core frees it.
	 */
	struct kx_error *(*file_image)(const void *buf, size_t size, const char *path,
				       void **ret_buf, size_t *ret_size);
};

#endif /* KX_LOADER_H */
