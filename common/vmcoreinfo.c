// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include "vmcoreinfo.h" // IWYU pragma: associated

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Indexed by enum kx_vmcoreinfo_kind.
static const char *const kind_prefix[] = {
	[KX_VMCOREINFO_PLAIN] = "",
	[KX_VMCOREINFO_SYMBOL] = "SYMBOL",
	[KX_VMCOREINFO_SIZE] = "SIZE",
	[KX_VMCOREINFO_OFFSET] = "OFFSET",
	[KX_VMCOREINFO_LENGTH] = "LENGTH",
	[KX_VMCOREINFO_NUMBER] = "NUMBER",
};

enum parse_status { PARSE_OK, PARSE_JUNK, PARSE_RANGE };

// A key split into its family and the span of its name.
struct key_parts {
	enum kx_vmcoreinfo_kind kind;
	size_t name_start;
	size_t name_len;
};

static bool is_word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool is_graph(char c)
{
	return c > ' ' && c < 0x7f;
}

static bool valid_kind(enum kx_vmcoreinfo_kind kind)
{
	return kind >= KX_VMCOREINFO_PLAIN && kind <= KX_VMCOREINFO_NUMBER;
}

// Classify a key of @len bytes. Returns false if it is not well formed.
static bool split_key(const char *key, size_t len, struct key_parts *ret)
{
	const char *open = memchr(key, '(', len);
	size_t plen = open ? (size_t)(open - key) : len;

	if (plen == 0)
		return false;
	for (size_t i = 0; i < plen; i++) {
		if (!is_word_char(key[i]))
			return false;
	}
	if (!open) {
		*ret = (struct key_parts){ KX_VMCOREINFO_PLAIN, 0, len };
		return true;
	}
	// PREFIX(name): one pair of parentheses, closing the key, name non-empty.
	if (len < plen + 3 || key[len - 1] != ')')
		return false;
	for (size_t i = plen + 1; i < len - 1; i++) {
		if (!is_graph(key[i]) || key[i] == '(' || key[i] == ')')
			return false;
	}
	ret->kind = KX_VMCOREINFO_PLAIN;
	ret->name_start = 0;
	ret->name_len = len;
	for (int k = KX_VMCOREINFO_SYMBOL; k <= KX_VMCOREINFO_NUMBER; k++) {
		if (strlen(kind_prefix[k]) == plen &&
		    !memcmp(key, kind_prefix[k], plen)) {
			ret->kind = (enum kx_vmcoreinfo_kind)k;
			ret->name_start = plen + 1;
			ret->name_len = len - plen - 2;
		}
	}
	return true;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

// Whole-string unsigned parse: at least one digit, nothing else.
static enum parse_status parse_unsigned(const char *s, unsigned base,
					uint64_t *ret)
{
	uint64_t v = 0;
	bool range = false;

	if (!*s)
		return PARSE_JUNK;
	for (; *s; s++) {
		int d = digit_value(*s);
		if (d >= (int)base)
			return PARSE_JUNK;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			range = true;
		v = v * base + (uint64_t)d;
	}
	if (range)
		return PARSE_RANGE;
	*ret = v;
	return PARSE_OK;
}

static bool has_hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

static enum parse_status parse_hex(const char *s, uint64_t *ret)
{
	return parse_unsigned(has_hex_prefix(s) ? s + 2 : s, 16, ret);
}

// Decimal with an optional '-', fitting int64; returned as its bit pattern.
static enum parse_status parse_signed(const char *s, uint64_t *ret)
{
	bool neg = *s == '-';
	uint64_t mag;
	enum parse_status st = parse_unsigned(neg ? s + 1 : s, 10, &mag);

	if (st != PARSE_OK)
		return st;
	if (mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return PARSE_RANGE;
	*ret = neg ? (uint64_t)0 - mag : mag;
	return PARSE_OK;
}

// NUMBER(): "%ld" in general, "0x%lx" for some arch and VMALLOC_START.
static enum parse_status parse_number(const char *s, uint64_t *ret)
{
	if (has_hex_prefix(s))
		return parse_hex(s, ret);
	return parse_signed(s, ret);
}

static enum parse_status parse_decimal(const char *s, uint64_t *ret)
{
	return parse_unsigned(s, 10, ret);
}

static enum parse_status parse_string(const char *s, uint64_t *ret)
{
	(void)s;
	*ret = 0;
	return PARSE_OK;
}

struct value_rule {
	enum parse_status (*parse)(const char *s, uint64_t *ret);
	const char *expect; // for the error message
	bool is_signed;
};

static const struct value_rule rule_hex = { parse_hex, "a hex number", false };
static const struct value_rule rule_dec = { parse_decimal, "a decimal number", false };
static const struct value_rule rule_number = { parse_number, "a number", true };
static const struct value_rule rule_signed = { parse_signed, "a decimal number", true };
static const struct value_rule rule_string = { parse_string, "text", false };

static const struct value_rule *rule_for(enum kx_vmcoreinfo_kind kind,
					 const char *key)
{
	switch (kind) {
	case KX_VMCOREINFO_SYMBOL:
		return &rule_hex;
	case KX_VMCOREINFO_SIZE:
	case KX_VMCOREINFO_OFFSET:
	case KX_VMCOREINFO_LENGTH:
		return &rule_dec;
	case KX_VMCOREINFO_NUMBER:
		return &rule_number;
	case KX_VMCOREINFO_PLAIN:
		break;
	}
	if (!strcmp(key, "PAGESIZE"))
		return &rule_dec;
	if (!strcmp(key, "KERNELOFFSET"))
		return &rule_hex;
	if (!strcmp(key, "CRASHTIME"))
		return &rule_signed;
	return &rule_string;
}

// Extra checks on the typed plain keys. BUILD-ID is deliberately not among
// them: readers only use it to match a vmlinux, and a build ID we do not
// understand must not make the whole note unreadable.
static struct kx_error *check_plain(const char *key, const char *value,
				    uint64_t word, size_t lineno)
{
	if (!strcmp(key, "PAGESIZE")) {
		if (word == 0 || (word & (word - 1)))
			return kx_error_create(KX_ERROR_CORRUPT,
					       "VMCOREINFO line %zu: PAGESIZE=%s is not a power of two",
					       lineno, value);
		if (word < 4096 || word > 65536)
			return kx_error_create(KX_ERROR_UNSUPPORTED,
					       "VMCOREINFO line %zu: PAGESIZE=%s is outside 4096..65536",
					       lineno, value);
	}
	if (!strcmp(key, "OSRELEASE")) {
		size_t n = strlen(value);
		if (n == 0 || n > KX_VMCOREINFO_OSRELEASE_MAX)
			return kx_error_create(KX_ERROR_CORRUPT,
					       "VMCOREINFO line %zu: OSRELEASE is %zu bytes, expected 1..%d",
					       lineno, n, KX_VMCOREINFO_OSRELEASE_MAX);
	}
	return NULL;
}

// Parse one value for key @key (still complete, e.g. "SIZE(page)").
static struct kx_error *parse_value(const char *key, enum kx_vmcoreinfo_kind kind,
				    const char *value, size_t lineno,
				    uint64_t *ret)
{
	const struct value_rule *rule = rule_for(kind, key);
	uint64_t word = 0;

	switch (rule->parse(value, &word)) {
	case PARSE_OK:
		break;
	case PARSE_JUNK:
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO line %zu: %s=%s: expected %s",
				       lineno, key, value, rule->expect);
	case PARSE_RANGE:
		return kx_error_create(KX_ERROR_OVERFLOW,
				       "VMCOREINFO line %zu: %s=%s: does not fit in %s 64 bits",
				       lineno, key, value,
				       rule->is_signed ? "signed" : "unsigned");
	}
	if (kind == KX_VMCOREINFO_PLAIN)
		KX_TRY(check_plain(key, value, word, lineno));
	*ret = word;
	return NULL;
}

// Parse the NUL-terminated line @line (mutable) into @e.
static struct kx_error *parse_line(char *line, size_t len, size_t lineno,
				   struct kx_vmcoreinfo_entry *e)
{
	struct key_parts parts;
	char *eq;

	if (len > KX_VMCOREINFO_LINE_MAX)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO line %zu is %zu bytes long, limit %d",
				       lineno, len, KX_VMCOREINFO_LINE_MAX);
	eq = memchr(line, '=', len);
	if (!eq)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO line %zu: no '=' in \"%s\"",
				       lineno, line);
	if (eq == line)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO line %zu: empty key", lineno);
	*eq = '\0';
	if (!split_key(line, (size_t)(eq - line), &parts))
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO line %zu: malformed key \"%s\"",
				       lineno, line);
	KX_TRY(parse_value(line, parts.kind, eq + 1, lineno, &e->word));
	line[parts.name_start + parts.name_len] = '\0'; // drop ')'
	e->kind = parts.kind;
	e->name = line + parts.name_start;
	e->value = eq + 1;
	e->line = lineno;
	return NULL;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct kx_vmcoreinfo_entry *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

