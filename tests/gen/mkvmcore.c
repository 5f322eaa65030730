// SPDX-License-Identifier: GPL-2.0-only
// mkvmcore SPEC OUT.vmcore [EXPECT]: write a synthetic ELF vmcore shaped
// like the capture kernel's /proc/vmcore, and optionally the oracle of what
// makedumpfile must keep (README.md). Page data is streamed: memory stays
// bounded by the layout's tables, whatever the guest size, and all-zero
// pages are left as holes in a sparse file.
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_core_header.h"
#include "byteorder.h"
#include "mkvmcore.h"

// Coalesces consecutive non-zero writes into large pwrite()s.
struct writer {
	int fd;
	const char *path;
	uint64_t off;
	size_t len;
	uint8_t buf[1 << 20];
};

static struct kx_error *writer_flush(struct writer *w)
{
	size_t done = 0;
	while (done < w->len) {
		ssize_t n = pwrite(w->fd, w->buf + done, w->len - done, (off_t)(w->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kx_error_os(n < 0 ? errno : EIO, w->path, "write failed");
		done += (size_t)n;
	}
	w->len = 0;
	return NULL;
}

// Every byte equals its successor and the first is zero: memcmp is
// vectorised, a byte loop over a 4 GiB guest is not.
static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

static struct kx_error *writer_put(struct writer *w, uint64_t off, const void *data, size_t n)
{
	if (all_zero(data, n))
		return NULL;  // a hole reads back as zeros
	if (w->len && (off != w->off + w->len || w->len + n > sizeof(w->buf)))
		KX_TRY(writer_flush(w));
	if (n > sizeof(w->buf)) {
		w->off = off;
		w->len = 0;
		ssize_t r = pwrite(w->fd, data, n, (off_t)off);
		return r == (ssize_t)n ? NULL : kx_error_os(errno ? errno : EIO, w->path, "write failed");
	}
	if (!w->len)
		w->off = off;
	memcpy(w->buf + w->len, data, n);
	w->len += n;
	return NULL;
}

// One ELF note: Nhdr, name and descriptor each padded to 4 bytes.
static void put_note(FILE *out, const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
	uint8_t hdr[12];
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	static const uint8_t pad[4];
	kx_put_le32(hdr, namesz);
	kx_put_le32(hdr + 4, descsz);
	kx_put_le32(hdr + 8, type);
	fwrite(hdr, 1, sizeof(hdr), out);
	fwrite(name, 1, namesz, out);
	fwrite(pad, 1, (4 - namesz % 4) % 4, out);
	fwrite(desc, 1, descsz, out);
	fwrite(pad, 1, (4 - descsz % 4) % 4, out);
}

// The merged note segment of /proc/vmcore: every CPU's NT_PRSTATUS, then
// VMCOREINFO (descsz = text length, no NUL, as the kernel writes it).
static struct kx_error *build_notes(const struct mkv_ctx *ctx, char **ret, size_t *ret_size)
{
	char *vi = NULL, *notes = NULL;
	size_t vi_size = 0, notes_size = 0;
	FILE *f = open_memstream(&vi, &vi_size);
	if (!f)
		return &kx_enomem;
	mkv_vmcoreinfo_write(ctx, f);
	if (fclose(f))
		return &kx_enomem;
	f = open_memstream(&notes, &notes_size);
	if (!f) {
		free(vi);
		return &kx_enomem;
	}
	uint8_t desc[512];
	for (unsigned int cpu = 0; cpu < ctx->spec->cpus; cpu++) {
		ctx->arch->prstatus(ctx, cpu, desc);
		put_note(f, "CORE", NT_PRSTATUS, desc, (uint32_t)ctx->arch->prstatus_size);
	}
	put_note(f, "VMCOREINFO", 0, vi, (uint32_t)vi_size);
	free(vi);
	if (fclose(f))
		return &kx_enomem;
	*ret = notes;
	*ret_size = notes_size;
	return NULL;
}

struct image {
	struct kx_elf_core_header_phdr ph[MKV_MAX_RAM + 2];
	size_t nph;
	uint64_t notes_off, end;
};

// Program headers as /proc/vmcore rewrites kexec's: PT_NOTE at the first
// page after the header, then each PT_LOAD's pages back to back, p_offset
// keeping the sub-page offset of p_paddr.
static struct kx_error *plan_phdrs(const struct mkv_ctx *ctx, size_t notes_size, struct image *im)
{
	const struct mkv_spec *s = ctx->spec;
	uint64_t pmask = ctx->page_size - 1;
	size_t hdr;
	im->nph = 2 + s->nr_ram;
	KX_TRY(kx_elf_core_header_size(im->nph, &hdr));
	im->notes_off = (hdr + pmask) & ~pmask;
	im->ph[0] = (struct kx_elf_core_header_phdr){ .type = PT_NOTE, .offset = im->notes_off,
						     .filesz = notes_size, .memsz = notes_size };
	uint64_t off = im->notes_off + ((notes_size + pmask) & ~pmask);
	im->ph[1] = kx_elf_core_header_crash_load(ctx->text_pa, ctx->text_va, s->kernel_size);
	for (size_t i = 0; i < s->nr_ram; i++)
		im->ph[2 + i] = kx_elf_core_header_crash_load(s->ram[i].start,
							      mkv_pa_to_va(ctx, s->ram[i].start),
							      s->ram[i].end - s->ram[i].start);
	for (size_t i = 1; i < im->nph; i++) {
		uint64_t start = im->ph[i].paddr & ~pmask;
		uint64_t end = (im->ph[i].paddr + im->ph[i].memsz + pmask) & ~pmask;
		im->ph[i].offset = off + (im->ph[i].paddr - start);
		off += end - start;
	}
	im->end = off;
	return NULL;
}

// What the oracle says about one pfn.
struct verdict {
	const char *cls;
	bool zero, partial;
};

static const char *expect_class(const struct mkv_ctx *ctx, uint64_t pfn, bool owned)
{
	const struct mkv_page_rule *r = owned ? NULL : mkv_spec_rule(ctx->spec, pfn);
	switch (r ? r->cls : MKV_KERNEL) {
	case MKV_CACHE: return "cache";
	case MKV_CACHE_PRIVATE: return "cache_private";
	case MKV_ANON: case MKV_HUGETLB: return "user";
	case MKV_FREE: return "free";
	case MKV_HWPOISON: return "hwpoison";
	case MKV_OFFLINE: return "offline";
	default: return "kept";
	}
}

// Run-length output of the oracle.
struct expect {
	FILE *f;
	uint64_t start, end;
	struct verdict v;
};

static void expect_flush(struct expect *e)
{
	if (!e->f || e->end == e->start)
		return;
	if (!strcmp(e->v.cls, "not-ram"))
		fprintf(e->f, "0x%" PRIx64 " 0x%" PRIx64 " not-ram - -\n", e->start, e->end);
	else
		fprintf(e->f, "0x%" PRIx64 " 0x%" PRIx64 " %s %s %s\n", e->start, e->end,
			e->v.cls, e->v.zero ? "zero" : "data", e->v.partial ? "partial" : "full");
	e->start = e->end;
}

static void expect_add(struct expect *e, uint64_t pfn, struct verdict v)
{
	if (e->end != pfn || strcmp(e->v.cls, v.cls) || e->v.zero != v.zero ||
	    e->v.partial != v.partial) {
		expect_flush(e);
		e->start = pfn;
		e->v = v;
	}
	e->end = pfn + 1;
}

// Write the bytes of one page that lie in [lo, hi) to the PT_LOAD(s) holding them.
static struct kx_error *write_page(const struct image *im, struct writer *w, uint64_t pa,
				   const uint8_t *buf, uint64_t size)
{
	for (size_t i = 1; i < im->nph; i++) {
		const struct kx_elf_core_header_phdr *ph = &im->ph[i];
		uint64_t lo = pa > ph->paddr ? pa : ph->paddr;
		uint64_t hi = pa + size < ph->paddr + ph->memsz ? pa + size : ph->paddr + ph->memsz;
		if (lo < hi)
			KX_TRY(writer_put(w, ph->offset + (lo - ph->paddr), buf + (lo - pa), hi - lo));
	}
	return NULL;
}

static struct kx_error *write_ram(const struct mkv_ctx *ctx, const struct image *im,
				  struct writer *w, struct expect *e)
{
	const struct mkv_spec *s = ctx->spec;
	unsigned int shift = ctx->page_shift;
	uint8_t *buf = malloc(ctx->page_size);
	if (!buf)
		return &kx_enomem;
	struct kx_error *err = NULL;
	uint64_t pfn = 0;
	for (size_t i = 0; i < s->nr_ram && !err; i++) {
		uint64_t first = s->ram[i].start >> shift;
		uint64_t last = (s->ram[i].end + ctx->page_size - 1) >> shift;
		for (; pfn < first; pfn++)
			expect_add(e, pfn, (struct verdict){ "not-ram", false, false });
		for (; pfn < last && !err; pfn++) {
			uint64_t pa = pfn << shift;
			uint64_t lo = pa > s->ram[i].start ? pa : s->ram[i].start;
			uint64_t hi = pa + ctx->page_size < s->ram[i].end ? pa + ctx->page_size
									  : s->ram[i].end;
			bool owned = mkv_page_content(ctx, pfn, buf);
			// Bytes outside RAM read back as zero: judge only the rest.
			memset(buf, 0, lo - pa);
			memset(buf + (hi - pa), 0, pa + ctx->page_size - hi);
			err = write_page(im, w, pa, buf, ctx->page_size);
			expect_add(e, pfn, (struct verdict){ expect_class(ctx, pfn, owned),
							     all_zero(buf, ctx->page_size),
							     hi - lo < ctx->page_size });
		}
	}
	free(buf);
	expect_flush(e);
	return err;
}

static struct kx_error *write_header(const struct mkv_ctx *ctx, const struct image *im,
				     struct writer *w, const char *notes, size_t notes_size)
{
	void *hdr;
	size_t hdr_size;
	KX_TRY(kx_elf_core_header_build(ctx->arch->e_machine, 0, im->ph, im->nph,
					ctx->page_size, &hdr, &hdr_size));
	struct kx_error *err = writer_put(w, 0, hdr, hdr_size);
	free(hdr);
	if (!err)
		err = writer_put(w, im->notes_off, notes, notes_size);
	return err;
}

static void expect_header(const struct mkv_ctx *ctx, FILE *f)
{
	fprintf(f, "# mkvmcore oracle v1: START END CLASS CONTENT EXTENT (pfns, half-open)\n"
		"# excluded at level L: not-ram always (not in the dump); hwpoison, offline\n"
		"# always; cache if L&6; cache_private if L&4; user if L&8; free if L&16;\n"
		"# any CONTENT=zero page if L&1. See tests/gen/README.md.\n");
	fprintf(f, "arch %s\nkernel %s\npage_size %" PRIu64 "\nmax_pfn 0x%" PRIx64 "\n",
		ctx->arch->name, ctx->kernel->name, ctx->page_size, ctx->max_pfn);
}

static struct kx_error *generate(const struct mkv_ctx *ctx, const char *out, FILE *expect_f)
{
	char *notes;
	size_t notes_size;
	struct image im;
	KX_TRY(build_notes(ctx, &notes, &notes_size));
	struct kx_error *err = plan_phdrs(ctx, notes_size, &im);
	struct writer *w = err ? NULL : calloc(1, sizeof(*w));
	if (!err && !w)
		err = &kx_enomem;
	if (!err) {
		w->path = out;
		w->fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (w->fd < 0)
			err = kx_error_os(errno, out, "cannot create");
	}
	struct expect e = { .f = expect_f, .v = { "", false, false } };
	if (expect_f)
		expect_header(ctx, expect_f);
	if (!err)
		err = write_header(ctx, &im, w, notes, notes_size);
	if (!err)
		err = write_ram(ctx, &im, w, &e);
	if (!err)
		err = writer_flush(w);
	if (!err && ftruncate(w->fd, (off_t)im.end))
		err = kx_error_os(errno, out, "cannot set the file size");
	if (w && w->fd >= 0 && close(w->fd) && !err)
		err = kx_error_os(errno, out, "close failed");
	free(w);
	free(notes);
	return err;
}

static int usage(FILE *f, int status)
{
	fprintf(f, "usage: mkvmcore SPEC OUT.vmcore [EXPECT]\n"
		"Write a synthetic ELF vmcore described by SPEC (see tests/gen/README.md),\n"
		"and optionally the list of page classes makedumpfile must honour.\n"
		"Kernel generations: %s\n", mkv_kernel_names());
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage(stdout, 0);
	if (argc < 3 || argc > 4)
		return usage(stderr, 2);
	struct mkv_spec *spec;
	struct mkv_ctx ctx;
	struct kx_error *err = mkv_spec_parse(argv[1], &spec);
	if (err)
		goto fail;
	err = mkv_layout_init(&ctx, spec);
	if (!err)
		err = mkv_printk_build(&ctx);
	FILE *ef = NULL;
	if (!err && argc == 4 && !(ef = fopen(argv[3], "w")))
		err = kx_error_os(errno, argv[3], "cannot create");
	if (!err)
		err = generate(&ctx, argv[2], ef);
	if (ef && fclose(ef) && !err)
		err = kx_error_os(errno, argv[3], "write failed");
	mkv_layout_deinit(&ctx);
	mkv_spec_destroy(spec);
	if (!err)
		return 0;
fail:
	fprintf(stderr, "mkvmcore: %s\n", err->message);
	kx_error_destroy(err);
	return 1;
}
