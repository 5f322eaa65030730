// SPDX-License-Identifier: GPL-2.0-only
// The capture initramfs builder: see initramfs.h.
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_target.h"
#include "elf_deps.h"
#include "initramfs.h"
#include "io.h"
#include "ldpath.h"
#include "modules.h"
#include "root.h"

enum { FILE_MAX = 512 << 20, MAX_LINKS = 40, CONFIG_MAX = 4 << 20, DEPTH_MAX = 16 };

struct builder {
	const struct kx_root *root;
	struct kx_cpio cpio;
	struct kx_notes added;    // archive names so far, to add nothing twice
	struct kx_notes ld_root;  // library directories of the system
	struct kx_notes ld_host;  // and of where our programs come from
	struct kx_notes *notes;
};

// Add one member, after its missing parent directories.
static struct kx_error *entry(struct builder *b, const char *name, uint32_t mode,
			      const void *data, size_t size, uint32_t maj, uint32_t min)
{
	if (kx_notes_contains(&b->added, name))
		return NULL;
	char dir[PATH_MAX];
	for (const char *p = strchr(name + 1, '/'); p; p = strchr(p + 1, '/')) {
		KX_CHECK((size_t)(p - name) < sizeof(dir), KX_ERROR_OVERFLOW, "%s: too long", name);
		memcpy(dir, name, (size_t)(p - name));
		dir[p - name] = '\0';
		if (!kx_notes_contains(&b->added, dir)) {
			KX_TRY(kx_cpio_add(&b->cpio, dir, S_IFDIR | 0755, NULL, 0, 0, 0));
			KX_TRY(kx_notes_add(&b->added, "%s", dir));
		}
	}
	KX_TRY(kx_cpio_add(&b->cpio, name, mode, data, size, maj, min));
	return kx_notes_add(&b->added, "%s", name);
}

// Add the regular file @p full (a real path) as @p name, keeping its permissions.
static struct kx_error *file_as(struct builder *b, const char *full, const char *name)
{
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, full, "cannot open %s", full);
	struct stat st;
	char *data = NULL;
	size_t size = 0;
	struct kx_error *err = fstat(fd, &st) ? kx_error_os(errno, full, "cannot stat %s", full)
		: !S_ISREG(st.st_mode) ? kx_error_file(KX_ERROR_INVALID_ARG, full,
						       "%s is not a regular file", full)
				       : kx_io_slurp(fd, FILE_MAX, full, &data, &size);
	close(fd);
	if (!err)
		err = entry(b, name, S_IFREG | (st.st_mode & 07777), data, size, 0, 0);
	free(data);
	return err;
}

