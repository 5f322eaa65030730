// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the kernel command line parser (common/cmdline) with both quoting
// rules, and the edits kexec and kdumpctl make. Rendering what was parsed
// must be stable: parse(render(x)) renders to the same text.
#include "config.h"

#include "cmdline.h"
#include "fuzz_util.h"

static const char *const drop[] = { "BOOT_IMAGE", "initrd", "kexec", NULL };

static bool is_crashkernel(const struct kx_cmdline_param *p, void *arg)
{
	(void)arg;
	return p->value && p->value[0] == '0';
}

// Edit @p cl as the tools do, then render and re-parse.
static void edit_and_render(struct kx_cmdline *cl, enum kx_cmdline_quoting q)
{
	(void)kx_cmdline_has(cl, "crashkernel");
	(void)kx_cmdline_find_last(cl, "root");
	kx_cmdline_remove_names(cl, drop);
	kx_cmdline_remove_if(cl, is_crashkernel, NULL);
	fuzz_drop(kx_cmdline_append_param(cl, "irqpoll", NULL));
	fuzz_drop(kx_cmdline_prepend(cl, "nr_cpus=1"));
	fuzz_drop(kx_cmdline_check_size(cl, 2048));
	char *a = NULL, *b = NULL;
	struct kx_cmdline again;
	kx_cmdline_init(&again, q);
	if (kx_cmdline_render(cl, &a) == NULL && a) {
		if (strlen(a) != kx_cmdline_length(cl))
			abort(); // the length contract is broken
		if (kx_cmdline_parse(a, q, &again) == NULL &&
		    kx_cmdline_render(&again, &b) == NULL && strcmp(a, b) != 0)
			abort(); // rendering is not a fixed point
	}
	kx_cmdline_deinit(&again);
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	if (!text)
		return 0;
	const enum kx_cmdline_quoting qs[] = { KX_CMDLINE_QUOTE_KERNEL, KX_CMDLINE_QUOTE_SHELL };
	for (size_t i = 0; i < 2; i++) {
		struct kx_cmdline cl;
		kx_cmdline_init(&cl, qs[i]);
		struct kx_error *err = kx_cmdline_parse(text, qs[i], &cl);
		if (!err) {
			fuzz_drop(kx_cmdline_append(&cl, text));
			edit_and_render(&cl, qs[i]);
		}
		fuzz_drop(err);
		kx_cmdline_deinit(&cl);
	}
	free(text);
	return 0;
}
