#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile on synthetic vmcores of every kernel generation and arch
# (tests/gen/examples, x86_64 and loongarch64): the pages kept must be
# exactly the generator's oracle at each dump level and compression; the
# dump's block size is the kernel's page size; libkdumpfile must read every
# kept page equal to the vmcore; --dump-dmesg must find the log of the
# descriptions that have one (in vmalloc space: a walk of the tables, with
# the level count LoongArch dumps leave to be inferred); crash (x86_64
# build) must accept the
# x86_64 dumps; and where Debian's makedumpfile knows the kernel (x86_64
# 4.19, 5.10, 6.1) our dump must be byte for byte the dump it writes.
# Debian's makedumpfile is an x86_64 build and refuses loongarch64 vmcores
# (tests/gen/test-mkvmcore.sh), so it is no oracle for them.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_mdf_setup

specs=$(ls "$S"/tests/gen/examples/*.spec)
# A quick run (KX_TEST_QUICK=1, see tap.sh) keeps one kernel per arch.
[ "${KX_TEST_QUICK:-0}" = 1 ] &&
	specs="$S/tests/gen/examples/x86_64-6.1.spec $S/tests/gen/examples/loongarch64-6.6.spec"
for spec in $specs; do
	name=$(basename "$spec" .spec)
	v=$tmp/$name.vmcore
	if ! "$B/tests/gen/mkvmcore" "$spec" "$v" "$tmp/$name.expect" >"$tmp/gen.log" 2>&1; then
		tap_not_ok "$name: mkvmcore" "$(cat "$tmp/gen.log")"
		continue
	fi
	page_size=$(sed -n 's/^page_size //p' "$tmp/$name.expect")
	for level in 0 1 2 8 16 31 31,0; do
		# Compression is independent of the level: all methods at
		# the levels that matter most, raw at the others.
		comps='""'
		case $level in 0|31) comps='"" -c -l -z' ;; esac
		eval "set -- $comps"
		for comp in "$@"; do
			out=$tmp/$name-$level$comp.dump
			tap_run "$name -d $level $comp: makedumpfile succeeds" 0 \
				"$MDF" $comp -d $level "$v" "$out"
			tap_run "$name -d $level $comp: kept pages are the oracle's" 0 \
				"$PY" "$S/tests/gen/check-dump.py" "$tmp/$name.expect" "$out"
			tap_check "$name -d $level $comp: block size is the page size" "$page_size" \
				"$(od -An -t d4 -j 428 -N 4 "$out" | tr -d ' ')"
			[ "$level" = 31 ] || [ -z "$comp" ] || rm -f "$out"
		done
	done
	out=$tmp/$name-31-l.dump
	if [ $have_libkdumpfile = yes ]; then
		tap_run "$name: libkdumpfile reads every kept page equal to the vmcore" 0 \
			"$PY" "$S/tests/tools/compare_dump.py" "$v" "$out"
	else
		tap_skip "$name: libkdumpfile comparison" "python3-libkdumpfile not installed"
	fi
	if [ $have_crash = yes ] && [ "${name%%-*}" = x86_64 ]; then
		tap_run "$name: crash --osrelease accepts the dump" 0 crash --osrelease "$out"
		tap_match "$name: crash reads the release" "^[0-9]+\.[0-9]+" "$tap_out"
	else
		tap_skip "$name: crash --osrelease" "crash not installed (or not built for the arch)"
	fi
	last_log=$(sed -n 's/^log .*"\(.*\)"[[:space:]]*$/\1/p' "$spec" | tail -1)
	if [ -n "$last_log" ]; then
		rm -f "$tmp/dmesg.txt"
		tap_run "$name: --dump-dmesg succeeds" 0 "$MDF" --dump-dmesg "$v" "$tmp/dmesg.txt"
		tap_check "$name: --dump-dmesg reads the last message" 1 \
			"$(grep -cF -- "$last_log" "$tmp/dmesg.txt" 2>/dev/null)"
	fi
	case $name in x86_64-4.19|x86_64-5.10|x86_64-6.1) ;; *) continue ;; esac
	if [ $have_upstream = no ]; then
		tap_skip "$name: byte-identical to Debian's makedumpfile" "makedumpfile not installed"
		continue
	fi
	for opts in "-l -d 31" "-c -d 31" "-d 1" "-d 0"; do
		rm -f "$tmp/ours" "$tmp/theirs"
		"$MDF" $opts "$v" "$tmp/ours" >/dev/null 2>&1
		makedumpfile $opts "$v" "$tmp/theirs" >/dev/null 2>&1
		if cmp -s "$tmp/ours" "$tmp/theirs"; then
			tap_ok "$name $opts: byte-identical to Debian's makedumpfile"
		else
			tap_not_ok "$name $opts: byte-identical to Debian's makedumpfile" \
				"$(cmp -l "$tmp/ours" "$tmp/theirs" 2>&1 | head -5)"
		fi
	done
done

# Bad input: a clear one-line error and exit 1, never a crash.
printf 'not an ELF file' >"$tmp/junk"
tap_run "a non-ELF vmcore is refused" 1 "$MDF" -d 31 "$tmp/junk" "$tmp/junk.dump"
tap_match "the error names the file" "makedumpfile: .*junk" "$tap_err"
tap_match "and says makedumpfile Failed" "makedumpfile Failed" "$tap_out"
head -c 3000 "$tmp/x86_64-6.1.vmcore" >"$tmp/trunc" 2>/dev/null
tap_run "a truncated vmcore is refused" 1 "$MDF" -d 31 "$tmp/trunc" "$tmp/trunc.dump"
tap_run "an existing dump is not overwritten" 1 "$MDF" -d 31 "$tmp/x86_64-6.1.vmcore" "$tmp/x86_64-6.1-31-l.dump"
tap_match "the error says it exists" "File exists" "$tap_err"
tap_run "-f overwrites it" 0 "$MDF" -f -d 31 "$tmp/x86_64-6.1.vmcore" "$tmp/x86_64-6.1-31-l.dump"
# LoongArch tables of four levels, but struct pages where three reach: the
# walk of the inferred three levels fails, and filtering says so, naming
# the dump; -d 1 needs no struct page and still works.
{ cat "$S/tests/gen/examples/loongarch64-6.6-4k-4level.spec"
  echo "vmemmap_base = 0xffff804000000000"; } >"$tmp/misplaced.spec"
if "$B/tests/gen/mkvmcore" "$tmp/misplaced.spec" "$tmp/misplaced.vmcore" >"$tmp/gen.log" 2>&1; then
	tap_run "struct pages the inferred tables do not map: refused" 1 \
		"$MDF" -d 31 "$tmp/misplaced.vmcore" "$tmp/misplaced.dump"
	tap_match "the error names the dump and the level count" \
		"misplaced\.vmcore: the struct page at 0xffff804000000000 is not mapped by the 3-level page tables" \
		"$tap_err"
	rm -f "$tmp/misplaced.dump"
	tap_run "-d 1 needs no struct page" 0 "$MDF" -d 1 "$tmp/misplaced.vmcore" "$tmp/misplaced.dump"
	tap_run "re-filtering that dump at -d 31: refused" 1 \
		"$MDF" -d 31 "$tmp/misplaced.dump" "$tmp/misplaced-31.dump"
	tap_match "the error names the dump" \
		"misplaced\.dump: the struct page at 0xffff804000000000 is not mapped by the 3-level" \
		"$tap_err"
else
	tap_not_ok "misplaced vmemmap: mkvmcore" "$(cat "$tmp/gen.log")"
fi
tap_run "--dry-run writes nothing" 0 "$MDF" --dry-run -d 31 "$tmp/x86_64-6.1.vmcore" "$tmp/none.dump"
tap_check "--dry-run left no file" "absent" "$([ -e "$tmp/none.dump" ] && echo present || echo absent)"
tap_done
