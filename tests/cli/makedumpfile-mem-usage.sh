#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile --mem-usage on a synthetic /proc/kcore: the x86_64-6.1
# vmcore of tests/gen with its kernel-text segment turned into a segment
# without a physical address (p_paddr -1, as kcore's vmalloc and vmemmap
# segments are), and a fake root whose /proc/iomem reserves a crash kernel.
# The page classes must be those Debian's makedumpfile reports (--show-stats
# at -d 31) for the same memory; the reservation leaves the total.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_mdf_setup

if ! "$B/tests/gen/mkvmcore" "$S/tests/gen/examples/x86_64-6.1.spec" "$tmp/v" >"$tmp/gen.log" 2>&1; then
	tap_not_ok "mkvmcore" "$(cat "$tmp/gen.log")"
	tap_done
	exit
fi
# Every PT_LOAD above the direct map (the kernel text) loses its p_paddr.
"$PY" - "$tmp/v" "$tmp/kcore" <<'PYEOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
phoff, = struct.unpack_from("<Q", d, 32)
phnum, = struct.unpack_from("<H", d, 56)
for i in range(phnum):
    p = phoff + 56 * i
    ptype, = struct.unpack_from("<I", d, p)
    vaddr, = struct.unpack_from("<Q", d, p + 16)
    if ptype == 1 and vaddr >= 0xffffffff80000000:
        struct.pack_into("<Q", d, p + 24, 0xffffffffffffffff)
open(sys.argv[2], "wb").write(d)
PYEOF
mkdir -p "$tmp/none/proc" "$tmp/crash/proc"
printf '00001000-0009ffff : System RAM\n00100000-03ffffff : System RAM\n' >"$tmp/none/proc/iomem"
# 16 MiB at 32 MiB, with a partial last page: 4097 pages leave.
printf '00001000-0009ffff : System RAM\n00100000-03ffffff : System RAM\n  02000000-03000fff : Crash kernel\n' \
	>"$tmp/crash/proc/iomem"

# row NAME: the PAGES column of a table row in $tap_out.
row() { printf '%s\n' "$tap_out" | awk -v n="$1" '$1 == n { print $2 }'; }

KX_ROOT=$tmp/none tap_run "--mem-usage of a kcore succeeds" 0 "$MDF" --mem-usage "$tmp/kcore"
tap_match "... printing upstream's header" \
	"$(printf 'TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION')" "$tap_out"
tap_match "... and KERN_DATA's row layout" \
	"$(printf 'KERN_DATA\t[0-9]+ *\tno\t\tDumpable kernel data ')" "$tap_out"
tap_match "... and the page size" "$(printf 'page size:\t\t4096 ')" "$tap_out"
total=$(printf '%s\n' "$tap_out" | awk -F'\t' '/^Total pages on system:/ { print $2 + 0 }')
# The direct map: 0x9ec00 bytes from 0x1000 (159 pages, the partial last
# one included as upstream's bitmap file has it) plus 63 MiB.
tap_check "the total is the direct map's pages, text segment skipped" 16287 "$total"
sum=$(($(row ZERO) + $(row NON_PRI_CACHE) + $(row PRI_CACHE) + $(row USER) + $(row FREE) + $(row KERN_DATA)))
tap_match "the size is the total times the page size" \
	"$(printf 'Total size on system:\t%s *Byte' $((total * 4096)))" "$tap_out"
none_out=$tap_out

if command -v makedumpfile >/dev/null 2>&1; then
	theirs=$(makedumpfile --message-level 31 -d 31 -l "$tmp/v" "$tmp/d" 2>&1)
	# stat LABEL: a --show-stats count, in decimal.
	stat() { printf '%s\n' "$theirs" | awk -F': ' -v l="$1" 'index($0, l) { print $2 }' | head -1; }
	tap_out=$none_out
	tap_check "ZERO is Debian's 'Pages filled with zero'" $(($(stat "Pages filled with zero"))) "$(row ZERO)"
	tap_check "NON_PRI_CACHE is Debian's" $(($(stat "Non-private cache pages"))) "$(row NON_PRI_CACHE)"
	tap_check "PRI_CACHE is Debian's" $(($(stat "Private cache pages"))) "$(row PRI_CACHE)"
	tap_check "USER is Debian's" $(($(stat "User process data pages"))) "$(row USER)"
	tap_check "FREE is Debian's" $(($(stat "Free pages"))) "$(row FREE)"
	# Hwpoisoned and offline pages (excluded at every level) have no row.
	tap_check "the rows, hwpoisoned and offline pages add up to the total" \
		"$total" $((sum + $(stat "Hwpoison pages") + $(stat "Offline pages")))
else
	tap_skip "page classes against Debian's makedumpfile" "makedumpfile not installed"
fi

KX_ROOT=$tmp/crash tap_run "with a crash kernel reserved" 0 "$MDF" --mem-usage "$tmp/kcore"
tap_match "... its pages leave the total" \
	"$(printf 'Total pages on system:\t%s ' $((16287 - 4097)))" "$tap_out"

printf 'not an ELF file at all, and long enough to be read as one.........' >"$tmp/junk"
KX_ROOT=$tmp/none tap_run "--mem-usage of a non-ELF file fails" 1 "$MDF" --mem-usage "$tmp/junk"
tap_match "... naming it" "makedumpfile: .*junk" "$tap_err"
tap_done
