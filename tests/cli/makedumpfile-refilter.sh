#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Re-filtering: makedumpfile given a kdump-compressed dump (or a flattened
# stream of one) instead of a vmcore. On synthetic vmcores
# (tests/gen/examples), re-filtering a -d 1 dump to -d 31, or a -d 31 dump
# to another compression, gives byte for byte the dump made directly from
# the vmcore, also through threads, a flattened input and -F output; in
# both directions with Debian's makedumpfile; the old level is ORed in and
# -E refused as upstream does; corrupt inputs fail with a clear message.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
MDF=$B/makedumpfile/makedumpfile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_upstream=no
command -v makedumpfile >/dev/null 2>&1 && have_upstream=yes

# same NAME FILE1 FILE2: byte comparison (holes read as zeros).
same() {
	if cmp -s "$2" "$3"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$(cmp -l "$2" "$3" 2>&1 | head -5)"
	fi
}

refilter() {
	name=$1 v=$2
	d=$tmp/$name
	mkdir -p "$d"
	for args in "-d 1 -c" "-d 31 -l" "-d 31 -c" "-d 31 -z"; do
		"$MDF" $args "$v" "$d/direct$(echo $args | tr -d ' ')" >/dev/null 2>&1
	done
	tap_run "$name: re-filter -d 1 -c to -d 31 -l succeeds" 0 \
		"$MDF" -d 31 -l "$d/direct-d1-c" "$d/r31l"
	same "$name: ... byte-identical to the direct -d 31 -l dump" "$d/r31l" "$d/direct-d31-l"
	tap_run "$name: re-filter -d 31 -l to -d 31 -c succeeds" 0 \
		"$MDF" -d 31 -c "$d/direct-d31-l" "$d/r31c"
	same "$name: ... byte-identical to the direct -d 31 -c dump" "$d/r31c" "$d/direct-d31-c"
	"$MDF" -d 31 -z --num-threads 2 "$d/direct-d1-c" "$d/r31z" >/dev/null 2>&1
	same "$name: re-filter on 2 threads, -d 1 -c to -d 31 -z, equals the direct dump" \
		"$d/r31z" "$d/direct-d31-z"
	"$MDF" -F -d 1 -c "$v" >"$d/flat" 2>/dev/null
	mkdir -p "$d/work"
	tap_run "$name: re-filter a flattened stream (--work-dir) succeeds" 0 \
		"$MDF" --work-dir "$d/work" -d 31 -l "$d/flat" "$d/rflat"
	same "$name: ... byte-identical to the direct dump" "$d/rflat" "$d/direct-d31-l"
	tap_check "$name: ... leaving nothing in the work directory" "" "$(ls "$d/work")"
	"$MDF" -F -d 31 -l "$d/direct-d1-c" 2>/dev/null | "$MDF" -R "$d/rF" >/dev/null 2>&1
	same "$name: re-filter with -F output, rebuilt by -R, equals the direct dump" \
		"$d/rF" "$d/direct-d31-l"
	tap_run "$name: asking -d 1 of a -d 31 dump succeeds" 0 \
		"$MDF" -d 1 -c "$d/direct-d31-l" "$d/rlow"
	tap_match "$name: ... saying the level is raised" \
		"dump_level is changed to 31, because .*direct-d31-l was created by dump_level\(31\)" \
		"$tap_out"
	same "$name: ... and writes the -d 31 -c dump" "$d/rlow" "$d/direct-d31-c"
	tap_run "$name: -E of a kdump-compressed dump is refused" 1 \
		"$MDF" -E -d 31 "$d/direct-d1-c" "$d/relf"
	tap_match "$name: ... in upstream's words" \
		"'-E' option is disable, because .*direct-d1-c is kdump compressed format" "$tap_err"
	# Debian's 1.7.2 predates the page types of 6.12 and filters it differently.
	case $name in
	*-6.12) ;;
	*)
		if [ $have_upstream = yes ]; then
			against_upstream "$name" "$v"
		else
			tap_skip "$name: against Debian's makedumpfile" "makedumpfile not installed"
		fi ;;
	esac
}

# Debian's makedumpfile re-filters our dump, and we re-filter its dump: both
# give the direct dump.
against_upstream() {
	name=$1 v=$2
	d=$tmp/$name
	makedumpfile -d 31 -l "$d/direct-d1-c" "$d/theirs.r" >/dev/null 2>&1
	same "$name: Debian's makedumpfile re-filters our -d 1 dump to our direct -d 31 -l dump" \
		"$d/theirs.r" "$d/direct-d31-l"
	makedumpfile -d 1 -c "$v" "$d/theirs.d1c" >/dev/null 2>&1
	tap_run "$name: we re-filter Debian's -d 1 -c dump" 0 \
		"$MDF" -d 31 -l "$d/theirs.d1c" "$d/ours.r"
	same "$name: ... to our direct -d 31 -l dump" "$d/ours.r" "$d/direct-d31-l"
}

# u32 FILE OFFSET: a little-endian 32-bit field.
u32() { od -An -tu4 -j"$2" -N4 "$1" | tr -d ' '; }

# Corrupt inputs: one line saying what is wrong, exit 1, no output file.
corrupt() {
	d=$tmp/$1 good=$tmp/$1/direct-d1-c
	bad=$tmp/bad
	head -c $(($(wc -c <"$good") / 2)) "$good" >"$bad"
	tap_run "a dump cut in half is refused" 1 "$MDF" -d 31 -l "$bad" "$tmp/out1"
	tap_match "... naming the file and the page" "makedumpfile: .*bad.*pfn 0x[0-9a-f]+.*beyond the end of the file" "$tap_err"
	head -c 3000 "$good" >"$bad"
	tap_run "a dump cut inside its header is refused" 1 "$MDF" -d 31 -l "$bad" "$tmp/out2"
	tap_match "... saying where it ends" "makedumpfile: .*bad: file ends at 3000, before the end of the sub header" "$tap_err"
	# The first descriptor's size field set to 0xffffffff.
	cp "$good" "$bad"
	sub=$(u32 "$good" 432) bmb=$(u32 "$good" 436)
	desc=$(((1 + sub + bmb) * 4096))
	printf '\377\377\377\377' | dd of="$bad" bs=1 seek=$((desc + 8)) conv=notrunc 2>/dev/null
	tap_run "a dump with a bad page descriptor is refused" 1 "$MDF" -d 1 -l "$bad" "$tmp/out3"
	tap_match "... saying which" "makedumpfile: .*bad: pfn 0x[0-9a-f]+: page descriptor has a bad size" "$tap_err"
	# block_size 12345.
	cp "$good" "$bad"
	printf '\071\060\000\000' | dd of="$bad" bs=1 seek=428 conv=notrunc 2>/dev/null
	tap_run "a dump with a bad block_size is refused" 1 "$MDF" -d 31 -l "$bad" "$tmp/out4"
	tap_match "... saying so" "makedumpfile: .*bad.*block_size" "$tap_err"
	tap_check "bad headers fail before the output is created" "" "$(ls "$tmp" | grep '^out[24]')"
}

for name in x86_64-4.19 x86_64-6.1 x86_64-6.12; do
	v=$tmp/$name.vmcore
	if ! "$B/tests/gen/mkvmcore" "$S/tests/gen/examples/$name.spec" "$v" >"$tmp/gen.log" 2>&1; then
		tap_not_ok "$name: mkvmcore" "$(cat "$tmp/gen.log")"
		continue
	fi
	refilter "$name" "$v"
	rm -f "$v"
done
corrupt x86_64-6.1
tap_done
