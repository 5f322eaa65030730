// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "io.h"
#include "test_util.h"

// A temporary file, already unlinked, holding @size bytes of a pattern.
static int pattern_file(size_t size)
{
	char name[] = "/tmp/kx-test-io-XXXXXX";
	int fd = mkstemp(name);
	assert_true(fd >= 0);
	unlink(name);
	for (size_t i = 0; i < size; i++) {
		unsigned char c = (unsigned char)(i * 7 + 3);
		assert_int_equal(write(fd, &c, 1), 1);
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void test_read_full_and_short(void **state)
{
	(void)state;
	int fd = pattern_file(100);
	unsigned char buf[200];
	assert_kx_ok(kx_io_read_full(fd, buf, 60, "pattern"));
	assert_int_equal(buf[59], (unsigned char)(59 * 7 + 3));
	assert_kx_err(kx_io_read_full(fd, buf, 60, "pattern"), KX_ERROR_CORRUPT,
		      "pattern: short read: got 40 of 60 bytes");
	close(fd);
}

static void test_read_reports_eof_count(void **state)
{
	(void)state;
	int fd = pattern_file(10);
	char buf[32];
	size_t done = 99;
	assert_kx_ok(kx_io_read(fd, buf, sizeof(buf), "f", &done));
	assert_int_equal(done, 10);
	close(fd);
}

static void test_pread_at_offset(void **state)
{
	(void)state;
	int fd = pattern_file(4096);
	unsigned char buf[16];
	assert_kx_ok(kx_io_pread_full(fd, buf, sizeof(buf), 4000, "vmcore"));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], (unsigned char)((4000 + i) * 7 + 3));
	assert_kx_err(kx_io_pread_full(fd, buf, sizeof(buf), 4090, "vmcore"),
		      KX_ERROR_CORRUPT, "vmcore: short read at offset 0x1000: file ends 10 bytes early");
	assert_kx_err(kx_io_pread_full(fd, buf, sizeof(buf), UINT64_MAX - 4, "vmcore"),
		      KX_ERROR_OVERFLOW, "beyond the largest file offset");
	close(fd);
}

static void test_pwrite_then_pread(void **state)
{
	(void)state;
	int fd = pattern_file(0);
	const char msg[] = "KDUMP   ";
	assert_kx_ok(kx_io_pwrite_full(fd, msg, 8, 1 << 20, "out"));
	char back[8];
	assert_kx_ok(kx_io_pread_full(fd, back, 8, 1 << 20, "out"));
	assert_memory_equal(back, msg, 8);
	// The hole before it reads as zeros.
	assert_kx_ok(kx_io_pread_full(fd, back, 8, 4096, "out"));
	assert_memory_equal(back, "\0\0\0\0\0\0\0\0", 8);
	close(fd);
}

static void test_write_errors_name_file(void **state)
{
	(void)state;
	int fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_kx_err(kx_io_write_full(fd, "x", 1, "/dev/null"), KX_ERROR_OS,
		      "/dev/null: write: Bad file descriptor");
	close(fd);
}

static void test_write_enospc_is_nospace(void **state)
{
	(void)state;
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		KX_SKIP("no /dev/full on this machine");
	struct kx_error *err = kx_io_write_full(fd, "x", 1, "/dev/full");
	assert_non_null(err);
	assert_int_equal(err->errnum, ENOSPC);
	assert_kx_err(err, KX_ERROR_NOSPACE, "/dev/full: write: No space left on device");
	close(fd);
}

static void test_slurp_limits(void **state)
{
	(void)state;
	int fd = pattern_file(10000);
	char *buf;
	size_t size;
	assert_kx_ok(kx_io_slurp(fd, 10000, "big", &buf, &size));
	assert_int_equal(size, 10000);
	assert_int_equal(buf[10000], '\0');
	assert_int_equal((unsigned char)buf[9999], (unsigned char)(9999 * 7 + 3));
	free(buf);

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_kx_err(kx_io_slurp(fd, 9999, "big", &buf, &size), KX_ERROR_OVERFLOW,
		      "big: file is larger than 9999 bytes");
	close(fd);

	fd = pattern_file(0);
	assert_kx_ok(kx_io_slurp(fd, 100, "empty", &buf, &size));
	assert_int_equal(size, 0);
	assert_string_equal(buf, "");
	free(buf);
	close(fd);
}

// A pipe delivers data in pieces, like /proc files that report size 0.
static void test_slurp_from_pipe(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "00000000-00000fff : Reserved\n", 29), 29);
	close(p[1]);
	char *buf;
	size_t size;
	assert_kx_ok(kx_io_slurp(p[0], 1 << 20, "/proc/iomem", &buf, &size));
	assert_int_equal(size, 29);
	assert_string_equal(buf, "00000000-00000fff : Reserved\n");
	free(buf);
	close(p[0]);
}

static void on_alarm(int sig)
{
	(void)sig;
}

// read() interrupted by a signal handler without SA_RESTART must be retried.
static void test_read_retries_eintr(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		usleep(300000);
		(void)!write(p[1], "late", 4);
		_exit(0);
	}
	close(p[1]);
	ualarm(50000, 0);
	char buf[4];
	assert_kx_ok(kx_io_read_full(p[0], buf, 4, "pipe"));
	assert_memory_equal(buf, "late", 4);
	close(p[0]);
	waitpid(pid, NULL, 0);
	sigaction(SIGALRM, &old, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_full_and_short),
		cmocka_unit_test(test_read_reports_eof_count),
		cmocka_unit_test(test_pread_at_offset),
		cmocka_unit_test(test_pwrite_then_pread),
		cmocka_unit_test(test_write_errors_name_file),
		cmocka_unit_test(test_write_enospc_is_nospace),
		cmocka_unit_test(test_slurp_limits),
		cmocka_unit_test(test_slurp_from_pipe),
		cmocka_unit_test(test_read_retries_eintr),
	};
	KX_RUN_TESTS(tests);
}
