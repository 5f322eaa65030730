// SPDX-License-Identifier: GPL-2.0-only
// vmcore-dmesg: print the kernel log of a crashed kernel from its vmcore,
// line for line as kexec-tools' vmcore-dmesg prints it (kexec.md §5).
//
// Exit codes follow upstream's ranges where they make sense; the mapping
// is in exit_code() and in the --help text:
//   0 success, 1 usage, 2 the vmcore cannot be opened or read,
//   10 not a usable ELF vmcore, 20 no VMCOREINFO note, 21 a malformed one,
//   30 an address no PT_LOAD or page table maps, 40 reading the log failed,
//   50 VMCOREINFO names no printk buffer (or lacks a key it needs),
//   54 writing the output failed, 60 the log is corrupt, 64 out of memory.
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "elf_core.h"
#include "printk.h"
#include "vmcore_kmem.h"
#include "vmcoreinfo.h"

enum {
	EXIT_USAGE = 1,
	EXIT_OPEN = 2,
	EXIT_NOT_ELF = 10,
	EXIT_NO_VMCOREINFO = 20,
	EXIT_BAD_VMCOREINFO = 21,
	EXIT_UNMAPPED = 30,
	EXIT_READ = 40,
	EXIT_NO_PRINTK = 50,
	EXIT_WRITE = 54,
	EXIT_CORRUPT_LOG = 60,
	EXIT_NOMEM = 64,
};

struct vmcore_dmesg_opts {
	bool want_help;
	bool want_version;
	const char *vmcore;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: vmcore-dmesg [OPTION]... VMCORE\n"
		"Print the kernel log buffer of a crashed kernel from its ELF vmcore\n"
		"(/proc/vmcore, makedumpfile -E output, QEMU dump-guest-memory).\n"
		"\n"
		" -h, --help     print this help and exit\n"
		" -v, --version  print the version and exit\n"
		"\n"
		"Exit status: 0 success; 1 usage; 2 VMCORE cannot be opened or read;\n"
		"10 not a usable ELF vmcore; 20 no VMCOREINFO note; 21 malformed VMCOREINFO;\n"
		"30 an address no PT_LOAD or page table maps; 40 reading the log failed;\n"
		"50 no printk buffer in VMCOREINFO; 54 write error; 60 corrupt log;\n"
		"64 out of memory.\n");
}

static int parse_args(int argc, char **argv, struct vmcore_dmesg_opts *opts)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': opts->want_help = true; break;
		case 'v': opts->want_version = true; break;
		default: return -1;
		}
	}
	if (opts->want_help || opts->want_version)
		return 0;
	if (argc - optind != 1) {
		fprintf(stderr, "vmcore-dmesg: %s\n",
			optind == argc ? "missing VMCORE" : "too many arguments");
		return -1;
	}
	opts->vmcore = argv[optind];
	return 0;
}

// Output errors are told apart from reading errors by this flag.
struct sink {
	FILE *out;
	bool write_failed;
};

static struct kx_error *print_record(void *arg, const struct kx_printk_record *rec)
{
	struct sink *s = arg;
	struct kx_error *err = kx_printk_render_vmcore_dmesg(rec, s->out);
	s->write_failed = err != NULL;
	return err;
}

// The exit code of a failure while reading the log.
static int log_exit_code(const struct kx_error *err)
{
	switch (err->code) {
	case KX_ERROR_NOMEM: return EXIT_NOMEM;
	case KX_ERROR_FAULT: case KX_ERROR_NODATA: return EXIT_UNMAPPED;
	case KX_ERROR_NOT_FOUND: return EXIT_NO_PRINTK;
	case KX_ERROR_OS: return EXIT_READ;
	default: return EXIT_CORRUPT_LOG;
	}
}

static int fail(struct kx_error *err, int code)
{
	fprintf(stderr, "vmcore-dmesg: %s\n", err->message);
	if (err == &kx_enomem)
		code = EXIT_NOMEM;
	kx_error_destroy(err);
	return code;
}

static int dump_log(const struct kx_elf_core *core, const struct kx_vmcoreinfo *vi)
{
	struct kx_vmcore_kmem *km;
	struct kx_error *err = kx_vmcore_kmem_create(core, vi, &km);
	if (err)
		return fail(err, EXIT_NOMEM);
	struct kx_kmem mem = { .read = kx_vmcore_kmem_read, .arg = km };
	struct sink sink = { .out = stdout };
	err = kx_printk_read(vi, &mem, print_record, &sink);
	kx_vmcore_kmem_destroy(km);
	if (!err && fflush(stdout)) {
		err = kx_error_os(errno, NULL, "writing the log");
		sink.write_failed = true;
	}
	if (err)
		return fail(err, sink.write_failed ? EXIT_WRITE : log_exit_code(err));
	return 0;
}

static int run(const struct vmcore_dmesg_opts *opts)
{
	struct kx_elf_core *core;
	struct kx_vmcoreinfo *vi = NULL;
	const char *text;
	size_t size;
	struct kx_error *err = kx_elf_core_open(opts->vmcore, &core);
	if (err)
		return fail(err, err->code == KX_ERROR_OS ? EXIT_OPEN : EXIT_NOT_ELF);
	int code;
	err = kx_elf_core_vmcoreinfo(core, &text, &size);
	if (err) {
		code = fail(kx_error_prefix(err, "%s", opts->vmcore), EXIT_NO_VMCOREINFO);
	} else if ((err = kx_vmcoreinfo_create(text, size, &vi))) {
		code = fail(kx_error_prefix(err, "%s: VMCOREINFO", opts->vmcore),
			    EXIT_BAD_VMCOREINFO);
	} else {
		code = dump_log(core, vi);
	}
	kx_vmcoreinfo_destroy(vi);
	kx_elf_core_destroy(core);
	return code;
}

int main(int argc, char **argv)
{
	struct vmcore_dmesg_opts opts = { 0 };
	if (parse_args(argc, argv, &opts) < 0) {
		fprintf(stderr, "Try 'vmcore-dmesg --help' for more information.\n");
		return EXIT_USAGE;
	}
	if (opts.want_help) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (opts.want_version) {
		printf("vmcore-dmesg (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	return run(&opts);
}
