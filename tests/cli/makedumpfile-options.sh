#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile's smaller options on synthetic vmcores (tests/gen/mkvmcore):
# --partial-dmesg (only the log since the last `dmesg -c`, for the lockless
# ring through its latched clear_seq and for the structured log through
# clear_idx, including a clear_idx left stale by overwritten records, and
# the whole log where the dump keeps no clear mark), compared with text
# written here and, where Debian's makedumpfile knows the layout, with its
# output; -b (range-checked, the dump identical for every order); --work-dir
# (must be a writable directory); --non-mmap (the dump identical to the
# mapped one). --dump-dmesg reads kdump-compressed and flattened dumps too.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
. "${KX_SRCDIR:-.}/tests/lib/printk_core.sh"

B=${KX_BUILDDIR:-.}
MDF=$B/makedumpfile/makedumpfile
GEN=$B/tests/gen/mkvmcore
OUT=$(mktemp -d)
trap 'chmod -R u+w "$OUT"; rm -rf "$OUT"' EXIT

# Twelve messages; "message N" is logged N seconds after boot.
: >"$OUT/logs"
i=1
while [ $i -le 12 ]; do
	echo "log $i.000001 caller=T$i \"message $i\"" >>"$OUT/logs"
	i=$((i + 1))
done

# want FIRST LAST [CALLER]: makedumpfile's lines for messages FIRST..LAST;
# CALLER=1 adds the caller column.
want() {
	i=$1
	while [ $i -le $2 ]; do
		if [ "${3:-0}" = 1 ]; then
			printf '[%5d.000001] [%8s] message %d\n' $i "T$i" $i
		else
			printf '[%5d.000001] message %d\n' $i $i
		fi
		i=$((i + 1))
	done
}

# check_dmesg NAME CORE EXPECTED-FILE ARGS...: --dump-dmesg ARGS on CORE.
check_dmesg() {
	name=$1 core=$2 exp=$3
	shift 3
	rm -f "$OUT/$name.log"
	tap_run "$name: exit status 0" 0 "$MDF" --dump-dmesg "$@" "$OUT/$core.vmcore" "$OUT/$name.log"
	if cmp -s "$exp" "$OUT/$name.log"; then
		tap_ok "$name: the log is as expected"
	else
		tap_not_ok "$name: the log is as expected" \
			"$(diff -u "$exp" "$OUT/$name.log" 2>&1 | head -20)"
	fi
}

# --- --partial-dmesg ---

# Lockless ring, cleared after message 7.
make_core lockless-clear "printk = lockless" "printk_clear = 7"
want 1 12 1 >"$OUT/all-caller.want"
want 8 12 1 >"$OUT/since7-caller.want"
check_dmesg "lockless, whole log" lockless-clear "$OUT/all-caller.want"
check_dmesg "lockless, --partial-dmesg" lockless-clear "$OUT/since7-caller.want" --partial-dmesg
tap_check "lockless, --partial-dmesg: no fallback message" "" \
	"$(printf '%s\n' "$tap_out" | grep 'does not record')"

# The log out of the dumps kdumpctl saves: kdump-compressed, and a
# flattened stream (-F, what an ssh target receives), not only ELF vmcores.
"$MDF" -l -d 1 "$OUT/lockless-clear.vmcore" "$OUT/lockless-kdump.vmcore" >/dev/null 2>&1
tap_check "a kdump-compressed copy of the core" "KDUMP   " "$(head -c 8 "$OUT/lockless-kdump.vmcore")"
check_dmesg "kdump-compressed input, whole log" lockless-kdump "$OUT/all-caller.want"
check_dmesg "kdump-compressed input, --partial-dmesg" lockless-kdump "$OUT/since7-caller.want" \
	--partial-dmesg
"$MDF" -F -l -d 1 "$OUT/lockless-clear.vmcore" >"$OUT/lockless-flat.vmcore" 2>/dev/null
check_dmesg "flattened input, whole log" lockless-flat "$OUT/all-caller.want"

# Never cleared (clear_seq 0): everything.
make_core lockless-never "printk = lockless"
check_dmesg "lockless never cleared, --partial-dmesg" lockless-never "$OUT/all-caller.want" \
	--partial-dmesg

