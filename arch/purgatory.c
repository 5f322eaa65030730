// SPDX-License-Identifier: GPL-2.0-only
// The purgatory relocator (purgatory.h). The ELF is parsed by hand with a
// bounds check before every read: the embedded objects are our own, but the
// tests feed hostile ones, and a relocator that trusts offsets would write
// anywhere.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "purgatory.h" // IWYU pragma: associated
#include "purgatory_verify.h"
#include "sha256.h"

// ELF constants (System V gABI; x86_64 and LoongArch psABIs). Spelled out
// here rather than taken from <elf.h>: glibc 2.36 lacks the newer
// LoongArch relocation numbers.
enum {
	EHDR_SIZE = 64, SHDR_SIZE = 64, SYM_SIZE = 24, RELA_SIZE = 24,
	ET_REL = 1, EV_CURRENT = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1,
	EM_X86_64 = 62, EM_LOONGARCH = 258,
	SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8, SHT_REL = 9,
	SHF_ALLOC = 0x2,
	SHN_UNDEF = 0, SHN_LORESERVE = 0xff00, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2,
	STB_LOCAL = 0, STT_SECTION = 3,

	R_X86_64_NONE = 0, R_X86_64_64 = 1, R_X86_64_PC32 = 2, R_X86_64_PLT32 = 4,
	R_X86_64_32 = 10, R_X86_64_32S = 11,

	R_LARCH_NONE = 0, R_LARCH_32 = 1, R_LARCH_64 = 2, R_LARCH_B16 = 64,
	R_LARCH_B21 = 65, R_LARCH_B26 = 66, R_LARCH_PCALA_HI20 = 71,
	R_LARCH_PCALA_LO12 = 72,
};

// Caps on what a purgatory may be: ours are ~10 KiB with a dozen sections.
static const size_t max_sections = 256;
static const uint64_t max_image = 16u << 20;
static const uint64_t max_align = 1u << 16;
static const uint64_t not_laid_out = UINT64_MAX;

struct section {
	uint32_t name;     // offset in .shstrtab
	uint32_t type;
	uint64_t flags;
	uint64_t offset;   // in the object
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t align;
	uint64_t entsize;
	uint64_t image_off; // offset in the laid-out image, or not_laid_out
};

struct kx_purgatory {
	char *name;
	uint16_t machine;
	unsigned char *obj;        // our copy of the object
	size_t obj_size;
	struct section *sec;
	size_t nsec;
	size_t symtab;             // section index of SHT_SYMTAB
	size_t nsyms;
	const char *shstr;         // section name table and its size
	size_t shstr_size;
	const char *str;           // symbol name table and its size
	size_t str_size;
	size_t bufsz;              // laid-out bytes with data
	uint64_t memsz;            // laid-out bytes including .bss
	uint64_t align;            // largest section alignment
	unsigned char *image;      // placed buffer (owned by the builder); NULL before place
	uint64_t mem;              // its physical address
};

struct sym {
	uint32_t name;
	unsigned char info;
	uint16_t shndx;
	uint64_t value;
	uint64_t size;
};

static struct sym read_sym(const struct kx_purgatory *p, size_t i)
{
	const unsigned char *s = p->obj + p->sec[p->symtab].offset + i * SYM_SIZE;
	struct sym y = {
		.name = kx_get_le32(s),
		.info = s[4],
		.shndx = kx_get_le16(s + 6),
		.value = kx_get_le64(s + 8),
		.size = kx_get_le64(s + 16),
	};
	return y;
}

// A NUL-terminated string at @off of a table, or NULL when it runs off.
static const char *table_str(const char *tab, size_t tab_size, uint32_t off)
{
	if (off >= tab_size || !memchr(tab + off, '\0', tab_size - off))
		return NULL;
	return tab + off;
}

static const char *sec_name(const struct kx_purgatory *p, size_t i)
{
	const char *n = table_str(p->shstr, p->shstr_size, p->sec[i].name);
	return n ? n : "?";
}

static const char *sym_name(const struct kx_purgatory *p, const struct sym *y)
{
	if ((y->info & 0xf) == STT_SECTION && y->shndx < p->nsec)
		return sec_name(p, y->shndx);
	const char *n = table_str(p->str, p->str_size, y->name);
	return n ? n : "?";
}

static struct kx_error *bad(const struct kx_purgatory *p, const char *what)
{
	return kx_error_create(KX_ERROR_CORRUPT, "%s: %s", p->name, what);
}

