// SPDX-License-Identifier: GPL-2.0-only
// The LoongArch kexec_load boot protocol: see boot_loongarch64.h.
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "boot_loongarch64.h"
#include "cmdline.h"
#include "purgatory_loongarch64.h"
#include "root.h"

enum {
	// What the kernel compares (machine_kexec_prepare(): strncmp(buf, "kexec", 5)).
	CMDLINE_MAGIC_LEN = 5,
	// Cap on /proc/kallsyms (a distribution kernel's is 10-20 MiB).
	KALLSYMS_MAX = 256 << 20,
};

static const char CMDLINE_PREFIX[] = "kexec ";

struct kx_error *kx_loongarch64_boot_check(const struct kx_loongarch64_kernel *k,
					   const char *path)
{
	if (k->image_size == 0 || k->image_size > KX_LOONGARCH64_IMAGE_MAX)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "kernel image size 0x%" PRIx64 " is not in 1..0x%" PRIx64,
				     k->image_size, KX_LOONGARCH64_IMAGE_MAX);
	if (k->text_offset > UINT64_MAX - k->image_size)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "text_offset 0x%" PRIx64 " plus the image size wraps",
				     k->text_offset);
	if (k->entry < k->text_offset || k->entry - k->text_offset >= k->image_size)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "entry point 0x%" PRIx64 " is outside the kernel image "
				     "0x%" PRIx64 "-0x%" PRIx64, k->entry, k->text_offset,
				     k->text_offset + k->image_size - 1);
	if (k->bufsz > k->image_size)
		return kx_error_file(KX_ERROR_CORRUPT, path,
				     "0x%zx bytes of kernel exceed its image size 0x%" PRIx64,
				     k->bufsz, k->image_size);
	return NULL;
}

// --- the command line --------------------------------------------------------

/** A fixed buffer that counts what would not fit. */
struct clbuf {
	char *buf;
	size_t cap;
	size_t len; /**< text length so far, possibly beyond cap */
};

