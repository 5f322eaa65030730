/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file sysinfo.h
 * What kexec reads from the running system, always through a struct
 * kx_root so tests replay fake roots (tests/data/roots/).
 *
 * Files and formats (kernel: kernel/ksysfs.c, drivers/base/cpu.c,
 * drivers/firmware/memmap.c):
 *
 * | what | file | format |
 * |------|------|--------|
 * | memory map | /proc/iomem | see common/iomem.h |
 * | loaded? | /sys/kernel/kexec_loaded, kexec_crash_loaded | "%d\n" |
 * | crash size | /sys/kernel/kexec_crash_size | "%zd\n" |
 * | VMCOREINFO note | /sys/kernel/vmcoreinfo | "%pa %x\n": 0x-prefixed address, hex size |
 * | CPUs | /sys/devices/system/cpu/present (else possible) | cpu list "0-3,8" |
 * | crash notes | /sys/devices/system/cpu/cpuN/crash_notes, crash_notes_size | "%llx\n" (no 0x), "%zu\n" |
 * | command line | /proc/cmdline | one line |
 * | x86 firmware map | /sys/firmware/memmap/N/{start,end,type} | "0x%llx\n", inclusive end, type name |
 * | symbols | /proc/kallsyms | "%px %c %s" |
 * | page size | see kx_sysinfo_page_size() | |
 */
#ifndef KX_KEXEC_SYSINFO_H
#define KX_KEXEC_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "iomem.h"
#include "loader.h"
#include "ranges.h"

struct kx_arch;
struct kx_root;

/** One CPU's crash note buffer. */
struct kx_crash_note {
	unsigned int cpu; /**< CPU number */
	uint64_t addr;    /**< physical address of its note_buf_t */
	uint64_t size;    /**< crash_notes_size, 1024 when the file is absent (pre-4.x kernels) */
};

/** The memory picture a load needs. Heap: kx_sysinfo_read() / _destroy(). */
struct kx_sysinfo {
	uint64_t page_size;          /**< the running kernel's */
	struct kx_iomem *iomem;      /**< the parsed /proc/iomem */
	struct kx_ranges system_ram; /**< every "System RAM" entry */
	/** Placement set: System RAM minus "Reserved" entries nested in it. */
	struct kx_ranges usable_ram;
	/** Every "Crash kernel" entry (empty when none). */
	struct kx_ranges crash_regions;
	/** The highest "Crash kernel" entry: where -p places; empty when none. */
	struct kx_range crash_load;
	/** Typed map: /sys/firmware/memmap when present, else from /proc/iomem. */
	struct kx_mem_map memmap;
};

/**
 * The running kernel's page size. With the real root (empty prefix):
 * sysconf(_SC_PAGESIZE). With a root prefix the file
 * <root>/proc/self/smaps stands in, as on a real system: the first
 * "KernelPageSize:  N kB" line; when that file is absent, @p arch's
 * default_page_size (documented in tests/data/roots/README.md).
 * @return KX_ERROR_CORRUPT naming the file for a malformed value.
 */
struct kx_error *kx_sysinfo_page_size(const struct kx_root *root, const struct kx_arch *arch,
				      uint64_t *ret);

/**
 * Read the memory picture (page size, /proc/iomem, firmware memmap).
 * @param[out] ret new sysinfo; kx_sysinfo_destroy() it.
 * @return errors naming the file; KX_ERROR_UNSUPPORTED when /proc/iomem
 *         shows zeros (not root).
 */
struct kx_error *kx_sysinfo_read(const struct kx_root *root, const struct kx_arch *arch,
				 struct kx_sysinfo **ret);

/** Free @p si. NULL is a no-op. */
void kx_sysinfo_destroy(struct kx_sysinfo *si);

/**
 * Is a kernel loaded? Reads /sys/kernel/kexec_crash_loaded when @p crash,
 * else /sys/kernel/kexec_loaded.
 */
struct kx_error *kx_sysinfo_kexec_loaded(const struct kx_root *root, bool crash, bool *ret);

/** /sys/kernel/kexec_crash_size. */
struct kx_error *kx_sysinfo_crash_size(const struct kx_root *root, uint64_t *ret);

/**
 * The "Crash kernel" regions of /proc/iomem, in address order (upstream's
 * --print-ckr-size prints the size of the last one).
 * @param[out] ret caller kx_ranges_deinit()s it; may be empty.
 */
struct kx_error *kx_sysinfo_crash_regions(const struct kx_root *root, struct kx_ranges *ret);

/**
 * /sys/kernel/vmcoreinfo: the physical address and size of the VMCOREINFO
 * note. @return KX_ERROR_CORRUPT naming the file for other text.
 */
struct kx_error *kx_sysinfo_vmcoreinfo(const struct kx_root *root, uint64_t *ret_addr,
				       uint64_t *ret_size);

/**
 * Parse a kernel CPU list ("0-3,8,10-11\n") into a sorted array.
 * @param name for messages. @param[out] ret malloc'd; @param[out] ret_count.
 */
struct kx_error *kx_sysinfo_parse_cpulist(const char *text, const char *name,
					  unsigned int **ret, size_t *ret_count);

/**
 * The crash note of each present CPU (/sys/devices/system/cpu/present,
 * or possible when present is missing). A CPU without a crash_notes file
 * is skipped, as upstream. @param[out] ret malloc'd array.
 */
struct kx_error *kx_sysinfo_crash_notes(const struct kx_root *root,
					struct kx_crash_note **ret, size_t *ret_count);

/** /proc/cmdline without its trailing newline. @param[out] ret malloc'd. */
struct kx_error *kx_sysinfo_cmdline(const struct kx_root *root, char **ret);

/**
 * The x86 firmware memory map /sys/firmware/memmap/0..N-1 (stops at the
 * first missing index), converted to half-open ranges (its ends are
 * inclusive: the one place they are converted), sorted.
 * @return KX_ERROR_NOT_FOUND when there is no /sys/firmware/memmap/0.
 */
struct kx_error *kx_sysinfo_firmware_memmap(const struct kx_root *root,
					    struct kx_mem_map *ret);

/** The type of a memmap/iomem name; false for names that are not memory. */
bool kx_sysinfo_mem_type(const char *name, enum kx_mem_type *ret);

/**
 * The address of @p symbol in /proc/kallsyms (first match).
 * @return KX_ERROR_NOT_FOUND; KX_ERROR_UNSUPPORTED when it reads 0
 *         (kptr_restrict hides addresses).
 */
struct kx_error *kx_sysinfo_kallsyms(const struct kx_root *root, const char *symbol,
				     uint64_t *ret);

#endif /* KX_KEXEC_SYSINFO_H */