static bool in_file(const struct kx_purgatory *p, uint64_t off, uint64_t len)
{
	return off <= p->obj_size && len <= p->obj_size - off;
}

static struct kx_error *parse_sections(struct kx_purgatory *p)
{
	const unsigned char *e = p->obj;

	if (p->obj_size < EHDR_SIZE)
		return bad(p, "truncated ELF header");
	if (memcmp(e, "\177ELF", 4) != 0)
		return bad(p, "not an ELF file");
	if (e[4] != ELFCLASS64 || e[5] != ELFDATA2LSB || e[6] != EV_CURRENT)
		return bad(p, "not a little-endian ELF64 version 1 object");
	if (kx_get_le16(e + 16) != ET_REL)
		return bad(p, "not a relocatable object (ET_REL)");
	uint16_t machine = kx_get_le16(e + 18);
	if (machine != p->machine)
		return kx_error_create(KX_ERROR_UNSUPPORTED, "%s: e_machine %u, expected %u",
				       p->name, machine, p->machine);
	uint64_t shoff = kx_get_le64(e + 40);
	uint16_t shentsize = kx_get_le16(e + 58);
	uint16_t shnum = kx_get_le16(e + 60);
	uint16_t shstrndx = kx_get_le16(e + 62);
	if (shentsize != SHDR_SIZE)
		return bad(p, "section header size is not 64");
	if (shnum == 0 || shnum > max_sections)
		return kx_error_create(KX_ERROR_CORRUPT, "%s: %u sections (1..%zu expected)",
				       p->name, shnum, max_sections);
	if (!in_file(p, shoff, (uint64_t)shnum * SHDR_SIZE))
		return bad(p, "section header table lies outside the file");
	if (shstrndx >= shnum)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "%s: section name table index %u out of range (%u sections)",
				       p->name, shstrndx, shnum);

	p->sec = calloc(shnum, sizeof(*p->sec));
	if (!p->sec)
		return &kx_enomem;
	p->nsec = shnum;
	for (size_t i = 0; i < shnum; i++) {
		const unsigned char *h = e + shoff + i * SHDR_SIZE;
		struct section *s = &p->sec[i];
		s->name = kx_get_le32(h);
		s->type = kx_get_le32(h + 4);
		s->flags = kx_get_le64(h + 8);
		s->offset = kx_get_le64(h + 24);
		s->size = kx_get_le64(h + 32);
		s->link = kx_get_le32(h + 40);
		s->info = kx_get_le32(h + 44);
		s->align = kx_get_le64(h + 48);
		s->entsize = kx_get_le64(h + 56);
		s->image_off = not_laid_out;
		if (i != 0 && s->type != SHT_NOBITS && !in_file(p, s->offset, s->size))
			return kx_error_create(KX_ERROR_CORRUPT,
					       "%s: section %zu (offset 0x%llx, size 0x%llx) lies outside the file",
					       p->name, i, (unsigned long long)s->offset,
					       (unsigned long long)s->size);
		if (s->align > max_align || (s->align & (s->align - 1)) != 0)
			return kx_error_create(KX_ERROR_CORRUPT,
					       "%s: section %zu has bad alignment 0x%llx",
					       p->name, i, (unsigned long long)s->align);
	}
	const struct section *ss = &p->sec[shstrndx];
	if (ss->type != SHT_STRTAB)
		return bad(p, "section name table is not SHT_STRTAB");
	p->shstr = (const char *)p->obj + ss->offset;
	p->shstr_size = ss->size;
	return NULL;
}

static struct kx_error *parse_symtab(struct kx_purgatory *p)
{
	p->symtab = 0;
	for (size_t i = 1; i < p->nsec; i++) {
		if (p->sec[i].type != SHT_SYMTAB)
			continue;
		if (p->symtab)
			return bad(p, "more than one symbol table");
		p->symtab = i;
	}
	if (!p->symtab)
		return bad(p, "no symbol table (was the object stripped?)");
	const struct section *st = &p->sec[p->symtab];
	if (st->entsize != SYM_SIZE || st->size % SYM_SIZE != 0)
		return bad(p, "symbol table entry size is not 24");
	if (st->link == 0 || st->link >= p->nsec || p->sec[st->link].type != SHT_STRTAB)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "%s: symbol table links to bad string table section %u",
				       p->name, st->link);
	p->nsyms = st->size / SYM_SIZE;
	p->str = (const char *)p->obj + p->sec[st->link].offset;
	p->str_size = p->sec[st->link].size;
	for (size_t i = 1; i < p->nsyms; i++) {
		struct sym y = read_sym(p, i);
		if (y.shndx != SHN_UNDEF && y.shndx < SHN_LORESERVE && y.shndx >= p->nsec)
			return kx_error_create(KX_ERROR_CORRUPT,
					       "%s: symbol %zu has bad section index %u",
					       p->name, i, y.shndx);
	}
	return NULL;
}

