#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kdump story on a real distribution userspace: a Debian 12 guest made
# with debootstrap (lib.sh's e2e_fetch_debian_root, cached), Debian's kernel
# and its own initramfs-tools initrd, systemd as init, the root file system
# on a virtio disk. This build is installed into it with `make install
# DESTDIR=<root>`, /etc/kdump.conf and /etc/sysconfig/kdump as shipped (no
# dump target: /var/crash on the root file system), and `systemctl enable
# kdump` in the chroot (no getty on the serial console: it carries the
# test's results). QEMU boots it with crashkernel=256M and without
# -no-reboot:
#   boot 1: kdump.service (our unit, our kdumpctl) arms the crash kernel;
#           kx-e2e.service (debian-guest.sh) reports `kdumpctl status` and
#           crashes the kernel with sysrq-c;
#   capture: kdumpctl's initramfs saves /var/crash/127.0.0.1-<date>/ on the
#           root file system; final_action reboot resets the machine;
#   boot 2: a normal boot: kdump.service arms again, `kdumpctl status` says
#           operational, /var/crash holds the dump; the guest powers off.
# The host reads the files back from the disk image with debugfs and checks
# them (kdumpctl-checks.sh's checks of the saved files and the vmcore).
#   KX_E2E_DEBIAN_TIMEOUT  seconds for the whole run (default 900)
#   KX_E2E_MIRROR          Debian mirror for debootstrap
# Needs root (debootstrap, chroot, mkfs.ext4 -d keeping owners) and
# debootstrap; skips without them or without a reachable mirror. The
# serial log stays in $KX_BUILDDIR/e2e-debian/serial.log (printed on
# failure). Nothing here runs kexec on the host: the chroot only gets
# files, dpkg and `systemctl enable` (no service is started in it).
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_e2e_setup
timeout_s=${KX_E2E_DEBIAN_TIMEOUT:-900}
. "$E2E/lib.sh"

name="kdump in a debootstrap'ed Debian guest with systemd"
tap_skip_guests "$name"
e2e_tap_need_host "$name"
[ "$(id -u)" = 0 ] || e2e_tap_skip_all "$name" "needs root (debootstrap, chroot, mkfs.ext4 -d with owners)"
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] ||
	e2e_tap_skip_all "$name" "debootstrap is not installed (apt-get install debootstrap)"
e2e_tap_need_suite

work=$B/e2e-debian
rm -rf "$work"
mkdir -p "$work" || exit 1

t=$(e2e_now)
e2e_tap_fetch_all "$name" "$work/build.log"
if ! e2e_fetch_debian_root >>"$work/build.log" 2>&1; then
	# A mirror that cannot be reached is this machine's limit, not a bug.
	if grep -qE 'Failed getting release file|Temporary failure resolving|Could not resolve|Connection refused|Network is unreachable' \
			"$E2E_CACHE/debian-root/$E2E_KVER/debootstrap.log" 2>/dev/null; then
		e2e_tap_skip_all "$name" "debootstrap cannot reach ${KX_E2E_MIRROR:-http://deb.debian.org/debian}: $(grep -E 'E:|W:' "$E2E_CACHE/debian-root/$E2E_KVER/debootstrap.log" | head -n 2 | tr '\n' ' ')"
	fi
	e2e_tap_fail_all "debootstrap a Debian 12 root" "$(tail -n 30 "$work/build.log")"
fi
tap_ok "Debian 12 root (debootstrap, cached in $E2E_CACHE/debian-root/$E2E_KVER) ready ($(e2e_secs "$t") s)"

