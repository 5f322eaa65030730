// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the printk ring-buffer reader (common/printk) over a hostile ELF
// vmcore, exactly as vmcore-dmesg reads it: the VMCOREINFO note, kernel
// virtual memory through vmcore-dmesg/vmcore_kmem (PT_LOAD vaddrs, then
// the page tables), and every record rendered in both output styles.
// Seeds are compact vmcores (tests/fuzz/mkseed.c) whose few pages hold
// the generator's log structures, so mutations land in the ring.
#include "config.h"

#include "fuzz_elf.h"
#include "printk.h"
#include "vmcore_kmem.h"
#include "vmcoreinfo.h"

static struct kx_error *render(void *arg, const struct kx_printk_record *rec)
{
	(void)arg;
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
		err = kx_printk_read(vi, &mem, render, NULL);
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