// Measure the text: up to the first NUL, which may only be followed by NULs.
static struct kx_error *text_length(const char *text, size_t size,
				    size_t *ret)
{
	const char *nul;

	if (size > KX_VMCOREINFO_MAX_SIZE)
		return kx_error_create(KX_ERROR_CORRUPT,
				       "VMCOREINFO note is %zu bytes, limit %d",
				       size, KX_VMCOREINFO_MAX_SIZE);
	nul = size ? memchr(text, '\0', size) : NULL;
	if (!nul) {
		*ret = size;
		return NULL;
	}
	for (size_t i = (size_t)(nul - text); i < size; i++) {
		if (text[i])
			return kx_error_create(KX_ERROR_CORRUPT,
					       "VMCOREINFO has text after a NUL byte at offset %zu",
					       (size_t)(nul - text));
	}
	*ret = (size_t)(nul - text);
	return NULL;
}

// Split vi->storage into entries (unsorted).
static struct kx_error *parse_lines(struct kx_vmcoreinfo *vi)
{
	char *p = vi->storage, *end = vi->storage + vi->raw_size;
	size_t lineno = 1;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl ? nl : end;

		*stop = '\0';
		if (stop > p) {
			KX_TRY(parse_line(p, (size_t)(stop - p), lineno,
					  &vi->entries[vi->nr_entries]));
			vi->nr_entries++;
		}
		p = stop + 1;
		lineno++;
	}
	return NULL;
}

