#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kexec's x86_64 loaders (bzImage64, elf-x86_64) from the command line,
# against the fake root x86_64-16g, always with --dry-run: synthetic images
# from tests/tools/mkbzimage, then Debian's real kernel when it can be
# fetched (apt-get download, cached under $KX_E2E_CACHE or $KX_BUILDDIR/e2e-cache; the .deb
# is unpacked with dpkg-deb, never installed).
#
# The exact plans are checked in tests/unit/test_x86_bzimage.c with a
# stand-in purgatory. Here, until the real purgatory is built, a kexec_load
# plan must stop with "x86_64 purgatory not built"; once it is, the plan is
# checked for what does not depend on the purgatory's size.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
K="$B/kexec/kexec"
MK="$B/tests/tools/mkbzimage"
R="${KX_TEST_DATA:-${KX_SRCDIR:-.}/tests/data}/roots"
X="--root=$R/x86_64-16g"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$MK" "$T/bz" && "$MK" truncate=1000 "$T/short" && "$MK" xloadflags=0 "$T/bz32" &&
	"$MK" version=0x020a "$T/old" && "$MK" setup_sects=200 truncate=4096 "$T/sects" ||
	{ echo "Bail out! mkbzimage failed"; exit 1; }
head -c 4096 /dev/zero >"$T/initrd"

# kexec_file_load only asks the probe: the synthetic image passes it.
tap_run "-p bzImage through kexec_file_load" 0 "$K" "$X" --dry-run -p --append=quiet "$T/bz"
tap_match "kexec_file_load on crash" "^dry-run: kexec_file_load flags=0x00000006 -> ok" "$tap_out"

# check_load NAME ARGS...: a kexec_load plan, or the purgatory's absence.
check_load() {
	name=$1
	shift
	"$K" "$X" --dry-run -c "$@" >"$T/out" 2>"$T/err"
	st=$?
	if grep -q "x86_64 purgatory not built" "$T/err"; then
		tap_check "$name: stops without a purgatory (exit 1)" 1 "$st"
		tap_match "$name: one line, names the kernel" "^Cannot load .*: x86_64 purgatory not built" \
			"$(cat "$T/err")"
		return 1
	fi
	tap_check "$name: exit 0" 0 "$st"
	tap_check "$name: no message" "" "$(cat "$T/err")"
	tap_match "$name: purgatory segment" "^segment [0-9]+: purgatory " "$(cat "$T/out")"
	tap_match "$name: boot_params segment" "^segment [0-9]+: bootparams bufsz=0x1000 " "$(cat "$T/out")"
	return 0
}

if check_load "-l bzImage" -l "$T/bz" --initrd="$T/initrd" --append=console=ttyS0; then
	tap_match "-l: kernel 2 MiB aligned, memsz init_size" \
		"^segment [0-9]+: kernel     bufsz=0x6000 mem=0x[0-9a-f]{11}00000 memsz=0x10000 " \
		"$(cat "$T/out")"
fi
if check_load "-p bzImage" -p "$T/bz" --initrd="$T/initrd" --pass-memmap-cmdline; then
	tap_match "-p: crash flags" "^flags: 0x003e0001$" "$(cat "$T/out")"
	tap_match "-p: kernel inside the crash region" \
		"^segment [0-9]+: kernel     bufsz=0x6000 mem=0x00000000b[0-9a-e][02468ace]00000 " \
		"$(cat "$T/out")"
	tap_match "-p: elfcorehdr of 16 KiB" "^segment [0-9]+: elfcorehdr bufsz=0x400 mem=0x00000000be[0-9a-f]{6} memsz=0x4000 " \
		"$(cat "$T/out")"
fi

# Images the loaders refuse: one line, exit 1.
for img in short bz32 old sects; do
	tap_run "-c -l $img is refused" 1 "$K" "$X" --dry-run -c -l "$T/$img"
	tap_check "-c -l $img says why in one line" "Cannot determine the file type of $T/$img" "$tap_err"
done
tap_run "-t bzImage64 on a 32-bit kernel" 1 "$K" "$X" --dry-run -c -t bzImage64 -l "$T/bz32"
tap_check "-t bzImage64 names the mismatch" \
	"Wrong file type bzImage64, file matches type unknown" "$tap_err"
# A LoongArch vmlinux-shaped ELF is no x86_64 kernel.
printf '\177ELF\002\001\001' >"$T/la" && head -c 9 /dev/zero >>"$T/la" &&
	printf '\002\000\002\001' >>"$T/la" && head -c 1024 /dev/zero >>"$T/la"
tap_run "-c -l of a LoongArch ELF is refused" 1 "$K" "$X" --dry-run -c -l "$T/la"
tap_check "the LoongArch ELF: one line" "Cannot determine the file type of $T/la" "$tap_err"

# Debian's kernel: the probe and the plan on a real bzImage.
deb_kernel() {
	cache="${KX_E2E_CACHE:-$B/e2e-cache}/linux-image"
	v=$(ls "$cache"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$v" ] && { echo "$v"; return 0; }
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || return 1
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
	[ -n "$pkg" ] || return 1
	mkdir -p "$cache" && (cd "$cache" && apt-get download -qq "$pkg" >/dev/null 2>&1 &&
		dpkg-deb --fsys-tarfile "$pkg"_*.deb | tar -x --wildcards './boot/vmlinuz-*' &&
		rm -f "$pkg"_*.deb) || return 1
	ls "$cache"/boot/vmlinuz-* 2>/dev/null | head -n 1
}
if V=$(deb_kernel) && [ -n "$V" ]; then
	tap_run "Debian kernel: -p via kexec_file_load" 0 "$K" "$X" --dry-run -p \
		--append="console=ttyS0 nr_cpus=1" --initrd="$T/initrd" "$V"
	tap_match "Debian kernel: the file-load plan" "^cmdline: \"console=ttyS0 nr_cpus=1\"$" "$tap_out"
	if check_load "Debian kernel -p" -p --append="console=ttyS0 nr_cpus=1" --initrd="$T/initrd" "$V"; then
		tap_match "Debian kernel: kernel in the crash region, 2 MiB aligned" \
			"^segment [0-9]+: kernel     bufsz=0x[0-9a-f]+ mem=0x00000000b[0-9a-e][02468ace]00000 " \
			"$(cat "$T/out")"
	fi
	tap_run "Debian kernel: -t elf-x86_64 refuses it" 1 "$K" "$X" --dry-run -c -t elf-x86_64 -l "$V"
	tap_check "Debian kernel: -t elf-x86_64 says so" \
		"Wrong file type elf-x86_64, file matches type bzImage64" "$tap_err"
else
	tap_skip "Debian kernel" "cannot download linux-image-amd64 (no apt, no network or no dpkg-deb)"
fi
tap_done
