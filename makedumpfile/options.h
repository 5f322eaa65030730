/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file options.h
 * makedumpfile's command line, parsed into a plain struct and checked for
 * impossible combinations, without touching any file. Options and their
 * meaning follow upstream makedumpfile (getopt "b:cDd:eEFfg:hi:lL:pRvXx:z"
 * plus its long options); the checks happen here so --check-params can run
 * them alone.
 */
#ifndef KX_MDF_OPTIONS_H
#define KX_MDF_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** What the invocation asks for. */
enum kx_mdf_mode {
	KX_MDF_CREATE = 0,     /**< VMCORE DUMPFILE */
	KX_MDF_FLATTEN,        /**< -F VMCORE: flattened stream on stdout */
	KX_MDF_REARRANGE,      /**< -R DUMPFILE: flattened stream on stdin */
	KX_MDF_SPLIT,          /**< --split VMCORE DUMPFILE1 DUMPFILE2... */
	KX_MDF_REASSEMBLE,     /**< --reassemble DUMPFILE1... DUMPFILE */
	KX_MDF_DUMP_DMESG,     /**< --dump-dmesg VMCORE LOGFILE */
	KX_MDF_MEM_USAGE,      /**< --mem-usage /proc/kcore */
	KX_MDF_GENERATE_VMCOREINFO, /**< -g VMCOREINFO -x VMLINUX */
	KX_MDF_ERASEINFO,      /**< --eraseinfo DUMPFILE: print what --config erased */
	KX_MDF_HELP,
	KX_MDF_VERSION,
};

/** Per-page compression, as the header's status and page_desc flags say. */
enum kx_mdf_compression {
	KX_MDF_COMPRESS_NONE = 0,
	KX_MDF_COMPRESS_ZLIB = 0x1,   /**< -c */
	KX_MDF_COMPRESS_LZO = 0x2,    /**< -l */
	KX_MDF_COMPRESS_SNAPPY = 0x4, /**< -p */
	KX_MDF_COMPRESS_ZSTD = 0x20,  /**< -z */
};

enum {
	/** Most -d levels a comma list may give (upstream's limit). */
	KX_MDF_MAX_LEVELS = 32,
	/** Default -b: 2^4 pages per write-back cache. */
	KX_MDF_DEFAULT_BLOCK_ORDER = 4,
};

struct kx_mdf_opts {
	enum kx_mdf_mode mode;
	/** -d: levels to try in order; one 0 level when not given. */
	unsigned int levels[KX_MDF_MAX_LEVELS];
	size_t nr_levels;
	enum kx_mdf_compression compression;
	bool elf_output;          /**< -E */
	bool force;               /**< -f */
	/** --message-level, with -D (debug) and --show-stats (report) folded in. */
	unsigned int message_level;
	bool dry_run;             /**< --dry-run */
	bool check_params;        /**< --check-params */
	bool non_mmap;            /**< --non-mmap */
	bool partial_dmesg;       /**< --partial-dmesg */
	bool exclude_vmemmap;     /**< -e */
	unsigned int block_order; /**< -b */
	uint64_t size_limit;      /**< -L in bytes; 0 = none */
	uint64_t cyclic_buffer;   /**< --cyclic-buffer in KiB; 0 = automatic */
	uint64_t splitblock_size; /**< --splitblock-size in KiB; 0 = default */
	unsigned int num_threads; /**< --num-threads */
	const char *work_dir;     /**< --work-dir */
	const char *vmlinux;      /**< -x */
	const char *vmcoreinfo;   /**< -i (read) or -g (write) */
	const char *config;       /**< --config */
	/** Positional arguments, pointing into argv. */
	char **files;
	size_t nr_files;
};

/**
 * Parse @p argv (getopt state is reset first, so repeated calls work).
 * @param ret filled on success; on failure its contents are unspecified.
 * @return NULL, or KX_ERROR_INVALID_ARG with a one-line message in
 *         upstream's wording where scripts may look for it; -p without
 *         snappy support and options this build cannot honour yet are
 *         KX_ERROR_UNSUPPORTED naming the option.
 */
struct kx_error *kx_mdf_opts_parse(int argc, char **argv, struct kx_mdf_opts *ret);

/** The -d level actually attempted when @p index levels have failed. */
static inline unsigned int kx_mdf_opts_level(const struct kx_mdf_opts *opts, size_t index)
{
	return opts->levels[index < opts->nr_levels ? index : opts->nr_levels - 1];
}

/**
 * Parse a size with memparse suffixes (K M G T P E, either case), as -L
 * takes it. @return NULL, or KX_ERROR_INVALID_ARG (also for 0).
 */
struct kx_error *kx_mdf_parse_size(const char *text, uint64_t *ret);

#endif /* KX_MDF_OPTIONS_H */
