// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile.conf(5) parsing: see erase_conf.h.
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "erase_conf.h"
#include "io.h"

// The longest valid line has 6 words (for ID in LIST within S:M).
enum { MAX_TOKENS = 8 };

struct parser {
	struct kx_erase_conf *conf;
	unsigned int line;
	char *tok[MAX_TOKENS];
	size_t ntok;
	const char *module;
	struct kx_erase_stmt *loop;  // the open for loop, if any
};

static struct kx_error *syntax(const struct parser *p, const char *fmt, ...)
	KX_PRINTF(2, 3);

static struct kx_error *syntax(const struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kx_error_create(KX_ERROR_CORRUPT, "%s:%u: %s", p->conf->path, p->line, msg);
}

static bool is_ident(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > KX_ERASE_CONF_MAX_IDENT || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static void expr_free(struct kx_erase_expr *e)
{
	free(e->text);
	for (size_t i = 0; i < e->nparts; i++)
		free(e->parts[i]);
	*e = (struct kx_erase_expr){ 0 };
}

// `symbol[.member...]`, every part an identifier.
static struct kx_error *expr_parse(const struct parser *p, const char *text, const char *what,
				   struct kx_erase_expr *ret)
{
	struct kx_erase_expr e = { .text = strdup(text) };
	if (!e.text)
		return &kx_enomem;
	for (const char *s = text;; s++) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (e.nparts == KX_ERASE_CONF_MAX_MEMBERS + 1) {
			expr_free(&e);
			return syntax(p, "%s '%s' has more than %d members", what, text,
				      KX_ERASE_CONF_MAX_MEMBERS);
		}
		e.parts[e.nparts] = strndup(s, n);
		if (!e.parts[e.nparts]) {
			expr_free(&e);
			return &kx_enomem;
		}
		if (!is_ident(e.parts[e.nparts++])) {
			expr_free(&e);
			return syntax(p, "invalid %s '%s'", what, text);
		}
		if (!dot)
			break;
		s = dot;
	}
	*ret = e;
	return NULL;
}

// N[K|M] in decimal (or 0x hex), positive, not overflowing.
static struct kx_error *size_parse(const struct parser *p, const char *text, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	uint64_t mult = 1;
	if (*end == 'k' || *end == 'K')
		mult = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mult = 1024 * 1024, end++;
	if (text[0] == '-' || *end || errno)
		return syntax(p, "invalid size '%s'", text);
	if (!v)
		return syntax(p, "size value must be positive");
	if (v > UINT64_MAX / mult)
		return syntax(p, "size '%s' is too large", text);
	*ret = v * mult;
	return NULL;
}

static bool looks_numeric(const char *s)
{
	return isdigit((unsigned char)s[0]) || s[0] == '-';
}

static void cmd_free(struct kx_erase_cmd *c)
{
	expr_free(&c->target);
	expr_free(&c->size_expr);
}

// The optional tail of an erase line: size N, size EXPR or nullify.
static struct kx_error *erase_tail(const struct parser *p, struct kx_erase_cmd *c)
{
	if (p->ntok == 2)
		return NULL;
	if (!strcmp(p->tok[2], "nullify")) {
		c->kind = KX_ERASE_NULLIFY;
		return p->ntok == 3 ? NULL : syntax(p, "Invalid token '%s'", p->tok[3]);
	}
	if (strcmp(p->tok[2], "size"))
		return syntax(p, "Invalid token '%s'", p->tok[2]);
	if (p->ntok == 3)
		return syntax(p, "expected size value or symbol after 'size' keyword");
	if (p->ntok > 4)
		return syntax(p, "Invalid token '%s'", p->tok[4]);
	if (looks_numeric(p->tok[3])) {
		c->kind = KX_ERASE_SIZE_VALUE;
		return size_parse(p, p->tok[3], &c->size);
	}
	c->kind = KX_ERASE_SIZE_EXPR;
	return expr_parse(p, p->tok[3], "size symbol", &c->size_expr);
}

static struct kx_error *erase_parse(const struct parser *p, struct kx_erase_cmd *c)
{
	*c = (struct kx_erase_cmd){ .line = p->line };
	if (p->ntok < 2)
		return syntax(p, "expected kernel symbol after 'erase' command");
	struct kx_error *err = expr_parse(p, p->tok[1], "symbol", &c->target);
	if (!err)
		err = erase_tail(p, c);
	if (!err && p->loop && strcmp(c->target.parts[0], p->loop->iter))
		err = syntax(p, "erase inside the loop must start with its variable '%s'",
			     p->loop->iter);
	if (err)
		cmd_free(c);
	return err;
}

