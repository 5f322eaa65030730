// SPDX-License-Identifier: GPL-2.0-only
// The single-instance lock: see lock.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "root.h"

enum { POLL_MS = 20 };

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

// flock -w: poll the non-blocking lock, so no signal or thread is needed.
static int lock_wait(int fd, unsigned int timeout_ms)
{
	for (unsigned int waited = 0;; waited += POLL_MS) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited >= timeout_ms)
			return 1;
		sleep_ms(POLL_MS);
	}
}

static struct kx_error *open_lock_file(const struct kx_root *root, char **ret_path, int *ret_fd)
{
	const char *path = "/run/lock/kdump";
	struct stat st;
	char *dir;
	KX_TRY(kx_root_path(root, "/run/lock", &dir));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		path = "/tmp/kdump.lock";
	free(dir);
	char *full;
	KX_TRY(kx_root_path(root, path, &full));
	int fd = open(full, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		struct kx_error *err = kx_error_os(errno, full, "cannot open the kdump lock");
		free(full);
		return err;
	}
	*ret_path = full;
	*ret_fd = fd;
	return NULL;
}

struct kx_error *kx_lock_acquire(const struct kx_root *root, unsigned int timeout_ms,
				 void (*waiting)(void *arg), void *arg, struct kx_lock *ret)
{
	char *path;
	int fd;
	KX_TRY(open_lock_file(root, &path, &fd));
	int rc = lock_wait(fd, 0);
	while (rc == 1) {
		if (waiting)
			waiting(arg);
		rc = lock_wait(fd, timeout_ms);
	}
	if (rc < 0) {
		struct kx_error *err = kx_error_os(errno, path, "cannot lock");
		close(fd);
		free(path);
		return err;
	}
	ret->fd = fd;
	ret->path = path;
	return NULL;
}

void kx_lock_release(struct kx_lock *lock)
{
	if (lock->fd >= 0)
		close(lock->fd);
	free(lock->path);
	lock->fd = -1;
	lock->path = NULL;
}
