// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the /proc/iomem parser (common/iomem) and the queries kexec and
// kdumpctl make of the tree.
#include "config.h"

#include "fuzz_util.h"
#include "iomem.h"
#include "ranges.h"

typedef struct kx_error *query_fn(const struct kx_iomem *iomem, struct kx_ranges *ret);

static void query(const struct kx_iomem *iomem, query_fn *fn)
{
	struct kx_ranges r;
	kx_ranges_init(&r);
	fuzz_drop(fn(iomem, &r));
	kx_ranges_deinit(&r);
}

static void walk(const struct kx_iomem *iomem)
{
	query(iomem, kx_iomem_system_ram);
	query(iomem, kx_iomem_crash_kernel);
	query(iomem, kx_iomem_kernel_image);
	struct kx_ranges r;
	kx_ranges_init(&r);
	fuzz_drop(kx_iomem_find_ranges(iomem, "Reserved", &r));
	kx_ranges_deinit(&r);
	for (const struct kx_iomem_entry *e = kx_iomem_first(iomem); e; e = e->next_sibling)
		(void)e->first_child;
	const struct kx_iomem_entry *e = NULL;
	while ((e = kx_iomem_find_next(iomem, e, "System RAM")))
		;
	(void)kx_iomem_at(iomem, kx_iomem_count(iomem));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_iomem *iomem;
	struct kx_error *err = kx_iomem_parse((const char *)data, size, "fuzz-iomem", &iomem);
	if (!err) {
		walk(iomem);
		kx_iomem_destroy(iomem);
	}
	fuzz_drop(err);
	return 0;
}
