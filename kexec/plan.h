/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file plan.h
 * The load plan: everything kexec will hand the kernel, as pure data.
 *
 * A plan is built without any system call (loaders place segments through
 * kx_plan_add_buffer()/kx_plan_add_segment(), or the arch/loader.h builder
 * that wraps them), checked with kx_plan_validate(), and then executed by
 * kx_plan_execute() (syscall.h), the only caller of kexec_load(2) and
 * kexec_file_load(2), or printed by kx_plan_format() under --dry-run.
 *
 * **Placement** follows upstream's add_buffer()/locate_hole() with the
 * running kernel's page size (never an assumed 4096): sizes are rounded up
 * to it, alignments raised to it, and a block goes in the first (or last)
 * hole of the *usable* set, which is
 *
 *     usable RAM ∩ [--mem-min, --mem-max] ∩ (crash loads) the crash region
 *     without its last page
 *
 * minus every segment already placed. The crash region's last page stays
 * free because the kernel needs one free page inside crashk_res for its
 * control code (kexec.md §2.2); taking the last one keeps that guarantee
 * however the segments are laid out.
 */
#ifndef KX_KEXEC_PLAN_H
#define KX_KEXEC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"
#include "ranges.h"
#include "sha256.h"

struct kx_arch;

/** kexec_load(2) flags (include/uapi/linux/kexec.h). */
enum kx_kexec_flag {
	KX_KEXEC_ON_CRASH = 0x1,
	KX_KEXEC_PRESERVE_CONTEXT = 0x2,
	KX_KEXEC_UPDATE_ELFCOREHDR = 0x4,
	KX_KEXEC_CRASH_HOTPLUG_SUPPORT = 0x8,
	KX_KEXEC_DEBUG = 0x10,
};

/** The KEXEC_ARCH_* bits of the kexec_load flags (e_machine << 16). */
static const uint32_t KX_KEXEC_ARCH_MASK = 0xffff0000u;

/** kexec_file_load(2) flags. */
enum kx_kexec_file_flag {
	KX_KEXEC_FILE_UNLOAD = 0x1,
	KX_KEXEC_FILE_ON_CRASH = 0x2,
	KX_KEXEC_FILE_NO_INITRAMFS = 0x4,
	KX_KEXEC_FILE_DEBUG = 0x8,
	KX_KEXEC_FILE_NO_CMA = 0x10,
	KX_KEXEC_FILE_FORCE_DTB = 0x20,
};

enum {
	/** KEXEC_SEGMENT_MAX: the kernel refuses more with EINVAL. */
	KX_PLAN_MAX_SEGMENTS = 16,
};

/** Which system call the plan is for. */
enum kx_plan_syscall {
	KX_PLAN_KEXEC_LOAD = 0,      /**< segments built here */
	KX_PLAN_KEXEC_FILE_LOAD = 1, /**< the kernel reads the files */
};

/** One segment: `struct kexec_segment` plus ownership and a role. */
struct kx_plan_segment {
	void *buf;        /**< owned by the plan (free()); NULL for zero fill */
	size_t bufsz;     /**< bytes at buf, <= memsz */
	uint64_t mem;     /**< physical address, page-aligned */
	uint64_t memsz;   /**< page-aligned size in memory */
	const char *role; /**< static string: "kernel", "initrd", ... */
};

/** Builds the crash ELF core header for the builder's crash_header op. */
typedef struct kx_error *kx_plan_crash_header_fn(void *arg,
						 const struct kx_crash_header_params *params,
						 void **ret_buf, size_t *ret_size);

/** How to set a plan up (kx_plan_init()). */
struct kx_plan_config {
	const struct kx_arch *arch;   /**< target; gives the KEXEC_ARCH_* bits */
	uint64_t page_size;           /**< the running kernel's, a power of two */
	const struct kx_ranges *ram;  /**< usable RAM (copied) */
	bool crash;                   /**< kexec -p */
	struct kx_range crash_load;   /**< crash: the highest Crash kernel region */
	uint64_t mem_min;             /**< --mem-min (0) */
	uint64_t mem_max;             /**< --mem-max, inclusive (UINT64_MAX) */
	kx_plan_crash_header_fn *crash_header; /**< NULL: loaders cannot ask */
	void *crash_header_arg;       /**< passed to crash_header */
};

/** The plan. Read the fields; change them only through kx_plan_*(). */
struct kx_load_plan {
	const struct kx_arch *arch;    /**< target architecture */
	uint64_t page_size;            /**< placement granularity */
	bool crash;                    /**< a capture kernel */
	enum kx_plan_syscall syscall;  /**< which call executes it */
	uint64_t entry;                /**< physical entry point */
	/** kexec_load flags including the KEXEC_ARCH_* bits. */
	uint32_t kexec_flags;
	/** kexec_file_load flags. */
	uint32_t file_flags;
	struct kx_plan_segment *segments; /**< nr_segments, placement order until sorted */
	size_t nr_segments;            /**< number of segments */
	size_t cap;                    /**< room in segments */
	/** kexec_file_load: descriptors (owned, closed by deinit; -1 none). */
	int kernel_fd;
	int initrd_fd;                 /**< -1: KEXEC_FILE_NO_INITRAMFS */
	char *kernel_path;             /**< owned copy, for printing */
	char *initrd_path;             /**< owned copy or NULL */
	char *cmdline;                 /**< owned; NULL = none */
	/** Where segments may go (see the file comment). */
	struct kx_ranges usable;
	struct kx_range crash_load;    /**< crash: the region checked against */
	kx_plan_crash_header_fn *crash_header; /**< from the config */
	void *crash_header_arg;        /**< from the config */
};