# Cleared after the last message: an empty log.
make_core lockless-empty "printk = lockless" "printk_clear = 12"
: >"$OUT/empty.want"
check_dmesg "lockless cleared at the end, --partial-dmesg" lockless-empty "$OUT/empty.want" \
	--partial-dmesg

# 8 descriptors: messages 1-4 are gone; a clear after message 2 points
# before the oldest kept record, so every kept record is written.
make_core lockless-gone "printk = lockless" "printk_count_bits = 3" "printk_clear = 2"
want 5 12 1 >"$OUT/from5-caller.want"
check_dmesg "lockless, clear mark older than the ring" lockless-gone \
	"$OUT/from5-caller.want" --partial-dmesg

# 3.5-5.9 structured log, cleared after message 7 (clear_idx).
make_core structured-clear "kernel = 4.19" "printk = structured" "printk_clear = 7"
want 1 12 >"$OUT/all.want"
want 8 12 >"$OUT/since7.want"
check_dmesg "structured, whole log" structured-clear "$OUT/all.want"
check_dmesg "structured, --partial-dmesg" structured-clear "$OUT/since7.want" --partial-dmesg

# 256-byte log_buf: only the last messages fit; clear_idx (after a first,
# longer message: byte 36, while every later record is 28 bytes long and the
# wrap restarts them at 0) points into overwritten text, so it is ignored
# and every kept record written. (The kernel exports no clear_seq for this
# layout: a stale clear_idx that falls on a record start cannot be told
# from a live one, by upstream either.)
{ echo 'log 0.5 "message 0 longer"'; cat "$OUT/logs"; } >"$OUT/logs-stale"
LOGS=$OUT/logs-stale make_core structured-stale "kernel = 4.19" "printk = structured" \
	"printk_size_bits = 8" "printk_clear = 1"
"$MDF" --dump-dmesg "$OUT/structured-stale.vmcore" "$OUT/stale-all.log" >/dev/null 2>&1
check_dmesg "structured, stale clear_idx: the whole kept log" structured-stale \
	"$OUT/stale-all.log" --partial-dmesg
tap_match "structured, stale clear_idx: the log ends with message 12" '^\[ +12\.000001\] message 12$' \
	"$(cat "$OUT/stale-all.log")"
tap_check "structured, stale clear_idx: message 1 was overwritten" "" \
	"$(grep 'message 1$' "$OUT/stale-all.log")"

# Before 3.5 there is no clear mark: the whole log, and a message says so.
make_core legacy "kernel = 4.19" "printk = legacy"
"$MDF" --dump-dmesg "$OUT/legacy.vmcore" "$OUT/legacy-all.log" >/dev/null 2>&1
check_dmesg "legacy, --partial-dmesg" legacy "$OUT/legacy-all.log" --partial-dmesg
tap_match "legacy, --partial-dmesg: says the whole log is written" \
	"legacy\.vmcore does not record where the log was last cleared: --partial-dmesg writes the whole log\." \
	"$tap_out"

tap_run "--partial-dmesg without --dump-dmesg: exit 1" 1 \
	"$MDF" --partial-dmesg -d 31 "$OUT/lockless-clear.vmcore" "$OUT/x.dump"
tap_match "--partial-dmesg without --dump-dmesg: upstream's message" \
	"--partial-dmesg can only be used with --dump-dmesg\." "$tap_err"
tap_check "--partial-dmesg without --dump-dmesg: no file" no \
	"$([ -e "$OUT/x.dump" ] && echo yes || echo no)"

# Debian's makedumpfile (1.7.2) reads the structured clear_idx too; it
# predates the caller column, so the structured log without callers compares.
DEBIAN_MDF=${KX_DEBIAN_MAKEDUMPFILE:-/usr/bin/makedumpfile}
if [ -x "$DEBIAN_MDF" ] && "$DEBIAN_MDF" -v 2>&1 | grep -q 'version 1\.7'; then
	"$DEBIAN_MDF" --dump-dmesg --partial-dmesg "$OUT/structured-clear.vmcore" \
		"$OUT/debian.log" >"$OUT/debian.out" 2>&1
	if cmp -s "$OUT/since7.want" "$OUT/debian.log"; then
		tap_ok "structured --partial-dmesg: Debian's makedumpfile writes the same"
	else
		tap_not_ok "structured --partial-dmesg: Debian's makedumpfile writes the same" \
			"$(diff -u "$OUT/since7.want" "$OUT/debian.log" 2>&1 | head)" \
			"$(tail -5 "$OUT/debian.out")"
	fi
