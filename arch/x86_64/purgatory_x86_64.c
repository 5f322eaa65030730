// SPDX-License-Identifier: GPL-2.0-only
// The x86_64 loaders' side of the purgatory (purgatory_x86_64.h in this directory):
// the embedded object from arch/x86_64/purgatory/, relocated by
// arch/purgatory.c, and the variables the loaders patch into it.
#include "config.h"

#include <stdlib.h>

#include "purgatory.h"
#include "purgatory_x86_64.h" // IWYU pragma: associated

enum { EM_X86_64 = 62 };

struct kx_x86_64_purgatory {
	struct kx_purgatory *p;
};

struct kx_error *kx_x86_64_purgatory_place(struct kx_load_builder *b,
					   struct kx_x86_64_purgatory **ret)
{
	struct kx_purgatory *p;

	KX_CHECK(kx_purgatory_x86_64_blob_size > 0, KX_ERROR_UNSUPPORTED,
		 "x86_64 purgatory not built into this kexec");
	KX_TRY(kx_purgatory_create(kx_purgatory_x86_64_blob, kx_purgatory_x86_64_blob_size,
				   "x86_64 purgatory", EM_X86_64, &p));
	// Upstream: elf_rel_build_load(min 0x3000, no max, top-down). The
	// kernel identity-maps every segment, so no upper limit is needed.
	struct kx_error *err = kx_purgatory_place(p, b, 0x3000, UINT64_MAX,
						  KX_HOLE_LAST_FIT, 0);
	if (err) {
		kx_purgatory_destroy(p);
		return err;
	}
	struct kx_x86_64_purgatory *h = malloc(sizeof(*h));
	if (!h) {
		kx_purgatory_destroy(p);
		return &kx_enomem;
	}
	h->p = p;
	*ret = h;
	return NULL;
}

struct kx_error *kx_x86_64_purgatory_finish(struct kx_x86_64_purgatory *h,
					    struct kx_load_builder *b,
					    const struct kx_x86_64_purgatory_params *params)
{
	struct kx_purgatory *p = h->p;
	const struct kx_x86_64_purgatory_regs *r = &params->regs;
	uint64_t rsp = r->rsp;

	if (rsp == 0)
		KX_TRY(kx_purgatory_symbol_addr(p, "stack_end", &rsp));
	// entry64_regs order (entry.S): rax rbx rcx rdx rsi rdi rsp rbp r8-r15 rip.
	const uint64_t regs[17] = {
		r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, rsp, r->rbp,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, r->rip,
	};
	unsigned char bytes[sizeof(regs)];
	for (size_t i = 0; i < 17; i++)
		for (size_t k = 0; k < 8; k++)
			bytes[i * 8 + k] = (unsigned char)(regs[i] >> (8 * k));
	KX_TRY(kx_purgatory_set_symbol(p, "entry64_regs", bytes, sizeof(bytes)));
	KX_TRY(kx_purgatory_set_uint(p, "cmdline_end", params->cmdline_end, 8));
	KX_TRY(kx_purgatory_set_uint(p, "panic_kernel", params->panic_kernel, 1));
	KX_TRY(kx_purgatory_set_uint(p, "skip_checks", params->skip_checks, 1));
	KX_TRY(kx_purgatory_set_uint(p, "reset_vga", params->reset_vga, 1));
	KX_TRY(kx_purgatory_set_uint(p, "console_vga", params->console_vga, 1));
	KX_TRY(kx_purgatory_set_uint(p, "console_serial", params->console_serial, 1));
	KX_TRY(kx_purgatory_set_uint(p, "serial_base", params->serial_base, 2));
	KX_TRY(kx_purgatory_set_uint(p, "serial_baud", params->serial_baud, 4));
	KX_TRY(kx_purgatory_set_uint(p, "backup_start", params->backup_start, 8));
	KX_TRY(kx_purgatory_set_uint(p, "backup_src_start", params->backup_src_start, 8));
	KX_TRY(kx_purgatory_set_uint(p, "backup_src_size", params->backup_src_size, 8));
	// Last: the digest covers the other segments only, but nothing may
	// change after it (kexec.md §6).
	KX_TRY(kx_purgatory_set_digest(p, b, &params->digest_exclude,
				       params->digest_exclude ? 1 : 0));
	uint64_t entry;
	KX_TRY(kx_purgatory_entry(p, &entry));
	b->ops->set_entry(b, entry);
	return NULL;
}

void kx_x86_64_purgatory_destroy(struct kx_x86_64_purgatory *h)
{
	if (!h)
		return;
	kx_purgatory_destroy(h->p);
	free(h);
}
