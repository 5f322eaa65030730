// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_util.h"
#include "vmcoreinfo.h"

// Read tests/data/vmcoreinfo/@name into a malloc'ed buffer.
static char *read_sample(const char *name, size_t *size_ret)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "vmcoreinfo/%s", name);
	FILE *f = fopen(kx_test_data(rel), "rb");
	assert_non_null(f);
	char *buf = malloc(64 * 1024);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 64 * 1024 - 1, f);
	fclose(f);
	buf[n] = '\0';
	*size_ret = n;
	return buf;
}

// Some samples are display dumps (crash -d, makedumpfile -D, a journal):
// turn them back into note text. Per line: drop a "kdump.sh[N]: " journal
// prefix and a "> " mail quote, then the indentation; keep only lines with
// a '=' (this drops "VMCOREINFO   :", "page_size    : 4096", Elf64_Nhdr and
// crash's offset_/size_vmcoreinfo header lines and a trailing "...").
static char *unwrap(const char *in)
{
	char *out = malloc(strlen(in) + 1), *o = out;
	assert_non_null(out);
	while (*in) {
		const char *end = strchr(in, '\n');
		if (!end)
			end = in + strlen(in);
		const char *p = in;
		if (!strncmp(p, "kdump.sh[", 9) && strstr(p, "]: ") < end)
			p = strstr(p, "]: ") + 3;
		if (!strncmp(p, "> ", 2))
			p += 2;
		while (p < end && *p == ' ')
			p++;
		if (memchr(p, '=', (size_t)(end - p))) {
			memcpy(o, p, (size_t)(end - p));
			o += end - p;
			*o++ = '\n';
		}
		in = *end ? end + 1 : end;
	}
	*o = '\0';
	return out;
}

static struct kx_vmcoreinfo *parse_sample(const char *name, bool wrapped)
{
	size_t size;
	char *text = read_sample(name, &size);
	struct kx_vmcoreinfo *vi = NULL;
	if (wrapped) {
		char *plain = unwrap(text);
		free(text);
		text = plain;
		size = strlen(text);
	}
	struct kx_error *err = kx_vmcoreinfo_create(text, size, &vi);
	free(text);
	assert_kx_ok(err);
	return vi;
}

static uint64_t sym(const struct kx_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;
	assert_kx_ok(kx_vmcoreinfo_symbol(vi, name, &v));
	return v;
}

static uint64_t off(const struct kx_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;
	assert_kx_ok(kx_vmcoreinfo_offset(vi, name, &v));
	return v;
}

static uint64_t size_of(const struct kx_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;
	assert_kx_ok(kx_vmcoreinfo_size(vi, name, &v));
	return v;
}

static uint64_t len_of(const struct kx_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;
	assert_kx_ok(kx_vmcoreinfo_length(vi, name, &v));
	return v;
}

static int64_t num(const struct kx_vmcoreinfo *vi, const char *name)
{
	int64_t v = 0;
	assert_kx_ok(kx_vmcoreinfo_number(vi, name, &v));
	return v;
}

static uint64_t num_u64(const struct kx_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;
	assert_kx_ok(kx_vmcoreinfo_number_u64(vi, name, &v));
	return v;
}

