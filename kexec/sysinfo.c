// SPDX-License-Identifier: GPL-2.0-only
// Reading the running system for kexec: see sysinfo.h.
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arch.h"
#include "root.h"
#include "sysinfo.h"

enum {
	SMALL_FILE_MAX = 4096,
	BIG_FILE_MAX = 64 << 20, // /proc/kallsyms is ~10 MiB on a distro kernel
	MAX_CPUS = 8192,         // NR_CPUS upper bound of distro configs
	MAX_MEMMAP = 4096,       // firmware map entries
	DEFAULT_CRASH_NOTES_SIZE = 1024, // upstream's default without the file
};

static bool root_is_real(const struct kx_root *root)
{
	return !root || !root->prefix || !root->prefix[0];
}

static bool is_enoent(const struct kx_error *err)
{
	return kx_error_is(err, KX_ERROR_OS) && err->errnum == ENOENT;
}

// Parse exactly one hex number (no 0x, as the kernel's "%llx") from a file.
static struct kx_error *read_hex(const struct kx_root *root, const char *path, uint64_t *ret)
{
	char *buf, *end;
	KX_TRY(kx_root_read_file(root, path, SMALL_FILE_MAX, &buf, NULL));
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 16);
	bool ok = end != buf && buf[0] != '-' && buf[0] != ' ' && !errno &&
		  (*end == '\0' || (*end == '\n' && end[1] == '\0'));
	free(buf);
	if (!ok) {
		char *full = NULL;
		struct kx_error *err = kx_root_path(root, path, &full);
		if (!err)
			err = kx_error_file(KX_ERROR_CORRUPT, full, "expected a hex number");
		free(full);
		return err;
	}
	*ret = v;
	return NULL;
}

static struct kx_error *corrupt(const struct kx_root *root, const char *path, const char *what)
{
	char *full = NULL;
	struct kx_error *err = kx_root_path(root, path, &full);
	if (!err)
		err = kx_error_file(KX_ERROR_CORRUPT, full, "%s", what);
	free(full);
	return err;
}

static struct kx_error *page_size_from_smaps(const struct kx_root *root, uint64_t *ret)
{
	static const char path[] = "/proc/self/smaps";
	static const char key[] = "KernelPageSize:";
	char *buf;
	KX_TRY(kx_root_read_file(root, path, BIG_FILE_MAX, &buf, NULL));
	const char *p = strstr(buf, key);
	unsigned long long kb = 0;
	char unit[4] = "";
	bool ok = p && sscanf(p + sizeof(key) - 1, "%llu %3s", &kb, unit) == 2 &&
		  strcmp(unit, "kB") == 0 && kb > 0 && kb <= (1ull << 30) && !(kb & (kb - 1));
	free(buf);
	if (!ok)
		return corrupt(root, path, "no valid \"KernelPageSize: N kB\" line");
	*ret = kb * 1024;
	return NULL;
}

struct kx_error *kx_sysinfo_page_size(const struct kx_root *root, const struct kx_arch *arch,
				      uint64_t *ret)
{
	if (root_is_real(root)) {
		long ps = sysconf(_SC_PAGESIZE);
		KX_CHECK(ps > 0, KX_ERROR_OS, "sysconf(_SC_PAGESIZE) failed");
		*ret = (uint64_t)ps;
		return NULL;
	}
	struct kx_error *err = page_size_from_smaps(root, ret);
	if (is_enoent(err)) {
		kx_error_destroy(err);
		*ret = arch->default_page_size;
		return NULL;
	}
	return err;
}

struct kx_error *kx_sysinfo_kexec_loaded(const struct kx_root *root, bool crash, bool *ret)
{
	uint64_t v;
	KX_TRY(kx_root_read_u64(root, crash ? "/sys/kernel/kexec_crash_loaded"
					    : "/sys/kernel/kexec_loaded", &v));
	*ret = v != 0;
	return NULL;
}

struct kx_error *kx_sysinfo_crash_size(const struct kx_root *root, uint64_t *ret)
{
	return kx_root_read_u64(root, "/sys/kernel/kexec_crash_size", ret);
}

struct kx_error *kx_sysinfo_crash_regions(const struct kx_root *root, struct kx_ranges *ret)
{
	struct kx_iomem *iomem;
	KX_TRY(kx_iomem_read(root, &iomem));
	struct kx_error *err = kx_iomem_crash_kernel(iomem, ret);
	kx_iomem_destroy(iomem);
	return err;
}

