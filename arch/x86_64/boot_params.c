// SPDX-License-Identifier: GPL-2.0-only
// The bzImage setup header and the boot_params zero page, as bytes
// (Documentation/arch/x86/boot.rst, arch/x86/include/uapi/asm/bootparam.h).
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "boot_params.h"
#include "byteorder.h"
#include "ranges.h"

enum {
	MIN_IMAGE = 1024,     // the header, and upstream's minimum
	SECTOR = 512,
	MAX_E820 = 1u << 16,  // far beyond any firmware map; caps allocation
};

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

// The signature checks: is this a 64-bit-capable bzImage at all?
static struct kx_error *check_signature(const uint8_t *p, size_t size)
{
	KX_CHECK(size >= MIN_IMAGE, KX_ERROR_CORRUPT,
		 "too short for a bzImage (%zu bytes, the setup header needs %d)", size, MIN_IMAGE);
	KX_CHECK(memcmp(p + KX_BP_HEADER, "HdrS", 4) == 0, KX_ERROR_CORRUPT,
		 "no \"HdrS\" magic at 0x202: not a bzImage");
	KX_CHECK(kx_get_le16(p + KX_BP_BOOT_FLAG) == 0xaa55, KX_ERROR_CORRUPT,
		 "boot_flag at 0x1fe is 0x%04x, not 0xaa55", kx_get_le16(p + KX_BP_BOOT_FLAG));
	uint16_t version = kx_get_le16(p + KX_BP_VERSION);
	KX_CHECK(version >= KX_BP_MIN_VERSION, KX_ERROR_UNSUPPORTED,
		 "boot protocol %u.%02u is older than 2.12 (no 64-bit entry)", version >> 8,
		 version & 0xff);
	KX_CHECK(p[KX_BP_LOADFLAGS] & KX_BP_LOADED_HIGH, KX_ERROR_UNSUPPORTED,
		 "loadflags lacks LOADED_HIGH (a zImage)");
	uint16_t xlf = kx_get_le16(p + KX_BP_XLOADFLAGS);
	KX_CHECK(xlf & KX_BP_XLF_KERNEL_64, KX_ERROR_UNSUPPORTED,
		 "xloadflags 0x%x lacks XLF_KERNEL_64: a 32-bit kernel", xlf);
	KX_CHECK(xlf & KX_BP_XLF_ABOVE_4G, KX_ERROR_UNSUPPORTED,
		 "xloadflags 0x%x lacks XLF_CAN_BE_LOADED_ABOVE_4G", xlf);
	return NULL;
}

struct kx_error *kx_x86_64_setup_header_parse(const void *buf, size_t size,
					      struct kx_x86_64_setup_header *ret)
{
	const uint8_t *p = buf;
	KX_TRY(check_signature(p, size));
	struct kx_x86_64_setup_header h = {
		.version = kx_get_le16(p + KX_BP_VERSION),
		.loadflags = p[KX_BP_LOADFLAGS],
		.xloadflags = kx_get_le16(p + KX_BP_XLOADFLAGS),
		.relocatable = p[KX_BP_RELOCATABLE] != 0,
		.initrd_addr_max = kx_get_le32(p + KX_BP_INITRD_ADDR_MAX),
		.kernel_alignment = kx_get_le32(p + KX_BP_KERNEL_ALIGNMENT),
		.cmdline_size = kx_get_le32(p + KX_BP_CMDLINE_SIZE),
		.pref_address = kx_get_le64(p + KX_BP_PREF_ADDRESS),
		.init_size = kx_get_le32(p + KX_BP_INIT_SIZE),
	};
	unsigned int sects = p[KX_BP_SETUP_SECTS] ? p[KX_BP_SETUP_SECTS] : 4;
	h.setup_size = ((size_t)sects + 1) * SECTOR;
	KX_CHECK(h.setup_size < size, KX_ERROR_CORRUPT,
		 "setup_sects %u puts the kernel at 0x%zx, past the end of the %zu-byte file",
		 sects, h.setup_size, size);
	// The jump at 0x200 is "EB xx": the header ends where it lands.
	KX_CHECK(p[KX_BP_JUMP] == 0xeb, KX_ERROR_CORRUPT,
		 "no short jump at 0x200 (0x%02x): the setup header's end is unknown", p[KX_BP_JUMP]);
	h.hdr_end = (size_t)KX_BP_HEADER + p[KX_BP_JUMP + 1];
	if (h.hdr_end > KX_BP_HDR_LIMIT)
		h.hdr_end = KX_BP_HDR_LIMIT;
	KX_CHECK(h.hdr_end >= KX_BP_INIT_SIZE + 4, KX_ERROR_CORRUPT,
		 "setup header ends at 0x%zx, before init_size (protocol 2.10+)", h.hdr_end);
	KX_CHECK(is_pow2(h.kernel_alignment), KX_ERROR_CORRUPT,
		 "kernel_alignment 0x%x is not a power of two", h.kernel_alignment);
	KX_CHECK(h.init_size >= size - h.setup_size, KX_ERROR_CORRUPT,
		 "init_size 0x%x is smaller than the 0x%zx-byte payload", h.init_size,
		 size - h.setup_size);
	*ret = h;
	return NULL;
}

void kx_x86_64_e820_deinit(struct kx_x86_64_e820 *t)
{
	if (!t)
		return;
	free(t->entries);
	*t = (struct kx_x86_64_e820){ 0 };
}

