// SPDX-License-Identifier: GPL-2.0-only
// kexec's command line: see options.h.
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "plan.h"

// Long-only option codes. The numbers are ours, not upstream's (theirs
// start at 256 and differ per arch); nothing outside this file sees them.
enum {
	OPT_MEM_MIN = 256,
	OPT_MEM_MAX,
	OPT_PRINT_CKR_SIZE,
	OPT_LOAD_PRESERVE,
	OPT_ENTRY,
	OPT_APPEND,
	OPT_INITRD,
	OPT_REUSE_CMDLINE,
	OPT_DRY_RUN,
	OPT_ARCH,
	OPT_ROOT,
	OPT_HOTPLUG,
	OPT_REUSEINITRD,
	OPT_NO_CMA,
	OPT_FORCE_DTB,
	OPT_UNSUPPORTED,
	OPT_ARCH_OPT, // every arch option: stored as name/value
};

// Architecture options. `loader` marks x86's loader options, which
// upstream rejects when nothing is loaded (they sit above OPT_ARCH_MAX).
struct arch_option {
	const char *name;
	int has_arg;
	const char *arch;
	bool loader;
};

static const struct arch_option arch_options[] = {
	{ "reset-vga", no_argument, "x86_64", false },
	{ "serial", required_argument, "x86_64", false },
	{ "serial-baud", required_argument, "x86_64", false },
	{ "console-vga", no_argument, "x86_64", false },
	{ "console-serial", no_argument, "x86_64", false },
	{ "elf32-core-headers", no_argument, "x86_64", false },
	{ "elf64-core-headers", no_argument, "x86_64", false },
	{ "pass-memmap-cmdline", no_argument, "x86_64", false },
	{ "noefi", no_argument, "x86_64", false },
	{ "reuse-video-type", no_argument, "x86_64", false },
	{ "args-elf", no_argument, "x86_64", true },
	{ "args-linux", no_argument, "x86_64", true },
	{ "args-none", no_argument, "x86_64", true },
	{ "module", required_argument, "x86_64", true },
	{ "real-mode", no_argument, "x86_64", true },
	{ "entry-32bit", no_argument, "x86_64", true },
	{ "dtb", required_argument, "x86_64", true },
};

// Accepted for compatibility, refused with a reason when used.
static const char *const unsupported_options[] = {
	"load-jump-back-helper", "exec-live-update", "load-live-update",
};

static const struct option generic_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "debug", no_argument, NULL, 'd' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "type", required_argument, NULL, 't' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "status", no_argument, NULL, 'S' },
	{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
	{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR_SIZE },
	{ "load-preserve-context", no_argument, NULL, OPT_LOAD_PRESERVE },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_APPEND },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "hotplug", no_argument, NULL, OPT_HOTPLUG },
	{ "reuseinitrd", no_argument, NULL, OPT_REUSEINITRD },
	{ "no-cma", no_argument, NULL, OPT_NO_CMA },
	{ "force-dtb", no_argument, NULL, OPT_FORCE_DTB },
};

enum {
	N_GENERIC = KX_ARRAY_SIZE(generic_longopts),
	N_ARCH = KX_ARRAY_SIZE(arch_options),
	N_UNSUP = KX_ARRAY_SIZE(unsupported_options),
	N_LONGOPTS = N_GENERIC + N_ARCH + N_UNSUP + 1,
};

static const char short_opts[] = ":hvdfixyluet:pscaS";

