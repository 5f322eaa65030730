// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile: filter and compress a vmcore into a dump file.
//
// main() only parses, dispatches and turns an error into one line and an
// exit code; the work lives in libkxmakedumpfile.a.
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dmesg.h"
#include "dump.h"
#include "dump_elf.h"
#include "erase_conf.h"
#include "erase_dwarf.h"
#include "erase_map.h"
#include "flattened.h"
#include "log.h"
#include "mem_usage.h"
#include "options.h"
#include "reassemble.h"
#include "root.h"
#include "vmcore.h"
#include "vmcoreinfo.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: makedumpfile [OPTION]... VMCORE DUMPFILE\n"
		"       makedumpfile -F [OPTION]... VMCORE\n"
		"       makedumpfile -R DUMPFILE\n"
		"       makedumpfile --split [OPTION]... VMCORE DUMPFILE1 DUMPFILE2...\n"
		"       makedumpfile --reassemble DUMPFILE1 DUMPFILE2... DUMPFILE\n"
		"Filter out unneeded pages of a kernel crash dump and compress the rest.\n"
		"\n"
		" -c, -l, -z        compress each page with zlib, lzo or zstd\n"
		" -d LEVEL[,LEVEL]  exclude pages: 1 zero, 2 cache, 4 private cache, 8 user, 16 free\n"
		" -e                also exclude the vmemmap pages describing only excluded\n"
		"                   pages (x86_64; needs --work-dir)\n"
		" -E                write an ELF dump instead of kdump-compressed\n"
		" -F                write a flattened stream to standard output\n"
		" -R                rebuild DUMPFILE from a flattened stream on standard input\n"
		" -f                overwrite an existing DUMPFILE\n"
		" -L SIZE           stop writing at SIZE bytes (the dump is marked incomplete)\n"
		" -D                debug messages\n"
		" --message-level N 1 progress, 2 common, 4 error, 8 debug, 16 report (default 7)\n"
		" --splitblock-size KiB  granularity of --split (default 1 GiB)\n"
		" --cyclic-buffer KiB, --num-threads N, --non-mmap, --dry-run, --show-stats\n"
		" -b ORDER          write cache of 2^ORDER pages (0-20): checked, no effect here\n"
		" --work-dir DIR    upstream's bitmap file directory: must be a writable\n"
		"                   directory; nothing is written there\n"
		" --dump-dmesg      write the dead kernel's log: makedumpfile --dump-dmesg VMCORE LOGFILE\n"
		" -x VMLINUX --config FILE  erase the data FILE names (makedumpfile.conf(5))\n"
		" --eraseinfo DUMPFILE      print what --config erased from DUMPFILE\n"
		" --partial-dmesg   with --dump-dmesg: only the log since it was last cleared\n"
		" --check-params    only check the command line\n"
		" -h, --help        print this help and exit\n"
		" -v                print the version and exit\n");
}

static void version(void)
{
	printf("makedumpfile: version %s (%s)\n", PACKAGE_VERSION, PACKAGE_NAME);
	printf("lzo\tenabled\nsnappy\tdisabled\nzstd\tenabled\n");
}

