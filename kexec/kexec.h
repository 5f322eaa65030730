/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file kexec.h
 * The body of the kexec program: options in, actions through the
 * syscall layer, one message and an exit status out (kexec.md §1.2).
 *
 * Unlike the libraries this module prints, to the streams of its context:
 * it is the program, main() only parses and calls it.
 */
#ifndef KX_KEXEC_KEXEC_H
#define KX_KEXEC_KEXEC_H

#include <stdio.h>

#include "loader.h"
#include "options.h"
#include "syscall.h"

/** Exit statuses, upstream's (kexec.md §1.2). */
enum kx_kexec_exit {
	KX_EXIT_OK = 0,          /**< success; -S: not loaded */
	KX_EXIT_FAILURE = 1,     /**< usage errors, die(); -S: loaded */
	KX_EXIT_NO_FILE_LOAD = 253, /**< EFALLBACK: "syscall kexec_file_load not available." */
	KX_EXIT_NO_CRASH = 254,  /**< ENOCRASHKERNEL: no crash kernel memory */
	KX_EXIT_FAILED = 255,    /**< EFAILED: the kernel refused */
};

/** What the program runs with. Caller memory. */
struct kx_kexec_ctx {
	FILE *out;    /**< normal output (--print-ckr-size, --help, dry-run plans) */
	FILE *err;    /**< messages */
	struct kx_sys *sys; /**< real or dry-run; --dry-run needs a dry-run one */
	/** Loader table overriding the architecture's (tests); NULL = arch->loaders. */
	const struct kx_image_loader *const *loaders;
};

/**
 * Run what @p opts ask for.
 * @return the exit status (enum kx_kexec_exit, or 1/0 for -S).
 */
int kx_kexec_run(const struct kx_kexec_opts *opts, struct kx_kexec_ctx *ctx);

#endif /* KX_KEXEC_KEXEC_H */
