/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file test_util.h
 * Helpers shared by the cmocka unit tests: error assertions and test data.
 *
 * Include after <cmocka.h> (which itself needs <stdarg.h>, <stddef.h>,
 * <stdint.h> and <setjmp.h> first).
 */
#ifndef KX_TEST_UTIL_H
#define KX_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"

/** Fail the test, printing the message, unless @p err is NULL. */
#define assert_kx_ok(err)                                                   \
	do {                                                                \
		struct kx_error *kx_t_err_ = (err);                         \
		if (kx_t_err_) {                                            \
			print_error("unexpected error (%s): %s\n",          \
				    kx_error_code_name(kx_t_err_->code),    \
				    kx_t_err_->message);                    \
			kx_error_destroy(kx_t_err_);                        \
			fail();                                             \
		}                                                           \
	} while (0)

/**
 * Assert that @p err is an error of class @p ecode whose message contains
 * @p substr, then destroy it.
 */
#define assert_kx_err(err, ecode, substr)                                    \
	do {                                                                \
		struct kx_error *kx_t_err_ = (err);                         \
		if (!kx_t_err_) {                                           \
			print_error("expected a %s error, got success\n",   \
				    kx_error_code_name(ecode));              \
			fail();                                             \
		}                                                           \
		if (kx_t_err_->code != (ecode) ||                            \
		    !strstr(kx_t_err_->message, (substr))) {                \
			print_error("expected %s error containing \"%s\", " \
				    "got %s: %s\n",                         \
				    kx_error_code_name(ecode), (substr),     \
				    kx_error_code_name(kx_t_err_->code),    \
				    kx_t_err_->message);                    \
			kx_error_destroy(kx_t_err_);                        \
			fail();                                             \
		}                                                           \
		kx_error_destroy(kx_t_err_);                                \
	} while (0)

/**
 * Absolute path of a file under tests/data. make check sets KX_TEST_DATA;
 * running a test binary by hand from the source tree works too.
 * Returns a static buffer: use it before the next call.
 */
static inline const char *kx_test_data(const char *rel)
{
	static char buf[4096];
	const char *dir = getenv("KX_TEST_DATA");
	if (!dir)
		dir = "tests/data";
	snprintf(buf, sizeof(buf), "%s/%s", dir, rel);
	return buf;
}

/**
 * Write @p text to the file @p rel (absolute, "/proc/cmdline") under the
 * directory @p dir, creating the parent directories.
 */
static inline void kx_test_put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/** Remove the scratch directory @p dir and all below it; 0 on success. */
static inline int kx_test_rmtree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/**
 * Skip the rest of a test case, saying why. cmocka 1.1.5's skip() prints
 * "not ok N # SKIP", which automake's TAP driver counts as a failure, so a
 * skip is reported as a diagnostic line and the case passes.
 */
#define KX_SKIP(reason)                                          \
	do {                                                     \
		print_message("# skipped: %s\n", (reason));      \
		return;                                          \
	} while (0)

/**
 * Run a cmocka group with TAP output, so automake's TAP driver counts each
 * test case. Use as the whole body of main().
 */
#define KX_RUN_TESTS(tests)                                  \
	do {                                                 \
		cmocka_set_message_output(CM_OUTPUT_TAP);    \
		return cmocka_run_group_tests(tests, NULL, NULL); \
	} while (0)

#endif /* KX_TEST_UTIL_H */