// The report --show-stats prints, in upstream's layout.
static void report(const struct kx_log *log, const struct kx_dump_result *r)
{
	const uint64_t *ex = r->stats.excluded;
	uint64_t excluded = r->zero_pages;
	for (size_t i = 0; i < KX_ARRAY_SIZE(r->stats.excluded); i++)
		excluded += ex[i];
	kx_log_msg(log, KX_LOG_REPORT, "\nOriginal pages  : 0x%016llx\n",
		   (unsigned long long)r->present);
	kx_log_msg(log, KX_LOG_REPORT, "  Excluded pages   : 0x%016llx\n",
		   (unsigned long long)excluded);
	kx_log_msg(log, KX_LOG_REPORT, "    Pages filled with zero  : 0x%016llx\n",
		   (unsigned long long)r->zero_pages);
	kx_log_msg(log, KX_LOG_REPORT, "    Non-private cache pages : 0x%016llx\n",
		   (unsigned long long)ex[KX_PAGE_CACHE]);
	kx_log_msg(log, KX_LOG_REPORT, "    Private cache pages     : 0x%016llx\n",
		   (unsigned long long)ex[KX_PAGE_CACHE_PRIVATE]);
	kx_log_msg(log, KX_LOG_REPORT, "    User process data pages : 0x%016llx\n",
		   (unsigned long long)ex[KX_PAGE_USER]);
	kx_log_msg(log, KX_LOG_REPORT, "    Free pages              : 0x%016llx\n",
		   (unsigned long long)(ex[KX_PAGE_FREE] + ex[KX_PAGE_UNACCEPTED]));
	kx_log_msg(log, KX_LOG_REPORT, "    Hwpoison pages          : 0x%016llx\n",
		   (unsigned long long)ex[KX_PAGE_HWPOISON]);
	kx_log_msg(log, KX_LOG_REPORT, "    Offline pages           : 0x%016llx\n",
		   (unsigned long long)ex[KX_PAGE_OFFLINE]);
	// Upstream counts the vmemmap frames -e leaves out neither as
	// excluded nor as gone from the remaining pages.
	kx_log_msg(log, KX_LOG_REPORT, "  Remaining pages  : 0x%016llx\n",
		   (unsigned long long)(r->dumpable + r->stats.vmemmap - r->zero_pages));
	kx_log_msg(log, KX_LOG_REPORT, "Memory Hole     : 0x%016llx\n",
		   (unsigned long long)(r->max_mapnr - r->present));
	kx_log_msg(log, KX_LOG_REPORT, "--------------------------------------------------\n");
	kx_log_msg(log, KX_LOG_REPORT, "Total pages     : 0x%016llx\n",
		   (unsigned long long)r->max_mapnr);
	kx_log_msg(log, KX_LOG_REPORT, "Write bytes     : %llu\n",
		   (unsigned long long)r->bytes_written);
}

// A test hook: tests/cli/makedumpfile-threads.sh cuts small synthetic
// vmcores where filtering threads would never cut real ones, to show that
// a part whose answer depends on the part before is noticed.
static uint64_t split_align_for_tests(void)
{
	const char *s = getenv("KX_TEST_FILTER_SPLIT_ALIGN");
	unsigned long long v = s ? strtoull(s, NULL, 0) : 0;
	return v % 8 == 0 ? v : 0;
}

static struct kx_error *unsupported_mode(const struct kx_mdf_opts *o)
{
	if (o->mode == KX_MDF_GENERATE_VMCOREINFO)
		return kx_error_create(KX_ERROR_UNSUPPORTED,
				       "this mode (-g) is not implemented yet");
	if (o->vmcoreinfo || (o->vmlinux && !o->config))
		return kx_error_create(KX_ERROR_UNSUPPORTED,
				       "-i and -x without --config are not implemented yet");
	return NULL;
}

// --work-dir is where upstream keeps its bitmap file. Bitmaps live in
// memory here and nothing is written there, but a directory upstream could
// not use is refused all the same, so a configuration that works with us
// works with upstream too.
static struct kx_error *check_work_dir(const char *dir)
{
	struct stat st;
	if (!dir)
		return NULL;
	if (stat(dir, &st) < 0)
		return kx_error_os(errno, dir, "--work-dir");
	if (!S_ISDIR(st.st_mode))
		return kx_error_os(ENOTDIR, dir, "--work-dir");
	if (access(dir, W_OK | X_OK) < 0)
		return kx_error_os(errno, dir, "--work-dir");
	return NULL;
}

static void warn_vmcore(const struct kx_log *log, const struct kx_vmcore *vm)
{
	if (vm->vi && vm->vi->nr_duplicates)
		kx_log_msg(log, KX_LOG_COMMON,
			   "VMCOREINFO repeats %zu key(s), first on line %zu: the first values are used.\n",
			   vm->vi->nr_duplicates, vm->vi->first_duplicate_line);
}