// Grow an array of @size-byte elements to hold one more.
static struct kx_error *grow(void **array, size_t n, size_t size)
{
	if (n >= SIZE_MAX / size / 2)
		return &kx_enomem;
	void *a = realloc(*array, (n + 1) * size);
	if (!a)
		return &kx_enomem;
	*array = a;
	return NULL;
}

static struct kx_error *new_stmt(struct parser *p, struct kx_erase_stmt **ret)
{
	struct kx_erase_conf *c = p->conf;
	KX_TRY(grow((void **)&c->stmts, c->nstmts, sizeof(*c->stmts)));
	struct kx_erase_stmt *s = &c->stmts[c->nstmts++];
	*s = (struct kx_erase_stmt){ .line = p->line, .module = p->module };
	*ret = s;
	return NULL;
}

static struct kx_error *add_cmd(struct kx_erase_stmt *s, const struct kx_erase_cmd *cmd)
{
	KX_TRY(grow((void **)&s->cmds, s->ncmds, sizeof(*s->cmds)));
	s->cmds[s->ncmds++] = *cmd;
	return NULL;
}

static struct kx_error *line_erase(struct parser *p)
{
	struct kx_erase_cmd cmd;
	KX_TRY(erase_parse(p, &cmd));
	struct kx_erase_stmt *s = p->loop;
	struct kx_error *err = s ? NULL : new_stmt(p, &s);
	if (!err)
		err = add_cmd(s, &cmd);
	if (err)
		cmd_free(&cmd);
	return err;
}

// The tail of a for line after `for ID in LIST`.
static struct kx_error *for_tail(const struct parser *p, struct kx_erase_stmt *s)
{
	if (p->ntok == 4) {
		s->loop = KX_ERASE_LOOP_ARRAY;
		return NULL;
	}
	const char *kw = p->tok[4];
	if (strcmp(kw, "via") && strcmp(kw, "within"))
		return syntax(p, "Invalid token '%s'", kw);
	if (p->ntok == 5)
		return syntax(p, "expected %s after '%s' keyword",
			      kw[0] == 'v' ? "member name" : "struct name", kw);
	if (p->ntok > 6)
		return syntax(p, "Invalid token found after '%s' keyword", kw);
	if (kw[0] == 'v') {
		s->loop = KX_ERASE_LOOP_VIA;
		if (!is_ident(p->tok[5]))
			return syntax(p, "invalid member name '%s'", p->tok[5]);
		s->via = strdup(p->tok[5]);
		return s->via ? NULL : &kx_enomem;
	}
	s->loop = KX_ERASE_LOOP_WITHIN;
	char *colon = strchr(p->tok[5], ':');
	if (!colon)
		return syntax(p, "Use 'within' keyword to specify StructName:ListHeadMember");
	s->struct_name = strndup(p->tok[5], (size_t)(colon - p->tok[5]));
	s->member = strdup(colon + 1);
	if (!s->struct_name || !s->member)
		return &kx_enomem;
	if (!is_ident(s->struct_name))
		return syntax(p, "expected struct name after 'within' keyword");
	if (!is_ident(s->member))
		return syntax(p, "expected list_head member after ':'");
	return NULL;
}

static struct kx_error *line_for(struct parser *p)
{
	if (p->loop)
		return syntax(p, "'for' inside the loop of line %u: loops do not nest",
			      p->loop->line);
	if (p->ntok < 2 || !is_ident(p->tok[1]))
		return syntax(p, "expected iteration VAR entry after 'for' keyword");
	if (p->ntok < 3 || strcmp(p->tok[2], "in"))
		return syntax(p, "expected token 'in'");
	if (p->ntok < 4)
		return syntax(p, "expected list symbol after 'in' keyword");
	struct kx_erase_stmt *s;
	KX_TRY(new_stmt(p, &s));
	p->loop = s;  // freed with the conf whatever happens next
	s->iter = strdup(p->tok[1]);
	if (!s->iter)
		return &kx_enomem;
	KX_TRY(expr_parse(p, p->tok[3], "list symbol", &s->list));
	return for_tail(p, s);
}

