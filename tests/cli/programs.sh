#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every program answers --help and --version, and rejects unknown options
# with a pointer to --help and a non-zero exit.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}

for prog in kexec/kexec makedumpfile/makedumpfile vmcore-dmesg/vmcore-dmesg; do
	name=${prog#*/}
	tap_run "$name --help exits 0" 0 "$B/$prog" --help
	tap_match "$name --help prints usage on stdout" "^Usage: $name " "$tap_out"
	tap_run "$name -v exits 0" 0 "$B/$prog" -v
	tap_match "$name -v prints the version" "0\.1\.0" "$tap_out"
	tap_run "$name rejects an unknown option" 1 "$B/$prog" --no-such-option
	tap_match "$name points to --help" "Try '$name --help'" "$tap_err"
done

tap_run "kdumpctl --help exits 0" 0 "$B/kdumpctl/kdumpctl" --help
tap_match "kdumpctl --help lists start" "kdumpctl \{start\|stop\|status" "$tap_out"
tap_run "kdumpctl --version exits 0" 0 "$B/kdumpctl/kdumpctl" --version
tap_run "kdumpctl without a command fails" 1 "$B/kdumpctl/kdumpctl"
tap_match "kdumpctl without a command prints usage on stderr" "^Usage: kdumpctl" "$tap_err"
tap_run "kexec help names the host arch" 0 "$B/kexec/kexec" --help
tap_match "kexec help names the host arch" "this machine: (x86_64|loongarch64)" "$tap_out"

tap_done
