// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include "cmdline.h" // IWYU pragma: associated

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

static bool is_quote(enum kx_cmdline_quoting q, char c)
{
	return c == '"' || (q == KX_CMDLINE_QUOTE_SHELL && c == '\'');
}

// Length of the parameter starting at @s (not whitespace, not NUL), at most
// @n bytes. *open_ret is the quote left open at its end, or 0.
static size_t token_length(const char *s, size_t n, enum kx_cmdline_quoting q,
			   char *open_ret)
{
	char open = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!open && is_space(s[i]))
			break;
		if (q == KX_CMDLINE_QUOTE_KERNEL && s[i] == '"')
			open = open ? 0 : '"'; // every '"' toggles
		else if (q == KX_CMDLINE_QUOTE_SHELL && !open && is_quote(q, s[i]))
			open = s[i];
		else if (q == KX_CMDLINE_QUOTE_SHELL && s[i] == open)
			open = 0;
	}
	*open_ret = open;
	return i;
}

// A span [start, end) of a parameter's text.
struct span {
	size_t start, end;
};

// next_arg() on @t[0..n): name and value spans; value.start > value.end
// is never produced, and has_value says whether there was an '='.
static void split_kernel(const char *t, size_t n, struct span *name,
			 struct span *value, bool *has_value)
{
	size_t start = t[0] == '"' ? 1 : 0;
	bool quoted = start == 1;
	const char *eq = n > start + 1 ? memchr(t + start + 1, '=', n - start - 1) : NULL;
	bool closing = n > start && t[n - 1] == '"';

	if (!eq) {
		*name = (struct span){ start, quoted && closing ? n - 1 : n };
		*value = (struct span){ n, n };
		*has_value = false;
		return;
	}
	size_t vs = (size_t)(eq - t) + 1, ve = n;
	bool value_quoted = vs < n && t[vs] == '"';

	if (value_quoted)
		vs++;
	if ((value_quoted || quoted) && closing && n - 1 >= vs)
		ve = n - 1;
	*name = (struct span){ start, (size_t)(eq - t) };
	*value = (struct span){ vs, ve };
	*has_value = true;
}

// Copy @t[0..n) to @out without the quoting characters; returns the length.
static size_t unquote_shell(const char *t, size_t n, char *out)
{
	char open = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (!open && (t[i] == '"' || t[i] == '\''))
			open = t[i];
		else if (open && t[i] == open)
			open = 0;
		else
			out[o++] = t[i];
	}
	return o;
}

// Fill @p from the parameter text @t[0..n), adding @close if non-zero.
// One allocation holds text, name and value.
static struct kx_error *param_make(const char *t, size_t n, char close,
				   enum kx_cmdline_quoting q,
				   struct kx_cmdline_param *p)
{
	size_t tlen = n + (close ? 1 : 0);
	// text, NUL, then name NUL value NUL (together at most n + 2 bytes)
	char *buf = malloc(tlen + 1 + n + 2);

	if (!buf)
		return &kx_enomem;
	memcpy(buf, t, n);
	if (close)
		buf[n] = close;
	buf[tlen] = '\0';
	p->text = buf;
	p->name = buf + tlen + 1;
	if (q == KX_CMDLINE_QUOTE_KERNEL) {
		struct span ns, vs;
		bool has_value;
		split_kernel(t, n, &ns, &vs, &has_value);
		memcpy(p->name, t + ns.start, ns.end - ns.start);
		p->name[ns.end - ns.start] = '\0';
		p->value = has_value ? p->name + (ns.end - ns.start) + 1 : NULL;
		if (has_value) {
			memcpy(p->value, t + vs.start, vs.end - vs.start);
			p->value[vs.end - vs.start] = '\0';
		}
		return NULL;
	}
	size_t len = unquote_shell(t, n, p->name);
	p->name[len] = '\0';
	char *eq = strchr(p->name, '=');
	p->value = NULL;
	if (eq) {
		*eq = '\0';
		p->value = eq + 1;
	}
	return NULL;
}

static void param_free(struct kx_cmdline_param *p)
{
	free(p->text); // name and value share the allocation
}

void kx_cmdline_init(struct kx_cmdline *cl, enum kx_cmdline_quoting quoting)
{
	*cl = (struct kx_cmdline){ .quoting = quoting };
}

void kx_cmdline_deinit(struct kx_cmdline *cl)
{
	for (size_t i = 0; i < cl->count; i++)
		param_free(&cl->params[i]);
	free(cl->params);
	kx_cmdline_init(cl, cl->quoting);
}

static struct kx_error *reserve(struct kx_cmdline *cl, size_t extra)
{
	size_t want, cap;
	struct kx_cmdline_param *params;

	if (extra > SIZE_MAX / sizeof(*params) - cl->count)
		return &kx_enomem;
	want = cl->count + extra;
	if (want <= cl->cap)
		return NULL;
	cap = cl->cap ? cl->cap : 8;
	while (cap < want)
		cap = cap > SIZE_MAX / sizeof(*params) / 2 ? want : cap * 2;
	params = realloc(cl->params, cap * sizeof(*params));
	if (!params)
		return &kx_enomem;
	cl->params = params;
	cl->cap = cap;
	return NULL;
}

// Split @text and add its parameters to the (empty) list @out.
static struct kx_error *split_into(struct kx_cmdline *out, const char *text)
{
	size_t n = strlen(text), i = 0;

