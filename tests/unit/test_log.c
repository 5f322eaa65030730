// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_util.h"
#include "log.h"

static const uint64_t MS = 1000000u;

/** Fake clock: tests move @c now by hand. */
struct fake_clock {
	uint64_t now;
};

static uint64_t fake_now(void *arg)
{
	return ((struct fake_clock *)arg)->now;
}

/** A log whose two streams are memory buffers the test can read. */
struct capture {
	struct kx_log log;
	struct fake_clock clock;
	FILE *out, *err;
	char *out_buf, *err_buf;
	size_t out_size, err_size;
};

static void capture_open(struct capture *c, long level, bool tty)
{
	*c = (struct capture){ 0 };
	c->out = open_memstream(&c->out_buf, &c->out_size);
	c->err = open_memstream(&c->err_buf, &c->err_size);
	assert_non_null(c->out);
	assert_non_null(c->err);
	assert_kx_ok(kx_log_init(&c->log, level, c->out, c->err));
	kx_log_set_terminal(&c->log, tty);
	kx_log_set_clock(&c->log, fake_now, &c->clock, 1000 * MS);
}

/** Current contents of the out stream (valid until the next write). */
static const char *out_text(struct capture *c)
{
	fflush(c->out);
	return c->out_buf;
}

static const char *err_text(struct capture *c)
{
	fflush(c->err);
	return c->err_buf;
}

static void capture_close(struct capture *c)
{
	kx_log_deinit(&c->log);
	fclose(c->out);
	fclose(c->err);
	free(c->out_buf);
	free(c->err_buf);
}

static void test_level_bits_match_upstream(void **state)
{
	(void)state;
	assert_int_equal(KX_LOG_PROGRESS, 0x01);
	assert_int_equal(KX_LOG_COMMON, 0x02);
	assert_int_equal(KX_LOG_ERROR, 0x04);
	assert_int_equal(KX_LOG_DEBUG, 0x08);
	assert_int_equal(KX_LOG_REPORT, 0x10);
	assert_int_equal(KX_LOG_LEVEL_DEFAULT, 7);
	assert_int_equal(KX_LOG_LEVEL_MIN, 0);
	assert_int_equal(KX_LOG_LEVEL_MAX, 31);
}

static void test_invalid_levels(void **state)
{
	(void)state;
	struct kx_log log = { .level = 99 };
	assert_kx_err(kx_log_init(&log, 32, stdout, stderr), KX_ERROR_INVALID_ARG,
		      "Message_level is invalid: 32 (valid range 0..31)");
	assert_kx_err(kx_log_init(&log, -1, stdout, stderr), KX_ERROR_INVALID_ARG,
		      "Message_level is invalid: -1");
	assert_kx_err(kx_log_level_check(LONG_MAX), KX_ERROR_INVALID_ARG,
		      "invalid");
	assert_int_equal(log.level, 99); // untouched on failure
	for (long l = 0; l <= 31; l++)
		assert_kx_ok(kx_log_level_check(l));
}

static void test_init_defaults(void **state)
{
	(void)state;
	struct kx_log log;
	assert_kx_ok(kx_log_init(&log, KX_LOG_LEVEL_DEFAULT, stdout, stderr));
	assert_int_equal(log.level, 7);
	assert_ptr_equal(log.out, stdout);
	assert_ptr_equal(log.err, stderr);
	assert_false(log.err_is_tty);
	assert_non_null(log.clock);
	assert_true(log.progress_interval_ns == 1000 * MS);
	// The default clock is monotonic.
	uint64_t a = log.clock(log.clock_arg);
	uint64_t b = log.clock(log.clock_arg);
	assert_true(b >= a);
	struct fake_clock fc = { .now = 42 };
	kx_log_set_clock(&log, fake_now, &fc, 5);
	assert_true(log.clock(log.clock_arg) == 42);
	kx_log_set_clock(&log, NULL, &fc, 7); // NULL restores the default
	assert_ptr_not_equal(log.clock, fake_now);
	assert_null(log.clock_arg);
	assert_true(log.progress_interval_ns == 7);
	kx_log_deinit(&log);
	kx_log_deinit(NULL);
}

