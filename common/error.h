/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file error.h
 * The one error type of the suite.
 *
 * A function that can fail returns `struct kx_error *`: NULL means success,
 * anything else is an error the caller owns and must either hand upwards
 * (optionally after kx_error_prefix()) or release with kx_error_destroy().
 * Values come back through out-parameters, which are left untouched on
 * failure. Libraries never print: only main() turns an error into a line on
 * stderr and an exit code.
 *
 * Out of memory is the static object kx_enomem, so reporting it never
 * allocates and destroying it is harmless.
 */
#ifndef KX_ERROR_H
#define KX_ERROR_H

#include <stdbool.h>
#include <stdint.h>

#include "compiler.h"

/**
 * Error classes. The numbers are stable: never renumber, only append.
 */
enum kx_error_code {
	KX_ERROR_NOMEM = 1,        /**< allocation failed */
	KX_ERROR_OS = 2,           /**< a system call failed; errnum and path are set */
	KX_ERROR_INVALID_ARG = 3,  /**< the caller (or the user) asked for something impossible */
	KX_ERROR_CORRUPT = 4,      /**< an input file or text is malformed */
	KX_ERROR_UNSUPPORTED = 5,  /**< well-formed, but not something we handle */
	KX_ERROR_NODATA = 6,       /**< the data exists in principle but is absent (excluded page) */
	KX_ERROR_FAULT = 7,        /**< an address is not mapped; address is set */
	KX_ERROR_OVERFLOW = 8,     /**< a value does not fit its type or a size wraps */
	KX_ERROR_NOT_FOUND = 9,    /**< a looked-up key, symbol or entry is missing */
	KX_ERROR_NOSPACE = 10,     /**< no room: a hole finder or an output device is full */
	KX_ERROR_INTERRUPTED = 11, /**< stopped on request (a signal) before finishing */
};

struct kx_error {
	enum kx_error_code code;
	/** errno value for KX_ERROR_OS, else 0. */
	int errnum;
	/** Address for KX_ERROR_FAULT, else 0. */
	uint64_t address;
	/** File the error is about, or NULL. Owned by the error. */
	char *path;
	/** Complete one-line message, never NULL. Owned by the error. */
	char *message;
};

/** The out-of-memory error: static, never freed, never modified. */
extern struct kx_error kx_enomem;

/**
 * Create an error with a printf-style message.
 * @return the new error, or &kx_enomem when even that fails.
 */
struct kx_error *kx_error_create(enum kx_error_code code, const char *fmt, ...)
	KX_PRINTF(2, 3) KX_RETURNS_NONNULL;

/**
 * Create a KX_ERROR_OS error. The message reads "PATH: MSG: strerror(errnum)"
 * (without "PATH: " when @p path is NULL).
 */
struct kx_error *kx_error_os(int errnum, const char *path, const char *fmt, ...)
	KX_PRINTF(3, 4) KX_RETURNS_NONNULL;

/**
 * Create an error about a file: the message reads "PATH: MSG". Use this for
 * malformed input so the user sees which file is wrong.
 */
struct kx_error *kx_error_file(enum kx_error_code code, const char *path,
			       const char *fmt, ...) KX_PRINTF(3, 4) KX_RETURNS_NONNULL;

/** Create a KX_ERROR_FAULT error for @p address. */
struct kx_error *kx_error_fault(uint64_t address, const char *fmt, ...)
	KX_PRINTF(2, 3) KX_RETURNS_NONNULL;

/**
 * Add context: the message becomes "PREFIX: old message". Returns @p err so
 * it can be used as `return kx_error_prefix(err, "reading %s", what);`.
 * kx_enomem and allocation failures leave the message as it was.
 */
struct kx_error *kx_error_prefix(struct kx_error *err, const char *fmt, ...)
	KX_PRINTF(2, 3);

/** Free @p err. NULL and &kx_enomem are accepted and ignored. */
void kx_error_destroy(struct kx_error *err);

/** True when @p err is non-NULL and of class @p code. */
bool kx_error_is(const struct kx_error *err, enum kx_error_code code);

/**
 * If *@p err is of class @p code, destroy it, set *@p err to NULL and return
 * true. Otherwise leave it and return false. For "missing is fine" lookups.
 */
bool kx_error_catch(struct kx_error **err, enum kx_error_code code);

/** Short stable name of a code ("corrupt", "os", ...), for tests and logs. */
const char *kx_error_code_name(enum kx_error_code code);

/** Forward a failure unchanged. */
#define KX_TRY(expr)                                    \
	do {                                            \
		struct kx_error *kx_try_err_ = (expr);  \
		if (kx_try_err_)                        \
			return kx_try_err_;             \
	} while (0)

/** Return a new error of class @p code when @p cond is false. */
#define KX_CHECK(cond, code, ...)                                \
	do {                                                     \
		if (!(cond))                                     \
			return kx_error_create((code), __VA_ARGS__); \
	} while (0)

#endif /* KX_ERROR_H */
