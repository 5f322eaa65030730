// SPDX-License-Identifier: GPL-2.0-only
// The kexec program's control flow: see kexec.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "cmdline.h"
#include "crashdump.h"
#include "decompress.h"
#include "kexec.h"
#include "plan.h"
#include "root.h"
#include "sysinfo.h"

/** Everything one run holds; freed by run_deinit(). */
struct run {
	const struct kx_kexec_opts *opts;
	struct kx_kexec_ctx *ctx;
	const struct kx_arch *arch;
	struct kx_root root;
	struct kx_file_data kernel;
	struct kx_file_data reused_initrd; // --reuseinitrd without --initrd
	struct kx_sysinfo *si;
	char *cmdline;
	bool loaded_now;
};

// Print @p err (if any) as one line and return @p status.
static int fail(struct run *r, struct kx_error *err, int status)
{
	if (err)
		fprintf(r->ctx->err, "%s\n", err->message);
	kx_error_destroy(err);
	return status;
}

static const struct kx_image_loader *const *loaders_of(const struct run *r)
{
	return r->ctx->loaders ? r->ctx->loaders : r->arch->loaders;
}

// Upstream's probe loop, or -t: the loader for the kernel bytes.
static struct kx_error *pick_loader(const struct run *r, const struct kx_image_loader **ret)
{
	const struct kx_image_loader *const *l = loaders_of(r);
	const struct kx_image_loader *match = NULL, *named = NULL;
	for (size_t i = 0; l && l[i]; i++) {
		if (!match && l[i]->probe(r->kernel.buf, r->kernel.size))
			match = l[i];
		if (r->opts->type && strcmp(l[i]->name, r->opts->type) == 0)
			named = l[i];
	}
	if (r->opts->type) {
		KX_CHECK(named, KX_ERROR_INVALID_ARG, "Invalid kernel type %s", r->opts->type);
		KX_CHECK(named->probe(r->kernel.buf, r->kernel.size), KX_ERROR_INVALID_ARG,
			 "Wrong file type %s, file matches type %s", r->opts->type,
			 match ? match->name : "unknown");
		match = named;
	}
	KX_CHECK(match, KX_ERROR_UNSUPPORTED, "Cannot determine the file type of %s",
		 r->opts->kernel);
	*ret = match;
	return NULL;
}

// --reuse-cmdline + --append. Names removed as upstream, but whole names
// only (common/cmdline.h): upstream's prefix match also ate kexec_jump_*.
static struct kx_error *build_cmdline(struct run *r)
{
	static const char *const drop[] = { "BOOT_IMAGE", "initrd", "kexec", "kexec_file", NULL };
	struct kx_cmdline cl;
	char *proc = NULL;
	kx_cmdline_init(&cl, KX_CMDLINE_QUOTE_KERNEL);
	struct kx_error *err = NULL;
	if (r->opts->reuse_cmdline) {
		err = kx_sysinfo_cmdline(&r->root, &proc);
		if (!err)
			err = kx_cmdline_append(&cl, proc);
		kx_cmdline_remove_names(&cl, drop);
		if (r->opts->kexec_flags & KX_KEXEC_ON_CRASH)
			kx_cmdline_remove(&cl, "crashkernel");
	}
	if (!err && r->opts->append)
		err = kx_cmdline_append(&cl, r->opts->append);
	if (!err)
		err = kx_cmdline_render(&cl, &r->cmdline);
	free(proc);
	kx_cmdline_deinit(&cl);
	return err;
}

static struct kx_error *open_kernel_fd(struct run *r, const struct kx_image_loader *loader,
				       int *ret)
{
	if (loader && loader->file_image) {
		void *buf = NULL;
		size_t size = 0;
		KX_TRY(loader->file_image(r->kernel.buf, r->kernel.size, r->opts->kernel,
					  &buf, &size));
		struct kx_error *err = kx_decompress_memfd(buf, size, "kernel", ret);
		free(buf);
		return err;
	}
	if (r->kernel.format != KX_COMPRESSION_NONE)
		return kx_decompress_memfd(r->kernel.buf, r->kernel.size, "kernel", ret);
	int fd = open(r->opts->kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, r->opts->kernel, "cannot open");
	*ret = fd;
	return NULL;
}

static const char REUSED_INITRD[] = "/sys/firmware/initrd";

// The initrd's name for messages and the plan: --initrd, or the kept one.
static const char *initrd_name(const struct run *r)
{
	if (r->opts->initrd)
		return r->opts->initrd;
	return r->reused_initrd.buf ? REUSED_INITRD : NULL;
}

