// SPDX-License-Identifier: GPL-2.0-only
// Tests for common/elf_core.c against synthetic cores built byte by byte.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "elf_core.h"
#include "elf_test_builder.h"
#include "test_util.h"

enum { EM_X86 = 62, EM_LA = 258, PT_LOAD_ = 1, PT_NOTE_ = 4 };

static const char VMCOREINFO_TEXT[] = "OSRELEASE=6.6.0\nPAGESIZE=16384\nCRASHTIME=1\n";

// The standard core: 7 program headers at @phoff, in this order:
//   0 PT_NOTE A: PRSTATUS cpu0, VMCOREINFO, then zero padding
//   1 PT_LOAD paddr 0x10000, 0x3000 bytes
//   2 PT_LOAD paddr 0x1800 (partial first page), 0x2800 bytes
//   3 PT_NOTE B: PRSTATUS cpu1, "QEMU" note, zero padding
//   4 PT_LOAD paddr 0x4000, filesz 0x1000, memsz 0x3000 (zero tail)
//   5 PT_LOAD paddr 0x100000000, 0x1234 bytes (partial last page)
//   6 PT_GNU_STACK-like type, ignored
struct std_core {
	uint64_t load_off[4];  // file offsets of the PT_LOAD data, phdr order
	uint64_t note_off[2];
	uint64_t note_size[2];
	uint8_t prstatus[2][336];
};

static const uint64_t STD_PADDR[4] = { 0x10000, 0x1800, 0x4000, 0x100000000 };
static const uint64_t STD_FILESZ[4] = { 0x3000, 0x2800, 0x1000, 0x1234 };
static const uint64_t STD_MEMSZ[4] = { 0x3000, 0x2800, 0x3000, 0x1234 };
static const size_t STD_LOAD_PHDR[4] = { 1, 2, 4, 5 };

static size_t build_notes(struct elf_tb *tb, struct std_core *sc, int seg, size_t off)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(sc->prstatus[seg]); i++)
		sc->prstatus[seg][i] = (uint8_t)(0x40 * seg + i);
	n += elf_tb_note(tb, off + n, "CORE", 1, sc->prstatus[seg], 336);
	if (seg == 0)
		n += elf_tb_note(tb, off + n, "VMCOREINFO", 0, VMCOREINFO_TEXT,
				 sizeof(VMCOREINFO_TEXT) - 1);
	else
		n += elf_tb_note(tb, off + n, "QEMU", 0, "12345678", 8);
	return n;
}

static char *build_std(uint16_t machine, uint64_t phoff, struct std_core *sc)
{
	struct elf_tb tb = { 0 };
	elf_tb_ehdr(&tb, machine, phoff, 7);
	size_t off = 0x800;
	for (int s = 0; s < 2; s++) {
		sc->note_off[s] = off;
		sc->note_size[s] = build_notes(&tb, sc, s, off);
		off += 0x400;  // real notes are followed by zero padding
		elf_tb_reserve(&tb, off);
		elf_tb_phdr(&tb, phoff, s ? 3 : 0, PT_NOTE_, sc->note_off[s], 0, 0, 0x400, 0x400);
	}
	for (int i = 0; i < 4; i++) {
		sc->load_off[i] = off + 0x10 * (uint64_t)i;  // not page aligned on purpose
		elf_tb_fill(&tb, sc->load_off[i], STD_PADDR[i], STD_FILESZ[i]);
		elf_tb_phdr(&tb, phoff, STD_LOAD_PHDR[i], PT_LOAD_, sc->load_off[i],
			    0xffff800000000000 + STD_PADDR[i], STD_PADDR[i],
			    STD_FILESZ[i], STD_MEMSZ[i]);
		off = sc->load_off[i] + STD_FILESZ[i];
	}
	elf_tb_phdr(&tb, phoff, 6, 0x6474e551, 0, 0, 0, 0, 0);
	char *path = elf_tb_write(&tb);
	elf_tb_free(&tb);
	return path;
}

