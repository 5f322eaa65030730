/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fake_phys.h
 * A fake physical memory for page-table tests: a sparse set of pages of
 * MEM_PAGE bytes (at most MEM_MAX_PAGES), with a read counter and one page
 * that can be made to read as excluded (KX_ERROR_NODATA). Define MEM_PAGE
 * and MEM_MAX_PAGES (an enum is fine) before including it; include after
 * cmocka.h, test_util.h, byteorder.h and <inttypes.h>.
 */
#ifndef KX_FAKE_PHYS_H
#define KX_FAKE_PHYS_H

struct fake_mem {
	uint64_t paddr[MEM_MAX_PAGES];
	unsigned char *data[MEM_MAX_PAGES];
	size_t n;
	unsigned int reads;
	uint64_t excluded; // a page reported as NODATA, 0 = none
};

static unsigned char *mem_find(struct fake_mem *m, uint64_t paddr)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->paddr[i] == paddr)
			return m->data[i];
	return NULL;
}

static unsigned char *mem_page(struct fake_mem *m, uint64_t paddr)
{
	paddr &= ~(uint64_t)(MEM_PAGE - 1);
	unsigned char *p = mem_find(m, paddr);
	if (p)
		return p;
	assert_true(m->n < MEM_MAX_PAGES);
	p = test_calloc(1, MEM_PAGE);
	m->paddr[m->n] = paddr;
	m->data[m->n++] = p;
	return p;
}

static void mem_free(struct fake_mem *m)
{
	for (size_t i = 0; i < m->n; i++)
		test_free(m->data[i]);
	m->n = 0;
}

static void mem_put64(struct fake_mem *m, uint64_t paddr, uint64_t v)
{
	kx_put_le64(mem_page(m, paddr) + (paddr & (MEM_PAGE - 1)), v);
}

static struct kx_error *mem_read(void *arg, uint64_t paddr, void *buf, size_t size)
{
	struct fake_mem *m = arg;
	unsigned char *out = buf;
	m->reads++;
	while (size) {
		uint64_t base = paddr & ~(uint64_t)(MEM_PAGE - 1);
		if (m->excluded && base == m->excluded)
			return kx_error_create(KX_ERROR_NODATA, "page %#" PRIx64 " is excluded", base);
		const unsigned char *p = mem_find(m, base);
		if (!p)
			return kx_error_fault(paddr, "physical %#" PRIx64 " is not in the dump", paddr);
		size_t off = (size_t)(paddr - base), n = MEM_PAGE - off;
		if (n > size)
			n = size;
		memcpy(out, p + off, n);
		out += n, paddr += n, size -= n;
	}
	return NULL;
}

#endif /* KX_FAKE_PHYS_H */
