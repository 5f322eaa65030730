#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile -e: a synthetic x86_64 vmcore (tests/gen) whose free, user,
# cache, hwpoison and offline pages fill some vmemmap frames exactly, share
# others with kept, zero or absent pages; at each dump level the dump must
# be the generator's oracle with exactly the vmemmap frames whose struct
# pages all describe excluded pages left out too (check-dump.py, frames
# located by vmcore-probe's own page walk), both with 2 MiB and 4 KiB
# vmemmap mappings, and say DUMP_DH_EXCLUDED_VMEMMAP (0x10). libkdumpfile
# reads every kept page; -F, --split, --num-threads and small bitmap
# windows give the same dump; re-filtering keeps the exclusions and the
# flag. Debian's makedumpfile leaves out a subset: only runs of at least
# two frames. Errors: -e without --work-dir, on a LoongArch vmcore. A real
# capture from the e2e cache, if present, is opened by crash and drgn.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_mdf_setup
PROBE=$B/tests/gen/vmcore-probe
CHECK=$S/tests/gen/check-dump.py
mkdir "$tmp/wd"

# 256 MiB: two sections, the pages below all in the first (frame = 64 pfns).
spec() {
	cat <<SPEC
arch = x86_64
kernel = 6.1
ram = 0x1000-0x9fc00, 0x100000-0x10000000
default_fill = zero
vmemmap_pages = $1
# frame 0x80: one order-6 block, exactly one frame
page 0x2000-0x2040 free order=6
# frames 0x84-0x88: free, and in 0x88 half free, half user
page 0x2100-0x2200 free order=8
page 0x2200-0x2220 free order=5
page 0x2220-0x2240 anon
# frame 0x89: free but its last pfn (a kernel page)
page 0x2240-0x2260 free order=5
page 0x2260-0x2270 free order=4
page 0x2270-0x2278 free order=3
page 0x2278-0x227c free order=2
page 0x227c-0x227e free order=1
page 0x227e free
# frame 0x8b: free but its last pfn, a zero page
page 0x22c0-0x22e0 free order=5
page 0x22e0-0x22f0 free order=4
page 0x22f0-0x22f8 free order=3
page 0x22f8-0x22fc free order=2
page 0x22fc-0x22fe free order=1
page 0x22fe free
page 0x22ff zero
# frames 0x8c-0x8e: cache, then hwpoison, offline and free
page 0x2300-0x2380 cache
page 0x2380 hwpoison
page 0x2381 offline
page 0x2382-0x2384 free order=1
page 0x2384-0x2388 free order=2
page 0x2388-0x2390 free order=3
page 0x2390-0x23a0 free order=4
page 0x23a0-0x23c0 free order=5
# frames 0x90-0x97: hugetlb
page 0x2400-0x2600 hugetlb order=9
# frames 0xb0-0xbf: free
page 0x2c00-0x3000 free order=10
# frame 0xc1 inside a free run of 128 pfns that covers no other whole frame
page 0x3010-0x3020 free order=4
page 0x3020-0x3040 free order=5
page 0x3040-0x3080 free order=6
page 0x3080-0x3090 free order=4
SPEC
}

# vmemmap frames (physical pfns) left out of $2 that $1 keeps, one a line.
dropped() {
	"$PY" - "$CHECK" "$1" "$2" <<'PYEOF'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("check_dump", sys.argv[1])
cd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cd)
plain, e = cd.read_dump(sys.argv[2])[1], cd.read_dump(sys.argv[3])[1]
for pfn in sorted(plain):
    if plain[pfn] in ("dumped", "zero") and e[pfn] != plain[pfn]:
        print("%#x %s" % (pfn, e[pfn]))
PYEOF
}

# The physical pfn of the frame holding the struct page of pfn $1.
frame_of() {
	awk -v p="$1" '$1 == "pfn" && $2 == p { print $NF }' "$tmp/probe" |
		"$PY" -c 'import sys; print("%#x excluded" % (int(sys.stdin.read(), 16) // 4096))'
}