static struct kx_error *line_endfor(struct parser *p)
{
	if (!p->loop)
		return syntax(p, "'endfor' without 'for'");
	if (p->ntok > 1)
		return syntax(p, "Invalid token '%s'", p->tok[1]);
	if (!p->loop->ncmds)
		return syntax(p, "unused iteration variable '%s'", p->loop->iter);
	p->loop = NULL;
	return NULL;
}

static struct kx_error *line_section(struct parser *p)
{
	char *t = p->tok[0];
	size_t n = strlen(t);
	if (p->ntok > 1 || n < 3 || t[n - 1] != ']')
		return syntax(p, "Invalid module section entry");
	t[n - 1] = '\0';
	if (!is_ident(t + 1))
		return syntax(p, "Invalid module section entry");
	if (p->loop)
		return syntax(p, "No matching 'endfor' found for the 'for' of line %u",
			      p->loop->line);
	struct kx_erase_conf *c = p->conf;
	KX_TRY(grow((void **)&c->modules, c->nmodules, sizeof(*c->modules)));
	c->modules[c->nmodules] = strdup(t + 1);
	if (!c->modules[c->nmodules])
		return &kx_enomem;
	p->module = c->modules[c->nmodules++];
	return NULL;
}

// Split one line (comments removed) into words, in place.
static struct kx_error *tokenize(struct parser *p, char *line)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	p->ntok = 0;
	char *save;
	for (char *s = strtok_r(line, " \t\r\v\f", &save); s;
	     s = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (p->ntok == MAX_TOKENS)
			return syntax(p, "Invalid token '%s'", s);
		p->tok[p->ntok++] = s;
	}
	return NULL;
}

static struct kx_error *parse_line(struct parser *p, char *line)
{
	KX_TRY(tokenize(p, line));
	if (!p->ntok)
		return NULL;
	const char *w = p->tok[0];
	if (w[0] == '[')
		return line_section(p);
	if (!strcmp(w, "erase"))
		return line_erase(p);
	if (!strcmp(w, "for"))
		return line_for(p);
	if (!strcmp(w, "endfor"))
		return line_endfor(p);
	return syntax(p, "Invalid token '%s'", w);
}

static struct kx_error *parse_text(struct parser *p, const char *text, size_t size)
{
	char buf[KX_ERASE_CONF_MAX_LINE + 1];
	for (size_t pos = 0; pos < size; p->line++) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : size - pos;
		if (n > KX_ERASE_CONF_MAX_LINE)
			return syntax(p, "line longer than %d bytes", KX_ERASE_CONF_MAX_LINE);
		if (memchr(text + pos, '\0', n))
			return syntax(p, "NUL byte in the line");
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		KX_TRY(parse_line(p, buf));
		pos += n + (nl != NULL);
	}
	if (p->loop) {
		p->line = p->loop->line;
		return syntax(p, "No matching 'endfor' found");
	}
	return NULL;
}

struct kx_error *kx_erase_conf_parse(const char *path, const char *text, size_t size,
				     struct kx_erase_conf **ret)
{
	struct kx_erase_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return &kx_enomem;
	struct parser p = { .conf = c, .line = 1, .module = "vmlinux" };
	c->path = strdup(path);
	struct kx_error *err = c->path ? parse_text(&p, text, size) : &kx_enomem;
	if (err) {
		kx_erase_conf_destroy(c);
		return err;
	}
	*ret = c;
	return NULL;
}

struct kx_error *kx_erase_conf_load(const char *path, struct kx_erase_conf **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, path, "opening the filter config");
	char *text;
	size_t size;
	struct kx_error *err = kx_io_slurp(fd, KX_ERASE_CONF_MAX_FILE, path, &text, &size);
	close(fd);
	if (err)
		return err;
	err = kx_erase_conf_parse(path, text, size, ret);
	free(text);
	return err;
}

void kx_erase_conf_destroy(struct kx_erase_conf *conf)
{
	if (!conf)
		return;
	for (size_t i = 0; i < conf->nstmts; i++) {
		struct kx_erase_stmt *s = &conf->stmts[i];
		for (size_t j = 0; j < s->ncmds; j++)
			cmd_free(&s->cmds[j]);
		free(s->cmds);
		free(s->iter);
		expr_free(&s->list);
		free(s->via);
		free(s->struct_name);
		free(s->member);
	}
	for (size_t i = 0; i < conf->nmodules; i++)
		free(conf->modules[i]);
	free(conf->modules);
	free(conf->stmts);
	free(conf->path);
	free(conf);
}