static void check_std_headers(const struct kx_elf_core *core, uint16_t machine,
			      const struct std_core *sc)
{
	assert_int_equal(kx_elf_core_machine(core), machine);
	size_t n;
	const struct kx_elf_core_load *l = kx_elf_core_loads(core, &n);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(l[i].paddr, STD_PADDR[i]);
		assert_int_equal(l[i].vaddr, 0xffff800000000000 + STD_PADDR[i]);
		assert_int_equal(l[i].offset, sc->load_off[i]);
		assert_int_equal(l[i].filesz, STD_FILESZ[i]);
		assert_int_equal(l[i].memsz, STD_MEMSZ[i]);
		assert_int_equal(l[i].flags, 7);
		assert_int_equal(l[i].phdr_index, STD_LOAD_PHDR[i]);
	}
	const struct kx_elf_core_note_segment *seg = kx_elf_core_note_segments(core, &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(seg[i].phdr_index, i ? 3 : 0);
		assert_int_equal(seg[i].offset, sc->note_off[i]);
		assert_int_equal(seg[i].filesz, 0x400);
		assert_int_equal(seg[i].size, sc->note_size[i]);
	}
}

static void check_std_notes(const struct kx_elf_core *core, const struct std_core *sc)
{
	size_t n;
	const struct kx_elf_core_note *notes = kx_elf_core_notes(core, &n);
	assert_int_equal(n, 4);
	assert_true(kx_elf_core_note_name_is(&notes[1], "VMCOREINFO"));
	assert_false(kx_elf_core_note_name_is(&notes[1], "VMCOREINF"));
	assert_true(kx_elf_core_note_name_is(&notes[3], "QEMU"));
	assert_int_equal(notes[3].segment, 1);
	assert_int_equal(notes[3].descsz, 8);
	assert_memory_equal(notes[3].desc, "12345678", 8);
	assert_int_equal(notes[0].offset, sc->note_off[0]);
	assert_int_equal(notes[0].desc_offset, sc->note_off[0] + 12 + 8);
	assert_int_equal(notes[1].desc_offset, sc->note_off[0] + 12 + 8 + 336 + 12 + 12);

	const char *text;
	size_t size;
	assert_kx_ok(kx_elf_core_vmcoreinfo(core, &text, &size));
	assert_string_equal(text, VMCOREINFO_TEXT);
	assert_int_equal(size, strlen(VMCOREINFO_TEXT));

	assert_int_equal(kx_elf_core_num_prstatus(core), 2);
	for (size_t cpu = 0; cpu < 2; cpu++) {
		const struct kx_elf_core_note *pr = kx_elf_core_prstatus(core, cpu);
		assert_non_null(pr);
		assert_int_equal(pr->type, 1);
		assert_int_equal(pr->descsz, 336);
		assert_memory_equal(pr->desc, sc->prstatus[cpu], 336);
	}
	assert_null(kx_elf_core_prstatus(core, 2));
}

static void expect_offset(const struct kx_elf_core *core, uint64_t paddr,
			  uint64_t offset, uint64_t avail)
{
	uint64_t o = 0, a = 0;
	assert_kx_ok(kx_elf_core_paddr_to_offset(core, paddr, &o, &a));
	assert_int_equal(o, offset);
	assert_int_equal(a, avail);
}

static void expect_fault(const struct kx_elf_core *core, uint64_t paddr)
{
	uint64_t o = 42, a = 43;
	struct kx_error *err = kx_elf_core_paddr_to_offset(core, paddr, &o, &a);
	assert_non_null(err);
	assert_int_equal(err->address, paddr);
	assert_kx_err(err, KX_ERROR_FAULT, "is not in any PT_LOAD");
	assert_int_equal(o, 42);  // untouched on failure
	assert_int_equal(a, 43);
}

