// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the kdump-compressed reader (common/diskdump_reader): open a
// hostile dump (a memfd) and read it as makedumpfile's readers do: the
// headers, notes and VMCOREINFO, both bitmaps and pages, decompressed.
#include "config.h"

#include "diskdump_reader.h"
#include "fuzz_util.h"
#include "vmcoreinfo.h"

static void read_pfn(struct kx_diskdump_reader *r, uint64_t pfn, void *page)
{
	bool yes;
	struct kx_diskdump_page_desc d;
	fuzz_drop(kx_diskdump_reader_pfn_present(r, pfn, &yes));
	fuzz_drop(kx_diskdump_reader_pfn_dumpable(r, pfn, &yes));
	// read_page() starts with page_desc(): where that fails, it fails the
	// same way, and the error messages were half of the harness's time.
	struct kx_error *err = kx_diskdump_reader_page_desc(r, pfn, &d);
	if (!err)
		fuzz_drop(kx_diskdump_reader_read_page(r, pfn, page));
	fuzz_drop(err);
}

static void walk(struct kx_diskdump_reader *r)
{
	const struct kx_diskdump_layout *l = kx_diskdump_reader_layout(r);
	size_t n;
	const char *text = kx_diskdump_reader_vmcoreinfo(r, &n);
	struct kx_vmcoreinfo *vi = NULL;
	if (text)
		fuzz_drop(kx_vmcoreinfo_create(text, n, &vi));
	kx_vmcoreinfo_destroy(vi);
	(void)kx_diskdump_reader_notes(r, &n);
	(void)kx_diskdump_reader_header(r);
	(void)kx_diskdump_reader_sub_header(r);
	(void)kx_diskdump_reader_incomplete(r);
	void *page = malloc(l->block_size);
	if (!page)
		return;
	// The first pfns (where the seeds keep their pages), the last one and
	// one past the end.
	for (uint64_t pfn = 0; pfn < 48 && pfn < l->max_mapnr; pfn++)
		read_pfn(r, pfn, page);
	if (l->max_mapnr)
		read_pfn(r, l->max_mapnr - 1, page);
	read_pfn(r, l->max_mapnr, page);
	free(page);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = fuzz_memfd(FUZZ_MEMFD_IN, data, size);
	if (fd < 0)
		return 0;
	struct kx_diskdump_reader *r;
	struct kx_error *err = kx_diskdump_reader_create(fd, "fuzz-dump", &r);
	if (!err) {
		walk(r);
		kx_diskdump_reader_destroy(r);
	}
	fuzz_drop(err);
	return 0;
}
