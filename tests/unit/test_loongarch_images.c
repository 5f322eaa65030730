// SPDX-License-Identifier: GPL-2.0-only
// The LoongArch image loaders (arch/loongarch64/image_*.c) and boot
// protocol (boot_loongarch64.c): probes, header parsing, the command line,
// and exact plans over the fake roots, ELF core header included.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "arch.h"
#include "boot_loongarch64.h"
#include "byteorder.h"
#include "crashdump.h"
#include "image_elf.h"
#include "image_pe.h"
#include "image_zboot.h"
#include "plan.h"
#include "root.h"
#include "sysinfo.h"
#include "test_util.h"

// --- synthetic images (the layouts of image_pe.h, image_elf.h, image_zboot.h)

struct img {
	unsigned char *buf;
	size_t size;
};

static struct img pe_image(size_t size, uint64_t entry, uint64_t asize, uint64_t text)
{
	struct img m = { calloc(1, size), size };
	for (size_t i = 0x80; i < size; i++)
		m.buf[i] = (unsigned char)(i * 7);
	memcpy(m.buf, "MZ", 2);
	kx_put_le64(m.buf + 0x08, entry);
	kx_put_le64(m.buf + 0x10, asize);
	kx_put_le64(m.buf + 0x18, text);
	kx_put_le32(m.buf + 0x3c, 0x40);
	memcpy(m.buf + 0x40, "PE\0\0\x64\x62", 6);
	return m;
}

// ELF64 with one PT_LOAD of @p filesz bytes at file offset 0x1000, virtual
// p_paddr, and (when @p la_abs) a 16-byte .la_abs section.
static struct img elf_image(uint64_t filesz, uint64_t memsz, bool la_abs)
{
	size_t shoff = 0x1000 + filesz, size = shoff + 4 * 64 + 32;
	struct img m = { calloc(1, size), size };
	unsigned char *b = m.buf;
	for (size_t i = 0x1000; i < shoff; i++)
		b[i] = (unsigned char)(i * 13);
	memcpy(b, "\177ELF\2\1\1", 7);
	kx_put_le16(b + 16, 2);
	kx_put_le16(b + 18, 258);
	kx_put_le64(b + 24, 0x9000000000201000ull);
	kx_put_le64(b + 32, 64);
	kx_put_le16(b + 54, 56);
	kx_put_le16(b + 56, 1);
	kx_put_le32(b + 64, 1);
	kx_put_le64(b + 64 + 8, 0x1000);
	kx_put_le64(b + 64 + 16, 0x9000000000200000ull);
	kx_put_le64(b + 64 + 24, 0x9000000000200000ull);
	kx_put_le64(b + 64 + 32, filesz);
	kx_put_le64(b + 64 + 40, memsz);
	memcpy(b + shoff + 3 * 64, "\0.la_abs\0.shstrtab", 19);
	kx_put_le64(b + 40, shoff);
	kx_put_le16(b + 58, 64);
	kx_put_le16(b + 60, 3);
	kx_put_le16(b + 62, 2);
	kx_put_le32(b + shoff + 64, 1);                  // .la_abs
	kx_put_le64(b + shoff + 64 + 24, 0x1000);
	kx_put_le64(b + shoff + 64 + 32, la_abs ? 16 : 0);
	kx_put_le32(b + shoff + 128, 9);                 // .shstrtab
	kx_put_le64(b + shoff + 128 + 24, shoff + 3 * 64);
	kx_put_le64(b + shoff + 128 + 32, 19);
	return m;
}

static struct img zboot_image(const struct img *inner, bool zstd, const char *name)
{
	size_t bound = zstd ? ZSTD_compressBound(inner->size) : compressBound(inner->size) + 32;
	struct img m = { calloc(1, 0x1000 + bound + 4), 0 };
	size_t n = bound;
	if (zstd) {
		n = ZSTD_compress(m.buf + 0x1000, bound, inner->buf, inner->size, 3);
		assert_false(ZSTD_isError(n));
		kx_put_le32(m.buf + 0x1000 + n, (uint32_t)inner->size);
	} else {
		z_stream z = { 0 };
		assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = inner->buf, z.avail_in = (uInt)inner->size;
		z.next_out = m.buf + 0x1000, z.avail_out = (uInt)bound;
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		n = z.total_out;
		deflateEnd(&z);
	}
	memcpy(m.buf, "MZ\0\0zimg", 8);
	kx_put_le32(m.buf + 8, 0x1000);
	kx_put_le32(m.buf + 12, (uint32_t)n);
	strcpy((char *)m.buf + 0x18, name);
	kx_put_le32(m.buf + 0x3c, 0x40);
	memcpy(m.buf + 0x40, "PE\0\0\x64\x62", 6);
	m.size = 0x1000 + n + (zstd ? 4 : 0);
	return m;
}

