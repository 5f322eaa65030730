// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl/conf.c: upstream's reading rules and every parse_config check.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf.h"
#include "root.h"
#include "test_util.h"

static struct kx_conf *parse(const char *text)
{
	struct kx_conf *conf = NULL;
	assert_kx_ok(kx_conf_parse(text, strlen(text), "kdump.conf", &conf));
	return conf;
}

static void test_reading_rules(void **state)
{
	(void)state;
	struct kx_conf *c = parse("# comment\n"
				  "   # indented comment\n"
				  "\n"
				  "path /var/crash # trailing comment\n"
				  "core_collector   makedumpfile -l --message-level 7 -d 31  \n"
				  "kdump_post \"/usr/bin/post hook\"\n"
				  "kdump_pre \"/a#b\"\n"
				  "extra_bins \"only-leading\n"
				  "\textra_modules\tsd_mod\t \n"
				  "dracut_args\n"
				  "path /var/crash2");
	assert_int_equal(c->count, 8);
	assert_string_equal(kx_conf_get(c, "path"), "/var/crash2"); // the last wins
	assert_string_equal(kx_conf_get(c, "core_collector"),
			    "makedumpfile -l --message-level 7 -d 31");
	assert_string_equal(kx_conf_get(c, "kdump_post"), "/usr/bin/post hook");
	// The '#' cut happens inside quotes too, so only the opening quote is left.
	assert_string_equal(kx_conf_get(c, "kdump_pre"), "\"/a");
	assert_string_equal(kx_conf_get(c, "extra_bins"), "\"only-leading");
	assert_string_equal(kx_conf_get(c, "extra_modules"), "sd_mod");
	assert_string_equal(kx_conf_get(c, "dracut_args"), "");
	assert_null(kx_conf_get(c, "raw"));
	assert_int_equal(c->entries[0].line, 4);
	kx_conf_destroy(c);
	struct kx_conf *bad = NULL;
	assert_kx_err(kx_conf_parse("path /x\0y\n", 10, "kdump.conf", &bad), KX_ERROR_CORRUPT,
		      "kdump.conf: line 1: NUL byte");
}

// Validate @p text; NULL when it must pass, else the expected message.
static void check(const char *text, const char *want)
{
	struct kx_conf *c = parse(text);
	struct kx_conf_settings s;
	struct kx_error *err = kx_conf_validate(c, NULL, "myhost", NULL, &s);
	if (!want) {
		assert_kx_ok(err);
	} else {
		assert_non_null(err);
		if (strcmp(err->message, want) != 0)
			print_error("got \"%s\", want \"%s\"\n", err->message, want);
		assert_string_equal(err->message, want);
		assert_int_equal(err->code, KX_ERROR_INVALID_ARG);
		kx_error_destroy(err);
	}
	kx_conf_destroy(c);
}

static void test_every_directive(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"raw /dev/sdb1", "nfs host:/export", "nfs [fe80::1]:/export", "ssh root@host",
		"ext2 /dev/sda1", "ext3 LABEL=dump", "ext4 UUID=1234", "xfs /dev/vdb",
		"btrfs /dev/vdc", "minix /dev/vdd", "virtiofs myfs", "path /var/crash",
		"core_collector makedumpfile -F -l -d 31", "kdump_pre /bin/true",
		"kdump_post /bin/true", "kdump_emergency /bin/true", "extra_bins /bin/a /bin/b",
		"extra_modules sd_mod", "failure_action shell", "failure_action dump_to_rootfs",
		"final_action poweroff", "force_rebuild 1", "force_no_rebuild 0",
		"dracut_args --omit watchdog", "fence_kdump_args -p 7410",
		"fence_kdump_nodes node1 node2", "auto_reset_crashkernel no",
		"sshkey /nonexistent/key", "default halt",
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(ok); i++)
		check(ok[i], NULL);
}

