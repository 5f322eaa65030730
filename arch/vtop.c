// SPDX-License-Identifier: GPL-2.0-only
// The arch-neutral page-table walk: one loop for every architecture, which
// asks the arch's decode hook what each entry means. See vtop.h.
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include "arch.h"
#include "byteorder.h"
#include "vtop.h"

struct kx_error *kx_vtop_create(const struct kx_arch *arch,
				const struct kx_vtop_params *params,
				const struct kx_phys_reader *mem, struct kx_vtop **ret)
{
	if (!arch || !params || !mem || !mem->read)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "vtop: missing architecture, parameters or reader");
	if (!arch->vtop)
		return kx_error_create(KX_ERROR_UNSUPPORTED,
				       "%s: page-table translation is not supported",
				       arch->name);
	struct kx_vtop *vt = calloc(1, sizeof(*vt));
	if (!vt)
		return &kx_enomem;
	vt->arch = arch;
	vt->ops = arch->vtop;
	vt->mem = *mem;
	vt->params = *params;
	struct kx_error *err = vt->ops->init(vt);
	if (err) {
		free(vt);
		return kx_error_prefix(err, "%s page tables", arch->name);
	}
	*ret = vt;
	return NULL;
}

void kx_vtop_destroy(struct kx_vtop *vt)
{
	free(vt);
}

uint64_t kx_vtop_root(const struct kx_vtop *vt)
{
	return vt->root;
}

// Read the entry of @p level for @p vaddr from @p table, reporting it.
static struct kx_error *read_entry(const struct kx_vtop *vt, unsigned int level,
				   uint64_t table, uint64_t vaddr,
				   const struct kx_vtop_trace *trace, uint64_t *entry_ret,
				   uint64_t *at_ret)
{
	uint64_t mask = ((uint64_t)1 << vt->index_bits[level]) - 1;
	unsigned int index = (unsigned int)((vaddr >> vt->shift[level]) & mask);
	uint64_t at = table + (uint64_t)index * 8;
	unsigned char buf[8];
	struct kx_error *err = vt->mem.read(vt->mem.arg, at, buf, sizeof(buf));
	if (err)
		return kx_error_prefix(err, "translating %#" PRIx64 ": reading %s entry at physical %#"
				       PRIx64, vaddr, vt->level_name[level], at);
	// Both supported architectures are little-endian; a big-endian one
	// would add an endianness field to the descriptor and branch here.
	uint64_t entry = kx_get_le64(buf);
	if (trace && trace->step) {
		struct kx_vtop_step step = {
			.level = vt->level_name[level], .table = table, .index = index,
			.entry_paddr = at, .entry = entry,
		};
		trace->step(trace->arg, &step);
	}
	*entry_ret = entry;
	*at_ret = at;
	return NULL;
}

struct kx_error *kx_vtop_translate(const struct kx_vtop *vt, uint64_t vaddr,
				   const struct kx_vtop_trace *trace,
				   uint64_t *paddr_ret, uint64_t *size_ret)
{
	bool done = false;
	uint64_t paddr = 0, size = 0;
	KX_TRY(vt->ops->direct(vt, vaddr, &done, &paddr, &size));
	uint64_t table = vt->root;
	// One read per level and never more than KX_VTOP_MAX_LEVELS levels:
	// a table that points back at itself cannot make this loop longer.
	for (unsigned int level = 0; !done && level < vt->levels; level++) {
		uint64_t entry = 0, at = 0, next = 0;
		KX_TRY(read_entry(vt, level, table, vaddr, trace, &entry, &at));
		const char *name = vt->level_name[level];
		switch (vt->ops->decode(vt, level, entry, &next)) {
		case KX_VTOP_NONE:
			return kx_error_fault(vaddr, "%#" PRIx64 " is not mapped: %s entry %#"
					      PRIx64 " at physical %#" PRIx64 " is not present",
					      vaddr, name, entry, at);
		case KX_VTOP_TABLE:
			if (level + 1 < vt->levels) {
				table = next;
				continue;
			}
			break;
		case KX_VTOP_LEAF:
			size = (uint64_t)1 << vt->shift[level];
			paddr = next + (vaddr & (size - 1));
			done = true;
			continue;
		case KX_VTOP_BAD:
			break;
		}
		return kx_error_create(KX_ERROR_CORRUPT,
				       "translating %#" PRIx64 ": malformed %s entry %#" PRIx64
				       " at physical %#" PRIx64, vaddr, name, entry, at);
	}
	if (!done) // only a back end with zero levels gets here
		return kx_error_create(KX_ERROR_CORRUPT,
				       "translating %#" PRIx64 ": no page-table levels", vaddr);
	*paddr_ret = paddr;
	if (size_ret)
		*size_ret = size;
	return NULL;
}

// The physical address of @vaddr and the bytes left in its mapping, from
// @hint when it holds that mapping, else by a walk it then remembers.
static struct kx_error *translate_hinted(const struct kx_vtop *vt, struct kx_vtop_hint *hint,
					 uint64_t vaddr, uint64_t *paddr, uint64_t *left)
{
	if (vaddr - hint->vaddr >= hint->size) {
		uint64_t pa, map_size;
		KX_TRY(kx_vtop_translate(vt, vaddr, NULL, &pa, &map_size));
		// The walk reports the naturally aligned size of the mapping.
		uint64_t start = vaddr & ~(map_size - 1);
		*hint = (struct kx_vtop_hint){ .vaddr = start, .paddr = pa - (vaddr - start),
					       .size = map_size };
	}
	*paddr = hint->paddr + (vaddr - hint->vaddr);
	*left = hint->size - (vaddr - hint->vaddr);
	return NULL;
}

struct kx_error *kx_vtop_read_hinted(const struct kx_vtop *vt, struct kx_vtop_hint *hint,
				     uint64_t vaddr, void *buf, size_t size)
{
	struct kx_vtop_hint own = { 0 };
	if (!hint)
		hint = &own;  // a read on its own still walks once per mapping
	uint8_t *out = buf;
	while (size) {
		uint64_t paddr, left;
		struct kx_error *err = translate_hinted(vt, hint, vaddr, &paddr, &left);
		if (!err) {
			size_t n = left < size ? (size_t)left : size;
			err = vt->mem.read(vt->mem.arg, paddr, out, n);
			if (!err) {
				out += n;
				vaddr += n;
				size -= n;
				continue;
			}
		}
		return kx_error_prefix(err, "reading kernel memory at %#" PRIx64, vaddr);
	}
	return NULL;
}

struct kx_error *kx_vtop_read(const struct kx_vtop *vt, uint64_t vaddr, void *buf,
			      size_t size)
{
	return kx_vtop_read_hinted(vt, NULL, vaddr, buf, size);
}