// --- probes and headers ------------------------------------------------------

static void test_probes(void **state)
{
	(void)state;
	struct img pe = pe_image(0x6000, 0x201000, 0x40000, 0x200000);
	struct img elf = elf_image(0x3000, 0x40000, true);
	struct img zb = zboot_image(&pe, false, "gzip");
	assert_true(kx_loongarch64_pe_probe(pe.buf, pe.size));
	assert_false(kx_loongarch64_zboot_probe(pe.buf, pe.size));
	assert_false(kx_loongarch64_elf_probe(pe.buf, pe.size));
	assert_true(kx_loongarch64_zboot_probe(zb.buf, zb.size));
	assert_false(kx_loongarch64_pe_probe(zb.buf, zb.size)); // zimg is not plain PE
	assert_true(kx_loongarch64_elf_probe(elf.buf, elf.size));
	assert_false(kx_loongarch64_pe_probe(elf.buf, elf.size));
	assert_false(kx_loongarch64_pe_probe(pe.buf, 0x3f));     // truncated header
	kx_put_le32(pe.buf + 0x3c, 0x5ffc);                      // PE sig past the end
	assert_false(kx_loongarch64_pe_probe(pe.buf, pe.size));
	kx_put_le32(pe.buf + 0x3c, 0x40);
	kx_put_le16(pe.buf + 0x44, 0xaa64);                      // arm64
	assert_false(kx_loongarch64_pe_probe(pe.buf, pe.size));
	kx_put_le16(zb.buf + 0x44, 0xaa64);
	assert_false(kx_loongarch64_zboot_probe(zb.buf, zb.size));
	kx_put_le16(elf.buf + 18, 62);                           // EM_X86_64
	assert_false(kx_loongarch64_elf_probe(elf.buf, elf.size));
	// The table asks zboot before PE.
	const struct kx_image_loader *const *l = kx_arch_loongarch64.loaders;
	assert_string_equal(l[0]->name, "elf-loongarch");
	assert_string_equal(l[1]->name, "pez-loongarch");
	assert_string_equal(l[2]->name, "pei-loongarch");
	assert_null(l[3]);
	free(pe.buf), free(elf.buf), free(zb.buf);
}

static void test_pe_header(void **state)
{
	(void)state;
	struct kx_loongarch64_kernel k;
	// kexec-debug-loongarch64-qemu-pei.txt, with an old-style virtual entry.
	struct img pe = pe_image(0x10000, 0x90000000013f1000ull, 0x1ca0000, 0x200000);
	assert_kx_ok(kx_loongarch64_pe_kernel(pe.buf, pe.size, "vmlinux.efi", &k));
	assert_int_equal(k.entry, 0x13f1000);
	assert_int_equal(k.image_size, 0x1ca0000);
	assert_int_equal(k.text_offset, 0x200000);
	assert_int_equal(k.bufsz, 0x10000);
	assert_memory_equal(k.buf, pe.buf, pe.size);
	free(k.buf);
	kx_put_le64(pe.buf + 8, 0x1ea0000); // one past the image
	assert_kx_err(kx_loongarch64_pe_kernel(pe.buf, pe.size, "vmlinux.efi", &k),
		      KX_ERROR_CORRUPT, "vmlinux.efi: entry point 0x1ea0000 is outside the kernel "
		      "image 0x200000-0x1e9ffff");
	kx_put_le64(pe.buf + 8, 0x201000);
	kx_put_le64(pe.buf + 0x10, 0);
	assert_kx_err(kx_loongarch64_pe_kernel(pe.buf, pe.size, "k", &k), KX_ERROR_CORRUPT,
		      "k: kernel image size 0x0 is not in 1..");
	kx_put_le64(pe.buf + 0x10, 0x1000); // smaller than the file: clamped
	kx_put_le64(pe.buf + 8, 0x200800);
	assert_kx_ok(kx_loongarch64_pe_kernel(pe.buf, pe.size, "k", &k));
	assert_int_equal(k.bufsz, 0x1000);
	free(k.buf);
	free(pe.buf);
}