// Lexically drop "." and ".." and doubled slashes from the absolute @p p.
static void normalize(char *p)
{
	char *w = p;
	for (char *r = p; *r;) {
		while (*r == '/')
			r++;
		size_t n = strcspn(r, "/");
		if (n == 0)
			break;
		if (n == 1 && r[0] == '.') {
			// skip
		} else if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > p && *--w != '/')
				;
		} else {
			*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

static struct kx_error *copy_path(struct builder *b, const struct kx_root *fs, const char *path,
				  int depth);

// @p link found at @p at (a path prefix) replaces it: add the link, then go on
// copying at its target followed by @p rest.
static struct kx_error *follow(struct builder *b, const struct kx_root *fs, const char *at,
			       const char *link, const char *rest, int depth)
{
	KX_TRY(entry(b, at, S_IFLNK | 0777, link, strlen(link), 0, 0));
	char next[PATH_MAX];
	int n = link[0] == '/' ? snprintf(next, sizeof(next), "%s%s", link, rest)
			       : snprintf(next, sizeof(next), "%.*s/%s%s",
					  (int)(strrchr(at, '/') - at), at, link, rest);
	KX_CHECK(n > 0 && (size_t)n < sizeof(next), KX_ERROR_OVERFLOW, "%s: path too long", at);
	normalize(next);
	return copy_path(b, fs, next, depth + 1);
}

// Copy the system path @p path of @p fs to the same name, creating each
// symbolic link met on the way (the kernel's cpio unpacker makes them as is).
static struct kx_error *copy_path(struct builder *b, const struct kx_root *fs, const char *path,
				  int depth)
{
	KX_CHECK(depth < MAX_LINKS, KX_ERROR_INVALID_ARG, "%s: too many symbolic links", path);
	KX_CHECK(path[0] == '/' && strlen(path) < PATH_MAX, KX_ERROR_INVALID_ARG,
		 "bad path %s", path);
	char at[PATH_MAX];
	for (const char *end = path + 1;; end++) {
		if (*end != '/' && *end != '\0')
			continue;
		snprintf(at, sizeof(at), "%.*s", (int)(end - path), path);
		char *full, link[PATH_MAX];
		KX_TRY(kx_root_path(fs, at, &full));
		struct stat st;
		struct kx_error *err = lstat(full, &st) ? kx_error_os(errno, full, "cannot find %s",
								      full) : NULL;
		ssize_t n = !err && S_ISLNK(st.st_mode) ? readlink(full, link, sizeof(link) - 1) : 0;
		if (!err && n < 0)
			err = kx_error_os(errno, full, "cannot read the link %s", full);
		if (!err && n > 0) {
			link[n] = '\0';
			err = follow(b, fs, at, link, end, depth);
		} else if (!err && *end == '\0') {
			err = S_ISDIR(st.st_mode) ? entry(b, at, S_IFDIR | 0755, NULL, 0, 0, 0)
						  : file_as(b, full, at);
		}
		free(full);
		if (err || n > 0 || *end == '\0')
			return err;
	}
}

static struct kx_error *add_program(struct builder *b, const struct kx_root *fs,
				    const struct kx_notes *ld, const char *path,
				    const char *dest, int depth);

// The interpreter and libraries a program or library needs.
static struct kx_error *add_deps(struct builder *b, const struct kx_root *fs,
				 const struct kx_notes *ld, const char *full, int depth)
{
	struct kx_elf_deps deps;
	KX_TRY(kx_elf_deps_read(full, &deps));
	struct kx_error *err = NULL;
	if (deps.interp)
		err = add_program(b, fs, ld, deps.interp, deps.interp, depth + 1);
	for (size_t i = 0; i < deps.needed.count && !err; i++) {
		char *lib;
		err = kx_elf_deps_find(fs, &deps, ld, deps.needed.lines[i], &lib);
		if (err) {
			err = kx_error_prefix(err, "%s", full);
			break;
		}
		err = add_program(b, fs, ld, lib, lib, depth + 1);
		free(lib);
	}
	kx_elf_deps_deinit(&deps);
	return err;
}

// @p path of @p fs as @p dest (the same path: copied with its links), then
// what it needs.
static struct kx_error *add_program(struct builder *b, const struct kx_root *fs,
				    const struct kx_notes *ld, const char *path,
				    const char *dest, int depth)
{
	KX_CHECK(depth < DEPTH_MAX, KX_ERROR_INVALID_ARG, "%s: libraries nest too deep", path);
	if (kx_notes_contains(&b->added, dest))
		return NULL;
	char *full;
	KX_TRY(kx_root_path(fs, path, &full));
	struct kx_error *err = strcmp(path, dest) == 0 ? copy_path(b, fs, path, 0)
						       : file_as(b, full, dest);
	if (!err)
		err = add_deps(b, fs, ld, full, depth);
	free(full);
	return err;
}

static struct kx_error *add_words(struct builder *b, const char *words)
{
	char *copy = strdup(words ? words : ""), *save = NULL;
	if (!copy)
		return &kx_enomem;
	struct kx_error *err = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w && !err; w = strtok_r(NULL, " \t", &save))
		err = add_program(b, b->root, &b->ld_root, w, w, 0);
	free(copy);
	return err;
}

