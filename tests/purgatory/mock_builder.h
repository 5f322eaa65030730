/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file mock_builder.h
 * A stand-in for kexec's plan builder (arch/loader.h) for the purgatory
 * tests: add_buffer() places at an address the test chose, segments are
 * kept in order, and nothing is validated. Header-only; each test program
 * includes it once.
 */
#ifndef KX_TEST_MOCK_BUILDER_H
#define KX_TEST_MOCK_BUILDER_H

#include <stdlib.h>

#include "loader.h"

enum { MOCK_MAX_SEGMENTS = 32 };

/** The mock's state; zero-initialize, then set next_mem. */
struct mock_builder {
	struct kx_load_builder b;        /**< hand &m->b to the code under test */
	struct kx_segment_view seg[MOCK_MAX_SEGMENTS]; /**< bufs owned (malloc'd) */
	size_t count;                    /**< segments so far */
	uint64_t next_mem;               /**< where the next add_buffer() lands */
	uint64_t entry;                  /**< last set_entry() */
	struct kx_buffer_spec last_spec; /**< last add_buffer() request */
};

static struct kx_error *mock_add_segment(struct kx_load_builder *b, void *buf, size_t bufsz,
					 uint64_t mem, uint64_t memsz, const char *role)
{
	struct mock_builder *m = b->impl;
	if (m->count == MOCK_MAX_SEGMENTS) {
		free(buf);
		return kx_error_create(KX_ERROR_NOSPACE, "mock builder full");
	}
	m->seg[m->count++] = (struct kx_segment_view){ buf, bufsz, mem, memsz, role };
	return NULL;
}

static struct kx_error *mock_add_buffer(struct kx_load_builder *b,
					const struct kx_buffer_spec *spec, uint64_t *ret_mem)
{
	struct mock_builder *m = b->impl;
	uint64_t a = spec->align < 4096 ? 4096 : spec->align;
	uint64_t mem = (m->next_mem + a - 1) & ~(a - 1);
	uint64_t memsz = (spec->memsz + 4095) & ~(uint64_t)4095;

	m->last_spec = *spec;
	struct kx_error *err = mock_add_segment(b, spec->buf, spec->bufsz, mem, memsz, spec->role);
	if (err)
		return err;
	*ret_mem = mem;
	return NULL;
}

static void mock_set_entry(struct kx_load_builder *b, uint64_t entry)
{
	((struct mock_builder *)b->impl)->entry = entry;
}

static size_t mock_count(const struct kx_load_builder *b)
{
	return ((const struct mock_builder *)b->impl)->count;
}

static void mock_segment(const struct kx_load_builder *b, size_t i, struct kx_segment_view *ret)
{
	*ret = ((const struct mock_builder *)b->impl)->seg[i];
}

static const struct kx_load_builder_ops mock_ops = {
	.add_buffer = mock_add_buffer,
	.add_segment = mock_add_segment,
	.set_entry = mock_set_entry,
	.count = mock_count,
	.segment = mock_segment,
};

/** Initialize @p m with no segments; add_buffer() lands at @p next_mem. */
static inline void mock_builder_init(struct mock_builder *m, uint64_t next_mem)
{
	*m = (struct mock_builder){ .next_mem = next_mem };
	m->b.ops = &mock_ops;
	m->b.impl = m;
}

/** Free every segment buffer. */
static inline void mock_builder_deinit(struct mock_builder *m)
{
	for (size_t i = 0; i < m->count; i++)
		free((void *)m->seg[i].buf);
	m->count = 0;
}

#endif /* KX_TEST_MOCK_BUILDER_H */
