// SPDX-License-Identifier: GPL-2.0-only
// The load plan: placement, validation and the dry-run text. See plan.h.
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "plan.h"

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

// Round @p v up to a multiple of the power of two @p a; false on wrap.
static bool round_up(uint64_t v, uint64_t a, uint64_t *ret)
{
	if (v > UINT64_MAX - (a - 1))
		return false;
	*ret = (v + a - 1) & ~(a - 1);
	return true;
}

// usable = ram ∩ [mem_min, mem_max] ∩ crash region minus its last page.
static struct kx_error *build_usable(struct kx_ranges *usable, const struct kx_plan_config *c)
{
	uint64_t hi = c->mem_max == UINT64_MAX ? UINT64_MAX : c->mem_max + 1;
	KX_TRY(kx_ranges_copy(c->ram, usable));
	struct kx_error *err = kx_ranges_intersect_range(usable, c->mem_min < hi ? c->mem_min : hi, hi);
	if (!err && c->crash) {
		uint64_t end = c->crash_load.end;
		uint64_t last = end - c->crash_load.start >= c->page_size ?
			(end - c->page_size) & ~(c->page_size - 1) : c->crash_load.start;
		err = kx_ranges_intersect_range(usable, c->crash_load.start, last);
	}
	if (!err)
		err = kx_ranges_align_inward(usable, c->page_size);
	if (err)
		kx_ranges_deinit(usable);
	return err;
}

struct kx_error *kx_plan_init(struct kx_load_plan *plan, const struct kx_plan_config *config)
{
	KX_CHECK(is_pow2(config->page_size), KX_ERROR_INVALID_ARG,
		 "page size %" PRIu64 " is not a power of two", config->page_size);
	KX_CHECK(!config->crash || config->crash_load.start < config->crash_load.end,
		 KX_ERROR_INVALID_ARG, "crash load without a crash kernel region");
	struct kx_load_plan p = {
		.arch = config->arch,
		.page_size = config->page_size,
		.crash = config->crash,
		.syscall = KX_PLAN_KEXEC_LOAD,
		.kexec_flags = config->arch->kexec_arch | (config->crash ? KX_KEXEC_ON_CRASH : 0),
		.file_flags = config->crash ? KX_KEXEC_FILE_ON_CRASH : 0,
		.kernel_fd = -1,
		.initrd_fd = -1,
		.crash_load = config->crash ? config->crash_load : (struct kx_range){ 0, 0 },
		.crash_header = config->crash_header,
		.crash_header_arg = config->crash_header_arg,
	};
	KX_TRY(build_usable(&p.usable, config));
	*plan = p;
	return NULL;
}

void kx_plan_deinit(struct kx_load_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->nr_segments; i++)
		free(plan->segments[i].buf);
	free(plan->segments);
	if (plan->kernel_fd >= 0)
		close(plan->kernel_fd);
	if (plan->initrd_fd >= 0)
		close(plan->initrd_fd);
	free(plan->kernel_path);
	free(plan->initrd_path);
	free(plan->cmdline);
	kx_ranges_deinit(&plan->usable);
	memset(plan, 0, sizeof(*plan));
	plan->kernel_fd = plan->initrd_fd = -1;
}

static struct kx_error *check_segment(const struct kx_load_plan *plan, uint64_t mem,
				      uint64_t memsz)
{
	uint64_t end;
	KX_CHECK(!(mem & (plan->page_size - 1)), KX_ERROR_INVALID_ARG,
		 "Base address: 0x%" PRIx64 " is not page aligned", mem);
	KX_CHECK(mem <= UINT64_MAX - memsz, KX_ERROR_OVERFLOW,
		 "segment at 0x%" PRIx64 " of 0x%" PRIx64 " bytes wraps", mem, memsz);
	end = mem + memsz;
	KX_CHECK(kx_ranges_contains(&plan->usable, mem, end), KX_ERROR_INVALID_ARG,
		 "Invalid memory segment 0x%" PRIx64 " - 0x%" PRIx64 "%s", mem, end - 1,
		 plan->crash ? " (outside the crash kernel region)" : "");
	return NULL;
}

