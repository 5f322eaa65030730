// SPDX-License-Identifier: GPL-2.0-only
// mkloongimage: synthetic LoongArch kernel images for the kexec loader tests,
// built from the documented layouts (arch/loongarch/include/asm/image.h,
// drivers/firmware/efi/libstub/zboot-header.S and Makefile.zboot, the ELF64
// gABI), never from a real kernel:
//
//   mkloongimage pe OUT [OPTIONS]          vmlinux.efi: image header + PE sig
//   mkloongimage elf OUT [OPTIONS]         vmlinux: ELF64 with one PT_LOAD
//   mkloongimage zboot OUT INNER [OPTIONS] vmlinuz.efi wrapping the file INNER
//
// Options (numbers in C syntax):
//   --text-offset=N   physical link address (0x200000)
//   --image-size=N    kernel_asize / PT_LOAD p_memsz (0x40000)
//   --entry=N         physical entry point (text offset + 0x1000)
//   --file-size=N     PE: bytes in the file; ELF: PT_LOAD p_filesz (0x6000)
//   --virtual         store the entry (and ELF p_paddr) as DMW addresses
//                     0x9000000000000000 | phys, as older kernels do
//   --no-la-abs       ELF: no .la_abs section (a non-relocatable kernel)
//   --machine=N       e_machine or the PE machine (258 / 0x6264)
//   --comp=gzip|zstd  zboot: how the payload is compressed (gzip)
//   --comp-name=S     zboot: the name written in the header (gzip/zstd22)
//   --truncate=N      cut the output to N bytes
//
// The kernel bytes are a fixed pattern, so a test can predict every
// segment's SHA-256: PE: the file itself; ELF: bytes [0x10000, 0x10000 +
// file size) of the file; zboot: INNER.
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "byteorder.h"

enum {
	PE_HDR = 0x40,         // where "PE\0\0" goes
	ELF_DATA = 0x10000,    // file offset of the PT_LOAD bytes
	ZB_PAYLOAD = 0x1000,   // file offset of the zboot payload
};

static const uint64_t DMW = 0x9000000000000000ull;

struct opts {
	const char *kind, *out, *inner;
	uint64_t text_offset, image_size, entry, file_size, truncate;
	unsigned machine;
	bool have_entry, have_machine, virt, no_la_abs, have_truncate;
	const char *comp, *comp_name;
};

/** The output image. */
struct img {
	unsigned char *buf;
	size_t size;
};

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "mkloongimage: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static void *xcalloc(size_t n)
{
	void *p = calloc(n ? n : 1, 1);
	if (!p)
		die("out of memory", NULL);
	return p;
}

static uint64_t num(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("bad number", s);
	return v;
}

// The kernel-bytes pattern at file offset @p i.
static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 131u + (i >> 9)) & 0xff);
}

static void fill(unsigned char *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		b[i] = pattern(i);
}

static struct img make_pe(const struct opts *o)
{
	size_t size = o->file_size < 0x80 ? 0x80 : (size_t)o->file_size;
	struct img m = { xcalloc(size), size };
	fill(m.buf, 0x80, size);
	memcpy(m.buf, "MZ", 2);
	kx_put_le64(m.buf + 0x08, o->virt ? (o->entry | DMW) : o->entry);
	kx_put_le64(m.buf + 0x10, o->image_size);
	kx_put_le64(m.buf + 0x18, o->text_offset);
	kx_put_le32(m.buf + 0x38, 0x818223cd); // LINUX_PE_MAGIC
	kx_put_le32(m.buf + 0x3c, PE_HDR);
	memcpy(m.buf + PE_HDR, "PE\0\0", 4);
	kx_put_le16(m.buf + PE_HDR + 4, (uint16_t)(o->have_machine ? o->machine : 0x6264));
	return m;
}

static void elf_phdr(unsigned char *ph, uint32_t type, uint64_t off, uint64_t addr,
		     uint64_t filesz, uint64_t memsz)
{
	kx_put_le32(ph, type);
	kx_put_le32(ph + 4, 7);              // RWX
	kx_put_le64(ph + 8, off);
	kx_put_le64(ph + 16, addr);          // p_vaddr
	kx_put_le64(ph + 24, addr);          // p_paddr: virtual on LoongArch
	kx_put_le64(ph + 32, filesz);
	kx_put_le64(ph + 40, memsz);
	kx_put_le64(ph + 48, 0x10000);
}