const char kx_kexec_usage[] =
	"Usage: kexec [OPTION]... [kernel]\n"
	"Directly reboot into a new kernel.\n"
	"\n"
	" -h, --help           Print this help.\n"
	" -v, --version        Print the version of kexec.\n"
	" -f, --force          Force an immediate kexec, don't call shutdown.\n"
	" -i, --no-checks      Fast reboot, no memory integrity checks.\n"
	" -x, --no-ifdown      Don't bring down network interfaces.\n"
	" -y, --no-sync        Don't sync filesystems before kexec.\n"
	" -l, --load           Load the new kernel into the current kernel.\n"
	" -p, --load-panic     Load the new kernel for use on panic.\n"
	" -u, --unload         Unload the current kexec target kernel.\n"
	"                      If capture kernel is being unloaded\n"
	"                      specify -p with -u.\n"
	" -e, --exec           Execute a currently loaded kernel.\n"
	" -t, --type=TYPE      Specify the new kernel is of this type.\n"
	"     --mem-min=<addr> Specify the lowest memory address to\n"
	"                      load code into.\n"
	"     --mem-max=<addr> Specify the highest memory address to\n"
	"                      load code into.\n"
	"     --reuseinitrd    Reuse initrd from first boot.\n"
	"     --print-ckr-size Print crash kernel region size.\n"
	"     --load-preserve-context Load the new kernel and preserve\n"
	"                      context of current kernel during kexec.\n"
	"     --entry=<addr>   Specify jump back address.\n"
	"                      (0 means it's not jump back or\n"
	"                      preserve context)\n"
	"                      to original kernel.\n"
	" -s, --kexec-file-syscall Use file based syscall for kexec operation\n"
	" -c, --kexec-syscall  Use the kexec_load syscall for compatibility\n"
	"                      with systems that don't support file based syscall.\n"
	" -a, --kexec-syscall-auto Use file based syscall for kexec and fall\n"
	"                      back to the compatibility syscall when file based\n"
	"                      syscall is not supported or the kernel did not\n"
	"                      understand the image (default)\n"
	"     --hotplug        Do in-kernel update of kexec segments on CPU/Memory\n"
	"                      hot un/plug.\n"
	" -d, --debug          Enable debugging to help spot a failure.\n"
	" -S, --status         Return 1 if the type (by default crash) is loaded,\n"
	"                      0 if not.\n"
	"     --command-line=STRING, --append=STRING  Set the kernel command line.\n"
	"     --reuse-cmdline  Use the kernel command line from the running system.\n"
	"     --initrd=FILE, --ramdisk=FILE  Use FILE as the kernel's initial ramdisk.\n"
	"\n"
	"kx extensions:\n"
	"     --dry-run        Print the load plan instead of calling the kernel.\n"
	"     --arch=ARCH      Plan for ARCH (x86_64, loongarch64); needs --dry-run.\n"
	"     --root=DIR       Read /proc and /sys below DIR (also $KX_ROOT);\n"
	"                      needs --dry-run for anything but -S/--print-ckr-size.\n"
	"\n"
	"x86_64 options: --reset-vga --serial=<port> --serial-baud=<baud>\n"
	"  --console-vga --console-serial --elf32-core-headers --elf64-core-headers\n"
	"  --pass-memmap-cmdline --noefi --reuse-video-type --args-elf --args-linux\n"
	"  --args-none --module=FILE --real-mode --entry-32bit --dtb=FILE\n";

// Build the getopt_long table: generic, arch, unsupported, terminator.
// `val` of the arch and unsupported entries encodes their index.
static void build_longopts(struct option out[N_LONGOPTS])
{
	size_t n = 0;
	for (size_t i = 0; i < N_GENERIC; i++)
		out[n++] = generic_longopts[i];
	for (size_t i = 0; i < N_ARCH; i++)
		out[n++] = (struct option){ arch_options[i].name, arch_options[i].has_arg,
					    NULL, OPT_ARCH_OPT + (int)i };
	for (size_t i = 0; i < N_UNSUP; i++)
		out[n++] = (struct option){ unsupported_options[i], no_argument, NULL,
					    OPT_ARCH_OPT + (int)(N_ARCH + i) };
	out[n] = (struct option){ NULL, 0, NULL, 0 };
}

// strtoul(,,0) as upstream, but the whole value must be a number.
static struct kx_error *parse_addr(const char *opt, const char *arg, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-')
		return kx_error_create(KX_ERROR_INVALID_ARG, "Bad option value in --%s=%s",
				       opt, arg);
	*ret = v;
	return NULL;
}

static struct kx_error *add_arch_opt(struct kx_kexec_opts *o, const char *name,
				     const char *value)
{
	struct kx_loader_opt *n = realloc(o->arch_opts, (o->narch_opts + 1) * sizeof(*n));
	if (!n)
		return &kx_enomem;
	o->arch_opts = n;
	n[o->narch_opts++] = (struct kx_loader_opt){ name, value };
	return NULL;
}

