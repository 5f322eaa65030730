/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file crash_x86_64.h
 * What an x86_64 capture kernel (kexec -p through kexec_load) is told about
 * memory, after upstream's crashdump-x86.c (kexec.md §4.5):
 *
 * - its e820 table: usable RAM = the running system's RAM below 1 MiB plus
 *   every "Crash kernel" region, each shrunk to 1 KiB boundaries; the
 *   elfcorehdr segment cut out of it and listed as reserved (x86 refuses to
 *   ioremap RAM, and the capture kernel reads the header through
 *   ioremap); every ACPI / NVS / reserved / PMEM / PRAM entry of the
 *   firmware map with its type. RAM elsewhere is absent: the capture
 *   kernel must not touch the crashed kernel's memory;
 * - its command line: " elfcorehdr=<addr>K", " acpi_rsdp=0x..." when the
 *   system is EFI but the capture kernel gets no EFI information (see
 *   linux_boot.h), and with --pass-memmap-cmdline " memmap=exactmap" plus
 *   one "memmap=" per e820 entry;
 * - the ELF core header parameters: the direct-map base from /proc/kcore
 *   (KASLR randomises it since 4.20 layouts), else 0xffff888000000000.
 *
 * **No backup region.** Upstream copies the low 640 KiB aside at crash time
 * because old kernels used it; kernels since 5.8 reserve the whole low
 * 1 MiB at boot (arch/x86/realmode/init.c, "x86/setup: Always reserve the
 * first 1M of RAM", 5.13, and the crash-kernel 640K handling before it),
 * so nothing of the crashed kernel lives there. It is given to the capture
 * kernel as RAM (its real-mode trampoline needs low memory), and its
 * PT_LOAD in the core header is a plain one.
 */
#ifndef KX_X86_64_CRASH_H
#define KX_X86_64_CRASH_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_params.h"
#include "error.h"
#include "loader.h"

struct kx_root;

enum {
	/** upstream's elfcorehdr minimum size (room for hot-plugged CPUs' notes) */
	KX_X86_64_ELFCOREHDR_MIN = 16 * 1024,
	/** RAM pieces smaller than this are not worth a memmap= (upstream's 100K). */
	KX_X86_64_MEMMAP_MIN_K = 100,
};

/** x86_64's direct-map base without KASLR (4.20+; Documentation/arch/x86/x86_64/mm.rst). */
static const uint64_t KX_X86_64_PAGE_OFFSET_DEFAULT = 0xffff888000000000;

/**
 * The running kernel's direct-map base: the lowest kernel-half PT_LOAD
 * p_vaddr among the program headers in the first 64 KiB of /proc/kcore,
 * rounded down to 1 GiB (the direct map is the lowest kcore region and
 * KASLR moves it in 1 GiB steps). Without a readable, well-formed
 * /proc/kcore under @p root: KX_X86_64_PAGE_OFFSET_DEFAULT. Never fails.
 */
uint64_t kx_x86_64_crash_page_offset(const struct kx_root *root);

/** The ELF core header parameters for x86_64 (page_offset from @p root). */
struct kx_crash_header_params kx_x86_64_crash_header_params(const struct kx_root *root);

/**
 * The capture kernel's e820 table (see the file comment).
 * @param hdr_mem, hdr_memsz the placed elfcorehdr segment.
 * @param[out] ret sorted; caller kx_x86_64_e820_deinit()s it.
 * @return KX_ERROR_NOT_FOUND without crash regions, KX_ERROR_NOMEM.
 */
struct kx_error *kx_x86_64_crash_e820(const struct kx_load_input *in, uint64_t hdr_mem,
				      uint64_t hdr_memsz, struct kx_x86_64_e820 *ret);

/**
 * The command-line additions of a capture kernel, each starting with a
 * space: elfcorehdr=, then acpi_rsdp= when @p acpi_rsdp is not 0, then with
 * @p pass_memmap "memmap=exactmap" and memmap=SIZEK@STARTK (RAM, pieces
 * under 100K skipped), SIZEK#STARTK (ACPI, NVS), SIZEK$STARTK (reserved),
 * SIZEK!STARTK (PRAM) for the entries of @p e820.
 * @param[out] ret malloc'd text.
 */
struct kx_error *kx_x86_64_crash_cmdline(const struct kx_x86_64_e820 *e820, uint64_t hdr_mem,
					 uint64_t acpi_rsdp, bool pass_memmap, char **ret);

/**
 * The ACPI RSDP the firmware reported, from /sys/firmware/efi/systab
 * ("ACPI20=0x..." preferred over "ACPI=0x..."): 0 when there is no such
 * file or line (a BIOS system: the kernel scans low memory itself).
 */
uint64_t kx_x86_64_acpi_rsdp(const struct kx_root *root);

#endif /* KX_X86_64_CRASH_H */
