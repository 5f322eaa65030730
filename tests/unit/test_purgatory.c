// SPDX-License-Identifier: GPL-2.0-only
// The purgatory relocator (arch/purgatory.c) against the real purgatory
// objects embedded in this build, with libelf as an independent reader of
// their relocations, and against hostile objects derived from them.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <unistd.h>

#include "byteorder.h"
#include "loongarch64/purgatory_loongarch64.h"
#include "purgatory.h"
#include "purgatory_verify.h"
#include "sha256.h"
#include "test_util.h"
#include "x86_64/purgatory_x86_64.h"
#include "../purgatory/mock_builder.h"

static const uint64_t base_a = 0x7ff0000;
static const uint64_t base_b = 0x123450000;

static struct kx_purgatory *place_x86(struct mock_builder *m, uint64_t base)
{
	struct kx_purgatory *p;

	mock_builder_init(m, base);
	assert_kx_ok(kx_purgatory_create(kx_purgatory_x86_64_blob, kx_purgatory_x86_64_blob_size,
					 "x86_64 purgatory", 62, &p));
	assert_kx_ok(kx_purgatory_place(p, &m->b, 0x3000, UINT64_MAX, KX_HOLE_LAST_FIT, 0));
	return p;
}

// The documented layout (purgatory.h), recomputed from libelf's view.
static void oracle_layout(Elf *e, size_t nsec, uint64_t *off)
{
	uint64_t pos = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 1; i < nsec; i++) {
			GElf_Shdr sh;
			assert_non_null(gelf_getshdr(elf_getscn(e, i), &sh));
			if (pass == 0)
				off[i] = UINT64_MAX;
			if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0 ||
			    (sh.sh_type == SHT_NOBITS) != (pass == 1))
				continue;
			uint64_t a = sh.sh_addralign ? sh.sh_addralign : 1;
			pos = (pos + a - 1) & ~(a - 1);
			off[i] = pos;
			pos += sh.sh_size;
		}
	}
}

// Every relocation of the x86_64 object, as libelf reads it, must hold the
// value S + A (- P) for the base the image was placed at.
static void check_x86_relocs(const unsigned char *img, uint64_t base)
{
	elf_version(EV_CURRENT);
	Elf *e = elf_memory((char *)kx_purgatory_x86_64_blob, kx_purgatory_x86_64_blob_size);
	size_t nsec, checked = 0;
	uint64_t off[64];

	assert_non_null(e);
	assert_int_equal(elf_getshdrnum(e, &nsec), 0);
	assert_true(nsec <= 64);
	oracle_layout(e, nsec, off);
	for (size_t i = 1; i < nsec; i++) {
		Elf_Scn *scn = elf_getscn(e, i);
		GElf_Shdr sh;
		assert_non_null(gelf_getshdr(scn, &sh));
		if (sh.sh_type != SHT_RELA || off[sh.sh_info] == UINT64_MAX)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		Elf_Data *syms = elf_getdata(elf_getscn(e, sh.sh_link), NULL);
		for (size_t k = 0; k < sh.sh_size / sh.sh_entsize; k++) {
			GElf_Rela r;
			GElf_Sym s;
			assert_non_null(gelf_getrela(d, (int)k, &r));
			assert_non_null(gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &s));
			uint64_t sv = base + off[s.st_shndx] + s.st_value + (uint64_t)r.r_addend;
			uint64_t where = off[sh.sh_info] + r.r_offset;
			uint64_t pc = base + where;
			switch (GELF_R_TYPE(r.r_info)) {
			case R_X86_64_64:
				assert_int_equal(kx_get_le64(img + where), sv);
				break;
			case R_X86_64_PC32:
			case R_X86_64_PLT32:
				assert_int_equal(kx_get_le32(img + where), (uint32_t)(sv - pc));
				break;
			default:
				fail_msg("relocation type %u in the object",
					 (unsigned)GELF_R_TYPE(r.r_info));
			}
			checked++;
		}
	}
	assert_true(checked > 10);
	elf_end(e);
}

