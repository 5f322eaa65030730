# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034 # the variables are the callers'
# Sourced by the --num-threads benchmarks (scaling.sh, ab.sh).

# bench_setup VMCORE [OPTIONS...]: opts (default -l -d 31), threads
# ($KX_BENCH_THREADS, default 2), WORK (in $TMPDIR, default /dev/shm so the
# disk does not dominate; removed at exit), and VMCORE in the page cache.
bench_setup() {
	local vmcore=$1
	shift
	opts=("$@")
	[ ${#opts[@]} -gt 0 ] || opts=(-l -d 31)
	threads=${KX_BENCH_THREADS:-2}
	WORK=$(mktemp -d "${TMPDIR:-/dev/shm}/kx-bench.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	cat "$vmcore" >/dev/null
}

# Microseconds, from bash itself: starting date(1) would be timed too.
now() { echo "${EPOCHREALTIME/./}"; }

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
