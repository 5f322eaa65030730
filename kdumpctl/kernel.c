// SPDX-License-Identifier: GPL-2.0-only
// Kernel and initramfs discovery: see kernel.h.
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"
#include "root.h"
#include "sysconfig.h"

enum { SMALL_FILE_MAX = 1 << 16, MAX_CANDIDATES = 4 };

// printf into a new string with runs of '/' squeezed to one (upstream's tr -s '/').
static struct kx_error *path_printf(char **ret, const char *fmt, ...) KX_PRINTF(2, 3);
static struct kx_error *path_printf(char **ret, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return &kx_enomem;
	char *w = s;
	for (const char *r = s; *r; r++)
		if (!(*r == '/' && w > s && w[-1] == '/'))
			*w++ = *r;
	*w = '\0';
	*ret = s;
	return NULL;
}

// A small file's first line (trimmed), or NULL when the file is missing.
static struct kx_error *read_line(const struct kx_root *root, const char *path, char **ret)
{
	char *buf;
	struct kx_error *err = kx_root_read_file(root, path, SMALL_FILE_MAX, &buf, NULL);
	if (err && err->code == KX_ERROR_OS && err->errnum == ENOENT) {
		kx_error_destroy(err);
		*ret = NULL;
		return NULL;
	}
	if (err)
		return err;
	buf[strcspn(buf, "\n")] = '\0';
	size_t n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	*ret = buf;
	return NULL;
}