static void test_settings(void **state)
{
	(void)state;
	struct kx_conf *c = parse("ssh kdump@10.0.0.1\nsshkey /nonexistent\ndefault shell\n"
				  "auto_reset_crashkernel no\nforce_rebuild 1\n");
	struct kx_conf_settings s;
	struct kx_notes warn;
	kx_notes_init(&warn);
	assert_kx_ok(kx_conf_validate(c, NULL, NULL, &warn, &s));
	assert_int_equal(s.target_kind, KX_CONF_TARGET_SSH);
	assert_string_equal(s.fstype, "ssh");
	assert_string_equal(s.target, "kdump@10.0.0.1");
	assert_string_equal(s.sshkey, KX_CONF_DEFAULT_SSHKEY);
	assert_string_equal(s.failure_action, "shell");
	assert_string_equal(s.final_action, "reboot");
	assert_string_equal(s.path, "/var/crash");
	assert_string_equal(s.core_collector, "makedumpfile -l --message-level 7 -d 31");
	assert_false(s.auto_reset_crashkernel);
	assert_true(s.force_rebuild);
	assert_false(s.force_no_rebuild);
	assert_int_equal(warn.count, 3);
	assert_string_equal(warn.lines[0], "WARNING: '/nonexistent' doesn't exist, using default "
					   "value '/root/.ssh/kdump_id_rsa'");
	assert_string_equal(warn.lines[1], "WARNING: Option 'default' was renamed "
					   "'failure_action' and will be removed in the future.");
	assert_string_equal(warn.lines[2], "Please update /etc/kdump.conf to use option "
					   "'failure_action' instead.");
	kx_notes_deinit(&warn);
	kx_conf_destroy(c);

	c = parse("");
	assert_kx_ok(kx_conf_validate(c, NULL, NULL, NULL, &s));
	assert_int_equal(s.target_kind, KX_CONF_TARGET_LOCAL);
	assert_null(s.target);
	assert_true(s.auto_reset_crashkernel);
	kx_conf_destroy(c);

	c = parse("dracut_args --mount \"/dev/vdb1 /mnt ext4 defaults\" -o watchdog\n");
	assert_kx_ok(kx_conf_validate(c, NULL, NULL, NULL, &s));
	assert_int_equal(s.target_kind, KX_CONF_TARGET_MOUNT);
	assert_string_equal(s.fstype, "ext4");
	assert_string_equal(s.target, "/dev/vdb1");
	// Sliced out of dracut_args into the settings themselves: they used to
	// point into kx_conf_validate()'s stack frame (found by valgrind).
	assert_ptr_equal(s.fstype, s.mount_fs);
	assert_ptr_equal(s.target, s.mount_dev);
	kx_conf_destroy(c);
}

static void test_every_error(void **state)
{
	(void)state;
	check("bogus 1", "Invalid kdump config option bogus");
	static const char *const deprecated[] = { "net", "options", "link_delay", "disk_timeout",
						  "debug_mem_level", "blacklist" };
	for (size_t i = 0; i < KX_ARRAY_SIZE(deprecated); i++) {
		char text[64], want[160];
		snprintf(text, sizeof(text), "%s x", deprecated[i]);
		snprintf(want, sizeof(want), "Deprecated kdump config option: %s. Refer to "
			 "kdump.conf manpage for alternatives.", deprecated[i]);
		check(text, want);
	}
	check("path", "Invalid kdump config value for option 'path'");
	check("path  # only a comment", "Invalid kdump config value for option 'path'");
	check("ext4", "Invalid kdump config value for option 'ext4'");
	check("sshkey", "Invalid kdump config value for option 'sshkey'");
	check("default", "Invalid kdump config value for option 'failure_action'");
	check("ext4 /dev/sda1\nxfs /dev/sdb1", "More than one dump targets specified");
	check("raw /dev/sda1\nraw /dev/sda1", "More than one dump targets specified");
	check("nfs a:/b\ndracut_args --mount \"/dev/x /m ext4\"",
	      "More than one dump targets specified");
	check("dracut_args --mount \"a b ext4\" --mount \"c d xfs\"",
	      "Multiple mount targets specified in one \"dracut_args\".");
	check("path /a\npath /b", "Duplicated kdump config value of option path");
	check("failure_action shell\ndefault shell",
	      "Duplicated kdump config value of option failure_action");
	// The first error in file order wins.
	check("bogus\npath", "Invalid kdump config option bogus");
	check("failure_action explode",
	      "Usage kdump.conf: failure_action {reboot|halt|poweroff|shell|dump_to_rootfs}");
	check("default explode",
	      "Usage kdump.conf: default {reboot|halt|poweroff|shell|dump_to_rootfs}");
	check("final_action shell", "Usage kdump.conf: final_action {reboot|halt|poweroff}");
	check("ssh host.example.com", "Bad ssh dump target host.example.com");
	check("fence_kdump_nodes node1 myhost", "Option fence_kdump_nodes cannot contain myhost");
	check("force_rebuild yes", "Error: force_rebuild value is invalid");
	check("force_no_rebuild 2", "Error: force_no_rebuild value is invalid");
	check("force_rebuild 1\nforce_no_rebuild 1",
	      "Error: force_rebuild and force_no_rebuild are enabled simultaneously in kdump.conf");
}

static void test_shipped_default_parses(void **state)
{
	(void)state;
	static const char *const roots[] = { "roots/x86_64-16g-kdump", "roots/loongarch64-16g-kdump" };
	for (size_t i = 0; i < KX_ARRAY_SIZE(roots); i++) {
		struct kx_root root;
		assert_kx_ok(kx_root_init(&root, kx_test_data(roots[i])));
		struct kx_conf *c = NULL;
		struct kx_conf_settings s;
		assert_kx_ok(kx_conf_read(&root, KX_CONF_PATH, &c));
		assert_kx_ok(kx_conf_validate(c, &root, "kx", NULL, &s));
		assert_int_equal(s.target_kind, KX_CONF_TARGET_LOCAL);
		assert_string_equal(s.path, "/var/crash");
		kx_conf_destroy(c);
		kx_root_deinit(&root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reading_rules),
		cmocka_unit_test(test_every_directive),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_every_error),
		cmocka_unit_test(test_shipped_default_parses),
	};
	KX_RUN_TESTS(tests);
}