static void test_x86_two_bases(void **state)
{
	(void)state;
	struct mock_builder ma, mb;
	struct kx_purgatory *pa = place_x86(&ma, base_a);
	struct kx_purgatory *pb = place_x86(&mb, base_b);
	uint64_t ea, eb;

	assert_int_equal(kx_purgatory_mem(pa), base_a);
	assert_int_equal(kx_purgatory_mem(pb), base_b);
	assert_string_equal(ma.last_spec.role, "purgatory");
	assert_int_equal(ma.last_spec.min, 0x3000);
	assert_int_equal(ma.last_spec.fit, KX_HOLE_LAST_FIT);
	assert_int_equal(ma.last_spec.bufsz, kx_purgatory_bufsz(pa));
	assert_true(kx_purgatory_memsz(pa) >= kx_purgatory_bufsz(pa) + 8192); // the stack
	assert_kx_ok(kx_purgatory_entry(pa, &ea));
	assert_kx_ok(kx_purgatory_entry(pb, &eb));
	assert_int_equal(eb - ea, base_b - base_a);
	check_x86_relocs(kx_purgatory_image(pa), base_a);
	check_x86_relocs(kx_purgatory_image(pb), base_b);
	kx_purgatory_destroy(pa);
	kx_purgatory_destroy(pb);
	mock_builder_deinit(&ma);
	mock_builder_deinit(&mb);
}

static void test_symbols(void **state)
{
	(void)state;
	struct mock_builder m;
	struct kx_purgatory *p;
	uint8_t digest[32] = { 0 }, got[32];
	uint16_t port;
	uint64_t a;

	// Not placed yet.
	assert_kx_ok(kx_purgatory_create(kx_purgatory_x86_64_blob, kx_purgatory_x86_64_blob_size,
					 "x86_64 purgatory", 62, &p));
	assert_kx_err(kx_purgatory_set_uint(p, "skip_checks", 1, 1), KX_ERROR_INVALID_ARG,
		      "not placed yet");
	kx_purgatory_destroy(p);

	p = place_x86(&m, base_a);
	assert_kx_err(kx_purgatory_set_symbol(p, "sha256_digest", digest, 31),
		      KX_ERROR_INVALID_ARG,
		      "x86_64 purgatory: symbol sha256_digest is 32 bytes, got 31");
	assert_kx_err(kx_purgatory_set_uint(p, "no_such_symbol", 1, 1), KX_ERROR_NOT_FOUND,
		      "x86_64 purgatory has no global symbol no_such_symbol");
	assert_kx_err(kx_purgatory_set_uint(p, "serial_base", 0x10000, 2), KX_ERROR_OVERFLOW,
		      "does not fit symbol serial_base");
	// A label in .bss has no bytes to patch (and is 0 bytes anyway).
	assert_kx_err(kx_purgatory_set_symbol(p, "stack_end", digest, 0), KX_ERROR_INVALID_ARG,
		      "symbol stack_end is in a section without bytes (.bss)");
	// Local symbols are not the purgatory's interface.
	assert_kx_err(kx_purgatory_symbol_addr(p, "gdt", &a), KX_ERROR_NOT_FOUND, "gdt");

	assert_kx_ok(kx_purgatory_set_uint(p, "serial_base", 0x3f8, 2));
	assert_kx_ok(kx_purgatory_get_symbol(p, "serial_base", &port, 2));
	assert_int_equal(kx_get_le16(&port), 0x3f8);
	// Re-read the bytes at the symbol's address in the image.
	assert_kx_ok(kx_purgatory_symbol_addr(p, "serial_base", &a));
	const unsigned char *img = kx_purgatory_image(p);
	assert_int_equal(kx_get_le16(img + (a - base_a)), 0x3f8);
	for (int i = 0; i < 32; i++)
		digest[i] = (uint8_t)(i * 7);
	assert_kx_ok(kx_purgatory_set_symbol(p, "sha256_digest", digest, 32));
	assert_kx_ok(kx_purgatory_get_symbol(p, "sha256_digest", got, 32));
	assert_memory_equal(got, digest, 32);
	kx_purgatory_destroy(p);
	mock_builder_deinit(&m);
}

