// SPDX-License-Identifier: GPL-2.0-only
// Building ELF64 core headers: see elf_core_header.h for the contract.
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "elf_core.h"
#include "elf_core_header.h" // IWYU pragma: associated

static const size_t EHDR_SIZE = 64;
static const size_t PHDR_SIZE = 56;
static const size_t SHDR_SIZE = 64;

struct kx_error *kx_elf_core_header_size(size_t nphdrs, size_t *ret)
{
	// sh_info, which carries the count with PN_XNUM, is 32 bits wide.
	if (nphdrs > UINT32_MAX || nphdrs > (SIZE_MAX - EHDR_SIZE - SHDR_SIZE) / PHDR_SIZE)
		return kx_error_create(KX_ERROR_OVERFLOW,
				       "too many program headers for an ELF header (%zu)",
				       nphdrs);
	size_t size = EHDR_SIZE + nphdrs * PHDR_SIZE;
	if (nphdrs >= PN_XNUM)
		size += SHDR_SIZE;
	*ret = size;
	return NULL;
}

static void put_ehdr(uint8_t *p, uint16_t machine, uint32_t e_flags, size_t nphdrs)
{
	memcpy(p, ELFMAG, SELFMAG);
	p[EI_CLASS] = ELFCLASS64;
	p[EI_DATA] = ELFDATA2LSB;
	p[EI_VERSION] = EV_CURRENT;
	p[EI_OSABI] = ELFOSABI_NONE;
	kx_put_le16(p + 16, ET_CORE);
	kx_put_le16(p + 18, machine);
	kx_put_le32(p + 20, EV_CURRENT);
	kx_put_le64(p + 24, 0);                     // e_entry
	kx_put_le64(p + 32, EHDR_SIZE);             // e_phoff
	kx_put_le32(p + 48, e_flags);
	kx_put_le16(p + 52, (uint16_t)EHDR_SIZE);   // e_ehsize
	kx_put_le16(p + 54, (uint16_t)PHDR_SIZE);   // e_phentsize
	if (nphdrs < PN_XNUM) {
		kx_put_le16(p + 56, (uint16_t)nphdrs);
		return;  // e_shoff, e_shentsize, e_shnum, e_shstrndx stay 0
	}
	// PN_XNUM: the real count lives in section header 0, after the phdrs.
	kx_put_le16(p + 56, PN_XNUM);
	kx_put_le64(p + 40, EHDR_SIZE + nphdrs * PHDR_SIZE);  // e_shoff
	kx_put_le16(p + 58, (uint16_t)SHDR_SIZE);            // e_shentsize
	kx_put_le16(p + 60, 1);                              // e_shnum
	kx_put_le16(p + 62, SHN_UNDEF);                      // e_shstrndx
}

static void put_phdr(uint8_t *p, const struct kx_elf_core_header_phdr *ph)
{
	kx_put_le32(p + 0, ph->type);
	kx_put_le32(p + 4, ph->flags);
	kx_put_le64(p + 8, ph->offset);
	kx_put_le64(p + 16, ph->vaddr);
	kx_put_le64(p + 24, ph->paddr);
	kx_put_le64(p + 32, ph->filesz);
	kx_put_le64(p + 40, ph->memsz);
	kx_put_le64(p + 48, ph->align);
}

// Section header 0 for PN_XNUM, as the kernel's ELF core dumper fills it:
// SHT_NULL, sh_size = e_shnum (1), sh_link = e_shstrndx, sh_info = phnum.
static void put_xnum_shdr(uint8_t *p, size_t nphdrs)
{
	kx_put_le32(p + 4, SHT_NULL);
	kx_put_le64(p + 32, 1);
	kx_put_le32(p + 40, SHN_UNDEF);
	kx_put_le32(p + 44, (uint32_t)nphdrs);
}

