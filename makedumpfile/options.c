// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile's command line: see options.h.
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"

// Long options without a short form get codes above the character range.
enum {
	OPT_MESSAGE_LEVEL = 256,
	OPT_CYCLIC_BUFFER,
	OPT_SPLITBLOCK_SIZE,
	OPT_WORK_DIR,
	OPT_NUM_THREADS,
	OPT_NON_MMAP,
	OPT_SPLIT,
	OPT_REASSEMBLE,
	OPT_DUMP_DMESG,
	OPT_PARTIAL_DMESG,
	OPT_MEM_USAGE,
	OPT_DRY_RUN,
	OPT_SHOW_STATS,
	OPT_CHECK_PARAMS,
	OPT_CONFIG,
	OPT_ERASEINFO,
	OPT_UNSUPPORTED,
};

static const struct option long_options[] = {
	{ "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
	{ "cyclic-buffer", required_argument, NULL, OPT_CYCLIC_BUFFER },
	{ "splitblock-size", required_argument, NULL, OPT_SPLITBLOCK_SIZE },
	{ "work-dir", required_argument, NULL, OPT_WORK_DIR },
	{ "num-threads", required_argument, NULL, OPT_NUM_THREADS },
	{ "non-mmap", no_argument, NULL, OPT_NON_MMAP },
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "reassemble", no_argument, NULL, OPT_REASSEMBLE },
	{ "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
	{ "partial-dmesg", no_argument, NULL, OPT_PARTIAL_DMESG },
	{ "mem-usage", no_argument, NULL, OPT_MEM_USAGE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "show-stats", no_argument, NULL, OPT_SHOW_STATS },
	{ "check-params", no_argument, NULL, OPT_CHECK_PARAMS },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "eraseinfo", no_argument, NULL, OPT_ERASEINFO },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	// Xen, sadump, eppic and extension filters: accepted as upstream
	// spells them so the error can say they are not supported.
	{ "xen-syms", required_argument, NULL, OPT_UNSUPPORTED },
	{ "xen-vmcoreinfo", required_argument, NULL, OPT_UNSUPPORTED },
	{ "xen_phys_start", required_argument, NULL, OPT_UNSUPPORTED },
	{ "diskset", required_argument, NULL, OPT_UNSUPPORTED },
	{ "eppic", required_argument, NULL, OPT_UNSUPPORTED },
	{ "extension", required_argument, NULL, OPT_UNSUPPORTED },
	{ "vtop", required_argument, NULL, OPT_UNSUPPORTED },
	{ NULL, 0, NULL, 0 },
};

// A whole decimal number in [min, max]; @what names it in the error.
static struct kx_error *parse_ulong(const char *text, unsigned long long min,
				    unsigned long long max, const char *what,
				    unsigned long long *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (!*text || *end || errno || text[0] == '-' || v < min || v > max)
		return kx_error_create(KX_ERROR_INVALID_ARG, "%s(%s) is invalid.", what, text);
	*ret = v;
	return NULL;
}

static struct kx_error *parse_levels(const char *text, struct kx_mdf_opts *o)
{
	char buf[256];
	if (strlen(text) >= sizeof(buf))
		return kx_error_create(KX_ERROR_INVALID_ARG, "Dump_level(%s) is invalid.", text);
	strcpy(buf, text);
	o->nr_levels = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->nr_levels == KX_MDF_MAX_LEVELS)
			return kx_error_create(KX_ERROR_INVALID_ARG, "Dump_level(%s) has too many levels.", text);
		unsigned long long v;
		KX_TRY(parse_ulong(tok, 0, 31, "Dump_level", &v));
		o->levels[o->nr_levels++] = (unsigned int)v;
	}
	if (o->nr_levels == 0)
		return kx_error_create(KX_ERROR_INVALID_ARG, "Dump_level(%s) is invalid.", text);
	return NULL;
}

struct kx_error *kx_mdf_parse_size(const char *text, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (end == text || text[0] == '-' || errno)
		return kx_error_create(KX_ERROR_INVALID_ARG, "Invalid size: %s", text);
	static const char suffixes[] = "KMGTPE";
	const char *s = *end ? strchr(suffixes, *end & ~0x20) : NULL;
	if (*end && (!s || end[1]))
		return kx_error_create(KX_ERROR_INVALID_ARG, "Invalid size: %s", text);
	unsigned int shift = s ? 10u * (unsigned int)(s - suffixes + 1) : 0;
	if (v == 0 || (shift && v > (UINT64_MAX >> shift)))
		return kx_error_create(KX_ERROR_INVALID_ARG, "Invalid size: %s", text);
	*ret = (uint64_t)v << shift;
	return NULL;
}