for mapping in 2m 4k; do
	v=$tmp/$mapping.vmcore
	spec $mapping >"$tmp/$mapping.spec"
	if ! "$B/tests/gen/mkvmcore" "$tmp/$mapping.spec" "$v" "$tmp/$mapping.expect" \
		>"$tmp/gen.log" 2>&1; then
		tap_not_ok "$mapping: mkvmcore" "$(cat "$tmp/gen.log")"
		continue
	fi
	# Every pfn of both sections: where its struct page is.
	# shellcheck disable=SC2046 # one argument per pfn
	"$PROBE" "$v" $(seq 0 65535) >"$tmp/probe"
	# Frames per level: 0x80, 0x84-0x88, 0x8c-0x8e, 0x90-0x97, 0xb0-0xbf, 0xc1.
	for case in "31 34" "16 23" "8 8" "2 2" "0 0"; do
		level=${case% *} frames=${case#* }
		out=$tmp/$mapping-$level.dump
		tap_run "$mapping -d $level -e" 0 "$MDF" -l -d "$level" -e --work-dir "$tmp/wd" "$v" "$out"
		tap_match "$mapping -d $level -e: reports $frames frames" \
			"^Excluded $frames unused vmemmap pages\$" "$tap_out"
		tap_run "$mapping -d $level -e: the oracle's pages, and the frames of excluded pages" 0 \
			"$PY" "$CHECK" "$tmp/$mapping.expect" "$out" "$tmp/probe"
		tap_match "$mapping -d $level -e: ... $frames of them" \
			"^vmemmap frames excluded: $frames\$" "$tap_out"
	done
	tap_check "$mapping: the work directory is left empty" "" "$(ls -A "$tmp/wd")"
done

v=$tmp/2m.vmcore
e=$tmp/2m-31.dump
"$MDF" -l -d 31 "$v" "$tmp/plain.dump" >/dev/null 2>&1
tap_run "-d 31 without -e: no 0x10 in the header" 0 "$PY" "$CHECK" "$tmp/2m.expect" "$tmp/plain.dump"
if [ $have_libkdumpfile = yes ]; then
	tap_run "libkdumpfile reads every page the -e dump keeps equal to the vmcore" 0 \
		"$PY" "$S/tests/tools/compare_dump.py" "$v" "$e"
else
	tap_skip "libkdumpfile reads the -e dump" "python3-libkdumpfile not installed"
fi
if command -v crash >/dev/null 2>&1; then
	tap_run "crash --osrelease accepts the -e dump" 0 crash --osrelease "$e"
else
	tap_skip "crash --osrelease accepts the -e dump" "crash not installed"
fi

# The same dump however it is written.
rm -f "$tmp/x"
"$MDF" -F -l -d 31 -e --work-dir "$tmp/wd" "$v" 2>/dev/null | "$MDF" -R "$tmp/x" >/dev/null 2>&1
tap_check "-F | -R: the same dump" same "$(cmp -s "$tmp/x" "$e" && echo same)"
rm -f "$tmp/x"
"$MDF" -l -d 31 -e --work-dir "$tmp/wd" --num-threads 2 "$v" "$tmp/x" >/dev/null 2>&1
tap_check "--num-threads 2: the same dump" same "$(cmp -s "$tmp/x" "$e" && echo same)"
rm -f "$tmp/x"
"$MDF" -l -d 31 -e --work-dir "$tmp/wd" --cyclic-buffer 1 "$v" "$tmp/x" >/dev/null 2>&1
tap_check "--cyclic-buffer 1 (8 windows): the same dump" same "$(cmp -s "$tmp/x" "$e" && echo same)"
rm -f "$tmp/x" "$tmp/s1" "$tmp/s2"
"$MDF" -l -d 31 -e --work-dir "$tmp/wd" --split --splitblock-size 4096 "$v" "$tmp/s1" "$tmp/s2" \
	>/dev/null 2>&1
tap_check "--split: both files say 0x10" "18 18" \
	"$(od -An -t u4 -j 424 -N 4 "$tmp/s1" | tr -d ' ') $(od -An -t u4 -j 424 -N 4 "$tmp/s2" | tr -d ' ')"
# (Not byte for byte: the 1st bitmap of a split dump lacks the partial page
# 0x9f, see makedumpfile-split.sh.)
tap_run "--split, --reassemble" 0 "$MDF" --reassemble "$tmp/s1" "$tmp/s2" "$tmp/x"
tap_run "--split, --reassemble: the oracle's pages without the frames" 0 \
	"$PY" "$CHECK" "$tmp/2m.expect" "$tmp/x" "$tmp/probe"

# Re-filtering: the input lacks the frames' struct pages' frames, which must
# not stop the filter, and the output still lacks them and says so.
rm -f "$tmp/x"
tap_run "re-filtering the -e dump" 0 "$MDF" -c -d 31 "$e" "$tmp/x"
tap_run "re-filtered: still the oracle's pages without the frames, and 0x10" 0 \
	"$PY" "$CHECK" "$tmp/2m.expect" "$tmp/x" "$tmp/probe"
rm -f "$tmp/x"
tap_run "re-filtering the plain dump with -e" 0 "$MDF" -l -d 31 -e --work-dir "$tmp/wd" \
	"$tmp/plain.dump" "$tmp/x"
tap_check "re-filtering with -e: the same dump as from the vmcore" same \
	"$(cmp -s "$tmp/x" "$e" && echo same)"

# -E: the frames leave the ELF dump as any excluded page does (a run of
# fewer than 256 pages is still written), so here nothing changes.
rm -f "$tmp/x.elf" "$tmp/y.elf"
tap_run "-E -e" 0 "$MDF" -E -d 31 -e --work-dir "$tmp/wd" "$v" "$tmp/x.elf"
tap_match "-E -e: reports the frames" "^Excluded 34 unused vmemmap pages\$" "$tap_out"
"$MDF" -E -d 31 "$v" "$tmp/y.elf" >/dev/null 2>&1
tap_check "-E -e: runs shorter than 256 pages stay as data" same \
	"$(cmp -s "$tmp/x.elf" "$tmp/y.elf" && echo same)"

# Debian's makedumpfile: only runs of two frames or more.
if [ $have_upstream = yes ]; then
	rm -f "$tmp/up" "$tmp/up-e"
	makedumpfile -l -d 31 "$v" "$tmp/up" >/dev/null 2>&1
	tap_run "Debian's makedumpfile -e" 0 makedumpfile -l -d 31 -e --work-dir "$tmp/wd" "$v" "$tmp/up-e"
	tap_match "Debian's makedumpfile -e: 32 frames" "Excluded 32 unused vmemmap pages" "$tap_err"
	tap_check "without -e: our dump is Debian's" same "$(cmp -s "$tmp/up" "$tmp/plain.dump" && echo same)"
	dropped "$tmp/plain.dump" "$e" | sort >"$tmp/ours"
	dropped "$tmp/up" "$tmp/up-e" | sort >"$tmp/theirs"
	tap_check "Debian's frames are ours but the one-frame runs (pfns 0x2000, 0x3040)" \
		"$(frame_of 0x2000; frame_of 0x3040)" "$(comm -23 "$tmp/ours" "$tmp/theirs")"
	tap_check "... and none of theirs is missing from ours" "" "$(comm -13 "$tmp/ours" "$tmp/theirs")"
	tap_run "Debian's makedumpfile cannot re-filter an -e dump, not even its own" 1 \
		makedumpfile -f -l -d 31 "$tmp/up-e" "$tmp/x"
	tap_match "... failing on a struct page" "Can't read the buffer of struct page" "$tap_err"
else
	tap_skip "Debian's makedumpfile -e" "makedumpfile not installed"
fi

# Errors.
tap_run "-e without --work-dir" 1 "$MDF" -l -d 31 -e "$v" "$tmp/bad.dump"
tap_match "-e without --work-dir: message" "^makedumpfile: -e requires --work-dir\.\$" "$tap_err"
if "$B/tests/gen/mkvmcore" "$S/tests/gen/examples/loongarch64-6.6.spec" "$tmp/la.vmcore" \
	>"$tmp/gen.log" 2>&1; then
	tap_run "-e on a loongarch64 vmcore" 1 "$MDF" -l -d 31 -e --work-dir "$tmp/wd" \
		"$tmp/la.vmcore" "$tmp/bad.dump"
	tap_match "-e on loongarch64: says x86_64 only" \
		"^makedumpfile: -e .* is only supported for x86_64 dumps, as upstream's; this is a loongarch64 vmcore\$" \
		"$tap_err"
	tap_check "-e on loongarch64: no dump left behind" absent \
		"$([ -e "$tmp/bad.dump" ] && echo present || echo absent)"
else
	tap_not_ok "mkvmcore loongarch64-6.6" "$(cat "$tmp/gen.log")"
fi

# A real capture and Debian's debug vmlinux (tests/e2e makes them).
tap_real_capture "-e on a real capture"
tap_run "real capture: -l -d 31 -e" 0 "$MDF" -l -d 31 -e --work-dir "$tmp/wd" "$real" "$tmp/real"
tap_match "real capture: frames left out" "^Excluded [1-9][0-9]* unused vmemmap pages\$" "$tap_out"
if command -v crash >/dev/null 2>&1; then
	tap_run "real capture: crash with the debug vmlinux" 0 sh -c \
		"printf 'sys\nbt\nquit\n' | timeout 600 crash -s '$vmlinux' '$tmp/real'"
	tap_match "real capture: crash knows the vmemmap is partial" "\[EXCLUDED VMEMMAP\]" "$tap_out"
	tap_match "real capture: crash finds the crash stack" "sysrq_handle_crash" "$tap_out"
else
	tap_skip "real capture: crash" "crash not installed"
fi
if "$PY" -c 'import drgn' 2>/dev/null; then
	tap_run "real capture: -E -d 31 -e" 0 "$MDF" -E -d 31 -e --work-dir "$tmp/wd" "$real" "$tmp/real.elf"
	for f in real real.elf; do
		tap_run "real capture $f: drgn finds the crash stack" 0 "$PY" -c '
import sys, drgn
p = drgn.Program()
p.set_core_dump(sys.argv[1])
p.load_debug_info([sys.argv[2]])
print(p.crashed_thread().stack_trace())' "$tmp/$f" "$vmlinux"
		tap_match "real capture $f: sysrq_handle_crash" "sysrq_handle_crash" "$tap_out"
	done
else
	tap_skip "real capture: drgn" "python3-drgn not installed"
fi
tap_done