struct kx_error *kx_sysinfo_vmcoreinfo(const struct kx_root *root, uint64_t *ret_addr,
				       uint64_t *ret_size)
{
	static const char path[] = "/sys/kernel/vmcoreinfo";
	char *buf;
	unsigned long long addr, size;
	int n = 0;
	KX_TRY(kx_root_read_file(root, path, SMALL_FILE_MAX, &buf, NULL));
	bool ok = sscanf(buf, "0x%llx %llx%n", &addr, &size, &n) == 2 &&
		  (buf[n] == '\0' || (buf[n] == '\n' && buf[n + 1] == '\0')) && size > 0 &&
		  addr <= UINT64_MAX - size;
	free(buf);
	if (!ok)
		return corrupt(root, path, "expected \"0xADDRESS SIZE\"");
	*ret_addr = addr;
	*ret_size = size;
	return NULL;
}

static struct kx_error *cpulist_item(const char **pp, unsigned int *lo, unsigned int *hi)
{
	char *end;
	errno = 0;
	unsigned long a = strtoul(*pp, &end, 10), b;
	KX_CHECK(end != *pp && **pp >= '0' && **pp <= '9' && !errno, KX_ERROR_CORRUPT, "bad number");
	b = a;
	if (*end == '-') {
		const char *q = end + 1;
		b = strtoul(q, &end, 10);
		KX_CHECK(end != q && *q >= '0' && *q <= '9' && !errno, KX_ERROR_CORRUPT, "bad range");
	}
	KX_CHECK(a <= b && b < MAX_CPUS, KX_ERROR_CORRUPT, "CPU range %lu-%lu out of bounds", a, b);
	*lo = (unsigned int)a, *hi = (unsigned int)b;
	*pp = end;
	return NULL;
}

struct kx_error *kx_sysinfo_parse_cpulist(const char *text, const char *name,
					  unsigned int **ret, size_t *ret_count)
{
	unsigned char *mark = calloc(MAX_CPUS, 1);
	if (!mark)
		return &kx_enomem;
	const char *p = text;
	struct kx_error *err = NULL;
	while (!err && *p && *p != '\n') {
		unsigned int lo, hi;
		err = cpulist_item(&p, &lo, &hi);
		for (unsigned int c = lo; !err && c <= hi; c++)
			mark[c] = 1;
		if (!err && *p == ',')
			p++;
		else if (!err && *p && !(*p == '\n' && p[1] == '\0'))
			err = kx_error_create(KX_ERROR_CORRUPT, "unexpected '%c'", *p);
	}
	size_t n = 0;
	unsigned int *cpus = err ? NULL : malloc(MAX_CPUS * sizeof(*cpus));
	if (!err && !cpus)
		err = &kx_enomem;
	for (unsigned int c = 0; !err && c < MAX_CPUS; c++)
		if (mark[c])
			cpus[n++] = c;
	free(mark);
	if (err) {
		free(cpus);
		return kx_error_prefix(err, "%s", name);
	}
	*ret = cpus;
	*ret_count = n;
	return NULL;
}

static struct kx_error *read_cpus(const struct kx_root *root, unsigned int **ret, size_t *n)
{
	const char *path = "/sys/devices/system/cpu/present";
	char *buf, *full = NULL;
	struct kx_error *err = kx_root_read_file(root, path, SMALL_FILE_MAX, &buf, NULL);
	if (is_enoent(err)) {
		kx_error_destroy(err);
		path = "/sys/devices/system/cpu/possible";
		err = kx_root_read_file(root, path, SMALL_FILE_MAX, &buf, NULL);
	}
	if (err)
		return kx_error_prefix(err, "Sysfs does not seem to be mounted");
	err = kx_root_path(root, path, &full);
	if (!err)
		err = kx_sysinfo_parse_cpulist(buf, full, ret, n);
	free(full);
	free(buf);
	return err;
}

// One CPU's note; *present false when its crash_notes file does not exist.
static struct kx_error *read_note(const struct kx_root *root, unsigned int cpu,
				  struct kx_crash_note *ret, bool *present)
{
	char path[96];
	uint64_t addr, size = DEFAULT_CRASH_NOTES_SIZE;
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes", cpu);
	struct kx_error *err = read_hex(root, path, &addr);
	if (is_enoent(err)) {
		kx_error_destroy(err);
		*present = false;
		return NULL;
	}
	KX_TRY(err);
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/crash_notes_size", cpu);
	err = kx_root_read_u64(root, path, &size);
	if (is_enoent(err))
		kx_error_destroy(err), err = NULL, size = DEFAULT_CRASH_NOTES_SIZE;
	KX_TRY(err);
	KX_CHECK(size > 0 && addr <= UINT64_MAX - size, KX_ERROR_CORRUPT,
		 "cpu%u: crash note 0x%" PRIx64 "+0x%" PRIx64 " is invalid", cpu, addr, size);
	*ret = (struct kx_crash_note){ cpu, addr, size };
	*present = true;
	return NULL;
}

