// SPDX-License-Identifier: GPL-2.0-only
// `kdumpctl test` bookkeeping: see vmcore_test.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cmdline.h"
#include "conf.h"
#include "dump_target.h"
#include "io.h"
#include "root.h"
#include "vmcore_test.h"

enum { SMALL_MAX = 4096, CMDLINE_MAX = 1 << 16 };

static const char KEY[] = "kdump_test_id";

void kx_vmcore_test_make_id(const struct timespec *now, char buf[KX_VMCORE_TEST_ID_MAX])
{
	snprintf(buf, KX_VMCORE_TEST_ID_MAX, "%lld-%09ld", (long long)now->tv_sec,
		 now->tv_nsec);
}

bool kx_vmcore_test_id_valid(const char *id)
{
	size_t a = strspn(id, "0123456789");
	if (a == 0 || a > 19 || id[a] != '-')
		return false;
	size_t b = strspn(id + a + 1, "0123456789");
	return b > 0 && b <= 9 && id[a + 1 + b] == '\0';
}

bool kx_vmcore_test_date(const char *id, char *buf, size_t size)
{
	if (!kx_vmcore_test_id_valid(id))
		return false;
	// At most 19 digits: fits long long; time_t may still be narrower.
	long long secs = strtoll(id, NULL, 10);
	time_t t = (time_t)secs;
	struct tm tm;
	if ((long long)t != secs || !localtime_r(&t, &tm))
		return false;
	return strftime(buf, size, "%a %b %e %H:%M:%S %Z %Y", &tm) > 0;
}

// Write @p text to the full path @p path (mode 0600), fsync it and its directory.
static struct kx_error *write_synced(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return kx_error_os(errno, path, "cannot create %s", path);
	struct kx_error *err = kx_io_write_full(fd, text, strlen(text), path);
	if (!err && (fchmod(fd, 0600) != 0 || fsync(fd) != 0))
		err = kx_error_os(errno, path, "cannot sync %s", path);
	close(fd);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!err && slash && slash != dir) {
		*slash = '\0';
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return err;
}

struct kx_error *kx_vmcore_test_write_pending(const struct kx_root *root, const char *id)
{
	static const char *const dirs[] = { "/var", "/var/lib", "/var/lib/kdump" };
	char *path, text[KX_VMCORE_TEST_ID_MAX + 32];
	struct kx_error *err = NULL;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !err; i++) {
		KX_TRY(kx_root_path(root, dirs[i], &path));
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			err = kx_error_os(errno, path, "cannot create %s", path);
		free(path);
	}
	KX_TRY(err);
	KX_TRY(kx_root_path(root, KX_VMCORE_TEST_PENDING, &path));
	snprintf(text, sizeof(text), "pending %s=%s\n", KEY, id);
	err = write_synced(path, text);
	free(path);
	return err;
}

struct kx_error *kx_vmcore_test_read_pending(const struct kx_root *root,
					     char id[KX_VMCORE_TEST_ID_MAX], bool *found)
{
	char *text;
	struct kx_error *err = kx_root_read_file(root, KX_VMCORE_TEST_PENDING, SMALL_MAX, &text,
						 NULL);
	if (err && err->code == KX_ERROR_OS && err->errnum == ENOENT) {
		kx_error_destroy(err);
		*found = false;
		return NULL;
	}
	KX_TRY(err);
	// `<state> kdump_test_id=<id>`: the state word is ours (pending), the id
	// is what matters.
	char *eq = strstr(text, " kdump_test_id=");
	char *v = eq ? eq + strlen(" kdump_test_id=") : NULL;
	if (v)
		v[strcspn(v, " \t\n")] = '\0';
	bool ok = v && kx_vmcore_test_id_valid(v);
	if (ok)
		snprintf(id, KX_VMCORE_TEST_ID_MAX, "%s", v);
	free(text);
	KX_CHECK(ok, KX_ERROR_CORRUPT, "%s: not \"pending kdump_test_id=<id>\"",
		 KX_VMCORE_TEST_PENDING);
	*found = true;
	return NULL;
}

struct kx_error *kx_vmcore_test_clear(const struct kx_root *root)
{
	char *path;
	KX_TRY(kx_root_path(root, KX_VMCORE_TEST_PENDING, &path));
	struct kx_error *err = NULL;
	if (unlink(path) != 0 && errno != ENOENT)
		err = kx_error_os(errno, path, "cannot remove %s", path);
	free(path);
	return err;
}