static void test_elf_kernel(void **state)
{
	(void)state;
	struct kx_loongarch64_kernel k;
	bool rel;
	struct img elf = elf_image(0x3000, 0x40000, true);
	assert_kx_ok(kx_loongarch64_elf_kernel(elf.buf, elf.size, "vmlinux", &k));
	assert_int_equal(k.text_offset, 0x200000);
	assert_int_equal(k.entry, 0x201000);
	assert_int_equal(k.image_size, 0x40000);
	assert_int_equal(k.bufsz, 0x3000);
	assert_memory_equal(k.buf, elf.buf + 0x1000, 0x3000);
	free(k.buf);
	assert_kx_ok(kx_loongarch64_elf_relocatable(elf.buf, elf.size, "vmlinux", &rel));
	assert_true(rel);
	free(elf.buf);
	elf = elf_image(0x3000, 0x40000, false);
	assert_kx_ok(kx_loongarch64_elf_relocatable(elf.buf, elf.size, "vmlinux", &rel));
	assert_false(rel);
	kx_put_le64(elf.buf + 40, elf.size - 64);  // section headers past the end
	assert_kx_err(kx_loongarch64_elf_relocatable(elf.buf, elf.size, "vmlinux", &rel),
		      KX_ERROR_CORRUPT, "vmlinux: section headers (3 at");
	kx_put_le64(elf.buf + 64 + 32, elf.size);  // p_filesz past the end
	assert_kx_err(kx_loongarch64_elf_kernel(elf.buf, elf.size, "vmlinux", &k),
		      KX_ERROR_CORRUPT, "vmlinux: program header 0: segment of 0x40000 bytes");
	kx_put_le64(elf.buf + 64 + 32, 0x3000);
	kx_put_le32(elf.buf + 64, 3);              // PT_INTERP
	assert_kx_err(kx_loongarch64_elf_kernel(elf.buf, elf.size, "vmlinux", &k),
		      KX_ERROR_CORRUPT, "vmlinux: has a PT_INTERP");
	kx_put_le32(elf.buf + 64, 4);              // no PT_LOAD left
	assert_kx_err(kx_loongarch64_elf_kernel(elf.buf, elf.size, "vmlinux", &k),
		      KX_ERROR_CORRUPT, "vmlinux: no PT_LOAD program header");
	kx_put_le16(elf.buf + 56, 0x7fff);         // phnum past the end
	assert_kx_err(kx_loongarch64_elf_kernel(elf.buf, elf.size, "vmlinux", &k),
		      KX_ERROR_CORRUPT, "program headers (32767 at 0x40) are not inside the file");
	free(elf.buf);
}

static void check_unpack(const struct img *zb, const struct img *pe)
{
	void *inner;
	size_t size;
	assert_kx_ok(kx_loongarch64_zboot_file_image(zb->buf, zb->size, "vmlinuz.efi", &inner,
						     &size));
	assert_int_equal(size, pe->size);
	assert_memory_equal(inner, pe->buf, pe->size);
	free(inner);
}

