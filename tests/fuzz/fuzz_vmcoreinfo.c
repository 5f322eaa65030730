// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the VMCOREINFO parser (common/vmcoreinfo) with the note text as
// makedumpfile, vmcore-dmesg and the printk reader consume it.
#include "config.h"

#include "fuzz_util.h"
#include "printk.h"
#include "vmcoreinfo.h"

// The lookups the tools make, by every accessor.
static void lookups(const struct kx_vmcoreinfo *vi)
{
	uint64_t u;
	int64_t s;
	const char *str;
	enum kx_printk_format fmt;
	fuzz_drop(kx_vmcoreinfo_symbol(vi, "prb", &u));
	fuzz_drop(kx_vmcoreinfo_symbol(vi, "init_top_pgt", &u));
	fuzz_drop(kx_vmcoreinfo_size(vi, "page", &u));
	fuzz_drop(kx_vmcoreinfo_offset(vi, "page.flags", &u));
	fuzz_drop(kx_vmcoreinfo_length(vi, "mem_section", &u));
	fuzz_drop(kx_vmcoreinfo_number(vi, "phys_base", &s));
	fuzz_drop(kx_vmcoreinfo_number_u64(vi, "PG_lru", &u));
	fuzz_drop(kx_vmcoreinfo_string(vi, "OSRELEASE", &str));
	fuzz_drop(kx_vmcoreinfo_string(vi, "SYMBOL(_stext)", &str));
	fuzz_drop(kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_PLAIN, "CRASHTIME", &u));
	(void)kx_vmcoreinfo_has(vi, "KERNELOFFSET");
	(void)kx_vmcoreinfo_find(vi, KX_VMCOREINFO_SIZE, "printk_info");
	fuzz_drop(kx_printk_detect(vi, &fmt));
	// Every entry once more by its own name, as the sorted search sees it.
	for (size_t i = 0; i < vi->nr_entries; i++)
		(void)kx_vmcoreinfo_find(vi, vi->entries[i].kind, vi->entries[i].name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_vmcoreinfo *vi;
	struct kx_error *err = kx_vmcoreinfo_create(data, size, &vi);
	if (err) {
		fuzz_drop(err);
		return 0;
	}
	lookups(vi);
	kx_vmcoreinfo_destroy(vi);
	return 0;
}