// The options that take a number.
static struct kx_error *numeric_option(int c, const char *arg, struct kx_mdf_opts *o)
{
	unsigned long long v;
	switch (c) {
	case 'b':
		KX_TRY(parse_ulong(arg, 0, 20, "Block order", &v));
		o->block_order = (unsigned int)v;
		return NULL;
	case 'L':
		return kx_mdf_parse_size(arg, &o->size_limit);
	case OPT_MESSAGE_LEVEL:
		KX_TRY(parse_ulong(arg, KX_LOG_LEVEL_MIN, KX_LOG_LEVEL_MAX, "Message_level", &v));
		o->message_level = (unsigned int)v;
		return NULL;
	case OPT_CYCLIC_BUFFER:
		KX_TRY(parse_ulong(arg, 1, UINT32_MAX, "Cyclic buffer size", &v));
		o->cyclic_buffer = v;
		return NULL;
	case OPT_SPLITBLOCK_SIZE:
		KX_TRY(parse_ulong(arg, 1, UINT32_MAX, "Splitblock size", &v));
		o->splitblock_size = v;
		return NULL;
	case OPT_NUM_THREADS:
		KX_TRY(parse_ulong(arg, 0, 256, "Number of threads", &v));
		o->num_threads = (unsigned int)v;
		return NULL;
	}
	return kx_error_create(KX_ERROR_INVALID_ARG, "internal: option %d is not numeric", c);
}

// Modes exclude each other (-F with --split, -R with --dump-dmesg, ...).
static struct kx_error *set_mode(struct kx_mdf_opts *o, enum kx_mdf_mode mode)
{
	if (o->mode != KX_MDF_CREATE && o->mode != mode)
		return kx_error_create(KX_ERROR_INVALID_ARG, "Commandline parameter is invalid.");
	o->mode = mode;
	return NULL;
}

// Flags that only select a mode or a switch.
static struct kx_error *flag_option(int c, bool *debug, bool *stats, struct kx_mdf_opts *o)
{
	switch (c) {
	case 'F': return set_mode(o, KX_MDF_FLATTEN);
	case 'R': return set_mode(o, KX_MDF_REARRANGE);
	case 'h': return set_mode(o, KX_MDF_HELP);
	case 'v': return set_mode(o, KX_MDF_VERSION);
	case OPT_SPLIT: return set_mode(o, KX_MDF_SPLIT);
	case OPT_REASSEMBLE: return set_mode(o, KX_MDF_REASSEMBLE);
	case OPT_DUMP_DMESG: return set_mode(o, KX_MDF_DUMP_DMESG);
	case OPT_MEM_USAGE: return set_mode(o, KX_MDF_MEM_USAGE);
	case OPT_ERASEINFO: return set_mode(o, KX_MDF_ERASEINFO);
	case 'c': o->compression = KX_MDF_COMPRESS_ZLIB; break;
	case 'l': o->compression = KX_MDF_COMPRESS_LZO; break;
	case 'z': o->compression = KX_MDF_COMPRESS_ZSTD; break;
	case 'p': o->compression = KX_MDF_COMPRESS_SNAPPY; break;
	case 'D': *debug = true; break;
	case 'e': o->exclude_vmemmap = true; break;
	case 'E': o->elf_output = true; break;
	case 'f': o->force = true; break;
	case OPT_PARTIAL_DMESG: o->partial_dmesg = true; break;
	case OPT_NON_MMAP: o->non_mmap = true; break;
	case OPT_DRY_RUN: o->dry_run = true; break;
	case OPT_SHOW_STATS: *stats = true; break;
	case OPT_CHECK_PARAMS: o->check_params = true; break;
	default:
		return kx_error_create(KX_ERROR_INVALID_ARG, "unknown option");
	}
	return NULL;
}

static struct kx_error *one_option(int c, const char *arg, bool *debug, bool *stats,
				   struct kx_mdf_opts *o)
{
	switch (c) {
	case 'd': return parse_levels(arg, o);
	case 'b': case 'L': case OPT_MESSAGE_LEVEL: case OPT_CYCLIC_BUFFER:
	case OPT_SPLITBLOCK_SIZE: case OPT_NUM_THREADS:
		return numeric_option(c, arg, o);
	case 'x': o->vmlinux = arg; return NULL;
	case 'i': o->vmcoreinfo = arg; return NULL;
	case 'g': o->vmcoreinfo = arg; return set_mode(o, KX_MDF_GENERATE_VMCOREINFO);
	case OPT_WORK_DIR: o->work_dir = arg; return NULL;
	case OPT_CONFIG: o->config = arg; return NULL;
	case 'X':
		return kx_error_create(KX_ERROR_UNSUPPORTED, "-X (Xen) is not supported");
	case OPT_UNSUPPORTED:
		return kx_error_create(KX_ERROR_UNSUPPORTED,
				       "Xen, sadump, eppic, extension and --vtop options are not supported");
	}
	return flag_option(c, debug, stats, o);
}

