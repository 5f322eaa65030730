#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The whole kdump story driven by OUR kdumpctl in an x86_64 QEMU guest (TCG)
# running Debian 12's kernel with crashkernel=256M. The guest root
# (tests/e2e/kdumpctl-init.sh as /init) holds `make install DESTDIR=...` of
# this build, the shipped kdump.conf (plus `ext4 UUID=...`, the virtio dump
# disk; `path /var/crash`) and sysconfig, /boot/vmlinuz-<kver>,
# config-<kver> and Debian's /lib/modules/<kver> (virtio and ext4 part,
# depmod'ed). There:
#   - `kdumpctl start` with an invalid kdump.conf fails with upstream's
#     message and loads nothing; `kdumpctl status` then says not operational;
#   - `kdumpctl start` builds the capture initramfs and runs our kexec -p;
#     `kdumpctl status` says `Kdump is operational`; sysrq-c;
#   - the capture kernel boots kdumpctl's initramfs, whose /init (kdumpctl)
#     loads virtio and ext4 modules, finds the disk by UUID and saves
#     /var/crash/127.0.0.1-<date>/{vmcore,vmcore-dmesg.txt,kexec-dmesg.log}
#     with our makedumpfile (-l --message-level 7 -d 31) and vmcore-dmesg,
#     then reboots (QEMU's -no-reboot ends the run).
# The host reads the files back with debugfs and checks them: crash
# --osrelease, libkdumpfile (VMCOREINFO, utsname, pages), Debian's
# makedumpfile --dump-dmesg, the sysrq lines at the end of vmcore-dmesg.txt,
# and crash's `bt` with the debug vmlinux when it is in the cache (or
# KX_E2E_FETCH_DBG=1 fetches it, about 1 GB of download).
# One guest per KEXEC_ARGS variant, one at a time:
#   KX_E2E_KDUMPCTL_VARIANTS  default "none c": KEXEC_ARGS="" (our default,
#                             kexec_file_load first) and "-c" (kexec_load
#                             with our purgatory); "s" is -s
#   KX_E2E_KDUMPCTL_TIMEOUT   seconds per guest (default 300)
# Serial logs stay in $KX_BUILDDIR/e2e-kdumpctl/ (serial-<variant>.log).
# Nothing here runs kexec on the host.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
case $S in /*) ;; *) S=$(pwd)/$S ;; esac
export KX_BUILDDIR=$B KX_SRCDIR=$S
E2E=$S/tests/e2e
PY=/usr/bin/python3
variants=${KX_E2E_KDUMPCTL_VARIANTS:-"none c"}
timeout_s=${KX_E2E_KDUMPCTL_TIMEOUT:-300}
mem=1024
. "$E2E/lib.sh"

tap_skip_if_quick "kdumpctl in a QEMU guest"

skip_all() {
	tap_skip "kdumpctl in a QEMU guest" "$1"
	tap_done
	exit 0
}
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip_all "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
missing=$(e2e_missing_tools)
[ -z "$missing" ] || skip_all "host tools missing: $missing"
command -v depmod >/dev/null 2>&1 || [ -x /sbin/depmod ] || [ -x /usr/sbin/depmod ] ||
	skip_all "depmod is not installed (apt-get install kmod)"
for p in kdumpctl/kdumpctl kexec/kexec makedumpfile/makedumpfile vmcore-dmesg/vmcore-dmesg; do
	if [ ! -x "$B/$p" ]; then
		tap_not_ok "$p is built"
		tap_done
		exit 1
	fi
done

work=$B/e2e-kdumpctl
rm -rf "$work"
mkdir -p "$work" || exit 1
uuid=6b1d7a52-0c8e-4f3a-9d2e-5a7c3e1f4b60

t=$(e2e_now)
if ! { e2e_fetch_kernel && e2e_fetch_modtree && e2e_fetch_debian_tools; } >"$work/build.log" 2>&1; then
	# Without the network (no cached .debs) there is nothing to boot.
	if grep -q 'apt-get download' "$work/build.log"; then
		skip_all "cannot download Debian's kernel: $(tail -n 3 "$work/build.log" | tr '\n' ' ')"
	fi
	tap_not_ok "fetch Debian's kernel, modules and tools" "$(cat "$work/build.log")"
	tap_done
	exit 1
fi
if ! { e2e_install_tree "$work/destdir" &&
	e2e_build_kdumpctl_guest "$work/guest" "$work/destdir" "$uuid"; } >>"$work/build.log" 2>&1; then
	tap_not_ok "build the guest: make install DESTDIR=..., kdump.conf, kernel, modules" \
		"$(cat "$work/build.log")"
	tap_done
	exit 1
fi
tap_ok "build the guest: Debian's $E2E_KVER, make install of this build ($(e2e_secs "$t") s)"
dbg=
if [ "${KX_E2E_FETCH_DBG:-0}" = 1 ] || [ -f "$E2E_CACHE/dbg/vmlinux-$E2E_KVER" ]; then
	e2e_fetch_dbg_vmlinux >>"$work/build.log" 2>&1 && dbg=$E2E_DBG_VMLINUX
fi

. "$E2E/kdumpctl-checks.sh"

for v in $variants; do
	log=$work/serial-$v.log
	disk=$work/disk-$v.img
	failed_boot=$tap_failed
	e2e_make_dump_disk "$disk" 512 "$uuid" || exit 1
	t=$(e2e_now)
	e2e_qemu_run "$log" "$timeout_s" "$mem" 1 "$E2E_KDIR/vmlinuz" "$work/guest/initrd.img" \
		"console=ttyS0 panic=1 crashkernel=256M kx_kexec_args=$v" "$disk"
	st=$?
	echo "# [$v] QEMU ran $(e2e_secs "$t") s"
	kx_check_cycle "$v" "$log" "$st" "$disk" "$work/out-$v"
	if [ "$tap_failed" != "$failed_boot" ]; then
		echo "# [$v] serial log: $log"
		e2e_print_log "$log" 200
	else
		rm -rf "$disk" "$work/out-$v"
	fi
done
tap_done
