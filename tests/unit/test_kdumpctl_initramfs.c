// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl's initramfs pieces: the newc writer's exact bytes, module names
// and modules.dep closures, the targets file, and superblock probing.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkid.h"
#include "cpio.h"
#include "dump_target.h"
#include "modules.h"
#include "root.h"
#include "test_util.h"

static void test_cpio_bytes(void **state)
{
	(void)state;
	struct kx_cpio c;
	kx_cpio_init(&c);
	assert_kx_ok(kx_cpio_add(&c, "/ab", S_IFREG | 0644, "xyz", 3, 0, 0));
	// 110 header bytes + "ab\0" (113, padded to 116) + "xyz" (padded to 120).
	assert_int_equal(c.size, 120);
	assert_memory_equal(c.buf,
			    "070701" "00000001" "000081A4" "00000000" "00000000" "00000001"
			    "00000000" "00000003" "00000000" "00000000" "00000000" "00000000"
			    "00000003" "00000000" "ab\0\0\0\0" "xyz\0", 120);
	assert_kx_ok(kx_cpio_add(&c, "dev/console", S_IFCHR | 0600, NULL, 0, 5, 1));
	assert_memory_equal(c.buf + 120 + 6 + 8 * 9, "0000000500000001", 16);
	assert_kx_ok(kx_cpio_finish(&c));
	assert_int_equal(c.size % 4, 0);
	assert_non_null(memmem(c.buf, c.size, "TRAILER!!!", 11));
	assert_kx_err(kx_cpio_add(&c, "late", S_IFREG, NULL, 0, 0, 0), KX_ERROR_INVALID_ARG,
		      "after the trailer");
	char *out;
	size_t size;
	assert_kx_ok(kx_cpio_compress(&c, KX_CPIO_GZIP, &out, &size));
	assert_memory_equal(out, "\x1f\x8b", 2);
	free(out);
	assert_kx_ok(kx_cpio_compress(&c, KX_CPIO_ZSTD, &out, &size));
	assert_memory_equal(out, "\x28\xb5\x2f\xfd", 4);
	free(out);
	kx_cpio_deinit(&c);
	kx_cpio_init(&c);
	assert_kx_err(kx_cpio_add(&c, "/", S_IFDIR, NULL, 0, 0, 0), KX_ERROR_INVALID_ARG,
		      "empty member name");
	kx_cpio_deinit(&c);
}

static void test_module_names(void **state)
{
	(void)state;
	char buf[32];
	kx_modules_name("kernel/fs/ext4/ext4.ko.xz", buf, sizeof(buf));
	assert_string_equal(buf, "ext4");
	kx_modules_name("kernel/drivers/virtio/virtio-pci.ko.zst", buf, sizeof(buf));
	assert_string_equal(buf, "virtio_pci");
	kx_modules_name("dm-mod", buf, sizeof(buf));
	assert_string_equal(buf, "dm_mod");
}

// @p text as the file @p name of version "1" in the fake root @p dir.
static void write_modfile(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/lib/modules/1/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

// A fake root holding only @p dep as modules.dep of version "1".
static void write_dep(char *dir, const char *dep)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/lib/modules/1", dir);
	assert_int_equal(system(cmd), 0);
	write_modfile(dir, "modules.dep", dep);
}

static void test_modules_closure(void **state)
{
	(void)state;
	char dir[] = "/tmp/kx-mods-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_dep(dir, "a.ko: b.ko c.ko\nb.ko: c.ko\nc.ko:\nloop1.ko: loop2.ko\nloop2.ko: loop1.ko\n"
		       "bad.ko: missing.ko\n");
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, dir));
	struct kx_modules *mods;
	assert_kx_ok(kx_modules_read(&root, "1", &mods));
	struct kx_notes order;
	kx_notes_init(&order);
	bool found;
	assert_kx_ok(kx_modules_resolve(mods, "a", &order, &found));
	assert_true(found);
	assert_int_equal(order.count, 3);
	assert_string_equal(order.lines[0], "c.ko");
	assert_string_equal(order.lines[1], "b.ko");
	assert_string_equal(order.lines[2], "a.ko");
	assert_kx_ok(kx_modules_resolve(mods, "nosuch", &order, &found));
	assert_false(found);
	assert_kx_err(kx_modules_resolve(mods, "loop1", &order, &found), KX_ERROR_CORRUPT,
		      "depends on itself");
	assert_kx_err(kx_modules_resolve(mods, "bad", &order, &found), KX_ERROR_CORRUPT,
		      "not listed");
	kx_notes_deinit(&order);
	kx_modules_destroy(mods);
	write_dep(dir, "../escape.ko:\n");
	assert_kx_err(kx_modules_read(&root, "1", &mods), KX_ERROR_CORRUPT, "line 1: bad path");
	write_dep(dir, "no colon\n");
	assert_kx_err(kx_modules_read(&root, "1", &mods), KX_ERROR_CORRUPT, "line 1: no ':'");
	assert_kx_err(kx_modules_read(&root, "../1", &mods), KX_ERROR_INVALID_ARG, "bad kernel");
	kx_root_deinit(&root);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

