// SPDX-License-Identifier: GPL-2.0-only
// The description language of mkvmcore (documented in README.md). Every
// error names the file and line, because a test author reads them.
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkvmcore.h"

static const char *const class_names[MKV_NR_CLASSES] = {
	[MKV_KERNEL] = "kernel",       [MKV_RESERVED] = "reserved",
	[MKV_CACHE] = "cache",         [MKV_CACHE_PRIVATE] = "cache_private",
	[MKV_ANON] = "anon",           [MKV_HUGETLB] = "hugetlb",
	[MKV_FREE] = "free",           [MKV_SLAB] = "slab",
	[MKV_HWPOISON] = "hwpoison",   [MKV_OFFLINE] = "offline",
};

const char *mkv_class_name(enum mkv_class cls)
{
	return cls < MKV_NR_CLASSES ? class_names[cls] : "?";
}

// Parser state: the spec being filled and where we are.
struct parser {
	struct mkv_spec *spec;
	int line;
	size_t cap_rules, cap_fills;
};

static struct kx_error *perr(const struct parser *p, const char *fmt, const char *arg)
{
	return kx_error_file(KX_ERROR_INVALID_ARG, p->spec->path, "line %d: %s%s%s",
			     p->line, fmt, arg ? ": " : "", arg ? arg : "");
}

// A number in C syntax (0x.., decimal), the whole token, no sign.
static struct kx_error *parse_u64(const struct parser *p, const char *s, uint64_t *ret)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return perr(p, "expected a number", s);
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return perr(p, "bad number", s);
	*ret = v;
	return NULL;
}

// A range: A-B (half-open), A+N (count) or a single A.
static struct kx_error *parse_range(const struct parser *p, const char *s,
				    struct mkv_range *ret)
{
	char buf[128];
	if (strlen(s) >= sizeof(buf))
		return perr(p, "range too long", s);
	strcpy(buf, s);
	char *sep = strpbrk(buf, "-+");
	char op = sep ? *sep : 0;
	if (sep)
		*sep = 0;
	uint64_t a, b = 1;
	KX_TRY(parse_u64(p, buf, &a));
	if (sep)
		KX_TRY(parse_u64(p, sep + 1, &b));
	uint64_t end = op == '-' ? b : a + b;
	if (end <= a || (op != '-' && end < b))
		return perr(p, "empty or wrapping range (ranges are half-open: START-END or START+COUNT)", s);
	*ret = (struct mkv_range){ a, end };
	return NULL;
}

// Split @p s at blanks into at most @p max tokens (in place).
static size_t tokenize(char *s, char **tok, size_t max)
{
	size_t n = 0;
	for (char *t = strtok(s, " \t\r\n"); t && n < max; t = strtok(NULL, " \t\r\n"))
		tok[n++] = t;
	return n;
}

static struct kx_error *parse_ram(struct parser *p, char *value)
{
	struct mkv_spec *spec = p->spec;
	spec->nr_ram = 0;
	for (char *t = strtok(value, ", \t"); t; t = strtok(NULL, ", \t")) {
		if (spec->nr_ram == MKV_MAX_RAM)
			return perr(p, "too many RAM ranges", NULL);
		struct mkv_range r;
		KX_TRY(parse_range(p, t, &r));
		if (spec->nr_ram && r.start < spec->ram[spec->nr_ram - 1].end)
			return perr(p, "RAM ranges must be sorted and disjoint", t);
		spec->ram[spec->nr_ram++] = r;
	}
	if (!spec->nr_ram)
		return perr(p, "ram needs at least one range", NULL);
	return NULL;
}

static struct kx_error *copy_string(const struct parser *p, char *dst, const char *v)
{
	if (strlen(v) >= MKV_UTS_LEN)
		return perr(p, "string longer than 64 bytes", v);
	strcpy(dst, v);
	return NULL;
}

static struct kx_error *parse_bool(const struct parser *p, const char *v, bool *ret)
{
	if (!strcmp(v, "1") || !strcmp(v, "yes"))
		*ret = true;
	else if (!strcmp(v, "0") || !strcmp(v, "no"))
		*ret = false;
	else
		return perr(p, "expected 0/1/yes/no", v);
	return NULL;
}

static struct kx_error *parse_fill_word(const struct parser *p, const char *v,
					enum mkv_fill *ret)
{
	if (!strcmp(v, "pattern"))
		*ret = MKV_FILL_PATTERN;
	else if (!strcmp(v, "zero"))
		*ret = MKV_FILL_ZERO;
	else
		return perr(p, "expected pattern or zero", v);
	return NULL;
}

