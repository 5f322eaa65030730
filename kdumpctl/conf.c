// SPDX-License-Identifier: GPL-2.0-only
// /etc/kdump.conf: the reading rules and parse_config's checks (conf.h).
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "root.h"

// kdump.conf is a few hundred bytes; anything past this is not one.
enum { CONF_MAX_SIZE = 1 << 20 };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static struct kx_error *conf_add(struct kx_conf *conf, const char *opt, size_t opt_len,
				 const char *val, size_t val_len, unsigned int line)
{
	if (conf->count == conf->cap) {
		size_t cap = conf->cap ? conf->cap * 2 : 16;
		struct kx_conf_entry *e = realloc(conf->entries, cap * sizeof(*e));
		if (!e)
			return &kx_enomem;
		conf->entries = e;
		conf->cap = cap;
	}
	char *o = strndup(opt, opt_len), *v = strndup(val, val_len);
	if (!o || !v) {
		free(o);
		free(v);
		return &kx_enomem;
	}
	conf->entries[conf->count++] = (struct kx_conf_entry){ o, v, line };
	return NULL;
}

// One line [s, e): the '#' cut, trimming, the option/value split, the quotes.
static struct kx_error *conf_line(struct kx_conf *conf, const char *s, const char *e,
				  unsigned int line)
{
	const char *hash = memchr(s, '#', (size_t)(e - s));
	if (hash)
		e = hash;
	while (s < e && is_blank(*s))
		s++;
	while (e > s && is_blank(e[-1]))
		e--;
	if (s == e)
		return NULL;
	const char *o_end = s;
	while (o_end < e && !is_blank(*o_end))
		o_end++;
	const char *v = o_end;
	while (v < e && is_blank(*v))
		v++;
	if (e - v >= 2 && *v == '"' && e[-1] == '"') {
		v++;
		e--;
	}
	return conf_add(conf, s, (size_t)(o_end - s), v, (size_t)(e - v), line);
}

struct kx_error *kx_conf_parse(const char *text, size_t size, const char *name,
			       struct kx_conf **ret)
{
	struct kx_conf *conf = calloc(1, sizeof(*conf));
	if (!conf)
		return &kx_enomem;
	const char *p = text, *end = text + size;
	unsigned int line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		line++;
		struct kx_error *err = NULL;
		if (memchr(p, '\0', (size_t)(e - p)))
			err = kx_error_file(KX_ERROR_CORRUPT, name, "line %u: NUL byte", line);
		else
			err = conf_line(conf, p, e, line);
		if (err) {
			kx_conf_destroy(conf);
			return err;
		}
		p = nl ? nl + 1 : end;
	}
	*ret = conf;
	return NULL;
}

struct kx_error *kx_conf_read(const struct kx_root *root, const char *path,
			      struct kx_conf **ret)
{
	char *buf;
	size_t size;
	KX_TRY(kx_root_read_file(root, path, CONF_MAX_SIZE, &buf, &size));
	struct kx_error *err = kx_conf_parse(buf, size, path, ret);
	free(buf);
	return err;
}

void kx_conf_destroy(struct kx_conf *conf)
{
	if (!conf)
		return;
	for (size_t i = 0; i < conf->count; i++) {
		free(conf->entries[i].option);
		free(conf->entries[i].value);
	}
	free(conf->entries);
	free(conf);
}

const char *kx_conf_get(const struct kx_conf *conf, const char *option)
{
	for (size_t i = conf->count; i-- > 0;)
		if (strcmp(conf->entries[i].option, option) == 0)
			return conf->entries[i].value;
	return NULL;
}

// parse_config's state: one slot per option that takes a value, plus the
// dump target (upstream's _fstype/_target pair).
enum slot {
	S_PATH, S_CORE_COLLECTOR, S_KDUMP_POST, S_KDUMP_PRE, S_KDUMP_EMERGENCY,
	S_EXTRA_BINS, S_EXTRA_MODULES, S_FAILURE_ACTION, S_FINAL_ACTION,
	S_FORCE_REBUILD, S_FORCE_NO_REBUILD, S_FENCE_ARGS, S_FENCE_NODES,
	S_AUTO_RESET, S_SSHKEY, S_DRACUT_ARGS, S_DEFAULT, S_COUNT
};

