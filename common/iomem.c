// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "iomem.h" // IWYU pragma: associated
#include "root.h"

// /proc/iomem is a few KiB on a laptop and a few hundred KiB on large
// servers with many PCI functions; anything far beyond that is not iomem.
static const size_t kx_iomem_max_size = 16u << 20;
static const unsigned int kx_iomem_max_hex_digits = 16;
static const char kx_iomem_separator[] = " : ";

// The result of parsing one line, before it is linked into the tree.
struct iomem_line {
	unsigned int depth;
	uint64_t start;
	uint64_t last; // inclusive, as printed
	char *name;
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum hex_result { HEX_OK, HEX_NONE, HEX_TOO_LONG };

// Parse the hex number at *p and advance past it.
static enum hex_result parse_hex(char **p, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned int digits = 0;
	int d;
	while ((d = hex_value(**p)) >= 0) {
		// Checking the digit count first makes the shift below overflow-free.
		if (++digits > kx_iomem_max_hex_digits)
			return HEX_TOO_LONG;
		v = v << 4 | (uint64_t)d;
		(*p)++;
	}
	if (!digits)
		return HEX_NONE;
	*ret = v;
	return HEX_OK;
}

static const char *hex_reason(enum hex_result r, bool start)
{
	if (r == HEX_TOO_LONG)
		return start ? "start address has more than 16 hex digits"
			     : "end address has more than 16 hex digits";
	return start ? "start address is not hex" : "end address is not hex";
}

// Split one NUL-terminated line into its fields; the name points into @line.
// On failure return the reason, for the error message.
static const char *parse_line(char *line, struct iomem_line *ret)
{
	size_t spaces = strspn(line, " ");
	if (spaces % 2)
		return "indentation is not a multiple of two spaces";
	if (spaces / 2 > UINT_MAX)
		return "indentation too deep";
	char *p = line + spaces;
	enum hex_result r = parse_hex(&p, &ret->start);
	if (r != HEX_OK)
		return hex_reason(r, true);
	if (*p++ != '-')
		return "missing '-' after the start address";
	r = parse_hex(&p, &ret->last);
	if (r != HEX_OK)
		return hex_reason(r, false);
	if (strncmp(p, kx_iomem_separator, strlen(kx_iomem_separator)) != 0)
		return "missing ' : ' after the end address";
	ret->depth = (unsigned int)(spaces / 2);
	ret->name = p + strlen(kx_iomem_separator);
	return NULL;
}

static struct kx_error *corrupt(const char *name, unsigned int lineno, const char *fmt_why,
				const char *line)
{
	return kx_error_file(KX_ERROR_CORRUPT, name,
			     "line %u: expected 'start-end : name' (%s): \"%.80s\"", lineno,
			     fmt_why, line);
}

// Find the parent and previous sibling of a new entry at @depth, given the
// previously parsed entry @prev (the tree so far is a pre-order walk).
static struct kx_error *place_entry(struct kx_iomem_entry *e, struct kx_iomem_entry *prev,
				    const char *name)
{
	if (!prev && e->depth)
		return kx_error_file(KX_ERROR_CORRUPT, name,
				     "line %u: '%s' is indented but has no parent",
				     e->line, e->name);
	if (prev && e->depth > prev->depth + 1)
		return kx_error_file(KX_ERROR_CORRUPT, name,
				     "line %u: '%s' is indented %u levels but the line "
				     "before is at level %u",
				     e->line, e->name, e->depth, prev->depth);
	struct kx_iomem_entry *node = prev;
	while (node && node->depth > e->depth)
		node = node->parent;
	if (node && node->depth == e->depth) {
		e->parent = node->parent;
		node->next_sibling = e;
	} else {
		e->parent = node; // node == prev, exactly one level up
		if (node)
			node->first_child = e;
	}
	const struct kx_iomem_entry *up = e->parent;
	if (up && (e->start < up->start || e->end > up->end))
		return kx_error_file(KX_ERROR_CORRUPT, name,
				     "line %u: '%s' lies outside its parent '%s' "
				     "(line %u)", e->line, e->name, up->name, up->line);
	return NULL;
}

static struct kx_error *add_line(struct kx_iomem *iomem, char *line, unsigned int lineno,
				 const char *name)
{
	struct iomem_line f;
	const char *why = parse_line(line, &f);
	if (why)
		return corrupt(name, lineno, why, line);
	if (f.start > f.last)
		return kx_error_file(KX_ERROR_CORRUPT, name,
				     "line %u: start 0x%llx is above end 0x%llx", lineno,
				     (unsigned long long)f.start, (unsigned long long)f.last);
	struct kx_iomem_entry *e = &iomem->entries[iomem->count];
	*e = (struct kx_iomem_entry){
		.start = f.start,
		// Convert the inclusive end once; the top byte is not representable.
		.end = f.last == UINT64_MAX ? UINT64_MAX : f.last + 1,
		.name = f.name,
		.depth = f.depth,
		.line = lineno,
	};
	KX_TRY(place_entry(e, iomem->count ? e - 1 : NULL, name));
	iomem->count++;
	return NULL;
}

// Unprivileged readers see every address as zero ("00000000-00000000").
static bool addresses_hidden(const struct kx_iomem *iomem)
{
	if (!iomem->count)
		return false;
	for (size_t i = 0; i < iomem->count; i++)
		if (iomem->entries[i].start != 0 || iomem->entries[i].end != 1)
			return false;
	return true;
}

static struct kx_error *parse_lines(struct kx_iomem *iomem, size_t size, const char *name)
{
	char *p = iomem->text, *stop = iomem->text + size;
	unsigned int lineno = 0;
	while (p < stop) {
		char *nl = memchr(p, '\n', (size_t)(stop - p));
		char *eol = nl ? nl : stop;
		*eol = '\0';
		if (lineno == UINT_MAX)
			return kx_error_file(KX_ERROR_CORRUPT, name, "too many lines");
		lineno++;
		if (eol == p)
			return kx_error_file(KX_ERROR_CORRUPT, name, "line %u: empty line",
					     lineno);
		KX_TRY(add_line(iomem, p, lineno, name));
		p = eol + 1;
	}
	if (addresses_hidden(iomem))
		return kx_error_file(KX_ERROR_UNSUPPORTED, name,
				     "all addresses read as zero: the kernel hides them "
				     "from unprivileged readers; run as root");
	return NULL;
}

static struct kx_error *iomem_alloc(const char *text, size_t size, struct kx_iomem **ret)
{
	size_t lines = 1;
	for (const char *c = text; (c = memchr(c, '\n', size - (size_t)(c - text))); c++)
		lines++;
	struct kx_iomem *iomem = calloc(1, sizeof(*iomem));
	if (!iomem)
		return &kx_enomem;
	iomem->text = malloc(size + 1);
	iomem->entries = calloc(lines, sizeof(*iomem->entries));
	if (!iomem->text || !iomem->entries) {
		kx_iomem_destroy(iomem);
		return &kx_enomem;
	}
	memcpy(iomem->text, text, size);
	iomem->text[size] = '\0';
	*ret = iomem;
	return NULL;
}

struct kx_error *kx_iomem_parse(const char *text, size_t size, const char *name,
				struct kx_iomem **ret)
{
	if (!name)
		name = "iomem";
	if (size == SIZE_MAX)
		return &kx_enomem;
	const char *nul = memchr(text, '\0', size);
	if (nul)
		return kx_error_file(KX_ERROR_CORRUPT, name, "NUL byte at offset %zu",
				     (size_t)(nul - text));
	struct kx_iomem *iomem = NULL;
	KX_TRY(iomem_alloc(text, size, &iomem));
	struct kx_error *err = parse_lines(iomem, size, name);
	if (err) {
		kx_iomem_destroy(iomem);
		return err;
	}
	*ret = iomem;
	return NULL;
}

struct kx_error *kx_iomem_read(const struct kx_root *root, struct kx_iomem **ret)
{
	static const char path[] = "/proc/iomem";
	char *full, *buf;
	size_t size;
	KX_TRY(kx_root_path(root, path, &full));
	struct kx_error *err = kx_root_read_file(root, path, kx_iomem_max_size, &buf, &size);
	if (!err) {
		err = kx_iomem_parse(buf, size, full, ret);
		free(buf);
	}
	free(full);
	return err;
}

void kx_iomem_destroy(struct kx_iomem *iomem)
{
	if (!iomem)
		return;
	free(iomem->entries);
	free(iomem->text);
	free(iomem);
}

size_t kx_iomem_count(const struct kx_iomem *iomem)
{
	return iomem->count;
}

const struct kx_iomem_entry *kx_iomem_at(const struct kx_iomem *iomem, size_t index)
{
	return index < iomem->count ? &iomem->entries[index] : NULL;
}

const struct kx_iomem_entry *kx_iomem_first(const struct kx_iomem *iomem)
{
	return kx_iomem_at(iomem, 0);
}

const struct kx_iomem_entry *kx_iomem_find_next(const struct kx_iomem *iomem,
						const struct kx_iomem_entry *prev,
						const char *name)
{
	size_t i = prev ? (size_t)(prev - iomem->entries) + 1 : 0;
	for (; i < iomem->count; i++)
		if (strcmp(iomem->entries[i].name, name) == 0)
			return &iomem->entries[i];
	return NULL;
}

// Union of the entries whose name is one of @names (NULL-terminated list).
static struct kx_error *collect(const struct kx_iomem *iomem, const char *const *names,
				struct kx_ranges *ret)
{
	struct kx_ranges set;
	kx_ranges_init(&set);
	for (const char *const *n = names; *n; n++) {
		for (const struct kx_iomem_entry *e = kx_iomem_find_next(iomem, NULL, *n); e;
		     e = kx_iomem_find_next(iomem, e, *n)) {
			struct kx_error *err = kx_ranges_add(&set, e->start, e->end);
			if (err) {
				kx_ranges_deinit(&set);
				return err;
			}
		}
	}
	*ret = set;
	return NULL;
}

struct kx_error *kx_iomem_find_ranges(const struct kx_iomem *iomem, const char *name,
				      struct kx_ranges *ret)
{
	const char *const names[] = { name, NULL };
	return collect(iomem, names, ret);
}

// collect(), with an empty result turned into KX_ERROR_NOT_FOUND.
static struct kx_error *collect_required(const struct kx_iomem *iomem,
					 const char *const *names, const char *what,
					 struct kx_ranges *ret)
{
	struct kx_ranges set;
	KX_TRY(collect(iomem, names, &set));
	if (!set.count) {
		kx_ranges_deinit(&set);
		return kx_error_create(KX_ERROR_NOT_FOUND, "no %s entries in iomem", what);
	}
	*ret = set;
	return NULL;
}

struct kx_error *kx_iomem_system_ram(const struct kx_iomem *iomem, struct kx_ranges *ret)
{
	static const char *const names[] = { "System RAM", NULL };
	return collect_required(iomem, names, "'System RAM'", ret);
}

struct kx_error *kx_iomem_crash_kernel(const struct kx_iomem *iomem, struct kx_ranges *ret)
{
	return kx_iomem_find_ranges(iomem, "Crash kernel", ret);
}

struct kx_error *kx_iomem_kernel_image(const struct kx_iomem *iomem, struct kx_ranges *ret)
{
	static const char *const names[] = { "Kernel code", "Kernel rodata", "Kernel data",
					     "Kernel bss", NULL };
	return collect_required(iomem, names, "'Kernel code/rodata/data/bss'", ret);
}