// Numeric keys: a table keeps the dispatcher short.
static struct kx_error *parse_numeric_key(struct parser *p, const char *key,
					  const char *v, bool *found)
{
	struct mkv_spec *s = p->spec;
	uint64_t n;
	*found = true;
	if (!strcmp(key, "cpus")) {
		KX_TRY(parse_u64(p, v, &n));
		if (n < 1 || n > MKV_MAX_CPUS)
			return perr(p, "cpus must be 1..64", v);
		s->cpus = (unsigned int)n;
	} else if (!strcmp(key, "phys_base")) {
		// phys_base may be "negative" (kernel loaded below 16 MiB + offset).
		if (*v == '-') {
			KX_TRY(parse_u64(p, v + 1, &n));
			s->phys_base = -n;
		} else {
			KX_TRY(parse_u64(p, v, &s->phys_base));
		}
	} else if (!strcmp(key, "kaslr_offset")) {
		KX_TRY(parse_u64(p, v, &s->kaslr_offset));
	} else if (!strcmp(key, "kernel_size")) {
		KX_TRY(parse_u64(p, v, &s->kernel_size));
	} else if (!strcmp(key, "page_offset")) {
		KX_TRY(parse_u64(p, v, &s->page_offset));
	} else if (!strcmp(key, "vmemmap_base")) {
		KX_TRY(parse_u64(p, v, &s->vmemmap_base));
	} else if (!strcmp(key, "page_size")) {
		// Checked against the arch in validate(): `arch =` may follow.
		KX_TRY(parse_u64(p, v, &n));
		if (n < 4096 || n > 65536 || (n & (n - 1)))
			return perr(p, "page_size must be 4096, 16384 or 65536", v);
		for (s->page_shift = 0; UINT64_C(1) << s->page_shift < n; s->page_shift++)
			;
	} else if (!strcmp(key, "levels")) {
		// Checked against the arch and page size in its layout hook.
		KX_TRY(parse_u64(p, v, &n));
		if (n < 2 || n > 4)
			return perr(p, "levels must be 2, 3 or 4", v);
		s->levels = (unsigned int)n;
	} else if (!strcmp(key, "mem_section_size")) {
		KX_TRY(parse_u64(p, v, &n));
		if (n != 16 && n != 32)
			return perr(p, "mem_section_size must be 16 or 32", v);
		s->mem_section_size = (unsigned int)n;
	} else if (!strcmp(key, "crashtime")) {
		KX_TRY(parse_u64(p, v, &n));
		s->crashtime = (int64_t)n;
	} else {
		*found = false;
	}
	return NULL;
}

static struct kx_error *parse_key(struct parser *p, char *key, char *v)
{
	struct mkv_spec *s = p->spec;
	bool found;
	KX_TRY(parse_numeric_key(p, key, v, &found));
	if (found)
		return NULL;
	if (!strcmp(key, "arch")) {
		s->arch = mkv_arch_find(v);
		if (!s->arch)
			return perr(p, "unknown arch (known: x86_64 loongarch64)", v);
	} else if (!strcmp(key, "kernel")) {
		s->kernel = mkv_kernel_find(v);
		if (!s->kernel)
			return perr(p, "unknown kernel generation", v);
	} else if (!strcmp(key, "ram")) {
		return parse_ram(p, v);
	} else if (!strcmp(key, "l5")) {
		return parse_bool(p, v, &s->l5);
	} else if (!strcmp(key, "direct_map_1g")) {
		return parse_bool(p, v, &s->direct_1g);
	} else if (!strcmp(key, "vmemmap_pages")) {
		if (strcmp(v, "2m") && strcmp(v, "4k"))
			return perr(p, "vmemmap_pages must be 2m or 4k", v);
		s->vmemmap_4k = !strcmp(v, "4k");
	} else if (!strcmp(key, "default_fill")) {
		return parse_fill_word(p, v, &s->default_fill);
	} else if (!strcmp(key, "osrelease")) {
		return copy_string(p, s->osrelease, v);
	} else if (!strcmp(key, "version")) {
		return copy_string(p, s->version, v);
	} else if (!strcmp(key, "nodename")) {
		return copy_string(p, s->nodename, v);
	} else {
		KX_TRY(mkv_printk_parse_key(s, p->line, key, v, &found));
		if (!found)
			return perr(p, "unknown key", key);
	}
	return NULL;
}

