// SPDX-License-Identifier: GPL-2.0-only
// Tests for common/elf_core_header.c: byte checks, libelf cross-checks and
// round trips through the reader (common/elf_core.c).
#include "config.h"

#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "elf_core.h"
#include "elf_core_header.h"
#include "elf_test_builder.h"
#include "test_util.h"

static const struct kx_elf_core_header_note CRASH_NOTES[] = {
	{ 0x1f000000, 0x400 },   // cpu0 crash_notes
	{ 0x1f010000, 0x400 },   // cpu1 crash_notes
	{ 0x2000000, 0x1000 },   // vmcoreinfo
};

static const struct kx_elf_core_header_load CRASH_LOADS[] = {
	{ 0x200000, 0x9000000000200000, 0x1000000 },   // kernel text
	{ 0x0, 0x9000000000000000, 0x10000000 },
	{ 0x90000000, 0x9000000090000000, 0x70000000 },
};

static void check_crash_ehdr(const uint8_t *b, uint16_t machine)
{
	assert_memory_equal(b, "\177ELF\2\1\1\0", 8);
	for (int i = 8; i < 16; i++)
		assert_int_equal(b[i], 0);   // ELFOSABI_NONE, ABI version, padding
	assert_int_equal(elf_tb_get(b + 16, 2), ET_CORE);
	assert_int_equal(elf_tb_get(b + 18, 2), machine);
	assert_int_equal(elf_tb_get(b + 20, 4), EV_CURRENT);
	assert_int_equal(elf_tb_get(b + 24, 8), 0);      // e_entry
	assert_int_equal(elf_tb_get(b + 32, 8), 64);     // e_phoff
	assert_int_equal(elf_tb_get(b + 40, 8), 0);      // e_shoff
	assert_int_equal(elf_tb_get(b + 48, 4), 0);      // e_flags
	assert_int_equal(elf_tb_get(b + 52, 2), 64);
	assert_int_equal(elf_tb_get(b + 54, 2), 56);
	assert_int_equal(elf_tb_get(b + 56, 2), 6);
	assert_int_equal(elf_tb_get(b + 58, 6), 0);      // no sections
}

static void check_phdr(const uint8_t *p, uint32_t type, uint32_t flags, uint64_t offset,
		       uint64_t vaddr, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	assert_int_equal(elf_tb_get(p, 4), type);
	assert_int_equal(elf_tb_get(p + 4, 4), flags);
	assert_int_equal(elf_tb_get(p + 8, 8), offset);
	assert_int_equal(elf_tb_get(p + 16, 8), vaddr);
	assert_int_equal(elf_tb_get(p + 24, 8), paddr);
	assert_int_equal(elf_tb_get(p + 32, 8), filesz);
	assert_int_equal(elf_tb_get(p + 40, 8), memsz);
	assert_int_equal(elf_tb_get(p + 48, 8), 0);      // p_align
}

// Independent check through libelf's in-memory reader.
static void check_crash_with_libelf(uint8_t *buf, size_t size)
{
	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	Elf *elf = elf_memory((char *)buf, size);
	assert_non_null(elf);
	assert_int_equal(elf_kind(elf), ELF_K_ELF);
	GElf_Ehdr eh;
	assert_non_null(gelf_getehdr(elf, &eh));
	assert_int_equal(eh.e_type, ET_CORE);
	assert_int_equal(eh.e_machine, KX_ELF_MACHINE_LOONGARCH);
	size_t phnum;
	assert_int_equal(elf_getphdrnum(elf, &phnum), 0);
	assert_int_equal(phnum, 6);
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		assert_non_null(gelf_getphdr(elf, (int)i, &ph));
		if (i < 3) {
			assert_int_equal(ph.p_type, PT_NOTE);
			assert_int_equal(ph.p_paddr, CRASH_NOTES[i].paddr);
			assert_int_equal(ph.p_memsz, CRASH_NOTES[i].size);
		} else {
			assert_int_equal(ph.p_type, PT_LOAD);
			assert_int_equal(ph.p_vaddr, CRASH_LOADS[i - 3].vaddr);
			assert_int_equal(ph.p_filesz, CRASH_LOADS[i - 3].size);
		}
	}
	elf_end(elf);
}

