// SPDX-License-Identifier: GPL-2.0-only
// Helper threads started away from their creator: see thread.h.
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>

#include "thread.h"

struct start {
	void *(*fn)(void *);
	void *arg;
	cpu_set_t allowed;
};

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;
	free(p);
	// Failing leaves the thread off its creator's CPU: still correct.
	(void)sched_setaffinity(0, sizeof(s.allowed), &s.allowed);
	return s.fn(s.arg);
}

bool kx_thread_away_set(const cpu_set_t *allowed, int cpu, cpu_set_t *away)
{
	if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, allowed) || CPU_COUNT(allowed) < 2)
		return false;
	*away = *allowed;
	CPU_CLR(cpu, away);
	return true;
}

int kx_thread_create(pthread_t *t, void *(*fn)(void *), void *arg)
{
	struct start *s = malloc(sizeof(*s));
	if (!s)
		return ENOMEM;
	*s = (struct start){ .fn = fn, .arg = arg };
	pthread_attr_t attr;
	int e = pthread_attr_init(&attr);
	if (e) {
		free(s);
		return e;
	}
	cpu_set_t away;
	bool moved = sched_getaffinity(0, sizeof(s->allowed), &s->allowed) == 0 &&
		     kx_thread_away_set(&s->allowed, sched_getcpu(), &away) &&
		     pthread_attr_setaffinity_np(&attr, sizeof(away), &away) == 0;
	// The thread owns @s once started through the trampoline.
	e = moved ? pthread_create(t, &attr, trampoline, s) : pthread_create(t, NULL, fn, arg);
	pthread_attr_destroy(&attr);
	if (e || !moved)
		free(s);
	return e;
}
