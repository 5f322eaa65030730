/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file options.h
 * kexec's command line, parsed into a struct (pure: no I/O, no printing).
 *
 * The interface is kexec-tools 2.0.x's (kexec(8)): the same short and long
 * options, the same order semantics (`-p -u` unloads the crash kernel,
 * `-u -p` loads one; the first of -h/-v/--print-ckr-size wins and ends
 * parsing), the same defaults (`kexec IMAGE` loads and then shuts down),
 * and upstream's abbreviations of long options (getopt_long). Ours on top:
 *
 * - `--dry-run`: build and print the plan, change nothing;
 * - `--arch=NAME`: plan for another architecture (dry-run only);
 * - `--root=DIR`: read /proc and /sys under DIR (a fake root; dry-run
 *   only for anything that would change the system). The environment
 *   variable KX_ROOT is the same, main() applies it when --root is absent.
 *
 * Architecture options (x86's --reset-vga, --serial=..., the loader options
 * --args-linux etc.) are accepted for every target and collected into a
 * list of name/value pairs for the loaders; kx_kexec_opts_check_arch()
 * rejects those the target architecture does not have, as upstream's
 * getopt would.
 */
#ifndef KX_KEXEC_OPTIONS_H
#define KX_KEXEC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"

struct kx_arch;

/** Which syscall loads: -a (default), -s, -c. */
enum kx_syscall_mode {
	KX_SYSCALL_AUTO = 0, /**< -a: kexec_file_load, fall back to kexec_load */
	KX_SYSCALL_FILE = 1, /**< -s: kexec_file_load only */
	KX_SYSCALL_LOAD = 2, /**< -c: kexec_load only */
};

/** Options that end parsing at once, as upstream returns from its loop. */
enum kx_kexec_immediate {
	KX_IMMEDIATE_NONE = 0,
	KX_IMMEDIATE_HELP,          /**< -h, --help */
	KX_IMMEDIATE_VERSION,       /**< -v, --version */
	KX_IMMEDIATE_PRINT_CKR_SIZE, /**< --print-ckr-size */
};

/**
 * Everything the command line says. Strings are borrowed from argv; only
 * @c arch_opts is allocated (kx_kexec_opts_deinit()).
 */
struct kx_kexec_opts {
	enum kx_kexec_immediate immediate; /**< non-NONE: do only that */
	bool do_load;       /**< load a kernel (default true) */
	bool do_exec;       /**< reboot into it: -e, -f */
	bool do_unload;     /**< -u */
	bool do_shutdown;   /**< run shutdown(8) first: bare `kexec IMAGE` */
	bool do_sync;       /**< sync() before exec */
	bool do_ifdown;     /**< take interfaces down before exec */
	bool status;        /**< -S */
	bool has_opt_load;  /**< -l was given */
	bool skip_checks;   /**< -i */
	bool debug;         /**< -d */
	bool dry_run;       /**< --dry-run */
	bool reuse_cmdline; /**< --reuse-cmdline */
	bool hotplug;       /**< --hotplug */
	bool reuse_initrd;  /**< --reuseinitrd */
	bool have_mem_max;  /**< --mem-max given */
	bool have_entry;    /**< --entry given */
	/** KEXEC_ON_CRASH or KEXEC_PRESERVE_CONTEXT (assigned, as upstream). */
	uint32_t kexec_flags;
	/** KEXEC_FILE_* flags from -p, -u, --no-cma, --force-dtb. */
	uint32_t file_flags;
	enum kx_syscall_mode mode; /**< -a/-s/-c */
	uint64_t mem_min;   /**< --mem-min (0) */
	uint64_t mem_max;   /**< --mem-max, inclusive as upstream (UINT64_MAX) */
	uint64_t entry;     /**< --entry */
	const char *type;   /**< -t */
	const char *append; /**< --append/--command-line (last wins) */
	const char *initrd; /**< --initrd/--ramdisk (last wins) */
	const char *kernel; /**< first operand, NULL when none */
	const char *arch;   /**< --arch, NULL = host */
	const char *root;   /**< --root, NULL = real root */
	/** Unsupported options given, for a later clear error ("--load-jump-back-helper"). */
	const char *unsupported;
	struct kx_loader_opt *arch_opts; /**< arch options in order */
	size_t narch_opts;  /**< entries in @c arch_opts */
};

/**
 * Parse @p argv (argv[0] is the program name).
 * @param[out] ret filled on success; kx_kexec_opts_deinit() it. Untouched
 *             on failure.
 * @return KX_ERROR_INVALID_ARG naming the bad option or value
 *         ("unrecognized option '--foo'", "Bad option value in
 *         --mem-min=x"), KX_ERROR_NOMEM.
 */
struct kx_error *kx_kexec_opts_parse(int argc, char *const argv[],
				     struct kx_kexec_opts *ret);

/** Free what parsing allocated. */
void kx_kexec_opts_deinit(struct kx_kexec_opts *opts);

/**
 * Check the options against the target @p arch_name ("x86_64",
 * "loongarch64"): arch options it does not have, and (x86, as upstream)
 * loader options such as --append without a load.
 * @return KX_ERROR_INVALID_ARG naming the option.
 */
struct kx_error *kx_kexec_opts_check_arch(const struct kx_kexec_opts *opts,
					  const char *arch_name);

/** The last value of arch option @p name, or NULL; @p present tells a flag. */
const char *kx_kexec_opts_arch_value(const struct kx_kexec_opts *opts, const char *name,
				     bool *present);

/** Usage text (--help), for the generic options. */
extern const char kx_kexec_usage[];

#endif /* KX_KEXEC_OPTIONS_H */