static const char *const slot_names[S_COUNT] = {
	"path", "core_collector", "kdump_post", "kdump_pre", "kdump_emergency",
	"extra_bins", "extra_modules", "failure_action", "final_action",
	"force_rebuild", "force_no_rebuild", "fence_kdump_args", "fence_kdump_nodes",
	"auto_reset_crashkernel", "sshkey", "dracut_args", "default",
};

static const struct {
	const char *name;
	enum kx_conf_target kind;
} target_opts[] = {
	{ "raw", KX_CONF_TARGET_RAW },   { "nfs", KX_CONF_TARGET_NFS },
	{ "ssh", KX_CONF_TARGET_SSH },   { "ext2", KX_CONF_TARGET_FS },
	{ "ext3", KX_CONF_TARGET_FS },   { "ext4", KX_CONF_TARGET_FS },
	{ "xfs", KX_CONF_TARGET_FS },    { "btrfs", KX_CONF_TARGET_FS },
	{ "minix", KX_CONF_TARGET_FS },  { "virtiofs", KX_CONF_TARGET_FS },
};

static const char *const deprecated_opts[] = {
	"net", "options", "link_delay", "disk_timeout", "debug_mem_level", "blacklist", NULL,
};

struct check {
	const struct kx_root *root;
	struct kx_notes *warnings;
	const char *vals[S_COUNT];
	enum kx_conf_target kind;
	const char *fstype;
	const char *target;
	// dracut_args --mount fields, sliced out of the value.
	char mount_dev[256];
	char mount_fs[64];
};

static struct kx_error *invalid_value(const char *opt)
{
	return kx_error_create(KX_ERROR_INVALID_ARG,
			       "Invalid kdump config value for option '%s'", opt);
}

// _set_config for the dump target: fstype first, then the value.
static struct kx_error *set_target(struct check *c, enum kx_conf_target kind,
				   const char *fstype, const char *opt, const char *val)
{
	KX_CHECK(!c->fstype, KX_ERROR_INVALID_ARG, "More than one dump targets specified");
	if (!*val)
		return invalid_value(opt);
	c->kind = kind;
	c->fstype = fstype;
	c->target = val;
	return NULL;
}

static struct kx_error *set_slot(struct check *c, enum slot s, const char *val)
{
	if (!*val)
		return invalid_value(slot_names[s]);
	KX_CHECK(!c->vals[s], KX_ERROR_INVALID_ARG,
		 "Duplicated kdump config value of option %s", slot_names[s]);
	c->vals[s] = val;
	return NULL;
}

// Field N (1-based, split on single spaces) of the text after "--mount ?",
// as upstream's `sed "s/.*--mount .\(.*\)/\1/" | cut -d' ' -f N`.
static void mount_field(const char *val, int n, char *buf, size_t cap)
{
	const char *p = strstr(val, "--mount");
	buf[0] = '\0';
	// Upstream's greedy ".*--mount" takes the last one; there is only one here.
	if (strlen(p) < 9)
		return;
	p += 9;
	for (int i = 1; i < n; i++) {
		p = strchr(p, ' ');
		if (!p)
			return;
		p++;
	}
	size_t len = strcspn(p, " \"'");
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
}

static struct kx_error *check_dracut_args(struct check *c, const char *val)
{
	const char *m = strstr(val, "--mount");
	if (!m)
		return NULL;
	KX_CHECK(!strstr(m + 1, "--mount"), KX_ERROR_INVALID_ARG,
		 "Multiple mount targets specified in one \"dracut_args\".");
	mount_field(val, 1, c->mount_dev, sizeof(c->mount_dev));
	mount_field(val, 3, c->mount_fs, sizeof(c->mount_fs));
	if (!c->mount_fs[0])
		return invalid_value("_fstype");
	return set_target(c, KX_CONF_TARGET_MOUNT, c->mount_fs, "_target", c->mount_dev);
}

