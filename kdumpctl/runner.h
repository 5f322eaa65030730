/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file runner.h
 * How kdumpctl runs other programs (kexec): one function pointer, so the
 * program forks and execs, `--dry-run` prints, and tests record.
 */
#ifndef KX_KDUMPCTL_RUNNER_H
#define KX_KDUMPCTL_RUNNER_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"

/** A way to run a command. */
struct kx_runner {
	/**
	 * Run @p argv (NULL-terminated; argv[0] is the program, looked up in
	 * PATH when it has no '/') with standard input from the file @p in
	 * (NULL: inherited), wait for it, and give its exit status in
	 * @p ret_status (128 + N when killed by signal N).
	 * @return an error only when the command could not be started.
	 */
	struct kx_error *(*run)(const struct kx_runner *runner, char *const argv[],
				const char *in, int *ret_status);
	/** Where the printing runner writes; NULL for runners that run. */
	FILE *out;
};

/** Whether @p runner only prints (kdumpctl --dry-run): change nothing then. */
static inline bool kx_runner_is_dry(const struct kx_runner *runner)
{
	return runner->out != NULL;
}

/** The real runner: fork(2) and execvp(2); output is inherited. */
void kx_runner_init_real(struct kx_runner *runner);

/**
 * The dry-run runner: writes `dry-run: ARGV...` (each word shell-quoted when
 * needed), ` < IN` when there is an input file, and a newline to @p out,
 * and reports status 0.
 */
void kx_runner_init_print(struct kx_runner *runner, FILE *out);

/**
 * Write @p argv to @p out as a shell would need it: words separated by one
 * space, a word with anything but [A-Za-z0-9_./=:,+@%-] put in single
 * quotes (a quote inside written as '\'').
 */
void kx_runner_print_argv(FILE *out, char *const argv[]);

#endif /* KX_KDUMPCTL_RUNNER_H */
