// SPDX-License-Identifier: GPL-2.0-only
// The dump target and the targets file: see dump_target.h.
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkid.h"
#include "dump_target.h"
#include "root.h"

enum { MOUNTS_MAX = 4 << 20, MAX_LINKS = 8 };

void kx_dump_target_deinit(struct kx_dump_target *t)
{
	free(t->fstype);
	free(t->device);
	free(t->dir);
	free(t->root_fstype);
	free(t->root_device);
	memset(t, 0, sizeof(*t));
}

// /proc/mounts writes blanks, tabs, newlines and backslashes as \ooo.
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

// Whether mount point @p mnt contains @p path, as whole components.
static bool contains(const char *mnt, const char *path)
{
	size_t n = strlen(mnt);
	if (strcmp(mnt, "/") == 0)
		return true;
	return strncmp(mnt, path, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

struct mount {
	char *source, *mnt, *fstype;
};

// The last, longest mount containing @p path (later mounts hide earlier ones).
static struct kx_error *find_mount(char *text, const char *path, struct mount *ret)
{
	struct mount best = { NULL, NULL, NULL };
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *src = strtok_r(l, " ", &s2), *mnt = strtok_r(NULL, " ", &s2),
		     *fs = strtok_r(NULL, " ", &s2);
		if (!fs)
			continue;
		unescape(src);
		unescape(mnt);
		if (contains(mnt, path) && (!best.mnt || strlen(mnt) >= strlen(best.mnt)))
			best = (struct mount){ src, mnt, fs };
	}
	KX_CHECK(best.mnt, KX_ERROR_NOT_FOUND, "cannot find the file system holding %s", path);
	*ret = best;
	return NULL;
}

// @p source as UUID=<uuid> when /dev/disk/by-uuid has a link to the same device.
static struct kx_error *persistent(const struct kx_root *root, const char *source, char **ret)
{
	char *full = NULL, *name = NULL, *dev = NULL;
	KX_TRY(kx_dump_target_devname(root, source, &dev));
	struct kx_error *err = kx_root_path(root, "/dev/disk/by-uuid", &full);
	DIR *d = err ? NULL : opendir(full);
	for (struct dirent *e = d ? readdir(d) : NULL; e && !name && !err; e = readdir(d)) {
		char *spec = NULL, *other = NULL;
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&spec, "UUID=%s", e->d_name) < 0)
			err = &kx_enomem;
		else
			err = kx_dump_target_devname(root, spec, &other);
		if (!err && strcmp(other, dev) == 0)
			name = spec;
		else
			free(spec);
		free(other);
	}
	if (d)
		closedir(d);
	free(full);
	free(dev);
	if (!err && !name && !(name = strdup(source)))
		err = &kx_enomem;
	if (!err)
		*ret = name;
	return err;
}

struct kx_error *kx_dump_target_devname(const struct kx_root *root, const char *spec,
					char **ret)
{
	static const char *const tags[][2] = { { "UUID=", "/dev/disk/by-uuid/" },
					       { "LABEL=", "/dev/disk/by-label/" },
					       { "PARTUUID=", "/dev/disk/by-partuuid/" } };
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s", spec);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t n = strlen(tags[i][0]);
		if (strncmp(spec, tags[i][0], n) == 0)
			snprintf(path, sizeof(path), "%s%s", tags[i][1], spec + n);
	}
	// Without udev (a busybox system) there are no /dev/disk links: read
	// the superblocks instead, as the capture side does.
	if (strcmp(path, spec) != 0 && !kx_root_exists(root, path) &&
	    strncmp(spec, "PARTUUID=", 9) != 0) {
		char *name;
		KX_TRY(kx_blkid_find(root, spec, &name));
		if (name) {
			*ret = name;
			return NULL;
		}
	}
	for (int i = 0; i < MAX_LINKS && path[0] == '/'; i++) {
		char *full, link[PATH_MAX];
		KX_TRY(kx_root_path(root, path, &full));
		ssize_t n = readlink(full, link, sizeof(link) - 1);
		free(full);
		if (n <= 0)
			break;
		link[n] = '\0';
		// by-uuid links are relative (../../vda1); only the last name matters
		// for sysfs, but an absolute target is followed under the root.
		char *slash = strrchr(path, '/');
		if (link[0] == '/')
			snprintf(path, sizeof(path), "%s", link);
		else
			snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "%s", link);
	}
	const char *base = strrchr(path, '/');
	char *name = strdup(base ? base + 1 : path);
	if (!name)
		return &kx_enomem;
	*ret = name;
	return NULL;
}