static void expect_nodata(const struct kx_elf_core *core, uint64_t paddr)
{
	uint64_t o = 42, a = 43;
	assert_kx_err(kx_elf_core_paddr_to_offset(core, paddr, &o, &a), KX_ERROR_NODATA,
		      "zero-filled tail of PT_LOAD 4");
	assert_int_equal(o, 42);
}

static void check_std_lookups(const struct kx_elf_core *core, const struct std_core *sc)
{
	expect_offset(core, 0x1800, sc->load_off[1], 0x2800);
	expect_offset(core, 0x3fff, sc->load_off[1] + 0x27ff, 1);
	expect_offset(core, 0x4000, sc->load_off[2], 0x1000);
	expect_offset(core, 0x12345, sc->load_off[0] + 0x2345, 0xcbb);
	expect_offset(core, 0x100001233, sc->load_off[3] + 0x1233, 1);
	expect_nodata(core, 0x5000);
	expect_nodata(core, 0x6fff);
	expect_fault(core, 0);
	expect_fault(core, 0x17ff);
	expect_fault(core, 0x7000);
	expect_fault(core, 0xffff);
	expect_fault(core, 0x13000);
	expect_fault(core, 0x100001234);
	expect_fault(core, UINT64_MAX);

	struct kx_elf_core_extent ext;
	assert_kx_ok(kx_elf_core_paddr_extent(core, 0x5800, &ext));
	assert_false(ext.has_data);
	assert_int_equal(ext.size, 0x1800);
	assert_int_equal(ext.load, 2);
	assert_kx_ok(kx_elf_core_paddr_extent(core, 0x4800, &ext));
	assert_true(ext.has_data);
	assert_int_equal(ext.size, 0x800);
	assert_int_equal(ext.offset, sc->load_off[2] + 0x800);
}

static void expect_read(const struct kx_elf_core *core, uint64_t paddr, size_t size)
{
	uint8_t *buf = malloc(size), *want = malloc(size);
	assert_non_null(buf);
	assert_non_null(want);
	for (size_t i = 0; i < size; i++)
		want[i] = elf_tb_byte(paddr + i);
	assert_kx_ok(kx_elf_core_read_paddr(core, paddr, buf, size));
	assert_memory_equal(buf, want, size);
	free(buf);
	free(want);
}

static void check_std_reads(const struct kx_elf_core *core)
{
	expect_read(core, 0x1800, 0x3800);  // crosses from PT_LOAD 2 into PT_LOAD 4
	expect_read(core, 0x1fff, 2);
	expect_read(core, 0x10000, 0x3000);
	expect_read(core, 0x100000000, 0x1234);
	expect_read(core, 0x100001000, 0x234);
	uint8_t buf[0x200];
	assert_kx_err(kx_elf_core_read_paddr(core, 0x4f00, buf, sizeof(buf)),
		      KX_ERROR_NODATA, "physical address 0x5000");
	assert_kx_err(kx_elf_core_read_paddr(core, 0x12f00, buf, sizeof(buf)),
		      KX_ERROR_FAULT, "physical address 0x13000");
	assert_kx_ok(kx_elf_core_read_paddr(core, 0x12f00, buf, 0));
}

static void run_std(uint16_t machine, uint64_t phoff)
{
	struct std_core sc;
	char *path = build_std(machine, phoff, &sc);
	struct kx_elf_core *core = NULL;
	assert_kx_ok(kx_elf_core_open(path, &core));
	assert_string_equal(kx_elf_core_path(core), path);
	check_std_headers(core, machine, &sc);
	check_std_notes(core, &sc);
	check_std_lookups(core, &sc);
	check_std_reads(core);
	kx_elf_core_destroy(core);
	elf_tb_unlink(path);
}

static void test_x86_64_phoff_64(void **state)
{
	(void)state;
	run_std(EM_X86, 64);
}

static void test_loongarch_phoff_192(void **state)
{
	(void)state;
	run_std(EM_LA, 192);  // where QEMU's dump-guest-memory puts them
}