static void elf_shdr(unsigned char *sh, uint32_t name, uint32_t type, uint64_t off,
		     uint64_t size)
{
	kx_put_le32(sh, name);
	kx_put_le32(sh + 4, type);
	kx_put_le64(sh + 24, off);
	kx_put_le64(sh + 32, size);
	kx_put_le64(sh + 48, 1);
}

// Section headers at @p at: null, .la_abs (unless disabled), .shstrtab.
static void elf_sections(unsigned char *b, size_t at, const struct opts *o)
{
	static const char names[] = "\0.la_abs\0.shstrtab";
	size_t strtab = at + 4 * 64, n = o->no_la_abs ? 2 : 3;
	memcpy(b + strtab, names, sizeof(names));
	if (!o->no_la_abs)
		elf_shdr(b + at + 64, 1, 1, ELF_DATA, 16);
	elf_shdr(b + at + 64 * (n - 1), 9, 3, strtab, sizeof(names));
	kx_put_le64(b + 40, at);                 // e_shoff
	kx_put_le16(b + 58, 64);                 // e_shentsize
	kx_put_le16(b + 60, (uint16_t)n);        // e_shnum
	kx_put_le16(b + 62, (uint16_t)(n - 1));  // e_shstrndx
}

static struct img make_elf(const struct opts *o)
{
	size_t shoff = ELF_DATA + (size_t)o->file_size, size = shoff + 5 * 64;
	struct img m = { xcalloc(size), size };
	uint64_t base = o->virt ? DMW : 0;
	fill(m.buf, ELF_DATA, shoff);
	memcpy(m.buf, "\177ELF\2\1\1", 7);
	kx_put_le16(m.buf + 16, 2);              // ET_EXEC
	kx_put_le16(m.buf + 18, (uint16_t)(o->have_machine ? o->machine : 258));
	kx_put_le32(m.buf + 20, 1);
	kx_put_le64(m.buf + 24, base | o->entry);
	kx_put_le64(m.buf + 32, 64);             // e_phoff
	kx_put_le16(m.buf + 52, 64);             // e_ehsize
	kx_put_le16(m.buf + 54, 56);
	kx_put_le16(m.buf + 56, 2);
	elf_phdr(m.buf + 64, 1, ELF_DATA, base | o->text_offset, o->file_size, o->image_size);
	elf_phdr(m.buf + 64 + 56, 4, 0x200, 0, 0x20, 0x20); // a PT_NOTE to skip
	elf_sections(m.buf, shoff, o);
	return m;
}

static struct img read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open", path);
	struct img m = { NULL, 0 };
	size_t cap = 0, n;
	do {
		if (m.size == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			m.buf = realloc(m.buf, cap);
			if (!m.buf)
				die("out of memory", NULL);
		}
		n = fread(m.buf + m.size, 1, cap - m.size, f);
		m.size += n;
	} while (n > 0);
	fclose(f);
	return m;
}

static struct img gzip_of(const struct img *in)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed", NULL);
	struct img c = { NULL, deflateBound(&z, (uLong)in->size) };
	c.buf = xcalloc(c.size);
	z.next_in = in->buf;
	z.avail_in = (uInt)in->size;
	z.next_out = c.buf;
	z.avail_out = (uInt)c.size;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		die("deflate failed", NULL);
	c.size = z.total_out;
	deflateEnd(&z);
	return c;
}

// zstd22_with_size: the frame, then the uncompressed size as le32.
static struct img zstd_of(const struct img *in)
{
	size_t bound = ZSTD_compressBound(in->size);
	struct img c = { xcalloc(bound + 4), 0 };
	c.size = ZSTD_compress(c.buf, bound, in->buf, in->size, 3);
	if (ZSTD_isError(c.size))
		die("ZSTD_compress failed", ZSTD_getErrorName(c.size));
	return c;
}

