// SPDX-License-Identifier: GPL-2.0-only
// The page pipeline: whatever the thread count, the pages come back in push
// order with the bytes a single compressor produces, and errors stop it in
// order too.
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compiler.h"
#include "compress.h"
#include "dump_writer.h"
#include "elf_test_builder.h"
#include "page_reader.h"
#include "pipeline.h"
#include "test_util.h"
#include "vmcore.h"

enum { PS = 4096, MAX_PAGES = 4096 };

// Three PT_LOADs: the BIOS range with its partial last page; 6 MiB across
// two mapping windows with zero and repetitive pages; a range whose file
// offset is not page aligned and whose memory runs on past its file data.
static char *make_core(void)
{
	struct elf_tb tb = { 0 };
	const uint64_t phoff = 64, data = 0x1000;
	elf_tb_ehdr(&tb, 62, phoff, 3);  // EM_X86_64
	elf_tb_phdr(&tb, phoff, 0, 1, data, 0, 0, 0x9fc00, 0x9fc00);
	elf_tb_fill(&tb, data, 0, 0x9fc00);
	uint64_t off1 = data + 0xa0000, len1 = 6 << 20;
	elf_tb_phdr(&tb, phoff, 1, 1, off1, 0, 0x100000, len1, len1);
	elf_tb_fill(&tb, off1, 0x100000, len1);
	for (uint64_t pg = 0; pg < len1 / PS; pg++) {
		uint8_t *p = tb.buf + off1 + pg * PS;
		if (pg % 5 == 0)
			memset(p, 0, PS);
		else if (pg % 7 == 0)
			memset(p, (int)pg, PS);
	}
	uint64_t off2 = off1 + len1 + 0x800;
	elf_tb_phdr(&tb, phoff, 2, 1, off2, 0, 0x800000, 0x10000, 0x14000);
	elf_tb_fill(&tb, off2, 0x800000, 0x10000);
	char *path = elf_tb_write(&tb);
	elf_tb_free(&tb);
	return path;
}

struct got {
	size_t n;
	uint64_t pfn[MAX_PAGES];
	bool zero[MAX_PAGES];
	uint32_t size[MAX_PAGES], flags[MAX_PAGES];
	uint8_t *data;           // MAX_PAGES pages
	size_t fail_at;          // emit fails on this page; SIZE_MAX: never
	const uint8_t *at[MAX_PAGES];  // where the pipeline held each page's data
	size_t batch_start, batches;   // first page of the batch being emitted
};

static struct kx_error *collect(void *arg, const struct kx_pipeline_page *pg)
{
	struct got *g = arg;
	if (g->n == g->fail_at)
		return kx_error_create(KX_ERROR_NOSPACE, "emit failed at page %zu", g->n);
	assert_true(g->n < MAX_PAGES);
	assert_false(pg->unreadable);
	g->pfn[g->n] = pg->pfn;
	g->zero[g->n] = pg->zero;
	if (!pg->zero) {
		g->size[g->n] = pg->size;
		g->flags[g->n] = pg->flags;
		memcpy(g->data + g->n * PS, pg->data, pg->size);
		g->at[g->n] = pg->data;
	}
	g->n++;
	return NULL;
}

// A batch's data lie one after the other, and stay until this call.
static struct kx_error *batch_end(void *arg)
{
	struct got *g = arg;
	const uint8_t *next = NULL;
	for (size_t i = g->batch_start; i < g->n; i++) {
		if (g->zero[i])
			continue;
		if (next)
			assert_ptr_equal(g->at[i], next);
		assert_memory_equal(g->at[i], g->data + i * PS, g->size[i]);
		next = g->at[i] + g->size[i];
	}
	g->batch_start = g->n;
	g->batches++;
	return NULL;
}

