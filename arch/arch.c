// SPDX-License-Identifier: GPL-2.0-only
// The registry of architecture descriptors: see arch.h.
#include "config.h"

#include <string.h>

#include "arch.h"

const struct kx_arch *const kx_arches[] = {
	&kx_arch_x86_64,
	&kx_arch_loongarch64,
	NULL,
};

static int matches(const struct kx_arch *arch, const char *name)
{
	if (strcmp(arch->name, name) == 0)
		return 1;
	for (const char *const *a = arch->aliases; a && *a; a++)
		if (strcmp(*a, name) == 0)
			return 1;
	return 0;
}

const struct kx_arch *kx_arch_by_name(const char *name)
{
	for (size_t i = 0; kx_arches[i]; i++)
		if (matches(kx_arches[i], name))
			return kx_arches[i];
	return NULL;
}

const struct kx_arch *kx_arch_by_elf_machine(uint16_t machine)
{
	for (size_t i = 0; kx_arches[i]; i++)
		if (kx_arches[i]->elf_machine == machine)
			return kx_arches[i];
	return NULL;
}

const struct kx_arch *kx_arch_host(void)
{
	return kx_arch_by_name(KX_HOST_ARCH);
}