static struct kx_error *add_fill(struct parser *p, struct mkv_range r, enum mkv_fill f,
				 uint64_t arg)
{
	struct mkv_spec *s = p->spec;
	if (s->nr_fills == p->cap_fills) {
		size_t cap = p->cap_fills ? 2 * p->cap_fills : 16;
		void *n = realloc(s->fills, cap * sizeof(*s->fills));
		if (!n)
			return &kx_enomem;
		s->fills = n;
		p->cap_fills = cap;
	}
	s->fills[s->nr_fills++] = (struct mkv_fill_rule){ r.start, r.end, f, arg, p->line };
	return NULL;
}

// Content words after a range: zero | pattern | random seed=N | byte=N.
// Returns the number of tokens consumed in *used (0 when none matched).
static struct kx_error *parse_content(struct parser *p, char **tok, size_t n,
				      struct mkv_range r, size_t *used)
{
	*used = 0;
	if (!n)
		return NULL;
	uint64_t arg = 0;
	enum mkv_fill f;
	if (!strcmp(tok[0], "zero") || !strcmp(tok[0], "pattern")) {
		KX_TRY(parse_fill_word(p, tok[0], &f));
		*used = 1;
	} else if (!strcmp(tok[0], "random")) {
		if (n < 2 || strncmp(tok[1], "seed=", 5))
			return perr(p, "random needs seed=N", NULL);
		KX_TRY(parse_u64(p, tok[1] + 5, &arg));
		f = MKV_FILL_RANDOM;
		*used = 2;
	} else if (!strncmp(tok[0], "byte=", 5)) {
		KX_TRY(parse_u64(p, tok[0] + 5, &arg));
		if (arg > 255)
			return perr(p, "byte must be 0..255", tok[0]);
		f = arg ? MKV_FILL_BYTE : MKV_FILL_ZERO;
		*used = 1;
	} else {
		return NULL;
	}
	return add_fill(p, r, f, arg);
}

static struct kx_error *parse_class(const struct parser *p, const char *name,
				    enum mkv_class *ret, bool *zero, bool *compound)
{
	*zero = *compound = false;
	if (!strcmp(name, "zero")) {
		*ret = MKV_KERNEL;
		*zero = true;
		return NULL;
	}
	if (!strcmp(name, "anon_compound") || !strcmp(name, "user")) {
		*compound = !strcmp(name, "anon_compound");
		*ret = MKV_ANON;
		return NULL;
	}
	for (int c = 0; c < MKV_NR_CLASSES; c++) {
		if (!strcmp(name, class_names[c])) {
			*ret = (enum mkv_class)c;
			return NULL;
		}
	}
	return perr(p, "unknown page class", name);
}

static struct kx_error *add_rule(struct parser *p, struct mkv_page_rule rule)
{
	struct mkv_spec *s = p->spec;
	if (s->nr_rules == p->cap_rules) {
		size_t cap = p->cap_rules ? 2 * p->cap_rules : 16;
		void *n = realloc(s->rules, cap * sizeof(*s->rules));
		if (!n)
			return &kx_enomem;
		s->rules = n;
		p->cap_rules = cap;
	}
	s->rules[s->nr_rules++] = rule;
	return NULL;
}

// page RANGE CLASS [order=N] [content]
static struct kx_error *parse_page(struct parser *p, char **tok, size_t n)
{
	if (n < 3)
		return perr(p, "usage: page RANGE CLASS [order=N] [zero|pattern|random seed=N|byte=N]", NULL);
	struct mkv_page_rule rule = { .line = p->line };
	struct mkv_range r;
	bool zero, compound;
	KX_TRY(parse_range(p, tok[1], &r));
	KX_TRY(parse_class(p, tok[2], &rule.cls, &zero, &compound));
	rule.start = r.start;
	rule.end = r.end;
	size_t i = 3;
	if (i < n && !strncmp(tok[i], "order=", 6)) {
		uint64_t o;
		KX_TRY(parse_u64(p, tok[i] + 6, &o));
		if (o > MKV_MAX_ORDER)
			return perr(p, "order too large (max 18)", tok[i]);
		rule.order = (unsigned int)o;
		i++;
	}
	if (compound && !rule.order)
		return perr(p, "anon_compound needs order=N with N >= 1", NULL);
	if (zero)
		KX_TRY(add_fill(p, r, MKV_FILL_ZERO, 0));
	size_t used;
	KX_TRY(parse_content(p, tok + i, n - i, r, &used));
	if (used && zero)
		return perr(p, "class zero already sets the content", NULL);
	if (i + used != n)
		return perr(p, "unexpected word", tok[i + used]);
	return add_rule(p, rule);
}