static void test_x86_64_6_1_debian(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-x86_64-6.1-debian.txt", false);
	assert_string_equal(vi->osrelease, "6.1.0-56-amd64");
	assert_string_equal(vi->build_id, "eb4fbcd037e7253717950bf2b93bd5566f47c56f");
	assert_int_equal(vi->page_size, 4096);
	assert_int_equal(vi->nr_entries, 110);
	assert_int_equal(sym(vi, "init_uts_ns"), 0xffffffffb03fb000ULL);
	assert_int_equal(sym(vi, "mem_section"), 0xffff8c98fffd5000ULL);
	assert_int_equal(off(vi, "page.flags"), 0);
	assert_int_equal(off(vi, "page._refcount"), 52);
	assert_int_equal(off(vi, "pglist_data.node_id"), 171584);
	assert_int_equal(off(vi, "printk_info.caller_id"), 20);
	assert_int_equal(off(vi, "prb_data_ring.size_bits"), 0);
	assert_int_equal(off(vi, "free_area.free_list"), 0);
	assert_int_equal(size_of(vi, "page"), 64);
	assert_int_equal(size_of(vi, "pglist_data"), 174208);
	assert_int_equal(len_of(vi, "zone.free_area"), 11);
	assert_int_equal(len_of(vi, "free_area.free_list"), 5);
	assert_int_equal(num(vi, "PG_lru"), 4);
	assert_int_equal(num(vi, "PAGE_BUDDY_MAPCOUNT_VALUE"), -129);
	assert_int_equal(num(vi, "KERNEL_IMAGE_SIZE"), 1073741824);
	assert_int_equal(num(vi, "sme_mask"), 0);
	assert_int_equal(num(vi, "phys_base"), -287309824);
	assert_true(vi->has_phys_base);
	assert_int_equal(vi->phys_base, 0xffffffffeee00000ULL);
	assert_true(vi->has_kernel_offset);
	assert_int_equal(vi->kernel_offset, 0x2d800000);
	assert_true(vi->has_crash_time);
	assert_int_equal(vi->crash_time, 1795769989);
	kx_vmcoreinfo_destroy(vi);
}

static void test_x86_64_6_2(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-x86_64-6.2.txt", false);
	assert_string_equal(vi->osrelease, "6.2.15-100.fc36.x86_64");
	assert_int_equal(vi->page_size, 4096);
	assert_int_equal(vi->phys_base, 31541166080ULL);
	assert_int_equal(vi->kernel_offset, 0x34000000);
	assert_false(vi->has_crash_time); // live /proc/kcore
	assert_int_equal(vi->crash_time, 0);
	assert_int_equal(num(vi, "PG_slab"), 9);
	assert_int_equal(num(vi, "PAGE_OFFLINE_MAPCOUNT_VALUE"), -257);
	assert_int_equal(sym(vi, "kallsyms_relative_base"), 0xffffffffb654a978ULL);
	assert_int_equal(len_of(vi, "node_data"), 1024);
	assert_int_equal(off(vi, "latched_seq.val"), 8);
	kx_vmcoreinfo_destroy(vi);
}

static void test_x86_64_4_16(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-x86_64-4.16.txt", false);
	assert_string_equal(vi->osrelease, "4.16.18-197");
	assert_null(vi->build_id);
	assert_true(vi->has_kernel_offset);
	assert_int_equal(vi->kernel_offset, 0);
	assert_true(vi->has_phys_base);
	assert_int_equal(vi->phys_base, 0);
	assert_int_equal(vi->crash_time, 1570041406);
	assert_int_equal(num(vi, "PAGE_BUDDY_MAPCOUNT_VALUE"), -128);
	assert_int_equal(off(vi, "page.compound_order"), 41);
	assert_int_equal(size_of(vi, "printk_log"), 16);
	assert_int_equal(sym(vi, "log_buf"), 0xffffffff822510a0ULL);
	uint64_t v = 77;
	assert_kx_err(kx_vmcoreinfo_offset(vi, "uts_namespace.name", &v),
		      KX_ERROR_NOT_FOUND, "VMCOREINFO has no OFFSET(uts_namespace.name)");
	assert_int_equal(v, 77);
	kx_vmcoreinfo_destroy(vi);
}

static void test_x86_64_6_12_partial(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-x86_64-6.12-PARTIAL.txt", false);
	assert_string_equal(vi->osrelease, "6.12.8-100.fc40.x86_64");
	assert_int_equal(num_u64(vi, "VMALLOC_START"), 0xffffa5c140000000ULL);
	assert_int_equal(num(vi, "VMALLOC_START"), (int64_t)-0x5a3ec0000000LL);
	assert_int_equal(sym(vi, "vmemmap"), 0xffffd90a40000000ULL);
	assert_int_equal(vi->kernel_offset, 0x1b000000);
	assert_false(vi->has_phys_base);
	assert_false(vi->has_crash_time);
	assert_int_equal(num(vi, "sme_mask"), 0);
	assert_false(kx_vmcoreinfo_has(vi, "SYMBOL(vmap_area_list)"));
	kx_vmcoreinfo_destroy(vi);
}