// Sorting order: by key, and for equal keys by line, so the first line of a
// duplicated key sorts first.
static int entry_sort_cmp(const void *a, const void *b)
{
	int c = entry_cmp(a, b);
	if (c)
		return c;
	size_t la = ((const struct kx_vmcoreinfo_entry *)a)->line;
	size_t lb = ((const struct kx_vmcoreinfo_entry *)b)->line;
	return (la > lb) - (la < lb);
}

// The kernel never repeats a key, but a dump must not be refused over one:
// the first occurrence wins, as in upstream makedumpfile, and the repeats
// are counted so a caller can warn.
static void drop_duplicates(struct kx_vmcoreinfo *vi)
{
	size_t kept = 0;
	for (size_t i = 0; i < vi->nr_entries; i++) {
		if (kept && !entry_cmp(&vi->entries[kept - 1], &vi->entries[i])) {
			size_t line = vi->entries[i].line;
			if (!vi->nr_duplicates++ || line < vi->first_duplicate_line)
				vi->first_duplicate_line = line;
			continue;
		}
		vi->entries[kept++] = vi->entries[i];
	}
	vi->nr_entries = kept;
}

// Copy the typed keys into their fields.
static void fill_typed(struct kx_vmcoreinfo *vi)
{
	const struct kx_vmcoreinfo_entry *e;

	if ((e = kx_vmcoreinfo_find(vi, KX_VMCOREINFO_PLAIN, "OSRELEASE")))
		vi->osrelease = e->value;
	if ((e = kx_vmcoreinfo_find(vi, KX_VMCOREINFO_PLAIN, "BUILD-ID")))
		vi->build_id = e->value;
	if ((e = kx_vmcoreinfo_find(vi, KX_VMCOREINFO_PLAIN, "PAGESIZE")))
		vi->page_size = e->word;
	if ((e = kx_vmcoreinfo_find(vi, KX_VMCOREINFO_PLAIN, "KERNELOFFSET"))) {
		vi->kernel_offset = e->word;
		vi->has_kernel_offset = true;
	}
	if ((e = kx_vmcoreinfo_find(vi, KX_VMCOREINFO_PLAIN, "CRASHTIME"))) {
		vi->crash_time = (int64_t)e->word;
		vi->has_crash_time = true;
	}
	if ((e = kx_vmcoreinfo_find(vi, KX_VMCOREINFO_NUMBER, "phys_base"))) {
		vi->phys_base = e->word;
		vi->has_phys_base = true;
	}
}

