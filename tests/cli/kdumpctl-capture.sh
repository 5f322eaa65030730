#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The capture side (`kdumpctl --dry-run capture`, what /init runs) on the
# host: a fake root with a synthesized vmcore as /proc/vmcore and the dump
# target a directory. --dry-run records mounts, module loads and reboots
# instead of doing them; vmcore-dmesg, makedumpfile and the hooks run.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=$(cd "${KX_BUILDDIR:-.}" && pwd)
KD="$B/kdumpctl/kdumpctl"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'umount "$T/full/kdumproot" 2>/dev/null; rm -rf "$T"' EXIT
PATH="$B/makedumpfile:$B/vmcore-dmesg:$PATH"
export PATH

cat >"$T/spec" <<'SPEC'
arch = x86_64
kernel = 6.1
ram = 0x1000-0x9f000, 0x100000-0x4000000
default_fill = zero
printk = lockless
log 0.000000 caller=T0 "Linux version 6.1.0-18-amd64"
log 99.999999 caller=C0 "sysrq: Trigger a crash"
SPEC

# root NAME: a capture root with kdump.conf lines from stdin.
root() {
	R="$T/$1"
	mkdir -p "$R/proc" "$R/sys/class/block" "$R/dev" "$R/kdumproot" "$R/etc/kdump/post.d" \
		"$R/etc/kdump/pre.d" "$R/etc/kdump/emergency.d" "$R/bin"
	"$B/tests/gen/mkvmcore" "$T/spec" "$R/proc/vmcore" || echo "Bail out! mkvmcore"
	cat >"$R/etc/kdump.conf"
	echo "dump ext4 /dev/vda1 /var/crash" >"$R/etc/kdump/targets"
	echo "/lib/modules/6.1.0/kernel/fs/ext4/ext4.ko.xz" >"$R/etc/kdump/modules"
	: >"$R/dev/vda1"
	printf '6,1,2500000,-;capture kernel says hello\n' >"$R/dev/kmsg"
	# Hooks log their order and $1 in the root.
	for h in bin/pre bin/post bin/emergency etc/kdump/pre.d/10 etc/kdump/post.d/10 \
		etc/kdump/emergency.d/10; do
		printf '#!/bin/sh\necho "%s $*" >>"%s/hooks.log"\n' "$h" "$R" >"$R/$h"
		chmod 755 "$R/$h"
	done
}
cap() { "$KD" --root="$1" --dry-run capture; }

root ok <<'CONF'
path /var/crash
core_collector makedumpfile -l --message-level 7 -d 31 -F
kdump_pre /bin/pre
kdump_post /bin/post
kdump_emergency /bin/emergency
CONF
R="$T/ok"
tap_run "capture" 0 cap "$R"
tap_check "recorded actions" "mount proc proc $R/proc
mount sysfs sysfs $R/sys
mount devtmpfs devtmpfs $R/dev
load $R/lib/modules/6.1.0/kernel/fs/ext4/ext4.ko.xz
mount ext4 $R/dev/vda1 $R/kdumproot
action reboot" "$tap_out"
set -- "$R"/kdumproot/var/crash/127.0.0.1-*
DIR=$1
tap_match "the dated directory" \
	"/127\.0\.0\.1-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$" "$DIR"
tap_check "its files" "kexec-dmesg.log
vmcore
vmcore-dmesg.txt" "$(ls "$DIR")"
tap_check "mode 0600" "600 600 600" \
	"$(stat -c %a "$DIR/vmcore" "$DIR/vmcore-dmesg.txt" "$DIR/kexec-dmesg.log" | tr '\n' ' ' |
		sed 's/ $//')"
tap_check "vmcore-dmesg.txt" "[    0.000000] Linux version 6.1.0-18-amd64
[   99.999999] sysrq: Trigger a crash" "$(cat "$DIR/vmcore-dmesg.txt")"
tap_match "kdump-compressed (-F dropped)" "^KDUMP   " "$(head -c 8 "$DIR/vmcore")"
# readable: libkdumpfile opens it and finds the crashed kernel's release.
kdf() {
	"$PY" -c 'import kdumpfile,sys
k = kdumpfile.kdumpfile(sys.argv[1])
print(k.attr["file.format"], k.attr["linux.uts.release"])' "$1"
}
if "$PY" -c 'import kdumpfile' 2>/dev/null; then
	tap_run "libkdumpfile reads the vmcore" 0 kdf "$DIR/vmcore"
	tap_match "libkdumpfile: kdump-compressed, the release" "^diskdump 6\.1" "$tap_out"
else
	tap_skip "libkdumpfile reads the vmcore" "no python3-libkdumpfile"
fi
tap_match "kexec-dmesg.log: the capture kernel's log" "^\[    2\.500000\] capture kernel says hello$" \
	"$(cat "$DIR/kexec-dmesg.log")"
tap_match "kexec-dmesg.log: our messages" "^kdump: saving vmcore complete$" \
	"$(cat "$DIR/kexec-dmesg.log")"