// --reuseinitrd (upstream check_reuse_initrd()): only when the running
// kernel kept its initrd (retain_initrd), which it then shows as
// /sys/firmware/initrd (init/initramfs.c). An explicit --initrd wins.
static struct kx_error *reuse_initrd(struct run *r)
{
	char *cl;
	KX_TRY(kx_sysinfo_cmdline(&r->root, &cl));
	bool kept = strstr(cl, "retain_initrd") != NULL;
	free(cl);
	KX_CHECK(kept, KX_ERROR_INVALID_ARG,
		 "unrecoverable error: current boot didn't retain the initrd for reuse.");
	if (r->opts->initrd)
		return NULL;
	char *buf;
	size_t size;
	KX_TRY(kx_root_read_file(&r->root, REUSED_INITRD, KX_DECOMPRESS_INITRD_MAX, &buf, &size));
	r->reused_initrd = (struct kx_file_data){ buf, size, size, KX_COMPRESSION_NONE };
	return NULL;
}

// kexec_file_load: the kernel reads the files. Returns the syscall error.
static struct kx_error *file_plan(struct run *r, const struct kx_image_loader *loader,
				  struct kx_load_plan *plan)
{
	struct kx_ranges none;
	int kfd = -1, ifd = -1;
	kx_ranges_init(&none);
	// The kernel places everything for kexec_file_load: no ranges, and the
	// page size is never used for placement here.
	struct kx_plan_config c = { .arch = r->arch, .page_size = r->arch->default_page_size,
				    .ram = &none, .mem_max = UINT64_MAX };
	KX_TRY(kx_plan_init(plan, &c));
	plan->crash = r->opts->kexec_flags & KX_KEXEC_ON_CRASH;
	plan->file_flags = r->opts->file_flags & ~KX_KEXEC_FILE_UNLOAD;
	struct kx_error *err = open_kernel_fd(r, loader, &kfd);
	if (!err && r->opts->initrd && (ifd = open(r->opts->initrd, O_RDONLY | O_CLOEXEC)) < 0)
		err = kx_error_os(errno, r->opts->initrd, "cannot open");
	else if (!err && !r->opts->initrd && r->reused_initrd.buf)
		err = kx_decompress_memfd(r->reused_initrd.buf, r->reused_initrd.size, "initrd", &ifd);
	if (err) {
		if (kfd >= 0)
			close(kfd);
		return err;
	}
	return kx_plan_set_file(plan, kfd, r->opts->kernel, ifd, initrd_name(r),
				r->cmdline[0] ? r->cmdline : NULL);
}

static struct kx_error *crash_header_hook(void *arg, const struct kx_crash_header_params *p,
					  void **ret_buf, size_t *ret_size)
{
	struct run *r = arg;
	return kx_crashdump_header(&r->root, r->arch, r->si, p, ret_buf, ret_size);
}

static struct kx_error *run_loader(struct run *r, struct kx_load_plan *plan,
				   const struct kx_file_data *initrd, uint64_t hotplug_size)
{
	const struct kx_image_loader *loader;
	struct kx_load_builder b;
	KX_TRY(pick_loader(r, &loader));
	struct kx_load_input in = {
		.arch = r->arch, .root = &r->root, .crash = plan->crash,
		.kernel_path = r->opts->kernel, .kernel = r->kernel.buf,
		.kernel_size = r->kernel.size,
		.initrd_path = initrd_name(r), .initrd = initrd->buf, .initrd_size = initrd->size,
		.cmdline = r->cmdline, .opts = r->opts->arch_opts, .nopts = r->opts->narch_opts,
		.skip_checks = r->opts->skip_checks, .elfcorehdr_size = hotplug_size,
		.page_size = r->si->page_size, .ram = &r->si->usable_ram, .memmap = &r->si->memmap,
		.crash_regions = &r->si->crash_regions, .crash_load = plan->crash_load,
	};
	kx_plan_builder(plan, &b);
	struct kx_error *err = loader->load(&in, &b);
	if (err && !kx_error_is(err, KX_ERROR_NOSPACE))
		err = kx_error_prefix(err, "Cannot load %s", r->opts->kernel);
	return err;
}