static void test_zboot(void **state)
{
	(void)state;
	void *inner;
	size_t size;
	struct img pe = pe_image(0x40000, 0x201000, 0x40000, 0x200000);
	struct img gz = zboot_image(&pe, false, "gzip"), zs = zboot_image(&pe, true, "zstd22");
	check_unpack(&gz, &pe);
	check_unpack(&zs, &pe);
	assert_kx_err(kx_loongarch64_zboot_file_image(gz.buf, gz.size - 8, "z", &inner, &size),
		      KX_ERROR_CORRUPT, "z: zboot payload (0x");
	kx_put_le32(gz.buf + 12, kx_get_le32(gz.buf + 12) - 20); // stream cut short
	assert_kx_err(kx_loongarch64_zboot_file_image(gz.buf, gz.size, "z", &inner, &size),
		      KX_ERROR_CORRUPT, "zboot payload: z: truncated gzip data");
	kx_put_le32(zs.buf + 12, kx_get_le32(zs.buf + 12) - 20);
	assert_kx_err(kx_loongarch64_zboot_file_image(zs.buf, zs.size, "z", &inner, &size),
		      KX_ERROR_CORRUPT, "zboot payload: z: truncated zstd data");
	zs.buf[0x1000] ^= 0xff; // the frame magic (no checksum to catch other damage)
	kx_put_le32(zs.buf + 12, kx_get_le32(zs.buf + 12) + 20);
	assert_kx_err(kx_loongarch64_zboot_file_image(zs.buf, zs.size, "z", &inner, &size),
		      KX_ERROR_CORRUPT, "zboot payload: z: corrupt zstd data");
	strcpy((char *)gz.buf + 0x18, "lz4");
	assert_kx_err(kx_loongarch64_zboot_file_image(gz.buf, gz.size, "z", &inner, &size),
		      KX_ERROR_UNSUPPORTED, "z: zboot payload compressed with \"lz4\": only "
		      "gzip, zstd, xz and lzma are supported");
	free(gz.buf), free(zs.buf);
	free(pe.buf); // a zboot of zeros: no PE inside
	pe = (struct img){ calloc(1, 256), 256 };
	gz = zboot_image(&pe, false, "gzip");
	assert_kx_err(kx_loongarch64_zboot_file_image(gz.buf, gz.size, "z", &inner, &size),
		      KX_ERROR_CORRUPT, "z: the decompressed zboot payload is not a LoongArch PE");
	free(gz.buf), free(pe.buf);
}

// --- the command line ---------------------------------------------------------

static void test_cmdline(void **state)
{
	(void)state;
	char *buf;
	struct kx_ranges mem;
	kx_ranges_init(&mem);
	assert_kx_ok(kx_ranges_add(&mem, 0xad000000, 0xed000000));
	// The real capture line of cmdline-loongarch64-examples.txt [5].
	struct kx_loongarch64_cmdline_extras x = { true, 2973040640, 48938496, 0xecffc000, 8192,
						   &mem };
	assert_kx_ok(kx_loongarch64_boot_cmdline("ro nokaslr panic=10", &x, 4096, &buf));
	assert_string_equal(buf, "kexec ro nokaslr panic=10 initrd=2973040640,48938496 "
			    "elfcorehdr=8K@3882992K mem=1048576K@2834432K");
	for (size_t i = strlen(buf); i < 4096; i++)
		assert_int_equal(buf[i], 0);
	free(buf);
	// nokaslr added for -p when the user did not decide; two mem= for low+high.
	assert_kx_ok(kx_ranges_add(&mem, 0x3fc000000, 0x43c000000));
	assert_kx_ok(kx_loongarch64_boot_cmdline("", &x, 4096, &buf));
	assert_string_equal(buf, "kexec nokaslr initrd=2973040640,48938496 elfcorehdr=8K@3882992K "
			    "mem=1048576K@2834432K mem=1048576K@16711680K");
	free(buf);
	assert_kx_ok(kx_loongarch64_boot_cmdline("kaslr", &x, 4096, &buf));
	assert_null(strstr(buf, "nokaslr"));
	free(buf);
	struct kx_loongarch64_cmdline_extras none = { 0 };
	assert_kx_ok(kx_loongarch64_boot_cmdline("", &none, 4096, &buf));
	assert_string_equal(buf, "kexec ");
	free(buf);
	// 4096 bytes: 6 of prefix, 4089 of text, the NUL. One more overflows.
	char user[4091];
	memset(user, 'a', sizeof(user));
	user[4089] = 0;
	assert_kx_ok(kx_loongarch64_boot_cmdline(user, &none, 4096, &buf));
	assert_int_equal(strlen(buf), 4095);
	free(buf);
	user[4089] = 'a', user[4090] = 0;
	assert_kx_err(kx_loongarch64_boot_cmdline(user, &none, 4096, &buf), KX_ERROR_OVERFLOW,
		      "Command line overflow: 4097 bytes with the \"kexec \" prefix, the "
		      "additions and the NUL; the kernel takes at most 4096");
	kx_ranges_deinit(&mem);
}

// --- plans over the fake roots -------------------------------------------------

struct fixture {
	struct kx_root root;
	struct kx_sysinfo *si;
	struct kx_load_plan plan;
	struct kx_load_builder b;
	struct kx_load_input in;
};

