#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kexec --hotplug, --reuseinitrd and --load-preserve-context on x86_64, as
# dry runs over copies of tests/data/roots/x86_64-16g with the sysfs files
# each option reads added or left out.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
K="$B/kexec/kexec"
R="${KX_TEST_DATA:-${KX_SRCDIR:-.}/tests/data}/roots"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp -R "$R/x86_64-16g" "$T/root" && "$B/tests/tools/mkbzimage" "$T/bz" ||
	{ echo "Bail out! setup failed"; exit 1; }
X="--root=$T/root"

# --hotplug: needs CONFIG_CRASH_HOTPLUG's sysfs file.
tap_run "--hotplug without crash_elfcorehdr_size" 1 "$K" "$X" --dry-run -c -p --hotplug "$T/bz"
tap_check "--hotplug says what is missing" \
	"--hotplug needs /sys/kernel/crash_elfcorehdr_size: the running kernel lacks CONFIG_CRASH_HOTPLUG" \
	"$tap_err"
echo 131072 >"$T/root/sys/kernel/crash_elfcorehdr_size"
tap_run "--hotplug -p" 0 "$K" "$X" --dry-run -c -p --hotplug "$T/bz"
tap_match "--hotplug: KEXEC_UPDATE_ELFCOREHDR (0x4) with KEXEC_ON_CRASH" "^flags: 0x003e0005$" "$tap_out"
tap_match "--hotplug: elfcorehdr sized by the kernel (128 KiB)" \
	"^segment [0-9]+: elfcorehdr bufsz=0x400 mem=0x00000000befdf000 memsz=0x20000 " "$tap_out"
tap_run "-p without --hotplug" 0 "$K" "$X" --dry-run -c -p "$T/bz"
tap_match "no --hotplug: plain crash flags, 16 KiB header" \
	"flags: 0x003e0001.*elfcorehdr bufsz=0x400 mem=0x00000000beffb000 memsz=0x4000 " \
	"$(echo "$tap_out" | tr '\n' ' ')"
tap_run "--hotplug with -l is ignored" 0 "$K" "$X" --dry-run -c -l --hotplug "$T/bz"
tap_match "-l --hotplug: no flag" "^flags: 0x003e0000$" "$tap_out"

# --reuseinitrd: only when the running kernel kept it (retain_initrd).
tap_run "--reuseinitrd without retain_initrd" 1 "$K" "$X" --dry-run -c -l --reuseinitrd "$T/bz"
tap_check "--reuseinitrd: upstream's message" \
	"unrecoverable error: current boot didn't retain the initrd for reuse." "$tap_err"
sed 's/$/ retain_initrd/' "$R/x86_64-16g/proc/cmdline" >"$T/root/proc/cmdline"
tap_run "--reuseinitrd without /sys/firmware/initrd" 1 "$K" "$X" --dry-run -c -l --reuseinitrd "$T/bz"
tap_match "names the missing file" "sys/firmware/initrd" "$tap_err"
printf 'kept initramfs\n' >"$T/root/sys/firmware/initrd"
sum=$( (cat "$T/root/sys/firmware/initrd"; head -c $((4096 - 15)) /dev/zero) | sha256sum | cut -d' ' -f1)
tap_run "--reuseinitrd -c" 0 "$K" "$X" --dry-run -c -l --reuseinitrd "$T/bz"
tap_match "--reuseinitrd: the kept initrd is the initrd segment" \
	"^segment [0-9]+: initrd     bufsz=0xf mem=0x[0-9a-f]+ memsz=0x1000 sha256=$sum$" "$tap_out"
tap_run "--reuseinitrd via kexec_file_load" 0 "$K" "$X" --dry-run -s -l --reuseinitrd "$T/bz"
tap_match "--reuseinitrd -s: passed as the initrd" "^initrd: /sys/firmware/initrd$" "$tap_out"
printf 'other\n' >"$T/rd"
tap_run "--reuseinitrd --initrd" 0 "$K" "$X" --dry-run -s -l --reuseinitrd --initrd="$T/rd" "$T/bz"
tap_match "--initrd wins over the kept one" "^initrd: $T/rd$" "$tap_out"

# --load-preserve-context: kexec_load only, --mem-max required, backups.
tap_run "--load-preserve-context without --mem-max" 1 "$K" "$X" --dry-run -l --load-preserve-context "$T/bz"
tap_check "upstream's --mem-max message" \
	"Please specify memory range used by kexeced kernel to preserve the context of original kernel with \"--mem-max\" parameter" \
	"$tap_err"
tap_run "--load-preserve-context -s" 1 "$K" "$X" --dry-run -s -l --load-preserve-context --mem-max=0x3fffffff "$T/bz"
tap_check "-s refuses it" "--load-preserve-context not supported with --kexec-file-syscall" "$tap_err"
tap_run "--load-preserve-context (default -a)" 0 "$K" "$X" --dry-run -l --load-preserve-context \
	--mem-max=0x3fffffff "$T/bz"
tap_match "-a goes to kexec_load with KEXEC_PRESERVE_CONTEXT" \
	"^dry-run: kexec_load flags=0x003e0002 -> ok$" "$tap_out"
# The RAM below 1 GiB is 0x1000-0x9fc00 and 0x100000-: every page not
# used by the kernel's segments becomes a zero-filled backup segment.
tap_match "backup of the low RAM" \
	"^segment 0: backup     bufsz=0x0 mem=0x0000000000001000 memsz=0x9e000 " "$tap_out"
tap_match "backup up to the kernel" \
	"^segment 1: backup     bufsz=0x0 mem=0x0000000000100000 memsz=0x3fd00000 " "$tap_out"
tap_match "everything below --mem-max" "^segment [0-9]+: kernel     bufsz=0x6000 mem=0x000000003fe00000 " "$tap_out"
tap_check "no backup above --mem-max" "" \
	"$(echo "$tap_out" | grep '^segment.*backup' | grep -vE 'mem=0x00000000[0-3]')"
tap_done
