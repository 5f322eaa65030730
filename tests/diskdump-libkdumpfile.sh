#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Dumps written by our kdump-compressed writer (through the test program
# tests/unit/mkdump_sample) must read back identically through libkdumpfile,
# one of the three readers we must satisfy (with crash and makedumpfile).
# Skips when the Python binding (Debian: python3-libkdumpfile) is missing.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
# The binding is a Debian package, installed for the system interpreter.
PY=${KX_PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

if ! "$PY" -c 'import kdumpfile' 2>/dev/null; then
	# A skipped plan; exit 0, as the TAP driver counts any other status
	# as an error.
	echo "1..0 # SKIP python3-libkdumpfile is not installed"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for method in none zlib lzo zstd; do
	tap_run "mkdump_sample writes a $method dump" 0 \
		"$B/tests/unit/mkdump_sample" "$method" "$tmp/$method.dump" "$tmp/raw" "$tmp/map"
	tap_run "libkdumpfile reads the $method dump page for page" 0 \
		"$PY" "$S/tests/tools/kdumpfile_read.py" "$tmp/$method.dump" "$tmp/raw" "$tmp/map"
	tap_match "libkdumpfile checked every dumpable page ($method)" \
		"^checked 685 pages, 0 problems" "$tap_out"
done

tap_done
