// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the flattened-format reader (common/flattened) as makedumpfile -R
// uses it: rearrange a hostile stream (a memfd) into a dump file (another
// memfd). Record offsets may be anything; tmpfs keeps holes sparse.
#include "config.h"

#include "flattened.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int in = fuzz_memfd(data, size);
	if (in < 0)
		return 0;
	int out = memfd_create("kx-fuzz-out", MFD_CLOEXEC);
	if (out >= 0) {
		uint64_t n;
		fuzz_drop(kx_flattened_rearrange(in, "fuzz-in", out, "fuzz-out", &n));
		close(out);
	}
	close(in);
	return 0;
}
