#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile -x VMLINUX --config FILE: a small vmlinux with DWARF
# (tests/data/erase/vmlinux.c, linked at kernel-image addresses) has its
# data copied into a synthetic vmcore; after filtering, exactly the bytes
# filter.conf names read 'X' (or zero for nullify) through libkdumpfile and
# every other byte is the vmcore's; --eraseinfo prints what was erased, also
# after Debian's makedumpfile re-filtered our dump; an ELF dump (-E) carries
# the text as a last PT_NOTE note "ERASEINFO", type 0 (exact bytes, readelf
# lists it, crash and drgn open the file, Debian's makedumpfile carries it
# into the kdump-compressed dump it makes of it, byte for byte the one we
# make); config errors are one "FILE:LINE: ..." line and exit 1.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_mdf_setup
D=$S/tests/data/erase

cc=${CC:-gcc}
rel=6.1.0-kxtest
# build_kernel NAME CFLAGS: $tmp/NAME (the vmlinux) and $tmp/NAME.core,
# a vmcore holding its data and, at module_area, kx_testmod's .data.
build_kernel() {
	tap_run "build the test vmlinux $1" 0 sh -c "$cc -g -O0 -fno-pic -mcmodel=kernel \
		-ffreestanding $2 -c '$D/vmlinux.c' -o '$tmp/$1.o' && $cc -nostdlib -static -no-pie \
		-Wl,-Ttext=0xffffffff81100000 -Wl,-Tdata=0xffffffff81200000 -Wl,--build-id=none \
		-o '$tmp/$1' '$tmp/$1.o' && objcopy -O binary '$tmp/$1' '$tmp/$1.bin'"
	tap_run "vmcore with the $1 data" 0 sh -c "'$B/tests/gen/mkvmcore' '$tmp/e.spec' \
		'$tmp/$1.core' && '$PY' '$S/tests/tools/check_erase.py' patch '$tmp/$1.core' \
		0xffffffff81100000 '$tmp/$1.bin' && '$PY' '$S/tests/tools/check_erase.py' patch \
		'$tmp/$1.core' $(nm "$tmp/$1" | awk '$3 == "module_area" { print "0x" $1 }') \
		'$tmp/mod.data'"
}
cat >"$tmp/e.spec" <<SPEC
arch = x86_64
kernel = 6.1
osrelease = $rel
ram = 0x1000-0x9fc00, 0x100000-0x8000000
phys_base = 0x2000000
SPEC
tap_run "build the test module" 0 sh -c "$cc -g -O0 -fno-pic -mcmodel=kernel -ffreestanding \
	-c '$D/testmod.c' -o '$tmp/kx_testmod.ko' && objcopy -O binary -j .data \
	'$tmp/kx_testmod.ko' '$tmp/mod.data'"
build_kernel vmlinux ""
mv "$tmp/vmlinux.core" "$tmp/v.core"

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
	tap_match "$opts: a module not loaded is skipped" \
		"^$D/filter.conf: \\[some_module\\]: module some_module is not loaded in the dump: skipping to next Module section \\(1 command\\(s\\)\\)\\.\$" \
		"$tap_out"
	tap_run "$opts: erased bytes and nothing else" 0 "$PY" "$S/tests/tools/check_erase.py" \
		compare "$tmp/v.core" "$out" "$tmp/ranges"
	tap_run "$opts: --eraseinfo" 0 "$MDF" --eraseinfo "$out"
	tap_check "$opts: --eraseinfo text" "$info" "$tap_out"
	case $opts in -E*) cp "$out" "$tmp/dump.elf" ;; esac
done

# The ELF dump's note, byte for byte: the input's notes, then namesz 10,
# descsz, type 0, "ERASEINFO\0" padded to 12, the text padded to 4 with
# zeros, ending the PT_NOTE segment. 244 bytes of text here; one line
# (23 bytes) with a one-line config.
printf '%s\n' "$info" >"$tmp/info"
tap_run "-E: the ERASEINFO note ends the PT_NOTE segment" 0 "$PY" \
	"$S/tests/tools/check_erase.py" note "$tmp/dump.elf" "$tmp/v.core" "$tmp/info"