// Lay out the SHF_ALLOC sections: those with bytes first, then NOBITS.
static struct kx_error *layout(struct kx_purgatory *p)
{
	uint64_t off = 0;

	p->align = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 1; i < p->nsec; i++) {
			struct section *s = &p->sec[i];
			if (!(s->flags & SHF_ALLOC) || s->size == 0)
				continue;
			if ((s->type == SHT_NOBITS) != (pass == 1))
				continue;
			uint64_t a = s->align ? s->align : 1;
			off = (off + a - 1) & ~(a - 1);
			if (s->size > max_image || off + s->size > max_image)
				return kx_error_create(KX_ERROR_CORRUPT,
						       "%s: laid out it exceeds %llu bytes",
						       p->name, (unsigned long long)max_image);
			s->image_off = off;
			off += s->size;
			if (a > p->align)
				p->align = a;
		}
		if (pass == 0)
			p->bufsz = (size_t)off;
	}
	p->memsz = off;
	if (p->bufsz == 0)
		return bad(p, "no allocated sections with contents");
	return NULL;
}

static const char *reloc_name(uint16_t machine, uint32_t type)
{
	if (machine == EM_X86_64) {
		switch (type) {
		case R_X86_64_NONE: return "R_X86_64_NONE";
		case R_X86_64_64: return "R_X86_64_64";
		case R_X86_64_PC32: return "R_X86_64_PC32";
		case R_X86_64_PLT32: return "R_X86_64_PLT32";
		case R_X86_64_32: return "R_X86_64_32";
		case R_X86_64_32S: return "R_X86_64_32S";
		}
	} else {
		switch (type) {
		case R_LARCH_NONE: return "R_LARCH_NONE";
		case R_LARCH_32: return "R_LARCH_32";
		case R_LARCH_64: return "R_LARCH_64";
		case R_LARCH_B16: return "R_LARCH_B16";
		case R_LARCH_B21: return "R_LARCH_B21";
		case R_LARCH_B26: return "R_LARCH_B26";
		case R_LARCH_PCALA_HI20: return "R_LARCH_PCALA_HI20";
		case R_LARCH_PCALA_LO12: return "R_LARCH_PCALA_LO12";
		}
	}
	return NULL;
}

// Bytes a relocation type writes.
static unsigned int reloc_width(uint16_t machine, uint32_t type)
{
	if (machine == EM_X86_64)
		return type == R_X86_64_NONE ? 0 : type == R_X86_64_64 ? 8 : 4;
	return type == R_LARCH_NONE ? 0 : type == R_LARCH_64 ? 8 : 4;
}

static bool fits_signed(int64_t v, unsigned int bits)
{
	int64_t lim = (int64_t)1 << (bits - 1);
	return v >= -lim && v < lim;
}

// Insert an immediate into a LoongArch instruction word.
static void larch_insert(unsigned char *where, uint32_t mask, uint32_t bits)
{
	kx_put_le32(where, (kx_get_le32(where) & ~mask) | (bits & mask));
}

struct reloc_ctx {
	const struct kx_purgatory *p;
	size_t relsec;   // the SHT_RELA section
	size_t target;   // the section it patches
	uint64_t offset; // r_offset
	uint32_t type;
};

static struct kx_error *reloc_overflow(const struct reloc_ctx *r, const char *why, uint64_t v)
{
	return kx_error_create(KX_ERROR_OVERFLOW,
			       "%s: relocation %s at %s+0x%llx: value 0x%llx %s",
			       r->p->name, reloc_name(r->p->machine, r->type),
			       sec_name(r->p, r->target), (unsigned long long)r->offset,
			       (unsigned long long)v, why);
}

