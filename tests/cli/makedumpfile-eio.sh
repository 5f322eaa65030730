#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile when some vmcore pages cannot be read (EIO, injected by
# tests/tools/fault_shim.so): the dump completes, says how many pages were
# lost, and leaves exactly those out (readers see them as excluded, not as
# zeros), whether the vmcore is mapped, read (--non-mmap) or read by
# several threads.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_mdf_setup
SHIM=$B/tests/tools/fault_shim.so

if ! "$PY" -c 'import kdumpfile' 2>/dev/null; then
	tap_skip "EIO injection" "python3-libkdumpfile not installed (CI installs it)"
	tap_done
	exit 0
fi
"$B/tests/gen/mkvmcore" "$S/tests/gen/examples/x86_64-6.1.spec" "$tmp/v.vmcore" >/dev/null 2>&1 ||
	{ echo "Bail out! mkvmcore failed"; exit 1; }
tap_run "a dump without faults" 0 "$MDF" -l -d 31 "$tmp/v.vmcore" "$tmp/base.dump"

# Three kept, non-zero pages (two neighbours share a 4 MiB window, so a
# window that fails to populate is read page by page) and their offsets.
"$PY" - "$tmp/v.vmcore" "$tmp/base.dump" >"$tmp/victims" <<'PYEOF'
import struct, sys, kdumpfile
core, dump = sys.argv[1], sys.argv[2]
d = kdumpfile.kdumpfile(dump)
ps = d.attr["arch.page_size"]
kept = []
for pfn in range(d.attr["max_pfn"]):
    try:
        if any(d.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * ps, ps)):
            kept.append(pfn)
    except Exception:
        pass
pick = [kept[len(kept) // 3], kept[len(kept) // 3 + 1], kept[-1]]
raw = open(core, "rb").read(65536)
phoff, phnum = struct.unpack_from("<Q", raw, 32)[0], struct.unpack_from("<H", raw, 56)[0]
offs = []
for pfn in pick:
    for i in range(phnum):
        typ, _, off, _, paddr, filesz = struct.unpack_from("<IIQQQQ", raw, phoff + 56 * i)
        if typ == 1 and paddr <= pfn * ps < paddr + filesz:
            offs.append(off + pfn * ps - paddr + 100)
print(" ".join("%#x" % p for p in pick))
print(",".join("%#x" % o for o in offs))
PYEOF
read -r pfns <"$tmp/victims"
offsets=$(sed -n 2p "$tmp/victims")
# A page may have a copy in two PT_LOADs (the kernel text's): fail both.
tap_check "three victim pages found" 3 "$(echo "$pfns" | wc -w)"
base=$("$PY" "$S/tests/tools/compare_dump.py" "$tmp/v.vmcore" "$tmp/base.dump")
kept0=$(echo "$base" | awk '{print $2}')

for mode in "" "--non-mmap" "--num-threads 2"; do
	name=${mode:-mmap}
	rm -f "$tmp/eio.dump"
	# shellcheck disable=SC2086 # $mode is zero or more options
	tap_run "[$name] the dump completes despite EIO" 0 env KX_EIO_PATH="$tmp/v.vmcore" \
		KX_EIO_OFFSETS="$offsets" LD_PRELOAD="$SHIM" ASAN_OPTIONS=verify_asan_link_order=0 \
		"$MDF" -l -d 31 $mode "$tmp/v.vmcore" "$tmp/eio.dump"
	tap_match "[$name] and says how many pages were lost" \
		"3 page[(]s[)] could not be read from .*v.vmcore and were left out of the dump" "$tap_out"
	tap_run "[$name] every other page reads back intact" 0 \
		"$PY" "$S/tests/tools/compare_dump.py" "$tmp/v.vmcore" "$tmp/eio.dump"
	tap_match "[$name] three pages fewer are kept" "^kept $((kept0 - 3)) " "$tap_out"
	tap_run "[$name] the lost pages read as excluded" 0 "$PY" -c '
import sys, kdumpfile, kdumpfile.exceptions as ex
d = kdumpfile.kdumpfile(sys.argv[1])
ps = d.attr["arch.page_size"]
for pfn in sys.argv[2:]:
    try:
        d.read(kdumpfile.KDUMP_MACHPHYSADDR, int(pfn, 16) * ps, ps)
        sys.exit("pfn %s is still in the dump" % pfn)
    except ex.NoDataException:
        pass' "$tmp/eio.dump" $pfns
done
if command -v crash >/dev/null 2>&1; then
	tap_run "crash opens the dump" 0 crash --osrelease "$tmp/eio.dump"
fi
tap_done