/** Print one message of every class and check each stream for every mask. */
static void test_every_mask_routes_every_class(void **state)
{
	(void)state;
	for (long mask = 0; mask <= 31; mask++) {
		struct capture c;
		capture_open(&c, mask, true);
		kx_log_msg(&c.log, KX_LOG_PROGRESS, "p%d\n", 1);
		kx_log_msg(&c.log, KX_LOG_COMMON, "c%d\n", 2);
		kx_log_msg(&c.log, KX_LOG_ERROR, "e%d\n", 3);
		kx_log_msg(&c.log, KX_LOG_DEBUG, "d%d\n", 4);
		kx_log_msg(&c.log, KX_LOG_REPORT, "r%d\n", 5);
		char out[16] = "", err[16] = "";
		if (mask & KX_LOG_PROGRESS)
			strcat(err, "p1\n");
		if (mask & KX_LOG_COMMON)
			strcat(out, "c2\n");
		if (mask & KX_LOG_ERROR)
			strcat(err, "e3\n");
		if (mask & KX_LOG_DEBUG)
			strcat(out, "d4\n");
		if (mask & KX_LOG_REPORT)
			strcat(out, "r5\n");
		assert_string_equal(out_text(&c), out);
		assert_string_equal(err_text(&c), err);
		for (unsigned int bit = 1; bit <= 16; bit <<= 1)
			assert_int_equal(kx_log_enabled(&c.log, bit),
					 (mask & bit) != 0);
		capture_close(&c);
	}
}

/** -F: main() passes stderr twice, so everything interleaves on one stream. */
static void test_flattened_mode_single_stream(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	assert_non_null(f);
	struct kx_log log;
	assert_kx_ok(kx_log_init(&log, 31, f, f));
	kx_log_msg(&log, KX_LOG_COMMON, "common\n");
	kx_log_msg(&log, KX_LOG_ERROR, "error\n");
	kx_log_msg(&log, KX_LOG_REPORT, "report\n");
	fflush(f);
	assert_string_equal(buf, "common\nerror\nreport\n");
	fclose(f);
	free(buf);
}

static void test_null_log_is_silent(void **state)
{
	(void)state;
	assert_false(kx_log_enabled(NULL, KX_LOG_ERROR));
	kx_log_msg(NULL, KX_LOG_ERROR, "nothing %d\n", 1);
	struct kx_error *err = kx_error_create(KX_ERROR_CORRUPT, "x");
	kx_log_error(NULL, err);
	kx_error_destroy(err);
	struct kx_log_progress p;
	kx_log_progress_init(&p, NULL, "Copying data");
	kx_log_progress_update(&p, 1, 2);
	kx_log_progress_finish(&p);
	kx_log_progress_report(&p);
}

static void test_log_error_line(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_LEVEL_DEFAULT, false);
	struct kx_error *err = kx_error_create(KX_ERROR_CORRUPT, "bad header");
	kx_log_error(&c.log, err);
	kx_log_error(&c.log, NULL);
	kx_error_destroy(err);
	assert_string_equal(err_text(&c), "bad header\n");
	assert_string_equal(out_text(&c), "");
	capture_close(&c);

	capture_open(&c, KX_LOG_COMMON, false);
	err = kx_error_create(KX_ERROR_CORRUPT, "hidden");
	kx_log_error(&c.log, err);
	kx_error_destroy(err);
	assert_string_equal(err_text(&c), "");
	capture_close(&c);
}

// The label column is 50 wide; these spell the padding out in full.
#define COPY50 "Copying data                                      "
#define NOETA "                "

