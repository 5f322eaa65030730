#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# LoongArch kexec_load plans (--dry-run -c) over the fake LoongArch roots,
# with synthetic images from tests/tools/mkloongimage: every segment's
# address, sizes and SHA-256 (the expected bytes rebuilt here: the image
# file, the exact command-line text padded with zeros), the entry point and
# the crash ELF core header; then broken images and their errors.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
K="$B/kexec/kexec"
MK="$B/tests/tools/mkloongimage"
R="${KX_TEST_DATA:-${KX_SRCDIR:-.}/tests/data}/roots"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
LA="--arch=loongarch64 --dry-run -c"

# sha256 of stdin
sha() { sha256sum | cut -d' ' -f1; }
# FILE MEMSZ: the file followed by zeros up to MEMSZ
sha_file() { { cat "$1"; head -c $(($2 - $(wc -c <"$1"))) /dev/zero; } | sha; }
# TEXT MEMSZ: the text followed by zeros up to MEMSZ
sha_text() { { printf '%s' "$1"; head -c $(($2 - ${#1})) /dev/zero; } | sha; }
# The dry-run line of segment ROLE, without its number.
seg() { printf '%s\n' "$tap_out" | sed -n "s/^segment [0-9]*: \($1 .*\)/\1/p"; }
# want_seg NAME ROLE BUFSZ MEM MEMSZ SHA
want_seg() {
	tap_check "$1" "$(printf '%-10s bufsz=%s mem=0x%016x memsz=%s sha256=%s' \
		"$2" "$3" "$(($4))" "$5" "$6")" "$(seg "$2")"
}
# want_entry NAME KERNEL_ENTRY: the kernel's entry, or with a purgatory
# segment (arch/loongarch64/purgatory.h) an entry inside that segment.
want_entry() {
	p=$(seg purgatory)
	e=$(printf '%s\n' "$tap_out" | sed -n 's/^entry: //p')
	if [ -z "$p" ]; then
		tap_check "$1" "$(printf '0x%016x' "$(($2))")" "$e"
		return
	fi
	pm=$(printf '%s\n' "$p" | sed -n 's/.* mem=\(0x[0-9a-f]*\) memsz=\(0x[0-9a-f]*\) .*/\1 \2/p')
	set -- "$1" $pm
	if [ $((e)) -ge $(($2)) ] && [ $((e)) -lt $(($2 + $3)) ]; then
		tap_ok "$1 (the purgatory's)"
	else
		tap_not_ok "$1" "entry $e outside the purgatory segment $p"
	fi
}
# want_count NAME N: N segments besides the purgatory
want_count() {
	n=$(printf '%s\n' "$tap_out" | sed -n 's/^segments: //p')
	[ -n "$(seg purgatory)" ] && n=$((n - 1))
	tap_check "$1" "$2" "$n"
}
# Skip what needs a plan when this kexec has no LoongArch purgatory.
no_purgatory() {
	case $tap_err in *"without the LoongArch purgatory"*) return 0 ;; esac
	return 1
}

"$MK" pe "$T/initrd" --file-size=0x6000 || exit 99

# --- the seed machine, kexec -l of vmlinux.efi ---------------------------------
# The QEMU sample's header (kexec-debug-loongarch64-qemu-pei.txt): entry
# 0x13f1000 stored as an old-style virtual address, image 0x1ca0000 bytes,
# text_offset 0x200000, file 0x1b55200 bytes.
"$MK" pe "$T/vmlinux.efi" --file-size=0x1b55200 --image-size=0x1ca0000 \
	--entry=0x13f1000 --virtual || exit 99
tap_run "16g: -l vmlinux.efi" 0 "$K" --root="$R/loongarch64-16g" $LA -l "$T/vmlinux.efi" \
	--initrd="$T/initrd" --append="console=ttyS0,115200"
if no_purgatory; then
	tap_skip "16g -l: plan" "kexec built without the LoongArch purgatory"
else
	tap_match "16g -l: flags" "^flags: 0x01020000$" "$tap_out"
	tap_match "16g -l: 16 KiB pages" "^page-size: 16384$" "$tap_out"
	want_count "16g -l: kernel, cmdline, initrd" 3
	want_seg "16g -l: kernel at its link address" kernel 0x1b55200 0x200000 0x1ca0000 \
		"$(sha_file "$T/vmlinux.efi" $((0x1ca0000)))"
	want_seg "16g -l: initrd top-down" initrd 0x6000 0x47fff8000 0x8000 \
		"$(sha_file "$T/initrd" $((0x8000)))"
	want_seg "16g -l: cmdline right after the kernel, as in the sample" cmdline 0x1000 \
		0x1ea0000 0x4000 \
		"$(sha_text "kexec console=ttyS0,115200 initrd=$((0x47fff8000)),24576" $((0x4000)))"
	want_entry "16g -l: entry" 0x13f1000
fi

# --- the 16 GiB machine with crashkernel=512M: kexec -p of vmlinux ---------------
"$MK" elf "$T/vmlinux" --file-size=0x6000 --image-size=0x40000 --entry=0x201000 \
	--virtual || exit 99
tap_run "16g: -p vmlinux" 0 "$K" --root="$R/loongarch64-16g" $LA -p "$T/vmlinux" \
	--initrd="$T/initrd" --append="ro nr_cpus=1"
if no_purgatory; then
	tap_skip "16g -p: plan" "kexec built without the LoongArch purgatory"
else
	tap_match "16g -p: flags" "^flags: 0x01020001$" "$tap_out"
	want_count "16g -p: kernel, cmdline, initrd, elfcorehdr" 4
	tail -c +$((0x10000 + 1)) "$T/vmlinux" | head -c $((0x6000)) >"$T/vmlinux.load"
	want_seg "16g -p: kernel at crash start + 2 MiB" kernel 0x6000 0x91200000 0x40000 \
		"$(sha_file "$T/vmlinux.load" $((0x40000)))"
	# 4 CPU notes, VMCOREINFO, _text, 6 RAM ranges: 64 + 12 * 56 bytes -> 1 KiB.
	want_seg "16g -p: ELF core header top-down below the last page" elfcorehdr 0x400 \
		0xb0ff8000 0x4000 c40311baaac539da84f80958ea8d3410be2c75842f5ff77428d2cb43ed2a6373
	want_seg "16g -p: initrd top-down under the header" initrd 0x6000 0xb0ff0000 0x8000 \
		"$(sha_file "$T/initrd" $((0x8000)))"
	want_seg "16g -p: capture command line" cmdline 0x1000 0x91240000 0x4000 \
		"$(sha_text "kexec ro nr_cpus=1 nokaslr initrd=$((0xb0ff0000)),24576 elfcorehdr=1K@$((0xb0ff8000 / 1024))K mem=524288K@2375680K" $((0x4000)))"
	want_entry "16g -p: entry relative to where the kernel landed" 0x91201000
fi

# --- low + high crash regions: zboot vmlinuz.efi, gzip and zstd -------------------
"$MK" pe "$T/inner.efi" --file-size=0x40000 --entry=0x2fe000 \
	--image-size=0x100000 || exit 99
for comp in gzip zstd; do
	"$MK" zboot "$T/vmlinuz-$comp.efi" "$T/inner.efi" --comp=$comp || exit 99
	tap_run "low-high: -p vmlinuz.efi ($comp)" 0 "$K" --root="$R/loongarch64-low-high" $LA \
		-p "$T/vmlinuz-$comp.efi" --append="kaslr"
	if no_purgatory; then
		tap_skip "low-high -p ($comp): plan" "kexec built without the LoongArch purgatory"
		continue
	fi
	want_count "low-high ($comp): kernel, cmdline, elfcorehdr" 3
	want_seg "low-high ($comp): decompressed kernel in the high region" kernel 0x40000 \
		0x3fc200000 0x100000 "$(sha_file "$T/inner.efi" $((0x100000)))"
	hdr=$(seg elfcorehdr)
	tap_match "low-high ($comp): header at the top of the high region" \
		"^elfcorehdr bufsz=0x400 mem=0x000000043bff8000 memsz=0x4000 " "$hdr"
	want_seg "low-high ($comp): kaslr kept, one mem= per region" cmdline 0x1000 0x3fc300000 \
		0x4000 "$(sha_text "kexec kaslr elfcorehdr=1K@$((0x43bff8000 / 1024))K mem=262144K@3770368K mem=1048576K@16711680K" $((0x4000)))"
	want_entry "low-high ($comp): entry" 0x3fc2fe000
done

# --- errors -----------------------------------------------------------------------
L16="--root=$R/loongarch64-16g"
"$MK" pe "$T/cut.efi" --truncate=0x30
tap_run "truncated PE header: exit 1" 1 "$K" "$L16" $LA -l "$T/cut.efi"
tap_check "truncated PE header: message" "Cannot determine the file type of $T/cut.efi" "$tap_err"
"$MK" pe "$T/entry.efi" --entry=0x300000
tap_run "entry outside the image: exit 1" 1 "$K" "$L16" $LA -l "$T/entry.efi"
tap_check "entry outside the image: message" "Cannot load $T/entry.efi: $T/entry.efi: entry point 0x300000 is outside the kernel image 0x200000-0x23ffff" "$tap_err"
"$MK" pe "$T/low.efi" --text-offset=0x100000
tap_run "kernel in the kexec area: exit 1" 1 "$K" "$L16" $LA -l "$T/low.efi"
tap_match "kernel in the kexec area: message" "would overlap physical 0x100000-0x1fffff" "$tap_err"
"$MK" zboot "$T/cutz.efi" "$T/inner.efi" --truncate=0x1100
tap_run "truncated zboot payload: exit 1" 1 "$K" "$L16" $LA -l "$T/cutz.efi"
tap_match "truncated zboot payload: message" "zboot payload \(0x[0-9a-f]+ bytes at 0x1000\) is not inside the file of 0x1100 bytes" "$tap_err"
"$MK" zboot "$T/lz4.efi" "$T/inner.efi" --comp-name=lz4
tap_run "zboot lz4: exit 1" 1 "$K" "$L16" $LA -l "$T/lz4.efi"
tap_match "zboot lz4: message" "compressed with \"lz4\": only gzip, zstd, xz and lzma are supported" "$tap_err"
"$MK" elf "$T/vmlinux-static" --no-la-abs
tap_run "-p of a non-relocatable vmlinux: exit 1" 1 "$K" "$L16" $LA -p "$T/vmlinux-static"
tap_match "-p of a non-relocatable vmlinux: message" "no .la_abs section: the kernel is not relocatable" "$tap_err"
"$MK" elf "$T/vmlinux-cut" --truncate=0x10100
tap_run "truncated PT_LOAD: exit 1" 1 "$K" "$L16" $LA -l "$T/vmlinux-cut"
tap_match "truncated PT_LOAD: message" "program header 0: segment of 0x40000 bytes" "$tap_err"
long=$(head -c 4090 /dev/zero | tr '\0' a)
tap_run "command line overflow: exit 1" 1 "$K" "$L16" $LA -l "$T/initrd" --append="$long"
tap_match "command line overflow counts the prefix" "Command line overflow: 4097 bytes" "$tap_err"
cp -r "$R/loongarch64-16g" "$T/hidden"
sed 's/^[0-9a-f]*/0000000000000000/' "$R/loongarch64-16g/proc/kallsyms" >"$T/hidden/proc/kallsyms"
tap_run "-p with hidden kallsyms: exit 1" 1 "$K" --root="$T/hidden" $LA -p "$T/vmlinux"
tap_match "-p with hidden kallsyms: message" "/proc/kallsyms shows _text at 0: kernel addresses are hidden" "$tap_err"

tap_done
