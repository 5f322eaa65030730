// SPDX-License-Identifier: GPL-2.0-only
// The LoongArch vmlinux loader: see image_elf.h.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "image_elf.h"

// ELF64 layout (include/uapi/linux/elf.h).
enum {
	EHDR_SIZE = 64,
	E_TYPE = 16, E_MACHINE = 18, E_ENTRY = 24, E_PHOFF = 32, E_SHOFF = 40,
	E_PHENTSIZE = 54, E_PHNUM = 56, E_SHENTSIZE = 58, E_SHNUM = 60, E_SHSTRNDX = 62,
	PHDR_SIZE = 56,
	P_TYPE = 0, P_OFFSET = 8, P_PADDR = 24, P_FILESZ = 32, P_MEMSZ = 40,
	SHDR_SIZE = 64,
	SH_NAME = 0, SH_OFFSET = 24, SH_SIZE = 32,
	ET_EXEC = 2, ET_DYN = 3,
	PT_LOAD = 1, PT_INTERP = 3,
	EM_LOONGARCH = 258,
};

bool kx_loongarch64_elf_probe(const void *buf, size_t size)
{
	const unsigned char *b = buf;
	if (size < EHDR_SIZE || memcmp(b, "\177ELF", 4) != 0 || b[4] != 2 || b[5] != 1)
		return false;
	uint16_t type = kx_get_le16(b + E_TYPE);
	return (type == ET_EXEC || type == ET_DYN) && kx_get_le16(b + E_MACHINE) == EM_LOONGARCH;
}

// Is the table of @p n entries of @p entsize at @p off inside @p size bytes?
static bool table_fits(uint64_t off, uint64_t n, uint64_t entsize, size_t size)
{
	return off <= size && n <= (size - off) / entsize;
}

/** One PT_LOAD, physical. */
struct load {
	uint64_t offset, paddr, filesz, memsz;
};

static struct kx_error *read_load(const unsigned char *ph, size_t size, const char *path,
				  size_t i, struct load *ret)
{
	struct load l = {
		kx_get_le64(ph + P_OFFSET), kx_get_le64(ph + P_PADDR) & KX_LOONGARCH64_PHYS_MASK,
		kx_get_le64(ph + P_FILESZ), kx_get_le64(ph + P_MEMSZ),
	};
	if (l.filesz > l.memsz || l.offset > size || l.filesz > size - l.offset ||
	    l.memsz > KX_LOONGARCH64_IMAGE_MAX || l.paddr > UINT64_MAX - l.memsz)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "program header %zu: segment of 0x%" PRIx64 " bytes (0x%" PRIx64
				     " in the file at 0x%" PRIx64 ") does not fit", i, l.memsz,
				     l.filesz, l.offset);
	*ret = l;
	return NULL;
}

/** The span of the PT_LOADs: [lo, hi) in memory, file bytes up to @c fend. */
struct span {
	uint64_t lo, hi, fend;
	size_t nloads;
};

static struct kx_error *scan_phdrs(const unsigned char *b, size_t size, const char *path,
				   struct span *ret)
{
	uint64_t phoff = kx_get_le64(b + E_PHOFF);
	uint16_t phnum = kx_get_le16(b + E_PHNUM);
	struct span s = { UINT64_MAX, 0, 0, 0 };
	if (kx_get_le16(b + E_PHENTSIZE) != PHDR_SIZE || !table_fits(phoff, phnum, PHDR_SIZE, size))
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "program headers (%u at 0x%" PRIx64 ") are not inside the file",
				     phnum, phoff);
	for (size_t i = 0; i < phnum; i++) {
		const unsigned char *ph = b + phoff + i * PHDR_SIZE;
		uint32_t type = kx_get_le32(ph + P_TYPE);
		struct load l;
		KX_CHECK(type != PT_INTERP, KX_ERROR_CORRUPT,
			 "%s: has a PT_INTERP: a program, not a kernel", path);
		if (type != PT_LOAD)
			continue;
		KX_TRY(read_load(ph, size, path, i, &l));
		s.lo = l.paddr < s.lo ? l.paddr : s.lo;
		s.hi = l.paddr + l.memsz > s.hi ? l.paddr + l.memsz : s.hi;
		s.fend = l.paddr + l.filesz > s.fend ? l.paddr + l.filesz : s.fend;
		s.nloads++;
	}
	if (!s.nloads)
		return kx_error_file(KX_ERROR_CORRUPT, path, "no PT_LOAD program header");
	if (s.hi - s.lo > KX_LOONGARCH64_IMAGE_MAX)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "PT_LOAD segments span 0x%" PRIx64 "-0x%" PRIx64
				     ", more than 0x%" PRIx64 " bytes", s.lo, s.hi,
				     KX_LOONGARCH64_IMAGE_MAX);
	*ret = s;
	return NULL;
}