static struct img make_zboot(const struct opts *o)
{
	struct img inner = read_file(o->inner);
	bool zstd = strcmp(o->comp, "zstd") == 0;
	struct img c = zstd ? zstd_of(&inner) : gzip_of(&inner);
	size_t tail = zstd ? 4 : 0, size = ZB_PAYLOAD + c.size + tail + 0x200;
	struct img m = { xcalloc(size), size };
	memcpy(m.buf, "MZ\0\0zimg", 8);
	kx_put_le32(m.buf + 0x08, ZB_PAYLOAD);
	kx_put_le32(m.buf + 0x0c, (uint32_t)c.size); // without the appended size
	snprintf((char *)m.buf + 0x18, 0x20, "%s", o->comp_name ? o->comp_name :
		 zstd ? "zstd22" : "gzip");
	kx_put_le32(m.buf + 0x38, 0x818223cd);
	kx_put_le32(m.buf + 0x3c, PE_HDR);
	memcpy(m.buf + PE_HDR, "PE\0\0", 4);
	kx_put_le16(m.buf + PE_HDR + 4, (uint16_t)(o->have_machine ? o->machine : 0x6264));
	fill(m.buf, 0x80, 0x400);                    // stands in for the EFI stub
	memcpy(m.buf + ZB_PAYLOAD, c.buf, c.size);
	if (zstd)
		kx_put_le32(m.buf + ZB_PAYLOAD + c.size, (uint32_t)inner.size);
	free(c.buf);
	free(inner.buf);
	return m;
}

static void parse_opt(struct opts *o, const char *a)
{
	const char *v = strchr(a, '=');
	v = v ? v + 1 : "";
	if (strncmp(a, "--text-offset=", 14) == 0) o->text_offset = num(v);
	else if (strncmp(a, "--image-size=", 13) == 0) o->image_size = num(v);
	else if (strncmp(a, "--entry=", 8) == 0) o->entry = num(v), o->have_entry = true;
	else if (strncmp(a, "--file-size=", 12) == 0) o->file_size = num(v);
	else if (strcmp(a, "--virtual") == 0) o->virt = true;
	else if (strcmp(a, "--no-la-abs") == 0) o->no_la_abs = true;
	else if (strncmp(a, "--machine=", 10) == 0) o->machine = (unsigned)num(v), o->have_machine = true;
	else if (strncmp(a, "--comp=", 7) == 0) o->comp = v;
	else if (strncmp(a, "--comp-name=", 12) == 0) o->comp_name = v;
	else if (strncmp(a, "--truncate=", 11) == 0) o->truncate = num(v), o->have_truncate = true;
	else die("unknown option", a);
}

static void parse(struct opts *o, int argc, char **argv)
{
	int i = 3;
	if (argc < 3)
		die("usage: mkloongimage pe|elf|zboot OUT [INNER] [OPTIONS]", NULL);
	*o = (struct opts){ .kind = argv[1], .out = argv[2], .text_offset = 0x200000,
			    .image_size = 0x40000, .file_size = 0x6000, .comp = "gzip" };
	if (strcmp(o->kind, "zboot") == 0) {
		if (argc < 4)
			die("zboot needs the INNER image", NULL);
		o->inner = argv[i++];
	}
	for (; i < argc; i++)
		parse_opt(o, argv[i]);
	if (!o->have_entry)
		o->entry = o->text_offset + 0x1000;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct img m;
	parse(&o, argc, argv);
	if (strcmp(o.kind, "pe") == 0)
		m = make_pe(&o);
	else if (strcmp(o.kind, "elf") == 0)
		m = make_elf(&o);
	else if (strcmp(o.kind, "zboot") == 0)
		m = make_zboot(&o);
	else
		die("unknown kind", o.kind);
	if (o.have_truncate && o.truncate < m.size)
		m.size = (size_t)o.truncate;
	FILE *f = fopen(o.out, "wb");
	if (!f || fwrite(m.buf, 1, m.size, f) != m.size || fclose(f) != 0)
		die("cannot write", o.out);
	free(m.buf);
	return 0;
}
