/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file thread.h
 * Starting the helper threads of a dump on another CPU than their creator.
 *
 * Linux places a new thread by the CPUs' recent load. A dump that starts
 * right after another one (or a freshly exec'd process beside a CPU that
 * just ran something) sees the other CPU as the busier one, and the new
 * thread is queued behind its creator until the load balancer moves one of
 * them: measured on a 2-vCPU guest, helpers of the struct-page pass waited
 * 3.5-8 ms of a 15-25 ms pass, and both threads shared one CPU for tens of
 * milliseconds of the page pass. A thread started with the creator's CPU
 * left out of its affinity begins on another one at once, and takes the
 * full affinity back as its first act, so the scheduler stays free to move
 * it later.
 */
#ifndef KX_THREAD_H
#define KX_THREAD_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>

/**
 * pthread_create(@p t, NULL, @p fn, @p arg), on another CPU than the
 * caller's when the caller may run on more than one.
 * @return 0 or an errno value, as pthread_create().
 */
int kx_thread_create(pthread_t *t, void *(*fn)(void *), void *arg);

/**
 * The CPUs a thread created from CPU @p cpu starts on: @p allowed without
 * @p cpu. False when that leaves nothing, or @p cpu is not one of
 * @p allowed (unknown, or the affinity changed meanwhile): then the thread
 * starts as pthread_create() places it.
 */
bool kx_thread_away_set(const cpu_set_t *allowed, int cpu, cpu_set_t *away);

#endif
