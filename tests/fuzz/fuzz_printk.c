// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the printk ring-buffer reader (common/printk) over a hostile ELF
// vmcore, exactly as vmcore-dmesg reads it: the VMCOREINFO note, kernel
// virtual memory through vmcore-dmesg/vmcore_kmem (PT_LOAD vaddrs, then
// the page tables), and every record rendered in both output styles, up
// to a budget (4096 records, 1 MiB of text).
// Seeds are compact vmcores (tests/fuzz/mkseed.c) whose few pages hold
// the generator's log structures, so mutations land in the ring.
#include "config.h"

#include "fuzz_elf.h"
#include "printk.h"
#include "vmcore_kmem.h"
#include "vmcoreinfo.h"

// How much of a log one input may render before the harness stops reading,
// as vmcore-dmesg piped into head stops: the reader must then stop cleanly
// on its visitor's error. Beyond this a hostile log only repeats the same
// loop: 2 GiB of p_memsz zeros as a legacy buffer, or 150 PT_LOADs (or
// page tables) that map one page of 16-byte records again and again (in a
// 20 KB input, 37,000 records, 0.8 s; through page tables, 2 GiB of them).
enum { BUDGET_RECORDS = 4096, BUDGET_BYTES = 1 << 20 };

struct budget {
	size_t records, bytes;
};

static struct kx_error *render(void *arg, const struct kx_printk_record *rec)
{
	struct budget *b = arg;
	b->bytes += rec->text_size;
	if (++b->records > BUDGET_RECORDS || b->bytes > BUDGET_BYTES)
		return kx_error_create(KX_ERROR_INTERRUPTED, "the harness's budget is spent");
	char buf[512];
	size_t n;
	// The fixed buffer is smaller than a long record on purpose: the
	// too-small path must fail cleanly too.
	fuzz_drop(kx_printk_render_buf(rec, false, buf, sizeof(buf), &n));
	fuzz_drop(kx_printk_render_buf(rec, true, buf, sizeof(buf), &n));
	return NULL;
}

static void dump_log(const struct kx_elf_core *core)
{
	const char *text;
	size_t size;
	struct kx_vmcoreinfo *vi = NULL;
	struct kx_vmcore_kmem *km = NULL;
	struct kx_error *err = kx_elf_core_vmcoreinfo(core, &text, &size);
	if (!err)
		err = kx_vmcoreinfo_create(text, size, &vi);
	if (!err)
		err = kx_vmcore_kmem_create(core, vi, &km);
	if (!err) {
		struct kx_kmem mem = { .read = kx_vmcore_kmem_read, .arg = km };
		struct budget b = { 0, 0 };
		err = kx_printk_read(vi, &mem, render, &b);
	}
	fuzz_drop(err);
	kx_vmcore_kmem_destroy(km);
	kx_vmcoreinfo_destroy(vi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_elf_core_run(data, size, dump_log);
	return 0;
}
