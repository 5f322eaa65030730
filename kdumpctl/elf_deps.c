// SPDX-License-Identifier: GPL-2.0-only
// A program's interpreter and libraries: see elf_deps.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_deps.h"
#include "root.h"

enum { SHEBANG_MAX = 256, INTERP_MAX = 4096 };

void kx_elf_deps_deinit(struct kx_elf_deps *deps)
{
	free(deps->interp);
	kx_notes_deinit(&deps->needed);
	kx_notes_deinit(&deps->runpath);
	deps->interp = NULL;
}

// `#!/bin/sh -e` gives "/bin/sh"; anything else leaves interp NULL.
static struct kx_error *shebang(int fd, const char *path, struct kx_elf_deps *deps)
{
	char buf[SHEBANG_MAX + 1];
	ssize_t n = pread(fd, buf, SHEBANG_MAX, 0);
	if (n < 0)
		return kx_error_os(errno, path, "cannot read %s", path);
	buf[n] = '\0';
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return NULL;
	char *p = buf + 2 + strspn(buf + 2, " \t");
	p[strcspn(p, " \t\n")] = '\0';
	if (*p == '/' && !(deps->interp = strdup(p)))
		return &kx_enomem;
	return NULL;
}

static struct kx_error *add_runpath(struct kx_elf_deps *deps, const char *value)
{
	char *copy = strdup(value), *save = NULL;
	if (!copy)
		return &kx_enomem;
	struct kx_error *err = NULL;
	// $ORIGIN and friends name the program's own place: not expanded, so skipped.
	for (char *d = strtok_r(copy, ":", &save); d && !err; d = strtok_r(NULL, ":", &save))
		if (*d == '/')
			err = kx_notes_add(&deps->runpath, "%s", d);
	free(copy);
	return err;
}

static struct kx_error *read_interp(Elf *elf, const char *path, struct kx_elf_deps *deps)
{
	size_t phnum, size;
	KX_CHECK(elf_getphdrnum(elf, &phnum) == 0, KX_ERROR_CORRUPT, "%s: %s", path,
		 elf_errmsg(-1));
	const char *raw = elf_rawfile(elf, &size);
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		KX_CHECK(gelf_getphdr(elf, (int)i, &ph), KX_ERROR_CORRUPT, "%s: %s", path,
			 elf_errmsg(-1));
		if (ph.p_type != PT_INTERP)
			continue;
		KX_CHECK(raw && ph.p_offset < size && ph.p_filesz <= size - ph.p_offset &&
				 ph.p_filesz > 1 && ph.p_filesz < INTERP_MAX,
			 KX_ERROR_CORRUPT, "%s: PT_INTERP out of the file", path);
		deps->interp = strndup(raw + ph.p_offset, ph.p_filesz);
		return deps->interp ? NULL : &kx_enomem;
	}
	return NULL;
}

// DT_NEEDED, DT_RUNPATH and DT_RPATH of one SHT_DYNAMIC section.
static struct kx_error *read_dynamic(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
				     const char *path, struct kx_elf_deps *deps)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	KX_CHECK(data, KX_ERROR_CORRUPT, "%s: dynamic section: %s", path, elf_errmsg(-1));
	size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	const char *rpath = NULL, *runpath = NULL;
	for (size_t i = 0; i < count; i++) {
		GElf_Dyn dyn;
		if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH)
			continue;
		const char *s = elf_strptr(elf, sh->sh_link, dyn.d_un.d_val);
		KX_CHECK(s, KX_ERROR_CORRUPT, "%s: dynamic string out of its table", path);
		if (dyn.d_tag == DT_NEEDED)
			KX_TRY(kx_notes_add(&deps->needed, "%s", s));
		else if (dyn.d_tag == DT_RPATH)
			rpath = s;
		else
			runpath = s;
	}
	// ld.so ignores DT_RPATH when DT_RUNPATH is present.
	return runpath ? add_runpath(deps, runpath) : rpath ? add_runpath(deps, rpath) : NULL;
}

static struct kx_error *read_elf(Elf *elf, const char *path, struct kx_elf_deps *deps)
{
	GElf_Ehdr eh;
	KX_CHECK(gelf_getehdr(elf, &eh), KX_ERROR_CORRUPT, "%s: %s", path, elf_errmsg(-1));
	deps->elf = true;
	deps->elf_class = gelf_getclass(elf);
	deps->machine = eh.e_machine;
	KX_TRY(read_interp(elf, path, deps));
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		KX_CHECK(gelf_getshdr(scn, &sh), KX_ERROR_CORRUPT, "%s: %s", path, elf_errmsg(-1));
		if (sh.sh_type == SHT_DYNAMIC)
			return read_dynamic(elf, scn, &sh, path, deps);
	}
	return NULL;
}

static struct kx_error *read_fd(int fd, const char *path, struct kx_elf_deps *deps)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kx_error_create(KX_ERROR_UNSUPPORTED, "libelf: %s", elf_errmsg(-1));
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return kx_error_create(KX_ERROR_CORRUPT, "%s: %s", path, elf_errmsg(-1));
	struct kx_error *err = elf_kind(elf) == ELF_K_ELF ? read_elf(elf, path, deps)
							  : shebang(fd, path, deps);
	elf_end(elf);
	return err;
}

struct kx_error *kx_elf_deps_read(const char *path, struct kx_elf_deps *ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, path, "cannot open %s", path);
	struct kx_elf_deps deps = { .elf = false };
	kx_notes_init(&deps.needed);
	kx_notes_init(&deps.runpath);
	struct kx_error *err = read_fd(fd, path, &deps);
	close(fd);
	if (err) {
		kx_elf_deps_deinit(&deps);
		return err;
	}
	*ret = deps;
	return NULL;
}

// Whether @p full is an ELF file the program can load (same class and machine).
static bool loadable(const char *full, const struct kx_elf_deps *deps)
{
	struct stat st;
	if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	struct kx_elf_deps lib;
	struct kx_error *err = kx_elf_deps_read(full, &lib);
	if (err) {
		kx_error_destroy(err);
		return false;
	}
	bool ok = lib.elf && lib.elf_class == deps->elf_class && lib.machine == deps->machine;
	kx_elf_deps_deinit(&lib);
	return ok;
}

static struct kx_error *try_dir(const struct kx_root *root, const char *dir, const char *name,
				const struct kx_elf_deps *deps, char **ret)
{
	char *sys = NULL, *full;
	if (asprintf(&sys, "%s%s%s", dir, *dir ? "/" : "", name) < 0)
		return &kx_enomem;
	struct kx_error *err = kx_root_path(root, sys, &full);
	if (err) {
		free(sys);
		return err;
	}
	bool ok = loadable(full, deps);
	free(full);
	if (ok)
		*ret = sys;
	else
		free(sys);
	return NULL;
}

struct kx_error *kx_elf_deps_find(const struct kx_root *root, const struct kx_elf_deps *deps,
				  const struct kx_notes *dirs, const char *name, char **ret)
{
	char *found = NULL;
	if (strchr(name, '/'))
		KX_TRY(try_dir(root, "", name, deps, &found));
	for (size_t i = 0; !found && !strchr(name, '/') && i < deps->runpath.count; i++)
		KX_TRY(try_dir(root, deps->runpath.lines[i], name, deps, &found));
	for (size_t i = 0; !found && !strchr(name, '/') && i < dirs->count; i++)
		KX_TRY(try_dir(root, dirs->lines[i], name, deps, &found));
	KX_CHECK(found, KX_ERROR_NOT_FOUND, "library %s not found", name);
	*ret = found;
	return NULL;
}