// --hotplug on a crash load: the kernel's room for the header it rewrites
// (/sys/kernel/crash_elfcorehdr_size) and the arch's flag. 0: not asked.
static struct kx_error *hotplug_size(struct run *r, struct kx_load_plan *plan, uint64_t *ret)
{
	static const char path[] = "/sys/kernel/crash_elfcorehdr_size";
	*ret = 0;
	if (!r->opts->hotplug || !plan->crash)
		return NULL;
	KX_CHECK(r->arch->kexec_hotplug_flag, KX_ERROR_UNSUPPORTED,
		 "--hotplug is not supported by the %s kexec_load loaders", r->arch->name);
	KX_CHECK(kx_root_exists(&r->root, path), KX_ERROR_UNSUPPORTED,
		 "--hotplug needs %s: the running kernel lacks CONFIG_CRASH_HOTPLUG", path);
	KX_TRY(kx_root_read_u64(&r->root, path, ret));
	KX_CHECK(*ret, KX_ERROR_CORRUPT, "%s: 0", path);
	plan->kexec_flags |= r->arch->kexec_hotplug_flag;
	return NULL;
}

// The kexec_load path (upstream my_load()).
static struct kx_error *load_plan(struct run *r, struct kx_load_plan *plan)
{
	struct kx_file_data initrd = { 0 };
	bool crash = r->opts->kexec_flags & KX_KEXEC_ON_CRASH;
	bool preserve = r->opts->kexec_flags & KX_KEXEC_PRESERVE_CONTEXT;
	struct kx_plan_config c = {
		.arch = r->arch, .page_size = r->si->page_size, .ram = &r->si->usable_ram,
		.crash = crash, .crash_load = r->si->crash_load, .mem_min = r->opts->mem_min,
		.mem_max = r->opts->mem_max, .crash_header = crash_header_hook,
		.crash_header_arg = r,
	};
	KX_TRY(kx_plan_init(plan, &c));
	if (preserve)
		plan->kexec_flags |= KX_KEXEC_PRESERVE_CONTEXT;
	uint64_t hdr_size;
	struct kx_error *err = hotplug_size(r, plan, &hdr_size);
	if (!err && r->opts->initrd)
		err = kx_file_data_read(r->opts->initrd, KX_DECOMPRESS_INITRD_MAX, &initrd);
	if (!err)
		err = run_loader(r, plan, r->opts->initrd ? &initrd : &r->reused_initrd, hdr_size);
	kx_file_data_deinit(&initrd);
	if (!err && preserve)
		err = kx_plan_add_backup_segments(plan);
	if (!err && r->opts->have_entry)
		kx_plan_set_entry(plan, r->opts->entry);
	if (!err) {
		kx_plan_sort(plan);
		err = kx_plan_validate(plan);
	}
	return err;
}

static void print_segments(struct run *r, const struct kx_load_plan *plan)
{
	char *text;
	struct kx_error *err = kx_plan_format_segments(plan, &text);
	if (err) {
		kx_error_destroy(err);
		return;
	}
	fputs(text, r->ctx->err);
	free(text);
}

// kexec_load; @p first is the kexec_file_load failure that led here, if any.
static int do_kexec_load(struct run *r, struct kx_error *first)
{
	struct kx_load_plan plan = { .kernel_fd = -1, .initrd_fd = -1 };
	struct kx_error *err = kx_sysinfo_read(&r->root, r->arch, &r->si);
	int status = KX_EXIT_FAILURE;
	if (!err)
		err = load_plan(r, &plan);
	if (!err && r->opts->debug)
		print_segments(r, &plan);
	if (!err) {
		err = kx_plan_execute(&plan, r->ctx->sys, r->opts->debug);
		status = KX_EXIT_FAILED;
		if (err && first)
			err = kx_error_prefix(err, "%s, then", first->message);
		if (err) {
			fprintf(r->ctx->err, "%s\n", err->message);
			print_segments(r, &plan);
			kx_error_destroy(err), err = NULL;
		} else {
			status = KX_EXIT_OK;
			r->loaded_now = true;
		}
	} else if (kx_error_is(err, KX_ERROR_UNSUPPORTED) || kx_error_is(err, KX_ERROR_INVALID_ARG) ||
		   kx_error_is(err, KX_ERROR_CORRUPT) || kx_error_is(err, KX_ERROR_OVERFLOW)) {
		// A bad image or command line is the user's input: upstream's die().
		status = KX_EXIT_FAILURE;
	} else if (err) {
		status = kx_error_is(err, KX_ERROR_NOSPACE) ? KX_EXIT_FAILURE : KX_EXIT_FAILED;
	}
	kx_plan_deinit(&plan);
	kx_error_destroy(first);
	return fail(r, err, status);
}

