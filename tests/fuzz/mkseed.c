// SPDX-License-Identifier: GPL-2.0-only
// Seed inputs for the harnesses that need binary files (tests/fuzz/seeds.sh).
// Fuzz seeds must be small for the fuzzer to be fast, and nothing binary is
// committed, so they are made here from the generators' outputs:
//
//   mkseed vmcore IN OUT     a compact ELF vmcore: IN's ELF header, notes and
//                            only the pages vmcore-dmesg reads to print the
//                            log (a few KiB instead of the generator's MiBs)
//   mkseed diskdump METHOD OUT [full]   a 64-page kdump-compressed dump;
//                            uncompressed ("none"), only every 16th page
//                            holds text unless "full" (see dd_steps)
//   mkseed flatten IN OUT    IN as a makedumpfile -F stream, in 3 records
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "compress.h"
#include "dump_writer.h"
#include "elf_core.h"
#include "flattened.h"
#include "io.h"
#include "printk.h"
#include "vmcore_kmem.h"
#include "vmcoreinfo.h"

enum { PAGE = 4096, MAX_PAGES = 64, EHDR = 64, PHDR = 56 };

// The kernel pages (vaddr, page-aligned) the log reader touched.
struct touched {
	struct kx_vmcore_kmem *km;
	uint64_t page[MAX_PAGES];
	size_t count;
};

static void touch(struct touched *t, uint64_t vaddr)
{
	uint64_t p = vaddr & ~(uint64_t)(PAGE - 1);
	for (size_t i = 0; i < t->count; i++)
		if (t->page[i] == p)
			return;
	if (t->count < MAX_PAGES)
		t->page[t->count++] = p;
}

static struct kx_error *record_read(void *arg, uint64_t vaddr, void *buf, size_t size)
{
	struct touched *t = arg;
	for (uint64_t v = vaddr; size && v - vaddr < size; v = (v | (PAGE - 1)) + 1)
		touch(t, v);
	touch(t, vaddr + size - 1);
	return kx_vmcore_kmem_read(t->km, vaddr, buf, size);
}

