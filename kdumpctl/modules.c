// SPDX-License-Identifier: GPL-2.0-only
// modules.dep, modules.builtin and sysfs driver chains: see modules.h.
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules.h"
#include "root.h"

enum {
	DEP_MAX = 64 << 20,
	NAME_MAX_LEN = 256,
	MAX_DEPTH = 64, // sysfs nesting and slave recursion
	UNSEEN = 0, VISITING = 1, DONE = 2,
};

static const char *const SUFFIXES[] = { ".ko.xz", ".ko.zst", ".ko.gz", ".ko", NULL };

void kx_modules_name(const char *file, char *buf, size_t cap)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t len = strlen(base);
	for (size_t i = 0; SUFFIXES[i]; i++) {
		size_t sl = strlen(SUFFIXES[i]);
		if (len > sl && strcmp(base + len - sl, SUFFIXES[i]) == 0) {
			len -= sl;
			break;
		}
	}
	if (cap == 0)
		return;
	if (len >= cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++)
		buf[i] = base[i] == '-' ? '_' : base[i];
	buf[len] = '\0';
}

static void module_free(struct kx_module *m)
{
	free(m->name);
	free(m->path);
	for (size_t i = 0; i < m->ndeps; i++)
		free(m->deps[i]);
	free(m->deps);
	kx_notes_deinit(&m->soft_pre);
	kx_notes_deinit(&m->soft_post);
}

void kx_modules_destroy(struct kx_modules *mods)
{
	if (!mods)
		return;
	for (size_t i = 0; i < mods->count; i++)
		module_free(&mods->mods[i]);
	free(mods->mods);
	free(mods->dir);
	kx_notes_deinit(&mods->builtin);
	kx_notes_deinit(&mods->alias_pat);
	kx_notes_deinit(&mods->alias_mod);
	free(mods);
}

// A path from modules.dep must stay inside the modules directory.
static bool safe_path(const char *p)
{
	return *p && *p != '/' && strstr(p, "..") == NULL;
}

static struct kx_error *parse_deps(struct kx_module *m, char *rest, unsigned line)
{
	char *save = NULL;
	for (char *w = strtok_r(rest, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		KX_CHECK(safe_path(w), KX_ERROR_CORRUPT, "modules.dep: line %u: bad path %s",
			 line, w);
		char **deps = realloc(m->deps, (m->ndeps + 1) * sizeof(*deps));
		if (!deps)
			return &kx_enomem;
		m->deps = deps;
		if (!(deps[m->ndeps] = strdup(w)))
			return &kx_enomem;
		m->ndeps++;
	}
	return NULL;
}

static struct kx_error *parse_line(struct kx_modules *mods, char *l, unsigned line, size_t *cap)
{
	char *colon = strchr(l, ':');
	KX_CHECK(colon, KX_ERROR_CORRUPT, "modules.dep: line %u: no ':'", line);
	*colon = '\0';
	KX_CHECK(safe_path(l), KX_ERROR_CORRUPT, "modules.dep: line %u: bad path %s", line, l);
	if (mods->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct kx_module *m = realloc(mods->mods, ncap * sizeof(*m));
		if (!m)
			return &kx_enomem;
		mods->mods = m;
		*cap = ncap;
	}
	struct kx_module *m = &mods->mods[mods->count];
	memset(m, 0, sizeof(*m));
	kx_notes_init(&m->soft_pre);
	kx_notes_init(&m->soft_post);
	char name[NAME_MAX_LEN];
	kx_modules_name(l, name, sizeof(name));
	m->name = strdup(name);
	m->path = strdup(l);
	mods->count++;
	if (!m->name || !m->path)
		return &kx_enomem;
	return parse_deps(m, colon + 1, line);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct kx_module *)a)->name, ((const struct kx_module *)b)->name);
}

static struct kx_error *parse_dep(struct kx_modules *mods, char *text)
{
	size_t cap = 0;
	unsigned line = 0;
	for (char *l = text, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		if (*l)
			KX_TRY(parse_line(mods, l, line, &cap));
	}
	if (mods->count)
		qsort(mods->mods, mods->count, sizeof(*mods->mods), by_name);
	return NULL;
}

static struct kx_module *find_name(struct kx_modules *mods, const char *name);

// kmod compares module names and aliases with '-' read as '_', except
// inside a pattern's [...] (a character class).
static void underscores(char *s)
{
	for (int in_class = 0; *s; s++) {
		if (*s == '[')
			in_class = 1;
		else if (*s == ']')
			in_class = 0;
		else if (*s == '-' && !in_class)
			*s = '_';
	}
}

static struct kx_error *parse_builtin(struct kx_modules *mods, char *l)
{
	char name[NAME_MAX_LEN];
	kx_modules_name(l, name, sizeof(name));
	return kx_notes_add(&mods->builtin, "%s", name);
}