// The executables of a hook directory, such as /etc/kdump/pre.d.
static struct kx_error *add_hook_dir(struct builder *b, const char *dir)
{
	char *full;
	KX_TRY(kx_root_path(b->root, dir, &full));
	DIR *d = opendir(full);
	struct kx_error *err = NULL;
	for (struct dirent *e = d ? readdir(d) : NULL; e && !err; e = readdir(d)) {
		char *path = NULL, *efull = NULL;
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0 ||
		    asprintf(&efull, "%s/%s", full, e->d_name) < 0)
			err = &kx_enomem;
		struct stat st;
		if (!err && stat(efull, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(efull, X_OK) == 0)
			err = add_program(b, b->root, &b->ld_root, path, path, 0);
		free(path);
		free(efull);
	}
	if (d)
		closedir(d);
	free(full);
	return err;
}

static struct kx_error *add_system_files(struct builder *b, const struct kx_initramfs_input *in)
{
	const struct kx_conf_settings *s = in->settings;
	KX_TRY(copy_path(b, b->root, in->conf_path, 0));
	if (kx_root_exists(b->root, "/etc/localtime"))
		KX_TRY(copy_path(b, b->root, "/etc/localtime", 0));
	KX_TRY(add_words(b, s->kdump_pre));
	KX_TRY(add_words(b, s->kdump_post));
	KX_TRY(add_words(b, s->kdump_emergency));
	KX_TRY(add_words(b, s->extra_bins));
	KX_TRY(add_hook_dir(b, "/etc/kdump/pre.d"));
	KX_TRY(add_hook_dir(b, "/etc/kdump/post.d"));
	return add_hook_dir(b, "/etc/kdump/emergency.d");
}

static struct kx_error *add_skeleton(struct builder *b)
{
	static const char *const dirs[] = { "/proc", "/sys", "/dev", "/run", "/tmp",
					    KX_INITRAMFS_DUMP_MNT, KX_INITRAMFS_ROOT_MNT, NULL };
	for (size_t i = 0; dirs[i]; i++)
		KX_TRY(entry(b, dirs[i], S_IFDIR | 0755, NULL, 0, 0, 0));
	// The kernel opens /dev/console for /init before anything is mounted.
	KX_TRY(entry(b, "/dev/console", S_IFCHR | 0600, NULL, 0, 5, 1));
	KX_TRY(entry(b, "/dev/kmsg", S_IFCHR | 0644, NULL, 0, 1, 11));
	return entry(b, "/dev/null", S_IFCHR | 0666, NULL, 0, 1, 3);
}

static struct kx_error *add_programs(struct builder *b, const struct kx_initramfs_input *in)
{
	for (size_t i = 0; in->programs[i]; i++) {
		const char *base = strrchr(in->programs[i], '/');
		char dest[PATH_MAX];
		snprintf(dest, sizeof(dest), "/usr/sbin/%s", base ? base + 1 : in->programs[i]);
		KX_TRY(add_program(b, in->host, &b->ld_host, in->programs[i], dest, 0));
		if (i == 0)
			KX_TRY(entry(b, "/init", S_IFLNK | 0777, dest, strlen(dest), 0, 0));
	}
	return NULL;
}