static void test_progress_zero_percent(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_LEVEL_DEFAULT, true);
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	kx_log_progress_update(&p, 0, 100);
	// No estimate at 0 %: upstream prints " " right-aligned in 16 columns.
	assert_string_equal(err_text(&c), "\r" COPY50 ": [  0.0 %] /  " NOETA);
	assert_int_equal(strlen(err_text(&c)), 1 + 81);
	assert_string_equal(out_text(&c), "");
	capture_close(&c);
}

static void test_progress_45_percent_and_finish(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_LEVEL_DEFAULT, true);
	c.clock.now = 5000 * MS;
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	c.clock.now += 10000 * MS;
	// 10 s for 45 %: 10000 ms / 450 = 22 s in total, 12 s left.
	kx_log_progress_update(&p, 45, 100);
	const char *l45 = "\r" COPY50 ": [ 45.0 %] /          eta: 12s";
	assert_string_equal(err_text(&c), l45);
	c.clock.now += 2000 * MS;
	kx_log_progress_finish(&p);
	char want[256];
	snprintf(want, sizeof(want), "%s%s", l45,
		 "\r" COPY50 ": [100.0 %] |           eta: 0s\n");
	assert_string_equal(err_text(&c), want);
	capture_close(&c);
}

static void test_progress_tenths(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_PROGRESS, true);
	kx_log_set_clock(&c.log, fake_now, &c.clock, 0);
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Excluding free pages");
	kx_log_progress_update(&p, 427, 1000);
	assert_non_null(strstr(err_text(&c), ": [ 42.7 %] "));
	kx_log_progress_update(&p, UINT64_MAX - 1, UINT64_MAX);
	assert_non_null(strstr(err_text(&c), ": [ 99.9 %] "));
	kx_log_progress_update(&p, 7, 0); // empty phase counts as done
	assert_non_null(strstr(err_text(&c), ": [100.0 %] "));
	assert_non_null(strstr(err_text(&c),
			       "\rExcluding free pages                              : "));
	capture_close(&c);
}

static void test_progress_spinner_sequence(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_LEVEL_DEFAULT, true);
	kx_log_set_clock(&c.log, fake_now, &c.clock, 0);
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	for (int i = 0; i < 6; i++)
		kx_log_progress_update(&p, (uint64_t)i, 10);
	kx_log_progress_finish(&p);
	const char *s = err_text(&c);
	char spins[8] = "";
	size_t n = 0;
	for (const char *q = s; (q = strstr(q, " %] ")) != NULL; q += 4)
		spins[n++] = q[4];
	assert_int_equal(n, 7);
	assert_string_equal(spins, "/|\\-/|\\");
	capture_close(&c);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\r';
	return n;
}

static void test_progress_rate_limit(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_LEVEL_DEFAULT, true);
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	kx_log_progress_update(&p, 1, 100); // first line always prints
	assert_int_equal(count_lines(err_text(&c)), 1);
	c.clock.now += 500 * MS;
	kx_log_progress_update(&p, 2, 100);
	c.clock.now += 499 * MS;
	kx_log_progress_update(&p, 3, 100);
	assert_int_equal(count_lines(err_text(&c)), 1);
	c.clock.now += 1 * MS; // one full second after the first line
	kx_log_progress_update(&p, 4, 100);
	assert_int_equal(count_lines(err_text(&c)), 2);
	assert_non_null(strstr(err_text(&c), "[  4.0 %]"));
	c.clock.now += 10 * MS;
	kx_log_progress_update(&p, 5, 100);
	assert_int_equal(count_lines(err_text(&c)), 2);
	// Reaching the end is never rate-limited.
	kx_log_progress_update(&p, 100, 100);
	assert_int_equal(count_lines(err_text(&c)), 3);
	kx_log_progress_finish(&p);
	assert_int_equal(count_lines(err_text(&c)), 4);
	// Exactly one newline, at the very end.
	const char *s = err_text(&c);
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	capture_close(&c);
}

