// SPDX-License-Identifier: GPL-2.0-only
// /etc/sysconfig/kdump without a shell: see sysconfig.h.
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "root.h"
#include "sysconfig.h"

enum { SYSCONFIG_MAX_SIZE = 1 << 20 };

struct lex {
	const char *p, *end;
	unsigned int line;
	const char *name;
	// The value being built.
	char *buf;
	size_t size, cap;
};

static struct kx_error *lex_error(const struct lex *lx, const char *what)
{
	return kx_error_file(KX_ERROR_UNSUPPORTED, lx->name, "line %u: %s", lx->line, what);
}

static struct kx_error *put(struct lex *lx, char c)
{
	if (lx->size + 1 >= lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 64;
		char *b = realloc(lx->buf, cap);
		if (!b)
			return &kx_enomem;
		lx->buf = b;
		lx->cap = cap;
	}
	lx->buf[lx->size++] = c;
	lx->buf[lx->size] = '\0';
	return NULL;
}

static bool at_end(const struct lex *lx)
{
	return lx->p >= lx->end;
}

static struct kx_error *single_quoted(struct lex *lx)
{
	for (lx->p++; !at_end(lx) && *lx->p != '\''; lx->p++) {
		if (*lx->p == '\n')
			lx->line++;
		KX_TRY(put(lx, *lx->p));
	}
	if (at_end(lx))
		return lex_error(lx, "unterminated single quote");
	lx->p++;
	return NULL;
}

static struct kx_error *double_quoted(struct lex *lx)
{
	for (lx->p++; !at_end(lx) && *lx->p != '"'; lx->p++) {
		char c = *lx->p;
		if (c == '$' || c == '`')
			return lex_error(lx, "shell expansion is not supported");
		if (c == '\n')
			lx->line++;
		if (c == '\\' && lx->p + 1 < lx->end && strchr("\"\\$`\n", lx->p[1])) {
			c = *++lx->p;
			if (c == '\n') {
				lx->line++;
				continue;
			}
		}
		KX_TRY(put(lx, c));
	}
	if (at_end(lx))
		return lex_error(lx, "unterminated double quote");
	lx->p++;
	return NULL;
}

