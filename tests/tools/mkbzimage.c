// SPDX-License-Identifier: GPL-2.0-only
// mkbzimage: write a synthetic bzImage (tests/tools/mkbzimage.h) for the
// kexec program tests. Usage: mkbzimage [KEY=VALUE...] OUT, keys: version,
// xloadflags, loadflags, setup_sects, align, relocatable, pref, init_size,
// cmdline_size, initrd_max, payload, truncate (cut the file to that many
// bytes). Numbers take 0x.
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkbzimage.h"

static int set(struct mkbz_spec *s, size_t *truncate, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *end;
	if (!eq)
		return -1;
	unsigned long long v = strtoull(eq + 1, &end, 0);
	if (*end || end == eq + 1)
		return -1;
	size_t n = (size_t)(eq - arg);
	char key[32];
	if (n >= sizeof(key))
		return -1;
	memcpy(key, arg, n);
	key[n] = 0;
	if (!strcmp(key, "version"))
		s->version = (uint16_t)v;
	else if (!strcmp(key, "xloadflags"))
		s->xloadflags = (uint16_t)v;
	else if (!strcmp(key, "loadflags"))
		s->loadflags = (uint8_t)v;
	else if (!strcmp(key, "setup_sects"))
		s->setup_sects = (unsigned int)v;
	else if (!strcmp(key, "align"))
		s->kernel_alignment = (uint32_t)v;
	else if (!strcmp(key, "relocatable"))
		s->relocatable = (uint8_t)v;
	else if (!strcmp(key, "pref"))
		s->pref_address = v;
	else if (!strcmp(key, "init_size"))
		s->init_size = (uint32_t)v;
	else if (!strcmp(key, "cmdline_size"))
		s->cmdline_size = (uint32_t)v;
	else if (!strcmp(key, "initrd_max"))
		s->initrd_addr_max = (uint32_t)v;
	else if (!strcmp(key, "payload"))
		s->payload_size = (size_t)v;
	else if (!strcmp(key, "truncate"))
		*truncate = (size_t)v;
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct mkbz_spec s = mkbz_default();
	size_t truncate = 0, size;
	if (argc < 2) {
		fputs("usage: mkbzimage [KEY=VALUE...] OUT\n", stderr);
		return 2;
	}
	for (int i = 1; i < argc - 1; i++) {
		if (set(&s, &truncate, argv[i]) != 0) {
			fprintf(stderr, "mkbzimage: bad setting %s\n", argv[i]);
			return 2;
		}
	}
	uint8_t *img = mkbz_build(&s, &size);
	if (!img)
		return 1;
	if (truncate && truncate < size)
		size = truncate;
	FILE *f = fopen(argv[argc - 1], "wb");
	int bad = !f || fwrite(img, 1, size, f) != size;
	if (f && fclose(f) != 0)
		bad = 1;
	free(img);
	if (bad) {
		perror(argv[argc - 1]);
		return 1;
	}
	return 0;
}