// The system path of the test directory's status file, or NULL when the
// target is not readable from here.
static struct kx_error *status_path(const struct kx_root *root,
				    const struct kx_conf_settings *s, const char *id, char **ret)
{
	char *mnt = NULL, *path = NULL;
	*ret = NULL;
	switch (s->target_kind) {
	case KX_CONF_TARGET_LOCAL:
		// The file system holding `path` is mounted there by definition.
		break;
	case KX_CONF_TARGET_FS:
		KX_TRY(kx_dump_target_mount_point(root, s->target, &mnt));
		if (!mnt)
			return NULL;
		break;
	default:
		// FIXME: upstream mounts nfs targets and copies the file over ssh.
		return NULL;
	}
	const char *under = mnt && strcmp(mnt, "/") != 0 ? mnt : "";
	int n = asprintf(&path, "%s%s%s/kdump-test-%s/%s", under, *s->path == '/' ? "" : "/",
			 strcmp(s->path, "/") == 0 ? "" : s->path, id, KX_VMCORE_TEST_FILE);
	free(mnt);
	if (n < 0)
		return &kx_enomem;
	*ret = path;
	return NULL;
}

struct kx_error *kx_vmcore_test_result(const struct kx_root *root,
				       const struct kx_conf_settings *s, const char *id,
				       enum kx_vmcore_test_result *ret)
{
	char *path, *text = NULL;
	KX_TRY(status_path(root, s, id, &path));
	if (!path) {
		*ret = KX_VMCORE_TEST_MANUAL;
		return NULL;
	}
	struct kx_error *err = kx_root_read_file(root, path, SMALL_MAX, &text, NULL);
	free(path);
	// No file: the capture never got as far as the dump directory.
	if (err && err->code == KX_ERROR_OS && err->errnum == ENOENT) {
		kx_error_destroy(err);
		*ret = KX_VMCORE_TEST_FAILED;
		return NULL;
	}
	KX_TRY(err);
	text[strcspn(text, " \t\n")] = '\0';
	*ret = strcmp(text, "success") == 0 ? KX_VMCORE_TEST_SUCCESS : KX_VMCORE_TEST_FAILED;
	free(text);
	return NULL;
}

struct kx_error *kx_vmcore_test_cmdline_id(const struct kx_root *root,
					   char id[KX_VMCORE_TEST_ID_MAX], bool *found)
{
	char *text;
	struct kx_error *err = kx_root_read_file(root, "/proc/cmdline", CMDLINE_MAX, &text, NULL);
	// Only a fake root lacks it: no test there.
	if (err && err->code == KX_ERROR_OS && err->errnum == ENOENT) {
		kx_error_destroy(err);
		*found = false;
		return NULL;
	}
	KX_TRY(err);
	struct kx_cmdline cl;
	err = kx_cmdline_parse(text, KX_CMDLINE_QUOTE_KERNEL, &cl);
	free(text);
	KX_TRY(err);
	const struct kx_cmdline_param *p = kx_cmdline_find_last(&cl, KEY);
	bool ok = !p || (p->value && kx_vmcore_test_id_valid(p->value));
	if (p && ok)
		snprintf(id, KX_VMCORE_TEST_ID_MAX, "%s", p->value);
	if (!ok)
		err = kx_error_create(KX_ERROR_CORRUPT, "/proc/cmdline: bad %s", p->text);
	else
		*found = p != NULL;
	kx_cmdline_deinit(&cl);
	return err;
}

struct kx_error *kx_vmcore_test_set_status(const char *dir, const char *status)
{
	char path[PATH_MAX], text[32];
	snprintf(path, sizeof(path), "%s/%s", dir, KX_VMCORE_TEST_FILE);
	snprintf(text, sizeof(text), "%s\n", status);
	return write_synced(path, text);
}

// procfs's f_type (linux/magic.h): where the real sysrq-trigger lives.
static const unsigned long PROC_FS_MAGIC = 0x9fa0;

struct kx_error *kx_vmcore_test_sysrq_check(int fd, const char *path, bool real_root,
					    bool allowed, bool *ret_proc)
{
	struct statfs fs;
	if (fstatfs(fd, &fs) != 0)
		return kx_error_os(errno, path, "cannot stat %s", path);
	bool proc = (unsigned long)fs.f_type == PROC_FS_MAGIC;
	KX_CHECK(real_root ? proc && allowed : !proc, KX_ERROR_INVALID_ARG,
		 "refusing to write %s: %s", path,
		 real_root ? "not a real kdumpctl test on procfs" : "a procfs file under --root");
	*ret_proc = proc;
	return NULL;
}