// Write one relocation: S+A = @sa, P = @pc, at @where.
static struct kx_error *apply_x86_64(const struct reloc_ctx *r, unsigned char *where,
				     uint64_t sa, uint64_t pc)
{
	switch (r->type) {
	case R_X86_64_NONE:
		return NULL;
	case R_X86_64_64:
		kx_put_le64(where, sa);
		return NULL;
	case R_X86_64_32:
		if (sa > UINT32_MAX)
			return reloc_overflow(r, "does not fit in 32 bits", sa);
		kx_put_le32(where, (uint32_t)sa);
		return NULL;
	case R_X86_64_32S:
		if (!fits_signed((int64_t)sa, 32))
			return reloc_overflow(r, "does not fit in 32 signed bits", sa);
		kx_put_le32(where, (uint32_t)sa);
		return NULL;
	default: { // PC32, PLT32: no PLT in a self-contained object
		uint64_t v = sa - pc;
		if (!fits_signed((int64_t)v, 32))
			return reloc_overflow(r, "is out of PC-relative reach", v);
		kx_put_le32(where, (uint32_t)v);
		return NULL;
	}
	}
}

static struct kx_error *apply_loongarch(const struct reloc_ctx *r, unsigned char *where,
					uint64_t sa, uint64_t pc)
{
	uint64_t v = sa - pc;

	switch (r->type) {
	case R_LARCH_NONE:
		return NULL;
	case R_LARCH_64:
		kx_put_le64(where, sa);
		return NULL;
	case R_LARCH_32:
		if (sa > UINT32_MAX && !fits_signed((int64_t)sa, 32))
			return reloc_overflow(r, "does not fit in 32 bits", sa);
		kx_put_le32(where, (uint32_t)sa);
		return NULL;
	case R_LARCH_B16: // offs16 in [25:10], in instructions
		if ((v & 3) || !fits_signed((int64_t)v, 18))
			return reloc_overflow(r, "is not a reachable branch target", v);
		larch_insert(where, 0x03fffc00, (uint32_t)(v >> 2) << 10);
		return NULL;
	case R_LARCH_B21: // offs[15:0] in [25:10], offs[20:16] in [4:0]
		if ((v & 3) || !fits_signed((int64_t)v, 23))
			return reloc_overflow(r, "is not a reachable branch target", v);
		larch_insert(where, 0x03fffc1f,
			     ((uint32_t)(v >> 2) & 0xffff) << 10 | ((uint32_t)(v >> 18) & 0x1f));
		return NULL;
	case R_LARCH_B26: // offs[15:0] in [25:10], offs[25:16] in [9:0]
		if ((v & 3) || !fits_signed((int64_t)v, 28))
			return reloc_overflow(r, "is not a reachable branch target", v);
		larch_insert(where, 0x03ffffff,
			     ((uint32_t)(v >> 2) & 0xffff) << 10 | ((uint32_t)(v >> 18) & 0x3ff));
		return NULL;
	case R_LARCH_PCALA_HI20: { // pcalau12i: 4 KiB page delta, si20 in [24:5]
		uint64_t d = ((sa + 0x800) & ~(uint64_t)0xfff) - (pc & ~(uint64_t)0xfff);
		if (!fits_signed((int64_t)d, 32))
			return reloc_overflow(r, "is out of PC-relative reach", d);
		larch_insert(where, 0x01ffffe0, (uint32_t)(d >> 12) << 5);
		return NULL;
	}
	default: // R_LARCH_PCALA_LO12: si12/ui12 in [21:10]
		larch_insert(where, 0x003ffc00, (uint32_t)(sa & 0xfff) << 10);
		return NULL;
	}
}