// fill RANGE CONTENT
static struct kx_error *parse_fill(struct parser *p, char **tok, size_t n)
{
	struct mkv_range r;
	if (n < 3)
		return perr(p, "usage: fill RANGE zero|pattern|random seed=N|byte=N", NULL);
	KX_TRY(parse_range(p, tok[1], &r));
	size_t used;
	KX_TRY(parse_content(p, tok + 2, n - 2, r, &used));
	if (!used)
		return perr(p, "unknown content", tok[2]);
	if (2 + used != n)
		return perr(p, "unexpected word", tok[2 + used]);
	return NULL;
}

static struct kx_error *parse_line(struct parser *p, char *line)
{
	// A log line's quoted text may hold '#' and '=': printk.c parses it whole.
	char *word = line + strspn(line, " \t");
	if (!strncmp(word, "log", 3) && (word[3] == ' ' || word[3] == '\t'))
		return mkv_printk_parse_log(p->spec, p->line, word + 3);
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	char *eq = strchr(line, '=');
	char *tok[16];
	char *first = line + strspn(line, " \t");
	// "key = value" when the first word is followed by '='; page/fill
	// lines have '=' only inside later words (order=, seed=).
	size_t keylen = strcspn(first, " \t=");
	if (eq && first + keylen + strspn(first + keylen, " \t") == eq) {
		*eq = 0;
		char *key = first;
		key[keylen] = 0;
		char *v = eq + 1 + strspn(eq + 1, " \t");
		size_t vl = strlen(v);
		while (vl && isspace((unsigned char)v[vl - 1]))
			v[--vl] = 0;
		if (!*v)
			return perr(p, "empty value for", key);
		return parse_key(p, key, v);
	}
	size_t n = tokenize(first, tok, 16);
	if (n == 0)
		return NULL;
	if (!strcmp(tok[0], "page"))
		return parse_page(p, tok, n);
	if (!strcmp(tok[0], "fill"))
		return parse_fill(p, tok, n);
	return perr(p, "expected KEY = VALUE, page or fill", tok[0]);
}

static int cmp_rule(const void *a, const void *b)
{
	const struct mkv_page_rule *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_fill(const void *a, const void *b)
{
	const struct mkv_fill_rule *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

// True when every pfn of [start, end) has at least one byte of RAM.
static bool pfns_are_ram(const struct mkv_spec *s, uint64_t start, uint64_t end)
{
	unsigned int shift = s->page_shift;
	uint64_t pfn = start;
	for (size_t i = 0; i < s->nr_ram && pfn < end; i++) {
		uint64_t first = s->ram[i].start >> shift;
		uint64_t last = (s->ram[i].end + (UINT64_C(1) << shift) - 1) >> shift;
		if (pfn < first)
			return false;
		if (pfn < last)
			pfn = last;
	}
	return pfn >= end;
}

static struct kx_error *rule_error(const struct mkv_spec *s, int line, const char *msg)
{
	return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "line %d: %s", line, msg);
}

static struct kx_error *check_rule(const struct mkv_spec *s, const struct mkv_page_rule *r)
{
	const struct mkv_kernel *k = s->kernel;
	uint64_t block = UINT64_C(1) << r->order;
	if (!pfns_are_ram(s, r->start, r->end))
		return rule_error(s, r->line, "page range is not all RAM");
	if ((r->start | r->end) & (block - 1))
		return rule_error(s, r->line, "range must be aligned to and a multiple of 1 << order");
	unsigned int orders = s->arch->free_area_len(s->page_shift);
	if (r->cls == MKV_FREE && r->order >= orders)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "line %d: free blocks have order "
				     "0..%u (LENGTH(zone.free_area) = %u)", r->line, orders - 1, orders);
	if (r->cls == MKV_HUGETLB && r->order == 0)
		return rule_error(s, r->line, "hugetlb pages are compound: give order=N (9 for 2 MiB)");
	if (r->order && (r->cls == MKV_HWPOISON || r->cls == MKV_OFFLINE ||
			 r->cls == MKV_KERNEL || r->cls == MKV_RESERVED))
		return rule_error(s, r->line, "this class takes no order");
	if (r->cls == MKV_OFFLINE && !k->has_offline_type)
		return rule_error(s, r->line, "this kernel has no PageOffline (added in 5.0)");
	return NULL;
}