struct kx_error *kx_sysinfo_crash_notes(const struct kx_root *root,
					struct kx_crash_note **ret, size_t *ret_count)
{
	unsigned int *cpus;
	size_t ncpus, n = 0;
	KX_TRY(read_cpus(root, &cpus, &ncpus));
	struct kx_crash_note *notes = calloc(ncpus ? ncpus : 1, sizeof(*notes));
	struct kx_error *err = notes ? NULL : &kx_enomem;
	for (size_t i = 0; !err && i < ncpus; i++) {
		bool present;
		err = read_note(root, cpus[i], &notes[n], &present);
		n += !err && present;
	}
	free(cpus);
	if (err) {
		free(notes);
		return err;
	}
	*ret = notes;
	*ret_count = n;
	return NULL;
}

// A one-line file without its newline.
static struct kx_error *read_line(const struct kx_root *root, const char *path, char **ret)
{
	char *buf;
	size_t size;
	KX_TRY(kx_root_read_file(root, path, SMALL_FILE_MAX, &buf, &size));
	if (size && buf[size - 1] == '\n')
		buf[size - 1] = '\0';
	*ret = buf;
	return NULL;
}

struct kx_error *kx_sysinfo_cmdline(const struct kx_root *root, char **ret)
{
	return read_line(root, "/proc/cmdline", ret);
}

bool kx_sysinfo_mem_type(const char *name, enum kx_mem_type *ret)
{
	static const struct {
		const char *name;
		enum kx_mem_type type;
	} types[] = {
		{ "System RAM", KX_MEM_RAM },
		{ "reserved", KX_MEM_RESERVED }, // compared case-insensitively
		{ "ACPI Tables", KX_MEM_ACPI },
		{ "ACPI Non-volatile Storage", KX_MEM_ACPI_NVS },
		{ "Uncached RAM", KX_MEM_UNCACHED },
		{ "Persistent Memory (legacy)", KX_MEM_PRAM },
		{ "Persistent Memory", KX_MEM_PMEM },
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(types); i++) {
		if (strcasecmp(types[i].name, name) == 0) {
			*ret = types[i].type;
			return true;
		}
	}
	return false;
}