static int do_file_load(struct run *r)
{
	struct kx_load_plan plan = { .kernel_fd = -1, .initrd_fd = -1 };
	const struct kx_image_loader *loader;
	struct kx_error *err = pick_loader(r, &loader);
	if (!err)
		err = file_plan(r, loader, &plan);
	if (err) {
		kx_plan_deinit(&plan);
		return fail(r, err, KX_EXIT_FAILURE);
	}
	err = kx_plan_execute(&plan, r->ctx->sys, r->opts->debug);
	kx_plan_deinit(&plan);
	if (!err) {
		r->loaded_now = true;
		return KX_EXIT_OK;
	}
	if (!kx_sys_is_fallback_errno(err->errnum))
		return fail(r, err, KX_EXIT_FAILED);
	if (r->opts->mode == KX_SYSCALL_AUTO)
		return do_kexec_load(r, err);
	if (err->errnum == ENOSYS) {
		kx_error_destroy(err);
		err = kx_error_create(KX_ERROR_UNSUPPORTED, "syscall kexec_file_load not available.");
	}
	return fail(r, err, KX_EXIT_NO_FILE_LOAD);
}

static int do_load(struct run *r)
{
	struct kx_error *err;
	if (!r->opts->kernel)
		return fail(r, kx_error_create(KX_ERROR_INVALID_ARG,
					       "Please specify a kernel to load (see kexec --help)"),
			    KX_EXIT_FAILURE);
	err = r->opts->reuse_initrd ? reuse_initrd(r) : NULL;
	if (!err)
		err = kx_file_data_read(r->opts->kernel, KX_DECOMPRESS_KERNEL_MAX, &r->kernel);
	if (!err)
		err = build_cmdline(r);
	if (err)
		return fail(r, err, KX_EXIT_FAILURE);
	// kexec_file_load cannot preserve the context: -a goes to kexec_load.
	if (r->opts->mode == KX_SYSCALL_LOAD || (r->opts->kexec_flags & KX_KEXEC_PRESERVE_CONTEXT))
		return do_kexec_load(r, NULL);
	return do_file_load(r);
}

static int do_unload(struct run *r)
{
	const struct kx_kexec_opts *o = r->opts;
	struct kx_error *err = kx_sys_unload(r->ctx->sys, r->arch->kexec_arch,
					     o->kexec_flags & KX_KEXEC_ON_CRASH,
					     o->mode != KX_SYSCALL_LOAD, o->mode == KX_SYSCALL_AUTO);
	if (!err)
		return KX_EXIT_OK;
	if (o->mode == KX_SYSCALL_FILE && err->errnum == ENOSYS) {
		kx_error_destroy(err);
		err = kx_error_create(KX_ERROR_UNSUPPORTED, "syscall kexec_file_load not available.");
		return fail(r, err, KX_EXIT_NO_FILE_LOAD);
	}
	return fail(r, err, KX_EXIT_FAILED);
}

static int print_ckr_size(struct run *r)
{
	struct kx_ranges crash;
	struct kx_error *err = kx_sysinfo_crash_regions(&r->root, &crash);
	if (err)
		return fail(r, err, KX_EXIT_FAILURE);
	uint64_t size = 0;
	if (crash.count)
		size = crash.ranges[crash.count - 1].end - crash.ranges[crash.count - 1].start;
	kx_ranges_deinit(&crash);
	fprintf(r->ctx->out, "%" PRIu64 "\n", size);
	return KX_EXIT_OK;
}

static int status(struct run *r)
{
	bool loaded;
	struct kx_error *err = kx_sysinfo_kexec_loaded(&r->root,
						       r->opts->kexec_flags & KX_KEXEC_ON_CRASH,
						       &loaded);
	if (err)
		return fail(r, err, KX_EXIT_FAILED);
	return loaded ? 1 : 0;
}

// Reject what cannot be run at all, before touching anything.
static struct kx_error *check(struct run *r)
{
	const struct kx_kexec_opts *o = r->opts;
	bool changes = o->do_load || o->do_unload || o->do_exec;
	KX_CHECK(!o->unsupported, KX_ERROR_UNSUPPORTED, "--%s is not supported", o->unsupported);
	KX_TRY(kx_kexec_opts_check_arch(o, r->arch->name));
	// A fake root or a foreign arch describes another machine: never let
	// such a plan reach this kernel.
	bool fake_root = r->root.prefix && r->root.prefix[0];
	KX_CHECK(o->dry_run || !changes || (!fake_root && r->arch == kx_arch_host()),
		 KX_ERROR_INVALID_ARG,
		 "--root and --arch plan for another machine: add --dry-run");
	KX_CHECK(!(o->kexec_flags & KX_KEXEC_PRESERVE_CONTEXT) || o->have_mem_max,
		 KX_ERROR_INVALID_ARG,
		 "Please specify memory range used by kexeced kernel to preserve the context "
		 "of original kernel with \"--mem-max\" parameter");
	KX_CHECK(!(o->kexec_flags & KX_KEXEC_PRESERVE_CONTEXT) || o->mode != KX_SYSCALL_FILE,
		 KX_ERROR_INVALID_ARG,
		 "--load-preserve-context not supported with --kexec-file-syscall");
	return NULL;
}