static void test_x86_64_phoff_192_loongarch_64(void **state)
{
	(void)state;
	run_std(EM_X86, 192);
	run_std(EM_LA, 64);
}

static void test_borrowed_fd(void **state)
{
	(void)state;
	struct std_core sc;
	char *path = build_std(EM_X86, 64, &sc);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct kx_elf_core *core;
	assert_kx_ok(kx_elf_core_create(fd, NULL, &core));
	assert_string_equal(kx_elf_core_path(core), "ELF core");
	assert_int_equal(kx_elf_core_fd(core), fd);
	kx_elf_core_destroy(core);
	assert_int_equal(fcntl(fd, F_GETFD), 0);  // still open
	close(fd);
	kx_elf_core_destroy(NULL);
	elf_tb_unlink(path);
}

// Overlapping PT_LOADs: text (0x2000+0x1000) and RAM (0 + 0x8000, memsz
// 0x10000) and a range inside RAM's zero tail (0x9000 + 0x1000).
static char *build_overlap(bool text_first, uint64_t off[3])
{
	static const uint64_t paddr[3] = { 0x2000, 0, 0x9000 };
	static const uint64_t filesz[3] = { 0x1000, 0x8000, 0x1000 };
	static const uint64_t memsz[3] = { 0x1000, 0x10000, 0x1000 };
	struct elf_tb tb = { 0 };
	elf_tb_ehdr(&tb, EM_X86, 64, 3);
	uint64_t pos = 0x1000;
	for (size_t i = 0; i < 3; i++) {
		size_t slot = (i < 2 && !text_first) ? 1 - i : i;
		off[i] = pos;
		elf_tb_fill(&tb, pos, paddr[i], filesz[i]);
		elf_tb_phdr(&tb, 64, slot, PT_LOAD_, pos, 0, paddr[i], filesz[i], memsz[i]);
		pos += filesz[i];
	}
	char *path = elf_tb_write(&tb);
	elf_tb_free(&tb);
	return path;
}

static void test_overlapping_loads(void **state)
{
	(void)state;
	uint64_t off[3];
	struct kx_elf_core *core;
	char *path = build_overlap(true, off);
	assert_kx_ok(kx_elf_core_open(path, &core));
	expect_offset(core, 0x1000, off[1] + 0x1000, 0x1000);  // RAM up to text
	expect_offset(core, 0x2000, off[0], 0x1000);           // text is first
	expect_offset(core, 0x3000, off[1] + 0x3000, 0x5000);
	expect_offset(core, 0x9000, off[2], 0x1000);           // data beats zero tail
	assert_kx_err(kx_elf_core_paddr_to_offset(core, 0x8000, &off[0], &off[0]),
		      KX_ERROR_NODATA, "PT_LOAD 1");
	assert_kx_err(kx_elf_core_paddr_to_offset(core, 0xa000, &off[0], &off[0]),
		      KX_ERROR_NODATA, "PT_LOAD 1");
	expect_fault(core, 0x10000);
	expect_read(core, 0, 0x8000);
	kx_elf_core_destroy(core);
	elf_tb_unlink(path);

	path = build_overlap(false, off);
	assert_kx_ok(kx_elf_core_open(path, &core));
	expect_offset(core, 0x1000, off[1] + 0x1000, 0x7000);  // RAM is first now
	expect_offset(core, 0x2000, off[1] + 0x2000, 0x6000);
	expect_offset(core, 0x9000, off[2], 0x1000);
	kx_elf_core_destroy(core);
	elf_tb_unlink(path);
}

// Many random overlapping PT_LOADs, checked against a brute-force model of
// the documented rule: the lowest program header with file data at an
// address wins; failing that, the lowest one whose zero-filled tail covers
// it (NODATA); else FAULT.
enum { RND_LOADS = 48, RND_UNIT = 16, RND_UNITS = 1024 };