// "softdep NAME pre: A B post: C": the soft lists of NAME, when it is a module.
static struct kx_error *parse_softdep(struct kx_modules *mods, char *l)
{
	char *save = NULL, *kw = strtok_r(l, " \t", &save), *name = strtok_r(NULL, " \t", &save);
	if (!kw || strcmp(kw, "softdep") != 0 || !name)
		return NULL;
	char norm[NAME_MAX_LEN];
	kx_modules_name(name, norm, sizeof(norm));
	struct kx_module *m = find_name(mods, norm);
	struct kx_notes *list = NULL;
	for (char *w = strtok_r(NULL, " \t", &save); w && m; w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "pre:") == 0)
			list = &m->soft_pre;
		else if (strcmp(w, "post:") == 0)
			list = &m->soft_post;
		else if (list)
			KX_TRY(kx_notes_add(list, "%s", w));
	}
	return NULL;
}

// "alias PATTERN MODULE"
static struct kx_error *parse_alias(struct kx_modules *mods, char *l)
{
	char *save = NULL, *kw = strtok_r(l, " \t", &save), *pat = strtok_r(NULL, " \t", &save);
	char *mod = strtok_r(NULL, " \t", &save);
	if (!kw || strcmp(kw, "alias") != 0 || !mod)
		return NULL;
	char norm[NAME_MAX_LEN];
	kx_modules_name(mod, norm, sizeof(norm));
	underscores(pat);
	KX_TRY(kx_notes_add(&mods->alias_pat, "%s", pat));
	return kx_notes_add(&mods->alias_mod, "%s", norm);
}

// Feed each line of the optional file @p name of the modules directory to
// @p parse; comments and blank lines are skipped. A missing file is no
// error: older kernels and minimal systems lack modules.builtin and friends.
static struct kx_error *read_optional(const struct kx_root *root, struct kx_modules *mods,
				      const char *name,
				      struct kx_error *(*parse)(struct kx_modules *, char *))
{
	char *path = NULL, *text;
	if (asprintf(&path, "%s/%s", mods->dir, name) < 0)
		return &kx_enomem;
	struct kx_error *err = kx_root_read_file(root, path, DEP_MAX, &text, NULL);
	free(path);
	if (err) {
		kx_error_destroy(err);
		return NULL;
	}
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l && !err; l = strtok_r(NULL, "\n", &save))
		if (*l != '#')
			err = parse(mods, l);
	free(text);
	return err;
}

static struct kx_error *read_dep_file(const struct kx_root *root, struct kx_modules *mods)
{
	static const char *const bases[] = { "/lib/modules", "/usr/lib/modules", NULL };
	struct kx_error *err = NULL;
	for (size_t i = 0; bases[i]; i++) {
		char *path = NULL, *text;
		kx_error_destroy(err);
		if (asprintf(&path, "%s/%s/modules.dep", bases[i], mods->dir) < 0)
			return &kx_enomem;
		err = kx_root_read_file(root, path, DEP_MAX, &text, NULL);
		free(path);
		if (err)
			continue;
		char *dir = NULL;
		if (asprintf(&dir, "%s/%s", bases[i], mods->dir) < 0) {
			free(text);
			return &kx_enomem;
		}
		free(mods->dir);
		mods->dir = dir;
		err = parse_dep(mods, text);
		free(text);
		return err;
	}
	return err;
}

struct kx_error *kx_modules_read(const struct kx_root *root, const char *kver,
				 struct kx_modules **ret)
{
	KX_CHECK(*kver && !strchr(kver, '/'), KX_ERROR_INVALID_ARG, "bad kernel version %s",
		 kver);
	struct kx_modules *mods = calloc(1, sizeof(*mods));
	if (!mods)
		return &kx_enomem;
	kx_notes_init(&mods->builtin);
	kx_notes_init(&mods->alias_pat);
	kx_notes_init(&mods->alias_mod);
	// dir holds the version until read_dep_file() knows the base.
	mods->dir = strdup(kver);
	struct kx_error *err = mods->dir ? read_dep_file(root, mods) : &kx_enomem;
	if (!err)
		err = read_optional(root, mods, "modules.builtin", parse_builtin);
	if (!err)
		err = read_optional(root, mods, "modules.softdep", parse_softdep);
	if (!err)
		err = read_optional(root, mods, "modules.alias", parse_alias);
	if (err) {
		kx_modules_destroy(mods);
		return err;
	}
	*ret = mods;
	return NULL;
}

static struct kx_module *find_name(struct kx_modules *mods, const char *name)
{
	struct kx_module key = { .name = (char *)(uintptr_t)name };
	if (!mods->count)
		return NULL;
	return bsearch(&key, mods->mods, mods->count, sizeof(key), by_name);
}

static struct kx_error *visit(struct kx_modules *mods, struct kx_module *m,
			      struct kx_notes *order);

// One soft dependency: the module of that name, else every module with
// that alias. One being visited already is a soft cycle (libcrc32c and
// crc32c_intel name each other through aliases): it is skipped.
static struct kx_error *visit_soft(struct kx_modules *mods, const char *name,
				   struct kx_notes *order)
{
	char norm[NAME_MAX_LEN];
	kx_modules_name(name, norm, sizeof(norm));
	underscores(norm);
	struct kx_module *m = find_name(mods, norm);
	if (m)
		return m->state == VISITING ? NULL : visit(mods, m, order);
	for (size_t i = 0; i < mods->alias_pat.count; i++) {
		if (fnmatch(mods->alias_pat.lines[i], norm, 0) != 0)
			continue;
		m = find_name(mods, mods->alias_mod.lines[i]);
		if (m && m->state != VISITING)
			KX_TRY(visit(mods, m, order));
	}
	return NULL;
}