static void test_progress_not_a_terminal(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_LEVEL_DEFAULT, false);
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	kx_log_progress_update(&p, 0, 100);
	c.clock.now += 5000 * MS;
	kx_log_progress_update(&p, 50, 100);
	kx_log_progress_update(&p, 100, 100);
	assert_string_equal(err_text(&c), "");
	kx_log_progress_finish(&p);
	assert_string_equal(err_text(&c),
			    COPY50 ": [100.0 %] /           eta: 0s\n");
	capture_close(&c);
}

static void test_progress_bit_off(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_COMMON | KX_LOG_ERROR | KX_LOG_REPORT, true);
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	kx_log_progress_update(&p, 10, 100);
	kx_log_progress_finish(&p);
	assert_string_equal(err_text(&c), "");
	capture_close(&c);
}

static void test_progress_report(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_REPORT, true);
	c.clock.now = 777 * MS;
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	c.clock.now += 12345678999u; // 12.345678999 s: microseconds truncate
	kx_log_progress_finish(&p);
	kx_log_progress_report(&p);
	assert_string_equal(out_text(&c),
			    "STEP [Copying data               ] : 12.345678 seconds\n");
	assert_string_equal(err_text(&c), "");
	capture_close(&c);

	capture_open(&c, KX_LOG_LEVEL_DEFAULT, true);
	kx_log_progress_init(&p, &c.log, "Copying data");
	kx_log_progress_report(&p);
	assert_string_equal(out_text(&c), "");
	capture_close(&c);
}

static void test_eta_format(void **state)
{
	(void)state;
	static const struct {
		uint64_t secs;
		const char *text;
	} cases[] = {
		{ 0, "eta: 0s" },          { 59, "eta: 59s" },
		{ 99, "eta: 99s" },        { 100, "eta: 1m40s" },
		{ 63, "eta: 63s" },        { 5999, "eta: 99m59s" },
		{ 6000, "eta: 1h40m" },    { 172799, "eta: 47h59m" },
		{ 172800, "eta: 2d0h" },   { 8639999, "eta: 99d23h" },
		{ 8640000, "eta: >100day" }, { UINT64_MAX, "eta: >100day" },
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(cases); i++) {
		char buf[16];
		kx_log_format_eta(cases[i].secs, buf);
		assert_string_equal(buf, cases[i].text);
	}
}

static void test_eta_in_line_minutes(void **state)
{
	(void)state;
	struct capture c;
	capture_open(&c, KX_LOG_PROGRESS, true);
	struct kx_log_progress p;
	kx_log_progress_init(&p, &c.log, "Copying data");
	c.clock.now = 47000 * MS;
	// 47 s for 42.7 %: 47000 / 427 = 110 s in total, 63 s left.
	kx_log_progress_update(&p, 427, 1000);
	assert_string_equal(err_text(&c),
			    "\r" COPY50 ": [ 42.7 %] /          eta: 63s");
	capture_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_bits_match_upstream),
		cmocka_unit_test(test_invalid_levels),
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_every_mask_routes_every_class),
		cmocka_unit_test(test_flattened_mode_single_stream),
		cmocka_unit_test(test_null_log_is_silent),
		cmocka_unit_test(test_log_error_line),
		cmocka_unit_test(test_progress_zero_percent),
		cmocka_unit_test(test_progress_45_percent_and_finish),
		cmocka_unit_test(test_progress_tenths),
		cmocka_unit_test(test_progress_spinner_sequence),
		cmocka_unit_test(test_progress_rate_limit),
		cmocka_unit_test(test_progress_not_a_terminal),
		cmocka_unit_test(test_progress_bit_off),
		cmocka_unit_test(test_progress_report),
		cmocka_unit_test(test_eta_format),
		cmocka_unit_test(test_eta_in_line_minutes),
	};
	KX_RUN_TESTS(tests);
}