struct rnd_model {
	uint64_t paddr[RND_LOADS], filesz[RND_LOADS], memsz[RND_LOADS], off[RND_LOADS];
	int owner[RND_UNITS];  // load index, RND_LOADS + index for a tail, -1 none
};

static uint32_t rnd_next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static char *build_random(struct rnd_model *m, uint32_t seed)
{
	struct elf_tb tb = { 0 };
	elf_tb_ehdr(&tb, EM_LA, 64, RND_LOADS);
	uint64_t pos = 0x1000;
	for (int i = 0; i < RND_LOADS; i++) {
		m->paddr[i] = rnd_next(&seed) % (RND_UNITS - 64) * RND_UNIT;
		m->memsz[i] = (1 + rnd_next(&seed) % 64) * RND_UNIT;
		m->filesz[i] = rnd_next(&seed) % (m->memsz[i] / RND_UNIT + 1) * RND_UNIT;
		m->off[i] = pos;
		elf_tb_fill(&tb, pos, m->paddr[i], m->filesz[i]);
		elf_tb_phdr(&tb, 64, (size_t)i, PT_LOAD_, pos, 0, m->paddr[i], m->filesz[i],
			    m->memsz[i]);
		pos += m->filesz[i] + 3;
	}
	for (int u = 0; u < RND_UNITS; u++) {
		uint64_t a = (uint64_t)u * RND_UNIT;
		m->owner[u] = -1;
		for (int i = RND_LOADS - 1; i >= 0; i--) {
			if (a >= m->paddr[i] && a < m->paddr[i] + m->filesz[i])
				m->owner[u] = i;
			else if (a >= m->paddr[i] + m->filesz[i] && a < m->paddr[i] + m->memsz[i] &&
				 (m->owner[u] < 0 || m->owner[u] >= RND_LOADS))
				m->owner[u] = RND_LOADS + i;
		}
	}
	char *path = elf_tb_write(&tb);
	elf_tb_free(&tb);
	return path;
}

static void check_random_addr(const struct kx_elf_core *core, const struct rnd_model *m,
			      uint64_t a)
{
	int u = (int)(a / RND_UNIT), o = m->owner[u];
	uint64_t run = 0;
	for (int v = u; v < RND_UNITS && m->owner[v] == o; v++)
		run += RND_UNIT;
	struct kx_elf_core_extent ext;
	struct kx_error *err = kx_elf_core_paddr_extent(core, a, &ext);
	if (o < 0) {
		assert_kx_err(err, KX_ERROR_FAULT, "not in any PT_LOAD");
		return;
	}
	assert_kx_ok(err);
	assert_int_equal(ext.has_data, o < RND_LOADS);
	assert_int_equal(ext.size, run - a % RND_UNIT);
	if (o < RND_LOADS) {
		assert_int_equal(ext.load, o);
		assert_int_equal(ext.offset, m->off[o] + a - m->paddr[o]);
	} else {
		assert_int_equal(ext.load, o - RND_LOADS);
	}
}

static void test_random_overlaps(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 20; seed++) {
		struct rnd_model m;
		char *path = build_random(&m, seed);
		struct kx_elf_core *core;
		assert_kx_ok(kx_elf_core_open(path, &core));
		for (uint64_t a = 0; a < (uint64_t)RND_UNITS * RND_UNIT; a += 5)
			check_random_addr(core, &m, a);
		kx_elf_core_destroy(core);
		elf_tb_unlink(path);
	}
}

