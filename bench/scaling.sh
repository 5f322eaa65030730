#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark (not a test): how well --num-threads scales, against what the
# machine allows for the same job.
#
#   bench/scaling.sh VMCORE [PAIRS] [-- MAKEDUMPFILE-OPTIONS...]
#
# Default options: -l -d 31. For PAIRS rounds (default 15) it times, back
# to back,
#   one   a single-threaded dump (--num-threads 0)
#   two   a dump with --num-threads $KX_BENCH_THREADS (default 2)
#   pair  two single-threaded dumps of the same vmcore at once
# and prints the median of the per-round ratios one/two (our speed-up) and
# 2*one/pair (the machine's bound: two jobs that share nothing, so no
# pipeline, ordering or writer can do better). Rounds are compared, not
# totals, because on a shared virtual machine the speed of a vCPU drifts
# from second to second; adjacent runs see the same conditions.
# Outputs go to $TMPDIR (default /dev/shm, so the disk does not dominate).
# The clock covers makedumpfile alone: the previous round's output is
# deleted before it starts (freeing a 50 MB tmpfs file takes 10-15 ms of
# the shell's time, which is not the dump's), and the time is read from
# bash's EPOCHREALTIME.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${KX_BUILDDIR:-$SRC/_build}
MDF=$B/makedumpfile/makedumpfile
vmcore=${1:?usage: bench/scaling.sh VMCORE [PAIRS] [-- OPTIONS...]}
shift
pairs=15
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
	pairs=$1
	shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
# shellcheck source=bench/lib.sh
. "$SRC/bench/lib.sh"
bench_setup "$vmcore" "$@"

dump() { # dump OUT EXTRA-OPTIONS...
	local out=$1
	shift
	"$MDF" "${opts[@]}" "$@" "$vmcore" "$out" >/dev/null 2>&1
}

one="" two="" pair="" speedup="" bound=""
for _ in $(seq "$pairs"); do
	rm -f "$WORK"/[abcd]
	s=$(now); dump "$WORK/a" --num-threads 0; e=$(now); t1=$((e - s))
	s=$(now); dump "$WORK/b" --num-threads "$threads"; e=$(now); t2=$((e - s))
	s=$(now)
	dump "$WORK/c" --num-threads 0 &
	dump "$WORK/d" --num-threads 0
	wait
	e=$(now); tp=$((e - s))
	cmp -s "$WORK/a" "$WORK/b" || { echo "outputs differ" >&2; exit 1; }
	one+="$t1 " two+="$t2 " pair+="$tp "
	speedup+="$(echo "scale=3; $t1 / $t2" | bc) "
	bound+="$(echo "scale=3; 2 * $t1 / $tp" | bc) "
done
printf 'options: %s; %d rounds; medians\n' "${opts[*]}" "$pairs"
printf '  one thread        %8.3f s\n' "$(echo "scale=3; $(echo "$one" | median) / 1000000" | bc)"
printf '  %d threads         %8.3f s\n' "$threads" "$(echo "scale=3; $(echo "$two" | median) / 1000000" | bc)"
printf '  two dumps at once %8.3f s\n' "$(echo "scale=3; $(echo "$pair" | median) / 1000000" | bc)"
printf '  speed-up          %8s x   (per round: %s)\n' "$(echo "$speedup" | median)" \
	"$(echo "$speedup" | tr ' ' '\n' | grep . | sort -g | tr '\n' ' ')"
printf '  machine bound     %8s x   (per round: %s)\n' "$(echo "$bound" | median)" \
	"$(echo "$bound" | tr ' ' '\n' | grep . | sort -g | tr '\n' ' ')"
