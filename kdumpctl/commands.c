// SPDX-License-Identifier: GPL-2.0-only
// kdumpctl's subcommands: see commands.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "capture_cmdline.h"
#include "commands.h"
#include "conf.h"
#include "crashkernel.h"
#include "initramfs.h"
#include "io.h"
#include "iomem.h"
#include "kernel.h"
#include "propagate.h"
#include "ranges.h"
#include "rebuild.h"
#include "root.h"
#include "runner.h"
#include "sysconfig.h"
#include "vmcore_test.h"

enum { MAX_KEXEC_ARGV = 64, SMALL_FILE_MAX = 4096 };

void kx_commands_say(const struct kx_kdumpctl *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("kdump: ", ctx->err);
	vfprintf(ctx->err, fmt, ap);
	fputc('\n', ctx->err);
	va_end(ap);
	// Our messages must come before the output of what we run next.
	fflush(ctx->err);
}

// The short name inside this file.
#define say kx_commands_say

// Print an error's message as one `kdump: ` line and free it.
static void say_error(const struct kx_kdumpctl *ctx, struct kx_error *err)
{
	say(ctx, "%s", err->message);
	kx_error_destroy(err);
}

static void say_notes(const struct kx_kdumpctl *ctx, struct kx_notes *notes)
{
	for (size_t i = 0; i < notes->count; i++)
		say(ctx, "%s", notes->lines[i]);
	kx_notes_deinit(notes);
}

// kexec_crash_loaded: -1 when the kernel has no such file, else 0 or 1.
static int crash_loaded(const struct kx_kdumpctl *ctx)
{
	uint64_t v;
	struct kx_error *err = kx_root_read_u64(ctx->root, "/sys/kernel/kexec_crash_loaded", &v);
	if (err) {
		kx_error_destroy(err);
		return -1;
	}
	return v != 0;
}

// Upstream's is_secure_boot_enforced through efivars: SecureBoot on, SetupMode off.
static bool efivar_byte(const struct kx_kdumpctl *ctx, const char *name, int *ret)
{
	char path[256];
	snprintf(path, sizeof(path),
		 "/sys/firmware/efi/efivars/%s-8be4df61-93ca-11d2-aa0d-00e098032b8c", name);
	char *buf;
	size_t size;
	struct kx_error *err = kx_root_read_file(ctx->root, path, SMALL_FILE_MAX, &buf, &size);
	if (err) {
		kx_error_destroy(err);
		return false;
	}
	// Four attribute bytes, then the value.
	bool ok = size >= 5;
	if (ok)
		*ret = (unsigned char)buf[4];
	free(buf);
	return ok;
}

static bool secure_boot(const struct kx_kdumpctl *ctx)
{
	int sb, setup;
	return efivar_byte(ctx, "SecureBoot", &sb) && efivar_byte(ctx, "SetupMode", &setup) &&
	       sb == 1 && setup == 0;
}

// The last test's result, from the target the configuration names now.
static enum kx_vmcore_test_result test_result(const struct kx_kdumpctl *ctx, const char *id)
{
	struct kx_conf *conf = NULL;
	struct kx_conf_settings s;
	enum kx_vmcore_test_result res = KX_VMCORE_TEST_MANUAL;
	struct kx_error *err = kx_conf_read(ctx->root, KX_CONF_PATH, &conf);
	if (!err)
		err = kx_conf_validate(conf, ctx->root, NULL, NULL, &s);
	if (!err)
		err = kx_vmcore_test_result(ctx->root, &s, id, &res);
	// Whatever stops us from looking leaves it to the user.
	if (err)
		say_error(ctx, err);
	kx_conf_destroy(conf);
	return err ? KX_VMCORE_TEST_MANUAL : res;
}