# The guest's root: the cached tree, this build, the kdump configuration as
# shipped, the test unit; kdump.service enabled the way an admin would.
t=$(e2e_now)
root=$work/root
build_root() {
	cp -a "$E2E_DEBROOT" "$root" &&
		e2e_install_tree "$work/destdir" && cp -a "$work/destdir/." "$root/" &&
		cp "$work/destdir$E2E_SYSCONFDIR/kdump.conf" "$root/etc/kdump.conf" &&
		mkdir -p "$root/etc/sysconfig" &&
		cp "$work/destdir$E2E_SYSCONFDIR/sysconfig/kdump" "$root/etc/sysconfig/kdump" &&
		install -m 755 "$E2E/debian-guest.sh" "$root/usr/local/sbin/kx-e2e-debian" &&
		install -m 644 "$E2E/kx-e2e.service" "$root/etc/systemd/system/kx-e2e.service" &&
		echo kxguest >"$root/etc/hostname" &&
		printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab" &&
		mkdir -p "$root/var/crash" || return 1
	# A sanitizer build needs libasan/libubsan, which the Debian root lacks:
	# the host's (also Debian 12) copies of whatever it is missing.
	for prog in $(cd "$work/destdir" && find . -type f -perm -u+x -path '*bin/*'); do
		for lib in $(ldd "$work/destdir/$prog" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'); do
			[ -e "$root$lib" ] || [ -e "$root/usr$lib" ] ||
				{ echo "adding the host's $lib"; cp -L "$lib" "$root/usr$lib"; } || return 1
		done
	done
	unit=$(cd "$root" && find . -name kdump.service -path '*systemd/system/*' | head -n 1)
	[ -n "$unit" ] || { echo "make install put no kdump.service"; return 1; }
	echo "kdump.service installed at ${unit#.}"
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		systemctl enable kdump.service kx-e2e.service &&
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			systemctl mask serial-getty@ttyS0.service || return 1
	e2e_make_root_disk "$work/root.img" 2048 "$root"
}
if ! build_root >>"$work/build.log" 2>&1; then
	e2e_tap_fail_all "the guest's root disk: make install DESTDIR, kdump.conf, systemctl enable kdump" \
		"$(tail -n 30 "$work/build.log")"
fi
tap_ok "root disk: make install DESTDIR=<root>, systemctl enable kdump kx-e2e ($(e2e_secs "$t") s)"
tap_match "kdump.service is installed where systemd finds it" 'kdump.service installed at /usr/(local/)?lib/systemd/system/kdump.service' \
	"$(cat "$work/build.log")"
rm -rf "$root"

# The boots. No -no-reboot: final_action reboot boots the guest again.
dbg=
if [ "${KX_E2E_FETCH_DBG:-0}" = 1 ] || [ -f "$E2E_CACHE/dbg/vmlinux-$E2E_KVER" ]; then
	e2e_fetch_dbg_vmlinux >>"$work/build.log" 2>&1 && dbg=$E2E_DBG_VMLINUX
fi

log=$work/serial.log
t=$(e2e_now)
E2E_QEMU_REBOOT=1 e2e_qemu_run "$log" "$timeout_s" 1024 1 "$E2E_DEBROOT/boot/vmlinuz-$E2E_KVER" \
	"$E2E_DEBROOT/boot/initrd.img-$E2E_KVER" \
	"root=/dev/vda rw console=ttyS0 crashkernel=256M panic=10 net.ifnames=0" "$work/root.img"
st=$?
echo "# QEMU ran $(e2e_secs "$t") s (two boots of systemd and the capture kernel)"
failed_before=$tap_failed
. "$E2E/kdumpctl-checks.sh"
case $st in
0) tap_ok "QEMU ran to the second boot's power-off" ;;
124) tap_not_ok "QEMU ran to the second boot's power-off" "timed out after $timeout_s s" ;;
*) tap_not_ok "QEMU ran to the second boot's power-off" "QEMU status $st" ;;
esac
# What the serial log shows of each boot: systemd as PID 1, kdump.service.
tap_check "boot 1: PID 1 is systemd" systemd "$(kx_res "$log" pid1-1)"
tap_check "boot 1: the kernel is Debian's $E2E_KVER" "$E2E_KVER" "$(kx_res "$log" kernel-1)"
tap_check "boot 1: kdump.service is enabled" enabled "$(kx_res "$log" kdump-enabled-1)"
tap_check "boot 1: kdump.service is active" active "$(kx_res "$log" kdump-service-1)"
tap_check "boot 1: kexec_crash_loaded is 1" 1 "$(kx_res "$log" crash-loaded-1)"
tap_check "boot 1: kdumpctl status exits 0" 0 "$(kx_res "$log" status-1)"
tap_match "boot 1: kdumpctl status: Kdump is operational" '^kdump: Kdump is operational' \
	"$(kx_seg "$log" status-1)"
tap_check "boot 1: /var/crash is empty" "" "$(kx_res "$log" var-crash-1)"
tap_match "boot 1: sysrq-c crashes the kernel" 'sysrq: Trigger a crash' "$(tr -d '\r' <"$log")"
# The capture kernel's part: up to its reset, before boot 2.
kc=$(kx_capture_log "$log" | sed '/reboot: Restarting system/q')
kx_check_saved debian "$kc"
tap_check "boot 2 happened (the reboot after the capture)" 2 "$(kx_res "$log" boot)"
tap_check "boot 2: PID 1 is systemd" systemd "$(kx_res "$log" pid1-2)"
tap_check "boot 2: kdump.service is active again" active "$(kx_res "$log" kdump-service-2)"
tap_check "boot 2: kexec_crash_loaded is 1 again" 1 "$(kx_res "$log" crash-loaded-2)"
tap_check "boot 2: kdumpctl status exits 0" 0 "$(kx_res "$log" status-2)"
tap_match "boot 2: kdumpctl status: Kdump is operational" '^kdump: Kdump is operational' \
	"$(kx_seg "$log" status-2)"
tap_match "boot 2: /var/crash holds the dump directory" \
	'^127\.0\.0\.1-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2} $' "$(kx_res "$log" var-crash-2)"
tap_check "boot 2: the guest powers off" 2 "$(kx_res "$log" poweroff)"
# The files, read from the root disk on the host.
kx_check_files debian "$work/root.img" "$work/out"
kx_check_vmcore debian "$work/out"
b1=$(kx_res "$log" uptime-1) cr=$(kx_res "$log" crash) b2=$(kx_res "$log" uptime-2)
echo "# boot 1: kx-e2e.service at ${b1:-?} s of uptime, sysrq-c at ${cr:-?} s; boot 2: kx-e2e.service at ${b2:-?} s"
if [ "$tap_failed" != "$failed_before" ]; then
	echo "# serial log: $log"
	e2e_print_log "$log" 300
else
	rm -rf "$work/root.img" "$work/out" "$work/destdir"
fi
tap_done