struct kx_error *kx_elf_core_header_build(uint16_t machine, uint32_t e_flags,
					  const struct kx_elf_core_header_phdr *phdrs,
					  size_t nphdrs, size_t align,
					  void **ret_buf, size_t *ret_size)
{
	if (machine != KX_ELF_MACHINE_X86_64 && machine != KX_ELF_MACHINE_LOONGARCH)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "ELF core header: unsupported machine %u", machine);
	if (align == 0 || (align & (align - 1)) || align > KX_ELF_CORE_HEADER_MAX_ALIGN)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "ELF core header: alignment %zu is not a power of "
				       "two up to %d", align, KX_ELF_CORE_HEADER_MAX_ALIGN);
	size_t size = 0;
	KX_TRY(kx_elf_core_header_size(nphdrs, &size));
	if (size > SIZE_MAX - (align - 1))
		return kx_error_create(KX_ERROR_OVERFLOW,
				       "ELF core header: size overflows when aligned");
	size_t total = (size + align - 1) & ~(align - 1);
	uint8_t *buf = calloc(1, total);
	if (!buf)
		return &kx_enomem;
	put_ehdr(buf, machine, e_flags, nphdrs);
	for (size_t i = 0; i < nphdrs; i++)
		put_phdr(buf + EHDR_SIZE + i * PHDR_SIZE, &phdrs[i]);
	if (nphdrs >= PN_XNUM)
		put_xnum_shdr(buf + EHDR_SIZE + nphdrs * PHDR_SIZE, nphdrs);
	*ret_buf = buf;
	*ret_size = total;
	return NULL;
}

struct kx_elf_core_header_phdr kx_elf_core_header_crash_note(uint64_t paddr,
							     uint64_t size)
{
	return (struct kx_elf_core_header_phdr){
		.type = PT_NOTE, .offset = paddr, .paddr = paddr,
		.filesz = size, .memsz = size,
	};
}

struct kx_elf_core_header_phdr kx_elf_core_header_crash_load(uint64_t paddr,
							     uint64_t vaddr,
							     uint64_t size)
{
	return (struct kx_elf_core_header_phdr){
		.type = PT_LOAD, .flags = PF_R | PF_W | PF_X, .offset = paddr,
		.vaddr = vaddr, .paddr = paddr, .filesz = size, .memsz = size,
	};
}

static struct kx_error *check_range(const char *what, size_t i, uint64_t paddr,
				    uint64_t size)
{
	if (size == 0 || size - 1 > UINT64_MAX - paddr)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "crash ELF header: %s %zu is empty or wraps "
				       "(paddr 0x%" PRIx64 ", size 0x%" PRIx64 ")",
				       what, i, paddr, size);
	return NULL;
}

struct kx_error *kx_elf_core_header_build_crash(uint16_t machine,
						const struct kx_elf_core_header_note *notes,
						size_t nnotes,
						const struct kx_elf_core_header_load *loads,
						size_t nloads, void **ret_buf,
						size_t *ret_size)
{
	if (nloads > SIZE_MAX / sizeof(struct kx_elf_core_header_phdr) - nnotes)
		return kx_error_create(KX_ERROR_OVERFLOW, "crash ELF header: too many ranges");
	size_t n = nnotes + nloads;
	struct kx_elf_core_header_phdr *ph = malloc((n ? n : 1) * sizeof(*ph));
	if (!ph)
		return &kx_enomem;
	struct kx_error *err = NULL;
	for (size_t i = 0; i < nnotes && !err; i++) {
		err = check_range("note", i, notes[i].paddr, notes[i].size);
		ph[i] = kx_elf_core_header_crash_note(notes[i].paddr, notes[i].size);
	}
	for (size_t i = 0; i < nloads && !err; i++) {
		err = check_range("memory range", i, loads[i].paddr, loads[i].size);
		ph[nnotes + i] = kx_elf_core_header_crash_load(loads[i].paddr,
							       loads[i].vaddr,
							       loads[i].size);
	}
	if (!err)
		err = kx_elf_core_header_build(machine, 0, ph, n,
					       KX_ELF_CORE_HEADER_CRASH_ALIGN,
					       ret_buf, ret_size);
	free(ph);
	return err;
}
