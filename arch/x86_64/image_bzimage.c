// SPDX-License-Identifier: GPL-2.0-only
// The bzImage64 loader: boot protocol 2.12+ kernels entered at startup_64
// (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol").
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "boot_params.h"
#include "image_x86_64.h"

enum { ONE_MIB = 1 << 20 };

bool kx_x86_64_bzimage_probe(const void *buf, size_t size)
{
	struct kx_x86_64_setup_header h;
	struct kx_error *err = kx_x86_64_setup_header_parse(buf, size, &h);
	kx_error_destroy(err);
	return !err;
}

static struct kx_error *place_kernel(const struct kx_load_input *in, struct kx_load_builder *b,
				     const struct kx_x86_64_setup_header *h, uint64_t *ret_mem)
{
	size_t size = in->kernel_size - h->setup_size;
	uint64_t memsz = size > h->init_size ? size : h->init_size;
	void *buf = malloc(size);
	if (!buf)
		return &kx_enomem;
	memcpy(buf, (const char *)in->kernel + h->setup_size, size);
	if (!h->relocatable) {
		*ret_mem = h->pref_address;
		return b->ops->add_segment(b, buf, size, h->pref_address, memsz, "kernel");
	}
	uint64_t min = h->pref_address > ONE_MIB ? h->pref_address : ONE_MIB;
	struct kx_buffer_spec s = { buf, size, memsz, h->kernel_alignment, min, UINT64_MAX,
				    KX_HOLE_LAST_FIT, "kernel" };
	return b->ops->add_buffer(b, &s, ret_mem);
}

struct kx_error *kx_x86_64_bzimage_load_with(const struct kx_load_input *in,
					     struct kx_load_builder *b,
					     const struct kx_x86_64_purgatory_ops *pops)
{
	struct kx_x86_64_setup_header h;
	KX_TRY(kx_x86_64_setup_header_parse(in->kernel, in->kernel_size, &h));
	struct kx_x86_64_boot st;
	uint64_t mem = 0;
	struct kx_error *err = kx_x86_64_boot_begin(&st, in, b, pops, in->kernel, &h);
	if (!err)
		err = kx_error_prefix(place_kernel(in, b, &h, &mem), "placing the kernel");
	if (!err)
		err = kx_x86_64_boot_finish(&st, mem + KX_BP_STARTUP_64);
	kx_x86_64_boot_deinit(&st);
	return err;
}

static struct kx_error *bzimage_load(const struct kx_load_input *in, struct kx_load_builder *b)
{
	return kx_x86_64_bzimage_load_with(in, b, &kx_x86_64_purgatory_default);
}

const struct kx_image_loader kx_x86_64_bzimage64_loader = {
	.name = "bzImage64",
	.probe = kx_x86_64_bzimage_probe,
	.load = bzimage_load,
	.usage = NULL,
};