// PN_XNUM: e_phnum 0xffff, the real count (2) in section header 0's sh_info.
static void test_pn_xnum(void **state)
{
	(void)state;
	struct elf_tb tb = { 0 };
	elf_tb_ehdr(&tb, EM_LA, 0x100, 0xffff);
	elf_tb_put(&tb, 40, 0x40, 8);   // e_shoff
	elf_tb_put(&tb, 58, 64, 2);     // e_shentsize
	elf_tb_put(&tb, 60, 1, 2);      // e_shnum
	elf_tb_put(&tb, 0x40 + 32, 1, 8);  // sh_size
	elf_tb_put(&tb, 0x40 + 44, 2, 4);  // sh_info
	elf_tb_phdr(&tb, 0x100, 0, PT_LOAD_, 0x200, 0, 0x1000, 0x100, 0x100);
	elf_tb_phdr(&tb, 0x100, 1, PT_LOAD_, 0x300, 0, 0x1100, 0x100, 0x100);
	elf_tb_fill(&tb, 0x200, 0x1000, 0x200);
	char *path = elf_tb_write(&tb);
	struct kx_elf_core *core;
	assert_kx_ok(kx_elf_core_open(path, &core));
	size_t n;
	kx_elf_core_loads(core, &n);
	assert_int_equal(n, 2);
	expect_read(core, 0x1000, 0x200);
	assert_kx_err(kx_elf_core_vmcoreinfo(core, &(const char *){ NULL }, NULL),
		      KX_ERROR_NOT_FOUND, "no VMCOREINFO note");
	kx_elf_core_destroy(core);
	elf_tb_unlink(path);

	// Same, but without the section header to carry the count.
	elf_tb_put(&tb, 40, 0, 8);
	elf_tb_put(&tb, 60, 0, 2);
	path = elf_tb_write(&tb);
	core = NULL;
	struct kx_error *err = kx_elf_core_open(path, &core);
	assert_null(core);
	assert_non_null(err);
	assert_non_null(strstr(err->message, path));
	assert_kx_err(err, KX_ERROR_CORRUPT, "PN_XNUM");
	elf_tb_unlink(path);
	elf_tb_free(&tb);
}

// A last note whose descriptor ends the segment without padding, and a
// segment with a few bytes of zero padding (less than a note header).
static void test_note_edges(void **state)
{
	(void)state;
	struct elf_tb tb = { 0 };
	elf_tb_ehdr(&tb, EM_X86, 64, 2);
	size_t n = elf_tb_note(&tb, 0x100, "VMCOREINFO", 0, "A=1\0\0", 5);
	elf_tb_phdr(&tb, 64, 0, PT_NOTE_, 0x100, 0, 0, n - 3, 0);
	size_t m = elf_tb_note(&tb, 0x200, "CORE", 1, "xyzw", 4);
	elf_tb_phdr(&tb, 64, 1, PT_NOTE_, 0x200, 0, 0, m + 8, 0);
	elf_tb_reserve(&tb, 0x200 + m + 8);
	char *path = elf_tb_write(&tb);
	struct kx_elf_core *core;
	assert_kx_ok(kx_elf_core_open(path, &core));
	const char *text;
	size_t size;
	assert_kx_ok(kx_elf_core_vmcoreinfo(core, &text, &size));
	assert_string_equal(text, "A=1");
	assert_int_equal(size, 3);
	assert_int_equal(kx_elf_core_num_prstatus(core), 1);
	size_t count;
	const struct kx_elf_core_note_segment *s = kx_elf_core_note_segments(core, &count);
	assert_int_equal(s[0].size, n - 3);
	assert_int_equal(s[1].size, m);
	assert_null(kx_elf_core_loads(core, &count));
	assert_int_equal(count, 0);
	expect_fault(core, 0);
	kx_elf_core_destroy(core);
	elf_tb_unlink(path);
	elf_tb_free(&tb);
}

// ---- malformed input ----------------------------------------------------

// A small valid core: phdr 0 PT_NOTE (one CORE note), phdr 1 PT_LOAD.
static void build_small(struct elf_tb *tb)
{
	*tb = (struct elf_tb){ 0 };
	elf_tb_ehdr(tb, EM_X86, 64, 2);
	size_t n = elf_tb_note(tb, 0x100, "CORE", 1, "0123456789abcdef", 16);
	elf_tb_phdr(tb, 64, 0, PT_NOTE_, 0x100, 0, 0, n, 0);
	elf_tb_fill(tb, 0x200, 0x1000, 0x1000);
	elf_tb_phdr(tb, 64, 1, PT_LOAD_, 0x200, 0, 0x1000, 0x1000, 0x1000);
}