// Entry @p i: *state 0 = no such entry, 1 = entry, 2 = entry of a type
// that is not memory (skipped, as upstream).
static struct kx_error *memmap_entry(const struct kx_root *root, unsigned int i,
				     struct kx_mem_entry *ret, int *state)
{
	char path[80], *type;
	uint64_t start, last;
	enum kx_mem_type t = KX_MEM_RESERVED;
	snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/start", i);
	struct kx_error *err = kx_root_read_u64(root, path, &start);
	if (is_enoent(err)) {
		kx_error_destroy(err);
		*state = 0;
		return NULL;
	}
	KX_TRY(err);
	snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/end", i);
	KX_TRY(kx_root_read_u64(root, path, &last));
	if (last < start)
		return corrupt(root, path, "end below start");
	snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/type", i);
	KX_TRY(read_line(root, path, &type));
	*state = kx_sysinfo_mem_type(type, &t) ? 1 : 2;
	free(type);
	// Inclusive end -> exclusive; ffff...ffff clamps to the top (ranges.h).
	*ret = (struct kx_mem_entry){ start, last == UINT64_MAX ? UINT64_MAX : last + 1, t };
	return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct kx_mem_entry *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

struct kx_error *kx_sysinfo_firmware_memmap(const struct kx_root *root,
					    struct kx_mem_map *ret)
{
	KX_CHECK(kx_root_exists(root, "/sys/firmware/memmap/0"), KX_ERROR_NOT_FOUND,
		 "no /sys/firmware/memmap");
	struct kx_mem_entry *e = calloc(MAX_MEMMAP, sizeof(*e));
	size_t n = 0;
	int state = 1;
	struct kx_error *err = e ? NULL : &kx_enomem;
	for (unsigned int i = 0; !err && state && i < MAX_MEMMAP; i++) {
		err = memmap_entry(root, i, &e[n], &state);
		n += !err && state == 1;
	}
	if (err) {
		free(e);
		return err;
	}
	qsort(e, n, sizeof(*e), cmp_entry);
	*ret = (struct kx_mem_map){ e, n };
	return NULL;
}

// A typed map from the top-level /proc/iomem entries, for machines
// without /sys/firmware/memmap (LoongArch).
static struct kx_error *memmap_from_iomem(const struct kx_iomem *iomem, struct kx_mem_map *ret)
{
	size_t n = 0, count = kx_iomem_count(iomem);
	struct kx_mem_entry *e = calloc(count ? count : 1, sizeof(*e));
	if (!e)
		return &kx_enomem;
	for (const struct kx_iomem_entry *it = kx_iomem_first(iomem); it; it = it->next_sibling) {
		enum kx_mem_type t;
		if (kx_sysinfo_mem_type(it->name, &t))
			e[n++] = (struct kx_mem_entry){ it->start, it->end, t };
	}
	*ret = (struct kx_mem_map){ e, n };
	return NULL;
}

// System RAM minus the "Reserved" entries nested in it (memblock
// reservations that LoongArch kernels list as children).
static struct kx_error *usable_ram(struct kx_sysinfo *si)
{
	KX_TRY(kx_ranges_copy(&si->system_ram, &si->usable_ram));
	const struct kx_iomem_entry *e = NULL;
	while ((e = kx_iomem_find_next(si->iomem, e, "Reserved"))) {
		if (e->depth > 0)
			KX_TRY(kx_ranges_exclude(&si->usable_ram, e->start, e->end));
	}
	return NULL;
}

static struct kx_error *fill(const struct kx_root *root, const struct kx_arch *arch,
			     struct kx_sysinfo *si)
{
	KX_TRY(kx_sysinfo_page_size(root, arch, &si->page_size));
	KX_TRY(kx_iomem_read(root, &si->iomem));
	KX_TRY(kx_iomem_system_ram(si->iomem, &si->system_ram));
	KX_TRY(usable_ram(si));
	KX_TRY(kx_iomem_crash_kernel(si->iomem, &si->crash_regions));
	size_t n = kx_ranges_count(&si->crash_regions);
	if (n)
		si->crash_load = *kx_ranges_at(&si->crash_regions, n - 1);
	struct kx_error *err = kx_sysinfo_firmware_memmap(root, &si->memmap);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		err = memmap_from_iomem(si->iomem, &si->memmap);
	return err;
}

struct kx_error *kx_sysinfo_read(const struct kx_root *root, const struct kx_arch *arch,
				 struct kx_sysinfo **ret)
{
	struct kx_sysinfo *si = calloc(1, sizeof(*si));
	if (!si)
		return &kx_enomem;
	kx_ranges_init(&si->system_ram);
	kx_ranges_init(&si->usable_ram);
	kx_ranges_init(&si->crash_regions);
	struct kx_error *err = fill(root, arch, si);
	if (err) {
		kx_sysinfo_destroy(si);
		return err;
	}
	*ret = si;
	return NULL;
}

void kx_sysinfo_destroy(struct kx_sysinfo *si)
{
	if (!si)
		return;
	kx_iomem_destroy(si->iomem);
	kx_ranges_deinit(&si->system_ram);
	kx_ranges_deinit(&si->usable_ram);
	kx_ranges_deinit(&si->crash_regions);
	free(si->memmap.entries);
	free(si);
}

static struct kx_error *kallsyms_scan(const char *buf, const char *symbol, uint64_t *ret)
{
	size_t len = strlen(symbol);
	for (const char *line = buf; *line;) {
		const char *nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) : strlen(line);
		// "%px %c %s": 16 hex digits, space, type, space, name[\t[module]]
		if (l >= 19 + len && line[16] == ' ' && line[18] == ' ' &&
		    strncmp(line + 19, symbol, len) == 0 &&
		    (l == 19 + len || line[19 + len] == '\t')) {
			char hex[17];
			memcpy(hex, line, 16);
			hex[16] = '\0';
			char *end;
			uint64_t v = strtoull(hex, &end, 16);
			KX_CHECK(*end == '\0', KX_ERROR_CORRUPT, "bad address for %s", symbol);
			KX_CHECK(v != 0, KX_ERROR_UNSUPPORTED,
				 "%s reads 0: kernel addresses are hidden (kptr_restrict)", symbol);
			*ret = v;
			return NULL;
		}
		line += l + (nl != NULL);
	}
	return kx_error_create(KX_ERROR_NOT_FOUND, "symbol %s not found", symbol);
}

struct kx_error *kx_sysinfo_kallsyms(const struct kx_root *root, const char *symbol,
				     uint64_t *ret)
{
	char *buf, *full = NULL;
	KX_TRY(kx_root_read_file(root, "/proc/kallsyms", BIG_FILE_MAX, &buf, NULL));
	struct kx_error *err = kallsyms_scan(buf, symbol, ret);
	free(buf);
	if (err && !kx_root_path(root, "/proc/kallsyms", &full))
		err = kx_error_prefix(err, "%s", full);
	free(full);
	return err;
}
