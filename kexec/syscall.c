// SPDX-License-Identifier: GPL-2.0-only
// The system-call layer: real and dry-run operations. See syscall.h.
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch.h"
#include "plan.h"
#include "syscall.h"

// include/uapi/linux/reboot.h
static const unsigned long REBOOT_MAGIC1 = 0xfee1deadul;
static const unsigned long REBOOT_MAGIC2 = 0x28121969ul;
static const unsigned long REBOOT_CMD_KEXEC = 0x45584543ul;

/** The uapi struct kexec_segment (32 bytes on LP64). */
struct kexec_segment_uapi {
	const void *buf;
	size_t bufsz;
	const void *mem;
	size_t memsz;
};

static const char *const call_names[KX_SYS_NCALLS] = {
	[KX_SYS_KEXEC_LOAD] = "kexec_load",
	[KX_SYS_KEXEC_FILE_LOAD] = "kexec_file_load",
	[KX_SYS_UNLOAD_LOAD] = "kexec_load (unload)",
	[KX_SYS_UNLOAD_FILE] = "kexec_file_load (unload)",
	[KX_SYS_REBOOT] = "reboot (LINUX_REBOOT_CMD_KEXEC)",
	[KX_SYS_SHUTDOWN] = "shutdown -r now",
	[KX_SYS_SYNC] = "sync",
	[KX_SYS_IFDOWN] = "ifdown",
};

const char *kx_sys_call_name(enum kx_sys_call call)
{
	return call < KX_SYS_NCALLS ? call_names[call] : "?";
}

bool kx_sys_is_fallback_errno(int errnum)
{
	return errnum == ENOSYS || errnum == EINVAL || errnum == ENOEXEC || errnum == ENOTSUP;
}

// --- real ---------------------------------------------------------------

static int check_host(const struct kx_sys *sys, const struct kx_load_plan *plan)
{
	// A plan for another architecture must never reach this kernel.
	return plan->arch == sys->arch ? 0 : EXDEV;
}

static int real_kexec_load(struct kx_sys *sys, const struct kx_load_plan *plan, uint32_t flags)
{
	struct kexec_segment_uapi segs[KX_PLAN_MAX_SEGMENTS];
	if (check_host(sys, plan) || plan->nr_segments > KX_PLAN_MAX_SEGMENTS)
		return check_host(sys, plan) ? EXDEV : EINVAL;
	for (size_t i = 0; i < plan->nr_segments; i++) {
		const struct kx_plan_segment *s = &plan->segments[i];
		segs[i] = (struct kexec_segment_uapi){ s->buf, s->bufsz,
						       (const void *)(uintptr_t)s->mem,
						       (size_t)s->memsz };
	}
	if (sys->arch->nr_kexec_load < 0)
		return ENOSYS;
	long r = syscall(sys->arch->nr_kexec_load, (unsigned long)plan->entry,
			 (unsigned long)plan->nr_segments, segs, (unsigned long)flags);
	return r == 0 ? 0 : errno;
}

static int real_kexec_file_load(struct kx_sys *sys, const struct kx_load_plan *plan,
				uint32_t flags)
{
	if (check_host(sys, plan))
		return EXDEV;
	if (sys->arch->nr_kexec_file_load < 0)
		return ENOSYS;
	// cmdline_len counts the NUL; the kernel checks buf[len - 1] == '\0'.
	unsigned long len = plan->cmdline ? strlen(plan->cmdline) + 1 : 0;
	long r = syscall(sys->arch->nr_kexec_file_load, plan->kernel_fd, plan->initrd_fd, len,
			 plan->cmdline, (unsigned long)flags);
	return r == 0 ? 0 : errno;
}

static int real_unload(struct kx_sys *sys, bool file, uint32_t flags)
{
	long nr = file ? sys->arch->nr_kexec_file_load : sys->arch->nr_kexec_load;
	long r;
	if (nr < 0)
		return ENOSYS;
	if (file)
		r = syscall(nr, -1, -1, 0ul, NULL, (unsigned long)flags);
	else
		r = syscall(nr, 0ul, 0ul, NULL, (unsigned long)flags);
	return r == 0 ? 0 : errno;
}

