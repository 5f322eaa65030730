#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's test command: install what the build and the tests need
# (Debian 12, as root; idempotent), build, and run every test tier:
#   1. make check with warnings as errors,
#   2. make check again under AddressSanitizer + UndefinedBehaviorSanitizer,
#   3. the unit tests of tier 1 under valgrind memcheck (tests/valgrind/run.sh),
#   4. every libFuzzer harness for $KX_FUZZ_SECONDS (default 20) seconds
#      (tests/fuzz/run.sh),
#   5. make distcheck (the release tarball builds and passes on its own),
#   6. the LoongArch cross-compile job (tests/cross/loongarch64.sh).
# Ends with the line "N passed, N failed" counting test cases (TAP), where
# each distcheck counts as one case, and each valgrind or fuzz run of one
# program as one case.
set -u
cd "$(dirname "$0")/.." || exit 2
SRC=$PWD
JOBS=$(nproc 2>/dev/null || echo 2)

PACKAGES="build-essential autoconf automake libtool pkg-config
	zlib1g-dev liblzo2-dev libzstd-dev libelf-dev libdw-dev libcmocka-dev liblzma-dev
	python3-libkdumpfile python3-drgn makedumpfile crash time
	qemu-system-x86 busybox-static e2fsprogs cpio kmod man-db debootstrap
	clang-19 lld-19 qemu-user-static valgrind"

install_packages() {
	local missing=""
	for p in $PACKAGES; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "run-all: missing packages:$missing (run as root to install them)" >&2
		return 1
	fi
	echo "run-all: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
}

passed=0
failed=0

# count BUILDDIR: add the TAP totals of BUILDDIR/test-suite.log.
count() {
	local log=$1/test-suite.log p f e
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		return
	fi
	p=$(sed -n 's/^# PASS: *//p' "$log")
	f=$(sed -n 's/^# FAIL: *//p' "$log")
	e=$(sed -n 's/^# ERROR: *//p' "$log")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0}))
}

# tier NAME BUILDDIR CONFIGURE-ARGS...: configure, build and check.
tier() {
	local name=$1 dir=$2
	shift 2
	echo "=== $name ==="
	rm -rf "$dir" && mkdir -p "$dir"
	if ! (cd "$dir" && "$SRC/configure" "$@" >configure.out 2>&1); then
		tail -30 "$dir/configure.out"
		echo "run-all: $name: configure failed"
		failed=$((failed + 1))
		return 1
	fi
	if ! make -C "$dir" -j"$JOBS" >"$dir/build.out" 2>&1; then
		tail -40 "$dir/build.out"
		echo "run-all: $name: build failed"
		failed=$((failed + 1))
		return 1
	fi
	make -C "$dir" -j"$JOBS" check >"$dir/check.out" 2>&1
	local rc=$?
	grep -E '^(FAIL|ERROR|XPASS|SKIP):' "$dir/check.out"
	grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$dir/check.out"
	[ $rc = 0 ] || { echo "run-all: $name: failures; logs follow"; cat "$dir/test-suite.log"; }
	count "$dir"
	return $rc
}

# tap_tier NAME LOG CMD...: run a script that prints TAP, add its ok and
# not ok lines to the totals (a failing script without a not ok line counts
# as one failure), and show what failed.
tap_tier() {
	local name=$1 log=$2 rc p f
	shift 2
	echo "=== $name ==="
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	[ $rc != 0 ] && [ "$f" = 0 ] && f=1
	grep -E '^(not ok|#)' "$log" | head -60
	echo "$name: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
}

# Debian's vmcore-dmesg is an oracle for ours, but its package (kexec-tools)
# would install a service that arms kexec at boot: take only the binary out
# of the .deb, never install the package on a machine we build on.
fetch_vmcore_dmesg() {
	local dir=$SRC/_build/oracle
	[ -x "$dir/sbin/vmcore-dmesg" ] && return 0
	mkdir -p "$dir" && (cd "$dir" && apt-get download -qq kexec-tools >/dev/null 2>&1 &&
		dpkg-deb -x kexec-tools_*.deb . && rm -f kexec-tools_*.deb) ||
		echo "run-all: could not fetch Debian's vmcore-dmesg; its comparison will be skipped"
}

install_packages || { echo "0 passed, 1 failed"; exit 1; }
# tests/e2e/main-job.sh shares the package list.
[ "${1:-}" = --install-only ] && exit 0
fetch_vmcore_dmesg
if [ -x "$SRC/_build/oracle/sbin/vmcore-dmesg" ] && [ ! -x /usr/sbin/vmcore-dmesg ]; then
	export KX_DEBIAN_VMCORE_DMESG=$SRC/_build/oracle/sbin/vmcore-dmesg
fi
autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; echo "0 passed, 1 failed"; exit 1; }

B=$SRC/_build
# Kernels, tools and captured vmcores are kept across tiers and runs: each
# tier's build directory is deleted, and distcheck builds in a temporary one.
export KX_E2E_CACHE=$SRC/_build/e2e-cache
# CI checks crash's bt on the captured dump: Debian's debug vmlinux (about
# 1 GB of download, once; only the vmlinux is kept in the cache).
export KX_E2E_FETCH_DBG=${KX_E2E_FETCH_DBG:-1}
tier "make check (-Werror)" "$B/check" --enable-werror
# The QEMU guests ran in the first tier; here the host-side tests run under
# the sanitizers (tests/lib/tap.sh, tap_skip_guests).
export KX_TEST_GUESTS=no
tier "make check (ASan + UBSan)" "$B/sanitizers" --enable-werror --enable-sanitizers
unset KX_TEST_GUESTS

tap_tier "valgrind (unit tests)" "$B/check/valgrind.out" \
	env KX_BUILDDIR="$B/check" "$SRC/tests/valgrind/run.sh"
# 11 harnesses one after the other (one core each): ~4 min at 20 s.
tap_tier "fuzzing (${KX_FUZZ_SECONDS:-20} s per harness)" "$B/check/fuzz.out" \
	env KX_BUILDDIR="$B/check" KX_FUZZ_SECONDS="${KX_FUZZ_SECONDS:-20}" \
	"$SRC/tests/fuzz/run.sh"

# The tarball's own make check: does it build and pass from the dist?
# The slow scripts (QEMU guests, the full kernel matrix) ran in the first
# tier already; quick mode trims them (tests/lib/tap.sh).
echo "=== make distcheck ==="
if KX_TEST_QUICK=1 make -C "$B/check" -j"$JOBS" distcheck >"$B/check/distcheck.out" 2>&1; then
	passed=$((passed + 1))
	echo "distcheck: ok"
else
	tail -60 "$B/check/distcheck.out"
	failed=$((failed + 1))
fi

tap_tier "LoongArch cross compile" "$B/cross.out" env KX_SRCDIR="$SRC" sh "$SRC/tests/cross/loongarch64.sh"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
