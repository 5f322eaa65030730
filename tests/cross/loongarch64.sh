#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The LoongArch cross-compile job: configure for loongarch64-linux-gnu with
# clang-19 on a machine that has no LoongArch C library, which must select
# the cross-objects-only mode by itself, then `make cross-objects` must
# build the LoongArch purgatory, every object under arch/loongarch64 and
# the freestanding common/ pieces as LoongArch ELF relocatables with
# warnings as errors. Run from tests/run-all.sh as its own tier, or by hand:
#   KX_SRCDIR=. sh tests/cross/loongarch64.sh
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
SRC=$(cd "${KX_SRCDIR:-.}" && pwd)
CC_LA="clang-19 --target=loongarch64-linux-gnu"

if ! command -v clang-19 >/dev/null 2>&1 || ! command -v ld.lld-19 >/dev/null 2>&1; then
	tap_skip "LoongArch cross build" "clang-19 and lld-19 are not installed"
	tap_done
	exit
fi
[ -x "$SRC/configure" ] || { tap_not_ok "configure exists (run autoreconf -fi)"; tap_done; exit; }
B=$(mktemp -d)
trap 'rm -rf "$B"' EXIT

# objects SRCS...: the cross-objects/ names of sources.
objects() {
	for f in "$@"; do
		echo "cross-objects/$(echo "$f" | tr / _).o"
	done
}

tap_run "configure --host=loongarch64-linux-gnu CC='$CC_LA'" 0 \
	sh -c "cd '$B' && '$SRC/configure' --host=loongarch64-linux-gnu CC='$CC_LA' --enable-werror"
tap_match "configure finds no C library and builds cross objects only" \
	'cross objects only *: yes' "$tap_out"
tap_match "configure enables the LoongArch purgatory" 'LoongArch purgatory *: yes' "$tap_out"
tap_run "make cross-objects" 0 make -C "$B" cross-objects
la=$(find "$SRC/arch/loongarch64" -maxdepth 1 -name '*.c' | sed "s|^$SRC/||" | sort)
for o in arch/loongarch64/purgatory/purgatory.ro $(objects $la arch/vtop.c arch/purgatory.c \
		arch/purgatory_verify.c common/sha256.c); do
	tap_match "$o is a LoongArch relocatable" 'Type: +REL .*Machine: +LoongArch' \
		"$(readelf -h "$B/$o" 2>&1 | tr '\n' ' ')"
done
# Freestanding means no library calls: nothing undefined in sha256.
tap_check "common/sha256.c calls no library function" "" \
	"$(nm -u "$B/$(objects common/sha256.c)" 2>&1)"
# The purgatory is soft-float (lp64s), as the kernel's relocation code needs.
tap_match "the purgatory uses the soft-float ABI" 'Flags: +0x[0-9a-f]+, SOFT-FLOAT' \
	"$(readelf -h "$B/arch/loongarch64/purgatory/purgatory.ro" 2>&1 | tr '\n' ' ')"

# Without the mode the same compiler cannot link, so configure must refuse:
# the mode, not luck, is what makes the job pass.
mkdir -p "$B/forced"
tap_run "--disable-cross-objects-only with no LoongArch libc fails in configure" 77 \
	sh -c "cd '$B/forced' && '$SRC/configure' --host=loongarch64-linux-gnu CC='$CC_LA' --disable-cross-objects-only"
tap_match "and says the compiler cannot create executables" 'cannot create executables' "$tap_err"
tap_done
