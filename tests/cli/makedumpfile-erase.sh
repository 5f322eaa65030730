#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile -x VMLINUX --config FILE: a small vmlinux with DWARF
# (tests/data/erase/vmlinux.c, linked at kernel-image addresses) has its
# data copied into a synthetic vmcore; after filtering, exactly the bytes
# filter.conf names read 'X' (or zero for nullify) through libkdumpfile and
# every other byte is the vmcore's; --eraseinfo prints what was erased, also
# after Debian's makedumpfile re-filtered our dump; config errors are one
# "FILE:LINE: ..." line and exit 1.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
MDF=$B/makedumpfile/makedumpfile
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
D=$S/tests/data/erase
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc=${CC:-gcc}
tap_run "build the test vmlinux" 0 sh -c "$cc -g -O0 -fno-pic -mcmodel=kernel -ffreestanding \
	-c '$D/vmlinux.c' -o '$tmp/v.o' && $cc -nostdlib -static -no-pie \
	-Wl,-Ttext=0xffffffff81100000 -Wl,-Tdata=0xffffffff81200000 -Wl,--build-id=none \
	-o '$tmp/vmlinux' '$tmp/v.o' && objcopy -O binary '$tmp/vmlinux' '$tmp/img.bin'"
cat >"$tmp/e.spec" <<'SPEC'
arch = x86_64
kernel = 6.1
ram = 0x1000-0x9fc00, 0x100000-0x8000000
phys_base = 0x2000000
SPEC
tap_run "vmcore with the vmlinux data" 0 sh -c "'$B/tests/gen/mkvmcore' '$tmp/e.spec' '$tmp/v.core' \
	&& '$PY' '$S/tests/tools/check_erase.py' patch '$tmp/v.core' 0xffffffff81100000 '$tmp/img.bin'"

# Where the erased bytes are, from the link map and vmlinux.c's layout.
sym() { nm "$tmp/vmlinux" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
add() { echo "$@"; }
{
	add "$(sym cred)" 8 32 X
	add "$(sym secret_text)" 0 16 X
	add "$(sym blob_data)" 0 40 X
	add "$(sym cred)" 56 8 0
	add "$(sym plain_array)" 0 6 X
	add "$(sym n1)" 24 8 X
	add "$(sym n2)" 24 8 X
	add "$(sym n1)" 0 8 0
	add "$(sym n2)" 0 8 0
} >"$tmp/ranges"

info='erase cred.key size 32
erase cred.secret size 16
erase cred.blob size 40
erase cred.name nullify
erase plain_array size 6
erase n.priv size 8
erase n.priv size 8
erase p.priv size 2
erase p.priv size 2
erase q.next nullify
erase q.next nullify'

for opts in "-E -d 0" "-c -d 1 --num-threads 2" "-d 0"; do
	out=$tmp/dump
	rm -f "$out"
	tap_run "$opts: dump with --config" 0 "$MDF" -x "$tmp/vmlinux" --config "$D/filter.conf" \
		$opts "$tmp/v.core" "$out"
	tap_match "$opts: module section reported as skipped" "1 command.* kernel module sections skipped" \
		"$tap_out"
	tap_run "$opts: erased bytes and nothing else" 0 "$PY" "$S/tests/tools/check_erase.py" \
		compare "$tmp/v.core" "$out" "$tmp/ranges"
	case $opts in -E*) continue ;; esac
	tap_run "$opts: --eraseinfo" 0 "$MDF" --eraseinfo "$out"
	tap_check "$opts: --eraseinfo text" "$info" "$tap_out"
done

if command -v makedumpfile >/dev/null 2>&1; then
	tap_run "Debian's makedumpfile re-filters our dump" 0 makedumpfile -f -d 1 "$tmp/dump" \
		"$tmp/refiltered"
	tap_run "--eraseinfo of its output" 0 "$MDF" --eraseinfo "$tmp/refiltered"
	tap_check "it carried our eraseinfo over" "$info" "$tap_out"
fi

# Errors: one line naming FILE:LINE, exit 1, no dump left behind.
conf_error() {
	printf '%b' "$2" >"$tmp/bad.conf"
	rm -f "$tmp/bad.dump"
	tap_run "config error: $1" 1 "$MDF" -x "$tmp/vmlinux" --config "$tmp/bad.conf" \
		"$tmp/v.core" "$tmp/bad.dump"
	tap_match "config error: $1: message" "^makedumpfile: $tmp/bad.conf:$3: $4" "$tap_err"
}
conf_error "missing symbol" "erase cred.key\nerase nosuch\n" 2 "Can't find symbol 'nosuch'"
conf_error "missing member" "erase cred.nokey\n" 1 "struct 'cred_like' has no member with name 'nokey'"
conf_error "nullify of an array" "erase cred.key nullify\n" 1 "'cred.key' is not a pointer"
conf_error "size not an integer" "erase cred.key size cred.key\n" 1 "size symbol/member 'cred.key' is not of base type"
conf_error "syntax" "\n\nerase cred.key size\n" 3 "expected size value or symbol"
conf_error "missing endfor" "for x in nodes\nerase x.priv\n" 1 "No matching 'endfor'"
conf_error "within a non-list member" "for x in head within node:priv\nerase x.priv\nendfor\n" 1 \
	"Member 'priv' is not of 'list_head' type"
tap_run "--config without -x" 1 "$MDF" --config "$D/filter.conf" "$tmp/v.core" "$tmp/bad.dump"
tap_match "--config without -x: message" "needs -x VMLINUX" "$tap_err"
tap_done