static enum kx_compress_method method_of(const struct kx_mdf_opts *o, const struct kx_log *log)
{
	if (o->compression == KX_MDF_COMPRESS_SNAPPY) {
		// As upstream builds without libsnappy do: store pages raw.
		kx_log_msg(log, KX_LOG_COMMON, "Switching to non-compressed format: "
			   "this makedumpfile has no snappy support.\n");
		return KX_COMPRESS_NONE;
	}
	return (enum kx_compress_method)o->compression;
}

// What makedumpfile.conf(5) says happens to a [MODULE] section that
// cannot be resolved: it is skipped, with a message.
static void report_skips(const struct kx_mdf_opts *o, const struct kx_log *log,
			 const struct kx_erase_skips *skips)
{
	for (size_t i = 0; i < skips->n; i++) {
		const struct kx_erase_skip *k = &skips->v[i];
		if (k->why == KX_ERASE_SKIP_NOT_LOADED)
			kx_log_msg(log, KX_LOG_COMMON, "%s: [%s]: module %s is not loaded in the dump: "
				   "skipping to next Module section (%zu command(s)).\n", o->config,
				   k->module, k->module, k->nstmts);
		else
			kx_log_msg(log, KX_LOG_COMMON, "%s: [%s]: Can't get Module debuginfo for module "
				   "'%s' (%s): skipping to next Module section (%zu command(s)).\n",
				   o->config, k->module, k->module, k->detail, k->nstmts);
	}
}

// --config: what to erase, resolved against -x VMLINUX and the vmcore;
// module debuginfo is searched under $KX_ROOT (tests point it at a tree).
static struct kx_error *erase_setup(const struct kx_mdf_opts *o, const struct kx_log *log,
				    const struct kx_vmcore *vm, struct kx_erase_map **ret)
{
	*ret = NULL;
	if (!o->config)
		return NULL;
	struct kx_erase_conf *conf;
	KX_TRY(kx_erase_conf_load(o->config, &conf));
	struct kx_root root;
	struct kx_error *err = kx_root_init(&root, getenv("KX_ROOT"));
	if (err) {
		kx_erase_conf_destroy(conf);
		return err;
	}
	struct kx_erase_skips skips;
	err = kx_erase_build(conf, o->vmlinux, vm, &root, ret, &skips);
	if (!err)
		report_skips(o, log, &skips);
	kx_erase_skips_deinit(&skips);
	kx_root_deinit(&root);
	kx_erase_conf_destroy(conf);
	return err;
}

// --eraseinfo DUMPFILE: what --config erased, as the dump recorded it.
static struct kx_error *print_eraseinfo(const struct kx_mdf_opts *o)
{
	char *text;
	size_t size;
	KX_TRY(kx_erase_map_read_info(o->files[0], &text, &size));
	fwrite(text, 1, size, stdout);
	free(text);
	return NULL;
}

// --split: the files after the vmcore, each split block of
// --splitblock-size KiB.
static void split_request(const struct kx_mdf_opts *o, struct kx_dump_request *req)
{
	if (o->mode != KX_MDF_SPLIT)
		return;
	req->output = NULL;
	req->split_outputs = o->files + 1;
	req->nr_split = o->nr_files - 1;
	req->splitblock_bytes = o->splitblock_size * 1024;
}

// Remove what a level that ran out of space wrote, before the next level.
static void remove_outputs(const struct kx_dump_request *req)
{
	if (req->output)
		unlink(req->output);
	for (size_t i = 0; i < req->nr_split; i++)
		unlink(req->split_outputs[i]);
}