static void *pattern(size_t n, unsigned seed)
{
	unsigned char *b = malloc(n);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 31 + seed + (i >> 8));
	return b;
}

// Segments: kernel-like (buffer + padding), all-zero (no buffer), purgatory
// in the middle, command line.
static void add_segments(struct mock_builder *m)
{
	assert_kx_ok(m->b.ops->add_segment(&m->b, pattern(5000, 1), 5000, 0x1000000, 0x3000,
					   "kernel"));
	assert_kx_ok(m->b.ops->add_segment(&m->b, NULL, 0, 0x2000000, 0x2000, "zero"));
}

static void test_digest(void **state)
{
	(void)state;
	struct mock_builder m;
	struct kx_purgatory *p;
	unsigned char regions[256], digest[32], want[32];

	mock_builder_init(&m, 0x5000000);
	add_segments(&m);
	assert_kx_ok(kx_purgatory_create(kx_purgatory_x86_64_blob, kx_purgatory_x86_64_blob_size,
					 "x86_64 purgatory", 62, &p));
	assert_kx_ok(kx_purgatory_place(p, &m.b, 0x3000, UINT64_MAX, KX_HOLE_LAST_FIT, 0));
	assert_kx_ok(m.b.ops->add_segment(&m.b, pattern(100, 9), 100, 0x3000000, 0x1000,
					  "cmdline"));
	assert_kx_ok(kx_purgatory_set_digest(p, &m.b, NULL, 0));
	assert_kx_ok(kx_purgatory_get_symbol(p, "sha256_regions", regions, 256));
	assert_kx_ok(kx_purgatory_get_symbol(p, "sha256_digest", digest, 32));

	static const uint64_t want_regions[][2] = {
		{ 0x1000000, 0x3000 }, { 0x2000000, 0x2000 }, { 0x3000000, 0x1000 },
	};
	for (size_t i = 0; i < 16; i++) {
		uint64_t s = i < 3 ? want_regions[i][0] : 0, l = i < 3 ? want_regions[i][1] : 0;
		assert_int_equal(kx_get_le64(regions + i * 16), s);
		assert_int_equal(kx_get_le64(regions + i * 16 + 8), l);
	}

	// Reference: the bytes as they will be in memory, hashed in one go by
	// the common SHA-256 and by sha256sum(1).
	size_t total = 0x3000 + 0x2000 + 0x1000;
	unsigned char *mem = calloc(1, total);
	assert_non_null(mem);
	memcpy(mem, m.seg[0].buf, 5000);
	memcpy(mem + 0x5000, m.seg[3].buf, 100);
	kx_sha256(mem, total, want);
	assert_memory_equal(digest, want, 32);

	char path[] = "/tmp/kx-purgatory-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, mem, total), (ssize_t)total);
	close(fd);
	char cmd[128], line[128], hex[65];
	snprintf(cmd, sizeof(cmd), "sha256sum %s 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char *ok = fgets(line, sizeof(line), f);
	int st = pclose(f);
	unlink(path);
	free(mem);
	if (!ok || st != 0) {
		kx_purgatory_destroy(p);
		mock_builder_deinit(&m);
		KX_SKIP("sha256sum not available");
	}
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	assert_memory_equal(line, hex, 64);

	// The purgatory's own verification routine, run on the host over the
	// same memory (window 0: the regions are host addresses here).
	unsigned char *seg0 = calloc(1, 0x3000), *seg1 = calloc(1, 0x2000), *seg2 = calloc(1, 0x1000);
	memcpy(seg0, m.seg[0].buf, 5000);
	memcpy(seg2, m.seg[3].buf, 100);
	struct kx_purgatory_region r[16] = {
		{ (uintptr_t)seg0, 0x3000 }, { (uintptr_t)seg1, 0x2000 }, { (uintptr_t)seg2, 0x1000 },
	};
	assert_int_equal(kx_purgatory_verify(r, 16, digest, 0), 1);
	seg1[0x1fff] = 1; // padding is hashed too
	assert_int_equal(kx_purgatory_verify(r, 16, digest, 0), 0);
	free(seg0);
	free(seg1);
	free(seg2);

	// Excluding a segment (--hotplug's elfcorehdr) drops it from the table.
	const uint64_t ex = 0x2000000;
	assert_kx_ok(kx_purgatory_set_digest(p, &m.b, &ex, 1));
	assert_kx_ok(kx_purgatory_get_symbol(p, "sha256_regions", regions, 256));
	assert_int_equal(kx_get_le64(regions + 16), 0x3000000);
	assert_int_equal(kx_get_le64(regions + 32 + 8), 0);
	kx_purgatory_destroy(p);
	mock_builder_deinit(&m);
}

static void test_too_many_segments(void **state)
{
	(void)state;
	struct mock_builder m;
	struct kx_purgatory *p = place_x86(&m, 0x9000000);

	for (uint64_t i = 0; i < 17; i++)
		assert_kx_ok(m.b.ops->add_segment(&m.b, NULL, 0, 0x100000 * (i + 1), 0x1000, "x"));
	assert_kx_err(kx_purgatory_set_digest(p, &m.b, NULL, 0), KX_ERROR_NOSPACE,
		      "x86_64 purgatory: 17 segments to hash, the purgatory holds at most 16");
	kx_purgatory_destroy(p);
	mock_builder_deinit(&m);
}

static void test_x86_64_phases(void **state)
{
	(void)state;
	struct mock_builder m;
	struct kx_x86_64_purgatory *h;
	struct kx_x86_64_purgatory_params params = {
		.regs = { .rsi = 0x90000, .rip = 0x1000200 },
		.serial_base = 0x3f8, .serial_baud = 115200, .console_serial = true,
	};
	unsigned char regs[136];
	uint64_t stack_end, entry;

	mock_builder_init(&m, 0x6000000);
	add_segments(&m);
	assert_kx_ok(kx_x86_64_purgatory_place(&m.b, &h));
	assert_kx_ok(kx_x86_64_purgatory_finish(h, &m.b, &params));
	struct kx_purgatory *p = *(struct kx_purgatory **)h; // the handle's only member
	assert_kx_ok(kx_purgatory_get_symbol(p, "entry64_regs", regs, 136));
	assert_kx_ok(kx_purgatory_symbol_addr(p, "stack_end", &stack_end));
	assert_kx_ok(kx_purgatory_entry(p, &entry));
	assert_int_equal(kx_get_le64(regs + 4 * 8), 0x90000);   // rsi
	assert_int_equal(kx_get_le64(regs + 6 * 8), stack_end); // rsp defaulted
	assert_int_equal(kx_get_le64(regs + 16 * 8), 0x1000200); // rip
	assert_int_equal(m.entry, entry);
	assert_int_equal(entry, kx_purgatory_mem(p)); // purgatory_start opens .text
	kx_x86_64_purgatory_destroy(h);
	kx_x86_64_purgatory_destroy(NULL);
	mock_builder_deinit(&m);
}

static void test_loongarch64_phases(void **state)
{
	(void)state;
	if (!kx_loongarch64_purgatory_available()) {
		struct mock_builder m;
		struct kx_loongarch64_purgatory *h;
		mock_builder_init(&m, 0x6000000);
		assert_kx_err(kx_loongarch64_purgatory_place(&m.b, &h), KX_ERROR_UNSUPPORTED,
			      "built without the LoongArch purgatory");
		KX_SKIP("this build has no LoongArch purgatory (no clang-19/lld-19)");
	}
	struct mock_builder m;
	struct kx_loongarch64_purgatory *h;
	struct kx_loongarch64_purgatory_params params = { .kernel_entry = 0x200000 + 0x1000 };
	uint64_t v, entry;

	mock_builder_init(&m, 0x6000000);
	add_segments(&m);
	assert_kx_ok(kx_loongarch64_purgatory_place(&m.b, &h));
	assert_int_equal(m.last_spec.min, 0x200000);
	struct kx_purgatory *p = *(struct kx_purgatory **)h;
	params.kernel_entry = UINT64_C(0x9000000000201000);
	assert_kx_err(kx_loongarch64_purgatory_finish(h, &m.b, &params), KX_ERROR_INVALID_ARG,
		      "is not a physical address");
	params.kernel_entry = 0x201000;
	assert_kx_ok(kx_loongarch64_purgatory_finish(h, &m.b, &params));
	assert_kx_ok(kx_purgatory_get_symbol(p, "kernel_entry", &v, 8));
	assert_int_equal(kx_get_le64(&v), UINT64_C(0x9000000000201000));
	assert_kx_ok(kx_purgatory_get_symbol(p, "dmw_base", &v, 8));
	assert_int_equal(kx_get_le64(&v), UINT64_C(0x9000000000000000));
	assert_kx_ok(kx_purgatory_entry(p, &entry));
	assert_int_equal(m.entry, entry); // physical: the kernel adds the window
	assert_true(entry >= 0x6000000 && entry < 0x6000000 + kx_purgatory_bufsz(p));
	kx_loongarch64_purgatory_destroy(h);
	mock_builder_deinit(&m);
}

// --- hostile objects ---------------------------------------------------------

static unsigned char *blob_copy(void)
{
	unsigned char *b = malloc(kx_purgatory_x86_64_blob_size);
	assert_non_null(b);
	memcpy(b, kx_purgatory_x86_64_blob, kx_purgatory_x86_64_blob_size);
	return b;
}

static unsigned char *shdr(unsigned char *b, size_t i)
{
	return b + kx_get_le64(b + 40) + i * 64;
}

static size_t find_section_type(unsigned char *b, uint32_t type)
{
	for (size_t i = 1; i < kx_get_le16(b + 60); i++)
		if (kx_get_le32(shdr(b, i) + 4) == type)
			return i;
	fail_msg("no section of type %u", type);
	return 0;
}

// The symbol-table entry of global @name.
static unsigned char *find_sym(unsigned char *b, const char *name)
{
	unsigned char *st = shdr(b, find_section_type(b, SHT_SYMTAB));
	const char *str = (const char *)b + kx_get_le64(shdr(b, kx_get_le32(st + 40)) + 24);
	for (uint64_t k = 1; k < kx_get_le64(st + 32) / 24; k++) {
		unsigned char *s = b + kx_get_le64(st + 24) + k * 24;
		if (strcmp(str + kx_get_le32(s), name) == 0)
			return s;
	}
	fail_msg("no symbol %s", name);
	return NULL;
}

static struct kx_error *try_blob(const unsigned char *b, size_t size)
{
	struct kx_purgatory *p = NULL;
	struct kx_error *err = kx_purgatory_create(b, size, "evil", 62, &p);
	kx_purgatory_destroy(p);
	return err;
}

static void test_hostile(void **state)
{
	(void)state;
	size_t size = kx_purgatory_x86_64_blob_size;
	unsigned char *b = blob_copy();

	assert_kx_ok(try_blob(b, size));
	assert_kx_err(try_blob(b, 10), KX_ERROR_CORRUPT, "evil: truncated ELF header");
	assert_kx_err(try_blob(b, size - 100), KX_ERROR_CORRUPT,
		      "section header table lies outside the file");
	assert_kx_err(try_blob(b, 0), KX_ERROR_CORRUPT, "truncated");
	{
		struct kx_purgatory *p;
		assert_kx_err(kx_purgatory_create(b, size, "evil", 258, &p),
			      KX_ERROR_UNSUPPORTED, "e_machine 62, expected 258");
	}
	b[0] = 'X';
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "not an ELF file");
	free(b);

	b = blob_copy(); // ET_EXEC
	kx_put_le16(b + 16, 2);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "not a relocatable object");
	free(b);

	b = blob_copy(); // shstrndx
	kx_put_le16(b + 62, 200);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT,
		      "section name table index 200 out of range");
	free(b);

	b = blob_copy(); // a section's bytes past the end
	kx_put_le64(shdr(b, 1) + 24, size - 4);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "section 1 (offset");
	free(b);

	b = blob_copy(); // symbol with a bad section index
	kx_put_le16(find_sym(b, "sha256_digest") + 6, 77);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "has bad section index 77");
	free(b);

	b = blob_copy(); // undefined symbol referenced by a relocation
	kx_put_le16(find_sym(b, "purgatory_main") + 6, 0);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "evil: undefined symbol purgatory_main");
	free(b);

	size_t rs = find_section_type(b = blob_copy(), SHT_RELA);
	unsigned char *rela = b + kx_get_le64(shdr(b, rs) + 24);
	kx_put_le64(rela, 0x100000); // r_offset far outside .text
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT,
		      "evil: relocation at .text+0x100000 lies outside the section");
	free(b);

	b = blob_copy();
	rela = b + kx_get_le64(shdr(b, rs) + 24);
	kx_put_le32(rela + 8, 9); // R_X86_64_GOTPCREL
	assert_kx_err(try_blob(b, size), KX_ERROR_UNSUPPORTED,
		      "evil: unsupported relocation type 9 at .text+0x");
	free(b);

	b = blob_copy();
	rela = b + kx_get_le64(shdr(b, rs) + 24);
	kx_put_le32(rela + 12, 100000); // symbol index
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "names symbol 100000 of");
	free(b);

	b = blob_copy(); // SHT_REL
	kx_put_le32(shdr(b, rs) + 4, SHT_REL);
	assert_kx_err(try_blob(b, size), KX_ERROR_UNSUPPORTED, "SHT_REL section");
	free(b);

	b = blob_copy(); // relocation section for a nonexistent section
	kx_put_le32(shdr(b, rs) + 44, 99);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "applies to bad section 99");
	free(b);

	b = blob_copy(); // absurd alignment
	kx_put_le64(shdr(b, 1) + 48, 3);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "section 1 has bad alignment 0x3");
	free(b);

	b = blob_copy(); // stripped
	kx_put_le32(shdr(b, find_section_type(b, SHT_SYMTAB)) + 4, 1);
	assert_kx_err(try_blob(b, size), KX_ERROR_CORRUPT, "no symbol table");
	free(b);
}

