// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile --dump-dmesg: see dmesg.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "dmesg.h"
#include "printk.h"
#include "vmcore.h"
#include "vtop.h"

static struct kx_error *kmem_read(void *arg, uint64_t vaddr, void *buf, size_t size)
{
	return kx_vtop_read(arg, vaddr, buf, size);
}

static struct kx_error *visit(void *arg, const struct kx_printk_record *rec)
{
	return kx_printk_render_makedumpfile(rec, arg);
}

struct kx_error *kx_mdf_dump_dmesg(struct kx_vmcore *vm, const char *path, bool force,
				   bool partial, bool *ret_cleared)
{
	KX_CHECK(vm->vi, KX_ERROR_NOT_FOUND, "the vmcore has no VMCOREINFO note");
	KX_CHECK(vm->vtop, KX_ERROR_NOT_FOUND,
		 "the vmcore's VMCOREINFO does not allow reading kernel memory");
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0)
		return kx_error_os(errno, path, "Can't open the dump file");
	FILE *out = fdopen(fd, "w");
	if (!out) {
		struct kx_error *err = kx_error_os(errno, path, "fdopen");
		close(fd);
		return err;
	}
	struct kx_kmem mem = { .read = kmem_read, .arg = vm->vtop };
	bool cleared = false;
	struct kx_error *err = partial
		? kx_printk_read_since_clear(vm->vi, &mem, visit, out, &cleared)
		: kx_printk_read(vm->vi, &mem, visit, out);
	if (ret_cleared)
		*ret_cleared = cleared;
	if (fclose(out) != 0 && !err)
		err = kx_error_os(errno, path, "write");
	return err;
}
