// SPDX-License-Identifier: GPL-2.0-only
// A kernel module's debuginfo, relocated to the dump: see module_debuginfo.h.
#include "config.h"

#include <dirent.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module_debuginfo.h"
#include "root.h"

// Below the root, followed by the release: searched in this order.
static const char *const search_dirs[] = {
	"/usr/lib/debug/lib/modules/",
	"/lib/modules/",
};

// What may follow a module's name in its file name.
static const char *const suffixes[] = { ".ko.debug", ".ko.xz", ".ko.gz", ".ko.zst", ".ko" };

// Module names treat '-' and '_' alike (modprobe(8)).
static bool same_module(const char *a, size_t alen, const char *b)
{
	if (alen != strlen(b))
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
		if (x != y)
			return false;
	}
	return true;
}

bool kx_module_debuginfo_same_name(const char *a, const char *b)
{
	return same_module(a, strlen(a), b);
}

static bool file_matches(const char *file, const char *name)
{
	size_t flen = strlen(file);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t slen = strlen(suffixes[i]);
		if (flen > slen && !strcmp(file + flen - slen, suffixes[i]))
			return same_module(file, flen - slen, name);
	}
	return false;
}

// Depth-first below @dir (sorted order would cost memory; the first match
// in readdir order is taken, and a kernel has one file per module name).
// *ret stays NULL when nothing matches.
static struct kx_error *search(const char *dir, const char *name, int depth, char **ret)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;  // missing or unreadable: nothing there
	struct kx_error *err = NULL;
	struct dirent *e;
	while (!err && !*ret && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[PATH_MAX];
		int n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;  // cannot be opened anyway
		bool is_dir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN) {
			DIR *probe = opendir(path);
			is_dir = probe != NULL;
			if (probe)
				closedir(probe);
		}
		if (is_dir && depth < KX_MODULE_SEARCH_DEPTH)
			err = search(path, name, depth + 1, ret);
		else if (!is_dir && file_matches(e->d_name, name) && !(*ret = strdup(path)))
			err = &kx_enomem;
	}
	closedir(d);
	return err;
}

struct kx_error *kx_module_debuginfo_find(const struct kx_root *root, const char *release,
					  const char *name, char **ret)
{
	KX_CHECK(release[0] && !strchr(release, '/') && strcmp(release, "..") &&
		 strcmp(release, "."), KX_ERROR_INVALID_ARG,
		 "kernel release '%s' cannot name a modules directory", release);
	char *dirs[sizeof(search_dirs) / sizeof(search_dirs[0])] = { 0 };
	char *found = NULL;
	struct kx_error *err = NULL;
	for (size_t i = 0; !err && !found && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char rel[512];
		int n = snprintf(rel, sizeof(rel), "%s%s", search_dirs[i], release);
		if (n < 0 || (size_t)n >= sizeof(rel)) {
			err = kx_error_create(KX_ERROR_INVALID_ARG, "kernel release '%s' is too long",
					      release);
			break;
		}
		err = kx_root_path(root, rel, &dirs[i]);
		if (!err)
			err = search(dirs[i], name, 0, &found);
	}
	if (!err && !found)
		err = kx_error_create(KX_ERROR_NOT_FOUND, "no debuginfo for module %s in %s, %s",
				      name, dirs[0], dirs[1]);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		free(dirs[i]);
	if (err) {
		free(found);
		return err;
	}
	*ret = found;
	return NULL;
}

struct kx_module_debuginfo {
	char *path;
	struct kx_module_section *sections;
	size_t nsections;
	char *debuginfo_path;  // libdwfl's search path for separate debug files
	Dwfl_Callbacks callbacks;
	Dwfl *dwfl;
	Dwarf *dw;
	uint64_t bias;
};

// libdwfl asks for the module's file: the one found by name.
static int find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
		    char **file_name, Elf **elfp)
{
	(void)mod, (void)modname, (void)base;
	const struct kx_module_debuginfo *di = *userdata;
	*elfp = NULL;
	char *name = strdup(di->path);
	if (!name)
		return -1;
	int fd = open(di->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(name);
		return -1;
	}
	*file_name = name;  // libdwfl frees it
	return fd;
}

// libdwfl asks once per allocated section where it was loaded.
static int section_address(Dwfl_Module *mod, void **userdata, const char *modname,
			   Dwarf_Addr base, const char *secname, GElf_Word shndx,
			   const GElf_Shdr *shdr, Dwarf_Addr *addr)
{
	(void)mod, (void)modname, (void)base, (void)shndx, (void)shdr;
	const struct kx_module_debuginfo *di = *userdata;
	for (size_t i = 0; i < di->nsections; i++) {
		if (!strcmp(di->sections[i].name, secname)) {
			*addr = di->sections[i].addr;
			return DWARF_CB_OK;
		}
	}
	*addr = (Dwarf_Addr)-1;  // not loaded (.modinfo, discarded .exit.text...)
	return DWARF_CB_OK;
}

