// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the purgatory relocator (arch/purgatory.c) with a hostile ELF
// relocatable object in place of the embedded one: parse it for the
// machine its header names, place and relocate it through kexec's plan
// builder, then patch and hash as the x86_64 and LoongArch loaders do.
#include "config.h"

#include "byteorder.h"
#include "fuzz_plan.h"
#include "fuzz_util.h"
#include "purgatory.h"

enum { EM_X86_64_ = 62, EM_LOONGARCH_ = 258 };

static void patch(struct kx_purgatory *p, const struct kx_load_builder *b)
{
	uint64_t v;
	uint8_t regs[8];
	fuzz_drop(kx_purgatory_set_uint(p, "cmdline_end", 0x12345, 8));
	fuzz_drop(kx_purgatory_set_uint(p, "panic_kernel", 1, 1));
	fuzz_drop(kx_purgatory_set_uint(p, "serial_base", 0x3f8, 2));
	fuzz_drop(kx_purgatory_get_symbol(p, "kernel_entry", regs, sizeof(regs)));
	fuzz_drop(kx_purgatory_symbol_addr(p, "stack_end", &v));
	fuzz_drop(kx_purgatory_set_digest(p, b, NULL, 0));
	fuzz_drop(kx_purgatory_entry(p, &v));
	(void)kx_purgatory_image(p);
	(void)kx_purgatory_mem(p);
}

static void place(struct kx_purgatory *p, uint16_t machine)
{
	const struct kx_arch *arch = kx_arch_by_elf_machine(machine);
	struct fuzz_plan fp;
	if (!arch || fuzz_plan_init(&fp, arch))
		return;
	uint64_t window = machine == EM_LOONGARCH_ ? 0x9000000000000000ULL : 0;
	struct kx_error *err = kx_purgatory_place(p, &fp.b, 0x3000, UINT64_MAX,
						  KX_HOLE_LAST_FIT, window);
	if (!err)
		patch(p, &fp.b);
	fuzz_drop(err);
	fuzz_plan_deinit(&fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	// The loaders ask for their own machine; take the one the header names
	// so that both relocation sets are reached.
	uint16_t machine = size >= 20 ? kx_get_le16(data + 18) : EM_X86_64_;
	if (machine != EM_LOONGARCH_)
		machine = EM_X86_64_;
	struct kx_purgatory *p;
	struct kx_error *err = kx_purgatory_create(data, size, "fuzz purgatory", machine, &p);
	if (!err) {
		(void)kx_purgatory_bufsz(p);
		(void)kx_purgatory_memsz(p);
		place(p, machine);
		kx_purgatory_destroy(p);
	}
	fuzz_drop(err);
	return 0;
}
