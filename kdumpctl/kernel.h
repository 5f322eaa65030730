/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file kernel.h
 * Which kernel the capture kernel is, and where its initramfs lives
 * (upstream's prepare_kdump_bootinfo).
 *
 * **Version**: KDUMP_KERNELVER, else the running kernel's release
 * (/proc/sys/kernel/osrelease under the root). A running `-debug`/`+debug`
 * kernel falls back to its non-debug twin when
 * /usr/lib/modules/<twin>/modules.dep exists; otherwise the debug kernel is
 * used and @ref kx_kernel_info.debug is set (callers warn).
 *
 * **Kernel**: in each directory of KDUMP_BOOTDIR, or `/boot /boot/efi /efi
 * /`, try in order: the BOOT_IMAGE= path of /proc/cmdline (without a GRUB
 * `(hd0,gpt2)` device prefix) when it ends with the version;
 * `$KDUMP_IMG-<ver>$KDUMP_IMG_EXT`; `<machine-id>/<ver>/$KDUMP_IMG`;
 * `EFI/Linux/<machine-id>-<ver>.efi` (a UKI). The first regular file wins;
 * repeated slashes are squeezed. None: KX_ERROR_NOT_FOUND "Failed to detect
 * kdump kernel location".
 *
 * **Initramfs**: the default one is `initramfs-<ver>.img` or `initrd` beside
 * the kernel (in /boot for a UKI); the kdump one is named after it
 * (`initramfs-<ver>kdump.img`, `initrdkdump`; `initramfs-<ver>kdump.img`
 * when there is no default one) and lives beside the kernel, or in
 * /var/lib/kdump when that directory is not writable or the kernel is a UKI.
 *
 * All paths are system paths (without the root prefix). FIXME: OSTree
 * (/boot/ostree/...) and the StubImageIdentifier EFI variable.
 */
#ifndef KX_KDUMPCTL_KERNEL_H
#define KX_KDUMPCTL_KERNEL_H

#include <stdbool.h>

#include "error.h"

struct kx_root;
struct kx_sysconfig;

/** Where kdumpctl keeps state and a kdump initramfs it cannot put in /boot. */
#define KX_KERNEL_VAR_DIR "/var/lib/kdump"

/** The discovery result; every string malloc'd. kx_kernel_info_deinit(). */
struct kx_kernel_info {
	char *kver;           /**< kernel release */
	char *kernel;         /**< the image's system path */
	char *bootdir;        /**< directory of the image (/boot for a UKI) */
	char *default_initrd; /**< system path, or NULL when there is none */
	char *kdump_initrd_name; /**< base name of the kdump initramfs */
	bool uki;             /**< the image is a unified kernel image */
	bool debug;           /**< a debug kernel is used (warn about crashkernel=) */
};

/**
 * Discover the kernel and initramfs names under @p root.
 * @param[out] ret filled on success; untouched on failure.
 */
struct kx_error *kx_kernel_find(const struct kx_root *root, const struct kx_sysconfig *sc,
				struct kx_kernel_info *ret);

/** Free what @p info holds. */
void kx_kernel_info_deinit(struct kx_kernel_info *info);

/**
 * The kdump initramfs's system path: in @p info->bootdir when
 * @p bootdir_writable and the kernel is no UKI, else in KX_KERNEL_VAR_DIR.
 * @param[out] ret malloc'd.
 */
struct kx_error *kx_kernel_kdump_initrd(const struct kx_kernel_info *info,
					bool bootdir_writable, char **ret);

/** Whether the directory @p dir under @p root is writable by us (access(2)). */
bool kx_kernel_dir_writable(const struct kx_root *root, const char *dir);

#endif /* KX_KDUMPCTL_KERNEL_H */