static void test_x86_64_ubuntu_partials(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-x86_64-5.11-ubuntu-PARTIAL.txt", true);
	assert_string_equal(vi->osrelease, "5.11.0-25-generic");
	assert_string_equal(vi->build_id, "c0263a3075bc0a9388365ddf35ab5422da3356a9");
	assert_int_equal(vi->nr_entries, 15);
	assert_int_equal(num(vi, "MAX_PHYSMEM_BITS"), 46);
	assert_int_equal(size_of(vi, "page"), 64);
	kx_vmcoreinfo_destroy(vi);

	vi = parse_sample("vmcoreinfo-x86_64-5.4-ubuntu-PARTIAL.txt", true);
	assert_string_equal(vi->osrelease, "5.4.0-153-generic");
	assert_int_equal(vi->nr_entries, 19);
	assert_int_equal(size_of(vi, "pglist_data"), 172928);
	assert_int_equal(sym(vi, "_stext"), 0xffffffffbba00000ULL);
	assert_int_equal(off(vi, "page._refcount"), 52);
	kx_vmcoreinfo_destroy(vi);
}

static void test_x86_64_pmem_partial(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-x86_64-6.3rc-pmem-PARTIAL.txt", true);
	assert_string_equal(vi->osrelease, "6.3.0-rc3-pmem-bad+");
	assert_int_equal(vi->page_size, 4096);
	assert_int_equal(sym(vi, "devm_memmap_vmcore_head"), 0xffffffff825603c0ULL);
	assert_int_equal(off(vi, "devm_memmap_vmcore.end"), 24);
	assert_int_equal(size_of(vi, "devm_memmap_vmcore"), 40);
	kx_vmcoreinfo_destroy(vi);
}

static void test_aarch64_partials(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-aarch64-4.19-PARTIAL.txt", false);
	assert_string_equal(vi->osrelease, "4.19.90.xxx.aarch64");
	assert_int_equal(vi->page_size, 65536);
	assert_int_equal(sym(vi, "clear_idx"), 0xffff000049a3b9c8ULL);
	assert_int_equal(off(vi, "page.compound_order"), 17);
	assert_int_equal(len_of(vi, "zone.free_area"), 14);
	assert_false(vi->has_kernel_offset);
	kx_vmcoreinfo_destroy(vi);

	vi = parse_sample("vmcoreinfo-aarch64-5.15-PARTIAL.txt", true);
	assert_string_equal(vi->osrelease, "5.15.7-8.el8.aarch64");
	assert_string_equal(vi->build_id, "f7d846d4c163e61fd14ad2031bc8192cac70cceb");
	assert_int_equal(vi->page_size, 65536);
	assert_int_equal(num(vi, "SECTION_SIZE_BITS"), 29);
	assert_int_equal(off(vi, "pglist_data.node_spanned_pages"), 15160);
	kx_vmcoreinfo_destroy(vi);
}

// The 5.4-rc8 paste merged two lines; parse it as is, then split them.
static void test_aarch64_5_4rc8_merged_line(void **state)
{
	(void)state;
	size_t size;
	char *wrapped = read_sample("vmcoreinfo-aarch64-5.4rc8-PARTIAL.txt", &size);
	char *text = unwrap(wrapped);
	free(wrapped);
	struct kx_vmcoreinfo *vi = NULL;
	assert_kx_err(kx_vmcoreinfo_create(text, strlen(text), &vi), KX_ERROR_CORRUPT,
		      "line 12: NUMBER(MAX_PHYSMEM_BITS)=48   OFFSET(vmap_area.va_start)=0: expected a number");
	assert_null(vi);

	char *gap = strstr(text, "48   OFFSET");
	assert_non_null(gap);
	memcpy(gap + 2, "\n\n\n", 3); // empty lines are skipped
	assert_kx_ok(kx_vmcoreinfo_create(text, strlen(text), &vi));
	free(text);
	assert_string_equal(vi->osrelease, "5.4.0-rc8");
	assert_int_equal(num(vi, "MAX_PHYSMEM_BITS"), 48);
	assert_int_equal(off(vi, "vmap_area.list"), 40);
	assert_int_equal(num_u64(vi, "kimage_voffset"), 0xffff7fff7d600000ULL);
	assert_int_equal(num(vi, "PHYS_OFFSET"), 0x80000000);
	assert_int_equal(num(vi, "tcr_el1_t1sz"), 16);
	assert_int_equal(num(vi, "VA_BITS"), 48);
	assert_int_equal(num(vi, "PAGE_OFFLINE_MAPCOUNT_VALUE"), -257);
	assert_true(vi->has_kernel_offset);
	assert_int_equal(vi->kernel_offset, 0);
	assert_int_equal(vi->crash_time, 1574266958);
	kx_vmcoreinfo_destroy(vi);
}