else
	tap_skip "structured --partial-dmesg: Debian's makedumpfile writes the same" \
		"$DEBIAN_MDF (1.7.x) not installed"
fi

# --- -b ---

CORE=$OUT/lockless-clear.vmcore
tap_run "-d 31 -l: reference dump" 0 "$MDF" -d 31 -l "$CORE" "$OUT/ref.dump"
for order in 0 4 20; do
	tap_run "-b $order: exit status 0" 0 "$MDF" -b $order -d 31 -l "$CORE" "$OUT/b$order.dump"
	tap_check "-b $order: the dump is identical" same \
		"$(cmp -s "$OUT/ref.dump" "$OUT/b$order.dump" && echo same || echo differs)"
done
for bad in 21 -1 x 4k ''; do
	tap_run "-b '$bad': exit 1" 1 "$MDF" -b "$bad" -d 31 "$CORE" "$OUT/bad.dump"
	tap_match "-b '$bad': names the order" "^makedumpfile: Block order\($bad\) is invalid\.$" \
		"$tap_err"
done
tap_check "-b: a rejected order writes no file" no \
	"$([ -e "$OUT/bad.dump" ] && echo yes || echo no)"
tap_run "-b 21 --check-params: exit 1" 1 "$MDF" --check-params -b 21 "$CORE" "$OUT/bad.dump"
tap_run "-b 20 --check-params: exit 0" 0 "$MDF" --check-params -b 20 "$CORE" "$OUT/bad.dump"

# --- --work-dir ---

mkdir "$OUT/work"
tap_run "--work-dir DIR: exit status 0" 0 \
	"$MDF" --work-dir "$OUT/work" -d 31 -l "$CORE" "$OUT/wd.dump"
tap_check "--work-dir DIR: the dump is identical" same \
	"$(cmp -s "$OUT/ref.dump" "$OUT/wd.dump" && echo same || echo differs)"
tap_check "--work-dir DIR: nothing is left in it" "" "$(ls -A "$OUT/work")"

tap_run "--work-dir missing: exit 1" 1 \
	"$MDF" --work-dir "$OUT/nowhere" -d 31 "$CORE" "$OUT/wd2.dump"
tap_match "--work-dir missing: names it" \
	"^makedumpfile: .*/nowhere: --work-dir: No such file or directory$" "$tap_err"
tap_match "--work-dir missing: makedumpfile Failed" "makedumpfile Failed\." "$tap_out"
tap_check "--work-dir missing: no dump file" no \
	"$([ -e "$OUT/wd2.dump" ] && echo yes || echo no)"

: >"$OUT/plain"
tap_run "--work-dir on a file: exit 1" 1 \
	"$MDF" --work-dir "$OUT/plain" -d 31 "$CORE" "$OUT/wd2.dump"
tap_match "--work-dir on a file: not a directory" \
	"^makedumpfile: .*/plain: --work-dir: Not a directory$" "$tap_err"

if [ "$(id -u)" != 0 ]; then
	mkdir "$OUT/ro" && chmod 0555 "$OUT/ro"
	tap_run "--work-dir read-only: exit 1" 1 \
		"$MDF" --work-dir "$OUT/ro" -d 31 "$CORE" "$OUT/wd2.dump"
	tap_match "--work-dir read-only: permission denied" \
		"^makedumpfile: .*/ro: --work-dir: Permission denied$" "$tap_err"
else
	tap_skip "--work-dir read-only: exit 1" "root may write anywhere"
	tap_skip "--work-dir read-only: permission denied" "root may write anywhere"
fi

tap_run "--work-dir with --dump-dmesg is checked too" 1 \
	"$MDF" --work-dir "$OUT/nowhere" --dump-dmesg "$CORE" "$OUT/wd.log"

# --- --non-mmap ---

tap_run "--non-mmap: exit status 0" 0 "$MDF" --non-mmap -d 31 -l "$CORE" "$OUT/nm.dump"
tap_check "--non-mmap: the dump is identical" same \
	"$(cmp -s "$OUT/ref.dump" "$OUT/nm.dump" && echo same || echo differs)"

tap_done