static void test_crash_header(void **state)
{
	(void)state;
	void *out = NULL;
	size_t size = 0;
	assert_kx_ok(kx_elf_core_header_build_crash(KX_ELF_MACHINE_LOONGARCH, CRASH_NOTES, 3,
						    CRASH_LOADS, 3, &out, &size));
	uint8_t *b = out;
	assert_int_equal(size, 1024);   // 64 + 6 * 56 = 400, rounded up to 1 KiB
	check_crash_ehdr(b, KX_ELF_MACHINE_LOONGARCH);
	for (size_t i = 0; i < 3; i++)
		check_phdr(b + 64 + 56 * i, PT_NOTE, 0, CRASH_NOTES[i].paddr, 0,
			   CRASH_NOTES[i].paddr, CRASH_NOTES[i].size, CRASH_NOTES[i].size);
	for (size_t i = 0; i < 3; i++) {
		const struct kx_elf_core_header_load *l = &CRASH_LOADS[i];
		check_phdr(b + 64 + 56 * (3 + i), PT_LOAD, PF_R | PF_W | PF_X, l->paddr,
			   l->vaddr, l->paddr, l->size, l->size);
	}
	for (size_t i = 400; i < size; i++)
		assert_int_equal(b[i], 0);
	check_crash_with_libelf(b, size);
	free(out);
}

static void test_crash_header_x86_64_sizes(void **state)
{
	(void)state;
	// 17 phdrs: 64 + 17 * 56 = 1016 -> 1024; 18: 1072 -> 2048.
	struct kx_elf_core_header_load loads[15];
	for (size_t i = 0; i < 15; i++)
		loads[i] = (struct kx_elf_core_header_load){
			i << 30, 0xffff888000000000 + (i << 30), 1 << 20 };
	void *out;
	size_t size;
	assert_kx_ok(kx_elf_core_header_build_crash(KX_ELF_MACHINE_X86_64, CRASH_NOTES, 2,
						    loads, 15, &out, &size));
	assert_int_equal(size, 1024);
	assert_int_equal(elf_tb_get((uint8_t *)out + 18, 2), 62);
	free(out);
	assert_kx_ok(kx_elf_core_header_build_crash(KX_ELF_MACHINE_X86_64, CRASH_NOTES, 3,
						    loads, 15, &out, &size));
	assert_int_equal(size, 2048);
	free(out);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	void *out = (void *)&out;
	size_t size = 7;
	struct kx_elf_core_header_phdr ph = kx_elf_core_header_crash_note(0x1000, 0x400);
	assert_kx_err(kx_elf_core_header_build(40, 0, &ph, 1, 1, &out, &size),
		      KX_ERROR_INVALID_ARG, "unsupported machine 40");
	assert_kx_err(kx_elf_core_header_build(62, 0, &ph, 1, 0, &out, &size),
		      KX_ERROR_INVALID_ARG, "alignment 0 is not a power of two");
	assert_kx_err(kx_elf_core_header_build(62, 0, &ph, 1, 1000, &out, &size),
		      KX_ERROR_INVALID_ARG, "alignment 1000");
	assert_kx_err(kx_elf_core_header_build(62, 0, &ph, 1, SIZE_MAX, &out, &size),
		      KX_ERROR_INVALID_ARG, "not a power of two");
	assert_kx_err(kx_elf_core_header_build(62, 0, &ph, 1, 2 << 20, &out, &size),
		      KX_ERROR_INVALID_ARG, "up to 1048576");
	const struct kx_elf_core_header_load empty = { 0x1000, 0, 0 };
	assert_kx_err(kx_elf_core_header_build_crash(62, CRASH_NOTES, 1, &empty, 1,
						     &out, &size),
		      KX_ERROR_INVALID_ARG, "memory range 0 is empty or wraps");
	const struct kx_elf_core_header_note wrap = { UINT64_MAX - 10, 12 };
	assert_kx_err(kx_elf_core_header_build_crash(62, &wrap, 1, NULL, 0, &out, &size),
		      KX_ERROR_INVALID_ARG, "note 0 is empty or wraps");
	assert_ptr_equal(out, (void *)&out);   // untouched on failure
	assert_int_equal(size, 7);
	size_t hs;
	assert_kx_err(kx_elf_core_header_size((size_t)UINT32_MAX + 1, &hs),
		      KX_ERROR_OVERFLOW, "too many program headers");
	assert_kx_ok(kx_elf_core_header_size(3, &hs));
	assert_int_equal(hs, 64 + 3 * 56);
	assert_kx_ok(kx_elf_core_header_size(0xffff, &hs));
	assert_int_equal(hs, 64 + 0xffff * 56 + 64);
}