// Open @size bytes of @tb; expect @code with a message naming the file
// and containing @what. The out-parameter must stay untouched.
static void expect_bad_size(struct elf_tb *tb, size_t size, enum kx_error_code code,
			    const char *what)
{
	char *path = elf_tb_write_buf(tb->buf, size);
	struct kx_elf_core *core = (struct kx_elf_core *)tb;
	struct kx_error *err = kx_elf_core_open(path, &core);
	assert_ptr_equal(core, (struct kx_elf_core *)tb);
	assert_non_null(err);
	if (!strstr(err->message, path))
		print_error("message does not name the file: %s\n", err->message);
	assert_non_null(strstr(err->message, path));
	assert_kx_err(err, code, what);
	elf_tb_unlink(path);
}

static void expect_bad(struct elf_tb *tb, enum kx_error_code code, const char *what)
{
	expect_bad_size(tb, tb->size, code, what);
	elf_tb_free(tb);
}

static void test_bad_ident(void **state)
{
	(void)state;
	struct elf_tb tb;
	build_small(&tb);
	expect_bad_size(&tb, 0, KX_ERROR_CORRUPT, "too short for an ELF header (0 bytes)");
	expect_bad_size(&tb, 10, KX_ERROR_CORRUPT, "too short for an ELF header (10 bytes)");
	expect_bad_size(&tb, 63, KX_ERROR_CORRUPT, "too short");
	tb.buf[1] = 'X';
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "not an ELF file");
	tb.buf[1] = 'E';
	tb.buf[4] = 1;
	expect_bad_size(&tb, tb.size, KX_ERROR_UNSUPPORTED, "ELFCLASS32");
	tb.buf[4] = 9;
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "invalid ELF class 9");
	tb.buf[4] = 2;
	tb.buf[5] = 2;
	expect_bad_size(&tb, tb.size, KX_ERROR_UNSUPPORTED, "big-endian");
	tb.buf[5] = 0;
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "invalid ELF data encoding 0");
	tb.buf[5] = 1;
	tb.buf[6] = 0;
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "invalid ELF version 0");
	tb.buf[6] = 1;
	elf_tb_put(&tb, 16, 2, 2);
	expect_bad_size(&tb, tb.size, KX_ERROR_UNSUPPORTED, "not an ELF core file (e_type 2)");
	elf_tb_put(&tb, 16, 4, 2);
	elf_tb_put(&tb, 18, 40, 2);
	expect_bad(&tb, KX_ERROR_UNSUPPORTED, "unsupported ELF machine 40");
}

static void test_bad_phdr_table(void **state)
{
	(void)state;
	struct elf_tb tb;
	build_small(&tb);
	expect_bad_size(&tb, 64 + 56 + 20, KX_ERROR_CORRUPT,
			"program headers extend past end of file (e_phoff 0x40, 2 entries");
	elf_tb_put(&tb, 56, 0xfffe, 2);
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "program headers extend past end");
	elf_tb_put(&tb, 56, 0, 2);
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "no program headers");
	elf_tb_put(&tb, 56, 2, 2);
	elf_tb_put(&tb, 54, 32, 2);
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "e_phentsize is 32");
	elf_tb_put(&tb, 54, 56, 2);
	elf_tb_put(&tb, 32, UINT64_MAX - 8, 8);
	expect_bad(&tb, KX_ERROR_CORRUPT, "program headers extend past end");
}

