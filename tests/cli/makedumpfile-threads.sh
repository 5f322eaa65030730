#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile --num-threads: whatever the thread count, the same bytes and
# the same statistics. Threads also filter a window in parts (filter.c);
# KX_TEST_FILTER_SPLIT_ALIGN cuts the small synthetic vmcore at 256-pfn
# boundaries so that, at 7 threads, a cut falls inside the free order-10
# block at 0x2c00-0x3000: the part after it cannot know those pages are
# free, and the dump is only right if that is noticed and the window
# filtered again in one go.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
MDF=$B/makedumpfile/makedumpfile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$B/tests/gen/mkvmcore" "$S/tests/gen/examples/x86_64-6.1.spec" "$tmp/v" >/dev/null 2>&1 ||
	{ echo "Bail out! mkvmcore failed"; exit 1; }

for level in 31 1 16; do
	tap_run "-d $level, one thread" 0 "$MDF" --message-level 31 -l -d "$level" \
		--num-threads 0 "$tmp/v" "$tmp/ref$level"
	printf '%s\n' "$tap_out" | grep -v 'saved to' >"$tmp/ref$level.stats"
	for t in 2 3 6 7; do
		rm -f "$tmp/d"
		KX_TEST_FILTER_SPLIT_ALIGN=256 "$MDF" --message-level 31 -l -d "$level" \
			--num-threads "$t" "$tmp/v" "$tmp/d" >"$tmp/out" 2>/dev/null
		tap_check "-d $level, $t threads: the same dump" same \
			"$(cmp -s "$tmp/ref$level" "$tmp/d" && echo same)"
		grep -v 'saved to' "$tmp/out" >"$tmp/d.stats"
		tap_check "-d $level, $t threads: the same statistics" same \
			"$(cmp -s "$tmp/ref$level.stats" "$tmp/d.stats" && echo same)"
	done
done
tap_done