// Depth-first, dependencies first; VISITING catches cycles.
static struct kx_error *visit(struct kx_modules *mods, struct kx_module *m,
			      struct kx_notes *order)
{
	if (m->state == DONE || kx_notes_contains(order, m->path))
		return NULL;
	KX_CHECK(m->state != VISITING, KX_ERROR_CORRUPT, "modules.dep: %s depends on itself",
		 m->name);
	m->state = VISITING;
	for (size_t i = 0; i < m->soft_pre.count; i++)
		KX_TRY(visit_soft(mods, m->soft_pre.lines[i], order));
	for (size_t i = 0; i < m->ndeps; i++) {
		char name[NAME_MAX_LEN];
		kx_modules_name(m->deps[i], name, sizeof(name));
		struct kx_module *d = find_name(mods, name);
		KX_CHECK(d, KX_ERROR_CORRUPT, "modules.dep: %s needs %s, which is not listed",
			 m->name, m->deps[i]);
		KX_TRY(visit(mods, d, order));
	}
	m->state = DONE;
	KX_TRY(kx_notes_add(order, "%s", m->path));
	for (size_t i = 0; i < m->soft_post.count; i++)
		KX_TRY(visit_soft(mods, m->soft_post.lines[i], order));
	return NULL;
}

struct kx_error *kx_modules_resolve(struct kx_modules *mods, const char *name,
				    struct kx_notes *order, bool *ret_found)
{
	char norm[NAME_MAX_LEN];
	kx_modules_name(name, norm, sizeof(norm));
	struct kx_module *m = find_name(mods, norm);
	if (!m) {
		*ret_found = kx_notes_contains(&mods->builtin, norm);
		return NULL;
	}
	for (size_t i = 0; i < mods->count; i++)
		mods->mods[i].state = UNSEEN;
	KX_TRY(visit(mods, m, order));
	*ret_found = true;
	return NULL;
}

// The module behind `<dir>/driver`, if that driver is a module.
static struct kx_error *dir_driver(const char *dir, struct kx_notes *names)
{
	char *link = NULL, target[PATH_MAX];
	if (asprintf(&link, "%s/driver/module", dir) < 0)
		return &kx_enomem;
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	free(link);
	if (n <= 0)
		return NULL; // no driver, or a built-in one
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return kx_notes_contains(names, base) ? NULL : kx_notes_add(names, "%s", base);
}

static struct kx_error *chain(const struct kx_root *root, const char *devname, int depth,
			      struct kx_notes *names);

static struct kx_error *slaves(const struct kx_root *root, const char *dir, int depth,
			       struct kx_notes *names)
{
	char *path = NULL;
	if (asprintf(&path, "%s/slaves", dir) < 0)
		return &kx_enomem;
	DIR *d = opendir(path);
	free(path);
	if (!d)
		return NULL;
	struct kx_error *err = NULL;
	for (struct dirent *e = readdir(d); e && !err; e = readdir(d))
		if (e->d_name[0] != '.')
			err = chain(root, e->d_name, depth + 1, names);
	closedir(d);
	return err;
}

static struct kx_error *chain(const struct kx_root *root, const char *devname, int depth,
			      struct kx_notes *names)
{
	KX_CHECK(depth < MAX_DEPTH && *devname && !strchr(devname, '/') &&
			 strcmp(devname, "..") != 0,
		 KX_ERROR_INVALID_ARG, "bad block device name %s", devname);
	char *sys = NULL, *full, real[PATH_MAX], sysroot[PATH_MAX];
	if (asprintf(&sys, "/sys/class/block/%s", devname) < 0)
		return &kx_enomem;
	struct kx_error *err = kx_root_path(root, sys, &full);
	free(sys);
	KX_TRY(err);
	char *ok = realpath(full, real);
	free(full);
	KX_CHECK(ok, KX_ERROR_NOT_FOUND, "no block device %s in sysfs", devname);
	KX_TRY(kx_root_path(root, "/sys", &full));
	ok = realpath(full, sysroot);
	free(full);
	KX_CHECK(ok, KX_ERROR_NOT_FOUND, "no sysfs");
	size_t stop = strlen(sysroot);
	// Walk up the device's sysfs directories; a link out of the root stops here.
	if (strncmp(real, sysroot, stop) == 0)
		err = slaves(root, real, depth, names);
	for (char *end; !err && strncmp(real, sysroot, stop) == 0 && strlen(real) > stop;) {
		err = dir_driver(real, names);
		end = strrchr(real, '/');
		*end = '\0';
	}
	return err;
}

struct kx_error *kx_modules_block_drivers(const struct kx_root *root, const char *devname,
					  struct kx_notes *names)
{
	return chain(root, devname, 0, names);
}
