// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile's command line, as kdump scripts and people type it.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "log.h"
#include "options.h"
#include "test_util.h"

// Parse a space-separated command line (no quoting needed in these tests).
static struct kx_error *parse(const char *line, struct kx_mdf_opts *o)
{
	static char buf[512];
	static char *argv[64];
	snprintf(buf, sizeof(buf), "%s", line);
	int argc = 0;
	argv[argc++] = (char *)"makedumpfile";
	for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return kx_mdf_opts_parse(argc, argv, o);
}

static void test_kdump_default_collector(void **state)
{
	(void)state;
	struct kx_mdf_opts o;
	assert_kx_ok(parse("-l --message-level 7 -d 31 /proc/vmcore /var/crash/x/vmcore-incomplete", &o));
	assert_int_equal(o.mode, KX_MDF_CREATE);
	assert_int_equal(o.compression, KX_MDF_COMPRESS_LZO);
	assert_int_equal(o.nr_levels, 1);
	assert_int_equal(o.levels[0], 31);
	assert_int_equal(o.message_level, 7);
	assert_int_equal(o.nr_files, 2);
	assert_string_equal(o.files[0], "/proc/vmcore");
	assert_string_equal(o.files[1], "/var/crash/x/vmcore-incomplete");
	assert_false(o.force);
	assert_int_equal(o.block_order, 4);
}

static void test_defaults_and_flags(void **state)
{
	(void)state;
	struct kx_mdf_opts o;
	assert_kx_ok(parse("in out", &o));
	assert_int_equal(o.levels[0], 0);
	assert_int_equal(o.compression, KX_MDF_COMPRESS_NONE);
	assert_int_equal(o.message_level, KX_LOG_LEVEL_DEFAULT);
	// The last compression option wins; -D and --show-stats add their bits
	// whatever --message-level says, before or after.
	assert_kx_ok(parse("-c -z -D --message-level 1 --show-stats -f in out", &o));
	assert_int_equal(o.compression, KX_MDF_COMPRESS_ZSTD);
	assert_int_equal(o.message_level, 1 | 8 | 16);
	assert_true(o.force);
	assert_kx_ok(parse("-F -d 31 -c /proc/vmcore", &o));
	assert_int_equal(o.mode, KX_MDF_FLATTEN);
	assert_kx_ok(parse("-R vmcore", &o));
	assert_int_equal(o.mode, KX_MDF_REARRANGE);
	assert_kx_ok(parse("--split -d 31 vmcore a b c", &o));
	assert_int_equal(o.mode, KX_MDF_SPLIT);
	assert_int_equal(o.nr_files, 4);
	assert_kx_ok(parse("--reassemble a out", &o));
	assert_int_equal(o.mode, KX_MDF_REASSEMBLE);
	assert_kx_err(parse("--reassemble out", &o), KX_ERROR_INVALID_ARG,
		      "Commandline parameter is invalid.");
	assert_kx_err(parse("--split vmcore a", &o), KX_ERROR_INVALID_ARG,
		      "Commandline parameter is invalid.");
	assert_kx_err(parse("--split -F vmcore a b", &o), KX_ERROR_INVALID_ARG,
		      "Commandline parameter is invalid.");
	assert_kx_err(parse("--split --num-threads 2 vmcore a b", &o), KX_ERROR_INVALID_ARG,
		      "--num-threads cannot used with --split.");
	assert_kx_err(parse("--split -E vmcore a b", &o), KX_ERROR_INVALID_ARG,
		      "Options for splitting dumpfile cannot be used with Elf format.");
	assert_kx_ok(parse("--dump-dmesg --partial-dmesg vmcore log", &o));
	assert_true(o.partial_dmesg);
	assert_kx_ok(parse("-E -d 31 vmcore out.elf", &o));
	assert_true(o.elf_output);
	assert_kx_ok(parse("--num-threads 2 --cyclic-buffer 1024 --non-mmap -b 8 in out", &o));
	assert_int_equal(o.num_threads, 2);
	assert_int_equal(o.cyclic_buffer, 1024);
	assert_true(o.non_mmap);
	assert_int_equal(o.block_order, 8);
}

