// SPDX-License-Identifier: GPL-2.0-only
// The capture kernel's command line: see capture_cmdline.h.
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture_cmdline.h"
#include "cmdline.h"
#include "root.h"
#include "sysconfig.h"

enum { CPUINFO_MAX_SIZE = 16 << 20, PROC_CMDLINE_MAX_SIZE = 1 << 16 };

// Removed whatever the configuration says (upstream's prepare_cmdline).
static const char *const always_removed[] = {
	"crashkernel", "panic_on_warn", "root", "rd.lvm.lv", "rd.luks.uuid", "rd.dm.uuid",
	"rd.md.uuid", "fcoe", "netroot", "rd.iscsi.initiator", "iscsi_initiator", NULL,
};

static bool empty_value(const struct kx_cmdline_param *param, void *arg)
{
	(void)arg;
	return param->value && !*param->value;
}

// Remove every name of the xargs-split @p list from @p cl.
static struct kx_error *remove_listed(struct kx_cmdline *cl, const char *list)
{
	struct kx_cmdline names;
	KX_TRY(kx_cmdline_parse(list, KX_CMDLINE_QUOTE_SHELL, &names));
	for (size_t i = 0; i < names.count; i++)
		kx_cmdline_remove(cl, names.params[i].name);
	kx_cmdline_deinit(&names);
	return NULL;
}

static struct kx_error *build(struct kx_cmdline *cl, const struct kx_capture_cmdline_input *in)
{
	kx_cmdline_remove_if(cl, empty_value, NULL);
	kx_cmdline_remove_names(cl, always_removed);
	if (in->remove)
		KX_TRY(remove_listed(cl, in->remove));
	if (in->append)
		KX_TRY(kx_cmdline_append(cl, in->append));
	if (in->apicid)
		KX_TRY(kx_cmdline_append_param(cl, "disable_cpu_apicid", in->apicid));
	if (in->gpt_auto_off)
		KX_TRY(kx_cmdline_append_param(cl, "rd.systemd.gpt_auto", "no"));
	return NULL;
}

struct kx_error *kx_capture_cmdline_build(const struct kx_capture_cmdline_input *in,
					  char **ret)
{
	struct kx_cmdline cl;
	KX_TRY(kx_cmdline_parse(in->base, KX_CMDLINE_QUOTE_SHELL, &cl));
	struct kx_error *err = build(&cl, in);
	if (!err)
		err = kx_cmdline_render(&cl, ret);
	kx_cmdline_deinit(&cl);
	return err;
}

// The value of an `apicid : N` line (awk's $1 == "apicid" && $2 == ":"), or NULL.
static const char *apicid_value(const char *line, const char *eol, size_t *ret_len)
{
	const char *p = line;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(eol - p) < 6 || memcmp(p, "apicid", 6) != 0)
		return NULL;
	p += 6;
	if (p < eol && *p != ' ' && *p != '\t')
		return NULL;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if (p == eol || *p != ':' || (p + 1 < eol && p[1] != ' ' && p[1] != '\t'))
		return NULL;
	p++;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	size_t n = 0;
	while (p + n < eol && p[n] != ' ' && p[n] != '\t')
		n++;
	*ret_len = n;
	return p;
}

static struct kx_error *find_apicid(const char *text, const char *path, char **ret)
{
	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		if (!eol)
			eol = line + strlen(line);
		size_t n;
		const char *v = apicid_value(line, eol, &n);
		if (v) {
			KX_CHECK(n > 0 && n <= 10 && strspn(v, "0123456789") >= n, KX_ERROR_CORRUPT,
				 "%s: apicid \"%.*s\" is not a number", path, (int)(n > 32 ? 32 : n), v);
			char *id = strndup(v, n);
			if (!id)
				return &kx_enomem;
			*ret = id;
			return NULL;
		}
		line = *eol ? eol + 1 : eol;
	}
	*ret = NULL;
	return NULL;
}

struct kx_error *kx_capture_cmdline_boot_apicid(const struct kx_root *root, char **ret)
{
	char *buf;
	struct kx_error *err = kx_root_read_file(root, "/proc/cpuinfo", CPUINFO_MAX_SIZE, &buf,
						 NULL);
	if (err && err->code == KX_ERROR_OS && err->errnum == ENOENT) {
		kx_error_destroy(err);
		*ret = NULL;
		return NULL;
	}
	if (err)
		return err;
	err = find_apicid(buf, "/proc/cpuinfo", ret);
	free(buf);
	return err;
}

struct kx_error *kx_capture_cmdline_prepare(const struct kx_root *root,
					    const struct kx_sysconfig *sc, char **ret)
{
	struct kx_capture_cmdline_input in = {
		.base = kx_sysconfig_value(sc, "KDUMP_COMMANDLINE"),
		.remove = kx_sysconfig_value(sc, "KDUMP_COMMANDLINE_REMOVE"),
		.append = kx_sysconfig_value(sc, "KDUMP_COMMANDLINE_APPEND"),
		.gpt_auto_off = true,
	};
	char *proc = NULL, *apicid = NULL;
	struct kx_error *err = NULL;
	if (!*in.base) {
		err = kx_root_read_file(root, "/proc/cmdline", PROC_CMDLINE_MAX_SIZE, &proc, NULL);
		in.base = proc;
	}
	if (!err)
		err = kx_capture_cmdline_boot_apicid(root, &apicid);
	in.apicid = apicid;
	if (!err)
		err = kx_capture_cmdline_build(&in, ret);
	free(proc);
	free(apicid);
	return err;
}