static void test_loongarch64_synthesized(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_sample("vmcoreinfo-loongarch64-6.6-SYNTHESIZED.txt", false);
	assert_string_equal(vi->osrelease, "6.6.0-97.0.0.102.oe2403sp2.loongarch64");
	assert_int_equal(vi->page_size, 16384);
	assert_int_equal(sym(vi, "swapper_pg_dir"), 0x9000000001c64000ULL);
	assert_int_equal(num(vi, "SECTION_SIZE_BITS"), 29);
	assert_int_equal(num(vi, "MAX_PHYSMEM_BITS"), 48);
	assert_int_equal(len_of(vi, "zone.free_area"), 12);
	// No arch_crash_save_vmcoreinfo() on LoongArch.
	assert_false(vi->has_kernel_offset);
	assert_int_equal(vi->kernel_offset, 0);
	assert_false(vi->has_phys_base);
	assert_true(vi->has_crash_time);
	uint64_t v = 5;
	struct kx_error *err = kx_vmcoreinfo_number_u64(vi, "phys_base", &v);
	assert_true(kx_error_catch(&err, KX_ERROR_NOT_FOUND));
	assert_null(err);
	assert_int_equal(v, 5);
	const char *s = "untouched";
	assert_kx_err(kx_vmcoreinfo_string(vi, "KERNELOFFSET", &s), KX_ERROR_NOT_FOUND,
		      "VMCOREINFO has no KERNELOFFSET");
	assert_string_equal(s, "untouched");
	kx_vmcoreinfo_destroy(vi);
}

static struct kx_vmcoreinfo *parse_str(const char *text)
{
	struct kx_vmcoreinfo *vi = NULL;
	assert_kx_ok(kx_vmcoreinfo_create(text, strlen(text), &vi));
	return vi;
}

static void test_text_forms(void **state)
{
	(void)state;
	// Trailing NUL padding, no final newline, empty lines, '=' in a value.
	static const char note[] = "OSRELEASE=6.6.0\n\nPAGESIZE=16384\nFOO=a=b\nCONFIG_X86_PAE=y\n"
				   "SRCFILE(pud_t)=pgtable-types.h\nSYMBOL(_stext)=0x9000000000200000\0\0\0";
	struct kx_vmcoreinfo *vi = NULL;
	assert_kx_ok(kx_vmcoreinfo_create(note, sizeof(note), &vi));
	assert_string_equal(vi->raw, note);
	assert_int_equal(vi->raw_size, strlen(note));
	assert_int_equal(vi->nr_entries, 6);
	const char *s = NULL;
	assert_kx_ok(kx_vmcoreinfo_string(vi, "FOO", &s));
	assert_string_equal(s, "a=b");
	assert_kx_ok(kx_vmcoreinfo_string(vi, "CONFIG_X86_PAE", &s));
	assert_string_equal(s, "y");
	assert_kx_ok(kx_vmcoreinfo_string(vi, "SRCFILE(pud_t)", &s));
	assert_string_equal(s, "pgtable-types.h");
	assert_kx_ok(kx_vmcoreinfo_string(vi, "SYMBOL(_stext)", &s));
	assert_string_equal(s, "0x9000000000200000");
	assert_int_equal(sym(vi, "_stext"), 0x9000000000200000ULL);
	assert_true(kx_vmcoreinfo_has(vi, "PAGESIZE"));
	assert_false(kx_vmcoreinfo_has(vi, "pagesize"));
	assert_false(kx_vmcoreinfo_has(vi, "SYMBOL(_stext"));
	assert_kx_err(kx_vmcoreinfo_string(vi, "SYMBOL(", &s), KX_ERROR_INVALID_ARG,
		      "not a VMCOREINFO key");
	kx_vmcoreinfo_destroy(vi);

	// An empty note parses; every lookup then misses.
	assert_kx_ok(kx_vmcoreinfo_create("", 0, &vi));
	assert_int_equal(vi->nr_entries, 0);
	assert_null(vi->osrelease);
	assert_int_equal(vi->page_size, 0);
	assert_false(kx_vmcoreinfo_has(vi, "OSRELEASE"));
	kx_vmcoreinfo_destroy(vi);
	kx_vmcoreinfo_destroy(NULL);
}