// check_vmcore_creation_status: the last `kdumpctl test`'s outcome.
static void vmcore_notice(const struct kx_kdumpctl *ctx)
{
	if (strcmp(kx_sysconfig_value(ctx->sc, "VMCORE_CREATION_NOTIFICATION"), "yes") != 0)
		return;
	char id[KX_VMCORE_TEST_ID_MAX], date[128];
	bool found = false;
	struct kx_error *err = kx_vmcore_test_read_pending(ctx->root, id, &found);
	if (err) {
		say(ctx, "WARNING: %s", err->message);
		kx_error_destroy(err);
		return;
	}
	if (!found) {
		say(ctx, "WARNING: No vmcore creation test performed!");
		return;
	}
	if (!kx_vmcore_test_date(id, date, sizeof(date)))
		snprintf(date, sizeof(date), "test %s", id);
	switch (test_result(ctx, id)) {
	case KX_VMCORE_TEST_SUCCESS:
		say(ctx, "Notice: Last successful vmcore creation test on %s", date);
		break;
	case KX_VMCORE_TEST_FAILED:
		say(ctx, "WARNING: Last NOT successful vmcore creation test on %s", date);
		break;
	case KX_VMCORE_TEST_MANUAL:
		say(ctx, "WARNING: Require manual check for vmcore creation test of %s", date);
		break;
	}
}

// A kexec command line being assembled; `owned` strings are freed with it.
struct argv_buf {
	char *v[MAX_KEXEC_ARGV + 1];
	size_t n;
	char *owned[4];
	size_t n_owned;
	char *words; // KEXEC_ARGS, split in place
};

static void argv_deinit(struct argv_buf *a)
{
	for (size_t i = 0; i < a->n_owned; i++)
		free(a->owned[i]);
	free(a->words);
}

static struct kx_error *argv_add(struct argv_buf *a, char *s)
{
	KX_CHECK(a->n < MAX_KEXEC_ARGV, KX_ERROR_OVERFLOW, "more than %d kexec arguments",
		 MAX_KEXEC_ARGV);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return NULL;
}

static struct kx_error *argv_add_owned(struct argv_buf *a, char *s)
{
	if (!s)
		return &kx_enomem;
	a->owned[a->n_owned++] = s;
	return argv_add(a, s);
}

static bool argv_has(const struct argv_buf *a, const char *s)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], s) == 0)
			return true;
	return false;
}

// <kexec...> [KEXEC_ARGS] [-s under Secure Boot]
static struct kx_error *argv_start(const struct kx_kdumpctl *ctx, struct argv_buf *a,
				   bool kexec_args)
{
	for (size_t i = 0; ctx->kexec[i]; i++)
		KX_TRY(argv_add(a, ctx->kexec[i]));
	if (kexec_args) {
		a->words = strdup(kx_sysconfig_value(ctx->sc, "KEXEC_ARGS"));
		if (!a->words)
			return &kx_enomem;
		char *save = NULL;
		for (char *w = strtok_r(a->words, " \t\n", &save); w;
		     w = strtok_r(NULL, " \t\n", &save))
			KX_TRY(argv_add(a, w));
	}
	if (secure_boot(ctx) && !argv_has(a, "-s")) {
		if (kexec_args)
			say(ctx, "Secure Boot is enabled. Using kexec file based syscall.");
		KX_TRY(argv_add(a, "-s"));
	}
	return NULL;
}

static struct kx_error *root_join(const struct kx_kdumpctl *ctx, const char *path,
				  const char *prefix, char **ret)
{
	char *full, *s = NULL;
	KX_TRY(kx_root_path(ctx->root, path, &full));
	int n = asprintf(&s, "%s%s", prefix, full);
	free(full);
	if (n < 0)
		return &kx_enomem;
	*ret = s;
	return NULL;
}

static bool run_kexec(const struct kx_kdumpctl *ctx, struct argv_buf *a)
{
	int status = -1;
	struct kx_error *err = ctx->runner->run(ctx->runner, a->v, NULL, &status);
	if (err) {
		say_error(ctx, err);
		return false;
	}
	return status == 0;
}

// The capture kernel and its initramfs (upstream's prepare_kdump_bootinfo).
struct bootinfo {
	struct kx_kernel_info k;
	char *initrd; // system path of the kdump initramfs
};

static void bootinfo_deinit(struct bootinfo *bi)
{
	kx_kernel_info_deinit(&bi->k);
	free(bi->initrd);
	bi->initrd = NULL;
}

static bool setup_initrd(const struct kx_kdumpctl *ctx, struct bootinfo *bi)
{
	struct kx_error *err = kx_kernel_find(ctx->root, ctx->sc, &bi->k);
	if (!err) {
		bool writable = kx_kernel_dir_writable(ctx->root, bi->k.bootdir);
		err = kx_kernel_kdump_initrd(&bi->k, writable, &bi->initrd);
	}
	if (err) {
		say_error(ctx, err);
		say(ctx, "failed to prepare for kdump bootinfo.");
		return false;
	}
	if (bi->k.debug)
		say(ctx, "WARNING: Using debug kernel, you may need to set a larger crashkernel "
			 "than the default value.");
	return true;
}

