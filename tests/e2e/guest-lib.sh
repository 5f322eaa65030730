# SPDX-License-Identifier: GPL-2.0-only
# The guest side of tests/e2e: installed as /etc/kx-e2e.sh in every guest
# initramfs and sourced by its /init (busybox sh). Markers go to the serial
# console as "KX-E2E: NAME uptime=SECONDS [TEXT]"; the host parses them
# (e2e_marker in lib.sh).

export PATH=/bin
[ -f /etc/kx-e2e.conf ] && . /etc/kx-e2e.conf

kx_mark() {
	_kx_name=$1
	shift
	read -r _kx_up _kx_idle </proc/uptime
	# To the console even when the caller redirected stdout.
	echo "KX-E2E: $_kx_name uptime=$_kx_up $*" >/dev/console
}

kx_poweroff() {
	sync
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 10
}

# kx_fail TEXT: reports the failure and powers the guest off.
kx_fail() {
	kx_mark FAIL "$*"
	kx_poweroff
}

# kx_basics: /proc, /sys, /dev, /tmp and the modules of /etc/kx-modules.
kx_basics() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
	mount -t tmpfs -o size=64m tmpfs /tmp
	while read -r _kx_m; do
		insmod "$_kx_m" || kx_mark WARN "insmod $_kx_m failed"
	done </etc/kx-modules
}

# kx_wait_dev DEV [SECONDS]
kx_wait_dev() {
	_kx_i=0
	while [ ! -b "$1" ]; do
		_kx_i=$((_kx_i + 1))
		[ "$_kx_i" -gt $((${2:-10} * 10)) ] && return 1
		sleep 0.1
	done
}

# kx_mount_disk [DIR]: the virtio disk (ext4) at DIR (default /mnt).
kx_mount_disk() {
	kx_wait_dev /dev/vda || kx_fail "no /dev/vda"
	mount -t ext4 /dev/vda "${1:-/mnt}" || kx_fail "cannot mount /dev/vda"
}

# kx_timed NAME CMD...: runs CMD, marks NAME-start and NAME-end (with its
# exit status); returns CMD's status.
kx_timed() {
	_kx_tn=$1
	shift
	kx_mark "$_kx_tn-start"
	"$@"
	_kx_st=$?
	kx_mark "$_kx_tn-end" "status=$_kx_st"
	return $_kx_st
}

# kx_res NAME VALUE: one result line for the host ("KX-MARK NAME=VALUE").
kx_res() {
	echo "KX-MARK $1=$2" >/dev/console
}

# kx_st NAME CMD...: runs CMD with its output to the console between
# "KX-RUN NAME: CMD" and "KX-END NAME" lines; reports its exit status.
kx_st() {
	_kx_sn=$1
	shift
	echo "KX-RUN $_kx_sn: $*" >/dev/console
	"$@" >/dev/console 2>&1
	_kx_rc=$?
	echo "KX-END $_kx_sn" >/dev/console
	kx_res "$_kx_sn" "$_kx_rc"
	return $_kx_rc
}

# kx_loaded NAME: reports /sys/kernel/kexec_crash_loaded.
kx_loaded() {
	kx_res "$1" "$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null || echo missing)"
}
