// SPDX-License-Identifier: GPL-2.0-only
// The EFI boot information an x86_64 kexec_load passes on (efi_x86_64.h).
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_params.h"
#include "byteorder.h"
#include "efi_x86_64.h"
#include "root.h"

enum {
	MAX_DESCS = 4096,          // caps allocation; real runtime maps hold tens
	SYSTAB_MAX = 64 * 1024,
	PATH_ROOM = 96,
	EFI_MEMDESC_VERSION = 1,   // the only version kexec-tools and Linux take
};

static const char RUNTIME_MAP[] = "/sys/firmware/efi/runtime-map";

// The running kernel's efi_info, when it booted through EFI at all.
static struct kx_error *running_info(const struct kx_root *root, uint8_t out[KX_EFI_INFO_SIZE],
				     bool *found)
{
	char *bp;
	size_t size;
	*found = false;
	if (!kx_root_exists(root, "/sys/kernel/boot_params/data"))
		return NULL;
	KX_TRY(kx_root_read_file(root, "/sys/kernel/boot_params/data", 2 * KX_BP_SIZE, &bp,
				 &size));
	if (size >= KX_BP_SIZE) {
		memcpy(out, bp + KX_BP_EFI_INFO, KX_EFI_INFO_SIZE);
		*found = kx_get_le32(out + KX_EFI_INFO_MEMMAP_SIZE) != 0 &&
			 kx_get_le32(out + KX_EFI_INFO_MEMDESC_VERSION) == EFI_MEMDESC_VERSION;
	}
	free(bp);
	return NULL;
}

// efi_setup_data from sysfs: every file must exist, SMBIOS may be absent.
static struct kx_error *setup_data(const struct kx_root *root,
				   uint8_t out[KX_EFI_SETUP_DATA_SIZE], bool *found)
{
	static const char *const files[] = { "/sys/firmware/efi/fw_vendor",
					     "/sys/firmware/efi/runtime",
					     "/sys/firmware/efi/config_table" };
	*found = false;
	if (!kx_root_exists(root, "/sys/firmware/efi/systab"))
		return NULL;
	memset(out, 0, KX_EFI_SETUP_DATA_SIZE);
	for (size_t i = 0; i < 3; i++) {
		uint64_t v;
		if (!kx_root_exists(root, files[i]))
			return NULL;
		KX_TRY(kx_root_read_u64(root, files[i], &v));
		kx_put_le64(out + 8 * i, v);
	}
	kx_put_le64(out + 24, kx_x86_64_efi_systab(root, "SMBIOS"));
	*found = true;
	return NULL;
}

// Runtime map entry @p n into the 40-byte descriptor @p d.
static struct kx_error *read_desc(const struct kx_root *root, size_t n, uint8_t *d)
{
	static const char *const fields[] = { "phys_addr", "virt_addr", "num_pages", "attribute" };
	char path[PATH_ROOM];
	uint64_t v;
	snprintf(path, sizeof(path), "%s/%zu/type", RUNTIME_MAP, n);
	KX_TRY(kx_root_read_u64(root, path, &v));
	KX_CHECK(v <= UINT32_MAX, KX_ERROR_CORRUPT, "%s: type 0x%" PRIx64 " is not 32 bits", path,
		 v);
	memset(d, 0, KX_EFI_MEMDESC_SIZE);
	kx_put_le32(d, (uint32_t)v);
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%zu/%s", RUNTIME_MAP, n, fields[i]);
		KX_TRY(kx_root_read_u64(root, path, &v));
		kx_put_le64(d + 8 + 8 * i, v);
	}
	return NULL;
}

static bool desc_exists(const struct kx_root *root, size_t n)
{
	char path[PATH_ROOM];
	snprintf(path, sizeof(path), "%s/%zu", RUNTIME_MAP, n);
	return kx_root_exists(root, path);
}

static struct kx_error *runtime_map(const struct kx_root *root, struct kx_x86_64_efi *e)
{
	size_t n = 0;
	while (n < MAX_DESCS && desc_exists(root, n))
		n++;
	KX_CHECK(n < MAX_DESCS, KX_ERROR_OVERFLOW, "%s: more than %d entries", RUNTIME_MAP,
		 MAX_DESCS - 1);
	e->map_size = n * KX_EFI_MEMDESC_SIZE;
	if (!n)
		return NULL;
	e->map = malloc(e->map_size);
	if (!e->map)
		return &kx_enomem;
	for (size_t i = 0; i < n; i++)
		KX_TRY(read_desc(root, i, e->map + i * KX_EFI_MEMDESC_SIZE));
	return NULL;
}

struct kx_error *kx_x86_64_efi_read(const struct kx_root *root, struct kx_x86_64_efi *ret,
				    bool *ret_found)
{
	struct kx_x86_64_efi e = { 0 };
	bool found;
	*ret_found = false;
	KX_TRY(running_info(root, e.info, &found));
	if (found)
		KX_TRY(setup_data(root, e.setup, &found));
	if (!found)
		return NULL;
	struct kx_error *err = runtime_map(root, &e);
	if (err || !e.map_size) {
		kx_x86_64_efi_deinit(&e);
		return err;
	}
	*ret = e;
	*ret_found = true;
	return NULL;
}

void kx_x86_64_efi_deinit(struct kx_x86_64_efi *efi)
{
	if (!efi)
		return;
	free(efi->map);
	efi->map = NULL;
	efi->map_size = 0;
}

void kx_x86_64_efi_put_info(const struct kx_x86_64_efi *efi, uint8_t *zp, uint64_t map_mem)
{
	uint8_t *ei = zp + KX_BP_EFI_INFO;
	memcpy(ei, efi->info, KX_EFI_INFO_SIZE);
	kx_put_le32(ei + KX_EFI_INFO_MEMDESC_SIZE, KX_EFI_MEMDESC_SIZE);
	kx_put_le32(ei + KX_EFI_INFO_MEMMAP, (uint32_t)map_mem);
	kx_put_le32(ei + KX_EFI_INFO_MEMMAP_HI, (uint32_t)(map_mem >> 32));
	kx_put_le32(ei + KX_EFI_INFO_MEMMAP_SIZE, (uint32_t)efi->map_size);
}

// The value of "KEY=0x..." at a line start in @p text, or 0.
static uint64_t systab_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, key, klen) == 0 && line[klen] == '=')
			return strtoull(line + klen + 1, NULL, 0);
	}
	return 0;
}

uint64_t kx_x86_64_efi_systab(const struct kx_root *root, const char *key)
{
	char *text;
	struct kx_error *err = kx_root_read_file(root, "/sys/firmware/efi/systab", SYSTAB_MAX,
						 &text, NULL);
	if (err) {
		kx_error_destroy(err);
		return 0;
	}
	uint64_t v = systab_value(text, key);
	free(text);
	return v;
}

bool kx_x86_64_efi_has_runtime_map(const struct kx_root *root)
{
	return kx_root_exists(root, RUNTIME_MAP);
}