// Check every relocation (image == NULL) or apply them to the placed image.
static struct kx_error *relocate(const struct kx_purgatory *p, unsigned char *image,
				 uint64_t base)
{
	for (size_t rs = 1; rs < p->nsec; rs++) {
		const struct section *rel = &p->sec[rs];
		if (rel->type == SHT_REL)
			return kx_error_create(KX_ERROR_UNSUPPORTED,
					       "%s: SHT_REL section %s (only SHT_RELA is used on x86_64 and LoongArch)",
					       p->name, sec_name(p, rs));
		if (rel->type != SHT_RELA)
			continue;
		if (rel->info == 0 || rel->info >= p->nsec)
			return kx_error_create(KX_ERROR_CORRUPT,
					       "%s: relocation section %s applies to bad section %u",
					       p->name, sec_name(p, rs), rel->info);
		const struct section *tgt = &p->sec[rel->info];
		if (tgt->image_off == not_laid_out)
			continue; // debug info and other unallocated sections
		if (rel->link != p->symtab)
			return kx_error_create(KX_ERROR_CORRUPT,
					       "%s: relocation section %s does not use the symbol table",
					       p->name, sec_name(p, rs));
		if (rel->entsize != RELA_SIZE || rel->size % RELA_SIZE != 0)
			return kx_error_create(KX_ERROR_CORRUPT,
					       "%s: relocation section %s entry size is not 24",
					       p->name, sec_name(p, rs));
		if (tgt->type == SHT_NOBITS)
			return kx_error_create(KX_ERROR_CORRUPT,
					       "%s: relocations for section %s, which has no bytes",
					       p->name, sec_name(p, rel->info));
		for (uint64_t k = 0; k < rel->size / RELA_SIZE; k++) {
			const unsigned char *e = p->obj + rel->offset + k * RELA_SIZE;
			uint64_t info = kx_get_le64(e + 8);
			struct reloc_ctx r = {
				.p = p, .relsec = rs, .target = rel->info,
				.offset = kx_get_le64(e), .type = (uint32_t)info,
			};
			uint64_t addend = kx_get_le64(e + 16);
			uint64_t symi = info >> 32;

			if (!reloc_name(p->machine, r.type))
				return kx_error_create(KX_ERROR_UNSUPPORTED,
						       "%s: unsupported relocation type %u at %s+0x%llx",
						       p->name, r.type, sec_name(p, r.target),
						       (unsigned long long)r.offset);
			unsigned int width = reloc_width(p->machine, r.type);
			if (r.offset > tgt->size || width > tgt->size - r.offset)
				return kx_error_create(KX_ERROR_CORRUPT,
						       "%s: relocation at %s+0x%llx lies outside the section (0x%llx bytes)",
						       p->name, sec_name(p, r.target),
						       (unsigned long long)r.offset,
						       (unsigned long long)tgt->size);
			if (symi >= p->nsyms)
				return kx_error_create(KX_ERROR_CORRUPT,
						       "%s: relocation at %s+0x%llx names symbol %llu of %zu",
						       p->name, sec_name(p, r.target),
						       (unsigned long long)r.offset,
						       (unsigned long long)symi, p->nsyms);
			uint64_t s = 0;
			if (symi != 0) {
				struct sym y = read_sym(p, (size_t)symi);
				if (y.shndx == SHN_UNDEF)
					return kx_error_create(KX_ERROR_CORRUPT,
							       "%s: undefined symbol %s",
							       p->name, sym_name(p, &y));
				if (y.shndx == SHN_COMMON)
					return kx_error_create(KX_ERROR_CORRUPT,
							       "%s: common symbol %s (build with -fno-common)",
							       p->name, sym_name(p, &y));
				if (y.shndx == SHN_ABS) {
					s = y.value;
				} else if (y.shndx >= SHN_LORESERVE) {
					return kx_error_create(KX_ERROR_CORRUPT,
							       "%s: symbol %s in reserved section 0x%x",
							       p->name, sym_name(p, &y), y.shndx);
				} else if (p->sec[y.shndx].image_off == not_laid_out) {
					return kx_error_create(KX_ERROR_CORRUPT,
							       "%s: relocation against %s, which is not loaded",
							       p->name, sym_name(p, &y));
				} else {
					s = base + p->sec[y.shndx].image_off + y.value;
				}
			}
			if (!image)
				continue;
			unsigned char *where = image + tgt->image_off + r.offset;
			uint64_t pc = base + tgt->image_off + r.offset;
			struct kx_error *err = p->machine == EM_X86_64
				? apply_x86_64(&r, where, s + addend, pc)
				: apply_loongarch(&r, where, s + addend, pc);
			if (err)
				return err;
		}
	}
	return NULL;
}