// The module names the dump needs: block drivers, file systems, extra_modules.
static struct kx_error *wanted_modules(struct builder *b, const struct kx_initramfs_input *in,
				       const struct kx_dump_target *t, struct kx_notes *names)
{
	const char *devs[] = { t->device, t->root_device };
	const char *fss[] = { t->fstype, t->root_fstype };
	for (size_t i = 0; i < 2; i++) {
		if (!devs[i])
			continue;
		char *dev;
		KX_TRY(kx_dump_target_devname(b->root, devs[i], &dev));
		struct kx_error *err = kx_modules_block_drivers(b->root, dev, names);
		if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
			err = kx_notes_add(b->notes, "WARNING: %s: no block device %s in sysfs, "
					   "its drivers are left out", devs[i], dev);
		free(dev);
		KX_TRY(err);
		if (fss[i] && !kx_notes_contains(names, fss[i]))
			KX_TRY(kx_notes_add(names, "%s", fss[i]));
	}
	char *copy = strdup(in->settings->extra_modules ? in->settings->extra_modules : "");
	char *save = NULL;
	if (!copy)
		return &kx_enomem;
	struct kx_error *err = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w && !err; w = strtok_r(NULL, " \t", &save))
		if (!kx_notes_contains(names, w))
			err = kx_notes_add(names, "%s", w);
	free(copy);
	return err;
}

// Copy the modules in load order and list them in KX_INITRAMFS_MODULES.
static struct kx_error *copy_modules(struct builder *b, const struct kx_modules *mods,
				     const struct kx_notes *order)
{
	char *list = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&list, &size);
	if (!f)
		return &kx_enomem;
	struct kx_error *err = NULL;
	for (size_t i = 0; i < order->count && !err; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", mods->dir, order->lines[i]);
		fprintf(f, "%s\n", path);
		err = copy_path(b, b->root, path, 0);
	}
	if (fclose(f) != 0 && !err)
		err = &kx_enomem;
	if (!err)
		err = entry(b, KX_INITRAMFS_MODULES, S_IFREG | 0644, list, size, 0, 0);
	free(list);
	return err;
}

static struct kx_error *add_modules(struct builder *b, const struct kx_initramfs_input *in,
				    const struct kx_dump_target *t)
{
	struct kx_notes names, order;
	kx_notes_init(&names);
	kx_notes_init(&order);
	struct kx_modules *mods = NULL;
	struct kx_error *err = wanted_modules(b, in, t, &names);
	if (!err && (err = kx_modules_read(b->root, in->kver, &mods)) &&
	    kx_error_is(err, KX_ERROR_OS)) {
		// A kernel without modules has everything built in, or nothing to load.
		kx_error_destroy(err);
		err = kx_notes_add(b->notes, "WARNING: no modules.dep for %s: no kernel modules "
				   "added", in->kver);
	}
	for (size_t i = 0; mods && i < names.count && !err; i++) {
		bool found;
		err = kx_modules_resolve(mods, names.lines[i], &order, &found);
		if (!err && !found)
			err = kx_notes_add(b->notes, "WARNING: Module %s not found", names.lines[i]);
	}
	if (!err)
		err = mods ? copy_modules(b, mods, &order)
			   : entry(b, KX_INITRAMFS_MODULES, S_IFREG | 0644, NULL, 0, 0, 0);
	kx_modules_destroy(mods);
	kx_notes_deinit(&names);
	kx_notes_deinit(&order);
	return err;
}

static struct kx_error *add_target(struct builder *b, const struct kx_initramfs_input *in)
{
	struct kx_dump_target t;
	KX_TRY(kx_dump_target_resolve(b->root, in->settings, &t));
	char *text = NULL;
	struct kx_error *err = kx_dump_target_format(&t, &text);
	if (!err)
		err = entry(b, KX_INITRAMFS_TARGETS, S_IFREG | 0644, text, strlen(text), 0, 0);
	if (!err)
		err = add_modules(b, in, &t);
	free(text);
	kx_dump_target_deinit(&t);
	return err;
}

static struct kx_error *build(struct builder *b, const struct kx_initramfs_input *in)
{
	KX_TRY(kx_ldpath_read(b->root, &b->ld_root));
	KX_TRY(kx_ldpath_read(in->host, &b->ld_host));
	KX_TRY(add_skeleton(b));
	KX_TRY(add_programs(b, in));
	KX_TRY(add_system_files(b, in));
	KX_TRY(add_target(b, in));
	return kx_cpio_finish(&b->cpio);
}

