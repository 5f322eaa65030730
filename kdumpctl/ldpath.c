// SPDX-License-Identifier: GPL-2.0-only
// The dynamic linker's search directories: see ldpath.h.
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldpath.h"
#include "root.h"

enum { MAX_DEPTH = 8, CONF_MAX = 1 << 20 };

static const char *const BUILTIN[] = { "/lib64", "/usr/lib64", "/lib", "/usr/lib", NULL };

static struct kx_error *add_dir(struct kx_notes *dirs, const char *dir)
{
	// ld.so ignores trailing slashes; keep one spelling so duplicates match.
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	char *d = strndup(dir, len);
	if (!d)
		return &kx_enomem;
	struct kx_error *err = (*d == '/' && !kx_notes_contains(dirs, d)) ? kx_notes_add(dirs, "%s", d) : NULL;
	free(d);
	return err;
}

static struct kx_error *read_conf(const struct kx_root *root, const char *path, int depth,
				  struct kx_notes *dirs);

// `include PATTERN`: every file the glob matches, under the root.
static struct kx_error *include(const struct kx_root *root, const char *pattern, int depth,
				struct kx_notes *dirs)
{
	char *rel = NULL, *full;
	if (*pattern != '/' && asprintf(&rel, "/etc/%s", pattern) < 0)
		return &kx_enomem;
	struct kx_error *err = kx_root_path(root, rel ? rel : pattern, &full);
	free(rel);
	if (err)
		return err;
	glob_t g;
	int rc = glob(full, 0, NULL, &g);
	free(full);
	if (rc == GLOB_NOMATCH)
		return NULL;
	if (rc != 0)
		return rc == GLOB_NOSPACE ? &kx_enomem : NULL;
	size_t skip = root->prefix ? strlen(root->prefix) : 0;
	for (size_t i = 0; i < g.gl_pathc && !err; i++)
		err = read_conf(root, g.gl_pathv[i] + skip, depth + 1, dirs);
	globfree(&g);
	return err;
}

static struct kx_error *conf_line(const struct kx_root *root, char *line, int depth,
				  struct kx_notes *dirs)
{
	line[strcspn(line, "#")] = '\0';
	char *save = NULL, *word = strtok_r(line, " \t:,", &save);
	if (!word || strcmp(word, "hwcap") == 0)
		return NULL;
	if (strcmp(word, "include") == 0) {
		for (char *p = strtok_r(NULL, " \t", &save); p; p = strtok_r(NULL, " \t", &save))
			KX_TRY(include(root, p, depth, dirs));
		return NULL;
	}
	for (; word; word = strtok_r(NULL, " \t:,", &save))
		KX_TRY(add_dir(dirs, word));
	return NULL;
}

static struct kx_error *read_conf(const struct kx_root *root, const char *path, int depth,
				  struct kx_notes *dirs)
{
	KX_CHECK(depth <= MAX_DEPTH, KX_ERROR_INVALID_ARG,
		 "%s: ld.so.conf includes nest deeper than %d", path, MAX_DEPTH);
	char *text;
	struct kx_error *err = kx_root_read_file(root, path, CONF_MAX, &text, NULL);
	if (err) {
		// A missing or unreadable file adds nothing, as for ldconfig.
		kx_error_destroy(err);
		return NULL;
	}
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l && !err; l = strtok_r(NULL, "\n", &save))
		err = conf_line(root, l, depth, dirs);
	free(text);
	return err;
}

struct kx_error *kx_ldpath_read(const struct kx_root *root, struct kx_notes *ret)
{
	struct kx_notes dirs;
	kx_notes_init(&dirs);
	struct kx_error *err = read_conf(root, "/etc/ld.so.conf", 0, &dirs);
	for (size_t i = 0; BUILTIN[i] && !err; i++)
		err = add_dir(&dirs, BUILTIN[i]);
	if (err) {
		kx_notes_deinit(&dirs);
		return err;
	}
	*ret = dirs;
	return NULL;
}