// kexec -p with no crash kernel memory (upstream's pre-check).
static int check_crash_reserved(struct run *r)
{
	struct kx_ranges crash;
	struct kx_error *err = kx_sysinfo_crash_regions(&r->root, &crash);
	if (err)
		return fail(r, err, KX_EXIT_FAILURE);
	size_t n = crash.count;
	kx_ranges_deinit(&crash);
	if (n)
		return KX_EXIT_OK;
	fprintf(r->ctx->err, "Memory for crashkernel is not reserved\n"
		"Please reserve memory by passing \"crashkernel=Y@X\" parameter to kernel\n"
		"Then try to loading kdump kernel\n");
	return KX_EXIT_NO_CRASH;
}

// shutdown(8), or sync + ifdown + reboot(LINUX_REBOOT_CMD_KEXEC).
static int act(struct run *r)
{
	const struct kx_kexec_opts *o = r->opts;
	struct kx_sys *sys = r->ctx->sys;
	bool loaded = true;
	if (!o->do_shutdown && !o->do_exec)
		return KX_EXIT_OK;
	struct kx_error *err = r->loaded_now ? NULL :
		kx_sysinfo_kexec_loaded(&r->root, false, &loaded);
	kx_error_destroy(err); // unreadable: upstream lets it pass
	if (!loaded)
		return fail(r, kx_error_create(KX_ERROR_INVALID_ARG, "Nothing has been loaded!"),
			    KX_EXIT_FAILURE);
	if (o->do_shutdown) {
		int e = sys->ops->shutdown(sys);
		return e ? fail(r, kx_error_os(e, NULL, "shutdown failed"), KX_EXIT_FAILED)
			 : KX_EXIT_OK;
	}
	if (o->do_sync)
		sys->ops->sync(sys);
	if (o->do_ifdown)
		sys->ops->ifdown(sys);
	int e = sys->ops->reboot_kexec(sys);
	return e ? fail(r, kx_error_os(e, NULL, "kexec failed"), KX_EXIT_FAILED) : KX_EXIT_OK;
}

static int immediate(struct run *r)
{
	switch (r->opts->immediate) {
	case KX_IMMEDIATE_HELP:
		fputs(kx_kexec_usage, r->ctx->out);
		fprintf(r->ctx->out, "\nSupported architectures: x86_64, loongarch64 "
			"(this machine: %s).\n", kx_arch_host()->name);
		return KX_EXIT_OK;
	case KX_IMMEDIATE_VERSION:
		fprintf(r->ctx->out, "kexec (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return KX_EXIT_OK;
	case KX_IMMEDIATE_PRINT_CKR_SIZE:
		return print_ckr_size(r);
	default:
		return KX_EXIT_OK;
	}
}

static int run_actions(struct run *r)
{
	const struct kx_kexec_opts *o = r->opts;
	int st;
	if (o->immediate != KX_IMMEDIATE_NONE)
		return immediate(r);
	struct kx_error *err = check(r);
	if (err)
		return fail(r, err, KX_EXIT_FAILURE);
	if (o->status)
		return status(r);
	if (o->do_load && (o->kexec_flags & KX_KEXEC_ON_CRASH) &&
	    (st = check_crash_reserved(r)) != KX_EXIT_OK)
		return st;
	if (o->do_unload && (st = do_unload(r)) != KX_EXIT_OK)
		return st;
	if (o->do_load && (st = do_load(r)) != KX_EXIT_OK)
		return st;
	return act(r);
}

int kx_kexec_run(const struct kx_kexec_opts *opts, struct kx_kexec_ctx *ctx)
{
	struct run r = { .opts = opts, .ctx = ctx };
	r.arch = opts->arch ? kx_arch_by_name(opts->arch) : kx_arch_host();
	if (!r.arch)
		return fail(&r, kx_error_create(KX_ERROR_INVALID_ARG,
						"unknown architecture '%s' (x86_64, loongarch64)",
						opts->arch), KX_EXIT_FAILURE);
	struct kx_error *err = kx_root_init(&r.root, opts->root);
	if (err)
		return fail(&r, err, KX_EXIT_FAILURE);
	int st = run_actions(&r);
	kx_root_deinit(&r.root);
	kx_file_data_deinit(&r.kernel);
	kx_file_data_deinit(&r.reused_initrd);
	kx_sysinfo_destroy(r.si);
	free(r.cmdline);
	return st;
}
