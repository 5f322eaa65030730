// SPDX-License-Identifier: GPL-2.0-only
// The LoongArch loaders' side of the purgatory (purgatory_loongarch64.h in this
// directory): the embedded object from arch/loongarch64/purgatory/,
// relocated by arch/purgatory.c for the cached direct-map window.
#include "config.h"

#include <stdlib.h>

#include "purgatory.h"
#include "purgatory_loongarch64.h" // IWYU pragma: associated

enum { EM_LOONGARCH = 258 };

// relocate_new_kernel lives at 0x100000 and the command line at 0x108000
// (kexec.md §3.4): nothing of ours below 0x200000.
static const uint64_t purgatory_min = 0x200000;
// Physical addresses on LoongArch are at most 48 bits (PALEN).
static const uint64_t pa_mask = (UINT64_C(1) << 48) - 1;

struct kx_loongarch64_purgatory {
	struct kx_purgatory *p;
};

bool kx_loongarch64_purgatory_available(void)
{
	return kx_purgatory_loongarch64_blob_size > 0;
}

struct kx_error *kx_loongarch64_purgatory_place(struct kx_load_builder *b,
						struct kx_loongarch64_purgatory **ret)
{
	struct kx_purgatory *p;

	KX_CHECK(kx_loongarch64_purgatory_available(), KX_ERROR_UNSUPPORTED,
		 "this kexec was built without the LoongArch purgatory (configure found no "
		 "clang-19/lld-19 to cross-build it), so it cannot verify the new kernel "
		 "before entering it; rebuild with clang-19 and lld-19 installed");
	KX_TRY(kx_purgatory_create(kx_purgatory_loongarch64_blob,
				   kx_purgatory_loongarch64_blob_size, "LoongArch purgatory",
				   EM_LOONGARCH, &p));
	struct kx_error *err = kx_purgatory_place(p, b, purgatory_min, UINT64_MAX,
						  KX_HOLE_LAST_FIT, kx_loongarch64_dmw_cached);
	if (err) {
		kx_purgatory_destroy(p);
		return err;
	}
	struct kx_loongarch64_purgatory *h = malloc(sizeof(*h));
	if (!h) {
		kx_purgatory_destroy(p);
		return &kx_enomem;
	}
	h->p = p;
	*ret = h;
	return NULL;
}

struct kx_error *kx_loongarch64_purgatory_finish(struct kx_loongarch64_purgatory *h,
						 struct kx_load_builder *b,
						 const struct kx_loongarch64_purgatory_params *params)
{
	struct kx_purgatory *p = h->p;

	KX_CHECK((params->kernel_entry & ~pa_mask) == 0, KX_ERROR_INVALID_ARG,
		 "LoongArch kernel entry 0x%llx is not a physical address",
		 (unsigned long long)params->kernel_entry);
	KX_TRY(kx_purgatory_set_uint(p, "kernel_entry",
				     kx_loongarch64_dmw_cached | params->kernel_entry, 8));
	KX_TRY(kx_purgatory_set_uint(p, "dmw_base", kx_loongarch64_dmw_cached, 8));
	KX_TRY(kx_purgatory_set_uint(p, "skip_checks", params->skip_checks, 1));
	KX_TRY(kx_purgatory_set_digest(p, b, NULL, 0));
	uint64_t entry;
	KX_TRY(kx_purgatory_entry(p, &entry));
	b->ops->set_entry(b, entry);
	return NULL;
}

void kx_loongarch64_purgatory_destroy(struct kx_loongarch64_purgatory *h)
{
	if (!h)
		return;
	kx_purgatory_destroy(h->p);
	free(h);
}
