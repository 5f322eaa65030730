#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kdumpctl's own kdump initramfs builder, checked by listing what it wrote
# with cpio(1): our three programs and every library ldd(1) (an independent
# resolver) says they load, /init, the configuration and the dump target,
# and the kernel modules of a fake modules tree (dependencies first, a
# built-in one and an unknown one). With $KX_E2E_CACHE holding Debian's
# linux-image .deb and depmod(8) at hand, the same against its real modules.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
KD="$B/kdumpctl/kdumpctl"
D="${KX_TEST_DATA:-${KX_SRCDIR:-.}/tests/data}/roots"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
V=6.1.0-56-amd64
UUID=0f3c2b7e-1d2a-4c5b-9e8f-7a6b5c4d3e2f
export KX_MAKEDUMPFILE="$B/makedumpfile/makedumpfile" KX_VMCORE_DMESG="$B/vmcore-dmesg/vmcore-dmesg"
for p in cpio zcat; do
	command -v $p >/dev/null 2>&1 || { echo "1..0 # SKIP no $p"; exit 0; }
done

X="$T/x"
cp -R "$D/x86_64-16g-kdump" "$X" && mkdir -p "$X/run/lock" || { echo "Bail out! copy"; exit 1; }
"$B/tests/tools/mkbzimage" "$X/boot/vmlinuz-$V" || { echo "Bail out! mkbzimage"; exit 1; }
rm -f "$X/boot/initramfs-${V}kdump.img"
# The root file system on a virtio disk: /proc/mounts, by-uuid, sysfs.
echo "/dev/vda1 / ext4 rw,relatime 0 0" >"$X/proc/mounts"
mkdir -p "$X/dev/disk/by-uuid" && ln -s ../../vda1 "$X/dev/disk/by-uuid/$UUID"
P=devices/pci0000:00/0000:00:04.0
mkdir -p "$X/sys/$P/virtio1/block/vda/vda1" "$X/sys/class/block" \
	"$X/sys/bus/virtio/drivers/virtio_blk" "$X/sys/bus/pci/drivers/virtio-pci" \
	"$X/sys/module/virtio_blk" "$X/sys/module/virtio_pci"
ln -s "../../$P/virtio1/block/vda/vda1" "$X/sys/class/block/vda1"
ln -s ../../../../bus/virtio/drivers/virtio_blk "$X/sys/$P/virtio1/driver"
ln -s ../../../bus/pci/drivers/virtio-pci "$X/sys/$P/driver"
ln -s ../../../../module/virtio_blk "$X/sys/bus/virtio/drivers/virtio_blk/module"
ln -s ../../../../module/virtio_pci "$X/sys/bus/pci/drivers/virtio-pci/module"
# A modules tree: ext4 needs three, virtio_blk and virtio_pci share one.
M="$X/lib/modules/$V"
mkdir -p "$M/kernel/fs/ext4" "$M/kernel/fs/jbd2" "$M/kernel/lib" "$M/kernel/drivers/block" \
	"$M/kernel/drivers/virtio" "$M/kernel/drivers/net"
for f in fs/ext4/ext4.ko.xz lib/crc16.ko fs/mbcache.ko.zst fs/jbd2/jbd2.ko \
	drivers/block/virtio_blk.ko drivers/virtio/virtio_ring.ko drivers/virtio/virtio_pci.ko \
	drivers/net/dummy.ko drivers/net/unused.ko; do
	echo "module $f" >"$M/kernel/$f"
done
cat >"$M/modules.dep" <<'DEP'
kernel/fs/ext4/ext4.ko.xz: kernel/fs/mbcache.ko.zst kernel/fs/jbd2/jbd2.ko kernel/lib/crc16.ko
kernel/lib/crc16.ko:
kernel/fs/mbcache.ko.zst:
kernel/fs/jbd2/jbd2.ko: kernel/lib/crc16.ko
kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/dummy.ko:
kernel/drivers/net/unused.ko:
DEP
echo "kernel/drivers/block/loop.ko" >"$M/modules.builtin"
# Hooks and extra files.
mkdir -p "$X/etc/kdump/pre.d" "$X/usr/local/bin"
printf 'data\n' >"$X/usr/local/bin/extra" && chmod 755 "$X/usr/local/bin/extra"
printf 'not a program\n' >"$X/etc/kdump/pre.d/10-hook" && chmod 755 "$X/etc/kdump/pre.d/10-hook"
printf 'ignored\n' >"$X/etc/kdump/pre.d/20-not-executable"
{
	echo "extra_modules dummy loop no_such_module"
	echo "extra_bins /usr/local/bin/extra"
} >>"$X/etc/kdump.conf"