// Re-filtering a kdump-compressed VMCORE, upstream refuses ELF output (in
// these words, "disable" included: scripts may match them).
static struct kx_error *refilter_check(const struct kx_mdf_opts *o, const struct kx_vmcore *vm)
{
	KX_CHECK(!vm->dd || !o->elf_output, KX_ERROR_UNSUPPORTED,
		 "'-E' option is disable, because %s is kdump compressed format.", o->files[0]);
	return NULL;
}

// Pages the input dump excluded cannot come back: as upstream, its level is
// ORed into each requested one, saying so when that changes it.
static unsigned int refilter_level(const struct kx_mdf_opts *o, const struct kx_log *log,
				   const struct kx_vmcore *vm, unsigned int level)
{
	unsigned int merged = level | vm->input_level;
	if (merged != level)
		kx_log_msg(log, KX_LOG_COMMON,
			   "dump_level is changed to %u, because %s was created by dump_level(%u).\n",
			   merged, o->files[0], vm->input_level);
	return merged;
}

static struct kx_error *open_vmcore(const struct kx_mdf_opts *o, struct kx_vmcore **ret)
{
	struct kx_vmcore *vm;
	KX_TRY(kx_vmcore_open_any(o->files[0], o->work_dir, &vm));
	struct kx_error *err = refilter_check(o, vm);
	if (err) {
		kx_vmcore_destroy(vm);
		return err;
	}
	*ret = vm;
	return NULL;
}

// SIGTERM (systemd stopping a service, a timeout) or SIGINT must not leave a
// torn dump: the handler only raises this flag, which the dump checks
// between pages, and the dump then ends marked INCOMPLETE like on a full
// disk. A second signal kills as usual (SA_RESETHAND). The flag is the one
// piece of process-wide state: a signal handler can reach nothing else.
static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static struct kx_error *catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = request_stop, .sa_flags = SA_RESETHAND | SA_RESTART };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0)
		return kx_error_os(errno, NULL, "catching SIGTERM, SIGINT and SIGHUP");
	return NULL;
}

// Try each -d level in turn while the output fills up.
static struct kx_error *create_dump(const struct kx_mdf_opts *o, const struct kx_log *log,
				    struct kx_dump_result *res)
{
	struct kx_vmcore *vm;
	KX_TRY(open_vmcore(o, &vm));
	warn_vmcore(log, vm);
	struct kx_erase_map *erase;
	struct kx_error *err = erase_setup(o, log, vm, &erase);
	if (err) {
		kx_vmcore_destroy(vm);
		return err;
	}
	bool flatten = o->mode == KX_MDF_FLATTEN;
	struct kx_dump_request req = {
		.output = flatten ? NULL : o->files[1],
		.force = o->force,
		.flatten = flatten,
		.flat_fd = STDOUT_FILENO,
		.dry_run = o->dry_run,
		.method = method_of(o, log),
		.window_pfns = o->cyclic_buffer * 1024 * 8,
		.threads = o->num_threads,
		.filter_split_align = split_align_for_tests(),
		.no_mmap = o->non_mmap,
		.exclude_vmemmap = o->exclude_vmemmap,
		.erase = erase,
		.stop = &stop_requested,
		.log = log,
	};
	split_request(o, &req);
	for (size_t i = 0; i < o->nr_levels; i++) {
		req.level = refilter_level(o, log, vm, o->levels[i]);
		kx_error_destroy(err);
		err = o->elf_output ? kx_dump_elf(vm, &req, res) : kx_dump_kdump(vm, &req, res);
		// A stream already sent cannot be retried.
		if (!kx_error_is(err, KX_ERROR_NOSPACE) || i + 1 == o->nr_levels || flatten)
			break;
		kx_log_msg(log, KX_LOG_COMMON, "Retrying with dump level %u.\n", o->levels[i + 1]);
		remove_outputs(&req);
		req.force = true;
	}
	kx_erase_map_destroy(erase);
	kx_vmcore_destroy(vm);
	return err;
}