// How many positional arguments each mode takes: [min, max].
static struct kx_error *check_files(const struct kx_mdf_opts *o)
{
	size_t min = 0, max = 0;
	switch (o->mode) {
	case KX_MDF_CREATE: case KX_MDF_DUMP_DMESG: min = max = 2; break;
	case KX_MDF_FLATTEN: case KX_MDF_REARRANGE: case KX_MDF_MEM_USAGE:
	case KX_MDF_GENERATE_VMCOREINFO: case KX_MDF_ERASEINFO:
		min = max = o->mode == KX_MDF_GENERATE_VMCOREINFO ? 0 : 1;
		break;
	// --split VMCORE F1 F2...: two files at least, as upstream requires;
	// --reassemble F1... OUT takes a single split file too.
	case KX_MDF_SPLIT: min = 3; max = SIZE_MAX; break;
	case KX_MDF_REASSEMBLE: min = 2; max = SIZE_MAX; break;
	case KX_MDF_HELP: case KX_MDF_VERSION: max = SIZE_MAX; break;
	}
	if (o->nr_files < min || o->nr_files > max)
		return kx_error_create(KX_ERROR_INVALID_ARG, "Commandline parameter is invalid.");
	return NULL;
}

// Combinations upstream refuses, with its wording.
static struct kx_error *check_combinations(const struct kx_mdf_opts *o)
{
	KX_CHECK(!(o->elf_output && o->compression), KX_ERROR_INVALID_ARG,
		 "The option -E cannot be used with -c, -l, -p or -z.");
	KX_CHECK(!(o->elf_output && o->num_threads), KX_ERROR_INVALID_ARG,
		 "--num-threads cannot used with ELF format.");
	KX_CHECK(!(o->mode == KX_MDF_SPLIT && o->elf_output), KX_ERROR_INVALID_ARG,
		 "Options for splitting dumpfile cannot be used with Elf format.");
	KX_CHECK(!(o->mode == KX_MDF_SPLIT && o->num_threads), KX_ERROR_INVALID_ARG,
		 "--num-threads cannot used with --split.");
	KX_CHECK(!(o->partial_dmesg && o->mode != KX_MDF_DUMP_DMESG), KX_ERROR_INVALID_ARG,
		 "--partial-dmesg can only be used with --dump-dmesg.");
	KX_CHECK(!(o->dry_run && o->mode == KX_MDF_DUMP_DMESG), KX_ERROR_INVALID_ARG,
		 "--dry-run cannot be used with --dump-dmesg.");
	KX_CHECK(!(o->vmlinux && o->vmcoreinfo && o->mode != KX_MDF_GENERATE_VMCOREINFO),
		 KX_ERROR_INVALID_ARG, "The option -x cannot be used with -i.");
	KX_CHECK(!(o->config && !o->vmlinux), KX_ERROR_INVALID_ARG,
		 "--config needs -x VMLINUX for the symbols it names.");
	KX_CHECK(!(o->exclude_vmemmap && !o->work_dir), KX_ERROR_INVALID_ARG,
		 "-e requires --work-dir.");
	return NULL;
}

static void set_defaults(struct kx_mdf_opts *o)
{
	*o = (struct kx_mdf_opts){
		.mode = KX_MDF_CREATE,
		.nr_levels = 1,
		.message_level = KX_LOG_LEVEL_DEFAULT,
		.block_order = KX_MDF_DEFAULT_BLOCK_ORDER,
	};
}

struct kx_error *kx_mdf_opts_parse(int argc, char **argv, struct kx_mdf_opts *ret)
{
	struct kx_mdf_opts o;
	set_defaults(&o);
	bool debug = false, stats = false;
	optind = 0; // GNU getopt: 0 re-initializes, for repeated parsing in tests
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "b:cDd:eEFfg:hi:lL:pRvXx:z", long_options, NULL)) != -1) {
		if (c == '?')
			return kx_error_create(KX_ERROR_INVALID_ARG, "Commandline parameter is invalid.");
		KX_TRY(one_option(c, optarg, &debug, &stats, &o));
	}
	o.message_level |= (debug ? KX_LOG_DEBUG : 0) | (stats ? KX_LOG_REPORT : 0);
	o.files = argv + optind;
	o.nr_files = (size_t)(argc - optind);
	KX_TRY(check_files(&o));
	KX_TRY(check_combinations(&o));
	*ret = o;
	return NULL;
}