struct kx_error *kx_initramfs_build(const struct kx_root *root,
				    const struct kx_initramfs_input *in, struct kx_notes *notes,
				    struct kx_cpio *ret)
{
	struct kx_notes scratch;
	kx_notes_init(&scratch);
	struct builder b = { .root = root, .notes = notes ? notes : &scratch };
	kx_cpio_init(&b.cpio);
	kx_notes_init(&b.added);
	kx_notes_init(&b.ld_root);
	kx_notes_init(&b.ld_host);
	struct kx_error *err = build(&b, in);
	kx_notes_deinit(&b.added);
	kx_notes_deinit(&b.ld_root);
	kx_notes_deinit(&b.ld_host);
	kx_notes_deinit(&scratch);
	if (err) {
		kx_cpio_deinit(&b.cpio);
		return kx_error_prefix(err, "building the kdump initramfs");
	}
	*ret = b.cpio;
	return NULL;
}

// Whether the kernel config text has the line "OPTION=y".
static bool config_set(const char *text, const char *option)
{
	size_t n = strlen(option);
	for (const char *p = strstr(text, option); p; p = strstr(p + 1, option))
		if ((p == text || p[-1] == '\n') && strncmp(p + n, "=y", 2) == 0 &&
		    (p[n + 2] == '\n' || p[n + 2] == '\0'))
			return true;
	return false;
}

enum kx_cpio_compression kx_initramfs_compression(const struct kx_root *root,
						  const char *kver)
{
	char path[PATH_MAX], *text;
	snprintf(path, sizeof(path), "/boot/config-%s", kver);
	struct kx_error *err = kx_root_read_file(root, path, CONFIG_MAX, &text, NULL);
	if (err) {
		// zlib's gzip: every distribution kernel unpacks it.
		kx_error_destroy(err);
		return KX_CPIO_GZIP;
	}
	enum kx_cpio_compression c = config_set(text, "CONFIG_RD_ZSTD") ? KX_CPIO_ZSTD
				   : config_set(text, "CONFIG_RD_GZIP") ? KX_CPIO_GZIP
									: KX_CPIO_NONE;
	free(text);
	return c;
}

static struct kx_error *write_tmp(const char *full, const char *data, size_t size,
				  char **ret_tmp)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.XXXXXX", full) < 0)
		return &kx_enomem;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		struct kx_error *err = kx_error_os(errno, tmp, "cannot create %s", tmp);
		free(tmp);
		return err;
	}
	struct kx_error *err = fchmod(fd, 0600) ? kx_error_os(errno, tmp, "chmod %s", tmp)
						: kx_io_write_full(fd, data, size, tmp);
	if (!err && fsync(fd) != 0)
		err = kx_error_os(errno, tmp, "cannot sync %s", tmp);
	if (close(fd) != 0 && !err)
		err = kx_error_os(errno, tmp, "cannot close %s", tmp);
	if (err) {
		unlink(tmp);
		free(tmp);
		return err;
	}
	*ret_tmp = tmp;
	return NULL;
}

struct kx_error *kx_initramfs_write(const struct kx_root *root,
				    const struct kx_initramfs_input *in, const char *initrd,
				    struct kx_notes *notes)
{
	struct kx_cpio cpio;
	KX_TRY(kx_initramfs_build(root, in, notes, &cpio));
	char *data = NULL, *full = NULL, *tmp = NULL;
	size_t size = 0;
	struct kx_error *err =
		kx_cpio_compress(&cpio, kx_initramfs_compression(root, in->kver), &data, &size);
	kx_cpio_deinit(&cpio);
	if (!err)
		err = kx_root_path(root, initrd, &full);
	if (!err)
		err = write_tmp(full, data, size, &tmp);
	if (!err && rename(tmp, full) != 0) {
		err = kx_error_os(errno, full, "cannot rename %s to %s", tmp, full);
		unlink(tmp);
	}
	free(tmp);
	free(full);
	free(data);
	return err;
}
