// SPDX-License-Identifier: GPL-2.0-only
// The x86_64 capture kernel's memory map, command line and core-header
// parameters (kexec.md §4.5; see crash_x86_64.h for what and why).
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "crash_x86_64.h"
#include "efi_x86_64.h"
#include "io.h"
#include "ranges.h"
#include "root.h"

enum {
	KCORE_HEAD = 64 * 1024, // upstream reads this much of /proc/kcore
	ONE_MIB = 1 << 20,
	KIB = 1024,
};

static const uint64_t KERNEL_HALF = 0xffff800000000000;
static const uint64_t GIB_MASK = ~(uint64_t)((1u << 30) - 1);

// Lowest kernel-half PT_LOAD vaddr of an ELF64 LE header in @p p, or 0.
static uint64_t kcore_lowest_load(const uint8_t *p, size_t n)
{
	if (n < 64 || memcmp(p, "\177ELF", 4) != 0 || p[4] != 2 || p[5] != 1)
		return 0;
	uint64_t phoff = kx_get_le64(p + 0x20);
	uint16_t phentsize = kx_get_le16(p + 0x36), phnum = kx_get_le16(p + 0x38);
	if (phentsize < 56 || phoff > n)
		return 0;
	uint64_t best = 0;
	for (uint64_t i = 0; i < phnum && phoff + (i + 1) * phentsize <= n; i++) {
		const uint8_t *ph = p + phoff + i * phentsize;
		uint64_t vaddr = kx_get_le64(ph + 0x10);
		if (kx_get_le32(ph) == 1 && vaddr >= KERNEL_HALF && (!best || vaddr < best))
			best = vaddr;
	}
	return best;
}

uint64_t kx_x86_64_crash_page_offset(const struct kx_root *root)
{
	int fd;
	struct kx_error *err = kx_root_open(root, "/proc/kcore", O_RDONLY | O_CLOEXEC, &fd);
	if (err) {
		kx_error_destroy(err);
		return KX_X86_64_PAGE_OFFSET_DEFAULT;
	}
	uint8_t *buf = malloc(KCORE_HEAD);
	size_t n = 0;
	uint64_t low = 0;
	if (buf) {
		err = kx_io_read(fd, buf, KCORE_HEAD, "/proc/kcore", &n);
		if (!err)
			low = kcore_lowest_load(buf, n);
		kx_error_destroy(err);
	}
	free(buf);
	close(fd);
	return low ? (low & GIB_MASK) : KX_X86_64_PAGE_OFFSET_DEFAULT;
}

struct kx_crash_header_params kx_x86_64_crash_header_params(const struct kx_root *root)
{
	// Only System RAM becomes PT_LOADs, as upstream's ELF header and the
	// kernel's own kexec_file_load header have it: reserved windows are not
	// memory (one on QEMU is 12 GiB at 0xfd00000000, which made /proc/vmcore
	// 13 GiB where Debian's kexec gives 860 MiB: found by tests/e2e). The
	// image's PT_LOAD runs to _end, past "Kernel bss" (.brk).
	return (struct kx_crash_header_params){
		.page_offset = kx_x86_64_crash_page_offset(root),
		.text_symbol = "_text",
		.end_symbol = "_end",
	};
}

// Usable RAM of the capture kernel: low RAM under 1 MiB and the crash
// regions, minus the header, on 1 KiB boundaries (upstream add_memmap()).
static struct kx_error *capture_ram(const struct kx_load_input *in, uint64_t hdr_mem,
				    uint64_t hdr_memsz, struct kx_ranges *ret)
{
	struct kx_ranges ram;
	struct kx_error *err = kx_ranges_copy(in->ram, &ram);
	if (!err)
		err = kx_ranges_intersect_range(&ram, 0, ONE_MIB);
	if (!err)
		err = kx_ranges_add_set(&ram, in->crash_regions);
	if (!err && hdr_memsz)
		err = kx_ranges_exclude(&ram, hdr_mem, hdr_mem + hdr_memsz);
	if (!err)
		err = kx_ranges_align_inward(&ram, KIB);
	if (err) {
		kx_ranges_deinit(&ram);
		return err;
	}
	*ret = ram;
	return NULL;
}