// -L is the kernel's own file-size limit: a write past it fails with EFBIG
// (SIGXFSZ is ignored), which the writer treats like a full disk, so the
// dump ends marked INCOMPLETE exactly as on ENOSPC.
static struct kx_error *limit_size(uint64_t limit)
{
	signal(SIGXFSZ, SIG_IGN);
	if (!limit)
		return NULL;
	struct rlimit rl = { .rlim_cur = (rlim_t)limit, .rlim_max = RLIM_INFINITY };
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_max < limit)
		limit = rl.rlim_max;
	rl.rlim_cur = (rlim_t)limit;
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		return kx_error_os(errno, NULL, "setting the -L size limit");
	return NULL;
}

// -R: the dump file from the flattened stream on standard input.
static struct kx_error *rearrange(const struct kx_mdf_opts *o, const struct kx_log *log)
{
	KX_TRY(kx_flattened_rearrange_to(STDIN_FILENO, "standard input", o->files[0],
					 o->force, NULL));
	kx_log_msg(log, KX_LOG_COMMON, "\nThe dumpfile is saved to %s.\n", o->files[0]);
	return NULL;
}

// What a successful dump prints.
static void dump_done(const struct kx_mdf_opts *o, const struct kx_log *log,
		      const struct kx_dump_result *res)
{
	if (o->exclude_vmemmap)
		kx_log_msg(log, KX_LOG_COMMON, "Excluded %llu unused vmemmap pages\n",
			   (unsigned long long)res->stats.vmemmap);
	report(log, res);
	if (res->unreadable_pages)
		kx_log_msg(log, KX_LOG_COMMON, "%llu page(s) could not be read from %s "
			   "and were %s.\n", (unsigned long long)res->unreadable_pages,
			   o->files[0], o->elf_output ? "saved as zeros" : "left out of the dump");
	if (o->dry_run)
		return;
	if (o->mode != KX_MDF_SPLIT) {
		kx_log_msg(log, KX_LOG_COMMON, "\nThe dumpfile is saved to %s.\n",
			   o->mode == KX_MDF_FLATTEN ? "STDOUT" : o->files[1]);
		return;
	}
	// Upstream's list: "a, b, and c." (also "a, and b." for two).
	kx_log_msg(log, KX_LOG_COMMON, "\nThe dumpfiles are saved to ");
	for (size_t i = 1; i < o->nr_files; i++)
		kx_log_msg(log, KX_LOG_COMMON, "%s%s%s", i > 1 ? ", " : "",
			   i + 1 == o->nr_files ? "and " : "", o->files[i]);
	kx_log_msg(log, KX_LOG_COMMON, ".\n");
}

// --reassemble F1... OUT: one dump file from the split ones.
static struct kx_error *reassemble(const struct kx_mdf_opts *o, const struct kx_log *log)
{
	const char *out = o->files[o->nr_files - 1];
	KX_TRY(kx_reassemble((const char *const *)o->files, o->nr_files - 1, out, o->force));
	kx_log_msg(log, KX_LOG_COMMON, "\nThe dumpfile is saved to %s.\n", out);
	return NULL;
}

static struct kx_error *dump_dmesg(const struct kx_mdf_opts *o, const struct kx_log *log)
{
	struct kx_vmcore *vm;
	// Upstream reads the log out of kdump-compressed dumps too (what
	// kdumpctl saves), not only out of ELF vmcores.
	KX_TRY(kx_vmcore_open_any(o->files[0], o->work_dir, &vm));
	bool cleared = false;
	struct kx_error *err = kx_mdf_dump_dmesg(vm, o->files[1], o->force,
						 o->partial_dmesg, &cleared);
	kx_vmcore_destroy(vm);
	if (!err && o->partial_dmesg && !cleared)
		kx_log_msg(log, KX_LOG_COMMON, "%s does not record where the log was last "
			   "cleared: --partial-dmesg writes the whole log.\n", o->files[0]);
	if (!err)
		kx_log_msg(log, KX_LOG_COMMON, "\nThe dmesg log is saved to %s.\n", o->files[1]);
	return err;
}

