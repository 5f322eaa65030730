// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static const uint64_t NS_PER_SEC = 1000000000u;
static const uint64_t NS_PER_MS = 1000000u;

// Upstream's spinner order: '/', '|', '\', '-'.
static const char SPINNER[4] = { '/', '|', '\\', '-' };

static uint64_t kx_log_monotonic_ns(void *arg)
{
	(void)arg;
	struct timespec ts;
	// CLOCK_MONOTONIC cannot fail on Linux with a valid pointer; a zero
	// reading would merely disable the rate limit, never misbehave.
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

struct kx_error *kx_log_level_check(long level)
{
	KX_CHECK(level >= KX_LOG_LEVEL_MIN && level <= KX_LOG_LEVEL_MAX,
		 KX_ERROR_INVALID_ARG,
		 "Message_level is invalid: %ld (valid range %d..%d)", level,
		 KX_LOG_LEVEL_MIN, KX_LOG_LEVEL_MAX);
	return NULL;
}

struct kx_error *kx_log_init(struct kx_log *log, long level, FILE *out,
			     FILE *err)
{
	KX_TRY(kx_log_level_check(level));
	*log = (struct kx_log){
		.level = (unsigned int)level,
		.out = out,
		.err = err,
		.err_is_tty = false,
		.clock = kx_log_monotonic_ns,
		.clock_arg = NULL,
		.progress_interval_ns = KX_LOG_PROGRESS_INTERVAL_NS,
	};
	return NULL;
}

void kx_log_deinit(struct kx_log *log)
{
	// Nothing is owned; the streams belong to the caller.
	(void)log;
}

void kx_log_set_terminal(struct kx_log *log, bool err_is_tty)
{
	log->err_is_tty = err_is_tty;
}

void kx_log_set_clock(struct kx_log *log, kx_log_clock_fn *clock, void *arg,
		      uint64_t interval_ns)
{
	log->clock = clock ? clock : kx_log_monotonic_ns;
	log->clock_arg = clock ? arg : NULL;
	log->progress_interval_ns = interval_ns;
}

bool kx_log_enabled(const struct kx_log *log, enum kx_log_class cls)
{
	return log && (log->level & (unsigned int)cls);
}

// Errors and progress always go to stderr upstream; the rest follows -F.
static FILE *kx_log_stream(const struct kx_log *log, enum kx_log_class cls)
{
	if (cls == KX_LOG_ERROR || cls == KX_LOG_PROGRESS)
		return log->err;
	return log->out;
}

void kx_log_vmsg(const struct kx_log *log, enum kx_log_class cls,
		 const char *fmt, va_list ap)
{
	if (!kx_log_enabled(log, cls))
		return;
	FILE *f = kx_log_stream(log, cls);
	if (f)
		vfprintf(f, fmt, ap);
}

void kx_log_msg(const struct kx_log *log, enum kx_log_class cls,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kx_log_vmsg(log, cls, fmt, ap);
	va_end(ap);
}

void kx_log_error(const struct kx_log *log, const struct kx_error *err)
{
	if (err)
		kx_log_msg(log, KX_LOG_ERROR, "%s\n", err->message);
}

void kx_log_format_eta(uint64_t secs, char buf[static 16])
{
	// Each branch fits 16 bytes: the largest is "eta: 99d23h" and
	// "eta: 47h59m"; ">100day" covers everything beyond.
	if (secs < 100)
		snprintf(buf, 16, "eta: %us", (unsigned int)secs);
	else if (secs < 100 * 60)
		snprintf(buf, 16, "eta: %um%us", (unsigned int)(secs / 60),
			 (unsigned int)(secs % 60));
	else if (secs < 48 * 3600)
		snprintf(buf, 16, "eta: %uh%um", (unsigned int)(secs / 3600),
			 (unsigned int)(secs / 60 % 60));
	else if (secs < 100 * 86400)
		snprintf(buf, 16, "eta: %ud%uh", (unsigned int)(secs / 86400),
			 (unsigned int)(secs / 3600 % 24));
	else
		snprintf(buf, 16, "eta: >100day");
}

void kx_log_progress_init(struct kx_log_progress *p, const struct kx_log *log,
			  const char *label)
{
	*p = (struct kx_log_progress){ .log = log, .label = label };
	if (log)
		p->start_ns = log->clock(log->clock_arg);
}

// Tenths of a percent done. Huge counts are scaled down together so that
// current * 1000 cannot overflow; an unfinished phase never shows 100.0.
static unsigned int kx_log_promille(uint64_t current, uint64_t end)
{
	if (current >= end)
		return 1000;
	while (current > UINT64_MAX / 1000) {
		current >>= 1;
		end >>= 1;
	}
	uint64_t promille = current * 1000 / end;
	return promille < 1000 ? (unsigned int)promille : 999;
}

// Upstream's estimate: total = elapsed / fraction done, minus elapsed, all
// in whole seconds (elapsed_ms / promille is the total in seconds).
static void kx_log_progress_eta(const struct kx_log_progress *p,
				unsigned int promille, uint64_t now,
				char buf[static 16])
{
	if (promille == 0) {
		snprintf(buf, 16, " ");
		return;
	}
	uint64_t elapsed = now >= p->start_ns ? now - p->start_ns : 0;
	uint64_t total_s = elapsed / NS_PER_MS / promille;
	uint64_t elapsed_s = elapsed / NS_PER_SEC;
	kx_log_format_eta(total_s >= elapsed_s ? total_s - elapsed_s : 0, buf);
}

static void kx_log_progress_print(struct kx_log_progress *p,
				  unsigned int promille, uint64_t now,
				  const char *lead, const char *tail)
{
	char eta[16];
	kx_log_progress_eta(p, promille, now, eta);
	fprintf(p->log->err, "%s%-*s: [%3u.%u %%] %c  %16s%s", lead,
		(int)KX_LOG_PROGRESS_WIDTH, p->label, promille / 10,
		promille % 10, SPINNER[p->lapse % 4], eta, tail);
	p->lapse++;
	p->printed = true;
	p->last_ns = now;
}

void kx_log_progress_update(struct kx_log_progress *p, uint64_t current,
			    uint64_t end)
{
	const struct kx_log *log = p->log;
	if (!kx_log_enabled(log, KX_LOG_PROGRESS) || !log->err_is_tty ||
	    !log->err)
		return;
	uint64_t now = log->clock(log->clock_arg);
	unsigned int promille = kx_log_promille(current, end);
	// Only intermediate lines are rate-limited, as upstream.
	if (promille < 1000 && p->printed &&
	    now - p->last_ns < log->progress_interval_ns)
		return;
	kx_log_progress_print(p, promille, now, "\r", "");
	fflush(log->err);
}

void kx_log_progress_finish(struct kx_log_progress *p)
{
	const struct kx_log *log = p->log;
	if (!kx_log_enabled(log, KX_LOG_PROGRESS) || !log->err)
		return;
	uint64_t now = log->clock(log->clock_arg);
	kx_log_progress_print(p, 1000, now, log->err_is_tty ? "\r" : "", "\n");
	fflush(log->err);
}

void kx_log_progress_report(const struct kx_log_progress *p)
{
	const struct kx_log *log = p->log;
	if (!kx_log_enabled(log, KX_LOG_REPORT))
		return;
	uint64_t now = log->clock(log->clock_arg);
	uint64_t elapsed = now >= p->start_ns ? now - p->start_ns : 0;
	kx_log_msg(log, KX_LOG_REPORT,
		   "STEP [%-*s] : %" PRIu64 ".%06" PRIu64 " seconds\n",
		   (int)KX_LOG_LABEL_WIDTH, p->label, elapsed / NS_PER_SEC,
		   elapsed % NS_PER_SEC / 1000);
}