kd() { KX_KEXEC="false" "$KD" --root="$X" --arch=x86_64 "$@"; }
IMG="$X/boot/initramfs-${V}kdump.img"
tap_run "rebuild" 0 kd rebuild
tap_check "rebuild: messages" "kdump: Rebuilding /boot/initramfs-${V}kdump.img
kdump: WARNING: Module no_such_module not found" "$tap_err"
tap_check "mode 0600" "600" "$(stat -c %a "$IMG")"
L="$T/list"
zcat "$IMG" | cpio -t --quiet >"$L" 2>"$T/cpio.err"
tap_check "gzip + cpio -t read it cleanly" "" "$(cat "$T/cpio.err")"
has() { grep -qx "$1" "$L"; }
for f in init usr/sbin/kdumpctl usr/sbin/makedumpfile usr/sbin/vmcore-dmesg etc/kdump.conf \
	etc/kdump/targets etc/kdump/modules dev/console dev/kmsg dev/null proc sys kdumproot \
	usr/local/bin/extra etc/kdump/pre.d/10-hook; do
	if has "$f"; then tap_ok "has $f"; else tap_not_ok "has $f" "$(cat "$L")"; fi
done
if has etc/kdump/pre.d/20-not-executable; then
	tap_not_ok "a hook that is not executable is left out"
else
	tap_ok "a hook that is not executable is left out"
fi
# Every library ldd resolves for our programs, at ldd's path (links included).
for prog in "$KD" "$KX_MAKEDUMPFILE" "$KX_VMCORE_DMESG"; do
	for lib in $(ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		n=$(basename "$lib")
		real=$(readlink -f "$lib")
		if grep -q "/$n\$" "$L" && has "${real#/}"; then
			tap_ok "$(basename "$prog"): $n ($real)"
		else
			tap_not_ok "$(basename "$prog"): $n ($real)" "$(grep lib "$L")"
		fi
	done
done
for n in libz.so libzstd.so liblzo2.so libelf.so libc.so ld-linux; do
	if grep -q "/$n" "$L"; then tap_ok "has $n"; else tap_not_ok "has $n"; fi
done
x() { zcat "$IMG" | cpio -i --quiet --to-stdout "$1" 2>/dev/null; }
tap_check "targets: the root file system by UUID" "dump ext4 UUID=$UUID /var/crash" \
	"$(x etc/kdump/targets)"
tap_check "modules: block drivers, file system, extra_modules; dependencies first" \
	"/lib/modules/$V/kernel/drivers/virtio/virtio_ring.ko
/lib/modules/$V/kernel/drivers/block/virtio_blk.ko
/lib/modules/$V/kernel/drivers/virtio/virtio_pci.ko
/lib/modules/$V/kernel/fs/mbcache.ko.zst
/lib/modules/$V/kernel/lib/crc16.ko
/lib/modules/$V/kernel/fs/jbd2/jbd2.ko
/lib/modules/$V/kernel/fs/ext4/ext4.ko.xz
/lib/modules/$V/kernel/drivers/net/dummy.ko" "$(x etc/kdump/modules)"
tap_check "a module file is copied as it is" "module fs/ext4/ext4.ko.xz" \
	"$(x "lib/modules/$V/kernel/fs/ext4/ext4.ko.xz")"
if grep -q unused.ko "$L"; then tap_not_ok "no unused module"; else tap_ok "no unused module"; fi
tap_check "/init is a link to kdumpctl" "/usr/sbin/kdumpctl" \
	"$(zcat "$IMG" | cpio -tv --quiet 2>/dev/null | sed -n 's/.* init -> //p')"

# Nothing changed: start does not rebuild.
tap_run "start: up to date" 1 kd start
tap_match "start: no rebuild" "^kdump: kexec: failed to load kdump kernel$" "$tap_err"
case $tap_err in *Rebuilding*) tap_not_ok "start: no Rebuilding" "$tap_err" ;;
*) tap_ok "start: no Rebuilding" ;; esac
# kdump.conf newer: start rebuilds.
sleep 1
touch "$X/etc/kdump.conf"
tap_run "start: conf changed" 1 kd start
tap_match "start: rebuilds" "^kdump: Rebuilding /boot/initramfs-${V}kdump.img$" "$tap_err"