static int print_eraseinfo_exit(const struct kx_mdf_opts *o)
{
	struct kx_error *err = print_eraseinfo(o);
	if (!err)
		return EXIT_SUCCESS;
	fprintf(stderr, "makedumpfile: %s\n", err->message);
	kx_error_destroy(err);
	return EXIT_FAILURE;
}

// --mem-usage /proc/kcore; $KX_ROOT points tests at a fake /proc/iomem.
// Upstream ends it with a blank line, not "makedumpfile Completed.".
static struct kx_error *mem_usage(const struct kx_mdf_opts *o)
{
	struct kx_root root;
	KX_TRY(kx_root_init(&root, getenv("KX_ROOT")));
	struct kx_error *err = kx_mem_usage_run(o->files[0], &root, stdout);
	kx_root_deinit(&root);
	if (!err)
		printf("\n");
	return err;
}

static int run(const struct kx_mdf_opts *o, const struct kx_log *log)
{
	if (o->mode == KX_MDF_MEM_USAGE) {
		struct kx_error *err = mem_usage(o);
		if (!err)
			return EXIT_SUCCESS;
		fprintf(stderr, "makedumpfile: %s\n", err->message);
		kx_error_destroy(err);
		kx_log_msg(log, KX_LOG_COMMON, "\nmakedumpfile Failed.\n");
		return EXIT_FAILURE;
	}
	struct kx_dump_result res = { 0 };
	struct kx_error *err = unsupported_mode(o);
	if (!err)
		err = check_work_dir(o->work_dir);
	if (!err && o->mode == KX_MDF_REARRANGE) {
		err = rearrange(o, log);
	} else if (!err && o->mode == KX_MDF_REASSEMBLE) {
		err = reassemble(o, log);
	} else if (!err && o->mode == KX_MDF_DUMP_DMESG) {
		err = dump_dmesg(o, log);
	} else if (!err && o->mode == KX_MDF_ERASEINFO) {
		return print_eraseinfo_exit(o);
	} else if (!err) {
		err = limit_size(o->size_limit);
		if (!err)
			err = catch_stop_signals();
		if (!err)
			err = create_dump(o, log, &res);
		if (!err)
			dump_done(o, log, &res);
	}
	if (!err) {
		kx_log_msg(log, KX_LOG_COMMON, "\nmakedumpfile Completed.\n");
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "makedumpfile: %s\n", err->message);
	if (res.incomplete)
		kx_log_msg(log, KX_LOG_COMMON,
			   "\nThis is an incomplete dumpfile, but might analyzable.\n");
	kx_error_destroy(err);
	kx_log_msg(log, KX_LOG_COMMON, "\nmakedumpfile Failed.\n");
	return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
	struct kx_mdf_opts opts;
	struct kx_error *err = kx_mdf_opts_parse(argc, argv, &opts);
	if (err) {
		fprintf(stderr, "makedumpfile: %s\n", err->message);
		fprintf(stderr, "Try 'makedumpfile --help' for more information.\n");
		kx_error_destroy(err);
		return EXIT_FAILURE;
	}
	if (opts.mode == KX_MDF_HELP) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (opts.mode == KX_MDF_VERSION) {
		version();
		return EXIT_SUCCESS;
	}
	if (opts.check_params)
		return EXIT_SUCCESS;
	struct kx_log log;
	FILE *out = opts.mode == KX_MDF_FLATTEN ? stderr : stdout;
	err = kx_log_init(&log, opts.message_level, out, stderr);
	if (err) {
		fprintf(stderr, "makedumpfile: %s\n", err->message);
		kx_error_destroy(err);
		return EXIT_FAILURE;
	}
	kx_log_set_terminal(&log, isatty(STDERR_FILENO));
	int rc = run(&opts, &log);
	kx_log_deinit(&log);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = EXIT_FAILURE;
	return rc;
}