// ---- round trip: header + notes + page data -> file -> reader ------------

static const char VMCI[] = "OSRELEASE=6.12.0\nPAGESIZE=4096\n";

struct rt_load {
	uint64_t paddr, vaddr, filesz, memsz;
};

static const struct rt_load RT_LOADS[] = {
	{ 0x1000, 0xffff888000001000, 0x2000, 0x2000 },
	{ 0x100000, 0xffff888000100000, 0x800, 0x4000 },   // excluded tail
	{ 0x9fc00, 0xffff88800009fc00, 0x400, 0x400 },     // partial page
	{ 0x200000, 0xffff888000200000, 0, 0x100000 },     // nothing in the file
};

// makedumpfile -E style: PT_NOTE first, then PT_LOADs, notes right after
// the header, data right after the notes, no page alignment.
static size_t rt_notes(struct elf_tb *tb, size_t off)
{
	uint8_t pr[336];
	size_t n = 0;
	for (int cpu = 0; cpu < 2; cpu++) {
		memset(pr, 0x10 + cpu, sizeof(pr));
		n += elf_tb_note(tb, off + n, "CORE", 1, pr, sizeof(pr));
	}
	return n + elf_tb_note(tb, off + n, "VMCOREINFO", 0, VMCI, sizeof(VMCI) - 1);
}

static void rt_build(struct elf_tb *tb, struct kx_elf_core_header_phdr *ph,
		     uint16_t machine)
{
	size_t nph = 1 + KX_ARRAY_SIZE(RT_LOADS), hsize;
	assert_kx_ok(kx_elf_core_header_size(nph, &hsize));
	size_t notes = rt_notes(tb, hsize);
	ph[0] = (struct kx_elf_core_header_phdr){ .type = PT_NOTE, .offset = hsize,
						  .filesz = notes };
	uint64_t off = hsize + notes;
	for (size_t i = 0; i < KX_ARRAY_SIZE(RT_LOADS); i++) {
		const struct rt_load *l = &RT_LOADS[i];
		ph[1 + i] = (struct kx_elf_core_header_phdr){
			.type = PT_LOAD, .flags = PF_R | PF_W | PF_X,
			.offset = l->filesz ? off : 0, .vaddr = l->vaddr,
			.paddr = l->paddr, .filesz = l->filesz, .memsz = l->memsz,
		};
		elf_tb_fill(tb, off, l->paddr, l->filesz);
		off += l->filesz;
	}
	void *hdr;
	size_t size;
	assert_kx_ok(kx_elf_core_header_build(machine, 1, ph, nph, 1, &hdr, &size));
	assert_int_equal(size, hsize);
	elf_tb_reserve(tb, size);
	memcpy(tb->buf, hdr, size);
	free(hdr);
}

static void rt_check(const struct kx_elf_core *core,
		     const struct kx_elf_core_header_phdr *ph)
{
	size_t n;
	const struct kx_elf_core_load *l = kx_elf_core_loads(core, &n);
	assert_int_equal(n, KX_ARRAY_SIZE(RT_LOADS));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l[i].paddr, ph[1 + i].paddr);
		assert_int_equal(l[i].vaddr, ph[1 + i].vaddr);
		assert_int_equal(l[i].offset, ph[1 + i].offset);
		assert_int_equal(l[i].filesz, ph[1 + i].filesz);
		assert_int_equal(l[i].memsz, ph[1 + i].memsz);
		assert_int_equal(l[i].flags, ph[1 + i].flags);
		assert_int_equal(l[i].phdr_index, 1 + i);
	}
	const struct kx_elf_core_note_segment *s = kx_elf_core_note_segments(core, &n);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].offset, ph[0].offset);
	assert_int_equal(s[0].filesz, ph[0].filesz);
	assert_int_equal(s[0].size, ph[0].filesz);
	const char *text;
	assert_kx_ok(kx_elf_core_vmcoreinfo(core, &text, NULL));
	assert_string_equal(text, VMCI);
	assert_int_equal(kx_elf_core_num_prstatus(core), 2);
	assert_int_equal(kx_elf_core_prstatus(core, 1)->desc[335], 0x11);
}