static void test_number_limits(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_str("NUMBER(min)=-9223372036854775808\n"
					     "NUMBER(max)=9223372036854775807\n"
					     "NUMBER(all)=0xFFFFFFFFFFFFFFFF\n"
					     "NUMBER(m1)=-1\n"
					     "SIZE(big)=18446744073709551615\n"
					     "CRASHTIME=-5\n");
	assert_int_equal(num(vi, "min"), INT64_MIN);
	assert_int_equal(num(vi, "max"), INT64_MAX);
	assert_int_equal(num(vi, "all"), -1);
	assert_int_equal(num_u64(vi, "all"), UINT64_MAX);
	assert_int_equal(num_u64(vi, "m1"), UINT64_MAX);
	assert_int_equal(size_of(vi, "big"), UINT64_MAX);
	assert_int_equal(vi->crash_time, -5);
	kx_vmcoreinfo_destroy(vi);
}

struct bad_case {
	const char *text;
	enum kx_error_code code;
	const char *msg;
};

static void test_malformed(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "SIZE(page)=64x\n", KX_ERROR_CORRUPT, "line 1: SIZE(page)=64x: expected a decimal number" },
		{ "OSRELEASE=6.1\nPAGESIZE\n", KX_ERROR_CORRUPT, "line 2: no '=' in \"PAGESIZE\"" },
		{ "=4096\n", KX_ERROR_CORRUPT, "line 1: empty key" },
		{ "A=1\nSYMBOL(foo=1\n", KX_ERROR_CORRUPT, "line 2: malformed key \"SYMBOL(foo\"" },
		{ "SYMBOL foo)=1", KX_ERROR_CORRUPT, "malformed key" },
		{ "SYMBOL((foo))=1", KX_ERROR_CORRUPT, "malformed key" },
		{ "SYMBOL()=1", KX_ERROR_CORRUPT, "malformed key" },
		{ "SYMBOL(a)b=1", KX_ERROR_CORRUPT, "malformed key" },
		{ "(a)=1", KX_ERROR_CORRUPT, "malformed key" },
		{ "  PAGESIZE=4096", KX_ERROR_CORRUPT, "malformed key \"  PAGESIZE\"" },
		{ "SIZE(page)=-1", KX_ERROR_CORRUPT, "expected a decimal number" },
		{ "SIZE(page)=", KX_ERROR_CORRUPT, "line 1: SIZE(page)=: expected" },
		{ "OFFSET(page.flags)=0x0", KX_ERROR_CORRUPT, "expected a decimal number" },
		{ "SYMBOL(x)=ffffffffg", KX_ERROR_CORRUPT, "expected a hex number" },
		{ "NUMBER(x)=12 ", KX_ERROR_CORRUPT, "expected a number" },
		{ "NUMBER(x)=0x", KX_ERROR_CORRUPT, "expected a number" },
		{ "NUMBER(x)=+3", KX_ERROR_CORRUPT, "expected a number" },
		{ "NUMBER(x)=3\r\n", KX_ERROR_CORRUPT, "expected a number" },
		{ "SYMBOL(x)=1ffffffffffffffff", KX_ERROR_OVERFLOW, "does not fit in unsigned 64 bits" },
		{ "SIZE(x)=18446744073709551616", KX_ERROR_OVERFLOW, "unsigned 64 bits" },
		{ "NUMBER(x)=9223372036854775808", KX_ERROR_OVERFLOW, "does not fit in signed 64 bits" },
		{ "NUMBER(x)=-9223372036854775809", KX_ERROR_OVERFLOW, "signed 64 bits" },
		{ "NUMBER(x)=0x10000000000000000", KX_ERROR_OVERFLOW, "line 1: NUMBER(x)" },
		{ "PAGESIZE=4095", KX_ERROR_CORRUPT, "PAGESIZE=4095 is not a power of two" },
		{ "PAGESIZE=0", KX_ERROR_CORRUPT, "not a power of two" },
		{ "PAGESIZE=131072", KX_ERROR_UNSUPPORTED, "PAGESIZE=131072 is outside 4096..65536" },
		{ "PAGESIZE=2048", KX_ERROR_UNSUPPORTED, "outside" },
		{ "CRASHTIME=soon", KX_ERROR_CORRUPT, "CRASHTIME=soon: expected a decimal number" },
		{ "KERNELOFFSET=-1", KX_ERROR_CORRUPT, "expected a hex number" },
		{ "OSRELEASE=\n", KX_ERROR_CORRUPT, "OSRELEASE is 0 bytes" },
		{ "OSRELEASE=0123456789012345678901234567890123456789012345678901234567890123456789",
		  KX_ERROR_CORRUPT, "OSRELEASE is 70 bytes, expected 1..64" },
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(cases); i++) {
		struct kx_vmcoreinfo *vi = NULL;
		assert_kx_err(kx_vmcoreinfo_create(cases[i].text, strlen(cases[i].text), &vi),
			      cases[i].code, cases[i].msg);
		assert_null(vi);
	}
}