// Sort, check overlaps and classes once the whole file is read.
static struct kx_error *validate(struct mkv_spec *s)
{
	if (!s->nr_ram)
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "no ram = line");
	if (!s->page_shift)
		s->page_shift = s->arch->default_page_shift;
	if (!(s->arch->page_shifts & UINT32_C(1) << s->page_shift))
		return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "%s kernels have no %u KiB pages",
				     s->arch->name, 1u << (s->page_shift - 10));
	if (s->nr_rules)  // qsort(NULL, 0, ...) is undefined
		qsort(s->rules, s->nr_rules, sizeof(*s->rules), cmp_rule);
	if (s->nr_fills)
		qsort(s->fills, s->nr_fills, sizeof(*s->fills), cmp_fill);
	for (size_t i = 0; i < s->nr_rules; i++) {
		if (i && s->rules[i].start < s->rules[i - 1].end)
			return rule_error(s, s->rules[i].line, "page range overlaps another page line");
		KX_TRY(check_rule(s, &s->rules[i]));
	}
	for (size_t i = 0; i < s->nr_fills; i++) {
		if (i && s->fills[i].start < s->fills[i - 1].end)
			return rule_error(s, s->fills[i].line, "fill range overlaps another fill");
		if (!pfns_are_ram(s, s->fills[i].start, s->fills[i].end))
			return rule_error(s, s->fills[i].line, "fill range is not all RAM");
	}
	if (!s->osrelease[0])
		snprintf(s->osrelease, sizeof(s->osrelease), "%s-%s", s->kernel->osrelease,
			 s->arch->flavour);
	if (!s->version[0])
		strcpy(s->version, s->kernel->version);
	if (!s->mem_section_size)
		s->mem_section_size = s->kernel->mem_section_size;
	return NULL;
}

static void spec_defaults(struct mkv_spec *s, const char *path)
{
	s->path = path;
	s->arch = &mkv_arch_x86_64;
	s->kernel = mkv_kernel_find("6.1");
	s->cpus = 1;
	s->phys_base = 0;
	s->kernel_size = 0x1000000;
	s->direct_1g = true;
	s->crashtime = 1700000000;
	strcpy(s->nodename, "kx-guest");
}

struct kx_error *mkv_spec_parse(const char *path, struct mkv_spec **ret)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return kx_error_os(errno, path, "cannot open description");
	struct mkv_spec *s = calloc(1, sizeof(*s));
	if (!s) {
		fclose(f);
		return &kx_enomem;
	}
	spec_defaults(s, path);
	struct parser p = { .spec = s };
	char line[1024];
	struct kx_error *err = NULL;
	while (!err && fgets(line, sizeof(line), f)) {
		p.line++;
		if (!strchr(line, '\n') && !feof(f))
			err = perr(&p, "line too long", NULL);
		else
			err = parse_line(&p, line);
	}
	fclose(f);
	if (!err)
		err = validate(s);
	if (err) {
		mkv_spec_destroy(s);
		return err;
	}
	*ret = s;
	return NULL;
}

void mkv_spec_destroy(struct mkv_spec *spec)
{
	if (!spec)
		return;
	free(spec->rules);
	free(spec->fills);
	mkv_printk_spec_free(spec);
	free(spec);
}

const struct mkv_page_rule *mkv_spec_rule(const struct mkv_spec *spec, uint64_t pfn)
{
	size_t lo = 0, hi = spec->nr_rules;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (spec->rules[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < spec->nr_rules && spec->rules[lo].start <= pfn)
		return &spec->rules[lo];
	return NULL;
}

const struct mkv_fill_rule *mkv_spec_fill(const struct mkv_spec *spec, uint64_t pfn)
{
	size_t lo = 0, hi = spec->nr_fills;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (spec->fills[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < spec->nr_fills && spec->fills[lo].start <= pfn)
		return &spec->fills[lo];
	return NULL;
}

bool mkv_spec_claims(const struct mkv_spec *spec, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < spec->nr_rules; i++)
		if (spec->rules[i].start < end && start < spec->rules[i].end)
			return true;
	for (size_t i = 0; i < spec->nr_fills; i++)
		if (spec->fills[i].start < end && start < spec->fills[i].end)
			return true;
	return false;
}