static bool is_word_end(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

// The value of an assignment: pieces up to an unquoted blank or newline.
static struct kx_error *value(struct lex *lx)
{
	lx->size = 0;
	KX_TRY(put(lx, '\0'));
	lx->size = 0;
	while (!at_end(lx) && !is_word_end(*lx->p)) {
		char c = *lx->p;
		if (c == '\'') {
			KX_TRY(single_quoted(lx));
		} else if (c == '"') {
			KX_TRY(double_quoted(lx));
		} else if (c == '\\' && lx->p + 1 < lx->end) {
			lx->p += 2;
			if (lx->p[-1] == '\n')
				lx->line++;
			else
				KX_TRY(put(lx, lx->p[-1]));
		} else if (strchr("$`;|&<>()", c) || c == '\0') {
			return lex_error(lx, "shell syntax other than assignments is not supported");
		} else {
			KX_TRY(put(lx, c));
			lx->p++;
		}
	}
	return NULL;
}

static struct kx_error *grow(struct kx_sysconfig *sc)
{
	if (sc->count < sc->cap)
		return NULL;
	size_t cap = sc->cap ? sc->cap * 2 : 16;
	struct kx_sysconfig_var *vars = realloc(sc->vars, cap * sizeof(*vars));
	if (!vars)
		return &kx_enomem;
	sc->vars = vars;
	sc->cap = cap;
	return NULL;
}

static struct kx_error *set_var(struct kx_sysconfig *sc, const char *name, size_t len,
				const char *val)
{
	char *v = strdup(val);
	if (!v)
		return &kx_enomem;
	for (size_t i = 0; i < sc->count; i++) {
		if (strlen(sc->vars[i].name) == len && memcmp(sc->vars[i].name, name, len) == 0) {
			free(sc->vars[i].value);
			sc->vars[i].value = v;
			return NULL;
		}
	}
	char *n = strndup(name, len);
	if (!n || grow(sc)) {
		free(n);
		free(v);
		return &kx_enomem;
	}
	sc->vars[sc->count++] = (struct kx_sysconfig_var){ n, v };
	return NULL;
}

static bool name_char(char c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (!first && c >= '0' && c <= '9');
}

static size_t name_len(const struct lex *lx)
{
	size_t n = 0;
	while (lx->p + n < lx->end && name_char(lx->p[n], n == 0))
		n++;
	return n;
}

// One assignment at lx->p (blanks and comments already skipped).
static struct kx_error *assignment(struct lex *lx, struct kx_sysconfig *sc)
{
	size_t n = name_len(lx);
	if (n == 6 && memcmp(lx->p, "export", 6) == 0 && lx->p + 6 < lx->end &&
	    (lx->p[6] == ' ' || lx->p[6] == '\t')) {
		lx->p += 6;
		while (!at_end(lx) && (*lx->p == ' ' || *lx->p == '\t'))
			lx->p++;
		n = name_len(lx);
	}
	if (n == 0 || lx->p + n >= lx->end || lx->p[n] != '=')
		return lex_error(lx, "not a variable assignment");
	const char *name = lx->p;
	lx->p += n + 1;
	KX_TRY(value(lx));
	return set_var(sc, name, n, lx->buf);
}

static struct kx_error *parse_all(struct lex *lx, struct kx_sysconfig *sc)
{
	while (!at_end(lx)) {
		char c = *lx->p;
		if (c == ' ' || c == '\t') {
			lx->p++;
		} else if (c == '\n') {
			lx->line++;
			lx->p++;
		} else if (c == '#') {
			while (!at_end(lx) && *lx->p != '\n')
				lx->p++;
		} else {
			KX_TRY(assignment(lx, sc));
		}
	}
	return NULL;
}

struct kx_error *kx_sysconfig_parse(const char *text, size_t size, const char *name,
				    struct kx_sysconfig **ret)
{
	struct kx_sysconfig *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return &kx_enomem;
	struct lex lx = { .p = text, .end = text + size, .line = 1, .name = name };
	struct kx_error *err = NULL;
	if (memchr(text, '\0', size))
		err = kx_error_file(KX_ERROR_CORRUPT, name, "NUL byte");
	else
		err = parse_all(&lx, sc);
	free(lx.buf);
	if (err) {
		kx_sysconfig_destroy(sc);
		return err;
	}
	*ret = sc;
	return NULL;
}

struct kx_error *kx_sysconfig_read(const struct kx_root *root, const char *path,
				   struct kx_sysconfig **ret)
{
	char *buf;
	size_t size;
	struct kx_error *err = kx_root_read_file(root, path, SYSCONFIG_MAX_SIZE, &buf, &size);
	if (err && err->code == KX_ERROR_OS && err->errnum == ENOENT) {
		kx_error_destroy(err);
		return kx_sysconfig_parse("", 0, path, ret);
	}
	if (err)
		return err;
	err = kx_sysconfig_parse(buf, size, path, ret);
	free(buf);
	return err;
}

void kx_sysconfig_destroy(struct kx_sysconfig *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->count; i++) {
		free(sc->vars[i].name);
		free(sc->vars[i].value);
	}
	free(sc->vars);
	free(sc);
}

const char *kx_sysconfig_get(const struct kx_sysconfig *sc, const char *name)
{
	for (size_t i = 0; i < sc->count; i++)
		if (strcmp(sc->vars[i].name, name) == 0)
			return sc->vars[i].value;
	return NULL;
}

const char *kx_sysconfig_get_or(const struct kx_sysconfig *sc, const char *name,
				const char *def)
{
	const char *v = kx_sysconfig_get(sc, name);
	return v ? v : def;
}

const char *kx_sysconfig_default(const char *name)
{
	static const struct {
		const char *name, *value;
	} defaults[] = {
		{ "KDUMP_COMMANDLINE_REMOVE", "hugepages hugepagesz slub_debug" },
		{ "KDUMP_IMG", "vmlinuz" },
	};
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strcmp(defaults[i].name, name) == 0)
			return defaults[i].value;
	return "";
}

const char *kx_sysconfig_value(const struct kx_sysconfig *sc, const char *name)
{
	return kx_sysconfig_get_or(sc, name, kx_sysconfig_default(name));
}
