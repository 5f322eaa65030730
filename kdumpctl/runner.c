// SPDX-License-Identifier: GPL-2.0-only
// Running kexec: see runner.h.
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

static struct kx_error *run_real(const struct kx_runner *runner, char *const argv[],
				 int *ret_status)
{
	(void)runner;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return kx_error_os(errno, NULL, "cannot fork to run %s", argv[0]);
	if (pid == 0) {
		execvp(argv[0], argv);
		// 127 as a shell does for a command it cannot run.
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return kx_error_os(errno, NULL, "waiting for %s", argv[0]);
	}
	*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return NULL;
}

void kx_runner_init_real(struct kx_runner *runner)
{
	runner->run = run_real;
	runner->out = NULL;
}

static struct kx_error *run_print(const struct kx_runner *runner, char *const argv[],
				  int *ret_status)
{
	fputs("dry-run: ", runner->out);
	kx_runner_print_argv(runner->out, argv);
	*ret_status = 0;
	return NULL;
}

void kx_runner_init_print(struct kx_runner *runner, FILE *out)
{
	runner->run = run_print;
	runner->out = out;
}

void kx_runner_print_argv(FILE *out, char *const argv[])
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789_./=:,+@%-";
	for (size_t i = 0; argv[i]; i++) {
		const char *w = argv[i];
		if (i)
			fputc(' ', out);
		if (*w && strspn(w, plain) == strlen(w)) {
			fputs(w, out);
			continue;
		}
		fputc('\'', out);
		for (; *w; w++) {
			if (*w == '\'')
				fputs("'\\''", out);
			else
				fputc(*w, out);
		}
		fputc('\'', out);
	}
	fputc('\n', out);
}