static void test_bad_load(void **state)
{
	(void)state;
	const size_t ph = 64 + 56;
	struct elf_tb tb;
	build_small(&tb);
	expect_bad_size(&tb, 0x200 + 0xfff, KX_ERROR_CORRUPT,
			"PT_LOAD 1 extends past end of file (offset 0x200, size 0x1000, "
			"file size 0x11ff)");
	elf_tb_put(&tb, ph + 8, UINT64_MAX - 0x800, 8);  // p_offset wraps
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "PT_LOAD 1 extends past end of file");
	elf_tb_put(&tb, ph + 8, 0x200, 8);
	elf_tb_put(&tb, ph + 40, 0xfff, 8);  // p_memsz < p_filesz
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT,
			"PT_LOAD 1 has p_filesz 0x1000 larger than p_memsz 0xfff");
	elf_tb_put(&tb, ph + 40, 0x2000, 8);
	elf_tb_put(&tb, ph + 24, UINT64_MAX - 0x1000, 8);  // paddr + memsz wraps
	expect_bad(&tb, KX_ERROR_CORRUPT, "PT_LOAD 1 wraps around the physical address space");
}

static void test_bad_notes(void **state)
{
	(void)state;
	struct elf_tb tb;
	build_small(&tb);
	elf_tb_put(&tb, 64 + 32, 0x10000, 8);
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "PT_NOTE 0 extends past end of file");
	elf_tb_put(&tb, 64 + 32, 36, 8);
	elf_tb_put(&tb, 0x100, 0x1000, 4);  // namesz
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT,
			"note at offset 0x100 in PT_NOTE 0: namesz 4096 overflows");
	elf_tb_put(&tb, 0x100, UINT32_MAX, 4);
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "namesz 4294967295 overflows");
	elf_tb_put(&tb, 0x100, 5, 4);
	elf_tb_put(&tb, 0x104, 17, 4);  // descsz one past the segment
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "descsz 17 overflows the segment");
	elf_tb_put(&tb, 0x104, UINT32_MAX, 4);
	expect_bad_size(&tb, tb.size, KX_ERROR_CORRUPT, "descsz 4294967295 overflows");
	elf_tb_put(&tb, 0x104, 16, 4);
	elf_tb_put(&tb, 64 + 32, 36 + 5, 8);  // 5 trailing non-zero bytes
	elf_tb_put(&tb, 0x100 + 36, 0x55, 1);
	expect_bad(&tb, KX_ERROR_CORRUPT, "PT_NOTE 0: truncated note header at offset 0x124");
}

static void test_note_size_cap(void **state)
{
	(void)state;
	struct elf_tb tb;
	build_small(&tb);
	const uint64_t big = (uint64_t)KX_ELF_CORE_MAX_NOTE_BYTES + 1;
	elf_tb_put(&tb, 64 + 32, big, 8);
	char *path = elf_tb_write(&tb);
	assert_int_equal(truncate(path, (off_t)(0x100 + big)), 0);  // sparse
	struct kx_elf_core *core;
	assert_kx_err(kx_elf_core_open(path, &core), KX_ERROR_OVERFLOW, "more than 64 MiB");
	elf_tb_unlink(path);
	elf_tb_free(&tb);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct kx_elf_core *core;
	struct kx_error *err = kx_elf_core_open("/nonexistent/vmcore", &core);
	assert_non_null(err);
	assert_int_equal(err->errnum, ENOENT);
	assert_kx_err(err, KX_ERROR_OS, "/nonexistent/vmcore: cannot open");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64_phoff_64),
		cmocka_unit_test(test_loongarch_phoff_192),
		cmocka_unit_test(test_x86_64_phoff_192_loongarch_64),
		cmocka_unit_test(test_borrowed_fd),
		cmocka_unit_test(test_overlapping_loads),
		cmocka_unit_test(test_random_overlaps),
		cmocka_unit_test(test_pn_xnum),
		cmocka_unit_test(test_note_edges),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_bad_phdr_table),
		cmocka_unit_test(test_bad_load),
		cmocka_unit_test(test_bad_notes),
		cmocka_unit_test(test_note_size_cap),
		cmocka_unit_test(test_missing_file),
	};
	KX_RUN_TESTS(tests);
}
