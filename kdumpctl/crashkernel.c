// SPDX-License-Identifier: GPL-2.0-only
// crashkernel= tables: see crashkernel.h.
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "arch.h"
#include "crashkernel.h"
#include "iomem.h"
#include "ranges.h"
#include "root.h"

// FIXME: a field of struct kx_arch once arch/ takes kdump facts.
static const struct {
	const char *arch;
	const char *table;
} default_tables[] = {
	{ "x86_64", "2G-64G:256M,64G-:512M" },
	{ "loongarch64", "2G-64G:512M,64G-:1G" },
};

const char *kx_crashkernel_default(const struct kx_arch *arch)
{
	for (size_t i = 0; i < KX_ARRAY_SIZE(default_tables); i++)
		if (strcmp(arch->name, default_tables[i].arch) == 0)
			return default_tables[i].table;
	return NULL;
}

// memparse over [*p, end): digits and an optional suffix; *p moves past them.
static int size_at(const char **p, const char *end, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;
	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -2;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	static const char units[] = "KMGTPE";
	char c = s < end ? (char)(*s & ~0x20) : '\0';
	const char *u = c ? strchr(units, c) : NULL;
	if (u) {
		unsigned int shift = 10 * (unsigned int)(u - units + 1);
		if (v > UINT64_MAX >> shift)
			return -2;
		v <<= shift;
		s++;
	}
	*p = s;
	*ret = v;
	return 0;
}

struct kx_error *kx_crashkernel_parse_size(const char *text, uint64_t *ret)
{
	const char *p = text, *end = text + strlen(text);
	uint64_t v;
	int rc = size_at(&p, end, &v);
	KX_CHECK(rc != -2, KX_ERROR_OVERFLOW, "size \"%s\" is too large", text);
	KX_CHECK(rc == 0 && p == end, KX_ERROR_INVALID_ARG, "invalid size \"%s\"", text);
	*ret = v;
	return NULL;
}

static struct kx_error *bad_table(const char *table, const char *why)
{
	return kx_error_create(KX_ERROR_INVALID_ARG, "crashkernel table \"%s\": %s", table, why);
}

// One `start-[end]:size` entry over [p, end); *ret_match and *ret_size.
static struct kx_error *range_entry(const char *table, const char *p, const char *end,
				    uint64_t ram, bool *ret_match, uint64_t *ret_size)
{
	uint64_t start, stop = UINT64_MAX, size;
	if (size_at(&p, end, &start) != 0 || p == end || *p++ != '-')
		return bad_table(table, "expected START-");
	if (p < end && *p != ':' && size_at(&p, end, &stop) != 0)
		return bad_table(table, "bad range end");
	if (p == end || *p++ != ':' || size_at(&p, end, &size) != 0 || p != end)
		return bad_table(table, "expected :SIZE after a range");
	if (stop <= start)
		return bad_table(table, "range end not above its start");
	*ret_match = ram >= start && ram < stop;
	*ret_size = size;
	return NULL;
}

struct kx_error *kx_crashkernel_recommend(const char *table, uint64_t ram, uint64_t *ret)
{
	const char *end = table + strcspn(table, "@");
	if (!memchr(table, ':', (size_t)(end - table))) {
		// A single size: reserved whatever the memory.
		const char *p = table;
		uint64_t size;
		if (size_at(&p, end, &size) != 0 || p != end)
			return bad_table(table, "not a size or a list of ranges");
		*ret = size;
		return NULL;
	}
	uint64_t found = 0;
	bool matched = false;
	for (const char *p = table; p < end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;
		bool match;
		uint64_t size;
		KX_TRY(range_entry(table, p, e, ram, &match, &size));
		// The kernel takes the first matching range.
		if (match && !matched) {
			found = size;
			matched = true;
		}
		p = comma ? comma + 1 : end;
		if (comma && p == end)
			return bad_table(table, "trailing comma");
	}
	*ret = found;
	return NULL;
}

struct kx_error *kx_crashkernel_system_ram(const struct kx_root *root, uint64_t *ret)
{
	struct kx_iomem *iomem;
	KX_TRY(kx_iomem_read(root, &iomem));
	struct kx_ranges ram;
	struct kx_error *err = kx_iomem_system_ram(iomem, &ram);
	kx_iomem_destroy(iomem);
	if (err)
		return err;
	uint64_t total = kx_ranges_total_size(&ram);
	kx_ranges_deinit(&ram);
	KX_CHECK(total <= UINT64_MAX - KX_CRASHKERNEL_RAM_ALIGN, KX_ERROR_OVERFLOW,
		 "System RAM size overflows");
	*ret = (total + KX_CRASHKERNEL_RAM_ALIGN - 1) & ~(KX_CRASHKERNEL_RAM_ALIGN - 1);
	return NULL;
}

struct kx_error *kx_crashkernel_reserved(const struct kx_root *root, uint64_t *ret)
{
	return kx_root_read_u64(root, "/sys/kernel/kexec_crash_size", ret);
}