static struct kx_error *vmcoreinfo_alloc(const char *text, size_t len,
					 struct kx_vmcoreinfo **ret)
{
	struct kx_vmcoreinfo *vi = calloc(1, sizeof(*vi));
	size_t lines = 1;

	if (!vi)
		return &kx_enomem;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	vi->raw = malloc(len + 1);
	vi->storage = malloc(len + 1);
	vi->entries = calloc(lines, sizeof(*vi->entries));
	if (!vi->raw || !vi->storage || !vi->entries) {
		kx_vmcoreinfo_destroy(vi);
		return &kx_enomem;
	}
	if (len)
		memcpy(vi->raw, text, len);
	vi->raw[len] = '\0';
	memcpy(vi->storage, vi->raw, len + 1);
	vi->raw_size = len;
	*ret = vi;
	return NULL;
}

struct kx_error *kx_vmcoreinfo_create(const void *text, size_t size,
				      struct kx_vmcoreinfo **ret)
{
	struct kx_vmcoreinfo *vi = NULL;
	struct kx_error *err;
	size_t len = 0;

	KX_TRY(text_length(text, size, &len));
	KX_TRY(vmcoreinfo_alloc(text, len, &vi));
	err = parse_lines(vi);
	if (!err) {
		qsort(vi->entries, vi->nr_entries, sizeof(*vi->entries), entry_sort_cmp);
		drop_duplicates(vi);
	}
	if (err) {
		kx_vmcoreinfo_destroy(vi);
		return err;
	}
	fill_typed(vi);
	*ret = vi;
	return NULL;
}

void kx_vmcoreinfo_destroy(struct kx_vmcoreinfo *vi)
{
	if (!vi)
		return;
	free(vi->entries);
	free(vi->storage);
	free(vi->raw);
	free(vi);
}

const struct kx_vmcoreinfo_entry *
kx_vmcoreinfo_find(const struct kx_vmcoreinfo *vi, enum kx_vmcoreinfo_kind kind,
		   const char *name)
{
	struct kx_vmcoreinfo_entry key = { .kind = kind, .name = name };

	if (!vi->nr_entries)
		return NULL;
	return bsearch(&key, vi->entries, vi->nr_entries, sizeof(key), entry_cmp);
}

struct kx_error *kx_vmcoreinfo_lookup(const struct kx_vmcoreinfo *vi,
				      enum kx_vmcoreinfo_kind kind,
				      const char *name, uint64_t *ret)
{
	const struct kx_vmcoreinfo_entry *e;

	if (kind == KX_VMCOREINFO_PLAIN || !valid_kind(kind))
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "VMCOREINFO lookup of %s needs a SYMBOL, SIZE, OFFSET, LENGTH or NUMBER family",
				       name);
	e = kx_vmcoreinfo_find(vi, kind, name);
	if (!e)
		return kx_error_create(KX_ERROR_NOT_FOUND, "VMCOREINFO has no %s(%s)",
				       kind_prefix[kind], name);
	*ret = e->word;
	return NULL;
}

