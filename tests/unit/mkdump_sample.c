// SPDX-License-Identifier: GPL-2.0-only
// Write the synthetic dump of dump_sample.h for checks by other readers
// (tests/diskdump-libkdumpfile.sh).
//
// Usage: mkdump_sample none|zlib|lzo|zstd DUMP RAW MAP
//   DUMP  the kdump-compressed file
//   RAW   SAMPLE_MAX_MAPNR pages: each dumpable page's contents, else zeros
//   MAP   one character per pfn: 'd' dumpable, 'x' excluded, 'h' hole
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dump_writer.h"
#include "dump_sample.h"
#include "io.h"

static struct kx_error *write_expectations(const char *raw_path, const char *map_path)
{
	FILE *raw = fopen(raw_path, "wb"), *map = fopen(map_path, "w");
	struct kx_error *err = NULL;
	if (!raw || !map) {
		err = kx_error_create(KX_ERROR_OS, "cannot create %s or %s", raw_path, map_path);
		goto out;
	}
	unsigned char page[SAMPLE_BS];
	for (uint64_t pfn = 0; pfn < SAMPLE_MAX_MAPNR; pfn++) {
		enum sample_kind k = sample_kind(pfn);
		memset(page, 0, sizeof(page));
		if (k != SAMPLE_HOLE && k != SAMPLE_EXCLUDED)
			sample_page(pfn, page);
		fwrite(page, 1, sizeof(page), raw);
		fputc(k == SAMPLE_HOLE ? 'h' : k == SAMPLE_EXCLUDED ? 'x' : 'd', map);
	}
	if (ferror(raw) || ferror(map))
		err = kx_error_create(KX_ERROR_OS, "writing %s or %s failed", raw_path, map_path);
out:
	if (raw)
		fclose(raw);
	if (map)
		fclose(map);
	return err;
}

int main(int argc, char **argv)
{
	static const enum kx_compress_method methods[] = {
		KX_COMPRESS_NONE, KX_COMPRESS_ZLIB, KX_COMPRESS_LZO, KX_COMPRESS_ZSTD
	};
	if (argc != 5) {
		fprintf(stderr, "usage: mkdump_sample none|zlib|lzo|zstd DUMP RAW MAP\n");
		return 2;
	}
	size_t i = 0;
	while (i < KX_ARRAY_SIZE(methods) && strcmp(argv[1], kx_compress_method_name(methods[i])))
		i++;
	if (i == KX_ARRAY_SIZE(methods)) {
		fprintf(stderr, "mkdump_sample: unknown method %s\n", argv[1]);
		return 2;
	}
	int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	struct kx_error *err = sample_write(fd, argv[2], methods[i], 31, 0);
	close(fd);
	if (!err)
		err = write_expectations(argv[3], argv[4]);
	if (err) {
		fprintf(stderr, "mkdump_sample: %s\n", err->message);
		kx_error_destroy(err);
		return 1;
	}
	return 0;
}
