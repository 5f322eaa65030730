#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# drgn (Debian's python3-drgn, an independent reader: its own ELF code, and
# libkdumpfile for kdump-compressed files) reads our dumps. Synthetic 6.1
# vmcore: every page drgn reads from our -E and -l -d 31 dumps equals the
# vmcore's, the ELF dump's zero-filled tails are exactly pages the kdump
# dump excludes. Real capture (tests/e2e cache) with Debian's debug
# vmlinux: drgn finds the release in init_uts_ns and the crashed thread's
# stack through sysrq_handle_crash, from both formats.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
MDF=$B/makedumpfile/makedumpfile
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$PY" -c 'import drgn' 2>/dev/null; then
	tap_skip "drgn reads our dumps" "python3-drgn not installed (apt-get install python3-drgn)"
	tap_done
	exit 0
fi
"$B/tests/gen/mkvmcore" "$S/tests/gen/examples/x86_64-6.1.spec" "$tmp/v.vmcore" >/dev/null 2>&1 ||
	{ echo "Bail out! mkvmcore failed"; exit 1; }
tap_run "-E -d 31" 0 "$MDF" -E -d 31 "$tmp/v.vmcore" "$tmp/e.elf"
tap_run "-l -d 31" 0 "$MDF" -l -d 31 "$tmp/v.vmcore" "$tmp/k.kdump"

tap_run "drgn reads both dumps equal to the vmcore" 0 "$PY" - "$tmp/v.vmcore" "$tmp/e.elf" \
	"$tmp/k.kdump" <<'PYEOF'
import sys, drgn
def prog(path):
    p = drgn.Program()
    p.set_core_dump(path)
    return p
src, elf, kd = (prog(p) for p in sys.argv[1:4])
ps, zero = 4096, bytes(4096)
kept = tails = 0
for pfn in range(0x4000):
    try:
        want = src.read(pfn * ps, ps, True)
    except drgn.FaultError:
        continue
    try:
        got = kd.read(pfn * ps, ps, True)
        excluded = False
    except drgn.FaultError:
        excluded = True
    if not excluded:
        kept += 1
        if got != want:
            sys.exit("pfn %#x: the kdump dump differs" % pfn)
    try:
        e = elf.read(pfn * ps, ps, True)
    except drgn.FaultError:
        if not excluded:
            sys.exit("pfn %#x: kept, but not in the ELF dump" % pfn)
        continue
    if e != want:
        if e != zero or not excluded:
            sys.exit("pfn %#x: the ELF dump differs" % pfn)
        tails += 1
if kept < 1000 or tails == 0:
    sys.exit("too little compared: %d kept, %d zero-filled" % (kept, tails))
print("kept %d zero-filled %d" % (kept, tails))
PYEOF
tap_match "and compared enough pages" "^kept [0-9]+ zero-filled [1-9]" "$tap_out"

tap_real_capture "drgn on a real capture"
for fmt in "-l -d 31" "-E -d 31"; do
	rm -f "$tmp/real"
	# shellcheck disable=SC2086 # $fmt is options
	tap_run "real capture: $fmt" 0 "$MDF" $fmt "$real" "$tmp/real"
	tap_run "real capture $fmt: drgn with the debug vmlinux" 0 "$PY" -c '
import sys, drgn
p = drgn.Program()
p.set_core_dump(sys.argv[1])
p.load_debug_info([sys.argv[2]])
print(p["init_uts_ns"].name.release.string_().decode())
print(p.crashed_thread().stack_trace())' "$tmp/real" "$vmlinux"
	tap_match "real capture $fmt: the release" "^$kver\$" "$tap_out"
	tap_match "real capture $fmt: the crash stack" "sysrq_handle_crash" "$tap_out"
done
tap_done
