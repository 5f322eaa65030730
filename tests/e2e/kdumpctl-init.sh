#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the first kernel in tests/e2e/test-kdumpctl.sh and main-job.sh:
# a small system whose kdump service is OUR kdumpctl. The guest root holds
# `make install DESTDIR=...` of this tree, /etc/kdump.conf and
# /etc/sysconfig/kdump as shipped (the host adds the dump target line),
# /boot/vmlinuz-<kver>, /boot/config-<kver> and /lib/modules/<kver>.
#   1. KEXEC_ARGS in /etc/sysconfig/kdump from kx_kexec_args= on the kernel
#      command line ("none" for empty, else the option letters: "c" = -c);
#   2. the failure path: `kdumpctl start` with an invalid kdump.conf must
#      fail and load nothing (kx_broken=0 skips it);
#   3. kx_failure_action=ACTION adds `failure_action ACTION` to kdump.conf
#      (the full-disk failure path of test-kdumpctl.sh);
#   4. `kdumpctl start`, `kdumpctl status`, then sysrq-c.
# The capture kernel never runs this script: kdumpctl's own initramfs
# (its /init is kdumpctl) saves the dump and runs final_action.
# Results go to the console as "KX-MARK NAME=VALUE" lines.
. /etc/kx-e2e.sh

kx_basics
if [ -e /proc/vmcore ]; then
	kx_fail "the capture kernel ran the test's /init instead of kdumpctl's initramfs"
fi
kx_mark boot-init
kx_res first-kernel "$(uname -r)"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
hostname kxguest
mkdir -p /var/lib/kdump /run/lock /var/crash

kexec_args=none broken=1 failure_action=
for w in $(cat /proc/cmdline); do
	case $w in
	kx_kexec_args=*) kexec_args=${w#kx_kexec_args=} ;;
	kx_broken=*) broken=${w#kx_broken=} ;;
	kx_failure_action=*) failure_action=${w#kx_failure_action=} ;;
	esac
done
[ "$kexec_args" = none ] && kexec_args= || kexec_args=-$kexec_args
sed -i "s/^KEXEC_ARGS=.*/KEXEC_ARGS=\"$kexec_args\"/" /etc/sysconfig/kdump
kx_res kexec-args "$(grep '^KEXEC_ARGS=' /etc/sysconfig/kdump)"
kx_loaded crash-loaded-boot

if [ "$broken" = 1 ]; then
	cp /etc/kdump.conf /tmp/kdump.conf.good
	echo "final_action explode" >>/etc/kdump.conf
	kx_st start-broken kdumpctl start
	kx_loaded crash-loaded-broken
	kx_st status-broken kdumpctl status
	cp /tmp/kdump.conf.good /etc/kdump.conf
fi

if [ -n "$failure_action" ]; then
	echo "failure_action $failure_action" >>/etc/kdump.conf
	kx_res failure-action "$(grep '^failure_action' /etc/kdump.conf)"
fi

kx_timed kdumpctl-start kx_st start kdumpctl start
kx_loaded crash-loaded-start
kx_st status kdumpctl status
kx_res kdump-initrd "$(ls -l /boot/initramfs-"$(uname -r)"kdump.img 2>&1)"
[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || kx_fail "kdumpctl start loaded nothing"
sync
kx_mark crash
echo c >/proc/sysrq-trigger
kx_fail "still alive after sysrq-c"
