#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The test inside the Debian guest of tests/e2e/test-debian-systemd.sh,
# installed as /usr/local/sbin/kx-e2e-debian and run by kx-e2e.service
# (after kdump.service) at every boot of the guest's systemd:
#   boot 1: kdump.service has armed the crash kernel; report its state,
#           `kdumpctl status`, then crash with sysrq-c. The capture kernel
#           saves the dump to /var/crash on the root file system and its
#           final_action reboots the guest;
#   boot 2: a normal boot again: report kdump.service, `kdumpctl status`
#           and what /var/crash holds, then power off (which ends QEMU).
# Results go to the serial console as "KX-MARK NAME=VALUE" lines, command
# output between "KX-RUN NAME: CMD" and "KX-END NAME" (as guest-lib.sh),
# each after a newline: systemd's status lines share the console and may
# have left one unfinished.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
con=/dev/ttyS0

res() {
	printf '\nKX-MARK %s=%s\n' "$1" "$2" >"$con"
}

run() {
	_n=$1
	shift
	printf '\nKX-RUN %s: %s\n' "$_n" "$*" >"$con"
	"$@" >"$con" 2>&1
	_rc=$?
	printf '\nKX-END %s\n' "$_n" >"$con"
	res "$_n" "$_rc"
}

mkdir -p /var/lib/kx-e2e
boot=$(($(cat /var/lib/kx-e2e/boots 2>/dev/null || echo 0) + 1))
echo "$boot" >/var/lib/kx-e2e/boots
sync
res boot "$boot"
res "uptime-$boot" "$(cut -d' ' -f1 /proc/uptime)"
res "kernel-$boot" "$(uname -r)"
res "pid1-$boot" "$(cat /proc/1/comm)"
res "kdump-service-$boot" "$(systemctl is-active kdump.service)"
res "kdump-enabled-$boot" "$(systemctl is-enabled kdump.service)"
res "crash-loaded-$boot" "$(cat /sys/kernel/kexec_crash_loaded)"
run "status-$boot" kdumpctl status
res "var-crash-$boot" "$(ls /var/crash 2>&1 | tr '\n' ' ')"
if [ "$boot" = 1 ]; then
	if [ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ]; then
		res crash "$(cut -d' ' -f1 /proc/uptime)"
		sync
		echo c >/proc/sysrq-trigger
		res alive-after-crash 1
	fi
else
	ls -l /var/crash/*/ >"$con" 2>&1
fi
res poweroff "$boot"
systemctl poweroff