tap_match "-E: ... 244 bytes of text" "^ERASEINFO descsz 244, padded with 0\$" "$tap_out"
printf '[vmlinux]\nerase cred.key\n' >"$tmp/one.conf"
printf 'erase cred.key size 32\n' >"$tmp/one.info"
tap_run "-E with a one-line config" 0 "$MDF" -x "$tmp/vmlinux" --config "$tmp/one.conf" \
	-E -d 0 "$tmp/v.core" "$tmp/one.elf"
tap_run "-E with a one-line config: its note" 0 "$PY" \
	"$S/tests/tools/check_erase.py" note "$tmp/one.elf" "$tmp/v.core" "$tmp/one.info"
tap_match "-E with a one-line config: ... padded" "^ERASEINFO descsz 23, padded with 1\$" "$tap_out"
tap_run "-E: readelf -n lists the note" 0 readelf -n "$tmp/dump.elf"
tap_match "-E: readelf -n: ERASEINFO, type 0" \
	"^ +ERASEINFO +0x0+$(printf '%x' "$(wc -c <"$tmp/info")")[[:space:]]+Unknown note type: \(0x00000000\)" \
	"$tap_out"
if command -v crash >/dev/null 2>&1; then
	tap_run "-E: crash --osrelease reads the dump" 0 crash --osrelease "$tmp/dump.elf"
else
	tap_skip "-E: crash --osrelease reads the dump" "crash not installed"
fi
if "$PY" -c 'import drgn' 2>/dev/null; then
	tap_run "-E: drgn opens the dump and reads memory" 0 "$PY" -c '
import sys, drgn
p = drgn.Program()
p.set_core_dump(sys.argv[1])
assert len(p.read(0x100000, 4096, True)) == 4096' "$tmp/dump.elf"
else
	tap_skip "-E: drgn opens the dump" "python3-drgn not installed"
fi
tap_run "-E without --config" 0 "$MDF" -E -d 31 "$tmp/v.core" "$tmp/plain.elf"
tap_run "-E without --config: --eraseinfo" 0 "$MDF" --eraseinfo "$tmp/plain.elf"
tap_check "-E without --config: nothing erased, nothing printed" "" "$tap_out"
"$MDF" -F -d 31 "$tmp/v.core" >"$tmp/flat" 2>/dev/null
tap_run "--eraseinfo of a flattened stream" 1 "$MDF" --eraseinfo "$tmp/flat"
tap_match "--eraseinfo of a flattened stream: says to rebuild it" \
	"^makedumpfile: $tmp/flat: is a flattened stream: rebuild the dump with makedumpfile -R first\$" \
	"$tap_err"
# A kdump-compressed dump made of the ELF one carries its eraseinfo over.
tap_run "-E dump re-filtered into a kdump-compressed one" 0 "$MDF" -l -d 1 "$tmp/dump.elf" \
	"$tmp/from-elf"
tap_run "... --eraseinfo of it" 0 "$MDF" --eraseinfo "$tmp/from-elf"
tap_check "... the same text" "$info" "$tap_out"

if command -v makedumpfile >/dev/null 2>&1; then
	tap_run "Debian's makedumpfile re-filters our dump" 0 makedumpfile -f -d 1 "$tmp/dump" \
		"$tmp/refiltered"
	tap_run "--eraseinfo of its output" 0 "$MDF" --eraseinfo "$tmp/refiltered"
	tap_check "it carried our eraseinfo over" "$info" "$tap_out"
	tap_run "Debian's makedumpfile reads our -E dump" 0 makedumpfile -f -l -d 1 \
		"$tmp/dump.elf" "$tmp/theirs-from-elf"
	tap_run "--eraseinfo of its output" 0 "$MDF" --eraseinfo "$tmp/theirs-from-elf"
	tap_check "it found the ERASEINFO note" "$info" "$tap_out"
	tap_same "and wrote the dump we write of it" "$tmp/theirs-from-elf" "$tmp/from-elf"
