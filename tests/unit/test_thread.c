// SPDX-License-Identifier: GPL-2.0-only
// Helper threads started away from their creator: they run their function
// with its argument, and begin their work with the creator's full affinity,
// whatever CPU they were started on.
#include "config.h"

#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "thread.h"

struct seen {
	int value;
	cpu_set_t affinity;
	int got_affinity;
};

static void *record(void *arg)
{
	struct seen *s = arg;
	s->value++;
	s->got_affinity = sched_getaffinity(0, sizeof(s->affinity), &s->affinity);
	return s;
}

static void run_one(const cpu_set_t *expect)
{
	struct seen s = { .value = 41 };
	pthread_t t;
	assert_int_equal(kx_thread_create(&t, record, &s), 0);
	void *ret = NULL;
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_ptr_equal(ret, &s);
	assert_int_equal(s.value, 42);
	assert_int_equal(s.got_affinity, 0);
	assert_true(CPU_EQUAL(&s.affinity, expect));
}

static void test_keeps_affinity(void **state)
{
	(void)state;
	cpu_set_t mine;
	assert_int_equal(sched_getaffinity(0, sizeof(mine), &mine), 0);
	for (int i = 0; i < 8; i++)
		run_one(&mine);
}

// Pinned to one CPU, there is nowhere else to start: the thread starts
// there, pinned as its creator is.
static void test_one_cpu(void **state)
{
	(void)state;
	cpu_set_t mine, one;
	assert_int_equal(sched_getaffinity(0, sizeof(mine), &mine), 0);
	int cpu = sched_getcpu();
	assert_true(cpu >= 0);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	run_one(&one);
	assert_int_equal(sched_setaffinity(0, sizeof(mine), &mine), 0);
}

static cpu_set_t set_of(const int *cpus, size_t n)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	for (size_t i = 0; i < n; i++)
		CPU_SET(cpus[i], &s);
	return s;
}

static void test_away_set(void **state)
{
	(void)state;
	cpu_set_t away;
	cpu_set_t two = set_of((int[]){ 0, 1 }, 2), one = set_of((int[]){ 1 }, 1);
	assert_true(kx_thread_away_set(&two, 0, &away));
	assert_true(CPU_EQUAL(&away, &one));
	cpu_set_t many = set_of((int[]){ 2, 5, 63, 64 }, 4);
	cpu_set_t rest = set_of((int[]){ 2, 5, 64 }, 3);
	assert_true(kx_thread_away_set(&many, 63, &away));
	assert_true(CPU_EQUAL(&away, &rest));
	// Nowhere else, or a CPU the thread may not use anyway.
	assert_false(kx_thread_away_set(&one, 1, &away));
	assert_false(kx_thread_away_set(&many, 3, &away));
	assert_false(kx_thread_away_set(&many, -1, &away));
	assert_false(kx_thread_away_set(&many, CPU_SETSIZE, &away));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_affinity),
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_away_set),
	};
	KX_RUN_TESTS(tests);
}
