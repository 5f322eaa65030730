#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run.sh [SECONDS]: build the libFuzzer harnesses (make fuzz) and run each
# for SECONDS (default $KX_FUZZ_SECONDS, else 60), one at a time, from its
# seeds plus the corpus earlier runs grew. Any finding fails: a crash, a
# sanitizer report, a leak, a slow input (-timeout) or running out of
# memory; its input is saved as tests/fuzz/out/<harness>-crash-* and the
# report's tail is printed. Prints TAP, one line per harness.
# Run in the build directory, or set KX_BUILDDIR.
set -u
SECONDS_EACH=${1:-${KX_FUZZ_SECONDS:-60}}
B=${KX_BUILDDIR:-$PWD}
S=$(cd "$(dirname "$0")/../.." && pwd)
HARNESSES="vmcoreinfo elf_core printk diskdump flattened iomem cmdline image purgatory
	kdump_conf sysconfig"
export KX_TEST_DATA=$S/tests/data

if ! make -C "$B" fuzz >"$B/fuzz-build.log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - make fuzz"
	sed 's/^/# /' "$B/fuzz-build.log" | tail -20
	exit 1
fi

set -- $HARNESSES
echo "1..$#"
n=0
fails=0
for h in $HARNESSES; do
	n=$((n + 1))
	corpus=$B/tests/fuzz/corpus/$h
	out=$B/tests/fuzz/out
	log=$out/$h.log
	mkdir -p "$corpus" "$out"
	# -timeout: one input may not take 10 s; -rss_limit_mb: nor 2.5 GiB
	# (the loaders may decompress up to their 512 MiB image limit).
	"$B/tests/fuzz/fuzz_$h" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$out/$h-" \
		"$corpus" "$B/tests/fuzz/seeds/$h" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	secs=$(sed -n 's/^stat::.*_time: *//p;s/.*Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' \
		"$log" | tail -1)
	if [ $rc = 0 ] && [ -n "$execs" ]; then
		echo "ok $n - $h: ${execs} executions in ${secs:-$SECONDS_EACH} s, no finding"
	else
		fails=$((fails + 1))
		echo "not ok $n - $h: exit status $rc after ${execs:-?} executions"
		grep -E 'ERROR:|SUMMARY:|runtime error|Test unit written|artifact' "$log" |
			head -10 | sed 's/^/# /'
		tail -5 "$log" | sed 's/^/# /'
	fi
done
[ $fails = 0 ]