static void test_level_lists(void **state)
{
	(void)state;
	struct kx_mdf_opts o;
	assert_kx_ok(parse("-d 11,31 in out", &o));
	assert_int_equal(o.nr_levels, 2);
	assert_int_equal(kx_mdf_opts_level(&o, 0), 11);
	assert_int_equal(kx_mdf_opts_level(&o, 1), 31);
	assert_int_equal(kx_mdf_opts_level(&o, 5), 31);
	assert_kx_err(parse("-d 32 in out", &o), KX_ERROR_INVALID_ARG, "Dump_level(32) is invalid.");
	assert_kx_err(parse("-d -1 in out", &o), KX_ERROR_INVALID_ARG, "Dump_level(-1) is invalid.");
	assert_kx_err(parse("-d 3x in out", &o), KX_ERROR_INVALID_ARG, "Dump_level(3x) is invalid.");
	assert_kx_err(parse("-d , in out", &o), KX_ERROR_INVALID_ARG, "Dump_level(,) is invalid.");
	assert_kx_ok(parse("-d 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1 i o", &o));
	assert_int_equal(o.nr_levels, 32);
	assert_kx_err(parse("-d 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1 i o", &o),
		      KX_ERROR_INVALID_ARG, "too many levels");
}

static void test_sizes(void **state)
{
	(void)state;
	uint64_t v;
	assert_kx_ok(kx_mdf_parse_size("4096", &v));
	assert_int_equal(v, 4096);
	assert_kx_ok(kx_mdf_parse_size("10M", &v));
	assert_int_equal(v, 10u << 20);
	assert_kx_ok(kx_mdf_parse_size("2g", &v));
	assert_int_equal(v, UINT64_C(2) << 30);
	assert_kx_ok(kx_mdf_parse_size("1E", &v));
	assert_int_equal(v, UINT64_C(1) << 60);
	assert_kx_err(kx_mdf_parse_size("0", &v), KX_ERROR_INVALID_ARG, "Invalid size: 0");
	assert_kx_err(kx_mdf_parse_size("16E", &v), KX_ERROR_INVALID_ARG, "Invalid size: 16E");
	assert_kx_err(kx_mdf_parse_size("1Q", &v), KX_ERROR_INVALID_ARG, "Invalid size");
	assert_kx_err(kx_mdf_parse_size("1MB", &v), KX_ERROR_INVALID_ARG, "Invalid size");
	assert_kx_err(kx_mdf_parse_size("-5", &v), KX_ERROR_INVALID_ARG, "Invalid size");
	struct kx_mdf_opts o;
	assert_kx_ok(parse("-L 512M in out", &o));
	assert_int_equal(o.size_limit, 512u << 20);
}

static void test_rejected(void **state)
{
	(void)state;
	struct kx_mdf_opts o;
	assert_kx_err(parse("in", &o), KX_ERROR_INVALID_ARG, "Commandline parameter is invalid.");
	assert_kx_err(parse("a b c", &o), KX_ERROR_INVALID_ARG, "Commandline parameter is invalid.");
	assert_kx_err(parse("--no-such in out", &o), KX_ERROR_INVALID_ARG, "Commandline parameter is invalid.");
	assert_kx_err(parse("-F --split in a b", &o), KX_ERROR_INVALID_ARG, "Commandline parameter is invalid.");
	assert_kx_err(parse("-E -c in out", &o), KX_ERROR_INVALID_ARG, "-E cannot be used with -c");
	assert_kx_err(parse("-E --num-threads 2 in out", &o), KX_ERROR_INVALID_ARG,
		      "--num-threads cannot used with ELF format.");
	assert_kx_err(parse("--partial-dmesg in out", &o), KX_ERROR_INVALID_ARG,
		      "--partial-dmesg can only be used with --dump-dmesg.");
	assert_kx_err(parse("--dry-run --dump-dmesg in out", &o), KX_ERROR_INVALID_ARG,
		      "--dry-run cannot be used with --dump-dmesg.");
	assert_kx_err(parse("--message-level 32 in out", &o), KX_ERROR_INVALID_ARG,
		      "Message_level(32) is invalid.");
	assert_kx_err(parse("--num-threads x in out", &o), KX_ERROR_INVALID_ARG,
		      "Number of threads(x) is invalid.");
	assert_kx_err(parse("-X in out", &o), KX_ERROR_UNSUPPORTED, "-X (Xen) is not supported");
	assert_kx_err(parse("--xen-syms f in out", &o), KX_ERROR_UNSUPPORTED, "not supported");
	assert_kx_err(parse("-e in out", &o), KX_ERROR_INVALID_ARG, "-e requires --work-dir.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kdump_default_collector),
		cmocka_unit_test(test_defaults_and_flags),
		cmocka_unit_test(test_level_lists),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_rejected),
	};
	KX_RUN_TESTS(tests);
}
