#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs the real cross-built LoongArch purgatory under qemu-loongarch64-static.
#
# mkimage_loongarch64 (a host program using arch/purgatory.c) relocates the
# purgatory embedded in this build for 0x40000000, patches it, digests three
# fake segments and writes an image; harness_loongarch64.S (a freestanding
# static LoongArch program, built here with clang + ld.lld) maps the image
# at its fixed addresses and enters the purgatory with a0-a2 set the way
# the kernel's relocate_new_kernel does. The purgatory must reach the
# harness's test_kernel_entry with a0-a2 intact (exit 0), or, after one
# flipped byte, never get there (it spins: timeout's 124).
#
# Skips, saying why, without clang-19/ld.lld-19, qemu-loongarch64-static or
# a LoongArch purgatory in this build. CI installs them.
. "$KX_SRCDIR/tests/lib/tap.sh"

clang=${KX_PURGATORY_CLANG:-clang-19}
lld=${KX_PURGATORY_LLD:-ld.lld-19}
mkimage="$KX_BUILDDIR/tests/purgatory/mkimage_loongarch64"
modes="ok flip-data flip-pad flip-last skip-flip"

skip_all() {
	for m in $modes; do
		tap_skip "LoongArch purgatory: $m" "$1"
	done
	tap_done
	exit $?
}

qemu=
for q in qemu-loongarch64-static qemu-loongarch64; do
	if command -v "$q" >/dev/null 2>&1; then
		qemu=$q
		break
	fi
done
[ -n "$qemu" ] || skip_all "qemu-loongarch64-static not installed (apt-get install qemu-user-static)"
command -v "$clang" >/dev/null 2>&1 || skip_all "$clang not installed (apt-get install clang-19)"
command -v "$lld" >/dev/null 2>&1 || skip_all "$lld not installed (apt-get install lld-19)"
nm=nm
command -v llvm-nm-19 >/dev/null 2>&1 && nm=llvm-nm-19

tap_tmp=$(mktemp -d)
"$mkimage" "$tap_tmp/probe.img" 0 ok 2>"$tap_tmp/probe.err"
case $? in
0) ;;
77) skip_all "this build has no LoongArch purgatory (configure found no clang-19/lld-19)" ;;
*) tap_not_ok "mkimage_loongarch64 runs" "$(cat "$tap_tmp/probe.err")"; tap_done; exit 1 ;;
esac

harness="$tap_tmp/harness"
if ! "$clang" --target=loongarch64-linux-gnusf -mabi=lp64s -c \
	"$KX_SRCDIR/tests/purgatory/harness_loongarch64.S" -o "$harness.o" 2>"$tap_tmp/cc.err" ||
   ! "$lld" -static -e _start -o "$harness" "$harness.o" 2>>"$tap_tmp/cc.err"; then
	tap_not_ok "build the LoongArch harness" "$(cat "$tap_tmp/cc.err")"
	tap_done
	exit 1
fi
entry=$("$nm" "$harness" | awk '$3 == "test_kernel_entry" { print $1 }')

for m in $modes; do
	case $m in
	ok | skip-flip) want=0 ;;
	*) want=124 ;; # halted: spinning until timeout kills it
	esac
	"$mkimage" "$tap_tmp/$m.img" "$entry" "$m"
	tap_run "LoongArch purgatory: $m (exit $want)" "$want" \
		timeout 5 "$qemu" "$harness" "$tap_tmp/$m.img"
done
tap_done