// The action options, with upstream's assignments (kexec.md §1.1).
static void apply_action(struct kx_kexec_opts *o, int c)
{
	switch (c) {
	case 'f':
		o->do_load = true, o->do_shutdown = false, o->do_sync = true;
		o->do_ifdown = true, o->do_exec = true;
		break;
	case 'l':
		o->has_opt_load = true, o->do_load = true, o->do_exec = false;
		o->do_shutdown = false;
		break;
	case 'p':
		o->do_load = true, o->do_exec = false, o->do_shutdown = false;
		o->do_sync = false;
		o->kexec_flags = KX_KEXEC_ON_CRASH;
		o->file_flags |= KX_KEXEC_FILE_ON_CRASH;
		break;
	case 'u':
		o->do_load = false, o->do_shutdown = false, o->do_sync = false;
		o->do_unload = true;
		o->file_flags |= KX_KEXEC_FILE_UNLOAD;
		break;
	case 'e':
		o->do_load = false, o->do_shutdown = false, o->do_sync = true;
		o->do_ifdown = true, o->do_exec = true;
		break;
	}
}

static struct kx_error *apply_long(struct kx_kexec_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_MEM_MIN: return parse_addr("mem-min", arg, &o->mem_min);
	case OPT_MEM_MAX:
		o->have_mem_max = true;
		return parse_addr("mem-max", arg, &o->mem_max);
	case OPT_ENTRY:
		o->have_entry = true;
		return parse_addr("entry", arg, &o->entry);
	case OPT_LOAD_PRESERVE:
		o->do_load = true, o->do_exec = false, o->do_shutdown = false;
		o->kexec_flags = KX_KEXEC_PRESERVE_CONTEXT;
		return NULL;
	case OPT_APPEND: o->append = arg; return NULL;
	case OPT_INITRD: o->initrd = arg; return NULL;
	case OPT_REUSE_CMDLINE: o->reuse_cmdline = true; return NULL;
	case OPT_DRY_RUN: o->dry_run = true; return NULL;
	case OPT_ARCH: o->arch = arg; return NULL;
	case OPT_ROOT: o->root = arg; return NULL;
	case OPT_HOTPLUG: o->hotplug = true; return NULL;
	case OPT_REUSEINITRD: o->reuse_initrd = true; return NULL;
	case OPT_NO_CMA: o->file_flags |= KX_KEXEC_FILE_NO_CMA; return NULL;
	case OPT_FORCE_DTB: o->file_flags |= KX_KEXEC_FILE_FORCE_DTB; return NULL;
	}
	size_t i = (size_t)(c - OPT_ARCH_OPT);
	if (i < N_ARCH)
		return add_arch_opt(o, arch_options[i].name, arg);
	if (!o->unsupported)
		o->unsupported = unsupported_options[i - N_ARCH];
	return NULL;
}

// One option character from getopt_long. Returns true when parsing stops.
static struct kx_error *apply(struct kx_kexec_opts *o, int c, const char *arg, bool *stop)
{
	switch (c) {
	case 'h': o->immediate = KX_IMMEDIATE_HELP; *stop = true; return NULL;
	case 'v': o->immediate = KX_IMMEDIATE_VERSION; *stop = true; return NULL;
	case OPT_PRINT_CKR_SIZE:
		o->immediate = KX_IMMEDIATE_PRINT_CKR_SIZE;
		*stop = true;
		return NULL;
	case 'd': o->debug = true; return NULL;
	case 'i': o->skip_checks = true; return NULL;
	case 'x': o->do_ifdown = false; return NULL;
	case 'y': o->do_sync = false; return NULL;
	case 't': o->type = arg; return NULL;
	case 's': o->mode = KX_SYSCALL_FILE; return NULL;
	case 'c': o->mode = KX_SYSCALL_LOAD; return NULL;
	case 'a': o->mode = KX_SYSCALL_AUTO; return NULL;
	case 'S': o->status = true; return NULL;
	case 'f': case 'l': case 'p': case 'u': case 'e':
		apply_action(o, c);
		return NULL;
	}
	return apply_long(o, c, arg);
}

// getopt_long's complaints, worded as glibc would print them. With ':'
// leading the option string, a missing argument is ':' and the rest '?'.
static struct kx_error *bad_option(int c, char *const argv[], int optind_now)
{
	const char *what = optind_now > 0 ? argv[optind_now - 1] : "?";
	bool is_long = what[0] == '-' && what[1] == '-';
	if (c == ':' && is_long)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "option '%s' requires an argument", what);
	if (c == ':')
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "option requires an argument -- '%c'", optopt);
	if (!is_long && optopt > 0 && optopt < 256)
		return kx_error_create(KX_ERROR_INVALID_ARG, "invalid option -- '%c'", optopt);
	return kx_error_create(KX_ERROR_INVALID_ARG, "unrecognized option '%s'", what);
}

