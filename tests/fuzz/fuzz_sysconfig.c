// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the /etc/sysconfig/kdump reader (kdumpctl/sysconfig) and the
// lookups kdumpctl makes.
#include "config.h"

#include "fuzz_util.h"
#include "sysconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"KDUMP_COMMANDLINE", "KDUMP_COMMANDLINE_REMOVE", "KDUMP_COMMANDLINE_APPEND",
		"KEXEC_ARGS", "KDUMP_KERNELVER", "KDUMP_IMG", "KDUMP_IMG_EXT",
	};
	struct kx_sysconfig *sc;
	struct kx_error *err = kx_sysconfig_parse((const char *)data, size, "fuzz-sysconfig", &sc);
	if (err) {
		fuzz_drop(err);
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)kx_sysconfig_get(sc, names[i]);
		(void)kx_sysconfig_get_or(sc, names[i], "");
		(void)kx_sysconfig_value(sc, names[i]);
	}
	kx_sysconfig_destroy(sc);
	return 0;
}
