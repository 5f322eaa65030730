// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl: the kdump service (start, stop, status, ...). Thin: options,
// the configuration check, sysconfig, the instance lock, then commands.c.
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "capture.h"
#include "capture_sys.h"
#include "commands.h"
#include "conf.h"
#include "lock.h"
#include "root.h"
#include "runner.h"
#include "sysconfig.h"

#ifndef KX_SBINDIR
#define KX_SBINDIR "/usr/sbin"
#endif

enum { MAX_KEXEC_WORDS = 16 };

struct opts {
	const char *root;
	const char *arch;
	bool dry_run;
	int argc; // the command and its arguments
	char **argv;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kdumpctl {start|stop|status|restart|reload|rebuild|showmem|estimate|"
		"get-default-crashkernel|propagate|test [--force]}\n"
		"       kdumpctl [--root=DIR] [--arch=ARCH] [--dry-run] COMMAND\n"
		"       kdumpctl --help | --version\n\n"
		"kx extensions:\n"
		"  --root=DIR   read and lock the system below DIR (also $KX_ROOT)\n"
		"  --arch=ARCH  the architecture of the tables (default: this machine's)\n"
		"  --dry-run    print the kexec commands instead of running them\n"
		"  capture      the capture side (what /init runs in the kdump initramfs);\n"
		"               with --dry-run it records mounts, module loads and\n"
		"               reboots instead of doing them\n"
		"Environment: KX_KEXEC the kexec command (words), default %s/kexec\n"
		"  KX_MAKEDUMPFILE, KX_VMCORE_DMESG: the programs put in the kdump\n"
		"  initramfs, default %s/makedumpfile and %s/vmcore-dmesg\n",
		KX_SBINDIR, KX_SBINDIR, KX_SBINDIR);
}

// 0 to go on, else 1 + the exit status.
static int parse_args(int argc, char **argv, struct opts *o)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1 + EXIT_SUCCESS;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("kdumpctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 1 + EXIT_SUCCESS;
		} else if (strncmp(a, "--root=", 7) == 0) {
			o->root = a + 7;
		} else if (strncmp(a, "--arch=", 7) == 0) {
			o->arch = a + 7;
		} else if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else {
			fprintf(stderr, "kdump: unknown option %s\n", a);
			return 1 + EXIT_FAILURE;
		}
	}
	o->argc = argc - i;
	o->argv = argv + i;
	return 0;
}

// KX_KEXEC split on blanks, or the installed kexec. @p words holds the copy.
static bool kexec_command(char **words, char *argv_out[MAX_KEXEC_WORDS + 1])
{
	const char *env = getenv("KX_KEXEC");
	size_t n = 0;
	*words = strdup(env && *env ? env : KX_SBINDIR "/kexec");
	if (!*words)
		return false;
	char *save = NULL;
	for (char *w = strtok_r(*words, " \t", &save); w && n < MAX_KEXEC_WORDS;
	     w = strtok_r(NULL, " \t", &save))
		argv_out[n++] = w;
	argv_out[n] = NULL;
	return n > 0;
}

// Our programs for the initramfs: this very kdumpctl, makedumpfile and vmcore-dmesg.
struct programs {
	char self[PATH_MAX], mdf[PATH_MAX], vd[PATH_MAX];
	const char *list[4];
};

// @p path made absolute (the builder reads programs by system path).
static const char *absolute(const char *path, char buf[PATH_MAX])
{
	return realpath(path, buf) ? buf : path;
}

static bool find_programs(struct programs *p)
{
	ssize_t n = readlink("/proc/self/exe", p->self, sizeof(p->self) - 1);
	if (n <= 0)
		return false;
	p->self[n] = '\0';
	const char *mdf = getenv("KX_MAKEDUMPFILE"), *vd = getenv("KX_VMCORE_DMESG");
	p->list[0] = p->self;
	p->list[1] = absolute(mdf && *mdf ? mdf : KX_SBINDIR "/makedumpfile", p->mdf);
	p->list[2] = absolute(vd && *vd ? vd : KX_SBINDIR "/vmcore-dmesg", p->vd);
	p->list[3] = NULL;
	return true;
}

static void lock_waiting(void *arg)
{
	(void)arg;
	fprintf(stderr, "kdump: Another app is currently holding the kdump lock; waiting for "
			"it to exit...\n");
}

// The one case where the real /proc/sysrq-trigger may be written: `test`,
// not --dry-run, on the real root (commands.c checks the root again).
static bool sysrq_allowed(const struct opts *o, const struct kx_root *root)
{
	return !o->dry_run && (!root->prefix || !*root->prefix) && o->argc > 0 &&
	       strcmp(o->argv[0], "test") == 0;
}