struct kx_error *kx_x86_64_e820_add(struct kx_x86_64_e820 *t, uint64_t addr, uint64_t size,
				    uint32_t type)
{
	if (!size)
		return NULL;
	if (t->count == t->cap) {
		KX_CHECK(t->cap < MAX_E820, KX_ERROR_OVERFLOW, "more than %u e820 entries",
			 (unsigned int)MAX_E820);
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct kx_x86_64_e820_entry *e = realloc(t->entries, cap * sizeof(*e));
		if (!e)
			return &kx_enomem;
		t->entries = e;
		t->cap = cap;
	}
	t->entries[t->count++] = (struct kx_x86_64_e820_entry){ addr, size, type };
	return NULL;
}

void kx_x86_64_e820_sort(struct kx_x86_64_e820 *t)
{
	// Insertion sort: stable, and tables are short.
	for (size_t i = 1; i < t->count; i++) {
		struct kx_x86_64_e820_entry e = t->entries[i];
		size_t j = i;
		for (; j > 0 && t->entries[j - 1].addr > e.addr; j--)
			t->entries[j] = t->entries[j - 1];
		t->entries[j] = e;
	}
}

uint32_t kx_x86_64_e820_type_of(enum kx_mem_type type)
{
	switch (type) {
	case KX_MEM_RAM:
		return KX_E820_RAM;
	case KX_MEM_ACPI:
		return KX_E820_ACPI;
	case KX_MEM_ACPI_NVS:
		return KX_E820_NVS;
	case KX_MEM_PMEM:
		return KX_E820_PMEM;
	case KX_MEM_PRAM:
		return KX_E820_PRAM;
	case KX_MEM_RESERVED:
	case KX_MEM_UNCACHED:
	default:
		return KX_E820_RESERVED;
	}
}

struct kx_error *kx_x86_64_e820_from_map(const struct kx_mem_map *map,
					 const struct kx_ranges *ram,
					 struct kx_x86_64_e820 *ret)
{
	struct kx_x86_64_e820 t = { 0 };
	struct kx_error *err = NULL;
	if (map && map->count) {
		for (size_t i = 0; !err && i < map->count; i++) {
			const struct kx_mem_entry *e = &map->entries[i];
			if (e->end > e->start)
				err = kx_x86_64_e820_add(&t, e->start, e->end - e->start,
							 kx_x86_64_e820_type_of(e->type));
		}
	} else {
		for (size_t i = 0; !err && i < kx_ranges_count(ram); i++) {
			const struct kx_range *r = kx_ranges_at(ram, i);
			err = kx_x86_64_e820_add(&t, r->start, r->end - r->start, KX_E820_RAM);
		}
	}
	if (err) {
		kx_x86_64_e820_deinit(&t);
		return err;
	}
	kx_x86_64_e820_sort(&t);
	*ret = t;
	return NULL;
}

void kx_x86_64_bp_copy_header(uint8_t *zp, const void *image,
			      const struct kx_x86_64_setup_header *hdr)
{
	memcpy(zp + KX_BP_HDR, (const uint8_t *)image + KX_BP_HDR, hdr->hdr_end - KX_BP_HDR);
	zp[KX_BP_TYPE_OF_LOADER] = KX_BP_LOADER_KEXEC;
	// Our setup_data list replaces anything the file carried.
	kx_put_le64(zp + KX_BP_SETUP_DATA, 0);
}

void kx_x86_64_bp_set_cmdline(uint8_t *zp, uint64_t addr)
{
	kx_put_le32(zp + KX_BP_CMD_LINE_PTR, (uint32_t)addr);
	kx_put_le32(zp + KX_BP_EXT_CMD_LINE_PTR, (uint32_t)(addr >> 32));
}

void kx_x86_64_bp_set_ramdisk(uint8_t *zp, uint64_t addr, uint64_t size)
{
	kx_put_le32(zp + KX_BP_RAMDISK_IMAGE, (uint32_t)addr);
	kx_put_le32(zp + KX_BP_RAMDISK_SIZE, (uint32_t)size);
	kx_put_le32(zp + KX_BP_EXT_RAMDISK_IMAGE, (uint32_t)(addr >> 32));
	kx_put_le32(zp + KX_BP_EXT_RAMDISK_SIZE, (uint32_t)(size >> 32));
}

static void put_e820(uint8_t *p, const struct kx_x86_64_e820_entry *e)
{
	kx_put_le64(p, e->addr);
	kx_put_le64(p + 8, e->size);
	kx_put_le32(p + 16, e->type);
}

size_t kx_x86_64_bp_set_e820(uint8_t *zp, const struct kx_x86_64_e820 *t)
{
	size_t n = t->count < KX_BP_E820_MAX ? t->count : KX_BP_E820_MAX;
	for (size_t i = 0; i < n; i++)
		put_e820(zp + KX_BP_E820_TABLE + i * KX_BP_E820_ENTRY_SIZE, &t->entries[i]);
	zp[KX_BP_E820_ENTRIES] = (uint8_t)n;
	return n;
}

struct kx_error *kx_x86_64_bp_e820_ext(const struct kx_x86_64_e820 *t, size_t first,
				       void **ret_buf, size_t *ret_size)
{
	KX_CHECK(first < t->count, KX_ERROR_INVALID_ARG, "no e820 entries past %zu", first);
	size_t n = t->count - first; // <= MAX_E820, so no overflow below
	size_t len = n * KX_BP_E820_ENTRY_SIZE;
	uint8_t *buf = calloc(1, KX_SETUP_DATA_HDR + len);
	if (!buf)
		return &kx_enomem;
	kx_put_le32(buf + 8, KX_SETUP_E820_EXT);
	kx_put_le32(buf + 12, (uint32_t)len);
	for (size_t i = 0; i < n; i++)
		put_e820(buf + KX_SETUP_DATA_HDR + i * KX_BP_E820_ENTRY_SIZE, &t->entries[first + i]);
	*ret_buf = buf;
	*ret_size = KX_SETUP_DATA_HDR + len;
	return NULL;
}
