// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the ELF vmcore reader (common/elf_core): open a hostile
// /proc/vmcore (a memfd), then walk what it reports as makedumpfile and
// vmcore-dmesg do: notes, VMCOREINFO, PRSTATUS, and physical reads.
#include "config.h"

#include "fuzz_elf.h"
#include "vmcoreinfo.h"

static void read_around(const struct kx_elf_core *core, uint64_t paddr)
{
	uint8_t buf[64];
	struct kx_elf_core_extent ext;
	uint64_t off, avail;
	fuzz_drop(kx_elf_core_paddr_extent(core, paddr, &ext));
	fuzz_drop(kx_elf_core_paddr_to_offset(core, paddr, &off, &avail));
	fuzz_drop(kx_elf_core_read_paddr(core, paddr, buf, sizeof(buf)));
}

static void walk(const struct kx_elf_core *core)
{
	size_t n;
	const struct kx_elf_core_load *loads = kx_elf_core_loads(core, &n);
	for (size_t i = 0; i < n && i < 64; i++) {
		read_around(core, loads[i].paddr);
		if (loads[i].memsz)
			read_around(core, loads[i].paddr + loads[i].memsz - 1);
		read_around(core, loads[i].paddr + loads[i].filesz);
	}
	const struct kx_elf_core_note *notes = kx_elf_core_notes(core, &n);
	for (size_t i = 0; i < n; i++)
		(void)kx_elf_core_note_name_is(&notes[i], "CORE");
	(void)kx_elf_core_note_segments(core, &n);
	size_t cpus = kx_elf_core_num_prstatus(core);
	for (size_t i = 0; i < cpus; i++)
		(void)kx_elf_core_prstatus(core, i);
	const char *text;
	size_t size;
	struct kx_vmcoreinfo *vi;
	struct kx_error *err = kx_elf_core_vmcoreinfo(core, &text, &size);
	if (!err && !(err = kx_vmcoreinfo_create(text, size, &vi)))
		kx_vmcoreinfo_destroy(vi);
	fuzz_drop(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_elf_core_run(data, size, walk);
	return 0;
}