tap_check "hooks: pre, pre.d, post.d and post with status 0" "bin/pre 
etc/kdump/pre.d/10 
etc/kdump/post.d/10 0
bin/post 0" "$(cat "$R/hooks.log")"

# A target too small: makedumpfile fails, vmcore-incomplete stays, the
# emergency hooks and failure_action run, then nothing else (reboot).
limit_root() {
	root "$1" <<CONF
core_collector makedumpfile -l --message-level 7 -d 31 $2
kdump_post /bin/post
kdump_emergency /bin/emergency
failure_action $3
final_action poweroff
CONF
}
check_failed() {
	R="$T/$1"
	set -- "$R"/kdumproot/var/crash/127.0.0.1-*
	tap_check "$2: files" "kexec-dmesg.log
vmcore-dmesg.txt
vmcore-incomplete" "$(ls "$1")"
	tap_match "$2: says so" "^kdump: saving vmcore failed, exitcode:[1-9]" "$tap_err"
}
# makedumpfile -L: the dump may not exceed 4 KiB.
limit_root small "-L 4096" reboot
tap_run "small target" 1 cap "$T/small"
check_failed small "small target"
tap_match "small target: failure_action reboot, no final_action" "action reboot$" "$tap_out"
tap_check "small target: hooks" "etc/kdump/pre.d/10 
etc/kdump/post.d/10 1
bin/post 1
etc/kdump/emergency.d/10 
bin/emergency " "$(cat "$T/small/hooks.log")"

limit_root shell "-L 4096" shell
tap_run "failure_action shell" 1 cap "$T/shell"
tap_match "shell, then final_action" "action shell
action poweroff$" "$tap_out"

# A full tmpfs, when we may mount one.
if [ "$(id -u)" = 0 ]; then
	limit_root full "" halt
	if mount -t tmpfs -o size=256k kx-full "$T/full/kdumproot" 2>/dev/null; then
		tap_run "full tmpfs" 1 cap "$T/full"
		check_failed full "full tmpfs"
		tap_match "full tmpfs: failure_action halt" "action halt$" "$tap_out"
		umount "$T/full/kdumproot"
	else
		tap_skip "full tmpfs" "cannot mount a tmpfs"
	fi
else
	tap_skip "full tmpfs" "not root"
fi

# dump_to_rootfs: the dump goes to path on the root file system.
limit_root rfs "-L 4096" dump_to_rootfs
echo "rootfs ext4 /dev/vda2" >>"$T/rfs/etc/kdump/targets"
: >"$T/rfs/dev/vda2"
mkdir -p "$T/rfs/sysroot"
tap_run "dump_to_rootfs" 1 cap "$T/rfs"
tap_match "dump_to_rootfs: mounts the root" "mount ext4 $T/rfs/dev/vda2 $T/rfs/sysroot" "$tap_out"
tap_check "dump_to_rootfs: tried there too" "1" \
	"$(ls -d "$T"/rfs/sysroot/var/crash/127.0.0.1-* | wc -l | tr -d ' ')"

# raw: a flattened dump onto the device, restored with makedumpfile -R.
root raw <<'CONF'
raw /dev/vdb
core_collector makedumpfile -l --message-level 7 -d 31
CONF
echo "raw /dev/vdb" >"$T/raw/etc/kdump/targets"
: >"$T/raw/dev/vdb"
tap_run "raw" 0 cap "$T/raw"
tap_run "makedumpfile -R restores it" 0 sh -c 'makedumpfile -R "$1" <"$2"' sh "$T/restored" \
	"$T/raw/dev/vdb"
tap_match "raw: the restored dump is kdump-compressed" "^KDUMP   " "$(head -c 8 "$T/restored")"
if "$PY" -c 'import kdumpfile' 2>/dev/null; then
	tap_run "raw: libkdumpfile reads the restored dump" 0 kdf "$T/restored"
else
	tap_skip "raw: libkdumpfile reads the restored dump" "no python3-libkdumpfile"
fi

# UUID= found by reading superblocks, when mke2fs can make one.
if command -v mke2fs >/dev/null 2>&1; then
	root uuid <<'CONF'
ext4 UUID=6e9a4e0c-4d9e-4c35-9a2c-0f1e2d3c4b5a
CONF
	echo "dump ext4 UUID=6e9a4e0c-4d9e-4c35-9a2c-0f1e2d3c4b5a /var/crash" >"$T/uuid/etc/kdump/targets"
	mkdir -p "$T/uuid/sys/class/block/vdc" "$T/uuid/sys/class/block/vda1"
	mke2fs -q -F -t ext4 -U 6e9a4e0c-4d9e-4c35-9a2c-0f1e2d3c4b5a "$T/uuid/dev/vdc" 2M >/dev/null 2>&1
	tap_run "UUID=" 0 cap "$T/uuid"
	tap_match "UUID=: the device with that superblock" "mount ext4 $T/uuid/dev/vdc " "$tap_out"
else
	tap_skip "UUID=" "no mke2fs"
fi

tap_run "capture outside the capture kernel needs --dry-run" 1 "$KD" --root="$T/ok" capture
tap_match "refuses" "not the capture kernel's /init" "$tap_err"
tap_done