// @p test_id: `kdumpctl test`'s id for the capture kernel, or NULL.
static struct kx_error *load_argv(const struct kx_kdumpctl *ctx, const struct bootinfo *bi,
				  const char *test_id, struct argv_buf *a)
{
	char *cmdline, *arg = NULL;
	KX_TRY(kx_capture_cmdline_prepare(ctx->root, ctx->sc, &cmdline));
	int n = test_id ? asprintf(&arg, "--command-line=%s kdump_test_id=%s", cmdline, test_id)
			: asprintf(&arg, "--command-line=%s", cmdline);
	free(cmdline);
	if (n < 0)
		return &kx_enomem;
	a->owned[a->n_owned++] = arg;
	KX_TRY(argv_start(ctx, a, true));
	KX_TRY(argv_add(a, "-p"));
	KX_TRY(argv_add(a, arg));
	char *s;
	KX_TRY(root_join(ctx, bi->initrd, "--initrd=", &s));
	KX_TRY(argv_add_owned(a, s));
	KX_TRY(root_join(ctx, bi->k.kernel, "", &s));
	return argv_add_owned(a, s);
}

// Upstream's load_kdump; @p test_id as for load_argv().
static bool load_kdump(const struct kx_kdumpctl *ctx, const struct bootinfo *bi,
		       const char *test_id)
{
	if (!kx_root_exists(ctx->root, bi->initrd)) {
		say(ctx, "Cannot load the kdump kernel: %s does not exist", bi->initrd);
		return false;
	}
	struct argv_buf a = { .n = 0 };
	struct kx_error *err = load_argv(ctx, bi, test_id, &a);
	bool ok = false;
	if (err)
		say_error(ctx, err);
	else
		ok = run_kexec(ctx, &a);
	argv_deinit(&a);
	if (!err)
		say(ctx, ok ? "kexec: loaded kdump kernel" : "kexec: failed to load kdump kernel");
	return ok;
}

// Upstream's stop_kdump: `kexec [-s] -p -u`, KEXEC_ARGS not used.
static bool stop_kdump(const struct kx_kdumpctl *ctx)
{
	struct argv_buf a = { .n = 0 };
	struct kx_error *err = argv_start(ctx, &a, false);
	if (!err)
		err = argv_add(&a, "-p");
	if (!err)
		err = argv_add(&a, "-u");
	bool ok = false;
	if (err)
		say_error(ctx, err);
	else
		ok = run_kexec(ctx, &a);
	argv_deinit(&a);
	if (!err)
		say(ctx, ok ? "kexec: unloaded kdump kernel" : "kexec: failed to unload kdump kernel");
	return ok;
}

enum step { STEP_GO, STEP_DONE, STEP_FAIL };

// check_kdump_feasibility
static bool feasible(const struct kx_kdumpctl *ctx)
{
	if (!kx_root_exists(ctx->root, "/sys/kernel/kexec_crash_loaded")) {
		say(ctx, "Kdump is not supported on this kernel");
		return false;
	}
	uint64_t size = 0;
	struct kx_error *err = kx_crashkernel_reserved(ctx->root, &size);
	kx_error_destroy(err);
	if (err || size == 0) {
		say(ctx, "No memory reserved for crash kernel");
		return false;
	}
	return true;
}