// A placement that puts a 32-bit relocation out of reach is an overflow,
// not silent truncation: turn one R_X86_64_64 into R_X86_64_32 and place
// above 4 GiB.
static void test_overflow(void **state)
{
	(void)state;
	unsigned char *b = blob_copy();
	size_t rs = find_section_type(b, SHT_RELA);
	unsigned char *rela = b + kx_get_le64(shdr(b, rs) + 24);
	size_t n = kx_get_le64(shdr(b, rs) + 32) / 24, k;
	struct mock_builder m;
	struct kx_purgatory *p;

	for (k = 0; k < n && kx_get_le32(rela + k * 24 + 8) != R_X86_64_64; k++)
		;
	assert_true(k < n);
	kx_put_le32(rela + k * 24 + 8, R_X86_64_32);
	assert_kx_ok(kx_purgatory_create(b, kx_purgatory_x86_64_blob_size, "evil", 62, &p));
	mock_builder_init(&m, UINT64_C(0x100000000));
	assert_kx_err(kx_purgatory_place(p, &m.b, 0, UINT64_MAX, KX_HOLE_FIRST_FIT, 0),
		      KX_ERROR_OVERFLOW, "evil: relocation R_X86_64_32 at .text+0x");
	kx_purgatory_destroy(p);
	mock_builder_deinit(&m);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_two_bases),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_x86_64_phases),
		cmocka_unit_test(test_loongarch64_phases),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_overflow),
	};
	if (kx_purgatory_x86_64_blob_size == 0) {
		printf("1..0 # SKIP this build has no x86_64 purgatory\n");
		return 0;
	}
	KX_RUN_TESTS(tests);
}