# Without udev (a busybox system) there is no /dev/disk/by-uuid: a dump disk
# given by UUID is found by its superblock, and its drivers still go in.
if command -v mkfs.ext4 >/dev/null 2>&1 || [ -x /sbin/mkfs.ext4 ]; then
	U2=3e5f0a1b-2c4d-4e6f-8a9b-0c1d2e3f4a5b
	P2=devices/pci0000:00/0000:00:05.0
	cp "$X/etc/kdump.conf" "$T/kdump.conf.saved"
	mv "$X/dev/disk" "$T/disk.saved"
	truncate -s 8M "$X/dev/vdb" && PATH=$PATH:/sbin:/usr/sbin mkfs.ext4 -q -F -U "$U2" "$X/dev/vdb"
	mkdir -p "$X/sys/$P2/virtio2/block/vdb"
	ln -s "../../$P2/virtio2/block/vdb" "$X/sys/class/block/vdb"
	ln -s ../../../../bus/virtio/drivers/virtio_blk "$X/sys/$P2/virtio2/driver"
	echo "ext4 UUID=$U2" >>"$X/etc/kdump.conf"
	tap_run "no udev: rebuild" 0 kd rebuild
	case $tap_err in *"no block device"*) tap_not_ok "no udev: no sysfs warning" "$tap_err" ;;
	*) tap_ok "no udev: no sysfs warning" ;; esac
	tap_check "no udev: targets" "dump ext4 UUID=$U2 /var/crash" "$(x etc/kdump/targets)"
	tap_match "no udev: the disk's driver virtio_blk" "/virtio_blk.ko" "$(x etc/kdump/modules)"
	mv "$T/kdump.conf.saved" "$X/etc/kdump.conf"
	mv "$T/disk.saved" "$X/dev/disk"
	rm -f "$X/dev/vdb" "$X/sys/class/block/vdb"
else
	tap_skip "no udev" "no mkfs.ext4"
fi

# A kernel configured for zstd initramfs gets zstd.
if command -v zstd >/dev/null 2>&1; then
	printf 'CONFIG_RD_GZIP=y\nCONFIG_RD_ZSTD=y\n' >"$X/boot/config-$V"
	tap_run "rebuild: zstd" 0 kd rebuild
	tap_check "zstd magic" "28b52ffd" "$(od -An -tx1 -N4 "$IMG" | tr -d ' \n')"
	tap_match "zstd + cpio" "usr/sbin/makedumpfile" "$(zstd -dc "$IMG" | cpio -t --quiet)"
else
	tap_skip "rebuild: zstd" "no zstd(1)"
fi

# An nfs target is not built yet: the build fails clearly.
sed -i '/^extra_modules/d' "$X/etc/kdump.conf"
echo "nfs server:/export" >>"$X/etc/kdump.conf"
tap_run "nfs: unsupported" 1 kd rebuild
tap_match "nfs: says so" "nfs dump targets are not supported" "$tap_err"
tap_match "nfs: upstream's failure line" "^kdump: mkdumprd: failed to make kdump initrd$" "$tap_err"

# Debian's real modules tree, when the e2e cache has the kernel package and
# depmod(8) can write its modules.dep.
E2E=${KX_E2E_CACHE:-$B/e2e-cache}
DEB=$(ls "$E2E"/debs/linux-image-$V*_amd64.deb 2>/dev/null | head -n 1)
DEPMOD=$(command -v depmod || ls /usr/sbin/depmod /sbin/depmod 2>/dev/null | head -n 1)
if [ -n "$DEB" ] && [ -n "$DEPMOD" ] && command -v dpkg-deb >/dev/null 2>&1; then
	rm -rf "$M" "$X/boot/config-$V"
	sed -i '/^nfs /d' "$X/etc/kdump.conf"
	echo "extra_modules virtio_net" >>"$X/etc/kdump.conf"
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$X" --wildcards \
		"./lib/modules/$V/modules.*" "./lib/modules/$V/kernel/fs/*" \
		"./lib/modules/$V/kernel/lib/*" "./lib/modules/$V/kernel/crypto/*" \
		"./lib/modules/$V/kernel/drivers/*" "./lib/modules/$V/kernel/arch/*"
	"$DEPMOD" -b "$X" "$V"
	tap_run "Debian modules: rebuild" 0 kd rebuild
	x etc/kdump/modules >"$T/mods"
	zcat "$IMG" | cpio -t --quiet >"$L" 2>/dev/null
	# ext4 and what depmod says it needs, each before ext4.
	want=$(sed -n 's|^\(kernel/fs/ext4/ext4.ko[^:]*\):\(.*\)|\2 \1|p' "$X/lib/modules/$V/modules.dep")
	pos_ext4=$(grep -n '/ext4.ko' "$T/mods" | cut -d: -f1)
	for m in $want; do
		p=$(grep -nx "/lib/modules/$V/$m" "$T/mods" | cut -d: -f1)
		if [ -n "$p" ] && [ "$p" -le "${pos_ext4:-0}" ] && has "lib/modules/$V/$m"; then
			tap_ok "Debian: $m"
		else
			tap_not_ok "Debian: $m" "$(cat "$T/mods")"
		fi
	done
	for m in virtio_net virtio_blk; do
		if grep -q "/$m.ko" "$T/mods"; then tap_ok "Debian: $m listed"; else
			tap_not_ok "Debian: $m listed" "$(cat "$T/mods")"; fi
	done
else
	tap_skip "Debian modules" "no linux-image-$V .deb in $E2E/debs or no depmod"
fi
tap_done
