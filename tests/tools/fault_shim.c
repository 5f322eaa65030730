// SPDX-License-Identifier: GPL-2.0-only
// LD_PRELOAD shim for fault-injection tests.
//
// Reads of chosen byte offsets of one file fail as a dying disk's would:
//
//   KX_EIO_PATH=vmcore KX_EIO_OFFSETS=0x5000,0x9000 LD_PRELOAD=fault_shim.so prog
//
// pread() of a range holding a listed offset fails with EIO. A mapping of
// the file is allowed (the kernel hands out the mapping before reading), but
// MADV_POPULATE_READ over a listed offset fails with EFAULT, which is what
// the kernel reports instead of SIGBUS.
//
// A signal arrives in the middle of the output:
//
//   KX_SIGNAL_AFTER_BYTES=4194304 KX_SIGNAL=15 LD_PRELOAD=fault_shim.so prog
//
// raises signal KX_SIGNAL (default SIGTERM) once, as soon as pwrite() has
// written that many bytes in all. Test code: state is global.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_BAD = 64, MAX_MAPS = 1024, POPULATE_READ = 22 };

static uint64_t bad[MAX_BAD];
static size_t nbad;
static dev_t bad_dev;
static ino_t bad_ino;
static int ready;

static struct { uintptr_t addr; size_t len; off_t off; } maps[MAX_MAPS];

static void setup(void)
{
	if (ready)
		return;
	ready = -1;
	const char *path = getenv("KX_EIO_PATH"), *list = getenv("KX_EIO_OFFSETS");
	struct stat st;
	if (!path || !list || stat(path, &st))
		return;
	bad_dev = st.st_dev;
	bad_ino = st.st_ino;
	for (char *end; *list && nbad < MAX_BAD; list = *end ? end + 1 : end)
		bad[nbad++] = strtoull(list, &end, 0);
	ready = 1;
}

static int is_target(int fd)
{
	struct stat st;
	setup();
	return ready == 1 && !fstat(fd, &st) && st.st_dev == bad_dev && st.st_ino == bad_ino;
}

static int hits(uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < nbad; i++)
		if (bad[i] >= off && bad[i] - off < len)
			return 1;
	return 0;
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, void *, size_t, off_t);
	if (!real)
		real = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
	if (is_target(fd) && hits((uint64_t)off, n)) {
		errno = EIO;
		return -1;
	}
	return real(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	return pread(fd, buf, n, off);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);
	if (!real)
		real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
	void *p = real(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && fd >= 0 && is_target(fd))
		for (size_t i = 0; i < MAX_MAPS; i++)
			if (!maps[i].addr) {
				maps[i].addr = (uintptr_t)p;
				maps[i].len = len;
				maps[i].off = off;
				break;
			}
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len)
{
	static int (*real)(void *, size_t);
	if (!real)
		real = (int (*)(void *, size_t))dlsym(RTLD_NEXT, "munmap");
	for (size_t i = 0; i < MAX_MAPS; i++)
		if (maps[i].addr == (uintptr_t)addr)
			maps[i].addr = 0;
	return real(addr, len);
}

int madvise(void *addr, size_t len, int advice)
{
	static int (*real)(void *, size_t, int);
	if (!real)
		real = (int (*)(void *, size_t, int))dlsym(RTLD_NEXT, "madvise");
	for (size_t i = 0; advice == POPULATE_READ && i < MAX_MAPS; i++) {
		uintptr_t a = (uintptr_t)addr;
		if (maps[i].addr && a >= maps[i].addr && a - maps[i].addr < maps[i].len &&
		    hits((uint64_t)maps[i].off + (a - maps[i].addr), len)) {
			errno = EFAULT;
			return -1;
		}
	}
	return real(addr, len, advice);
}

static uint64_t written;

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	static int raised;
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
	ssize_t r = real(fd, buf, n, off);
	const char *after = getenv("KX_SIGNAL_AFTER_BYTES"), *sig = getenv("KX_SIGNAL");
	if (r > 0 && after && !raised && (written += (uint64_t)r) >= strtoull(after, NULL, 0)) {
		raised = 1;
		raise(sig ? atoi(sig) : SIGTERM);
	}
	return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite(fd, buf, n, off);
}