void kx_module_debuginfo_destroy(struct kx_module_debuginfo *di)
{
	if (!di)
		return;
	if (di->dwfl)
		dwfl_end(di->dwfl);
	for (size_t i = 0; i < di->nsections; i++)
		free(di->sections[i].name);
	free(di->sections);
	free(di->debuginfo_path);
	free(di->path);
	free(di);
}

static struct kx_error *copy_sections(struct kx_module_debuginfo *di,
				      const struct kx_module_section *sections, size_t n)
{
	KX_CHECK(n <= KX_MODULE_MAX_SECTIONS, KX_ERROR_CORRUPT, "%zu sections is too many", n);
	di->sections = calloc(n ? n : 1, sizeof(*di->sections));
	if (!di->sections)
		return &kx_enomem;
	for (size_t i = 0; i < n; i++) {
		di->sections[i].addr = sections[i].addr;
		di->sections[i].name = strdup(sections[i].name);
		if (!di->sections[i].name)
			return &kx_enomem;
		di->nsections = i + 1;
	}
	return NULL;
}

// Separate debug files: beside the file, in .debug/, and under the
// root's /usr/lib/debug (dwfl_standard_find_debuginfo(3)'s path).
static struct kx_error *debug_path(struct kx_module_debuginfo *di, const struct kx_root *root)
{
	char *dir;
	KX_TRY(kx_root_path(root, "/usr/lib/debug", &dir));
	// libdwfl reads a relative entry as relative to the module's own
	// directory: a relative $KX_ROOT must become absolute.
	char *abs = dir[0] == '/' ? NULL : realpath(dir, NULL);
	if (abs) {
		free(dir);
		dir = abs;
	}
	size_t n = strlen(dir) + sizeof(":.debug:");
	di->debuginfo_path = malloc(n);
	if (di->debuginfo_path)
		snprintf(di->debuginfo_path, n, ":.debug:%s", dir);
	free(dir);
	return di->debuginfo_path ? NULL : &kx_enomem;
}

static struct kx_error *load(struct kx_module_debuginfo *di, const char *name, uint64_t start,
			     uint64_t end)
{
	di->callbacks = (Dwfl_Callbacks){
		.find_elf = find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = section_address,
		.debuginfo_path = &di->debuginfo_path,
	};
	di->dwfl = dwfl_begin(&di->callbacks);
	if (!di->dwfl)
		return &kx_enomem;
	dwfl_report_begin(di->dwfl);
	Dwfl_Module *mod = dwfl_report_module(di->dwfl, name, start, end);
	KX_CHECK(mod && dwfl_report_end(di->dwfl, NULL, NULL) == 0, KX_ERROR_INVALID_ARG,
		 "module %s at 0x%llx-0x%llx: %s", name, (unsigned long long)start,
		 (unsigned long long)end, dwfl_errmsg(-1));
	void **userdata;
	dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	*userdata = di;
	Dwarf_Addr bias;
	di->dw = dwfl_module_getdwarf(mod, &bias);
	if (!di->dw)
		return kx_error_file(KX_ERROR_NOT_FOUND, di->path,
				     "no DWARF debug information for module %s (%s)", name,
				     dwfl_errmsg(-1));
	di->bias = bias;
	return NULL;
}

struct kx_error *kx_module_debuginfo_open(const struct kx_root *root, const char *name,
					  const char *path, uint64_t start, uint64_t end,
					  const struct kx_module_section *sections,
					  size_t nsections, struct kx_module_debuginfo **ret)
{
	KX_CHECK(start < end, KX_ERROR_CORRUPT, "module %s has an empty core (0x%llx-0x%llx)",
		 name, (unsigned long long)start, (unsigned long long)end);
	struct kx_module_debuginfo *di = calloc(1, sizeof(*di));
	if (!di)
		return &kx_enomem;
	struct kx_error *err = NULL;
	di->path = strdup(path);
	if (!di->path)
		err = &kx_enomem;
	if (!err)
		err = copy_sections(di, sections, nsections);
	if (!err)
		err = debug_path(di, root);
	if (!err)
		err = load(di, name, start, end);
	if (err) {
		kx_module_debuginfo_destroy(di);
		return err;
	}
	*ret = di;
	return NULL;
}

Dwarf *kx_module_debuginfo_dwarf(const struct kx_module_debuginfo *di, uint64_t *bias_ret)
{
	*bias_ret = di->bias;
	return di->dw;
}
