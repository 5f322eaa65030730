// SPDX-License-Identifier: GPL-2.0-only
// The elf-x86_64 loader: an uncompressed vmlinux (ET_EXEC) loaded at its
// physical addresses and entered at startup_64 with %rsi = boot_params.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "image_x86_64.h"

enum {
	EHDR_SIZE = 64,
	PHDR_SIZE = 56,
	PT_LOAD = 1,
	ET_EXEC = 2,
	EM_X86_64 = 62,
};

// One PT_LOAD, host form.
struct load {
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static const uint8_t *phdr_at(const uint8_t *p, size_t i)
{
	return p + kx_get_le64(p + 32) + i * kx_get_le16(p + 54);
}

static struct load load_of(const uint8_t *ph)
{
	return (struct load){ kx_get_le64(ph + 8), kx_get_le64(ph + 16), kx_get_le64(ph + 24),
			      kx_get_le64(ph + 32), kx_get_le64(ph + 40) };
}

static struct kx_error *check_ehdr(const uint8_t *p, size_t size)
{
	KX_CHECK(size >= EHDR_SIZE && memcmp(p, "\177ELF", 4) == 0, KX_ERROR_CORRUPT,
		 "not an ELF file");
	KX_CHECK(p[4] == 2 && p[5] == 1, KX_ERROR_UNSUPPORTED,
		 "not a 64-bit little-endian ELF (class %u, data %u)", p[4], p[5]);
	KX_CHECK(kx_get_le16(p + 18) == EM_X86_64, KX_ERROR_UNSUPPORTED,
		 "ELF machine %u is not x86_64 (62)", kx_get_le16(p + 18));
	KX_CHECK(kx_get_le16(p + 16) == ET_EXEC, KX_ERROR_UNSUPPORTED,
		 "ELF type %u is not an executable (ET_EXEC)", kx_get_le16(p + 16));
	uint64_t phoff = kx_get_le64(p + 32);
	uint16_t phentsize = kx_get_le16(p + 54), phnum = kx_get_le16(p + 56);
	KX_CHECK(phentsize >= PHDR_SIZE, KX_ERROR_CORRUPT, "e_phentsize %u is too small",
		 phentsize);
	KX_CHECK(phnum && phoff <= size && (size - phoff) / phentsize >= phnum, KX_ERROR_CORRUPT,
		 "program headers (%u at 0x%" PRIx64 ") do not fit in the file", phnum, phoff);
	return NULL;
}

struct kx_error *kx_x86_64_elf_check(const void *buf, size_t size, size_t *ret_nloads)
{
	const uint8_t *p = buf;
	KX_TRY(check_ehdr(p, size));
	size_t nloads = 0;
	for (size_t i = 0; i < kx_get_le16(p + 56); i++) {
		const uint8_t *ph = phdr_at(p, i);
		if (kx_get_le32(ph) != PT_LOAD)
			continue;
		struct load l = load_of(ph);
		KX_CHECK(l.offset <= size && l.filesz <= size - l.offset, KX_ERROR_CORRUPT,
			 "PT_LOAD %zu (0x%" PRIx64 " bytes at 0x%" PRIx64 ") runs past the end of "
			 "the file", i, l.filesz, l.offset);
		KX_CHECK(l.filesz <= l.memsz, KX_ERROR_CORRUPT,
			 "PT_LOAD %zu has filesz 0x%" PRIx64 " > memsz 0x%" PRIx64, i, l.filesz,
			 l.memsz);
		KX_CHECK(l.paddr + l.memsz >= l.paddr && l.vaddr + l.memsz >= l.vaddr,
			 KX_ERROR_CORRUPT, "PT_LOAD %zu wraps around the address space", i);
		nloads++;
	}
	KX_CHECK(nloads, KX_ERROR_CORRUPT, "no PT_LOAD program header");
	if (ret_nloads)
		*ret_nloads = nloads;
	return NULL;
}

bool kx_x86_64_elf_probe(const void *buf, size_t size)
{
	struct kx_error *err = kx_x86_64_elf_check(buf, size, NULL);
	kx_error_destroy(err);
	return !err;
}

static struct kx_error *place_load(const struct kx_load_input *in, struct kx_load_builder *b,
				   const struct load *l)
{
	uint64_t start = l->paddr & ~(in->page_size - 1), lead = l->paddr - start;
	KX_CHECK(l->filesz <= SIZE_MAX - lead, KX_ERROR_OVERFLOW, "PT_LOAD too large");
	size_t bufsz = (size_t)(lead + l->filesz);
	uint8_t *buf = calloc(1, bufsz ? bufsz : 1);
	if (!buf)
		return &kx_enomem;
	memcpy(buf + lead, (const uint8_t *)in->kernel + l->offset, (size_t)l->filesz);
	return b->ops->add_segment(b, buf, bufsz, start, lead + l->memsz, "kernel");
}

// e_entry as a physical address: itself when a PT_LOAD's physical range
// holds it (vmlinux: ENTRY(phys_startup_64)), else through the virtual range.
static struct kx_error *physical_entry(const uint8_t *p, uint64_t *ret)
{
	uint64_t e = kx_get_le64(p + 24);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < kx_get_le16(p + 56); i++) {
			const uint8_t *ph = phdr_at(p, i);
			struct load l = load_of(ph);
			uint64_t base = pass ? l.vaddr : l.paddr;
			if (kx_get_le32(ph) == PT_LOAD && e >= base && e - base < l.memsz) {
				*ret = e - base + l.paddr;
				return NULL;
			}
		}
	}
	return kx_error_create(KX_ERROR_CORRUPT, "entry point 0x%" PRIx64 " is outside every PT_LOAD",
			       e);
}

static struct kx_error *place_kernel(const struct kx_load_input *in, struct kx_load_builder *b)
{
	const uint8_t *p = in->kernel;
	for (size_t i = 0; i < kx_get_le16(p + 56); i++) {
		const uint8_t *ph = phdr_at(p, i);
		struct load l = load_of(ph);
		if (kx_get_le32(ph) == PT_LOAD && l.memsz)
			KX_TRY(kx_error_prefix(place_load(in, b, &l), "PT_LOAD %zu at 0x%" PRIx64, i,
					       l.paddr));
	}
	return NULL;
}

struct kx_error *kx_x86_64_elf_load_with(const struct kx_load_input *in,
					 struct kx_load_builder *b,
					 const struct kx_x86_64_purgatory_ops *pops)
{
	uint64_t entry;
	KX_TRY(kx_x86_64_elf_check(in->kernel, in->kernel_size, NULL));
	KX_TRY(physical_entry(in->kernel, &entry));
	struct kx_x86_64_boot st;
	struct kx_error *err = kx_x86_64_boot_begin(&st, in, b, pops, NULL, NULL);
	if (!err)
		err = place_kernel(in, b);
	if (!err)
		err = kx_x86_64_boot_finish(&st, entry);
	kx_x86_64_boot_deinit(&st);
	return err;
}

static struct kx_error *elf_load(const struct kx_load_input *in, struct kx_load_builder *b)
{
	return kx_x86_64_elf_load_with(in, b, &kx_x86_64_purgatory_default);
}

const struct kx_image_loader kx_x86_64_elf_loader = {
	.name = "elf-x86_64",
	.probe = kx_x86_64_elf_probe,
	.load = elf_load,
	.usage = NULL,
};

