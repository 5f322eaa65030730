/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file dump_sample.h
 * A synthetic kdump-compressed dump shared by test_dump_writer and
 * mkdump_sample: 8400 pfns of 4 KiB with memory holes, excluded pages,
 * zero pages, compressible text pages and random pages; present memory
 * crosses the 4096-pfn prefix-count sections at pfn 4096 and 8192.
 *
 * Header-only on purpose (every function static): it is test data, not a
 * module. Include after dump_writer.h.
 */
#ifndef KX_TEST_DUMP_SAMPLE_H
#define KX_TEST_DUMP_SAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_writer.h"
#include "byteorder.h"

enum sample_kind { SAMPLE_HOLE, SAMPLE_EXCLUDED, SAMPLE_ZERO, SAMPLE_TEXT, SAMPLE_RANDOM };

enum {
	SAMPLE_BS = 4096,
	SAMPLE_MAX_MAPNR = 8400,
	SAMPLE_NR_CPUS = 2,
	SAMPLE_PRSTATUS_SIZE = 336, // sizeof(struct elf_prstatus) on x86_64
	SAMPLE_NOTES_CAP = 4096,
};

static const char sample_vmcoreinfo[] =
	"OSRELEASE=6.1.0-kx-test\n"
	"PAGESIZE=4096\n"
	"CRASHTIME=1700000000\n";

/** What pfn @p pfn is in the sample. */
static enum sample_kind sample_kind(uint64_t pfn)
{
	bool present = pfn < 300 || (pfn >= 4090 && pfn < 4400) || pfn >= 8190;
	if (!present || (pfn >= 40 && pfn < 60))
		return SAMPLE_HOLE;
	if (pfn % 7 == 3)
		return SAMPLE_EXCLUDED;
	if (pfn % 5 == 0)
		return SAMPLE_ZERO;
	if (pfn % 3 == 0)
		return SAMPLE_TEXT;
	return SAMPLE_RANDOM;
}

/** Contents of page @p pfn (any kind but a hole). */
static void sample_page(uint64_t pfn, unsigned char *page)
{
	switch (sample_kind(pfn)) {
	case SAMPLE_ZERO:
		memset(page, 0, SAMPLE_BS);
		break;
	case SAMPLE_TEXT:
	case SAMPLE_EXCLUDED:
		for (size_t i = 0; i < SAMPLE_BS; i++)
			page[i] = (unsigned char)('A' + (i / 64 + pfn) % 26);
		break;
	default: {
		uint64_t x = pfn * 0x9e3779b97f4a7c15ULL + 1;
		for (size_t i = 0; i < SAMPLE_BS; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			kx_put_le64(page + i, x);
		}
	}
	}
}

static uint64_t sample_num_dumpable(void)
{
	uint64_t n = 0;
	for (uint64_t pfn = 0; pfn < SAMPLE_MAX_MAPNR; pfn++)
		n += sample_kind(pfn) != SAMPLE_HOLE && sample_kind(pfn) != SAMPLE_EXCLUDED;
	return n;
}

// Append one ELF note (Elf64_Nhdr, name, desc, each padded to 4 bytes).
static size_t sample_note(unsigned char *buf, size_t at, const char *nm, uint32_t type,
			  const void *desc, uint32_t descsz, size_t *ret_desc_off)
{
	uint32_t namesz = (uint32_t)strlen(nm) + 1;
	kx_put_le32(buf + at, namesz);
	kx_put_le32(buf + at + 4, descsz);
	kx_put_le32(buf + at + 8, type);
	at += 12;
	memset(buf + at, 0, (namesz + 3) & ~3u);
	memcpy(buf + at, nm, namesz);
	at += (namesz + 3) & ~3u;
	*ret_desc_off = at;
	memset(buf + at, 0, (descsz + 3) & ~3u);
	if (desc)
		memcpy(buf + at, desc, descsz);
	return at + ((descsz + 3) & ~3u);
}

/** Build the sample's PT_NOTE contents; returns their size. */
static size_t sample_notes(unsigned char *buf, uint64_t *ret_vmci_off, uint64_t *ret_vmci_size)
{
	size_t at = 0, off;
	for (int cpu = 0; cpu < SAMPLE_NR_CPUS; cpu++)
		at = sample_note(buf, at, "CORE", 1, NULL, SAMPLE_PRSTATUS_SIZE, &off);
	uint32_t len = (uint32_t)strlen(sample_vmcoreinfo);
	at = sample_note(buf, at, "VMCOREINFO", 0, sample_vmcoreinfo, len, &off);
	*ret_vmci_off = off;
	*ret_vmci_size = len;
	return at;
}

