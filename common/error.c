// SPDX-License-Identifier: GPL-2.0-only
// The suite's error objects: see error.h for the contract.
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct kx_error kx_enomem = {
	.code = KX_ERROR_NOMEM,
	.message = (char *)"out of memory",
};

// Most messages fit the stack buffer: one formatting pass, not two.
KX_PRINTF(1, 0) static char *vformat(const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s && (size_t)n < sizeof(small))
		memcpy(s, small, (size_t)n + 1);
	else if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

// Takes ownership of @message and @path (either may be NULL on entry when
// an earlier allocation failed, which degrades to kx_enomem).
static struct kx_error *error_new(enum kx_error_code code, char *message,
				  char *path)
{
	struct kx_error *err = message ? malloc(sizeof(*err)) : NULL;
	if (!err) {
		free(message);
		free(path);
		return &kx_enomem;
	}
	*err = (struct kx_error){ .code = code, .message = message, .path = path };
	return err;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct kx_error *kx_error_create(enum kx_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(fmt, ap);
	va_end(ap);
	return error_new(code, msg, NULL);
}

static char *join3(const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
	char *s = malloc(na + nb + nc + 1);
	if (s) {
		memcpy(s, a, na);
		memcpy(s + na, b, nb);
		memcpy(s + na + nb, c, nc + 1);
	}
	return s;
}

struct kx_error *kx_error_os(int errnum, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = vformat(fmt, ap);
	va_end(ap);
	if (!what)
		return &kx_enomem;
	char *tail = join3(what, ": ", strerror(errnum));
	free(what);
	if (!tail)
		return &kx_enomem;
	char *msg = tail;
	if (path) {
		msg = join3(path, ": ", tail);
		free(tail);
	}
	struct kx_error *err = error_new(KX_ERROR_OS, msg, dup_or_null(path));
	if (err != &kx_enomem)
		err->errnum = errnum;
	return err;
}

struct kx_error *kx_error_file(enum kx_error_code code, const char *path,
			       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = vformat(fmt, ap);
	va_end(ap);
	if (!what)
		return &kx_enomem;
	char *msg = what;
	if (path) {
		msg = join3(path, ": ", what);
		free(what);
	}
	return error_new(code, msg, dup_or_null(path));
}

struct kx_error *kx_error_fault(uint64_t address, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vformat(fmt, ap);
	va_end(ap);
	struct kx_error *err = error_new(KX_ERROR_FAULT, msg, NULL);
	if (err != &kx_enomem)
		err->address = address;
	return err;
}

struct kx_error *kx_error_prefix(struct kx_error *err, const char *fmt, ...)
{
	if (!err || err == &kx_enomem)
		return err;
	va_list ap;
	va_start(ap, fmt);
	char *prefix = vformat(fmt, ap);
	va_end(ap);
	if (!prefix)
		return err;
	char *msg = join3(prefix, ": ", err->message);
	free(prefix);
	if (msg) {
		free(err->message);
		err->message = msg;
	}
	return err;
}

void kx_error_destroy(struct kx_error *err)
{
	if (!err || err == &kx_enomem)
		return;
	free(err->message);
	free(err->path);
	free(err);
}

bool kx_error_is(const struct kx_error *err, enum kx_error_code code)
{
	return err && err->code == code;
}

bool kx_error_catch(struct kx_error **err, enum kx_error_code code)
{
	if (!kx_error_is(*err, code))
		return false;
	kx_error_destroy(*err);
	*err = NULL;
	return true;
}

const char *kx_error_code_name(enum kx_error_code code)
{
	switch (code) {
	case KX_ERROR_NOMEM: return "nomem";
	case KX_ERROR_OS: return "os";
	case KX_ERROR_INVALID_ARG: return "invalid-arg";
	case KX_ERROR_CORRUPT: return "corrupt";
	case KX_ERROR_UNSUPPORTED: return "unsupported";
	case KX_ERROR_NODATA: return "nodata";
	case KX_ERROR_FAULT: return "fault";
	case KX_ERROR_OVERFLOW: return "overflow";
	case KX_ERROR_NOT_FOUND: return "not-found";
	case KX_ERROR_NOSPACE: return "nospace";
	case KX_ERROR_INTERRUPTED: return "interrupted";
	}
	return "unknown";
}
