// SPDX-License-Identifier: GPL-2.0-only
// The capture side's system actions: see capture_sys.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_sys.h"

// <linux/module.h>: the file is compressed; the kernel decompresses it (5.17).
enum { MODULE_INIT_COMPRESSED = 4 };

static struct kx_error *real_mount(const struct kx_capture_sys *sys, const char *source,
				   const char *dir, const char *fstype)
{
	(void)sys;
	if (mount(source, dir, fstype, 0, NULL) != 0 && errno != EBUSY)
		return kx_error_os(errno, dir, "cannot mount %s (%s) on %s", source, fstype, dir);
	return NULL;
}

static bool compressed(const char *path)
{
	size_t n = strlen(path);
	return (n > 3 && strcmp(path + n - 3, ".xz") == 0) ||
	       (n > 4 && strcmp(path + n - 4, ".zst") == 0) ||
	       (n > 3 && strcmp(path + n - 3, ".gz") == 0);
}

static struct kx_error *real_load(const struct kx_capture_sys *sys, const char *path)
{
	(void)sys;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, path, "cannot open %s", path);
	long rc = syscall(SYS_finit_module, fd, "", compressed(path) ? MODULE_INIT_COMPRESSED : 0);
	int e = errno;
	close(fd);
	// A module built in or loaded already is what we wanted.
	if (rc != 0 && e != EEXIST)
		return kx_error_os(e, path, "cannot load %s", path);
	return NULL;
}

static void real_action(const struct kx_capture_sys *sys, const char *name)
{
	(void)sys;
	sync();
	if (strcmp(name, "shell") == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			execl("/bin/sh", "sh", "-i", "-l", (char *)NULL);
			_exit(127);
		}
		int status;
		if (pid > 0)
			waitpid(pid, &status, 0);
		return;
	}
	int how = strcmp(name, "halt") == 0       ? RB_HALT_SYSTEM
		  : strcmp(name, "poweroff") == 0 ? RB_POWER_OFF
						  : RB_AUTOBOOT;
	reboot(how);
	// PID 1 must not exit: the kernel would panic. Wait to be reset.
	for (;;)
		pause();
}

void kx_capture_sys_init_real(struct kx_capture_sys *sys)
{
	sys->mount = real_mount;
	sys->load = real_load;
	sys->action = real_action;
	sys->record = NULL;
}

static struct kx_error *rec_mount(const struct kx_capture_sys *sys, const char *source,
				  const char *dir, const char *fstype)
{
	fprintf(sys->record, "mount %s %s %s\n", fstype, source, dir);
	return NULL;
}

static struct kx_error *rec_load(const struct kx_capture_sys *sys, const char *path)
{
	fprintf(sys->record, "load %s\n", path);
	return NULL;
}

static void rec_action(const struct kx_capture_sys *sys, const char *name)
{
	fprintf(sys->record, "action %s\n", name);
}

void kx_capture_sys_init_record(struct kx_capture_sys *sys, FILE *out)
{
	sys->mount = rec_mount;
	sys->load = rec_load;
	sys->action = rec_action;
	sys->record = out;
}
