// SPDX-License-Identifier: GPL-2.0-only
// Executes the real x86_64 purgatory code in this (x86_64) test process.
//
// The embedded object is relocated by arch/purgatory.c for an address this
// process mapped executable, its variables are patched and its digest set
// over fake segments that live in this process's memory (so "physical"
// address == host address, the x86_64 purgatory's identity map). Then
// purgatory_main(), the C half of the purgatory that entry.S calls, runs in
// a child process: with a correct digest it returns; with one flipped byte
// it takes its halt path, whose privileged `cli; hlt` kills the child with
// SIGSEGV. purgatory_start itself cannot run in user mode (lgdt, segment
// reloads), so the assembly half is covered by the relocation checks of
// tests/unit/test_purgatory.c instead.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "purgatory.h"
#include "test_util.h"
#include "mock_builder.h"

enum { SEG_A = 0x3000, SEG_A_DATA = 5000, SEG_B = 0x2000 };

struct fixture {
	struct mock_builder m;
	struct kx_purgatory *p;
	unsigned char *code;  // where the purgatory runs
	size_t code_size;
	unsigned char *seg_a; // the segments "in memory"
	unsigned char *seg_b;
};

static unsigned char *map(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_kx_ok(kx_purgatory_create(kx_purgatory_x86_64_blob, kx_purgatory_x86_64_blob_size,
					 "x86_64 purgatory", 62, &f->p));
	f->code_size = (kx_purgatory_memsz(f->p) + 4095) & ~(size_t)4095;
	f->code = map(f->code_size, PROT_READ | PROT_WRITE | PROT_EXEC);
	f->seg_a = map(SEG_A, PROT_READ | PROT_WRITE);
	f->seg_b = map(SEG_B, PROT_READ | PROT_WRITE);

	// Segment A: data then zero padding; segment B: all zero (no buffer).
	mock_builder_init(&f->m, (uintptr_t)f->code);
	unsigned char *buf = malloc(SEG_A_DATA);
	assert_non_null(buf);
	for (size_t i = 0; i < SEG_A_DATA; i++)
		buf[i] = f->seg_a[i] = (unsigned char)(i * 13 + 5);
	assert_kx_ok(f->m.b.ops->add_segment(&f->m.b, buf, SEG_A_DATA, (uintptr_t)f->seg_a,
					     SEG_A, "kernel"));
	assert_kx_ok(kx_purgatory_place(f->p, &f->m.b, 0, UINT64_MAX, KX_HOLE_FIRST_FIT, 0));
	assert_int_equal(kx_purgatory_mem(f->p), (uintptr_t)f->code);
	assert_kx_ok(f->m.b.ops->add_segment(&f->m.b, NULL, 0, (uintptr_t)f->seg_b, SEG_B,
					     "zero"));
	assert_kx_ok(kx_purgatory_set_digest(f->p, &f->m.b, NULL, 0));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	kx_purgatory_destroy(f->p);
	mock_builder_deinit(&f->m);
	munmap(f->code, f->code_size);
	munmap(f->seg_a, SEG_A);
	munmap(f->seg_b, SEG_B);
	free(f);
	return 0;
}

// Copy the patched image where it runs (.bss zero) and run purgatory_main()
// in a child. Returns the wait status.
static int run(struct fixture *f)
{
	uint64_t addr;

	memset(f->code, 0, f->code_size);
	memcpy(f->code, kx_purgatory_image(f->p), kx_purgatory_bufsz(f->p));
	assert_kx_ok(kx_purgatory_symbol_addr(f->p, "purgatory_main", &addr));
	void (*fn)(void) = (void (*)(void))(uintptr_t)addr;
	fflush(stdout);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		// cmocka catches SIGSEGV to report a failing case; the child
		// must die of it instead.
		signal(SIGSEGV, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		fn();
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void assert_entered(int st)
{
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void assert_halted(int st)
{
	assert_true(WIFSIGNALED(st));
	assert_true(WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGILL);
}

static void test_match(void **state)
{
	assert_entered(run(*state));
}

static void test_flip_data(void **state)
{
	struct fixture *f = *state;
	f->seg_a[1234] ^= 0x01;
	assert_halted(run(f));
	f->seg_a[1234] ^= 0x01;
	assert_entered(run(f));
}

static void test_flip_padding(void **state)
{
	struct fixture *f = *state;
	f->seg_a[SEG_A - 1] = 0x80; // past the buffer: must be zero
	assert_halted(run(f));
	f->seg_a[SEG_A - 1] = 0;
	f->seg_b[0] = 1;
	assert_halted(run(f));
	f->seg_b[0] = 0;
}

static void test_skip_checks(void **state)
{
	struct fixture *f = *state;
	f->seg_a[0] ^= 0xff;
	assert_kx_ok(kx_purgatory_set_uint(f->p, "skip_checks", 1, 1));
	assert_entered(run(f));
	assert_kx_ok(kx_purgatory_set_uint(f->p, "skip_checks", 0, 1));
	assert_halted(run(f));
	f->seg_a[0] ^= 0xff;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_flip_data),
		cmocka_unit_test(test_flip_padding),
		cmocka_unit_test(test_skip_checks),
	};
	if (kx_purgatory_x86_64_blob_size == 0 || strcmp(KX_HOST_ARCH, "x86_64") != 0) {
		printf("1..0 # SKIP needs an x86_64 host and the x86_64 purgatory\n");
		return 0;
	}
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