// Every page frame of the core in order, the partial 0x9f included.
static size_t all_pfns(uint64_t *pfns)
{
	size_t n = 0;
	for (uint64_t pfn = 0; pfn <= 0x9f; pfn++)
		pfns[n++] = pfn;
	for (uint64_t pfn = 0x100; pfn < 0x700; pfn++)
		pfns[n++] = pfn;
	for (uint64_t pfn = 0x800; pfn < 0x814; pfn++)
		pfns[n++] = pfn;
	return n;
}

// What one compressor in this thread makes of @pfn.
static void expect_page(struct kx_vmcore *vm, struct kx_compressor *c, bool detect_zero,
			const struct got *g, size_t i)
{
	uint8_t page[PS];
	assert_kx_ok(kx_vmcore_read_page(vm, g->pfn[i], page));
	bool zero = kx_dump_writer_page_is_zero(page, PS);
	assert_int_equal(g->zero[i], detect_zero && zero);
	if (g->zero[i])
		return;
	const void *data;
	uint32_t size, flags;
	assert_kx_ok(kx_compressor_compress(c, page, &data, &size, &flags));
	assert_int_equal(g->size[i], size);
	assert_int_equal(g->flags[i], flags);
	assert_memory_equal(g->data + i * PS, data, size);
}

static void run_pfns(struct kx_vmcore *vm, enum kx_compress_method method, unsigned int threads,
		     bool use_mmap, bool detect_zero, const uint64_t *pfns, size_t n)
{
	struct got *g = calloc(1, sizeof(*g));
	assert_non_null(g);
	g->data = malloc((size_t)MAX_PAGES * PS);
	g->fail_at = SIZE_MAX;
	struct kx_pipeline_params pp = { .vm = vm, .method = method, .detect_zero = detect_zero,
					 .threads = threads, .use_mmap = use_mmap,
					 .batch_emitted = batch_end };
	struct kx_pipeline *p;
	assert_kx_ok(kx_pipeline_create(&pp, collect, g, &p));
	for (size_t i = 0; i < n; i++)
		assert_kx_ok(kx_pipeline_push(p, pfns[i]));
	assert_kx_ok(kx_pipeline_flush(p));
	kx_pipeline_destroy(p);
	assert_int_equal(g->n, n);
	// Every page was in a batch that ended, and there were several.
	assert_int_equal(g->batch_start, n);
	assert_true(g->batches >= n * PS / KX_PIPELINE_BATCH_BYTES);
	struct kx_compressor *c;
	assert_kx_ok(kx_compressor_create(method, PS, &c));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(g->pfn[i], pfns[i]);
		expect_page(vm, c, detect_zero, g, i);
	}
	kx_compressor_destroy(c);
	free(g->data);
	free(g);
}

static void run_one(struct kx_vmcore *vm, enum kx_compress_method method, unsigned int threads,
		    bool use_mmap, bool detect_zero)
{
	static uint64_t pfns[MAX_PAGES];
	size_t n = all_pfns(pfns);
	run_pfns(vm, method, threads, use_mmap, detect_zero, pfns, n);
}

// Pages taken alternately from either end of the 6 MiB range lie in two
// windows, and each lies outside the newest one: every push maps a
// window. The windows run out long before a batch is full, so batches go
// off early and windows are unmapped as they come back; the pages still
// come back in push order and intact.
static void windows_run_out(void **state)
{
	static uint64_t pfns[MAX_PAGES];
	size_t n = 0;
	for (uint64_t i = 0; i < 3 * KX_PAGE_READER_MAX_WINDOWS; i++) {
		pfns[n++] = 0x100 + i;
		pfns[n++] = 0x6ff - i;
	}
	static const unsigned int threads[] = { 0, 1, 2, 5 };
	for (size_t t = 0; t < KX_ARRAY_SIZE(threads); t++)
		run_pfns(*state, KX_COMPRESS_LZO, threads[t], true, true, pfns, n);
}