/**
 * Set up an empty kexec_load plan in caller memory: flags = KEXEC_ARCH_* of
 * the target, | KEXEC_ON_CRASH for crash loads, entry 0.
 * @return KX_ERROR_INVALID_ARG for a page size that is not a power of two
 *         or a crash plan with an empty region; KX_ERROR_NOMEM.
 */
struct kx_error *kx_plan_init(struct kx_load_plan *plan, const struct kx_plan_config *config);

/** Free the segments' buffers, close the descriptors. NULL-safe. */
void kx_plan_deinit(struct kx_load_plan *plan);

/**
 * Add a segment at a fixed address (upstream add_segment()). Takes @p buf
 * (malloc'd or NULL) in all cases. bufsz is clamped to memsz; memsz is
 * rounded up to the page size; memsz 0 adds nothing.
 * @return KX_ERROR_INVALID_ARG "Base address: 0x... is not page aligned",
 *         "Invalid memory segment 0x...-0x..." (outside the usable set),
 *         KX_ERROR_OVERFLOW for wrapping sizes, KX_ERROR_NOMEM.
 */
struct kx_error *kx_plan_add_segment(struct kx_load_plan *plan, void *buf, size_t bufsz,
				     uint64_t mem, uint64_t memsz, const char *role);

/**
 * Find a hole for @p size bytes (upstream locate_hole()) without adding a
 * segment. See the file comment for the set searched.
 * @param align power of two, raised to the page size.
 * @param min lowest base; @param max exclusive bound (UINT64_MAX: none).
 * @param[out] ret the base.
 * @return KX_ERROR_NOSPACE "Could not find a free area of memory of 0x%lx
 *         bytes...", KX_ERROR_INVALID_ARG for a bad alignment or size.
 */
struct kx_error *kx_plan_locate_hole(const struct kx_load_plan *plan, uint64_t size,
				     uint64_t align, uint64_t min, uint64_t max,
				     enum kx_hole_fit fit, uint64_t *ret);

/**
 * Place a buffer (upstream add_buffer()): locate a hole for spec->memsz and
 * add the segment there. Takes spec->buf in all cases.
 * @param[out] ret_mem where it went.
 */
struct kx_error *kx_plan_add_buffer(struct kx_load_plan *plan,
				    const struct kx_buffer_spec *spec, uint64_t *ret_mem);

/**
 * --load-preserve-context (upstream add_backup_segments()): cover every
 * free page of the usable set (RAM within --mem-min/--mem-max) with a
 * zero-filled segment, role "backup", so that the kernel swaps the whole
 * range with the new kernel's memory and the old kernel's context survives
 * for the jump back. Upstream covers all of [mem_min, mem_max] and lets
 * the RAM check fail on holes; this covers only the usable RAM in it.
 * Call after the loader, before sorting and validation (which then catches
 * more than 16 segments). The x86 purgatory's digest, computed inside the
 * loader, does not cover them (they are zeros; upstream hashes them).
 */
struct kx_error *kx_plan_add_backup_segments(struct kx_load_plan *plan);

/** Set the entry point. */
void kx_plan_set_entry(struct kx_load_plan *plan, uint64_t entry);

/**
 * Turn @p plan into a kexec_file_load plan: the descriptors are taken over
 * (closed by deinit, also on failure), the paths and @p cmdline copied.
 * KEXEC_FILE_NO_INITRAMFS is added when @p initrd_fd is -1.
 * @param cmdline the command line without NUL, or NULL for none.
 */
struct kx_error *kx_plan_set_file(struct kx_load_plan *plan, int kernel_fd,
				  const char *kernel_path, int initrd_fd,
				  const char *initrd_path, const char *cmdline);

/** Sort the segments by address (stable). */
void kx_plan_sort(struct kx_load_plan *plan);

/**
 * Check what the kernel will check, with its reasons spelled out: 1..16
 * segments, page-aligned mem and memsz, bufsz <= memsz, no overlap
 * ("Overlapping memory segments at 0x..."; sort first), every segment in
 * the usable set, and for crash plans the entry inside the crash region.
 * Nothing to check for a kexec_file_load plan but its kernel descriptor.
 * @return KX_ERROR_INVALID_ARG with the reason.
 */
struct kx_error *kx_plan_validate(const struct kx_load_plan *plan);

/** SHA-256 of segment @p seg: its buffer followed by zeros up to memsz. */
void kx_plan_segment_sha256(const struct kx_plan_segment *seg,
			    uint8_t out[KX_SHA256_DIGEST_SIZE]);

/**
 * The dry-run text of the plan (docs/kexec-dry-run.md): stable, no host
 * pointers, one segment per line.
 * @param[out] ret malloc'd NUL-terminated text.
 */
struct kx_error *kx_plan_format(const struct kx_load_plan *plan, char **ret);

/**
 * Upstream's print_segments() dump, printed after "kexec_load failed" and
 * under -d: "entry       = 0x... flags = 0x...", "  nr_segments = N", then
 * "  segment[i].buf   = %p" / ".bufsz = 0x%zx" / ".mem   = %p" /
 * ".memsz = 0x%zx". Contains host pointers.
 * @param[out] ret malloc'd text.
 */
struct kx_error *kx_plan_format_segments(const struct kx_load_plan *plan, char **ret);

/**
 * The arch/loader.h builder over @p plan, for a loader's load(). Valid as
 * long as @p plan is; nothing to free.
 */
void kx_plan_builder(struct kx_load_plan *plan, struct kx_load_builder *ret);

#endif /* KX_KEXEC_PLAN_H */