// Whether the /proc/mounts source @p src is the device @p want (a kernel name).
static struct kx_error *same_device(const struct kx_root *root, const char *src,
				    const char *want, bool *ret)
{
	char *name;
	// Only device nodes and tags can be block devices (not "proc", "tmpfs").
	if (src[0] != '/' && !strchr(src, '=')) {
		*ret = false;
		return NULL;
	}
	KX_TRY(kx_dump_target_devname(root, src, &name));
	*ret = strcmp(name, want) == 0;
	free(name);
	return NULL;
}

struct kx_error *kx_dump_target_mount_point(const struct kx_root *root, const char *spec,
					    char **ret)
{
	char *text, *want = NULL, *found = NULL, *save = NULL;
	KX_TRY(kx_root_read_file(root, "/proc/mounts", MOUNTS_MAX, &text, NULL));
	struct kx_error *err = kx_dump_target_devname(root, spec, &want);
	for (char *l = err ? NULL : strtok_r(text, "\n", &save); l && !err;
	     l = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *src = strtok_r(l, " ", &s2), *mnt = strtok_r(NULL, " ", &s2);
		bool same = false;
		if (!mnt)
			continue;
		unescape(src);
		unescape(mnt);
		err = same_device(root, src, want, &same);
		if (!err && same) {
			free(found);
			if (!(found = strdup(mnt)))
				err = &kx_enomem;
		}
	}
	free(want);
	free(text);
	if (err) {
		free(found);
		return err;
	}
	*ret = found;
	return NULL;
}

static struct kx_error *local_target(const struct kx_root *root, const char *path,
				     char **fstype, char **device, char **dir)
{
	char *text;
	KX_TRY(kx_root_read_file(root, "/proc/mounts", MOUNTS_MAX, &text, NULL));
	struct mount m;
	struct kx_error *err = find_mount(text, path, &m);
	if (!err)
		err = persistent(root, m.source, device);
	if (!err) {
		const char *rest = strcmp(m.mnt, "/") == 0 ? path : path + strlen(m.mnt);
		*fstype = strdup(m.fstype);
		*dir = strdup(*rest ? rest : "/");
		if (!*fstype || !*dir)
			err = &kx_enomem;
	}
	free(text);
	return err;
}

static struct kx_error *resolve(const struct kx_root *root, const struct kx_conf_settings *s,
				struct kx_dump_target *t)
{
	switch (s->target_kind) {
	case KX_CONF_TARGET_LOCAL:
		KX_TRY(local_target(root, s->path, &t->fstype, &t->device, &t->dir));
		break;
	case KX_CONF_TARGET_FS:
		t->fstype = strdup(s->fstype);
		t->device = strdup(s->target);
		t->dir = strdup(s->path);
		if (!t->fstype || !t->device || !t->dir)
			return &kx_enomem;
		break;
	case KX_CONF_TARGET_RAW:
		t->raw = true;
		if (!(t->device = strdup(s->target)))
			return &kx_enomem;
		break;
	default:
		// FIXME: nfs, ssh and --mount targets need networking or dracut_args parsing.
		return kx_error_create(KX_ERROR_UNSUPPORTED,
				       "%s dump targets are not supported by the kdump initramfs "
				       "builder yet", s->fstype ? s->fstype : "dracut_args --mount");
	}
	if (strcmp(s->failure_action, "dump_to_rootfs") == 0) {
		char *dir = NULL;
		KX_TRY(local_target(root, "/", &t->root_fstype, &t->root_device, &dir));
		free(dir);
	}
	return NULL;
}