struct kx_error *kx_plan_add_segment(struct kx_load_plan *plan, void *buf, size_t bufsz,
				     uint64_t mem, uint64_t memsz, const char *role)
{
	struct kx_error *err = NULL;
	uint64_t size;
	if (bufsz > memsz)
		bufsz = (size_t)memsz;
	if (memsz == 0) {
		free(buf);
		return NULL;
	}
	if (!round_up(memsz, plan->page_size, &size))
		err = kx_error_create(KX_ERROR_OVERFLOW, "segment size 0x%" PRIx64 " wraps", memsz);
	if (!err)
		err = check_segment(plan, mem, size);
	if (!err && plan->nr_segments == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 8;
		struct kx_plan_segment *n = realloc(plan->segments, cap * sizeof(*n));
		if (!n)
			err = &kx_enomem;
		else
			plan->segments = n, plan->cap = cap;
	}
	if (err) {
		free(buf);
		return err;
	}
	plan->segments[plan->nr_segments++] = (struct kx_plan_segment){
		.buf = buf, .bufsz = buf ? bufsz : 0, .mem = mem, .memsz = size,
		.role = role ? role : "segment",
	};
	return NULL;
}

// The usable set minus every placed segment.
static struct kx_error *free_memory(const struct kx_load_plan *plan, struct kx_ranges *ret)
{
	struct kx_ranges free_set;
	KX_TRY(kx_ranges_copy(&plan->usable, &free_set));
	struct kx_error *err = NULL;
	for (size_t i = 0; !err && i < plan->nr_segments; i++)
		err = kx_ranges_exclude(&free_set, plan->segments[i].mem,
					plan->segments[i].mem + plan->segments[i].memsz);
	if (err) {
		kx_ranges_deinit(&free_set);
		return err;
	}
	*ret = free_set;
	return NULL;
}

struct kx_error *kx_plan_locate_hole(const struct kx_load_plan *plan, uint64_t size,
				     uint64_t align, uint64_t min, uint64_t max,
				     enum kx_hole_fit fit, uint64_t *ret)
{
	struct kx_ranges free_set;
	struct kx_error *err;
	uint64_t rounded, base;
	KX_CHECK(size > 0 && round_up(size, plan->page_size, &rounded), KX_ERROR_INVALID_ARG,
		 "cannot place a buffer of 0x%" PRIx64 " bytes", size);
	KX_CHECK(is_pow2(align), KX_ERROR_INVALID_ARG,
		 "alignment 0x%" PRIx64 " is not a power of two", align);
	KX_TRY(free_memory(plan, &free_set));
	struct kx_hole_request req = {
		.size = rounded,
		.align = align > plan->page_size ? align : plan->page_size,
		.min = min,
		.max = max < min ? min : max,
		.fit = fit,
	};
	err = kx_ranges_find_hole(&free_set, &req, &base);
	kx_ranges_deinit(&free_set);
	if (kx_error_catch(&err, KX_ERROR_NOSPACE))
		return kx_error_create(KX_ERROR_NOSPACE,
				       "Could not find a free area of memory of 0x%" PRIx64
				       " bytes...", rounded);
	if (err)
		return err;
	*ret = base;
	return NULL;
}

struct kx_error *kx_plan_add_buffer(struct kx_load_plan *plan,
				    const struct kx_buffer_spec *spec, uint64_t *ret_mem)
{
	uint64_t base;
	struct kx_error *err = kx_plan_locate_hole(plan, spec->memsz, spec->align ? spec->align : 1,
						   spec->min, spec->max, spec->fit, &base);
	if (err) {
		free(spec->buf);
		return err;
	}
	KX_TRY(kx_plan_add_segment(plan, spec->buf, spec->bufsz, base, spec->memsz, spec->role));
	*ret_mem = base;
	return NULL;
}

struct kx_error *kx_plan_add_backup_segments(struct kx_load_plan *plan)
{
	struct kx_ranges holes;
	KX_TRY(free_memory(plan, &holes));
	struct kx_error *err = NULL;
	// Copy the holes first: adding segments does not change this set.
	for (size_t i = 0; !err && i < kx_ranges_count(&holes); i++) {
		const struct kx_range *h = kx_ranges_at(&holes, i);
		err = kx_plan_add_segment(plan, NULL, 0, h->start, h->end - h->start, "backup");
	}
	kx_ranges_deinit(&holes);
	return err;
}

void kx_plan_set_entry(struct kx_load_plan *plan, uint64_t entry)
{
	plan->entry = entry;
}

struct kx_error *kx_plan_set_file(struct kx_load_plan *plan, int kernel_fd,
				  const char *kernel_path, int initrd_fd,
				  const char *initrd_path, const char *cmdline)
{
	plan->syscall = KX_PLAN_KEXEC_FILE_LOAD;
	plan->kernel_fd = kernel_fd;
	plan->initrd_fd = initrd_fd;
	if (initrd_fd < 0)
		plan->file_flags |= KX_KEXEC_FILE_NO_INITRAMFS;
	plan->kernel_path = strdup(kernel_path ? kernel_path : "");
	plan->initrd_path = initrd_path ? strdup(initrd_path) : NULL;
	plan->cmdline = cmdline ? strdup(cmdline) : NULL;
	if (!plan->kernel_path || (initrd_path && !plan->initrd_path) || (cmdline && !plan->cmdline))
		return &kx_enomem;
	return NULL;
}