static struct kx_error *header_hook(void *arg, const struct kx_crash_header_params *p,
				    void **ret_buf, size_t *ret_size)
{
	struct fixture *f = arg;
	return kx_crashdump_header(&f->root, &kx_arch_loongarch64, f->si, p, ret_buf, ret_size);
}

static void fixture_init(struct fixture *f, const char *root, bool crash, const char *cmdline,
			 const struct img *initrd)
{
	memset(f, 0, sizeof(*f));
	assert_kx_ok(kx_root_init(&f->root, kx_test_data(root)));
	assert_kx_ok(kx_sysinfo_read(&f->root, &kx_arch_loongarch64, &f->si));
	struct kx_plan_config c = {
		.arch = &kx_arch_loongarch64, .page_size = f->si->page_size,
		.ram = &f->si->usable_ram, .crash = crash, .crash_load = f->si->crash_load,
		.mem_max = UINT64_MAX, .crash_header = header_hook, .crash_header_arg = f,
	};
	assert_kx_ok(kx_plan_init(&f->plan, &c));
	kx_plan_builder(&f->plan, &f->b);
	f->in = (struct kx_load_input){
		.arch = &kx_arch_loongarch64, .root = &f->root, .crash = crash,
		.kernel_path = "vmlinux", .cmdline = cmdline, .page_size = f->si->page_size,
		.ram = &f->si->usable_ram, .memmap = &f->si->memmap,
		.crash_regions = &f->si->crash_regions, .crash_load = f->plan.crash_load,
		.initrd_path = initrd ? "initrd" : NULL, .initrd = initrd ? initrd->buf : NULL,
		.initrd_size = initrd ? initrd->size : 0,
	};
}

static void fixture_deinit(struct fixture *f)
{
	kx_plan_deinit(&f->plan);
	kx_sysinfo_destroy(f->si);
	kx_root_deinit(&f->root);
}

static const struct kx_plan_segment *seg(const struct fixture *f, const char *role)
{
	for (size_t i = 0; i < f->plan.nr_segments; i++)
		if (strcmp(f->plan.segments[i].role, role) == 0)
			return &f->plan.segments[i];
	fail_msg("no %s segment", role);
	return NULL;
}

static void assert_seg(const struct fixture *f, const char *role, uint64_t mem, uint64_t memsz,
		       size_t bufsz)
{
	const struct kx_plan_segment *s = seg(f, role);
	assert_int_equal(s->mem, mem);
	assert_int_equal(s->memsz, memsz);
	assert_int_equal(s->bufsz, bufsz);
}

static void test_plan_normal(void **state)
{
	(void)state;
	struct fixture f;
	struct img initrd = pe_image(0x6000, 0x201000, 0x6000, 0x200000);
	struct img pe = pe_image(0x1b55200, 0x13f1000, 0x1ca0000, 0x200000); // the QEMU sample
	struct kx_loongarch64_kernel k;
	uint64_t entry;
	fixture_init(&f, "roots/loongarch64-16g", false, "console=ttyS0,115200", &initrd);
	assert_kx_ok(kx_loongarch64_pe_kernel(pe.buf, pe.size, "vmlinux.efi", &k));
	assert_kx_ok(kx_loongarch64_boot_place(&f.in, &f.b, &k, &entry));
	assert_int_equal(entry, 0x13f1000);
	assert_int_equal(f.plan.nr_segments, 3);
	assert_seg(&f, "kernel", 0x200000, 0x1ca0000, 0x1b55200);
	assert_memory_equal(seg(&f, "kernel")->buf, pe.buf, pe.size);
	// Right after the kernel, as in the sample (0x1ea0000).
	assert_seg(&f, "cmdline", 0x1ea0000, 0x4000, 0x1000);
	// Top-down: the highest RAM hole, [0x47ffb4000, 0x480000000).
	assert_seg(&f, "initrd", 0x47fff8000, 0x8000, 0x6000);
	assert_string_equal(seg(&f, "cmdline")->buf,
			    "kexec console=ttyS0,115200 initrd=19327320064,24576");
	kx_plan_sort(&f.plan);
	assert_kx_ok(kx_plan_validate(&f.plan));
	fixture_deinit(&f);
	free(pe.buf), free(initrd.buf);
}