static char *hostname(const struct kx_kdumpctl *ctx)
{
	char *buf = NULL;
	struct kx_error *err = kx_root_read_file(ctx->root, "/proc/sys/kernel/hostname",
						 SMALL_FILE_MAX, &buf, NULL);
	if (err) {
		kx_error_destroy(err);
		return NULL;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

// parse_config: read and validate /etc/kdump.conf, printing its warnings.
static bool parse_config(const struct kx_kdumpctl *ctx, struct kx_conf **conf,
			 struct kx_conf_settings *s)
{
	struct kx_error *err = kx_conf_read(ctx->root, KX_CONF_PATH, conf);
	if (err) {
		*conf = NULL;
		say_error(ctx, err);
		return false;
	}
	char *host = hostname(ctx);
	struct kx_notes notes;
	kx_notes_init(&notes);
	err = kx_conf_validate(*conf, ctx->root, host, &notes, s);
	free(host);
	say_notes(ctx, &notes);
	if (err)
		say_error(ctx, err);
	return !err;
}

// rebuild_initrd: build, then say what went wrong the way upstream does.
static bool rebuild_initrd(const struct kx_kdumpctl *ctx, const struct kx_conf_settings *s,
			   const struct bootinfo *bi)
{
	struct kx_initramfs_input in = { .settings = s, .conf_path = KX_CONF_PATH,
					 .kver = bi->k.kver, .host = ctx->host,
					 .programs = ctx->programs };
	struct kx_notes notes;
	kx_notes_init(&notes);
	struct kx_error *err = kx_initramfs_write(ctx->root, &in, bi->initrd, &notes);
	say_notes(ctx, &notes);
	if (err) {
		say_error(ctx, err);
		say(ctx, "mkdumprd: failed to make kdump initrd");
		return false;
	}
	// A new initramfs voids the last test (upstream does the same).
	err = kx_vmcore_test_clear(ctx->root);
	if (err)
		say_error(ctx, err);
	return true;
}

// check_rebuild: rebuild when rebuild.c finds a reason.
static bool rebuild_step(const struct kx_kdumpctl *ctx, const struct kx_conf_settings *s,
			 const struct bootinfo *bi)
{
	struct kx_rebuild_input in = { .settings = s, .conf_path = KX_CONF_PATH,
				       .kernel = bi->k.kernel, .initrd = bi->initrd };
	struct kx_notes notes;
	kx_notes_init(&notes);
	bool need = false;
	struct kx_error *err = kx_rebuild_check(ctx->root, &in, &notes, &need);
	say_notes(ctx, &notes);
	if (err) {
		say_error(ctx, err);
		return false;
	}
	if (!need)
		return true;
	say(ctx, "Rebuilding %s", bi->initrd);
	return rebuild_initrd(ctx, s, bi);
}

// kdump_target: a raw target keeps the last capture as the flattened stream
// makedumpfile -F wrote at its start (see save_raw()).
static bool raw_holds_dump(const struct kx_kdumpctl *ctx, const char *dev)
{
	static const char sig[16] = "makedumpfile";
	char head[sizeof(sig)];
	int fd;
	struct kx_error *err = kx_root_open(ctx->root, dev, O_RDONLY | O_CLOEXEC, &fd);
	if (err) {
		say_error(ctx, err);
		return false;
	}
	bool found = read(fd, head, sizeof(head)) == (ssize_t)sizeof(head) &&
		     memcmp(head, sig, sizeof(sig)) == 0;
	close(fd);
	return found;
}

// The stream's first block, zeroed once the dump is saved, so the next
// start does not save it again.
static void clear_raw(const struct kx_kdumpctl *ctx, const char *dev)
{
	static const char zero[512];
	int fd = -1;
	struct kx_error *err = kx_root_open(ctx->root, dev, O_WRONLY | O_CLOEXEC, &fd);
	if (!err)
		err = kx_io_pwrite_full(fd, zero, sizeof(zero), 0, dev);
	if (!err && fsync(fd) < 0)
		err = kx_error_os(errno, dev, "clearing the saved dump");
	if (fd >= 0)
		close(fd);
	if (err)
		say_error(ctx, err);
}

// <path>/<date>/vmcore under the root, its directory made (unless this is
// a dry run): where save_raw() puts the dump.
static struct kx_error *raw_dump_path(const struct kx_kdumpctl *ctx, const char *path,
				      const char *stamp, char **ret)
{
	char *dir, *out;
	KX_TRY(kx_root_path(ctx->root, path, &dir));
	int n = asprintf(&out, "%s/%s/vmcore", dir, stamp);
	free(dir);
	if (n < 0)
		return &kx_enomem;
	*strrchr(out, '/') = '\0';
	struct kx_error *err = kx_runner_is_dry(ctx->runner) ? NULL : kx_io_mkdirs(out);
	out[strlen(out)] = '/';
	if (err) {
		free(out);
		return err;
	}
	*ret = out;
	return NULL;
}

// Upstream's save_raw: a dump the capture kernel streamed onto a raw
// device is rebuilt with makedumpfile -R under <path>/<date>/vmcore.
static void save_raw(const struct kx_kdumpctl *ctx, const struct kx_conf_settings *s)
{
	if (s->target_kind != KX_CONF_TARGET_RAW || !raw_holds_dump(ctx, s->target))
		return;
	char stamp[32], *dev = NULL, *out = NULL;
	time_t now = time(NULL);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M", localtime(&now));
	const char *mdf = ctx->programs && ctx->programs[1] ? ctx->programs[1] : "makedumpfile";
	int status = -1;
	struct kx_error *err = kx_root_path(ctx->root, s->target, &dev);
	if (!err)
		err = raw_dump_path(ctx, s->path, stamp, &out);
	if (!err) {
		char *const argv[] = { (char *)mdf, "-R", out, NULL };
		err = ctx->runner->run(ctx->runner, argv, dev, &status);
	}
	if (err) {
		say_error(ctx, err);
	} else if (status != 0) {
		say(ctx, "failed to save the dump on %s: makedumpfile -R exited %d", s->target, status);
	} else if (!kx_runner_is_dry(ctx->runner)) {
		say(ctx, "Dump saved to %s/%s/vmcore", s->path, stamp);
		clear_raw(ctx, s->target);
	}
	free(out);
	free(dev);
}

static enum step start_steps(const struct kx_kdumpctl *ctx)
{
	struct kx_conf *conf = NULL;
	struct kx_conf_settings s;
	struct bootinfo bi = { .initrd = NULL };
	enum step st = STEP_FAIL;
	if (!feasible(ctx) || !parse_config(ctx, &conf, &s))
		goto out;
	save_raw(ctx, &s);
	// FIXME: the ssh/nfs network wait.
	if (crash_loaded(ctx) == 1) {
		say(ctx, "WARNING: Kdump already running: [WARNING]");
		st = STEP_DONE;
		goto out;
	}
	if (setup_initrd(ctx, &bi) && rebuild_step(ctx, &s, &bi) && load_kdump(ctx, &bi, NULL))
		st = STEP_GO;
out:
	bootinfo_deinit(&bi);
	kx_conf_destroy(conf);
	return st;
}

static int cmd_start(const struct kx_kdumpctl *ctx)
{
	switch (start_steps(ctx)) {
	case STEP_DONE:
		return KX_KDUMPCTL_OK;
	case STEP_GO:
		say(ctx, "Starting kdump: [OK]");
		vmcore_notice(ctx);
		return KX_KDUMPCTL_OK;
	case STEP_FAIL:
		break;
	}
	say(ctx, "Starting kdump: [FAILED]");
	return KX_KDUMPCTL_FAILED;
}

static int cmd_stop(const struct kx_kdumpctl *ctx)
{
	if (!stop_kdump(ctx)) {
		say(ctx, "Stopping kdump: [FAILED]");
		return KX_KDUMPCTL_FAILED;
	}
	say(ctx, "Stopping kdump: [OK]");
	return KX_KDUMPCTL_OK;
}

static int cmd_status(const struct kx_kdumpctl *ctx)
{
	int loaded = crash_loaded(ctx);
	if (loaded < 0)
		say(ctx, "kdump is not supported on this kernel");
	say(ctx, loaded == 1 ? "Kdump is operational" : "Kdump is not operational");
	vmcore_notice(ctx);
	return loaded == 1 ? KX_KDUMPCTL_OK : KX_KDUMPCTL_NOT_OPERATIONAL;
}

// Restart and reload unload before loading, as upstream does, but only
// once everything the new load needs is there: a bad kdump.conf, a missing
// kernel or a failed initramfs build must not disarm a working kdump.
static void kept_loaded(const struct kx_kdumpctl *ctx)
{
	if (crash_loaded(ctx) == 1)
		say(ctx, "The kdump kernel already loaded is left as it was.");
	say(ctx, "Starting kdump: [FAILED]");
}

// Stop, load what @bi names, and say how it went.
static int swap_kernel(const struct kx_kdumpctl *ctx, struct bootinfo *bi, const char *test_id)
{
	if (cmd_stop(ctx) != KX_KDUMPCTL_OK)
		return KX_KDUMPCTL_FAILED;
	bool ok = load_kdump(ctx, bi, test_id);
	say(ctx, ok ? "Starting kdump: [OK]" : "Starting kdump: [FAILED]");
	return ok ? KX_KDUMPCTL_OK : KX_KDUMPCTL_FAILED;
}

static int cmd_restart(const struct kx_kdumpctl *ctx)
{
	struct kx_conf *conf = NULL;
	struct kx_conf_settings s;
	struct bootinfo bi = { .initrd = NULL };
	int rc = KX_KDUMPCTL_FAILED;
	if (feasible(ctx) && parse_config(ctx, &conf, &s) && setup_initrd(ctx, &bi) &&
	    rebuild_step(ctx, &s, &bi))
		rc = swap_kernel(ctx, &bi, NULL);
	else
		kept_loaded(ctx);
	bootinfo_deinit(&bi);
	kx_conf_destroy(conf);
	return rc;
}

// @p test_id as for load_argv().
static int reload(const struct kx_kdumpctl *ctx, const char *test_id)
{
	if (crash_loaded(ctx) != 1)
		say(ctx, "WARNING: Kdump was not running: [WARNING]");
	struct bootinfo bi = { .initrd = NULL };
	int rc = KX_KDUMPCTL_FAILED;
	if (setup_initrd(ctx, &bi))
		rc = swap_kernel(ctx, &bi, test_id);
	else
		kept_loaded(ctx);
	bootinfo_deinit(&bi);
	return rc;
}

static int cmd_reload(const struct kx_kdumpctl *ctx)
{
	return reload(ctx, NULL);
}

// The answer to test's prompt: exactly y or Y goes on.
static bool confirmed(const struct kx_kdumpctl *ctx)
{
	fputs("DANGER!!! Will perform a kdump test by crashing the system, proceed? (y/N): ",
	      ctx->err);
	fflush(ctx->err);
	char line[64];
	if (!ctx->in || !fgets(line, sizeof(line), ctx->in))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0;
}

// `echo c > /proc/sysrq-trigger` under the root (see kx_vmcore_test_sysrq_check()).
static bool crash(const struct kx_kdumpctl *ctx)
{
	bool real_root = !ctx->root->prefix || !*ctx->root->prefix, proc = false;
	struct kx_error *err = NULL;
	if (real_root && !ctx->sysrq_allowed)
		err = kx_error_create(KX_ERROR_INVALID_ARG, "refusing to write "
				      "/proc/sysrq-trigger outside a real kdumpctl test");
	char *full = NULL;
	if (!err)
		err = kx_root_path(ctx->root, "/proc/sysrq-trigger", &full);
	// Only a fake root may get the file created.
	int fd = err ? -1 : open(full, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (real_root ? 0 : O_CREAT),
				 0600);
	if (!err && fd < 0)
		err = kx_error_os(errno, full, "cannot open %s", full);
	if (!err)
		err = kx_vmcore_test_sysrq_check(fd, full, real_root, ctx->sysrq_allowed, &proc);
	// A fake root's file holds exactly what the kernel would have been given.
	if (!err && !proc && ftruncate(fd, 0) != 0)
		err = kx_error_os(errno, full, "cannot truncate %s", full);
	if (!err && proc)
		sync(); // what the page cache holds is lost with the crash
	if (!err)
		err = kx_io_write_full(fd, "c\n", 2, full);
	if (fd >= 0)
		close(fd);
	free(full);
	if (err)
		say_error(ctx, err);
	return !err;
}

// kdump mode with the crash kernel loaded, or say why not.
static bool test_ready(const struct kx_kdumpctl *ctx)
{
	uint64_t fadump = 0, loaded = 0;
	kx_error_destroy(kx_root_read_u64(ctx->root, "/sys/kernel/fadump/enabled", &fadump));
	kx_error_destroy(kx_root_read_u64(ctx->root, fadump ? "/sys/kernel/fadump/registered"
							    : "/sys/kernel/kexec_crash_loaded",
					  &loaded));
	if (loaded == 0) {
		say(ctx, "Kdump needs be operational before test.");
		return false;
	}
	if (fadump) {
		say(ctx, "Only kdump is supported for test.");
		return false;
	}
	return true;
}

static int cmd_test(const struct kx_kdumpctl *ctx, int argc, char **argv)
{
	bool force = argc == 2 && strcmp(argv[1], "--force") == 0;
	if (argc > 2 || (argc == 2 && !force)) {
		say(ctx, "Usage: %s test [--force]", ctx->prog);
		return KX_KDUMPCTL_FAILED;
	}
	if (!test_ready(ctx))
		return KX_KDUMPCTL_FAILED;
	if (!force && !confirmed(ctx)) {
		say(ctx, "Operation cancelled.");
		return KX_KDUMPCTL_OK;
	}
	if (!force)
		say(ctx, "Start kdump test...");
	struct timespec now;
	char id[KX_VMCORE_TEST_ID_MAX];
	clock_gettime(CLOCK_REALTIME, &now);
	kx_vmcore_test_make_id(&now, id);
	struct kx_error *err = kx_vmcore_test_write_pending(ctx->root, id);
	if (err) {
		say_error(ctx, err);
		return KX_KDUMPCTL_FAILED;
	}
	if (reload(ctx, id) != KX_KDUMPCTL_OK || !crash(ctx))
		return KX_KDUMPCTL_FAILED;
	return KX_KDUMPCTL_OK;
}

static int cmd_propagate(const struct kx_kdumpctl *ctx)
{
	struct kx_conf *conf = NULL;
	struct kx_conf_settings s;
	int rc = KX_KDUMPCTL_FAILED;
	if (parse_config(ctx, &conf, &s))
		rc = kx_propagate_run(ctx, &s);
	kx_conf_destroy(conf);
	return rc;
}

// Upstream's rebuild: parse, find the kernel, build unconditionally.
static int cmd_rebuild(const struct kx_kdumpctl *ctx)
{
	struct kx_conf *conf = NULL;
	struct kx_conf_settings s;
	struct bootinfo bi = { .initrd = NULL };
	bool ok = parse_config(ctx, &conf, &s) && setup_initrd(ctx, &bi);
	if (ok) {
		say(ctx, "Rebuilding %s", bi.initrd);
		ok = rebuild_initrd(ctx, &s, &bi);
	}
	bootinfo_deinit(&bi);
	kx_conf_destroy(conf);
	return ok ? KX_KDUMPCTL_OK : KX_KDUMPCTL_FAILED;
}

static int cmd_showmem(const struct kx_kdumpctl *ctx)
{
	uint64_t size;
	struct kx_error *err = kx_crashkernel_reserved(ctx->root, &size);
	if (err) {
		say_error(ctx, err);
		return KX_KDUMPCTL_FAILED;
	}
	say(ctx, "Reserved %" PRIu64 "MB memory for crash kernel", size >> 20);
	return KX_KDUMPCTL_OK;
}

static int cmd_get_default_crashkernel(const struct kx_kdumpctl *ctx, int argc, char **argv)
{
	// `fadump` is ppc64le's; no architecture of ours has it.
	if (argc > 1 && strcmp(argv[1], "kdump") != 0) {
		say(ctx, "%s: only kdump is supported on %s", argv[1], ctx->arch->name);
		return KX_KDUMPCTL_FAILED;
	}
	const char *table = kx_crashkernel_default(ctx->arch);
	fputs(table ? table : "", ctx->out);
	return KX_KDUMPCTL_OK;
}

// The sizes estimate adds up, in bytes.
struct estimate {
	uint64_t reserved, baseline, kernel, modules, initrd;
};

enum { MIB_SHIFT = 20 };
static const uint64_t RUNTIME_RESERVATION = UINT64_C(16) << MIB_SHIFT;

static struct kx_error *estimate_sizes(const struct kx_kdumpctl *ctx, const char *initrd,
				       struct estimate *e)
{
	memset(e, 0, sizeof(*e));
	KX_TRY(kx_crashkernel_reserved(ctx->root, &e->reserved));
	const char *table = kx_crashkernel_default(ctx->arch);
	if (table) {
		uint64_t ram;
		KX_TRY(kx_crashkernel_system_ram(ctx->root, &ram));
		KX_TRY(kx_crashkernel_recommend(table, ram, &e->baseline));
	}
	// FIXME: upstream sums the image's PT_LOAD sizes; this is its fallback,
	// the running kernel's Kernel code/rodata/data/bss.
	struct kx_iomem *iomem;
	KX_TRY(kx_iomem_read(ctx->root, &iomem));
	struct kx_ranges img;
	struct kx_error *err = kx_iomem_kernel_image(iomem, &img);
	kx_iomem_destroy(iomem);
	if (err)
		return err;
	e->kernel = kx_ranges_total_size(&img);
	kx_ranges_deinit(&img);
	// FIXME: module sizes need the initramfs's module list (the builder).
	char *full;
	KX_TRY(kx_root_path(ctx->root, initrd, &full));
	struct stat st;
	int rc = stat(full, &st);
	err = rc ? kx_error_os(errno, full, "cannot measure the kdump initramfs") : NULL;
	free(full);
	if (!err)
		e->initrd = (uint64_t)st.st_size;
	return err;
}

static void estimate_print(const struct kx_kdumpctl *ctx, const struct estimate *e)
{
	uint64_t est = e->kernel + e->modules + 3 * e->initrd + RUNTIME_RESERVATION;
	uint64_t rec = est > e->baseline ? est : e->baseline;
	FILE *o = ctx->out;
	fprintf(o, "Reserved crashkernel:    %" PRIu64 "M\n", e->reserved >> MIB_SHIFT);
	fprintf(o, "Recommended crashkernel: %" PRIu64 "M\n\n", rec >> MIB_SHIFT);
	fprintf(o, "Kernel image size:   %" PRIu64 "M\n", e->kernel >> MIB_SHIFT);
	fprintf(o, "Kernel modules size: %" PRIu64 "M\n", e->modules >> MIB_SHIFT);
	fprintf(o, "Initramfs size:      %" PRIu64 "M\n", e->initrd >> MIB_SHIFT);
	fprintf(o, "Runtime reservation: %" PRIu64 "M\n", RUNTIME_RESERVATION >> MIB_SHIFT);
	fprintf(o, "Large modules:  <none>\n");
	if (e->reserved < rec)
		fprintf(o, "WARNING: Current crashkernel size is lower than recommended size %" PRIu64
			   "M.\n", rec >> MIB_SHIFT);
}

static int cmd_estimate(const struct kx_kdumpctl *ctx)
{
	struct kx_conf *conf = NULL;
	struct kx_conf_settings s;
	struct bootinfo bi = { .initrd = NULL };
	int rc = KX_KDUMPCTL_FAILED;
	if (parse_config(ctx, &conf, &s) && setup_initrd(ctx, &bi)) {
		struct estimate e;
		struct kx_error *err = estimate_sizes(ctx, bi.initrd, &e);
		if (err) {
			say_error(ctx, err);
		} else {
			estimate_print(ctx, &e);
			rc = KX_KDUMPCTL_OK;
		}
	}
	bootinfo_deinit(&bi);
	kx_conf_destroy(conf);
	return rc;
}

void kx_commands_usage(const struct kx_kdumpctl *ctx)
{
	say(ctx, "Usage: %s {estimate|start|stop|status|restart|reload|rebuild|"
		 "reset-crashkernel|propagate|showmem|test|setup-crypttab|get-default-crashkernel}",
	    ctx->prog);
}

int kx_commands_run(const struct kx_kdumpctl *ctx, int argc, char **argv)
{
	static const char *const later[] = { "reset-crashkernel", "setup-crypttab", NULL };
	static const struct {
		const char *name;
		int (*fn)(const struct kx_kdumpctl *ctx);
	} plain[] = {
		{ "start", cmd_start },     { "stop", cmd_stop },       { "status", cmd_status },
		{ "restart", cmd_restart }, { "reload", cmd_reload },   { "showmem", cmd_showmem },
		{ "rebuild", cmd_rebuild }, { "estimate", cmd_estimate },
		{ "propagate", cmd_propagate },
	};
	const char *cmd = argc > 0 ? argv[0] : "";
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(cmd, plain[i].name) == 0)
			return plain[i].fn(ctx);
	if (strcmp(cmd, "test") == 0)
		return cmd_test(ctx, argc, argv);
	if (strcmp(cmd, "get-default-crashkernel") == 0)
		return cmd_get_default_crashkernel(ctx, argc, argv);
	for (size_t i = 0; later[i]; i++) {
		if (strcmp(cmd, later[i]) == 0) {
			say(ctx, "%s: not implemented in this build yet", cmd);
			return KX_KDUMPCTL_FAILED;
		}
	}
	kx_commands_usage(ctx);
	return KX_KDUMPCTL_FAILED;
}
