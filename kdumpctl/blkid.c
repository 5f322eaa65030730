// SPDX-License-Identifier: GPL-2.0-only
// File-system UUIDs and labels from superblocks: see blkid.h.
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "blkid.h"
#include "root.h"

enum {
	EXT_SB = 1024, EXT_MAGIC = 0x38, EXT_UUID = 0x68, EXT_LABEL = 0x78, EXT_LABEL_LEN = 16,
	XFS_UUID = 32, XFS_LABEL = 108, XFS_LABEL_LEN = 12,
	BTRFS_SB = 65536, BTRFS_FSID = 0x20, BTRFS_MAGIC = 0x40, BTRFS_LABEL = 0x12b,
	BTRFS_LABEL_LEN = 256, SB_READ = 1024, UUID_LEN = 16,
};

// Read @p size bytes at @p off; *short_read when the device ends first.
static struct kx_error *get(int fd, const char *path, uint64_t off, unsigned char *buf,
			    size_t size, bool *short_read)
{
	ssize_t n = pread(fd, buf, size, (off_t)off);
	if (n < 0)
		return kx_error_os(errno, path, "cannot read %s", path);
	*short_read = (size_t)n < size;
	return NULL;
}

static void uuid_str(const unsigned char *u, char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

static void fill(struct kx_blkid *b, const char *type, const unsigned char *uuid,
		 const unsigned char *label, size_t label_len)
{
	snprintf(b->type, sizeof(b->type), "%s", type);
	uuid_str(uuid, b->uuid);
	size_t n = strnlen((const char *)label, label_len);
	memcpy(b->label, label, n);
	b->label[n] = '\0';
}

struct kx_error *kx_blkid_probe(int fd, const char *path, struct kx_blkid *ret,
				bool *ret_found)
{
	unsigned char sb[SB_READ];
	bool shrt;
	*ret_found = false;
	KX_TRY(get(fd, path, EXT_SB, sb, sizeof(sb), &shrt));
	if (!shrt && sb[EXT_MAGIC] == 0x53 && sb[EXT_MAGIC + 1] == 0xEF) {
		fill(ret, "ext4", sb + EXT_UUID, sb + EXT_LABEL, EXT_LABEL_LEN);
		*ret_found = true;
		return NULL;
	}
	KX_TRY(get(fd, path, 0, sb, sizeof(sb), &shrt));
	if (!shrt && memcmp(sb, "XFSB", 4) == 0) {
		fill(ret, "xfs", sb + XFS_UUID, sb + XFS_LABEL, XFS_LABEL_LEN);
		*ret_found = true;
		return NULL;
	}
	KX_TRY(get(fd, path, BTRFS_SB, sb, sizeof(sb), &shrt));
	if (!shrt && memcmp(sb + BTRFS_MAGIC, "_BHRfS_M", 8) == 0) {
		fill(ret, "btrfs", sb + BTRFS_FSID, sb + BTRFS_LABEL, BTRFS_LABEL_LEN);
		*ret_found = true;
	}
	return NULL;
}

bool kx_blkid_matches(const struct kx_blkid *b, const char *spec)
{
	if (strncmp(spec, "UUID=", 5) == 0)
		return strcasecmp(spec + 5, b->uuid) == 0;
	if (strncmp(spec, "LABEL=", 6) == 0)
		return strcmp(spec + 6, b->label) == 0;
	return false;
}

// Whether /dev/@p name under @p root holds a file system matching @p spec.
static bool name_matches(const struct kx_root *root, const char *name, const char *spec)
{
	char path[300], *full;
	snprintf(path, sizeof(path), "/dev/%s", name);
	if (kx_root_path(root, path, &full))
		return false;
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	struct kx_blkid b;
	bool ok = false;
	if (fd >= 0) {
		kx_error_destroy(kx_blkid_probe(fd, full, &b, &ok));
		close(fd);
	}
	free(full);
	return ok && kx_blkid_matches(&b, spec);
}

struct kx_error *kx_blkid_find(const struct kx_root *root, const char *spec, char **ret_name)
{
	char *sys, *found = NULL;
	KX_TRY(kx_root_path(root, "/sys/class/block", &sys));
	DIR *d = opendir(sys);
	free(sys);
	for (struct dirent *e = d ? readdir(d) : NULL; e && !found; e = readdir(d)) {
		if (e->d_name[0] != '.' && name_matches(root, e->d_name, spec) &&
		    !(found = strdup(e->d_name))) {
			closedir(d);
			return &kx_enomem;
		}
	}
	if (d)
		closedir(d);
	*ret_name = found;
	return NULL;
}
