// SPDX-License-Identifier: GPL-2.0-only
// Kernel release strings: see kver.h.
#include "config.h"

#include <stddef.h>

#include "kver.h"

// Reads a decimal component of at most 9 digits; *p is left after it.
static int component(const char **p, uint32_t *ret)
{
	const char *s = *p;
	uint32_t v = 0;
	int n = 0;
	while (*s >= '0' && *s <= '9' && n < 9) {
		v = v * 10 + (uint32_t)(*s - '0');
		s++;
		n++;
	}
	if (n == 0 || (*s >= '0' && *s <= '9'))
		return -1;
	*p = s;
	*ret = v;
	return 0;
}

struct kx_error *kx_kver_parse(const char *release, uint32_t *ret)
{
	const char *p = release;
	uint32_t major, minor, patch = 0;
	if (component(&p, &major) < 0 || *p++ != '.' || component(&p, &minor) < 0)
		goto bad;
	if (*p == '.') {
		p++;
		if (component(&p, &patch) < 0)
			goto bad;
	}
	if (major > 255 || minor > 255)
		goto bad;
	*ret = kx_kver(major, minor, patch);
	return NULL;
bad:
	return kx_error_create(KX_ERROR_CORRUPT,
			       "kernel release \"%.64s\" does not start with MAJOR.MINOR",
			       release);
}