// The core header: e_machine 258, notes, then _text's PT_LOAD, then RAM.
static void check_elfcorehdr(const unsigned char *h, size_t size)
{
	assert_true(size >= 64 && size % 1024 == 0);
	assert_memory_equal(h, "\177ELF\2\1", 6);
	assert_int_equal(kx_get_le16(h + 16), 4);    // ET_CORE
	assert_int_equal(kx_get_le16(h + 18), 258);  // EM_LOONGARCH
	uint16_t n = kx_get_le16(h + 56);
	const unsigned char *ph = h + kx_get_le64(h + 32);
	assert_int_equal(kx_get_le32(ph), 4);        // cpu0's PT_NOTE
	assert_int_equal(kx_get_le64(ph + 24), 0x47fb5c258);
	size_t i = 0;
	while (i < n && kx_get_le32(ph + i * 56) == 4)
		i++;
	assert_int_equal(i, 5);                      // 4 CPUs + VMCOREINFO
	const unsigned char *text = ph + i * 56;
	assert_int_equal(kx_get_le32(text), 1);
	assert_int_equal(kx_get_le64(text + 16), 0x9000000000200000ull); // _text
	assert_int_equal(kx_get_le64(text + 24), 0x200000);              // Kernel code
	for (i++; i < n; i++) {
		const unsigned char *p = ph + i * 56;
		assert_int_equal(kx_get_le64(p + 16), kx_get_le64(p + 24) + 0x9000000000000000ull);
	}
}

static void test_plan_crash(void **state)
{
	(void)state;
	struct fixture f;
	struct img initrd = pe_image(0x6000, 0x201000, 0x6000, 0x200000);
	struct img elf = elf_image(0x3000, 0x40000, true);
	struct kx_loongarch64_kernel k;
	uint64_t entry;
	fixture_init(&f, "roots/loongarch64-16g", true, "ro nr_cpus=1", &initrd);
	assert_kx_ok(kx_loongarch64_elf_kernel(elf.buf, elf.size, "vmlinux", &k));
	assert_kx_ok(kx_loongarch64_boot_place(&f.in, &f.b, &k, &entry));
	// Crash kernel 91000000-b0ffffff: kernel at start + 2 MiB, entry relative to it.
	assert_int_equal(entry, 0x91201000);
	assert_int_equal(f.plan.nr_segments, 4);
	assert_seg(&f, "kernel", 0x91200000, 0x40000, 0x3000);
	// Top-down below the region's last page, 1 KiB multiple of headers.
	const struct kx_plan_segment *h = seg(&f, "elfcorehdr");
	assert_int_equal(h->mem, 0xb0ff8000);
	assert_int_equal(h->memsz, 0x4000);
	check_elfcorehdr(h->buf, h->bufsz);
	assert_seg(&f, "initrd", 0xb0ff0000, 0x8000, 0x6000);
	assert_seg(&f, "cmdline", 0x91240000, 0x4000, 0x1000);
	char want[256];
	snprintf(want, sizeof(want), "kexec ro nr_cpus=1 nokaslr initrd=%llu,24576 "
		 "elfcorehdr=%zuK@%lluK mem=524288K@2375680K", 0xb0ff0000ull, h->bufsz >> 10,
		 0xb0ff8000ull >> 10);
	assert_string_equal(seg(&f, "cmdline")->buf, want);
	kx_plan_set_entry(&f.plan, entry);
	kx_plan_sort(&f.plan);
	assert_kx_ok(kx_plan_validate(&f.plan));
	fixture_deinit(&f);
	free(elf.buf), free(initrd.buf);
}

static void test_plan_low_high(void **state)
{
	(void)state;
	struct fixture f;
	struct img pe = pe_image(0x6000, 0x90000000002fe000ull, 0x100000, 0x200000);
	struct kx_loongarch64_kernel k;
	uint64_t entry;
	fixture_init(&f, "roots/loongarch64-low-high", true, "kaslr", NULL);
	assert_kx_ok(kx_loongarch64_pe_kernel(pe.buf, pe.size, "vmlinux.efi", &k));
	assert_kx_ok(kx_loongarch64_boot_place(&f.in, &f.b, &k, &entry));
	// Everything in the high region 3fc000000-43bffffff.
	assert_int_equal(entry, 0x3fc2fe000);
	assert_seg(&f, "kernel", 0x3fc200000, 0x100000, 0x6000);
	assert_seg(&f, "elfcorehdr", 0x43bff8000, 0x4000, seg(&f, "elfcorehdr")->bufsz);
	assert_seg(&f, "cmdline", 0x3fc300000, 0x4000, 0x1000);
	char want[256];
	snprintf(want, sizeof(want), "kexec kaslr elfcorehdr=%zuK@%lluK mem=262144K@3770368K "
		 "mem=1048576K@16711680K", seg(&f, "elfcorehdr")->bufsz >> 10, 0x43bff8000ull >> 10);
	assert_string_equal(seg(&f, "cmdline")->buf, want);
	fixture_deinit(&f);
	free(pe.buf);
}