// Copy each PT_LOAD's file bytes to its place in @p dst (based at @p lo).
static void copy_loads(const unsigned char *b, unsigned char *dst, uint64_t lo)
{
	uint64_t phoff = kx_get_le64(b + E_PHOFF);
	uint16_t phnum = kx_get_le16(b + E_PHNUM);
	for (size_t i = 0; i < phnum; i++) {
		const unsigned char *ph = b + phoff + i * PHDR_SIZE;
		if (kx_get_le32(ph + P_TYPE) != PT_LOAD)
			continue;
		uint64_t paddr = kx_get_le64(ph + P_PADDR) & KX_LOONGARCH64_PHYS_MASK;
		memcpy(dst + (paddr - lo), b + kx_get_le64(ph + P_OFFSET),
		       kx_get_le64(ph + P_FILESZ));
	}
}

struct kx_error *kx_loongarch64_elf_kernel(const void *buf, size_t size, const char *path,
					   struct kx_loongarch64_kernel *ret)
{
	const unsigned char *b = buf;
	struct span s;
	if (!kx_loongarch64_elf_probe(buf, size))
		return kx_error_file(KX_ERROR_CORRUPT, path, "not a LoongArch ELF kernel");
	KX_TRY(scan_phdrs(b, size, path, &s));
	struct kx_loongarch64_kernel k = {
		.bufsz = s.fend > s.lo ? (size_t)(s.fend - s.lo) : 0,
		.image_size = s.hi - s.lo,
		.text_offset = s.lo,
		.entry = kx_get_le64(b + E_ENTRY) & KX_LOONGARCH64_PHYS_MASK,
	};
	KX_TRY(kx_loongarch64_boot_check(&k, path));
	k.buf = calloc(k.bufsz ? k.bufsz : 1, 1);
	if (!k.buf)
		return &kx_enomem;
	copy_loads(b, k.buf, s.lo);
	*ret = k;
	return NULL;
}

// The section name table: [*ret_off, *ret_off + *ret_size) of the file.
static struct kx_error *shstrtab(const unsigned char *b, size_t size, const char *path,
				 uint64_t shoff, uint16_t shnum, uint64_t *ret_off,
				 uint64_t *ret_size)
{
	uint16_t idx = kx_get_le16(b + E_SHSTRNDX);
	if (idx >= shnum)
		return kx_error_file(KX_ERROR_CORRUPT, path, "no section name table");
	const unsigned char *sh = b + shoff + (size_t)idx * SHDR_SIZE;
	uint64_t off = kx_get_le64(sh + SH_OFFSET), sz = kx_get_le64(sh + SH_SIZE);
	if (off > size || sz > size - off)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "section name table is not inside the file");
	*ret_off = off;
	*ret_size = sz;
	return NULL;
}

struct kx_error *kx_loongarch64_elf_relocatable(const void *buf, size_t size,
						const char *path, bool *ret)
{
	static const char name[] = ".la_abs";
	const unsigned char *b = buf;
	uint64_t shoff = kx_get_le64(b + E_SHOFF), stroff, strsize;
	uint16_t shnum = kx_get_le16(b + E_SHNUM);
	bool found = false;
	if (shoff == 0 || shnum == 0) {
		*ret = false;
		return NULL;
	}
	if (kx_get_le16(b + E_SHENTSIZE) != SHDR_SIZE || !table_fits(shoff, shnum, SHDR_SIZE, size))
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "section headers (%u at 0x%" PRIx64 ") are not inside the file",
				     shnum, shoff);
	KX_TRY(shstrtab(b, size, path, shoff, shnum, &stroff, &strsize));
	for (size_t i = 0; i < shnum && !found; i++) {
		const unsigned char *sh = b + shoff + i * SHDR_SIZE;
		uint32_t n = kx_get_le32(sh + SH_NAME);
		found = n < strsize && strsize - n >= sizeof(name) &&
			memcmp(b + stroff + n, name, sizeof(name)) == 0 &&
			kx_get_le64(sh + SH_SIZE) > 0;
	}
	*ret = found;
	return NULL;
}

static struct kx_error *elf_load(const struct kx_load_input *in, struct kx_load_builder *b)
{
	struct kx_loongarch64_kernel k;
	if (in->crash) {
		bool relocatable;
		KX_TRY(kx_loongarch64_elf_relocatable(in->kernel, in->kernel_size, in->kernel_path,
						      &relocatable));
		if (!relocatable)
			return kx_error_file(KX_ERROR_UNSUPPORTED, in->kernel_path,
					     "no .la_abs section: the kernel is not relocatable "
					     "(CONFIG_RELOCATABLE) and cannot run from the crash "
					     "kernel region");
	}
	KX_TRY(kx_loongarch64_elf_kernel(in->kernel, in->kernel_size, in->kernel_path, &k));
	return kx_loongarch64_boot_load(in, b, &k);
}

const struct kx_image_loader kx_loongarch64_elf_loader = {
	.name = "elf-loongarch",
	.probe = kx_loongarch64_elf_probe,
	.load = elf_load,
	.usage = NULL,
};
