#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# run.sh: run every unit test (tests/unit/test_*, built by make check in a
# build without sanitizers) under valgrind memcheck: any memory error, and
# any definitely or indirectly lost block, fails that test program. Prints
# TAP, one line per program; the valgrind log of a failure follows it as
# comments and stays in tests/valgrind/<test>.log.
# Run in the build directory, or set KX_BUILDDIR.
set -u
B=${KX_BUILDDIR:-$PWD}
S=$(cd "$(dirname "$0")/../.." && pwd)
export KX_TEST_DATA=$S/tests/data KX_SRCDIR=$S KX_BUILDDIR=$B

if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed (apt-get install valgrind)"
	exit 0
fi
# The list make check runs, in its order.
tests=$(make -s -C "$B" print-unit-tests 2>/dev/null)
if [ -z "$tests" ]; then
	echo "1..1"
	echo "not ok 1 - no unit tests listed by make print-unit-tests in $B"
	exit 1
fi
if ! make -s -C "$B" $tests >"$B/valgrind-build.log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - building the unit tests"
	tail -20 "$B/valgrind-build.log" | sed 's/^/# /'
	exit 1
fi
set -- $tests
echo "1..$#"
mkdir -p "$B/tests/valgrind"
n=0
fails=0
for t in $tests; do
	n=$((n + 1))
	name=$(basename "$t")
	log=$B/tests/valgrind/$name.log
	# cmocka's own TAP goes to the log: this script reports per program.
	valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		--log-file="$log.vg" "$B/$t" >"$log" 2>&1
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$log.vg" ]; then
		echo "ok $n - $name"
		rm -f "$log.vg"
	else
		fails=$((fails + 1))
		what="exit status $rc"
		[ -s "$log.vg" ] && what="valgrind errors (exit status $rc)"
		echo "not ok $n - $name: $what"
		head -40 "$log.vg" | sed 's/^/# /'
		grep '^not ok' "$log" | head -5 | sed 's/^/# /'
	fi
done
[ $fails = 0 ]
