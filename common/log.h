/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file log.h
 * The printing service: message classes, the message-level mask and the
 * progress indicator.
 *
 * Libraries never print on their own. main() fills a caller-owned
 * `struct kx_log` and passes a pointer down to whatever needs to report
 * something; a NULL `struct kx_log *` is accepted everywhere and prints
 * nothing, so library code and tests can run silent.
 *
 * The level mask is makedumpfile's `--message-level` bitmask, same bits, same
 * default (7) and same valid range (0..31). The streams follow upstream:
 *
 * | class            | bit  | stream                                  |
 * |------------------|------|-----------------------------------------|
 * | KX_LOG_PROGRESS  | 0x01 | err (stderr), always                    |
 * | KX_LOG_COMMON    | 0x02 | out (stdout; stderr under -F)           |
 * | KX_LOG_ERROR     | 0x04 | err (stderr), always                    |
 * | KX_LOG_DEBUG     | 0x08 | out (stdout; stderr under -F)           |
 * | KX_LOG_REPORT    | 0x10 | out (stdout; stderr under -F)           |
 *
 * main() implements -F ("flattened data on stdout, all messages on stderr")
 * by passing stderr as both @c out and @c err.
 *
 * The progress line has upstream's exact layout,
 * `"\r%-50s: [%3u.%u %%] %c  %16s"`, for example (81 columns):
 *
 *     Copying data                                      : [ 42.7 %] /         eta: 1m3s
 *
 * with the spinner cycling `/ | \ -` once per printed line and the estimated
 * time left right-aligned in 16 columns ("eta: 12s", "eta: 3m20s",
 * "eta: 2h5m", "eta: 3d4h", "eta: >100day"; blank at 0 %). A line is printed
 * at most once per progress interval (default one second, upstream's rate).
 *
 * Deliberate difference from upstream: makedumpfile writes the '\r' lines
 * whether or not stderr is a terminal, which fills captured kdump logs with
 * carriage returns. Here the '\r' updates are written only when the caller
 * says stderr is a terminal (kx_log_set_terminal(); the module never calls
 * isatty() itself). Otherwise only the final 100 % line of each phase is
 * written, terminated by '\n', so logs record that the phase completed.
 */
#ifndef KX_LOG_H
#define KX_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "compiler.h"
#include "error.h"

/**
 * Message classes. Each is one bit of the `--message-level` mask; the values
 * are makedumpfile's ML_PRINT_* bits and must not change.
 */
enum kx_log_class {
	KX_LOG_PROGRESS = 0x01, /**< progress indicator (stderr) */
	KX_LOG_COMMON = 0x02,   /**< common messages (stdout) */
	KX_LOG_ERROR = 0x04,    /**< error messages (stderr) */
	KX_LOG_DEBUG = 0x08,    /**< debugging messages, -D (stdout) */
	KX_LOG_REPORT = 0x10,   /**< statistics, --show-stats (stdout) */
};

/** Limits and default of the level mask, as upstream. */
enum {
	KX_LOG_LEVEL_MIN = 0,
	KX_LOG_LEVEL_MAX = 31,
	/** Progress, common and error messages. */
	KX_LOG_LEVEL_DEFAULT = KX_LOG_PROGRESS | KX_LOG_COMMON | KX_LOG_ERROR,
	/** Labels are padded to this width (upstream's PROGRESS_* strings). */
	KX_LOG_LABEL_WIDTH = 27,
	/** The label column of the progress line. */
	KX_LOG_PROGRESS_WIDTH = 50,
};

/** Default minimum time between two progress lines: one second. */
static const uint64_t KX_LOG_PROGRESS_INTERVAL_NS = 1000000000u;

/**
 * Monotonic clock in nanoseconds. @p arg is the pointer given to
 * kx_log_set_clock(). Tests inject a fake one.
 */
typedef uint64_t kx_log_clock_fn(void *arg);

/**
 * The logging context. Caller-owned (usually a local in main()); fill it with
 * kx_log_init() and the setters, then read-only for everyone else except the
 * progress helpers, which only touch their own `struct kx_log_progress`.
 */
struct kx_log {
	/** Enabled classes, a mask of enum kx_log_class within 0..31. */
	unsigned int level;
	/** Stream for common, debug and report messages. */
	FILE *out;
	/** Stream for error messages and progress. */
	FILE *err;
	/** Whether @c err is a terminal: decides the progress style. */
	bool err_is_tty;
	/** Clock for progress rate limiting and eta. */
	kx_log_clock_fn *clock;
	/** Argument passed to @c clock. */
	void *clock_arg;
	/** Minimum nanoseconds between two progress lines. */
	uint64_t progress_interval_ns;
};

/**
 * Check a `--message-level` value.
 * @param level the value given by the user.
 * @return NULL when 0 <= @p level <= 31, else a KX_ERROR_INVALID_ARG error
 *         reading "Message_level is invalid: LEVEL (valid range 0..31)".
 */
struct kx_error *kx_log_level_check(long level) KX_MUST_CHECK;

/**
 * Initialise @p log. The terminal flag starts false, the clock is
 * CLOCK_MONOTONIC and the progress interval is one second.
 * @param log   caller memory; left untouched on failure.
 * @param level message-level mask, checked with kx_log_level_check().
 * @param out   stream for common/debug/report (stdout, or stderr under -F).
 * @param err   stream for errors and progress (stderr).
 * @return NULL, or KX_ERROR_INVALID_ARG for an out-of-range level.
 */
struct kx_error *kx_log_init(struct kx_log *log, long level, FILE *out,
			     FILE *err) KX_MUST_CHECK;

/**
 * Release @p log. It owns nothing, so this only exists for symmetry; the
 * streams stay open (they belong to the caller). NULL is accepted.
 */
void kx_log_deinit(struct kx_log *log);

/**
 * Tell the log whether its @c err stream is a terminal; main() passes
 * `isatty(fileno(stderr))`.
 */
void kx_log_set_terminal(struct kx_log *log, bool err_is_tty);

/**
 * Replace the clock. @p clock NULL restores the CLOCK_MONOTONIC default.
 * @param interval_ns minimum time between progress lines; 0 disables the
 *                    rate limit.
 */
void kx_log_set_clock(struct kx_log *log, kx_log_clock_fn *clock, void *arg,
		      uint64_t interval_ns);

/**
 * Whether class @p cls would be printed. Lets callers skip costly formatting.
 * @return false for a NULL @p log.
 */
bool kx_log_enabled(const struct kx_log *log, enum kx_log_class cls);

/**
 * Print a printf-style message of class @p cls to its stream, if that class
 * is enabled. Nothing is added: the caller supplies the newline. @p cls must
 * be a single class bit. Write errors are left in the stream's error flag
 * for main()'s final close check.
 */
void kx_log_msg(const struct kx_log *log, enum kx_log_class cls,
		const char *fmt, ...) KX_PRINTF(3, 4);

/** va_list version of kx_log_msg(). */
void kx_log_vmsg(const struct kx_log *log, enum kx_log_class cls,
		 const char *fmt, va_list ap) KX_PRINTF(3, 0);

/**
 * Print @p err as one line "MESSAGE\n" on the error stream, if error
 * messages are enabled. NULL @p err prints nothing.
 */
void kx_log_error(const struct kx_log *log, const struct kx_error *err);

/**
 * State of one progress phase ("Copying data", ...). Caller memory, filled by
 * kx_log_progress_init(); the fields are private to log.c.
 */
struct kx_log_progress {
	const struct kx_log *log;
	const char *label;
	uint64_t start_ns;
	uint64_t last_ns;
	bool printed;
	unsigned int lapse;
};

/**
 * Start a progress phase and record its start time from the log's clock.
 * @param label short name, e.g. "Copying data"; it is padded to 27 columns
 *              like upstream's PROGRESS_* strings. Borrowed: must outlive
 *              the phase.
 */
void kx_log_progress_init(struct kx_log_progress *p, const struct kx_log *log,
			  const char *label);

/**
 * Report that @p current of @p end units are done. On a terminal, prints
 * "\r<line>" when the progress bit is set and the interval has passed since
 * the last line (the first call always prints). When @p current >= @p end
 * the 100 % line is printed regardless of the interval, as upstream.
 * Prints nothing when @c err is not a terminal.
 */
void kx_log_progress_update(struct kx_log_progress *p, uint64_t current,
			    uint64_t end);

/**
 * Finish the phase: print the 100 % line (with '\r' before it on a
 * terminal) followed by '\n', if the progress bit is set. This is the only
 * progress output on a non-terminal.
 */
void kx_log_progress_finish(struct kx_log_progress *p);

/**
 * Print the report line "STEP [LABEL] : S.UUUUUU seconds\n" for the time
 * since the phase started (LABEL padded to 27 columns), if report messages
 * are enabled. Call after kx_log_progress_finish().
 */
void kx_log_progress_report(const struct kx_log_progress *p);

/**
 * Format the estimated time left into @p buf the way upstream does:
 * "eta: 59s", "eta: 1m40s", "eta: 1h40m", "eta: 2d0h", "eta: >100day".
 * @param buf room for at least 16 bytes; always NUL-terminated.
 */
void kx_log_format_eta(uint64_t secs, char buf[static 16]);

#endif /* KX_LOG_H */