static int real_reboot(struct kx_sys *sys)
{
	long r = syscall(sys->arch->nr_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_CMD_KEXEC,
			 NULL);
	return r == 0 ? 0 : errno;
}

static int real_shutdown(struct kx_sys *sys)
{
	static const char *const paths[] = { "/sbin/shutdown", "/etc/shutdown", "/bin/shutdown" };
	(void)sys;
	for (size_t i = 0; i < KX_ARRAY_SIZE(paths); i++) {
		if (access(paths[i], X_OK) != 0)
			continue;
		pid_t pid = fork();
		if (pid < 0)
			return errno;
		if (pid == 0) {
			execl(paths[i], "shutdown", "-r", "now", (char *)NULL);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) < 0)
			return errno;
		return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD;
	}
	return ENOENT;
}

static int real_sync(struct kx_sys *sys)
{
	(void)sys;
	sync();
	return 0;
}

// Clear IFF_UP on every interface but loopback and aliases ("eth0:1").
static int real_ifdown(struct kx_sys *sys)
{
	(void)sys;
	struct if_nameindex *ifs = if_nameindex();
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;
	if (!ifs || fd < 0)
		ret = errno;
	for (struct if_nameindex *i = ifs; !ret && i && i->if_index; i++) {
		struct ifreq req;
		if (strcmp(i->if_name, "lo") == 0 || strchr(i->if_name, ':'))
			continue;
		memset(&req, 0, sizeof(req));
		snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", i->if_name);
		if (ioctl(fd, SIOCGIFFLAGS, &req) < 0)
			continue;
		req.ifr_flags &= ~IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &req);
	}
	if (ifs)
		if_freenameindex(ifs);
	if (fd >= 0)
		close(fd);
	return ret;
}

static const struct kx_sys_ops real_ops = {
	.kexec_load = real_kexec_load,
	.kexec_file_load = real_kexec_file_load,
	.unload = real_unload,
	.reboot_kexec = real_reboot,
	.shutdown = real_shutdown,
	.sync = real_sync,
	.ifdown = real_ifdown,
};

void kx_sys_init_real(struct kx_sys *sys, const struct kx_arch *host)
{
	*sys = (struct kx_sys){ .ops = &real_ops, .arch = host };
}

// --- dry run --------------------------------------------------------------

static int record(struct kx_sys *sys, enum kx_sys_call call, uint32_t flags, int result)
{
	if (sys->nrecords < KX_SYS_MAX_RECORDS)
		sys->records[sys->nrecords] = (struct kx_sys_record){ call, flags, result };
	sys->nrecords++;
	return result;
}

static int dry_result(const struct kx_sys *sys, enum kx_sys_call call, uint32_t flags,
		      uint32_t debug_flag)
{
	if (sys->reject_debug && (flags & debug_flag))
		return EINVAL;
	return sys->result[call];
}

static void dry_print_plan(struct kx_sys *sys, const struct kx_load_plan *plan, uint32_t flags,
			   int result)
{
	char *text = NULL;
	if (!sys->out)
		return;
	fprintf(sys->out, "dry-run: %s flags=0x%08" PRIx32 " -> %s\n",
		plan->syscall == KX_PLAN_KEXEC_LOAD ? "kexec_load" : "kexec_file_load", flags,
		result ? strerror(result) : "ok");
	struct kx_error *err = kx_plan_format(plan, &text);
	if (err)
		kx_error_destroy(err);
	else
		fputs(text, sys->out);
	free(text);
}

static int dry_kexec_load(struct kx_sys *sys, const struct kx_load_plan *plan, uint32_t flags)
{
	int r = dry_result(sys, KX_SYS_KEXEC_LOAD, flags, KX_KEXEC_DEBUG);
	dry_print_plan(sys, plan, flags, r);
	return record(sys, KX_SYS_KEXEC_LOAD, flags, r);
}

