# SPDX-License-Identifier: GPL-2.0-only
# Minimal TAP producer for shell tests. Source it, call tap_plan N (or
# tap_done at the end for a trailing plan), then ok/fail helpers.
# Exit status: 0 when every case passed, 1 otherwise (the TAP driver reads the
# case lines; the status is for running a script by hand).

tap_n=0
tap_failed=0

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for tap_line_ in "$@"; do
		printf '%s\n' "$tap_line_" | sed 's/^/# /'
	done
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# tap_check NAME EXPECTED ACTUAL
tap_check() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "expected: $2" "actual:   $3"
	fi
}

# tap_same NAME FILE1 FILE2: the files hold the same bytes (holes read as
# zeros); otherwise the first differing bytes are shown.
tap_same() {
	if cmp -s "$2" "$3"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$(cmp -l "$2" "$3" 2>&1 | head -5)"
	fi
}

# tap_run NAME EXPECTED_STATUS CMD...: runs CMD, keeping its output in
# $tap_out and $tap_err, and checks the exit status.
tap_run() {
	tap_name_=$1 tap_want_=$2
	shift 2
	tap_tmp=${tap_tmp:-$(mktemp -d)}
	"$@" >"$tap_tmp/out" 2>"$tap_tmp/err"
	tap_status_=$?
	tap_out=$(cat "$tap_tmp/out")
	tap_err=$(cat "$tap_tmp/err")
	if [ "$tap_status_" = "$tap_want_" ]; then
		tap_ok "$tap_name_"
	else
		tap_not_ok "$tap_name_" "exit status $tap_status_, expected $tap_want_" \
			"stdout: $tap_out" "stderr: $tap_err"
	fi
}

# tap_match NAME PATTERN TEXT: grep -E PATTERN in TEXT.
tap_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "no match for /$2/ in:" "$3"
	fi
}

tap_done() {
	echo "1..$tap_n"
	[ -n "${tap_tmp:-}" ] && rm -rf "$tap_tmp"
	[ "$tap_failed" = 0 ]
}

# tap_skip_if_quick WHAT: in a quick run (KX_TEST_QUICK=1, which
# tests/run-all.sh sets for make distcheck after the first tier ran
# everything) skip the rest of a slow script: QEMU guests, big matrices.
tap_skip_if_quick() {
	[ "${KX_TEST_QUICK:-0}" = 1 ] || return 0
	tap_skip "$1" "quick run (KX_TEST_QUICK=1): the first tier ran it in full"
	tap_done
	exit 0
}

# tap_skip_guests WHAT: tap_skip_if_quick, and also skip when
# KX_TEST_GUESTS=no (tests/run-all.sh's sanitizer tier: the QEMU guests
# ran in the first tier, and ASan builds inside a guest add nothing the
# host-side tests under ASan do not already check).
tap_skip_guests() {
	tap_skip_if_quick "$1"
	[ "${KX_TEST_GUESTS:-yes}" = no ] || return 0
	tap_skip "$1" "KX_TEST_GUESTS=no: the first tier booted the guests"
	tap_done
	exit 0
}

# tap_real_capture WHAT: set real (the 1 GiB capture of Debian's 6.1
# kernel), kver and vmlinux (its debug vmlinux) from tests/e2e's cache
# ($KX_E2E_CACHE, else $KX_BUILDDIR/e2e-cache); when either is missing,
# skip WHAT and end the script.
tap_real_capture() {
	tap_cache_=${KX_E2E_CACHE:-${KX_BUILDDIR:-.}/e2e-cache}
	real=$tap_cache_/vmcore-1024M-1cpu/vmcore.elf
	kver=$(cat "$tap_cache_/vmcore-1024M-1cpu/kernel-version" 2>/dev/null)
	vmlinux=$tap_cache_/dbg/vmlinux-$kver
	[ -r "$real" ] && [ -r "$vmlinux" ] && return 0
	tap_skip "$1" "no captured vmcore or debug vmlinux in $tap_cache_ (tests/e2e makes them)"
	tap_done
	exit
}

# tap_e2e_setup: the common start of a tests/e2e script. Sets B and S (the
# build and source trees, made absolute and exported for the guest
# builders), E2E (tests/e2e), the programs KEXEC, MDF and VMD, and PY
# (python3). The script sources "$E2E/lib.sh" after its own settings.
# shellcheck disable=SC2034 # set for the scripts that call it
tap_e2e_setup() {
	B=${KX_BUILDDIR:-.}
	S=${KX_SRCDIR:-.}
	case $B in /*) ;; *) B=$(pwd)/$B ;; esac
	case $S in /*) ;; *) S=$(pwd)/$S ;; esac
	export KX_BUILDDIR=$B KX_SRCDIR=$S
	E2E=$S/tests/e2e
	KEXEC=$B/kexec/kexec
	MDF=$B/makedumpfile/makedumpfile
	VMD=$B/vmcore-dmesg/vmcore-dmesg
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=$(command -v python3 || echo python3)
}

# tap_mdf_setup: the common start of a makedumpfile test. Sets B and S (the
# build and source trees), MDF, PY (python3), tmp (a directory removed on
# exit) and have_libkdumpfile, have_upstream (Debian's makedumpfile) and
# have_crash, each yes or no.
# shellcheck disable=SC2034 # set for the scripts that call it
tap_mdf_setup() {
	B=${KX_BUILDDIR:-.}
	S=${KX_SRCDIR:-.}
	MDF=$B/makedumpfile/makedumpfile
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=python3
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	have_libkdumpfile=no
	"$PY" -c 'import kdumpfile' 2>/dev/null && have_libkdumpfile=yes
	have_upstream=no
	command -v makedumpfile >/dev/null 2>&1 && have_upstream=yes
	have_crash=no
	command -v crash >/dev/null 2>&1 && have_crash=yes
}