static void same_pages_any_thread_count(void **state)
{
	struct kx_vmcore *vm = *state;
	static const enum kx_compress_method methods[] = {
		KX_COMPRESS_NONE, KX_COMPRESS_ZLIB, KX_COMPRESS_LZO, KX_COMPRESS_ZSTD,
	};
	static const unsigned int threads[] = { 0, 1, 2, 5 };
	for (size_t m = 0; m < KX_ARRAY_SIZE(methods); m++)
		for (size_t t = 0; t < KX_ARRAY_SIZE(threads); t++) {
			run_one(vm, methods[m], threads[t], true, true);
			run_one(vm, methods[m], threads[t], false, m % 2);
		}
}

// An emit error stops the pipeline right there, whatever was in flight.
static void emit_error_stops_in_order(void **state)
{
	static uint64_t pfns[MAX_PAGES];
	size_t n = all_pfns(pfns);
	for (unsigned int threads = 0; threads <= 3; threads++) {
		struct got *g = calloc(1, sizeof(*g));
		g->data = malloc((size_t)MAX_PAGES * PS);
		g->fail_at = 300;
		struct kx_pipeline_params pp = { .vm = *state, .method = KX_COMPRESS_LZO,
						 .threads = threads, .use_mmap = true };
		struct kx_pipeline *p;
		assert_kx_ok(kx_pipeline_create(&pp, collect, g, &p));
		struct kx_error *err = NULL;
		for (size_t i = 0; i < n && !err; i++)
			err = kx_pipeline_push(p, pfns[i]);
		if (!err)
			err = kx_pipeline_flush(p);
		assert_kx_err(err, KX_ERROR_NOSPACE, "emit failed at page 300");
		assert_int_equal(g->n, 300);
		assert_kx_err(kx_pipeline_push(p, 0), KX_ERROR_INVALID_ARG, "stopped");
		assert_kx_err(kx_pipeline_flush(p), KX_ERROR_INVALID_ARG, "stopped");
		kx_pipeline_destroy(p);
		free(g->data);
		free(g);
	}
}

// A page outside the vmcore is an error of its own, after the pages before it.
static void read_error_comes_in_order(void **state)
{
	for (unsigned int threads = 0; threads <= 2; threads++) {
		struct got *g = calloc(1, sizeof(*g));
		g->data = malloc((size_t)MAX_PAGES * PS);
		g->fail_at = SIZE_MAX;
		struct kx_pipeline_params pp = { .vm = *state, .method = KX_COMPRESS_ZLIB,
						 .threads = threads, .use_mmap = true };
		struct kx_pipeline *p;
		assert_kx_ok(kx_pipeline_create(&pp, collect, g, &p));
		for (uint64_t pfn = 0x100; pfn < 0x180; pfn++)
			assert_kx_ok(kx_pipeline_push(p, pfn));
		struct kx_error *err = kx_pipeline_push(p, 0x7ff);
		if (!err)
			err = kx_pipeline_flush(p);
		assert_kx_err(err, KX_ERROR_FAULT, "not in the vmcore");
		assert_int_equal(g->n, 0x80);
		kx_pipeline_destroy(p);
		free(g->data);
		free(g);
	}
}

static void too_many_threads(void **state)
{
	struct kx_pipeline_params pp = { .vm = *state, .threads = KX_PIPELINE_MAX_THREADS + 1 };
	struct kx_pipeline *p;
	assert_kx_err(kx_pipeline_create(&pp, collect, NULL, &p), KX_ERROR_INVALID_ARG,
		      "threads");
}

static int setup(void **state)
{
	char *path = make_core();
	struct kx_vmcore *vm;
	struct kx_error *err = kx_vmcore_open(path, &vm);
	elf_tb_unlink(path);
	if (err) {
		kx_error_destroy(err);
		return -1;
	}
	*state = vm;
	return 0;
}

static int teardown(void **state)
{
	kx_vmcore_destroy(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_pages_any_thread_count),
		cmocka_unit_test(emit_error_stops_in_order),
		cmocka_unit_test(read_error_comes_in_order),
		cmocka_unit_test(too_many_threads),
		cmocka_unit_test(windows_run_out),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