struct kx_error *kx_purgatory_create(const void *obj, size_t size, const char *name,
				     uint16_t machine, struct kx_purgatory **ret)
{
	struct kx_error *err;

	if (machine != EM_X86_64 && machine != EM_LOONGARCH)
		return kx_error_create(KX_ERROR_UNSUPPORTED, "%s: no purgatory relocator for e_machine %u",
				       name, machine);
	struct kx_purgatory *p = calloc(1, sizeof(*p));
	if (!p)
		return &kx_enomem;
	p->machine = machine;
	p->name = strdup(name);
	p->obj = malloc(size ? size : 1);
	if (!p->name || !p->obj) {
		kx_purgatory_destroy(p);
		return &kx_enomem;
	}
	if (size)
		memcpy(p->obj, obj, size);
	p->obj_size = size;
	if ((err = parse_sections(p)) || (err = parse_symtab(p)) || (err = layout(p)) ||
	    (err = relocate(p, NULL, 0))) {
		kx_purgatory_destroy(p);
		return err;
	}
	*ret = p;
	return NULL;
}

void kx_purgatory_destroy(struct kx_purgatory *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->obj);
	free(p->sec);
	free(p); // p->image belongs to the builder
}

size_t kx_purgatory_bufsz(const struct kx_purgatory *p)
{
	return p->bufsz;
}

uint64_t kx_purgatory_memsz(const struct kx_purgatory *p)
{
	return p->memsz;
}

uint64_t kx_purgatory_mem(const struct kx_purgatory *p)
{
	return p->mem;
}

const void *kx_purgatory_image(const struct kx_purgatory *p)
{
	return p->image;
}

struct kx_error *kx_purgatory_place(struct kx_purgatory *p, struct kx_load_builder *b,
				    uint64_t min, uint64_t max, enum kx_hole_fit fit,
				    uint64_t window)
{
	KX_CHECK(!p->image, KX_ERROR_INVALID_ARG, "%s: already placed", p->name);
	unsigned char *buf = calloc(1, p->bufsz);
	if (!buf)
		return &kx_enomem;
	for (size_t i = 1; i < p->nsec; i++) {
		const struct section *s = &p->sec[i];
		if (s->image_off != not_laid_out && s->type != SHT_NOBITS)
			memcpy(buf + s->image_off, p->obj + s->offset, s->size);
	}
	struct kx_buffer_spec spec = {
		.buf = buf, .bufsz = p->bufsz, .memsz = p->memsz, .align = p->align,
		.min = min, .max = max, .fit = fit, .role = "purgatory",
	};
	uint64_t mem;
	// The builder owns buf from here on, even on failure.
	struct kx_error *err = b->ops->add_buffer(b, &spec, &mem);
	if (err)
		return kx_error_prefix(err, "placing the %s", p->name);
	KX_TRY(relocate(p, buf, window | mem));
	p->image = buf;
	p->mem = mem;
	return NULL;
}

// The global symbol @name, or an error.
static struct kx_error *find_global(const struct kx_purgatory *p, const char *name,
				    struct sym *ret)
{
	for (size_t i = 1; i < p->nsyms; i++) {
		struct sym y = read_sym(p, i);
		if ((y.info >> 4) == STB_LOCAL || y.shndx == SHN_UNDEF)
			continue;
		const char *n = table_str(p->str, p->str_size, y.name);
		if (n && strcmp(n, name) == 0) {
			*ret = y;
			return NULL;
		}
	}
	return kx_error_create(KX_ERROR_NOT_FOUND, "%s has no global symbol %s", p->name, name);
}

struct kx_error *kx_purgatory_symbol_addr(const struct kx_purgatory *p, const char *name,
					  uint64_t *ret)
{
	struct sym y;

	KX_CHECK(p->image, KX_ERROR_INVALID_ARG, "%s: not placed yet", p->name);
	KX_TRY(find_global(p, name, &y));
	if (y.shndx == SHN_ABS) {
		*ret = y.value;
		return NULL;
	}
	KX_CHECK(y.shndx < p->nsec && p->sec[y.shndx].image_off != not_laid_out,
		 KX_ERROR_INVALID_ARG, "%s: symbol %s is not in a loaded section", p->name, name);
	*ret = p->mem + p->sec[y.shndx].image_off + y.value;
	return NULL;
}

struct kx_error *kx_purgatory_entry(const struct kx_purgatory *p, uint64_t *ret)
{
	return kx_purgatory_symbol_addr(p, "purgatory_start", ret);
}

