#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark (not a test): did a change make --num-threads scale better?
#
#   bench/ab.sh VMCORE ROUNDS A-MAKEDUMPFILE B-MAKEDUMPFILE [-- OPTIONS...]
#
# Each round times, for A and for B (which goes first alternates), a
# single-threaded dump and a dump with $KX_BENCH_THREADS threads (default
# 2), back to back, and keeps the ratio. It prints the median ratio and the
# median threaded time of each. Comparing two builds through
# bench/scaling.sh run after each other is not enough on a shared virtual
# machine: the speed of a vCPU drifts by more than the change between the
# runs, while the four dumps of a round see the same conditions.
# Environment for each side: KX_AB_ENV_A, KX_AB_ENV_B ("NAME=value ...").
set -eu
vmcore=${1:?usage: bench/ab.sh VMCORE ROUNDS A B [-- OPTIONS...]}
rounds=${2:?rounds}
bin_a=${3:?A} bin_b=${4:?B}
shift 4
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_setup "$vmcore" "$@"

dump() { # dump BIN ENV THREADS: prints microseconds
	rm -f "$WORK/out"
	local s e
	s=$(now)
	# shellcheck disable=SC2086 # ENV is a list of assignments
	env ${2:-} "$1" "${opts[@]}" --num-threads "$3" "$vmcore" "$WORK/out" >/dev/null 2>&1
	e=$(now)
	echo $((e - s))
}

declare -A ratio=([A]="" [B]="") two=([A]="" [B]="")
for i in $(seq "$rounds"); do
	order="A B"
	[ $((i % 2)) -eq 0 ] && order="B A"
	for side in $order; do
		if [ "$side" = A ]; then bin=$bin_a env=${KX_AB_ENV_A:-}; else bin=$bin_b env=${KX_AB_ENV_B:-}; fi
		t1=$(dump "$bin" "$env" 0)
		t2=$(dump "$bin" "$env" "$threads")
		ratio[$side]+="$(echo "scale=3; $t1 / $t2" | bc) "
		two[$side]+="$t2 "
	done
done
printf 'options: %s; %d rounds; medians\n' "${opts[*]}" "$rounds"
for side in A B; do
	printf '  %s  speed-up %6s x   %d threads %8.3f s\n' "$side" \
		"$(echo "${ratio[$side]}" | median)" "$threads" \
		"$(echo "scale=3; $(echo "${two[$side]}" | median) / 1000000" | bc)"
done