void kx_plan_sort(struct kx_load_plan *plan)
{
	// Insertion sort: at most a handful of segments, and stable.
	for (size_t i = 1; i < plan->nr_segments; i++) {
		struct kx_plan_segment s = plan->segments[i];
		size_t j = i;
		for (; j > 0 && plan->segments[j - 1].mem > s.mem; j--)
			plan->segments[j] = plan->segments[j - 1];
		plan->segments[j] = s;
	}
}

static struct kx_error *validate_segment(const struct kx_load_plan *plan, size_t i)
{
	const struct kx_plan_segment *s = &plan->segments[i];
	KX_CHECK(s->bufsz <= s->memsz, KX_ERROR_INVALID_ARG,
		 "segment %zu (%s): buffer of 0x%zx bytes exceeds its memory size 0x%" PRIx64,
		 i, s->role, s->bufsz, s->memsz);
	KX_CHECK(!(s->memsz & (plan->page_size - 1)), KX_ERROR_INVALID_ARG,
		 "segment %zu (%s): size 0x%" PRIx64 " is not page aligned", i, s->role, s->memsz);
	KX_TRY(check_segment(plan, s->mem, s->memsz));
	KX_CHECK(i == 0 || plan->segments[i - 1].mem + plan->segments[i - 1].memsz <= s->mem,
		 KX_ERROR_INVALID_ARG, "Overlapping memory segments at 0x%" PRIx64, s->mem);
	return NULL;
}

struct kx_error *kx_plan_validate(const struct kx_load_plan *plan)
{
	if (plan->syscall == KX_PLAN_KEXEC_FILE_LOAD) {
		KX_CHECK(plan->kernel_fd >= 0, KX_ERROR_INVALID_ARG, "no kernel to load");
		return NULL;
	}
	KX_CHECK(plan->nr_segments > 0, KX_ERROR_INVALID_ARG,
		 "the plan has no segments (the kernel would unload)");
	KX_CHECK(plan->nr_segments <= KX_PLAN_MAX_SEGMENTS, KX_ERROR_INVALID_ARG,
		 "%zu segments: the kernel accepts at most %d", plan->nr_segments,
		 KX_PLAN_MAX_SEGMENTS);
	for (size_t i = 0; i < plan->nr_segments; i++)
		KX_TRY(validate_segment(plan, i));
	KX_CHECK(!plan->crash || (plan->entry >= plan->crash_load.start &&
				  plan->entry < plan->crash_load.end),
		 KX_ERROR_INVALID_ARG,
		 "entry point 0x%" PRIx64 " is outside the crash kernel region 0x%" PRIx64
		 "-0x%" PRIx64, plan->entry, plan->crash_load.start, plan->crash_load.end - 1);
	return NULL;
}

void kx_plan_segment_sha256(const struct kx_plan_segment *seg,
			    uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	struct kx_sha256 ctx;
	kx_sha256_init(&ctx);
	kx_sha256_update(&ctx, seg->buf, seg->bufsz);
	kx_sha256_update_zeros(&ctx, seg->memsz - seg->bufsz);
	kx_sha256_final(&ctx, out);
}

static void format_load(FILE *f, const struct kx_load_plan *plan)
{
	fprintf(f, "syscall: kexec_load\narch: %s\npage-size: %" PRIu64 "\n",
		plan->arch->name, plan->page_size);
	fprintf(f, "entry: 0x%016" PRIx64 "\nflags: 0x%08" PRIx32 "\nsegments: %zu\n",
		plan->entry, plan->kexec_flags, plan->nr_segments);
	for (size_t i = 0; i < plan->nr_segments; i++) {
		const struct kx_plan_segment *s = &plan->segments[i];
		uint8_t d[KX_SHA256_DIGEST_SIZE];
		kx_plan_segment_sha256(s, d);
		fprintf(f, "segment %zu: %-10s bufsz=0x%zx mem=0x%016" PRIx64 " memsz=0x%" PRIx64
			" sha256=", i, s->role, s->bufsz, s->mem, s->memsz);
		for (size_t j = 0; j < sizeof(d); j++)
			fprintf(f, "%02x", d[j]);
		fputc('\n', f);
	}
}