// Where the @size bytes of data symbol @name are in the image.
static struct kx_error *symbol_bytes(const struct kx_purgatory *p, const char *name,
				     size_t size, size_t *ret_off)
{
	struct sym y;

	KX_CHECK(p->image, KX_ERROR_INVALID_ARG, "%s: not placed yet", p->name);
	KX_TRY(find_global(p, name, &y));
	KX_CHECK(y.size == size, KX_ERROR_INVALID_ARG, "%s: symbol %s is %llu bytes, got %zu",
		 p->name, name, (unsigned long long)y.size, size);
	KX_CHECK(y.shndx < p->nsec && p->sec[y.shndx].image_off != not_laid_out,
		 KX_ERROR_INVALID_ARG, "%s: symbol %s is not in a loaded section", p->name, name);
	const struct section *s = &p->sec[y.shndx];
	KX_CHECK(s->type != SHT_NOBITS, KX_ERROR_INVALID_ARG,
		 "%s: symbol %s is in a section without bytes (%s); build with -fno-zero-initialized-in-bss and initialize it",
		 p->name, name, sec_name(p, y.shndx));
	KX_CHECK(y.value <= s->size && size <= s->size - y.value, KX_ERROR_CORRUPT,
		 "%s: symbol %s lies outside its section %s", p->name, name, sec_name(p, y.shndx));
	*ret_off = (size_t)(s->image_off + y.value);
	return NULL;
}

struct kx_error *kx_purgatory_set_symbol(struct kx_purgatory *p, const char *name,
					 const void *val, size_t size)
{
	size_t off;

	KX_TRY(symbol_bytes(p, name, size, &off));
	memcpy(p->image + off, val, size);
	return NULL;
}

struct kx_error *kx_purgatory_get_symbol(const struct kx_purgatory *p, const char *name,
					 void *out, size_t size)
{
	size_t off;

	KX_TRY(symbol_bytes(p, name, size, &off));
	memcpy(out, p->image + off, size);
	return NULL;
}

struct kx_error *kx_purgatory_set_uint(struct kx_purgatory *p, const char *name,
				       uint64_t value, size_t size)
{
	unsigned char b[8];

	KX_CHECK(size == 1 || size == 2 || size == 4 || size == 8, KX_ERROR_INVALID_ARG,
		 "%s: symbol %s: integer size %zu", p->name, name, size);
	KX_CHECK(size == 8 || value >> (size * 8) == 0, KX_ERROR_OVERFLOW,
		 "%s: value 0x%llx does not fit symbol %s (%zu bytes)", p->name,
		 (unsigned long long)value, name, size);
	kx_put_le64(b, value);
	return kx_purgatory_set_symbol(p, name, b, size);
}

struct kx_error *kx_purgatory_set_digest(struct kx_purgatory *p,
					 const struct kx_load_builder *b,
					 const uint64_t *exclude, size_t nexclude)
{
	unsigned char regions[KX_PURGATORY_REGIONS * 16] = { 0 };
	uint8_t digest[KX_SHA256_DIGEST_SIZE];
	struct kx_sha256 ctx;
	size_t n = 0, count = b->ops->count(b);
	size_t want = 0;

	KX_CHECK(p->image, KX_ERROR_INVALID_ARG, "%s: not placed yet", p->name);
	kx_sha256_init(&ctx);
	for (size_t i = 0; i < count; i++) {
		struct kx_segment_view v;
		bool skip = false;

		b->ops->segment(b, i, &v);
		if (v.mem == p->mem)
			continue; // our own: it holds the digest
		for (size_t k = 0; k < nexclude; k++)
			skip |= v.mem == exclude[k];
		if (skip)
			continue;
		want++;
		if (n == KX_PURGATORY_REGIONS)
			continue; // counted for the message
		size_t bufsz = v.bufsz < v.memsz ? v.bufsz : (size_t)v.memsz;
		if (v.buf)
			kx_sha256_update(&ctx, v.buf, bufsz);
		else
			bufsz = 0;
		kx_sha256_update_zeros(&ctx, v.memsz - bufsz);
		kx_put_le64(regions + n * 16, v.mem);
		kx_put_le64(regions + n * 16 + 8, v.memsz);
		n++;
	}
	KX_CHECK(want <= KX_PURGATORY_REGIONS, KX_ERROR_NOSPACE,
		 "%s: %zu segments to hash, the purgatory holds at most %d", p->name, want,
		 KX_PURGATORY_REGIONS);
	kx_sha256_final(&ctx, digest);
	KX_TRY(kx_purgatory_set_symbol(p, "sha256_regions", regions, sizeof(regions)));
	return kx_purgatory_set_symbol(p, "sha256_digest", digest, sizeof(digest));
}
