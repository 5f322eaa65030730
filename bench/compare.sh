#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark (not a test): our makedumpfile against Debian's on the same ELF
# vmcore, same options, each run timed with the page cache warm.
#
#   bench/compare.sh [VMCORE]
#
# Without VMCORE it generates a 4 GiB synthetic 6.1 guest with tests/gen
# (realistic classes in the first 64 MiB; the rest filled with varied,
# compressible data). A real vmcore captured by tests/e2e/capture-vmcore.sh
# is the better input: pass it. Needs /usr/bin/time and Debian's
# makedumpfile (apt-get install time makedumpfile). Each case also runs with
# --num-threads KX_BENCH_THREADS (default: the number of cores) and checks
# the output is the same bytes.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${KX_BUILDDIR:-$SRC/_build/check}
[ -x "$B/makedumpfile/makedumpfile" ] || B=$SRC/_build
OURS=$B/makedumpfile/makedumpfile
THEIRS=${KX_UPSTREAM_MAKEDUMPFILE:-$(command -v makedumpfile)}
WORK=${TMPDIR:-/tmp}/kx-bench.$$
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

vmcore=${1:-}
if [ -z "$vmcore" ]; then
	sed -e 's/^ram = .*/ram = 0x1000-0x9fc00, 0x100000-0x100000000/' \
		"$SRC/tests/gen/examples/x86_64-6.1.spec" >"$WORK/bench.spec"
	"$B/tests/gen/mkvmcore" "$WORK/bench.spec" "$WORK/bench.vmcore"
	vmcore=$WORK/bench.vmcore
fi
cat "$vmcore" >/dev/null # warm the page cache for both

run() { # run NAME PROGRAM OPTS... -> "seconds maxrss_kib size"
	local name=$1 prog=$2
	shift 2
	rm -f "$WORK/$name.dump"
	/usr/bin/time -f "%e %M" -o "$WORK/time" "$prog" "$@" "$vmcore" "$WORK/$name.dump" \
		>/dev/null 2>&1 || true
	echo "$(cat "$WORK/time") $(stat -c %s "$WORK/$name.dump" 2>/dev/null || echo 0)"
}

THREADS=${KX_BENCH_THREADS:-$(nproc)}
printf '%-12s %9s %9s %9s %7s %9s %9s %10s %10s %s\n' options "ours s" "ours ${THREADS}t" \
	"theirs s" speedup "${THREADS}t/1t" "ours KiB" "theirs KiB" "ours bytes" same
for comp in -l -c -z; do
	for level in 0 1 31; do
		read -r ot orss osz <<<"$(run ours "$OURS" $comp -d $level)"
		read -r tt trss tsz <<<"$(run theirs "$THEIRS" $comp -d $level)"
		same=$(cmp -s "$WORK/ours.dump" "$WORK/theirs.dump" && echo identical || echo differ)
		read -r mt _ _ <<<"$(run mt "$OURS" $comp -d $level --num-threads "$THREADS")"
		cmp -s "$WORK/ours.dump" "$WORK/mt.dump" || same="$same, threaded output DIFFERS"
		printf '%-12s %9s %9s %9s %7s %9s %9s %10s %10s %s\n' "$comp -d $level" "$ot" "$mt" \
			"$tt" "$(awk -v a="$ot" -v b="$tt" 'BEGIN { printf "%.2fx", b / a }')" \
			"$(awk -v a="$ot" -v b="$mt" 'BEGIN { printf "%.2fx", a / b }')" \
			"$orss" "$trss" "$osz" "$same"
	done
done
echo "speedup: Debian's time / ours single-threaded; ${THREADS}t/1t: ours single-threaded / ours with --num-threads $THREADS."
echo "(Debian's makedumpfile 1.7.2 has no zstd: its -z dumps are uncompressed.)"