static bool file_exists(const struct kx_root *root, const char *path)
{
	struct stat st;
	if (path[0] != '/')
		return stat(path, &st) == 0 && S_ISREG(st.st_mode);
	return kx_root_exists(root, path);
}

static int slot_of(const char *opt)
{
	for (int s = 0; s < S_COUNT; s++)
		if (strcmp(opt, slot_names[s]) == 0)
			return s;
	return -1;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

// One line of parse_config's loop.
static struct kx_error *check_entry(struct check *c, const struct kx_conf_entry *e)
{
	for (size_t i = 0; i < KX_ARRAY_SIZE(target_opts); i++)
		if (strcmp(e->option, target_opts[i].name) == 0)
			return set_target(c, target_opts[i].kind, target_opts[i].name,
					  e->option, e->value);
	KX_CHECK(!in_list(deprecated_opts, e->option), KX_ERROR_INVALID_ARG,
		 "Deprecated kdump config option: %s. Refer to kdump.conf manpage for "
		 "alternatives.", e->option);
	int s = slot_of(e->option);
	KX_CHECK(s >= 0, KX_ERROR_INVALID_ARG, "Invalid kdump config option %s", e->option);
	if (s == S_DRACUT_ARGS)
		KX_TRY(check_dracut_args(c, e->value));
	if (s == S_SSHKEY && *e->value && !file_exists(c->root, e->value)) {
		KX_TRY(kx_notes_add(c->warnings,
				    "WARNING: '%s' doesn't exist, using default value '%s'",
				    e->value, KX_CONF_DEFAULT_SSHKEY));
		KX_TRY(set_slot(c, S_SSHKEY, e->value));
		c->vals[S_SSHKEY] = KX_CONF_DEFAULT_SSHKEY;
		return NULL;
	}
	if (s == S_DEFAULT) {
		KX_TRY(kx_notes_add(c->warnings, "WARNING: Option 'default' was renamed "
				    "'failure_action' and will be removed in the future."));
		KX_TRY(kx_notes_add(c->warnings, "Please update %s to use option "
				    "'failure_action' instead.", KX_CONF_PATH));
		KX_TRY(set_slot(c, S_FAILURE_ACTION, e->value));
	}
	return set_slot(c, (enum slot)s, e->value);
}

static bool one_of(const char *v, const char *const *allowed)
{
	return !v || in_list(allowed, v);
}

// check_failure_action_config, check_final_action_config, the ssh target.
static struct kx_error *check_actions(const struct check *c)
{
	static const char *const failure[] = { "reboot", "halt", "poweroff", "shell",
					       "dump_to_rootfs", NULL };
	static const char *const final[] = { "reboot", "halt", "poweroff", NULL };
	KX_CHECK(one_of(c->vals[S_FAILURE_ACTION], failure), KX_ERROR_INVALID_ARG,
		 "Usage kdump.conf: %s {reboot|halt|poweroff|shell|dump_to_rootfs}",
		 c->vals[S_DEFAULT] ? "default" : "failure_action");
	KX_CHECK(one_of(c->vals[S_FINAL_ACTION], final), KX_ERROR_INVALID_ARG,
		 "Usage kdump.conf: final_action {reboot|halt|poweroff}");
	KX_CHECK(c->kind != KX_CONF_TARGET_SSH || strchr(c->target, '@'),
		 KX_ERROR_INVALID_ARG, "Bad ssh dump target %s", c->target);
	return NULL;
}

// check_fence_kdump_config, for the host name (FIXME: and its addresses,
// upstream's `hostname -I`).
static struct kx_error *check_fence(const struct check *c, const char *hostname)
{
	const char *p = c->vals[S_FENCE_NODES];
	if (!p || !hostname || !*hostname)
		return NULL;
	size_t hl = strlen(hostname);
	while (*p) {
		while (is_blank(*p))
			p++;
		size_t n = 0;
		while (p[n] && !is_blank(p[n]))
			n++;
		KX_CHECK(!(n == hl && memcmp(p, hostname, n) == 0), KX_ERROR_INVALID_ARG,
			 "Option fence_kdump_nodes cannot contain %s", hostname);
		p += n;
	}
	return NULL;
}

static struct kx_error *check_bool01(const char *v, const char *opt, bool *ret)
{
	KX_CHECK(!v || strcmp(v, "0") == 0 || strcmp(v, "1") == 0, KX_ERROR_INVALID_ARG,
		 "Error: %s value is invalid", opt);
	*ret = v && strcmp(v, "1") == 0;
	return NULL;
}

static const char *or_default(const char *v, const char *def)
{
	return v ? v : def;
}

static void fill_settings(const struct check *c, struct kx_conf_settings *s)
{
	s->target_kind = c->kind;
	s->fstype = c->fstype;
	s->target = c->target;
	s->path = or_default(c->vals[S_PATH], KX_CONF_DEFAULT_PATH);
	s->core_collector = or_default(c->vals[S_CORE_COLLECTOR], KX_CONF_DEFAULT_CORE_COLLECTOR);
	s->sshkey = or_default(c->vals[S_SSHKEY], KX_CONF_DEFAULT_SSHKEY);
	s->failure_action = or_default(c->vals[S_FAILURE_ACTION], "reboot");
	s->final_action = or_default(c->vals[S_FINAL_ACTION], "reboot");
	s->kdump_pre = c->vals[S_KDUMP_PRE];
	s->kdump_post = c->vals[S_KDUMP_POST];
	s->kdump_emergency = c->vals[S_KDUMP_EMERGENCY];
	s->extra_bins = c->vals[S_EXTRA_BINS];
	s->extra_modules = c->vals[S_EXTRA_MODULES];
	s->dracut_args = c->vals[S_DRACUT_ARGS];
	s->fence_kdump_args = c->vals[S_FENCE_ARGS];
	s->fence_kdump_nodes = c->vals[S_FENCE_NODES];
	const char *ar = c->vals[S_AUTO_RESET];
	s->auto_reset_crashkernel = !ar || strcmp(ar, "no") != 0;
}

struct kx_error *kx_conf_validate(const struct kx_conf *conf, const struct kx_root *root,
				  const char *hostname, struct kx_notes *warnings,
				  struct kx_conf_settings *ret)
{
	struct check c;
	memset(&c, 0, sizeof(c));
	c.root = root;
	c.warnings = warnings;
	for (size_t i = 0; i < conf->count; i++)
		KX_TRY(check_entry(&c, &conf->entries[i]));
	KX_TRY(check_actions(&c));
	KX_TRY(check_fence(&c, hostname));
	struct kx_conf_settings s;
	memset(&s, 0, sizeof(s));
	KX_TRY(check_bool01(c.vals[S_FORCE_REBUILD], "force_rebuild", &s.force_rebuild));
	KX_TRY(check_bool01(c.vals[S_FORCE_NO_REBUILD], "force_no_rebuild",
			    &s.force_no_rebuild));
	KX_CHECK(!(s.force_rebuild && s.force_no_rebuild), KX_ERROR_INVALID_ARG,
		 "Error: force_rebuild and force_no_rebuild are enabled simultaneously "
		 "in kdump.conf");
	fill_settings(&c, &s);
	*ret = s;
	// The --mount fields were sliced into c, which dies here: keep them in
	// the caller's struct (valgrind caught the dangling pointers).
	if (c.kind == KX_CONF_TARGET_MOUNT) {
		memcpy(ret->mount_dev, c.mount_dev, sizeof(ret->mount_dev));
		memcpy(ret->mount_fs, c.mount_fs, sizeof(ret->mount_fs));
		ret->target = ret->mount_dev;
		ret->fstype = ret->mount_fs;
	}
	return NULL;
}
