#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile's other output formats on synthetic vmcores
# (tests/gen/examples): the flattened stream (-F) rebuilds (-R) to exactly
# the file written directly, in both directions against Debian's
# makedumpfile where it knows the kernel (4.19, 5.10, 6.1); a truncated or
# foreign stream fails at once; the ELF dump (-E) reads back equal to the
# vmcore through libkdumpfile, opens in crash, and is byte for byte the
# ELF dump Debian's makedumpfile writes.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_mdf_setup

# check_stream NAME FILE: a well-formed -F stream: the header, records of
# positive size, the -1/-1 terminator and nothing after it.
check_stream() {
	tap_run "$1" 0 "$PY" -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:16] == b"makedumpfile\0\0\0\0", "signature"
assert struct.unpack(">qq", d[16:32]) == (1, 1), "type/version"
assert d[32:4096] == bytes(4064), "header padding"
p = 4096
while True:
    off, size = struct.unpack(">qq", d[p:p + 16])
    p += 16
    if (off, size) == (-1, -1):
        break
    assert off >= 0 and size > 0, "record %d/%d at %d" % (off, size, p - 16)
    p += size
    assert p <= len(d), "record past the end"
assert p == len(d), "%d bytes after the terminator" % (len(d) - p)
' "$2"
}

# One synthetic vmcore: -F/-R round trips and -E.
formats() {
	name=$1 v=$2
	"$MDF" -l -d 31 "$v" "$tmp/direct" >/dev/null 2>&1
	tap_run "$name: -F -l -d 31 succeeds" 0 sh -c \
		'"$1" -F -l -d 31 "$2" >"$3"' sh "$MDF" "$v" "$tmp/flat"
	tap_match "$name: -F prints its messages on stderr" "saved to STDOUT" "$tap_err"
	check_stream "$name: the -F stream is well formed" "$tmp/flat"
	rm -f "$tmp/rebuilt"
	tap_run "$name: -R rebuilds it" 0 sh -c '"$1" -R "$2" <"$3"' sh "$MDF" "$tmp/rebuilt" "$tmp/flat"
	tap_same "$name: -F | -R equals the direct dump" "$tmp/rebuilt" "$tmp/direct"
	rm -f "$tmp/elf" "$tmp/elf.rebuilt"
	tap_run "$name: -E -d 31 succeeds" 0 "$MDF" -E -d 31 "$v" "$tmp/elf"
	tap_run "$name: -E -F | -R equals the direct ELF dump" 0 sh -c \
		'"$1" -E -F -d 31 "$2" 2>/dev/null | "$1" -R "$3" >/dev/null && cmp "$3" "$4"' \
		sh "$MDF" "$v" "$tmp/elf.rebuilt" "$tmp/elf"
	if [ $have_libkdumpfile = yes ]; then
		tap_run "$name: libkdumpfile reads every page of the ELF dump equal to the vmcore" 0 \
			"$PY" "$S/tests/tools/compare_elf_dump.py" "$v" "$tmp/elf"
	else
		tap_skip "$name: libkdumpfile comparison of -E" "python3-libkdumpfile not installed"
	fi
	if [ $have_crash = yes ]; then
		tap_run "$name: crash --osrelease accepts the ELF dump" 0 crash --osrelease "$tmp/elf"
		tap_match "$name: crash reads the release from it" "^[0-9]+\.[0-9]+" "$tap_out"
	else
		tap_skip "$name: crash --osrelease on -E" "crash not installed"
	fi
}