// Debian 6.1's ext4: crc32c comes through a soft dependency on an alias,
// which two modules provide (one of them names libcrc32c's alias back).
static void test_modules_softdep(void **state)
{
	(void)state;
	char dir[] = "/tmp/kx-mods-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_dep(dir, "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/jbd2/jbd2.ko\n"
		       "kernel/fs/jbd2/jbd2.ko:\nkernel/lib/crc16.ko:\n"
		       "kernel/crypto/crc32c_generic.ko:\nkernel/arch/x86/crypto/crc32c-intel.ko:\n"
		       "kernel/lib/libcrc32c.ko:\nkernel/fs/after.ko:\n");
	write_modfile(dir, "modules.softdep",
		      "# Soft dependencies extracted from modules themselves.\n"
		      "softdep ext4 pre: crypto-crc32c post: after nosuch\n"
		      "softdep jbd2 pre: crypto-crc32c\nsoftdep libcrc32c pre: crc32c\n"
		      "softdep crc32c_intel pre: libcrc32c\nsoftdep notamodule pre: crc16\n");
	write_modfile(dir, "modules.alias",
		      "alias crypto-crc32c-intel crc32c_intel\nalias crypto-crc32c crc32c_intel\n"
		      "alias crc32c crc32c_intel\nalias cpu:type:x86,ven*:feature:*0094* crc32c_intel\n"
		      "alias crypto-crc32c crc32c_generic\nalias crc32c crc32c_generic\n");
	struct kx_root root;
	assert_kx_ok(kx_root_init(&root, dir));
	struct kx_modules *mods;
	assert_kx_ok(kx_modules_read(&root, "1", &mods));
	struct kx_notes order;
	kx_notes_init(&order);
	bool found;
	assert_kx_ok(kx_modules_resolve(mods, "ext4", &order, &found));
	assert_true(found);
	static const char *const want[] = {
		// crc32c_intel -> libcrc32c -> crc32c: crc32c_intel is being
		// visited, crc32c_generic is not.
		"kernel/crypto/crc32c_generic.ko", "kernel/lib/libcrc32c.ko",
		"kernel/arch/x86/crypto/crc32c-intel.ko", "kernel/lib/crc16.ko", "kernel/fs/jbd2/jbd2.ko",
		"kernel/fs/ext4/ext4.ko", "kernel/fs/after.ko",
	};
	assert_int_equal(order.count, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < order.count; i++)
		assert_string_equal(order.lines[i], want[i]);
	kx_notes_deinit(&order);
	kx_modules_destroy(mods);
	kx_root_deinit(&root);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_targets_file(void **state)
{
	(void)state;
	struct kx_dump_target t;
	assert_kx_ok(kx_dump_target_parse("dump ext4 UUID=x /var/my crash\nrootfs xfs /dev/sda2\n",
					  &t));
	assert_false(t.raw);
	assert_string_equal(t.fstype, "ext4");
	assert_string_equal(t.device, "UUID=x");
	assert_string_equal(t.dir, "/var/my crash");
	assert_string_equal(t.root_device, "/dev/sda2");
	char *text;
	assert_kx_ok(kx_dump_target_format(&t, &text));
	assert_string_equal(text, "dump ext4 UUID=x /var/my crash\nrootfs xfs /dev/sda2\n");
	free(text);
	kx_dump_target_deinit(&t);
	assert_kx_ok(kx_dump_target_parse("raw /dev/vdb\n", &t));
	assert_true(t.raw);
	kx_dump_target_deinit(&t);
	assert_kx_err(kx_dump_target_parse("rootfs xfs /dev/sda2\n", &t), KX_ERROR_CORRUPT,
		      "no dump or raw line");
	assert_kx_err(kx_dump_target_parse("dump ext4 /dev/x relative\n", &t), KX_ERROR_CORRUPT,
		      "line 1");
	assert_kx_err(kx_dump_target_parse("raw\n", &t), KX_ERROR_CORRUPT, "line 1");
}

static void test_blkid_ext4(void **state)
{
	(void)state;
	char path[] = "/tmp/kx-sb-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unsigned char sb[2048] = { 0 };
	sb[1024 + 0x38] = 0x53;
	sb[1024 + 0x39] = 0xEF;
	for (int i = 0; i < 16; i++)
		sb[1024 + 0x68 + i] = (unsigned char)(0x10 + i);
	memcpy(sb + 1024 + 0x78, "crashfs", 7);
	struct kx_blkid b;
	bool found = true;
	// Too short for any superblock: not found, no error.
	assert_int_equal(write(fd, sb, 1500), 1500);
	assert_kx_ok(kx_blkid_probe(fd, path, &b, &found));
	assert_false(found);
	assert_int_equal(pwrite(fd, sb, sizeof(sb), 0), (ssize_t)sizeof(sb));
	assert_kx_ok(kx_blkid_probe(fd, path, &b, &found));
	assert_true(found);
	assert_string_equal(b.uuid, "10111213-1415-1617-1819-1a1b1c1d1e1f");
	assert_string_equal(b.label, "crashfs");
	assert_true(kx_blkid_matches(&b, "UUID=10111213-1415-1617-1819-1A1B1C1D1E1F"));
	assert_true(kx_blkid_matches(&b, "LABEL=crashfs"));
	assert_false(kx_blkid_matches(&b, "LABEL=crash"));
	assert_false(kx_blkid_matches(&b, "/dev/vda1"));
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpio_bytes),
		cmocka_unit_test(test_module_names),
		cmocka_unit_test(test_modules_closure),
		cmocka_unit_test(test_modules_softdep),
		cmocka_unit_test(test_targets_file),
		cmocka_unit_test(test_blkid_ext4),
	};
	KX_RUN_TESTS(tests);
}