fi

# [MODULE] sections: kx_testmod is found in the modules list of vmlinux.c
# (6.1's core_layout, then 6.4's mem[]), its debuginfo under $KX_ROOT's
# /usr/lib/debug/lib/modules/RELEASE, relocated by the section addresses of
# its sect_attrs: .data at module_area, .bss 4096 bytes on.
msym() { nm "$tmp/kx_testmod.ko" | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
mkdir -p "$tmp/root/usr/lib/debug/lib/modules/$rel/kernel/extra"
cp "$tmp/kx_testmod.ko" "$tmp/root/usr/lib/debug/lib/modules/$rel/kernel/extra/"
cat >"$tmp/mod.conf" <<'CONF'
[vmlinux]
erase plain_array size 6
[kx_testmod]
erase mod_cred.token
for k in mod_keys
	erase k.k size 4
endfor
erase mod_bss_secret size 8
[not_loaded]
erase foo
[other_mod]
erase bar
[vmlinux]
erase cred.key
CONF
mod_info='erase plain_array size 6
erase mod_cred.token size 24
erase k.k size 4
erase k.k size 4
erase k.k size 4
erase k.k size 4
erase mod_bss_secret size 8
erase cred.key size 32'
mod_check() {
	kernel=$1
	ma=$(nm "$tmp/$kernel" | awk '$3 == "module_area" { print "0x" $1 }')
	{
		add "$(nm "$tmp/$kernel" | awk '$3 == "plain_array" { print "0x" $1 }')" 0 6 X
		add "$ma" $(($(msym mod_cred) + 16)) 24 X
		for i in 0 1 2 3; do add "$ma" $(($(msym mod_keys) + 8 * i)) 4 X; done
		add "$ma" $((4096 + $(msym mod_bss_secret))) 8 X
		add "$(nm "$tmp/$kernel" | awk '$3 == "cred" { print "0x" $1 }')" 8 32 X
	} >"$tmp/mod.ranges"
	rm -f "$tmp/mod.dump"
	tap_run "$kernel: [MODULE] sections" 0 env KX_ROOT="$tmp/root" "$MDF" -x "$tmp/$kernel" \
		--config "$tmp/mod.conf" -d 0 "$tmp/$kernel.core" "$tmp/mod.dump"
	tap_match "$kernel: a module not loaded is skipped" \
		"^$tmp/mod.conf: \\[not_loaded\\]: module not_loaded is not loaded in the dump: skipping" \
		"$tap_out"
	tap_match "$kernel: a module without debuginfo is skipped" \
		"^$tmp/mod.conf: \\[other_mod\\]: Can't get Module debuginfo for module 'other_mod' \\(no debuginfo for module other_mod in $tmp/root/usr/lib/debug/lib/modules/$rel, $tmp/root/lib/modules/$rel\\): skipping to next Module section \\(1 command\\(s\\)\\)\\.\$" \
		"$tap_out"
	tap_run "$kernel: module bytes erased and nothing else" 0 "$PY" \
		"$S/tests/tools/check_erase.py" compare "$tmp/$kernel.core" "$tmp/mod.dump" "$tmp/mod.ranges"
	tap_run "$kernel: --eraseinfo" 0 "$MDF" --eraseinfo "$tmp/mod.dump"
	tap_check "$kernel: --eraseinfo text" "$mod_info" "$tap_out"
}
mv "$tmp/v.core" "$tmp/vmlinux.core"
mod_check vmlinux
build_kernel vmlinux-mem -DKX_MOD_MEM
mod_check vmlinux-mem
mv "$tmp/vmlinux.core" "$tmp/v.core"

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