struct kx_error *kx_vmcoreinfo_symbol(const struct kx_vmcoreinfo *vi,
				      const char *name, uint64_t *ret)
{
	return kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_SYMBOL, name, ret);
}

struct kx_error *kx_vmcoreinfo_size(const struct kx_vmcoreinfo *vi,
				    const char *name, uint64_t *ret)
{
	return kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_SIZE, name, ret);
}

struct kx_error *kx_vmcoreinfo_offset(const struct kx_vmcoreinfo *vi,
				      const char *name, uint64_t *ret)
{
	return kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_OFFSET, name, ret);
}

struct kx_error *kx_vmcoreinfo_length(const struct kx_vmcoreinfo *vi,
				      const char *name, uint64_t *ret)
{
	return kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_LENGTH, name, ret);
}

struct kx_error *kx_vmcoreinfo_number(const struct kx_vmcoreinfo *vi,
				      const char *name, int64_t *ret)
{
	uint64_t word = 0;

	KX_TRY(kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_NUMBER, name, &word));
	// Two's complement reinterpretation, without implementation-defined casts.
	*ret = word > (uint64_t)INT64_MAX ? -(int64_t)(UINT64_MAX - word) - 1
					  : (int64_t)word;
	return NULL;
}

struct kx_error *kx_vmcoreinfo_number_u64(const struct kx_vmcoreinfo *vi,
					  const char *name, uint64_t *ret)
{
	return kx_vmcoreinfo_lookup(vi, KX_VMCOREINFO_NUMBER, name, ret);
}

// Find a key written in full. Returns false if @key is malformed.
static bool find_full_key(const struct kx_vmcoreinfo *vi, const char *key,
			  const struct kx_vmcoreinfo_entry **ret)
{
	char name[KX_VMCOREINFO_LINE_MAX + 1];
	struct key_parts parts;
	size_t len = strlen(key);

	if (len > KX_VMCOREINFO_LINE_MAX || !split_key(key, len, &parts))
		return false;
	memcpy(name, key + parts.name_start, parts.name_len);
	name[parts.name_len] = '\0';
	*ret = kx_vmcoreinfo_find(vi, parts.kind, name);
	return true;
}

struct kx_error *kx_vmcoreinfo_string(const struct kx_vmcoreinfo *vi,
				      const char *key, const char **ret)
{
	const struct kx_vmcoreinfo_entry *e;

	if (!find_full_key(vi, key, &e))
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "\"%s\" is not a VMCOREINFO key", key);
	if (!e)
		return kx_error_create(KX_ERROR_NOT_FOUND, "VMCOREINFO has no %s",
				       key);
	*ret = e->value;
	return NULL;
}

bool kx_vmcoreinfo_has(const struct kx_vmcoreinfo *vi, const char *key)
{
	const struct kx_vmcoreinfo_entry *e = NULL;

	return find_full_key(vi, key, &e) && e;
}

struct kx_error *kx_vmcoreinfo_key_format(enum kx_vmcoreinfo_kind kind,
					  const char *name, char *buf,
					  size_t cap)
{
	size_t plen, nlen = strlen(name), need;

	if (!valid_kind(kind) || nlen == 0)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "cannot build a VMCOREINFO key from kind %d and name \"%s\"",
				       (int)kind, name);
	plen = strlen(kind_prefix[kind]);
	need = kind == KX_VMCOREINFO_PLAIN ? nlen + 1 : plen + nlen + 3;
	if (need > cap)
		return kx_error_create(KX_ERROR_OVERFLOW,
				       "VMCOREINFO key %s(%s) needs %zu bytes, buffer has %zu",
				       kind_prefix[kind], name, need, cap);
	if (kind == KX_VMCOREINFO_PLAIN)
		memcpy(buf, name, nlen + 1);
	else
		snprintf(buf, cap, "%s(%s)", kind_prefix[kind], name);
	return NULL;
}