static int dry_kexec_file_load(struct kx_sys *sys, const struct kx_load_plan *plan,
			       uint32_t flags)
{
	int r = dry_result(sys, KX_SYS_KEXEC_FILE_LOAD, flags, KX_KEXEC_FILE_DEBUG);
	dry_print_plan(sys, plan, flags, r);
	return record(sys, KX_SYS_KEXEC_FILE_LOAD, flags, r);
}

static int dry_simple(struct kx_sys *sys, enum kx_sys_call call, uint32_t flags)
{
	int r = sys->result[call];
	if (sys->out)
		fprintf(sys->out, "dry-run: %s flags=0x%08" PRIx32 " -> %s\n",
			kx_sys_call_name(call), flags, r ? strerror(r) : "ok");
	return record(sys, call, flags, r);
}

static int dry_unload(struct kx_sys *sys, bool file, uint32_t flags)
{
	return dry_simple(sys, file ? KX_SYS_UNLOAD_FILE : KX_SYS_UNLOAD_LOAD, flags);
}

static int dry_reboot(struct kx_sys *sys)
{
	return dry_simple(sys, KX_SYS_REBOOT, 0);
}

static int dry_shutdown(struct kx_sys *sys)
{
	return dry_simple(sys, KX_SYS_SHUTDOWN, 0);
}

static int dry_sync(struct kx_sys *sys)
{
	return dry_simple(sys, KX_SYS_SYNC, 0);
}

static int dry_ifdown(struct kx_sys *sys)
{
	return dry_simple(sys, KX_SYS_IFDOWN, 0);
}

static const struct kx_sys_ops dry_ops = {
	.kexec_load = dry_kexec_load,
	.kexec_file_load = dry_kexec_file_load,
	.unload = dry_unload,
	.reboot_kexec = dry_reboot,
	.shutdown = dry_shutdown,
	.sync = dry_sync,
	.ifdown = dry_ifdown,
};

void kx_sys_init_dry_run(struct kx_sys *sys, FILE *out)
{
	*sys = (struct kx_sys){ .ops = &dry_ops, .out = out };
}

// --- policy -----------------------------------------------------------------

struct kx_error *kx_plan_execute(const struct kx_load_plan *plan, struct kx_sys *sys,
				 bool debug)
{
	bool file = plan->syscall == KX_PLAN_KEXEC_FILE_LOAD;
	uint32_t flags = file ? plan->file_flags : plan->kexec_flags;
	uint32_t dbg = file ? KX_KEXEC_FILE_DEBUG : KX_KEXEC_DEBUG;
	int r;
	if (debug)
		flags |= dbg;
	r = file ? sys->ops->kexec_file_load(sys, plan, flags) : sys->ops->kexec_load(sys, plan, flags);
	// Kernels before the debug flag (KEXEC_FILE_DEBUG 6.8, KEXEC_DEBUG
	// 6.19) reject it with EINVAL: retry once without it.
	if (r == EINVAL && (flags & dbg)) {
		flags &= ~dbg;
		r = file ? sys->ops->kexec_file_load(sys, plan, flags)
			 : sys->ops->kexec_load(sys, plan, flags);
	}
	if (r == 0)
		return NULL;
	if (r == EXDEV)
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "refusing to execute a plan for %s on this machine",
				       plan->arch->name);
	return kx_error_os(r, NULL, "%s failed", file ? "kexec_file_load" : "kexec_load");
}

struct kx_error *kx_sys_unload(struct kx_sys *sys, uint32_t kexec_arch, bool crash,
			       bool file, bool fallback)
{
	int r;
	if (file) {
		r = sys->ops->unload(sys, true,
				     KX_KEXEC_FILE_UNLOAD | (crash ? KX_KEXEC_FILE_ON_CRASH : 0));
		if (r == 0)
			return NULL;
		if (r != ENOSYS || !fallback)
			return kx_error_os(r, NULL, "kexec_file_load(unload) failed");
	}
	r = sys->ops->unload(sys, false, kexec_arch | (crash ? KX_KEXEC_ON_CRASH : 0));
	return r ? kx_error_os(r, NULL, "kexec unload failed") : NULL;
}