static void format_file(FILE *f, const struct kx_load_plan *plan)
{
	fprintf(f, "syscall: kexec_file_load\narch: %s\nkernel: %s\ninitrd: %s\n",
		plan->arch->name, plan->kernel_path, plan->initrd_path ? plan->initrd_path : "none");
	if (plan->cmdline)
		fprintf(f, "cmdline: \"%s\"\ncmdline-len: %zu\n", plan->cmdline,
			strlen(plan->cmdline) + 1);
	else
		fprintf(f, "cmdline: none\ncmdline-len: 0\n");
	fprintf(f, "flags: 0x%08" PRIx32 "\n", plan->file_flags);
}

// Run @p fn over a memory stream and hand back the text.
static struct kx_error *format_with(const struct kx_load_plan *plan,
				    void (*fn)(FILE *, const struct kx_load_plan *), char **ret)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		return &kx_enomem;
	fn(f, plan);
	if (fclose(f) != 0 || !text) {
		free(text);
		return &kx_enomem;
	}
	*ret = text;
	return NULL;
}

static void format_plan(FILE *f, const struct kx_load_plan *plan)
{
	if (plan->syscall == KX_PLAN_KEXEC_FILE_LOAD)
		format_file(f, plan);
	else
		format_load(f, plan);
}

struct kx_error *kx_plan_format(const struct kx_load_plan *plan, char **ret)
{
	return format_with(plan, format_plan, ret);
}

static void format_segments(FILE *f, const struct kx_load_plan *plan)
{
	fprintf(f, "entry       = 0x%" PRIx64 " flags = 0x%" PRIx32 "\n", plan->entry,
		plan->kexec_flags);
	fprintf(f, "  nr_segments = %zu\n", plan->nr_segments);
	for (size_t i = 0; i < plan->nr_segments; i++) {
		const struct kx_plan_segment *s = &plan->segments[i];
		fprintf(f, "  segment[%zu].buf   = %p\n", i, s->buf);
		fprintf(f, "  segment[%zu].bufsz = 0x%zx\n", i, s->bufsz);
		fprintf(f, "  segment[%zu].mem   = 0x%" PRIx64 "\n", i, s->mem);
		fprintf(f, "  segment[%zu].memsz = 0x%" PRIx64 "\n", i, s->memsz);
	}
}

struct kx_error *kx_plan_format_segments(const struct kx_load_plan *plan, char **ret)
{
	return format_with(plan, format_segments, ret);
}

// --- the arch/loader.h builder ----------------------------------------------

static struct kx_error *b_add_buffer(struct kx_load_builder *b,
				     const struct kx_buffer_spec *spec, uint64_t *ret_mem)
{
	return kx_plan_add_buffer(b->impl, spec, ret_mem);
}

static struct kx_error *b_add_segment(struct kx_load_builder *b, void *buf, size_t bufsz,
				      uint64_t mem, uint64_t memsz, const char *role)
{
	return kx_plan_add_segment(b->impl, buf, bufsz, mem, memsz, role);
}

static void b_set_entry(struct kx_load_builder *b, uint64_t entry)
{
	kx_plan_set_entry(b->impl, entry);
}

static size_t b_count(const struct kx_load_builder *b)
{
	const struct kx_load_plan *plan = b->impl;
	return plan->nr_segments;
}

static void b_segment(const struct kx_load_builder *b, size_t index,
		      struct kx_segment_view *ret)
{
	const struct kx_load_plan *plan = b->impl;
	const struct kx_plan_segment *s = &plan->segments[index];
	*ret = (struct kx_segment_view){ s->buf, s->bufsz, s->mem, s->memsz, s->role };
}

static struct kx_error *b_crash_header(struct kx_load_builder *b,
				       const struct kx_crash_header_params *params,
				       void **ret_buf, size_t *ret_size)
{
	const struct kx_load_plan *plan = b->impl;
	KX_CHECK(plan->crash && plan->crash_header, KX_ERROR_INVALID_ARG,
		 "a crash ELF core header is only built for kexec -p");
	return plan->crash_header(plan->crash_header_arg, params, ret_buf, ret_size);
}

static const struct kx_load_builder_ops plan_builder_ops = {
	.add_buffer = b_add_buffer,
	.add_segment = b_add_segment,
	.set_entry = b_set_entry,
	.count = b_count,
	.segment = b_segment,
	.crash_header = b_crash_header,
};

void kx_plan_builder(struct kx_load_plan *plan, struct kx_load_builder *ret)
{
	*ret = (struct kx_load_builder){ &plan_builder_ops, plan };
}