static struct kx_error *ignore(void *arg, const struct kx_printk_record *rec)
{
	(void)arg;
	(void)rec;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

// Read the log once through a recording reader; t->km stays for copying.
static struct kx_error *find_pages(const struct kx_elf_core *core,
				   const struct kx_vmcoreinfo *vi, struct touched *t)
{
	KX_TRY(kx_vmcore_kmem_create(core, vi, &t->km));
	struct kx_kmem mem = { .read = record_read, .arg = t };
	KX_TRY(kx_printk_read(vi, &mem, ignore, NULL));
	qsort(t->page, t->count, sizeof(t->page[0]), cmp_u64);
	return NULL;
}

// The physical address behind @p vaddr per IN's PT_LOADs (0 when none).
static uint64_t paddr_of(const struct kx_elf_core *core, uint64_t vaddr)
{
	size_t n;
	const struct kx_elf_core_load *l = kx_elf_core_loads(core, &n);
	for (size_t i = 0; i < n; i++)
		if (vaddr >= l[i].vaddr && vaddr - l[i].vaddr < l[i].memsz)
			return l[i].paddr + (vaddr - l[i].vaddr);
	return 0;
}

static void put_phdr(uint8_t *p, uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr,
		     uint64_t size)
{
	kx_put_le32(p, type);
	kx_put_le32(p + 4, type == 1 ? 7 : 0);
	kx_put_le64(p + 8, off);
	kx_put_le64(p + 16, vaddr);
	kx_put_le64(p + 24, paddr);
	kx_put_le64(p + 32, size);
	kx_put_le64(p + 40, size);
	kx_put_le64(p + 48, type == 1 ? PAGE : 0);
}

static void put_ehdr(uint8_t *p, uint16_t machine, size_t phnum)
{
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	memcpy(p, ident, sizeof(ident));
	kx_put_le16(p + 16, 4); // ET_CORE
	kx_put_le16(p + 18, machine);
	kx_put_le32(p + 20, 1);
	kx_put_le64(p + 32, EHDR);
	kx_put_le16(p + 52, EHDR);
	kx_put_le16(p + 54, PHDR);
	kx_put_le16(p + 56, (uint16_t)phnum);
}

// ELF header, one PT_NOTE with IN's notes, one PT_LOAD per touched page.
static struct kx_error *write_compact(const struct kx_elf_core *core, struct touched *t,
				      uint8_t *out, size_t *ret_size)
{
	size_t nseg;
	const struct kx_elf_core_note_segment *seg = kx_elf_core_note_segments(core, &nseg);
	KX_CHECK(nseg >= 1 && seg[0].size <= 16 * PAGE, KX_ERROR_UNSUPPORTED, "notes too big");
	size_t phnum = 1 + t->count, at = EHDR + phnum * PHDR;
	put_ehdr(out, kx_elf_core_machine(core), phnum);
	put_phdr(out + EHDR, 4, at, 0, 0, seg[0].size);
	memcpy(out + at, seg[0].data, seg[0].size);
	at = (at + seg[0].size + PAGE - 1) & ~(size_t)(PAGE - 1);
	for (size_t i = 0; i < t->count; i++, at += PAGE) {
		uint64_t v = t->page[i];
		put_phdr(out + EHDR + (1 + i) * PHDR, 1, at, v, paddr_of(core, v), PAGE);
		KX_TRY(kx_vmcore_kmem_read(t->km, v, out + at, PAGE));
	}
	*ret_size = at;
	return NULL;
}

static struct kx_error *write_file(const char *path, const void *buf, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return kx_error_os(errno, path, "cannot create");
	struct kx_error *err = kx_io_write_full(fd, buf, size, path);
	if (close(fd) && !err)
		err = kx_error_os(errno, path, "closing");
	return err;
}

static struct kx_error *compact_vmcore(const char *in, const char *out)
{
	struct kx_elf_core *core;
	struct kx_vmcoreinfo *vi = NULL;
	struct touched t = { 0 };
	const char *text;
	size_t size = 0;
	uint8_t *buf = calloc(1, (size_t)(MAX_PAGES + 18) * PAGE);
	if (!buf)
		return &kx_enomem;
	KX_TRY(kx_elf_core_open(in, &core));
	struct kx_error *err = kx_elf_core_vmcoreinfo(core, &text, &size);
	if (!err)
		err = kx_vmcoreinfo_create(text, size, &vi);
	if (!err)
		err = find_pages(core, vi, &t);
	if (!err)
		err = write_compact(core, &t, buf, &size);
	if (!err)
		err = write_file(out, buf, size);
	kx_vmcore_kmem_destroy(t.km);
	kx_vmcoreinfo_destroy(vi);
	kx_elf_core_destroy(core);
	free(buf);
	return err;
}

// The small dump's pfns: holes, excluded, zero and text pages.
enum { DD_PAGES = 64 };
static bool dd_present(uint64_t pfn) { return pfn % 8 != 7; }
static bool dd_dumpable(uint64_t pfn) { return dd_present(pfn) && pfn % 4 != 2; }

static struct kx_error *dd_bitmap(struct kx_dump_writer *w, int which)
{
	uint8_t bits[DD_PAGES / 8] = { 0 };
	for (uint64_t pfn = 0; pfn < DD_PAGES; pfn++)
		if (which == 1 ? dd_present(pfn) : dd_dumpable(pfn))
			bits[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
	return kx_dump_writer_write_bitmap(w, which, 0, bits, sizeof(bits));
}

// @sparse: text only in every 16th pfn, zero pages between. Uncompressed,
// every stored page takes its whole 4 KiB, and 36 of them made a 150 KB
// seed whose bytes the diskdump reader never interprets: each mutation
// copied 150 KB to change page contents, and the seed set libFuzzer's
// -max_len for the harness. The flattened harness keeps the full one: its
// 76 KB records are the only ones longer than a 64 KiB copy chunk.
static struct kx_error *dd_steps(struct kx_dump_writer *w, bool sparse)
{
	uint8_t page[PAGE];
	KX_TRY(kx_dump_writer_write_headers(w));
	KX_TRY(dd_bitmap(w, 1));
	KX_TRY(dd_bitmap(w, 2));
	for (uint64_t pfn = 0; pfn < DD_PAGES; pfn++) {
		if (!dd_dumpable(pfn))
			continue;
		if (pfn % 5 == 0 || (sparse && pfn % 16 != 1)) {
			KX_TRY(kx_dump_writer_add_zero_page(w));
			continue;
		}
		for (size_t i = 0; i < PAGE; i++)
			page[i] = (uint8_t)('a' + (i / 32 + pfn) % 26);
		KX_TRY(kx_dump_writer_add_page(w, page));
	}
	return kx_dump_writer_finish(w);
}

// A VMCOREINFO note as the only note.
static size_t dd_notes(uint8_t *buf, uint64_t *ret_off, uint64_t *ret_size)
{
	static const char vmci[] = "OSRELEASE=6.1.0-fuzz\nPAGESIZE=4096\nCRASHTIME=1700000000\n";
	uint32_t len = sizeof(vmci) - 1;
	kx_put_le32(buf, 11);
	kx_put_le32(buf + 4, len);
	kx_put_le32(buf + 8, 0);
	memcpy(buf + 12, "VMCOREINFO\0", 12);
	memcpy(buf + 24, vmci, len);
	*ret_off = 24;
	*ret_size = len;
	return 24 + ((len + 3) & ~3u);
}

static struct kx_error *small_diskdump(const char *method, const char *out, bool full)
{
	static const enum kx_compress_method methods[] = {
		KX_COMPRESS_NONE, KX_COMPRESS_ZLIB, KX_COMPRESS_LZO, KX_COMPRESS_ZSTD
	};
	uint8_t notes[256] = { 0 };
	struct kx_dump_writer_params p = { .block_size = PAGE, .max_mapnr = DD_PAGES,
					   .notes = notes, .timestamp = 1700000000,
					   .dump_level = 31, .nr_cpus = 0 };
	size_t i = 0;
	while (i < 4 && strcmp(method, kx_compress_method_name(methods[i])))
		i++;
	KX_CHECK(i < 4, KX_ERROR_INVALID_ARG, "unknown method %s", method);
	p.method = methods[i];
	p.size_note = dd_notes(notes, &p.vmcoreinfo_offset, &p.vmcoreinfo_size);
	strcpy(p.utsname.sysname, "Linux");
	strcpy(p.utsname.release, "6.1.0-fuzz");
	strcpy(p.utsname.machine, "x86_64");
	for (uint64_t pfn = 0; pfn < DD_PAGES; pfn++)
		p.num_dumpable += dd_dumpable(pfn);
	int fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return kx_error_os(errno, out, "cannot create");
	struct kx_dump_writer *w;
	struct kx_error *err = kx_dump_writer_create(fd, out, &p, &w);
	if (!err) {
		err = dd_steps(w, p.method == KX_COMPRESS_NONE && !full);
		kx_dump_writer_destroy(w);
	}
	close(fd);
	return err;
}

// IN as a flattened stream: header, IN's second half, first half, end.
static struct kx_error *flatten(const char *in, const char *out)
{
	int ifd = open(in, O_RDONLY | O_CLOEXEC);
	if (ifd < 0)
		return kx_error_os(errno, in, "cannot open");
	char *buf;
	size_t size;
	struct kx_error *err = kx_io_slurp(ifd, 1 << 20, in, &buf, &size);
	close(ifd);
	if (err)
		return err;
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		err = kx_error_os(errno, out, "cannot create");
	size_t half = size / 2;
	if (!err)
		err = kx_flattened_write_header(fd, out);
	if (!err && size - half)
		err = kx_flattened_write_record(fd, half, buf + half, size - half, out);
	if (!err && half)
		err = kx_flattened_write_record(fd, 0, buf, half, out);
	if (!err)
		err = kx_flattened_write_end(fd, out);
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

int main(int argc, char **argv)
{
	struct kx_error *err;
	if (argc == 4 && strcmp(argv[1], "vmcore") == 0)
		err = compact_vmcore(argv[2], argv[3]);
	else if (argc == 4 && strcmp(argv[1], "diskdump") == 0)
		err = small_diskdump(argv[2], argv[3], false);
	else if (argc == 5 && strcmp(argv[1], "diskdump") == 0 && strcmp(argv[4], "full") == 0)
		err = small_diskdump(argv[2], argv[3], true);
	else if (argc == 4 && strcmp(argv[1], "flatten") == 0)
		err = flatten(argv[2], argv[3]);
	else {
		fprintf(stderr, "usage: mkseed vmcore|diskdump|flatten IN|METHOD OUT [full]\n");
		return 2;
	}
	if (err) {
		fprintf(stderr, "mkseed: %s\n", err->message);
		kx_error_destroy(err);
		return 1;
	}
	return 0;
}
