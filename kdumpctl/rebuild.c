// SPDX-License-Identifier: GPL-2.0-only
// The rebuild decision: see rebuild.h.
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rebuild.h"
#include "root.h"

enum { MAX_WATCHED = 256 };

// The watched paths (system paths, owned), and which must be executable.
struct watch {
	char *paths[MAX_WATCHED];
	bool must_exec[MAX_WATCHED];
	bool optional[MAX_WATCHED]; // fstab, hooks: no error when missing
	size_t count;
};

static void watch_deinit(struct watch *w)
{
	for (size_t i = 0; i < w->count; i++)
		free(w->paths[i]);
}

static struct kx_error *watch_add(struct watch *w, const char *path, size_t len, bool exec,
				  bool optional)
{
	KX_CHECK(w->count < MAX_WATCHED, KX_ERROR_OVERFLOW, "more than %d files to watch",
		 MAX_WATCHED);
	char *p = strndup(path, len);
	if (!p)
		return &kx_enomem;
	w->paths[w->count] = p;
	w->must_exec[w->count] = exec;
	w->optional[w->count] = optional;
	w->count++;
	return NULL;
}

// Every whitespace-separated word of @p list (bash word splitting).
static struct kx_error *watch_words(struct watch *w, const char *list, bool exec)
{
	if (!list)
		return NULL;
	for (const char *p = list; *p;) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, " \t\n");
		if (n)
			KX_TRY(watch_add(w, p, n, exec, false));
		p += n;
	}
	return NULL;
}

static bool stat_under(const struct kx_root *root, const char *path, bool follow,
		       struct stat *st)
{
	char *full;
	struct kx_error *err = kx_root_path(root, path, &full);
	if (err) {
		kx_error_destroy(err);
		return false;
	}
	int rc = follow ? stat(full, st) : lstat(full, st);
	free(full);
	return rc == 0;
}

// `type -P` of the collector's first word, under the root.
static struct kx_error *watch_collector(struct watch *w, const struct kx_root *root,
					const char *collector)
{
	static const char *const path[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					    "/usr/bin", "/sbin", "/bin" };
	size_t n = strcspn(collector + strspn(collector, " \t"), " \t");
	const char *word = collector + strspn(collector, " \t");
	if (n == 0 || n > 255)
		return NULL;
	if (memchr(word, '/', n))
		return watch_add(w, word, n, false, false);
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		char buf[4096];
		snprintf(buf, sizeof(buf), "%s/%.*s", path[i], (int)n, word);
		struct stat st;
		if (stat_under(root, buf, true, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return watch_add(w, buf, strlen(buf), false, false);
	}
	return NULL;
}

// /etc/kdump/<dir>.d itself and the executables in it, when it exists.
static struct kx_error *watch_hooks(struct watch *w, const struct kx_root *root,
				    const char *dir)
{
	char *full;
	KX_TRY(kx_root_path(root, dir, &full));
	DIR *d = opendir(full);
	free(full);
	if (!d)
		return NULL;
	struct kx_error *err = watch_add(w, dir, strlen(dir), false, true);
	for (struct dirent *de; !err && (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		char buf[4096];
		snprintf(buf, sizeof(buf), "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat_under(root, buf, true, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			err = watch_add(w, buf, strlen(buf), false, true);
	}
	closedir(d);
	return err;
}

static struct kx_error *collect(struct watch *w, const struct kx_root *root,
				const struct kx_rebuild_input *in)
{
	const struct kx_conf_settings *s = in->settings;
	KX_TRY(watch_add(w, in->conf_path, strlen(in->conf_path), false, false));
	KX_TRY(watch_add(w, in->kernel, strlen(in->kernel), false, false));
	KX_TRY(watch_words(w, s->kdump_post, true));
	KX_TRY(watch_words(w, s->kdump_pre, true));
	KX_TRY(watch_words(w, s->kdump_emergency, true));
	KX_TRY(watch_words(w, s->extra_bins, true));
	KX_TRY(watch_collector(w, root, s->core_collector));
	struct stat st;
	if (stat_under(root, "/etc/fstab", false, &st))
		KX_TRY(watch_add(w, "/etc/fstab", 10, false, true));
	KX_TRY(watch_hooks(w, root, "/etc/kdump/post.d"));
	return watch_hooks(w, root, "/etc/kdump/pre.d");
}

// check_exist, then check_executable, in upstream's order.
static struct kx_error *check_present(const struct watch *w, const struct kx_root *root)
{
	struct stat st;
	for (size_t i = 0; i < w->count; i++)
		KX_CHECK(w->optional[i] || stat_under(root, w->paths[i], true, &st),
			 KX_ERROR_INVALID_ARG, "Error: %s not found.", w->paths[i]);
	for (size_t i = 0; i < w->count; i++) {
		if (!w->must_exec[i])
			continue;
		char *full;
		KX_TRY(kx_root_path(root, w->paths[i], &full));
		bool ok = access(full, X_OK) == 0;
		free(full);
		KX_CHECK(ok, KX_ERROR_INVALID_ARG, "Error: %s is not executable.", w->paths[i]);
	}
	return NULL;
}

static bool newer(const struct kx_root *root, const char *path, bool follow, time_t than)
{
	struct stat st;
	return stat_under(root, path, follow, &st) && st.st_mtim.tv_sec > than;
}

// The " a b" list of changed files (leading space, as upstream), "" if none.
static struct kx_error *changed_list(const struct watch *w, const struct kx_root *root,
				     time_t than, char **ret)
{
	size_t cap = 1;
	for (size_t i = 0; i < w->count; i++)
		cap += 2 * (strlen(w->paths[i]) + 1);
	char *list = calloc(1, cap);
	if (!list)
		return &kx_enomem;
	for (size_t i = 0; i < w->count; i++) {
		struct stat st;
		bool link = stat_under(root, w->paths[i], false, &st) && S_ISLNK(st.st_mode);
		if (newer(root, w->paths[i], false, than) ||
		    (link && newer(root, w->paths[i], true, than))) {
			strcat(list, " ");
			strcat(list, w->paths[i]);
		}
	}
	*ret = list;
	return NULL;
}

static struct kx_error *decide(const struct watch *w, const struct kx_root *root,
			       const struct kx_rebuild_input *in, struct kx_notes *notes,
			       bool *ret)
{
	KX_TRY(check_present(w, root));
	struct stat st;
	if (!stat_under(root, in->initrd, true, &st)) {
		*ret = true;
		return kx_notes_add(notes, "No kdump initial ramdisk found.");
	}
	char *list;
	KX_TRY(changed_list(w, root, st.st_mtim.tv_sec, &list));
	struct kx_error *err = NULL;
	if (*list)
		err = kx_notes_add(notes, "Detected change(s) in the following file(s): %s", list);
	if (!err && in->settings->force_rebuild)
		err = kx_notes_add(notes, "Force rebuild %s", in->initrd);
	if (!err)
		*ret = *list || in->settings->force_rebuild;
	free(list);
	return err;
}

struct kx_error *kx_rebuild_check(const struct kx_root *root, const struct kx_rebuild_input *in,
				  struct kx_notes *notes, bool *ret)
{
	if (in->settings->force_no_rebuild) {
		*ret = false;
		return NULL;
	}
	struct watch w = { .count = 0 };
	struct kx_error *err = collect(&w, root, in);
	if (!err)
		err = decide(&w, root, in, notes, ret);
	watch_deinit(&w);
	return err;
}