# Debian's makedumpfile on the same vmcore: each side rebuilds the other's
# stream, and the ELF dumps are the same bytes.
against_upstream() {
	name=$1 v=$2
	rm -f "$tmp/theirs.R" "$tmp/ours.R" "$tmp/theirs.elf"
	makedumpfile -R "$tmp/theirs.R" <"$tmp/flat" >/dev/null 2>&1
	tap_same "$name: Debian's -R rebuilds our -F stream to our direct dump" "$tmp/theirs.R" "$tmp/direct"
	makedumpfile -F -l -d 31 "$v" 2>/dev/null >"$tmp/theirs.flat"
	tap_run "$name: our -R rebuilds Debian's -F stream" 0 sh -c \
		'"$1" -R "$2" <"$3"' sh "$MDF" "$tmp/ours.R" "$tmp/theirs.flat"
	tap_same "$name: ... to our direct dump" "$tmp/ours.R" "$tmp/direct"
	makedumpfile -E -d 31 "$v" "$tmp/theirs.elf" >/dev/null 2>&1
	tap_same "$name -E -d 31: byte-identical to Debian's makedumpfile" "$tmp/elf" "$tmp/theirs.elf"
	# Stopped by -L: marked incomplete (e_flags bit 0), program headers
	# only up to the segment being written, as upstream leaves them.
	rm -f "$tmp/elf.L" "$tmp/theirs.elf"
	tap_run "$name -E -L 10M: fails, incomplete" 1 "$MDF" -E -d 31 -L 10M "$v" "$tmp/elf.L"
	tap_match "... saying so" "incomplete dumpfile" "$tap_out"
	tap_check "... e_flags has bit 0" " 01" "$(od -An -tx1 -j48 -N1 "$tmp/elf.L")"
	makedumpfile -E -d 31 -L 10M "$v" "$tmp/theirs.elf" >/dev/null 2>&1
	tap_same "$name -E -L 10M: byte-identical to Debian's makedumpfile" "$tmp/elf.L" "$tmp/theirs.elf"
	rm -f "$tmp/elf.L"
	rm -f "$tmp/theirs.flat"
}

for spec in "$S"/tests/gen/examples/x86_64-*.spec; do
	name=$(basename "$spec" .spec)
	v=$tmp/$name.vmcore
	if ! "$B/tests/gen/mkvmcore" "$spec" "$v" >"$tmp/gen.log" 2>&1; then
		tap_not_ok "$name: mkvmcore" "$(cat "$tmp/gen.log")"
		continue
	fi
	formats "$name" "$v"
	case $name in
	x86_64-4.19|x86_64-5.10|x86_64-6.1)
		if [ $have_upstream = yes ]; then
			against_upstream "$name" "$v"
		else
			tap_skip "$name: against Debian's makedumpfile" "makedumpfile not installed"
		fi ;;
	esac
	[ "$name" = x86_64-6.1 ] && cp "$tmp/flat" "$tmp/keep.flat"
	rm -f "$v" "$tmp/flat" "$tmp/direct" "$tmp/rebuilt" "$tmp/elf" "$tmp/elf.rebuilt" \
		"$tmp"/*.R "$tmp/theirs.elf"
done

# Hostile streams: exit 1 at once with a clear message, never a wait.
now_ms() { date +%s%3N; }
size=$(wc -c <"$tmp/keep.flat")
for cut in 100 4096 4100 $((size / 2)) $((size - 1)); do
	head -c "$cut" "$tmp/keep.flat" >"$tmp/cut.flat"
	rm -f "$tmp/cut.R"
	t0=$(now_ms)
	tap_run "a stream cut at $cut bytes fails" 1 timeout 30 sh -c \
		'"$1" -R "$2" <"$3"' sh "$MDF" "$tmp/cut.R" "$tmp/cut.flat"
	t1=$(now_ms)
	tap_check "... within 5 s" yes "$([ $((t1 - t0)) -lt 5000 ] && echo yes || echo "no: $((t1 - t0)) ms")"
	tap_match "... saying the stream is truncated" \
		"makedumpfile: standard input: truncated flattened stream" "$tap_err"
done
tap_run "a stream cut at 0 bytes fails too" 1 sh -c '"$1" -R -f "$2" </dev/null' sh "$MDF" "$tmp/cut.R"
printf 'KDUMP   this is no flattened stream' >"$tmp/junk"
head -c 8192 /dev/zero >>"$tmp/junk"
tap_run "a stream without the signature is refused" 1 sh -c \
	'"$1" -R -f "$2" <"$3"' sh "$MDF" "$tmp/cut.R" "$tmp/junk"
tap_match "... saying so" "not a flattened dump" "$tap_err"
tap_run "-R does not overwrite an existing file" 1 sh -c \
	'"$1" -R "$2" <"$3"' sh "$MDF" "$tmp/cut.R" "$tmp/keep.flat"
tap_match "... saying it exists" "File exists" "$tap_err"
tap_run "-R -f overwrites it" 0 sh -c '"$1" -R -f "$2" <"$3"' sh "$MDF" "$tmp/cut.R" "$tmp/keep.flat"
tap_match "... and says where the dump is" "The dumpfile is saved to .*cut.R" "$tap_out"
tap_done