static void sample_params(struct kx_dump_writer_params *p, unsigned char *notes,
			  enum kx_compress_method method, int dump_level, size_t buffer_size)
{
	memset(p, 0, sizeof(*p));
	p->block_size = SAMPLE_BS;
	p->max_mapnr = SAMPLE_MAX_MAPNR;
	p->notes = notes;
	p->size_note = sample_notes(notes, &p->vmcoreinfo_offset, &p->vmcoreinfo_size);
	strcpy(p->utsname.sysname, "Linux");
	strcpy(p->utsname.nodename, "kx-test");
	strcpy(p->utsname.release, "6.1.0-kx-test");
	strcpy(p->utsname.version, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0");
	strcpy(p->utsname.machine, "x86_64");
	strcpy(p->utsname.domainname, "(none)");
	p->timestamp = 1700000000;
	p->phys_base = 0x1000000;
	p->dump_level = dump_level;
	p->method = method;
	p->num_dumpable = sample_num_dumpable();
	p->nr_cpus = SAMPLE_NR_CPUS;
	p->buffer_size = buffer_size;
}

// Write one bitmap in pieces of @piece bytes, as a cyclic caller would.
static struct kx_error *sample_bitmap(struct kx_dump_writer *w, int which, size_t piece)
{
	unsigned char buf[512];
	const uint64_t bytes = (SAMPLE_MAX_MAPNR + 7) / 8;
	for (uint64_t off = 0; off < bytes; off += piece) {
		size_t n = bytes - off < piece ? (size_t)(bytes - off) : piece;
		memset(buf, 0, n);
		for (uint64_t pfn = off * 8; pfn < (off + n) * 8 && pfn < SAMPLE_MAX_MAPNR; pfn++) {
			enum sample_kind k = sample_kind(pfn);
			bool set = which == 1 ? k != SAMPLE_HOLE
					      : k != SAMPLE_HOLE && k != SAMPLE_EXCLUDED;
			if (set)
				buf[(pfn - off * 8) / 8] |= (unsigned char)(1u << (pfn % 8));
		}
		KX_TRY(kx_dump_writer_write_bitmap(w, which, off, buf, n));
	}
	return NULL;
}

static struct kx_error *sample_pages(struct kx_dump_writer *w, int dump_level)
{
	unsigned char page[SAMPLE_BS];
	for (uint64_t pfn = 0; pfn < SAMPLE_MAX_MAPNR; pfn++) {
		enum sample_kind k = sample_kind(pfn);
		if (k == SAMPLE_HOLE || k == SAMPLE_EXCLUDED)
			continue;
		sample_page(pfn, page);
		if ((dump_level & 1) && kx_dump_writer_page_is_zero(page, sizeof(page)))
			KX_TRY(kx_dump_writer_add_zero_page(w));
		else
			KX_TRY(kx_dump_writer_add_page(w, page));
	}
	return NULL;
}

static struct kx_error *sample_steps(struct kx_dump_writer *w, int dump_level)
{
	KX_TRY(kx_dump_writer_write_headers(w));
	KX_TRY(sample_bitmap(w, 1, 512));
	KX_TRY(sample_bitmap(w, 2, 200));
	KX_TRY(sample_pages(w, dump_level));
	return kx_dump_writer_finish(w);
}

/**
 * Write the sample dump to @p fd. On KX_ERROR_NOSPACE the header is marked
 * incomplete and the error returned.
 */
static struct kx_error *sample_write(int fd, const char *path, enum kx_compress_method method,
				     int dump_level, size_t buffer_size)
{
	unsigned char notes[SAMPLE_NOTES_CAP];
	struct kx_dump_writer_params p;
	sample_params(&p, notes, method, dump_level, buffer_size);
	struct kx_dump_writer *w;
	KX_TRY(kx_dump_writer_create(fd, path, &p, &w));
	struct kx_error *err = sample_steps(w, dump_level);
	if (kx_error_is(err, KX_ERROR_NOSPACE)) {
		struct kx_error *merr = kx_dump_writer_mark_incomplete(w);
		if (merr) {
			kx_error_destroy(err);
			err = merr;
		}
	}
	kx_dump_writer_destroy(w);
	return err;
}

#endif /* KX_TEST_DUMP_SAMPLE_H */