static void rt_check_data(const struct kx_elf_core *core)
{
	for (size_t i = 0; i < KX_ARRAY_SIZE(RT_LOADS); i++) {
		const struct rt_load *l = &RT_LOADS[i];
		uint8_t buf[0x2000];
		assert_kx_ok(kx_elf_core_read_paddr(core, l->paddr, buf, l->filesz));
		for (size_t j = 0; j < l->filesz; j++)
			assert_int_equal(buf[j], elf_tb_byte(l->paddr + j));
		if (l->memsz > l->filesz)
			assert_kx_err(kx_elf_core_read_paddr(core, l->paddr + l->filesz, buf, 1),
				      KX_ERROR_NODATA, "zero-filled");
	}
}

static void run_round_trip(uint16_t machine)
{
	struct elf_tb tb = { 0 };
	struct kx_elf_core_header_phdr ph[1 + KX_ARRAY_SIZE(RT_LOADS)];
	rt_build(&tb, ph, machine);
	char *path = elf_tb_write(&tb);
	struct kx_elf_core *core;
	assert_kx_ok(kx_elf_core_open(path, &core));
	assert_int_equal(kx_elf_core_machine(core), machine);
	assert_int_equal(elf_tb_get(tb.buf + 48, 4), 1);   // e_flags "incomplete"
	rt_check(core, ph);
	rt_check_data(core);
	kx_elf_core_destroy(core);
	elf_tb_unlink(path);
	elf_tb_free(&tb);
}

static void test_round_trip(void **state)
{
	(void)state;
	run_round_trip(KX_ELF_MACHINE_X86_64);
	run_round_trip(KX_ELF_MACHINE_LOONGARCH);
}

// More than 0xffff program headers: PN_XNUM with section header 0.
static void test_round_trip_pn_xnum(void **state)
{
	(void)state;
	const size_t n = 70000, chunk = 16;
	struct kx_elf_core_header_phdr *ph = calloc(n, sizeof(*ph));
	assert_non_null(ph);
	size_t hsize;
	assert_kx_ok(kx_elf_core_header_size(n, &hsize));
	struct elf_tb tb = { 0 };
	for (size_t i = 0; i < n; i++) {
		uint64_t paddr = (uint64_t)(n - 1 - i) * 4096;   // descending order
		ph[i] = (struct kx_elf_core_header_phdr){
			.type = PT_LOAD, .offset = hsize + i * chunk, .paddr = paddr,
			.filesz = chunk, .memsz = 4096, .align = 4096,
		};
		elf_tb_fill(&tb, hsize + i * chunk, paddr, chunk);
	}
	void *hdr;
	size_t size;
	assert_kx_ok(kx_elf_core_header_build(KX_ELF_MACHINE_LOONGARCH, 0, ph, n, 1024,
					      &hdr, &size));
	assert_int_equal(size, (hsize + 1023) / 1024 * 1024);
	assert_int_equal(elf_tb_get((uint8_t *)hdr + 56, 2), 0xffff);
	memcpy(tb.buf, hdr, hsize);
	free(hdr);
	char *path = elf_tb_write(&tb);
	struct kx_elf_core *core;
	assert_kx_ok(kx_elf_core_open(path, &core));
	size_t count;
	const struct kx_elf_core_load *l = kx_elf_core_loads(core, &count);
	assert_int_equal(count, n);
	assert_int_equal(l[n - 1].paddr, 0);
	assert_int_equal(l[n - 1].offset, hsize + (n - 1) * chunk);
	uint64_t off, avail;
	assert_kx_ok(kx_elf_core_paddr_to_offset(core, 5 * 4096 + 3, &off, &avail));
	assert_int_equal(off, hsize + (n - 1 - 5) * chunk + 3);
	assert_int_equal(avail, chunk - 3);
	assert_kx_err(kx_elf_core_paddr_to_offset(core, 5 * 4096 + chunk, &off, &avail),
		      KX_ERROR_NODATA, "PT_LOAD 69994");
	kx_elf_core_destroy(core);
	elf_tb_unlink(path);
	elf_tb_free(&tb);
	free(ph);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_header),
		cmocka_unit_test(test_crash_header_x86_64_sizes),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_pn_xnum),
	};
	KX_RUN_TESTS(tests);
}
