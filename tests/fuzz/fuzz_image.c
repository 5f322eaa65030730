// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the kernel image probes and loaders of every architecture (x86_64
// bzImage and ELF, LoongArch ELF, PE and zboot; arch/loader.h) as kexec
// uses them: every loader whose probe accepts the bytes loads them through
// kexec's real plan builder against the architecture's fake root, and
// kexec_file_load's file_image() hook runs where there is one.
#include "config.h"

#include <stdio.h>

#include "fuzz_plan.h"
#include "fuzz_util.h"
#include "loader.h"
#include "root.h"

// One fake root per entry of kx_arches[] (tests/data/roots/).
static const char *const root_names[] = { "x86_64-16g", "loongarch64-16g" };
enum { NR_ROOTS = sizeof(root_names) / sizeof(root_names[0]) };
static struct kx_root roots[NR_ROOTS];
static bool have_root[NR_ROOTS];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < NR_ROOTS; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/roots/%s", fuzz_test_data(), root_names[i]);
		struct kx_error *err = kx_root_init(&roots[i], path);
		have_root[i] = !err;
		fuzz_drop(err);
	}
	return 0;
}

static void load(const struct kx_arch *arch, const struct kx_root *root,
		 const struct kx_image_loader *l, const uint8_t *data, size_t size)
{
	struct fuzz_plan fp;
	if (fuzz_plan_init(&fp, arch))
		return;
	struct kx_ranges none;
	kx_ranges_init(&none);
	struct kx_load_input in = {
		.arch = arch, .root = root, .kernel_path = "fuzz-kernel", .kernel = data,
		.kernel_size = size, .cmdline = "console=ttyS0 root=/dev/vda",
		.page_size = arch->default_page_size, .ram = &fp.ram, .memmap = &fp.map,
		.crash_regions = &none,
	};
	fuzz_drop(l->load(&in, &fp.b));
	if (l->file_image) {
		void *buf = NULL;
		size_t n;
		fuzz_drop(l->file_image(data, size, "fuzz-kernel", &buf, &n));
		free(buf);
	}
	fuzz_plan_deinit(&fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t a = 0; kx_arches[a] && a < NR_ROOTS; a++) {
		const struct kx_arch *arch = kx_arches[a];
		for (size_t i = 0; arch->loaders && arch->loaders[i]; i++) {
			const struct kx_image_loader *l = arch->loaders[i];
			if (have_root[a] && l->probe(data, size))
				load(arch, &roots[a], l, data, size);
		}
	}
	return 0;
}