struct kx_error *kx_dump_target_resolve(const struct kx_root *root,
					const struct kx_conf_settings *s,
					struct kx_dump_target *ret)
{
	struct kx_dump_target t = { .raw = false };
	struct kx_error *err = resolve(root, s, &t);
	if (err) {
		kx_dump_target_deinit(&t);
		return err;
	}
	*ret = t;
	return NULL;
}

struct kx_error *kx_dump_target_format(const struct kx_dump_target *t, char **ret)
{
	char *text = NULL, *rootfs = NULL;
	// Fields are split at blanks: only the directory may hold them.
	KX_CHECK(!strpbrk(t->device, " \t\n") && (!t->dir || !strchr(t->dir, '\n')) &&
			 (!t->root_device || !strpbrk(t->root_device, " \t\n")),
		 KX_ERROR_UNSUPPORTED, "device names with blanks are not supported: %s",
		 t->device);
	if (t->root_device && asprintf(&rootfs, "rootfs %s %s\n", t->root_fstype,
				       t->root_device) < 0)
		return &kx_enomem;
	int n = t->raw ? asprintf(&text, "raw %s\n%s", t->device, rootfs ? rootfs : "")
		       : asprintf(&text, "dump %s %s %s\n%s", t->fstype, t->device, t->dir,
				  rootfs ? rootfs : "");
	free(rootfs);
	if (n < 0)
		return &kx_enomem;
	*ret = text;
	return NULL;
}

static struct kx_error *dup_field(char **dst, const char *src)
{
	free(*dst);
	*dst = strdup(src);
	return *dst ? NULL : &kx_enomem;
}

static struct kx_error *parse_line(char *l, unsigned line, struct kx_dump_target *t,
				   bool *have)
{
	char *save = NULL, *kind = strtok_r(l, " ", &save);
	char *a = strtok_r(NULL, " ", &save), *b = strtok_r(NULL, " ", &save);
	if (!kind)
		return NULL;
	if (strcmp(kind, "raw") == 0 && a && !b) {
		t->raw = true;
		*have = true;
		return dup_field(&t->device, a);
	}
	if (strcmp(kind, "rootfs") == 0 && b && !strtok_r(NULL, "", &save)) {
		KX_TRY(dup_field(&t->root_fstype, a));
		return dup_field(&t->root_device, b);
	}
	char *dir = strtok_r(NULL, "", &save);
	KX_CHECK(strcmp(kind, "dump") == 0 && dir && *dir == '/', KX_ERROR_CORRUPT,
		 "targets: line %u: not a dump, raw or rootfs line", line);
	t->raw = false;
	*have = true;
	KX_TRY(dup_field(&t->fstype, a));
	KX_TRY(dup_field(&t->device, b));
	return dup_field(&t->dir, dir);
}

struct kx_error *kx_dump_target_parse(const char *text, struct kx_dump_target *ret)
{
	char *copy = strdup(text), *save = NULL;
	if (!copy)
		return &kx_enomem;
	struct kx_dump_target t = { .raw = false };
	struct kx_error *err = NULL;
	bool have = false;
	unsigned line = 0;
	for (char *l = strtok_r(copy, "\n", &save); l && !err; l = strtok_r(NULL, "\n", &save))
		err = parse_line(l, ++line, &t, &have);
	free(copy);
	if (!err && !have)
		err = kx_error_create(KX_ERROR_CORRUPT, "targets: no dump or raw line");
	if (err) {
		kx_dump_target_deinit(&t);
		return err;
	}
	*ret = t;
	return NULL;
}
