#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kexec against the fake roots: status, crash-size, unload and the exit
# codes that need no image loader. Everything that would change the system
# runs with --dry-run; a fake root without it is refused before any syscall.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
K="$B/kexec/kexec"
R="${KX_TEST_DATA:-${KX_SRCDIR:-.}/tests/data}/roots"
X="--root=$R/x86_64-16g"

tap_run "-S: crash kernel not loaded" 0 "$K" "$X" -S
tap_check "-S prints nothing" "" "$tap_out"
tap_run "-l -S: kernel not loaded" 0 "$K" "$X" -l -S
tap_run "KX_ROOT stands in for --root" 0 env KX_ROOT="$R/loongarch64-16g" "$K" --print-ckr-size
tap_check "--print-ckr-size via KX_ROOT" "536870912" "$tap_out"
tap_run "-S without kexec_crash_loaded is 255" 255 "$K" --root="$R/x86_64-2g-cloudhypervisor" -S
tap_match "-S names the missing file" "sys/kernel/kexec_crash_loaded: cannot open" "$tap_err"

tap_run "--print-ckr-size x86_64" 0 "$K" "$X" --print-ckr-size
tap_check "--print-ckr-size is 256 MiB" "268435456" "$tap_out"
tap_run "--print-ckr-size low+high" 0 "$K" --root="$R/loongarch64-low-high" --print-ckr-size
tap_check "--print-ckr-size is the last region" "1073741824" "$tap_out"
tap_run "--print-ckr-size without crashkernel" 0 "$K" --root="$R/loongarch64-3a6000-hvisor" --print-ckr-size
tap_check "--print-ckr-size is 0" "0" "$tap_out"

tap_run "-u --dry-run" 0 "$K" "$X" --dry-run -u
tap_check "-u tries kexec_file_load first" "dry-run: kexec_file_load (unload) flags=0x00000001 -> ok" "$tap_out"
tap_run "-p -u -c --dry-run" 0 "$K" "$X" --dry-run -p -u -c
tap_check "-p -u -c unloads the crash kernel by kexec_load" \
	"dry-run: kexec_load (unload) flags=0x003e0001 -> ok" "$tap_out"
tap_run "-u -c --dry-run --arch=loongarch64" 0 "$K" "$X" --dry-run --arch=loongarch64 -u -c
tap_match "the unload carries KEXEC_ARCH_LOONGARCH" "flags=0x01020000" "$tap_out"
tap_run "-u with a fake root needs --dry-run" 1 "$K" "$X" -u
tap_match "-u refusal says why" "add --dry-run" "$tap_err"

tap_run "-p without crash kernel memory is 254" 254 "$K" --root="$R/loongarch64-3a6000-hvisor" \
	--dry-run --arch=loongarch64 -p /dev/null
tap_match "-p without crash kernel says so" "^Memory for crashkernel is not reserved" "$tap_err"
tap_run "-l of an unknown image is 1" 1 "$K" "$X" --dry-run -l /dev/null
tap_check "-l of an unknown image: upstream wording" \
	"Cannot determine the file type of /dev/null" "$tap_err"
tap_run "-l without a kernel is 1" 1 "$K" "$X" --dry-run -l
tap_run "-e with nothing loaded is 1" 1 "$K" "$X" --dry-run -e
tap_check "-e with nothing loaded" "Nothing has been loaded!" "$tap_err"
tap_run "x86 loader option without a load" 1 "$K" "$X" --dry-run -e --append=quiet
tap_run "LoongArch allows --append with -u" 0 "$K" "$X" --dry-run --arch=loongarch64 -u --append=quiet
tap_run "x86 option on LoongArch" 1 "$K" "$X" --dry-run --arch=loongarch64 --reset-vga -l /dev/null
tap_match "x86 option on LoongArch: message" "option --reset-vga is not available on loongarch64" "$tap_err"
tap_run "unknown --arch" 1 "$K" "$X" --dry-run --arch=sparc64 -u
tap_run "bad --mem-min" 1 "$K" --mem-min=lots -l /dev/null
tap_match "bad --mem-min: message" "Bad option value in --mem-min=lots" "$tap_err"
tap_run "--reuseinitrd is refused" 1 "$K" "$X" --dry-run --reuseinitrd -l /dev/null

tap_done