struct kx_error *kx_x86_64_crash_e820(const struct kx_load_input *in, uint64_t hdr_mem,
				      uint64_t hdr_memsz, struct kx_x86_64_e820 *ret)
{
	KX_CHECK(kx_ranges_count(in->crash_regions), KX_ERROR_NOT_FOUND,
		 "no crash kernel region to boot the capture kernel in");
	struct kx_ranges ram;
	KX_TRY(capture_ram(in, hdr_mem, hdr_memsz, &ram));
	struct kx_x86_64_e820 t = { 0 };
	struct kx_error *err = NULL;
	for (size_t i = 0; !err && i < kx_ranges_count(&ram); i++) {
		const struct kx_range *r = kx_ranges_at(&ram, i);
		err = kx_x86_64_e820_add(&t, r->start, r->end - r->start, KX_E820_RAM);
	}
	kx_ranges_deinit(&ram);
	if (!err && hdr_memsz)
		err = kx_x86_64_e820_add(&t, hdr_mem, hdr_memsz, KX_E820_RESERVED);
	for (size_t i = 0; !err && in->memmap && i < in->memmap->count; i++) {
		const struct kx_mem_entry *e = &in->memmap->entries[i];
		if (e->type != KX_MEM_RAM && e->end > e->start)
			err = kx_x86_64_e820_add(&t, e->start, e->end - e->start,
						 kx_x86_64_e820_type_of(e->type));
	}
	if (err) {
		kx_x86_64_e820_deinit(&t);
		return err;
	}
	kx_x86_64_e820_sort(&t);
	*ret = t;
	return NULL;
}

// upstream cmdline_add_memmap*(): the separator of memmap=SIZE<sep>START.
static char memmap_sep(uint32_t type)
{
	switch (type) {
	case KX_E820_RAM:
		return '@';
	case KX_E820_ACPI:
	case KX_E820_NVS:
		return '#';
	case KX_E820_PRAM:
		return '!';
	case KX_E820_RESERVED:
		return '$';
	default:
		return 0; // PMEM, unusable: not passed
	}
}

static void put_memmap(FILE *f, const struct kx_x86_64_e820 *e820)
{
	fputs(" memmap=exactmap", f);
	for (size_t i = 0; i < e820->count; i++) {
		const struct kx_x86_64_e820_entry *e = &e820->entries[i];
		uint64_t startk = e->addr / KIB, endk = (e->addr + e->size) / KIB;
		char sep = memmap_sep(e->type);
		if (!sep || endk <= startk)
			continue;
		if (e->type == KX_E820_RAM && endk - startk < KX_X86_64_MEMMAP_MIN_K)
			continue;
		fprintf(f, " memmap=%" PRIu64 "K%c%" PRIu64 "K", endk - startk, sep, startk);
	}
}

struct kx_error *kx_x86_64_crash_cmdline(const struct kx_x86_64_e820 *e820, uint64_t hdr_mem,
					 uint64_t acpi_rsdp, bool pass_memmap, char **ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return &kx_enomem;
	fprintf(f, " elfcorehdr=%" PRIu64 "K", hdr_mem / KIB);
	if (acpi_rsdp)
		fprintf(f, " acpi_rsdp=0x%" PRIx64, acpi_rsdp);
	if (pass_memmap)
		put_memmap(f, e820);
	if (fclose(f) != 0) {
		free(text);
		return &kx_enomem;
	}
	*ret = text;
	return NULL;
}

uint64_t kx_x86_64_acpi_rsdp(const struct kx_root *root)
{
	uint64_t v = kx_x86_64_efi_systab(root, "ACPI20");
	return v ? v : kx_x86_64_efi_systab(root, "ACPI");
}