static void KX_PRINTF(2, 3) cl_add(struct clbuf *c, const char *fmt, ...)
{
	size_t room = c->len < c->cap ? c->cap - c->len : 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(room ? c->buf + c->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n;
}

// Separator before a parameter: none right after the "kexec " prefix.
static const char *cl_sep(const struct clbuf *c)
{
	return c->len > strlen(CMDLINE_PREFIX) ? " " : "";
}

// Whether the user's line already decides KASLR (relocate.c looks for "nokaslr").
static struct kx_error *user_sets_kaslr(const char *user, bool *ret)
{
	struct kx_cmdline cl;
	KX_TRY(kx_cmdline_parse(user, KX_CMDLINE_QUOTE_KERNEL, &cl));
	*ret = kx_cmdline_has(&cl, "nokaslr") || kx_cmdline_has(&cl, "kaslr");
	kx_cmdline_deinit(&cl);
	return NULL;
}

static void cl_add_crash(struct clbuf *c, const struct kx_loongarch64_cmdline_extras *x)
{
	cl_add(c, "%selfcorehdr=%" PRIu64 "K@%" PRIu64 "K", cl_sep(c),
	       (x->elfcorehdr_size + 1023) >> 10, x->elfcorehdr >> 10);
	for (size_t i = 0; x->mem && i < x->mem->count; i++) {
		const struct kx_range *r = &x->mem->ranges[i];
		cl_add(c, "%smem=%" PRIu64 "K@%" PRIu64 "K", cl_sep(c), (r->end - r->start) >> 10,
		       r->start >> 10);
	}
}

struct kx_error *kx_loongarch64_boot_cmdline(const char *user,
					     const struct kx_loongarch64_cmdline_extras *x,
					     size_t cap, char **ret_buf)
{
	bool kaslr_given = false;
	if (x->crash)
		KX_TRY(user_sets_kaslr(user, &kaslr_given));
	struct clbuf c = { calloc(cap ? cap : 1, 1), cap, 0 };
	if (!c.buf)
		return &kx_enomem;
	cl_add(&c, "%s%s", CMDLINE_PREFIX, user);
	if (x->crash && !kaslr_given)
		cl_add(&c, "%snokaslr", cl_sep(&c));
	if (x->initrd_size)
		cl_add(&c, "%sinitrd=%" PRIu64 ",%" PRIu64, cl_sep(&c), x->initrd_start,
		       x->initrd_size);
	if (x->crash)
		cl_add_crash(&c, x);
	if (c.len >= cap) {
		free(c.buf);
		return kx_error_create(KX_ERROR_OVERFLOW,
				       "Command line overflow: %zu bytes with the \"kexec \" prefix, "
				       "the additions and the NUL; the kernel takes at most %zu",
				       c.len + 1, cap);
	}
	*ret_buf = c.buf;
	return NULL;
}

// --- placement ---------------------------------------------------------------

/** What has been placed, for the command line and the entry. */
struct placed {
	uint64_t kernel;      /**< physical load address */
	uint64_t kernel_end;  /**< page-aligned end */
	uint64_t initrd, initrd_size;
	uint64_t elfcorehdr, elfcorehdr_size;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return v > UINT64_MAX - (a - 1) ? UINT64_MAX : (v + a - 1) & ~(a - 1);
}

static struct kx_error *kernel_base(const struct kx_load_input *in,
				    const struct kx_loongarch64_kernel *k, uint64_t *ret)
{
	uint64_t base = k->text_offset;
	if (in->crash) {
		// Upstream adds crash start to the link address; the kernel runs
		// wherever it lands (it relocates itself), so keep 1 MiB alignment.
		KX_CHECK(base <= UINT64_MAX - KX_LOONGARCH64_CRASH_KERNEL_ALIGN &&
			 in->crash_load.start <= UINT64_MAX - KX_LOONGARCH64_CRASH_KERNEL_ALIGN - base,
			 KX_ERROR_OVERFLOW, "crash kernel address wraps");
		base = align_up(in->crash_load.start + base, KX_LOONGARCH64_CRASH_KERNEL_ALIGN);
	}
	KX_CHECK(base <= UINT64_MAX - k->image_size, KX_ERROR_OVERFLOW, "kernel end wraps");
	KX_CHECK(base >= KX_LOONGARCH64_KEXEC_AREA_END ||
		 base + k->image_size <= KX_LOONGARCH64_KEXEC_AREA_START,
		 KX_ERROR_INVALID_ARG,
		 "the kernel at 0x%" PRIx64 "-0x%" PRIx64 " would overlap physical 0x%" PRIx64
		 "-0x%" PRIx64 ", where the running kernel keeps its kexec code and command line",
		 base, base + k->image_size - 1, KX_LOONGARCH64_KEXEC_AREA_START,
		 KX_LOONGARCH64_KEXEC_AREA_END - 1);
	*ret = base;
	return NULL;
}

static struct kx_error *place_kernel(const struct kx_load_input *in, struct kx_load_builder *b,
				     struct kx_loongarch64_kernel *k, struct placed *p)
{
	void *buf = k->buf;
	k->buf = NULL;
	struct kx_error *err = kernel_base(in, k, &p->kernel);
	if (err) {
		free(buf);
		return err;
	}
	err = b->ops->add_segment(b, buf, k->bufsz, p->kernel, k->image_size, "kernel");
	if (err && in->crash)
		return kx_error_prefix(err, "the kernel (0x%" PRIx64 " bytes) does not fit at 0x%"
				       PRIx64 " in the crash kernel region 0x%" PRIx64 "-0x%" PRIx64,
				       k->image_size, p->kernel, in->crash_load.start,
				       in->crash_load.end - 1);
	if (err)
		return kx_error_prefix(err, "the kernel (0x%" PRIx64 " bytes) does not fit at its "
				       "link address 0x%" PRIx64, k->image_size, p->kernel);
	p->kernel_end = align_up(p->kernel + k->image_size, in->page_size);
	return NULL;
}

// relocate.c disables KASLR only for "nokaslr" preceded by a space or at the start.
static bool kaslr_possible(const char *cmdline)
{
	for (const char *s = cmdline; (s = strstr(s, "nokaslr")); s++)
		if (s == cmdline || s[-1] == ' ')
			return false;
	return true;
}

// Can the new kernel move itself? -p adds nokaslr unless the user decided.
static struct kx_error *may_relocate(const struct kx_load_input *in, bool *ret)
{
	bool given = false;
	if (in->crash)
		KX_TRY(user_sets_kaslr(in->cmdline, &given));
	*ret = kaslr_possible(in->cmdline) && (!in->crash || given);
	return NULL;
}

static struct kx_error *place_initrd(const struct kx_load_input *in, struct kx_load_builder *b,
				     uint64_t image_size, struct placed *p)
{
	bool kaslr;
	if (!in->initrd)
		return NULL;
	KX_TRY(may_relocate(in, &kaslr));
	void *copy = malloc(in->initrd_size ? in->initrd_size : 1);
	if (!copy)
		return &kx_enomem;
	memcpy(copy, in->initrd, in->initrd_size);
	// A KASLR kernel copies itself (plain memcpy, relocate.c) to up to
	// MAX_OFFSET + its length past its start: keep the initrd clear of that.
	uint64_t min = p->kernel_end;
	if (kaslr)
		min = align_up(min + KX_LOONGARCH64_KASLR_MAX_OFFSET + image_size, in->page_size);
	struct kx_buffer_spec spec = { copy, in->initrd_size, in->initrd_size, 1, min, UINT64_MAX,
				       KX_HOLE_LAST_FIT, "initrd" };
	KX_TRY(b->ops->add_buffer(b, &spec, &p->initrd));
	p->initrd_size = in->initrd_size;
	return NULL;
}

// The address of the first /proc/kallsyms line naming @p symbol.
static bool kallsyms_lookup(const char *text, const char *symbol, uint64_t *ret)
{
	size_t n = strlen(symbol);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *end;
		unsigned long long addr = strtoull(l, &end, 16);
		if (end == l || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		const char *name = end + 3;
		if (strncmp(name, symbol, n) == 0 && (name[n] == '\n' || name[n] == '\0' ||
						      name[n] == '\t')) {
			*ret = addr;
			return true;
		}
	}
	return false;
}

// The core header's kernel-text PT_LOAD needs _text's real address: refuse
// to build a header without it (the core would silently leave it out).
static struct kx_error *check_kallsyms(const struct kx_load_input *in)
{
	char *text;
	uint64_t addr = 1;
	KX_TRY(kx_root_read_file(in->root, "/proc/kallsyms", KALLSYMS_MAX, &text, NULL));
	bool found = kallsyms_lookup(text, "_text", &addr);
	free(text);
	KX_CHECK(!found || addr != 0, KX_ERROR_UNSUPPORTED,
		 "/proc/kallsyms shows _text at 0: kernel addresses are hidden "
		 "(kernel.kptr_restrict); run as root with kptr_restrict < 2 so the "
		 "capture kernel's ELF core header can describe the kernel text");
	return NULL;
}

static struct kx_error *place_elfcorehdr(const struct kx_load_input *in,
					 struct kx_load_builder *b, struct placed *p)
{
	static const struct kx_crash_header_params params = {
		.page_offset = KX_LOONGARCH64_PAGE_OFFSET,
		.text_symbol = "_text",
		.extra_ranges = NULL,
	};
	void *hdr;
	size_t size;
	KX_TRY(check_kallsyms(in));
	KX_TRY(b->ops->crash_header(b, &params, &hdr, &size));
	struct kx_buffer_spec spec = { hdr, size, size, 1024, 0, UINT64_MAX, KX_HOLE_LAST_FIT,
				       "elfcorehdr" };
	KX_TRY(b->ops->add_buffer(b, &spec, &p->elfcorehdr));
	p->elfcorehdr_size = size;
	return NULL;
}

// The kernel uses the first segment, in address order, that starts with
// "kexec": make sure that is ours.
static struct kx_error *check_cmdline_first(struct kx_load_builder *b, uint64_t cmdline)
{
	for (size_t i = 0, n = b->ops->count(b); i < n; i++) {
		struct kx_segment_view s;
		b->ops->segment(b, i, &s);
		KX_CHECK(s.mem >= cmdline || !s.buf || s.bufsz < CMDLINE_MAGIC_LEN ||
			 memcmp(s.buf, CMDLINE_PREFIX, CMDLINE_MAGIC_LEN) != 0,
			 KX_ERROR_INVALID_ARG,
			 "the %s segment at 0x%" PRIx64 " starts with \"kexec\" and would be taken "
			 "for the command line", s.role, s.mem);
	}
	return NULL;
}

static struct kx_error *place_cmdline(const struct kx_load_input *in, struct kx_load_builder *b,
				      const struct placed *p)
{
	const struct kx_loongarch64_cmdline_extras x = {
		.crash = in->crash, .initrd_start = p->initrd, .initrd_size = p->initrd_size,
		.elfcorehdr = p->elfcorehdr, .elfcorehdr_size = p->elfcorehdr_size,
		.mem = in->crash_regions,
	};
	size_t cap = in->arch->command_line_size;
	char *buf;
	uint64_t mem;
	KX_TRY(kx_loongarch64_boot_cmdline(in->cmdline, &x, cap, &buf));
	struct kx_buffer_spec spec = { buf, cap, cap, 8, p->kernel_end, UINT64_MAX,
				       KX_HOLE_FIRST_FIT, "cmdline" };
	KX_TRY(b->ops->add_buffer(b, &spec, &mem));
	return check_cmdline_first(b, mem);
}

// The last step: the purgatory (SHA-256 check of every other segment, then
// a jump to @p entry with a0-a2 intact) goes in last, so its digest covers
// the final bytes, and becomes the entry point.
static struct kx_error *enter(struct kx_load_builder *b, uint64_t entry, bool skip_checks)
{
	struct kx_loongarch64_purgatory *pg;
	const struct kx_loongarch64_purgatory_params params = {
		.kernel_entry = entry,
		.skip_checks = skip_checks,
	};
	KX_TRY(kx_loongarch64_purgatory_place(b, &pg));
	struct kx_error *err = kx_loongarch64_purgatory_finish(pg, b, &params);
	kx_loongarch64_purgatory_destroy(pg);
	return err;
}

struct kx_error *kx_loongarch64_boot_place(const struct kx_load_input *in,
					   struct kx_load_builder *b,
					   struct kx_loongarch64_kernel *k, uint64_t *ret_entry)
{
	struct placed p = { 0 };
	struct kx_error *err = kx_loongarch64_boot_check(k, in->kernel_path);
	if (err) {
		free(k->buf);
		k->buf = NULL;
		return err;
	}
	uint64_t image_size = k->image_size, entry_offset = k->entry - k->text_offset;
	KX_TRY(place_kernel(in, b, k, &p));
	if (in->crash)
		KX_TRY(place_elfcorehdr(in, b, &p));
	KX_TRY(place_initrd(in, b, image_size, &p));
	KX_TRY(place_cmdline(in, b, &p));
	*ret_entry = p.kernel + entry_offset;
	return NULL;
}

struct kx_error *kx_loongarch64_boot_load(const struct kx_load_input *in,
					  struct kx_load_builder *b,
					  struct kx_loongarch64_kernel *k)
{
	uint64_t entry;
	KX_TRY(kx_loongarch64_boot_place(in, b, k, &entry));
	return enter(b, entry, in->skip_checks);
}
