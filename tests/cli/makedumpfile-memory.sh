#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile's memory stays bounded whatever the vmcore's size, and the
# window size (--cyclic-buffer) never changes the dump: classification must
# carry free blocks and compound pages across window boundaries exactly.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
MDF=$B/makedumpfile/makedumpfile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# An 8 GiB guest, sparse: only the classes of the 6.1 example are filled in.
sed -e 's/^ram = .*/ram = 0x1000-0x9fc00, 0x100000-0x200000000/' \
	-e '$a default_fill = zero' "$S/tests/gen/examples/x86_64-6.1.spec" >"$tmp/big.spec"
"$B/tests/gen/mkvmcore" "$tmp/big.spec" "$tmp/big.vmcore" "$tmp/big.expect" >/dev/null 2>&1 ||
	{ echo "Bail out! mkvmcore failed"; exit 1; }

rss() { # rss OUT ARGS...: run makedumpfile, print its peak RSS in KiB
	out=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$tmp/rss" "$MDF" "$@" "$tmp/big.vmcore" "$out" >/dev/null 2>&1
		cat "$tmp/rss"
	else
		"$MDF" "$@" "$tmp/big.vmcore" "$out" >/dev/null 2>&1
		echo 0
	fi
}

kib=$(rss "$tmp/a.dump" -l -d 31)
tap_check "8 GiB vmcore: the dump succeeds" "present" "$([ -s "$tmp/a.dump" ] && echo present)"
if [ -x /usr/bin/time ]; then
	tap_check "peak RSS under 64 MiB (was $kib KiB)" "yes" "$([ "$kib" -lt 65536 ] && echo yes || echo no)"
else
	tap_skip "peak RSS under 64 MiB" "/usr/bin/time not installed"
fi
tap_run "kept pages are the oracle's" 0 "${PYTHON:-python3}" "$S/tests/gen/check-dump.py" "$tmp/big.expect" "$tmp/a.dump"

# Smaller windows (16 KiB: 131072 pfns, 1 KiB: 8192 pfns) mean more cycles
# over the same memory; each must give the very same file.
for kb in 16 1; do
	rss "$tmp/w$kb.dump" -l -d 31 --cyclic-buffer $kb >/dev/null
	if cmp -s "$tmp/a.dump" "$tmp/w$kb.dump"; then
		tap_ok "--cyclic-buffer $kb gives the same dump"
	else
		tap_not_ok "--cyclic-buffer $kb gives the same dump" "$(cmp "$tmp/a.dump" "$tmp/w$kb.dump" 2>&1)"
	fi
done
tap_done