static bool is_regular(const struct kx_root *root, const char *path)
{
	char *full;
	struct kx_error *err = kx_root_path(root, path, &full);
	if (err) {
		kx_error_destroy(err);
		return false;
	}
	struct stat st;
	bool ok = stat(full, &st) == 0 && S_ISREG(st.st_mode);
	free(full);
	return ok;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

// KDUMP_KERNELVER, or the running release with the debug fallback.
static struct kx_error *kernel_version(const struct kx_root *root, const struct kx_sysconfig *sc,
				       struct kx_kernel_info *info)
{
	const char *v = kx_sysconfig_value(sc, "KDUMP_KERNELVER");
	if (*v) {
		info->kver = strdup(v);
		return info->kver ? NULL : &kx_enomem;
	}
	KX_TRY(read_line(root, "/proc/sys/kernel/osrelease", &info->kver));
	KX_CHECK(info->kver && *info->kver, KX_ERROR_NOT_FOUND,
		 "cannot tell the running kernel's release (/proc/sys/kernel/osrelease)");
	if (!ends_with(info->kver, "-debug") && !ends_with(info->kver, "+debug"))
		return NULL;
	size_t n = strlen(info->kver) - 6;
	char *dep;
	KX_TRY(path_printf(&dep, "/usr/lib/modules/%.*s/modules.dep", (int)n, info->kver));
	bool twin = is_regular(root, dep);
	free(dep);
	if (twin)
		info->kver[n] = '\0';
	else
		info->debug = true;
	return NULL;
}

// The BOOT_IMAGE= path of /proc/cmdline without a "(hd0,gpt2)" prefix, or NULL.
static struct kx_error *boot_image(const struct kx_root *root, char **ret)
{
	char *line;
	*ret = NULL;
	KX_TRY(read_line(root, "/proc/cmdline", &line));
	if (!line || strncmp(line, "BOOT_IMAGE=", 11) != 0) {
		free(line);
		return NULL;
	}
	const char *p = line + 11;
	size_t n = strcspn(p, " \t");
	if (*p == '(') {
		const char *close = memchr(p, ')', n);
		if (close) {
			n -= (size_t)(close + 1 - p);
			p = close + 1;
		}
	}
	*ret = strndup(p, n);
	free(line);
	return *ret ? NULL : &kx_enomem;
}

struct candidates {
	char *names[MAX_CANDIDATES];
	int count;
	int uki; // index of the UKI name, or -1
};

static void candidates_deinit(struct candidates *c)
{
	for (int i = 0; i < c->count; i++)
		free(c->names[i]);
}

static struct kx_error *candidate_names(const struct kx_root *root,
					const struct kx_sysconfig *sc, const char *kver,
					struct candidates *c)
{
	const char *img = kx_sysconfig_value(sc, "KDUMP_IMG");
	const char *ext = kx_sysconfig_value(sc, "KDUMP_IMG_EXT");
	char *boot, *mid;
	c->count = 0;
	c->uki = -1;
	KX_TRY(boot_image(root, &boot));
	if (boot && *boot && ends_with(boot, kver))
		c->names[c->count++] = boot;
	else
		free(boot);
	KX_TRY(path_printf(&c->names[c->count++], "%s-%s%s", img, kver, ext));
	KX_TRY(read_line(root, "/etc/machine-id", &mid));
	if (mid && *mid) {
		struct kx_error *err = path_printf(&c->names[c->count++], "%s/%s/%s", mid, kver, img);
		if (!err) {
			c->uki = c->count;
			err = path_printf(&c->names[c->count++], "EFI/Linux/%s-%s.efi", mid, kver);
		}
		if (err) {
			free(mid);
			return err;
		}
	}
	free(mid);
	return NULL;
}

// Try every directory and name; on success info->kernel, bootdir and uki are set.
static struct kx_error *search(const struct kx_root *root, const struct kx_sysconfig *sc,
			       const struct candidates *c, struct kx_kernel_info *info)
{
	static const char *const dirs[] = { "/boot", "/boot/efi", "/efi", "/" };
	const char *bootdir = kx_sysconfig_value(sc, "KDUMP_BOOTDIR");
	size_t ndirs = *bootdir ? 1 : sizeof(dirs) / sizeof(dirs[0]);
	for (size_t d = 0; d < ndirs; d++) {
		const char *dir = *bootdir ? bootdir : dirs[d];
		for (int i = 0; i < c->count; i++) {
			char *path;
			KX_TRY(path_printf(&path, "%s/%s", dir, c->names[i]));
			if (!is_regular(root, path)) {
				free(path);
				continue;
			}
			info->kernel = path;
			info->uki = i == c->uki;
			if (info->uki)
				return path_printf(&info->bootdir, "/boot");
			char *slash = strrchr(path, '/');
			info->bootdir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
			return info->bootdir ? NULL : &kx_enomem;
		}
	}
	return kx_error_create(KX_ERROR_NOT_FOUND, "Failed to detect kdump kernel location");
}

// The default initramfs beside the kernel and the kdump one's name.
static struct kx_error *initrd_names(const struct kx_root *root, struct kx_kernel_info *info)
{
	char *img;
	KX_TRY(path_printf(&img, "%s/initramfs-%s.img", info->bootdir, info->kver));
	if (!is_regular(root, img)) {
		free(img);
		KX_TRY(path_printf(&img, "%s/initrd", info->bootdir));
		if (!is_regular(root, img)) {
			free(img);
			img = NULL;
		}
	}
	info->default_initrd = img;
	if (!img)
		return path_printf(&info->kdump_initrd_name, "initramfs-%skdump.img", info->kver);
	const char *base = strrchr(img, '/') + 1;
	const char *dot = strrchr(base, '.');
	if (dot)
		return path_printf(&info->kdump_initrd_name, "%.*skdump%s", (int)(dot - base), base,
				   dot);
	return path_printf(&info->kdump_initrd_name, "%skdump", base);
}

struct kx_error *kx_kernel_find(const struct kx_root *root, const struct kx_sysconfig *sc,
				struct kx_kernel_info *ret)
{
	struct kx_kernel_info info = { 0 };
	struct candidates c = { .count = 0 };
	struct kx_error *err = kernel_version(root, sc, &info);
	if (!err)
		err = candidate_names(root, sc, info.kver, &c);
	if (!err)
		err = search(root, sc, &c, &info);
	if (!err)
		err = initrd_names(root, &info);
	candidates_deinit(&c);
	if (err) {
		kx_kernel_info_deinit(&info);
		return err;
	}
	*ret = info;
	return NULL;
}

void kx_kernel_info_deinit(struct kx_kernel_info *info)
{
	free(info->kver);
	free(info->kernel);
	free(info->bootdir);
	free(info->default_initrd);
	free(info->kdump_initrd_name);
	*info = (struct kx_kernel_info){ 0 };
}

struct kx_error *kx_kernel_kdump_initrd(const struct kx_kernel_info *info,
					bool bootdir_writable, char **ret)
{
	const char *dir = bootdir_writable && !info->uki ? info->bootdir : KX_KERNEL_VAR_DIR;
	return path_printf(ret, "%s/%s", dir, info->kdump_initrd_name);
}

bool kx_kernel_dir_writable(const struct kx_root *root, const char *dir)
{
	char *full;
	struct kx_error *err = kx_root_path(root, dir, &full);
	if (err) {
		kx_error_destroy(err);
		return false;
	}
	bool ok = access(full, W_OK) == 0;
	free(full);
	return ok;
}