// Everything after the options, with the root prefix set up.
static int run(const struct opts *o, const struct kx_root *root, const struct kx_arch *arch,
	       const char *prog)
{
	if (!kx_root_exists(root, KX_CONF_PATH)) {
		fprintf(stderr, "kdump: Error: No kdump config file found!\n");
		return EXIT_FAILURE;
	}
	struct kx_sysconfig *sc;
	struct kx_error *err = kx_sysconfig_read(root, KX_SYSCONFIG_PATH, &sc);
	if (err) {
		fprintf(stderr, "kdump: %s\n", err->message);
		kx_error_destroy(err);
		return EXIT_FAILURE;
	}
	char *words = NULL, *kexec[MAX_KEXEC_WORDS + 1];
	struct kx_runner runner;
	struct kx_lock lock = { .fd = -1 };
	struct kx_root host = { .prefix = NULL };
	struct programs progs;
	int status = EXIT_FAILURE;
	if (!find_programs(&progs)) {
		fprintf(stderr, "kdump: cannot find this program through /proc/self/exe\n");
		goto out;
	}
	if (!kexec_command(&words, kexec)) {
		fprintf(stderr, "kdump: KX_KEXEC names no command\n");
		goto out;
	}
	if (o->dry_run)
		kx_runner_init_print(&runner, stdout);
	else
		kx_runner_init_real(&runner);
	err = kx_lock_acquire(root, KX_LOCK_TIMEOUT_MS, lock_waiting, NULL, &lock);
	if (err) {
		fprintf(stderr, "kdump: %s\n", err->message);
		kx_error_destroy(err);
		goto out;
	}
	struct kx_kdumpctl ctx = { .root = root, .arch = arch, .sc = sc, .runner = &runner,
				   .kexec = kexec, .programs = progs.list, .host = &host,
				   .prog = prog, .out = stdout, .err = stderr, .in = stdin,
				   .sysrq_allowed = sysrq_allowed(o, root) };
	status = kx_commands_run(&ctx, o->argc, o->argv);
	kx_lock_release(&lock);
out:
	free(words);
	kx_sysconfig_destroy(sc);
	return status;
}

enum { CAPTURE_WAIT_SECONDS = 90 };

// The capture side (capture.h). Real only as /init (PID 1) of the capture
// kernel; elsewhere only --dry-run, which records instead of mounting,
// loading modules or rebooting.
static int capture_main(const struct kx_root *root, bool record)
{
	if (!record && getpid() != 1) {
		fprintf(stderr, "kdump: capture: not the capture kernel's /init (PID 1): "
				"use --dry-run\n");
		return EXIT_FAILURE;
	}
	struct kx_capture_sys sys;
	if (record)
		kx_capture_sys_init_record(&sys, stdout);
	else
		kx_capture_sys_init_real(&sys);
	struct kx_capture cap = { .root = root, .sys = &sys, .console = stderr,
				  .now = time(NULL), .wait_seconds = CAPTURE_WAIT_SECONDS };
	kx_notes_init(&cap.log);
	if (!record)
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	int rc = kx_capture_run(&cap);
	kx_notes_deinit(&cap.log);
	return rc;
}

static bool is_init(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	return strcmp(base ? base + 1 : argv0, "init") == 0;
}

int main(int argc, char **argv)
{
	if (argc > 0 && is_init(argv[0])) {
		struct kx_root real = { .prefix = NULL };
		return capture_main(&real, false);
	}
	struct opts o = { .root = NULL };
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc - 1;
	if (!o.root)
		o.root = getenv("KX_ROOT");
	const struct kx_arch *arch = o.arch ? kx_arch_by_name(o.arch) : kx_arch_host();
	if (!arch) {
		fprintf(stderr, "kdump: unknown architecture %s\n", o.arch);
		return EXIT_FAILURE;
	}
	struct kx_root root;
	struct kx_error *err = kx_root_init(&root, o.root);
	if (err) {
		fprintf(stderr, "kdump: %s\n", err->message);
		kx_error_destroy(err);
		return EXIT_FAILURE;
	}
	int status;
	if (o.argc == 0) {
		// Our own usage; an unknown command gets upstream's (commands.c).
		usage(stderr);
		status = EXIT_FAILURE;
	} else if (strcmp(o.argv[0], "capture") == 0) {
		status = capture_main(&root, o.dry_run);
	} else {
		status = run(&o, &root, arch, argv[0]);
	}
	kx_root_deinit(&root);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kdump: write error on standard output\n");
		return status ? status : EXIT_FAILURE;
	}
	return status;
}