static void test_plan_errors(void **state)
{
	(void)state;
	struct fixture f;
	struct kx_loongarch64_kernel k;
	uint64_t entry;
	// Linked below 2 MiB: would overwrite the kernel's kexec area.
	struct img pe = pe_image(0x6000, 0x181000, 0x100000, 0x180000);
	fixture_init(&f, "roots/loongarch64-16g", false, "", NULL);
	assert_kx_ok(kx_loongarch64_pe_kernel(pe.buf, pe.size, "vmlinux.efi", &k));
	assert_kx_err(kx_loongarch64_boot_place(&f.in, &f.b, &k, &entry), KX_ERROR_INVALID_ARG,
		      "the kernel at 0x180000-0x27ffff would overlap physical 0x100000-0x1fffff");
	fixture_deinit(&f);
	free(pe.buf);
	// Too big for the RAM at its link address (Reserved from 0x1f8a600).
	pe = pe_image(0x6000, 0x201000, 0x2000000, 0x200000);
	fixture_init(&f, "roots/loongarch64-16g", false, "", NULL);
	assert_kx_ok(kx_loongarch64_pe_kernel(pe.buf, pe.size, "vmlinux.efi", &k));
	assert_kx_err(kx_loongarch64_boot_place(&f.in, &f.b, &k, &entry), KX_ERROR_INVALID_ARG,
		      "the kernel (0x2000000 bytes) does not fit at its link address 0x200000: "
		      "Invalid memory segment");
	fixture_deinit(&f);
	free(pe.buf);
	// A crash load of a kernel without .la_abs, through the loader.
	struct img elf = elf_image(0x3000, 0x40000, false);
	fixture_init(&f, "roots/loongarch64-16g", true, "", NULL);
	f.in.kernel = elf.buf, f.in.kernel_size = elf.size;
	assert_kx_err(kx_loongarch64_elf_loader.load(&f.in, &f.b), KX_ERROR_UNSUPPORTED,
		      "vmlinux: no .la_abs section: the kernel is not relocatable");
	fixture_deinit(&f);
	free(elf.buf);
}

// The loaders end with the purgatory: its segment is last and is the entry.
static void test_loader_purgatory(void **state)
{
	(void)state;
	struct fixture f;
	struct img pe = pe_image(0x6000, 0x201000, 0x40000, 0x200000);
	struct img zb = zboot_image(&pe, true, "zstd22");
	fixture_init(&f, "roots/loongarch64-16g", false, "", NULL);
	f.in.kernel = zb.buf, f.in.kernel_size = zb.size;
	struct kx_error *err = kx_loongarch64_zboot_loader.load(&f.in, &f.b);
	if (kx_error_is(err, KX_ERROR_UNSUPPORTED) && strstr(err->message, "purgatory")) {
		kx_error_destroy(err);
		fixture_deinit(&f);
		free(pe.buf), free(zb.buf);
		KX_SKIP("kexec built without the LoongArch purgatory");
	}
	assert_kx_ok(err);
	assert_memory_equal(seg(&f, "kernel")->buf, pe.buf, pe.size);
	const struct kx_plan_segment *p = seg(&f, "purgatory");
	assert_true(f.plan.entry >= p->mem && f.plan.entry < p->mem + p->memsz);
	fixture_deinit(&f);
	free(pe.buf), free(zb.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probes),
		cmocka_unit_test(test_pe_header),
		cmocka_unit_test(test_elf_kernel),
		cmocka_unit_test(test_zboot),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_plan_normal),
		cmocka_unit_test(test_plan_crash),
		cmocka_unit_test(test_plan_low_high),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_loader_purgatory),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