	if (n && text[n - 1] == '\n')
		n--;
	while (i < n) {
		char open;
		if (is_space(text[i])) {
			i++;
			continue;
		}
		size_t len = token_length(text + i, n - i, out->quoting, &open);
		KX_TRY(reserve(out, 1));
		KX_TRY(param_make(text + i, len, open, out->quoting,
				  &out->params[out->count]));
		out->count++;
		i += len;
	}
	return NULL;
}

// Insert the parameters of @text at index @pos; all or nothing.
static struct kx_error *insert_text(struct kx_cmdline *cl, size_t pos,
				    const char *text)
{
	struct kx_cmdline tmp;
	struct kx_error *err;

	kx_cmdline_init(&tmp, cl->quoting);
	err = split_into(&tmp, text);
	if (!err)
		err = reserve(cl, tmp.count);
	if (err) {
		kx_cmdline_deinit(&tmp);
		return err;
	}
	if (tmp.count) {
		memmove(&cl->params[pos + tmp.count], &cl->params[pos],
			(cl->count - pos) * sizeof(*cl->params));
		memcpy(&cl->params[pos], tmp.params, tmp.count * sizeof(*tmp.params));
		cl->count += tmp.count;
	}
	free(tmp.params); // the strings now belong to cl
	return NULL;
}

struct kx_error *kx_cmdline_parse(const char *text,
				  enum kx_cmdline_quoting quoting,
				  struct kx_cmdline *ret)
{
	struct kx_cmdline cl;

	kx_cmdline_init(&cl, quoting);
	KX_TRY(insert_text(&cl, 0, text));
	*ret = cl;
	return NULL;
}

struct kx_error *kx_cmdline_append(struct kx_cmdline *cl, const char *text)
{
	return insert_text(cl, cl->count, text);
}

struct kx_error *kx_cmdline_prepend(struct kx_cmdline *cl, const char *text)
{
	return insert_text(cl, 0, text);
}

static bool has_any(const char *s, const char *set)
{
	return s[strcspn(s, set)] != '\0';
}

struct kx_error *kx_cmdline_append_param(struct kx_cmdline *cl,
					 const char *name, const char *value)
{
	static const char spaces[] = " \t\n\v\f\r";
	struct kx_error *err;
	char *text;
	size_t size;

	if (!*name || has_any(name, " \t\n\v\f\r=\"'"))
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "invalid kernel parameter name \"%s\"", name);
	if (value && has_any(value, "\"'\n"))
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "value of kernel parameter %s cannot contain quotes or newlines",
				       name);
	size = strlen(name) + (value ? strlen(value) + 4 : 1);
	text = malloc(size);
	if (!text)
		return &kx_enomem;
	if (!value)
		strcpy(text, name);
	else
		snprintf(text, size, has_any(value, spaces) ? "%s=\"%s\"" : "%s=%s",
			 name, value);
	err = kx_cmdline_append(cl, text);
	free(text);
	return err;
}

const struct kx_cmdline_param *kx_cmdline_find_last(const struct kx_cmdline *cl,
						    const char *name)
{
	for (size_t i = cl->count; i-- > 0;) {
		if (!strcmp(cl->params[i].name, name))
			return &cl->params[i];
	}
	return NULL;
}

bool kx_cmdline_has(const struct kx_cmdline *cl, const char *name)
{
	return kx_cmdline_find_last(cl, name) != NULL;
}

size_t kx_cmdline_remove_if(struct kx_cmdline *cl,
			    bool (*match)(const struct kx_cmdline_param *param,
					  void *arg),
			    void *arg)
{
	size_t kept = 0, removed;

	for (size_t i = 0; i < cl->count; i++) {
		if (match(&cl->params[i], arg))
			param_free(&cl->params[i]);
		else
			cl->params[kept++] = cl->params[i];
	}
	removed = cl->count - kept;
	cl->count = kept;
	return removed;
}

static bool name_is(const struct kx_cmdline_param *param, void *arg)
{
	return !strcmp(param->name, arg);
}

static bool name_in(const struct kx_cmdline_param *param, void *arg)
{
	for (const char *const *n = arg; *n; n++) {
		if (!strcmp(param->name, *n))
			return true;
	}
	return false;
}

size_t kx_cmdline_remove(struct kx_cmdline *cl, const char *name)
{
	return kx_cmdline_remove_if(cl, name_is, (void *)name);
}

size_t kx_cmdline_remove_names(struct kx_cmdline *cl, const char *const *names)
{
	return kx_cmdline_remove_if(cl, name_in, (void *)names);
}

size_t kx_cmdline_length(const struct kx_cmdline *cl)
{
	size_t len = 0;

	for (size_t i = 0; i < cl->count; i++)
		len += strlen(cl->params[i].text) + (i ? 1 : 0);
	return len;
}

struct kx_error *kx_cmdline_render(const struct kx_cmdline *cl, char **ret)
{
	char *s = malloc(kx_cmdline_length(cl) + 1), *o = s;

	if (!s)
		return &kx_enomem;
	for (size_t i = 0; i < cl->count; i++) {
		size_t n = strlen(cl->params[i].text);
		if (i)
			*o++ = ' ';
		memcpy(o, cl->params[i].text, n);
		o += n;
	}
	*o = '\0';
	*ret = s;
	return NULL;
}

struct kx_error *kx_cmdline_check_size(const struct kx_cmdline *cl,
				       size_t limit)
{
	size_t size = kx_cmdline_length(cl) + 1;

	if (size <= limit)
		return NULL;
	return kx_error_create(KX_ERROR_OVERFLOW,
			       "command line is %zu bytes, limit %zu: %zu too many (both count the trailing NUL)",
			       size, limit, size - limit);
}
