/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file lock.h
 * One kdumpctl at a time: an flock(2) on /run/lock/kdump (or /tmp/kdump.lock
 * when /run/lock does not exist), under the root prefix, as upstream's
 * single_instance_lock. While another process holds it, @p waiting is
 * called (main prints upstream's `Another app is currently holding the
 * kdump lock; waiting for it to exit...`), then we wait up to
 * @p timeout_ms for it, and repeat, for ever, as upstream does.
 */
#ifndef KX_KDUMPCTL_LOCK_H
#define KX_KDUMPCTL_LOCK_H

#include "error.h"

struct kx_root;

/** Upstream's `flock -w 5`. */
#define KX_LOCK_TIMEOUT_MS 5000

/** A held lock. */
struct kx_lock {
	int fd;     /**< the locked descriptor, -1 when not held */
	char *path; /**< the lock file's real path (prefix included) */
};

/**
 * Take the lock.
 * @param waiting called before each wait; may be NULL.
 * @param arg passed to @p waiting.
 * @param[out] ret the held lock; release with kx_lock_release().
 * @return KX_ERROR_OS naming the file when it cannot be opened.
 */
struct kx_error *kx_lock_acquire(const struct kx_root *root, unsigned int timeout_ms,
				 void (*waiting)(void *arg), void *arg, struct kx_lock *ret);

/** Release (close) the lock; harmless on a lock that is not held. */
void kx_lock_release(struct kx_lock *lock);

#endif /* KX_KDUMPCTL_LOCK_H */