static void test_limits(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = NULL;
	static const char embedded[] = "A=1\0B=2\n";
	assert_kx_err(kx_vmcoreinfo_create(embedded, sizeof(embedded) - 1, &vi),
		      KX_ERROR_CORRUPT, "text after a NUL byte at offset 3");

	char *line = malloc(KX_VMCOREINFO_LINE_MAX + 2);
	assert_non_null(line);
	memset(line, 'a', KX_VMCOREINFO_LINE_MAX + 1);
	line[0] = 'X';
	line[1] = '=';
	line[KX_VMCOREINFO_LINE_MAX + 1] = '\0';
	assert_kx_err(kx_vmcoreinfo_create(line, strlen(line), &vi),
		      KX_ERROR_CORRUPT, "line 1 is 1025 bytes long, limit 1024");
	line[KX_VMCOREINFO_LINE_MAX] = '\0'; // exactly at the limit: fine
	assert_kx_ok(kx_vmcoreinfo_create(line, strlen(line), &vi));
	kx_vmcoreinfo_destroy(vi);
	vi = NULL;
	free(line);

	char *big = calloc(1, (size_t)KX_VMCOREINFO_MAX_SIZE + 1);
	assert_non_null(big);
	assert_kx_err(kx_vmcoreinfo_create(big, (size_t)KX_VMCOREINFO_MAX_SIZE + 1, &vi),
		      KX_ERROR_CORRUPT, "note is 1048577 bytes, limit 1048576");
	assert_null(vi);
	free(big);
}

static void test_lookup_errors(void **state)
{
	(void)state;
	struct kx_vmcoreinfo *vi = parse_str("OFFSET(page.lru)=8\nPAGESIZE=4096\n");
	uint64_t v = 42;
	assert_kx_err(kx_vmcoreinfo_offset(vi, "page.flags", &v), KX_ERROR_NOT_FOUND,
		      "VMCOREINFO has no OFFSET(page.flags)");
	assert_kx_err(kx_vmcoreinfo_symbol(vi, "page.lru", &v), KX_ERROR_NOT_FOUND,
		      "VMCOREINFO has no SYMBOL(page.lru)");
	assert_kx_err(kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_PLAIN, "PAGESIZE", &v),
		      KX_ERROR_INVALID_ARG, "needs a SYMBOL");
	assert_int_equal(v, 42);
	assert_kx_ok(kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_OFFSET, "page.lru", &v));
	assert_int_equal(v, 8);
	const struct kx_vmcoreinfo_entry *e = kx_vmcoreinfo_find(vi, KX_VMCOREINFO_OFFSET, "page.lru");
	assert_non_null(e);
	assert_int_equal(e->line, 1);
	assert_string_equal(e->value, "8");
	assert_null(kx_vmcoreinfo_find(vi, KX_VMCOREINFO_SIZE, "page.lru"));
	kx_vmcoreinfo_destroy(vi);
}