// -S clears every other action; -x/-y were applied in order by apply().
// Upstream: "-S" defaults to the crash image unless -l or -p said otherwise.
static void finish(struct kx_kexec_opts *o, bool skip_ifdown, bool skip_sync)
{
	if (skip_ifdown)
		o->do_ifdown = false;
	if (skip_sync)
		o->do_sync = false;
	if (o->status) {
		if (o->kexec_flags == 0 && !o->has_opt_load)
			o->kexec_flags = KX_KEXEC_ON_CRASH;
		o->do_load = o->do_unload = o->do_exec = false;
		o->do_shutdown = o->do_sync = o->do_ifdown = false;
	}
}

static void opts_defaults(struct kx_kexec_opts *o)
{
	*o = (struct kx_kexec_opts){ 0 };
	o->do_load = o->do_shutdown = o->do_sync = true;
	o->mem_max = UINT64_MAX;
	o->mode = KX_SYSCALL_AUTO;
}

struct kx_error *kx_kexec_opts_parse(int argc, char *const argv[],
				     struct kx_kexec_opts *ret)
{
	struct option longopts[N_LONGOPTS];
	struct kx_kexec_opts o;
	struct kx_error *err = NULL;
	bool stop = false, skip_ifdown = false, skip_sync = false;
	int c;

	build_longopts(longopts);
	opts_defaults(&o);
	// getopt keeps its cursor in globals; 0 asks glibc for a full reset.
	optind = 0;
	opterr = 0;
	while (!err && !stop && (c = getopt_long(argc, argv, short_opts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			err = bad_option(c, argv, optind);
			break;
		}
		skip_ifdown |= c == 'x';
		skip_sync |= c == 'y';
		err = apply(&o, c, optarg, &stop);
	}
	if (!err && !stop && optind < argc)
		o.kernel = argv[optind];
	if (err) {
		free(o.arch_opts);
		return err;
	}
	finish(&o, skip_ifdown, skip_sync);
	*ret = o;
	return NULL;
}

void kx_kexec_opts_deinit(struct kx_kexec_opts *opts)
{
	free(opts->arch_opts);
	opts->arch_opts = NULL;
	opts->narch_opts = 0;
}

static const struct arch_option *find_arch_option(const char *name)
{
	for (size_t i = 0; i < N_ARCH; i++)
		if (strcmp(arch_options[i].name, name) == 0)
			return &arch_options[i];
	return NULL;
}

struct kx_error *kx_kexec_opts_check_arch(const struct kx_kexec_opts *opts,
					  const char *arch_name)
{
	bool x86 = strcmp(arch_name, "x86_64") == 0;
	for (size_t i = 0; i < opts->narch_opts; i++) {
		const struct arch_option *a = find_arch_option(opts->arch_opts[i].name);
		if (!a || strcmp(a->arch, arch_name) != 0)
			return kx_error_create(KX_ERROR_INVALID_ARG,
					       "option --%s is not available on %s",
					       opts->arch_opts[i].name, arch_name);
		if (a->loader && !opts->do_load)
			return kx_error_create(KX_ERROR_INVALID_ARG,
					       "option --%s needs a kernel to load",
					       opts->arch_opts[i].name);
	}
	// x86's --append/--initrd/--reuse-cmdline are loader options upstream
	// (above OPT_ARCH_MAX), so kexec -e --append=x is misuse there; on
	// LoongArch they are arch options and pass.
	if (x86 && !opts->do_load && (opts->append || opts->initrd || opts->reuse_cmdline))
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "options --append, --initrd and --reuse-cmdline need a kernel to load");
	return NULL;
}

const char *kx_kexec_opts_arch_value(const struct kx_kexec_opts *opts, const char *name,
				     bool *present)
{
	const char *v = NULL;
	bool found = false;
	for (size_t i = 0; i < opts->narch_opts; i++) {
		if (strcmp(opts->arch_opts[i].name, name) == 0) {
			found = true;
			v = opts->arch_opts[i].value;
		}
	}
	if (present)
		*present = found;
	return v;
}
