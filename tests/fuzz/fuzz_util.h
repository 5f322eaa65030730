/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuzz_util.h
 * Helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
 * Header-only: each harness is its own program and includes it once.
 *
 * A harness must behave like the program it stands for: hand the input to
 * the same library call, then use the result the way the program does, so
 * that what the parser accepts is also exercised. Every error is simply
 * freed: failing cleanly is the expected outcome for most inputs.
 */
#ifndef KX_FUZZ_UTIL_H
#define KX_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Free @p err (any error, NULL included) and report nothing: errors are expected. */
static inline void fuzz_drop(struct kx_error *err)
{
	kx_error_destroy(err);
}

/** The memfds a harness reuses: its input, and an output (flattened's). */
enum fuzz_memfd_slot { FUZZ_MEMFD_IN, FUZZ_MEMFD_OUT, FUZZ_NR_MEMFDS };

/**
 * A memfd holding exactly @p size bytes of @p data, positioned at its
 * start, for APIs that read a file descriptor (as the programs read
 * /proc/vmcore, a dump file or a flattened stream on stdin); size 0 gives
 * an empty file to write to.
 *
 * One memfd per @p slot, made on first use and refilled for every input:
 * making and closing one per input (a tmpfs inode each time) was 10-17%
 * of the time of the harnesses that read one. The caller must not close it.
 * @return the descriptor, or -1 when it cannot be filled (the input is skipped).
 */
static inline int fuzz_memfd(enum fuzz_memfd_slot slot, const uint8_t *data, size_t size)
{
	static int fds[FUZZ_NR_MEMFDS] = { -1, -1 };
	if (fds[slot] < 0)
		fds[slot] = memfd_create("kx-fuzz", MFD_CLOEXEC);
	int fd = fds[slot];
	if (fd < 0)
		return -1;
	// Overwrite, then cut what the previous input left beyond size.
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	if (ftruncate(fd, (off_t)size) != 0)
		return -1;
	// Streams (the flattened format) read from the current offset.
	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	return fd;
}

/** A NUL-terminated heap copy of the input, for text APIs; NULL on OOM. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/**
 * Where tests/data is: $KX_TEST_DATA when set (run.sh sets it), else the
 * source tree configure saw (KX_FUZZ_TEST_DATA, set by the fuzz rule).
 */
static inline const char *fuzz_test_data(void)
{
	const char *d = getenv("KX_TEST_DATA");
	return d && *d ? d : KX_FUZZ_TEST_DATA;
}

#endif /* KX_FUZZ_UTIL_H */