static void test_key_format(void **state)
{
	(void)state;
	char buf[19];
	assert_kx_ok(kx_vmcoreinfo_key_format(KX_VMCOREINFO_OFFSET, "page.flags", buf, sizeof(buf)));
	assert_string_equal(buf, "OFFSET(page.flags)");
	assert_kx_ok(kx_vmcoreinfo_key_format(KX_VMCOREINFO_NUMBER, "PG_lru", buf, sizeof(buf)));
	assert_string_equal(buf, "NUMBER(PG_lru)");
	assert_kx_ok(kx_vmcoreinfo_key_format(KX_VMCOREINFO_PLAIN, "KERNELOFFSET", buf, sizeof(buf)));
	assert_string_equal(buf, "KERNELOFFSET");
	assert_kx_err(kx_vmcoreinfo_key_format(KX_VMCOREINFO_OFFSET, "page.flags", buf, 18),
		      KX_ERROR_OVERFLOW, "OFFSET(page.flags) needs 19 bytes, buffer has 18");
	assert_string_equal(buf, "KERNELOFFSET");
	assert_kx_err(kx_vmcoreinfo_key_format(KX_VMCOREINFO_SIZE, "", buf, sizeof(buf)),
		      KX_ERROR_INVALID_ARG, "cannot build");
	assert_kx_err(kx_vmcoreinfo_key_format((enum kx_vmcoreinfo_kind)9, "x", buf, sizeof(buf)),
		      KX_ERROR_INVALID_ARG, "kind 9");

	// A built key round-trips through the string lookup.
	struct kx_vmcoreinfo *vi = parse_str("OFFSET(page.flags)=0\n");
	assert_kx_ok(kx_vmcoreinfo_key_format(KX_VMCOREINFO_OFFSET, "page.flags", buf, sizeof(buf)));
	assert_true(kx_vmcoreinfo_has(vi, buf));
	kx_vmcoreinfo_destroy(vi);
}

// A repeated key keeps its first value (upstream makedumpfile's reading).
static void test_duplicates_first_wins(void **state)
{
	(void)state;
	static const char text[] = "SIZE(page)=64\nOSRELEASE=6.1.0\nA=1\nSIZE(page)=56\nA=3\nA=4\n";
	struct kx_vmcoreinfo *vi;
	assert_kx_ok(kx_vmcoreinfo_create(text, sizeof(text) - 1, &vi));
	uint64_t size;
	assert_kx_ok(kx_vmcoreinfo_size(vi, "page", &size));
	assert_int_equal(size, 64);
	const char *a;
	assert_kx_ok(kx_vmcoreinfo_string(vi, "A", &a));
	assert_string_equal(a, "1");
	assert_int_equal(vi->nr_duplicates, 3);
	assert_int_equal(vi->first_duplicate_line, 4);
	kx_vmcoreinfo_destroy(vi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicates_first_wins),
		cmocka_unit_test(test_x86_64_6_1_debian),
		cmocka_unit_test(test_x86_64_6_2),
		cmocka_unit_test(test_x86_64_4_16),
		cmocka_unit_test(test_x86_64_6_12_partial),
		cmocka_unit_test(test_x86_64_ubuntu_partials),
		cmocka_unit_test(test_x86_64_pmem_partial),
		cmocka_unit_test(test_aarch64_partials),
		cmocka_unit_test(test_aarch64_5_4rc8_merged_line),
		cmocka_unit_test(test_loongarch64_synthesized),
		cmocka_unit_test(test_text_forms),
		cmocka_unit_test(test_number_limits),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_key_format),
	};
	KX_RUN_TESTS(tests);
}
