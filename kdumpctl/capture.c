// SPDX-License-Identifier: GPL-2.0-only
// The capture side: see capture.h.
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blkid.h"
#include "capture.h"
#include "capture_sys.h"
#include "conf.h"
#include "dump_target.h"
#include "initramfs.h"
#include "io.h"
#include "root.h"
#include "vmcore_test.h"

enum { SMALL_MAX = 1 << 20, MAX_ARGS = 64, POLL_MS = 200, KMSG_REC = 8192 };

static const char *const LOCAL_IP = "127.0.0.1";

static void say(struct kx_capture *cap, const char *fmt, ...) KX_PRINTF(2, 3);
static void say(struct kx_capture *cap, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(cap->console, "kdump: %s\n", msg);
	fflush(cap->console);
	kx_error_destroy(kx_notes_add(&cap->log, "kdump: %s", msg));
	free(msg);
}

static void say_error(struct kx_capture *cap, struct kx_error *err)
{
	say(cap, "%s", err->message);
	kx_error_destroy(err);
}

// Run @p argv with standard output on @p out_fd (-1: the console, our stderr,
// so that only the recording table writes to our stdout).
// @return the exit status, 128 + N for signal N, 127 when it cannot start.
static int run(char *const argv[], int out_fd)
{
	pid_t pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		if (dup2(out_fd >= 0 ? out_fd : STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// One hook: @p path is a system path, run under the root with @p arg ($1).
static int run_hook(struct kx_capture *cap, const char *path, const char *arg)
{
	char *full;
	struct kx_error *err = kx_root_path(cap->root, path, &full);
	if (err) {
		say_error(cap, err);
		return 1;
	}
	char *argv[] = { full, (char *)(uintptr_t)arg, NULL };
	int rc = run(argv, -1);
	free(full);
	return rc;
}

static int only_visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

// The executables of @p dir in name order; failures are logged only.
static void run_hook_dir(struct kx_capture *cap, const char *dir, const char *arg)
{
	char *full;
	struct kx_error *err = kx_root_path(cap->root, dir, &full);
	if (err) {
		say_error(cap, err);
		return;
	}
	struct dirent **list;
	int n = scandir(full, &list, only_visible, alphasort);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX], efull[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		snprintf(efull, sizeof(efull), "%s/%s", full, list[i]->d_name);
		struct stat st;
		if (stat(efull, &st) == 0 && S_ISREG(st.st_mode) && access(efull, X_OK) == 0) {
			int rc = run_hook(cap, path, arg);
			if (rc != 0)
				say(cap, "%s exited with %d", path, rc);
		}
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	free(full);
}

static void load_modules(struct kx_capture *cap)
{
	char *text;
	struct kx_error *err = kx_root_read_file(cap->root, KX_INITRAMFS_MODULES, SMALL_MAX,
						 &text, NULL);
	if (err) {
		say_error(cap, err);
		return;
	}
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *full;
		err = kx_root_path(cap->root, l, &full);
		if (!err) {
			err = cap->sys->load(cap->sys, full);
			free(full);
		}
		if (err)
			say_error(cap, err);
	}
	free(text);
}

// The /dev node (full path) of the device whose superblock matches @p spec.
static struct kx_error *find_by_tag(struct kx_capture *cap, const char *spec, char **ret)
{
	char *name, path[300];
	KX_TRY(kx_blkid_find(cap->root, spec, &name));
	if (!name)
		return NULL;
	snprintf(path, sizeof(path), "/dev/%s", name);
	free(name);
	return kx_root_path(cap->root, path, ret);
}

// Wait for the device @p spec (a path, UUID= or LABEL=); its full path.
static struct kx_error *wait_device(struct kx_capture *cap, const char *spec, char **ret)
{
	bool tag = strncmp(spec, "UUID=", 5) == 0 || strncmp(spec, "LABEL=", 6) == 0;
	for (unsigned waited = 0;; waited += POLL_MS) {
		char *full = NULL;
		if (tag) {
			KX_TRY(find_by_tag(cap, spec, &full));
		} else {
			KX_TRY(kx_root_path(cap->root, spec, &full));
			if (access(full, F_OK) != 0) {
				free(full);
				full = NULL;
			}
		}
		if (full) {
			*ret = full;
			return NULL;
		}
		KX_CHECK(waited < cap->wait_seconds * 1000u, KX_ERROR_NOT_FOUND,
			 "the dump device %s did not appear in %u seconds", spec,
			 cap->wait_seconds);
		usleep(POLL_MS * 1000);
	}
}

// Mount @p spec (waiting for it) on the system directory @p mnt.
static struct kx_error *mount_target(struct kx_capture *cap, const char *fstype,
				     const char *spec, const char *mnt)
{
	char *dev, *dir = NULL;
	KX_TRY(wait_device(cap, spec, &dev));
	struct kx_error *err = kx_root_path(cap->root, mnt, &dir);
	if (!err)
		err = cap->sys->mount(cap->sys, dev, dir, fstype);
	free(dir);
	free(dev);
	return err;
}


// A file of the dump directory, created afresh with mode 0600.
static struct kx_error *create(const char *dir, const char *name, int *ret_fd)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return kx_error_os(errno, path, "cannot create %s", path);
	// The mode must not depend on the umask.
	if (fchmod(fd, 0600) != 0) {
		struct kx_error *err = kx_error_os(errno, path, "cannot chmod %s", path);
		close(fd);
		return err;
	}
	*ret_fd = fd;
	return NULL;
}

// fsync @p dir/@p from, then rename it to @p to and sync the directory.
static struct kx_error *commit(const char *dir, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	snprintf(a, sizeof(a), "%s/%s", dir, from);
	snprintf(b, sizeof(b), "%s/%s", dir, to);
	int fd = open(a, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, a, "cannot open %s", a);
	int rc = fsync(fd) != 0 || fchmod(fd, 0600) != 0;
	int e = errno;
	close(fd);
	if (rc)
		return kx_error_os(e, a, "cannot sync %s", a);
	if (rename(a, b) != 0)
		return kx_error_os(errno, b, "cannot rename %s to %s", a, b);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return NULL;
}

static void save_dmesg(struct kx_capture *cap, const char *dir, const char *vmcore)
{
	say(cap, "saving vmcore-dmesg.txt to %s", dir);
	int fd;
	struct kx_error *err = create(dir, "vmcore-dmesg-incomplete.txt", &fd);
	if (!err) {
		char *argv[] = { "vmcore-dmesg", (char *)(uintptr_t)vmcore, NULL };
		int rc = run(argv, fd);
		close(fd);
		if (rc == 0)
			err = commit(dir, "vmcore-dmesg-incomplete.txt", "vmcore-dmesg.txt");
		else
			err = kx_error_create(KX_ERROR_INVALID_ARG, "vmcore-dmesg exited with %d", rc);
	}
	if (err) {
		say_error(cap, err);
		say(cap, "saving vmcore-dmesg.txt failed");
		return;
	}
	say(cap, "saving vmcore-dmesg.txt complete");
	cap->dmesg_saved = true;
}

// The core collector's words, -F dropped from makedumpfile (added for raw),
// then @p vmcore and @p out (NULL for raw: standard output).
static struct kx_error *collector_argv(const char *collector, bool raw, const char *vmcore,
				       const char *out, char **words, char *argv[MAX_ARGS + 1])
{
	size_t n = 0;
	char *save = NULL;
	if (!(*words = strdup(collector)))
		return &kx_enomem;
	char *w = strtok_r(*words, " \t", &save);
	const char *base = w ? strrchr(w, '/') : NULL;
	bool mdf = w && strcmp(base ? base + 1 : w, "makedumpfile") == 0;
	for (; w && n < MAX_ARGS - 3; w = strtok_r(NULL, " \t", &save))
		if (!(mdf && strcmp(w, "-F") == 0))
			argv[n++] = w;
	KX_CHECK(n > 0 && !w, KX_ERROR_INVALID_ARG, "bad core_collector %s", collector);
	if (mdf && raw)
		argv[n++] = "-F";
	argv[n++] = (char *)(uintptr_t)vmcore;
	if (out)
		argv[n++] = (char *)(uintptr_t)out;
	argv[n] = NULL;
	return NULL;
}

static int save_vmcore(struct kx_capture *cap, const char *collector, const char *dir,
		       const char *vmcore)
{
	char out[PATH_MAX], *words = NULL, *argv[MAX_ARGS + 1];
	snprintf(out, sizeof(out), "%s/vmcore-incomplete", dir);
	struct kx_error *err = collector_argv(collector, false, vmcore, out, &words, argv);
	int rc = 1;
	if (!err) {
		say(cap, "saving vmcore");
		rc = run(argv, -1);
		if (rc == 0)
			err = commit(dir, "vmcore-incomplete", "vmcore");
	}
	free(words);
	if (err) {
		say_error(cap, err);
		return 1;
	}
	if (rc != 0) {
		say(cap, "saving vmcore failed, exitcode:%d", rc);
		return 1;
	}
	say(cap, "saving vmcore complete");
	return 0;
}

// The dump directory's name: `<ip>-<YYYY-MM-DD-HH:MM:SS>`, or
// `kdump-test-<id>` for `kdumpctl test`.
static void dump_dir_name(const struct kx_capture *cap, char *buf, size_t size)
{
	char stamp[64];
	struct tm tm;
	if (cap->test_id[0]) {
		snprintf(buf, size, "kdump-test-%s", cap->test_id);
		return;
	}
	localtime_r(&cap->now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M:%S", &tm);
	snprintf(buf, size, "%s-%s", LOCAL_IP, stamp);
}

// In test mode, (re)write the test's status file in the full path @p dir.
static void test_status(struct kx_capture *cap, const char *dir, const char *status)
{
	if (!cap->test_id[0])
		return;
	struct kx_error *err = kx_vmcore_test_set_status(dir, status);
	if (err)
		say_error(cap, err);
}

// The test id of /proc/cmdline; a bad one is ignored (a normal dump).
static void read_test_id(struct kx_capture *cap)
{
	bool found = false;
	struct kx_error *err = kx_vmcore_test_cmdline_id(cap->root, cap->test_id, &found);
	if (err)
		say_error(cap, err);
	if (err || !found)
		cap->test_id[0] = '\0';
}

// dump_fs: mount, make the dated directory, save dmesg and the vmcore.
// @p ret_dir gets the directory (full path) once it exists.
static int dump_fs(struct kx_capture *cap, const struct kx_conf_settings *s, const char *fstype,
		   const char *device, const char *path, const char *mnt, char **ret_dir)
{
	struct kx_error *err = mount_target(cap, fstype, device, mnt);
	char name[128], sys[PATH_MAX], *dir = NULL, *vmcore = NULL;
	dump_dir_name(cap, name, sizeof(name));
	snprintf(sys, sizeof(sys), "%s%s%s/%s", mnt, *path == '/' ? "" : "/",
		 strcmp(path, "/") == 0 ? "" : path, name);
	if (!err)
		err = kx_root_path(cap->root, sys, &dir);
	if (!err)
		err = kx_io_mkdirs(dir);
	if (!err)
		err = kx_root_path(cap->root, "/proc/vmcore", &vmcore);
	if (err) {
		say_error(cap, err);
		free(dir);
		return 1;
	}
	*ret_dir = dir;
	test_status(cap, dir, "fail");
	say(cap, "saving to %s", dir);
	save_dmesg(cap, dir, vmcore);
	int rc = save_vmcore(cap, s->core_collector, dir, vmcore);
	free(vmcore);
	return rc;
}

// dump_raw: the flattened dump onto the device.
static int dump_raw(struct kx_capture *cap, const struct kx_conf_settings *s, const char *spec)
{
	char *dev = NULL, *vmcore = NULL, *words = NULL, *argv[MAX_ARGS + 1];
	struct kx_error *err = wait_device(cap, spec, &dev);
	if (!err)
		err = kx_root_path(cap->root, "/proc/vmcore", &vmcore);
	if (!err)
		err = collector_argv(s->core_collector, true, vmcore, NULL, &words, argv);
	int fd = err ? -1 : open(dev, O_WRONLY | O_CLOEXEC);
	if (!err && fd < 0)
		err = kx_error_os(errno, dev, "cannot open %s", dev);
	int rc = 1;
	if (!err) {
		say(cap, "saving vmcore to %s", spec);
		rc = run(argv, fd);
		if (fsync(fd) != 0 && rc == 0)
			rc = 1;
		close(fd);
		if (rc)
			say(cap, "saving vmcore failed, exitcode:%d", rc);
		else
			say(cap, "saving vmcore complete");
	}
	if (err)
		say_error(cap, err);
	free(dev);
	free(vmcore);
	free(words);
	return rc;
}

// One /dev/kmsg record, "PRI,SEQ,USEC,FLAGS;TEXT\n[ KEY=VALUE\n...]", as
// dmesg prints it: "[SECONDS.MICROS] TEXT".
static void kmsg_record(FILE *out, const char *rec)
{
	const char *semi = strchr(rec, ';');
	unsigned long long usec = 0;
	if (!semi || sscanf(rec, "%*u,%*u,%llu", &usec) != 1)
		return;
	size_t len = strcspn(semi + 1, "\n");
	fprintf(out, "[%5llu.%06llu] %.*s\n", usec / 1000000, usec % 1000000, (int)len, semi + 1);
}

// The capture kernel's log: every record /dev/kmsg still holds.
static void kmsg_copy(struct kx_capture *cap, FILE *out)
{
	char *full;
	if (kx_root_path(cap->root, "/dev/kmsg", &full))
		return;
	int fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	free(full);
	if (fd < 0)
		return;
	char rec[KMSG_REC + 1];
	ssize_t n;
	// /dev/kmsg gives one record per read; a regular file (tests) gives lines.
	while ((n = read(fd, rec, KMSG_REC)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue; // EPIPE: records were overwritten; go on with the next
		rec[n] = '\0';
		for (char *l = rec, *next; l && *l; l = next) {
			next = strchr(l, '\n');
			if (next)
				*next++ = '\0';
			if (*l != ' ')
				kmsg_record(out, l);
		}
	}
	close(fd);
}

// save_log: kexec-dmesg.log in @p dir.
static void save_log(struct kx_capture *cap, const char *dir)
{
	say(cap, "saving the kexec-dmesg.log to %s/", dir);
	int fd;
	struct kx_error *err = create(dir, "kexec-dmesg.log", &fd);
	FILE *f = err ? NULL : fdopen(fd, "w");
	if (!err && !f) {
		err = kx_error_os(errno, dir, "cannot write kexec-dmesg.log in %s", dir);
		close(fd);
	}
	if (err) {
		say_error(cap, err);
		return;
	}
	kmsg_copy(cap, f);
	for (size_t i = 0; i < cap->log.count; i++)
		fprintf(f, "%s\n", cap->log.lines[i]);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		say(cap, "cannot write kexec-dmesg.log in %s", dir);
	fclose(f);
}

// What the capture read at the start.
struct setup {
	struct kx_conf *conf;
	struct kx_conf_settings s;
	struct kx_dump_target t;
};

static struct kx_error *read_setup(struct kx_capture *cap, struct setup *st)
{
	char *text;
	KX_TRY(kx_conf_read(cap->root, KX_CONF_PATH, &st->conf));
	KX_TRY(kx_conf_validate(st->conf, cap->root, NULL, NULL, &st->s));
	KX_TRY(kx_root_read_file(cap->root, KX_INITRAMFS_TARGETS, SMALL_MAX, &text, NULL));
	struct kx_error *err = kx_dump_target_parse(text, &st->t);
	free(text);
	return err;
}

// Each word of a kdump_* option is a hook; @p arg its $1.
static int run_hooks(struct kx_capture *cap, const char *hooks, const char *arg)
{
	int rc = 0;
	char *copy = strdup(hooks ? hooks : ""), *save = NULL;
	for (char *w = copy ? strtok_r(copy, " \t", &save) : NULL; w && !rc;
	     w = strtok_r(NULL, " \t", &save))
		rc = run_hook(cap, w, arg);
	free(copy);
	return rc;
}

// Mount the root file system and dump into `path` there.
static int dump_to_rootfs(struct kx_capture *cap, const struct setup *st, char **ret_dir)
{
	if (!st->t.root_device) {
		say(cap, "Failed to mount rootfs");
		return 1;
	}
	return dump_fs(cap, &st->s, st->t.root_fstype, st->t.root_device, st->s.path,
		       KX_INITRAMFS_ROOT_MNT, ret_dir);
}

// The error handler: emergency hooks, failure_action, the log.
// @return false when failure_action ended the capture.
static bool handle_failure(struct kx_capture *cap, const struct setup *st, char **dir)
{
	run_hook_dir(cap, "/etc/kdump/emergency.d", NULL);
	if (st->s.kdump_emergency)
		run_hooks(cap, st->s.kdump_emergency, NULL);
	const char *fa = st->s.failure_action;
	say(cap, "Executing failure action %s", fa);
	if (strcmp(fa, "dump_to_rootfs") == 0) {
		free(*dir);
		*dir = NULL;
		dump_to_rootfs(cap, st, dir);
	} else {
		cap->sys->action(cap->sys, fa);
		if (strcmp(fa, "shell") != 0)
			return false;
	}
	if (*dir)
		save_log(cap, *dir);
	return true;
}

static int dump(struct kx_capture *cap, const struct setup *st, char **dir)
{
	if (st->t.raw)
		return dump_raw(cap, &st->s, st->t.device);
	return dump_fs(cap, &st->s, st->t.fstype, st->t.device, st->t.dir, KX_INITRAMFS_DUMP_MNT,
		       dir);
}

// Steps 2-7 of capture.h.
static int capture(struct kx_capture *cap, const struct setup *st)
{
	char *dir = NULL;
	int rc = run_hooks(cap, st->s.kdump_pre, NULL);
	run_hook_dir(cap, "/etc/kdump/pre.d", NULL);
	if (rc != 0) {
		say(cap, "kdump_pre script exited with non-zero status!");
		cap->sys->action(cap->sys, st->s.final_action);
		return 1;
	}
	rc = dump(cap, st, &dir) ? 1 : 0;
	const char *status = rc ? "1" : "0";
	run_hook_dir(cap, "/etc/kdump/post.d", status);
	if (run_hooks(cap, st->s.kdump_post, status) != 0)
		say(cap, "kdump_post script exited with non-zero status!");
	if (dir)
		save_log(cap, dir);
	if (dir && !rc && cap->dmesg_saved)
		test_status(cap, dir, "success");
	bool go_on = !rc || handle_failure(cap, st, &dir);
	free(dir);
	if (go_on)
		cap->sys->action(cap->sys, st->s.final_action);
	return rc;
}

int kx_capture_run(struct kx_capture *cap)
{
	static const char *const fs[][2] = { { "proc", "/proc" }, { "sysfs", "/sys" },
					     { "devtmpfs", "/dev" } };
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		char *dir;
		struct kx_error *err = kx_root_path(cap->root, fs[i][1], &dir);
		if (!err) {
			err = cap->sys->mount(cap->sys, fs[i][0], dir, fs[i][0]);
			free(dir);
		}
		if (err)
			say_error(cap, err);
	}
	read_test_id(cap);
	struct setup st;
	memset(&st, 0, sizeof(st));
	struct kx_error *err = read_setup(cap, &st);
	int rc = 1;
	if (err) {
		// Without a configuration there is nothing to dump to: upstream's defaults.
		say_error(cap, err);
		cap->sys->action(cap->sys, "reboot");
	} else {
		load_modules(cap);
		rc = capture(cap, &st);
	}
	kx_dump_target_deinit(&st.t);
	kx_conf_destroy(st.conf);
	return rc;
}
