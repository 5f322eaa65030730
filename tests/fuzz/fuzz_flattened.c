// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the flattened-format reader (common/flattened) as makedumpfile -R
// uses it: rearrange a hostile stream (a memfd) into a dump file (another
// memfd). Record offsets may be anything; tmpfs keeps holes sparse.
#include "config.h"

#include "flattened.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int in = fuzz_memfd(FUZZ_MEMFD_IN, data, size);
	int out = fuzz_memfd(FUZZ_MEMFD_OUT, NULL, 0);
	uint64_t n;
	if (in >= 0 && out >= 0)
		fuzz_drop(kx_flattened_rearrange(in, "fuzz-in", out, "fuzz-out", &n));
	return 0;
}
