#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the vmcore-capturing guest (tests/e2e/capture-vmcore.sh). The
# same initramfs boots both kernels:
#   first kernel:   fills memory realistically, arms the capture kernel
#                   with `kexec -p`, and crashes through sysrq;
#   capture kernel: (/proc/vmcore exists) saves the dump to the ext4 disk
#                   and powers off.
# Settings come from /etc/kx-e2e.conf (see capture-vmcore.sh).
. /etc/kx-e2e.sh

kx_basics
if [ -e /proc/vmcore ]; then
	kx_mark capture-init
	kx_mount_disk /mnt
	ls -l /proc/vmcore
	if [ -x /bin/makedumpfile ]; then
		# The reference dump, made where makedumpfile normally runs.
		kx_timed guest-makedumpfile makedumpfile $KX_GUEST_MDF_ARGS /proc/vmcore \
			/mnt/guest-makedumpfile.kdump >/mnt/guest-makedumpfile.log 2>&1 ||
			kx_mark WARN "makedumpfile failed: $(tail -n 3 /mnt/guest-makedumpfile.log)"
	fi
	if [ -x /bin/vmcore-dmesg ]; then
		kx_timed guest-vmcore-dmesg vmcore-dmesg /proc/vmcore \
			>/mnt/guest-vmcore-dmesg.txt 2>/mnt/guest-vmcore-dmesg.err ||
			kx_mark WARN "vmcore-dmesg failed"
	fi
	if [ "${KX_SAVE_ELF:-1}" = 1 ]; then
		kx_timed copy-elf dd if=/proc/vmcore of=/mnt/vmcore.elf bs=1M 2>/mnt/copy-elf.log ||
			kx_fail "copying /proc/vmcore failed: $(cat /mnt/copy-elf.log)"
	fi
	cat /proc/cmdline >/mnt/capture-cmdline.txt
	kx_mark capture-sync
	umount /mnt || sync
	kx_mark capture-done
	kx_poweroff
fi

kx_mark boot-init
kx_mount_disk /mnt
uname -a >/mnt/first-uname.txt
cat /proc/cmdline >/mnt/first-cmdline.txt
cat /proc/iomem >/mnt/first-iomem.txt

# Realistic memory: page cache of a regular file (on ext4, so with buffer
# heads: -d 4), tmpfs (shmem) data, and anonymous user memory (hog: part
# patterned, part zero-filled). The rest stays free (-d 16).
if [ "${KX_PAGECACHE_MIB:-0}" -gt 0 ]; then
	kx_timed pagecache dd if=/dev/urandom of=/mnt/pagecache.bin bs=1M \
		count="$KX_PAGECACHE_MIB" 2>/dev/null
	sync
	cat /mnt/pagecache.bin >/dev/null
fi
if [ "${KX_TMPFS_MIB:-0}" -gt 0 ]; then
	mkdir -p /shm
	mount -t tmpfs -o size=$((KX_TMPFS_MIB + 8))m tmpfs /shm
	dd if=/dev/urandom of=/shm/data bs=1M count="$KX_TMPFS_MIB" 2>/dev/null
	# Some text too, for anyone who looks for it in the dump.
	i=0
	while [ $i -lt 200 ]; do echo "kx-e2e tmpfs line $i"; i=$((i + 1)); done >/shm/text
fi
if [ "${KX_HOG_MIB:-0}" -gt 0 ] && [ -x /bin/hog ]; then
	hog "$KX_HOG_MIB" /tmp/hog.ready &
	i=0
	while [ ! -f /tmp/hog.ready ]; do
		i=$((i + 1))
		[ $i -gt 1200 ] && kx_fail "hog did not get ready"
		sleep 0.1
	done
	kx_mark hog-ready "mib=$KX_HOG_MIB"
fi
sync
grep -E '^(MemTotal|MemFree|Cached|Shmem|AnonPages|Buffers):' /proc/meminfo |
	tee /mnt/first-meminfo.txt

echo "kexec ${KX_KEXEC_ARGS:-}-p /vmlinuz --initrd=/initrd.img --append=\"$KX_CAPTURE_APPEND\""
# shellcheck disable=SC2086 # KX_KEXEC_ARGS is a word list, like KEXEC_ARGS
kx_timed kexec-load kexec ${KX_KEXEC_ARGS:-} -p /vmlinuz --initrd=/initrd.img --append="$KX_CAPTURE_APPEND" ||
	kx_fail "kexec -p failed"
[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || kx_fail "kexec_crash_loaded is not 1"
kx_mark armed
sync
# The disk stays mounted so its page cache stays in memory for the dump.
kx_mark crash
echo c >/proc/sysrq-trigger
kx_fail "still alive after sysrq-c"
