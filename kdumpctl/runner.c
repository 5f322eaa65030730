// SPDX-License-Identifier: GPL-2.0-only
// Running kexec: see runner.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

static void print_words(FILE *out, char *const argv[])
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
}

static struct kx_error *run_real(const struct kx_runner *runner, char *const argv[],
				 const char *in, int *ret_status)
{
	(void)runner;
	int fd = in ? open(in, O_RDONLY | O_CLOEXEC) : -1;
	if (in && fd < 0)
		return kx_error_os(errno, in, "cannot open the input of %s", argv[0]);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return kx_error_os(e, NULL, "cannot fork to run %s", argv[0]);
	}
	if (pid == 0) {
		if (fd >= 0 && dup2(fd, STDIN_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		// 127 as a shell does for a command it cannot run.
		_exit(127);
	}
	if (fd >= 0)
		close(fd);
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
				  const char *in, int *ret_status)
{
	fputs("dry-run: ", runner->out);
	print_words(runner->out, argv);
	if (in) {
		char *const word[] = { (char *)in, NULL };
		fputs(" < ", runner->out);
		print_words(runner->out, word);
	}
	fputc('\n', runner->out);
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
	print_words(out, argv);
	fputc('\n', out);
}
